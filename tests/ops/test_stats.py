"""Throughput numbers, checked by hand on the world's five judged tasks (tests.ops.world)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from assay import clock
from assay.accounts.model import Scope
from assay.context import Context
from assay.errors import Invalid, NotFound
from assay.ops import stats
from assay.ops.model import floor_hour
from assay.storage.tables import judgments, tasks
from assay.tasks.wire import iso
from tests.ops.world import World


def _pin(ctx: Context, task_id: str, at: datetime) -> None:
    """Date a task's completion and its judgment (both happened at the submit)."""
    with ctx.db.write() as conn:
        conn.execute(update(tasks).where(tasks.c.id == task_id).values(completed_at=at))
        conn.execute(update(judgments).where(judgments.c.task_id == task_id).values(created_at=at))


@pytest.fixture
def base(ctx: Context, world: World) -> datetime:
    """Two days ago, on the hour: t0 at +0:15, t1 +0:45, t3 +1:05, t6 +3:30, t2 +3:59:59.9;
    globex's task at +0:30 (another organization: never counted)."""
    start = floor_hour(clock.now() - timedelta(days=2))
    minutes = {0: 15, 1: 45, 3: 65, 6: 210}
    for n, m in minutes.items():
        _pin(ctx, world.t[n], start + timedelta(minutes=m))
    _pin(ctx, world.t[2], start + timedelta(hours=4) - timedelta(milliseconds=100))
    _pin(ctx, world.other_task, start + timedelta(minutes=30))
    return start


def _hours(start: datetime, counts: list[int]) -> list[dict[str, Any]]:
    return [{"hour": iso(start + timedelta(hours=i)), "completed": n} for i, n in enumerate(counts)]


def _timing(n: int, mean: float, median: float) -> dict[str, Any]:
    return {"judgments": n, "mean_ms": mean, "median_ms": median}


def test_throughput_over_four_hours(ctx: Context, world: World, base: datetime) -> None:
    got = stats.throughput(
        ctx.db, scope=world.scope, since=iso(base), until=iso(base + timedelta(hours=4))
    )
    assert got["tasks_per_hour"] == _hours(base, [2, 1, 0, 2])
    assert got["by_annotator"] == [
        {"annotator": "acme-annotator", **_timing(3, 4000.0, 3000.0)},  # 1000, 3000, 8000
        {"annotator": "bob", **_timing(2, 1250.0, 1250.0)},  # 500, 2000
    ]
    assert got["by_type"] == [
        {"type": "categorization", **_timing(4, 3125.0, 2000.0)},  # 1000, 3000, 500, 8000
        {"type": "textcollection", **_timing(1, 2000.0, 2000.0)},
    ]
    assert (got["since"], got["until"]) == (iso(base), iso(base + timedelta(hours=4)))


def test_throughput_of_one_project(ctx: Context, world: World, base: datetime) -> None:
    got = stats.throughput(
        ctx.db,
        scope=world.scope,
        project="pets",
        since=iso(base),
        until=iso(base + timedelta(hours=4)),
    )
    assert got["tasks_per_hour"] == _hours(base, [2, 1, 0, 1])
    assert got["by_annotator"] == [
        {"annotator": "acme-annotator", **_timing(3, 4000.0, 3000.0)},
        {"annotator": "bob", **_timing(1, 500.0, 500.0)},
    ]
    assert got["by_type"] == [{"type": "categorization", **_timing(4, 3125.0, 2000.0)}]


def test_the_window_is_half_open(ctx: Context, world: World, base: datetime) -> None:
    """``[since, until)``: t1 (+0:45) and t3 (+1:05) are in, t6 at exactly +3:30 is out."""
    got = stats.throughput(
        ctx.db,
        scope=world.scope,
        since=iso(base + timedelta(minutes=30)),
        until=iso(base + timedelta(minutes=210)),
    )
    assert got["tasks_per_hour"] == _hours(base, [1, 1, 0, 0])
    assert got["by_annotator"] == [
        {"annotator": "acme-annotator", **_timing(1, 3000.0, 3000.0)},
        {"annotator": "bob", **_timing(1, 500.0, 500.0)},
    ]


def test_the_default_window_is_the_last_week(ctx: Context, world: World, base: datetime) -> None:
    got = stats.throughput(ctx.db, scope=world.scope)
    hours = got["tasks_per_hour"]
    assert len(hours) in (168, 169)  # 169 unless now is exactly on the hour
    assert sum(h["completed"] for h in hours) == 5
    assert [h["hour"] for h in hours] == sorted(h["hour"] for h in hours)
    assert sum(a["judgments"] for a in got["by_annotator"]) == 5
    # Outside the window: nothing.
    old = stats.throughput(
        ctx.db, scope=world.scope, since="2020-01-01", until="2020-01-01T02:00:00Z"
    )
    assert old["tasks_per_hour"] == [
        {"hour": "2020-01-01T00:00:00.000Z", "completed": 0},
        {"hour": "2020-01-01T01:00:00.000Z", "completed": 0},
    ]
    assert old["by_annotator"] == []
    assert old["by_type"] == []


def test_the_test_environment_has_its_own_numbers(
    ctx: Context, world: World, base: datetime
) -> None:
    test_scope = Scope(world.scope.organization_id, True)
    got = stats.throughput(ctx.db, scope=test_scope)
    assert sum(h["completed"] for h in got["tasks_per_hour"]) == 0
    assert got["by_annotator"] == []


def test_bad_windows_and_projects_are_refused(ctx: Context, world: World) -> None:
    for since, until in [
        ("2026-01-02", "2026-01-01"),
        ("2026-01-01", "2026-01-01"),
        ("yesterday", None),
        (None, "soon"),
        ("2020-01-01", "2026-01-01"),
    ]:
        with pytest.raises(Invalid):
            stats.throughput(ctx.db, scope=world.scope, since=since, until=until)
    with pytest.raises(NotFound):
        stats.throughput(ctx.db, scope=world.scope, project="nope")


def test_judgments_without_a_time_count_but_have_no_time(
    ctx: Context, world: World, base: datetime
) -> None:
    window = {"since": iso(base), "until": iso(base + timedelta(hours=4))}
    with ctx.db.write() as conn:
        conn.execute(
            update(judgments).where(judgments.c.task_id == world.t[3]).values(time_spent_ms=None)
        )
    got = stats.throughput(ctx.db, scope=world.scope, **window)
    assert got["by_annotator"][1] == {"annotator": "bob", **_timing(2, 2000.0, 2000.0)}
    assert got["by_type"][0] == {"type": "categorization", **_timing(4, 4000.0, 3000.0)}
    with ctx.db.write() as conn:
        conn.execute(
            update(judgments).where(judgments.c.task_id == world.t[2]).values(time_spent_ms=None)
        )
    got = stats.throughput(ctx.db, scope=world.scope, **window)
    assert got["by_annotator"][1] == {
        "annotator": "bob",
        "judgments": 2,
        "mean_ms": None,
        "median_ms": None,
    }
    assert got["by_type"][1] == {
        "type": "textcollection",
        "judgments": 1,
        "mean_ms": None,
        "median_ms": None,
    }
