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

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from assay.accounts.model import Scope
from assay.storage.tables import (
    assignment_skips,
    assignments,
    judgments,
    projects,
    reviews,
    tasks,
    users,
)
from assay.storage.types import UTCDateTime

a = assignments.c


def insert_assignments(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(assignments), list(rows))


# The hot statements are built once, with bind parameters: building a statement and its cache
# key costs more Python time than running it. Parameter names must differ from column names
# (SQLAlchemy reserves those for the SET clause).
_NOW = bindparam("p_now", type_=UTCDateTime)


def _claimable() -> Any:
    return and_(a.status == "open", or_(a.lease_expires_at.is_(None), a.lease_expires_at < _NOW))


def _candidates() -> Any:
    """The assignments this annotator may take at a stage, in queue order."""
    mine = assignments.alias("mine")
    # Not twice the same task for one annotator: no other live lease of theirs on it, and no
    # submitted work of theirs at the excluded stage (the same stage for label work, so that
    # several judgments come from different people; the label stage for review work, so that
    # nobody reviews their own labels, while a reviewer may review a reworked task again).
    already_mine = (
        select(mine.c.id)
        .where(
            mine.c.task_id == a.task_id,
            mine.c.annotator_id == bindparam("p_user"),
            or_(
                and_(mine.c.status == "submitted", mine.c.stage == bindparam("p_excluded")),
                and_(mine.c.status == "open", mine.c.lease_expires_at > _NOW),
            ),
        )
        .exists()
    )
    skipped = (
        select(assignment_skips.c.id)
        .where(
            assignment_skips.c.assignment_id == a.id,
            assignment_skips.c.annotator_id == bindparam("p_user"),
        )
        .exists()
    )
    return (
        select(a.id)
        .where(
            a.project_id == bindparam("p_project"),
            a.stage == bindparam("p_stage"),
            _claimable(),
            or_(
                # Rework a reviewer sent back goes to its labeler and to nobody else.
                a.reserved_for == bindparam("p_user"),
                and_(a.reserved_for.is_(None), ~already_mine, ~skipped),
            ),
            # Hard work (a disputed task's extra judgment) only for accurate annotators.
            or_(a.min_accuracy.is_(None), a.min_accuracy <= bindparam("p_accuracy")),
        )
        .order_by(a.priority.desc(), a.id)
        .limit(1)
    )


def _build_claim() -> Any:
    pick = _candidates().with_for_update(skip_locked=True).scalar_subquery()
    return (
        update(assignments)
        .where(a.id == pick, _claimable())
        .values(
            annotator_id=bindparam("p_user"),
            lease_token=bindparam("p_token"),
            lease_expires_at=bindparam("p_expires", type_=UTCDateTime),
            leased_at=_NOW,
            lease_count=a.lease_count + 1,
        )
        .returning(*assignments.c)
    )


_CLAIM = _build_claim()
_WAITING = _candidates()
# One annotator's concurrent claims must not each take a different assignment of the same
# task; a transaction-scoped lock per annotator orders them (PostgreSQL only).
_ANNOTATOR_LOCK = text("SELECT pg_advisory_xact_lock(7411, :u)")


def claim(
    conn: Connection,
    *,
    project_id: int,
    stage: str,
    excluded_stage: str,
    annotator_id: int,
    now: datetime,
    expires_at: datetime,
    token: str,
    accuracy: float = 1.0,
) -> Row[Any] | None:
    if conn.dialect.name == "postgresql":
        conn.execute(_ANNOTATOR_LOCK, {"u": annotator_id})
    return conn.execute(
        _CLAIM,
        {
            "p_project": project_id,
            "p_stage": stage,
            "p_excluded": excluded_stage,
            "p_user": annotator_id,
            "p_now": now,
            "p_expires": expires_at,
            "p_token": token,
            "p_accuracy": accuracy,
        },
    ).first()


def insert_leased(
    conn: Connection,
    *,
    task_id: str,
    project_id: int,
    stage: str,
    annotator_id: int,
    now: datetime,
    expires_at: datetime,
    token: str,
) -> Row[Any]:
    """An assignment made for one annotator and leased to them at once (a gold or training
    task): reserved for them, so an expired lease brings it back to them alone."""
    return conn.execute(
        insert(assignments)
        .values(
            task_id=task_id,
            project_id=project_id,
            stage=stage,
            status="open",
            priority=0,
            annotator_id=annotator_id,
            reserved_for=annotator_id,
            lease_token=token,
            lease_expires_at=expires_at,
            leased_at=now,
            lease_count=1,
            created_at=now,
        )
        .returning(*assignments.c)
    ).one()


def work_waiting_for(
    conn: Connection,
    *,
    project_id: int,
    stage: str,
    excluded_stage: str,
    annotator_id: int,
    now: datetime,
    accuracy: float = 1.0,
) -> bool:
    """Whether a claim by this annotator now would find work (the claim's own conditions)."""
    found = conn.execute(
        _WAITING,
        {
            "p_project": project_id,
            "p_stage": stage,
            "p_excluded": excluded_stage,
            "p_user": annotator_id,
            "p_now": now,
            "p_accuracy": accuracy,
        },
    ).first()
    return found is not None


def cancel_assignment(conn: Connection, *, assignment_id: int, now: datetime) -> None:
    conn.execute(
        update(assignments)
        .where(a.id == assignment_id)
        .values(status="canceled", completed_at=now, lease_token=None)
    )


def get_assignment(conn: Connection, assignment_id: int, *, lock: bool = False) -> Row[Any] | None:
    q = select(assignments).where(a.id == assignment_id)
    if lock:
        q = q.with_for_update()
    return conn.execute(q).first()


# The caller's live lease, on a task of the caller's organization and environment.
_HELD_BY = and_(
    a.id == bindparam("p_id"),
    a.status == "open",
    a.annotator_id == bindparam("p_user"),
    a.lease_token == bindparam("p_token"),
    a.lease_expires_at > _NOW,
    select(tasks.c.id)
    .where(
        tasks.c.id == a.task_id,
        tasks.c.organization_id == bindparam("p_org"),
        tasks.c.is_test == bindparam("p_test"),
    )
    .exists(),
)
_EXTEND = (
    update(assignments)
    .where(_HELD_BY)
    .values(lease_expires_at=bindparam("p_expires", type_=UTCDateTime))
    .returning(*assignments.c)
)
_RELEASE = (
    update(assignments)
    .where(_HELD_BY)
    .values(lease_token=None, lease_expires_at=None, annotator_id=None)
)
_SUBMIT = (
    update(assignments)
    .where(_HELD_BY)
    .values(status="submitted", completed_at=_NOW, lease_token=None, submit_key=bindparam("p_key"))
    .returning(*assignments.c)
)


def _held(
    assignment_id: int, annotator_id: int, token: str, now: datetime, scope: Scope
) -> dict[str, Any]:
    return {
        "p_id": assignment_id,
        "p_user": annotator_id,
        "p_token": token,
        "p_now": now,
        "p_org": scope.organization_id,
        "p_test": scope.is_test,
    }


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
    params = _held(assignment_id, annotator_id, token, now, scope)
    return conn.execute(_EXTEND, {**params, "p_expires": expires_at}).first()


def release(
    conn: Connection,
    *,
    assignment_id: int,
    annotator_id: int,
    token: str,
    now: datetime,
    scope: Scope,
) -> bool:
    return (
        conn.execute(_RELEASE, _held(assignment_id, annotator_id, token, now, scope)).rowcount == 1
    )


def mark_submitted(
    conn: Connection,
    *,
    assignment_id: int,
    annotator_id: int,
    token: str,
    now: datetime,
    scope: Scope,
    submit_key: str | None = None,
) -> Row[Any] | None:
    params = _held(assignment_id, annotator_id, token, now, scope)
    return conn.execute(_SUBMIT, {**params, "p_key": submit_key}).first()


def insert_skip(
    conn: Connection, *, assignment_id: int, annotator_id: int, reason: str, now: datetime
) -> None:
    conn.execute(
        insert(assignment_skips).values(
            assignment_id=assignment_id, annotator_id=annotator_id, reason=reason, created_at=now
        )
    )


_INSERT_JUDGMENT = insert(judgments)


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
        _INSERT_JUDGMENT,
        {
            "task_id": task_id,
            "assignment_id": assignment_id,
            "stage": stage,
            "source": source,
            "annotator_id": annotator_id,
            "response": response,
            "time_spent_ms": time_spent_ms,
            "created_at": now,
        },
    )


def stage_judgments(conn: Connection, *, task_id: str, stage: str) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(judgments, users.c.username)
            .outerjoin(users, users.c.id == judgments.c.annotator_id)
            .where(
                judgments.c.task_id == task_id,
                judgments.c.stage == stage,
                judgments.c.superseded_at.is_(None),
            )
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
    conn: Connection, *, project_ids: Sequence[int], user_id: int, now: datetime
) -> dict[tuple[int, str], dict[str, int]]:
    """Per project and stage: assignments waiting for this user, and those leased right now."""
    out: dict[tuple[int, str], dict[str, int]] = {}
    if not project_ids:
        return out
    leased = and_(a.lease_expires_at.is_not(None), a.lease_expires_at > now)
    rows = conn.execute(
        select(a.project_id, a.stage, func.count(), func.sum(case((leased, 1), else_=0)))
        .where(
            a.project_id.in_(project_ids),
            a.status == "open",
            or_(a.reserved_for.is_(None), a.reserved_for == user_id),
        )
        .group_by(a.project_id, a.stage)
    )
    for pid, stage, total, n_leased in rows:
        n_leased = int(n_leased or 0)
        out[(pid, stage)] = {"available": int(total) - n_leased, "leased": n_leased}
    return out


def supersede_judgments(conn: Connection, *, ids: Sequence[int], now: datetime) -> None:
    conn.execute(update(judgments).where(judgments.c.id.in_(ids)).values(superseded_at=now))


def insert_review(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(reviews).values(**values).returning(reviews.c.id)).scalar_one())


def rework_feedback(
    conn: Connection, *, task_id: str, annotator_id: int
) -> tuple[Row[Any], Any] | None:
    """The latest rejection of this task, with this annotator's rejected response."""
    review = conn.execute(
        select(reviews, users.c.username)
        .outerjoin(users, users.c.id == reviews.c.reviewer_id)
        .where(reviews.c.task_id == task_id, reviews.c.action == "reject")
        .order_by(reviews.c.id.desc())
        .limit(1)
    ).first()
    if review is None:
        return None
    own = conn.execute(
        select(judgments.c.response)
        .where(
            judgments.c.task_id == task_id,
            judgments.c.annotator_id == annotator_id,
            judgments.c.superseded_at.is_not(None),
        )
        .order_by(judgments.c.id.desc())
        .limit(1)
    ).scalar()
    return review, own


def project_of(conn: Connection, project_id: int) -> Row[Any]:
    return conn.execute(select(projects).where(projects.c.id == project_id)).one()
