"""Quality: gold and training tasks (Scale's evaluation and training tasks too), annotator
standing, the quality dashboard and an annotator's own progress."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from assay.api.body import json_object
from assay.api.deps import ContextDep, PrincipalDep
from assay.api.openapi import model_body
from assay.api.policies import QualityPolicy, QueuePolicy, RequesterPolicy
from assay.api.routing import Route, ok
from assay.api.schemas.common import CONFLICT, ERRORS
from assay.api.schemas.quality import (
    GoldCreate,
    GoldItem,
    GoldList,
    GoldPatch,
    Progress,
    ProjectQuality,
    ScaleQualityTask,
    StatusChange,
    StatusRead,
)
from assay.qa import dashboard, gold
from assay.tasks.types import TASK_TYPES

router = APIRouter(route_class=Route, tags=["quality"], responses=ERRORS)
Body = Annotated[dict[str, Any], Depends(json_object)]


def _created(item: dict[str, Any]) -> Response:
    return Response(orjson.dumps(item), status_code=201, media_type="application/json")


def _add_scale(kind: str, purpose: str) -> None:
    for task_type in TASK_TYPES:

        def create(
            ctx: ContextDep, principal: PrincipalDep, payload: Body, _t: str = task_type
        ) -> Response:
            RequesterPolicy.manage(principal)
            item = gold.create(
                ctx, scope=principal.scope, task_type=_t, payload=payload, purpose=purpose
            )
            return ok(gold.scale_json(item))

        router.add_api_route(
            f"/v1/{kind}/{task_type}",
            create,
            methods=["POST"],
            response_model=ScaleQualityTask,
            operation_id=f"create_{purpose}_{task_type}_task",
            responses=CONFLICT,
            summary=f"Create a {task_type} {'evaluation' if purpose == 'gold' else 'training'}"
            " task",
            description="The task-create fields (`project` required) plus `expected_response`"
            + (
                " and `explanation` (shown after the annotator answers)."
                if purpose == "training"
                else "; served hidden among real work and scored against it."
            ),
        )


_add_scale("evaluation_tasks", "gold")
_add_scale("training_tasks", "training")


@router.get("/api/v1/projects/{name}/gold", response_model=GoldList, operation_id="list_gold_tasks")
def list_gold(
    name: str,
    ctx: ContextDep,
    principal: PrincipalDep,
    purpose: Annotated[str | None, Query(pattern="^(gold|training)$")] = None,
    include_inactive: bool = False,
) -> Response:
    QualityPolicy.manage(principal)
    return ok(
        gold.list_items(
            ctx,
            scope=principal.scope,
            project=name,
            purpose=purpose,
            include_inactive=include_inactive,
        )
    )


@router.post(
    "/api/v1/projects/{name}/gold",
    response_model=GoldItem,
    status_code=201,
    operation_id="create_gold_task",
    openapi_extra=model_body(GoldCreate),
    responses=CONFLICT,
)
def create_gold(name: str, ctx: ContextDep, principal: PrincipalDep, body: Body) -> Response:
    QualityPolicy.manage(principal)
    return _created(gold.create_in_project(ctx, scope=principal.scope, project=name, body=body))


@router.patch(
    "/api/v1/gold/{task_id}",
    response_model=GoldItem,
    operation_id="update_gold_task",
    openapi_extra=model_body(GoldPatch),
)
def update_gold(task_id: str, ctx: ContextDep, principal: PrincipalDep, body: Body) -> Response:
    QualityPolicy.manage(principal)
    return ok(gold.update(ctx, scope=principal.scope, task_id=task_id, body=body))


@router.get(
    "/api/v1/projects/{name}/quality",
    response_model=ProjectQuality,
    operation_id="project_quality",
)
def project_quality(name: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    QualityPolicy.manage(principal)
    return ok(dashboard.project_quality(ctx, scope=principal.scope, project=name))


@router.post(
    "/api/v1/projects/{name}/annotators/{username}/status",
    response_model=StatusRead,
    operation_id="set_annotator_status",
    openapi_extra=model_body(StatusChange),
)
def set_status(
    name: str, username: str, ctx: ContextDep, principal: PrincipalDep, body: Body
) -> Response:
    QualityPolicy.manage(principal)
    return ok(
        dashboard.set_annotator_status(
            ctx, scope=principal.scope, project=name, username=username, body=body
        )
    )


@router.get("/api/v1/me/progress", response_model=Progress, operation_id="my_progress")
def my_progress(ctx: ContextDep, principal: PrincipalDep) -> Response:
    QueuePolicy.work(principal)
    return ok(dashboard.my_progress(ctx, principal=principal))
