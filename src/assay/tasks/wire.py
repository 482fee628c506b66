"""Scale's JSON shapes for tasks, projects and batches (pure: rows in, dicts out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from assay.quality.settings import parse as parse_quality


def iso(dt: datetime | None) -> str | None:
    """ISO-8601 with milliseconds and ``Z``, as Scale sends timestamps."""
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def task_json(
    row: Mapping[Any, Any],
    *,
    project: str,
    batch: str | None,
    tags: Sequence[str],
    audits: Sequence[Mapping[Any, Any]] = (),
    callback_attempts: Sequence[Mapping[Any, Any]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "task_id": row["id"],
        "type": row["type"],
        "status": row["status"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "instruction": row["instruction"],
        "callback_url": row["callback_url"],
        "params": row["params"],
        "metadata": row["metadata"],
        "tags": list(tags),
        "project": project,
        "is_test": bool(row["is_test"]),
        "priority": row["priority"],
        "audits": [audit_json(a) for a in audits],
    }
    # Scale omits keys that have no value (the official tests check unique_id is absent).
    if row["unique_id"] is not None:
        out["unique_id"] = row["unique_id"]
    if batch is not None:
        out["batch"] = batch
    if row["response"] is not None:
        out["response"] = row["response"]
    if row["completed_at"] is not None:
        out["completed_at"] = iso(row["completed_at"])
    if row["callback_succeeded"] is not None:
        out["callback_succeeded"] = bool(row["callback_succeeded"])
    if row.get("confidence") is not None:
        # How sure the aggregate of several judgments is (an Assay addition to Scale's shape).
        out["confidence"] = round(float(row["confidence"]), 4)
    if row["customer_review_status"] is not None:
        out["customer_review_status"] = row["customer_review_status"]
    if callback_attempts is not None:
        out["callback_attempts"] = [callback_attempt_json(a) for a in callback_attempts]
    return out


def audit_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "audited_by": row.get("username"),
        "audited_at": iso(row["created_at"]),
        "audit_result": "accepted" if row["accepted"] else "rejected",
        "audit_source": row["source"],
        "comments": row["comments"],
    }


def callback_attempt_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "attempt": row["attempt"],
        "url": row["url"],
        "status_code": row["status_code"],
        "error": row["error"],
        "duration_ms": row["duration_ms"],
        "attempted_at": iso(row["created_at"]),
    }


def project_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    history = [
        {
            "version": h["version"],
            "params": h["params"],
            "instruction": h.get("instruction"),
            "created_at": h["created_at"],
        }
        for h in row["param_history"]
    ]
    params = row["params"]
    return {
        "name": row["name"],
        "type": row["type"],
        "params": params,
        "instruction": params.get("instruction"),
        "param_history": history,
        "workflow": row["workflow"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "archived": bool(row["archived"]),
        "is_test": bool(row["is_test"]),
        "quality": parse_quality(row.get("quality")).to_json(),
    }


def batch_json(row: Mapping[Any, Any], *, project: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": row["name"],
        "project": project,
        "status": row["status"],
        "callback": row["callback_url"] or "",
        "metadata": row["metadata"],
        "created_at": iso(row["created_at"]),
        "calibration_batch": bool(row["calibration_batch"]),
        "self_label_batch": bool(row["self_label_batch"]),
        "archived": bool(row["archived"]),
        "is_test": bool(row["is_test"]),
    }
    if row["finalized_at"] is not None:
        out["finalized_at"] = iso(row["finalized_at"])
    if row["completed_at"] is not None:
        out["completed_at"] = iso(row["completed_at"])
    if row["callback_succeeded"] is not None:
        out["callback_succeeded"] = bool(row["callback_succeeded"])
    return out
