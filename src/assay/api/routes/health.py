"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text
from starlette.responses import Response

from assay import __version__
from assay.api.deps import ContextDep
from assay.api.routing import Route, ok

router = APIRouter(route_class=Route, tags=["health"])

# Probes carry no API key: ``security: []`` overrides the document's default.
_PUBLIC: dict[str, Any] = {"security": []}


@router.get("/healthz", operation_id="health", openapi_extra=_PUBLIC)
def health() -> Response:
    return ok({"status": "ok", "version": __version__})


@router.get("/readyz", operation_id="ready", openapi_extra=_PUBLIC)
def ready(ctx: ContextDep) -> Response:
    """Ready when the database answers."""
    with ctx.db.read() as conn:
        conn.execute(text("SELECT 1"))
    return ok({"status": "ready"})
