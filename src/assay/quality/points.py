"""Points (keypoints): clustering within a pixel radius and skill-weighted fusion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality._instances import InstanceAggregator, LabelRule, Skills
from assay.quality.base import check_positive
from assay.quality.boxes import match_score
from assay.quality.judgments import FloatArray, Ids


def as_points(points: Any) -> FloatArray:
    """``(n, 2)`` float array of ``(x, y)``; bad shapes are Invalid."""
    array = np.asarray(points, dtype=np.float64)
    if array.size == 0:
        return np.zeros((0, 2))
    if array.ndim != 2 or array.shape[1] != 2 or not np.isfinite(array).all():
        raise Invalid(f"points: expected finite rows of (x, y), got shape {array.shape}")
    return array


def point_distance(a: Any, b: Any) -> FloatArray:
    """``(n, m)`` Euclidean distances between the points of ``a`` and of ``b``."""
    a, b = as_points(a), as_points(b)
    return np.asarray(np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2), dtype=np.float64)


def closeness(distance: FloatArray, radius: float) -> FloatArray:
    """Similarity in [0, 1]: 1 at the same spot, falling linearly to 0 at ``radius``."""
    return np.asarray(np.clip(1.0 - distance / radius, 0.0, 1.0), dtype=np.float64)


def response_points(response: Mapping[str, Any]) -> tuple[FloatArray, list[Any]]:
    """The points of an ``imageannotation`` response (other geometries ignored), and labels."""
    annotations = response.get("annotations")
    if not isinstance(annotations, list):
        raise Invalid("response: 'annotations' must be a list")
    rows, labels = [], []
    for i, ann in enumerate(annotations):
        if not isinstance(ann, Mapping) or ann.get("type") != "point":
            continue
        try:
            rows.append([float(ann["x"]), float(ann["y"])])
        except (KeyError, TypeError, ValueError) as exc:
            raise Invalid(f"annotations.{i}: a point needs numeric x and y") from exc
        labels.append(ann.get("label"))
    return as_points(rows), labels


def score_points(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    *,
    radius: float,
    match_labels: bool = True,
) -> float:
    """How well the points of ``actual`` reproduce ``expected`` (gold), in [0, 1]: the
    closeness of each matched pair (within ``radius``, same label unless ``match_labels`` is
    false), averaged over the larger point count."""
    check_positive("radius", radius)
    a, a_labels = response_points(expected)
    b, b_labels = response_points(actual)
    distance = point_distance(a, b)
    valid = distance <= radius
    if match_labels:
        valid &= np.asarray(a_labels, dtype=object)[:, None] == np.asarray(b_labels, dtype=object)
    return match_score(closeness(distance, radius), valid)


@dataclass
class PointAggregator(InstanceAggregator):
    """Fuse the points several annotators placed on one image.

    Points of different annotators within ``radius`` pixels of every member of a cluster join
    it (one per annotator, matched by the Hungarian method on closeness); ``labels`` and
    ``quorum`` as for :class:`~assay.quality.boxes.BoxAggregator`. The fused point is the
    skill-weighted mean; its confidence the supporting share of weight times the members' mean
    closeness to it (1 - distance / radius).
    """

    radius: float = 10.0
    labels: LabelRule = "match"
    quorum: int | None = None

    def __post_init__(self) -> None:
        check_positive("radius", self.radius)

    def fit(
        self,
        workers: Ids,
        points: Any,
        labels: Ids,
        *,
        annotators: Ids | None = None,
        skills: Skills | None = None,
    ) -> PointAggregator:
        """Point ``i`` is ``points[i]`` = (x, y), placed by ``workers[i]`` with ``labels[i]``."""
        return self._fit_geometry(
            workers, as_points(points), labels, annotators=annotators, skills=skills
        )

    def fit_responses(
        self, responses: Mapping[Any, Mapping[str, Any]], *, skills: Skills | None = None
    ) -> PointAggregator:
        """Fit on ``{annotator: imageannotation response}``."""
        workers: list[Any] = []
        rows: list[FloatArray] = []
        labels: list[Any] = []
        for worker, response in responses.items():
            points, names = response_points(response)
            workers += [worker] * len(names)
            rows.append(points)
            labels += names
        stacked = np.concatenate(rows) if rows else np.zeros((0, 2))
        return self.fit(workers, stacked, labels, annotators=list(responses), skills=skills)

    def _pairwise(self, geometry: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        distance = point_distance(geometry, geometry)
        return closeness(distance, self.radius), distance <= self.radius

    def _fuse(self, geometry: FloatArray, weight: FloatArray) -> FloatArray:
        return np.asarray(np.average(geometry, axis=0, weights=weight), dtype=np.float64)

    def _similarity_to(self, geometry: FloatArray, fused: FloatArray) -> FloatArray:
        return closeness(point_distance(geometry, fused[None, :])[:, 0], self.radius)

    def _render(self, fused: FloatArray, label: Any) -> dict[str, Any]:
        return {"type": "point", "label": label, "x": float(fused[0]), "y": float(fused[1])}
