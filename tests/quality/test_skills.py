"""Skill estimates: Beta posteriors by hand, sources weighted, weak nuances, consensus input."""

from __future__ import annotations

import pytest
from scipy.stats import beta  # type: ignore[import-untyped]

from assay.quality.skills import (
    OVERALL,
    Evidence,
    by_source,
    combine,
    estimate,
    overall_accuracy,
    weak_nuances,
)


def test_estimate_is_the_beta_posterior_over_the_prior() -> None:
    # Prior worth 5 answers at 0.8: Beta(4, 1). 3 right of 5: Beta(7, 3).
    e = estimate(3, 5)
    assert e.mean == pytest.approx(7 / 10)
    assert e.low == pytest.approx(beta.ppf(0.05, 7, 3))
    assert e.high == pytest.approx(beta.ppf(0.95, 7, 3))
    assert e.n == 5
    assert e.low < e.mean < e.high
    newcomer = estimate(0, 0)
    assert newcomer.mean == pytest.approx(0.8)
    # More evidence, narrower interval.
    assert estimate(30, 50).high - estimate(30, 50).low < e.high - e.low


def test_combine_weighs_agreement_at_half() -> None:
    skills = combine(
        [
            Evidence(OVERALL, "gold", 2, 4),
            Evidence(OVERALL, "agreement", 4, 4),
            Evidence("label:cat", "review", 0, 1),
        ]
    )
    # Gold 2 of 4 plus agreement 4 of 4 at half weight: 4 of 6 over Beta(4, 1): 8 / 11.
    assert skills[OVERALL].mean == pytest.approx(8 / 11)
    assert skills[OVERALL].n == pytest.approx(6)
    assert skills["label:cat"].mean == pytest.approx(4 / 6)
    sources = by_source([Evidence(OVERALL, "gold", 2, 4), Evidence("label:cat", "gold", 1, 1)])
    assert sources["gold"] is not None
    assert sources["gold"].mean == pytest.approx(6 / 9)
    assert sources["review"] is None


def test_weak_nuances_need_evidence_and_never_include_the_overall() -> None:
    skills = {
        OVERALL: estimate(0, 10),
        "label:cat": estimate(1, 10),  # 5/15 = 0.33, strong evidence
        "label:dog": estimate(2, 6),  # 6/11 = 0.55
        "label:fox": estimate(0, 2),  # too little evidence
        "label:owl": estimate(9, 10),
    }
    assert weak_nuances(skills, below=0.75, min_evidence=5) == ["label:cat", "label:dog"]
    # Weakest first: cat 0.33, dog 0.55, fox 4/7 = 0.57.
    assert weak_nuances(skills, below=0.75, min_evidence=1) == [
        "label:cat",
        "label:dog",
        "label:fox",
    ]


def test_overall_accuracy_is_bounded() -> None:
    assert overall_accuracy([]) == 0.8
    assert overall_accuracy([Evidence(OVERALL, "gold", 1000, 1000)]) == 0.99
    assert overall_accuracy([Evidence(OVERALL, "gold", 0, 1000)]) == 0.05
    assert overall_accuracy([Evidence(OVERALL, "gold", 5, 5)]) == pytest.approx(0.9)


def test_overall_accuracy_matches_the_full_estimate() -> None:
    evidence = [
        Evidence(OVERALL, "gold", 3, 4),
        Evidence(OVERALL, "agreement", 1, 6),
        Evidence("label:cat", "gold", 0, 9),  # other nuances do not count
    ]
    assert overall_accuracy(evidence) == pytest.approx(combine(evidence)[OVERALL].mean)
    assert overall_accuracy([]) == 0.8
