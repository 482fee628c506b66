"""Assay's own work-queue shapes (/api/v1)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assay.api.schemas.common import Open


class QueueEntry(Open):
    project: str
    type: str
    available: int
    leased: int


class LeaseRequest(BaseModel):
    project: str = Field(min_length=1)
    lease_seconds: float | None = Field(default=None, gt=0)


class AssignmentTask(Open):
    task_id: str
    type: str
    params: dict[str, Any]
    instruction: str | None = None


class AssignmentRead(Open):
    id: int
    project: str
    stage: str
    status: str
    lease_expires_at: str | None
    task: AssignmentTask
    lease_token: str | None = None


class LeaseResult(BaseModel):
    assignment: AssignmentRead | None


class LeaseToken(BaseModel):
    lease_token: str = Field(min_length=1, max_length=200)


class Heartbeat(LeaseToken):
    lease_seconds: float | None = Field(default=None, gt=0)


class HeartbeatRead(Open):
    id: int
    lease_expires_at: str


class Submit(LeaseToken):
    response: dict[str, Any]
    time_spent_ms: int | None = Field(default=None, ge=0, le=7 * 24 * 3600 * 1000)


class SubmitRead(Open):
    id: int
    status: str
    task_id: str
    task_status: str


class Skip(LeaseToken):
    reason: str = Field(min_length=1, max_length=2000)


class BulkCreate(BaseModel):
    tasks: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=1000,
        description="Each item is a flat create payload (as for POST /v1/task/{type}) "
        "plus its `type`.",
    )


class BulkRead(BaseModel):
    task_ids: list[str]
