"""``textcollection``: fill in a form of fields about attachments."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from assay.tasks.types.base import Strict, TaskType, format_errors, invalid
from assay.tasks.types.choices import NonEmpty


class Attachment(Strict):
    type: Literal["text", "image", "website", "pdf", "video", "audio"] = "text"
    content: NonEmpty


class FieldChoice(Strict):
    label: NonEmpty
    value: NonEmpty


class FormField(Strict):
    type: Literal["category", "text", "number", "datetime"]
    field_id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")]
    title: NonEmpty
    description: str | None = None
    required: bool = True
    choices: list[FieldChoice] | None = None
    min_choices: Annotated[int, Field(ge=0)] = 1
    max_choices: Annotated[int, Field(ge=1)] = 1
    min_characters: Annotated[int, Field(ge=0)] | None = None
    max_characters: Annotated[int, Field(ge=1)] | None = None
    min: float | None = None
    max: float | None = None
    hint: str | None = None


class TextCollectionParams(Strict):
    attachments: list[Attachment] = Field(default_factory=list)
    fields: Annotated[list[FormField], Field(min_length=1)]
    title: str | None = None
    description: str | None = None
    responses_required: Annotated[int, Field(ge=1, le=20)] = 1


class FieldAnswer(Strict):
    type: str | None = None
    field_id: str | None = None
    response: list[list[Any]]


class TextCollectionResponse(Strict):
    # Each value is either the plain answer, or Scale's ``{type, field_id, response}`` form.
    annotations: dict[str, Any]


class TextCollection(TaskType[TextCollectionParams, TextCollectionResponse]):
    name = "textcollection"
    description = "Answer a form of category, text, number and date fields about attachments."
    params_model = TextCollectionParams
    response_model = TextCollectionResponse

    def combine(self, responses: list[dict[str, Any]]) -> dict[str, Any]:
        """Scale's shape: each field's ``response`` holds one answer list per respondent, in
        submission order; a respondent who left an optional field out has ``[]`` there, so
        the i-th list is always the i-th respondent's."""
        merged: dict[str, Any] = {}
        for i, r in enumerate(responses):
            for fid, answer in r["annotations"].items():
                slot = merged.setdefault(fid, {**answer, "response": [[] for _ in range(i)]})
                slot["response"].extend(answer["response"])
            for fid, slot in merged.items():
                if fid not in r["annotations"]:
                    slot["response"].append([])
        return {"annotations": merged}

    def check_params(self, params: TextCollectionParams) -> None:
        ids = [f.field_id for f in params.fields]
        if len(set(ids)) != len(ids):
            raise invalid("fields", "field_id values must be unique")
        for i, f in enumerate(params.fields):
            where = f"fields.{i}"
            if f.type == "category":
                if not f.choices:
                    raise invalid(f"{where}.choices", "a category field needs choices")
                values = [c.value for c in f.choices]
                if len(set(values)) != len(values):
                    raise invalid(f"{where}.choices", "duplicate choice value")
                if f.min_choices > f.max_choices or f.max_choices > len(f.choices):
                    raise invalid(f"{where}.max_choices", "inconsistent with choices")
            elif f.choices is not None:
                raise invalid(f"{where}.choices", "only category fields have choices")
            if f.min is not None and f.max is not None and f.min > f.max:
                raise invalid(f"{where}.min", "greater than max")

    def check_response(
        self, params: TextCollectionParams, response: TextCollectionResponse
    ) -> dict[str, Any]:
        fields = {f.field_id: f for f in params.fields}
        for key in response.annotations:
            if key not in fields:
                raise invalid(f"response.annotations.{key}", "unknown field")
        out: dict[str, Any] = {}
        for fid, spec in fields.items():
            where = f"response.annotations.{fid}"
            raw = response.annotations.get(fid)
            values = _values(raw, where)
            if not values:
                if spec.required:
                    raise invalid(where, "field required")
                continue
            checked = [_check(spec, v, where) for v in values]
            if spec.type == "category":
                if not spec.min_choices <= len(checked) <= spec.max_choices:
                    raise invalid(
                        where, f"pick between {spec.min_choices} and {spec.max_choices} choices"
                    )
                if len(set(checked)) != len(checked):
                    raise invalid(where, "a choice is picked twice")
            elif len(checked) != 1:
                raise invalid(where, "exactly one value expected")
            out[fid] = {"type": spec.type, "field_id": fid, "response": [checked]}
        return {"annotations": out}


def _values(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, dict):
        try:
            answer = FieldAnswer.model_validate(raw)
        except ValidationError as exc:
            raise format_errors(exc, where) from None
        if len(answer.response) != 1:
            raise invalid(f"{where}.response", "one respondent's answer expected")
        return list(answer.response[0])
    if isinstance(raw, list):
        return list(raw)
    if isinstance(raw, str) and raw == "":
        return []
    return [raw]


def _check(spec: FormField, value: Any, where: str) -> Any:
    if spec.type == "category":
        allowed = [c.value for c in spec.choices or []]
        if value not in allowed:
            raise invalid(where, f"{value!r} is not one of {allowed}")
        return value
    if spec.type == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise invalid(where, "must be a finite number")
        if spec.min is not None and value < spec.min:
            raise invalid(where, f"must be >= {spec.min:g}")
        if spec.max is not None and value > spec.max:
            raise invalid(where, f"must be <= {spec.max:g}")
        return value
    if not isinstance(value, str):
        raise invalid(where, "must be a string")
    if spec.type == "datetime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise invalid(where, "must be an ISO 8601 date or date-time") from None
        return value
    if spec.min_characters is not None and len(value) < spec.min_characters:
        raise invalid(where, f"needs at least {spec.min_characters} characters")
    if spec.max_characters is not None and len(value) > spec.max_characters:
        raise invalid(where, f"allows at most {spec.max_characters} characters")
    return value
