"""Throughput: tasks completed per hour, time per judgment by annotator and by task type."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from assay import clock
from assay.accounts.model import Scope
from assay.ops.model import hourly, timing, window
from assay.projects import service as projects
from assay.storage.db import Database
from assay.storage.repos import ops as repo
from assay.tasks.wire import iso


def _timing_json(row: repo.TimingRow) -> dict[str, Any]:
    t = timing(row.judgments, row.timed, row.total_ms, row.median_ms)
    return {"judgments": t.judgments, "mean_ms": t.mean_ms, "median_ms": t.median_ms}


def throughput(
    db: Database,
    *,
    scope: Scope,
    project: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Over ``[since, until)`` (ISO 8601; by default the last 7 days), optionally one project.

    Every hour of the window is listed, empty ones with 0, so a chart needs no gap filling.
    Times are over human judgments made in the window that recorded ``time_spent_ms``.
    """
    w = window(since, until, clock.now())
    with db.read() as conn:
        project_id = projects.get_or_raise(conn, scope=scope, name=project).id if project else None
        done = repo.completed_per_hour(
            conn, scope=scope, project_id=project_id, since=w.since, until=w.until
        )
        timings = repo.judgment_timings(
            conn,
            scope=scope,
            annotator_ids=repo.member_ids(conn, organization_id=scope.organization_id),
            project_id=project_id,
            since=w.since,
            until=w.until,
        )
        names = repo.usernames(conn, {t.key for t in timings["annotator"]})
    per_hour = {datetime.strptime(h, "%Y-%m-%d %H").replace(tzinfo=UTC): n for h, n in done}
    annotators = sorted(
        timings["annotator"], key=lambda t: (-t.judgments, names.get(t.key, str(t.key)))
    )
    return {
        "since": iso(w.since),
        "until": iso(w.until),
        "tasks_per_hour": [{"hour": iso(h), "completed": n} for h, n in hourly(per_hour, w)],
        "by_annotator": [
            {"annotator": names.get(t.key, str(t.key)), **_timing_json(t)} for t in annotators
        ],
        "by_type": [
            {"type": t.key, **_timing_json(t)} for t in sorted(timings["type"], key=lambda t: t.key)
        ],
    }
