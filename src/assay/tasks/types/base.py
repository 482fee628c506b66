"""The interface every task type implements, and the pydantic plumbing they share."""

from __future__ import annotations

import math
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from assay.errors import Invalid


class Strict(BaseModel):
    """Base of params and response models: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


P = TypeVar("P", bound=Strict)
R = TypeVar("R", bound=Strict)


def format_errors(exc: ValidationError, prefix: str) -> Invalid:
    """Turn pydantic errors into one ``Invalid`` whose message names each field."""
    details = []
    parts = []
    for err in exc.errors(include_url=False, include_context=False):
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "field required"
        details.append({"field": loc, "message": msg})
        parts.append(f"{loc}: {msg}")
    return Invalid("; ".join(parts), details=details)


def invalid(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}", details=[{"field": field, "message": message}])


def finite(value: float, field: str) -> float:
    if not math.isfinite(value):
        raise invalid(field, "must be a finite number")
    return value


class TaskType(Generic[P, R]):
    """One task type: how its params and its responses are checked.

    Subclasses set ``name``, ``params_model`` and ``response_model`` and may override
    ``check_params`` and ``check_response`` for rules that span fields (a label must be one of
    the params' labels, a span must lie inside the text...).
    """

    name: ClassVar[str]
    description: ClassVar[str]
    params_model: type[P]
    response_model: type[R]

    def validate_params(self, raw: dict[str, Any]) -> dict[str, Any]:
        try:
            params = self.params_model.model_validate(raw)
        except ValidationError as exc:
            raise format_errors(exc, "") from None
        self.check_params(params)
        return params.model_dump(mode="json", exclude_none=True)

    def validate_response(self, params: dict[str, Any], raw: Any) -> dict[str, Any]:
        """Check a response against the task's params; return it normalized for delivery."""
        parsed_params = self.params_model.model_validate(params)
        try:
            # Strict: a response comes from a tool as JSON; "3" or true is not a number.
            response = self.response_model.model_validate(raw, strict=True)
        except ValidationError as exc:
            raise format_errors(exc, "response") from None
        return self.check_response(parsed_params, response)

    def combine(self, responses: list[dict[str, Any]]) -> dict[str, Any]:
        """One response from the judgments of a stage. Types that ask several people for
        the same thing (``textcollection``'s ``responses_required``) override this."""
        if len(responses) != 1:
            raise Invalid(f"{self.name} tasks take one judgment per stage")
        return responses[0]

    def check_params(self, params: P) -> None:
        """Cross-field rules on params; raise ``Invalid`` naming the field."""

    def check_response(self, params: P, response: R) -> dict[str, Any]:  # noqa: ARG002
        return response.model_dump(mode="json", exclude_none=True)
