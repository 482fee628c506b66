"""Jobs: the outbox that workers drain. Claimed with the same lease idea as assignments.

A job is ``pending`` until done or dead; a claim moves its ``run_at`` past the lease, so a job
whose worker died becomes claimable again when the lease runs out, with no sweeper.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from assay.storage.tables import callback_attempts, jobs

j = jobs.c


def enqueue(
    conn: Connection,
    *,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    organization_id: int | None = None,
    task_id: str | None = None,
    batch_id: int | None = None,
    deadline_at: datetime | None = None,
) -> int:
    return int(
        conn.execute(
            insert(jobs)
            .values(
                kind=kind,
                payload=payload,
                status="pending",
                run_at=now,
                attempts=0,
                organization_id=organization_id,
                task_id=task_id,
                batch_id=batch_id,
                deadline_at=deadline_at,
                created_at=now,
                updated_at=now,
            )
            .returning(j.id)
        ).scalar_one()
    )


def claim(
    conn: Connection, *, worker_id: str, now: datetime, lease: timedelta, limit: int
) -> list[Row[Any]]:
    # The ids are picked (and locked) by a statement of their own: inside ``UPDATE ... WHERE
    # id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)`` PostgreSQL may rescan the subquery
    # for each row, skip the rows the UPDATE itself just changed, and claim more than n.
    pick = (
        select(j.id)
        .where(j.status == "pending", j.run_at <= now)
        .order_by(j.run_at, j.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(conn.execute(pick).scalars())
    if not ids:
        return []
    return list(
        conn.execute(
            update(jobs)
            .where(j.id.in_(ids), j.status == "pending", j.run_at <= now)
            .values(
                run_at=now + lease, attempts=j.attempts + 1, locked_by=worker_id, updated_at=now
            )
            .returning(*jobs.c)
        )
    )


def finish(
    conn: Connection,
    *,
    job_id: int,
    worker_id: str,
    now: datetime,
    status: str = "done",
    error: str | None = None,
) -> bool:
    return (
        conn.execute(
            update(jobs)
            .where(j.id == job_id, j.locked_by == worker_id, j.status == "pending")
            .values(status=status, last_error=error, locked_by=None, updated_at=now)
        ).rowcount
        == 1
    )


def retry_at(
    conn: Connection, *, job_id: int, worker_id: str, now: datetime, run_at: datetime, error: str
) -> bool:
    return (
        conn.execute(
            update(jobs)
            .where(j.id == job_id, j.locked_by == worker_id, j.status == "pending")
            .values(run_at=run_at, last_error=error, locked_by=None, updated_at=now)
        ).rowcount
        == 1
    )


def get_job(conn: Connection, job_id: int) -> Row[Any] | None:
    return conn.execute(select(jobs).where(j.id == job_id)).first()


def insert_attempt(
    conn: Connection,
    *,
    job_id: int,
    task_id: str | None,
    batch_id: int | None,
    url: str,
    attempt: int,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    now: datetime,
) -> None:
    conn.execute(
        insert(callback_attempts).values(
            job_id=job_id,
            task_id=task_id,
            batch_id=batch_id,
            url=url,
            attempt=attempt,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
            created_at=now,
        )
    )
