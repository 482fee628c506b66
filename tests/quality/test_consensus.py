"""The one-task posterior of adaptive redundancy, on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality.consensus import agree, posterior, similarity_matrix


def test_agreeing_judgments_grow_more_certain() -> None:
    # a = 0.8, K = 2: one "cat" gives 0.8; two give .64 / (.64 + .04); three .512 / .520.
    assert posterior(["cat"], n_answers=2).confidence == pytest.approx(0.8)
    assert posterior(["cat", "cat"], n_answers=2).confidence == pytest.approx(0.64 / 0.68)
    assert posterior(["cat"] * 3, n_answers=2).confidence == pytest.approx(0.512 / 0.52)


def test_disagreement_and_unseen_answers() -> None:
    # 2 cats, 1 dog, K = 2: .8*.8*.2 = .128 against .2*.2*.8 = .032.
    p = posterior(["cat", "dog", "cat"], n_answers=2)
    assert (p.answer, p.judgments) == ("cat", 3)
    assert p.confidence == pytest.approx(0.128 / 0.160)
    # K = 5: one "cat" gives .8 against .2/4 for each of the four others (.05 x 4 = .2).
    assert posterior(["cat"], n_answers=5).confidence == pytest.approx(0.8)
    # K = 3, cat then dog: .8*.1 each for cat and dog, .1*.1 for the unseen third answer.
    p = posterior(["cat", "dog"], n_answers=3)
    assert p.answer == "cat"  # a tie goes to the answer given first
    assert p.confidence == pytest.approx(0.08 / 0.17)


def test_annotator_accuracies_weigh_their_judgments() -> None:
    # A 0.95 annotator against a 0.6 one, K = 2: .95*.4 = .38 against .05*.6 = .03.
    p = posterior(["dog", "cat"], n_answers=2, accuracies=[0.95, 0.6])
    assert p.answer == "dog"
    assert p.confidence == pytest.approx(0.38 / 0.41)


def test_order_of_judgments_does_not_matter() -> None:
    a = posterior(["x", "y", "x", "z", "x"], n_answers=4)
    b = posterior(["z", "x", "x", "y", "x"], n_answers=4)
    assert (a.answer, a.confidence) == (b.answer, pytest.approx(b.confidence))


def test_bad_input() -> None:
    with pytest.raises(Invalid):
        posterior([], n_answers=2)
    with pytest.raises(Invalid):
        posterior(["a"], n_answers=2, accuracies=[1.0])
    with pytest.raises(Invalid):
        posterior(["a", "b"], n_answers=2, accuracies=[0.7])


def test_agree_groups_close_answers_and_votes_on_the_groups() -> None:
    s = np.array(
        [
            [1.0, 0.2, 0.9, 0.85],
            [0.2, 1.0, 0.1, 0.3],
            [0.9, 0.1, 1.0, 0.95],
            [0.85, 0.3, 0.95, 1.0],
        ]
    )
    found = agree(s, same=0.8)
    assert found.classes == (0, 1, 0, 0)
    # Classes voted like categories, K = 2 classes + 1 unseen, 0.8 each:
    # class 0: .8*.1*.8*.8 ; class 1: .1*.8*.1*.1 ; unseen: .1**4.
    c0, c1, unseen = 0.8**3 * 0.1, 0.1**3 * 0.8, 0.1**4
    assert found.confidence == pytest.approx(c0 / (c0 + c1 + unseen))
    # The member agreeing most with its class: row sums over {0, 2, 3}: 2.75, 2.85, 2.8.
    assert found.index == 2


def test_agree_uses_accuracies_and_handles_one_judgment() -> None:
    one = agree(np.array([[1.0]]), accuracies=[0.9])
    assert (one.index, one.classes) == (0, (0,))
    assert one.confidence == pytest.approx(0.9)  # K = 2: the judgment's own accuracy
    split = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert agree(split, accuracies=[0.6, 0.9]).index == 1  # the stronger annotator wins
    with pytest.raises(Invalid):
        agree(np.ones((2, 3)))


def test_similarity_matrix_is_symmetric_with_unit_diagonal() -> None:
    params = {"text": "Ada met Bob", "labels": [{"name": "P"}]}
    a = {"annotations": [{"start": 0, "end": 3, "label": "P"}]}
    b = {
        "annotations": [{"start": 0, "end": 3, "label": "P"}, {"start": 8, "end": 11, "label": "P"}]
    }
    s = similarity_matrix("namedentityrecognition", params, [a, b, a])
    assert np.allclose(s, s.T)
    assert np.allclose(np.diag(s), 1.0)
    # One span of two matched: 2*1/(1+2) both ways.
    assert s[0, 1] == pytest.approx(2 / 3)
    assert s[0, 2] == 1.0
