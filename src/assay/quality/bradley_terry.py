"""Bradley-Terry: item strengths from pairwise preferences (which of two items won)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality.base import check_positive
from assay.quality.judgments import FloatArray, Ids, IntArray


@dataclass
class BradleyTerry:
    """Item ``i`` beats item ``j`` with probability ``s[i] / (s[i] + s[j])``.

    Fitted by Hunter's MM algorithm, vectorized over the comparisons. ``prior`` adds that many
    pseudo-wins and pseudo-losses of every item against a virtual item of strength 1, so an
    item that never won (or never lost) keeps a finite strength and disconnected groups of
    items stay comparable; 0 gives the plain maximum-likelihood estimate, which then exists
    only when every item both won and lost within a connected comparison graph.

    After ``fit(left, right, winner)``: ``items_`` (sorted ids), ``strengths_`` (relative to
    the virtual item), ``scores_`` (strengths scaled to sum to 1, as crowd-kit reports them).

    D. R. Hunter. MM algorithms for generalized Bradley-Terry models. Annals of Statistics
    32(1), 2004.
    """

    prior: float = 1.0
    n_iter: int = 1000
    tol: float = 1e-10

    items_: npt.NDArray[Any] = field(init=False, repr=False, compare=False)
    strengths_: FloatArray = field(init=False, repr=False, compare=False)
    n_iter_: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_positive("prior", self.prior, allow_zero=True)
        check_positive("n_iter", self.n_iter)
        check_positive("tol", self.tol, allow_zero=True)

    def fit(self, left: Ids, right: Ids, winner: Ids) -> BradleyTerry:
        """Comparison ``c``: ``left[c]`` against ``right[c]``, won by ``winner[c]`` (one of
        the two)."""
        columns = [np.asarray(left), np.asarray(right), np.asarray(winner)]
        if any(c.ndim != 1 for c in columns) or len({c.shape[0] for c in columns}) != 1:
            raise Invalid("left, right and winner must be one-dimensional and of one length")
        if columns[0].shape[0] == 0:
            raise Invalid("no comparisons to aggregate")
        l_ids, r_ids, w_ids = columns
        if (l_ids == r_ids).any():
            raise Invalid("an item cannot be compared with itself")
        left_won = w_ids == l_ids
        if not (left_won | (w_ids == r_ids)).all():
            raise Invalid("winner must be the left or the right item of its comparison")
        try:
            items, codes = np.unique(np.concatenate([l_ids, r_ids]), return_inverse=True)
        except TypeError as exc:
            raise Invalid(f"item ids must be of one sortable type ({exc})") from exc
        n = l_ids.shape[0]
        lo, hi = codes[:n].astype(np.intp), codes[n:].astype(np.intp)
        self.items_ = items
        self.strengths_ = self._mm(lo, hi, left_won, items.shape[0])
        return self

    def _mm(
        self, lo: IntArray, hi: IntArray, left_won: npt.NDArray[np.bool_], m: int
    ) -> FloatArray:
        winners = np.where(left_won, lo, hi)
        wins = np.bincount(winners, minlength=m) + self.prior
        s = np.ones(m)
        for iteration in range(1, self.n_iter + 1):
            self.n_iter_ = iteration
            inv = 1.0 / (s[lo] + s[hi])
            # Sum over an item's comparisons of 1 / (s_i + s_j), plus the virtual games.
            games = np.bincount(lo, inv, minlength=m) + np.bincount(hi, inv, minlength=m)
            denom = np.asarray(games, dtype=np.float64) + 2 * self.prior / (s + 1.0)
            new = wins / denom
            if self.prior == 0:  # no anchor: fix the scale (geometric mean of positive ones)
                positive = new > 0
                new = new / np.exp(np.mean(np.log(new[positive])))
            done = np.max(np.abs(new - s) / np.maximum(s, 1e-300)) < self.tol
            s = new
            if done:
                break
        return np.asarray(s, dtype=np.float64)

    @property
    def scores_(self) -> FloatArray:
        return np.asarray(self.strengths_ / self.strengths_.sum(), dtype=np.float64)

    def ranking(self) -> npt.NDArray[Any]:
        """Item ids from strongest to weakest (equal strengths in sorted id order)."""
        order = np.lexsort((np.arange(self.items_.shape[0]), -self.strengths_))
        return self.items_[order]

    def win_probability(self, a: Any, b: Any) -> float:
        """P(``a`` beats ``b``) under the fitted strengths."""
        index = {item: i for i, item in enumerate(self.items_.tolist())}
        try:
            sa, sb = self.strengths_[index[a]], self.strengths_[index[b]]
        except KeyError as exc:
            raise Invalid(f"unknown item {exc.args[0]!r}") from None
        return float(sa / (sa + sb))
