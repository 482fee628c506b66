"""Gold and training tasks, skill evidence, and each annotator's standing in a project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    String,
    and_,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from assay.storage.tables import (
    annotator_skills,
    assignments,
    gold_tasks,
    judgments,
    project_annotators,
    skill_events,
    tasks,
    users,
)

g = gold_tasks.c
pa = project_annotators.c
ev = skill_events.c
_INT = Integer()


def _insert(conn: Connection, table: Any) -> Any:
    """INSERT that can say ON CONFLICT on both databases."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


# --- gold and training tasks ------------------------------------------------------------------

_GOLD_COLUMNS = (
    g.task_id,
    g.purpose,
    g.expected_response,
    g.explanation,
    g.nuances,
    g.active,
    g.created_at,
    g.updated_at,
    tasks.c.type,
    tasks.c.params,
    tasks.c.instruction,
    tasks.c.project_id,
)


def insert_gold(conn: Connection, **values: Any) -> None:
    conn.execute(insert(gold_tasks).values(**values))


def get_gold(conn: Connection, task_id: str) -> Row[Any] | None:
    q: Any = select(*_GOLD_COLUMNS).join(tasks, tasks.c.id == g.task_id)
    return conn.execute(q.where(g.task_id == task_id)).first()


def list_gold(
    conn: Connection, *, project_id: int, purpose: str | None, include_inactive: bool
) -> list[Row[Any]]:
    q = (
        select(*_GOLD_COLUMNS)
        .join(tasks, tasks.c.id == g.task_id)
        .where(g.project_id == project_id)
    )
    if purpose is not None:
        q = q.where(g.purpose == purpose)
    if not include_inactive:
        q = q.where(g.active.is_(True))
    return list(conn.execute(q.order_by(g.task_id.desc())))


def update_gold(conn: Connection, *, task_id: str, values: Mapping[str, Any]) -> None:
    conn.execute(update(gold_tasks).where(g.task_id == task_id).values(**values))


def answer_stats(conn: Connection, task_ids: Sequence[str]) -> dict[str, tuple[int, int, float]]:
    """Per gold/training task: (answers scored, correct, mean score)."""
    if not task_ids:
        return {}
    rows = conn.execute(
        select(ev.task_id, func.count(), func.sum(func.cast(ev.correct, _INT)), func.avg(ev.score))
        .where(ev.task_id.in_(task_ids), ev.source.in_(("gold", "training")))
        .group_by(ev.task_id)
    )
    return {tid: (int(n), int(c or 0), float(m)) for tid, n, c, m in rows}


def unanswered(
    conn: Connection, *, project_id: int, purpose: str, annotator_id: int, limit: int = 200
) -> list[Row[Any]]:
    """Active gold or training tasks of the project this annotator has never been handed."""
    handed = (
        select(assignments.c.id)
        .where(
            assignments.c.task_id == g.task_id,
            or_(
                assignments.c.annotator_id == annotator_id,
                assignments.c.reserved_for == annotator_id,
            ),
        )
        .exists()
    )
    q = (
        select(g.task_id, g.nuances)
        .join(tasks, tasks.c.id == g.task_id)
        .where(
            g.project_id == project_id,
            g.purpose == purpose,
            g.active.is_(True),
            tasks.c.status == "pending",  # a canceled one is retired too
            ~handed,
        )
        .order_by(g.task_id)
        .limit(limit)
    )
    return list(conn.execute(q))


# --- an annotator's standing in a project -------------------------------------------------------


def get_standing(conn: Connection, *, project_id: int, annotator_id: int) -> Row[Any] | None:
    return conn.execute(
        select(project_annotators).where(
            pa.project_id == project_id, pa.annotator_id == annotator_id
        )
    ).first()


def ensure_standing(
    conn: Connection, *, project_id: int, annotator_id: int, status: str, now: datetime
) -> Row[Any]:
    """The annotator's row for the project, created with ``status`` if it is new."""
    found = get_standing(conn, project_id=project_id, annotator_id=annotator_id)
    if found is not None:  # every lease after the first: one read
        return found
    conn.execute(
        _insert(conn, project_annotators)
        .values(project_id=project_id, annotator_id=annotator_id, status=status, changed_at=now)
        .on_conflict_do_nothing()
    )
    found = get_standing(conn, project_id=project_id, annotator_id=annotator_id)
    assert found is not None
    return found


def update_standing(
    conn: Connection, *, project_id: int, annotator_id: int, values: Mapping[str, Any]
) -> None:
    conn.execute(
        update(project_annotators)
        .where(pa.project_id == project_id, pa.annotator_id == annotator_id)
        .values(**values)
    )


def count_real_judgment(
    conn: Connection, *, project_id: int, annotator_id: int
) -> tuple[bool, float | None]:
    """Count one real judgment; (whether the annotator has a row, their kept accuracy)."""
    found = conn.execute(
        update(project_annotators)
        .where(pa.project_id == project_id, pa.annotator_id == annotator_id)
        .values(judgments=pa.judgments + 1, since_training=pa.since_training + 1)
        .returning(pa.accuracy)
    ).first()
    return (False, None) if found is None else (True, found.accuracy)


def kept_accuracies(
    conn: Connection, *, project_id: int, annotator_ids: Sequence[int]
) -> dict[int, float | None]:
    rows = conn.execute(
        select(pa.annotator_id, pa.accuracy).where(
            pa.project_id == project_id, pa.annotator_id.in_(annotator_ids)
        )
    )
    return {r.annotator_id: r.accuracy for r in rows}


def standings(conn: Connection, *, project_id: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(project_annotators, users.c.username)
            .join(users, users.c.id == pa.annotator_id)
            .where(pa.project_id == project_id)
        )
    )


def standings_of(
    conn: Connection, *, annotator_id: int, project_ids: Sequence[int]
) -> list[Row[Any]]:
    if not project_ids:
        return []
    return list(
        conn.execute(
            select(project_annotators).where(
                pa.annotator_id == annotator_id, pa.project_id.in_(project_ids)
            )
        )
    )


# --- skill evidence ---------------------------------------------------------------------------


def record(
    conn: Connection,
    *,
    project_id: int,
    annotator_id: int,
    task_id: str,
    source: str,
    score: float,
    correct: bool,
    nuances: Mapping[str, tuple[float, float]],
    now: datetime,
) -> None:
    """One piece of evidence: the event (for history) and the running sums (for estimates)."""
    conn.execute(
        insert(skill_events).values(
            project_id=project_id,
            annotator_id=annotator_id,
            task_id=task_id,
            source=source,
            score=score,
            correct=correct,
            nuances={k: [c, w] for k, (c, w) in nuances.items()},
            created_at=now,
        )
    )
    rows = [
        {
            "project_id": project_id,
            "annotator_id": annotator_id,
            "nuance": nuance,
            "source": source,
            "credit": credit,
            "weight": weight,
            "updated_at": now,
        }
        for nuance, (credit, weight) in sorted(nuances.items())
    ]
    if not rows:
        return
    stmt = _insert(conn, annotator_skills).values(rows)
    sk = annotator_skills.c
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[sk.project_id, sk.annotator_id, sk.nuance, sk.source],
            set_={
                "credit": sk.credit + stmt.excluded.credit,
                "weight": sk.weight + stmt.excluded.weight,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


def skill_sums(
    conn: Connection,
    *,
    project_id: int,
    annotator_ids: Sequence[int] | None = None,
    nuance: str | None = None,
) -> list[Row[Any]]:
    sk = annotator_skills.c
    q = select(sk.annotator_id, sk.nuance, sk.source, sk.credit, sk.weight).where(
        sk.project_id == project_id
    )
    if annotator_ids is not None:
        q = q.where(sk.annotator_id.in_(annotator_ids))
    if nuance is not None:
        q = q.where(sk.nuance == nuance)
    return list(conn.execute(q))


def gold_since(
    conn: Connection, *, project_id: int, annotator_id: int, since: datetime
) -> tuple[int, int]:
    """Gold answers scored since ``since``, and how many were correct."""
    n, c = conn.execute(
        select(func.count(), func.sum(func.cast(ev.correct, _INT))).where(
            ev.project_id == project_id,
            ev.annotator_id == annotator_id,
            ev.source == "gold",
            ev.created_at >= since,
        )
    ).one()
    return int(n), int(c or 0)


def events(
    conn: Connection,
    *,
    project_id: int,
    source: str,
    since: datetime | None = None,
    annotator_id: int | None = None,
) -> list[Row[Any]]:
    q = select(ev.created_at, ev.score, ev.correct, ev.nuances, ev.task_id, ev.annotator_id).where(
        ev.project_id == project_id, ev.source == source
    )
    if annotator_id is not None:
        q = q.where(ev.annotator_id == annotator_id)
    if since is not None:
        q = q.where(ev.created_at >= since)
    return list(conn.execute(q.order_by(ev.created_at)))


# --- what the dashboard reads ---------------------------------------------------------------


def _day_of(conn: Connection, column: Any) -> Any:
    """``YYYY-MM-DD`` of a UTC timestamp column, on either database."""
    if conn.dialect.name == "sqlite":  # stored as naive UTC text: 'YYYY-MM-DD HH:MM:SS...'
        return func.substr(column, 1, 10, type_=String)
    return func.to_char(
        column.op("AT TIME ZONE")(literal_column("'UTC'")), "YYYY-MM-DD", type_=String
    )


def gold_days(conn: Connection, *, project_id: int, since: datetime) -> list[Row[Any]]:
    """Per day: gold answers scored, correct, mean score (grouped in the database: a busy
    project scores many thousands a day)."""
    day = _day_of(conn, ev.created_at).label("day")
    q: Any = (
        select(day, func.count(), func.sum(func.cast(ev.correct, _INT)), func.avg(ev.score))
        .where(ev.project_id == project_id, ev.source == "gold", ev.created_at >= since)
        .group_by(day)
        .order_by(day)
    )
    return list(conn.execute(q))


def below_target(
    conn: Connection, *, project_id: int, target: float, limit: int
) -> tuple[int, list[Row[Any]]]:
    c = tasks.c
    where = and_(c.project_id == project_id, c.confidence < target, c.status == "completed")
    count = int(conn.execute(select(func.count()).select_from(tasks).where(where)).scalar_one())
    q: Any = select(c.id, c.confidence, c.completed_at).where(where)
    return count, list(conn.execute(q.order_by(c.confidence, c.id).limit(limit)))


def judgment_counts(conn: Connection, task_ids: Sequence[str], stage: str) -> dict[str, int]:
    if not task_ids:
        return {}
    j = judgments.c
    rows = conn.execute(
        select(j.task_id, func.count())
        .where(j.task_id.in_(task_ids), j.stage == stage, j.superseded_at.is_(None))
        .group_by(j.task_id)
    )
    return {tid: int(n) for tid, n in rows}


def recent_judged(
    conn: Connection, *, project_id: int, stage: str, tasks_limit: int
) -> list[Row[Any]]:
    """Human judgments of the project's latest tasks judged more than once (for agreement)."""
    c = tasks.c
    j = judgments.c
    recent = (
        select(c.id)
        .where(c.project_id == project_id, c.purpose == "work")
        .order_by(c.id.desc())
        .limit(tasks_limit * 4)
        .subquery()
    )
    multi = (
        select(j.task_id)
        .where(
            j.task_id.in_(select(recent.c.id)),
            j.stage == stage,
            j.source == "human",
            j.superseded_at.is_(None),
        )
        .group_by(j.task_id)
        .having(func.count() > 1)
        .order_by(j.task_id.desc())
        .limit(tasks_limit)
        .subquery()
    )
    return list(
        conn.execute(
            select(j.task_id, j.annotator_id, j.response, c.params)
            .join(tasks, c.id == j.task_id)
            .where(
                j.task_id.in_(select(multi.c.task_id)),
                j.stage == stage,
                j.source == "human",
                j.superseded_at.is_(None),
            )
            .order_by(j.task_id, j.id)
        )
    )
