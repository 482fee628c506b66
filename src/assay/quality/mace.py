"""MACE: each worker either knows the answer or spams from a personal distribution."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from scipy.special import digamma  # type: ignore[import-untyped]

from assay.quality._math import clamp, normalize_rows, softmax_rows
from assay.quality.base import Aggregator, Evidence, check_positive
from assay.quality.judgments import FloatArray, Judgments


@dataclass
class MACE(Aggregator):
    """Hovy et al. (2013): on each judgment worker ``w`` knows the answer with probability
    ``competence[w]`` and gives it, or else spams, drawing a label from their own strategy
    ``strategy[w]`` (always "yes", say) whatever the truth.

    Variational EM as in the paper and crowd-kit: Beta(``spam_prior``, ``know_prior``) on
    competence and a symmetric Dirichlet(``strategy_prior``) on each strategy; the class prior
    is uniform. Starts from the vote shares rather than random restarts, so it is
    deterministic. Skill priors add ``correct`` to the knowing and ``wrong`` to the spamming
    pseudo-counts. ``competence_`` and ``strategy_`` (per worker code) hold the fit.

    D. Hovy, T. Berg-Kirkpatrick, A. Vaswani, E. Hovy. Learning whom to trust with MACE.
    NAACL-HLT 2013.
    """

    name: ClassVar[str] = "mace"
    uses_skill_priors: ClassVar[bool] = True
    n_iter: int = 50
    tol: float = 1e-7
    spam_prior: float = 0.5
    know_prior: float = 0.5
    strategy_prior: float = 10.0

    competence_: FloatArray = field(init=False, repr=False, compare=False)
    strategy_: FloatArray = field(init=False, repr=False, compare=False)
    n_iter_: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_positive("n_iter", self.n_iter)
        check_positive("tol", self.tol, allow_zero=True)
        check_positive("spam_prior", self.spam_prior)
        check_positive("know_prior", self.know_prior)
        check_positive("strategy_prior", self.strategy_prior)

    def _fit(self, evidence: Evidence) -> FloatArray:
        data = evidence.data
        w, k = data.n_workers, data.n_classes
        proba = clamp(normalize_rows(data.votes), evidence.gold_tasks, evidence.gold_labels)
        # Weights of "knows" and "spams" (sub-normalized in VB) and spam strategies.
        know, spam, strategy = np.full(w, 0.5), np.full(w, 0.5), np.full((w, k), 1.0 / k)
        previous = -np.inf
        for iteration in range(1, self.n_iter + 1):
            know, spam, strategy = self._m_step(data, evidence, proba, know, spam, strategy)
            proba, log_likelihood = self._e_step(data, know, spam, strategy)
            clamp(proba, evidence.gold_tasks, evidence.gold_labels)
            self.n_iter_ = iteration
            if abs(log_likelihood - previous) < self.tol * data.n_judgments:
                break
            previous = log_likelihood
        self.competence_ = know / (know + spam)
        self.strategy_ = strategy / strategy.sum(axis=1, keepdims=True)
        return proba

    def _m_step(
        self,
        data: Judgments,
        evidence: Evidence,
        proba: FloatArray,
        know: FloatArray,
        spam: FloatArray,
        strategy: FloatArray,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Expected counts of knowing/spamming per judgment under the current parameters and
        posteriors, then the variational weights ``exp(E[log p])`` from them."""
        w, k = data.n_workers, data.n_classes
        spam_here = spam[data.worker] * strategy[data.worker, data.label]
        know_here = know[data.worker]
        # P(knew | answer, posterior): the answer must be the truth, and knowing explains it.
        knew = proba[data.task, data.label] * know_here / (know_here + spam_here)
        knew_n = np.bincount(data.worker, knew, minlength=w) + evidence.prior.correct
        spam_n = np.bincount(data.worker, 1 - knew, minlength=w) + evidence.prior.wrong
        spam_by_label = np.bincount(data.worker * k + data.label, 1 - knew, minlength=w * k)
        total = digamma(knew_n + spam_n + self.know_prior + self.spam_prior)
        know = np.exp(digamma(knew_n + self.know_prior) - total)
        spam = np.exp(digamma(spam_n + self.spam_prior) - total)
        alpha = spam_by_label.reshape(w, k) + self.strategy_prior
        strategy = np.exp(digamma(alpha) - digamma(alpha.sum(axis=1, keepdims=True)))
        return know, spam, strategy

    def _e_step(
        self, data: Judgments, know: FloatArray, spam: FloatArray, strategy: FloatArray
    ) -> tuple[FloatArray, float]:
        k = data.n_classes
        spam_here = spam[data.worker] * strategy[data.worker, data.label]
        # P(answer | truth) is spam_here for a wrong truth, spam_here + know for the answer.
        base = np.log(spam_here)
        own = np.log(spam_here + know[data.worker]) - base
        logits = np.bincount(data.task, base, minlength=data.n_tasks)[:, None]
        flat = np.bincount(data.task * k + data.label, own, minlength=data.n_tasks * k)
        return softmax_rows(logits + flat.reshape(data.n_tasks, k) - np.log(k))
