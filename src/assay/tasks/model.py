"""Pure task rules: statuses, the common create fields, splitting a flat Scale payload."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from assay.errors import Invalid
from assay.tasks.types import get_type
from assay.tasks.types.base import Strict, format_errors


class TaskStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    CANCELED = "canceled"
    ERROR = "error"


class ReviewStatus(StrEnum):
    ACCEPTED = "accepted"
    FIXED = "fixed"
    COMMENTED = "commented"
    REJECTED = "rejected"
    PENDING = "pending"


Tag = Annotated[str, Field(min_length=1, max_length=255)]


def check_callback_url(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL (e-mail callbacks are not supported)")
    return value


class TaskCommon(Strict):
    """The keys of a create payload that are about the task, not its type's params."""

    project: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    batch: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    instruction: Annotated[str, Field(max_length=200_000)] | None = None
    callback_url: Annotated[str, Field(max_length=2000)] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    unique_id: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    tags: Annotated[list[Tag], Field(max_length=100)] = Field(default_factory=list)
    priority: Annotated[int, Field(ge=0, le=100)] = 0
    # Scale's option; Assay never moves a task to ``error`` after creation, so it only
    # matters for the validity of the payload.
    clear_unique_id_on_error: bool = False

    @field_validator("callback_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return check_callback_url(value)


COMMON_KEYS = frozenset(TaskCommon.model_fields)


@dataclass(frozen=True, slots=True)
class NewTask:
    """A validated task, ready to store."""

    type: str
    common: TaskCommon
    params: dict[str, Any]
    instruction: str | None


def split_payload(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scale's clients post every keyword flat; common keys are ours, the rest are params."""
    common = {k: v for k, v in payload.items() if k in COMMON_KEYS}
    params = {k: v for k, v in payload.items() if k not in COMMON_KEYS}
    if isinstance(payload.get("params"), dict) and len(params) == 1:
        params = dict(payload["params"])  # also accept the nested form {"params": {...}}
    return common, params


def parse_common(raw: dict[str, Any]) -> TaskCommon:
    try:
        return TaskCommon.model_validate(raw)
    except ValidationError as exc:
        raise format_errors(exc, "") from None


class Example(Strict):
    """A worked example shown to annotators in the instructions panel."""

    title: Annotated[str, Field(max_length=500)] | None = None
    text: Annotated[str, Field(max_length=20_000)] | None = None
    image: Annotated[str, Field(max_length=2048)] | None = None


EXAMPLES = TypeAdapter(list[Example])
MAX_EXAMPLES = 50

# Project params that describe the project, not its tasks: never task defaults.
PROJECT_ONLY_PARAMS = frozenset({"instruction", "examples"})


def check_examples(raw: Any) -> list[dict[str, Any]]:
    try:
        parsed = EXAMPLES.validate_python(raw)
    except ValidationError as exc:
        raise format_errors(exc, "params.examples") from None
    if len(parsed) > MAX_EXAMPLES:
        raise Invalid(f"params.examples: at most {MAX_EXAMPLES} examples")
    return [e.model_dump(exclude_none=True) for e in parsed]


def build_task(
    task_type: str,
    payload: dict[str, Any],
    project_params: dict[str, Any],
) -> NewTask:
    """Validate a flat create payload; the project's params are the defaults of the task's."""
    kind = get_type(task_type)
    raw_common, raw_params = split_payload(payload)
    common = parse_common(raw_common)
    defaults = {k: v for k, v in project_params.items() if k not in PROJECT_ONLY_PARAMS}
    params = kind.validate_params({**defaults, **raw_params})
    instruction = common.instruction
    if instruction is None:
        instruction = project_params.get("instruction")
    if len({*common.tags}) != len(common.tags):
        raise Invalid("tags: duplicate tag", details=[{"field": "tags", "message": "duplicate"}])
    return NewTask(type=task_type, common=common, params=params, instruction=instruction)
