"""Scale-compatible /v1 shapes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assay.api.schemas.common import Open


class AuditRead(Open):
    audited_at: str | None
    audit_result: str
    audit_source: str


class TaskRead(Open):
    task_id: str
    type: str
    status: str
    created_at: str
    updated_at: str
    params: dict[str, Any]
    metadata: dict[str, Any]
    tags: list[str]
    project: str
    is_test: bool
    instruction: str | None = None
    callback_url: str | None = None
    unique_id: str | None = None
    batch: str | None = None
    response: dict[str, Any] | None = None
    completed_at: str | None = None
    callback_succeeded: bool | None = None
    audits: list[AuditRead] = []


class TaskPage(Open):
    docs: list[TaskRead]
    total: int
    limit: int
    offset: int
    has_more: bool
    next_token: str | None = None


class ProjectVersion(Open):
    version: int
    params: dict[str, Any]
    created_at: str


class ProjectRead(Open):
    name: str
    type: str
    params: dict[str, Any]
    param_history: list[ProjectVersion]
    created_at: str


class ProjectCreate(BaseModel):
    type: str = Field(description="Task type of the project's tasks, e.g. categorization.")
    name: str = Field(min_length=1, max_length=255)
    params: dict[str, Any] | None = Field(
        default=None, description="Defaults for the params of every task of the project."
    )
    rapid: bool = False
    studio: bool = False
    datasetId: str | None = None


class BatchRead(Open):
    name: str
    project: str
    status: str
    callback: str
    metadata: dict[str, Any]
    created_at: str


class BatchPage(Open):
    docs: list[BatchRead]
    totalDocs: int
    limit: int
    offset: int
    has_more: bool


class BatchCreate(BaseModel):
    project: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=255)
    callback: str | None = None
    calibration_batch: bool = False
    self_label_batch: bool = False
    metadata: dict[str, Any] | None = None


class BatchStatus(Open):
    status: str
    pending: int
    completed: int
    error: int
    canceled: int


class FileRead(Open):
    id: str
    attachment_url: str
    filename: str
    mime_type: str
    size: int


class FileImport(BaseModel):
    file_url: str = Field(min_length=1, max_length=4000)
    display_name: str | None = Field(default=None, max_length=255)
    reference_id: str | None = Field(default=None, max_length=255)
    project_name: str | None = Field(default=None, max_length=255)


class AuditCreate(BaseModel):
    accepted: bool
    comments: str | None = None


class UniqueIdSet(BaseModel):
    unique_id: str = Field(min_length=1, max_length=255)
