"""/api/v1: the work queue (lease, heartbeat, submit, skip, release) and bulk task import."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from assay.api.body import read_model
from assay.api.deps import ContextDep, PrincipalDep, context_of, get_principal
from assay.api.openapi import model_body
from assay.api.policies import QueuePolicy, RequesterPolicy
from assay.api.routing import Route, ok
from assay.api.schemas.common import ERRORS, ErrorRead
from assay.api.schemas.queue import (
    AssignmentRead,
    BulkCreate,
    BulkRead,
    Heartbeat,
    HeartbeatRead,
    LeaseRequest,
    LeaseResult,
    LeaseToken,
    QueueEntry,
    Review,
    ReviewRead,
    Skip,
    Submit,
    SubmitAnswer,
)
from assay.errors import Invalid
from assay.queue import service
from assay.tasks import service as tasks_service

router = APIRouter(
    prefix="/api/v1",
    route_class=Route,
    tags=["work queue"],
    responses={
        **ERRORS,
        409: {
            "model": ErrorRead,
            "description": "The lease expired, or the assignment was submitted or canceled.",
        },
    },
)

# Assignment ids are positive 64-bit integers; larger ones would overflow the database driver.
AssignmentId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("/queue", response_model=list[QueueEntry], operation_id="my_queue")
def my_queue(ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Projects the caller can work on, with assignments available and leased now."""
    QueuePolicy.work(principal)
    return ok(service.my_queue(ctx, principal=principal))


@router.post(
    "/queue/lease",
    response_model=LeaseResult,
    operation_id="lease_next",
    openapi_extra=model_body(LeaseRequest),
)
async def lease_next(request: Request) -> Response:
    """Lease the next assignment of a project (``assignment: null`` when none is waiting).

    Keep the ``lease_token``: heartbeat, submit, skip and release need it.
    """
    principal = await get_principal(request)
    QueuePolicy.work(principal)
    body = await read_model(request, LeaseRequest)
    found = await run_in_threadpool(
        partial(
            service.lease_next,
            context_of(request),
            principal=principal,
            project=body.project,
            stage=body.stage,
            lease_seconds=body.lease_seconds,
        )
    )
    return ok({"assignment": found})


@router.get(
    "/assignments/{assignment_id}", response_model=AssignmentRead, operation_id="get_assignment"
)
def get_assignment(
    assignment_id: AssignmentId, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    QueuePolicy.work(principal)
    return ok(service.get_assignment(ctx, principal=principal, assignment_id=assignment_id))


@router.post(
    "/assignments/{assignment_id}/heartbeat", response_model=HeartbeatRead, operation_id="heartbeat"
)
def heartbeat(
    assignment_id: AssignmentId, body: Heartbeat, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Extend a live lease; an expired one cannot be revived (409 ``lease_expired``)."""
    QueuePolicy.work(principal)
    return ok(
        service.heartbeat(
            ctx,
            principal=principal,
            assignment_id=assignment_id,
            token=body.lease_token,
            lease_seconds=body.lease_seconds,
        )
    )


@router.post(
    "/assignments/{assignment_id}/submit",
    response_model=SubmitAnswer,
    operation_id="submit",
    openapi_extra=model_body(Submit),
)
async def submit(assignment_id: AssignmentId, request: Request) -> Response:
    """Submit a response under a live lease; it is checked against the task's params.

    Send an ``Idempotency-Key`` header to make retries safe: a retry of a submit that
    succeeded (its answer lost to a dropped connection) answers the same, applied once.
    """
    principal = await get_principal(request)
    QueuePolicy.work(principal)
    body = await read_model(request, Submit)
    key = idempotency_key(request)
    return ok(
        await run_in_threadpool(
            partial(
                service.submit,
                context_of(request),
                principal=principal,
                assignment_id=assignment_id,
                token=body.lease_token,
                response=body.response,
                time_spent_ms=body.time_spent_ms,
                submit_key=key,
            )
        )
    )


@router.post(
    "/assignments/{assignment_id}/review",
    response_model=ReviewRead,
    operation_id="review",
    openapi_extra=model_body(Review),
)
async def review(assignment_id: AssignmentId, request: Request) -> Response:
    """Accept, fix (with the fixed response) or reject (with a comment) the work under review.

    ``Idempotency-Key`` works as for submit.
    """
    principal = await get_principal(request)
    QueuePolicy.work(principal)
    body = await read_model(request, Review)
    key = idempotency_key(request)
    return ok(
        await run_in_threadpool(
            partial(
                service.review,
                context_of(request),
                principal=principal,
                assignment_id=assignment_id,
                token=body.lease_token,
                action=body.action,
                response=body.response,
                comment=body.comment,
                time_spent_ms=body.time_spent_ms,
                submit_key=key,
            )
        )
    )


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not 1 <= len(key) <= 128:
        raise Invalid("Idempotency-Key: must have 1 to 128 characters")
    return key


@router.post("/assignments/{assignment_id}/skip", operation_id="skip")
def skip(
    assignment_id: AssignmentId, body: Skip, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Give the assignment back with a reason; it will not come back to the caller."""
    QueuePolicy.work(principal)
    service.skip(
        ctx,
        principal=principal,
        assignment_id=assignment_id,
        token=body.lease_token,
        reason=body.reason,
    )
    return ok({"id": assignment_id, "status": "skipped"})


@router.post("/assignments/{assignment_id}/release", operation_id="release")
def release(
    assignment_id: AssignmentId, body: LeaseToken, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Give the assignment back to the queue (leaving the page, say)."""
    QueuePolicy.work(principal)
    service.release(ctx, principal=principal, assignment_id=assignment_id, token=body.lease_token)
    return ok({"id": assignment_id, "status": "released"})


@router.post(
    "/tasks/bulk", response_model=BulkRead, operation_id="bulk_create_tasks", tags=["tasks"]
)
def bulk_create(body: BulkCreate, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Create up to 1000 tasks in one transaction: all of them or, on any error, none."""
    RequesterPolicy.manage(principal)
    items = []
    for i, item in enumerate(body.tasks):
        payload = dict(item)
        kind = payload.pop("type", None)
        if not isinstance(kind, str):
            raise Invalid(f"tasks.{i}.type: field required")
        items.append((kind, payload))
    return ok({"task_ids": tasks_service.create_tasks(ctx, scope=principal.scope, items=items)})
