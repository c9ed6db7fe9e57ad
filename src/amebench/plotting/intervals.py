"""Figures of one interval a row: caterpillar (estimates), ranks, observed/expected."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compare._table import _DENOMINATORS as DENOMINATORS
from ..exceptions import AmebenchError, listed
from ..labels import code_label, column_label, figure_text
from ..results import is_proportion
from ._axes import (NAMED_ROWS, POINT, SIDE_COLOURS, axes_of, localise, needs_columns, number_axis,
                    percent_axis, row_limits)

__all__ = ["caterpillar_plot", "rank_plot", "oe_plot"]

#: At most about this many ticks on a rank axis (ranks of 290 units do not fit one each).
_RANK_TICKS = 10
#: An overview's rows: marker size and line width (points), and the colour of intervals
#: that reach the line.
_OVERVIEW_MARKER, _OVERVIEW_LINE, _WITHIN_LINE = 2, 0.8, "#8c959f"

_INTERVAL = ("estimate", "ci_low", "ci_high")
#: Columns that hold the count an estimate is over, first match wins: a retention table's
#: estimate is events / respondents, a re-entry or welfare table's is over the eligible.
_DENOMINATORS = (*DENOMINATORS, "n")


def count_column(table: pd.DataFrame) -> str | None:
    """Return the column whose counts a figure of ``table`` writes at the right: the first
    of ``respondents``, ``eligible`` and ``n`` the table has (None when it has none)."""
    return next((c for c in _DENOMINATORS if c in table.columns), None)


def _rows(data: pd.DataFrame, name: str, interval=_INTERVAL) -> pd.DataFrame:
    """The rows :func:`_interval_rows` draws.

    ``data[name]`` as text, ``interval``'s columns as floats, and the count each
    estimate is over (the first of ``respondents``, ``eligible``, ``n`` the table has)
    as ``count``, with that column's name in ``attrs["count"]``.
    """
    rows = pd.DataFrame({"name": data[name].astype(str).to_numpy(),
                         **{key: data[column].astype(float).to_numpy() for key, column in zip(_INTERVAL, interval)}})
    column = count_column(data)
    if column is not None:
        rows["count"] = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        rows.attrs["count"] = column
    return rows


#: The gid of the secondary y axis that holds the counts: a second figure drawn on the same
#: Axes replaces it, as its row names replace the first's.
_COUNT_AXIS = "amebench-counts"


def _count_axis(ax, rows: pd.DataFrame, lang: str, count_label: str | None = None) -> None:
    """Write each row's count at the right, under ``count_label`` or else its column's name
    (a missing count stays blank)."""
    for child in [c for c in ax.child_axes if c.get_gid() == _COUNT_AXIS]:
        child.remove()
    right = ax.secondary_yaxis("right")
    right.set_gid(_COUNT_AXIS)
    labels = ["" if np.isnan(n) else localise(f"{n:,.0f}".replace(",", "\u2009"), lang) for n in rows["count"]]
    right.set_yticks(np.arange(len(rows)), labels)
    right.tick_params(length=0, labelsize="small", labelcolor="#57606a")
    name = count_label or column_label(rows.attrs["count"], lang)
    # a one-letter name ("n") turned on its side reads as "u"
    right.set_ylabel(name, color="#57606a", fontsize="small", rotation=0 if len(name) == 1 else 90,
                     ha="left" if len(name) == 1 else "center")


def _interval_rows(ax, rows: pd.DataFrame, marker: str, *, reference: float | None = None, order: str,
                   lang: str, count_label: str | None = None, **kwargs) -> None:
    """Draw one interval a row, the first at the bottom.

    ``rows`` has the columns ``name``, ``estimate``, ``ci_low`` and ``ci_high``, and
    may have ``count`` (see :func:`_rows`). Up to ``NAMED_ROWS`` rows each gets its
    name, and its count at the right under ``count_label`` (default: the count column's
    name, as :func:`amebench.labels.column_label` gives it). With more, an overview: thin
    intervals without caps or names, the y axis saying how many units are drawn in
    which order (``order``: a key of :func:`amebench.labels.figure_text`), and rows
    whose whole interval lies above or below ``reference`` coloured, with their count
    in the legend (``color``, ``ecolor`` and ``label`` in ``kwargs`` are ignored there).
    """
    est, low, high = (rows[column].to_numpy() for column in _INTERVAL)
    y = np.arange(len(rows))
    if len(rows) <= NAMED_ROWS:
        ax.errorbar(est, y, xerr=[est - low, high - est], **{"fmt": marker, "color": POINT, "ecolor": "#57606a",
                                                             "capsize": 3, **kwargs})
        ax.set_yticks(y, rows["name"].tolist())
        if "count" in rows.columns:
            _count_axis(ax, rows, lang, count_label)
    else:
        side = np.full(len(est), "within", dtype=object)
        if reference is not None:
            side[low > reference] = "above"
            side[high < reference] = "below"
        for where in ("within", "above", "below"):
            on_side = side == where
            if not on_side.any():
                continue
            colour = SIDE_COLOURS.get(where, POINT)
            label = None if where == "within" else figure_text(f"interval_{where}", lang, k=int(on_side.sum()))
            # the colours and labels say which side a row is on: the caller's do not replace them
            style = {"fmt": marker, "markersize": _OVERVIEW_MARKER, "elinewidth": _OVERVIEW_LINE, "capsize": 0,
                     **{k: v for k, v in kwargs.items() if k not in ("color", "ecolor", "label")},
                     "color": colour, "ecolor": colour if where != "within" else _WITHIN_LINE, "label": label}
            ax.errorbar(est[on_side], y[on_side], xerr=[est[on_side] - low[on_side], high[on_side] - est[on_side]],
                        **style)
        ax.set_yticks([])
        ax.set_ylabel(figure_text(order, lang, k=len(rows)))
    row_limits(ax, len(rows))


def caterpillar_plot(table: pd.DataFrame, ax=None, *, label: str = "unit", lang: str = "en",
                     xlabel: str | None = None, zero: bool = False, reference: float | None = None, **kwargs):
    """Draw estimates with their intervals, sorted, one row per unit (or ``label``).

    Proportions (all estimates and limits within [0, 1]) get a percentage axis;
    other quantities a line at zero when their intervals reach it, or with ``zero``
    always, the axis stretched to show it (a change: how far from none it lies). A row
    named ``network`` is drawn as a vertical reference line. ``xlabel`` says what is
    measured (default "estimate with 95 % interval"). Up to 50 rows
    (``NAMED_ROWS``) each is named, with the count its estimate is over at the right
    (``respondents``, else ``eligible``, else ``n``: the first the table has), under
    ``count_label`` (default: that column's name); with
    more the figure is an overview without names, in which units whose interval lies
    wholly above or below the network's line are coloured and counted in the legend
    (the result table names them). ``reference``: the network's value, for a table
    without a ``network`` row (``outcome_rate(cohort, by=()).estimate``); it wins over one.
    A table with ``estimate_worst`` and ``estimate_best`` (``retention``) gets a pale band
    between them behind each named row: the interval is of respondents only, and the
    band shows where the rate lies with every non-respondent lost or retained.
    """
    needs_columns(table, [label, *_INTERVAL], "caterpillar_plot",
                  f"estimates with their intervals, a row per value of label= ({label!r}; give it the column "
                  "the table is grouped by)")
    ax = axes_of(ax)
    data = table.dropna(subset=["estimate"])
    if "group" in data.columns:
        data = data[data["group"].astype(str) == "participants"]
    if "quantity" in data.columns and data["quantity"].nunique() > 1:  # durations: days and shares
        raise AmebenchError(f"caterpillar_plot draws one quantity; the table has {sorted(data['quantity'].unique())}: "
                            "draw table[table['quantity'] == ...]")
    network_row = data[data[label].astype(str) == "network"]
    data = data[data[label].astype(str) != "network"].sort_values("estimate")
    if data[label].duplicated().any():  # one row per unit: a table by unit and more would mix rows
        raise AmebenchError(f"caterpillar_plot draws one row per {label}; the table has several for "
                            f"{listed(sorted(data.loc[data[label].duplicated(), label].astype(str).unique()))}: "
                            f"select one row per {label}, or give label= a column that tells them apart")
    rows = _rows(data, label)
    rows["name"] = [code_label(v, lang, label) for v in rows["name"]]  # as the label column's value
    if reference is not None:
        line = float(reference)
    else:
        line = float(network_row["estimate"].iloc[0]) if len(network_row) else None
    _interval_rows(ax, rows, "o", reference=line, order="ordered_estimate", lang=lang, **kwargs)
    bounds = _bounds(data, len(rows) <= NAMED_ROWS)
    if bounds is not None:
        ax.hlines(np.arange(len(rows)), *bounds, lw=9, color=_BOUNDS_COLOUR, zorder=0,
                  label=figure_text("worst_best", lang))
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom, top + 1)  # a free row at the top for the legend: the bands span the width
    if line is not None:
        ax.axvline(line, color="#0969da", lw=1, ls="--", label=figure_text("network", lang))
    if line is not None or bounds is not None:
        ax.legend(frameon=False, fontsize="small")
    limits = [rows["ci_low"], rows["ci_high"], *(bounds if bounds is not None else ())]
    if is_proportion(np.concatenate(limits)):
        percent_axis(ax.xaxis, lang)
    else:
        if zero or (len(rows) and rows["ci_low"].min() < 0 < rows["ci_high"].max()):
            ax.axvline(0.0, color="#57606a", lw=0.8)
        number_axis(ax.xaxis, lang)
    ax.set_xlabel(xlabel or figure_text("estimate_ci", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


#: The band of a retention table's worst and best cases (non-respondents all lost / all retained).
_BOUNDS_COLOUR = "#d0d7de"


def _bounds(data: pd.DataFrame, named: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The rows' worst and best cases, when the table has them and the rows are named (in an
    overview of thin rows a band would hide the intervals)."""
    if not named or not {"estimate_worst", "estimate_best"} <= set(data.columns):
        return None
    worst, best = (pd.to_numeric(data[c]).to_numpy(dtype="float64", na_value=np.nan)
                   for c in ("estimate_worst", "estimate_best"))
    return (worst, best) if np.any(np.isfinite(worst) & np.isfinite(best)) else None  # else nothing to draw


def rank_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw each unit's expected rank with its rank interval (1 = highest rate), as
    :func:`amebench.compare.rank_intervals` gives them.

    Up to 50 units (``NAMED_ROWS``) each row is named, with its ``n`` at the right (under
    ``count_label``, default "n"); with more, an overview without names.
    """
    # a rank is never shown without its interval: an outcome-rate table sorted would be a league table
    draws = "the expected ranks and rank intervals of compare.rank_intervals(table)"
    needs_columns(table, ["unit", *_INTERVAL], "rank_plot", draws)
    ranks = pd.concat([pd.to_numeric(table[c], errors="coerce") for c in _INTERVAL]).dropna()
    if not ranks.between(1, len(table)).all():
        raise AmebenchError(f"rank_plot draws {draws}, ranks from 1 to the number of units ({len(table)}); this "
                            f"table's estimates and limits run from {ranks.min():g} to {ranks.max():g}")
    ax = axes_of(ax)
    data = table.dropna(subset=["estimate"]).sort_values("estimate")
    _interval_rows(ax, _rows(data, "unit"), "s", order="ordered_rank", lang=lang, **kwargs)
    from matplotlib.ticker import MaxNLocator

    k = len(table)
    ax.set_xlim(0.5, k + 0.5)
    steps = MaxNLocator(nbins=_RANK_TICKS, integer=True).tick_values(1, k)  # 1, 2, ... or 1, 50, 100, ...
    ax.set_xticks(sorted({1, *(int(t) for t in steps if 1 < t <= k)}))
    ax.invert_yaxis()
    ax.set_xlabel(figure_text("rank_axis", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def oe_plot(table, ax=None, *, lang: str = "en", **kwargs):
    """Draw observed/expected ratios with their intervals and the line O/E = 1.

    ``table`` is a :class:`amebench.compare.RiskAdjustedResult` or its ``.table``.
    Up to 50 units (``NAMED_ROWS``) each row is named, with its ``n`` at the right (under
    ``count_label``, default "n"); with
    more, an overview without names in which units whose interval lies wholly above or
    below 1 are coloured and counted in the legend.
    """
    table = getattr(table, "table", table)
    needs_columns(table, ["unit", "oe_ratio", "oe_ci_low", "oe_ci_high"], "oe_plot",
                  "compare.risk_adjusted(cohort) or its .table")
    ax = axes_of(ax)
    data = table.dropna(subset=["oe_ratio"]).sort_values("oe_ratio")
    _interval_rows(ax, _rows(data, "unit", ("oe_ratio", "oe_ci_low", "oe_ci_high")), "o", reference=1.0,
                   order="ordered_estimate", lang=lang, **kwargs)
    if len(data) > NAMED_ROWS:  # the overview's legend says what its colours are
        ax.axvline(1.0, color="#0969da", lw=1, ls="--", label=figure_text("as_expected", lang))
        ax.legend(frameon=False, fontsize="small")
    else:
        ax.axvline(1.0, color="#0969da", lw=1, ls="--")
    ax.set_xlabel(figure_text("oe_axis", lang))
    number_axis(ax.xaxis, lang)
    ax.grid(axis="x", alpha=0.3)
    return ax
