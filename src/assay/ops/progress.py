"""Projects and batches as the ops pages show them: with their tasks counted per status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row

from assay.accounts.model import Scope
from assay.ops.model import BATCH_STATUSES, batch_cursor, check_limit, check_status, encode_cursor
from assay.ops.model import TASK_STATUSES as STATUSES
from assay.projects import service as projects
from assay.storage.db import Database
from assay.storage.repos import ops as repo
from assay.storage.repos import projects as projects_repo
from assay.tasks.wire import iso, project_json


def counts(by_status: Mapping[str, int]) -> dict[str, int]:
    out = {s: by_status.get(s, 0) for s in STATUSES}
    out["total"] = sum(by_status.values())
    return out


def _with_counts(conn: Connection, rows: list[Row[Any]]) -> list[dict[str, Any]]:
    by_project = repo.project_task_counts(conn, [r.id for r in rows])
    return [{**project_json(r._mapping), "counts": counts(by_project.get(r.id, {}))} for r in rows]


def list_projects(db: Database, *, scope: Scope, archived: bool | None) -> dict[str, Any]:
    """Every project of the scope (or only archived or only active ones), oldest first."""
    with db.read() as conn:
        rows = projects_repo.list_projects(conn, scope=scope)
        if archived is not None:
            rows = [r for r in rows if bool(r.archived) == archived]
        return {"items": _with_counts(conn, rows)}


def get_project(db: Database, *, scope: Scope, name: str) -> dict[str, Any]:
    with db.read() as conn:
        return _with_counts(conn, [projects.get_or_raise(conn, scope=scope, name=name)])[0]


def _counted(db: Database, scope: Scope, project: dict[str, Any]) -> dict[str, Any]:
    with db.read() as conn:
        row = projects.get_or_raise(conn, scope=scope, name=project["name"])
        by_status = repo.project_task_counts(conn, [row.id]).get(row.id, {})
    return {**project, "counts": counts(by_status)}


def create_project(
    db: Database,
    *,
    scope: Scope,
    name: str,
    task_type: str,
    params: dict[str, Any] | None,
    workflow: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    made = projects.create_project(
        db, scope=scope, name=name, task_type=task_type, params=params, workflow=workflow
    )
    return {**made, "counts": counts({})}


def update_project(
    db: Database,
    *,
    scope: Scope,
    name: str,
    params: dict[str, Any] | None,
    workflow: list[dict[str, Any]] | None,
    archived: bool | None,
    quality: dict[str, Any] | None = None,
) -> dict[str, Any]:
    changed = projects.update(
        db,
        scope=scope,
        name=name,
        params=params,
        workflow=workflow,
        archived=archived,
        quality=quality,
    )
    return _counted(db, scope, changed)


# --- Batches ----------------------------------------------------------------------------------


def _batch_json(row: Row[Any], project: str, by_status: Mapping[str, int]) -> dict[str, Any]:
    return {
        "name": row.name,
        "project": project,
        "status": row.status,
        "created_at": iso(row.created_at),
        "finalized_at": iso(row.finalized_at),
        "completed_at": iso(row.completed_at),
        "callback_succeeded": row.callback_succeeded,
        "counts": counts(by_status),
    }


def list_batches(
    db: Database,
    *,
    scope: Scope,
    project: str | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """Batches newest first, a page at a time (``next_cursor`` is null on the last page)."""
    check_limit(limit)
    wanted = check_status(status, BATCH_STATUSES)
    before = batch_cursor(cursor) if cursor else None
    with db.read() as conn:
        project_id = None
        if project:
            project_id = projects.get_or_raise(conn, scope=scope, name=project).id
        rows = repo.list_batches(
            conn,
            scope=scope,
            project_id=project_id,
            status=wanted,
            before_id=before,
            limit=limit + 1,
        )
        more, rows = len(rows) > limit, rows[:limit]
        names = projects_repo.names_by_id(conn, {r.project_id for r in rows})
        by_batch = repo.batch_task_counts(conn, [r.id for r in rows])
    return {
        "items": [_batch_json(r, names[r.project_id], by_batch.get(r.id, {})) for r in rows],
        "next_cursor": encode_cursor("b", rows[-1].id) if more else None,
    }
