"""Scoring of text task types: ``namedentityrecognition`` spans and ``textcollection`` forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality._scoring import Score, f1_score, items, jaccard, mean_score, show, values_equal
from assay.quality.spans import span_iou
from assay.quality.text import normalize

# Span texts longer than this are shortened in mistake sentences.
_SHOWN = 40


class _Span(NamedTuple):
    start: int
    end: int
    label: str
    text: str


def score_entities(
    params: Mapping[str, Any], expected: Mapping[str, Any], given: Mapping[str, Any]
) -> Score:
    """True positives are spans with the same ``(start, end, label)``. Of the rest, spans on
    the same offsets pair up as wrong labels, overlapping spans of one label as wrong
    boundaries; what is left is missed or extra."""
    e, g = _spans(params, expected), _spans(params, given)
    found = {s[:3] for s in g}
    hits = [s for s in e if s[:3] in found]
    exact = {s[:3] for s in e}
    rest_e = [s for s in e if s[:3] not in found]
    rest_g = [s for s in g if s[:3] not in exact]
    mistakes = []
    partner = dict(_pair(rest_e, rest_g))
    for i, want in enumerate(rest_e):
        j = partner.get(i)
        if j is None:
            mistakes.append(f"missed the '{want.label}' span {_quote(want.text)}")
        elif (rest_g[j].start, rest_g[j].end) == (want.start, want.end):
            mistakes.append(
                f"labelled {_quote(want.text)} as '{rest_g[j].label}' "
                f"where '{want.label}' was expected"
            )
        else:
            mistakes.append(
                f"marked {_quote(rest_g[j].text)} as '{want.label}' where "
                f"{_quote(want.text)} was expected (wrong boundaries)"
            )
    paired = set(partner.values())
    mistakes += [
        f"extra '{s.label}' span {_quote(s.text)}" for j, s in enumerate(rest_g) if j not in paired
    ]
    return f1_score([s.label for s in e], [s.label for s in g], [s.label for s in hits], mistakes)


def entity_nuances(params: Mapping[str, Any], expected: Mapping[str, Any]) -> set[str]:
    return {f"label:{s.label}" for s in _spans(params, expected)}


def _spans(params: Mapping[str, Any], response: Mapping[str, Any]) -> list[_Span]:
    text = params.get("text")
    out = []
    for i, span in enumerate(items(response, "annotations", list)):
        if not isinstance(span, Mapping):
            raise Invalid(f"annotations.{i}: must be an object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
            raise Invalid(f"annotations.{i}: a span needs integer 0 <= start < end")
        if not isinstance(label, str):
            raise Invalid(f"annotations.{i}: label must be a string")
        piece = span.get("text")
        if not isinstance(piece, str):
            piece = text[start:end] if isinstance(text, str) else f"[{start}, {end})"
        out.append(_Span(start, end, label, piece))
    return out


def _pair(e: Sequence[_Span], g: Sequence[_Span]) -> list[tuple[int, int]]:
    """One-to-one pairs of the spans that are not true positives: same offsets (a wrong
    label) first, then overlapping spans of one label, the most overlap first."""
    if not e or not g:
        return []
    iou = span_iou([[s.start, s.end] for s in e], [[s.start, s.end] for s in g])
    same_label = np.array([[a.label == b.label for b in g] for a in e])
    # Above any sum of overlap pairs, so every same-offsets pair that can be made is made.
    gain = np.where(iou == 1.0, len(e) + 2.0, np.where(same_label & (iou > 0), iou, 0.0))
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if gain[i, j] > 0]


def _quote(text: str) -> str:
    return f"'{text}'" if len(text) <= _SHOWN else f"'{text[: _SHOWN - 1]}…'"


def score_form(
    params: Mapping[str, Any], expected: Mapping[str, Any], given: Mapping[str, Any]
) -> Score:
    """Each field of the expected response is one nuance ``field:<id>``: categories by the
    Jaccard index of the choices, texts equal after :func:`~assay.quality.text.normalize`,
    numbers numerically, dates as instants; a field left out scores 0."""
    want, got = _answers(expected), _answers(given)
    specs = {f.get("field_id"): f for f in params.get("fields") or [] if isinstance(f, Mapping)}
    parts: dict[str, float] = {}
    mistakes = []
    for fid, (answer_type, values) in want.items():
        spec = specs.get(fid, {})
        given_values = got[fid][1] if fid in got else []
        credit = _field_credit(spec.get("type", answer_type), values, given_values)
        parts[f"field:{fid}"] = credit
        if credit < 1.0:
            answer = _show_answer(given_values) if given_values else "no answer"
            mistakes.append(
                f"'{spec.get('title', fid)}': expected {_show_answer(values)}, got {answer}"
            )
    return mean_score(parts, mistakes)


def form_nuances(expected: Mapping[str, Any]) -> set[str]:
    return {f"field:{fid}" for fid in _answers(expected)}


def _answers(response: Mapping[str, Any]) -> dict[str, tuple[str, list[Any]]]:
    """``{field_id: (type, answer list)}`` of one respondent's normalized response."""
    out = {}
    for fid, answer in items(response, "annotations", dict).items():
        lists = answer.get("response") if isinstance(answer, Mapping) else None
        if not isinstance(lists, list) or len(lists) != 1 or not isinstance(lists[0], list):
            raise Invalid(f"annotations.{fid}: one respondent's answer list expected")
        out[str(fid)] = (str(answer.get("type") or "text"), lists[0])
    return out


def _field_credit(kind: str, want: list[Any], got: list[Any]) -> float:
    if kind == "category":
        return jaccard(want, got)
    if len(want) != len(got):
        return 0.0
    same = {"text": _same_text, "datetime": _same_instant}.get(kind, values_equal)
    return float(all(same(a, b) for a, b in zip(want, got, strict=True)))


def _same_text(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return normalize(a) == normalize(b)
    return values_equal(a, b)


def _same_instant(a: Any, b: Any) -> bool:
    try:
        return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except (TypeError, ValueError):
        return values_equal(a, b)


def _show_answer(values: list[Any]) -> str:
    return show(values[0]) if len(values) == 1 else show(values)
