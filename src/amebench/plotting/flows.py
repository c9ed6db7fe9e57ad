"""Figures of flows: the active stock over months, and exit reasons per unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError
from ..labels import code_label, figure_text
from ..results import GROUPING
from ..schema import outcome_reasons
from ._axes import NAMED_BAR, NAMED_ROWS, OVERVIEW_BAR, axes_of, needs_columns, number_axis, percent_axis, row_limits

__all__ = ["FLOW_LINES", "REASON_ORDER", "flow_plot", "exit_reason_plot"]

#: A flow figure draws one line per unit up to this many (matplotlib's ten colours); with
#: more, one line of their sum: 290 lines and legend entries cover the plot.
FLOW_LINES = 10
#: Line styles of the units' lines in turn, beside matplotlib's colours: neighbouring lines
#: differ by more than a colour (green and red look alike to many readers).
_LINE_STYLES = ("-", "--", "-.", ":")
#: At most about this many month ticks on a flow figure.
_MONTH_TICKS = 8


def flow_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw the active stock per unit over months from a :func:`amebench.metrics.flows` table.

    A table by other groups (``by=("gender",)``, ``by=("unit", "gender")``) gets a line for
    each of up to 10 groups, one by ``by=()`` a line for the network. Up to 10 units get a
    line each, in turn solid, dashed, dash-dotted and dotted as well as coloured; months
    whose counts were hidden by disclosure control are gaps in the lines. With more units
    one line shows their sum per month, and its legend says when hidden counts are not in
    it and when some units' data start later than others' (each is in the sum from its
    first month). At most about 8 months are labelled.
    """
    import matplotlib.dates as mdates

    needs_columns(table, ["month", "stock"], "flow_plot", "a metrics.flows(...) table")
    keys = [c for c in table.columns if c in GROUPING and c != "month"]  # what flows grouped by, not columns added
    if keys != ["unit"]:  # the network (by=()), or other groups: a line each, named by its codes
        if not keys:
            line = pd.Series(figure_text("network", lang), index=table.index)
        else:
            line = table[keys].astype(str).apply(
                lambda row: ", ".join(code_label(v, lang, k) for k, v in zip(keys, row, strict=True)), axis=1)
        if line.nunique() > FLOW_LINES:
            raise AmebenchError(f"flow_plot draws a line for each of up to {FLOW_LINES} groups; this table has "
                                f"{line.nunique()} by {keys}: select fewer, or draw metrics.flows(..., by=('unit',))")
        table = table.assign(unit=line)
    ax = axes_of(ax)
    stock = pd.to_numeric(table["stock"], errors="coerce")
    units = table["unit"].nunique()
    months = pd.to_datetime(table["month"]).dropna().unique()
    if len(months) == 1:  # a line of one point is not drawn: a marker, and the months either side
        kwargs = {"marker": "o", **kwargs}
        ax.set_xlim(months[0] - pd.DateOffset(months=1), months[0] + pd.DateOffset(months=1))
    if units <= FLOW_LINES:
        groups = table.assign(stock=stock).groupby("unit", sort=False, observed=True)
        for (unit, rows), style in zip(groups, _LINE_STYLES * FLOW_LINES):
            rows = rows.sort_values("month")
            own = {} if {"linestyle", "ls"} & set(kwargs) else {"linestyle": style}  # the caller's style wins
            ax.plot(pd.to_datetime(rows["month"]), rows["stock"], label=str(unit), **own, **kwargs)
    else:
        month = pd.to_datetime(table["month"])
        total = stock.groupby(month).sum(min_count=1).sort_index()
        # the sum says what it adds: units whose data start later (metrics.flows gives them no
        # earlier rows), and hidden counts
        late = month.groupby(table["unit"].astype(str)).min().max() > month.min()
        label = (figure_text("all_units", lang, k=units) + (figure_text("sum_from_start", lang) if late else "")
                 + (figure_text("sum_hidden", lang) if stock.isna().any() else ""))
        ax.plot(total.index, total.to_numpy(), label=label, **kwargs)
    ax.xaxis.set_major_locator(mdates.MonthLocator() if len(months) == 1 else _month_locator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_ylabel(figure_text("stock", lang))
    number_axis(ax.yaxis, lang)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # participants: no tick at 2.5
    ax.legend(frameon=False, fontsize="small", ncols=2)
    ax.grid(alpha=0.3)
    return ax


def _month_locator():
    """Ticks on months, at most ``_MONTH_TICKS``: every 1, 2, 3, 4, 6 or 12 months, then years.
    (Matplotlib's monthly steps stop at 6: 46-57 months found none and warned on stderr.)"""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=_MONTH_TICKS)
    locator.intervald[mdates.MONTHLY] = [1, 2, 3, 4, 6, 12]
    return locator


#: Exit-reason colours by meaning: greens for work, blue for studies, greys for neutral
#: exits, warm colours for exits without a result. Their order is the figure's and the
#: report's exit-reason table's (:data:`REASON_ORDER`): the reasons of the default outcome
#: (work_or_studies) side by side, then the municipal work programme (schema.EXIT_REASONS has
#: it among the work reasons).
_REASON_COLOURS = {
    "work": "#1a7f37", "work_subsidised": "#4ac26b", "self_employed": "#aceebb",
    "studies": "#0969da", "work_programme": "#8250df", "care": "#54aeff",
    "other_agency": "#6e7781", "moved": "#afb8c1", "leave": "#d0d7de",
    "returned_to_welfare": "#bc4c00", "dropped_out": "#cf222e", "other": "#8c6d1f", "unknown": "#e1c16e",
}


#: Exit reasons in the order figures and the report show them.
REASON_ORDER: tuple[str, ...] = tuple(_REASON_COLOURS)

#: The column of a unit's exits hidden by disclosure control (not an exit reason).
_HIDDEN = "_hidden"


def exit_reason_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", exits=None, **kwargs):
    """Draw each unit's exit reasons as shares of its exits (stacked horizontal bars).

    ``table`` has ``unit``, ``exit_reason``, ``n``. ``exits`` (optional): each unit's
    number of exits, by unit, as published elsewhere (the outcome-rate table's ``n``).
    Counts hidden by disclosure control are left out: where ``exits`` gives the unit's
    exits, their sum is drawn as one grey "hidden" part and the shares are of all its
    exits (10 of 34 exits to work is 29 %, not 67 % of the 15 shown); otherwise the
    shares are of its shown exits and its name is marked with an asterisk explained in
    the legend. The hidden part tells nothing new: it is the published exits less the
    published reasons. Up to 50 units
    (``NAMED_ROWS``) each bar is named, in the table's order; with more, an overview of
    unnamed bars ordered by the share of exits to work (the default ``work`` group).
    """
    ax = axes_of(ax)
    values = pd.to_numeric(table["n"], errors="coerce")
    partial = set(table.loc[values.isna(), "unit"].astype(str))
    counts = table.assign(n=values).pivot_table(
        index="unit", columns="exit_reason", values="n", aggfunc="sum", observed=True
    )
    order = [r for r in _REASON_COLOURS if r in counts.columns] + [r for r in counts.columns
                                                                   if r not in _REASON_COLOURS]
    counts = counts[order]
    counts = counts.loc[:, counts.fillna(0).sum() > 0]  # a reason shown nowhere gets no legend entry
    if exits is not None and partial:
        total = pd.to_numeric(pd.Series(exits), errors="coerce").reindex(counts.index.astype(str)).to_numpy()
        rest = total - counts.sum(axis=1).to_numpy()
        known = (np.isfinite(rest) & (rest > 0)) & counts.index.astype(str).isin(list(partial))
        if known.any():
            counts[_HIDDEN] = np.where(known, rest, 0.0)
            partial -= set(counts.index.astype(str)[known])
    shares = counts.div(counts.sum(axis=1), axis=0).fillna(0.0)
    overview = len(shares) > NAMED_ROWS
    if overview:  # no names to find a unit by: ordered by the share of exits to work, highest first
        work = shares[[r for r in shares.columns if r in outcome_reasons("work")]].sum(axis=1)
        shares = shares.loc[work.sort_values(ascending=False, kind="stable").index]
    names = [f"{u}*" if str(u) in partial else str(u) for u in shares.index]
    rows = np.arange(len(shares))
    left = np.zeros(len(shares))
    for reason in shares.columns:
        style = {"color": _REASON_COLOURS.get(str(reason), "#999999"),
                 "height": OVERVIEW_BAR if overview else NAMED_BAR, **kwargs}
        if reason == _HIDDEN:
            style.update(color="#ffffff", edgecolor="#8c959f", hatch="///", linewidth=0.5)
        label = figure_text("hidden_reasons", lang) if reason == _HIDDEN else code_label(str(reason), lang)
        ax.barh(rows, shares[reason], left=left, label=label, **style)
        left += shares[reason].to_numpy()
    if overview:
        ax.set_yticks([])
        ax.set_ylabel(figure_text("ordered_work", lang, k=len(shares)))
    else:
        ax.set_yticks(rows, names)
    if partial:
        ax.plot([], [], " ", label=figure_text("partial_overview" if overview else "partial_reasons", lang))
    percent_axis(ax.xaxis, lang)
    ax.set_xlabel(figure_text("share_of_exits", lang))
    row_limits(ax, len(shares))
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
