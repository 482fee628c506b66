"""The built web app (``web/dist``), served at ``/`` behind every API route.

It answers only what no route matched (it is the router's default):

* ``/assets/...`` are Vite's fingerprinted files: cached for a year, never revalidated;
* another GET or HEAD outside the API answers ``index.html`` (revalidated each time), so a
  client-side route survives a reload; a top-level file of the build (``/favicon.svg``) is
  served as it is;
* the rest (any path under ``/api`` or ``/v1``, other methods) gets the usual JSON 404.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from assay.api.errors import error_response

# Never the web app's: an unknown path here is an API client's mistake, answered in JSON.
API_PREFIXES = ("/v1", "/api", "/docs", "/redoc", "/openapi.json", "/health", "/files")

NOT_BUILT = "the web app is not built: run `npm --prefix web ci && npm --prefix web run build`"

_IMMUTABLE = "public, max-age=31536000, immutable"
_HTML_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}
# Module scripts are refused unless served with a JavaScript type; the system's MIME table
# may lack some of these.
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
}


def _inside(root: Path, relative: str) -> Path | None:
    """The regular file ``root/relative``, if it is one and lies inside ``root``."""
    base = os.path.realpath(root)
    path = os.path.realpath(os.path.join(base, relative.lstrip("/")))
    if os.path.commonpath([base, path]) != base or not os.path.isfile(path):
        return None
    return Path(path)


def _file(path: Path, headers: dict[str, str]) -> FileResponse:
    media_type = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    return FileResponse(path, media_type=media_type, headers=headers)


class WebApp:
    """An ASGI app for the router's default: the web app, or ``fallback`` (the JSON 404)."""

    def __init__(self, web_dir: Path, fallback: ASGIApp) -> None:
        self.web_dir = web_dir
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or path.startswith(API_PREFIXES)
        ):
            await self.fallback(scope, receive, send)
            return
        response = self._respond(path)
        if response is None:
            await self.fallback(scope, receive, send)
            return
        await response(scope, receive, send)

    def _respond(self, path: str) -> Response | None:
        if path.startswith("/assets/"):
            asset = _inside(self.web_dir / "assets", path[len("/assets/") :])
            if asset is None:
                return None  # a missing chunk must fail loudly, not load index.html
            return _file(asset, {"Cache-Control": _IMMUTABLE, "X-Content-Type-Options": "nosniff"})
        index = self.web_dir / "index.html"
        if not index.is_file():
            return error_response(503, NOT_BUILT, code="unavailable")
        name = path.strip("/")
        if name and "/" not in name and name != "index.html":
            found = _inside(self.web_dir, name)
            if found is not None:
                return _file(found, _HTML_HEADERS)
        return _file(index, _HTML_HEADERS)


def install(app: Starlette, web_dir: Path) -> None:
    """Serve the web app for whatever no route of ``app`` matches."""
    app.router.default = WebApp(web_dir, app.router.default)
