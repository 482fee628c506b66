"""Per-object attributes (Scale's ``annotation_attributes``) and their checks."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field

from assay.tasks.types.base import Strict, invalid
from assay.tasks.types.choices import NonEmpty


class AttributeSpec(Strict):
    type: Literal["category", "number", "text", "boolean"] = "category"
    description: str | None = None
    choices: list[NonEmpty] | None = None
    allow_multiple: bool = False
    min: float | None = None
    max: float | None = None
    required: bool = False
    # Only ask for this attribute on objects with one of these labels (all when absent).
    labels: list[NonEmpty] | None = None


AttributeSpecs = dict[Annotated[str, Field(min_length=1, max_length=200)], AttributeSpec]


def check_specs(specs: AttributeSpecs, field: str) -> None:
    for name, spec in specs.items():
        where = f"{field}.{name}"
        if spec.type == "category":
            if not spec.choices:
                raise invalid(f"{where}.choices", "a category attribute needs choices")
            if len(set(spec.choices)) != len(spec.choices):
                raise invalid(f"{where}.choices", "duplicate choice")
        elif spec.choices is not None:
            raise invalid(f"{where}.choices", "only category attributes have choices")
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            raise invalid(where, "min is greater than max")


def check_values(
    specs: AttributeSpecs, values: dict[str, Any] | None, label: str, field: str
) -> None:
    values = values or {}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            raise invalid(f"{field}.{name}", "unknown attribute")
        if spec.labels is not None and label not in spec.labels:
            raise invalid(f"{field}.{name}", f"does not apply to label {label!r}")
        _check_value(spec, value, f"{field}.{name}")
    for name, spec in specs.items():
        applies = spec.labels is None or label in spec.labels
        if spec.required and applies and name not in values:
            raise invalid(f"{field}.{name}", "required attribute missing")


def _check_value(spec: AttributeSpec, value: Any, field: str) -> None:
    if spec.type == "category":
        picks = value if isinstance(value, list) and spec.allow_multiple else [value]
        for v in picks:
            if not isinstance(v, str) or v not in (spec.choices or []):
                raise invalid(field, f"{v!r} is not one of {spec.choices}")
    elif spec.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(field, "must be a number")
        if not math.isfinite(value):
            raise invalid(field, "must be finite")
        if spec.min is not None and value < spec.min:
            raise invalid(field, f"must be >= {spec.min}")
        if spec.max is not None and value > spec.max:
            raise invalid(field, f"must be <= {spec.max}")
    elif spec.type == "text":
        if not isinstance(value, str):
            raise invalid(field, "must be a string")
    elif not isinstance(value, bool):
        raise invalid(field, "must be true or false")
