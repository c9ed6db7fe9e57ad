"""Tests of amebench.io.amounts: the whole-column and Arrow paths give the floats of the rule.

Reference: the row-by-row rule these paths replaced (amebench before issue #6,
parse_amounts in src/amebench/io/parse.py), copied below as ``_ref_amounts``, applied
after the reference trimming and missing-marker search of tests/test_io_parse.py.
Cells are drawn as exports write amounts and as they break them: signs (including the
typographic minus U+2212), thousands groups separated by spaces, no-break spaces
(U+00A0), narrow no-break spaces (U+202F), figure spaces (U+2007) or the thousands
mark, decimal parts, currency marks (kr, kr., SEK, sek, :-, ,-, KR, a doubled kr), spaces
around, in six decimal/thousands dialects, plus arbitrary text.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_io_parse import _SPACES, MISSING, _column, _ref_missing, _ref_trim, odd_text

from amebench.io import amounts as amounts_module

_CURRENCY = r"(?i)\s*(kr\.?|sek|:-|,-)\s*$"  # ",-" added 2026-12-05 (newcomer review: "5 000,-")


def _ref_amounts(series, *, decimal, thousands, present):
    s = series.str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(r"[\s" + _SPACES + "]", "", regex=True)
    if thousands and thousands != " ":
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    s = s.str.replace("\u2212", "-", regex=False)
    values = pd.to_numeric(s.where(present, None), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values.to_numpy()))
    notnum = present & values.isna().to_numpy()
    negative = (values < 0).fillna(False).to_numpy(dtype=bool)
    return values.where(~negative & ~notnum), notnum, negative


@st.composite
def amounts(draw, decimal=",", thousands=" "):
    """An amount as an export might write it, sometimes broken."""
    sign = draw(st.sampled_from(["", "", "-", "\u2212", "+", "- "]))
    groups = draw(st.lists(st.integers(0, 999), min_size=1, max_size=5))
    sep = draw(st.sampled_from([" ", "\u00a0", "\u202f", "\u2007", thousands or "", ""]))
    body = str(groups[0]) + "".join(sep + f"{g:03d}" for g in groups[1:])
    frac = draw(st.sampled_from(["", decimal + "5", decimal + "50", decimal + "05", decimal + "123", decimal, "." + "5"]))
    suffix = draw(st.sampled_from(["", " kr", "kr", " kr.", " SEK", "sek", ":-", ",-", " KR", "\u00a0kr", " kr kr"]))
    around = draw(st.sampled_from(["", " ", "\u00a0", "\t"]))
    return around + sign + body + frac + suffix + around


def _same_floats(got, want):
    """Bit for bit, except the sign of zero.

    The reference's ``pd.to_numeric`` read "-0" as -0.0 or +0.0 depending on the other
    cells of the column (an all-integer column is parsed as int64); every zero is now +0.0.
    """
    got, want = np.asarray(got, dtype="float64"), np.asarray(want, dtype="float64")
    assert np.array_equal(np.isnan(got), np.isnan(want))
    both = ~np.isnan(got)
    assert np.array_equal(got[both], want[both])
    assert np.array_equal(np.signbit(got[both]), np.signbit(want[both]) & (want[both] != 0))


# -- amounts ---------------------------------------------------------------------------

DIALECTS = [(",", " "), (",", "."), (".", ","), (",", ""), (".", " "), (",", ",")]


def _check_amounts(cells, decimal, thousands, markers=MISSING):
    raw = _column(cells)
    trimmed = _ref_trim(raw)
    present = ~_ref_missing(trimmed, markers)
    ref_values, ref_notnum, ref_negative = _ref_amounts(trimmed, decimal=decimal, thousands=thousands, present=present)
    values, notnum, negative = amounts_module.parse_amounts(_ref_trim(raw), decimal=decimal, thousands=thousands, present=present)
    _same_floats(values, ref_values)
    assert np.array_equal(notnum, ref_notnum) and np.array_equal(negative, ref_negative)
    values, got_present, notnum, negative, text = amounts_module.read_amounts(
        raw, decimal=decimal, thousands=thousands, missing_values=markers)
    _same_floats(values, ref_values)
    assert np.array_equal(got_present, present)
    assert np.array_equal(notnum, ref_notnum) and np.array_equal(negative, ref_negative)
    assert text().astype(object).tolist() == trimmed.astype(object).tolist()


@settings(max_examples=300)
@given(st.sampled_from(DIALECTS).flatmap(lambda d: st.tuples(st.just(d), st.lists(amounts(*d), max_size=25))))
def test_amounts_equal_the_rule_cell_by_cell(case):
    (decimal, thousands), cells = case
    _check_amounts(cells, decimal, thousands)


@settings(max_examples=300)
@given(st.sampled_from(DIALECTS), st.sampled_from(["", " kr", "kr", " kr.", " SEK", ":-", "sek"]),
       st.lists(st.tuples(st.sampled_from(["", "-", "\u2212"]), st.integers(0, 10**9), st.integers(0, 99),
                          st.sampled_from([" ", "\u00a0", ""])), min_size=1, max_size=25),
       st.sampled_from([MISSING, MISSING + ["0"], []]))
def test_clean_columns_take_the_whole_column_path_and_agree(dialect, suffix, parts, markers):
    # Every cell in one dialect with the same suffix: the bytes or Arrow-kernel path converts
    # the whole column; it must equal the rule (and the row-by-row parse).
    decimal, thousands = dialect
    cells = []
    for sign, whole, cents, space in parts:
        text = f"{whole:,}".replace(",", "\x00").replace("\x00", thousands or "")
        cells.append(sign + text.replace(" ", space) + f"{decimal}{cents:02d}" + suffix)
    _check_amounts(cells, decimal, thousands, markers)


@given(st.sampled_from(DIALECTS), st.lists(odd_text, max_size=25))
def test_amounts_of_any_text_agree(dialect, cells):
    _check_amounts(cells, *dialect)


@pytest.mark.parametrize("cells", [
    ["-0", "-0,00 kr", "0 kr"],                     # negative zero keeps its sign bit
    [".5 kr", "5, kr", "-,5 kr", "5 kr"],           # forms pandas and Arrow both read
    ["12kr34kr", "5 kr"],                           # a mark inside a cell is not a suffix
    ["1 234,50 kr", "saknas", "", "-", "12 kr"],    # missing cells beside clean ones
    ["1" * 45 + " kr", "2 kr"],                     # too long for the fast paths
    ["1e5 kr", "inf kr", "nan kr", "+5 kr"],        # what Arrow would read but the shape excludes
])
def test_amount_edge_cases(cells):
    for decimal, thousands in DIALECTS:
        _check_amounts(cells, decimal, thousands)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(), st.integers(-2**62, 2**62),
                          st.sampled_from([0.0, -0.0, 1e16, 1e-5, -1e-300, 9007199254740993])), max_size=30),
       st.sampled_from(["float64", "Float64", "float32", "arrow", "Int64", "int64", "UInt64"]))
def test_numbers_are_read_as_their_text_would_be(values, dtype):
    # A frame's amounts that are numbers are taken as they are (numeric_amounts); the
    # reference is writing them as text (cells.as_text, str() of each number: "1e+16",
    # "inf", "-0.0", "nan" for a NaN an Arrow column holds beside its nulls) and reading
    # that with the canonical profile's format ("." decimal, no thousands mark, ""
    # missing). Values (and the sign of zero), masks and the text of rejected rows agree.
    import pyarrow as pa

    from amebench.io.cells import as_text, text_of_rows

    if dtype in ("Int64", "int64", "UInt64"):
        values = [int(v) if v is not None and v == v and float(v).is_integer() and abs(v) < 2**62 else None
                  for v in values]
        values = [abs(v) if dtype == "UInt64" and v is not None else v for v in values]
        if dtype == "int64":
            values = [0 if v is None else v for v in values]
    elif dtype == "float32":
        values = [v if v is None or v != v or abs(v) < 3e38 else None for v in values]
    if dtype == "arrow":  # NaN and null apart
        floats = [None if v is None else float(v) for v in values]
        column = pd.Series(pd.array(pa.array(floats, type=pa.float64(), from_pandas=False),
                                    dtype=pd.ArrowDtype(pa.float64())))
    else:
        column = pd.Series(values, dtype=dtype)
    text = as_text(column)
    want, want_present, want_notnum, want_negative, _ = amounts_module.read_amounts(
        text, decimal=".", thousands="", missing_values=[])
    got, present, notnum, negative = amounts_module.numeric_amounts(column)
    _same_floats(got, want)
    assert not np.signbit(got.to_numpy()).any()  # no -0.0 (and no negative amount) is kept
    assert np.array_equal(present, want_present)
    assert np.array_equal(notnum, want_notnum) and np.array_equal(negative, want_negative)
    shown = notnum | negative
    assert text_of_rows(column, shown)[shown].astype(object).tolist() == text[shown].tolist()
    assert (text_of_rows(column, shown)[~shown] == "").all()


def test_whole_kronor_written_with_comma_dash():
    # Newcomer review 2026-12-05: "5 000,-" (whole kronor, as "500:-") was not a number.
    cells = pd.Series(["5 000,-", "500:-", "12,-", ",-"])
    values, notnum, _ = amounts_module.parse_amounts(cells, decimal=",", thousands=" ", present=np.ones(4, bool))
    assert values[:3].tolist() == [5000.0, 500.0, 12.0] and notnum.tolist() == [False, False, False, True]
