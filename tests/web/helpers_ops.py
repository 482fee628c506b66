"""Setting up data for the ops pages' browser tests, through the public APIs."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx2 as httpx

from tests.web.conftest import Web

CATEGORIES = ["cat", "dog"]


def ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, (
        f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text}"
    )
    return r.json()


def project(web: Web, name: str, task_type: str = "categorization", **params: Any) -> Any:
    if task_type == "categorization" and not params:
        params = {"categories": CATEGORIES}
    with web.http() as c:
        return ok(
            c.post("/api/v1/projects", json={"name": name, "type": task_type, "params": params}),
            201,
        )


def tasks(web: Web, project: str, n: int, **payload: Any) -> list[str]:
    """``n`` categorization tasks in one bulk request; their ids in creation order."""
    item = {"type": "categorization", "project": project, "attachment": "a picture", **payload}
    with web.http() as c:
        made = ok(c.post("/api/v1/tasks/bulk", json={"tasks": [item] * n}))
    return list(made["task_ids"])


def complete(
    web: Web, project: str, response: dict[str, Any], *, key: str | None = None, ms: int = 4000
) -> dict[str, Any]:
    """The annotator leases the next assignment of ``project`` and submits ``response``."""
    with web.http(key or web.tenant.annotator_key) as c:
        a = ok(c.post("/api/v1/queue/lease", json={"project": project}))["assignment"]
        assert a is not None, f"nothing to lease in {project}"
        body = {"lease_token": a["lease_token"], "response": response, "time_spent_ms": ms}
        done = ok(c.post(f"/api/v1/assignments/{a['id']}/submit", json=body))
    return {"assignment": a, **done}


def png(width: int, height: int, rgb: tuple[int, int, int] = (120, 160, 200)) -> bytes:
    """A plain-colored PNG image (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def upload_image(web: Web, width: int = 320, height: int = 240) -> str:
    """An image stored by the server; its ``attachment_url`` (served to the session too)."""
    with web.http() as c:
        files = {"file": ("street.png", png(width, height), "image/png")}
        return str(ok(c.post("/v1/files/upload", files=files))["attachment_url"])


def lease(web: Web, project: str, key: str, stage: str | None = None) -> dict[str, Any]:
    with web.http(key) as c:
        body = {"project": project} | ({"stage": stage} if stage else {})
        a = ok(c.post("/api/v1/queue/lease", json=body))["assignment"]
    assert a is not None, f"nothing to lease in {project} ({stage or 'first stage'})"
    return dict(a)


def act(web: Web, key: str, assignment: dict[str, Any], verb: str, **body: Any) -> Any:
    """``verb`` (submit, review, skip, ...) on a leased assignment, as ``key``."""
    with web.http(key) as c:
        url = f"/api/v1/assignments/{assignment['id']}/{verb}"
        return ok(c.post(url, json={"lease_token": assignment["lease_token"], **body}))
