"""The ops task browser at scale: ``python -m bench.browse --help``.

Seeds up to ``--tasks`` tasks (default 1,000,000) with ``bench.seed`` (90% in project
``stored``, 10% newer ones in ``bulk``; half of them completed by 8 annotators), puts the
stored ones in 100 batches, tags 2% ``urgent`` and 0.1% ``rare``, starts ``assay serve`` and
times ``GET /api/v1/tasks`` for each filter on page 1 and on a deep cursor (one that leaves
only the oldest tenth of the tasks below it), then the other ops pages. One client, requests
one after another: p50/p95 per request.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
from sqlalchemy import insert, select, update

from assay.batches import service as batches
from assay.ops.model import encode_cursor
from assay.storage.db import Database
from assay.storage.tables import batches as batches_table
from assay.storage.tables import task_tags, tasks
from assay.webhooks.netguard import NetGuard
from bench.seed import BenchDatabase, create_database, load_project, seed_tasks
from bench.server import Server, Tenant, create_tenant

BATCHES = 100
ANNOTATORS = 8


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    params: dict[str, Any]
    deep: bool = True  # also timed below a deep cursor


@dataclass
class Row:
    case: str
    page1: tuple[float, float]
    deep: tuple[float, float] | None
    items: int
    deep_items: int | None


def _epoch_ms_time(task_id: str) -> str:
    ms = int(task_id, 16) >> 48
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)).isoformat()


def _stored_ids(db: Database, project_id: int) -> list[str]:
    with db.read() as conn:
        q = select(tasks.c.id).where(tasks.c.project_id == project_id).order_by(tasks.c.id)
        return list(conn.execute(q).scalars())


def _batch_and_tag(db: Database, tenant: Tenant, ids: list[str]) -> None:
    """Stored tasks into ``BATCHES`` batches (ranges of ids), and a few tags."""
    for i in range(BATCHES):
        batches.create_batch(
            db,
            NetGuard(),
            scope=tenant.scope,
            project="stored",
            name=f"batch-{i:03d}",
            callback=None,
            metadata=None,
        )
    size = -(-len(ids) // BATCHES)
    proj = load_project(db, tenant.scope, "stored")
    with db.read() as conn:
        q = select(batches_table.c.id).where(batches_table.c.project_id == proj.id)
        bids = sorted(conn.execute(q).scalars())
    for i, bid in enumerate(bids):
        chunk = ids[i * size : (i + 1) * size]
        if not chunk:
            break
        with db.write() as conn:
            conn.execute(
                update(tasks)
                .where(
                    tasks.c.project_id == proj.id,
                    tasks.c.id >= chunk[0],
                    tasks.c.id <= chunk[-1],
                )
                .values(batch_id=bid)
            )
    tags = [{"task_id": t, "tag": "urgent"} for t in ids[::50]]
    tags += [{"task_id": t, "tag": "rare"} for t in ids[::1000]]
    with db.write() as conn:
        for start in range(0, len(tags), 10_000):
            conn.execute(insert(task_tags), tags[start : start + 10_000])
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE tasks, task_tags"
            )


@contextmanager
def _prepared(
    backend: str, n: int, keep: bool
) -> Iterator[tuple[BenchDatabase, Tenant, list[str]]]:
    bench_db = create_database(backend)
    db = Database(bench_db.url, sqlite_synchronous="OFF")
    try:
        started = time.perf_counter()
        tenant = create_tenant(db, annotators=ANNOTATORS)
        stored = int(n * 0.9)
        seed_tasks(
            db,
            scope=tenant.scope,
            project="stored",
            n=stored,
            completed_fraction=0.5,
            done_by=tenant.annotator_ids,
        )
        seed_tasks(db, scope=tenant.scope, project="bulk", n=n - stored)
        ids = _stored_ids(db, load_project(db, tenant.scope, "stored").id)
        _batch_and_tag(db, tenant, ids)
        print(f"{backend}: seeded {n:,} tasks in {time.perf_counter() - started:.0f} s")
        yield bench_db, tenant, ids
    finally:
        db.dispose()
        if keep:
            print(f"kept {bench_db.url}")
        else:
            bench_db.drop()


def _time(
    client: httpx.Client, path: str, params: dict[str, Any], n: int
) -> tuple[list[float], int]:
    for _ in range(2):  # warm up the connection and the database's cache
        client.get(path, params=params).raise_for_status()
    seconds = []
    items = 0
    for _ in range(n):
        started = time.perf_counter()
        r = client.get(path, params=params)
        seconds.append(time.perf_counter() - started)
        r.raise_for_status()
        body = r.json()
        items = len(body["items"]) if isinstance(body, dict) and "items" in body else 0
    return seconds, items


def _p(seconds: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(np.asarray(seconds) * 1000.0, [50, 95])
    return round(float(p50), 1), round(float(p95), 1)


def cases(ids: list[str]) -> list[Case]:
    middle = _epoch_ms_time(ids[len(ids) // 2])
    annotator = "bench-annotator-03"
    t = "/api/v1/tasks"
    return [
        Case("no filter", t, {}),
        Case("project (90%)", t, {"project": "stored"}),
        Case("status=completed", t, {"status": "completed"}),
        Case("status=pending", t, {"status": "pending"}),
        Case("batch (0.9%)", t, {"batch": "batch-005"}),
        Case("batch + status", t, {"batch": "batch-005", "status": "completed"}),
        Case("annotator (1/16)", t, {"annotator": annotator}),
        Case("annotator + status", t, {"annotator": annotator, "status": "completed"}),
        Case("tag urgent (2%)", t, {"tag": "urgent"}),
        Case("tag rare (0.1%)", t, {"tag": "rare"}),
        Case("created_after (half)", t, {"created_after": middle}),
        Case("created_before (half)", t, {"created_before": middle}),
        Case(
            "project+status+tag", t, {"project": "stored", "status": "completed", "tag": "urgent"}
        ),
        Case("limit=200", t, {"limit": 200}),
        Case("task detail", f"/api/v1/tasks/{ids[len(ids) // 3]}/detail", {}, deep=False),
        Case("projects (counts)", "/api/v1/projects", {}, deep=False),
        Case("batches page", "/api/v1/batches", {}, deep=False),
        Case("throughput (7 days)", "/api/v1/stats/throughput", {}, deep=False),
        Case(
            "throughput, 1 project", "/api/v1/stats/throughput", {"project": "stored"}, deep=False
        ),
    ]


def measure(url: str, key: str, all_cases: list[Case], deep_id: str, n: int) -> list[Row]:
    deep_cursor = encode_cursor("t", deep_id)
    rows = []
    with httpx.Client(base_url=url, auth=(key, ""), timeout=120) as client:
        for case in all_cases:
            first, items = _time(client, case.path, case.params, n)
            deep = deep_items = None
            if case.deep:
                secs, deep_items = _time(
                    client, case.path, {**case.params, "cursor": deep_cursor}, n
                )
                deep = _p(secs)
            rows.append(Row(case.name, _p(first), deep, items, deep_items))
            print(f"  {case.name}: {rows[-1].page1} / {rows[-1].deep}", flush=True)
    return rows


def table(backend: str, n: int, rows: list[Row]) -> str:
    head = f"{backend}, {n:,} tasks: GET latency in ms, one client (p50 / p95; items returned)"
    lines = [
        head,
        "",
        "| request | page 1 p50 | page 1 p95 | items | deep p50 | deep p95 | items |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        deep = (str(r.deep[0]), str(r.deep[1]), str(r.deep_items)) if r.deep else ("-", "-", "-")
        lines.append(f"| {r.case} | {r.page1[0]} | {r.page1[1]} | {r.items} | {' | '.join(deep)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.browse``: seed, serve, time the ops pages, print a table."""
    p = argparse.ArgumentParser(prog="python -m bench.browse", description=main.__doc__)
    p.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--tasks", type=int, default=1_000_000, help="Tasks stored (1000000).")
    p.add_argument("--requests", type=int, default=30, help="Timed requests per line (30).")
    p.add_argument("--keep", action="store_true", help="Keep the databases.")
    args = p.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    tables = []
    for backend in backends:
        with _prepared(backend, args.tasks, args.keep) as (bench_db, tenant, ids):
            server = Server(bench_db.url, bench_db.workdir / "data").start()
            try:
                deep_id = ids[len(ids) // 10]
                rows = measure(server.url, tenant.requester_key, cases(ids), deep_id, args.requests)
            finally:
                server.stop()
        tables.append(table(backend, args.tasks, rows))
    print()
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
