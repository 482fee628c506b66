"""Quality: gold and training tasks, the dashboard, an annotator's progress."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.api.schemas.common import Open


class Estimate(Open):
    mean: float
    low: float = Field(description="90% credible interval, low end")
    high: float
    n: float = Field(description="Evidence weight behind it")


class GoldStats(Open):
    answered: int
    correct: int
    mean_score: float | None


class GoldItem(Open):
    id: str
    purpose: Literal["gold", "training"]
    project: str
    type: str
    params: dict[str, Any]
    instruction: str | None
    expected_response: dict[str, Any]
    explanation: str | None
    nuances: list[str]
    active: bool
    created_at: str
    stats: GoldStats


class GoldList(Open):
    items: list[GoldItem]


class GoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Literal["gold", "training"]
    params: dict[str, Any] | None = Field(default=None, description="The task's params")
    instruction: str | None = None
    expected_response: dict[str, Any] | None = Field(
        default=None, description="Required unless from_task gives it"
    )
    explanation: str | None = Field(default=None, max_length=20_000)
    from_task: str | None = Field(
        default=None, description="A completed task to copy params and response from"
    )


class GoldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_response: dict[str, Any] | None = None
    explanation: str | None = Field(default=None, max_length=20_000)
    active: bool | None = None


class ScaleQualityTask(Open):
    id: str
    type: str
    project: str
    params: dict[str, Any]
    instruction: str | None
    expected_response: dict[str, Any]
    explanation: str | None
    created_at: str


class AnnotatorQuality(Open):
    annotator: str
    status: str
    status_reason: str | None
    judgments: int
    skills: dict[str, Estimate]
    sources: dict[str, Estimate | None]
    weak: list[str]
    training: dict[str, Any] = Field(
        description="Training tasks answered and correct, overall and by nuance"
    )


class Agreement(Open):
    method: str
    value: float | None
    tasks: int
    judgments: int


class GoldDay(Open):
    day: str
    scored: int
    correct: int
    mean_score: float


class BelowTargetTask(Open):
    task_id: str
    confidence: float
    judgments: int
    completed_at: str | None


class BelowTarget(Open):
    count: int
    tasks: list[BelowTargetTask]


class ProjectQuality(Open):
    project: str
    type: str
    settings: dict[str, Any]
    target_confidence: float | None
    nuances: list[str]
    annotators: list[AnnotatorQuality]
    agreement: Agreement
    gold_history: list[GoldDay]
    below_target: BelowTarget


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "paused"]
    reason: str | None = Field(default=None, max_length=2000)


class StatusRead(Open):
    annotator: str
    status: str
    status_reason: str | None
    changed_at: str


class ProgressProject(Open):
    project: str
    type: str
    status: str
    status_reason: str | None
    qualification: dict[str, Any] | None
    skills: list[dict[str, Any]]
    training: dict[str, Any]


class Progress(Open):
    projects: list[ProgressProject]
