"""One comparison of a response against an expected response, for every task type.

Gold tasks (an annotator's answer against the expected one), training tasks (with the
mistakes as feedback), agreement with the delivered answer and reviews (original against
fixed) all use :func:`score_response`. Responses are the normalized dicts that the task
types' ``validate_response`` returns. Beside the overall score it gives credit per *nuance*
(``label:<name>``, ``attribute:<name>``, ``field:<field_id>``, ``criterion:<id>``,
``taxonomy:<name>``) so that skills can be tracked per label, attribute, field or criterion.
Instance types (``imageannotation``, ``namedentityrecognition``) score F1 over one-to-one
matches, see :mod:`assay.quality.scoring_image` and :mod:`assay.quality.scoring_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from assay.errors import Invalid
from assay.quality._scoring import Score, jaccard, show
from assay.quality.scoring_image import POINT_RADIUS, score_image
from assay.quality.scoring_image import nuances as image_nuances
from assay.quality.scoring_text import entity_nuances, form_nuances, score_entities, score_form

Response = Mapping[str, Any]


def score_response(
    task_type: str,
    params: Mapping[str, Any],
    expected: Response,
    given: Response,
    *,
    iou_threshold: float = 0.5,
    point_radius: float = POINT_RADIUS,
) -> Score:
    """How well ``given`` reproduces ``expected`` for a task of ``task_type`` with ``params``.

    ``iou_threshold`` is the similarity an image object needs to count as found (IoU for
    boxes and polygons; for points and lines the closeness ``1 - distance / point_radius``,
    so at 0.5 a point must lie within half of ``point_radius`` pixels).
    """
    if not 0.0 < iou_threshold <= 1.0:
        raise Invalid(f"iou_threshold: must be in (0, 1], got {iou_threshold!r}")
    if not point_radius > 0.0:
        raise Invalid(f"point_radius: must be positive, got {point_radius!r}")
    if not isinstance(expected, Mapping) or not isinstance(given, Mapping):
        raise Invalid("expected and given responses must be objects")
    if task_type == "imageannotation":
        return score_image(expected, given, threshold=iou_threshold, radius=point_radius)
    return _scorer(task_type)(params, expected, given)


def nuances_of(task_type: str, params: Mapping[str, Any], expected: Response) -> list[str]:
    """The nuances a gold or training task exercises, from its expected response; sorted."""
    if not isinstance(expected, Mapping):
        raise Invalid("the expected response must be an object")
    if task_type == "imageannotation":
        found = image_nuances(expected)
    elif task_type == "namedentityrecognition":
        found = entity_nuances(params, expected)
    elif task_type == "textcollection":
        found = form_nuances(expected)
    elif task_type == "categorization":
        found = _categorization_nuances(expected)
    elif task_type == "comparison":
        found = _comparison_nuances(params, expected)
    else:
        raise _unknown(task_type)
    return sorted(found)


def _scorer(task_type: str) -> Callable[[Mapping[str, Any], Response, Response], Score]:
    scorers: dict[str, Callable[[Mapping[str, Any], Response, Response], Score]] = {
        "categorization": _score_categorization,
        "comparison": _score_comparison,
        "namedentityrecognition": score_entities,
        "textcollection": score_form,
    }
    try:
        return scorers[task_type]
    except KeyError:
        raise _unknown(task_type) from None


def _unknown(task_type: str) -> Invalid:
    return Invalid(f"no scoring for task type {task_type!r}")


# categorization


def _score_categorization(_params: Mapping[str, Any], expected: Response, given: Response) -> Score:
    """One category: 1 if equal. Several: the Jaccard index, each label in either set a
    nuance credited when both agree on it. Taxonomies: a Jaccard index each. Overall: the
    mean over the category part and the taxonomies."""
    if "category" not in expected and "taxonomies" not in expected:
        raise Invalid("response: a category or taxonomies expected")
    parts: list[float] = []
    nuances: dict[str, tuple[float, float]] = {}
    mistakes: list[str] = []
    if "category" in expected:
        want, got = expected["category"], given.get("category")
        if isinstance(want, str) and not isinstance(got, list):
            parts.append(float(want == got))
            nuances[f"label:{want}"] = (parts[-1], 1.0)
            if want != got:
                mistakes.append(f"chose {show(got)} where '{want}' was expected")
        else:
            a, b = _picks(want), _picks(got)
            parts.append(jaccard(a, b))
            nuances.update({f"label:{v}": (float(v in a and v in b), 1.0) for v in sorted(a | b)})
            mistakes += [f"did not choose '{v}'" for v in sorted(a - b)]
            mistakes += [f"chose '{v}', which was not expected" for v in sorted(b - a)]
    if "taxonomies" in expected:
        want_t, got_t = _taxonomies(expected), _taxonomies(given)
        for name, picks in sorted(want_t.items()):
            got_picks = got_t.get(name, [])
            parts.append(jaccard(picks, got_picks))
            nuances[f"taxonomy:{name}"] = (parts[-1], 1.0)
            if parts[-1] < 1.0:
                mistakes.append(
                    f"taxonomy '{name}': chose {show(got_picks)} where {show(picks)} was expected"
                )
    return Score(sum(parts) / len(parts), nuances, tuple(mistakes))


def _categorization_nuances(expected: Response) -> set[str]:
    labels = {f"label:{v}" for v in _picks(expected.get("category"))}
    return labels | {f"taxonomy:{name}" for name in _taxonomies(expected)}


def _picks(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return set(value)
    raise Invalid("response.category: a category or a list of categories expected")


def _taxonomies(response: Response) -> dict[str, list[str]]:
    value = response.get("taxonomies") or {}
    if not isinstance(value, Mapping):
        raise Invalid("response.taxonomies: must be an object")
    return {str(k): sorted(_picks(v)) for k, v in value.items()}


# comparison


def _mode(params: Mapping[str, Any], expected: Response) -> str:
    mode = params.get("mode")
    if isinstance(mode, str):
        return mode
    for key, found in (("choice", "choice"), ("ranking", "ranking"), ("ratings", "rating")):
        if key in expected:
            return found
    return "pairwise"


def _letter(i: int) -> str:
    """Outputs are named as the comparison workspace names them: A, B, ... then #27."""
    return chr(65 + i) if 0 <= i < 26 else f"#{i + 1}"


def _score_comparison(params: Mapping[str, Any], expected: Response, given: Response) -> Score:
    mode = _mode(params, expected)
    if mode == "choice":
        want, got = expected.get("choice"), given.get("choice")
        same = float(want == got)
        wrong = () if same else (f"chose {show(got)} where {show(want)} was expected",)
        return Score(same, {f"label:{want}": (same, 1.0)}, wrong)
    if mode == "pairwise":
        want_p, got_p = _verdict(expected), _verdict(given)
        if want_p == got_p:
            return Score(1.0, {}, ())
        said = "called a tie" if got_p == "a tie" else f"preferred {got_p}"
        return Score(0.0, {}, (f"{said} where {want_p} was expected",))
    if mode == "ranking":
        return _score_ranking(expected, given)
    if mode == "rating":
        return _score_ratings(params, expected, given)
    raise Invalid(f"comparison: unknown mode {mode!r}")


def _verdict(response: Response) -> str:
    if response.get("tie"):
        return "a tie"
    preferred = response.get("preferred")
    if not isinstance(preferred, int):
        raise Invalid("response: a preferred output or a tie expected")
    return f"output {_letter(preferred)}"


def _score_ranking(expected: Response, given: Response) -> Score:
    """The share of pairs of outputs that both rankings order the same way (Kendall)."""
    want, got = expected.get("ranking"), given.get("ranking")
    if not isinstance(want, list) or not isinstance(got, list) or sorted(want) != sorted(got):
        raise Invalid("response.ranking: both rankings must order the same outputs")
    n = len(want)
    if n < 2:
        return Score(1.0, {}, ())
    # rank[o]: position of output o; pair (i, j) of positions in the expected order.
    rank = {o: p for p, o in enumerate(got)}
    positions = np.array([rank[o] for o in want])
    i, j = np.triu_indices(n, k=1)
    swapped = positions[i] > positions[j]
    total = i.shape[0]
    if not swapped.any():
        return Score(1.0, {}, ())
    first = int(np.argmax(swapped))
    above, below = want[int(j[first])], want[int(i[first])]
    mistake = (
        f"ordered {int(swapped.sum())} of {total} pairs of outputs the other way "
        f"(e.g. output {_letter(above)} above output {_letter(below)})"
    )
    return Score(float(1.0 - swapped.mean()), {}, (mistake,))


def _score_ratings(params: Mapping[str, Any], expected: Response, given: Response) -> Score:
    """Per criterion, the mean over outputs of ``1 - |difference| / (max - min)``."""
    rubric = {
        c["id"]: c for c in params.get("rubric") or [] if isinstance(c, Mapping) and "id" in c
    }
    want, got = expected.get("ratings"), given.get("ratings")
    if not isinstance(want, list) or not isinstance(got, list):
        raise Invalid("response.ratings: a list of ratings per output expected")
    criteria = sorted({c for r in want if isinstance(r, Mapping) for c in r})
    credit: dict[str, float] = {}
    mistakes: list[str] = []
    for cid in criteria:
        spec = rubric.get(cid, {})
        low, high = spec.get("min", 1), spec.get("max", 5)
        width = (high - low) or 1
        shares = []
        for k, rating in enumerate(want):
            a = rating.get(cid) if isinstance(rating, Mapping) else None
            b = got[k].get(cid) if k < len(got) and isinstance(got[k], Mapping) else None
            if a is None:
                continue
            shares.append(0.0 if b is None else max(0.0, 1.0 - abs(a - b) / width))
            if a != b:
                mistakes.append(
                    f"rated '{spec.get('title', cid)}' of output {_letter(k)} {show(b)} "
                    f"where {show(a)} was expected"
                )
        credit[f"criterion:{cid}"] = sum(shares) / len(shares) if shares else 1.0
    overall = sum(credit.values()) / len(credit) if credit else 1.0
    return Score(overall, {k: (v, 1.0) for k, v in credit.items()}, tuple(mistakes))


def _comparison_nuances(params: Mapping[str, Any], expected: Response) -> set[str]:
    mode = _mode(params, expected)
    if mode == "choice":
        return {f"label:{expected.get('choice')}"}
    if mode == "rating":
        ratings = expected.get("ratings") or []
        return {f"criterion:{c}" for r in ratings if isinstance(r, Mapping) for c in r}
    return set()


__all__ = ["Score", "nuances_of", "score_response"]
