"""Scale features Assay does not have answer 402, which the client maps to ScaleNotEnabled."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from assay.api.deps import PrincipalDep
from assay.api.routing import Route
from assay.errors import NotEnabled, NotFound

router = APIRouter(prefix="/v1", route_class=Route, include_in_schema=False)

_FEATURES = {
    "teams": "team management (use `assay users` and `assay keys`)",
    "studio": "Scale Studio",
}


@router.api_route("/{feature}/{rest:path}", methods=["GET", "POST", "PUT", "DELETE"])
@router.api_route("/{feature}", methods=["GET", "POST", "PUT", "DELETE"])
def not_enabled(feature: str, principal: PrincipalDep, rest: str = "") -> Response:
    del principal, rest  # authenticated like any call, then refused
    what = _FEATURES.get(feature)
    if what is None:
        raise NotFound(f"no such endpoint: /v1/{feature}")
    raise NotEnabled(f"{what} is not available on this server")
