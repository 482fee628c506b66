"""Worker-skill priors: what is already known of an annotator before this fit.

A prior is a Beta distribution over the worker's accuracy, given as pseudo-counts of correct and
wrong answers (``SkillPrior(correct=a, wrong=b)`` is Beta(a, b)); gold tasks and reviews give
exactly that (issue 4, annotator skills). Models with confusion matrices spread ``wrong`` evenly
over the off-diagonal cells of every row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from assay.errors import Invalid
from assay.quality.judgments import FloatArray, Judgments


class SkillPrior(NamedTuple):
    """Beta(correct, wrong) over a worker's accuracy, as pseudo-counts of answers."""

    correct: float
    wrong: float


SkillPriors = Mapping[Any, SkillPrior | tuple[float, float]]


class WorkerPrior(NamedTuple):
    """Pseudo-counts aligned with the worker codes of one :class:`Judgments`; zero where the
    caller gave no prior for a worker."""

    correct: FloatArray
    wrong: FloatArray


def worker_prior(data: Judgments, priors: SkillPriors | None) -> WorkerPrior:
    """Align ``priors`` (keyed by worker id) with ``data``'s worker codes.

    Workers absent from ``data`` are ignored; negative or non-finite pseudo-counts are
    :class:`Invalid`.
    """
    correct = np.zeros(data.n_workers)
    wrong = np.zeros(data.n_workers)
    if not priors:
        return WorkerPrior(correct, wrong)
    ids = list(priors.keys())
    counts = np.array([tuple(priors[i]) for i in ids], dtype=np.float64).reshape(len(ids), -1)
    if counts.shape[1] != 2:
        raise Invalid("skill_priors: each value must be (correct, wrong) pseudo-counts")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise Invalid("skill_priors: pseudo-counts must be finite and >= 0")
    codes, found = data.worker_codes(ids)
    correct[codes[found]] = counts[found, 0]
    wrong[codes[found]] = counts[found, 1]
    return WorkerPrior(correct, wrong)
