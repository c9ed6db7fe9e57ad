"""Tests of report.formats: how the page and the workbook write a value."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amebench.report.formats import MISSING, format_value, is_number_column, is_whole_number_column

THIN, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


@pytest.mark.parametrize(("value", "column", "options", "text"), [
    # missing of every kind: SCB's ".."
    (None, "n", {}, MISSING), (pd.NA, "n", {}, MISSING), (pd.NaT, "day", {}, MISSING),
    (float("nan"), "estimate", {"percent": True}, MISSING),
    (pd.Timestamp("2025-06-30 13:00"), "day", {}, "2025-06-30"),
    (np.bool_(True), "flag", {}, "True"),
    # counts: thin-space thousands, whatever the language's decimal mark
    (1234567, "n", {}, f"1{THIN}234{THIN}567"), (np.int64(12), "n", {"decimal": ","}, "12"),
    # shares: 0.4663 is 46.6 %, with a comma in Swedish; -0.0004 rounds to 0.0 %, not -0.0 %
    (0.46638, "estimate", {"percent": True}, f"46.6{NBSP}%"),
    (0.46638, "estimate", {"percent": True, "decimal": ","}, f"46,6{NBSP}%"),
    (-0.0004, "estimate", {"percent": True}, f"0.0{NBSP}%"),
    (-0.25, "estimate", {"percent": True}, f"{MINUS}25.0{NBSP}%"),
    # percentage points: a difference that would show as 0.0 gets more places, and keeps its sign
    (-0.0003, "estimate", {"points": "pp"}, f"{MINUS}0.03{NBSP}pp"),
    (0.0000004, "estimate", {"points": "p.e.", "decimal": ","}, f"0,0000{NBSP}p.e."),
    (-0.0000004, "estimate", {"points": "pp"}, f"{MINUS}0.0000{NBSP}pp"),
    (0.0, "estimate", {"points": "pp"}, f"0.0{NBSP}pp"),
    (0.123, "estimate", {"points": "pp"}, f"12.3{NBSP}pp"),
    # p-values to 3 decimals, below 0.001 as such
    (0.04321, "p_adjusted", {}, "0.043"), (0.0004, "p_value", {}, "<0.001"),
    # other numbers by their size; fixed decimals where asked (an expected count)
    (-2905.22, "mean_before", {}, f"{MINUS}2{THIN}905"), (12.345, "median", {}, "12.3"),
    (1.23456, "ratio", {"decimal": ","}, "1,235"), (253.24, "expected", {"digits": 1}, "253.2"),
    (8.711, "expected", {"digits": 1, "decimal": ","}, "8,7"),
    # text is escaped for the page
    ("<b>Järfälla & co</b>", "unit", {}, "&lt;b&gt;Järfälla &amp; co&lt;/b&gt;"),
])
def test_values_as_the_page_writes_them(value, column, options, text):
    options = {"percent": False, "decimal": ".", **options}
    assert format_value(value, column, options.pop("percent"), options.pop("decimal"), **options) == text


@given(st.floats(-1, 1, allow_nan=False))
def test_a_share_reads_back_within_half_a_shown_decimal(share):
    text = format_value(share, "estimate", True, ",")
    assert text.endswith(f"{NBSP}%") and "-" not in text
    shown = float(text.removesuffix(f"{NBSP}%").replace(MINUS, "-").replace(",", "."))
    assert math.isclose(shown, 100 * share, abs_tol=0.05 + 1e-9)


@given(st.floats(-1, 1, allow_nan=False).filter(lambda v: v != 0))
def test_a_difference_keeps_its_sign_and_shows_as_zero_only_below_4_places(difference):
    # a difference of units is never shown as 0.0 pp when more places show it, and keeps its
    # sign even when 4 places do not (-0.00001 pp is below zero, a share's -0.0 % is not)
    text = format_value(difference, "estimate", False, ".", points="pp")
    assert text.startswith(MINUS) == (difference < 0)
    digits = text.removesuffix(f"{NBSP}pp").replace(MINUS, "")
    assert float(digits) != 0 or abs(100 * difference) < 0.00005


def test_which_columns_are_numbers_and_whole_numbers():
    assert is_whole_number_column(pd.Series([90.0, None, 365.0]))
    assert not is_whole_number_column(pd.Series([90.5, 365.0]))
    assert not is_whole_number_column(pd.Series([None], dtype="float64"))  # nothing to tell by
    assert not is_whole_number_column(pd.Series([90, 365]))  # integers are counts already
    assert is_number_column(pd.Series([1, 2.5, None], dtype=object))
    assert not is_number_column(pd.Series([True, False]))
    assert not is_number_column(pd.Series(["1", "2"]))
    assert not is_number_column(pd.Series([None, None]))
