"""One-coin Dawid-Skene: one accuracy per worker, errors spread evenly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from assay.quality._confusion import ClassPrior, ConfusionEM
from assay.quality._math import EPS
from assay.quality.base import Evidence, check_positive
from assay.quality.judgments import FloatArray


@dataclass
class OneCoinDawidSkene(ConfusionEM):
    """Dawid-Skene with each worker's matrix reduced to one number: the worker is right with
    probability ``skill`` whatever the truth, and otherwise picks one of the ``K - 1`` wrong
    classes uniformly. Far fewer parameters than :class:`~assay.quality.dawid_skene.DawidSkene`
    (one per worker), so steadier on sparse workers but blind to systematic confusions.

    The M-step is a MAP estimate of each skill under Beta(1 + ``smoothing``, 1 + ``smoothing``)
    plus the worker's skill prior, if given. ``skills_`` holds the skills per worker code.
    """

    name: ClassVar[str] = "onecoin"
    n_iter: int = 100
    tol: float = 1e-7
    smoothing: float = 0.01
    class_prior: ClassPrior = "learned"
    class_smoothing: float = 0.01

    skills_: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check_em()
        check_positive("smoothing", self.smoothing, allow_zero=True)

    def _m_step(self, counts: FloatArray, evidence: Evidence) -> FloatArray:
        k = counts.shape[1]
        right = np.trace(counts, axis1=1, axis2=2) + self.smoothing + evidence.prior.correct
        total = counts.sum(axis=(1, 2)) + 2 * self.smoothing
        total += evidence.prior.correct + evidence.prior.wrong
        self.skills_ = np.clip(right / np.where(total > 0, total, 1.0), EPS, 1 - EPS)
        self.skills_ = np.where(total > 0, self.skills_, 1.0 / k)
        eye = np.eye(k)
        skill = self.skills_[:, None, None]
        self.confusion_ = skill * eye + (1 - skill) / (k - 1) * (1 - eye)
        return np.log(self.confusion_)
