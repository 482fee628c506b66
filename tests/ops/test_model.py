"""The ops pages' pure rules: dates to id bounds, cursors, windows, summaries, workflows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assay.errors import Invalid
from assay.ids import new_id
from assay.ops import model
from assay.projects.service import check_workflow


def test_parse_time_accepts_dates_zones_and_naive_utc() -> None:
    assert model.parse_time("2026-03-01", "x") == datetime(2026, 3, 1, tzinfo=UTC)
    assert model.parse_time("2026-03-01T10:00:00Z", "x") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert model.parse_time("2026-03-01T12:00:00+02:00", "x") == datetime(
        2026, 3, 1, 10, tzinfo=UTC
    )
    assert model.parse_time(None, "x") is None
    assert model.parse_time("", "x") is None
    with pytest.raises(Invalid, match="created_after: not an ISO 8601"):
        model.parse_time("yesterday", "created_after")
    with pytest.raises(Invalid, match="x: not an ISO 8601"):
        model.parse_time("0001-01-01T00:00:00+01:00", "x")  # before year 1 in UTC
    assert model.parse_time("9999-12-31T23:59:59", "x") == datetime(
        9999, 12, 31, 23, 59, 59, tzinfo=UTC
    )


def test_id_floor_orders_ids_by_creation_time() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=5)
    tid = new_id()
    after = datetime.now(UTC) + timedelta(milliseconds=5)
    assert model.id_floor(before) <= tid < model.id_floor(after)
    assert model.id_floor(datetime(1970, 1, 1, tzinfo=UTC)) == "0" * 24
    assert model.id_floor(datetime(1900, 1, 1, tzinfo=UTC)) == "0" * 24  # clamped, not negative
    ms = 1_700_000_000_123
    t = datetime.fromtimestamp(ms / 1000, UTC)
    assert model.id_floor(t) == f"{ms << 48:024x}"
    assert len(model.id_floor(datetime(9999, 12, 31, tzinfo=UTC))) == 24


def test_cursors_round_trip_and_refuse_forgeries() -> None:
    tid = new_id()
    assert model.task_cursor(model.encode_cursor("t", tid)) == tid
    assert model.batch_cursor(model.encode_cursor("b", 42)) == 42
    for bad in ["", "!!!", model.encode_cursor("b", 42), model.encode_cursor("t", "nothex")]:
        with pytest.raises(Invalid, match="cursor"):
            model.task_cursor(bad)
    with pytest.raises(Invalid, match="cursor"):
        model.batch_cursor(model.encode_cursor("t", tid))
    with pytest.raises(Invalid, match="cursor"):
        model.batch_cursor(model.encode_cursor("b", "9" * 30))  # would overflow a bigint


def test_limits_and_statuses() -> None:
    assert model.check_limit(1) == 1
    assert model.check_limit(200) == 200
    for bad in (0, -1, 201, 1000):
        with pytest.raises(Invalid, match="limit"):
            model.check_limit(bad)
    assert model.check_status("error", model.TASK_STATUSES) == "error"
    assert model.check_status("", model.TASK_STATUSES) is None
    with pytest.raises(Invalid, match="status"):
        model.check_status("done", model.TASK_STATUSES)


def test_window_defaults_to_the_last_week_and_is_bounded() -> None:
    now = datetime(2026, 3, 8, 12, 30, tzinfo=UTC)
    w = model.window(None, None, now)
    assert (w.since, w.until) == (now - timedelta(days=7), now)
    w = model.window("2026-03-01", "2026-03-02", now)
    assert (w.since, w.until) == (
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 3, 2, tzinfo=UTC),
    )
    with pytest.raises(Invalid, match="before until"):
        model.window("2026-03-02", "2026-03-01", now)
    with pytest.raises(Invalid, match="at most"):
        model.window("2020-01-01", "2026-03-01", now)
    # Windows whose hours cannot all be named are refused, not overflowed.
    for since, until in [
        (None, "0001-01-02"),
        ("9999-12-30", "9999-12-31T23:59:59"),
        ("1969-01-01", "1969-01-02"),
    ]:
        with pytest.raises(Invalid):
            model.window(since, until, now)
    w = model.window(None, "1970-01-01T00:00:00Z", now)
    assert len(model.hourly({}, w)) == 7 * 24


def test_hourly_lists_every_hour_the_window_touches() -> None:
    w = model.Window(
        datetime(2026, 3, 1, 10, 15, tzinfo=UTC), datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
    )
    h = datetime(2026, 3, 1, 11, tzinfo=UTC)
    assert model.hourly({h: 4}, w) == [
        (datetime(2026, 3, 1, 10, tzinfo=UTC), 0),
        (h, 4),
        (datetime(2026, 3, 1, 12, tzinfo=UTC), 0),
    ]


def test_timing_means_over_the_judgments_that_recorded_time() -> None:
    assert model.timing(5, 4, 1600, 250.0) == model.Timing(5, 400.0, 250.0)
    assert model.timing(3, 3, 1000, 300.0) == model.Timing(3, 333.3, 300.0)
    assert model.timing(1, 0, 0, None) == model.Timing(1, None, None)


def test_workflow_is_label_then_optional_review() -> None:
    assert check_workflow([{"name": "label", "kind": "label"}]) == [
        {"name": "label", "kind": "label", "judgments": 1}
    ]
    two = [
        {"name": "annotate", "kind": "label", "judgments": 3},
        {"name": "check", "kind": "review", "judgments": 1},
    ]
    assert check_workflow(two) == two


@pytest.mark.parametrize(
    ("workflow", "field"),
    [
        ([], "workflow"),
        ("label", "workflow"),
        ([{"name": "a", "kind": "label"}] * 3, "workflow"),
        (["label"], "workflow.0"),
        ([{"name": "label", "kind": "review"}], "workflow.0.kind"),
        ([{"name": "l", "kind": "label"}, {"name": "r", "kind": "label"}], "workflow.1.kind"),
        ([{"name": "x", "kind": "label"}, {"name": "x", "kind": "review"}], "workflow.1.name"),
        ([{"name": "", "kind": "label"}], "workflow.0.name"),
        ([{"name": "n" * 33, "kind": "label"}], "workflow.0.name"),
        ([{"name": 5, "kind": "label"}], "workflow.0.name"),
        ([{"name": "l", "kind": "label", "judgments": 0}], "workflow.0.judgments"),
        ([{"name": "l", "kind": "label", "judgments": 1.5}], "workflow.0.judgments"),
        ([{"name": "l", "kind": "label", "judgments": True}], "workflow.0.judgments"),
        ([{"name": "l", "kind": "label", "judgments": 101}], "workflow.0.judgments"),
        ([{"name": "l", "kind": "label", "extra": 1}], "workflow.0.extra"),
        (
            [{"name": "l", "kind": "label"}, {"name": "r", "kind": "review", "judgments": 2}],
            "workflow.1.judgments",
        ),
    ],
)
def test_bad_workflows_name_the_field(workflow: object, field: str) -> None:
    with pytest.raises(Invalid) as err:
        check_workflow(workflow)
    assert err.value.details[0]["field"] == field
