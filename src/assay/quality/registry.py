"""Aggregators by name, and the default one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.errors import Invalid
from assay.quality.base import Aggregator
from assay.quality.bayesian_dawid_skene import BayesianDawidSkene
from assay.quality.dawid_skene import DawidSkene
from assay.quality.glad import GLAD
from assay.quality.mace import MACE
from assay.quality.majority_vote import MajorityVote
from assay.quality.one_coin import OneCoinDawidSkene
from assay.quality.wawa import Wawa

AGGREGATORS: Mapping[str, type[Aggregator]] = {
    cls.name: cls
    for cls in (
        MajorityVote,
        Wawa,
        DawidSkene,
        OneCoinDawidSkene,
        GLAD,
        MACE,
        BayesianDawidSkene,
    )
}

#: The method a project gets unless it picks another (bench/quality.py measures why).
DEFAULT_AGGREGATOR = BayesianDawidSkene.name


def make_aggregator(name: str = DEFAULT_AGGREGATOR, **params: Any) -> Aggregator:
    """A fresh aggregator by registry name, with hyperparameters ``params``."""
    try:
        cls = AGGREGATORS[name]
    except KeyError:
        known = ", ".join(sorted(AGGREGATORS))
        raise Invalid(f"unknown aggregator {name!r}; known: {known}") from None
    try:
        return cls(**params)
    except TypeError as exc:  # an unknown hyperparameter name
        raise Invalid(f"{name}: {exc}") from None
