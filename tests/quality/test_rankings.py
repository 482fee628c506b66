from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import RankAggregator

# Three annotators rank a, b, c twice as "a b c" and once as "b c a".
MOSTLY_ABC = [list("abc"), list("abc"), list("bca")]
# Borda and Kemeny disagree: 3x "a b c", 2x "b c a". Borda: a 6, b 7, c 2.
# But a beats b and c 3 to 2 (the Condorcet winner).
SPLIT = [list("abc")] * 3 + [list("bca")] * 2


def test_borda_by_hand() -> None:
    agg = RankAggregator(method="borda").fit(["u", "v", "w"], MOSTLY_ABC)
    assert agg.borda_.tolist() == [4.0, 4.0, 1.0]
    assert agg.predict().tolist() == ["a", "b", "c"]  # the a-b tie: sorted order
    split = RankAggregator(method="borda").fit(list("uvwxy"), SPLIT)
    assert split.borda_.tolist() == [6.0, 7.0, 2.0]
    assert split.predict().tolist() == ["b", "a", "c"]


def test_kemeny_finds_the_condorcet_order() -> None:
    agg = RankAggregator().fit(list("uvwxy"), SPLIT)
    assert agg.predict().tolist() == ["a", "b", "c"]
    # Kept preferences: a>b 3, a>c 3, b>c 5, of 3 pairs x 5 annotators.
    assert agg.confidence() == pytest.approx(11 / 15)
    assert np.allclose(agg.pair_confidence_, [3 / 5, 1.0])
    local = RankAggregator(exact_up_to=2).fit(list("uvwxy"), SPLIT)  # from Borda, by swaps
    assert local.predict().tolist() == ["a", "b", "c"]


def test_a_cycle_ties_and_a_weight_breaks_it() -> None:
    cycle = [list("abc"), list("bca"), list("cab")]
    agg = RankAggregator().fit(["u", "v", "w"], cycle)
    assert agg.predict().tolist() == ["a", "b", "c"]
    assert agg.confidence() == pytest.approx(5 / 9)
    heavy = RankAggregator().fit(["u", "v", "w"], cycle, skills={"v": 3.0})
    assert heavy.predict().tolist() == ["b", "c", "a"]


def test_unanimous_rankings_are_certain_for_every_method() -> None:
    rankings = [[3, 1, 2, 0]] * 3
    for method in ("borda", "kemeny", "bradley_terry"):
        agg = RankAggregator(method=method).fit(["u", "v", "w"], rankings)  # type: ignore[arg-type]
        assert agg.predict().tolist() == [3, 1, 2, 0]
        assert agg.confidence() == 1.0


def test_local_kemeny_on_many_items_agrees_with_the_truth() -> None:
    rng = np.random.default_rng(0)
    truth = np.arange(12)
    rankings = []
    for _ in range(9):
        noisy = truth + rng.normal(0, 1.0, 12)
        rankings.append(np.argsort(noisy).tolist())
    agg = RankAggregator().fit(list(range(9)), rankings)
    # Local Kemeny optimum: no adjacent pair that a strict majority wants swapped.
    p, o = agg.preferences_, agg.order_
    assert (p[o[:-1], o[1:]] >= p[o[1:], o[:-1]]).all()
    order = agg.predict()
    assert np.corrcoef(order, truth)[0, 1] > 0.9
    assert (
        agg.confidence()
        >= RankAggregator(method="borda").fit(list(range(9)), rankings).confidence()
    )


def test_bad_rankings_are_invalid() -> None:
    with pytest.raises(Invalid, match="no rankings"):
        RankAggregator().fit([], [])
    with pytest.raises(Invalid, match="same items"):
        RankAggregator().fit(["u", "v"], [list("abc"), list("abd")])
    with pytest.raises(Invalid, match="distinct"):
        RankAggregator().fit(["u"], [list("aab")])
    with pytest.raises(Invalid, match="skills"):
        RankAggregator(method="bradley_terry").fit(["u"], [list("ab")], skills={"u": 2.0})
    with pytest.raises(Invalid, match="method"):
        RankAggregator(method="copeland")  # type: ignore[arg-type]
