"""/v1/task/... and /v1/tasks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from assay.accounts.model import Principal
from assay.api.body import json_body, json_object
from assay.api.deps import ContextDep, PrincipalDep
from assay.api.openapi import flat_body, json_body_of
from assay.api.policies import RequesterPolicy
from assay.api.routing import Route, ok
from assay.api.schemas.common import CONFLICT, ERRORS
from assay.api.schemas.v1 import AuditCreate, TaskPage, TaskRead, UniqueIdSet
from assay.context import Context
from assay.errors import Invalid
from assay.storage.repos.tasks import TaskFilter
from assay.tasks import service
from assay.tasks.model import TaskCommon
from assay.tasks.types import TASK_TYPES

router = APIRouter(prefix="/v1", route_class=Route, tags=["tasks"], responses=ERRORS)

Body = Annotated[dict[str, Any], Depends(json_object)]
AnyBody = Annotated[Any, Depends(json_body)]


def _add_create(task_type: str) -> None:
    kind = TASK_TYPES[task_type]

    def create(ctx: ContextDep, principal: PrincipalDep, payload: Body) -> Response:
        RequesterPolicy.manage(principal)
        return ok(
            service.create_task(ctx, scope=principal.scope, task_type=task_type, payload=payload)
        )

    router.add_api_route(
        f"/task/{task_type}",
        create,
        methods=["POST"],
        response_model=TaskRead,
        operation_id=f"create_{task_type}_task",
        responses=CONFLICT,
        summary=f"Create a {task_type} task",
        description=kind.description + " Common keys and params are sent flat; params "
        "missing here are taken from the project's params.",
        openapi_extra=flat_body(
            f"{task_type.capitalize()}TaskCreate", [TaskCommon, kind.params_model], kind.description
        ),
    )


for _name in TASK_TYPES:
    _add_create(_name)


@router.post("/task/{task_type}", include_in_schema=False)
def create_unknown(task_type: str, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    raise Invalid(
        f"unknown task type {task_type!r}; this server supports: {', '.join(sorted(TASK_TYPES))}"
    )


@router.get("/task/{task_id}", response_model=TaskRead, operation_id="get_task")
def get_task(task_id: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """A task, with its audits and every callback delivery attempt."""
    RequesterPolicy.manage(principal)
    return ok(service.get_task(ctx.db, scope=principal.scope, task_id=task_id))


@router.post("/task/{task_id}/cancel", response_model=TaskRead, operation_id="cancel_task")
def cancel_task(
    task_id: str, ctx: ContextDep, principal: PrincipalDep, clear_unique_id: bool = False
) -> Response:
    """Cancel a pending task (400 if it is completed or canceled already)."""
    RequesterPolicy.manage(principal)
    return ok(
        service.cancel_task(
            ctx, scope=principal.scope, task_id=task_id, clear_unique_id=clear_unique_id
        )
    )


@router.post("/task/{task_id}/audit", response_model=TaskRead, operation_id="audit_task")
def audit_task(
    task_id: str, body: AuditCreate, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Accept or reject a completed task, as a customer audit."""
    RequesterPolicy.manage(principal)
    return ok(
        service.audit(
            ctx.db,
            principal=principal,
            task_id=task_id,
            accepted=body.accepted,
            comments=body.comments,
        )
    )


@router.post(
    "/task/{task_id}/unique_id", response_model=TaskRead, operation_id="set_task_unique_id"
)
def set_unique_id(
    task_id: str, body: UniqueIdSet, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    RequesterPolicy.manage(principal)
    return ok(
        service.set_unique_id(
            ctx.db, scope=principal.scope, task_id=task_id, unique_id=body.unique_id
        )
    )


@router.delete(
    "/task/{task_id}/unique_id", response_model=TaskRead, operation_id="clear_task_unique_id"
)
def clear_unique_id(task_id: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    return ok(service.set_unique_id(ctx.db, scope=principal.scope, task_id=task_id, unique_id=None))


@router.post(
    "/task/{task_id}/setMetadata",
    response_model=TaskRead,
    operation_id="set_task_metadata",
    openapi_extra=json_body_of({"type": "object"}),
)
def set_metadata(task_id: str, body: AnyBody, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Replace the task's metadata with the body (an object; empty means ``{}``)."""
    RequesterPolicy.manage(principal)
    metadata = {} if body is None else body
    if not isinstance(metadata, dict):
        raise Invalid("the body must be a JSON object (the new metadata)")
    return ok(
        service.set_metadata(ctx.db, scope=principal.scope, task_id=task_id, metadata=metadata)
    )


_TAGS = json_body_of({"type": "array", "items": {"type": "string"}})


def _change_tags(
    task_id: str, body: Any, ctx: Context, principal: Principal, mode: str
) -> Response:
    """The three tag verbs: the body is a JSON array; empty means none (or, to delete, all)."""
    RequesterPolicy.manage(principal)
    if body is not None and not isinstance(body, list):
        raise Invalid("the body must be a JSON array of tags")
    tags = body if body is not None or mode == "delete" else []
    return ok(
        service.change_tags(ctx.db, scope=principal.scope, task_id=task_id, tags=tags, mode=mode)
    )


@router.post(
    "/task/{task_id}/tags",
    response_model=TaskRead,
    operation_id="set_task_tags",
    openapi_extra=_TAGS,
)
def set_tags(task_id: str, body: AnyBody, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Replace the task's tags."""
    return _change_tags(task_id, body, ctx, principal, "set")


@router.put(
    "/task/{task_id}/tags",
    response_model=TaskRead,
    operation_id="add_task_tags",
    openapi_extra=_TAGS,
)
def add_tags(task_id: str, body: AnyBody, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Add tags to the task's."""
    return _change_tags(task_id, body, ctx, principal, "add")


@router.delete(
    "/task/{task_id}/tags",
    response_model=TaskRead,
    operation_id="delete_task_tags",
    openapi_extra=_TAGS,
)
def delete_tags(task_id: str, body: AnyBody, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Remove the given tags (all tags when the body is empty)."""
    return _change_tags(task_id, body, ctx, principal, "delete")


def parse_time(value: str | None, field: str) -> datetime | None:
    """ISO 8601 or Scale's ``YYYY-MM-DD HH:MM:SS.ffffff``; naive means UTC."""
    if value is None or value == "":
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field}: not an ISO 8601 date or date-time: {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _split(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or []:
        out.extend(p for p in v.split(",") if p)
    return tuple(out)


Many = Annotated[list[str] | None, Query()]


@router.get("/tasks", response_model=TaskPage, operation_id="list_tasks")
def list_tasks(
    ctx: ContextDep,
    principal: PrincipalDep,
    project: str | None = None,
    batch: str | None = None,
    status: Many = None,
    type: Many = None,
    start_time: str | None = None,
    end_time: str | None = None,
    completed_after: str | None = None,
    completed_before: str | None = None,
    updated_after: str | None = None,
    updated_before: str | None = None,
    tags: Many = None,
    unique_id: Many = None,
    customer_review_status: Many = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    next_token: str | None = None,
) -> Response:
    """Tasks in creation order, a page at a time: pass back ``next_token`` for the next.

    Repeated keys or commas give several values (any of them matches), except ``tags``: a
    task must carry every tag asked for. Other keys the client sends (such as
    ``include_attachment_url``) are accepted and have no effect: attachments are always URLs.
    """
    RequesterPolicy.manage(principal)
    f = TaskFilter(
        statuses=_split(status),
        types=_split(type),
        created_after=parse_time(start_time, "start_time"),
        created_before=parse_time(end_time, "end_time"),
        completed_after=parse_time(completed_after, "completed_after"),
        completed_before=parse_time(completed_before, "completed_before"),
        updated_after=parse_time(updated_after, "updated_after"),
        updated_before=parse_time(updated_before, "updated_before"),
        tags=tuple(tags or ()),
        unique_ids=tuple(unique_id or ()),
        review_statuses=_split(customer_review_status),
    )
    q = service.TaskQuery(
        filter=f, project=project, batch=batch, limit=limit, next_token=next_token
    )
    return ok(service.list_tasks(ctx.db, scope=principal.scope, q=q))
