from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import TextAggregator, normalize
from assay.quality.text import align, edit_distances


def test_normalize() -> None:
    assert normalize("  Café \t au\u00a0LAIT \n") == "café au lait"
    assert normalize("\ufb01ne") == "fine"  # the fi ligature (NFKC)
    assert normalize("\uff21\uff22\uff23") == "abc"  # fullwidth letters
    assert normalize("Stra\u00dfe") == "strasse"  # case folding, not lower()


def test_edit_distance_and_alignment() -> None:
    assert edit_distances(list("kitten"), list("sitting"))[-1, -1] == 3
    assert edit_distances([], ["a", "b"])[-1, -1] == 2
    # Substitution at 1, an insertion after the last pivot word.
    assert align(["a", "b", "c"], ["a", "x", "c", "d"]) == ([0, 1, 2], [[], [], [], [3]])
    assert align(["a", "b", "c"], ["b"]) == ([-1, 0, -1], [[], [], [], []])
    assert align(["a"], ["x", "y", "a"]) == ([2], [[0, 1], []])


def test_match_votes_normalized_texts() -> None:
    agg = TextAggregator().fit(["u", "v", "w"], ["Café  au lait", "café au lait", "tea"])
    assert agg.predict() == "Café au lait"  # tie of spellings: first in sorted order
    assert agg.confidence() == pytest.approx(2 / 3)
    weighted = TextAggregator().fit(["u", "v", "w"], ["a", "a", "b"], skills={"w": 3.0})
    assert weighted.predict() == "b"
    assert weighted.confidence() == pytest.approx(3 / 5)
    tie = TextAggregator().fit(["u", "v"], ["b", "a"])
    assert tie.predict() == "a"
    assert tie.confidence() == 0.5


def test_rover_by_hand() -> None:
    agg = TextAggregator(method="rover").fit(
        ["u", "v", "w"], ["the quick brown fox", "the quik brown fox jumps", "The quick fox"]
    )
    # Pivot: the first (edit distances 2 + 1). Slots the, quick, brown, fox and the gap after
    # fox ("jumps" by one of three) are filled: shares 1, 2/3, 2/3, 1, 2/3.
    assert agg.predict() == "the quick brown fox"
    assert np.allclose(agg.word_confidence_, [1, 2 / 3, 2 / 3, 1])
    assert agg.confidence() == pytest.approx(4 / 5)


def test_rover_recovers_a_line_nobody_got_right() -> None:
    texts = ["a b c x", "a b y d", "a z c d", "w b c d"]
    agg = TextAggregator(method="rover").fit(["p", "q", "r", "s"], texts)
    assert agg.predict() == "a b c d"
    assert np.allclose(agg.word_confidence_, [3 / 4] * 4)
    match = TextAggregator().fit(["p", "q", "r", "s"], texts)
    assert match.confidence() == 0.25


def test_order_of_the_input_changes_nothing() -> None:
    texts = ["one two three", "one too three", "one two three four", "won two three"]
    workers = ["d", "b", "a", "c"]
    base = TextAggregator(method="rover").fit(workers, texts)
    other = TextAggregator(method="rover").fit(workers[::-1], texts[::-1])
    assert base.predict() == other.predict() == "one two three"
    assert base.confidence() == other.confidence()


def test_bad_input_is_invalid() -> None:
    with pytest.raises(Invalid, match="one text per annotator"):
        TextAggregator().fit(["u", "u"], ["a", "b"])
    with pytest.raises(Invalid, match="strings"):
        TextAggregator().fit(["u"], [3])  # type: ignore[list-item]
    with pytest.raises(Invalid, match="method"):
        TextAggregator(method="vote")  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="no annotators"):
        TextAggregator().fit([], [])
    with pytest.raises(RuntimeError, match="fit"):
        TextAggregator().predict()
