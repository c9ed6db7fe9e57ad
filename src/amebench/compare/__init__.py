"""Comparing units fairly (DESIGN.md §5): funnel plots, pairwise differences, shrinkage, ranks."""

from .funnel import FunnelResult, funnel

__all__ = ["FunnelResult", "funnel"]
