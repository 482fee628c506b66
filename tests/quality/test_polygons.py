from __future__ import annotations

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import PolygonAggregator, polygon_iou, rasterize, score_polygons
from assay.quality.polygons import crop, mask_iou


def square(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def test_rasterize_a_rectangle_and_a_triangle() -> None:
    expected = np.zeros((5, 6), dtype=bool)
    expected[1:3, 1:4] = True
    assert np.array_equal(rasterize(square(1, 1, 3, 2), (5, 6)), expected)
    # Pixel centres (j + 0.5, i + 0.5) with x + y < 4.
    triangle = rasterize([(0, 0), (4, 0), (0, 4)], (5, 5))
    assert triangle.sum(axis=1).tolist() == [4, 3, 2, 1, 0]
    assert triangle[1].tolist() == [True, True, True, False, False]


def test_rasterize_clips_and_is_even_odd() -> None:
    assert rasterize(square(-2, -2, 4, 4), (3, 3)).sum() == 4
    # A bow tie: two triangles meeting at (3, 2); the vertex order does not matter.
    bow = rasterize([(0, 0), (6, 4), (6, 0), (0, 4)], (4, 6))
    assert np.array_equal(bow, rasterize([(0, 4), (6, 0), (6, 4), (0, 0)], (4, 6)))
    # Row centre y = 0.5 crosses the edges at x = 0, 0.75, 5.25, 6; y = 1.5 at 0, 2.25, 3.75, 6.
    assert bow[0].tolist() == [True, False, False, False, False, True]
    assert bow[1].tolist() == [True, True, False, False, True, True]
    # Even-odd: a square traced twice covers nothing.
    assert not rasterize(square(0, 0, 4, 4) * 2, (5, 5)).any()
    # Clockwise or counter-clockwise: the same mask.
    assert np.array_equal(
        rasterize(square(1, 1, 3, 2), (5, 6)), rasterize(square(1, 1, 3, 2)[::-1], (5, 6))
    )


def test_polygon_iou() -> None:
    assert polygon_iou(square(0, 0, 4, 4), square(2, 0, 4, 4)) == pytest.approx(8 / 24)
    assert polygon_iou(square(0, 0, 4, 4), square(0, 0, 4, 4)) == 1.0
    assert polygon_iou(square(0, 0, 1, 1), square(5, 5, 1, 1)) == 0.0


def test_pixel_majority_and_per_polygon_iou() -> None:
    polygons = [square(0, 0, 4, 4), square(0, 0, 5, 4), square(0, 0, 4, 5)]
    agg = PolygonAggregator().fit(["a", "b", "c"], polygons, ["cat"] * 3, shape=(6, 6))
    [fused] = agg.predict()
    expected = np.zeros((6, 6), dtype=bool)
    expected[:4, :4] = True  # the extra column and row each got 1 vote of 3
    assert fused["label"] == "cat"
    assert np.array_equal(fused["mask"], expected)
    assert np.allclose(agg.iou_, [1.0, 16 / 20, 16 / 20])
    assert np.allclose(agg.confidence(), [(1 + 0.8 + 0.8) / 3])


def test_a_heavy_annotator_carries_the_pixels_they_alone_drew() -> None:
    polygons = [square(0, 0, 5, 4), square(0, 0, 4, 4), square(0, 0, 4, 4)]
    agg = PolygonAggregator().fit(
        ["a", "b", "c"], polygons, ["cat"] * 3, shape=(6, 6), skills={"a": 3.0}
    )
    # Column 4: weight 3 of 5.
    assert agg.predict()[0]["mask"].sum() == 20


def test_separate_objects_and_responses() -> None:
    def poly(points: list[tuple[float, float]], label: str) -> dict:
        vertices = [{"x": x, "y": y} for x, y in points]
        return {"type": "polygon", "label": label, "vertices": vertices}

    responses = {
        "a": {"annotations": [poly(square(0, 0, 3, 3), "cat"), poly(square(6, 6, 3, 3), "dog")]},
        "b": {"annotations": [poly(square(0, 0, 3, 3), "cat")]},
        "c": {"annotations": [poly(square(6, 6, 3, 3), "dog"), poly(square(0, 0, 3, 3), "cat")]},
    }
    agg = PolygonAggregator().fit_responses(responses, shape=(10, 10))
    labels = sorted(p["label"] for p in agg.predict())
    assert labels == ["cat", "dog"]
    assert np.allclose(sorted(agg.confidence()), [2 / 3, 1.0])
    gold = {"annotations": [poly(square(0, 0, 4, 4), "cat")]}
    assert score_polygons(gold, {"annotations": [poly(square(2, 0, 4, 4), "cat")]}) == (
        pytest.approx(8 / 24)
    )
    assert score_polygons(gold, responses["c"]) == pytest.approx(9 / 16 / 2)


def test_bad_polygons_are_invalid() -> None:
    with pytest.raises(Invalid, match="at least 3"):
        rasterize([(0, 0), (1, 1)], (2, 2))
    with pytest.raises(Invalid, match="shape"):
        rasterize(square(0, 0, 1, 1), (0, 2))
    with pytest.raises(Invalid, match="x and y"):
        PolygonAggregator().fit(["a"], [[{"x": 1}] * 3], ["c"], shape=(2, 2))


def test_nobody_drew_anything() -> None:
    agg = PolygonAggregator().fit_responses({"a": {"annotations": []}}, shape=(3, 3))
    assert agg.predict() == []
    assert agg.iou_.shape == (0,)
    assert agg.item_confidence() == 1.0


def test_mask_iou_and_crops() -> None:
    a = np.zeros((1, 3, 3), dtype=bool)
    b = np.zeros((2, 3, 3), dtype=bool)
    a[0, 0, :2] = True
    b[0, 0, 1:] = True  # shares one of three pixels
    assert np.allclose(mask_iou(a, b), [[1 / 3, 0.0]])
    assert mask_iou(b[1:], b[1:])[0, 0] == 1.0  # both empty
    # A cropped rasterization is the full one, cut to the polygon's rectangle.
    piece = crop(square(1.5, 1, 3, 2), (5, 6))
    assert (piece.top, piece.left, piece.bottom, piece.right) == (1, 1, 3, 5)
    assert np.array_equal(piece.full((5, 6)), rasterize(square(1.5, 1, 3, 2), (5, 6)))
    assert crop(square(10, 10, 2, 2), (5, 6)).mask.size == 0  # off the image


def test_polygons_off_the_image_match_nothing() -> None:
    off = square(10, 10, 2, 2)
    agg = PolygonAggregator(quorum=1).fit(["a", "b"], [off, off], ["cat"] * 2, shape=(5, 5))
    assert agg.cluster_.tolist() == [0, 1]
