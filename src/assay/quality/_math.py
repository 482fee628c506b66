"""Numeric helpers shared by the aggregators (all vectorized over tasks or judgments)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from assay.quality.judgments import FloatArray, IntArray

TieBreak = Literal["random", "first"]

# Floor for probabilities that go into a log: a cell no evidence supports stays finite.
EPS = 1e-12


def normalize_rows(scores: FloatArray) -> FloatArray:
    """Rows scaled to sum to 1; an all-zero row becomes uniform (no evidence either way)."""
    totals = scores.sum(axis=1, keepdims=True)
    k = scores.shape[1]
    safe = np.where(totals > 0, totals, 1.0)
    return np.where(totals > 0, scores / safe, 1.0 / k)


def softmax_rows(logits: FloatArray) -> tuple[FloatArray, float]:
    """Row-wise softmax, and the summed log-normalizers (the data log-likelihood in EM)."""
    top = logits.max(axis=1, keepdims=True)
    shifted = np.exp(logits - top)
    totals = shifted.sum(axis=1, keepdims=True)
    log_likelihood = float((np.log(totals) + top).sum())
    return shifted / totals, log_likelihood


def clamp(proba: FloatArray, tasks: IntArray, labels: IntArray) -> FloatArray:
    """Fix the rows of tasks with a known answer (gold) to that answer, in place."""
    if tasks.shape[0]:
        proba[tasks] = 0.0
        proba[tasks, labels] = 1.0
    return proba


def decide(
    scores: FloatArray, *, tie_break: TieBreak = "first", seed: int = 0, rtol: float = 1e-9
) -> IntArray:
    """The best class per row.

    Scores within ``rtol`` of a row's maximum tie. ``"first"`` takes the lowest class code
    (the first class in sorted order); ``"random"`` draws uniformly among the tied classes with
    a generator seeded by ``seed``, one draw per (task, class) in task-code order, so the choice
    does not depend on the order of the input rows.
    """
    top = scores.max(axis=1, keepdims=True)
    tied = scores >= top - rtol * np.abs(top)
    if tie_break == "first":
        return np.asarray(np.argmax(tied, axis=1), dtype=np.intp)
    noise = np.random.default_rng(seed).random(scores.shape)
    return np.asarray(np.argmax(np.where(tied, noise, -1.0), axis=1), dtype=np.intp)
