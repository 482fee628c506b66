"""What the ops pages accept and how they summarize (pure: no database, no HTTP).

Task ids start with their creation time in milliseconds (``assay.ids``), so a creation-date
filter is a range of ids: the browser pages and filters on the primary key alone.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from assay.errors import Invalid
from assay.ids import is_id

TASK_STATUSES = ("pending", "completed", "canceled", "error")
BATCH_STATUSES = ("staging", "in_progress", "completed")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
DEFAULT_WINDOW = timedelta(days=7)
MAX_WINDOW = timedelta(days=366)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LAST = datetime(9999, 1, 1, tzinfo=UTC)  # windows end before it: their hours can be counted
_ID_TIME_SHIFT = 48  # bits of randomness below the millisecond timestamp in an id


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(
            f"limit: must be between 1 and {MAX_LIMIT}",
            details=[{"field": "limit", "message": f"between 1 and {MAX_LIMIT}"}],
        )
    return limit


def check_status(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise Invalid(
            f"status: {value!r} is not one of {', '.join(allowed)}",
            details=[{"field": "status", "message": "unknown status"}],
        )
    return value


def parse_time(value: str | None, field: str) -> datetime | None:
    """ISO 8601 (a date or a date-time); without a zone it is UTC."""
    if value is None or value == "":
        return None
    try:
        dt = datetime.fromisoformat(value)
        return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # overflow: a zone that moves year 1 or 9999 out
        raise Invalid(
            f"{field}: not an ISO 8601 date or date-time: {value!r}",
            details=[{"field": field, "message": "not an ISO 8601 date-time"}],
        ) from None


def id_floor(t: datetime) -> str:
    """The smallest task id minted at or after ``t`` (millisecond precision)."""
    delta = t - _EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return f"{max(ms, 0) << _ID_TIME_SHIFT:024x}"


# --- Cursors ------------------------------------------------------------------------------
# Opaque to clients: the last key of the page, tagged with what it pages so a batch cursor
# cannot be replayed on the task browser.


def encode_cursor(kind: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def _decode(token: str, kind: str) -> str:
    try:
        value = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = ""
    tag, _, key = value.partition(":")
    if tag != kind:
        raise Invalid(
            "cursor: not a cursor this listing issued",
            details=[{"field": "cursor", "message": "invalid cursor"}],
        )
    return key


def task_cursor(token: str) -> str:
    key = _decode(token, "t")
    if not is_id(key):
        raise Invalid("cursor: not a cursor this listing issued")
    return key


def batch_cursor(token: str) -> int:
    key = _decode(token, "b")
    if not key.isdigit() or len(key) > 18:
        raise Invalid("cursor: not a cursor this listing issued")
    return int(key)


# --- Throughput -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    since: datetime
    until: datetime


def window(since: str | None, until: str | None, now: datetime) -> Window:
    """``[since, until)``; by default the last 7 days up to now."""
    end = parse_time(until, "until") or now
    if not _EPOCH <= end <= _LAST:
        raise Invalid("until: must be between 1970 and 9999")
    start = parse_time(since, "since") or end - DEFAULT_WINDOW
    if start >= end:
        raise Invalid("since: must be before until")
    if end - start > MAX_WINDOW:
        raise Invalid(f"since: the window may span at most {MAX_WINDOW.days} days")
    return Window(start, end)


def floor_hour(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hourly(counts: Mapping[datetime, int], w: Window) -> list[tuple[datetime, int]]:
    """Every hour the window touches, oldest first, with its count (0 when none)."""
    out = []
    hour, last = floor_hour(w.since), floor_hour(w.until - timedelta(microseconds=1))
    while hour <= last:
        out.append((hour, counts.get(hour, 0)))
        hour += timedelta(hours=1)
    return out


@dataclass(frozen=True, slots=True)
class Timing:
    judgments: int
    mean_ms: float | None
    median_ms: float | None


def timing(judgments: int, timed: int, total_ms: int, median_ms: float | None) -> Timing:
    """Judgments counted; the mean over those that recorded their time (``timed``)."""
    mean = round(total_ms / timed, 1) if timed else None
    return Timing(judgments, mean, median_ms)
