"""The route class every Assay router uses, and the JSON response helper."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import Response

from assay.api.body import parse_json
from assay.errors import Invalid


class _Request(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = parse_json(await self.body())
            except Invalid as exc:
                # FastAPI re-raises HTTPException from body parsing as is.
                raise HTTPException(400, detail=exc.message) from None
        return self._json


class Route(APIRoute):
    """Bodies parsed with orjson and checked for NUL (see ``assay.api.body``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def parse_strictly(request: Request) -> Response:
            return await handler(_Request(request.scope, request.receive))

        return parse_strictly


def ok(value: Any) -> Response:
    """200 with a JSON body (the scaleapi client accepts nothing but 200)."""
    return Response(orjson.dumps(value), media_type="application/json")
