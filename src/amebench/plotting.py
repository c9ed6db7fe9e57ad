"""Figures drawn from result tables: funnel, caterpillar, rank, observed/expected, flows.

Every function takes a result (or result table), ``ax=None``, ``lang="en"`` (or
``"sv"``: axis labels and legends in Swedish) and ``**kwargs`` and returns the Axes.
It draws only what the table holds: rows hidden by disclosure control (missing
estimates) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compare._table import _DENOMINATORS as DENOMINATORS
from .compare.funnel import level_name
from .labels import code_label, column_label, figure_text
from .schema import outcome_reasons

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
#: At most about this many ticks on a rank axis (ranks of 290 units do not fit one each).
_RANK_TICKS = 10
#: Space (in rows) above the first and below the last row of a one-row-per-unit figure.
_ROW_MARGIN = 0.5
#: A funnel plot names every unit up to this many; with more, only those outside the
#: outer limits (as FunnelPlotR names its outliers): 40 names overlap one another.
_NAME_ALL_UNITS = 15
#: ... and at most this many of those, the furthest outside (largest |z|): 105 outliers of a
#: 290-unit network without overdispersion cannot be named legibly beside their points.
_MAX_NAMES = 20
#: A flow figure draws one line per unit up to this many (matplotlib's ten colours); with
#: more, one line of their sum: 290 lines and legend entries cover the plot.
_FLOW_LINES = 10
#: At most about this many month ticks on a flow figure.
_MONTH_TICKS = 8
#: A figure with one row per unit names every row up to this many units (every county's
#: municipalities: Västra Götaland has 49). With more it is an overview: thin rows
#: without names, which the report draws at a fixed height (at 0.38 inch a row, 290
#: named rows made a figure 112 inches tall).
NAMED_ROWS = 50
#: Rows of an overview whose interval lies wholly above or below its reference line.
_SIDE_COLOURS = {"above": "#8250df", "below": "#bc4c00"}
#: An overview's rows: marker size and line width (points), the colour of intervals that
#: reach the line, and the height of an exit-reason bar (a named bar's leaves a gap).
_OVERVIEW_MARKER, _OVERVIEW_LINE, _WITHIN_LINE = 2, 0.8, "#8c959f"
_OVERVIEW_BAR, _NAMED_BAR = 1.0, 0.8
#: Text lines (tick labels, axis label) and points of space between the x axis and a legend below it.
_LINE_HEIGHT, _LEGEND_GAP_POINTS = 1.2, 6.0


def _axes(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.gca()


def _row_limits(ax, rows: int) -> None:
    """Half a row above the first row and below the last, whatever the number of rows.

    matplotlib's default margin is 5 % of the data: some 14 empty rows at each end of a
    figure of 290 units.
    """
    ax.set_ylim(-_ROW_MARGIN, max(rows, 1) - 1 + _ROW_MARGIN)


def _below_x_axis(ax):
    """Return a transform of axes coordinates moved down past the x axis's tick labels and label.

    In points, not a share of the axes' height: the space stays right when a layout
    (tight_layout, or the report's taller figures) resizes the axes.
    """
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import ScaledTranslation

    rc = mpl.rcParams
    text = sum(FontProperties(size=rc[key]).get_size_in_points() for key in ("xtick.labelsize", "axes.labelsize"))
    points = rc["xtick.major.size"] + rc["xtick.major.pad"] + rc["axes.labelpad"] + _LINE_HEIGHT * text
    return ax.transAxes + ScaledTranslation(0, -(points + _LEGEND_GAP_POINTS) / 72, ax.figure.dpi_scale_trans)


def _is_proportion(values) -> bool:
    values = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return bool(len(values)) and bool(values.between(0, _PROPORTION_TOLERANCE).all())


#: Between a number and its % sign, as in the report's tables ("38.1 %", "38,1 %").
_PERCENT_SIGN = "\u00a0%"


def _percent_axis(axis, lang: str = "en") -> None:
    """Percentages with as many decimals as the tick spacing needs (no 82.5 shown as 82)."""
    from matplotlib.ticker import PercentFormatter

    class Localised(PercentFormatter):
        def __call__(self, x, pos=None):
            return _localise(super().__call__(x, pos), lang)

    axis.set_major_formatter(Localised(1.0, decimals=None, symbol=_PERCENT_SIGN))


def _number_axis(axis, lang: str = "en") -> None:
    """Numbers with thin-space thousands, a true minus sign and the language's decimal mark."""
    from matplotlib.ticker import ScalarFormatter

    class Localised(ScalarFormatter):
        def __call__(self, x, pos=None):
            if abs(x) >= 1000 and x == round(x):
                return _localise(f"{x:,.0f}".replace(",", "\u2009"), lang)
            return _localise(super().__call__(x, pos), lang)

    axis.set_major_formatter(Localised(useOffset=False))


def _localise(text: str, lang: str) -> str:
    text = text.replace("-", "\u2212")
    return text.replace(".", ",") if lang == "sv" else text


def funnel_plot(result, ax=None, *, lang: str = "en", target_label: str | None = None, **kwargs):
    """Draw a funnel plot of a :class:`amebench.compare.FunnelResult`.

    Points are units (size on the x axis), lines the control limits of each level,
    the horizontal line the target (legend ``target_label``, default "target"). Points
    above the limits are green, below them red. Up to 15 units are each named, and the
    legend sits inside the axes where it covers least; with more, only the units outside
    the outer limits are named, at most the 20 furthest outside (largest ``|z|``; the
    legend says which), and the legend goes below the axes, off the points: save such
    a figure with ``bbox_inches="tight"`` (or call ``tight_layout``) to keep it, as
    Jupyter and the report do.

    Names that would overlap are moved apart vertically each time the figure is drawn,
    at its final size: away from the target line, inside the axes where they fit, with
    a thin line to their point. A name that overlaps none stays where it is; one that
    would run past the right edge of the axes is written left of its point.
    """
    from ._namespacing import NAME_HALO, NAME_OFFSET, NameSpacer  # matplotlib: imported only to draw

    ax = _axes(ax)
    table = result.table.dropna(subset=["estimate"])
    size_col = "n" if result.kind == "proportion" else "expected"
    limits = result.limits
    for style, level in zip(_LIMIT_STYLES * len(result.levels), sorted(result.levels)):
        grid = limits[limits["level"] == level]
        label = figure_text("limits", lang, level=f"{100 * level:g}".replace(".", "," if lang == "sv" else "."))
        ax.plot(grid["n"], grid["lower"], style, color="#57606a", lw=1, label=label)
        ax.plot(grid["n"], grid["upper"], style, color="#57606a", lw=1)
    if result.phi > 1:  # compare.funnel sets phi above 1 only when it widened the limits
        phi = f"{result.phi:.2f}".replace(".", "," if lang == "sv" else ".")
        widened = figure_text("widened_phi", lang, phi=phi) if result.tau2 == 0 else figure_text("widened", lang)
        ax.plot([], [], " ", label=widened)
    ax.axhline(result.target, color="#0969da", lw=1, label=target_label or figure_text("target", lang))
    colours = [
        _OUTSIDE_COLOURS.get(str(p).split("_")[0], _POINT) if p != "within" else _POINT
        for p in table["position"]
    ]
    ax.scatter(pd.to_numeric(table[size_col]), table["estimate"], c=colours, zorder=3, **kwargs)
    named = table
    if len(table) > _NAME_ALL_UNITS:
        outer = max(result.levels)
        named = table[table["position"].astype(str).isin([f"{side}_{level_name(outer)}"
                                                          for side in ("above", "below")])]
        level = f"{100 * outer:g}".replace(".", "," if lang == "sv" else ".")
        if len(named) > _MAX_NAMES:
            furthest = named["z"].abs().sort_values(ascending=False, kind="stable").index[:_MAX_NAMES]
            named = named.loc[named.index.isin(furthest)]
            ax.plot([], [], " ", label=figure_text("named_furthest", lang, level=level, k=_MAX_NAMES))
        else:
            ax.plot([], [], " ", label=figure_text("named_outside", lang, level=level))
    names = [
        ax.annotate(str(row.unit), (getattr(row, size_col), row.estimate), textcoords="offset points",
                    xytext=NAME_OFFSET, fontsize="small", path_effects=NAME_HALO,
                    color=_OUTSIDE_COLOURS.get(str(row.position).split("_")[0], _POINT))
        for row in named.itertuples(index=False)
    ]
    ax.add_artist(NameSpacer(names, result.target))
    ax.set_xlabel(figure_text("exits" if result.kind == "proportion" else "expected_outcomes", lang))
    if result.kind == "proportion":
        ax.set_ylabel(figure_text("rate", lang))
        _percent_axis(ax.yaxis, lang)
    else:
        ax.set_ylabel(figure_text("oe", lang))
        _number_axis(ax.yaxis, lang)
    _number_axis(ax.xaxis, lang)
    if len(table) > _NAME_ALL_UNITS:  # points everywhere: no free corner for the legend
        ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, 0),
                  bbox_transform=_below_x_axis(ax), ncols=2)
    else:  # inside the axes, so that a plain savefig keeps it
        ax.legend(frameon=False, fontsize="small", loc="best")
    ax.grid(alpha=0.3)
    return ax


_INTERVAL = ("estimate", "ci_low", "ci_high")
#: Columns that hold the count an estimate is over, first match wins: a retention table's
#: estimate is events / respondents, a re-entry or welfare table's is over the eligible.
_DENOMINATORS = (*DENOMINATORS, "n")


def _rows(data: pd.DataFrame, name: str, interval=_INTERVAL) -> pd.DataFrame:
    """The rows :func:`_interval_rows` draws.

    ``data[name]`` as text, ``interval``'s columns as floats, and the count each
    estimate is over (the first of ``respondents``, ``eligible``, ``n`` the table has)
    as ``count``, with that column's name in ``attrs["count"]``.
    """
    rows = pd.DataFrame({"name": data[name].astype(str).to_numpy(),
                         **{key: data[column].astype(float).to_numpy() for key, column in zip(_INTERVAL, interval)}})
    column = next((c for c in _DENOMINATORS if c in data.columns), None)
    if column is not None:
        rows["count"] = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        rows.attrs["count"] = column
    return rows


#: The gid of the secondary y axis that holds the counts: a second figure drawn on the same
#: Axes replaces it, as its row names replace the first's.
_COUNT_AXIS = "amebench-counts"


def _count_axis(ax, rows: pd.DataFrame, lang: str) -> None:
    """Write each row's count at the right, under its column's name (a missing count stays blank)."""
    for child in [c for c in ax.child_axes if c.get_gid() == _COUNT_AXIS]:
        child.remove()
    right = ax.secondary_yaxis("right")
    right.set_gid(_COUNT_AXIS)
    labels = ["" if np.isnan(n) else _localise(f"{n:,.0f}".replace(",", "\u2009"), lang) for n in rows["count"]]
    right.set_yticks(np.arange(len(rows)), labels)
    right.tick_params(length=0, labelsize="small", labelcolor="#57606a")
    name = column_label(rows.attrs["count"], lang)
    # a one-letter name ("n") turned on its side reads as "u"
    right.set_ylabel(name, color="#57606a", fontsize="small", rotation=0 if len(name) == 1 else 90,
                     ha="left" if len(name) == 1 else "center")


def _interval_rows(ax, rows: pd.DataFrame, marker: str, *, reference: float | None = None, order: str,
                   lang: str, **kwargs) -> None:
    """Draw one interval a row, the first at the bottom.

    ``rows`` has the columns ``name``, ``estimate``, ``ci_low`` and ``ci_high``, and
    may have ``count`` (see :func:`_rows`). Up to ``NAMED_ROWS`` rows each gets its
    name, and its count at the right. With more, an overview: thin
    intervals without caps or names, the y axis saying how many units are drawn in
    which order (``order``: a key of :func:`amebench.labels.figure_text`), and rows
    whose whole interval lies above or below ``reference`` coloured, with their count
    in the legend (``color``, ``ecolor`` and ``label`` in ``kwargs`` are ignored there).
    """
    est, low, high = (rows[column].to_numpy() for column in _INTERVAL)
    y = np.arange(len(rows))
    if len(rows) <= NAMED_ROWS:
        ax.errorbar(est, y, xerr=[est - low, high - est], **{"fmt": marker, "color": _POINT, "ecolor": "#57606a",
                                                             "capsize": 3, **kwargs})
        ax.set_yticks(y, rows["name"].tolist())
        if "count" in rows.columns:
            _count_axis(ax, rows, lang)
    else:
        side = np.full(len(est), "within", dtype=object)
        if reference is not None:
            side[low > reference] = "above"
            side[high < reference] = "below"
        for where in ("within", "above", "below"):
            on_side = side == where
            if not on_side.any():
                continue
            colour = _SIDE_COLOURS.get(where, _POINT)
            label = None if where == "within" else figure_text(f"interval_{where}", lang, k=int(on_side.sum()))
            # the colours and labels say which side a row is on: the caller's do not replace them
            style = {"fmt": marker, "markersize": _OVERVIEW_MARKER, "elinewidth": _OVERVIEW_LINE, "capsize": 0,
                     **{k: v for k, v in kwargs.items() if k not in ("color", "ecolor", "label")},
                     "color": colour, "ecolor": colour if where != "within" else _WITHIN_LINE, "label": label}
            ax.errorbar(est[on_side], y[on_side], xerr=[est[on_side] - low[on_side], high[on_side] - est[on_side]],
                        **style)
        ax.set_yticks([])
        ax.set_ylabel(figure_text(order, lang, k=len(rows)))
    _row_limits(ax, len(rows))


def caterpillar_plot(table: pd.DataFrame, ax=None, *, label: str = "unit", lang: str = "en",
                     xlabel: str | None = None, zero: bool = False, **kwargs):
    """Draw estimates with their intervals, sorted, one row per unit (or ``label``).

    Proportions (all estimates and limits within [0, 1]) get a percentage axis;
    other quantities a line at zero when their intervals reach it, or with ``zero``
    always, the axis stretched to show it (a change: how far from none it lies). A row
    named ``network`` is drawn as a vertical reference line. ``xlabel`` says what is
    measured (default "estimate with 95 % interval"). Up to 50 rows
    (``NAMED_ROWS``) each is named, with the count its estimate is over at the right
    (``respondents``, else ``eligible``, else ``n``: the first the table has); with
    more the figure is an overview without names, in which units whose interval lies
    wholly above or below the network's line are coloured and counted in the legend
    (the result table names them).
    """
    ax = _axes(ax)
    data = table.dropna(subset=["estimate"])
    if "group" in data.columns:
        data = data[data["group"].astype(str) == "participants"]
    reference = data[data[label].astype(str) == "network"]
    data = data[data[label].astype(str) != "network"].sort_values("estimate")
    rows = _rows(data, label)
    rows["name"] = [code_label(v, lang) for v in rows["name"]]
    line = float(reference["estimate"].iloc[0]) if len(reference) else None
    _interval_rows(ax, rows, "o", reference=line, order="ordered_estimate", lang=lang, **kwargs)
    if line is not None:
        ax.axvline(line, color="#0969da", lw=1, ls="--", label=figure_text("network", lang))
        ax.legend(frameon=False, fontsize="small")
    if _is_proportion(np.concatenate([rows["ci_low"], rows["ci_high"]])):
        _percent_axis(ax.xaxis, lang)
    else:
        if zero or (len(rows) and rows["ci_low"].min() < 0 < rows["ci_high"].max()):
            ax.axvline(0.0, color="#57606a", lw=0.8)
        _number_axis(ax.xaxis, lang)
    ax.set_xlabel(xlabel or figure_text("estimate_ci", lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def rank_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw each unit's median rank with its rank interval (1 = best).

    Up to 50 units (``NAMED_ROWS``) each row is named, with its ``n`` at the right; with
    more, an overview without names.
    """
    ax = _axes(ax)
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
    Up to 50 units (``NAMED_ROWS``) each row is named, with its ``n`` at the right; with
    more, an overview without names in which units whose interval lies wholly above or
    below 1 are coloured and counted in the legend.
    """
    ax = _axes(ax)
    data = getattr(table, "table", table).dropna(subset=["oe_ratio"]).sort_values("oe_ratio")
    _interval_rows(ax, _rows(data, "unit", ("oe_ratio", "oe_ci_low", "oe_ci_high")), "o", reference=1.0,
                   order="ordered_estimate", lang=lang, **kwargs)
    if len(data) > NAMED_ROWS:  # the overview's legend says what its colours are
        ax.axvline(1.0, color="#0969da", lw=1, ls="--", label=figure_text("as_expected", lang))
        ax.legend(frameon=False, fontsize="small")
    else:
        ax.axvline(1.0, color="#0969da", lw=1, ls="--")
    ax.set_xlabel(figure_text("oe_axis", lang))
    _number_axis(ax.xaxis, lang)
    ax.grid(axis="x", alpha=0.3)
    return ax


def flow_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw the active stock per unit over months from a :func:`amebench.metrics.flows` table.

    Up to 10 units get a line each; months whose counts were hidden by disclosure
    control are gaps in the lines. With more units one line shows their sum per month,
    and its legend says when hidden counts are not in it. At most about 8 months are
    labelled.
    """
    import matplotlib.dates as mdates

    ax = _axes(ax)
    stock = pd.to_numeric(table["stock"], errors="coerce")
    units = table["unit"].nunique()
    if units <= _FLOW_LINES:
        for unit, rows in table.assign(stock=stock).groupby("unit", sort=False, observed=True):
            rows = rows.sort_values("month")
            ax.plot(pd.to_datetime(rows["month"]), rows["stock"], label=str(unit), **kwargs)
    else:
        total = stock.groupby(pd.to_datetime(table["month"])).sum(min_count=1).sort_index()
        key = "all_units_shown" if stock.isna().any() else "all_units"
        ax.plot(total.index, total.to_numpy(), label=figure_text(key, lang, k=units), **kwargs)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=_MONTH_TICKS))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_ylabel(figure_text("stock", lang))
    _number_axis(ax.yaxis, lang)
    ax.legend(frameon=False, fontsize="small", ncols=2)
    ax.grid(alpha=0.3)
    return ax


#: Exit-reason colours by meaning: greens for work, blue for studies, greys for neutral
#: exits, warm colours for exits without a result (schema.EXIT_REASONS order).
_REASON_COLOURS = {
    "work": "#1a7f37", "work_subsidised": "#4ac26b", "self_employed": "#aceebb",
    "work_programme": "#8250df", "studies": "#0969da", "care": "#54aeff",
    "other_agency": "#6e7781", "moved": "#afb8c1", "leave": "#d0d7de",
    "returned_to_welfare": "#bc4c00", "dropped_out": "#cf222e", "other": "#8c6d1f", "unknown": "#e1c16e",
}


def exit_reason_plot(table: pd.DataFrame, ax=None, *, lang: str = "en", **kwargs):
    """Draw each unit's exit reasons as shares of its exits (stacked horizontal bars).

    ``table`` has ``unit``, ``exit_reason``, ``n``. Counts hidden by disclosure control
    are left out: the shares of such a unit are shares of its shown exits, and its
    name is marked with an asterisk explained in the legend. Up to 50 units
    (``NAMED_ROWS``) each bar is named, in the table's order; with more, an overview of
    unnamed bars ordered by the share of exits to work (the default ``work`` group).
    """
    ax = _axes(ax)
    values = pd.to_numeric(table["n"], errors="coerce")
    partial = set(table.loc[values.isna(), "unit"].astype(str))
    counts = table.assign(n=values).pivot_table(
        index="unit", columns="exit_reason", values="n", aggfunc="sum", observed=True
    )
    order = [r for r in _REASON_COLOURS if r in counts.columns] + [r for r in counts.columns
                                                                   if r not in _REASON_COLOURS]
    counts = counts[order]
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
                 "height": _OVERVIEW_BAR if overview else _NAMED_BAR, **kwargs}
        ax.barh(rows, shares[reason], left=left, label=code_label(str(reason), lang), **style)
        left += shares[reason].to_numpy()
    if overview:
        ax.set_yticks([])
        ax.set_ylabel(figure_text("ordered_work", lang, k=len(shares)))
    else:
        ax.set_yticks(rows, names)
    if partial:
        ax.plot([], [], " ", label=figure_text("partial_overview" if overview else "partial_reasons", lang))
    _percent_axis(ax.xaxis, lang)
    ax.set_xlabel(figure_text("share_of_exits", lang))
    _row_limits(ax, len(shares))
    ax.invert_yaxis()
    ax.legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
