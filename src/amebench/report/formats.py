"""How the report writes a table's values, on the page and in the workbook: which columns are
percentages, percentage points, codes or fixed decimals, and a value as the page's text."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

__all__ = ["PERCENT", "ALWAYS_PERCENT", "POINTS", "POINTS_UNIT", "CODED", "DIGITS", "MISSING", "NO_VALUE",
           "code_contexts", "format_value", "is_number_column", "is_whole_number_column"]

#: Columns shown as percentages when a table holds proportions.
PERCENT = {
    "estimate", "ci_low", "ci_high", "estimate_worst", "estimate_best", "estimate_a", "estimate_b",
    "share_no_payment", "share_no_payment_ci_low", "share_no_payment_ci_high",
    "rate", "rate_ci_low", "rate_ci_high",
}
#: A cell hidden by disclosure control: "..", as Statistics Sweden (SCB) marks a value not
#: shown ("–" is its zero, which a Swedish reader would read it as: coordinator review).
MISSING = ".."
NO_VALUE = ""  # a value that does not exist (no interval for a median's days, no survey)

#: Columns shown as percentages in every table (shares, whatever the table's estimate is, and
#: the ranks' chances, shown as 0.534 beside percents everywhere else: newcomer review).
ALWAYS_PERCENT = {"share_no_payment", "share_no_payment_ci_low", "share_no_payment_ci_high",
                  "p_top_quarter", "p_bottom_quarter"}

#: Tables whose estimates are differences of proportions: shown in percentage points.
POINTS = {"pairwise": ("estimate", "ci_low", "ci_high")}
POINTS_UNIT = {"en": "pp", "sv": "p.e."}

#: Columns whose values are canonical codes, shown with their readable labels.
CODED = {"unit", "unit_a", "unit_b", "exit_reason", "position", "table", "group", "comparison", "quantity",
         "characteristic", "level"}


def code_contexts(shown: pd.DataFrame, column: str) -> list:
    """The column each value of the coded ``column`` is labelled as (``labels.code_label``'s
    ``column``), row by row: a ``level`` as its row's ``characteristic`` (Swedish gender
    "annat", age band "okänd"), any other column as itself."""
    if column == "level" and "characteristic" in shown:
        return shown["characteristic"].tolist()
    return [column] * len(shown)


def is_whole_number_column(series: pd.Series) -> bool:
    """A float column of whole numbers (days, years: float only because of gaps)."""
    if not pd.api.types.is_float_dtype(series):
        return False
    values = series.dropna().to_numpy(dtype="float64")
    return len(values) > 0 and bool(np.all(values == np.round(values)))


def is_number_column(series: pd.Series) -> bool:
    """A column whose present values are all numbers (not booleans): right-aligned on the page."""
    values = series.dropna()
    return len(values) > 0 and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                                   for v in values.tolist())


#: Decimals of a column whatever its size: an expected rank (1.7 of 5), and expected counts, one
#: decimal each (253.2 beside 8.7, not 253 beside 8.711: report review).
DIGITS = {("ranks", "estimate"): 1, **{(table, "expected"): 1
                                         for table in ("risk_adjusted", "funnel_risk_adjusted", "calibration")}}


def format_value(value, column: str, percent: bool, decimal: str, *, points: str | None = None,
                 digits: int | None = None) -> str:
    """``value`` of ``column`` as the page writes it (HTML-escaped): ``..`` when missing, a share
    in percent (``percent``) or percentage points (``points``, the unit's word) with one
    decimal (more where a difference would show as 0.0), counts with thin-space thousands,
    ``digits`` fixed decimals, p-values to 3 (``<0.001``), other numbers by their size;
    ``decimal`` is the language's mark."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return MISSING
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}".replace(",", "\u202f")
    if isinstance(value, (float, np.floating)):
        unit = f"\u00a0{points}" if points else "\u00a0%" if percent else ""
        if points or percent:
            text = f"{100 * value + 0.0:.1f}"
            places = 1
            while points and value != 0 and not text.strip("-0.") and places < 4:  # −0.03 pp is not 0.0 pp
                places += 1
                text = f"{100 * value:.{places}f}"
        elif digits is not None:
            text = f"{value:,.{digits}f}".replace(",", "\u202f")
        elif column.startswith("p_"):
            text = f"{value:.3f}" if value >= 0.001 else "<0.001"
        elif abs(value) >= 100:
            text = f"{value:,.0f}".replace(",", "\u202f")
        elif abs(value) >= 10:
            text = f"{value:.1f}"
        else:
            text = f"{value:.3f}"
        if text.startswith("-") and not text.strip("-0.") and not (points and value != 0):
            text = text[1:]  # -0.0 % after rounding is 0.0 %; a difference below 0.00005 pp keeps its sign
        text = text.replace("-", "\u2212", 1) if text.startswith("-") else text
        return text.replace(".", decimal) + unit  # the unit's own dots stay (p.e.)
    return html.escape(str(value))
