"""Route project and batch names by the raw path.

The scaleapi client quotes names (``a/b`` becomes ``a%2Fb``), but ASGI hands routes the
decoded path, so ``batches/a%2Fb/finalize`` would look like ``batches/a/b/finalize``. For the
name segment of ``/v1/projects/...`` and ``/v1/batches/...`` we keep the raw, still-encoded
segment; handlers decode it with ``unquote``.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from starlette.types import ASGIApp, Receive, Scope, Send

_NAMED = {"projects", "batches"}


class RawNameMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path")
            path = raw.decode("latin-1") if raw else quote(scope["path"])
            parts = path.split("?", 1)[0].split("/")
            if len(parts) >= 4 and parts[1] == "v1" and parts[2] in _NAMED and parts[3]:
                decoded = [unquote(p) for p in parts]
                decoded[3] = quote(unquote(parts[3]), safe="")
                scope = {**scope, "path": "/".join(decoded)}
        await self.app(scope, receive, send)
