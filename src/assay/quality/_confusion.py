"""EM shared by the models in which each worker answers through a confusion matrix.

``conf[w, l, k]`` is the probability that worker ``w`` answers ``l`` when the truth is ``k``.
With judgments encoded once as the sparse ``by_task`` matrix (tasks x worker*K + label), both
EM steps are one sparse product each, whatever the number of judgments:

* E-step: ``log p(truth = k | task) = log prior[k] + sum over the task's judgments of
  log conf[w, l, k]`` = ``by_task @ log(conf).reshape(W * K, K)``, then a row softmax;
* M-step: expected counts ``n[w, l, k] = by_worker_label @ posteriors``, then the subclass
  turns them (plus its priors) into confusion matrices.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar, Literal

import numpy as np

from assay.errors import Invalid
from assay.quality._math import clamp, normalize_rows, softmax_rows
from assay.quality.base import Aggregator, Evidence, check_positive
from assay.quality.judgments import FloatArray

ClassPrior = Literal["learned", "uniform"]


class ConfusionEM(Aggregator):
    """EM over per-worker confusion matrices; subclasses define the M-step's matrices.

    Subclasses are dataclasses declaring ``n_iter``, ``tol``, ``class_prior`` and
    ``class_smoothing``; the loop stops after ``n_iter`` iterations or once the
    log-likelihood gains less than ``tol`` per judgment.
    """

    uses_skill_priors: ClassVar[bool] = True

    n_iter: int
    tol: float
    class_prior: ClassPrior
    class_smoothing: float

    #: Fitted: ``(workers, K answered, K true)`` confusion matrices, columns summing to 1.
    confusion_: FloatArray
    #: Fitted: the class prior used in the last E-step.
    class_prior_: FloatArray
    #: Fitted: the log-likelihood (log evidence for variational models) after each E-step.
    log_likelihood_: list[float]
    n_iter_: int

    def _check_em(self) -> None:
        check_positive("n_iter", self.n_iter)
        check_positive("tol", self.tol, allow_zero=True)
        check_positive("class_smoothing", self.class_smoothing, allow_zero=True)
        if self.class_prior not in ("learned", "uniform"):
            raise Invalid(f"class_prior: must be 'learned' or 'uniform', got {self.class_prior!r}")

    def _fit(self, evidence: Evidence) -> FloatArray:
        data = evidence.data
        w, k = data.n_workers, data.n_classes
        proba = clamp(self._initial(evidence), evidence.gold_tasks, evidence.gold_labels)
        history: list[float] = []
        for iteration in range(1, self.n_iter + 1):
            counts = np.asarray(data.by_worker_label @ proba).reshape(w, k, k)
            log_conf = self._m_step(counts, evidence)
            log_prior = self._log_class_prior(proba)
            logits = np.asarray(data.by_task @ log_conf.reshape(w * k, k)) + log_prior
            proba, log_likelihood = softmax_rows(logits)
            clamp(proba, evidence.gold_tasks, evidence.gold_labels)
            history.append(log_likelihood)
            self.n_iter_ = iteration
            if len(history) > 1 and abs(history[-1] - history[-2]) < self.tol * data.n_judgments:
                break
        self.log_likelihood_ = history
        return proba

    def _initial(self, evidence: Evidence) -> FloatArray:
        """Starting posteriors: the vote shares (soft majority vote)."""
        return normalize_rows(evidence.data.votes)

    def _log_class_prior(self, proba: FloatArray) -> FloatArray:
        k = proba.shape[1]
        if self.class_prior == "uniform":
            prior = np.full(k, 1.0 / k)
        else:
            totals = proba.sum(axis=0) + self.class_smoothing
            prior = totals / totals.sum()
        self.class_prior_ = prior
        return np.asarray(np.log(np.maximum(prior, 1e-300)), dtype=np.float64)

    @abstractmethod
    def _m_step(self, counts: FloatArray, evidence: Evidence) -> FloatArray:
        """Log confusion matrices ``(W, K, K)`` for the E-step, from expected counts
        ``counts[w, l, k]``; also sets ``confusion_``."""
