"""/api/v1 ops pages: projects, batches with progress, the task browser, detail, throughput."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from starlette.responses import Response

from assay.api.deps import ContextDep, PrincipalDep
from assay.api.policies import RequesterPolicy
from assay.api.routing import Route, ok
from assay.api.schemas.common import CONFLICT, ERRORS
from assay.api.schemas.ops import (
    BatchPage,
    Project,
    ProjectCreate,
    ProjectList,
    ProjectPatch,
    TaskDetail,
    TaskPage,
    Throughput,
)
from assay.ops import browse, progress, stats
from assay.ops.model import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/api/v1", route_class=Route, tags=["ops"], responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Time = Annotated[str | None, Query(description="ISO 8601; without a zone it is UTC.")]


@router.get("/projects", response_model=ProjectList, operation_id="ops_list_projects")
def list_projects(
    ctx: ContextDep, principal: PrincipalDep, archived: bool | None = None
) -> Response:
    """Projects with their tasks counted per status (``archived`` filters when given)."""
    RequesterPolicy.manage(principal)
    return ok(progress.list_projects(ctx.db, scope=principal.scope, archived=archived))


@router.post(
    "/projects",
    response_model=Project,
    status_code=201,
    operation_id="ops_create_project",
    responses=CONFLICT,
)
def create_project(body: ProjectCreate, ctx: ContextDep, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    made = progress.create_project(
        ctx.db,
        scope=principal.scope,
        name=body.name,
        task_type=body.type,
        params=body.params,
        workflow=None if body.workflow is None else [s.model_dump() for s in body.workflow],
    )
    return Response(orjson.dumps(made), status_code=201, media_type="application/json")


@router.get("/projects/{name}", response_model=Project, operation_id="ops_get_project")
def get_project(name: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    return ok(progress.get_project(ctx.db, scope=principal.scope, name=name))


@router.patch(
    "/projects/{name}",
    response_model=Project,
    operation_id="ops_update_project",
    responses={409: CONFLICT[409] | {"description": "A removed stage still has work waiting."}},
)
def update_project(
    name: str, body: ProjectPatch, ctx: ContextDep, principal: PrincipalDep
) -> Response:
    """Change params (the whole set, kept in ``param_history``), workflow or archived."""
    RequesterPolicy.manage(principal)
    return ok(
        progress.update_project(
            ctx.db,
            scope=principal.scope,
            name=name,
            params=body.params,
            workflow=None if body.workflow is None else [s.model_dump() for s in body.workflow],
            archived=body.archived,
            quality=body.quality,
        )
    )


@router.get("/batches", response_model=BatchPage, operation_id="ops_list_batches")
def list_batches(
    ctx: ContextDep,
    principal: PrincipalDep,
    project: str | None = None,
    status: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Response:
    """Batches newest first with their tasks counted per status; pass ``next_cursor`` back."""
    RequesterPolicy.manage(principal)
    return ok(
        progress.list_batches(
            ctx.db,
            scope=principal.scope,
            project=project,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    )


@router.get("/tasks", response_model=TaskPage, operation_id="ops_browse_tasks")
def browse_tasks(
    ctx: ContextDep,
    principal: PrincipalDep,
    project: str | None = None,
    status: str | None = None,
    batch: str | None = None,
    annotator: Annotated[
        str | None, Query(description="Username: tasks with a judgment by them.")
    ] = None,
    tag: str | None = None,
    created_after: Time = None,
    created_before: Time = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Response:
    """Tasks newest first, every filter on an index; pass ``next_cursor`` back for more.

    ``created_after`` is inclusive, ``created_before`` exclusive.
    """
    RequesterPolicy.manage(principal)
    q = browse.TaskQuery(
        project=project,
        status=status,
        batch=batch,
        annotator=annotator,
        tag=tag,
        created_after=created_after,
        created_before=created_before,
        limit=limit,
        cursor=cursor,
    )
    return ok(browse.list_tasks(ctx.db, scope=principal.scope, q=q))


@router.get("/tasks/{task_id}/detail", response_model=TaskDetail, operation_id="ops_task_detail")
def task_detail(task_id: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """The task (Scale's shape) with its judgments, reviews, assignments (leases and skips),
    callback attempts and audits."""
    RequesterPolicy.manage(principal)
    return ok(browse.task_detail(ctx.db, scope=principal.scope, task_id=task_id))


@router.get("/stats/throughput", response_model=Throughput, operation_id="ops_throughput")
def throughput(
    ctx: ContextDep,
    principal: PrincipalDep,
    project: str | None = None,
    since: Time = None,
    until: Time = None,
) -> Response:
    """Tasks completed per hour and time per judgment by annotator and by task type over
    ``[since, until)`` (by default the last 7 days)."""
    RequesterPolicy.manage(principal)
    return ok(
        stats.throughput(ctx.db, scope=principal.scope, project=project, since=since, until=until)
    )
