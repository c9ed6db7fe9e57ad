"""Comparing units fairly (docs/methods.md): funnel plots, pairwise differences, shrinkage, ranks."""

from .funnel import FunnelResult, funnel
from .pairwise import pairwise
from .ranks import rank_intervals, shrink
from .riskadjust import RiskAdjustedResult, risk_adjusted
from .trend import power, trend

__all__ = [
    "FunnelResult", "RiskAdjustedResult", "funnel", "pairwise", "power", "rank_intervals",
    "risk_adjusted", "shrink", "trend",
]
