"""What the per-type scorers share: the :class:`Score` they return, the F1 tally of instance
types (image objects, entity spans) and how values are written in mistake sentences."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assay.errors import Invalid


@dataclass(frozen=True, slots=True)
class Score:
    """One response compared with an expected one.

    ``score`` is in [0, 1] (1: identical in every way that matters). ``nuances`` maps a nuance
    (``label:car``, ``attribute:occluded``, ``field:name``, ``criterion:helpful``,
    ``taxonomy:color``) to ``(credit, weight)`` with ``0 <= credit <= weight`` and
    ``weight > 0``, so that skills can be estimated per nuance. ``mistakes`` are short
    sentences for the annotator's feedback.
    """

    score: float
    nuances: dict[str, tuple[float, float]]
    mistakes: tuple[str, ...]


def f1_score(
    expected: Sequence[str],
    given: Sequence[str],
    hits: Sequence[str],
    mistakes: Iterable[str],
    extra: Mapping[str, tuple[float, float]] | None = None,
) -> Score:
    """The score of an instance type from the labels of the expected and given instances and
    of the true positives: ``2 TP / (n_expected + n_given)`` (1 when both are empty). Nuance
    ``label:L`` has credit ``TP_L`` and weight ``(n_expected_L + n_given_L) / 2``, so that
    credit over weight is the label's own F1. ``extra`` nuances are added as they are."""
    n = len(expected) + len(given)
    overall = 1.0 if n == 0 else 2.0 * len(hits) / n
    count_e, count_g, count_tp = Counter(expected), Counter(given), Counter(hits)
    nuances = {
        f"label:{label}": (float(count_tp[label]), (count_e[label] + count_g[label]) / 2)
        for label in sorted(count_e.keys() | count_g.keys())
    }
    nuances.update(extra or {})
    return Score(overall, nuances, tuple(mistakes))


def mean_score(parts: Mapping[str, float], mistakes: Iterable[str]) -> Score:
    """Each part is one nuance of weight 1; the overall score is their mean (1 if none)."""
    overall = sum(parts.values()) / len(parts) if parts else 1.0
    return Score(overall, {k: (v, 1.0) for k, v in parts.items()}, tuple(mistakes))


def jaccard(expected: Iterable[Any], given: Iterable[Any]) -> float:
    """Intersection over union of two sets; two empty sets agree fully."""
    a, b = set(expected), set(given)
    return len(a & b) / len(a | b) if a | b else 1.0


def values_equal(a: Any, b: Any) -> bool:
    """Equality for answers: numbers within 1e-9 relative, lists as sets, booleans only
    equal booleans (``True`` is not ``1``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0) or a == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return _as_set(a) == _as_set(b)
    return bool(a == b)


def _as_set(values: Sequence[Any]) -> set[Any]:
    try:
        return set(values)
    except TypeError:  # unhashable members (objects): compare their text
        return {repr(v) for v in values}


def show(value: Any) -> str:
    """A value as a mistake sentence writes it: 'text', true, 3.5, nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show(v) for v in value) if value else "nothing"
    return f"'{value}'"


def items(response: Mapping[str, Any], key: str, kind: type) -> Any:
    """``response[key]`` checked to be a ``kind`` (list or dict); Invalid otherwise."""
    if not isinstance(response, Mapping):
        raise Invalid("response: must be an object")
    value = response.get(key)
    if not isinstance(value, kind):
        raise Invalid(f"response: {key!r} must be a {kind.__name__}")
    return value
