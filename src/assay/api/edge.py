"""Checks and rewrites on the raw request, before routing, in one ASGI layer.

Errors answer with Assay's JSON error, which the scaleapi client can read.

* A NUL character in the path or the query string is refused (400): PostgreSQL cannot take
  one in a text parameter, so a name or a filter holding one would fail deep in the database.
  JSON bodies get the same check in ``assay.api.body``.
* Project and batch names are routed by the raw path. The scaleapi client quotes names
  (``a/b`` becomes ``a%2Fb``), but ASGI hands routes the decoded path, so
  ``batches/a%2Fb/finalize`` would look like ``batches/a/b/finalize``. The name segment of
  ``/v1/projects/...`` and ``/v1/batches/...`` is kept encoded; handlers ``unquote`` it.
* The body limit: Starlette's own (FastAPI's ``max_body_size``) answers ``text/plain`` and
  replaces any response once a declared ``Content-Length`` is over the limit. Here a declared
  length over the limit is refused before the app runs; a body without one is counted as it
  arrives. Uploads (``/v1/files/upload``) are bounded by ``max_file_bytes`` instead, plus room
  for the multipart envelope; the upload itself checks the file's size.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, unquote_to_bytes

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assay.api.errors import error_response

UPLOAD_PATH = "/v1/files/upload"
_MULTIPART_ROOM = 1 << 20


_NAMED = {"projects", "batches"}


def _name_path(scope: Scope) -> str | None:
    """The path to route on when it names a project or batch (see the module doc)."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(scope["path"])
    parts = path.split("?", 1)[0].split("/")
    if len(parts) >= 4 and parts[1] == "v1" and parts[2] in _NAMED and parts[3]:
        decoded = [unquote(p) for p in parts]
        decoded[3] = quote(unquote(parts[3]), safe="")
        return "/".join(decoded)
    return None


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_file_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max(max_body_bytes, max_file_bytes + _MULTIPART_ROOM)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or b""
        query = scope.get("query_string") or b""
        if "\x00" in scope["path"] or b"\x00" in unquote_to_bytes(raw + b"?" + query):
            message = "NUL characters are not allowed in the path or query"
            await error_response(400, message, code="invalid")(scope, receive, send)
            return
        named = _name_path(scope)
        if named is not None:
            scope = {**scope, "path": named}
        limit = self.max_upload_bytes if scope["path"] == UPLOAD_PATH else self.max_body_bytes
        message = f"the request body is larger than the limit of {limit} bytes"
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(413, message, code="too_large")(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    # An HTTPException passes through FastAPI's body parsing unchanged and
                    # becomes the JSON 413 in ``assay.api.errors``.
                    raise HTTPException(413, detail=message)
            return msg

        await self.app(scope, counted, send)
