from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import PointAggregator, score_points


def point(x: float, y: float, label: str = "eye") -> dict:
    return {"type": "point", "label": label, "x": x, "y": y}


def test_close_points_fuse_to_their_mean() -> None:
    agg = PointAggregator(radius=10).fit(["a", "b", "c"], [[0, 0], [3, 4], [40, 40]], ["eye"] * 3)
    assert agg.predict() == [point(1.5, 2.0)]
    # Each is 2.5 px from the mean: closeness 1 - 2.5 / 10; support 2 of 3.
    assert np.allclose(agg.confidence(), [2 / 3 * 0.75])
    assert agg.cluster_.tolist() == [0, 0, 1]


def test_radius_and_weights() -> None:
    far = PointAggregator(radius=4).fit(["a", "b"], [[0, 0], [3, 4]], ["eye"] * 2)
    assert far.predict() == []  # 5 px apart
    weighted = PointAggregator(radius=10).fit(
        ["a", "b"], [[0, 0], [4, 0]], ["eye"] * 2, skills={"b": 3.0}
    )
    assert weighted.predict() == [point(3.0, 0.0)]


def test_responses_and_scoring() -> None:
    responses = {
        "a": {"annotations": [point(10, 10), point(50, 50, "nose")]},
        "b": {"annotations": [point(12, 10), point(51, 50, "nose")]},
        "c": {"annotations": [{"type": "box", "label": "x", "left": 0, "top": 0}]},
    }
    agg = PointAggregator(radius=5).fit_responses(responses)
    assert agg.predict() == [point(11.0, 10.0), point(50.5, 50.0, "nose")]
    gold = {"annotations": [point(10, 10), point(50, 50, "nose")]}
    guess = {"annotations": [point(12, 10), point(80, 80, "nose")]}
    # Matched within the radius: closeness 1 - 2 / 4; the far nose scores 0.
    assert score_points(gold, guess, radius=4) == pytest.approx(0.5 / 2)
    assert score_points(gold, gold, radius=4) == 1.0
    with pytest.raises(Invalid, match="radius"):
        score_points(gold, gold, radius=0)


def test_bad_points_are_invalid() -> None:
    with pytest.raises(Invalid, match="radius"):
        PointAggregator(radius=-1)
    with pytest.raises(Invalid, match="points"):
        PointAggregator().fit(["a"], [[0, 0, 0]], ["x"])
    with pytest.raises(Invalid, match="x and y"):
        PointAggregator().fit_responses({"a": {"annotations": [{"type": "point", "x": 1}]}})
