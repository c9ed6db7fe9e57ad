"""What the figures share: their Axes, row limits, number and percentage axes, colours."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The colour of a point or interval that is not marked out.
POINT = "#24292f"
#: Units above or below a reference (an interval wholly on one side, a funnel point outside
#: the limits): purple and orange, which readers with red-green colour blindness tell apart.
SIDE_COLOURS = {"above": "#8250df", "below": "#bc4c00"}
#: Space (in rows) above the first and below the last row of a one-row-per-unit figure.
ROW_MARGIN = 0.5
#: A figure with one row per unit names every row up to this many units (every county's
#: municipalities: Västra Götaland has 49). With more it is an overview: thin rows
#: without names, which the report draws at a fixed height (at 0.38 inch a row, 290
#: named rows made a figure 112 inches tall).
NAMED_ROWS = 50
#: An overview's height of an exit-reason bar (a named bar's leaves a gap).
OVERVIEW_BAR, NAMED_BAR = 1.0, 0.8


def needs_columns(table, columns, figure: str, draws: str) -> None:
    """Raise :class:`~amebench.exceptions.AmebenchError` when ``table`` (a DataFrame) lacks
    one of ``columns``: "``figure`` draws ``draws``" says what to give it instead."""
    from ..exceptions import AmebenchError, listed

    if not isinstance(table, pd.DataFrame):
        raise AmebenchError(f"{figure} draws {draws}, not a {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise AmebenchError(f"{figure} draws {draws}; this table has no column {listed(missing)} (its columns: "
                            f"{listed(list(map(str, table.columns)))})")


def axes_of(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.gca()


def row_limits(ax, rows: int) -> None:
    """Half a row above the first row and below the last, whatever the number of rows.

    matplotlib's default margin is 5 % of the data: some 14 empty rows at each end of a
    figure of 290 units.
    """
    ax.set_ylim(-ROW_MARGIN, max(rows, 1) - 1 + ROW_MARGIN)


#: Between a number and its % sign, as in the report's tables ("38.1 %", "38,1 %").
PERCENT_SIGN = "\u00a0%"


def percent_axis(axis, lang: str = "en") -> None:
    """Percentages with as many decimals as the ticks need: none for 65 % and 70 %, one for
    82.5 % (matplotlib's own choice, from the axis' range, gave "65.0 %" on one figure beside
    "20 %" on the next: newcomer review)."""
    from matplotlib.ticker import PercentFormatter

    class Localised(PercentFormatter):
        def __call__(self, x, pos=None):
            return localise(super().__call__(x, pos), lang)

        def format_ticks(self, values):
            self.decimals = tick_decimals(values)
            try:
                return super().format_ticks(values)
            finally:
                self.decimals = None  # a value alone (the cursor's): decimals by the axis' range

    axis.set_major_formatter(Localised(1.0, decimals=None, symbol=PERCENT_SIGN))


def tick_decimals(values) -> int:
    """The fewest decimals (at most 3) that write each share of ``values`` in percent exactly."""
    percents = 100 * np.asarray(values, dtype=float)
    return next((d for d in range(3) if np.allclose(percents, np.round(percents, d), rtol=0, atol=1e-6)), 3)


def number_axis(axis, lang: str = "en") -> None:
    """Numbers with thin-space thousands, a true minus sign and the language's decimal mark."""
    from matplotlib.ticker import ScalarFormatter

    class Localised(ScalarFormatter):
        def __call__(self, x, pos=None):
            if abs(x) >= 1000 and x == round(x):
                return localise(f"{x:,.0f}".replace(",", "\u2009"), lang)
            return localise(super().__call__(x, pos), lang)

    axis.set_major_formatter(Localised(useOffset=False))


def localise(text: str, lang: str) -> str:
    text = text.replace("-", "\u2212")
    return text.replace(".", ",") if lang == "sv" else text
