"""Cells of a DataFrame column written as the text an export holds.

:meth:`amebench.Network.from_frames` validates frames with the readers' parsers, which
read text: each column is written here as the text a file would hold (ISO dates,
``str()`` of numbers, ``"1"`` for a whole-number id), once per distinct value (an object
column cell by cell: ``1`` and ``True`` are one distinct value to pandas).
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from pandas.io.stata import StataMissingValue

from .parse import DATE_MAX, DATE_MIN

__all__ = ["BYTES", "LOCAL_ZONE", "BytesCell", "CoarsePeriod", "as_text", "gathered", "in_sweden", "is_numbers",
           "text_of_rows", "utc_midnights"]

#: The time zone whose dates a timestamp with a time zone is read in (a writer stores
#: local midnight as 23:00 or 22:00 UTC of the day before).
LOCAL_ZONE = "Europe/Stockholm"


#: Moments later than this are not converted (the time in Sweden would be past year 9999).
_LATEST = pd.Timestamp("9999-12-30", tz="UTC")


def in_sweden(value):
    """A timestamp or a datetime column with a time zone as the time in Sweden; else as it is.

    A moment too late to convert (an end-of-time sentinel such as 9999-12-31 23:59 UTC) keeps
    its own time: the date check rejects it, as it did before."""
    if isinstance(value, pd.Series):  # numpy (DatetimeTZDtype) or Arrow timestamps with a zone
        zone = getattr(value.dtype, "tz", None) or getattr(getattr(value.dtype, "pyarrow_dtype", None), "tz", None)
        if zone is None:
            return value
        late = (value > _LATEST).fillna(False).to_numpy(dtype=bool)
        if not late.any():
            return value.dt.tz_convert(LOCAL_ZONE)
        local = value.where(~late).dt.tz_convert(LOCAL_ZONE).dt.tz_localize(None)
        return local.where(~late, value.dt.tz_localize(None))
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:  # a date, a time of day, naive
        return value
    try:
        return pd.Timestamp(value).tz_convert(LOCAL_ZONE)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        return value


#: What pandas' ``infer_dtype`` calls an object column that may hold datetimes (a scan in C;
#: a column of text is left at that).
_MAY_HOLD_MOMENTS = ("datetime", "date", "mixed", "mixed-integer")


def utc_midnights(series: pd.Series) -> np.ndarray | None:
    """The cells of a typed column (Excel, Parquet) that look like Swedish midnights stored in
    UTC without their time zone (23:00 in winter, 22:00 in summer, of the day before), when
    every date of the column from 1900 to 2199 is one; else None.

    Such a cell's date is the day before the one meant. A column of dates (00:00) or of
    moments spread through the day (a registration time) is read by its dates and gives None,
    and so does one holding any such cell; a date outside 1900 … 2199 (an end-of-time
    sentinel such as 9999-12-31 23:59:59) is left out, as the date check rejects it. Never
    raises: it only decides a warning.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dtype, "tz", None) is not None:
            return None  # a zone of its own: read in Sweden
        stamps = series
    elif series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in _MAY_HOLD_MOMENTS:
        naive = series.map(lambda v: isinstance(v, datetime.datetime) and v.tzinfo is None).to_numpy(dtype=bool)
        if not naive.any():
            return None
        stamps = pd.to_datetime(series.where(naive), errors="coerce")
    else:
        return None
    try:
        stamps = stamps.where((stamps >= DATE_MIN) & (stamps < DATE_MAX + pd.Timedelta(days=1)))
        dated = stamps.notna().to_numpy(dtype=bool)
        timed = dated & stamps.ne(stamps.dt.normalize()).to_numpy(dtype=bool)
        if not timed.any() or (dated & ~timed).any():  # a cell at 00:00: dates, not UTC midnights
            return None
        local = stamps[timed].dt.tz_localize("UTC").dt.tz_convert(LOCAL_ZONE)
        return timed if local.eq(local.dt.normalize()).all() else None
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return None


#: What a cell of bytes is (``str()`` of one is ``"b'...'"``).
BYTES = (bytes, bytearray, memoryview)


class BytesCell(TypeError):
    """A cell holds bytes: its text depends on an encoding only the frame's owner knows."""


class CoarsePeriod(ValueError):
    """A cell holds a Period longer than a month (a quarter, a year): no date or month is it."""


def is_numbers(series: pd.Series) -> bool:
    """Whether a column holds numbers (integers or floats, numpy or nullable; not booleans)."""
    return getattr(series.dtype, "kind", "O") in "iuf"


def as_text(series: pd.Series, *, ids: bool = False, coded: bool = False) -> pd.Series:
    """Each cell's text ("" for a missing cell): a text column, or with ``coded`` a
    Categorical of the distinct texts (what the parsers work on: a 40M-row ledger's
    months, ids and codes are not written out row by row and encoded again).

    Raises :class:`BytesCell` for a cell of bytes, :class:`CoarsePeriod` for a Period
    longer than a month.
    """
    def cell(v):
        if isinstance(v, BYTES):
            raise BytesCell
        if isinstance(v, StataMissingValue):  # pd.read_stata(convert_missing=True): ".", ".a" ... are missing
            return ""
        if isinstance(v, pd.Period):  # its first day: strftime gives a monthly Period's last
            if v.start_time + pd.DateOffset(months=1) <= v.end_time:
                raise CoarsePeriod
            return v.start_time.strftime("%Y-%m-%d")
        if hasattr(v, "strftime"):
            return in_sweden(v).strftime("%Y-%m-%d")
        if ids and isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v)

    if series.dtype == object:  # cell by cell: 1 and True would share one distinct value
        text = series.map(cell, na_action="ignore").where(series.notna().to_numpy(), "").astype(str)
        return text.astype("category") if coded else text
    if isinstance(series.dtype, pd.StringDtype) and not coded:  # text already: str(v) is v
        return series.fillna("").astype(str)
    # one cell() per distinct value: a ledger's months, ids and codes repeat
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    kind = getattr(getattr(uniques, "dtype", None), "kind", "O")
    if isinstance(series.dtype, pd.StringDtype):
        cells = np.asarray(uniques, dtype=object)
    elif pd.api.types.is_datetime64_any_dtype(series):
        cells = in_sweden(pd.Series(uniques)).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)  # numpy or Arrow
    elif kind in "iu" or (kind == "f" and not ids):  # str(v) of Python numbers, no cell() per value
        numbers = np.asarray(uniques, dtype="float64" if kind == "f" else None).tolist()
        cells = np.array(list(map(str, numbers)), dtype=object)
    else:
        cells = np.array([cell(v) for v in uniques.astype(object)], dtype=object)
    cells = np.append(cells, "")  # a missing cell (code -1) gets ""
    if not coded:
        return gathered(cells, codes, series.index)
    again, distinct = pd.factorize(cells)  # two values may have one text (two times of one day)
    return pd.Series(pd.Categorical.from_codes(again[codes], dtype=pd.CategoricalDtype(pd.Index(distinct, dtype=str))),
                     index=series.index)


def gathered(cells: np.ndarray, codes: np.ndarray, index) -> pd.Series:
    """Each row's text ``cells[code]`` (code -1: the last cell) as a text column, gathered by Arrow."""
    import pyarrow as pa

    names = pa.array(cells, type=pa.large_string())
    rows = names.take(pa.array(np.where(codes < 0, len(cells) - 1, codes)))
    return pd.Series(pd.arrays.ArrowStringArray(rows), index=index).astype(str)


def text_of_rows(series: pd.Series, rows: np.ndarray) -> pd.Series:
    """:func:`as_text` of the ``rows`` (a mask) and ``""`` elsewhere, as a Categorical.

    The text rejected rows show, without writing every row's (a ledger's 40M amounts).
    """
    rows = np.asarray(rows, dtype=bool)
    picked = as_text(series[rows], coded=True)
    categories = picked.cat.categories
    if "" not in categories:
        categories = categories.append(pd.Index([""], dtype=str))
    codes = np.full(len(series), categories.get_loc(""), dtype=np.int64)
    codes[rows] = picked.cat.codes.to_numpy()
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)), index=series.index)
