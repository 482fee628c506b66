"""Fresh benchmark databases, and tasks stored straight into them as fast as the database allows.

The rows are the ones ``assay.tasks.service.create_tasks`` writes (one task and one ``open``
assignment of the first workflow stage per task, ids from ``assay.ids.new_id``), built from a
payload validated once with ``assay.tasks.model.build_task``. A fraction of the stored tasks
can be seeded as already done, with the rows a submit leaves behind (``submitted`` assignment,
judgment, ``completed`` task with its response), so that the queue works with history beside it.

SQLite is filled with SQLAlchemy Core ``executemany`` in chunks (so the column types store
exactly what the server stores), PostgreSQL with ``COPY`` through psycopg.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import sql
from sqlalchemy import Connection, func, insert, select

from assay import clock
from assay.accounts.model import Scope
from assay.ids import new_id
from assay.queue.workflow import Workflow, judgments_for
from assay.storage import migrate
from assay.storage.db import Database
from assay.storage.tables import assignments, jobs, judgments, projects, tasks
from assay.tasks.model import build_task
from bench.common import RESPONSE, task_payload

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"

# --- Databases ------------------------------------------------------------------------------


@dataclass
class BenchDatabase:
    """A database made for one run, migrated to head; ``drop()`` removes it."""

    backend: str
    url: str
    workdir: Path
    pg_name: str | None = None

    def drop(self) -> None:
        if self.pg_name is not None:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.pg_name)
                    )
                )
        shutil.rmtree(self.workdir, ignore_errors=True)


def create_database(backend: str) -> BenchDatabase:
    workdir = Path(tempfile.mkdtemp(prefix=f"assay-bench-{backend}-"))
    if backend == "sqlite":
        db = BenchDatabase(backend, f"sqlite:///{workdir / 'assay.db'}", workdir)
    elif backend == "postgresql":
        name = f"assay_bench_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        db = BenchDatabase(backend, PG_URL.format(name=name), workdir, pg_name=name)
    else:
        raise ValueError(f"unknown backend {backend!r}")
    try:
        migrate.upgrade(db.url)
    except BaseException:
        db.drop()
        raise
    return db


def postgres_version() -> str:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error as exc:
        return f"unreachable ({type(exc).__name__})"
    return str(row[0]) if row else "?"


# --- Rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedProject:
    id: int
    name: str
    type: str
    params: dict[str, Any]
    workflow: Workflow


def load_project(db: Database, scope: Scope, name: str) -> SeedProject:
    with db.read() as conn:
        row = conn.execute(
            select(projects).where(
                projects.c.organization_id == scope.organization_id,
                projects.c.is_test == scope.is_test,
                projects.c.name == name,
            )
        ).one()
    return SeedProject(row.id, row.name, row.type, row.params, Workflow.from_json(row.workflow))


@dataclass
class RowBuilder:
    """Task, assignment, judgment and job rows as the services would write them."""

    scope: Scope
    project: SeedProject
    done_by: tuple[int, ...] = ()  # who did the pre-completed tasks, in turn
    callback_url: str | None = None
    now: datetime = field(default_factory=clock.now)

    def __post_init__(self) -> None:
        new = build_task(
            self.project.type,
            task_payload(0, callback_url=self.callback_url),
            self.project.params,
        )
        self.params = new.params
        self.instruction = new.instruction
        self.stage = self.project.workflow.first
        self.per_task = judgments_for(new.params, self.stage)
        if self.per_task != 1:
            raise ValueError("the seed writes one assignment per task")

    def task(self, tid: str, i: int, *, completed: bool) -> dict[str, Any]:
        return {
            "id": tid,
            "organization_id": self.scope.organization_id,
            "is_test": self.scope.is_test,
            "project_id": self.project.id,
            "batch_id": None,
            "type": self.project.type,
            "status": "completed" if completed else "pending",
            "params": {**self.params, "attachment": f"https://example.com/images/{i}.jpg"},
            "instruction": self.instruction,
            "callback_url": self.callback_url,
            "metadata": {"n": i, "source": "seed"},
            "unique_id": None,
            "priority": 0,
            "response": RESPONSE if completed else None,
            "customer_review_status": None,
            "callback_succeeded": None,
            "created_at": self.now,
            "updated_at": self.now,
            "completed_at": self.now if completed else None,
        }

    def annotator(self, i: int) -> int:
        return self.done_by[i % len(self.done_by)]

    def assignment(self, aid: int, tid: str, i: int, *, completed: bool) -> dict[str, Any]:
        return {
            "id": aid,
            "task_id": tid,
            "project_id": self.project.id,
            "stage": self.stage.name,
            "status": "submitted" if completed else "open",
            "priority": 0,
            "annotator_id": self.annotator(i) if completed else None,
            "lease_token": None,
            "lease_expires_at": self.now if completed else None,
            "leased_at": self.now if completed else None,
            "lease_count": 1 if completed else 0,
            "created_at": self.now,
            "completed_at": self.now if completed else None,
        }

    def judgment(self, aid: int, tid: str, i: int) -> dict[str, Any]:
        return {
            "id": aid,
            "task_id": tid,
            "assignment_id": aid,
            "stage": self.stage.name,
            "source": "human",
            "annotator_id": self.annotator(i),
            "response": RESPONSE,
            "time_spent_ms": 1000,
            "created_at": self.now,
        }

    def job(self, tid: str, deadline: timedelta) -> dict[str, Any]:
        """The callback job a submit enqueues when it completes a task with a callback_url."""
        return {
            "kind": "task_callback",
            "organization_id": self.scope.organization_id,
            "task_id": tid,
            "batch_id": None,
            "payload": {},
            "status": "pending",
            "run_at": self.now,
            "attempts": 0,
            "deadline_at": self.now + deadline,
            "created_at": self.now,
            "updated_at": self.now,
        }


@dataclass
class Chunk:
    tasks: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    judgments: list[dict[str, Any]]


def _chunks(b: RowBuilder, n: int, completed: int, first_aid: int, chunk: int) -> Iterator[Chunk]:
    """``n`` tasks, the oldest ``completed`` of them done; assignment ids from ``first_aid``."""
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        ids = sorted(new_id() for _ in range(size))
        out = Chunk([], [], [])
        for k, tid in enumerate(ids):
            i = start + k
            aid = first_aid + i
            done = i < completed
            out.tasks.append(b.task(tid, i, completed=done))
            out.assignments.append(b.assignment(aid, tid, i, completed=done))
            if done:
                out.judgments.append(b.judgment(aid, tid, i))
        yield out


def _max_id(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


# --- Loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    tasks: int
    completed: int
    seconds: float


def seed_tasks(
    db: Database,
    *,
    scope: Scope,
    project: str,
    n: int,
    completed_fraction: float = 0.0,
    done_by: tuple[int, ...] = (),
    chunk: int = 20_000,
) -> SeedResult:
    """Store ``n`` tasks (and their assignments) of ``project``; return how long it took.

    The oldest ``completed_fraction`` of them are stored as done, by the ``done_by``
    annotators in turn.
    """
    if not 0.0 <= completed_fraction <= 1.0:
        raise ValueError("completed_fraction must be between 0 and 1")
    completed = int(n * completed_fraction)
    if completed and not done_by:
        raise ValueError("completed tasks need annotators (done_by)")
    b = RowBuilder(scope, load_project(db, scope, project), done_by=done_by)
    started = time.perf_counter()
    with db.write() as conn:
        first_aid = max(_max_id(conn, assignments), _max_id(conn, judgments)) + 1
    if db.is_sqlite:
        _load_sqlite(db, _chunks(b, n, completed, first_aid, chunk))
    else:
        _load_postgres(db, _chunks(b, n, completed, first_aid, chunk))
    return SeedResult(n, completed, time.perf_counter() - started)


def _load_sqlite(db: Database, chunks: Iterator[Chunk]) -> None:
    for c in chunks:
        with db.write() as conn:
            conn.execute(insert(tasks), c.tasks)
            conn.execute(insert(assignments), c.assignments)
            if c.judgments:
                conn.execute(insert(judgments), c.judgments)


def _copy_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def _copy(cur: psycopg.Cursor[Any], table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in cols)
    )
    with cur.copy(stmt) as cp:
        for r in rows:
            cp.write_row([_copy_value(r[c]) for c in cols])


def _pg_connect(db: Database) -> psycopg.Connection[Any]:
    url = db.engine.url.set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False))


def _load_postgres(db: Database, chunks: Iterator[Chunk]) -> None:
    with _pg_connect(db) as conn:
        with conn.cursor() as cur:
            for c in chunks:
                _copy(cur, tasks, c.tasks)
                _copy(cur, assignments, c.assignments)
                _copy(cur, judgments, c.judgments)
                conn.commit()
            # Explicit ids were copied: move the sequences past them, as inserts would have.
            for table in ("assignments", "judgments"):
                cur.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                        "(SELECT coalesce(max(id), 0) + 1 FROM {i}), false)"
                    ).format(t=sql.Literal(table), i=sql.Identifier(table))
                )
            conn.commit()
        # What autovacuum does to a table this size sooner or later: statistics for the
        # planner and a visibility map for index-only scans.
        conn.autocommit = True
        for table in ("tasks", "assignments", "judgments"):
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))


def seed_completed_with_callbacks(
    db: Database,
    *,
    scope: Scope,
    project: str,
    n: int,
    callback_url: str,
    done_by: tuple[int, ...],
    deadline: timedelta = timedelta(hours=1),
) -> list[str]:
    """Complete ``n`` tasks with a callback_url at once, each with its pending callback job.

    These are the rows ``queue.service.submit`` leaves when it completes a task (task,
    assignment, judgment, job), written in one transaction so every job is due at the same
    moment: the workers' delivery rate is then all that is left to measure.
    """
    b = RowBuilder(
        scope, load_project(db, scope, project), done_by=done_by, callback_url=callback_url
    )
    with db.write() as conn:
        first_aid = max(_max_id(conn, assignments), _max_id(conn, judgments)) + 1
        (c,) = list(_chunks(b, n, n, first_aid, max(n, 1)))
        conn.execute(insert(tasks), c.tasks)
        # Explicit ids are fine here: on PostgreSQL the sequences are moved past them below.
        conn.execute(insert(assignments), c.assignments)
        conn.execute(insert(judgments), c.judgments)
        if not db.is_sqlite:
            for table in ("assignments", "judgments"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        conn.execute(insert(jobs), [b.job(t["id"], deadline) for t in c.tasks])
    return [t["id"] for t in c.tasks]
