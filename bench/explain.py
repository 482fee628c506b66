"""Query plans of the hot statements, exactly as the server sends them.

The statements are captured while the real service code runs (a lease, one page of
``GET /v1/tasks``) inside a transaction that is rolled back, then each is run again under
``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, or ``EXPLAIN QUERY PLAN`` on SQLite, with the
same parameters. Nothing is left changed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, event

from assay import clock
from assay.accounts.model import Scope
from assay.storage.db import Database
from assay.storage.repos import queue as queue_repo
from assay.storage.repos import tasks as tasks_repo
from assay.tasks.service import MAX_PAGE
from bench.seed import create_database, load_project, seed_tasks
from bench.server import create_tenant


@dataclass(frozen=True)
class Plan:
    name: str
    sql: str
    plan: str
    ms: float  # one run of the statement itself, in the same transaction


@contextmanager
def _captured(conn: Connection) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(conn, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(conn, "before_cursor_execute", before)


def _explain(conn: Connection, statement: str, params: Any) -> str:
    prefix = (
        "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    rows = conn.exec_driver_sql(prefix + statement, params).all()
    if conn.dialect.name == "sqlite":
        return "\n".join(str(r[-1]) for r in rows)
    return "\n".join(str(r[0]) for r in rows)


def _plans(db: Database, name: str, run: Callable[[Connection], Any], skip: str) -> list[Plan]:
    out = []
    with db.engine.connect() as conn:
        tx = conn.begin()
        try:
            with _captured(conn) as seen:
                run(conn)
            for statement, params in seen:
                if skip and statement.lstrip().upper().startswith(skip):
                    continue
                started = time.perf_counter()
                conn.exec_driver_sql(statement, params).all()
                ms = round((time.perf_counter() - started) * 1000, 2)
                out.append(Plan(name, statement, _explain(conn, statement, params), ms))
        finally:
            tx.rollback()
    return out


def explain_hot_queries(
    db: Database, *, scope: Scope, project: str, annotator_id: int
) -> list[Plan]:
    """Plans of the lease claim, a task list page and its count, on ``project``."""
    proj = load_project(db, scope, project)
    now = clock.now()

    def claim(conn: Connection) -> None:
        queue_repo.claim(
            conn,
            project_id=proj.id,
            stage=proj.workflow.first.name,
            annotator_id=annotator_id,
            now=now,
            expires_at=now + timedelta(minutes=10),
            token="explain",
        )

    def page(conn: Connection) -> None:
        f = tasks_repo.TaskFilter(project_id=proj.id)
        first = tasks_repo.list_tasks(conn, scope=scope, f=f, after=None, limit=MAX_PAGE + 1)
        tasks_repo.list_tasks(conn, scope=scope, f=f, after=first[-1].id, limit=MAX_PAGE + 1)
        tasks_repo.count_tasks(conn, scope=scope, f=f)

    return [
        *_plans(db, "lease claim", claim, skip="SELECT PG_ADVISORY"),
        *_plans(db, "list page / count", page, skip=""),
    ]


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.explain``: seed a fresh database and print the plans."""
    p = argparse.ArgumentParser(prog="python -m bench.explain", description=main.__doc__)
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    p.add_argument("--size", type=int, default=100_000, help="Tasks stored (default: 100000).")
    p.add_argument("--completed", type=float, default=0.5, help="Fraction completed (0.5).")
    args = p.parse_args(argv)
    bench_db = create_database(args.backend)
    db = Database(bench_db.url, sqlite_synchronous="OFF")
    try:
        tenant = create_tenant(db, annotators=1)
        seed_tasks(
            db,
            scope=tenant.scope,
            project="stored",
            n=args.size,
            completed_fraction=args.completed,
            done_by=(tenant.seed_annotator_id,),
        )
        plans = explain_hot_queries(
            db, scope=tenant.scope, project="stored", annotator_id=tenant.annotator_ids[0]
        )
        for plan in plans:
            print(f"--- {plan.name} ({args.backend}, {args.size:,} tasks stored): {plan.ms} ms")
            print(plan.sql.strip())
            print(plan.plan)
            print()
    finally:
        db.dispose()
        bench_db.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
