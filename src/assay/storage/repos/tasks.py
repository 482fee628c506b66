"""Tasks, their tags and audits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Float, Row, bindparam, delete, func, insert, select, update

from assay.accounts.model import Scope
from assay.storage.tables import (
    callback_attempts,
    projects,
    task_audits,
    task_tags,
    tasks,
    users,
)
from assay.storage.types import JSONType, UTCDateTime


def insert_tasks(
    conn: Connection, rows: Sequence[dict[str, Any]], tags: Sequence[tuple[str, str]]
) -> None:
    """Insert many tasks in one executemany; ``tags`` are (task_id, tag) pairs."""
    if rows:
        conn.execute(insert(tasks), list(rows))
    if tags:
        conn.execute(insert(task_tags), [{"task_id": t, "tag": g} for t, g in tags])


def get_task(
    conn: Connection, *, scope: Scope, task_id: str, lock: bool = False
) -> Row[Any] | None:
    q = select(tasks).where(
        tasks.c.id == task_id,
        tasks.c.organization_id == scope.organization_id,
        tasks.c.is_test == scope.is_test,
    )
    if lock:
        q = q.with_for_update()
    return conn.execute(q).first()


# Hot statements, built once (see repos/queue.py).
_WITH_WORKFLOW = (
    select(tasks, projects.c.workflow, projects.c.quality)
    .join(projects, projects.c.id == tasks.c.project_id)
    .where(tasks.c.id == bindparam("p_id"))
    .with_for_update(of=tasks)
)
_BY_ID = select(tasks).where(tasks.c.id == bindparam("p_id"))
_COMPLETE = (
    update(tasks)
    .where(tasks.c.id == bindparam("p_id"), tasks.c.status == "pending")
    .values(
        status="completed",
        response=bindparam("p_response", type_=JSONType),
        confidence=bindparam("p_confidence", type_=Float),
        completed_at=bindparam("p_now", type_=UTCDateTime),
        updated_at=bindparam("p_now", type_=UTCDateTime),
    )
)


def get_task_with_workflow(conn: Connection, task_id: str) -> Row[Any] | None:
    """The task, locked, with its project's workflow (what a submit needs in one query)."""
    return conn.execute(_WITH_WORKFLOW, {"p_id": task_id}).first()


def get_task_by_id(conn: Connection, task_id: str) -> Row[Any] | None:
    return conn.execute(_BY_ID, {"p_id": task_id}).first()


def complete_task(
    conn: Connection,
    *,
    task_id: str,
    response: dict[str, Any],
    now: datetime,
    confidence: float | None = None,
) -> bool:
    """Pending to completed with its response; False if it was no longer pending."""
    n = conn.execute(
        _COMPLETE,
        {"p_id": task_id, "p_response": response, "p_now": now, "p_confidence": confidence},
    )
    return n.rowcount == 1


@dataclass(frozen=True, slots=True)
class TaskFilter:
    project_id: int | None = None
    batch_id: int | None = None
    statuses: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    completed_after: datetime | None = None
    completed_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    tags: tuple[str, ...] = ()
    unique_ids: tuple[str, ...] = ()
    review_statuses: tuple[str, ...] = field(default=())


def _filtered(q: Any, scope: Scope, f: TaskFilter) -> Any:
    c = tasks.c
    # Gold and training tasks are the annotators' tests, not the requester's tasks.
    q = q.where(c.purpose == "work")
    if f.project_id is not None or f.batch_id is not None:
        # Projects and batches are looked up by name within the scope, so their tasks are
        # in it; leaving the scope columns out lets the planner take the project's index.
        if f.project_id is not None:
            q = q.where(c.project_id == f.project_id)
        if f.batch_id is not None:
            q = q.where(c.batch_id == f.batch_id)
    else:
        q = q.where(c.organization_id == scope.organization_id, c.is_test == scope.is_test)
    if f.statuses:
        q = q.where(c.status.in_(f.statuses))
    if f.types:
        q = q.where(c.type.in_(f.types))
    for col, low, high in (
        (c.created_at, f.created_after, f.created_before),
        (c.completed_at, f.completed_after, f.completed_before),
        (c.updated_at, f.updated_after, f.updated_before),
    ):
        if low is not None:
            q = q.where(col >= low)
        if high is not None:
            q = q.where(col <= high)
    for tag in f.tags:  # a task must carry every tag asked for
        q = q.where(
            select(task_tags.c.task_id)
            .where(task_tags.c.task_id == c.id, task_tags.c.tag == tag)
            .exists()
        )
    if f.unique_ids:
        q = q.where(c.unique_id.in_(f.unique_ids))
    if f.review_statuses:
        q = q.where(c.customer_review_status.in_(f.review_statuses))
    return q


def list_tasks(
    conn: Connection, *, scope: Scope, f: TaskFilter, after: str | None, limit: int
) -> list[Row[Any]]:
    q = _filtered(select(tasks), scope, f)
    if after is not None:
        q = q.where(tasks.c.id > after)
    return list(conn.execute(q.order_by(tasks.c.id).limit(limit)))


def count_tasks(conn: Connection, *, scope: Scope, f: TaskFilter) -> int:
    q = _filtered(select(func.count()).select_from(tasks), scope, f)
    return int(conn.execute(q).scalar_one())


def tags_for(conn: Connection, task_ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    if task_ids:
        rows = conn.execute(
            select(task_tags.c.task_id, task_tags.c.tag)
            .where(task_tags.c.task_id.in_(task_ids))
            .order_by(task_tags.c.task_id, task_tags.c.tag)
        )
        for tid, tag in rows:
            out[tid].append(tag)
    return out


def audits_for(conn: Connection, task_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if task_ids:
        j = task_audits.outerjoin(users, users.c.id == task_audits.c.user_id)
        rows = conn.execute(
            select(task_audits, users.c.username)
            .select_from(j)
            .where(task_audits.c.task_id.in_(task_ids))
            .order_by(task_audits.c.id)
        )
        for r in rows:
            out[r.task_id].append(dict(r._mapping))
    return out


def callback_attempts_for(conn: Connection, task_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(callback_attempts)
        .where(callback_attempts.c.task_id == task_id)
        .order_by(callback_attempts.c.id)
    )
    return [dict(r._mapping) for r in rows]


def update_task(
    conn: Connection, *, task_id: str, values: dict[str, Any], only_status: str | None = None
) -> int:
    q = update(tasks).where(tasks.c.id == task_id)
    if only_status is not None:
        q = q.where(tasks.c.status == only_status)
    return conn.execute(q.values(**values)).rowcount


def add_tags(conn: Connection, *, task_id: str, tags: Sequence[str]) -> None:
    have = set(tags_for(conn, [task_id]).get(task_id, []))
    new = [t for t in dict.fromkeys(tags) if t not in have]
    if new:
        conn.execute(insert(task_tags), [{"task_id": task_id, "tag": t} for t in new])


def remove_tags(conn: Connection, *, task_id: str, tags: Sequence[str] | None) -> None:
    q = delete(task_tags).where(task_tags.c.task_id == task_id)
    if tags is not None:
        q = q.where(task_tags.c.tag.in_(list(tags)))
    conn.execute(q)


def insert_audit(
    conn: Connection,
    *,
    task_id: str,
    user_id: int,
    source: str,
    accepted: bool,
    comments: str | None,
    now: datetime,
) -> None:
    conn.execute(
        insert(task_audits).values(
            task_id=task_id,
            user_id=user_id,
            source=source,
            accepted=accepted,
            comments=comments,
            created_at=now,
        )
    )
