"""Work-queue use-cases: my queue, lease the next assignment, heartbeat, submit, skip, release.

Every state change is guarded by the lease in the same UPDATE that makes it, so a stale
client (expired lease, someone else's token) changes nothing and gets a clear error.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Row

from assay import clock
from assay.accounts.model import Principal
from assay.batches import service as batches_service
from assay.context import Context
from assay.errors import Conflict, Invalid, LeaseExpired, NotFound
from assay.projects import service as projects_service
from assay.queue.policy import is_live, new_lease_token
from assay.queue.workflow import Workflow, judgments_for
from assay.storage.repos import jobs as jobs_repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import queue as repo
from assay.storage.repos import tasks as tasks_repo
from assay.tasks.model import TaskStatus
from assay.tasks.types import get_type
from assay.tasks.wire import iso


def _assignment_json(row: Row[Any], task: Row[Any], project: str, *, token: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "project": project,
        "stage": row.stage,
        "status": row.status,
        "lease_expires_at": iso(row.lease_expires_at),
        "leased_at": iso(row.leased_at),
        # What the annotator sees of the task: never metadata, callback or unique_id, so
        # that hidden gold tasks look like any other.
        "task": {
            "task_id": task.id,
            "type": task.type,
            "params": task.params,
            "instruction": task.instruction,
        },
    }
    if token:
        out["lease_token"] = row.lease_token
    return out


def my_queue(ctx: Context, *, principal: Principal) -> list[dict[str, Any]]:
    now = clock.now()
    with ctx.db.read() as conn:
        projects = projects_repo.list_projects(conn, scope=principal.scope, include_archived=False)
        counts = repo.available_counts(conn, project_ids=[p.id for p in projects], now=now)
    return [{"project": p.name, "type": p.type, **counts[p.id]} for p in projects]


def lease_next(
    ctx: Context, *, principal: Principal, project: str, lease_seconds: float | None = None
) -> dict[str, Any] | None:
    duration = ctx.lease.duration(lease_seconds)
    with ctx.db.write() as conn:
        # The clock is read once the write lock is held, so waiting for it does not shorten
        # the lease (or date it before the claim).
        now = clock.now()
        expires = now + duration
        proj = projects_service.get_or_raise(conn, scope=principal.scope, name=project)
        stage = proj.workflow[0]["name"]
        row = repo.claim(
            conn,
            project_id=proj.id,
            stage=stage,
            annotator_id=principal.user_id,
            now=now,
            expires_at=expires,
            token=new_lease_token(),
        )
        if row is None:
            return None
        task = tasks_repo.get_task_by_id(conn, row.task_id)
        assert task is not None
        return _assignment_json(row, task, proj.name, token=True)


def _held(conn: Connection, principal: Principal, assignment_id: int) -> Row[Any]:
    row = repo.get_assignment(conn, assignment_id)
    if row is None:
        raise NotFound(f"assignment {assignment_id} not found")
    task = tasks_repo.get_task(conn, scope=principal.scope, task_id=row.task_id)
    if task is None:  # another organization's or environment's assignment
        raise NotFound(f"assignment {assignment_id} not found")
    return row


def _refusal(row: Row[Any], principal: Principal) -> Exception:
    """Why a lease-guarded update matched nothing, in words the annotator can act on."""
    if row.status == "submitted":
        return Conflict("this assignment was already submitted")
    if row.status == "canceled":
        return Conflict("the task was canceled; its work is no longer needed")
    if row.annotator_id != principal.user_id:
        return LeaseExpired(
            "your lease on this assignment expired and it went to someone "
            "else; lease a new assignment"
        )
    if is_live(row.lease_expires_at, clock.now()):
        return LeaseExpired(
            "this lease token is not the current one for this assignment; use the token "
            "of your latest lease"
        )
    return LeaseExpired("your lease on this assignment has expired; lease it again to continue")


def get_assignment(ctx: Context, *, principal: Principal, assignment_id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        row = _held(conn, principal, assignment_id)
        if row.annotator_id != principal.user_id:
            raise NotFound(f"assignment {assignment_id} not found")
        task = tasks_repo.get_task_by_id(conn, row.task_id)
        assert task is not None  # assignments.task_id is a foreign key
        proj = projects_repo.names_by_id(conn, {row.project_id})[row.project_id]
        return _assignment_json(row, task, proj, token=False)


def heartbeat(
    ctx: Context,
    *,
    principal: Principal,
    assignment_id: int,
    token: str,
    lease_seconds: float | None = None,
) -> dict[str, Any]:
    duration = ctx.lease.duration(lease_seconds)
    with ctx.db.write() as conn:
        now = clock.now()
        expires = now + duration
        updated = repo.extend_lease(
            conn,
            assignment_id=assignment_id,
            annotator_id=principal.user_id,
            token=token,
            now=now,
            expires_at=expires,
            scope=principal.scope,
        )
        if updated is None:
            raise _refusal(_held(conn, principal, assignment_id), principal)
    return {"id": assignment_id, "lease_expires_at": iso(expires)}


def _release(conn: Connection, principal: Principal, assignment_id: int, token: str) -> Any:
    """Give the lease back (or explain why it cannot be); returns the time it happened."""
    now = clock.now()
    if not repo.release(
        conn,
        assignment_id=assignment_id,
        annotator_id=principal.user_id,
        token=token,
        now=now,
        scope=principal.scope,
    ):
        raise _refusal(_held(conn, principal, assignment_id), principal)
    return now


def release(ctx: Context, *, principal: Principal, assignment_id: int, token: str) -> None:
    with ctx.db.write() as conn:
        _release(conn, principal, assignment_id, token)


def skip(
    ctx: Context, *, principal: Principal, assignment_id: int, token: str, reason: str
) -> None:
    if not reason.strip():
        raise Invalid("reason: say why the assignment is skipped")
    with ctx.db.write() as conn:
        now = _release(conn, principal, assignment_id, token)
        # The skip keeps this annotator from being handed the same assignment again.
        repo.insert_skip(
            conn,
            assignment_id=assignment_id,
            annotator_id=principal.user_id,
            reason=reason,
            now=now,
        )


def submit(
    ctx: Context,
    *,
    principal: Principal,
    assignment_id: int,
    token: str,
    response: Any,
    time_spent_ms: int | None = None,
) -> dict[str, Any]:
    """Record a judgment; when the stage has all its judgments, the task completes.

    All of it is one transaction: the judgment, the assignment, the task, its callback job and
    the batch's completion are written together or not at all. An invalid response raises
    after the lease-guarded update, which the rollback undoes: the lease stays as it was.
    """
    deadline = timedelta(seconds=ctx.settings.callback_deadline_seconds)
    with ctx.db.write() as conn:
        now = clock.now()
        done = repo.mark_submitted(
            conn,
            assignment_id=assignment_id,
            annotator_id=principal.user_id,
            token=token,
            now=now,
            scope=principal.scope,
        )
        if done is None:
            raise _refusal(_held(conn, principal, assignment_id), principal)
        # Lock order everywhere: assignments, then the task, then its batch. Holding the task
        # while counting makes concurrent submits of its last judgments (PostgreSQL, READ
        # COMMITTED) see each other, so exactly one of them completes the task.
        task = tasks_repo.get_task_with_workflow(conn, done.task_id)
        assert task is not None  # assignments.task_id is a foreign key
        kind = get_type(task.type)
        clean = kind.validate_response(task.params, response)
        repo.insert_judgment(
            conn,
            task_id=task.id,
            assignment_id=assignment_id,
            stage=done.stage,
            source="human",
            annotator_id=principal.user_id,
            response=clean,
            time_spent_ms=time_spent_ms,
            now=now,
        )
        needed = judgments_for(task.params, Workflow.from_json(task.workflow).stage(done.stage))
        completed = False
        if needed == 1:
            completed = _complete(conn, task, kind.combine([clean]), now, deadline)
        elif repo.unfinished_count(conn, task_id=task.id, stage=done.stage) == 0:
            judged = repo.stage_judgments(conn, task_id=task.id, stage=done.stage)
            final = kind.combine([j.response for j in judged])
            completed = _complete(conn, task, final, now, deadline)
    return {
        "id": assignment_id,
        "status": "submitted",
        "task_id": task.id,
        "task_status": TaskStatus.COMPLETED.value if completed else task.status,
    }


def _complete(
    conn: Connection, task: Row[Any], response: dict[str, Any], now: Any, deadline: timedelta
) -> bool:
    if not tasks_repo.complete_task(conn, task_id=task.id, response=response, now=now):
        return False
    if task.callback_url:
        jobs_repo.enqueue(
            conn,
            kind="task_callback",
            payload={},
            now=now,
            organization_id=task.organization_id,
            task_id=task.id,
            deadline_at=now + deadline,
        )
    if task.batch_id is not None:
        batches_service.maybe_complete(
            conn, batch_id=task.batch_id, now=now, callback_deadline=deadline
        )
    return True
