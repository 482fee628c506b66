from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import BradleyTerry


def test_three_wins_to_one_is_three_to_one() -> None:
    # Maximum likelihood: s_A / (s_A + s_B) = 3/4, the observed share.
    model = BradleyTerry(prior=0.0).fit(["A", "A", "B", "A"], ["B", "B", "A", "B"], list("AABA"))
    assert np.isclose(model.strengths_[0] / model.strengths_[1], 3.0)
    assert np.isclose(model.win_probability("A", "B"), 0.75)
    assert np.isclose(model.win_probability("B", "A"), 0.25)
    assert np.allclose(model.scores_, [0.75, 0.25])


def test_a_cycle_gives_equal_strengths() -> None:
    model = BradleyTerry(prior=0.0).fit(["A", "B", "C"], ["B", "C", "A"], ["A", "B", "C"])
    assert np.allclose(model.scores_, 1 / 3)
    assert model.ranking().tolist() == ["A", "B", "C"]  # equal: sorted id order


def test_prior_keeps_an_unbeaten_item_finite_and_is_symmetric() -> None:
    # A beat B once. Without a prior A's strength would grow forever; with one pseudo-win and
    # pseudo-loss each against a virtual item of strength 1, the fit is symmetric under
    # swapping the roles of A and B, so s_A * s_B = 1, and A stays ahead.
    model = BradleyTerry(prior=1.0).fit(["A"], ["B"], ["A"])
    s_a, s_b = model.strengths_
    assert np.isfinite(s_a)
    assert np.isclose(s_a * s_b, 1.0)
    assert s_a > 1.0
    # The fixed point of the MM update: s_A = 2 / (1 / (s_A + s_B) + 2 / (s_A + 1)).
    assert np.isclose(s_a, 2 / (1 / (s_a + s_b) + 2 / (s_a + 1)))


def test_recovers_the_order_of_known_strengths() -> None:
    rng = np.random.default_rng(0)
    strength = np.exp(np.linspace(-2, 2, 10))
    left = rng.integers(0, 10, 3000)
    right = (left + rng.integers(1, 10, 3000)) % 10
    p_left = strength[left] / (strength[left] + strength[right])
    winner = np.where(rng.random(3000) < p_left, left, right)
    model = BradleyTerry().fit(left, right, winner)
    assert model.ranking().tolist() == list(range(9, -1, -1))
    # log-strengths on the right scale: the spread of the true ones is 4.
    spread = np.log(model.strengths_[9] / model.strengths_[0])
    assert 3.4 < spread < 4.6


def test_row_order_and_item_names_change_nothing() -> None:
    rng = np.random.default_rng(1)
    left = rng.integers(0, 6, 200)
    right = (left + rng.integers(1, 6, 200)) % 6
    winner = np.where(rng.random(200) < 0.6, left, right)
    base = BradleyTerry().fit(left, right, winner)
    order = rng.permutation(200)
    names = np.array(["f", "a", "d", "b", "e", "c"])
    other = BradleyTerry().fit(names[left][order], names[right][order], names[winner][order])
    by_name = dict(zip(other.items_.tolist(), other.strengths_.tolist(), strict=True))
    assert np.allclose([by_name[names[i]] for i in range(6)], base.strengths_, rtol=1e-8)


@pytest.mark.parametrize(
    ("left", "right", "winner", "message"),
    [
        ([], [], [], "no comparisons"),
        (["A"], ["B", "C"], ["A"], "one length"),
        (["A"], ["A"], ["A"], "with itself"),
        (["A"], ["B"], ["C"], "left or the right"),
    ],
)
def test_bad_input_is_invalid(
    left: list[str], right: list[str], winner: list[str], message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        BradleyTerry().fit(left, right, winner)


def test_unknown_item_and_bad_prior_are_invalid() -> None:
    model = BradleyTerry().fit(["A"], ["B"], ["A"])
    with pytest.raises(Invalid, match="unknown item 'Z'"):
        model.win_probability("A", "Z")
    with pytest.raises(Invalid, match="prior"):
        BradleyTerry(prior=-1.0)
