"""Project use-cases."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from assay import clock
from assay.accounts.model import Scope
from assay.errors import Conflict, Invalid, NotEnabled, NotFound
from assay.queue.workflow import DEFAULT_WORKFLOW
from assay.storage.db import Database
from assay.storage.repos import projects as repo
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


def create_project(
    db: Database,
    *,
    scope: Scope,
    name: str,
    task_type: str,
    params: dict[str, Any] | None,
    rapid: bool = False,
    studio: bool = False,
) -> dict[str, Any]:
    if rapid or studio:
        raise NotEnabled("Rapid and Studio projects are not available on this server")
    if not name or len(name) > 255:
        raise Invalid("name: must have 1 to 255 characters")
    clean = check_default_params(task_type, params or {})
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
                workflow=DEFAULT_WORKFLOW.to_json(),
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
