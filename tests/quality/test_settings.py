"""Quality settings: defaults, partial updates over a base, and clear errors per field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assay.errors import Invalid
from assay.quality.settings import QualitySettings, parse


def test_defaults_and_partial_updates() -> None:
    assert parse(None) == QualitySettings()
    base = parse({"gold_rate": 0.2, "qualification_tasks": 3})
    assert base == replace(QualitySettings(), gold_rate=0.2, qualification_tasks=3)
    again = parse({"pause_below": 0.6}, base=base)
    assert (again.gold_rate, again.qualification_tasks, again.pause_below) == (0.2, 3, 0.6)
    assert parse({"hard_min_accuracy": None}, base=base).hard_min_accuracy is None
    assert parse({"training_every": 2.0}).training_every == 2
    assert isinstance(parse({"training_every": 2.0}).training_every, int)
    assert parse(QualitySettings().to_json()) == QualitySettings()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"gold_rate": 1.5}, "quality.gold_rate"),
        ({"gold_rate": True}, "quality.gold_rate"),
        ({"pass_score": "high"}, "quality.pass_score"),
        ({"pause_min_gold": 2.5}, "quality.pause_min_gold"),
        ({"training_every": 0}, "quality.training_every"),
        ({"weak_below": float("nan")}, "quality.weak_below"),
        ({"colour": "red"}, "quality.colour"),
        ({"hard_min_accuracy": -0.1}, "quality.hard_min_accuracy"),
    ],
)
def test_bad_values_name_the_field(raw: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse(raw)
    assert caught.value.details[0]["field"] == field
    assert field in caught.value.message


def test_not_an_object() -> None:
    with pytest.raises(Invalid, match="must be an object"):
        parse([1, 2])
