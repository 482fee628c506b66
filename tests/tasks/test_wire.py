"""Scale's JSON shapes: timestamps, and keys a task leaves out when they have no value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from assay.tasks.wire import audit_json, callback_attempt_json, iso, task_json

CREATED = datetime(2024, 5, 1, 12, 3, 4, 56_789, tzinfo=UTC)
UPDATED = datetime(2024, 5, 1, 12, 5, 0, tzinfo=UTC)
DONE = datetime(2024, 5, 2, 8, 0, 0, 999_999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (CREATED, "2024-05-01T12:03:04.056Z"),
        (UPDATED, "2024-05-01T12:05:00.000Z"),
        (DONE, "2024-05-02T08:00:00.999Z"),  # truncated, never rounded up to the next second
        (datetime(2024, 1, 9, 1, 2, 3, 1_000), "2024-01-09T01:02:03.001Z"),
        (None, None),
    ],
)
def test_iso_has_milliseconds_and_z(dt: datetime | None, expected: str | None) -> None:
    assert iso(dt) == expected


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "0123456789abcdef01234567",
        "type": "categorization",
        "status": "pending",
        "created_at": CREATED,
        "updated_at": UPDATED,
        "instruction": "Pick one",
        "callback_url": None,
        "params": {"attachment": "a", "categories": ["cat"]},
        "metadata": {"k": "v"},
        "is_test": 0,
        "priority": 5,
        "unique_id": None,
        "response": None,
        "completed_at": None,
        "callback_succeeded": None,
        "customer_review_status": None,
    }
    return {**row, **changes}


def test_a_pending_task_omits_the_keys_it_has_no_value_for() -> None:
    assert task_json(_row(), project="pets", batch=None, tags=["b", "a"]) == {
        "task_id": "0123456789abcdef01234567",
        "type": "categorization",
        "status": "pending",
        "created_at": "2024-05-01T12:03:04.056Z",
        "updated_at": "2024-05-01T12:05:00.000Z",
        "instruction": "Pick one",
        "callback_url": None,
        "params": {"attachment": "a", "categories": ["cat"]},
        "metadata": {"k": "v"},
        "tags": ["b", "a"],
        "project": "pets",
        "is_test": False,
        "priority": 5,
        "audits": [],
    }


def test_a_completed_task_has_every_key() -> None:
    row = _row(
        status="completed",
        callback_url="https://example.com/cb",
        is_test=1,
        unique_id="img-1",
        response={"category": "cat"},
        completed_at=DONE,
        callback_succeeded=1,
        customer_review_status="accepted",
    )
    audit = {
        "username": "alice",
        "created_at": DONE,
        "accepted": True,
        "source": "customer",
        "comments": "fine",
    }
    attempt = {
        "attempt": 1,
        "url": "https://example.com/cb",
        "status_code": 200,
        "error": None,
        "duration_ms": 12,
        "created_at": DONE,
    }
    out = task_json(
        row, project="pets", batch="b1", tags=(), audits=[audit], callback_attempts=[attempt]
    )
    assert out == {
        **task_json(_row(), project="pets", batch=None, tags=[]),
        "status": "completed",
        "callback_url": "https://example.com/cb",
        "is_test": True,
        "unique_id": "img-1",
        "batch": "b1",
        "response": {"category": "cat"},
        "completed_at": "2024-05-02T08:00:00.999Z",
        "callback_succeeded": True,
        "customer_review_status": "accepted",
        "audits": [
            {
                "audited_by": "alice",
                "audited_at": "2024-05-02T08:00:00.999Z",
                "audit_result": "accepted",
                "audit_source": "customer",
                "comments": "fine",
            }
        ],
        "callback_attempts": [
            {
                "attempt": 1,
                "url": "https://example.com/cb",
                "status_code": 200,
                "error": None,
                "duration_ms": 12,
                "attempted_at": "2024-05-02T08:00:00.999Z",
            }
        ],
    }


def test_a_failed_callback_is_false_not_absent() -> None:
    out = task_json(_row(callback_succeeded=0), project="p", batch=None, tags=[])
    assert out["callback_succeeded"] is False


def test_no_attempts_yet_is_an_empty_list_when_asked_for() -> None:
    out = task_json(_row(), project="p", batch=None, tags=[], callback_attempts=[])
    assert out["callback_attempts"] == []


def test_a_rejected_audit_without_a_user() -> None:
    row = {"created_at": UPDATED, "accepted": False, "source": "customer", "comments": None}
    assert audit_json(row) == {
        "audited_by": None,
        "audited_at": "2024-05-01T12:05:00.000Z",
        "audit_result": "rejected",
        "audit_source": "customer",
        "comments": None,
    }


def test_a_failed_attempt() -> None:
    row = {
        "attempt": 3,
        "url": "https://example.com/cb",
        "status_code": None,
        "error": "connection refused",
        "duration_ms": 4,
        "created_at": CREATED,
    }
    assert callback_attempt_json(row) == {
        "attempt": 3,
        "url": "https://example.com/cb",
        "status_code": None,
        "error": "connection refused",
        "duration_ms": 4,
        "attempted_at": "2024-05-01T12:03:04.056Z",
    }
