"""Task use-cases: create (one or many), read, list, cancel, metadata, tags, unique_id, audit."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from assay import clock
from assay.accounts.model import Principal, Scope
from assay.batches import service as batches_service
from assay.context import Context
from assay.errors import Conflict, Invalid, NotFound
from assay.ids import is_id, new_id
from assay.projects import service as projects_service
from assay.queue.workflow import Workflow, judgments_for
from assay.storage.db import Database
from assay.storage.repos import batches as batches_repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import queue as queue_repo
from assay.storage.repos import tasks as repo
from assay.tasks.model import NewTask, Tag, TaskStatus, build_task
from assay.tasks.types import get_type
from assay.tasks.wire import task_json

MAX_PAGE = 100


@dataclass
class _Lookups:
    """Projects and batches by name, looked up once per request (bulk imports repeat them)."""

    projects: dict[str, Row[Any]] = field(default_factory=dict)
    batches: dict[str, Row[Any]] = field(default_factory=dict)

    def project(self, conn: Connection, scope: Scope, name: str) -> Row[Any]:
        if name not in self.projects:
            self.projects[name] = projects_service.get_or_raise(conn, scope=scope, name=name)
        return self.projects[name]

    def batch(self, conn: Connection, scope: Scope, name: str) -> Row[Any]:
        if name not in self.batches:
            # FOR SHARE: a batch cannot complete while tasks are being added to it.
            row = batches_repo.get_batch(conn, scope=scope, name=name, share=True)
            if row is None:
                raise NotFound(f"batch {name!r} not found")
            self.batches[name] = row
        return self.batches[name]


def _prepare(
    ctx: Context,
    conn: Connection,
    scope: Scope,
    task_type: str,
    payload: dict[str, Any],
    look: _Lookups,
) -> _Prepared:
    get_type(task_type)  # an unknown type first, not as a mismatch with the project's
    project_name = payload.get("project")
    batch_name = payload.get("batch")
    batch = None
    if isinstance(batch_name, str) and batch_name:
        batch = look.batch(conn, scope, batch_name)
        if batch.status == batches_service.COMPLETED:
            raise Invalid(f"batch {batch_name!r} is completed; add tasks to a new batch")
    if isinstance(project_name, str) and project_name:
        project = look.project(conn, scope, project_name)
        if batch is not None and batch.project_id != project.id:
            raise Invalid(f"batch {batch_name!r} belongs to another project")
    elif batch is not None:
        found = projects_repo.get_project(conn, scope=scope, id=batch.project_id)
        assert found is not None  # batches.project_id is a foreign key
        project = found
    else:
        raise Invalid(
            "project: field required (or give a batch)",
            details=[{"field": "project", "message": "field required"}],
        )
    if project.type != task_type:
        raise Invalid(f"project {project.name!r} is for {project.type} tasks, not {task_type}")
    new: NewTask = build_task(task_type, payload, project.params)
    if new.common.callback_url:
        ctx.guard.check_literal(new.common.callback_url)
    now = clock.now()
    tid = new_id()
    row = {
        "id": tid,
        "organization_id": scope.organization_id,
        "is_test": scope.is_test,
        "project_id": project.id,
        "batch_id": batch.id if batch is not None else None,
        "type": task_type,
        "status": TaskStatus.PENDING.value,
        "params": new.params,
        "instruction": new.instruction,
        "callback_url": new.common.callback_url,
        "metadata": new.common.metadata,
        "unique_id": new.common.unique_id,
        "priority": new.common.priority,
        "response": None,
        "customer_review_status": None,
        "callback_succeeded": None,
        "created_at": now,
        "updated_at": now,
        "completed_at": None,
    }
    stage = Workflow.from_json(project.workflow).first
    held = batch is not None and batch.status == batches_service.STAGING
    assignments = [
        {
            "task_id": tid,
            "project_id": project.id,
            "stage": stage.name,
            "status": "held" if held else "open",
            "priority": new.common.priority,
            "lease_count": 0,
            "created_at": now,
        }
        for _ in range(judgments_for(new.params, stage))
    ]
    return _Prepared(
        row,
        list(new.common.tags),
        assignments,
        project.name,
        batch.name if batch is not None else None,
    )


def prepare_reference(
    ctx: Context, conn: Connection, *, scope: Scope, task_type: str, payload: dict[str, Any]
) -> tuple[dict[str, Any], list[str], str]:
    """A gold or training task's row (not inserted), its tags, and its project's name: checked
    like any task, but never in a batch, never called back and never queued by itself."""
    for key in ("batch", "callback_url"):
        if payload.get(key) is not None:
            raise Invalid(f"{key}: gold and training tasks are never in a batch or delivered")
    done = _prepare(ctx, conn, scope, task_type, payload, _Lookups())
    return done.row, done.tags, done.project


def insert_prepared(conn: Connection, row: dict[str, Any], tags: list[str]) -> None:
    try:
        repo.insert_tasks(conn, [row], [(row["id"], t) for t in tags])
    except IntegrityError as exc:
        raise _unique_conflict(exc) from None


@dataclass(frozen=True, slots=True)
class _Prepared:
    row: dict[str, Any]
    tags: list[str]
    assignments: list[dict[str, Any]]
    project: str
    batch: str | None


def _unique_conflict(exc: IntegrityError) -> Conflict:
    if "unique_id" in str(exc.orig):
        return Conflict("a task with this unique_id already exists")
    raise exc


def create_task(
    ctx: Context, *, scope: Scope, task_type: str, payload: dict[str, Any]
) -> dict[str, Any]:
    (done,) = _create(ctx, scope, [(task_type, payload)])
    # Built from what was written: no second round trip to read it back.
    # Tags sorted, as every read returns them (``repo.tags_for``).
    return task_json(done.row, project=done.project, batch=done.batch, tags=sorted(done.tags))


def create_tasks(
    ctx: Context, *, scope: Scope, items: list[tuple[str, dict[str, Any]]]
) -> list[str]:
    """Create many tasks in one transaction: all of them, or (on any error) none."""
    return [p.row["id"] for p in _create(ctx, scope, items)]


def _create(ctx: Context, scope: Scope, items: list[tuple[str, dict[str, Any]]]) -> list[_Prepared]:
    look = _Lookups()
    done: list[_Prepared] = []
    try:
        with ctx.db.write() as conn:
            for i, (task_type, payload) in enumerate(items):
                try:
                    done.append(_prepare(ctx, conn, scope, task_type, payload, look))
                except (Invalid, NotFound) as exc:
                    if len(items) == 1:
                        raise
                    raise type(exc)(f"task {i}: {exc.message}", details=exc.details) from None
            rows = [p.row for p in done]
            _check_batch_unique_ids(rows)
            repo.insert_tasks(conn, rows, [(p.row["id"], t) for p in done for t in p.tags])
            queue_repo.insert_assignments(conn, [a for p in done for a in p.assignments])
    except IntegrityError as exc:
        raise _unique_conflict(exc) from None
    return done


def _check_batch_unique_ids(rows: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for r in rows:
        uid = r["unique_id"]
        if uid is not None:
            if uid in seen:
                raise Conflict(f"unique_id {uid!r} appears twice in the request")
            seen.add(uid)


def _rows_json(
    conn: Connection, rows: list[Row[Any]], *, with_attempts: bool = False
) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    tags = repo.tags_for(conn, ids)
    audits = repo.audits_for(conn, ids)
    projects = projects_repo.names_by_id(conn, {r.project_id for r in rows})
    batches = batches_repo.names_by_id(conn, {r.batch_id for r in rows if r.batch_id})
    return [
        task_json(
            r._mapping,
            project=projects[r.project_id],
            batch=batches.get(r.batch_id) if r.batch_id else None,
            tags=tags.get(r.id, []),
            audits=audits.get(r.id, []),
            callback_attempts=repo.callback_attempts_for(conn, r.id) if with_attempts else None,
        )
        for r in rows
    ]


def _get_row(conn: Connection, scope: Scope, task_id: str, *, lock: bool = False) -> Row[Any]:
    row = repo.get_task(conn, scope=scope, task_id=task_id, lock=lock) if is_id(task_id) else None
    if row is None:
        raise NotFound("Task with that ID not found.")
    return row


def get_task(
    db: Database, *, scope: Scope, task_id: str, with_attempts: bool = True
) -> dict[str, Any]:
    with db.read() as conn:
        return _rows_json(conn, [_get_row(conn, scope, task_id)], with_attempts=with_attempts)[0]


@dataclass(frozen=True, slots=True)
class TaskQuery:
    filter: repo.TaskFilter
    project: str | None = None
    batch: str | None = None
    limit: int = MAX_PAGE
    next_token: str | None = None


def encode_token(task_id: str, total: int) -> str:
    """The cursor: the last id seen, and the total counted on the first page.

    Counting a large filtered set on every page would cost more than the page itself, so the
    total is counted once per listing and carried along (it does not move while paging).
    """
    return base64.urlsafe_b64encode(f"{task_id}.{total}".encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[str, int]:
    try:
        value = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = ""
    task_id, _, total = value.partition(".")
    if not is_id(task_id) or not total.isdigit():
        raise Invalid("next_token: not a token this server issued")
    return task_id, int(total)


def _resolve(conn: Connection, scope: Scope, q: TaskQuery) -> repo.TaskFilter:
    f = q.filter
    values: dict[str, Any] = {}
    if q.project is not None:
        values["project_id"] = projects_service.get_or_raise(conn, scope=scope, name=q.project).id
    if q.batch is not None:
        batch = batches_repo.get_batch(conn, scope=scope, name=q.batch)
        if batch is None:
            raise NotFound(f"batch {q.batch!r} not found")
        values["batch_id"] = batch.id
    return replace(f, **values) if values else f


def list_tasks(db: Database, *, scope: Scope, q: TaskQuery) -> dict[str, Any]:
    if not 1 <= q.limit <= MAX_PAGE:
        raise Invalid(f"limit: must be between 1 and {MAX_PAGE}")
    after, total = decode_token(q.next_token) if q.next_token else (None, None)
    with db.read() as conn:
        f = _resolve(conn, scope, q)
        rows = repo.list_tasks(conn, scope=scope, f=f, after=after, limit=q.limit + 1)
        more = len(rows) > q.limit
        rows = rows[: q.limit]
        if total is None:
            total = repo.count_tasks(conn, scope=scope, f=f)
        docs = _rows_json(conn, rows)
    out: dict[str, Any] = {
        "docs": docs,
        "total": total,
        "limit": q.limit,
        "offset": 0,
        "has_more": more,
    }
    if more:
        out["next_token"] = encode_token(rows[-1].id, total)
    return out


def cancel_task(
    ctx: Context, *, scope: Scope, task_id: str, clear_unique_id: bool
) -> dict[str, Any]:
    now = clock.now()
    with ctx.db.write() as conn:
        row = _get_row(conn, scope, task_id)
        if row.status != TaskStatus.PENDING:
            # 400, not 409: the scaleapi client crashes on a 409 from task routes.
            raise Invalid(f"task is {row.status}; only pending tasks can be canceled")
        # Lock order everywhere: assignments, then the task, then its batch.
        queue_repo.cancel_for_task(conn, task_id=task_id, now=now)
        values: dict[str, Any] = {"status": TaskStatus.CANCELED.value, "updated_at": now}
        if clear_unique_id:
            values["unique_id"] = None
        if repo.update_task(conn, task_id=task_id, values=values, only_status="pending") != 1:
            raise Invalid("task is no longer pending")
        if row.batch_id is not None:
            batches_service.maybe_complete(
                conn,
                batch_id=row.batch_id,
                now=now,
                callback_deadline=timedelta(seconds=ctx.settings.callback_deadline_seconds),
            )
    return get_task(ctx.db, scope=scope, task_id=task_id)


def set_metadata(
    db: Database, *, scope: Scope, task_id: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    with db.write() as conn:
        _get_row(conn, scope, task_id)
        repo.update_task(
            conn, task_id=task_id, values={"metadata": metadata, "updated_at": clock.now()}
        )
    return get_task(db, scope=scope, task_id=task_id)


def _check_tags(tags: list[Any]) -> list[str]:
    out = []
    for i, t in enumerate(tags):
        if not isinstance(t, str) or not 1 <= len(t) <= 255:
            raise Invalid(f"tags.{i}: must be a string of 1 to 255 characters")
        out.append(t)
    if len(out) > 100:
        raise Invalid("tags: at most 100 tags")
    return out


def change_tags(
    db: Database, *, scope: Scope, task_id: str, tags: list[Tag] | None, mode: str
) -> dict[str, Any]:
    """``set`` replaces the tags, ``add`` adds, ``delete`` removes (all when none given)."""
    clean = _check_tags(list(tags)) if tags is not None else None
    with db.write() as conn:
        _get_row(conn, scope, task_id)
        if mode == "set":
            repo.remove_tags(conn, task_id=task_id, tags=None)
            repo.add_tags(conn, task_id=task_id, tags=clean or [])
        elif mode == "add":
            repo.add_tags(conn, task_id=task_id, tags=clean or [])
        else:
            repo.remove_tags(conn, task_id=task_id, tags=clean)
        repo.update_task(conn, task_id=task_id, values={"updated_at": clock.now()})
    return get_task(db, scope=scope, task_id=task_id)


def set_unique_id(
    db: Database, *, scope: Scope, task_id: str, unique_id: str | None
) -> dict[str, Any]:
    if unique_id is not None and not (isinstance(unique_id, str) and 1 <= len(unique_id) <= 255):
        raise Invalid("unique_id: must be a string of 1 to 255 characters")
    try:
        with db.write() as conn:
            _get_row(conn, scope, task_id)
            repo.update_task(
                conn, task_id=task_id, values={"unique_id": unique_id, "updated_at": clock.now()}
            )
    except IntegrityError:
        # 400 rather than 409: this is not a create route (see cancel_task).
        raise Invalid("unique_id: already used by another task") from None
    return get_task(db, scope=scope, task_id=task_id)


def audit(
    db: Database, *, principal: Principal, task_id: str, accepted: bool, comments: str | None
) -> dict[str, Any]:
    now = clock.now()
    with db.write() as conn:
        row = _get_row(conn, principal.scope, task_id)
        if row.status != TaskStatus.COMPLETED:
            raise Invalid(f"task is {row.status}; only completed tasks can be audited")
        repo.insert_audit(
            conn,
            task_id=task_id,
            user_id=principal.user_id,
            source="customer",
            accepted=accepted,
            comments=comments,
            now=now,
        )
        repo.update_task(
            conn,
            task_id=task_id,
            values={
                "customer_review_status": "accepted" if accepted else "rejected",
                "updated_at": now,
            },
        )
    return get_task(db, scope=principal.scope, task_id=task_id)


def iter_tasks(
    db: Database, *, scope: Scope, q: TaskQuery, page: int = 1000
) -> Iterator[dict[str, Any]]:
    """Every matching task in creation order, fetched ``page`` at a time (exports)."""
    after = decode_token(q.next_token)[0] if q.next_token else None
    while True:
        with db.read() as conn:
            f = _resolve(conn, scope, q)
            rows = repo.list_tasks(conn, scope=scope, f=f, after=after, limit=page)
            docs = _rows_json(conn, rows)
        yield from docs
        if len(rows) < page:
            return
        after = rows[-1].id
