"""Quality: label aggregation over the long format ``(task, worker, label)``.

Pure NumPy/SciPy, no web or database code: services feed it judgments and store what it
returns. Every categorical aggregator has ``fit``, ``predict`` and ``predict_proba``; see
:mod:`assay.quality.base`. :class:`BradleyTerry` ranks items from pairwise preferences.
Geometry and structure (one item at a time, each with a per-item confidence): boxes, points,
polygons, spans, texts and rankings, with the per-type comparisons (``score_*``) gold uses.
"""

from __future__ import annotations

from assay.quality.base import Aggregator
from assay.quality.bayesian_dawid_skene import BayesianDawidSkene
from assay.quality.boxes import BoxAggregator, box_iou, score_boxes
from assay.quality.bradley_terry import BradleyTerry
from assay.quality.dawid_skene import DawidSkene
from assay.quality.glad import GLAD
from assay.quality.judgments import Judgments, encode
from assay.quality.mace import MACE
from assay.quality.majority_vote import MajorityVote
from assay.quality.one_coin import OneCoinDawidSkene
from assay.quality.points import PointAggregator, score_points
from assay.quality.polygons import PolygonAggregator, polygon_iou, rasterize, score_polygons
from assay.quality.priors import SkillPrior
from assay.quality.rankings import RankAggregator
from assay.quality.registry import AGGREGATORS, DEFAULT_AGGREGATOR, make_aggregator
from assay.quality.spans import SpanAggregator, score_spans, span_iou
from assay.quality.text import TextAggregator, normalize
from assay.quality.wawa import Wawa

__all__ = [
    "AGGREGATORS",
    "DEFAULT_AGGREGATOR",
    "GLAD",
    "MACE",
    "Aggregator",
    "BayesianDawidSkene",
    "BoxAggregator",
    "BradleyTerry",
    "DawidSkene",
    "Judgments",
    "MajorityVote",
    "OneCoinDawidSkene",
    "PointAggregator",
    "PolygonAggregator",
    "RankAggregator",
    "SkillPrior",
    "SpanAggregator",
    "TextAggregator",
    "Wawa",
    "box_iou",
    "encode",
    "make_aggregator",
    "normalize",
    "polygon_iou",
    "rasterize",
    "score_boxes",
    "score_points",
    "score_polygons",
    "score_spans",
    "span_iou",
]
