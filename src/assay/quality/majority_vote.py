"""Majority vote: each judgment one vote; the posterior is the share of votes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from assay.errors import Invalid
from assay.quality._math import TieBreak, clamp, decide, normalize_rows
from assay.quality.base import Aggregator, Evidence
from assay.quality.judgments import FloatArray, IntArray


@dataclass
class MajorityVote(Aggregator):
    """The most frequent label per task.

    ``predict_proba`` is the vote share. Ties (common with an even number of votes) are broken
    by ``tie_break``: ``"random"`` (default) draws among the tied classes with a generator
    seeded by ``seed``, so a rerun gives the same labels and no class is favoured on average;
    ``"first"`` takes the first tied class in sorted order.

    Examples:
        >>> MajorityVote().fit_predict(["t1", "t1", "t1"], ["a", "b", "c"], [1, 2, 1]).tolist()
        [1]
    """

    name: ClassVar[str] = "mv"
    tie_break: TieBreak = "random"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.tie_break not in ("random", "first"):
            raise Invalid(f"tie_break: must be 'random' or 'first', got {self.tie_break!r}")

    def _fit(self, evidence: Evidence) -> FloatArray:
        proba = normalize_rows(evidence.data.votes)
        return clamp(proba, evidence.gold_tasks, evidence.gold_labels)

    def _decide(self, proba: FloatArray) -> IntArray:
        return decide(proba, tie_break=self.tie_break, seed=self.seed)
