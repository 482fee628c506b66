"""``namedentityrecognition``: label spans of a text; spans may overlap."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from assay.tasks.types.base import Strict, TaskType, invalid
from assay.tasks.types.choices import NonEmpty


class EntityLabel(Strict):
    name: NonEmpty
    display_name: str | None = None
    description: str | None = None


class NerParams(Strict):
    text: Annotated[str, Field(min_length=1, max_length=1_000_000)]
    labels: Annotated[list[EntityLabel], Field(min_length=1)]
    allow_overlap: bool = True


class Span(Strict):
    id: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=1)]
    label: NonEmpty
    text: str | None = None


class NerResponse(Strict):
    annotations: list[Span]


class NamedEntityRecognition(TaskType[NerParams, NerResponse]):
    name = "namedentityrecognition"
    description = "Mark spans of a text with entity labels (offsets in Unicode code points)."
    params_model = NerParams
    response_model = NerResponse

    def check_params(self, params: NerParams) -> None:
        names = [label.name for label in params.labels]
        if len(set(names)) != len(names):
            raise invalid("labels", "label names must be unique")

    def check_response(self, params: NerParams, response: NerResponse) -> dict[str, Any]:
        labels = {label.name for label in params.labels}
        n = len(params.text)
        out: list[dict[str, Any]] = []
        seen: set[tuple[int, int, str]] = set()
        ids = [s.id for s in response.annotations if s.id is not None]
        if len(set(ids)) != len(ids):
            dup = next(x for x in ids if ids.count(x) > 1)
            raise invalid("response.annotations", f"span id {dup!r} is used twice")
        # Checked in text order, but errors name the span by its index in the request.
        spans = sorted(
            enumerate(response.annotations), key=lambda p: (p[1].start, p[1].end, p[1].label)
        )
        for pos, (i, span) in enumerate(spans):
            where = f"response.annotations.{i}"
            if span.end <= span.start or span.end > n:
                raise invalid(where, f"span [{span.start}, {span.end}) is not inside the text")
            if span.label not in labels:
                raise invalid(f"{where}.label", f"{span.label!r} is not a label of this task")
            piece = params.text[span.start : span.end]
            if span.text is not None and span.text != piece:
                raise invalid(f"{where}.text", f"does not match the text there ({piece!r})")
            key = (span.start, span.end, span.label)
            if key in seen:
                raise invalid(where, "the same span and label twice")
            seen.add(key)
            if not params.allow_overlap and out and span.start < out[-1]["end"]:
                raise invalid(where, "overlaps another span (allow_overlap is false)")
            out.append(
                {
                    "id": span.id or f"span-{pos}",
                    "start": span.start,
                    "end": span.end,
                    "label": span.label,
                    "text": piece,
                }
            )
        return {"annotations": out}
