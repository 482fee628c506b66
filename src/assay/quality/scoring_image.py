"""Scoring of ``imageannotation`` responses: objects matched one-to-one, F1 over the matches.

Per geometry type, expected and given objects are paired by the Hungarian method, most true
positives first (similarity at least the threshold and the same label), then the most summed
similarity. Similarity: boxes by IoU (a rotated box as the polygon of its corners; rotation in
radians, clockwise about the centre, as the annotation tool draws it); polygons by rasterized
IoU; points by the points module's closeness ``1 - distance / radius``; lines by that closeness
of their mean distance, both lines resampled to evenly spaced points along their length and
compared point by point, the closer of the two directions counting (a line drawn backwards is
the same line).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality._scoring import Score, f1_score, items, show, values_equal
from assay.quality.boxes import as_boxes, box_iou
from assay.quality.judgments import FloatArray
from assay.quality.points import closeness, point_distance
from assay.quality.polygons import as_vertices, polygon_iou

KINDS = ("box", "polygon", "line", "point")
# Points and lines: the distance (pixels) at which closeness falls to 0, as PointAggregator's.
POINT_RADIUS = 10.0
# A polygon pair is rasterized with its larger object at least this many pixels across, so
# that small polygons still get a fine IoU (at 1 px per unit a 5 px polygon is a few pixels).
_RASTER = 64.0
# Points a line is resampled to before comparing.
_LINE_SAMPLES = 64

Obj = Mapping[str, Any]


def score_image(
    expected: Mapping[str, Any], given: Mapping[str, Any], *, threshold: float, radius: float
) -> Score:
    """F1 of the objects of ``given`` against those of ``expected``; attributes of the true
    positives are nuances of their own and leave the overall score alone."""
    e_all, g_all = items(expected, "annotations", list), items(given, "annotations", list)
    e_labels, g_labels, hits, mistakes = [], [], [], []
    attributes: dict[str, list[float]] = {}
    for kind in KINDS:
        e, g = _of_kind(e_all, kind), _of_kind(g_all, kind)
        el, gl = [o["label"] for o in e], [o["label"] for o in g]
        e_labels += el
        g_labels += gl
        sim = _SIMILARITY[kind](e, g, radius) if e and g else np.zeros((len(e), len(g)))
        partner = dict(match(sim, el, gl, threshold))
        for i, obj in enumerate(e):
            j = partner.get(i)
            if j is None:
                mistakes.append(f"missed a '{el[i]}' {kind}")
                continue
            s, same = float(sim[i, j]), el[i] == gl[j]
            if s >= threshold and same:
                hits.append(el[i])
                mistakes += _compare_attributes(obj, g[j], kind, attributes)
            elif s >= threshold:
                mistakes.append(f"labelled '{gl[j]}' where '{el[i]}' was expected")
            elif same:
                mistakes.append(
                    f"the '{el[i]}' {kind} is off ({_how_far(kind, s, threshold, radius)})"
                )
            else:
                mistakes += [f"missed a '{el[i]}' {kind}", f"extra '{gl[j]}' {kind}"]
        matched = set(partner.values())
        mistakes += [f"extra '{gl[j]}' {kind}" for j in range(len(g)) if j not in matched]
    extra = {f"attribute:{k}": (v[0], v[1]) for k, v in sorted(attributes.items())}
    return f1_score(e_labels, g_labels, hits, mistakes, extra)


def nuances(expected: Mapping[str, Any]) -> set[str]:
    """The labels and attribute names of the expected objects."""
    out: set[str] = set()
    for kind in KINDS:
        for obj in _of_kind(items(expected, "annotations", list), kind):
            out.add(f"label:{obj['label']}")
            out.update(f"attribute:{name}" for name in obj.get("attributes") or {})
    return out


def match(
    similarity: FloatArray, e_labels: Sequence[Any], g_labels: Sequence[Any], threshold: float
) -> list[tuple[int, int]]:
    """One-to-one pairs ``(expected, given)`` of positive similarity: the most true positives
    (at least ``threshold``, same label), then the most summed similarity."""
    n, m = similarity.shape
    if n == 0 or m == 0:
        return []
    same = np.asarray(e_labels, dtype=object)[:, None] == np.asarray(g_labels, dtype=object)
    hit = (similarity >= threshold) & same
    # The bonus exceeds any possible sum of similarities, so true positives come first.
    gain = np.where(similarity > 0, similarity + (min(n, m) + 1) * hit, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if gain[i, j] > 0]


def _of_kind(annotations: list[Any], kind: str) -> list[Obj]:
    out = []
    for i, obj in enumerate(annotations):
        if not isinstance(obj, Mapping) or obj.get("type") not in KINDS:
            raise Invalid(f"annotations.{i}: an object with a type of {KINDS} expected")
        if not isinstance(obj.get("label"), str):
            raise Invalid(f"annotations.{i}: label must be a string")
        if obj["type"] == kind:
            out.append(obj)
    return out


def _compare_attributes(
    expected: Obj, given: Obj, kind: str, tally: dict[str, list[float]]
) -> list[str]:
    mistakes = []
    got = given.get("attributes") or {}
    for name, want in (expected.get("attributes") or {}).items():
        ok = values_equal(want, got.get(name))
        entry = tally.setdefault(name, [0.0, 0.0])
        entry[0] += float(ok)
        entry[1] += 1.0
        if not ok:
            mistakes.append(
                f"attribute '{name}' of a '{expected['label']}' {kind}: "
                f"expected {show(want)}, got {show(got.get(name))}"
            )
    return mistakes


def _how_far(kind: str, similarity: float, threshold: float, radius: float) -> str:
    if kind in ("box", "polygon"):
        return f"IoU {similarity:.2f}, needs {threshold:.2f}"
    # closeness = 1 - distance / radius, so the distance is read back from it.
    away = f"{(1 - similarity) * radius:.1f} px"
    need = f"needs {(1 - threshold) * radius:.1f} or less"
    if kind == "point":
        return f"{away} away, {need}"
    return f"{away} from the expected line on average, {need}"


def _box_similarity(e: list[Obj], g: list[Obj], _radius: float) -> FloatArray:
    (eb, er), (gb, gr) = _boxes(e), _boxes(g)
    iou = box_iou(eb, gb)
    for i, j in zip(*np.nonzero((er != 0)[:, None] | (gr != 0)[None, :]), strict=True):
        iou[i, j] = _polygon_iou(_corners(eb[i], er[i]), _corners(gb[j], gr[j]))
    return iou


def _boxes(objs: list[Obj]) -> tuple[FloatArray, FloatArray]:
    try:
        rows = [[float(o[f]) for f in ("left", "top", "width", "height")] for o in objs]
        rotation = np.array([float(o.get("rotation") or 0.0) for o in objs])
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid("a box needs numeric left, top, width and height") from exc
    return as_boxes(rows), rotation


def _corners(box: FloatArray, rotation: float) -> FloatArray:
    left, top, width, height = box
    dx = np.array([-width, width, width, -width]) / 2
    dy = np.array([-height, -height, height, height]) / 2
    c, s = math.cos(rotation), math.sin(rotation)
    # y grows downwards in an image, so this matrix turns clockwise on screen.
    return np.stack([left + width / 2 + dx * c - dy * s, top + height / 2 + dx * s + dy * c], 1)


def _polygon_similarity(e: list[Obj], g: list[Obj], _radius: float) -> FloatArray:
    ev = [as_vertices(o.get("vertices")) for o in e]
    gv = [as_vertices(o.get("vertices")) for o in g]
    return np.array([[_polygon_iou(a, b) for b in gv] for a in ev], dtype=np.float64)


def _polygon_iou(a: FloatArray, b: FloatArray) -> float:
    if (np.minimum(a.max(0), b.max(0)) <= np.maximum(a.min(0), b.min(0))).any():
        return 0.0  # bounding rectangles apart: nothing to rasterize
    extent = float(max(np.ptp(a, axis=0).max(), np.ptp(b, axis=0).max()))
    return polygon_iou(a, b, scale=max(1.0, _RASTER / extent))


def _point_similarity(e: list[Obj], g: list[Obj], radius: float) -> FloatArray:
    return closeness(point_distance(_points(e), _points(g)), radius)


def _points(objs: list[Obj]) -> list[list[float]]:
    try:
        return [[float(o["x"]), float(o["y"])] for o in objs]
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid("a point needs numeric x and y") from exc


def _line_similarity(e: list[Obj], g: list[Obj], radius: float) -> FloatArray:
    a = np.stack([_resample(_line(o)) for o in e])
    b = np.stack([_resample(_line(o)) for o in g])
    forward = np.linalg.norm(a[:, None] - b[None, :], axis=3).mean(axis=2)
    backward = np.linalg.norm(a[:, None] - b[None, :, ::-1], axis=3).mean(axis=2)
    return closeness(np.minimum(forward, backward), radius)


def _line(obj: Obj) -> FloatArray:
    vertices = obj.get("vertices")
    try:
        array = np.array([[float(v["x"]), float(v["y"])] for v in vertices or []])
    except (KeyError, TypeError, ValueError) as exc:
        raise Invalid("a line's vertices need numeric x and y") from exc
    if array.shape[0] < 2 or not np.isfinite(array).all():
        raise Invalid("a line needs at least 2 finite vertices")
    return array


def _resample(vertices: FloatArray) -> FloatArray:
    """``_LINE_SAMPLES`` points evenly spaced along the polyline, first vertex to last."""
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(vertices, axis=0), axis=1))])
    if along[-1] == 0:
        return np.repeat(vertices[:1], _LINE_SAMPLES, axis=0)
    t = np.linspace(0.0, along[-1], _LINE_SAMPLES)
    return np.stack([np.interp(t, along, vertices[:, 0]), np.interp(t, along, vertices[:, 1])], 1)


_SIMILARITY: dict[str, Callable[[list[Obj], list[Obj], float], FloatArray]] = {
    "box": _box_similarity,
    "polygon": _polygon_similarity,
    "line": _line_similarity,
    "point": _point_similarity,
}
