"""Metrics: outcome rates, welfare-cost deltas, durations, mean differences (DESIGN.md §4)."""

from .durations import durations
from .meandiff import mean_difference
from .outcome import outcome_rate
from .welfare import welfare_delta

__all__ = ["durations", "mean_difference", "outcome_rate", "welfare_delta"]
