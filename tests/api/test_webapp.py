"""The built web app at /: files, the client-side-routing fallback, and the API left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import assay
from assay.api.webapp import NOT_BUILT
from assay.config import Settings
from tests.api.browser import refused
from tests.api.conftest import AppFactory
from tests.factories import Api, Tenant

INDEX = "<!doctype html><html><body><div id=root></div></body></html>"
SCRIPT = "console.log('assay');"
HTML_HEADERS = {
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "same-origin",
}


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets" / "fonts").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-3f9a1c.js").write_text(SCRIPT)
    (dist / "assets" / "index-77aa01.css").write_text("body{margin:0}")
    (dist / "assets" / "fonts" / "inter-1b2c.woff2").write_bytes(b"wOF2")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for you")
    return dist


@pytest.fixture
def web(app_with: AppFactory, web_dir: Path) -> TestClient:
    return app_with(web_dir=web_dir)


def _is_index(r: object) -> None:
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    headers = r.headers  # type: ignore[attr-defined]
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert r.text == INDEX  # type: ignore[attr-defined]
    for name, value in HTML_HEADERS.items():
        assert headers[name] == value, name


def test_index_and_client_side_routes_answer_the_app(web: TestClient) -> None:
    for path in ("/", "/index.html", "/login", "/projects/pets/tasks", "/review?x=1", "/users/"):
        _is_index(web.get(path))
    head = web.head("/projects/pets")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == "text/html; charset=utf-8"


def test_assets_are_served_with_long_caching(web: TestClient) -> None:
    immutable = "public, max-age=31536000, immutable"
    for path, body, content_type in (
        ("/assets/index-3f9a1c.js", SCRIPT.encode(), "text/javascript; charset=utf-8"),
        ("/assets/index-77aa01.css", b"body{margin:0}", "text/css; charset=utf-8"),
        ("/assets/fonts/inter-1b2c.woff2", b"wOF2", "font/woff2"),
    ):
        r = web.get(path)
        assert (r.status_code, r.content) == (200, body), path
        assert r.headers["content-type"] == content_type, path
        assert r.headers["cache-control"] == immutable, path
        assert r.headers["x-content-type-options"] == "nosniff"
    assert web.head("/assets/index-3f9a1c.js").status_code == 200
    # Top-level files of the build, as they are.
    r = web.get("/favicon.svg")
    assert (r.status_code, r.text, r.headers["content-type"]) == (200, "<svg/>", "image/svg+xml")


def test_missing_assets_and_escapes_are_json_404s(web: TestClient) -> None:
    for path in (
        "/assets/index-old.js",
        "/assets/",
        "/assets/fonts",
        "/assets/..%2Findex.html",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/assets/..%2F..%2Fsecret.txt",
    ):
        refused(web.get(path), 404, "not_found")
    # Outside the build: the app, not the file.
    _is_index(web.get("/..%2Fsecret.txt"))


def test_the_api_keeps_its_json_answers(web: TestClient, tenant: Tenant) -> None:
    api = Api(web, tenant.requester_key)
    for path in ("/api/v1/nope", "/api", "/api/", "/apiary", "/v1", "/files/x", "/healthzz"):
        assert refused(api.get(path), 404, "not_found") == "Not Found", path
    assert refused(api.get("/v1/nope"), 404, "not_found") == "no such endpoint: /v1/nope"
    refused(web.get("/api/v1/nope"), 404, "not_found")  # without credentials too
    # Other methods never get the app.
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        refused(web.request(method, "/projects/pets"), 404, "not_found")
    # The routes that live at the root still answer.
    assert web.get("/healthz").json()["status"] == "ok"
    assert web.get("/openapi.json").json()["info"]["title"] == "Assay"
    assert "swagger-ui" in web.get("/docs").text
    assert api.ok("GET", "/v1/projects") == []


def test_an_unbuilt_app_says_how_to_build_it(app_with: AppFactory, tmp_path: Path) -> None:
    web = app_with(web_dir=tmp_path / "nothing-here")
    for path in ("/", "/projects/pets"):
        r = web.get(path)
        assert refused(r, 503, "unavailable") == NOT_BUILT
        assert "npm --prefix web ci && npm --prefix web run build" in NOT_BUILT
    refused(web.get("/assets/index.js"), 404, "not_found")
    refused(web.get("/api/v1/nope"), 404, "not_found")


def test_the_default_web_dir_is_the_checkouts_build(tmp_path: Path) -> None:
    expected = Path(assay.__file__).resolve().parents[2] / "web" / "dist"
    assert Settings(data_dir=tmp_path).web_dir == expected
    assert Settings(data_dir=tmp_path, web_dir=tmp_path / "w").web_dir == tmp_path / "w"
