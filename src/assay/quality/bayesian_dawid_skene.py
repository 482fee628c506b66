"""Bayesian Dawid-Skene: confusion matrices with a Dirichlet prior, fitted by variational EM.
Assay's default aggregator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.special import digamma  # type: ignore[import-untyped]

from assay.quality._confusion import ClassPrior, ConfusionEM
from assay.quality.base import Evidence, check_positive
from assay.quality.dawid_skene import prior_counts
from assay.quality.judgments import FloatArray


@dataclass
class BayesianDawidSkene(ConfusionEM):
    """Dawid-Skene with a Dirichlet prior on each column of every worker's confusion matrix,
    ``pseudo_count`` in every cell plus ``diagonal`` on the diagonal ("a worker is more often
    right than wrong"), fitted by variational Bayes (Kim & Ghahramani's independent Bayesian
    classifier combination).

    Where plain DS plugs point estimates of the matrices into the E-step, this uses
    ``E[log conf] = digamma(a) - digamma(sum a)`` under their Dirichlet posteriors ``a``: a
    worker with few judgments has a wide posterior and so a weak vote, instead of the
    confident vote a point estimate from three answers gives. Skill priors (from gold) add
    their pseudo-counts to ``a``. The class prior is uniform by default: a learned one lets
    the majority class absorb every doubtful task, which costs the rare classes most.

    On the real datasets of ``python -m bench.quality`` this is at or above crowd-kit's best
    method on each and better on average (results in bench/results/quality-*.md). The price
    of the uniform class prior: on data whose classes are very unequal and with few labels per
    task, ``class_prior="learned"`` is more accurate (the benchmark's synthetic part shows it).

    H.-C. Kim and Z. Ghahramani. Bayesian classifier combination. AISTATS 2012.
    """

    name: ClassVar[str] = "bds"
    n_iter: int = 100
    tol: float = 1e-7
    pseudo_count: float = 1.0
    diagonal: float = 2.0
    class_prior: ClassPrior = "uniform"
    class_smoothing: float = 1.0

    def __post_init__(self) -> None:
        self._check_em()
        check_positive("pseudo_count", self.pseudo_count)
        check_positive("diagonal", self.diagonal, allow_zero=True)

    def _m_step(self, counts: FloatArray, evidence: Evidence) -> FloatArray:
        k = counts.shape[1]
        alpha = self.pseudo_count + self.diagonal * np.eye(k)
        a = counts + alpha + prior_counts(evidence.prior, k)
        totals = a.sum(axis=1, keepdims=True)
        self.confusion_ = a / totals
        log_conf: FloatArray = digamma(a) - digamma(totals)
        return log_conf
