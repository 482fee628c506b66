"""Every task-browser filter (page 1 and a deep cursor), the task detail and the throughput
queries read an index, never the whole tasks table: checked on the query plans of the
statements the services send.

(Counting a project's tasks per status reads all of them by nature; not checked here.)

The database holds a few thousand tasks, with statistics gathered (``ANALYZE``), so that the
PostgreSQL planner chooses as it would on real data rather than on an empty table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from assay import clock
from assay.context import Context
from assay.ops import browse, stats
from assay.ops.model import encode_cursor
from tests.ops.seeding import Seeded, seed_many


@pytest.fixture(scope="module")
def seeded(shared_ctx: Context) -> Seeded:
    s = seed_many(shared_ctx, n=4000)
    with shared_ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return s


@contextmanager
def _captured(ctx: Context) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def before(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, params))

    event.listen(ctx.db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", before)


def _plans(ctx: Context, run: Callable[[], Any]) -> list[tuple[str, str]]:
    """(statement, plan) of each SELECT that ``run`` sends which reads ``tasks``."""
    with _captured(ctx) as seen:
        run()
    out = []
    sqlite = ctx.db.is_sqlite
    with ctx.db.engine.connect() as conn:
        for statement, params in seen:
            if not re.search(r"\btasks\b", statement):
                continue
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, params).all()
            plan = "\n".join(str(r[-1] if sqlite else r[0]) for r in rows)
            out.append((statement, plan))
    return out


def _full_scan(ctx: Context, plan: str, table: str) -> bool:
    if ctx.db.is_sqlite:
        return re.search(rf"^SCAN {table}\b", plan, re.MULTILINE) is not None
    return re.search(rf"Seq Scan on {table}\b", plan) is not None


def _assert_no_full_scan(ctx: Context, run: Callable[[], Any]) -> None:
    plans = _plans(ctx, run)
    assert plans, "no statement on tasks was captured"
    for statement, plan in plans:
        assert not _full_scan(ctx, plan, "tasks"), f"{statement}\n--- plan:\n{plan}"


FILTERS: dict[str, dict[str, str]] = {
    "none": {},
    "project": {"project": "p1"},
    "status": {"status": "pending"},
    "batch": {"batch": "b3"},
    "annotator": {"annotator": "bulk-worker-2"},
    "tag": {"tag": "tag1"},
    "created_after": {"created_after": "2000-01-01T00:00:00Z"},
    "created_before": {"created_before": "2100-01-01T00:00:00Z"},
}


@pytest.mark.parametrize("name", sorted(FILTERS))
@pytest.mark.parametrize("deep", [False, True], ids=["page1", "deep"])
def test_each_browser_filter_reads_an_index(
    shared_ctx: Context, seeded: Seeded, name: str, deep: bool
) -> None:
    query = dict(FILTERS[name])
    if deep:  # a cursor nine tenths of the way back
        query["cursor"] = encode_cursor("t", seeded.task_ids[len(seeded.task_ids) // 10])
    q = browse.TaskQuery(**query)  # type: ignore[arg-type]
    page = browse.list_tasks(shared_ctx.db, scope=seeded.scope, q=q)
    assert page["items"], "the seed should match every filter"
    _assert_no_full_scan(
        shared_ctx, lambda: browse.list_tasks(shared_ctx.db, scope=seeded.scope, q=q)
    )


def test_task_detail_reads_indexes(shared_ctx: Context, seeded: Seeded) -> None:
    tid = seeded.task_ids[100]
    _assert_no_full_scan(
        shared_ctx, lambda: browse.task_detail(shared_ctx.db, scope=seeded.scope, task_id=tid)
    )


@pytest.mark.parametrize("project", [None, "p2"])
def test_throughput_reads_indexes(shared_ctx: Context, seeded: Seeded, project: str | None) -> None:
    """Completions per hour come from the completed_at index; judgments from the
    (annotator_id, created_at) index. Joining them to their tasks may read all tasks when the
    window holds many (a hash join), which is then the cheaper plan: not checked."""
    since = (clock.now() - timedelta(hours=12)).isoformat()
    got = stats.throughput(shared_ctx.db, scope=seeded.scope, project=project, since=since)
    assert sum(h["completed"] for h in got["tasks_per_hour"]) > 0
    assert got["by_annotator"]
    plans = _plans(
        shared_ctx,
        lambda: stats.throughput(shared_ctx.db, scope=seeded.scope, project=project, since=since),
    )
    per_hour = [(s, p) for s, p in plans if "judgments" not in s]
    timed = [(s, p) for s, p in plans if "FROM judgments" in s]
    assert len(per_hour) == 1
    assert len(timed) == 1
    for statement, plan in per_hour:
        assert not _full_scan(shared_ctx, plan, "tasks"), f"{statement}\n--- plan:\n{plan}"
    for statement, plan in timed:
        assert not _full_scan(shared_ctx, plan, "judgments"), f"{statement}\n--- plan:\n{plan}"
