"""Text spans (``namedentityrecognition``): span-level weighted voting, exact or overlap-aware."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from assay.errors import Invalid
from assay.quality._instances import InstanceAggregator, LabelRule, Skills, flatten_responses
from assay.quality.base import check_positive
from assay.quality.boxes import match_score
from assay.quality.judgments import FloatArray, Ids, IntArray

SpanMatch = Literal["exact", "overlap"]


def as_spans(spans: Any) -> IntArray:
    """``(n, 2)`` integer array of half-open ``[start, end)`` offsets, ``0 <= start < end``."""
    array = np.asarray(spans)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.intp)
    if array.ndim != 2 or array.shape[1] != 2 or array.dtype.kind not in "iu":
        raise Invalid(f"spans: expected integer rows of (start, end), got {array.shape}")
    if (array[:, 0] < 0).any() or (array[:, 1] <= array[:, 0]).any():
        raise Invalid("spans: need 0 <= start < end")
    return array.astype(np.intp)


def span_iou(a: Any, b: Any) -> FloatArray:
    """``(n, m)`` overlap over union, in characters, of every span of ``a`` with every one of
    ``b``."""
    a, b = as_spans(a), as_spans(b)
    inter = np.clip(
        np.minimum(a[:, None, 1], b[None, :, 1]) - np.maximum(a[:, None, 0], b[None, :, 0]),
        0,
        None,
    )
    length_a = a[:, 1] - a[:, 0]
    length_b = b[:, 1] - b[:, 0]
    union = length_a[:, None] + length_b[None, :] - inter
    return np.asarray(inter / union, dtype=np.float64)


def response_spans(response: Mapping[str, Any]) -> tuple[IntArray, list[Any]]:
    """The spans of a ``namedentityrecognition`` response, and their labels."""
    annotations = response.get("annotations")
    if not isinstance(annotations, list):
        raise Invalid("response: 'annotations' must be a list")
    rows, labels = [], []
    for i, ann in enumerate(annotations):
        if not isinstance(ann, Mapping):
            raise Invalid(f"annotations.{i}: must be an object")
        start, end = ann.get("start"), ann.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            raise Invalid(f"annotations.{i}: a span needs integer start and end")
        rows.append([start, end])
        labels.append(ann.get("label"))
    return as_spans(np.asarray(rows, dtype=np.intp)), labels


def score_spans(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    *,
    match: SpanMatch = "exact",
    match_labels: bool = True,
) -> float:
    """How well the spans of ``actual`` reproduce ``expected`` (gold), in [0, 1]. ``"exact"``:
    the share of spans matched exactly (F1-like: over the larger count); ``"overlap"``: the
    IoU of each matched pair, averaged over the larger count."""
    a, a_labels = response_spans(expected)
    b, b_labels = response_spans(actual)
    iou = span_iou(a, b)
    valid = iou > 0
    if match == "exact":
        valid, iou = iou == 1.0, (iou == 1.0).astype(np.float64)
    if match_labels:
        valid &= np.asarray(a_labels, dtype=object)[:, None] == np.asarray(b_labels, dtype=object)
    return match_score(iou, valid)


@dataclass
class SpanAggregator(InstanceAggregator):
    """Vote the spans several annotators marked in one text.

    ``match="exact"``: only identical ``[start, end)`` spans cluster; ``"overlap"``: spans that
    overlap by at least ``iou_threshold`` (characters, over the union) cluster, one per
    annotator, and the fused boundaries are the ``(start, end)`` pair with the most weight
    (ties: the earliest, then the shortest). ``labels`` and ``quorum`` as for
    :class:`~assay.quality.boxes.BoxAggregator`; a span's confidence is the supporting share of
    weight times its members' mean IoU with it (exact: the share alone).
    """

    match: SpanMatch = "exact"
    iou_threshold: float = 0.5
    labels: LabelRule = "match"
    quorum: int | None = None

    def __post_init__(self) -> None:
        if self.match not in ("exact", "overlap"):
            raise Invalid(f"match: must be 'exact' or 'overlap', got {self.match!r}")
        check_positive("iou_threshold", self.iou_threshold)
        if self.iou_threshold > 1:
            raise Invalid("iou_threshold: must be <= 1")

    def fit(
        self,
        workers: Ids,
        spans: Any,
        labels: Ids,
        *,
        annotators: Ids | None = None,
        skills: Skills | None = None,
    ) -> SpanAggregator:
        """Span ``i`` is ``spans[i]`` = (start, end), marked by ``workers[i]`` as ``labels[i]``."""
        return self._fit_geometry(
            workers, as_spans(spans), labels, annotators=annotators, skills=skills
        )

    def fit_responses(
        self, responses: Mapping[Any, Mapping[str, Any]], *, skills: Skills | None = None
    ) -> SpanAggregator:
        """Fit on ``{annotator: namedentityrecognition response}``."""
        workers, stacked, labels = flatten_responses(
            responses, response_spans, np.zeros((0, 2), dtype=np.intp)
        )
        return self.fit(workers, stacked, labels, annotators=list(responses), skills=skills)

    def _pairwise(self, geometry: IntArray) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
        iou = span_iou(geometry, geometry)
        threshold = 1.0 if self.match == "exact" else self.iou_threshold
        return iou, iou >= threshold

    def _fuse(self, geometry: IntArray, weight: FloatArray) -> IntArray:
        pairs, index = np.unique(geometry, axis=0, return_inverse=True)
        totals = np.bincount(index.reshape(-1), weight, minlength=pairs.shape[0])
        # np.unique sorts the pairs by (start, end): argmax of the first maximum breaks ties.
        best = int(np.argmax(totals >= totals.max() - 1e-12 * totals.max()))
        return np.asarray(pairs[best], dtype=np.intp)

    def _similarity_to(self, geometry: IntArray, fused: IntArray) -> FloatArray:
        return span_iou(geometry, fused[None, :])[:, 0]

    def _render(self, fused: IntArray, label: Any) -> dict[str, Any]:
        return {"start": int(fused[0]), "end": int(fused[1]), "label": label}
