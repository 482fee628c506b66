"""Project use-cases."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from assay import clock
from assay.accounts.model import Scope
from assay.errors import Conflict, Invalid, NotEnabled, NotFound
from assay.quality.settings import parse as parse_quality
from assay.queue.workflow import DEFAULT_WORKFLOW, Workflow
from assay.storage.db import Database
from assay.storage.repos import ops as ops_repo
from assay.storage.repos import projects as repo
from assay.tasks.model import check_examples
from assay.tasks.types import get_type
from assay.tasks.types.base import format_errors
from assay.tasks.wire import iso, project_json


def check_default_params(task_type: str, params: dict[str, Any]) -> dict[str, Any]:
    """Project params are defaults for its tasks: each key must be a param of the type."""
    model = get_type(task_type).params_model
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "instruction":
            if value is not None and not isinstance(value, str):
                raise Invalid("params.instruction: must be a string")
            out[key] = value
            continue
        if key == "examples":
            out[key] = check_examples(value)
            continue
        field = model.model_fields.get(key)
        if field is None:
            raise Invalid(
                f"params.{key}: not a parameter of {task_type} tasks",
                details=[{"field": f"params.{key}", "message": "unknown field"}],
            )
        try:
            parsed = TypeAdapter(field.annotation).validate_python(value)
        except ValidationError as exc:
            raise format_errors(exc, f"params.{key}") from None
        out[key] = TypeAdapter(field.annotation).dump_python(parsed, mode="json", exclude_none=True)
    return out


STAGE_KINDS = ("label", "review")  # by position: a label stage, then optionally a review
MAX_STAGE_JUDGMENTS = 100
_STAGE_KEYS = frozenset({"name", "kind", "judgments", "max_judgments", "target_confidence"})
# Task types whose answers can be compared for agreement (adaptive redundancy).
CONSENSUS_TYPES = frozenset(
    {"categorization", "imageannotation", "namedentityrecognition", "comparison"}
)


def _stage_error(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}", details=[{"field": field, "message": message}])


def check_workflow(raw: Any, task_type: str | None = None) -> list[dict[str, Any]]:
    """A workflow as stored: ``[label]`` or ``[label, review]``, names unique.

    Each stage is ``{"name", "kind", "judgments"}``; ``judgments`` (default 1) is how many
    independent judgments the stage needs per task.
    """
    if not isinstance(raw, list) or not 1 <= len(raw) <= len(STAGE_KINDS):
        raise _stage_error("workflow", "must be [label] or [label, review] stages")
    names: set[str] = set()
    for i, stage in enumerate(raw):
        where = f"workflow.{i}"
        if not isinstance(stage, dict):
            raise _stage_error(where, "must be an object")
        for key in stage:
            if key not in _STAGE_KEYS:
                raise _stage_error(f"{where}.{key}", "unknown field")
        name = stage.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 32 or name != name.strip():
            raise _stage_error(f"{where}.name", "must be a name of 1 to 32 characters")
        if name in names:
            raise _stage_error(f"{where}.name", f"stage name {name!r} is used twice")
        names.add(name)
        if stage.get("kind") != STAGE_KINDS[i]:
            raise _stage_error(f"{where}.kind", f"stage {i + 1} must be of kind {STAGE_KINDS[i]!r}")
        judgments = stage.get("judgments", 1)
        if type(judgments) is not int or not 1 <= judgments <= MAX_STAGE_JUDGMENTS:
            raise _stage_error(
                f"{where}.judgments", f"must be an integer from 1 to {MAX_STAGE_JUDGMENTS}"
            )
        if STAGE_KINDS[i] == "review" and judgments != 1:
            # One reviewer's verdict decides: a second review assignment would outlive it.
            raise _stage_error(f"{where}.judgments", "a review stage has one judgment")
        _check_adaptive(stage, where, judgments, STAGE_KINDS[i], task_type)
    return Workflow.from_json(
        [{"judgments": 1, **{k: v for k, v in s.items() if k in _STAGE_KEYS}} for s in raw]
    ).to_json()


def _check_adaptive(
    stage: dict[str, Any], where: str, judgments: int, kind: str, task_type: str | None
) -> None:
    top, target = stage.get("max_judgments"), stage.get("target_confidence")
    if top is None and target is None:
        return
    if top is None or target is None:
        raise _stage_error(where, "max_judgments and target_confidence go together")
    if kind != "label":
        raise _stage_error(f"{where}.max_judgments", "only a label stage asks for more judgments")
    if task_type is not None and task_type not in CONSENSUS_TYPES:
        raise _stage_error(
            f"{where}.max_judgments",
            f"adaptive redundancy needs answers that can agree: {sorted(CONSENSUS_TYPES)}",
        )
    if type(top) is not int or not judgments <= top <= MAX_STAGE_JUDGMENTS:
        raise _stage_error(
            f"{where}.max_judgments", f"must be an integer from judgments to {MAX_STAGE_JUDGMENTS}"
        )
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0.5 <= target < 1:
        raise _stage_error(f"{where}.target_confidence", "must be a number from 0.5 to below 1")


def create_project(
    db: Database,
    *,
    scope: Scope,
    name: str,
    task_type: str,
    params: dict[str, Any] | None,
    rapid: bool = False,
    studio: bool = False,
    workflow: Any = None,
) -> dict[str, Any]:
    if rapid or studio:
        raise NotEnabled("Rapid and Studio projects are not available on this server")
    if not name or len(name) > 255:
        raise Invalid("name: must have 1 to 255 characters")
    clean = check_default_params(task_type, params or {})
    stages = DEFAULT_WORKFLOW.to_json() if workflow is None else check_workflow(workflow, task_type)
    now = clock.now()
    history = [
        {
            "version": 0,
            "params": clean,
            "instruction": clean.get("instruction"),
            "created_at": iso(now),
        }
    ]
    try:
        with db.write() as conn:
            pid = repo.insert_project(
                conn,
                scope=scope,
                name=name,
                type=task_type,
                params=clean,
                param_history=history,
                workflow=stages,
                now=now,
            )
            row = repo.get_project(conn, scope=scope, id=pid)
    except IntegrityError:
        raise Conflict(f"project {name!r} already exists") from None
    assert row is not None
    return project_json(row._mapping)


def get_or_raise(conn: Connection, *, scope: Scope, name: str) -> Row[Any]:
    """A project's row by name within the scope; ``NotFound`` otherwise."""
    row = repo.get_project(conn, scope=scope, name=name)
    if row is None:
        raise NotFound(f"project {name!r} not found")
    return row


def get_project(db: Database, *, scope: Scope, name: str) -> dict[str, Any]:
    with db.read() as conn:
        return project_json(get_or_raise(conn, scope=scope, name=name)._mapping)


def list_projects(db: Database, *, scope: Scope) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [project_json(r._mapping) for r in repo.list_projects(conn, scope=scope)]


def set_params(db: Database, *, scope: Scope, name: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Scale's ``setParams``: params given flat or under ``params``; history grows.

    With ``patch`` (the default) the given keys replace the old ones key by key; with
    ``patch: false`` they replace the whole parameter set.
    """
    now = clock.now()
    with db.write() as conn:
        row = get_or_raise(conn, scope=scope, name=name)
        body = dict(changes)
        patch = body.pop("patch", True)
        if not isinstance(patch, bool):
            raise Invalid("patch: must be true or false")
        nested = body.pop("params", None) or {}
        if not isinstance(nested, dict):
            raise Invalid("params: must be an object")
        incoming = {**body, **nested}  # flat keys (the client's **kwargs) or nested params
        merged = {**row.params, **incoming} if patch else incoming
        clean = check_default_params(row.type, merged)
        history = [
            *row.param_history,
            {
                "version": len(row.param_history),
                "params": clean,
                "instruction": clean.get("instruction"),
                "created_at": iso(now),
            },
        ]
        repo.update_project(
            conn,
            project_id=row.id,
            values={"params": clean, "param_history": history, "updated_at": now},
        )
        updated = repo.get_project(conn, scope=scope, id=row.id)
    assert updated is not None
    return project_json(updated._mapping)


def update(
    db: Database,
    *,
    scope: Scope,
    name: str,
    params: dict[str, Any] | None = None,
    workflow: Any = None,
    archived: bool | None = None,
    quality: Any = None,
) -> dict[str, Any]:
    """Change what is given: ``params`` (the whole set; a new ``param_history`` version when
    it differs), ``workflow``, ``archived``, ``quality`` (the settings given; others kept).

    A stage that still has work waiting cannot be removed or renamed: its assignments would
    name a stage the workflow no longer has.
    """
    now = clock.now()
    with db.write() as conn:
        row = get_or_raise(conn, scope=scope, name=name)
        values: dict[str, Any] = {}
        if params is not None:
            clean = check_default_params(row.type, params)
            if clean != row.params:
                values["params"] = clean
                values["param_history"] = [
                    *row.param_history,
                    {
                        "version": len(row.param_history),
                        "params": clean,
                        "instruction": clean.get("instruction"),
                        "created_at": iso(now),
                    },
                ]
        if workflow is not None:
            stages = check_workflow(workflow, row.type)
            if stages != row.workflow:
                kept = {s["name"] for s in stages}
                waiting = ops_repo.open_stages(conn, project_id=row.id) - kept
                if waiting:
                    raise Conflict(
                        f"stage {sorted(waiting)[0]!r} still has work waiting; "
                        "keep it until that work is done or canceled"
                    )
                values["workflow"] = stages
        if quality is not None:
            values["quality"] = parse_quality(quality, base=parse_quality(row.quality)).to_json()
        if archived is not None and archived != bool(row.archived):
            values["archived"] = archived
        if values:
            repo.update_project(conn, project_id=row.id, values={**values, "updated_at": now})
        updated = repo.get_project(conn, scope=scope, id=row.id)
    assert updated is not None
    return project_json(updated._mapping)
