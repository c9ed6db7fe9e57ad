"""Comparing units fairly (DESIGN.md §5): funnel plots, pairwise differences, shrinkage, ranks."""

from .funnel import FunnelResult, funnel
from .pairwise import pairwise
from .ranks import rank_intervals, shrink
from .riskadjust import RiskAdjustedResult, risk_adjusted

__all__ = [
    "FunnelResult", "RiskAdjustedResult", "funnel", "pairwise", "rank_intervals", "risk_adjusted", "shrink",
]
