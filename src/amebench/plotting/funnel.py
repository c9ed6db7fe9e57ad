"""The funnel plot: units by size against the control limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compare.funnel import level_name
from ..exceptions import AmebenchError
from ..labels import figure_text, outcome_label
from ._axes import POINT, SIDE_COLOURS, axes_of, localise, number_axis, percent_axis

__all__ = ["funnel_plot"]

#: A point's marker by its side of the limits: the shape says it as well as the colour.
_MARKERS = {"within": "o", "above": "^", "below": "v"}
#: Keywords of ``funnel_plot`` that would hide a point's side: its colour, shape and label.
_SIDE_STYLE = ("c", "color", "facecolor", "facecolors", "fc", "marker", "label")
_LIMIT_STYLES = ("--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)))  # a style per level, up to four
#: A funnel plot names every unit up to this many; with more, only those outside the
#: outer limits (as FunnelPlotR names its outliers): 40 names overlap one another.
_NAME_ALL_UNITS = 15
#: ... and at most this many of those, the furthest outside (largest |z|): 105 outliers of a
#: 290-unit network without overdispersion cannot be named legibly beside their points.
_MAX_NAMES = 20
#: Text lines (tick labels, axis label) and points of space between the x axis and a legend below it.
_LINE_HEIGHT, _LEGEND_GAP_POINTS = 1.2, 6.0


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


def funnel_plot(result, ax=None, *, lang: str = "en", target_label: str | None = None, outcome: str | None = None,
                **kwargs):
    """Draw a funnel plot of a :class:`amebench.compare.FunnelResult`.

    Points are units (size on the x axis), lines the control limits of each level,
    the horizontal line the target (legend ``target_label``, default "target"). An
    observed/expected funnel's axis names ``outcome`` ("expected exits to work or
    studies"; "… to the outcome" without it). Points
    above the inner limits are purple triangles pointing up, below them orange ones
    pointing down (the legend counts them), as the interval figures colour their sides;
    other keywords go to ``Axes.scatter``, but not those that would hide a point's side
    (``color``, ``c``, ``facecolor``, ``facecolors``, ``fc``, ``marker``, ``label``). Up to
    15 units are each named, and the legend sits inside the axes where it covers least;
    with more, only the units outside the outer limits are named, at most the 20 furthest
    outside (largest ``|z|``; the legend says which), and the legend goes below the axes,
    off the points: save such a figure with ``bbox_inches="tight"`` (or call
    ``tight_layout``) to keep it, as Jupyter and the report do.

    Names that would overlap are moved apart vertically each time the figure is drawn,
    at its final size: away from the target line, inside the axes where they fit, with
    a thin line to their point. A name that overlaps none stays where it is; one that
    would run past the right edge of the axes is written left of its point. A name that
    was not moved and crosses a control limit or the target line is written below its
    point, or left of it, where it crosses none and overlaps no other name (if there is
    such a place).
    """
    from ._namespacing import NAME_HALO, NAME_OFFSET, NameSpacer  # matplotlib: imported only to draw

    if not all(hasattr(result, a) for a in ("table", "limits", "levels", "target", "kind")):
        raise AmebenchError(f"funnel_plot draws compare.funnel(table), not a {type(result).__name__}: "
                            "call compare.funnel(table) first (or its .plot())")
    ax = axes_of(ax)
    table = result.table.dropna(subset=["estimate"])
    size_col = "n" if result.kind == "proportion" else "expected"
    limits = result.limits
    lines = []  # the names keep off them
    for style, level in zip(_LIMIT_STYLES * len(result.levels), sorted(result.levels)):
        grid = limits[limits["level"] == level]
        label = figure_text("limits", lang, level=localise(f"{100 * level:g}", lang))
        lines += ax.plot(grid[size_col], grid["lower"], linestyle=style, color="#57606a", lw=1, label=label)
        lines += ax.plot(grid[size_col], grid["upper"], linestyle=style, color="#57606a", lw=1)
    if result.phi > 1:  # compare.funnel sets phi above 1 only when it widened the limits
        widened = (figure_text("widened_phi", lang, phi=localise(f"{result.phi:.2f}", lang)) if result.tau2 == 0
                   else figure_text("widened_tau2", lang, tau2=localise(np.format_float_positional(  # not 1.2e-05
                       result.tau2, precision=2, fractional=False, trim="-"), lang)))
        ax.plot([], [], " ", label=widened)
    lines.append(ax.axhline(result.target, color="#0969da", lw=1, label=target_label or figure_text("target", lang)))
    side = table["position"].astype(str).str.split("_").str[0]
    # the colours, shapes and labels say which side a point is on: the caller's do not replace them
    style = {"zorder": 3, **{k: v for k, v in kwargs.items() if k not in _SIDE_STYLE}}
    inner = localise(f"{100 * min(result.levels):g}", lang)  # a point is outside once past the inner limits
    for where, marker in _MARKERS.items():
        on_side = (side == where).to_numpy()
        if on_side.any():
            label = (None if where == "within"
                     else figure_text(f"outside_{where}", lang, k=int(on_side.sum()), level=inner))
            ax.scatter(pd.to_numeric(table.loc[on_side, size_col]), table.loc[on_side, "estimate"],
                       **{**style, "color": SIDE_COLOURS.get(where, POINT), "marker": marker, "label": label})
    named = table
    if len(table) > _NAME_ALL_UNITS:
        outer = max(result.levels)
        named = table[table["position"].astype(str).isin([f"{side}_{level_name(outer)}"
                                                          for side in ("above", "below")])]
        level = localise(f"{100 * outer:g}", lang)
        if len(named) > _MAX_NAMES:
            furthest = named["z"].abs().sort_values(ascending=False, kind="stable").index[:_MAX_NAMES]
            named = named.loc[named.index.isin(furthest)]
            ax.plot([], [], " ", label=figure_text("named_furthest", lang, level=level, k=_MAX_NAMES))
        else:
            ax.plot([], [], " ", label=figure_text("named_outside", lang, level=level))
    names = [
        ax.annotate(str(row.unit), (getattr(row, size_col), row.estimate), textcoords="offset points",
                    xytext=NAME_OFFSET, fontsize="small", path_effects=NAME_HALO,
                    color=SIDE_COLOURS.get(str(row.position).split("_")[0], POINT))
        for row in named.itertuples(index=False)
    ]
    ax.add_artist(NameSpacer(names, result.target, lines))
    ax.set_xlabel(figure_text("exits", lang) if result.kind == "proportion"
                  else figure_text("expected_outcomes", lang, outcome=outcome_label(outcome, lang)))
    if result.kind == "proportion":
        ax.set_ylabel(figure_text("rate", lang))
        percent_axis(ax.yaxis, lang)
    else:
        ax.set_ylabel(figure_text("oe", lang))
        number_axis(ax.yaxis, lang)
    number_axis(ax.xaxis, lang)
    if len(table) > _NAME_ALL_UNITS:  # points everywhere: no free corner for the legend
        ax.legend(frameon=False, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, 0),
                  bbox_transform=_below_x_axis(ax), ncols=2)
    else:  # inside the axes, so that a plain savefig keeps it
        ax.legend(frameon=False, fontsize="small", loc="best")
    ax.grid(alpha=0.3)
    return ax
