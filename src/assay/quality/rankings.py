"""Rankings: one consensus order from several annotators' full rankings of the same items.

``"borda"`` scores an item ``m - 1 - p`` points for position ``p`` of ``m`` (weighted by skill).
``"kemeny"`` finds the order that disagrees with the fewest weighted pairwise preferences:
exactly (every permutation, vectorized) up to ``exact_up_to`` items, above that the Borda
order improved by adjacent swaps that a weighted majority wants (local Kemenization, Dwork et
al. 2001), each of which strictly lowers the disagreement. ``"bradley_terry"`` fits
:class:`~assay.quality.bradley_terry.BradleyTerry` to the pairwise wins the rankings imply.

C. Dwork, R. Kumar, M. Naor, D. Sivakumar. Rank aggregation methods for the web. WWW 2001.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations, permutations
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality._instances import Skills, encode_instances
from assay.quality.base import check_positive
from assay.quality.bradley_terry import BradleyTerry
from assay.quality.judgments import FloatArray, Ids, IntArray

RankMethod = Literal["borda", "kemeny", "bradley_terry"]


@dataclass
class RankAggregator:
    """Aggregate full rankings (best first) of one set of items.

    After ``fit``: ``items_`` (sorted ids), ``preferences_`` (``[i, j]``: weight of annotators
    ranking item ``i`` above ``j``), ``borda_`` (weighted Borda points); ``predict()`` is the
    consensus order, ``confidence()`` the share of weighted pairwise preferences it agrees with
    (1: everyone gave this order), ``pair_confidence_`` that share for each adjacent pair of
    the consensus. Ties go to the item first in sorted order.
    """

    method: RankMethod = "kemeny"
    exact_up_to: int = 7

    items_: npt.NDArray[Any] = field(init=False, repr=False, compare=False)
    preferences_: FloatArray = field(init=False, repr=False, compare=False)
    borda_: FloatArray = field(init=False, repr=False, compare=False)
    order_: IntArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.method not in ("borda", "kemeny", "bradley_terry"):
            raise Invalid(f"method: must be borda, kemeny or bradley_terry, got {self.method!r}")
        check_positive("exact_up_to", self.exact_up_to)

    def fit(
        self, workers: Ids, rankings: Sequence[Sequence[Any]], *, skills: Skills | None = None
    ) -> RankAggregator:
        """Ranking ``r`` is ``rankings[r]`` (item ids, best first), by ``workers[r]``."""
        if self.method == "bradley_terry" and skills:
            raise Invalid("bradley_terry does not use skills")
        positions = self._positions(rankings)
        data = encode_instances(workers, list(range(len(rankings))), annotators=None, skills=skills)
        weight = data.weight[data.owner]
        m = self.items_.shape[0]
        # above[r, i, j]: ranking r puts item i above item j.
        above = positions[:, :, None] < positions[:, None, :]
        self.preferences_ = np.tensordot(weight, above.astype(np.float64), axes=1)
        self.borda_ = np.asarray(weight @ (m - 1 - positions), dtype=np.float64)
        borda = np.lexsort((np.arange(m), -self.borda_)).astype(np.intp)
        if self.method == "borda":
            self.order_ = borda
        elif self.method == "bradley_terry":
            self.order_ = self._bradley_terry(above)
        elif m <= self.exact_up_to:
            self.order_ = _exact_kemeny(self.preferences_)
        else:
            self.order_ = _local_kemeny(self.preferences_, borda)
        return self

    def _positions(self, rankings: Sequence[Sequence[Any]]) -> IntArray:
        if not rankings:
            raise Invalid("no rankings to aggregate")
        try:
            items = np.unique(np.asarray(rankings[0]))
        except TypeError as exc:
            raise Invalid(f"items must be of one sortable type ({exc})") from exc
        if items.shape[0] != len(rankings[0]) or items.shape[0] < 2:
            raise Invalid("a ranking must order at least two distinct items")
        rows = []
        for r, ranking in enumerate(rankings):
            array = np.asarray(ranking)
            if array.shape != items.shape or not np.array_equal(np.sort(array), items):
                raise Invalid(f"rankings.{r}: must order the same items as rankings.0")
            rows.append(np.argsort(np.searchsorted(items, array)))
        self.items_ = items
        return np.asarray(rows, dtype=np.intp)

    def _bradley_terry(self, above: npt.NDArray[np.bool_]) -> IntArray:
        _, i, j = np.nonzero(above)
        model = BradleyTerry().fit(i, j, i)
        strength = np.zeros(self.items_.shape[0])
        strength[model.items_] = model.strengths_
        return np.lexsort((np.arange(strength.shape[0]), -strength)).astype(np.intp)

    def predict(self) -> npt.NDArray[Any]:
        """Item ids in consensus order, best first."""
        self._fitted()
        return self.items_[self.order_]

    def confidence(self) -> float:
        self._fitted()
        agree = _agreement(self.preferences_, self.order_)
        total = self.preferences_.sum()
        return float(agree / total)

    @property
    def pair_confidence_(self) -> FloatArray:
        self._fitted()
        p, o = self.preferences_, self.order_
        ahead, behind = p[o[:-1], o[1:]], p[o[1:], o[:-1]]
        return np.asarray(ahead / (ahead + behind), dtype=np.float64)

    def _fitted(self) -> None:
        if not hasattr(self, "order_"):
            raise RuntimeError("RankAggregator: call fit() before reading results")


def _agreement(preferences: FloatArray, order: IntArray) -> float:
    """The weight of pairwise preferences that ``order`` keeps (the rest it reverses)."""
    upper = np.triu(np.ones_like(preferences, dtype=bool), k=1)
    return float(preferences[np.ix_(order, order)][upper].sum())


def _exact_kemeny(preferences: FloatArray) -> IntArray:
    """The order keeping the most preference weight, over every permutation (generated in
    lexicographic order, so the first optimum is the one first in sorted item order)."""
    m = preferences.shape[0]
    perms = np.array(list(permutations(range(m))), dtype=np.intp)
    s, t = np.array(list(combinations(range(m), 2)), dtype=np.intp).T
    kept = preferences[perms[:, s], perms[:, t]].sum(axis=1)
    best = kept.max()
    return np.asarray(perms[int(np.argmax(kept >= best - 1e-9 * max(best, 1.0)))], dtype=np.intp)


def _local_kemeny(preferences: FloatArray, start: IntArray) -> IntArray:
    """Swap adjacent items while a strict weighted majority prefers the later one."""
    order = start.copy()
    changed = True
    while changed:
        changed = False
        for k in range(order.shape[0] - 1):
            a, b = order[k], order[k + 1]
            if preferences[b, a] > preferences[a, b] + 1e-12:
                order[k], order[k + 1] = b, a
                changed = True
    return order
