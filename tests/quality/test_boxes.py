from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import BoxAggregator, box_iou, score_boxes


def box(left: float, top: float, width: float, height: float, label: str = "car") -> dict:
    return {
        "type": "box",
        "label": label,
        "left": left,
        "top": top,
        "width": width,
        "height": height,
    }


def test_iou_by_hand() -> None:
    a = [[0, 0, 2, 2], [0, 0, 1, 1]]
    b = [[1, 1, 2, 2], [0, 0, 2, 2], [2, 0, 1, 1]]
    iou = box_iou(a, b)
    # Overlap 1x1 of two 2x2 boxes: 1 / (4 + 4 - 1); a box inside another: 1 / 4;
    # boxes that only touch: 0.
    expected = [[1 / 7, 1.0, 0.0], [0.0, 0.25, 0.0]]
    assert iou.shape == (2, 3)
    assert np.allclose(iou, expected)
    assert np.allclose(box_iou(b, a), iou.T)


def test_iou_refuses_bad_boxes() -> None:
    with pytest.raises(Invalid, match="sizes positive"):
        box_iou([[0, 0, 0, 1]], [[0, 0, 1, 1]])
    with pytest.raises(Invalid, match="rows of"):
        box_iou([[0, 0, 1]], [[0, 0, 1, 1]])


def test_two_agree_the_third_is_elsewhere() -> None:
    agg = BoxAggregator().fit(
        ["a", "b", "c"], [[0, 0, 10, 10], [0, 0, 10, 12], [50, 50, 5, 5]], ["car"] * 3
    )
    assert agg.predict() == [box(0.0, 0.0, 10.0, 11.0)]
    # Support 2 of 3; IoU with the fused 10x11 box: 100/110 and 110/120.
    assert np.allclose(agg.confidence(), [2 / 3 * (100 / 110 + 110 / 120) / 2])
    assert agg.cluster_.tolist() == [0, 0, 1]
    assert agg.kept_.tolist() == [True, False]
    # The dropped singleton: 2/3 of the annotators agree that nothing is there.
    assert np.isclose(agg.item_confidence(), (agg.confidence()[0] + 2 / 3) / 2)


def test_skill_weights_the_fusion() -> None:
    agg = BoxAggregator().fit(
        ["a", "b"], [[0, 0, 10, 10], [2, 0, 10, 10]], ["car", "car"], skills={"a": 3.0}
    )
    fused = agg.predict()[0]
    assert fused["left"] == pytest.approx(0.5)  # (3 * 0 + 1 * 2) / 4
    assert agg.support_.tolist() == [1.0]


def test_labels_must_match_or_are_voted() -> None:
    boxes = [[0, 0, 10, 10], [0, 0, 10, 10]]
    split = BoxAggregator().fit(["a", "b"], boxes, ["truck", "car"])
    assert split.predict() == []  # two singletons, quorum 2
    assert split.cluster_.tolist() == [0, 1]
    voted = BoxAggregator(labels="vote").fit(["a", "b"], boxes, ["truck", "car"])
    assert voted.predict() == [box(0, 0, 10, 10, "car")]  # tie: first label in sorted order
    assert np.allclose(voted.confidence(), [1.0])
    heavy = BoxAggregator(labels="vote").fit(["a", "b"], boxes, ["truck", "car"], skills={"a": 2.0})
    assert heavy.predict()[0]["label"] == "truck"


def test_one_box_per_annotator_per_cluster() -> None:
    agg = BoxAggregator(quorum=1).fit(
        ["a", "a", "b"], [[0, 0, 10, 10], [1, 0, 10, 10], [0, 0, 10, 10]], ["car"] * 3
    )
    a1, a2, b1 = agg.cluster_.tolist()
    assert a1 != a2
    assert b1 == a1  # b's box is identical to a's first
    assert len(agg.predict()) == 2


def test_below_the_threshold_no_cluster() -> None:
    # IoU 40 / 160 = 0.25.
    boxes = [[0, 0, 10, 10], [6, 0, 10, 10]]
    assert BoxAggregator().fit(["a", "b"], boxes, ["car"] * 2).predict() == []
    low = BoxAggregator(iou_threshold=0.2).fit(["a", "b"], boxes, ["car"] * 2)
    assert low.predict() == [box(3.0, 0.0, 10.0, 10.0)]


def test_responses_count_annotators_who_drew_nothing() -> None:
    polygon = {"type": "polygon", "label": "car", "vertices": [{"x": 0, "y": 0}] * 3}
    responses = {
        "a": {"annotations": [box(0, 0, 10, 10), polygon]},
        "b": {"annotations": [box(0, 0, 10, 10)]},
        "c": {"annotations": []},
    }
    agg = BoxAggregator().fit_responses(responses)
    assert agg.predict() == [box(0.0, 0.0, 10.0, 10.0)]
    assert np.allclose(agg.confidence(), [2 / 3])
    responses["d"] = {"annotations": []}
    # Four annotators: the quorum is 3; half of them drew nothing.
    agg = BoxAggregator().fit_responses(responses)
    assert agg.predict() == []
    assert agg.item_confidence() == pytest.approx(0.5)
    nobody = BoxAggregator().fit_responses({"a": {"annotations": []}})
    assert nobody.predict() == []
    assert nobody.item_confidence() == 1.0


def test_row_order_changes_nothing() -> None:
    rng = np.random.default_rng(0)
    base = rng.uniform(0, 100, (6, 2))
    workers, boxes, labels = [], [], []
    for w in "abcd":
        for i, (x, y) in enumerate(base):
            workers.append(w)
            boxes.append([x + rng.normal(0, 1), y + rng.normal(0, 1), 20, 20])
            labels.append("car" if i % 2 else "person")
    agg = BoxAggregator().fit(workers, boxes, labels)
    order = rng.permutation(len(workers))
    other = BoxAggregator().fit(
        np.array(workers)[order], np.array(boxes)[order], np.array(labels)[order]
    )
    key = sorted((b["label"], round(b["left"], 9)) for b in agg.predict())
    assert key == sorted((b["label"], round(b["left"], 9)) for b in other.predict())
    assert np.allclose(np.sort(agg.confidence()), np.sort(other.confidence()))
    assert ((agg.confidence() > 0) & (agg.confidence() <= 1)).all()


def test_score_boxes_against_gold() -> None:
    gold = {"annotations": [box(0, 0, 10, 10), box(20, 20, 10, 10, "person")]}
    assert score_boxes(gold, gold) == 1.0
    assert score_boxes(gold, {"annotations": [box(0, 0, 10, 10)]}) == 0.5
    half = {"annotations": [box(0, 0, 10, 5), box(20, 20, 10, 10, "person")]}
    assert score_boxes(gold, half) == pytest.approx((0.5 + 1.0) / 2)
    relabeled = {"annotations": [box(0, 0, 10, 10, "truck")]}
    assert score_boxes({"annotations": [box(0, 0, 10, 10)]}, relabeled) == 0.0
    assert score_boxes({"annotations": [box(0, 0, 10, 10)]}, relabeled, match_labels=False) == 1
    assert score_boxes({"annotations": []}, {"annotations": []}) == 1.0


def test_bad_input_is_invalid() -> None:
    with pytest.raises(Invalid, match="rotated"):
        BoxAggregator().fit_responses({"a": {"annotations": [{**box(0, 0, 1, 1), "rotation": 9}]}})
    with pytest.raises(Invalid, match="iou_threshold"):
        BoxAggregator(iou_threshold=0)
    with pytest.raises(Invalid, match="labels"):
        BoxAggregator(labels="nope").fit(["a"], [[0, 0, 1, 1]], ["x"])
    with pytest.raises(Invalid, match="skills"):
        BoxAggregator().fit(["a"], [[0, 0, 1, 1]], ["x"], skills={"a": 0.0})
    with pytest.raises(Invalid, match="one length"):
        BoxAggregator().fit(["a", "b"], [[0, 0, 1, 1]], ["x"])
    with pytest.raises(RuntimeError, match="fit"):
        BoxAggregator().predict()
