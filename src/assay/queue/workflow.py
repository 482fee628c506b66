"""Workflows: the human stages a project's tasks go through (pure).

A stage names what kind of work it is and how many judgments it needs. A project runs one
``label`` stage, optionally followed by a ``review`` stage in which a reviewer accepts, fixes or
rejects the labeled response before the task completes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from assay.errors import Invalid

StageKind = Literal["label", "review"]


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    kind: StageKind = "label"
    judgments: int = 1
    # Adaptive redundancy: after ``judgments``, one more is asked for at a time while the
    # answer's posterior is below ``target_confidence``, up to ``max_judgments``.
    max_judgments: int | None = None
    target_confidence: float | None = None

    @property
    def adaptive(self) -> bool:
        return self.max_judgments is not None and self.target_confidence is not None


@dataclass(frozen=True, slots=True)
class Workflow:
    stages: tuple[Stage, ...]

    @property
    def first(self) -> Stage:
        return self.stages[0]

    def stage(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise Invalid(f"workflow has no stage {name!r}")

    def after(self, name: str) -> Stage | None:
        """The stage that follows ``name``, or None when ``name`` is the last."""
        names = [s.name for s in self.stages]
        i = names.index(self.stage(name).name)
        return self.stages[i + 1] if i + 1 < len(self.stages) else None

    def to_json(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in asdict(s).items() if v is not None} for s in self.stages]

    @classmethod
    def from_json(cls, raw: list[dict[str, Any]]) -> Workflow:
        return cls(tuple(Stage(**s) for s in raw))


DEFAULT_WORKFLOW = Workflow((Stage("label"),))


def judgments_for(params: dict[str, Any], stage: Stage) -> int:
    """How many independent judgments a task needs at a stage.

    ``textcollection``'s ``responses_required`` asks for several respondents; each is a
    separate assignment that no annotator gets twice.
    """
    return max(stage.judgments, int(params.get("responses_required", 1)))
