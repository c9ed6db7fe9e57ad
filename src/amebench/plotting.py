"""Figures drawn from result tables: funnel, caterpillar, rank, observed/expected, flows.

Every function takes a result (or result table), ``ax=None``, ``lang="en"`` (or
``"sv"``: axis labels and legends in Swedish) and ``**kwargs`` and returns the Axes. It draws only what the table holds: rows hidden by disclosure
control (missing estimates) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import code_label, figure_text

__all__ = [
    "funnel_plot",
    "caterpillar_plot",
    "rank_plot",
    "oe_plot",
    "flow_plot",
    "exit_reason_plot",
]

_OUTSIDE_COLOURS = {"above": "#1a7f37", "below": "#cf222e"}
_POINT = "#24292f"
_LIMIT_STYLES = ("--", ":")
_PROPORTION_TOLERANCE = 1.0 + 1e-9


def _axes(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.gca()


def _is_proportion(values) -> bool:
    values = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return bool(len(values)) and bool(values.between(0, _PROPORTION_TOLERANCE).all())


def _percent_axis(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def funnel_plot(result, ax=None, *, lang: str = "en", **kwargs):
    """Draw a funnel plot of a :class:`amebench.compare.FunnelResult`.

    Points are units (size on the x axis), lines the control limits of each level,
    the horizontal line the target. Units outside the outer limits are labelled.
    """
    ax = _axes(ax)
    table = result.table.dropna(subset=["estimate"])
    size_col = "n" if result.kind == "proportion" else "expected"
    limits = result.limits
    for style, level in zip(_LIMIT_STYLES * len(result.levels), sorted(result.levels)):
        grid = limits[limits["level"] == level]
        label = figure_text("limits", lang, level=f"{100 * level:g}".replace(".", "," if lang == "sv" else "."))
        ax.plot(grid["n"], grid["lower"], style, color="#57606a", lw=1, label=label)
        ax.plot(grid["n"], grid["upper"], style, color="#57606a", lw=1)
    ax.axhline(result.target, color="#0969da", lw=1, label=figure_text("target", lang))
    colours = [
        _OUTSIDE_COLOURS.get(str(p).split("_")[0], _POINT) if p != "within" else _POINT
        for p in table["position"]
    ]
    ax.scatter(pd.to_numeric(table[size_col]), table["estimate"], c=colours, zorder=3, **kwargs)
    for row in table.itertuples(index=False):
        offset = (5, 4)
        ax.annotate(str(row.unit), (getattr(row, size_col), row.estimate), textcoords="offset points",
                    xytext=offset, fontsize="small", color=_OUTSIDE_COLOURS.get(str(row.position).split("_")[0], _POINT))
    ax.set_xlabel(figure_text("exits" if result.kind == "proportion" else "expected_outcomes", lang))
    if result.kind == "proportion":
        ax.set_ylabel(figure_text("rate", lang))
        _percent_axis(ax.yaxis)
    else:
        ax.set_ylabel(figure_text("oe", lang))
    ax.legend(frameon=False, fontsize="small", loc="best")
    ax.grid(alpha=0.3)
    return ax


def caterpillar_plot(table: pd.DataFrame, ax=None, *, label: str = "unit", lang: str = "en", **kwargs):
    """Draw estimates with their intervals, sorted, one row per unit (or ``label``).

    Proportions (all estimates and limits within [0, 1]) get a percentage axis.
    A row named ``network`` is drawn as a vertical reference line.
    """
    ax = _axes(ax)
    data = table.dropna(subset=["estimate"])
    if "group" in data.columns:
        data = data[data["group"].astype(str) == "participants"]
    reference = data[data[label].astype(str) == "network"]
    data = data[data[label].astype(str) != "network"].sort_values("estimate")
    y = np.arange(len(data))
    est = data["estimate"].astype(float).to_numpy()
    low = data["ci_low"].astype(float).to_numpy()
    high = data["ci_high"].astype(float).to_numpy()
    ax.errorbar(est, y, xerr=[est - low, high - est], fmt="o", color=_POINT, ecolor="#57606a", capsize=3, **kwargs)
    ax.set_yticks(y, data[label].astype(str))
    if len(reference):
        ax.axvline(float(reference["estimate"].iloc[0]), color="#0969da", lw=1, ls="--", label=figure_text("network", lang))
        ax.legend(frameon=False, fontsize="small")
    if _is_proportion(np.concatenate([low, high])):
        _percent_axis(ax.xaxis)
    ax.set_xlabel(figure_text("estimate_ci", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def rank_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw each unit's median rank with its rank interval (1 = best)."""
    ax = _axes(ax)
    data = table.dropna(subset=["estimate"]).sort_values("estimate")
    y = np.arange(len(data))
    est = data["estimate"].astype(float).to_numpy()
    ax.errorbar(est, y, xerr=[est - data["ci_low"].astype(float), data["ci_high"].astype(float) - est],
                fmt="s", color=_POINT, ecolor="#57606a", capsize=3, **kwargs)
    ax.set_yticks(y, data["unit"].astype(str))
    k = len(table)
    ax.set_xlim(0.5, k + 0.5)
    ax.set_xticks(range(1, k + 1))
    ax.invert_yaxis()
    ax.set_xlabel(figure_text("rank_axis", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def oe_plot(table, ax=None, *, lang: str = "en", **kwargs):
    """Draw observed/expected ratios with their intervals and the line O/E = 1.

    ``table`` is a :class:`amebench.compare.RiskAdjustedResult` or its ``.table``.
    """
    ax = _axes(ax)
    data = getattr(table, "table", table).dropna(subset=["oe_ratio"]).sort_values("oe_ratio")
    y = np.arange(len(data))
    est = data["oe_ratio"].astype(float).to_numpy()
    ax.errorbar(est, y, xerr=[est - data["oe_ci_low"].astype(float), data["oe_ci_high"].astype(float) - est],
                fmt="o", color=_POINT, ecolor="#57606a", capsize=3, **kwargs)
    ax.axvline(1.0, color="#0969da", lw=1, ls="--")
    ax.set_yticks(y, data["unit"].astype(str))
    ax.set_xlabel(figure_text("oe_axis", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def flow_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw the active stock per unit over months from a :func:`amebench.metrics.flows` table.

    Months whose counts were hidden by disclosure control are gaps in the lines.
    """
    ax = _axes(ax)
    for unit, rows in table.groupby("unit", sort=False, observed=True):
        rows = rows.sort_values("month")
        ax.plot(pd.to_datetime(rows["month"]), pd.to_numeric(rows["stock"], errors="coerce"), label=str(unit), **kwargs)
    ax.set_ylabel(figure_text("stock", lang))
    ax.legend(frameon=False, fontsize="small", ncols=2)
    ax.grid(alpha=0.3)
    return ax


def exit_reason_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw each unit's exit reasons as shares of its exits (stacked horizontal bars).

    ``table`` has ``unit``, ``exit_reason``, ``n``; hidden counts are left out, so a
    bar may fall short of 100 % after disclosure control.
    """
    import matplotlib.pyplot as plt

    ax = _axes(ax)
    counts = table.assign(n=pd.to_numeric(table["n"], errors="coerce")).pivot_table(
        index="unit", columns="exit_reason", values="n", aggfunc="sum", observed=True
    )
    totals = counts.sum(axis=1)
    shares = counts.div(totals, axis=0).fillna(0.0)
    left = np.zeros(len(shares))
    colours = plt.get_cmap("tab20").colors
    for i, reason in enumerate(shares.columns):
        ax.barh(shares.index.astype(str), shares[reason], left=left, label=code_label(str(reason), lang),
                color=colours[i % len(colours)], **kwargs)
        left += shares[reason].to_numpy()
    _percent_axis(ax.xaxis)
    ax.set_xlabel(figure_text("share_of_exits", lang))
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
