"""A project's quality settings (pure): gold rate, pause bar, qualification, training.

Stored as JSON on the project; a field left out takes its default, so projects created before
a setting existed keep working.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from assay.errors import Invalid


@dataclass(frozen=True, slots=True)
class QualitySettings:
    # Share of leases that serve a hidden gold task (when the annotator has one left to do);
    # 1 serves every unseen gold task first (a calibration run).
    gold_rate: float = 0.0
    # A gold or training answer scoring at least this counts as correct.
    pass_score: float = 0.8
    # Pause an annotator whose share of correct gold answers falls below this, once
    # ``pause_min_gold`` gold answers were scored since their status last changed (0: never).
    pause_below: float = 0.7
    pause_min_gold: int = 10
    # Training tasks to answer before real work, and the share that must be correct (0: none).
    qualification_tasks: int = 0
    qualification_pass: float = 0.8
    # A nuance below this accuracy, with at least this much evidence, is weak: training on it.
    weak_below: float = 0.75
    weak_min_evidence: float = 5.0
    # At most one training task per this many real judgments (training is not the job).
    training_every: int = 5
    # Extra judgments of a disputed task go only to annotators at least this accurate.
    hard_min_accuracy: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_FRACTIONS = {"pass_score", "pause_below", "qualification_pass", "weak_below"}
_COUNTS = {"pause_min_gold": 10_000, "qualification_tasks": 1_000, "training_every": 10_000}


def _problem(name: str, value: Any) -> str | None:
    if name == "hard_min_accuracy" and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if not math.isfinite(value):
        return "must be a finite number"
    if (name in _FRACTIONS or name in ("gold_rate", "hard_min_accuracy")) and not 0 <= value <= 1:
        return "must be between 0 and 1"
    if name in _COUNTS:
        if value != int(value) or not 0 <= value <= _COUNTS[name]:
            return f"must be a whole number from 0 to {_COUNTS[name]}"
        if name == "training_every" and value < 1:
            return "must be at least 1"
    if name == "weak_min_evidence" and not 0 <= value <= 1e6:
        return "must be between 0 and 1000000"
    return None


def parse(raw: Any, base: QualitySettings | None = None) -> QualitySettings:
    """``raw`` over ``base`` (the defaults when None); unknown or bad fields raise ``Invalid``."""
    if raw is None:
        return base or QualitySettings()
    if not isinstance(raw, dict):
        raise Invalid("quality: must be an object")
    known = {f.name for f in fields(QualitySettings)}
    details = []
    for name, value in raw.items():
        message = "unknown field" if name not in known else _problem(name, value)
        if message:
            details.append({"field": f"quality.{name}", "message": message})
    if details:
        raise Invalid("; ".join(f"{d['field']}: {d['message']}" for d in details), details=details)
    values = {k: (int(v) if k in _COUNTS else v) for k, v in raw.items()}
    return replace(base or QualitySettings(), **values)
