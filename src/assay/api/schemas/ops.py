"""Shapes of the ops pages (/api/v1: projects, batches, task browser, detail, throughput)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from assay.api.schemas.common import Open


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=32)
    kind: Literal["label", "review"]
    judgments: StrictInt = Field(default=1, ge=1, le=100)
    max_judgments: StrictInt | None = Field(
        default=None, description="Adaptive redundancy: ask for at most this many judgments"
    )
    target_confidence: float | None = Field(
        default=None, description="Adaptive redundancy: stop once the answer is this probable"
    )


class Stage(Open):
    name: str
    kind: str
    judgments: int
    max_judgments: int | None = None
    target_confidence: float | None = None


class Counts(Open):
    pending: int
    completed: int
    canceled: int
    error: int
    total: int


class ProjectVersion(Open):
    version: int
    params: dict[str, Any]
    created_at: str


class Project(Open):
    name: str
    type: str
    params: dict[str, Any]
    workflow: list[Stage]
    quality: dict[str, Any]
    archived: bool
    created_at: str
    updated_at: str
    param_history: list[ProjectVersion]
    counts: Counts


class ProjectList(Open):
    items: list[Project]


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    type: str = Field(description="Task type of the project's tasks, e.g. categorization.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Defaults for the params of every task."
    )
    workflow: list[StageIn] | None = Field(
        default=None,
        max_length=2,
        description="`[label]` (the default) or `[label, review]`.",
    )


class ProjectPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    params: dict[str, Any] | None = Field(
        default=None,
        description="The whole new parameter set; a new `param_history` version if it differs.",
    )
    workflow: list[StageIn] | None = Field(default=None, max_length=2)
    archived: StrictBool | None = None
    quality: dict[str, Any] | None = Field(
        default=None,
        description="Quality settings to change (gold rate, pause bar, qualification, "
        "training); settings left out are kept.",
    )


class Batch(Open):
    name: str
    project: str
    status: str
    created_at: str
    finalized_at: str | None
    completed_at: str | None
    callback_succeeded: bool | None
    counts: Counts


class BatchPage(Open):
    items: list[Batch]
    next_cursor: str | None


class TaskRow(Open):
    task_id: str
    project: str
    batch: str | None
    type: str
    status: str
    created_at: str
    completed_at: str | None
    tags: list[str]
    review_status: str | None
    last_review: str | None


class TaskPage(Open):
    items: list[TaskRow]
    next_cursor: str | None


class TaskDetail(Open):
    task: dict[str, Any]
    judgments: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    callback_attempts: list[dict[str, Any]]
    audits: list[dict[str, Any]]


class HourCount(Open):
    hour: str
    completed: int


class AnnotatorTiming(Open):
    annotator: str
    judgments: int
    mean_ms: float | None
    median_ms: float | None


class TypeTiming(Open):
    type: str
    judgments: int
    mean_ms: float | None
    median_ms: float | None


class Throughput(Open):
    since: str
    until: str
    tasks_per_hour: list[HourCount]
    by_annotator: list[AnnotatorTiming]
    by_type: list[TypeTiming]
