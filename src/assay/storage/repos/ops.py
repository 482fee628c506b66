"""Queries of the ops pages: the task browser, task detail, batch and project progress, stats.

Every browser query reads one index in key order and stops at the page size: the key is the
task id (newest first), taken from the table that drives the filter (judgments for an
annotator, task_tags for a tag, tasks otherwise), so no filter sorts or scans all tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    String,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)

from assay.accounts.model import Scope
from assay.storage.tables import (
    assignment_skips,
    assignments,
    batches,
    gold_tasks,
    judgments,
    memberships,
    reviews,
    task_tags,
    tasks,
    users,
)

# What a browser row shows; the big JSON columns (params, response) stay on disk.
_ROW_COLUMNS = (
    tasks.c.id,
    tasks.c.project_id,
    tasks.c.batch_id,
    tasks.c.type,
    tasks.c.status,
    tasks.c.created_at,
    tasks.c.completed_at,
    tasks.c.customer_review_status,
)


_MAX_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class TaskBrowse:
    """Resolved filters: ids within the caller's scope, id bounds from dates and the cursor."""

    project_id: int | None = None
    batch_id: int | None = None
    status: str | None = None
    annotator_id: int | None = None
    tag: str | None = None
    id_from: str | None = None  # inclusive
    id_to: str | None = None  # exclusive


def _task_filters(q: Any, scope: Scope, f: TaskBrowse) -> Any:
    c = tasks.c
    q = q.where(c.purpose == "work")  # gold and training tasks have their own page
    if f.project_id is None and f.batch_id is None:
        q = q.where(c.organization_id == scope.organization_id, c.is_test == scope.is_test)
    # Projects and batches were looked up within the scope, so their tasks are in it; leaving
    # the scope columns out lets the planner take the project's or the batch's index.
    if f.project_id is not None:
        q = q.where(c.project_id == f.project_id)
    if f.batch_id is not None:
        q = q.where(c.batch_id == f.batch_id)
    if f.status is not None:
        q = q.where(c.status == f.status)
    return q


def _id_range(q: Any, key: Any, low: str | None, high: str | None) -> Any:
    if low is not None:
        q = q.where(key >= low)
    if high is not None:
        q = q.where(key < high)
    return q


def browse_tasks(conn: Connection, *, scope: Scope, f: TaskBrowse, limit: int) -> list[Row[Any]]:
    """Up to ``limit`` tasks, newest first, each once."""
    if f.annotator_id is None and f.tag is None:
        q = _id_range(
            _task_filters(select(*_ROW_COLUMNS), scope, f), tasks.c.id, f.id_from, f.id_to
        )
        return list(conn.execute(q.order_by(tasks.c.id.desc()).limit(limit)))
    return _browse_driven(conn, scope, f, limit)


def _browse_driven(conn: Connection, scope: Scope, f: TaskBrowse, limit: int) -> list[Row[Any]]:
    """An annotator's or a tag's tasks: their ids are read from that index newest first, a
    chunk at a time, then the tasks by primary key with the other filters.

    Two statements instead of a join, so that no planner can prefer scanning all tasks and
    sorting them (PostgreSQL does when few ids are left below a deep cursor). An annotator
    can hold several judgments of a task (work a reviewer sent back): ids are taken once.
    """
    if f.annotator_id is not None:
        key = judgments.c.task_id
        keys = select(key).where(judgments.c.annotator_id == f.annotator_id)
    else:
        key = task_tags.c.task_id
        keys = select(key).where(task_tags.c.tag == f.tag)
    rows = _task_filters(select(*_ROW_COLUMNS), scope, f)
    if f.tag is not None and f.annotator_id is not None:
        rows = rows.where(
            select(task_tags.c.task_id)
            .where(task_tags.c.task_id == tasks.c.id, task_tags.c.tag == f.tag)
            .exists()
        )
    # Ids the other filters drop (other statuses, projects, and for a tag other organizations'
    # tasks: task_tags has no scope) cost a round trip each chunk: chunks double to bound them.
    chunk = limit
    out: list[Row[Any]] = []
    high = f.id_to
    while len(out) < limit:
        q = _id_range(keys, key, f.id_from, high).order_by(key.desc()).limit(chunk)
        got = list(conn.execute(q).scalars())
        ids = list(dict.fromkeys(got))  # copies are adjacent: the bound below skips the rest
        if ids:
            found = conn.execute(rows.where(tasks.c.id.in_(ids)).order_by(tasks.c.id.desc()))
            out.extend(list(found)[: limit - len(out)])
        if len(got) < chunk:
            break
        high = got[-1]
        chunk = min(chunk * 2, _MAX_CHUNK)
    return out


def member_id(conn: Connection, *, organization_id: int, username: str) -> int | None:
    """The id of a user of the organization (usernames of other organizations are unknown)."""
    row = conn.execute(
        select(users.c.id)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(users.c.username == username, memberships.c.organization_id == organization_id)
    ).first()
    return None if row is None else int(row.id)


def usernames(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(select(users.c.id, users.c.username).where(users.c.id.in_(ids)))
    return {r.id: r.username for r in rows}


def last_review_actions(conn: Connection, task_ids: Sequence[str]) -> dict[str, str]:
    """The latest reviewer action (accept, fix or reject) of each task that has one."""
    if not task_ids:
        return {}
    rows = conn.execute(
        select(reviews.c.task_id, reviews.c.action)
        .where(reviews.c.task_id.in_(task_ids))
        .order_by(reviews.c.id)
    )
    return {r.task_id: r.action for r in rows}


# --- Task detail ------------------------------------------------------------------------------


def judgments_of(conn: Connection, task_id: str) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(judgments).where(judgments.c.task_id == task_id).order_by(judgments.c.id)
        )
    )


def reviews_of(conn: Connection, task_id: str) -> list[Row[Any]]:
    return list(
        conn.execute(select(reviews).where(reviews.c.task_id == task_id).order_by(reviews.c.id))
    )


def assignments_of(conn: Connection, task_id: str) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(assignments).where(assignments.c.task_id == task_id).order_by(assignments.c.id)
        )
    )


def skips_of(conn: Connection, assignment_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    out: dict[int, list[Row[Any]]] = defaultdict(list)
    if assignment_ids:
        rows = conn.execute(
            select(assignment_skips)
            .where(assignment_skips.c.assignment_id.in_(assignment_ids))
            .order_by(assignment_skips.c.id)
        )
        for r in rows:
            out[r.assignment_id].append(r)
    return out


# --- Progress ----------------------------------------------------------------------------------


def counts_by(conn: Connection, column: Any, ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Tasks per status of each project or batch, in one grouped query (``column``: the
    tasks column that names them, read from its ``(column, status, id)`` index)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        rows = conn.execute(
            select(column, tasks.c.status, func.count())
            .where(column.in_(ids))
            .group_by(column, tasks.c.status)
        )
        for owner, status, n in rows:
            out[owner][status] = int(n)
    return out


def project_task_counts(conn: Connection, project_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    out = counts_by(conn, tasks.c.project_id, project_ids)
    # Gold and training tasks stay pending forever and are not the requester's: the few of
    # them are taken off here rather than filtered row by row out of the index count.
    if project_ids:
        gold = conn.execute(
            select(gold_tasks.c.project_id, func.count())
            .where(gold_tasks.c.project_id.in_(project_ids))
            .group_by(gold_tasks.c.project_id)
        )
        for pid, n in gold:
            left = out[pid].get("pending", 0) - int(n)
            if left > 0:
                out[pid]["pending"] = left
            else:
                out[pid].pop("pending", None)
    return out


def batch_task_counts(conn: Connection, batch_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    return counts_by(conn, tasks.c.batch_id, batch_ids)


def list_batches(
    conn: Connection,
    *,
    scope: Scope,
    project_id: int | None,
    status: str | None,
    before_id: int | None,
    limit: int,
) -> list[Row[Any]]:
    """Newest first; ``before_id`` is the cursor (the last id of the previous page)."""
    q = select(batches)
    if project_id is not None:  # the project was looked up within the scope
        q = q.where(batches.c.project_id == project_id)
    else:
        q = q.where(
            batches.c.organization_id == scope.organization_id,
            batches.c.is_test == scope.is_test,
        )
    if status is not None:
        q = q.where(batches.c.status == status)
    if before_id is not None:
        q = q.where(batches.c.id < before_id)
    return list(conn.execute(q.order_by(batches.c.id.desc()).limit(limit)))


def open_stages(conn: Connection, *, project_id: int) -> set[str]:
    """Stages of the project that still have work waiting (held or open assignments)."""
    rows = conn.execute(
        select(assignments.c.stage)
        .where(assignments.c.project_id == project_id, assignments.c.status.in_(("held", "open")))
        .distinct()
    )
    return {r.stage for r in rows}


# --- Throughput ----------------------------------------------------------------------------------


def _hour_of(conn: Connection, column: Any) -> Any:
    """``YYYY-MM-DD HH`` of a UTC timestamp column, on either database."""
    if conn.dialect.name == "sqlite":  # stored as naive UTC text: 'YYYY-MM-DD HH:MM:SS...'
        return func.substr(column, 1, 13, type_=String)
    return func.to_char(
        column.op("AT TIME ZONE")(literal_column("'UTC'")), "YYYY-MM-DD HH24", type_=String
    )


def completed_per_hour(
    conn: Connection,
    *,
    scope: Scope,
    project_id: int | None,
    since: datetime,
    until: datetime,
) -> list[tuple[str, int]]:
    """``(hour, tasks completed)`` for the hours that have any, read from the
    ``(organization_id, is_test, completed_at)`` index."""
    hour = _hour_of(conn, tasks.c.completed_at).label("hour")
    q = select(hour, func.count()).where(
        tasks.c.organization_id == scope.organization_id,
        tasks.c.is_test == scope.is_test,
        tasks.c.completed_at >= since,
        tasks.c.completed_at < until,
    )
    if project_id is not None:
        q = q.where(tasks.c.project_id == project_id)
    return [(str(h), int(n)) for h, n in conn.execute(q.group_by(hour))]


def member_ids(conn: Connection, *, organization_id: int) -> list[int]:
    rows = conn.execute(
        select(memberships.c.user_id).where(memberships.c.organization_id == organization_id)
    )
    return [int(r.user_id) for r in rows]


@dataclass(frozen=True, slots=True)
class TimingRow:
    key: Any  # an annotator id or a task type
    judgments: int
    timed: int  # judgments that recorded time_spent_ms
    total_ms: int
    median_ms: float | None


def judgment_timings(
    conn: Connection,
    *,
    scope: Scope,
    annotator_ids: Sequence[int],
    project_id: int | None,
    since: datetime,
    until: datetime,
) -> dict[str, list[TimingRow]]:
    """Human judgments made in the window, per annotator and per task type: how many, and
    the sum and median of ``time_spent_ms`` (the database sorts; only the middles come back).

    Judgments carry no organization: naming the annotators (the organization's members) lets
    the ``(annotator_id, created_at)`` index find the window. The tasks are joined for their
    scope, project and type; over a wide window PostgreSQL may rightly hash-join the whole
    tasks table for that, which is cheaper than looking each one up.
    """
    if not annotator_ids:
        return {"annotator": [], "type": []}
    q = (
        select(
            judgments.c.annotator_id.label("annotator"),
            tasks.c.type.label("type"),
            judgments.c.time_spent_ms.label("ms"),
        )
        .select_from(judgments.join(tasks, tasks.c.id == judgments.c.task_id))
        .where(
            judgments.c.annotator_id.in_(annotator_ids),
            judgments.c.created_at >= since,
            judgments.c.created_at < until,
            judgments.c.source == "human",
            tasks.c.organization_id == scope.organization_id,
            tasks.c.is_test == scope.is_test,
        )
    )
    if project_id is not None:
        q = q.where(tasks.c.project_id == project_id)
    # One pass over the window's judgments (a CTE read twice is computed once), ranked within
    # each annotator and each type: each row learns its rank among its group's times and the
    # group's count of times (window functions), then each group keeps its counts and the mean
    # of its middle time or two (the median). Rows without a time rank last on both databases.
    judged = q.cte("judged")
    ms = judged.c.ms

    def ranked(dim: str, key: Any) -> Any:
        return select(
            literal(dim, String).label("dim"),
            key.label("key"),
            ms.label("ms"),
            func.row_number().over(partition_by=key, order_by=(ms.is_(None), ms)).label("rn"),
            func.count(ms).over(partition_by=key).label("timed"),
        )

    r = union_all(
        ranked("annotator", cast(judged.c.annotator, String)), ranked("type", judged.c.type)
    ).subquery()
    middle = r.c.rn.in_([(r.c.timed + 1) // 2, (r.c.timed + 2) // 2]) & r.c.ms.is_not(None)
    rows = conn.execute(
        select(
            r.c.dim,
            r.c.key,
            func.count().label("judgments"),
            func.max(r.c.timed).label("timed"),
            func.coalesce(func.sum(r.c.ms), 0).label("total"),
            func.avg(case((middle, r.c.ms))).label("median"),
        ).group_by(r.c.dim, r.c.key)
    )
    out: dict[str, list[TimingRow]] = {"annotator": [], "type": []}
    for row in rows:
        out[row.dim].append(
            TimingRow(
                int(row.key) if row.dim == "annotator" else row.key,
                int(row.judgments),
                int(row.timed),
                int(row.total),
                None if row.median is None else float(row.median),
            )
        )
    return out
