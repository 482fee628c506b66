"""Assignments: the atomic claim and the lease-guarded updates.

The claim is one statement on both databases: ``UPDATE ... WHERE id = (SELECT ... LIMIT 1)
RETURNING``. On PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED``, so concurrent
claimers pass over each other's rows instead of queueing on them; on SQLite the write
transaction (``BEGIN IMMEDIATE``) already serializes claimers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, case, func, insert, or_, select, text, update

from assay.accounts.model import Scope
from assay.storage.tables import assignment_skips, assignments, judgments, tasks

a = assignments.c


def insert_assignments(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(assignments), list(rows))


def _claimable(now: datetime) -> Any:
    return and_(a.status == "open", or_(a.lease_expires_at.is_(None), a.lease_expires_at < now))


def claim(
    conn: Connection,
    *,
    project_id: int,
    stage: str,
    annotator_id: int,
    now: datetime,
    expires_at: datetime,
    token: str,
) -> Row[Any] | None:
    if conn.dialect.name == "postgresql":
        # One annotator's concurrent claims must not each take a different assignment of the
        # same task; a transaction-scoped lock per annotator orders them.
        conn.execute(text("SELECT pg_advisory_xact_lock(7411, :u)"), {"u": annotator_id})
    other = assignments.alias("mine")
    already_mine = (
        select(other.c.id)
        .where(
            other.c.task_id == a.task_id,
            other.c.annotator_id == annotator_id,
            or_(
                other.c.status == "submitted",
                and_(other.c.status == "open", other.c.lease_expires_at > now),
            ),
        )
        .exists()
    )
    skipped = (
        select(assignment_skips.c.id)
        .where(
            assignment_skips.c.assignment_id == a.id,
            assignment_skips.c.annotator_id == annotator_id,
        )
        .exists()
    )
    pick = (
        select(a.id)
        .where(
            a.project_id == project_id, a.stage == stage, _claimable(now), ~already_mine, ~skipped
        )
        .order_by(a.priority.desc(), a.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    stmt = (
        update(assignments)
        .where(a.id == pick, _claimable(now))
        .values(
            annotator_id=annotator_id,
            lease_token=token,
            lease_expires_at=expires_at,
            leased_at=now,
            lease_count=a.lease_count + 1,
        )
        .returning(*assignments.c)
    )
    return conn.execute(stmt).first()


def get_assignment(conn: Connection, assignment_id: int, *, lock: bool = False) -> Row[Any] | None:
    q = select(assignments).where(a.id == assignment_id)
    if lock:
        q = q.with_for_update()
    return conn.execute(q).first()


def _held_by(assignment_id: int, annotator_id: int, token: str, now: datetime, scope: Scope) -> Any:
    """The caller's live lease, on a task of the caller's organization and environment."""
    in_scope = (
        select(tasks.c.id)
        .where(
            tasks.c.id == a.task_id,
            tasks.c.organization_id == scope.organization_id,
            tasks.c.is_test == scope.is_test,
        )
        .exists()
    )
    return and_(
        a.id == assignment_id,
        a.status == "open",
        a.annotator_id == annotator_id,
        a.lease_token == token,
        a.lease_expires_at > now,
        in_scope,
    )


def extend_lease(
    conn: Connection,
    *,
    assignment_id: int,
    annotator_id: int,
    token: str,
    now: datetime,
    expires_at: datetime,
    scope: Scope,
) -> Row[Any] | None:
    return conn.execute(
        update(assignments)
        .where(_held_by(assignment_id, annotator_id, token, now, scope))
        .values(lease_expires_at=expires_at)
        .returning(*assignments.c)
    ).first()


def release(
    conn: Connection,
    *,
    assignment_id: int,
    annotator_id: int,
    token: str,
    now: datetime,
    scope: Scope,
) -> bool:
    n = conn.execute(
        update(assignments)
        .where(_held_by(assignment_id, annotator_id, token, now, scope))
        .values(lease_token=None, lease_expires_at=None, annotator_id=None)
    ).rowcount
    return n == 1


def mark_submitted(
    conn: Connection,
    *,
    assignment_id: int,
    annotator_id: int,
    token: str,
    now: datetime,
    scope: Scope,
) -> Row[Any] | None:
    return conn.execute(
        update(assignments)
        .where(_held_by(assignment_id, annotator_id, token, now, scope))
        .values(status="submitted", completed_at=now, lease_token=None)
        .returning(*assignments.c)
    ).first()


def insert_skip(
    conn: Connection, *, assignment_id: int, annotator_id: int, reason: str, now: datetime
) -> None:
    conn.execute(
        insert(assignment_skips).values(
            assignment_id=assignment_id, annotator_id=annotator_id, reason=reason, created_at=now
        )
    )


def insert_judgment(
    conn: Connection,
    *,
    task_id: str,
    assignment_id: int | None,
    stage: str,
    source: str,
    annotator_id: int | None,
    response: dict[str, Any],
    time_spent_ms: int | None,
    now: datetime,
) -> None:
    conn.execute(
        insert(judgments).values(
            task_id=task_id,
            assignment_id=assignment_id,
            stage=stage,
            source=source,
            annotator_id=annotator_id,
            response=response,
            time_spent_ms=time_spent_ms,
            created_at=now,
        )
    )


def stage_judgments(conn: Connection, *, task_id: str, stage: str) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(judgments)
            .where(judgments.c.task_id == task_id, judgments.c.stage == stage)
            .order_by(judgments.c.id)
        )
    )


def unfinished_count(conn: Connection, *, task_id: str, stage: str) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(assignments)
            .where(a.task_id == task_id, a.stage == stage, a.status.in_(("open", "held")))
        ).scalar_one()
    )


def cancel_for_task(conn: Connection, *, task_id: str, now: datetime) -> None:
    conn.execute(
        update(assignments)
        .where(a.task_id == task_id, a.status.in_(("open", "held")))
        .values(status="canceled", completed_at=now, lease_token=None)
    )


def open_held_for_batch(conn: Connection, *, batch_id: int) -> int:
    task_ids = select(tasks.c.id).where(tasks.c.batch_id == batch_id).scalar_subquery()
    return conn.execute(
        update(assignments).where(a.status == "held", a.task_id.in_(task_ids)).values(status="open")
    ).rowcount


def available_counts(
    conn: Connection, *, project_ids: Sequence[int], now: datetime
) -> dict[int, dict[str, int]]:
    """Per project: assignments waiting in the queue, and those leased right now."""
    out: dict[int, dict[str, int]] = {p: {"available": 0, "leased": 0} for p in project_ids}
    if not project_ids:
        return out
    leased = and_(a.lease_expires_at.is_not(None), a.lease_expires_at > now)
    rows = conn.execute(
        select(a.project_id, func.count(), func.sum(case((leased, 1), else_=0)))
        .where(a.project_id.in_(project_ids), a.status == "open")
        .group_by(a.project_id)
    )
    for pid, total, n_leased in rows:
        n_leased = int(n_leased or 0)
        out[pid] = {"available": int(total) - n_leased, "leased": n_leased}
    return out
