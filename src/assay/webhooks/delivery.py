"""Deliver callbacks: one signed POST per attempt, retried with backoff until a deadline."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Row

from assay import clock
from assay.context import Context
from assay.errors import Invalid
from assay.storage.repos import accounts as accounts_repo
from assay.storage.repos import batches as batches_repo
from assay.storage.repos import jobs as jobs_repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import tasks as tasks_repo
from assay.tasks.wire import batch_json, task_json
from assay.webhooks import events


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(
    ctx: Context, client: httpx.Client, url: str, body: bytes, headers: dict[str, str]
) -> Outcome:
    started = time.perf_counter()
    try:
        ctx.guard.check_resolved(url)
        resp = client.post(
            url, content=body, headers=headers, timeout=ctx.settings.callback_timeout_seconds
        )
        code, error = resp.status_code, None if resp.is_success else resp.text[:500]
    except Invalid as exc:
        code, error = None, exc.message
    except httpx.HTTPError as exc:
        code, error = None, f"{type(exc).__name__}: {exc}"[:500]
    return Outcome(code, error, int((time.perf_counter() - started) * 1000))


def _payload(ctx: Context, job: Row[Any]) -> tuple[str, bytes, Row[Any]] | None:
    """URL, body and organization of a job's callback, read in one transaction; None when it
    has nothing to send."""
    with ctx.db.read() as conn:
        org = accounts_repo.get_organization(conn, id=job.organization_id)
        if org is None:
            return None
        if job.kind == "task_callback":
            task = tasks_repo.get_task_by_id(conn, job.task_id)
            if task is None or task.status != "completed" or not task.callback_url:
                return None
            project = projects_repo.names_by_id(conn, {task.project_id})[task.project_id]
            batch = (
                batches_repo.names_by_id(conn, {task.batch_id}).get(task.batch_id)
                if task.batch_id
                else None
            )
            doc = task_json(
                task._mapping,
                project=project,
                batch=batch,
                tags=tasks_repo.tags_for(conn, [task.id]).get(task.id, []),
                audits=tasks_repo.audits_for(conn, [task.id]).get(task.id, []),
            )
            return task.callback_url, events.task_callback_body(doc), org
        row = batches_repo.get_batch_by_id(conn, job.batch_id)
        if row is None or not row.callback_url:
            return None
        project = projects_repo.names_by_id(conn, {row.project_id})[row.project_id]
        counts = batches_repo.task_counts(conn, batch_id=row.id)
        body = events.batch_callback_body(batch_json(row._mapping, project=project), counts)
        return row.callback_url, body, org


def run_callback_job(ctx: Context, client: httpx.Client, job: Row[Any], worker_id: str) -> None:
    found = _payload(ctx, job)
    now = clock.now()
    if found is None:
        with ctx.db.write() as conn:
            jobs_repo.finish(
                conn, job_id=job.id, worker_id=worker_id, now=now, error="nothing to deliver"
            )
        return
    url, body, org = found
    hdrs = events.headers(
        secret=org.webhook_secret,
        auth_key=org.callback_auth_key,
        msg_id=f"msg_{job.id}",
        timestamp=int(time.time()),
        body=body,
    )
    outcome = post(ctx, client, url, body, hdrs)
    _record(ctx, job, worker_id, url, outcome)


def _next_run(ctx: Context, job: Row[Any], now: datetime) -> datetime | None:
    s = ctx.settings
    delay = events.backoff_seconds(
        job.attempts,
        base=s.callback_backoff_seconds,
        cap=s.callback_backoff_max_seconds,
        jitter=random.random(),
    )
    run_at = now + timedelta(seconds=delay)
    if job.deadline_at is not None and run_at > job.deadline_at:
        return None
    return run_at


def _record(ctx: Context, job: Row[Any], worker_id: str, url: str, outcome: Outcome) -> None:
    now = clock.now()
    with ctx.db.write() as conn:
        jobs_repo.insert_attempt(
            conn,
            job_id=job.id,
            task_id=job.task_id,
            batch_id=job.batch_id,
            url=url,
            attempt=job.attempts,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
            now=now,
        )
        flag = {"callback_succeeded": outcome.ok}
        if job.task_id is not None:
            tasks_repo.update_task(conn, task_id=job.task_id, values=flag)
        else:
            batches_repo.update_batch(conn, batch_id=job.batch_id, values=flag)
        if outcome.ok:
            jobs_repo.finish(conn, job_id=job.id, worker_id=worker_id, now=now)
            return
        error = outcome.error or f"HTTP {outcome.status_code}"
        run_at = _next_run(ctx, job, now)
        if run_at is None:
            jobs_repo.finish(
                conn,
                job_id=job.id,
                worker_id=worker_id,
                now=now,
                status="dead",
                error=f"gave up at the deadline: {error}",
            )
        else:
            jobs_repo.retry_at(
                conn, job_id=job.id, worker_id=worker_id, now=now, run_at=run_at, error=error
            )
