"""Quality: label aggregation over the long format ``(task, worker, label)``.

Pure NumPy/SciPy, no web or database code: services feed it judgments and store what it
returns. Every categorical aggregator has ``fit``, ``predict`` and ``predict_proba``; see
:mod:`assay.quality.base`. :class:`BradleyTerry` ranks items from pairwise preferences.
"""

from __future__ import annotations

from assay.quality.base import Aggregator
from assay.quality.bayesian_dawid_skene import BayesianDawidSkene
from assay.quality.bradley_terry import BradleyTerry
from assay.quality.dawid_skene import DawidSkene
from assay.quality.glad import GLAD
from assay.quality.judgments import Judgments, encode
from assay.quality.mace import MACE
from assay.quality.majority_vote import MajorityVote
from assay.quality.one_coin import OneCoinDawidSkene
from assay.quality.priors import SkillPrior
from assay.quality.registry import AGGREGATORS, DEFAULT_AGGREGATOR, make_aggregator
from assay.quality.wawa import Wawa

__all__ = [
    "AGGREGATORS",
    "DEFAULT_AGGREGATOR",
    "GLAD",
    "MACE",
    "Aggregator",
    "BayesianDawidSkene",
    "BradleyTerry",
    "DawidSkene",
    "Judgments",
    "MajorityVote",
    "OneCoinDawidSkene",
    "SkillPrior",
    "Wawa",
    "encode",
    "make_aggregator",
]
