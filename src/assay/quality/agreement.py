"""Inter-annotator agreement: Krippendorff's alpha, and mean pairwise scores for the task
types whose answers are not one categorical value.

Alpha is ``1 - D_o / D_e``: the disagreement observed within items over the disagreement
expected by chance from all pairable values. Both come from the coincidence matrix ``o``
(``o[c, k]``: how often values ``c`` and ``k`` were paired within an item, each item's pairs
weighted ``1 / (m_u - 1)``), built sparse from the long format. The interval and ordinal
distances are squared differences of a position per value: the value itself, or (ordinal)
its mid-rank among the pairable values, which is Krippendorff's ordinal metric
``(sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2``. So the expected disagreement needs only the
value marginals, never the dense value-by-value matrix.

K. Krippendorff. Computing Krippendorff's Alpha-Reliability. University of Pennsylvania, 2011.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from assay.errors import Invalid
from assay.quality.judgments import FloatArray, IntArray
from assay.quality.scoring import score_response

Level = Literal["nominal", "ordinal", "interval"]


def krippendorff_alpha(
    items: Sequence[Hashable],
    coders: Sequence[Hashable],
    values: Sequence[Hashable],
    *,
    level: Level = "nominal",
) -> float | None:
    """Krippendorff's alpha from one row per ``(item, coder, value)``.

    Items with fewer than two values cannot be paired and are ignored. ``None`` when nothing
    is pairable or the pairable values do not vary (no disagreement is expected by chance).
    A coder may give an item only one value. ``nominal`` values are any hashables;
    ``ordinal`` values must sort; ``interval`` values must be finite numbers.
    """
    if level not in ("nominal", "ordinal", "interval"):
        raise Invalid(f"level: must be nominal, ordinal or interval, got {level!r}")
    n_rows = len(items)
    if len(coders) != n_rows or len(values) != n_rows:
        raise Invalid("items, coders and values must be of one length")
    if n_rows == 0:
        return None
    unit, n_units = _factorize(items)
    coder, n_coders = _factorize(coders)
    _check_one_value_each(unit * n_coders + coder, items, coders)
    code, position = _encode_values(values, level)

    per_unit = np.bincount(unit, minlength=n_units)
    pairable = per_unit[unit] >= 2
    if not pairable.any():
        return None
    unit, code = unit[pairable], code[pairable]
    n_values = position.shape[0] if level != "nominal" else int(code.max()) + 1
    marginal = np.bincount(code, minlength=n_values).astype(np.float64)
    if np.count_nonzero(marginal) < 2:
        return None
    o = _coincidences(unit, code, per_unit, n_units, n_values)
    n = float(marginal.sum())
    if level == "nominal":
        off = o.row != o.col
        observed = float(o.data[off].sum())
        expected = n * n - float(marginal @ marginal)
    else:
        if level == "ordinal":
            # Mid-ranks of the sorted values among the pairable ones.
            position = np.cumsum(marginal) - marginal / 2
        position = position - (marginal @ position) / n  # centred: a stable variance below
        observed = float((o.data * (position[o.row] - position[o.col]) ** 2).sum())
        # sum_{c,k} n_c n_k (z_c - z_k)^2 = 2 n sum_c n_c z_c^2 when sum_c n_c z_c = 0.
        expected = 2.0 * n * float(marginal @ position**2)
    return 1.0 - (n - 1.0) * observed / expected


def pairwise_agreement(
    task_type: str,
    params: Mapping[str, Any],
    responses: Sequence[Mapping[str, Any]],
    *,
    iou_threshold: float = 0.5,
) -> float | None:
    """The mean, over unordered pairs of judgments, of their symmetric score (the mean of
    :func:`~assay.quality.scoring.score_response` both ways); ``None`` with fewer than two."""
    if len(responses) < 2:
        return None
    total = 0.0
    pairs = list(combinations(responses, 2))
    for a, b in pairs:
        ab = score_response(task_type, params, a, b, iou_threshold=iou_threshold).score
        ba = score_response(task_type, params, b, a, iou_threshold=iou_threshold).score
        total += (ab + ba) / 2
    return total / len(pairs)


def _factorize(values: Sequence[Hashable]) -> tuple[IntArray, int]:
    """Codes ``0..k-1`` of the values, and ``k``. Equal means equal in Python (``1 == 1.0``);
    mixed types that do not sort fall back to a dictionary."""
    array = _as_array(values)
    try:
        uniques, codes = np.unique(array, return_inverse=True)
        return codes.reshape(-1).astype(np.intp), int(uniques.shape[0])
    except TypeError:
        index: dict[Hashable, int] = {}
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in values), dtype=np.intp, count=len(values)
        )
        return codes, len(index)


def _as_array(values: Sequence[Hashable]) -> npt.NDArray[Any]:
    """Numbers stay a numeric array; anything else an object array, one element per value
    (so that 1 and "1" stay apart and tuples stay whole)."""
    try:
        array = np.asarray(values)
    except ValueError:  # ragged tuples
        array = np.zeros(0, dtype=object)
    if array.ndim == 1 and array.dtype.kind in "biuf":
        return array
    return np.fromiter(values, dtype=object, count=len(values))


def _check_one_value_each(
    pair: IntArray, items: Sequence[Hashable], coders: Sequence[Hashable]
) -> None:
    _, first, counts = np.unique(pair, return_index=True, return_counts=True)
    if (counts > 1).any():
        row = int(first[np.argmax(counts > 1)])
        raise Invalid(f"coder {coders[row]!r} gave item {items[row]!r} more than one value")


def _encode_values(values: Sequence[Hashable], level: Level) -> tuple[IntArray, FloatArray]:
    """Value codes and, for ordinal and interval levels, the sorted distinct values' numeric
    positions (ordinal: replaced by mid-ranks later)."""
    if level == "nominal":
        code, _ = _factorize(values)
        return code, np.zeros(0)
    if level == "interval":
        try:
            numbers = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise Invalid(f"values: interval values must be numbers ({exc})") from exc
        if numbers.ndim != 1 or not np.isfinite(numbers).all():
            raise Invalid("values: interval values must be finite numbers")
        uniques, code = np.unique(numbers, return_inverse=True)
        return code.reshape(-1).astype(np.intp), np.asarray(uniques, dtype=np.float64)
    try:
        uniques, code = np.unique(_as_array(values), return_inverse=True)
    except TypeError as exc:
        raise Invalid(f"values: ordinal values must be of one sortable type ({exc})") from exc
    return code.reshape(-1).astype(np.intp), np.zeros(uniques.shape[0])


def _coincidences(
    unit: IntArray, code: IntArray, per_unit: IntArray, n_units: int, n_values: int
) -> Any:
    """The coincidence matrix in COO form: ``o[c, k] = sum_u (n_uc n_uk - [c = k] n_uc) /
    (m_u - 1)``, with ``n_uc`` the count of value ``c`` in item ``u`` and ``m_u`` its size."""
    counts = sparse.csr_matrix((np.ones(unit.shape[0]), (unit, code)), shape=(n_units, n_values))
    weight = 1.0 / np.maximum(per_unit - 1, 1)
    pairs = counts.T @ sparse.diags(weight) @ counts
    # A value is not paired with itself: remove each unit's n_uc self-pairs.
    self_pairs = sparse.diags(np.asarray(counts.T @ weight).reshape(-1))
    return sparse.coo_matrix(pairs - self_pairs)
