"""Assay's own work-queue shapes (/api/v1)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assay.api.schemas.common import Open


class StageCount(Open):
    stage: str
    kind: str
    available: int
    leased: int


class QueueEntry(Open):
    project: str
    type: str
    available: int
    leased: int
    stages: list[StageCount]
    quality_status: str = Field(description="`active`, `qualifying` or `paused`")
    status_reason: str | None = None
    qualification: dict[str, Any] | None = Field(
        default=None, description="While qualifying: `{required, answered, correct, pass}`"
    )


class LeaseRequest(BaseModel):
    project: str = Field(min_length=1)
    stage: str | None = Field(
        default=None,
        min_length=1,
        description="A stage of the project's workflow (default: the first)",
    )
    lease_seconds: float | None = Field(default=None, gt=0)


class AssignmentTask(Open):
    task_id: str
    type: str
    params: dict[str, Any]
    instruction: str | None = None


class Instructions(Open):
    text: str | None
    examples: list[Any]


class ReviewedJudgment(Open):
    id: int
    annotator: str | None
    response: dict[str, Any]
    time_spent_ms: int | None


class UnderReview(Open):
    response: dict[str, Any] | None
    judgments: list[ReviewedJudgment]


class Feedback(Open):
    comment: str | None
    reviewer: str | None
    response: dict[str, Any] | None
    created_at: str | None


class AssignmentRead(Open):
    id: int
    project: str
    stage: str
    kind: str = Field(description="`label` or `review`")
    status: str
    lease_expires_at: str | None
    task: AssignmentTask
    instructions: Instructions
    review: UnderReview | None = Field(
        default=None, description="On review work: the labeled response and its judgments"
    )
    feedback: Feedback | None = Field(
        default=None, description="On rework: the reviewer's comment and the rejected response"
    )
    lease_token: str | None = None
    training: bool | None = Field(
        default=None, description="A training task: the answer is shown after submitting"
    )


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


class TrainingFeedback(Open):
    correct: bool
    score: float
    expected_response: dict[str, Any]
    your_response: dict[str, Any]
    explanation: str | None
    mistakes: list[str]


class SubmitAnswer(SubmitRead):
    feedback: TrainingFeedback | None = Field(
        default=None, description="After a training task: the expected answer and why"
    )


class Review(LeaseToken):
    action: Literal["accept", "fix", "reject"]
    response: dict[str, Any] | None = Field(default=None, description="The fixed response (fix)")
    comment: str | None = Field(
        default=None, max_length=10_000, description="Required to reject: what is wrong"
    )
    time_spent_ms: int | None = Field(default=None, ge=0, le=7 * 24 * 3600 * 1000)


class ReviewRead(SubmitRead):
    action: str


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
