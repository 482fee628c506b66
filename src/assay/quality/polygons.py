"""Polygons and masks: rasterization, pixel-wise skill-weighted voting and mask IoU.

Pixel ``(row i, column j)`` covers ``[j, j + 1) x [i, i + 1)`` and is inside a polygon when its
centre is, by the even-odd rule (a self-intersecting polygon's doubly covered parts are out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality._instances import InstanceAggregator, LabelRule, Skills
from assay.quality.base import check_positive
from assay.quality.boxes import match_score
from assay.quality.judgments import FloatArray, Ids, IntArray

BoolArray = npt.NDArray[np.bool_]
Shape = tuple[int, int]


def as_vertices(vertices: Any) -> FloatArray:
    """``(k, 2)`` float array of ``(x, y)`` vertices, k >= 3; also accepts ``[{x, y}, ...]``."""
    if isinstance(vertices, Sequence) and vertices and isinstance(vertices[0], Mapping):
        try:
            vertices = [[v["x"], v["y"]] for v in vertices]
        except KeyError as exc:
            raise Invalid("vertices: each needs x and y") from exc
    try:
        array = np.asarray(vertices, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"vertices: not numeric ({exc})") from exc
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] < 3:
        raise Invalid(f"vertices: expected at least 3 rows of (x, y), got shape {array.shape}")
    if not np.isfinite(array).all():
        raise Invalid("vertices: must be finite")
    return array


def _check_shape(shape: Any) -> Shape:
    try:
        h, w = (int(v) for v in shape)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"shape: expected (height, width), got {shape!r}") from exc
    if h <= 0 or w <= 0:
        raise Invalid(f"shape: must be positive, got {(h, w)}")
    return h, w


def rasterize(vertices: Any, shape: Any) -> BoolArray:
    """The ``(height, width)`` mask of a polygon: a scanline even-odd fill, vectorized over
    rows and edges. Each edge that crosses a row's centre line toggles the pixels right of the
    crossing; a cumulative sum of the toggles along the row gives the parity."""
    v = as_vertices(vertices)
    h, w = _check_shape(shape)
    x1, y1 = v[:, 0], v[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    yc = np.arange(h) + 0.5
    # Half-open test: a vertex on the centre line counts once; horizontal edges never.
    crosses = (y1[None, :] <= yc[:, None]) != (y2[None, :] <= yc[:, None])
    rows, edges = np.nonzero(crosses)
    t = (yc[rows] - y1[edges]) / (y2[edges] - y1[edges])
    x = x1[edges] + t * (x2[edges] - x1[edges])
    # The first column whose centre lies right of the crossing.
    first = np.clip(np.floor(x - 0.5) + 1, 0, w).astype(np.intp)
    toggles = np.zeros((h, w + 1), dtype=np.intp)
    np.add.at(toggles, (rows, first), 1)
    return np.asarray(np.cumsum(toggles, axis=1)[:, :w] % 2 == 1)


def mask_iou(a: BoolArray, b: BoolArray) -> FloatArray:
    """``(n, m)`` IoU of the ``(n, H, W)`` masks ``a`` with the ``(m, H, W)`` masks ``b``; two
    empty masks have IoU 1."""
    fa = a.reshape(a.shape[0], a.shape[1] * a.shape[2]).astype(np.float64)
    fb = b.reshape(b.shape[0], b.shape[1] * b.shape[2]).astype(np.float64)
    inter = fa @ fb.T
    union = fa.sum(axis=1)[:, None] + fb.sum(axis=1)[None, :] - inter
    return np.asarray(np.where(union > 0, inter / np.maximum(union, 1.0), 1.0), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Crop:
    """A mask kept only over its bounding rectangle: ``mask[i, j]`` is pixel
    ``(top + i, left + j)`` of the image (memory grows with the object, not the image)."""

    top: int
    left: int
    mask: BoolArray

    @property
    def bottom(self) -> int:
        return self.top + int(self.mask.shape[0])

    @property
    def right(self) -> int:
        return self.left + int(self.mask.shape[1])

    def full(self, shape: Shape) -> BoolArray:
        out = np.zeros(shape, dtype=bool)
        out[self.top : self.bottom, self.left : self.right] = self.mask
        return out


def crop(vertices: Any, shape: Any) -> Crop:
    """:func:`rasterize` on the polygon's bounding rectangle within the image only."""
    v = as_vertices(vertices)
    h, w = _check_shape(shape)
    top, bottom = (
        int(np.clip(np.floor(v[:, 1].min()), 0, h)),
        int(np.clip(np.ceil(v[:, 1].max()), 0, h)),
    )
    left, right = (
        int(np.clip(np.floor(v[:, 0].min()), 0, w)),
        int(np.clip(np.ceil(v[:, 0].max()), 0, w)),
    )
    if bottom <= top or right <= left:  # wholly outside the image
        return Crop(0, 0, np.zeros((0, 0), dtype=bool))
    return Crop(top, left, rasterize(v - [left, top], (bottom - top, right - left)))


def _overlap(a: Crop, b: Crop) -> int:
    """Pixels the two masks share (0 without looking when the rectangles are apart)."""
    top, bottom = max(a.top, b.top), min(a.bottom, b.bottom)
    left, right = max(a.left, b.left), min(a.right, b.right)
    if bottom <= top or right <= left:
        return 0
    pa = a.mask[top - a.top : bottom - a.top, left - a.left : right - a.left]
    pb = b.mask[top - b.top : bottom - b.top, left - b.left : right - b.left]
    return int(np.count_nonzero(pa & pb))


def crop_iou(a: Sequence[Crop], b: Sequence[Crop]) -> FloatArray:
    """``(n, m)`` mask IoU; only pairs whose rectangles meet are intersected (two empty masks:
    IoU 1)."""
    area_a = np.array([np.count_nonzero(c.mask) for c in a], dtype=np.float64)
    area_b = np.array([np.count_nonzero(c.mask) for c in b], dtype=np.float64)
    rect_a = np.array([[c.top, c.bottom, c.left, c.right] for c in a]).reshape(-1, 4)
    rect_b = np.array([[c.top, c.bottom, c.left, c.right] for c in b]).reshape(-1, 4)
    meet = (
        np.maximum(rect_a[:, None, 0], rect_b[None, :, 0])
        < np.minimum(rect_a[:, None, 1], rect_b[None, :, 1])
    ) & (
        np.maximum(rect_a[:, None, 2], rect_b[None, :, 2])
        < np.minimum(rect_a[:, None, 3], rect_b[None, :, 3])
    )
    inter = np.zeros((len(a), len(b)))
    for i, j in zip(*np.nonzero(meet), strict=True):
        inter[i, j] = _overlap(a[i], b[j])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.asarray(np.where(union > 0, inter / np.maximum(union, 1.0), 1.0), dtype=np.float64)


def _frame(polygons: Sequence[FloatArray], scale: float) -> tuple[list[FloatArray], Shape]:
    """Polygons moved (and scaled) onto the smallest grid that holds them all."""
    if not polygons:
        return [], (1, 1)
    every = np.concatenate(polygons) * scale
    origin = np.floor(every.min(axis=0))
    size = np.ceil(every.max(axis=0)) - origin
    shape = (max(int(size[1]), 1), max(int(size[0]), 1))
    return [p * scale - origin for p in polygons], shape


def polygon_iou(a: Any, b: Any, *, scale: float = 1.0) -> float:
    """IoU of two polygons, rasterized at ``scale`` pixels per unit (finer ``scale``: closer
    to the exact area ratio, and slower)."""
    check_positive("scale", scale)
    (pa, pb), shape = _frame([as_vertices(a), as_vertices(b)], scale)
    return float(crop_iou([crop(pa, shape)], [crop(pb, shape)])[0, 0])


def response_polygons(response: Mapping[str, Any]) -> tuple[list[FloatArray], list[Any]]:
    """The polygons of an ``imageannotation`` response (other geometries ignored), and labels."""
    annotations = response.get("annotations")
    if not isinstance(annotations, list):
        raise Invalid("response: 'annotations' must be a list")
    polygons, labels = [], []
    for ann in annotations:
        if isinstance(ann, Mapping) and ann.get("type") == "polygon":
            polygons.append(as_vertices(ann.get("vertices")))
            labels.append(ann.get("label"))
    return polygons, labels


def score_polygons(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    *,
    scale: float = 1.0,
    match_labels: bool = True,
) -> float:
    """How well the polygons of ``actual`` reproduce ``expected`` (gold), in [0, 1]: the mask
    IoU of each matched pair (same label unless ``match_labels`` is false), averaged over the
    larger polygon count."""
    check_positive("scale", scale)
    a, a_labels = response_polygons(expected)
    b, b_labels = response_polygons(actual)
    moved, shape = _frame(a + b, scale)
    crops = [crop(p, shape) for p in moved]
    iou = crop_iou(crops[: len(a)], crops[len(a) :])
    valid = iou > 0
    if match_labels:
        valid &= np.asarray(a_labels, dtype=object)[:, None] == np.asarray(b_labels, dtype=object)
    return match_score(iou, valid)


@dataclass
class PolygonAggregator(InstanceAggregator):
    """Vote the polygons several annotators drew on one image into masks.

    Every polygon is rasterized on the image grid; polygons of different annotators whose masks
    overlap by at least ``iou_threshold`` cluster (``labels`` and ``quorum`` as for
    :class:`~assay.quality.boxes.BoxAggregator`). A cluster's mask is the pixel-wise weighted
    majority: a pixel is in when the members who cover it hold more than half of the
    cluster's weight. ``iou_`` is each input polygon's IoU with its cluster's voted mask; a
    mask's confidence is the supporting share of weight times its members' mean IoU.
    """

    iou_threshold: float = 0.5
    labels: LabelRule = "match"
    quorum: int | None = None

    shape_: Shape = field(init=False, repr=False, compare=False)
    crops_: list[Crop] = field(init=False, repr=False, compare=False)
    iou_: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_positive("iou_threshold", self.iou_threshold)
        if self.iou_threshold > 1:
            raise Invalid("iou_threshold: must be <= 1")

    def fit(
        self,
        workers: Ids,
        polygons: Sequence[Any],
        labels: Ids,
        *,
        shape: Any,
        annotators: Ids | None = None,
        skills: Skills | None = None,
    ) -> PolygonAggregator:
        """Polygon ``i`` (vertices ``(x, y)``) drawn by ``workers[i]`` with ``labels[i]``, on an
        image of ``shape`` = (height, width) pixels."""
        self.shape_ = _check_shape(shape)
        self.crops_ = [crop(p, self.shape_) for p in polygons]
        # The geometry the clustering sees is the polygon's index into crops_.
        index = np.arange(len(self.crops_))
        self._fit_geometry(workers, index, labels, annotators=annotators, skills=skills)
        own = [self.fused_[c] for c in self.cluster_]
        self.iou_ = np.array(
            [crop_iou([p], [f])[0, 0] for p, f in zip(self.crops_, own, strict=True)],
            dtype=np.float64,
        )
        return self

    def fit_responses(
        self,
        responses: Mapping[Any, Mapping[str, Any]],
        *,
        shape: Any,
        skills: Skills | None = None,
    ) -> PolygonAggregator:
        """Fit on ``{annotator: imageannotation response}``."""
        workers: list[Any] = []
        polygons: list[FloatArray] = []
        labels: list[Any] = []
        for worker, response in responses.items():
            found, names = response_polygons(response)
            workers += [worker] * len(names)
            polygons += found
            labels += names
        return self.fit(
            workers, polygons, labels, shape=shape, annotators=list(responses), skills=skills
        )

    def _pairwise(self, geometry: IntArray) -> tuple[FloatArray, BoolArray]:
        crops = [self.crops_[i] for i in geometry]
        iou = crop_iou(crops, crops)
        # A polygon that covers no pixel centre (tiny, or off the image) matches nothing.
        drawn = np.array([c.mask.any() for c in crops], dtype=bool)
        return iou, (iou >= self.iou_threshold) & drawn[:, None] & drawn[None, :]

    def _fuse(self, geometry: IntArray, weight: FloatArray) -> Crop:
        members = [self.crops_[i] for i in geometry]
        top, left = min(c.top for c in members), min(c.left for c in members)
        bottom, right = max(c.bottom for c in members), max(c.right for c in members)
        votes = np.zeros((max(bottom - top, 0), max(right - left, 0)))
        for c, w in zip(members, weight.tolist(), strict=True):
            votes[c.top - top : c.bottom - top, c.left - left : c.right - left] += w * c.mask
        return Crop(top, left, np.asarray(votes > weight.sum() / 2))

    def _similarity_to(self, geometry: IntArray, fused: Crop) -> FloatArray:
        return crop_iou([self.crops_[i] for i in geometry], [fused])[:, 0]

    def _render(self, fused: Crop, label: Any) -> dict[str, Any]:
        return {"type": "mask", "label": label, "mask": fused.full(self.shape_)}
