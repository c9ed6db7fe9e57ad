"""Metrics: outcome rates, retention, welfare-cost deltas, durations, flows (docs/methods.md)."""

from .cost import against_target, cost
from .durations import durations
from .flows import flows, transitions
from .meandiff import mean_difference
from .outcome import outcome_rate
from .reentry import reentry
from .retention import retention
from .welfare import welfare_delta

__all__ = [
    "against_target", "cost", "durations", "flows", "mean_difference", "outcome_rate",
    "reentry", "retention", "transitions", "welfare_delta",
]
