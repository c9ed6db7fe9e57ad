"""Metrics: outcome rates, retention, welfare-cost deltas, durations, flows (DESIGN.md §4)."""

from .durations import durations
from .meandiff import mean_difference
from .flows import flows
from .outcome import outcome_rate
from .reentry import reentry
from .retention import retention
from .welfare import welfare_delta

__all__ = [
    "durations", "flows", "mean_difference", "outcome_rate", "reentry", "retention", "welfare_delta",
]
