"""Dawid-Skene: a full confusion matrix per worker, fitted by EM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from assay.quality._confusion import ClassPrior, ConfusionEM
from assay.quality._math import EPS
from assay.quality.base import Evidence, check_positive
from assay.quality.judgments import FloatArray
from assay.quality.priors import WorkerPrior


@dataclass
class DawidSkene(ConfusionEM):
    """Dawid & Skene (1979): worker ``w`` answers ``l`` for truth ``k`` with probability
    ``conf[w, l, k]``, a free distribution per true class; the class prior is learned.

    The M-step adds ``smoothing`` pseudo-answers to every cell (Laplace smoothing; MAP under a
    Dirichlet(1 + smoothing)), so a worker seen once, or never on some class, still gets a
    proper matrix instead of zeros and ones that would veto a class forever. Skill priors add
    their pseudo-counts: ``correct`` on the diagonal, ``wrong`` spread over the rest of each
    column. Starts from the vote shares and runs EM to convergence (``n_iter``, ``tol``).

    A. P. Dawid and A. M. Skene. Maximum likelihood estimation of observer error-rates using
    the EM algorithm. Applied Statistics 28(1), 1979.
    """

    name: ClassVar[str] = "ds"
    n_iter: int = 100
    tol: float = 1e-7
    smoothing: float = 0.01
    class_prior: ClassPrior = "learned"
    class_smoothing: float = 0.01

    def __post_init__(self) -> None:
        self._check_em()
        check_positive("smoothing", self.smoothing, allow_zero=True)

    def _m_step(self, counts: FloatArray, evidence: Evidence) -> FloatArray:
        cells = counts + self.smoothing + prior_counts(evidence.prior, counts.shape[1])
        totals = cells.sum(axis=1, keepdims=True)
        k = counts.shape[1]
        # A true class no judgment of this worker supports (possible only without smoothing):
        # the worker says nothing about it, a uniform column.
        self.confusion_ = np.where(totals > 0, cells / np.where(totals > 0, totals, 1.0), 1 / k)
        return np.log(np.maximum(self.confusion_, EPS))


def prior_counts(prior: WorkerPrior, k: int) -> FloatArray:
    """``(W, K, K)`` pseudo-counts of a Beta skill prior: ``correct`` on each diagonal cell,
    ``wrong`` split evenly over the ``K - 1`` other cells of each column."""
    eye = np.eye(k)
    off = (1.0 - eye) / (k - 1)
    return prior.correct[:, None, None] * eye + prior.wrong[:, None, None] * off
