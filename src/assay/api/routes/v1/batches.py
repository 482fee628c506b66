"""/v1/batches."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from assay.api.body import json_body
from assay.api.deps import ContextDep, PrincipalDep
from assay.api.openapi import json_body_of
from assay.api.policies import RequesterPolicy
from assay.api.routes.v1.tasks import parse_time
from assay.api.routing import Route, ok
from assay.api.schemas.common import CONFLICT, ERRORS, NOT_ENABLED
from assay.api.schemas.v1 import BatchCreate, BatchPage, BatchRead, BatchStatus
from assay.batches import service
from assay.errors import Invalid
from assay.storage.repos.batches import BatchFilter

router = APIRouter(prefix="/v1", route_class=Route, tags=["batches"], responses=ERRORS)


@router.post(
    "/batches",
    response_model=BatchRead,
    operation_id="create_batch",
    responses={**NOT_ENABLED, **CONFLICT},
)
def create_batch(body: BatchCreate, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Create a batch in ``staging``; its tasks wait until it is finalized."""
    RequesterPolicy.manage(principal)
    return ok(
        service.create_batch(
            ctx.db,
            ctx.guard,
            scope=principal.scope,
            project=body.project,
            name=body.name,
            callback=body.callback,
            metadata=body.metadata,
            calibration=body.calibration_batch,
            self_label=body.self_label_batch,
        )
    )


@router.get("/batches", response_model=BatchPage, operation_id="list_batches")
def list_batches(
    ctx: ContextDep,
    principal: PrincipalDep,
    project: str | None = None,
    status: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    exclude_archived: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> Response:
    """Batches in creation order, ``offset``/``limit`` paging (``totalDocs`` counts all)."""
    RequesterPolicy.manage(principal)
    f = BatchFilter(
        status=status,
        created_after=parse_time(start_time, "start_time"),
        created_before=parse_time(end_time, "end_time"),
        exclude_archived=exclude_archived,
    )
    return ok(
        service.list_batches(
            ctx.db, scope=principal.scope, project=project, f=f, offset=offset, limit=limit
        )
    )


@router.get("/batches/{name}", response_model=BatchRead, operation_id="get_batch")
def get_batch(name: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    return ok(service.get_batch(ctx.db, scope=principal.scope, name=unquote(name)))


@router.post("/batches/{name}/finalize", response_model=BatchRead, operation_id="finalize_batch")
def finalize(name: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Move a staging batch to ``in_progress``: its tasks enter the work queue."""
    RequesterPolicy.manage(principal)
    deadline = timedelta(seconds=ctx.settings.callback_deadline_seconds)
    return ok(
        service.finalize(
            ctx.db, scope=principal.scope, name=unquote(name), callback_deadline=deadline
        )
    )


@router.get("/batches/{name}/status", response_model=BatchStatus, operation_id="batch_status")
def status(name: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """The batch's status and its tasks counted by status."""
    RequesterPolicy.manage(principal)
    return ok(service.status(ctx.db, scope=principal.scope, name=unquote(name)))


@router.post(
    "/batches/{name}/setMetadata",
    response_model=BatchRead,
    operation_id="set_batch_metadata",
    openapi_extra=json_body_of({"type": "object"}),
)
def set_metadata(
    name: str, body: Annotated[Any, Depends(json_body)], ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Replace the batch's metadata with the body."""
    RequesterPolicy.manage(principal)
    metadata = {} if body is None else body
    if not isinstance(metadata, dict):
        raise Invalid("the body must be a JSON object (the new metadata)")
    return ok(
        service.set_metadata(ctx.db, scope=principal.scope, name=unquote(name), metadata=metadata)
    )
