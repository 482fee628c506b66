"""/v1/files: upload, import by URL, and reading files back (only within the organization)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assay.context import Context
from tests.api.conftest import AppFactory
from tests.factories import Api, Tenant, make_tenant

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _error(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["status_code"] == status
    return str(body["error"])


def _upload(api: Api, data: bytes, name: str = "photo.png", ctype: str = "image/png") -> Any:
    return api.post("/v1/files/upload", files={"file": (name, data, ctype)})


class _Origin(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/pics/cat.png":
            self.send_response(200)
            self.send_header("content-type", "image/png")
            self.send_header("content-length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)
        else:
            self.send_response(404)
            self.send_header("content-length", "0")
            self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@pytest.fixture
def origin() -> Iterator[str]:
    """A web server on 127.0.0.1 serving ``/pics/cat.png``; 404 for anything else."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class TestUpload:
    def test_upload_then_read_back(self, api: Api) -> None:
        r = api.post(
            "/v1/files/upload",
            files={"file": ("photo.png", PNG, "image/png")},
            data={"display_name": "A cat", "reference_id": "ref-1", "project_name": "pets"},
        )
        assert r.status_code == 200, r.text
        meta = r.json()
        assert meta == {
            "id": meta["id"],
            "attachment_url": f"http://testserver/v1/files/{meta['id']}",
            "filename": "photo.png",
            "mime_type": "image/png",
            "size": len(PNG),
            "sha256": hashlib.sha256(PNG).hexdigest(),
            "display_name": "A cat",
            "reference_id": "ref-1",
            "project_name": "pets",
            "created_at": meta["created_at"],
        }
        got = api.get(f"/v1/files/{meta['id']}")
        assert got.status_code == 200
        assert got.content == PNG
        assert got.headers["content-type"] == "image/png"
        assert got.headers["content-length"] == str(len(PNG))
        assert got.headers["x-content-type-options"] == "nosniff"
        text = _upload(api, "héllo\n".encode(), name="notes.txt", ctype="text/plain").json()
        assert (text["mime_type"], text["size"]) == ("text/plain", 7)
        assert api.get(f"/v1/files/{text['id']}").content == "héllo\n".encode()
        empty = _upload(api, b"", name="empty.bin", ctype="application/octet-stream").json()
        assert empty["size"] == 0
        assert api.get(f"/v1/files/{empty['id']}").content == b""

    def test_who_can_read(self, api: Api, ctx: Context, tenant: Tenant) -> None:
        file_id = _upload(api, PNG).json()["id"]
        path = f"/v1/files/{file_id}"
        assert api.as_key(tenant.annotator_key).get(path).content == PNG
        assert api.as_key(tenant.admin_key).get(path).content == PNG
        assert _error(api.as_key(tenant.requester_test_key).get(path), 404) == "file not found"
        assert _error(api.as_key(tenant.annotator_test_key).get(path), 404) == "file not found"
        other = make_tenant(ctx, "globex")
        assert _error(api.as_key(other.requester_key).get(path), 404) == "file not found"
        assert _error(api.as_key(other.annotator_key).get(path), 404) == "file not found"
        assert _error(api.get("/v1/files/0123456789abcdef01234567"), 404) == "file not found"
        r = api.get("/v1/files/..%2F..%2Fassay.db")
        assert _error(r, 404) == "no such endpoint: /v1/files"

    def test_refusals(self, api: Api, tenant: Tenant) -> None:
        r = _upload(api.as_key(tenant.annotator_key), PNG)
        assert _error(r, 403) == "role 'annotator' may not upload files"
        r = api.post("/v1/files/upload", data={"display_name": "x"})
        assert _error(r, 400) == "file: field required"

    def test_over_max_file_bytes_is_413(
        self, app_with: AppFactory, tenant: Tenant, origin: str
    ) -> None:
        small = Api(app_with(max_file_bytes=1000), tenant.requester_key)
        r = _upload(small, b"x" * 1001)
        assert _error(r, 413) == "file is larger than the limit of 1000 bytes"
        assert r.json()["code"] == "too_large"
        r = small.post("/v1/files/import", json={"file_url": f"{origin}/pics/cat.png"})
        assert _error(r, 413) == "file is larger than the limit of 1000 bytes"
        assert _upload(small, b"x" * 1000).json()["size"] == 1000

    def test_uploads_are_bounded_by_the_file_limit_not_the_body_limit(
        self, app_with: AppFactory, tenant: Tenant
    ) -> None:
        app = Api(app_with(max_body_bytes=2000, max_file_bytes=50_000), tenant.requester_key)
        data = bytes(range(256)) * 100  # 25,600 bytes
        meta = _upload(app, data, name="big.bin", ctype="application/octet-stream").json()
        assert app.get(f"/v1/files/{meta['id']}").content == data
        r = app.post("/v1/files/import", json={"file_url": "http://x/" + "a" * 3000})
        assert _error(r, 413) == "the request body is larger than the limit of 2000 bytes"


class TestImport:
    def test_import_from_url(self, api: Api, origin: str) -> None:
        url = f"{origin}/pics/cat.png"
        r = api.post("/v1/files/import", json={"file_url": url, "reference_id": "r"})
        assert r.status_code == 200, r.text
        meta = r.json()
        assert (meta["filename"], meta["mime_type"], meta["size"]) == ("cat.png", "image/png", 1032)
        assert (meta["sha256"], meta["reference_id"]) == (hashlib.sha256(PNG).hexdigest(), "r")
        got = api.get(f"/v1/files/{meta['id']}")
        assert (got.content, got.headers["content-type"]) == (PNG, "image/png")

    def test_bad_origins_are_400(self, api: Api, origin: str) -> None:
        r = api.post("/v1/files/import", json={"file_url": f"{origin}/missing.png"})
        assert _error(r, 400) == "file_url: fetching it answered HTTP 404"
        port = origin.rsplit(":", 1)[1]
        for url, start in (
            ("http://127.0.0.1:1/x.png", "file_url: could not fetch it (ConnectError"),
            ("ftp://127.0.0.1/x.png", "'ftp://127.0.0.1/x.png' is not an http(s) URL"),
            (f"http://[::1]:{port}/pics/cat.png", "file_url: could not fetch it"),
        ):
            r = api.post("/v1/files/import", json={"file_url": url})
            assert _error(r, 400).startswith(start), url
        assert _error(api.post("/v1/files/import", json={}), 400) == "file_url: field required"

    def test_private_address_refused_unless_allowed(
        self, app_with: AppFactory, tenant: Tenant, origin: str
    ) -> None:
        strict = Api(app_with(allow_private_hosts=[]), tenant.requester_key)
        r = strict.post("/v1/files/import", json={"file_url": f"{origin}/pics/cat.png"})
        assert _error(r, 400) == "'127.0.0.1' resolves to 127.0.0.1, a private or local address"
