"""``comparison``: judge LLM outputs (or any attachments) against each other.

Modes: ``choice`` (Scale's legacy: pick one of ``choices``), ``pairwise`` (which of two is
better, and by how much), ``ranking`` (order N outputs), ``rating`` (score each output on a
rubric).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from assay.tasks.types.base import Strict, TaskType, invalid
from assay.tasks.types.choices import NonEmpty


class Output(Strict):
    type: Literal["text", "image", "website", "audio", "video"] = "text"
    content: NonEmpty
    id: str | None = None


class Criterion(Strict):
    id: Annotated[str, Field(min_length=1, max_length=100)]
    title: NonEmpty
    description: str | None = None
    min: int = 1
    max: int = 5


class ComparisonParams(Strict):
    prompt: str | None = None
    attachments: Annotated[list[NonEmpty | Output], Field(min_length=2, max_length=50)]
    attachment_type: Literal["text", "image", "website", "audio", "video"] = "text"
    mode: Literal["choice", "pairwise", "ranking", "rating"] | None = None
    choices: list[NonEmpty] | None = None
    rubric: list[Criterion] | None = None
    max_strength: Annotated[int, Field(ge=1, le=10)] = 3
    require_rationale: bool = False

    @model_validator(mode="after")
    def _default_mode(self) -> ComparisonParams:
        if self.mode is None:
            if self.choices:
                self.mode = "choice"
            elif self.rubric:
                self.mode = "rating"
            else:
                self.mode = "pairwise" if len(self.attachments) == 2 else "ranking"
        return self


class ComparisonResponse(Strict):
    choice: NonEmpty | None = None
    preferred: Annotated[int, Field(ge=0)] | None = None
    tie: bool = False
    strength: Annotated[int, Field(ge=1)] | None = None
    ranking: list[int] | None = None
    ratings: list[dict[str, int]] | None = None
    rationale: str | None = None


_FIELDS = {
    "choice": {"choice"},
    "pairwise": {"preferred", "tie", "strength"},
    "ranking": {"ranking"},
    "rating": {"ratings"},
}


class Comparison(TaskType[ComparisonParams, ComparisonResponse]):
    name = "comparison"
    description = "Compare outputs: pick a choice, a pairwise preference, a ranking or ratings."
    params_model = ComparisonParams
    response_model = ComparisonResponse

    def check_params(self, params: ComparisonParams) -> None:
        if params.mode == "choice" and not params.choices:
            raise invalid("choices", "mode 'choice' needs choices")
        if params.mode == "pairwise" and len(params.attachments) != 2:
            raise invalid("attachments", "mode 'pairwise' compares exactly two outputs")
        if params.mode == "rating":
            if not params.rubric:
                raise invalid("rubric", "mode 'rating' needs a rubric")
            ids = [c.id for c in params.rubric]
            if len(set(ids)) != len(ids):
                raise invalid("rubric", "criterion ids must be unique")
            for i, c in enumerate(params.rubric):
                if c.min >= c.max:
                    raise invalid(f"rubric.{i}", "min must be below max")

    def check_response(
        self, params: ComparisonParams, response: ComparisonResponse
    ) -> dict[str, Any]:
        mode = params.mode
        assert mode is not None
        given = {k for k, v in response.model_dump(exclude_none=True).items() if v is not False}
        stray = given - _FIELDS[mode] - {"rationale"}
        if stray:
            raise invalid(f"response.{sorted(stray)[0]}", f"not a field of mode {mode!r}")
        if params.require_rationale and not (response.rationale or "").strip():
            raise invalid("response.rationale", "a rationale is required")
        n = len(params.attachments)
        out: dict[str, Any] = {}
        if mode == "choice":
            if response.choice not in (params.choices or []):
                raise invalid("response.choice", f"must be one of {params.choices}")
            out["choice"] = response.choice
        elif mode == "pairwise":
            out.update(_pairwise(response, params.max_strength))
        elif mode == "ranking":
            if response.ranking is None or sorted(response.ranking) != list(range(n)):
                raise invalid("response.ranking", f"must order all outputs 0..{n - 1} once each")
            out["ranking"] = response.ranking
        else:
            out["ratings"] = _ratings(response, params.rubric or [], n)
        if response.rationale is not None:
            out["rationale"] = response.rationale
        return out


def _pairwise(response: ComparisonResponse, max_strength: int) -> dict[str, Any]:
    if response.tie:
        if response.preferred is not None or response.strength is not None:
            raise invalid("response.tie", "a tie has no preferred output or strength")
        return {"tie": True}
    if response.preferred is None or response.preferred > 1:
        raise invalid("response.preferred", "must be 0 or 1 (or tie: true)")
    if response.strength is None or response.strength > max_strength:
        raise invalid("response.strength", f"must be between 1 and {max_strength}")
    return {"preferred": response.preferred, "strength": response.strength}


def _ratings(response: ComparisonResponse, rubric: list[Criterion], n: int) -> list[Any]:
    if response.ratings is None or len(response.ratings) != n:
        raise invalid("response.ratings", f"one rating object per output ({n}) expected")
    crit = {c.id: c for c in rubric}
    for i, rating in enumerate(response.ratings):
        if set(rating) != set(crit):
            raise invalid(f"response.ratings.{i}", f"rate exactly the criteria {sorted(crit)}")
        for cid, score in rating.items():
            c = crit[cid]
            if not c.min <= score <= c.max:
                raise invalid(f"response.ratings.{i}.{cid}", f"must be in [{c.min}, {c.max}]")
    return response.ratings
