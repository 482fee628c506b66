"""Lease arithmetic: durations, expiry, liveness, tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from assay.queue.policy import LeasePolicy, is_live, new_lease_token
from tests.tasks.checks import rejected

POLICY = LeasePolicy(default_seconds=300, max_seconds=3600)
NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("requested", "seconds"),
    [(None, 300), (1, 1), (60, 60), (2.5, 2.5), (3600, 3600)],
)
def test_duration_is_the_request_or_the_default(requested: float | None, seconds: float) -> None:
    assert POLICY.duration(requested) == timedelta(seconds=seconds)


@pytest.mark.parametrize("requested", [0, 0.999, -5, 3600.5, 86400])
def test_durations_outside_1_to_max_are_refused(requested: float) -> None:
    exc = rejected(lambda: POLICY.duration(requested))
    assert exc.message == "lease_seconds: must be between 1 and 3600"
    assert exc.details == [{"field": "lease_seconds", "message": "out of range"}]


def test_a_default_above_the_maximum_is_refused_too() -> None:
    policy = LeasePolicy(default_seconds=120, max_seconds=90.5)
    exc = rejected(lambda: policy.duration(None))
    assert exc.message == "lease_seconds: must be between 1 and 90.5"


def test_expiry_is_now_plus_the_duration() -> None:
    assert POLICY.expires(NOW) == datetime(2024, 5, 1, 12, 5, 0, tzinfo=UTC)
    assert POLICY.expires(NOW, 90) == datetime(2024, 5, 1, 12, 1, 30, tzinfo=UTC)


def test_expiry_checks_the_request() -> None:
    exc = rejected(lambda: POLICY.expires(NOW, 0))
    assert exc.details == [{"field": "lease_seconds", "message": "out of range"}]


@pytest.mark.parametrize(
    ("expires_at", "live"),
    [
        (None, False),
        (NOW - timedelta(seconds=1), False),
        (NOW, False),  # a lease ends at its expiry instant
        (NOW + timedelta(microseconds=1), True),
        (NOW + timedelta(minutes=5), True),
    ],
)
def test_a_lease_is_live_strictly_before_it_expires(
    expires_at: datetime | None, live: bool
) -> None:
    assert is_live(expires_at, NOW) is live


def test_lease_tokens_are_random_url_safe_strings() -> None:
    tokens = {new_lease_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)
