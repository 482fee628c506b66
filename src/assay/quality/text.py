"""Transcriptions and free text: normalized-match voting and ROVER-style word voting.

Texts are compared after Unicode NFKC, case folding and whitespace collapsing, so "Café  au
lait" and "café au lait" are one answer. ROVER (Fiscus, 1997) aligns every transcription word
by word to a pivot (the one closest to all others in weighted word edit distance) and votes
each position, so a word that most annotators got right wins even when no single annotator's
whole line did.

J. G. Fiscus. A post-processing system to yield reduced word error rates: Recognizer Output
Voting Error Reduction (ROVER). IEEE ASRU, 1997.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assay.errors import Invalid
from assay.quality._instances import Skills, encode_instances
from assay.quality.judgments import FloatArray, Ids, IntArray

TextMethod = Literal["match", "rover"]


def display_form(text: str) -> str:
    """NFKC with runs of whitespace collapsed to one space and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def normalize(text: str) -> str:
    """The comparison key of a text: :func:`display_form`, case-folded."""
    return display_form(text).casefold()


def edit_distances(pivot: Sequence[str], other: Sequence[str]) -> IntArray:
    """The ``(len(pivot) + 1, len(other) + 1)`` Levenshtein table over tokens. Each row is one
    vectorized step: substitutions and deletions elementwise, then insertions along the row as
    ``D[j] = j + cummin(candidate[k] - k)``."""
    n, m = len(pivot), len(other)
    b = np.asarray(other, dtype=object)
    j = np.arange(m + 1)
    table = np.zeros((n + 1, m + 1), dtype=np.intp)
    table[0] = j
    for i in range(1, n + 1):
        prev = table[i - 1]
        mismatch = (b != pivot[i - 1]).astype(np.intp) if m else np.zeros(0, dtype=np.intp)
        best = np.minimum(prev[:-1] + mismatch, prev[1:] + 1)
        candidate = np.concatenate([[i], best])
        table[i] = np.minimum.accumulate(candidate - j) + j
    return table


def align(pivot: Sequence[str], other: Sequence[str]) -> tuple[list[int], list[list[int]]]:
    """One minimal alignment of ``other`` to ``pivot``: for each pivot position the index of
    the token of ``other`` aligned to it (-1: deleted), and for each of the ``len(pivot) + 1``
    gaps the tokens of ``other`` inserted there. Ties prefer a match or substitution, then a
    deletion."""
    table = edit_distances(pivot, other)
    at = [-1] * len(pivot)
    gaps: list[list[int]] = [[] for _ in range(len(pivot) + 1)]
    i, j = len(pivot), len(other)
    while i > 0 or j > 0:
        if i > 0 and j > 0 and table[i, j] == table[i - 1, j - 1] + (pivot[i - 1] != other[j - 1]):
            i, j = i - 1, j - 1
            at[i] = j
        elif i > 0 and table[i, j] == table[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
            gaps[i].insert(0, j)
    return at, gaps


@dataclass
class TextAggregator:
    """Aggregate the texts several annotators gave for one item.

    ``method="match"``: a weighted vote over normalized texts (ties: first in sorted order);
    the answer is the most weighted original spelling of the winner, the confidence its share
    of weight. ``method="rover"``: word-level ROVER over normalized words; ``slots_`` holds the
    vote at every pivot position and gap, ``word_confidence_`` the winning share of each output
    word, and the confidence is the mean winning share over the slots any annotator filled.
    ``skills`` weights annotators (default 1).
    """

    method: TextMethod = "match"

    answer_: str = field(init=False, repr=False, compare=False)
    confidence_: float = field(init=False, repr=False, compare=False)
    word_confidence_: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.method not in ("match", "rover"):
            raise Invalid(f"method: must be 'match' or 'rover', got {self.method!r}")

    def fit(
        self, workers: Ids, texts: Sequence[str], *, skills: Skills | None = None
    ) -> TextAggregator:
        """Text ``i`` is ``texts[i]``, by ``workers[i]`` (one text per annotator)."""
        if any(not isinstance(t, str) for t in texts):
            raise Invalid("texts: must be strings")
        data = encode_instances(workers, list(range(len(texts))), annotators=None, skills=skills)
        if np.unique(data.owner).shape[0] != data.n:
            raise Invalid("workers: one text per annotator")
        # Sorted by annotator, so the order of the input changes nothing.
        order = np.argsort(data.owner, kind="stable")
        weight = data.weight[data.owner[order]]
        shown = [display_form(texts[i]) for i in order]
        if self.method == "match":
            self._fit_match(shown, weight)
        else:
            self._fit_rover(shown, weight)
        return self

    def _fit_match(self, shown: list[str], weight: FloatArray) -> None:
        self.answer_, self.confidence_ = _vote(shown, weight)
        self.word_confidence_ = np.full(len(self.answer_.split()), self.confidence_)

    def _fit_rover(self, shown: list[str], weight: FloatArray) -> None:
        words = [s.split() for s in shown]
        keys = [[w.casefold() for w in ws] for ws in words]
        n = len(keys)
        distance = np.array([[edit_distances(a, b)[-1, -1] for b in keys] for a in keys])
        pivot = int(np.argmin(distance @ weight))  # the weighted medoid; ties: first annotator
        slots: list[list[str]] = [[] for _ in range(2 * len(keys[pivot]) + 1)]
        for h in range(n):
            at, gaps = align(keys[pivot], keys[h])
            for g, inserted in enumerate(gaps):
                slots[2 * g].append(" ".join(words[h][t] for t in inserted))
            for p, t in enumerate(at):
                slots[2 * p + 1].append(words[h][t] if t >= 0 else "")
        answer, shares, filled = [], [], []
        for votes in slots:
            winner, share = _vote(votes, weight)
            if any(votes):
                filled.append(share)
            if winner:
                answer.append(winner)
                shares.append(share)
        self.answer_ = " ".join(answer)
        self.word_confidence_ = np.asarray(shares, dtype=np.float64)
        self.confidence_ = float(np.mean(filled)) if filled else 1.0

    def predict(self) -> str:
        self._fitted()
        return self.answer_

    def confidence(self) -> float:
        self._fitted()
        return self.confidence_

    def _fitted(self) -> None:
        if not hasattr(self, "answer_"):
            raise RuntimeError("TextAggregator: call fit() before reading results")


def _vote(shown: Sequence[str], weight: FloatArray) -> tuple[str, float]:
    """Weighted vote over normalized keys; the winner's most weighted spelling, and its share.
    Ties (of keys, then of spellings) go to the first in sorted order."""
    keys = [s.casefold() for s in shown]
    totals: dict[str, float] = {}
    for key, w in zip(keys, weight.tolist(), strict=True):
        totals[key] = totals.get(key, 0.0) + w
    best = max(totals.values())
    key = min(k for k, v in totals.items() if v >= best - 1e-12 * best)
    spellings: dict[str, float] = {}
    for s, k, w in zip(shown, keys, weight.tolist(), strict=True):
        if k == key:
            spellings[s] = spellings.get(s, 0.0) + w
    top = max(spellings.values())
    spelling = min(s for s, v in spellings.items() if v >= top - 1e-12 * top)
    return spelling, totals[key] / float(weight.sum())
