"""/v1/projects."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends
from starlette.responses import Response

from assay.api.body import json_object
from assay.api.deps import ContextDep, PrincipalDep
from assay.api.openapi import json_body_of
from assay.api.policies import RequesterPolicy
from assay.api.routing import Route, ok
from assay.api.schemas.common import CONFLICT, ERRORS, NOT_ENABLED
from assay.api.schemas.v1 import ProjectCreate, ProjectRead
from assay.errors import NotEnabled
from assay.projects import service

router = APIRouter(prefix="/v1", route_class=Route, tags=["projects"], responses=ERRORS)


@router.post(
    "/projects",
    response_model=ProjectRead,
    operation_id="create_project",
    responses={**NOT_ENABLED, **CONFLICT},
)
def create_project(body: ProjectCreate, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Create a project; its ``params`` are the defaults of its tasks' params."""
    RequesterPolicy.manage(principal)
    return ok(
        service.create_project(
            ctx.db,
            scope=principal.scope,
            name=body.name,
            task_type=body.type,
            params=body.params,
            rapid=body.rapid,
            studio=body.studio,
        )
    )


@router.get("/projects", response_model=list[ProjectRead], operation_id="list_projects")
def list_projects(ctx: ContextDep, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    return ok(service.list_projects(ctx.db, scope=principal.scope))


@router.get("/projects/{name}", response_model=ProjectRead, operation_id="get_project")
def get_project(name: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    RequesterPolicy.manage(principal)
    return ok(service.get_project(ctx.db, scope=principal.scope, name=unquote(name)))


@router.post(
    "/projects/{name}/setParams",
    response_model=ProjectRead,
    operation_id="set_project_params",
    openapi_extra=json_body_of({"type": "object"}),
)
def set_params(
    name: str,
    body: Annotated[dict[str, Any], Depends(json_object)],
    ctx: ContextDep,
    principal: PrincipalDep,
) -> Response:
    """Change a project's params (flat or under ``params``); ``param_history`` grows."""
    RequesterPolicy.manage(principal)
    return ok(service.set_params(ctx.db, scope=principal.scope, name=unquote(name), changes=body))


@router.get(
    "/projects/{name}/taskTemplates", operation_id="get_project_template", responses=NOT_ENABLED
)
def task_templates(name: str, principal: PrincipalDep) -> Response:
    """Scale's task templates belong to its Studio product, which Assay does not have."""
    del name  # part of Scale's path; refused whatever the project
    RequesterPolicy.manage(principal)
    raise NotEnabled("task templates are not available on this server")
