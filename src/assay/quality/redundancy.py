"""Adaptive redundancy (pure): whom to trust, when a task has enough judgments, and which
task gets the next one when labels are budgeted.

The policy a live queue can run online, and that ``python -m bench.adaptive`` replays on
real crowds (results in bench/results/adaptive-*.md):

1. **Skills.** Every so often the project's aggregator is refitted on everything collected
   so far. Each annotator's confusion matrix is then a Dirichlet posterior over the soft
   counts of their answers against that aggregate (:func:`learn_skills`, the M-step of
   Bayesian Dawid-Skene). An annotator who answers "yes" to everything is learned as such,
   which one accuracy per annotator cannot express.
2. **Per task, between refits.** The posterior of each answer given the task's judgments
   and those skills (:meth:`Skills.posterior`, or :meth:`Skills.posteriors` for many tasks):
   the aggregator's E-step for one task, with a uniform class prior. An annotator unseen at
   the last refit counts with the prior alone.
3. **Stop.** A task needs another judgment while its top posterior is below the target,
   and never beyond ``max_labels`` (:class:`StoppingRule`).
4. **Order.** Under a budget, the next judgments go to the open tasks with the most doubt per
   judgment already spent, ``(1 - confidence) / (judgments + 1)`` (:func:`next_round`):
   uncertain tasks first, without letting a few hopelessly ambiguous ones drain the budget.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import digamma  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality._math import softmax_rows
from assay.quality.base import check_positive
from assay.quality.consensus import Posterior
from assay.quality.dawid_skene import prior_counts
from assay.quality.judgments import FloatArray, IntArray, Judgments
from assay.quality.priors import SkillPrior, worker_prior


@dataclass(frozen=True, eq=False)
class Skills:
    """Each annotator's confusion matrix as a Dirichlet posterior per true class.

    ``alpha[w, l, k]`` is the Dirichlet parameter of annotator ``w`` answering ``l`` when the
    truth is ``k`` (one Dirichlet per column ``k``); ``prior[l, k]`` is the same for an
    annotator not in ``workers``. ``workers`` and ``classes`` are sorted ids and labels.
    """

    workers: npt.NDArray[Any]
    classes: npt.NDArray[Any]
    alpha: FloatArray
    prior: FloatArray

    @cached_property
    def log_confusion(self) -> FloatArray:
        """``E[log P(answer l | truth k)]`` per annotator: a sparse annotator's vote is weak."""
        return _expected_log(self.alpha)

    @cached_property
    def _log_table(self) -> FloatArray:
        """:attr:`log_confusion` with the prior's as one more row, for unseen annotators."""
        return np.concatenate([self.log_confusion, _expected_log(self.prior)[None]])

    def _codes(self, workers: Sequence[Any]) -> IntArray:
        """Row of each annotator in ``alpha``; ``len(self.workers)`` (the row after the
        last: the prior's) for an annotator not among them."""
        index = {_plain(w): i for i, w in enumerate(self.workers.tolist())}
        unseen = self.workers.shape[0]
        return np.fromiter(
            (index.get(_plain(w), unseen) for w in workers), dtype=np.intp, count=len(workers)
        )

    def posteriors(self, data: Judgments) -> FloatArray:
        """``(tasks, classes)`` posteriors of every task in ``data`` (rows sum to 1)."""
        if not np.array_equal(data.classes, self.classes):
            raise Invalid(
                f"classes {data.classes.tolist()} differ from the skills' {self.classes.tolist()}"
            )
        k = self.classes.shape[0]
        log_conf = self._log_table[self._codes(data.workers.tolist())]
        logits = np.asarray(data.by_task @ log_conf.reshape(-1, k))
        proba, _ = softmax_rows(logits)
        return proba

    def posterior(self, workers: Sequence[Any], answers: Sequence[Hashable]) -> Posterior:
        """One task's most probable answer, its posterior and the number of judgments, from
        judgment ``j`` = (``workers[j]``, ``answers[j]``). Exact ties go to the first class."""
        if len(answers) == 0:
            raise Invalid("a posterior needs at least one judgment")
        if len(workers) != len(answers):
            raise Invalid("workers and answers must have the same length")
        index = {_plain(c): i for i, c in enumerate(self.classes.tolist())}
        unknown = [a for a in answers if _plain(a) not in index]
        if unknown:
            raise Invalid(f"answers: unknown label(s) {unknown[:5]}; classes are {list(index)}")
        codes = np.array([index[_plain(a)] for a in answers], dtype=np.intp)
        log_conf = self._log_table[self._codes(workers)]
        logits = log_conf[np.arange(len(answers)), codes, :].sum(axis=0)
        proba, _ = softmax_rows(logits[None, :])
        best = int(np.argmax(proba[0]))
        answer = self.classes.tolist()[best]
        return Posterior(answer=answer, confidence=float(proba[0, best]), judgments=len(answers))

    def accuracies(self, workers: Sequence[Any]) -> FloatArray:
        """Each annotator's expected accuracy, averaged over true classes alike: the one
        number :func:`assay.quality.consensus.posterior` takes as ``accuracies``."""
        alpha = np.concatenate([self.alpha, self.prior[None]])[self._codes(workers)]
        right = np.diagonal(alpha, axis1=1, axis2=2) / alpha.sum(axis=1)
        return np.asarray(right.mean(axis=1), dtype=np.float64)


def learn_skills(
    data: Judgments,
    proba: FloatArray,
    *,
    pseudo_count: float = 1.0,
    diagonal: float = 2.0,
    skill_priors: Mapping[Any, SkillPrior | tuple[float, float]] | None = None,
    shrink: float = 0.0,
) -> Skills:
    """Skills from agreement with an aggregate: ``proba`` are its ``(tasks, classes)``
    posteriors on ``data`` (e.g. a fitted aggregator's ``predict_proba()``).

    Annotator ``w``'s count for (answer ``l``, truth ``k``) is the sum of ``proba[t, k]`` over
    the tasks ``t`` where ``w`` answered ``l``, plus ``pseudo_count`` in every cell and
    ``diagonal`` more on the diagonal (Bayesian Dawid-Skene's defaults), plus the Beta
    pseudo-counts of ``skill_priors`` (gold): ``correct`` on the diagonal, ``wrong`` spread
    over the rest of each column. Refitted posteriors of Bayesian Dawid-Skene give back its
    own skills, so :meth:`Skills.posteriors` then reproduces its posteriors.

    ``shrink`` (default 0: plain Bayesian Dawid-Skene) adds that many pseudo-answers to each
    column in the shape of the annotator's own one-coin matrix (their overall accuracy on
    the diagonal, the rest spread evenly): partial pooling, so an annotator with a handful
    of answers is judged by one accuracy and a busy one by their full matrix.
    """
    k = data.n_classes
    if k < 2:
        raise Invalid("skills need at least two classes")
    check_positive("pseudo_count", pseudo_count)
    check_positive("diagonal", diagonal, allow_zero=True)
    check_positive("shrink", shrink, allow_zero=True)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape != (data.n_tasks, k):
        raise Invalid(f"proba: shape must be {(data.n_tasks, k)}, got {proba.shape}")
    if not np.isfinite(proba).all() or (proba < 0).any():
        raise Invalid("proba: must be finite and >= 0")
    if not np.allclose(proba.sum(axis=1), 1.0):
        raise Invalid("proba: every row must sum to 1")
    counts = np.asarray(data.by_worker_label @ proba).reshape(data.n_workers, k, k)
    prior = pseudo_count + diagonal * np.eye(k)
    alpha = counts + prior + prior_counts(worker_prior(data, skill_priors), k)
    if shrink:
        right = (np.trace(alpha, axis1=1, axis2=2) / alpha.sum(axis=(1, 2)))[:, None, None]
        eye = np.eye(k)
        alpha = alpha + shrink * (right * eye + (1 - right) / (k - 1) * (1 - eye))
    return Skills(workers=data.workers, classes=data.classes, alpha=alpha, prior=prior)


def refine(
    data: Judgments,
    proba: FloatArray,
    *,
    n_iter: int = 100,
    tol: float = 1e-6,
    pseudo_count: float = 1.0,
    diagonal: float = 2.0,
    skill_priors: Mapping[Any, SkillPrior | tuple[float, float]] | None = None,
    shrink: float = 0.0,
) -> tuple[Skills, FloatArray]:
    """Bayesian Dawid-Skene (uniform class prior) continued from the posteriors ``proba``:
    :func:`learn_skills` and :meth:`Skills.posteriors` in turn, until no posterior moves by
    more than ``tol`` or after ``n_iter`` rounds. Returns the last skills and posteriors.

    The online refit: started from the posteriors of the previous refit (tasks with new
    judgments rescored with the old skills), it needs a few rounds where a cold fit needs
    dozens, and it stays in the neighbourhood the earlier refits found.
    """
    check_positive("n_iter", n_iter)
    check_positive("tol", tol, allow_zero=True)
    params: dict[str, Any] = {"pseudo_count": pseudo_count, "diagonal": diagonal, "shrink": shrink}
    skills = learn_skills(data, proba, skill_priors=skill_priors, **params)
    for _ in range(n_iter):
        updated = skills.posteriors(data)
        moved = float(np.abs(updated - proba).max())
        proba = updated
        skills = learn_skills(data, proba, skill_priors=skill_priors, **params)
        if moved <= tol:
            break
    return skills, proba


def one_coin_posteriors(data: Judgments, accuracies: npt.ArrayLike) -> FloatArray:
    """``(tasks, classes)`` posteriors of the one-coin model of
    :func:`assay.quality.consensus.posterior` for every task in ``data`` at once, with
    ``accuracies[w]`` for worker code ``w``: the same confidences, vectorized."""
    if data.n_classes < 2:
        raise Invalid("a posterior needs at least two classes")
    acc = np.asarray(accuracies, dtype=np.float64)
    if acc.shape != (data.n_workers,) or not np.all((acc > 0) & (acc < 1)):
        raise Invalid("accuracies: one per worker, each strictly between 0 and 1")
    k = data.n_classes
    right, wrong = np.log(acc), np.log((1 - acc) / (k - 1))
    log_conf = wrong[:, None, None] + (right - wrong)[:, None, None] * np.eye(k)
    logits = np.asarray(data.by_task @ log_conf.reshape(-1, k))
    proba, _ = softmax_rows(logits)
    return proba


@dataclass(frozen=True, slots=True)
class StoppingRule:
    """When a task needs another judgment: while it has fewer than ``min_labels``, or its top
    posterior is below ``target``; never once it has ``max_labels`` (None: no cap). A target
    of 1 stops only at the cap (or when a budget runs out)."""

    target: float
    min_labels: int = 1
    max_labels: int | None = None

    def __post_init__(self) -> None:
        if not 0 < self.target <= 1:
            raise Invalid(f"target: must be in (0, 1], got {self.target!r}")
        if self.min_labels < 1:
            raise Invalid(f"min_labels: must be >= 1, got {self.min_labels!r}")
        if self.max_labels is not None and self.max_labels < self.min_labels:
            raise Invalid(f"max_labels: must be >= min_labels, got {self.max_labels!r}")

    def needs_more(
        self, confidence: npt.ArrayLike, n_labels: npt.ArrayLike
    ) -> npt.NDArray[np.bool_]:
        """Per task: whether to ask for another judgment."""
        conf, n = _pair(confidence, n_labels)
        more = (n < self.min_labels) | (conf < self.target)
        if self.max_labels is not None:
            more &= n < self.max_labels
        return np.asarray(more, dtype=bool)


def urgency(confidence: npt.ArrayLike, n_labels: npt.ArrayLike) -> FloatArray:
    """Doubt per judgment spent, ``(1 - confidence) / (n_labels + 1)``: the larger, the
    sooner a task gets its next judgment."""
    conf, n = _pair(confidence, n_labels)
    return np.asarray((1.0 - conf) / (n + 1.0), dtype=np.float64)


def next_round(
    confidence: npt.ArrayLike,
    n_labels: npt.ArrayLike,
    rule: StoppingRule,
    *,
    can_ask: npt.ArrayLike | None = None,
    budget: int | None = None,
    batch: int | None = None,
    scores: npt.ArrayLike | None = None,
) -> IntArray:
    """The tasks (indices) to ask one more judgment for now, most urgent first.

    Candidates are the tasks the rule says need more and, if given, ``can_ask`` allows (an
    annotator left, the task still open). Tasks below ``rule.min_labels`` come first, then
    the rest by ``scores`` (default :func:`urgency`), highest first; ties keep task order.
    At most ``budget`` (judgments left to pay for) and ``batch`` (asked before the next
    refit) of them.
    """
    conf, n = _pair(confidence, n_labels)
    wanted = rule.needs_more(conf, n)
    if can_ask is not None:
        allowed = np.asarray(can_ask, dtype=bool)
        if allowed.shape != wanted.shape:
            raise Invalid("can_ask: one per task")
        wanted &= allowed
    score = urgency(conf, n) if scores is None else np.asarray(scores, dtype=np.float64)
    if score.shape != wanted.shape:
        raise Invalid("scores: one per task")
    limit = wanted.shape[0]
    for name, value in (("budget", budget), ("batch", batch)):
        if value is not None:
            if value < 0:
                raise Invalid(f"{name}: must be >= 0, got {value!r}")
            limit = min(limit, value)
    idx = np.flatnonzero(wanted)
    # lexsort is stable and sorts by its last key first: below the minimum, then urgency.
    ranked = idx[np.lexsort((-score[idx], n[idx] >= rule.min_labels))]
    return np.asarray(ranked[:limit], dtype=np.intp)


def _pair(confidence: npt.ArrayLike, n_labels: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    conf = np.asarray(confidence, dtype=np.float64)
    n = np.asarray(n_labels, dtype=np.float64)
    if conf.shape != n.shape or conf.ndim != 1:
        raise Invalid("confidence and n_labels: one value per task each")
    if not np.all((conf >= 0) & (conf <= 1)) or not np.all(n >= 0):
        raise Invalid("confidence must be in [0, 1] and n_labels >= 0")
    return conf, n


def _expected_log(alpha: FloatArray) -> FloatArray:
    """``E[log p]`` under Dirichlet columns (axis -2 sums to the column total)."""
    total = alpha.sum(axis=-2, keepdims=True)
    return np.asarray(digamma(alpha) - digamma(total), dtype=np.float64)


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value ``tolist()`` gives, so both hash alike."""
    return value.item() if isinstance(value, np.generic) else value
