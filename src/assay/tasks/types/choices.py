"""Choices as Scale writes them: a plain string or ``{choice, subchoices}`` nested."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from assay.tasks.types.base import Strict, invalid

NonEmpty = Annotated[str, Field(min_length=1, max_length=1000)]


class Choice(Strict):
    choice: NonEmpty
    description: str | None = None
    subchoices: list[NonEmpty | Choice] = Field(default_factory=list)


ChoiceSpec = NonEmpty | Choice


def flatten(choices: list[ChoiceSpec]) -> list[str]:
    """Every selectable value: leaves and inner nodes alike, depth first."""
    out: list[str] = []
    for c in choices:
        if isinstance(c, str):
            out.append(c)
        else:
            out.append(c.choice)
            out.extend(flatten(list(c.subchoices)))
    return out


def check_unique(choices: list[ChoiceSpec], field: str) -> list[str]:
    flat = flatten(choices)
    if not flat:
        raise invalid(field, "must not be empty")
    seen: set[str] = set()
    for value in flat:
        if value in seen:
            raise invalid(field, f"duplicate choice {value!r}")
        seen.add(value)
    return flat
