from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import SpanAggregator, score_spans, span_iou


def spans(*rows: tuple[int, int, str]) -> dict:
    return {"annotations": [{"start": s, "end": e, "label": lab} for s, e, lab in rows]}


def test_span_iou() -> None:
    assert np.allclose(span_iou([[0, 4]], [[2, 6], [4, 8], [0, 4]]), [[2 / 6, 0.0, 1.0]])


def test_exact_match_votes_identical_spans() -> None:
    agg = SpanAggregator().fit(["a", "b", "c"], [[0, 5], [0, 5], [1, 5]], ["PER"] * 3)
    assert agg.predict() == [{"start": 0, "end": 5, "label": "PER"}]
    assert np.allclose(agg.confidence(), [2 / 3])
    # Kept span 2/3; the dropped [1, 5): 2/3 say it is not a span.
    assert agg.item_confidence() == pytest.approx(2 / 3)


def test_overlap_match_votes_boundaries() -> None:
    agg = SpanAggregator(match="overlap").fit(
        ["a", "b", "c"], [[0, 5], [0, 5], [1, 5]], ["PER"] * 3
    )
    assert agg.predict() == [{"start": 0, "end": 5, "label": "PER"}]
    # Everyone supports it; IoU with [0, 5): 1, 1, 4/5.
    assert np.allclose(agg.confidence(), [(1 + 1 + 0.8) / 3])
    tie = SpanAggregator(match="overlap").fit(["a", "b"], [[1, 5], [0, 5]], ["PER"] * 2)
    assert tie.predict()[0]["start"] == 0  # tie: the earliest
    heavy = SpanAggregator(match="overlap").fit(
        ["a", "b"], [[1, 5], [0, 5]], ["PER"] * 2, skills={"a": 2.0}
    )
    assert heavy.predict()[0]["start"] == 1


def test_labels_match_or_vote() -> None:
    rows = [[0, 3], [0, 3], [0, 3]]
    agg = SpanAggregator().fit(["a", "b", "c"], rows, ["ORG", "PER", "PER"])
    assert agg.predict() == [{"start": 0, "end": 3, "label": "PER"}]
    assert np.allclose(agg.confidence(), [2 / 3])
    voted = SpanAggregator(labels="vote").fit(["a", "b", "c"], rows, ["ORG", "PER", "PER"])
    assert voted.predict() == [{"start": 0, "end": 3, "label": "PER"}]
    assert np.allclose(voted.confidence(), [1.0])


def test_responses_and_scoring() -> None:
    responses = {
        "a": spans((0, 4, "PER"), (10, 15, "LOC")),
        "b": spans((0, 4, "PER")),
        "c": spans(),
    }
    agg = SpanAggregator().fit_responses(responses)
    assert agg.predict() == [{"start": 0, "end": 4, "label": "PER"}]
    gold = spans((0, 4, "PER"), (10, 15, "LOC"))
    assert score_spans(gold, gold) == 1.0
    assert score_spans(gold, responses["b"]) == 0.5
    assert score_spans(gold, spans((0, 3, "PER"))) == 0.0
    assert score_spans(gold, spans((0, 3, "PER")), match="overlap") == pytest.approx(3 / 4 / 2)


def test_bad_spans_are_invalid() -> None:
    with pytest.raises(Invalid, match="start < end"):
        SpanAggregator().fit(["a"], [[3, 3]], ["X"])
    with pytest.raises(Invalid, match="integer"):
        SpanAggregator().fit_responses({"a": {"annotations": [{"start": 0.5, "end": 2}]}})
    with pytest.raises(Invalid, match="match"):
        SpanAggregator(match="fuzzy")  # type: ignore[arg-type]
