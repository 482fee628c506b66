"""GLAD: worker ability and task difficulty, fitted by EM."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from scipy.special import expit  # type: ignore[import-untyped]

from assay.quality._math import clamp, softmax_rows
from assay.quality.base import Aggregator, Evidence, check_positive
from assay.quality.judgments import FloatArray, Judgments


@dataclass
class GLAD(Aggregator):
    """Whitehill et al. (2009): worker ``w`` answers task ``t`` correctly with probability
    ``sigmoid(alpha[w] * beta[t])``, ability ``alpha`` (negative: adversarial) times inverse
    difficulty ``beta = exp(b) > 0``; a wrong answer is uniform over the other classes.

    EM with a uniform class prior and Gaussian priors ``alpha ~ N(1, 1)``, ``b ~ N(1, 1)``
    (crowd-kit's defaults); each M-step is ``m_step_iter`` sweeps of block Newton steps (all
    abilities, then all difficulties), vectorized over the judgments. ``alphas_`` (per worker
    code) and ``betas_`` (per task code) hold the fit.

    J. Whitehill, P. Ruvolo, T. Wu, J. Bergsma, J. Movellan. Whose vote should count more.
    NIPS 2009.
    """

    name: ClassVar[str] = "glad"
    n_iter: int = 100
    tol: float = 1e-5
    m_step_iter: int = 5
    alpha_prior: float = 1.0
    b_prior: float = 1.0

    alphas_: FloatArray = field(init=False, repr=False, compare=False)
    betas_: FloatArray = field(init=False, repr=False, compare=False)
    n_iter_: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_positive("n_iter", self.n_iter)
        check_positive("m_step_iter", self.m_step_iter)
        check_positive("tol", self.tol, allow_zero=True)

    def _fit(self, evidence: Evidence) -> FloatArray:
        data = evidence.data
        alpha = np.full(data.n_workers, self.alpha_prior)
        b = np.full(data.n_tasks, self.b_prior)
        proba = self._e_step(data, alpha, b, evidence)
        objective = -np.inf
        for iteration in range(1, self.n_iter + 1):
            q = proba[data.task, data.label]
            for _ in range(self.m_step_iter):
                alpha, b = self._m_sweep(data, q, alpha, b)
            proba = self._e_step(data, alpha, b, evidence)
            self.n_iter_ = iteration
            new_objective = self._q(data, q, alpha, b) / data.n_judgments
            if new_objective - objective < self.tol:
                break
            objective = new_objective
        self.alphas_, self.betas_ = alpha, np.exp(b)
        return proba

    def _m_sweep(
        self, data: Judgments, q: FloatArray, alpha: FloatArray, b: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """One Newton step on every ``alpha`` (concave given ``b``: an exact step), then one
        Fisher-scoring step on every ``b`` given ``alpha``. Both blocks split into independent
        one-parameter problems, so a step is a few ``bincount`` over the judgments."""
        beta_j = np.exp(b)[data.task]
        x = alpha[data.worker] * beta_j
        sig = expit(x)
        grad = np.bincount(data.worker, (q - sig) * beta_j, minlength=alpha.shape[0])
        curv = np.bincount(data.worker, sig * (1 - sig) * beta_j**2, minlength=alpha.shape[0])
        alpha = alpha + np.clip((grad - (alpha - self.alpha_prior)) / (curv + 1.0), -_STEP, _STEP)
        x = alpha[data.worker] * beta_j
        sig = expit(x)
        grad = np.bincount(data.task, (q - sig) * x, minlength=b.shape[0])
        curv = np.bincount(data.task, sig * (1 - sig) * x**2, minlength=b.shape[0])
        b = b + np.clip((grad - (b - self.b_prior)) / (curv + 1.0), -_STEP, _STEP)
        return alpha, b

    def _q(self, data: Judgments, q: FloatArray, alpha: FloatArray, b: FloatArray) -> float:
        """The expected complete log-likelihood with the Gaussian priors (the EM objective)."""
        x = alpha[data.worker] * np.exp(b)[data.task]
        wrong = -np.logaddexp(0.0, x) - np.log(data.n_classes - 1)
        value = float(np.sum(q * -np.logaddexp(0.0, -x) + (1 - q) * wrong))
        prior = np.sum((alpha - self.alpha_prior) ** 2) + np.sum((b - self.b_prior) ** 2)
        return value - 0.5 * float(prior)

    def _e_step(
        self, data: Judgments, alpha: FloatArray, b: FloatArray, evidence: Evidence
    ) -> FloatArray:
        k = data.n_classes
        x = alpha[data.worker] * np.exp(b)[data.task]
        right = -np.logaddexp(0.0, -x)  # log sigmoid(x)
        wrong = -np.logaddexp(0.0, x) - np.log(k - 1)  # log (1 - sigmoid(x)) / (K - 1)
        # Every judgment adds ``wrong`` to all classes, and ``right - wrong`` to its own label.
        base = np.bincount(data.task, wrong, minlength=data.n_tasks)
        own = np.bincount(data.task * k + data.label, right - wrong, minlength=data.n_tasks * k)
        logits = np.asarray(base[:, None] + own.reshape(data.n_tasks, k), dtype=np.float64)
        proba, _ = softmax_rows(logits)
        return clamp(proba, evidence.gold_tasks, evidence.gold_labels)


# Largest Newton step on one parameter: keeps an early sweep, far from the optimum, sane.
_STEP = 2.0
