"""Adaptive redundancy for one task (pure): how sure are its judgments so far?

Each annotator is modelled by one accuracy (one-coin): right with probability ``a``, otherwise
any of the other ``K - 1`` answers alike. With a uniform prior over the ``K`` answers, the
posterior of answer ``k`` is proportional to the product over judgments ``j`` of ``a_j`` when
``j`` gave ``k`` and ``(1 - a_j) / (K - 1)`` otherwise. Answers nobody gave share what is
left, so a lone judgment is never certain. Computed in log space.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from assay.errors import Invalid

# Until annotator skills are measured, every annotator counts as this accurate.
DEFAULT_ACCURACY = 0.8


@dataclass(frozen=True, slots=True)
class Posterior:
    answer: Hashable  # the most probable answer given (ties: the one given first)
    confidence: float  # its posterior probability
    judgments: int


def posterior(
    answers: Sequence[Hashable],
    *,
    n_answers: int,
    accuracies: Sequence[float] | None = None,
) -> Posterior:
    """The most probable of ``answers`` and its probability, out of ``n_answers`` possible."""
    if not answers:
        raise Invalid("consensus needs at least one judgment")
    acc = np.full(len(answers), DEFAULT_ACCURACY) if accuracies is None else np.array(accuracies)
    if acc.shape != (len(answers),) or not np.all((acc > 0) & (acc < 1)):
        raise Invalid("accuracies: one per judgment, each strictly between 0 and 1")
    given = list(dict.fromkeys(answers))  # distinct, in first-given order
    k = max(n_answers, len(given), 2)
    index = {a: i for i, a in enumerate(given)}
    codes = np.array([index[a] for a in answers])
    right, wrong = np.log(acc), np.log((1 - acc) / (k - 1))
    # log P(k | judgments) + const for each given answer, and for one answer nobody gave.
    base = wrong.sum()
    scores = np.full(len(given), base)
    np.add.at(scores, codes, right - wrong)
    unseen = k - len(given)
    logs = np.append(scores, np.log(unseen) + base) if unseen else scores
    probs = np.exp(logs - logs.max())
    probs /= probs.sum()
    best = int(np.argmax(probs[: len(given)]))
    return Posterior(answer=given[best], confidence=float(probs[best]), judgments=len(answers))
