"""Tests of amebench.io.parse: the per-distinct-value and Arrow paths equal the row-by-row parsers.

Reference: the row-by-row implementations these paths replaced (amebench 0.x,
src/amebench/io/parse.py before issue #6), copied below as ``_ref_*``. Each property
draws cells from an alphabet with the characters exports hold and the ones the
parsers treat specially: no-break space U+00A0, narrow no-break space U+202F, figure
space U+2007, byte-order mark, the typographic minus U+2212, "kr", "SEK", ":-",
thousands and decimal marks, and the missing-value markers.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amebench import schema
from amebench.io import parse

# -- the row-by-row reference ---------------------------------------------------------

_SPACES = "\u00a0\u202f\u2007"
_CURRENCY = r"(?i)\s*(kr\.?|sek|:-)\s*$"


def _ref_trim(series):
    s = series.astype(str)
    return s.str.strip(" \t\r\n" + _SPACES + "\ufeff")


def _ref_missing(series, missing_values):
    wanted = sorted({v.strip().lower() for v in missing_values} | {""})
    return series.str.lower().isin(wanted).to_numpy(dtype=bool)


def _ref_dates(series, formats, present):
    out = pd.Series(pd.NaT, index=series.index, dtype=schema.DATE)
    far = np.zeros(len(series), dtype=bool)
    todo = present.copy()
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(series[todo], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        idx = np.flatnonzero(todo)[ok]
        got = parsed[ok]
        inside = ((got >= parse.DATE_MIN) & (got <= parse.DATE_MAX)).to_numpy(dtype=bool)
        out.iloc[idx[inside]] = got[inside].to_numpy().astype(schema.DATE)
        far[idx[~inside]] = True
        todo[idx] = False
    return out.astype(schema.DATE), todo, far


def _ref_months(series, formats, present):
    values, bad, far = _ref_dates(series, formats, present)
    first = values - pd.to_timedelta(values.dt.day.fillna(1) - 1, unit="D")
    return first.astype(schema.DATE), bad, far


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


def _ref_integers(series, present):
    values = pd.to_numeric(series.where(present, None), errors="coerce").astype("float64")
    whole = values.notna() & (values == values.round()) & (values.abs() < 2.0**53)
    bad = present & ~whole.to_numpy(dtype=bool)
    return values.where(whole).astype("Float64").astype("Int64"), bad


# -- strategies -----------------------------------------------------------------------

MISSING = ["", "-", "NA", "saknas", "uppgift saknas"]
_ODD = " \t\u00a0\u202f\u2007\ufeff\u2212\u0130\u1e9e\u212a-+.,:;/krKRSEKsekNAna0123456789åäöÅÄÖ"
odd_text = st.text(alphabet=_ODD, max_size=14)


def _column(cells):
    """Cells as the readers give them: Arrow-backed text."""
    return pd.Series(cells, dtype="str")


@st.composite
def amounts(draw, decimal=",", thousands=" "):
    """An amount as an export might write it, sometimes broken."""
    sign = draw(st.sampled_from(["", "", "-", "\u2212", "+", "- "]))
    groups = draw(st.lists(st.integers(0, 999), min_size=1, max_size=5))
    sep = draw(st.sampled_from([" ", "\u00a0", "\u202f", "\u2007", thousands or "", ""]))
    body = str(groups[0]) + "".join(sep + f"{g:03d}" for g in groups[1:])
    frac = draw(st.sampled_from(["", decimal + "5", decimal + "50", decimal + "05", decimal + "123", decimal, "." + "5"]))
    suffix = draw(st.sampled_from(["", " kr", "kr", " kr.", " SEK", "sek", ":-", " KR", "\u00a0kr", " kr kr"]))
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


# -- trimming, distinct values, missing cells ------------------------------------------


@given(st.lists(odd_text, max_size=40))
def test_trim_coded_equals_trim_cell_by_cell(cells):
    raw = _column(cells)
    coded = parse.trim_coded(raw)
    assert isinstance(coded.dtype, pd.CategoricalDtype)
    assert coded.cat.categories.is_unique
    assert coded.astype(object).tolist() == _ref_trim(raw).astype(object).tolist()


@given(st.lists(odd_text, max_size=40), st.lists(st.sampled_from(MISSING + [" Na ", "\u0130", "0", "–"]), max_size=4))
def test_missing_mask_equals_row_by_row(cells, markers):
    raw = _column(cells)
    want = _ref_missing(_ref_trim(raw), markers)
    assert np.array_equal(parse.missing_mask(parse.trim(raw), markers), want)  # Arrow, rows
    assert np.array_equal(parse.missing_mask(parse.trim_coded(raw), markers), want)  # distinct values


# -- dates, months, integers -----------------------------------------------------------

dates = st.one_of(
    st.dates(min_value=pd.Timestamp("1850-01-01").date(), max_value=pd.Timestamp("2300-12-31").date()).map(
        lambda d: d.strftime("%Y-%m-%d")),
    st.sampled_from(["2024-02-30", "2024-13-01", "20240301", "01/03/2024", "2024-03", "3024-01-01", "1899-12-31",
                     "", "-", "saknas", " 2024-03-01 ", "2024-3-1", "\u00a02024-03-01"]),
)


@given(st.lists(dates, max_size=30))
def test_dates_per_distinct_value_equal_row_by_row(cells):
    raw = _column(cells)
    formats = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y"]
    trimmed = _ref_trim(raw)
    present = ~_ref_missing(trimmed, MISSING)
    want = _ref_dates(trimmed, formats, present)
    got = parse.parse_dates(parse.trim_coded(raw), formats, present)
    pd.testing.assert_series_equal(got[0], want[0], check_names=False)
    assert np.array_equal(got[1], want[1]) and np.array_equal(got[2], want[2])
    want = _ref_months(trimmed, ["%Y-%m", "%Y-%m-%d"], present)
    got = parse.parse_months(parse.trim_coded(raw), ["%Y-%m", "%Y-%m-%d"], present)
    pd.testing.assert_series_equal(got[0], want[0], check_names=False)
    assert np.array_equal(got[1], want[1]) and np.array_equal(got[2], want[2])


@given(st.lists(st.one_of(st.integers(-10**6, 10**6).map(str), odd_text,
                          st.sampled_from(["1e30", "inf", "1.5", "2.0", "9007199254740993"])), max_size=30))
def test_integers_per_distinct_value_equal_row_by_row(cells):
    raw = _column(cells)
    trimmed = _ref_trim(raw)
    present = ~_ref_missing(trimmed, MISSING)
    values, bad = parse.parse_integers(parse.trim_coded(raw), present)
    ref_values, ref_bad = _ref_integers(trimmed, present)
    pd.testing.assert_series_equal(values, ref_values, check_names=False)
    assert np.array_equal(bad, ref_bad)


# -- amounts ---------------------------------------------------------------------------

DIALECTS = [(",", " "), (",", "."), (".", ","), (",", ""), (".", " "), (",", ",")]


def _check_amounts(cells, decimal, thousands, markers=MISSING):
    raw = _column(cells)
    trimmed = _ref_trim(raw)
    present = ~_ref_missing(trimmed, markers)
    ref_values, ref_notnum, ref_negative = _ref_amounts(trimmed, decimal=decimal, thousands=thousands, present=present)
    values, notnum, negative = parse.parse_amounts(parse.trim(raw), decimal=decimal, thousands=thousands, present=present)
    _same_floats(values, ref_values)
    assert np.array_equal(notnum, ref_notnum) and np.array_equal(negative, ref_negative)
    values, got_present, notnum, negative, text = parse.read_amounts(
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


def test_as_strings_and_as_ids_keep_present_cells():
    raw = _column([" b", "a", "", "b ", "c"])
    coded = parse.trim_coded(raw)
    present = ~parse.missing_mask(coded, MISSING)
    text = parse.as_strings(coded, present)
    assert text.dtype == schema.STRING
    assert text.tolist() == ["b", "a", pd.NA, "b", "c"]
    ids = parse.as_ids(coded, present)
    assert list(ids.cat.categories) == ["a", "b", "c"]  # in use, sorted
    assert ids.astype(object).where(ids.notna(), None).tolist() == ["b", "a", None, "b", "c"]
