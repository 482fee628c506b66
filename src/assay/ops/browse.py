"""The task browser (filters, keyset paging newest first) and a task's full record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row

from assay import clock
from assay.accounts.model import Scope
from assay.errors import NotFound
from assay.ids import is_id
from assay.ops.model import (
    DEFAULT_LIMIT,
    TASK_STATUSES,
    check_limit,
    check_status,
    encode_cursor,
    id_floor,
    parse_time,
    task_cursor,
)
from assay.projects import service as projects
from assay.queue.policy import is_live
from assay.storage.db import Database
from assay.storage.repos import batches as batches_repo
from assay.storage.repos import ops as repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import tasks as tasks_repo
from assay.tasks.wire import audit_json, callback_attempt_json, iso, task_json


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """The browser's query string, as sent (every value is checked by ``list_tasks``)."""

    project: str | None = None
    status: str | None = None
    batch: str | None = None
    annotator: str | None = None
    tag: str | None = None
    created_after: str | None = None
    created_before: str | None = None
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


def _resolve(conn: Connection, scope: Scope, q: TaskQuery) -> repo.TaskBrowse:
    """Names to ids within the scope (404 for a name the caller cannot see)."""
    status = check_status(q.status, TASK_STATUSES)
    after = parse_time(q.created_after, "created_after")
    before = parse_time(q.created_before, "created_before")
    bounds = [id_floor(before)] if before else []
    if q.cursor:
        bounds.append(task_cursor(q.cursor))
    project_id = batch_id = annotator_id = None
    if q.project:
        project_id = projects.get_or_raise(conn, scope=scope, name=q.project).id
    if q.batch:
        batch = batches_repo.get_batch(conn, scope=scope, name=q.batch)
        if batch is None:
            raise NotFound(f"batch {q.batch!r} not found")
        batch_id = batch.id
    if q.annotator:
        annotator_id = repo.member_id(
            conn, organization_id=scope.organization_id, username=q.annotator
        )
        if annotator_id is None:
            raise NotFound(f"annotator {q.annotator!r} not found")
    return repo.TaskBrowse(
        project_id=project_id,
        batch_id=batch_id,
        status=status,
        annotator_id=annotator_id,
        tag=q.tag or None,
        id_from=id_floor(after) if after else None,
        id_to=min(bounds) if bounds else None,
    )


def list_tasks(db: Database, *, scope: Scope, q: TaskQuery) -> dict[str, Any]:
    """One page of ``TaskRow``s, newest first; ``next_cursor`` is null on the last page.

    ``created_after`` is inclusive and ``created_before`` exclusive, to the millisecond.
    """
    check_limit(q.limit)
    with db.read() as conn:
        f = _resolve(conn, scope, q)
        rows = repo.browse_tasks(conn, scope=scope, f=f, limit=q.limit + 1)
        more, rows = len(rows) > q.limit, rows[: q.limit]
        items = _rows(conn, rows)
    return {
        "items": items,
        "next_cursor": encode_cursor("t", rows[-1].id) if more else None,
    }


def _rows(conn: Connection, rows: list[Row[Any]]) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    tags = tasks_repo.tags_for(conn, ids)
    reviewed = repo.last_review_actions(conn, ids)
    project_names = projects_repo.names_by_id(conn, {r.project_id for r in rows})
    batch_names = batches_repo.names_by_id(conn, {r.batch_id for r in rows if r.batch_id})
    return [
        {
            "task_id": r.id,
            "project": project_names[r.project_id],
            "batch": batch_names.get(r.batch_id) if r.batch_id else None,
            "type": r.type,
            "status": r.status,
            "created_at": iso(r.created_at),
            "completed_at": iso(r.completed_at),
            "tags": tags.get(r.id, []),
            # The requester's audit (Scale's customer_review_status) ...
            "review_status": r.customer_review_status,
            # ... and the review stage's latest word, when the project has one.
            "last_review": reviewed.get(r.id),
        }
        for r in rows
    ]


# --- Detail -----------------------------------------------------------------------------------


def task_detail(db: Database, *, scope: Scope, task_id: str) -> dict[str, Any]:
    """Everything that happened to a task: judgments, reviews, assignments (leases, skips),
    callback attempts and audits. Lease tokens are never shown."""
    now = clock.now()
    with db.read() as conn:
        row = tasks_repo.get_task(conn, scope=scope, task_id=task_id) if is_id(task_id) else None
        if row is None:
            raise NotFound("Task with that ID not found.")
        judged = repo.judgments_of(conn, row.id)
        reviewed = repo.reviews_of(conn, row.id)
        assigned = repo.assignments_of(conn, row.id)
        skips = repo.skips_of(conn, [a.id for a in assigned])
        user_ids = {j.annotator_id for j in judged} | {r.reviewer_id for r in reviewed}
        user_ids |= {u for r in reviewed for u in r.labeler_ids}
        user_ids |= {a.annotator_id for a in assigned} | {a.reserved_for for a in assigned}
        user_ids |= {s.annotator_id for rows in skips.values() for s in rows}
        names = repo.usernames(conn, {u for u in user_ids if u is not None})
        audits = tasks_repo.audits_for(conn, [row.id]).get(row.id, [])
        attempts = tasks_repo.callback_attempts_for(conn, row.id)
        project = projects_repo.names_by_id(conn, {row.project_id})[row.project_id]
        batch = batches_repo.names_by_id(conn, {row.batch_id}) if row.batch_id else {}
        task = task_json(
            row._mapping,
            project=project,
            batch=batch.get(row.batch_id) if row.batch_id else None,
            tags=tasks_repo.tags_for(conn, [row.id]).get(row.id, []),
            audits=audits,
        )

    def who(user_id: int | None) -> str | None:
        return None if user_id is None else names.get(user_id)

    return {
        "task": task,
        "judgments": [
            {
                "id": j.id,
                "assignment_id": j.assignment_id,
                "stage": j.stage,
                "source": j.source,
                "annotator": who(j.annotator_id),
                "response": j.response,
                "time_spent_ms": j.time_spent_ms,
                "created_at": iso(j.created_at),
                "superseded_at": iso(j.superseded_at),
            }
            for j in judged
        ],
        "reviews": [
            {
                "id": r.id,
                "assignment_id": r.assignment_id,
                "reviewer": who(r.reviewer_id),
                "action": r.action,
                "comment": r.comment,
                "original": r.original,
                "response": r.response,
                "diff": r.diff,
                "labelers": [who(u) for u in r.labeler_ids],
                "time_spent_ms": r.time_spent_ms,
                "created_at": iso(r.created_at),
            }
            for r in reviewed
        ],
        "assignments": [
            {
                "id": a.id,
                "stage": a.stage,
                "status": a.status,
                "annotator": who(a.annotator_id),
                "reserved_for": who(a.reserved_for),
                "priority": a.priority,
                "lease_count": a.lease_count,
                "leased_at": iso(a.leased_at),
                "lease_expires_at": iso(a.lease_expires_at),
                "leased": a.status == "open" and is_live(a.lease_expires_at, now),
                "created_at": iso(a.created_at),
                "completed_at": iso(a.completed_at),
                "skips": [
                    {
                        "annotator": who(s.annotator_id),
                        "reason": s.reason,
                        "created_at": iso(s.created_at),
                    }
                    for s in skips.get(a.id, [])
                ],
            }
            for a in assigned
        ],
        "callback_attempts": [callback_attempt_json(a) for a in attempts],
        "audits": [audit_json(a) for a in audits],
    }
