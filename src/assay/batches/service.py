"""Batch use-cases and the batch lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from assay import clock
from assay.accounts.model import Scope
from assay.errors import Conflict, Invalid, NotEnabled, NotFound
from assay.projects import service as projects_service
from assay.storage.db import Database
from assay.storage.repos import batches as repo
from assay.storage.repos import jobs as jobs_repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import queue as queue_repo
from assay.tasks.model import check_callback_url
from assay.tasks.wire import batch_json
from assay.webhooks.netguard import NetGuard

STAGING, IN_PROGRESS, COMPLETED = "staging", "in_progress", "completed"


def create_batch(
    db: Database,
    guard: NetGuard,
    *,
    scope: Scope,
    project: str,
    name: str,
    callback: str | None,
    metadata: dict[str, Any] | None,
    calibration: bool = False,
    self_label: bool = False,
) -> dict[str, Any]:
    if calibration or self_label:
        raise NotEnabled("calibration and self-label batches are not available on this server")
    if not name or len(name) > 255:
        raise Invalid("name: must have 1 to 255 characters")
    try:
        callback = check_callback_url(callback)
    except ValueError as exc:
        raise Invalid(f"callback: {exc}") from None
    if callback:
        guard.check_literal(callback)
    now = clock.now()
    try:
        with db.write() as conn:
            proj = projects_service.get_or_raise(conn, scope=scope, name=project)
            bid = repo.insert_batch(
                conn,
                scope=scope,
                project_id=proj.id,
                name=name,
                status=STAGING,
                callback_url=callback,
                metadata=metadata or {},
                calibration=calibration,
                self_label=self_label,
                now=now,
            )
            row = repo.get_batch(conn, scope=scope, id=bid)
    except IntegrityError:
        raise Conflict(f"batch {name!r} already exists") from None
    assert row is not None
    return batch_json(row._mapping, project=project)


def _get(conn: Connection, scope: Scope, name: str, *, lock: bool = False) -> Any:
    row = repo.get_batch(conn, scope=scope, name=name, lock=lock)
    if row is None:
        raise NotFound(f"batch {name!r} not found")
    return row


def _json(conn: Connection, row: Any) -> dict[str, Any]:
    project = projects_repo.names_by_id(conn, {row.project_id})[row.project_id]
    return batch_json(row._mapping, project=project)


def get_batch(db: Database, *, scope: Scope, name: str) -> dict[str, Any]:
    with db.read() as conn:
        return _json(conn, _get(conn, scope, name))


def list_batches(
    db: Database, *, scope: Scope, project: str | None, f: repo.BatchFilter, offset: int, limit: int
) -> dict[str, Any]:
    with db.read() as conn:
        if project is not None:
            proj = projects_service.get_or_raise(conn, scope=scope, name=project)
            f = repo.BatchFilter(
                project_id=proj.id,
                status=f.status,
                created_after=f.created_after,
                created_before=f.created_before,
                exclude_archived=f.exclude_archived,
            )
        rows, total = repo.list_batches(conn, scope=scope, f=f, offset=offset, limit=limit)
        names = projects_repo.names_by_id(conn, {r.project_id for r in rows})
        docs = [batch_json(r._mapping, project=names[r.project_id]) for r in rows]
    return {
        "docs": docs,
        "totalDocs": total,
        "limit": limit,
        "offset": offset,
        "has_more": offset + len(docs) < total,
    }


def finalize(
    db: Database, *, scope: Scope, name: str, callback_deadline: timedelta
) -> dict[str, Any]:
    """Release a staging batch's tasks to the queue. Finalizing again changes nothing."""
    now = clock.now()
    with db.write() as conn:
        row = _get(conn, scope, name, lock=True)
        if row.status == STAGING:
            repo.update_batch(
                conn, batch_id=row.id, values={"status": IN_PROGRESS, "finalized_at": now}
            )
            queue_repo.open_held_for_batch(conn, batch_id=row.id)
            maybe_complete(
                conn, batch_id=row.id, now=now, callback_deadline=callback_deadline, locked=True
            )
        return _json(conn, _get(conn, scope, name))


def status(db: Database, *, scope: Scope, name: str) -> dict[str, Any]:
    with db.read() as conn:
        row = _get(conn, scope, name)
        batch_status, counts = repo.status_and_counts(conn, batch_id=row.id)
    return {
        "status": batch_status,
        **{k: counts.get(k, 0) for k in ("pending", "completed", "error", "canceled")},
    }


def set_metadata(
    db: Database, *, scope: Scope, name: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    with db.write() as conn:
        row = _get(conn, scope, name, lock=True)
        repo.update_batch(conn, batch_id=row.id, values={"metadata": metadata})
        return _json(conn, _get(conn, scope, name))


def maybe_complete(
    conn: Connection,
    *,
    batch_id: int,
    now: datetime,
    callback_deadline: timedelta,
    locked: bool = False,
) -> bool:
    """Complete an in-progress batch that has no pending task left.

    The batch row is locked first, so two tasks finishing at once cannot both see the other
    as pending and leave the batch open forever.
    """
    row = repo.get_batch_by_id(conn, batch_id, lock=not locked)
    if row is None or row.status != IN_PROGRESS:
        return False
    if repo.has_pending_tasks(conn, batch_id=batch_id):
        return False
    repo.update_batch(conn, batch_id=batch_id, values={"status": COMPLETED, "completed_at": now})
    if row.callback_url:
        jobs_repo.enqueue(
            conn,
            kind="batch_callback",
            payload={},
            now=now,
            organization_id=row.organization_id,
            batch_id=batch_id,
            deadline_at=now + callback_deadline,
        )
    return True
