"""Callback bodies, Standard Webhooks signatures and the retry backoff (all pure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import orjson
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from assay.webhooks.events import (
    backoff_seconds,
    batch_callback_body,
    headers,
    sign,
    task_callback_body,
)

KEY = b"0123456789abcdef0123456789abcdef"
SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # "whsec_" + base64(KEY)
MSG_ID = "msg_2Lh9"
TIMESTAMP = 1_700_000_000
BODY = b'{"a":1}'


# --- signatures ------------------------------------------------------------------------------


def test_the_secret_is_the_base64_of_the_key() -> None:
    assert "whsec_" + base64.b64encode(KEY).decode() == SECRET


def test_signature_is_hmac_sha256_over_id_timestamp_and_body() -> None:
    signed = f"{MSG_ID}.{TIMESTAMP}.".encode() + BODY
    by_hand = "v1," + base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    assert sign(SECRET, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY) == by_hand
    # The same value from `openssl dgst -sha256 -hmac ... -binary | base64`.
    assert by_hand == "v1,KHtmwxLu/x3EwmPt+xCqoLBNsZhqVVMC/sPriWEJhnA="


def test_a_secret_without_the_prefix_signs_the_same() -> None:
    bare = SECRET.removeprefix("whsec_")
    assert sign(bare, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY) == sign(
        SECRET, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY
    )


@pytest.mark.parametrize(
    ("msg_id", "timestamp", "body"),
    [("msg_other", TIMESTAMP, BODY), (MSG_ID, TIMESTAMP + 1, BODY), (MSG_ID, TIMESTAMP, b"{}")],
)
def test_every_signed_part_changes_the_signature(msg_id: str, timestamp: int, body: bytes) -> None:
    reference = sign(SECRET, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY)
    assert sign(SECRET, msg_id=msg_id, timestamp=timestamp, body=body) != reference


def test_headers() -> None:
    assert headers(
        secret=SECRET, auth_key="scale-auth", msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY
    ) == {
        "content-type": "application/json",
        "user-agent": "assay-callbacks/1",
        "webhook-id": MSG_ID,
        "webhook-timestamp": "1700000000",
        "webhook-signature": "v1,KHtmwxLu/x3EwmPt+xCqoLBNsZhqVVMC/sPriWEJhnA=",
        "scale-callback-auth": "scale-auth",
    }


def _task() -> dict[str, object]:
    return {
        "task_id": "0123456789abcdef01234567",
        "status": "completed",
        "type": "categorization",
        "response": {"category": "cat"},
    }


def test_a_standard_webhooks_library_verifies_the_headers() -> None:
    body = task_callback_body(_task())
    now = int(time.time())  # the library refuses timestamps more than 5 minutes away
    hdrs = headers(secret=SECRET, auth_key="k", msg_id="msg_1", timestamp=now, body=body)
    assert Webhook(SECRET).verify(body, hdrs) == orjson.loads(body)


def test_the_library_refuses_a_changed_body_or_another_secret() -> None:
    body = task_callback_body(_task())
    now = int(time.time())
    hdrs = headers(secret=SECRET, auth_key="k", msg_id="msg_1", timestamp=now, body=body)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace(b"cat", b"dog"), hdrs)
    other = "whsec_" + base64.b64encode(b"another key of thirty-two bytes!").decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(body, hdrs)


# --- bodies ----------------------------------------------------------------------------------


def test_task_callback_body() -> None:
    task = _task()
    assert orjson.loads(task_callback_body(task)) == {
        "task": task,
        "response": {"category": "cat"},
        "task_id": "0123456789abcdef01234567",
        "status": "completed",
    }


def test_a_task_without_a_response_sends_null() -> None:
    task = {"task_id": "0123456789abcdef01234567", "status": "canceled"}
    assert orjson.loads(task_callback_body(task)) == {
        "task": task,
        "response": None,
        "task_id": "0123456789abcdef01234567",
        "status": "canceled",
    }


def test_batch_callback_body() -> None:
    batch = {"name": "b1", "status": "completed", "project": "pets"}
    counts = {"completed": 3, "canceled": 1}
    assert orjson.loads(batch_callback_body(batch, counts)) == {
        "batch": batch,
        "name": "b1",
        "status": "completed",
        "task_counts": {"completed": 3, "canceled": 1},
    }


# --- backoff ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "jitter", "expected"),
    [
        (0, 0.0, 1.0),
        (1, 0.0, 1.0),
        (2, 0.0, 2.0),
        (3, 0.0, 4.0),
        (6, 0.0, 32.0),
        (7, 0.0, 60.0),  # 64 capped at 60
        (50, 0.0, 60.0),
        (3, 1.0, 5.0),  # the jitter factor reaches 1.25 at jitter 1
        (3, 0.5, 4.5),
        (7, 0.5, 67.5),  # jitter applies after the cap
    ],
)
def test_backoff_doubles_up_to_the_cap_then_jitters(
    attempt: int, jitter: float, expected: float
) -> None:
    assert backoff_seconds(attempt, base=1.0, cap=60.0, jitter=jitter) == expected


def test_backoff_scales_with_the_base() -> None:
    assert backoff_seconds(3, base=0.5, cap=3600.0, jitter=0.5) == 2.25
    assert backoff_seconds(1, base=10.0, cap=3600.0, jitter=0.0) == 10.0


def test_delivery_state_is_left_out_so_every_attempt_sends_the_same_bytes() -> None:
    task = _task()
    first = task_callback_body({**task, "callback_succeeded": None})
    retry = task_callback_body(
        {**task, "callback_succeeded": False, "callback_attempts": [{"attempt": 1}]}
    )
    assert first == retry
    assert "callback_succeeded" not in orjson.loads(first)["task"]
