"""Figures drawn from result tables: funnel, caterpillar, rank, observed/expected, flows.

Every function takes a result (or result table), ``ax=None``, ``lang="en"`` (or
``"sv"``: axis labels and legends in Swedish) and ``**kwargs`` (passed to the
points: ``Axes.scatter`` in the funnel plot, ``Axes.errorbar`` in the interval
plots) and returns the Axes. With ``ax=None`` it draws on matplotlib's current Axes
(``plt.gca()``, as seaborn's functions do): two calls in one notebook cell draw on one
figure unless each gets its own (``fig, ax = plt.subplots()``; ``ax=ax``). A title is
the Axes' own: ``ax.set_title(...)`` on the returned Axes.
It draws only what the table holds: rows hidden by disclosure control (missing
estimates) are left out.
"""

from __future__ import annotations

from ._axes import NAMED_ROWS
from .flows import exit_reason_plot, flow_plot
from .funnel import funnel_plot
from .intervals import caterpillar_plot, oe_plot, rank_plot

__all__ = [
    "funnel_plot",
    "caterpillar_plot",
    "rank_plot",
    "oe_plot",
    "flow_plot",
    "exit_reason_plot",
    "NAMED_ROWS",
]
