"""Adaptive redundancy for one task (pure): how sure are its judgments so far?

Each annotator is modelled by one accuracy (one-coin): right with probability ``a``, otherwise
any of the other ``K - 1`` answers alike. With a uniform prior over the ``K`` answers, the
posterior of answer ``k`` is proportional to the product over judgments ``j`` of ``a_j`` when
``j`` gave ``k`` and ``(1 - a_j) / (K - 1)`` otherwise. Answers nobody gave share what is
left, so a lone judgment is never certain. Computed in log space.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality.scoring import score_response

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


@dataclass(frozen=True, slots=True)
class Agreed:
    index: int  # the judgment to deliver
    confidence: float  # the posterior that its answer is the right one
    classes: tuple[int, ...]  # which judgments count as the same answer (class per judgment)


def agree(
    similarity: npt.NDArray[np.float64],
    *,
    accuracies: Sequence[float] | None = None,
    same: float = 0.8,
) -> Agreed:
    """Consensus for answers that are never exactly equal (boxes, spans, rankings...).

    Judgments whose symmetric agreement score is at least ``same`` count as one answer:
    each joins the first class whose first member it agrees with. The classes are then voted
    on like categories (the one-coin posterior above, with one possible answer more than
    were given, since a wrong answer could have been anything). The delivered judgment is
    the member of the winning class that agrees most with the rest of its class.
    """
    n = similarity.shape[0]
    if n == 0 or similarity.shape != (n, n):
        raise Invalid("consensus needs a square agreement matrix over at least one judgment")
    heads: list[int] = []
    classes: list[int] = []
    for i in range(n):
        found = next((c for c, h in enumerate(heads) if similarity[h, i] >= same), None)
        if found is None:
            heads.append(i)
            found = len(heads) - 1
        classes.append(found)
    voted = posterior(classes, n_answers=len(heads) + 1, accuracies=accuracies)
    members = [i for i in range(n) if classes[i] == voted.answer]
    fit = [similarity[i, members].sum() for i in members]
    best = members[int(np.argmax(fit))]
    return Agreed(index=best, confidence=voted.confidence, classes=tuple(classes))


def similarity_matrix(
    task_type: str, params: Mapping[str, Any], responses: Sequence[Mapping[str, Any]]
) -> npt.NDArray[np.float64]:
    """Symmetric agreement of every pair of responses: each scored against the other both
    ways (the scores are not symmetric: misses and extras weigh differently), averaged."""
    n = len(responses)
    out = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            there = score_response(task_type, params, responses[i], responses[j]).score
            back = score_response(task_type, params, responses[j], responses[i]).score
            out[i, j] = out[j, i] = (there + back) / 2
    return out
