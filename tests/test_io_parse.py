"""Tests of amebench.io.parse: the per-distinct-value paths equal the row-by-row parsers.

Reference: the row-by-row implementations these paths replaced (amebench 0.x,
src/amebench/io/parse.py before issue #6), copied below as ``_ref_*``. Each property
draws cells from an alphabet with the characters exports hold and the ones the
parsers treat specially: no-break space U+00A0, narrow no-break space U+202F, figure
space U+2007, byte-order mark, the typographic minus U+2212, "kr", "SEK", ":-",
thousands and decimal marks, and the missing-value markers. Amounts: test_io_amounts.py.
"""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from amebench import schema
from amebench.io import parse

# -- the row-by-row reference ---------------------------------------------------------

_SPACES = "\u00a0\u202f\u2007"


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
        if fmt == "%Y%m%d":  # fields side by side: 8 digits, or 202403 would be 2024-03-01
            parsed = parsed.where([isinstance(v, str) and len(v) == 8 for v in series[todo]])
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
                     "", "-", "saknas", " 2024-03-01 ", "2024-3-1", "\u00a02024-03-01", "202403", "2024031",
                     "2024111"]),
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


@given(st.lists(st.integers(-1, 6), max_size=40), st.lists(st.booleans(), min_size=40, max_size=40),
       st.permutations(["b", "a", "d", "c", "", "B", "å"]), st.booleans())
def test_drop_unused_equals_pandas(codes, present, categories, sort):
    # Reference: pandas' remove_unused_categories (then the sorted order, as as_ids did),
    # after making the rows that are not present missing.
    codes = np.array(codes, dtype=np.int8)
    present = np.array(present[: len(codes)], dtype=bool)
    values = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=str)), name="x")
    want = values.where(present, None).cat.remove_unused_categories()
    if sort:
        want = want.cat.reorder_categories(want.cat.categories.sort_values())
    got = parse.drop_unused(values, present=present, sort=sort)
    pd.testing.assert_series_equal(got, want)
    whole = values.cat.remove_unused_categories()
    pd.testing.assert_series_equal(parse.drop_unused(values), whole)
    pd.testing.assert_extension_array_equal(parse.drop_unused(values.array), whole.array)
    np.testing.assert_array_equal(parse.used_codes(codes, len(categories)), np.unique(codes[codes >= 0]))


@given(st.lists(odd_text, max_size=40), st.lists(st.booleans(), min_size=40, max_size=40),
       st.sampled_from(["str", "string"]))
def test_trim_coded_of_a_categorical_equals_that_of_its_text(cells, missing, dtype):
    # from_frames hands its columns over as Categoricals of text; trimming through the
    # categories gives the cells (and missing cells) of trimming the text row by row
    values = pd.Series(cells, dtype=dtype).where(~np.array(missing[: len(cells)], dtype=bool), None)
    coded = parse.trim_coded(values.astype("category"))
    want = parse.trim_coded(values)
    assert coded.cat.categories.dtype == want.cat.categories.dtype and coded.cat.categories.is_unique
    assert coded.astype(object).tolist() == want.astype(object).tolist()
    assert coded.astype(object).where(coded.notna(), None).tolist() == _ref_trim(values).astype(object).where(
        values.notna(), None).tolist()


def test_a_date_format_of_fields_side_by_side_takes_their_full_width_only():
    # Newcomer review 2026-12-05: with "%Y%m%d", strptime's unpadded fields read 202311 as
    # 2023-01-01 and 2023111 as 2023-11-01, loaded without a word. A separator keeps
    # unpadded fields apart, so "2023-7-5" stays a date.
    cells = pd.Series(["202311", "2023111", "20231105", "2023-7-5"], dtype=object)
    values, bad, _ = parse.parse_dates(cells, ["%Y%m%d", "%Y-%m-%d"], np.ones(4, dtype=bool))
    assert bad.tolist() == [True, True, False, False]
    assert values[2:].tolist() == [pd.Timestamp("2023-11-05"), pd.Timestamp("2023-07-05")]
    months, bad, _ = parse.parse_months(pd.Series(["20231", "202311"], dtype=object), ["%Y%m"], np.ones(2, dtype=bool))
    assert bad.tolist() == [True, False] and months[1] == pd.Timestamp("2023-11-01")
    # only the fields that touch need their full width (second review: "20240301 9:05" was
    # rejected as a whole shorter than "%Y%m%d %H:%M" writes it)
    cells = pd.Series(["20240301 9:05", "2024031 9:05", "01032024 9:05:00"], dtype=object)
    values, bad, _ = parse.parse_dates(cells, ["%Y%m%d %H:%M", "%d%m%Y %H:%M:%S"], np.ones(3, dtype=bool))
    assert bad.tolist() == [False, True, False]
    assert values[[0, 2]].tolist() == [pd.Timestamp("2024-03-01")] * 2  # the day: a date has no time
