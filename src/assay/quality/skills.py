"""Annotator skill estimates (pure): Beta posteriors per nuance, from several sources.

Each piece of evidence adds ``credit`` out of ``weight`` (a gold answer on one label: 1 of 1
when right). An annotator's accuracy on a nuance is the Beta posterior of those counts over a
prior worth ``PRIOR_STRENGTH`` judgments centred on ``consensus.DEFAULT_ACCURACY``, so a
newcomer starts where the consensus model assumes and a few answers move them only a little.
Agreement with the aggregate is weaker evidence than gold or a review (the aggregate includes
the annotator's own vote and can be wrong), so it counts for half.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scipy.stats import beta  # type: ignore[import-untyped]

from assay.quality.consensus import DEFAULT_ACCURACY

OVERALL = "*"
SOURCES = ("gold", "training", "review", "agreement")
SOURCE_WEIGHT = {"gold": 1.0, "training": 1.0, "review": 1.0, "agreement": 0.5}
PRIOR_STRENGTH = 5.0
INTERVAL = 0.90


@dataclass(frozen=True, slots=True)
class Estimate:
    mean: float
    low: float  # the 90% credible interval
    high: float
    n: float  # evidence weight behind it (the prior not counted)

    def to_json(self) -> dict[str, float]:
        return {
            "mean": round(self.mean, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "n": round(self.n, 3),
        }


def _beta(credit: float, weight: float) -> tuple[float, float]:
    return (
        PRIOR_STRENGTH * DEFAULT_ACCURACY + credit,
        PRIOR_STRENGTH * (1 - DEFAULT_ACCURACY) + (weight - credit),
    )


def estimate(credit: float, weight: float) -> Estimate:
    """The posterior of ``credit`` successes out of ``weight`` trials under the prior."""
    a, b = _beta(credit, weight)
    tail = (1 - INTERVAL) / 2
    return Estimate(
        mean=a / (a + b),
        low=float(beta.ppf(tail, a, b)),
        high=float(beta.ppf(1 - tail, a, b)),
        n=weight,
    )


@dataclass(frozen=True, slots=True)
class Evidence:
    nuance: str
    source: str
    credit: float
    weight: float


def combine(evidence: Iterable[Evidence]) -> dict[str, Estimate]:
    """One estimate per nuance over every source, each source weighted by its reliability."""
    sums: dict[str, list[float]] = {}
    for e in evidence:
        w = SOURCE_WEIGHT.get(e.source, 1.0)
        acc = sums.setdefault(e.nuance, [0.0, 0.0])
        acc[0] += w * e.credit
        acc[1] += w * e.weight
    return {nuance: estimate(c, w) for nuance, (c, w) in sums.items()}


def by_source(evidence: Iterable[Evidence], nuance: str = OVERALL) -> dict[str, Estimate | None]:
    """One nuance's estimate from each source alone (None: no evidence from it)."""
    out: dict[str, Estimate | None] = dict.fromkeys(SOURCES)
    for e in evidence:
        if e.nuance == nuance:
            out[e.source] = estimate(e.credit, e.weight)
    return out


def weak_nuances(skills: Mapping[str, Estimate], *, below: float, min_evidence: float) -> list[str]:
    """Nuances (not the overall) the annotator is measurably bad at, weakest first."""
    weak = [
        (est.mean, nuance)
        for nuance, est in skills.items()
        if nuance != OVERALL and est.n >= min_evidence and est.mean < below
    ]
    return [nuance for _, nuance in sorted(weak)]


def overall_accuracy(evidence: Iterable[Evidence]) -> float:
    """The single accuracy the one-coin consensus model and routing use for an annotator:
    the overall posterior mean (no interval: every lease and submit needs no more), kept
    away from 0 and 1 so that one annotator can never settle (or veto) an answer alone."""
    credit = weight = 0.0
    for e in evidence:
        if e.nuance == OVERALL:
            w = SOURCE_WEIGHT.get(e.source, 1.0)
            credit += w * e.credit
            weight += w * e.weight
    a, b = _beta(credit, weight)
    return _bounded(a / (a + b))


def _bounded(mean: float) -> float:
    return min(max(mean, 0.05), 0.99)
