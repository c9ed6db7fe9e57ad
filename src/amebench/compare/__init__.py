"""Comparing units fairly (DESIGN.md §5): funnel plots, pairwise differences, shrinkage, ranks."""

from .funnel import FunnelResult, funnel
from .pairwise import pairwise
from .ranks import rank_intervals, shrink

__all__ = ["FunnelResult", "funnel", "pairwise", "rank_intervals", "shrink"]
