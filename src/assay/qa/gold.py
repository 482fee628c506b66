"""Gold and training tasks: created by API (Scale's evaluation and training tasks too) or from
a completed task, edited and retired by ops. Each is a task row with ``purpose`` gold or
training, so the queue serves it exactly like real work, plus its expected response."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row

from assay import clock
from assay.accounts.model import Scope
from assay.context import Context
from assay.errors import Invalid, NotFound
from assay.ids import is_id
from assay.projects import service as projects_service
from assay.quality.scoring import nuances_of
from assay.storage.repos import quality as repo
from assay.storage.repos import queue as queue_repo
from assay.storage.repos import tasks as tasks_repo
from assay.tasks import service as tasks_service
from assay.tasks.types import get_type
from assay.tasks.wire import iso

PURPOSES = ("gold", "training")


def _check_purpose(purpose: Any) -> str:
    if purpose not in PURPOSES:
        raise Invalid(
            "purpose: must be 'gold' or 'training'",
            details=[{"field": "purpose", "message": "must be 'gold' or 'training'"}],
        )
    return str(purpose)


def _explanation(raw: Any) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > 20_000:
        raise Invalid("explanation: must be text of at most 20000 characters")
    return raw.strip() or None


def _expected(task_type: str, params: dict[str, Any], raw: Any) -> dict[str, Any]:
    if raw is None:
        raise Invalid(
            "expected_response: field required",
            details=[{"field": "expected_response", "message": "field required"}],
        )
    try:
        return get_type(task_type).validate_response(params, raw)
    except Invalid as exc:  # name the field the caller sent, not the annotators' one
        raise Invalid(
            exc.message.replace("response", "expected_response", 1),
            details=[
                {**d, "field": str(d.get("field", "")).replace("response", "expected_response", 1)}
                for d in exc.details
            ],
        ) from None


def _nuances(task_type: str, params: Any, expected: Any, tags: list[str]) -> list[str]:
    return sorted({*nuances_of(task_type, params, expected), *(f"tag:{t}" for t in tags)})


def create(
    ctx: Context,
    *,
    scope: Scope,
    task_type: str,
    payload: dict[str, Any],
    purpose: str,
) -> dict[str, Any]:
    """From a Scale-style flat task payload plus ``expected_response`` (and ``explanation``)."""
    purpose = _check_purpose(purpose)
    body = dict(payload)
    expected_raw = body.pop("expected_response", None)
    explanation = _explanation(body.pop("explanation", None))
    if body.pop("initial_response", None) is not None:
        raise Invalid(
            "initial_response: review-phase evaluation tasks are not supported; "
            "send expected_response only"
        )
    with ctx.db.write() as conn:
        row, tags, project = tasks_service.prepare_reference(
            ctx, conn, scope=scope, task_type=task_type, payload=body
        )
        row["purpose"] = purpose
        expected = _expected(task_type, row["params"], expected_raw)
        tasks_service.insert_prepared(conn, row, tags)
        now = row["created_at"]
        repo.insert_gold(
            conn,
            task_id=row["id"],
            project_id=row["project_id"],
            purpose=purpose,
            expected_response=expected,
            explanation=explanation,
            nuances=_nuances(task_type, row["params"], expected, tags),
            active=True,
            created_at=now,
            updated_at=now,
        )
        return _item(conn, row["id"], project)


def create_in_project(
    ctx: Context, *, scope: Scope, project: str, body: dict[str, Any]
) -> dict[str, Any]:
    """The web app's form: params as an object, or ``from_task`` (a completed task)."""
    purpose = _check_purpose(body.get("purpose"))
    unknown = set(body) - {
        "purpose",
        "params",
        "instruction",
        "expected_response",
        "explanation",
        "from_task",
    }
    if unknown:
        raise Invalid(f"{sorted(unknown)[0]}: unknown field")
    with ctx.db.read() as conn:
        proj = projects_service.get_or_raise(conn, scope=scope, name=project)
        payload: dict[str, Any] = {"project": project}
        expected = body.get("expected_response")
        if body.get("from_task") is not None:
            if body.get("params") is not None:
                raise Invalid("params: give params or from_task, not both")
            source = _completed_task(conn, scope, body["from_task"], proj.id)
            payload.update(source.params)
            payload["instruction"] = source.instruction
            tags = tasks_repo.tags_for(conn, [source.id]).get(source.id, [])
            if tags:
                payload["tags"] = tags
            if expected is None:
                expected = source.response
        else:
            params = body.get("params")
            if not isinstance(params, dict):
                raise Invalid(
                    "params: an object with the task's params (or give from_task)",
                    details=[{"field": "params", "message": "must be an object"}],
                )
            payload.update(params)
            if body.get("instruction") is not None:
                payload["instruction"] = body["instruction"]
    payload["expected_response"] = expected
    payload["explanation"] = body.get("explanation")
    return create(ctx, scope=scope, task_type=proj.type, payload=payload, purpose=purpose)


def _completed_task(conn: Connection, scope: Scope, task_id: Any, project_id: int) -> Row[Any]:
    if not isinstance(task_id, str):
        raise Invalid(
            "from_task: must be a task id",
            details=[{"field": "from_task", "message": "must be a task id"}],
        )
    found = tasks_repo.get_task(conn, scope=scope, task_id=task_id) if is_id(task_id) else None
    if found is None:
        raise NotFound(f"from_task: task {task_id!r} not found")
    if found.project_id != project_id:
        raise Invalid("from_task: the task belongs to another project")
    if found.status != "completed" or found.purpose != "work":
        raise Invalid("from_task: only a completed task can become a gold or training task")
    return found


def _visible(conn: Connection, scope: Scope, task_id: str) -> Row[Any]:
    row = repo.get_gold(conn, task_id) if is_id(task_id) else None
    if row is None or tasks_repo.get_task(conn, scope=scope, task_id=task_id) is None:
        raise NotFound(f"gold or training task {task_id!r} not found")
    return row


def update(ctx: Context, *, scope: Scope, task_id: str, body: dict[str, Any]) -> dict[str, Any]:
    unknown = set(body) - {"expected_response", "explanation", "active"}
    if unknown:
        raise Invalid(f"{sorted(unknown)[0]}: unknown field")
    with ctx.db.write() as conn:
        row = _visible(conn, scope, task_id)
        values: dict[str, Any] = {"updated_at": clock.now()}
        if "expected_response" in body:
            expected = _expected(row.type, row.params, body["expected_response"])
            tags = tasks_repo.tags_for(conn, [task_id]).get(task_id, [])
            values["expected_response"] = expected
            values["nuances"] = _nuances(row.type, row.params, expected, tags)
        if "explanation" in body:
            values["explanation"] = _explanation(body["explanation"])
        if "active" in body:
            if not isinstance(body["active"], bool):
                raise Invalid("active: must be true or false")
            values["active"] = body["active"]
        repo.update_gold(conn, task_id=task_id, values=values)
        project = str(queue_repo.project_of(conn, row.project_id).name)
        return _item(conn, task_id, project)


def list_items(
    ctx: Context, *, scope: Scope, project: str, purpose: str | None, include_inactive: bool
) -> dict[str, Any]:
    if purpose is not None:
        _check_purpose(purpose)
    with ctx.db.read() as conn:
        proj = projects_service.get_or_raise(conn, scope=scope, name=project)
        rows = repo.list_gold(
            conn, project_id=proj.id, purpose=purpose, include_inactive=include_inactive
        )
        stats = repo.answer_stats(conn, [r.task_id for r in rows])
        return {"items": [_item_json(r, project, stats.get(r.task_id)) for r in rows]}


def _item(conn: Connection, task_id: str, project: str) -> dict[str, Any]:
    row = repo.get_gold(conn, task_id)
    assert row is not None
    return _item_json(row, project, repo.answer_stats(conn, [task_id]).get(task_id))


def _item_json(row: Row[Any], project: str, stats: tuple[int, int, float] | None) -> dict[str, Any]:
    answered, correct, mean = stats or (0, 0, None)
    return {
        "id": row.task_id,
        "purpose": row.purpose,
        "project": project,
        "type": row.type,
        "params": row.params,
        "instruction": row.instruction,
        "expected_response": row.expected_response,
        "explanation": row.explanation,
        "nuances": list(row.nuances),
        "active": bool(row.active),
        "created_at": iso(row.created_at),
        "stats": {
            "answered": answered,
            "correct": correct,
            "mean_score": round(mean, 4) if mean is not None else None,
        },
    }


def scale_json(item: dict[str, Any]) -> dict[str, Any]:
    """Scale's EvaluationTask / TrainingTask shape (the client reads id and expected_response)."""
    keys = ("id", "type", "project", "params", "instruction", "expected_response", "explanation")
    return {**{k: item[k] for k in keys}, "created_at": item["created_at"]}
