"""Bounding boxes: IoU, clustering across annotators and skill-weighted fusion.

Boxes are axis-aligned ``(left, top, width, height)``, the ``imageannotation`` shape; a rotated
box is refused rather than compared as if it were not rotated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality._instances import InstanceAggregator, LabelRule, Skills, flatten_responses
from assay.quality.base import check_positive
from assay.quality.judgments import FloatArray, Ids

_FIELDS = ("left", "top", "width", "height")


def as_boxes(boxes: Any) -> FloatArray:
    """``(n, 4)`` float array of ``(left, top, width, height)``; bad shapes are Invalid."""
    array = np.asarray(boxes, dtype=np.float64)
    if array.size == 0:
        return np.zeros((0, 4))
    if array.ndim != 2 or array.shape[1] != 4:
        raise Invalid(f"boxes: expected rows of (left, top, width, height), got {array.shape}")
    if not np.isfinite(array).all() or (array[:, 2:] <= 0).any():
        raise Invalid("boxes: coordinates must be finite and sizes positive")
    return array


def box_iou(a: Any, b: Any) -> FloatArray:
    """``(n, m)`` intersection over union of every box of ``a`` with every box of ``b``."""
    a, b = as_boxes(a), as_boxes(b)
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, :2] + a[:, None, 2:], b[None, :, :2] + b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0.0, None), axis=2)
    area_a = a[:, 2] * a[:, 3]
    area_b = b[:, 2] * b[:, 3]
    return np.asarray(inter / (area_a[:, None] + area_b[None, :] - inter), dtype=np.float64)


def response_boxes(response: Mapping[str, Any]) -> tuple[FloatArray, list[Any]]:
    """The boxes of an ``imageannotation`` response (other geometries ignored), and labels."""
    annotations = response.get("annotations")
    if not isinstance(annotations, list):
        raise Invalid("response: 'annotations' must be a list")
    rows, labels = [], []
    for i, ann in enumerate(annotations):
        if not isinstance(ann, Mapping) or ann.get("type") != "box":
            continue
        if ann.get("rotation"):
            raise Invalid(f"annotations.{i}: rotated boxes are not supported")
        try:
            rows.append([float(ann[f]) for f in _FIELDS])
        except (KeyError, TypeError, ValueError) as exc:
            raise Invalid(f"annotations.{i}: a box needs numeric {_FIELDS}") from exc
        labels.append(ann.get("label"))
    return as_boxes(rows), labels


def match_score(similarity: FloatArray, valid: npt.NDArray[np.bool_]) -> float:
    """Matched similarity over the larger count: one-to-one matching (Hungarian) of expected
    rows to actual columns, a missing or extra instance scoring 0; both empty is 1."""
    n, m = similarity.shape
    if n == 0 and m == 0:
        return 1.0
    if n == 0 or m == 0:
        return 0.0
    gain = np.where(valid, similarity, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return float(gain[rows, cols].sum() / max(n, m))


def score_boxes(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    *,
    iou_threshold: float = 0.0,
    match_labels: bool = True,
) -> float:
    """How well the boxes of ``actual`` reproduce those of ``expected`` (gold), in [0, 1]:
    the IoU of each expected box with its matched box (same label unless ``match_labels`` is
    false; pairs below ``iou_threshold`` do not match), averaged over the larger box count."""
    a, a_labels = response_boxes(expected)
    b, b_labels = response_boxes(actual)
    iou = box_iou(a, b)
    valid = iou >= iou_threshold
    if match_labels:
        valid &= np.asarray(a_labels, dtype=object)[:, None] == np.asarray(b_labels, dtype=object)
    return match_score(iou, valid)


@dataclass
class BoxAggregator(InstanceAggregator):
    """Fuse the boxes several annotators drew on one image.

    Boxes of different annotators that overlap by at least ``iou_threshold`` (mean IoU with a
    cluster's members, and with each member) form a cluster, at most one box per annotator;
    with ``labels="match"`` only boxes of one label cluster, with ``"vote"`` the label is voted.
    A cluster is kept when at least ``quorum`` annotators (default: a strict majority of all who
    answered, including those who drew nothing) drew it. The fused box is the skill-weighted
    mean of the coordinates; its label the weighted vote (ties: first label in sorted order);
    its confidence the supporting share of weight times the members' mean IoU with it.

    Examples:
        >>> agg = BoxAggregator().fit(["a", "b"], [[0, 0, 10, 10], [0, 0, 10, 12]], ["car"] * 2)
        >>> agg.predict()[0]["height"]
        11.0
    """

    iou_threshold: float = 0.5
    labels: LabelRule = "match"
    quorum: int | None = None

    def __post_init__(self) -> None:
        check_positive("iou_threshold", self.iou_threshold)
        if self.iou_threshold > 1:
            raise Invalid("iou_threshold: must be <= 1")

    def fit(
        self,
        workers: Ids,
        boxes: Any,
        labels: Ids,
        *,
        annotators: Ids | None = None,
        skills: Skills | None = None,
    ) -> BoxAggregator:
        """Box ``i`` is ``boxes[i]`` = (left, top, width, height), drawn by ``workers[i]`` with
        label ``labels[i]``. ``annotators`` lists all who answered (also with no box);
        ``skills`` maps annotators to positive weights (default 1)."""
        return self._fit_geometry(
            workers, as_boxes(boxes), labels, annotators=annotators, skills=skills
        )

    def fit_responses(
        self, responses: Mapping[Any, Mapping[str, Any]], *, skills: Skills | None = None
    ) -> BoxAggregator:
        """Fit on ``{annotator: imageannotation response}``."""
        workers, stacked, labels = flatten_responses(responses, response_boxes, np.zeros((0, 4)))
        return self.fit(workers, stacked, labels, annotators=list(responses), skills=skills)

    def _pairwise(self, geometry: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        iou = box_iou(geometry, geometry)
        return iou, iou >= self.iou_threshold

    def _fuse(self, geometry: FloatArray, weight: FloatArray) -> FloatArray:
        return np.asarray(np.average(geometry, axis=0, weights=weight), dtype=np.float64)

    def _similarity_to(self, geometry: FloatArray, fused: FloatArray) -> FloatArray:
        return box_iou(geometry, fused[None, :])[:, 0]

    def _render(self, fused: FloatArray, label: Any) -> dict[str, Any]:
        box = dict(zip(_FIELDS, (float(v) for v in fused), strict=True))
        return {"type": "box", "label": label, **box}
