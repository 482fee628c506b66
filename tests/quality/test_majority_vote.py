from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import MajorityVote
from tests.quality.conftest import Toy


def test_vote_shares_and_labels(toy: Toy) -> None:
    mv = MajorityVote().fit(toy.tasks, toy.workers, toy.labels)
    assert mv.predict().tolist() == ["x", "x", "y", "y"]
    assert np.allclose(
        mv.predict_proba(), [[1.0, 0.0], [2 / 3, 1 / 3], [1 / 3, 2 / 3], [1 / 3, 2 / 3]]
    )
    assert np.allclose(mv.confidence(), [1, 2 / 3, 2 / 3, 2 / 3])


def test_first_tie_break_takes_first_class_in_sorted_order() -> None:
    mv = MajorityVote(tie_break="first").fit(["t", "t"], ["a", "b"], ["z", "m"])
    assert mv.predict().tolist() == ["m"]
    assert mv.predict_proba().tolist() == [[0.5, 0.5]]


def test_random_tie_break_is_seeded_and_fair() -> None:
    n = 2000  # tasks, each tied one vote "p" against one vote "q"
    tasks = np.repeat(np.arange(n), 2)
    workers = np.tile([0, 1], n)
    labels = np.tile(["p", "q"], n)
    first = MajorityVote(seed=3).fit_predict(tasks, workers, labels)
    again = MajorityVote(seed=3).fit_predict(tasks, workers, labels)
    other = MajorityVote(seed=4).fit_predict(tasks, workers, labels)
    assert (first == again).all()
    assert (first != other).any()
    share_p = float(np.mean(first == "p"))
    assert 0.45 < share_p < 0.55  # 2000 fair coin flips: 4.5 standard deviations of room


def test_random_tie_break_never_picks_a_losing_class() -> None:
    # Three-way tie on t1 (x, y, z) against a clear loser w absent; t2 has a clear winner.
    tasks = ["t1"] * 3 + ["t2"] * 3
    labels = ["x", "y", "z", "w", "w", "x"]
    for seed in range(20):
        pred = MajorityVote(seed=seed).fit_predict(tasks, ["a", "b", "c"] * 2, labels)
        assert pred[0] in {"x", "y", "z"}
        assert pred[1] == "w"


def test_unknown_tie_break_is_invalid() -> None:
    with pytest.raises(Invalid, match="tie_break"):
        MajorityVote(tie_break="last")  # type: ignore[arg-type]


def test_gold_overrides_the_vote(toy: Toy) -> None:
    mv = MajorityVote().fit(toy.tasks, toy.workers, toy.labels, gold={"t2": "y"})
    assert mv.predict().tolist() == ["x", "y", "y", "y"]
    assert mv.predict_proba()[1].tolist() == [0.0, 1.0]


def test_refuses_skill_priors(toy: Toy) -> None:
    with pytest.raises(Invalid, match="skill priors"):
        MajorityVote().fit(toy.tasks, toy.workers, toy.labels, skill_priors={"a": (9, 1)})


def test_results_before_fit_are_an_error() -> None:
    with pytest.raises(RuntimeError, match="fit"):
        MajorityVote().predict()
