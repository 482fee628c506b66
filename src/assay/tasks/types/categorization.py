"""``categorization``: pick one (or several) categories for an attachment."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from assay.tasks.types.base import Strict, TaskType, invalid
from assay.tasks.types.choices import ChoiceSpec, NonEmpty, check_unique, flatten

AttachmentType = Literal["image", "text", "website", "video", "pdf", "audio"]


class Taxonomy(Strict):
    type: Literal["category"] = "category"
    description: str | None = None
    choices: Annotated[list[ChoiceSpec], Field(min_length=1)]
    allow_multiple: bool = False


class CategorizationParams(Strict):
    attachment_type: AttachmentType = "image"
    attachment: NonEmpty
    categories: list[ChoiceSpec] | None = None
    taxonomies: dict[NonEmpty, Taxonomy] | None = None
    allow_multiple: bool = False


class CategorizationResponse(Strict):
    category: NonEmpty | list[NonEmpty] | None = None
    taxonomies: dict[str, list[NonEmpty]] | None = None


class Categorization(TaskType[CategorizationParams, CategorizationResponse]):
    name = "categorization"
    description = "Choose categories for an image, text, web page or other attachment."
    params_model = CategorizationParams
    response_model = CategorizationResponse

    def check_params(self, params: CategorizationParams) -> None:
        if (params.categories is None) == (params.taxonomies is None):
            raise invalid("categories", "give exactly one of categories or taxonomies")
        if params.categories is not None:
            check_unique(params.categories, "categories")
        for key, tax in (params.taxonomies or {}).items():
            check_unique(tax.choices, f"taxonomies.{key}.choices")
        if params.taxonomies is not None and not params.taxonomies:
            raise invalid("taxonomies", "must not be empty")

    def check_response(
        self, params: CategorizationParams, response: CategorizationResponse
    ) -> dict[str, Any]:
        if params.categories is not None:
            return {
                "category": _check_pick(
                    response.category,
                    flatten(params.categories),
                    params.allow_multiple,
                    "response.category",
                )
            }
        picks: dict[str, Any] = {}
        given = response.taxonomies or {}
        assert params.taxonomies is not None
        for key in given:
            if key not in params.taxonomies:
                raise invalid(f"response.taxonomies.{key}", "unknown taxonomy")
        for key, tax in params.taxonomies.items():
            picks[key] = _check_pick(
                given.get(key), flatten(tax.choices), True, f"response.taxonomies.{key}"
            )
            if isinstance(picks[key], list) and not tax.allow_multiple and len(picks[key]) != 1:
                raise invalid(f"response.taxonomies.{key}", "exactly one choice is allowed")
            picks[key] = picks[key] if isinstance(picks[key], list) else [picks[key]]
        return {"taxonomies": picks}


def _check_pick(
    value: str | list[str] | None, allowed: list[str], multiple: bool, field: str
) -> str | list[str]:
    if value is None:
        raise invalid(field, "field required")
    values = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not multiple:
        raise invalid(field, "one category expected (allow_multiple is false)")
    if not values:
        raise invalid(field, "at least one category is required")
    if len(set(values)) != len(values):
        raise invalid(field, "a category is picked twice")
    for v in values:
        if v not in allowed:
            raise invalid(field, f"{v!r} is not one of the task's categories")
    return values if multiple else values[0]
