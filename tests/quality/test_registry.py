from __future__ import annotations

import pytest

from assay.errors import Invalid
from assay.quality import (
    AGGREGATORS,
    DEFAULT_AGGREGATOR,
    BayesianDawidSkene,
    DawidSkene,
    make_aggregator,
)


def test_names_map_to_their_classes() -> None:
    assert set(AGGREGATORS) == {"mv", "wawa", "ds", "onecoin", "glad", "mace", "bds"}
    assert all(cls.name == name for name, cls in AGGREGATORS.items())
    assert DEFAULT_AGGREGATOR == "bds"
    assert isinstance(make_aggregator(), BayesianDawidSkene)


def test_params_are_passed_through() -> None:
    model = make_aggregator("ds", smoothing=0.5, n_iter=7)
    assert model == DawidSkene(smoothing=0.5, n_iter=7)


def test_unknown_name_is_invalid() -> None:
    with pytest.raises(Invalid, match="unknown aggregator 'kos'"):
        make_aggregator("kos")


def test_unknown_or_bad_param_is_invalid() -> None:
    with pytest.raises(Invalid, match="ds"):
        make_aggregator("ds", speed=3)
    with pytest.raises(Invalid, match="n_iter"):
        make_aggregator("glad", n_iter=-1)
