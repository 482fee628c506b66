"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from starlette.responses import Response

from assay import __version__
from assay.api.deps import ContextDep
from assay.api.routing import Route, ok

router = APIRouter(route_class=Route, tags=["health"])


@router.get("/healthz", operation_id="health")
def health() -> Response:
    return ok({"status": "ok", "version": __version__})


@router.get("/readyz", operation_id="ready")
def ready(ctx: ContextDep) -> Response:
    """Ready when the database answers."""
    with ctx.db.read() as conn:
        conn.execute(text("SELECT 1"))
    return ok({"status": "ready"})
