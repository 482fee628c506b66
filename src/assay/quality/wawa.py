"""Wawa (worker agreement with aggregate): majority vote weighted by agreement with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from assay.errors import Invalid
from assay.quality._math import TieBreak, clamp, decide, normalize_rows
from assay.quality.base import Aggregator, Evidence
from assay.quality.judgments import FloatArray, IntArray


@dataclass
class Wawa(Aggregator):
    """Majority vote, then each worker's skill is the share of their judgments that agree
    with it, then a vote weighted by skill (as crowd-kit's ``Wawa``).

    ``skills_`` holds the skills per worker code. Ties in either vote are broken as in
    :class:`~assay.quality.majority_vote.MajorityVote`.
    """

    name: ClassVar[str] = "wawa"
    tie_break: TieBreak = "random"
    seed: int = 0

    skills_: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.tie_break not in ("random", "first"):
            raise Invalid(f"tie_break: must be 'random' or 'first', got {self.tie_break!r}")

    def _fit(self, evidence: Evidence) -> FloatArray:
        data = evidence.data
        votes = clamp(data.votes.copy(), evidence.gold_tasks, evidence.gold_labels)
        majority = decide(votes, tie_break=self.tie_break, seed=self.seed)
        agrees = (majority[data.task] == data.label).astype(np.float64)
        self.skills_ = np.bincount(data.worker, agrees, minlength=data.n_workers) / data.per_worker
        flat = data.task * data.n_classes + data.label
        weighted = np.bincount(flat, self.skills_[data.worker], minlength=votes.size).astype(float)
        proba = normalize_rows(weighted.reshape(votes.shape))
        return clamp(proba, evidence.gold_tasks, evidence.gold_labels)

    def _decide(self, proba: FloatArray) -> IntArray:
        return decide(proba, tie_break=self.tie_break, seed=self.seed)
