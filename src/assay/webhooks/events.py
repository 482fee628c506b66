"""Callback payloads and their signatures (pure).

Signatures follow Standard Webhooks (https://www.standardwebhooks.com): an HMAC-SHA256 over
``{webhook-id}.{webhook-timestamp}.{body}`` with the organization's ``whsec_`` secret, sent in
``webhook-signature: v1,<base64>``. Any Standard Webhooks library verifies them. Scale's own
``scale-callback-auth`` header is sent too, for receivers written against Scale.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import orjson


def task_callback_body(task: dict[str, Any]) -> bytes:
    """Scale's callback body. Delivery state is left out of the embedded task, so every
    attempt of one delivery (same ``webhook-id``) carries the same bytes."""
    doc = {k: v for k, v in task.items() if k not in ("callback_succeeded", "callback_attempts")}
    return orjson.dumps(
        {
            "task": doc,
            "response": doc.get("response"),
            "task_id": doc["task_id"],
            "status": doc["status"],
        }
    )


def batch_callback_body(batch: dict[str, Any], counts: dict[str, int]) -> bytes:
    batch = {k: v for k, v in batch.items() if k != "callback_succeeded"}
    return orjson.dumps(
        {
            "batch": batch,
            "name": batch["name"],
            "status": batch["status"],
            "task_counts": counts,
        }
    )


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(
    *, secret: str, auth_key: str, msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "assay-callbacks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id=msg_id, timestamp=timestamp, body=body),
        "scale-callback-auth": auth_key,
    }


def backoff_seconds(attempt: int, *, base: float, cap: float, jitter: float) -> float:
    """Exponential backoff: base * 2^(attempt-1), capped, times a jitter factor in [1, 1.25)."""
    delay: float = min(base * 2.0 ** max(attempt - 1, 0), cap)
    return delay * (1 + 0.25 * jitter)
