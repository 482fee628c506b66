"""Batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from assay.accounts.model import Scope
from assay.storage.tables import batches, tasks


def _scoped(scope: Scope) -> Any:
    return (batches.c.organization_id == scope.organization_id) & (
        batches.c.is_test == scope.is_test
    )


def insert_batch(
    conn: Connection,
    *,
    scope: Scope,
    project_id: int,
    name: str,
    status: str,
    callback_url: str | None,
    metadata: dict[str, Any],
    calibration: bool,
    self_label: bool,
    now: datetime,
) -> int:
    return int(
        conn.execute(
            insert(batches)
            .values(
                organization_id=scope.organization_id,
                is_test=scope.is_test,
                project_id=project_id,
                name=name,
                status=status,
                callback_url=callback_url,
                metadata=metadata,
                calibration_batch=calibration,
                self_label_batch=self_label,
                created_at=now,
            )
            .returning(batches.c.id)
        ).scalar_one()
    )


def get_batch(
    conn: Connection,
    *,
    scope: Scope,
    name: str | None = None,
    id: int | None = None,
    lock: bool = False,
    share: bool = False,
) -> Row[Any] | None:
    q = select(batches).where(_scoped(scope))
    q = q.where(batches.c.name == name) if name is not None else q.where(batches.c.id == id)
    if lock or share:
        q = q.with_for_update(read=share and not lock)
    return conn.execute(q).first()


def get_batch_by_id(conn: Connection, batch_id: int, *, lock: bool = False) -> Row[Any] | None:
    q = select(batches).where(batches.c.id == batch_id)
    return conn.execute(q.with_for_update() if lock else q).first()


@dataclass(frozen=True, slots=True)
class BatchFilter:
    project_id: int | None = None
    status: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    exclude_archived: bool = False


def _filtered(q: Any, scope: Scope, f: BatchFilter) -> Any:
    q = q.where(_scoped(scope))
    if f.project_id is not None:
        q = q.where(batches.c.project_id == f.project_id)
    if f.status is not None:
        q = q.where(batches.c.status == f.status)
    if f.created_after is not None:
        q = q.where(batches.c.created_at >= f.created_after)
    if f.created_before is not None:
        q = q.where(batches.c.created_at <= f.created_before)
    if f.exclude_archived:
        q = q.where(batches.c.archived.is_(False))
    return q


def list_batches(
    conn: Connection, *, scope: Scope, f: BatchFilter, offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    rows = conn.execute(
        _filtered(select(batches), scope, f).order_by(batches.c.id).offset(offset).limit(limit)
    )
    total = conn.execute(_filtered(select(func.count()).select_from(batches), scope, f))
    return list(rows), int(total.scalar_one())


def update_batch(conn: Connection, *, batch_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(batches).where(batches.c.id == batch_id).values(**values))


def task_counts(conn: Connection, *, batch_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(tasks.c.status, func.count())
        .where(tasks.c.batch_id == batch_id)
        .group_by(tasks.c.status)
    )
    return {status: int(n) for status, n in rows}


def status_and_counts(conn: Connection, *, batch_id: int) -> tuple[str, dict[str, int]]:
    """The batch's status and its task counts, read by one statement: one snapshot, so a
    batch never shows all its tasks completed while still in progress (PostgreSQL's READ
    COMMITTED gives each statement its own snapshot)."""
    rows = conn.execute(
        select(batches.c.status, tasks.c.status, func.count(tasks.c.id))
        .select_from(batches.outerjoin(tasks, tasks.c.batch_id == batches.c.id))
        .where(batches.c.id == batch_id)
        .group_by(batches.c.status, tasks.c.status)
    ).all()
    counts = {task_status: int(n) for _, task_status, n in rows if task_status is not None}
    return str(rows[0][0]), counts


def has_pending_tasks(conn: Connection, *, batch_id: int) -> bool:
    row = conn.execute(
        select(tasks.c.id).where(tasks.c.batch_id == batch_id, tasks.c.status == "pending").limit(1)
    ).first()
    return row is not None


def names_by_id(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(select(batches.c.id, batches.c.name).where(batches.c.id.in_(ids)))
    return {r.id: r.name for r in rows}
