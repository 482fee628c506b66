from __future__ import annotations

from typing import Any

import krippendorff
import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality.agreement import krippendorff_alpha, pairwise_agreement
from assay.tasks.types import get_type

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, nominal values 1..5, missing values as nan.
nan = np.nan
TEXTBOOK = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)


def long_format(matrix: np.ndarray) -> tuple[list[Any], list[Any], list[Any]]:
    """Coders x units with nan for missing, to rows (unit, coder, value)."""
    coders, units = np.nonzero(~np.isnan(matrix))
    return units.tolist(), coders.tolist(), matrix[coders, units].tolist()


def test_textbook_example() -> None:
    items, coders, values = long_format(TEXTBOOK)
    alpha = krippendorff_alpha(items, coders, values)
    assert alpha == pytest.approx(0.743, abs=5e-4)
    # Ids and values of any hashable type: the same data with names.
    names = [f"unit-{u}" for u in items], [f"coder-{c}" for c in coders]
    labels = [f"v{int(v)}" for v in values]
    assert krippendorff_alpha(*names, labels) == pytest.approx(alpha)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_matches_the_reference_on_the_textbook(level: str) -> None:
    ours = krippendorff_alpha(*long_format(TEXTBOOK), level=level)  # type: ignore[arg-type]
    reference = krippendorff.alpha(reliability_data=TEXTBOOK, level_of_measurement=level)
    assert ours == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_matches_the_reference_on_random_data(level: str) -> None:
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(150):
        n_coders, n_units = int(rng.integers(2, 7)), int(rng.integers(2, 40))
        # Values on an uneven scale, so that interval and ordinal distances differ.
        scale = np.cumsum(rng.uniform(0.1, 3.0, int(rng.integers(2, 7))))
        matrix = rng.choice(scale, (n_coders, n_units))
        # Coders that agree more than chance, so alpha is spread over its range.
        truth = rng.choice(scale, n_units)
        matrix = np.where(rng.random(matrix.shape) < rng.uniform(0, 1), truth, matrix)
        matrix[rng.random(matrix.shape) < 0.3] = nan
        items, coders, values = long_format(matrix)
        order = rng.permutation(len(items))  # row order changes nothing
        ours = krippendorff_alpha(
            [items[i] for i in order],
            [coders[i] for i in order],
            [values[i] for i in order],
            level=level,  # type: ignore[arg-type]
        )
        pairable = (np.sum(~np.isnan(matrix), axis=0) >= 2).any()
        if ours is None:
            # Nothing pairable, or pairable values that do not vary.
            if pairable:
                units = np.sum(~np.isnan(matrix), axis=0) >= 2
                assert np.unique(matrix[:, units][~np.isnan(matrix[:, units])]).shape[0] == 1
            continue
        reference = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
        assert ours == pytest.approx(reference, rel=1e-9, abs=1e-12)
        compared += 1
    assert compared > 100


def test_perfect_agreement_is_one() -> None:
    items = ["a", "a", "a", "b", "b", "c", "c", "d"]
    coders = [1, 2, 3, 1, 2, 2, 3, 1]
    values = ["x", "x", "x", "y", "y", "z", "z", "x"]  # "d" has one value: not pairable
    for level in ("nominal", "ordinal"):
        assert krippendorff_alpha(items, coders, values, level=level) == 1.0  # type: ignore[arg-type]
    numbers = [1.5, 1.5, 1.5, 2, 2, 7, 7, 0]
    assert krippendorff_alpha(items, coders, numbers, level="interval") == 1.0


def test_two_coders_by_hand() -> None:
    # Units (1, 1) and (1, 2). Coincidences: o11 = 2, o12 = o21 = 1; n1 = 3, n2 = 1, n = 4.
    # alpha = 1 - (n - 1) (o12 + o21) / (n^2 - n1^2 - n2^2) = 1 - 3 * 2 / 6 = 0.
    assert krippendorff_alpha(["u", "u", "v", "v"], ["a", "b", "a", "b"], [1, 1, 1, 2]) == 0.0
    # Systematic disagreement is below zero: (1, 2), (2, 1): o12 = o21 = 2, n1 = n2 = 2.
    # alpha = 1 - 3 * 4 / (16 - 4 - 4) = -0.5.
    assert krippendorff_alpha(["u", "u", "v", "v"], ["a", "b", "a", "b"], [1, 2, 2, 1]) == -0.5


def test_none_when_nothing_is_pairable_or_nothing_varies() -> None:
    assert krippendorff_alpha([], [], []) is None
    assert krippendorff_alpha(["a", "b", "c"], [1, 1, 2], ["x", "y", "z"]) is None
    # Pairable values all alike (the other value is in an unpairable item).
    assert krippendorff_alpha(["a", "a", "b"], [1, 2, 1], ["x", "x", "y"]) is None


def test_values_of_different_types_stay_apart() -> None:
    # 1 and "1" are two values; (1, 2) is one value.
    alpha = krippendorff_alpha(["a", "a", "b", "b"], [1, 2, 1, 2], [1, "1", (1, 2), (1, 2)])
    same = krippendorff_alpha(["a", "a", "b", "b"], [1, 2, 1, 2], ["p", "q", "r", "r"])
    # a: 1 vs "1" disagree; b agrees: o_pq = o_qp = 1, o_rr = 2, alpha = 1 - 3 * 2 / 10.
    assert alpha == pytest.approx(0.4)
    assert same == pytest.approx(0.4)


def test_bad_input_is_invalid() -> None:
    with pytest.raises(Invalid, match="more than one value"):
        krippendorff_alpha(["a", "a", "a"], [1, 2, 1], ["x", "x", "y"])
    with pytest.raises(Invalid, match="one length"):
        krippendorff_alpha(["a", "a"], [1, 2], ["x"])
    with pytest.raises(Invalid, match="level"):
        krippendorff_alpha(["a"], [1], ["x"], level="ratio")  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="interval values"):
        krippendorff_alpha(["a", "a"], [1, 2], ["x", "y"], level="interval")
    with pytest.raises(Invalid, match="finite"):
        krippendorff_alpha(["a", "a"], [1, 2], [1.0, np.inf], level="interval")
    with pytest.raises(Invalid, match="sortable"):
        krippendorff_alpha(["a", "a"], [1, 2], [1, "x"], level="ordinal")


CATEGORIZATION = {"attachment": "https://x/cat.jpg", "categories": ["cat", "dog"]}


def test_pairwise_agreement_of_categories() -> None:
    cat, dog = {"category": "cat"}, {"category": "dog"}
    assert pairwise_agreement("categorization", CATEGORIZATION, [cat]) is None
    assert pairwise_agreement("categorization", CATEGORIZATION, []) is None
    assert pairwise_agreement("categorization", CATEGORIZATION, [cat, cat]) == 1.0
    # Pairs: (cat, cat) 1, (cat, dog) 0, (cat, dog) 0.
    agreement = pairwise_agreement("categorization", CATEGORIZATION, [cat, cat, dog])
    assert agreement == pytest.approx(1 / 3)


def test_pairwise_agreement_is_symmetric() -> None:
    form = get_type("textcollection")
    params = form.validate_params(
        {
            "fields": [
                {"type": "text", "field_id": "a", "title": "A"},
                {"type": "text", "field_id": "b", "title": "B", "required": False},
            ]
        }
    )
    both = form.validate_response(params, {"annotations": {"a": "yes", "b": "no"}})
    one = form.validate_response(params, {"annotations": {"a": "Yes"}})
    # both -> one: mean(1, 0) = 0.5; one -> both: 1; the symmetric score is their mean.
    assert pairwise_agreement("textcollection", params, [both, one]) == pytest.approx(0.75)
    assert pairwise_agreement("textcollection", params, [one, both]) == pytest.approx(0.75)


def test_pairwise_agreement_passes_the_threshold() -> None:
    image = get_type("imageannotation")
    params = image.validate_params(
        {"attachment": "https://x/a.jpg", "geometries": {"box": {"objects_to_annotate": ["car"]}}}
    )
    big = {
        "annotations": [
            {"type": "box", "label": "car", "left": 0, "top": 0, "width": 10, "height": 10}
        ]
    }
    small = {
        "annotations": [
            {"type": "box", "label": "car", "left": 0, "top": 0, "width": 10, "height": 4}
        ]
    }
    a, b = image.validate_response(params, big), image.validate_response(params, small)
    assert pairwise_agreement("imageannotation", params, [a, b]) == 0.0
    assert pairwise_agreement("imageannotation", params, [a, b], iou_threshold=0.4) == 1.0
