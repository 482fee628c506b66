"""The interface every categorical aggregator shares (crowd-kit's shape, NumPy inside).

``fit(tasks, workers, labels)`` takes the long format as parallel sequences (or
:meth:`Aggregator.fit_judgments` an already encoded :class:`Judgments`); afterwards
``predict()`` gives one class per task and ``predict_proba()`` a ``(tasks, classes)`` matrix of
posteriors whose rows sum to 1, both aligned with ``tasks_`` and ``classes_``. ``confidence()``
is the probability of the predicted class: what a delivered response carries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality._math import decide
from assay.quality.judgments import FloatArray, Ids, IntArray, Judgments, encode, known_labels
from assay.quality.priors import SkillPriors, WorkerPrior, worker_prior


class Evidence(NamedTuple):
    """What an aggregator is fitted on: the judgments and what is known beforehand."""

    data: Judgments
    prior: WorkerPrior
    gold_tasks: IntArray
    gold_labels: IntArray


class Aggregator(ABC):
    """Base of the categorical aggregators. Subclasses implement :meth:`_fit`."""

    #: Short stable name (the registry key, and what a project's settings store).
    name: ClassVar[str]
    #: Whether :meth:`fit` accepts ``skill_priors``; the others refuse them rather than ignore.
    uses_skill_priors: ClassVar[bool] = False

    data_: Judgments
    proba_: FloatArray
    labels_: IntArray

    def fit(
        self,
        tasks: Ids,
        workers: Ids,
        labels: Ids,
        *,
        classes: Ids | None = None,
        skill_priors: SkillPriors | None = None,
        gold: Mapping[Any, Any] | None = None,
    ) -> Self:
        """Fit on judgment ``j`` = (``tasks[j]``, ``workers[j]``, ``labels[j]``).

        ``classes`` fixes the label set; ``skill_priors`` maps worker ids to Beta pseudo-counts
        of their accuracy (models that use them only); ``gold`` maps task ids to known answers,
        which those tasks get with certainty and from which the model learns the workers.
        """
        data = encode(tasks, workers, labels, classes=classes)
        return self.fit_judgments(data, skill_priors=skill_priors, gold=gold)

    def fit_judgments(
        self,
        data: Judgments,
        *,
        skill_priors: SkillPriors | None = None,
        gold: Mapping[Any, Any] | None = None,
    ) -> Self:
        """:meth:`fit` on already encoded judgments (re-fits share one encoding)."""
        if skill_priors and not self.uses_skill_priors:
            raise Invalid(f"{self.name} does not use skill priors")
        gold_tasks, gold_labels = known_labels(data, gold)
        evidence = Evidence(data, worker_prior(data, skill_priors), gold_tasks, gold_labels)
        # One class: nothing to infer (and K - 1 = 0 would divide in some models).
        proba = np.ones((data.n_tasks, 1)) if data.n_classes == 1 else self._fit(evidence)
        self.data_ = data
        self.proba_ = proba
        self.labels_ = self._decide(proba)
        return self

    @abstractmethod
    def _fit(self, evidence: Evidence) -> FloatArray:
        """Return the ``(tasks, classes)`` posteriors, rows summing to 1, gold rows one-hot."""

    def _decide(self, proba: FloatArray) -> IntArray:
        """Class codes from the posteriors; exact ties go to the first class in sorted order."""
        return decide(proba, tie_break="first")

    def predict(self) -> npt.NDArray[Any]:
        """The predicted class (an original label) of each task in ``tasks_``."""
        return self._fitted().classes[self.labels_]

    def predict_proba(self) -> FloatArray:
        """``(tasks, classes)`` posteriors, rows summing to 1, in ``tasks_`` x ``classes_``."""
        self._fitted()
        return self.proba_

    def confidence(self) -> FloatArray:
        """The posterior of each task's predicted class."""
        self._fitted()
        return self.proba_[np.arange(self.proba_.shape[0]), self.labels_]

    def fit_predict(self, tasks: Ids, workers: Ids, labels: Ids, **kwargs: Any) -> npt.NDArray[Any]:
        return self.fit(tasks, workers, labels, **kwargs).predict()

    def fit_predict_proba(self, tasks: Ids, workers: Ids, labels: Ids, **kwargs: Any) -> FloatArray:
        return self.fit(tasks, workers, labels, **kwargs).predict_proba()

    @property
    def tasks_(self) -> npt.NDArray[Any]:
        return self._fitted().tasks

    @property
    def classes_(self) -> npt.NDArray[Any]:
        return self._fitted().classes

    @property
    def workers_(self) -> npt.NDArray[Any]:
        return self._fitted().workers

    def _fitted(self) -> Judgments:
        try:
            return self.data_
        except AttributeError:
            raise RuntimeError(f"{self.name}: call fit() before reading results") from None


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    """Hyperparameter validation shared by the aggregators' constructors."""
    ok = value >= 0 if allow_zero else value > 0
    if not ok or not np.isfinite(value):
        raise Invalid(f"{name}: must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")
