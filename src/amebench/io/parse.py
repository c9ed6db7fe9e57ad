"""Vectorised parsers of text columns: missing values, dates, months, amounts, booleans, codes.

Each parser takes a Series of trimmed text and returns the parsed values and a mask of
cells that are present but cannot be parsed (the caller rejects those rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema

__all__ = [
    "trim",
    "missing_mask",
    "parse_dates",
    "DATE_MIN",
    "DATE_MAX",
    "parse_months",
    "parse_amounts",
    "parse_integers",
    "parse_booleans",
    "map_codes",
]

_SPACES = "\u00a0\u202f\u2007"  # no-break, narrow no-break and figure spaces
_CURRENCY = r"(?i)\s*(kr\.?|sek|:-)\s*$"


def trim(series: pd.Series) -> pd.Series:
    """Return the cells with surrounding spaces (also no-break spaces) removed, as text."""
    s = series.astype(str)
    return s.str.strip(" \t\r\n" + _SPACES + "\ufeff")


def missing_mask(series: pd.Series, missing_values) -> np.ndarray:
    """Return True where a trimmed cell is one of ``missing_values`` (case-insensitive)."""
    wanted = sorted({v.strip().lower() for v in missing_values} | {""})
    return series.str.lower().isin(wanted).to_numpy(dtype=bool)


#: Dates outside these bounds are rejected (and could not be held as datetime64[ns]).
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2199-12-31")


def parse_dates(series: pd.Series, formats, present: np.ndarray) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse dates trying each strftime format in order.

    Returns
    -------
    (values, bad, out_of_range)
        datetime64[ns] values (NaT where not parsed), a mask of present cells that do not
        parse in any format, and a mask of dates that parse but fall outside
        1900-01-01 .. 2199-12-31 (a typo such as 3024; NaT in ``values``).

    Notes
    -----
    A date that does not exist (2024-02-30) does not parse.
    """
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
        inside = ((got >= DATE_MIN) & (got <= DATE_MAX)).to_numpy(dtype=bool)
        out.iloc[idx[inside]] = got[inside].to_numpy().astype(schema.DATE)
        far[idx[~inside]] = True
        todo[idx] = False
    return out.astype(schema.DATE), todo, far


def parse_months(series: pd.Series, formats, present: np.ndarray) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse months (a full date is floored to the first day of its month); see :func:`parse_dates`."""
    values, bad, far = parse_dates(series, formats, present)
    first = values - pd.to_timedelta(values.dt.day.fillna(1) - 1, unit="D")
    return first.astype(schema.DATE), bad, far


def parse_amounts(series: pd.Series, *, decimal: str, thousands: str, present: np.ndarray):
    """Parse amounts like ``12 345,50 kr``; return (float64, not-a-number mask, negative mask).

    ``inf``, ``NaN`` and numbers too large for a float (``1e999``) are not numbers.
    """
    s = series.str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(r"[\s" + _SPACES + "]", "", regex=True)
    if thousands and thousands != " ":
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    s = s.str.replace("\u2212", "-", regex=False)  # the typographic minus sign
    values = pd.to_numeric(s.where(present, None), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values.to_numpy()))  # "inf", "1e999": not amounts
    notnum = present & values.isna().to_numpy()
    negative = (values < 0).fillna(False).to_numpy(dtype=bool)
    return values.where(~negative & ~notnum), notnum, negative


def parse_integers(series: pd.Series, present: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Parse whole numbers; return (Int64, bad mask).

    A number too large to hold exactly (beyond 2**53), or not finite, is bad.
    """
    values = pd.to_numeric(series.where(present, None), errors="coerce").astype("float64")
    # Whole, and small enough to be held exactly (2**53): "1e30" or "inf" must not wrap around.
    whole = values.notna() & (values == values.round()) & (values.abs() < 2.0**53)
    bad = present & ~whole.to_numpy(dtype=bool)
    return values.where(whole).astype("Float64").astype("Int64"), bad


def _lookup(series: pd.Series, present: np.ndarray, table: dict, case: str):
    """Map the unique present values through ``table``; return (mapped object array, unmapped counts)."""
    codes, uniques = pd.factorize(series.where(present, None))
    key = (lambda v: v.casefold()) if case == "ignore" else (lambda v: v)
    lookup = {key(k): v for k, v in table.items()}
    mapped_u = np.empty(len(uniques), dtype=object)
    unmapped: dict[str, int] = {}
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques)) if len(uniques) else []
    for i, u in enumerate(uniques):
        k = key(str(u))
        if k in lookup:
            mapped_u[i] = lookup[k]
        else:
            mapped_u[i] = None
            unmapped[str(u)] = int(counts[i])
    out = np.full(len(series), None, dtype=object)
    sel = codes >= 0
    out[sel] = mapped_u[codes[sel]]
    return out, unmapped


def parse_booleans(series, present, *, true_values, false_values, mapping, case):
    """Map yes/no cells (profile code table first, then true/false values, case-insensitively)."""
    table = {v: True for v in true_values} | {v: False for v in false_values}
    table = {k.casefold(): v for k, v in table.items()}
    codes, uniques = pd.factorize(series.where(present, None))
    mapped = {}
    for u in uniques:
        u = str(u)
        if u in mapping:
            mapped[u] = mapping[u]
        elif case == "ignore" and u.casefold() in {k.casefold() for k in mapping}:
            mapped[u] = {k.casefold(): v for k, v in mapping.items()}[u.casefold()]
        elif u.casefold() in table:
            mapped[u] = table[u.casefold()]
    out, unmapped = _lookup(series, present, mapped, "exact")
    return pd.Series(out, index=series.index, dtype="object").astype("boolean"), unmapped


def map_codes(series, present, column: str, mapping, case: str):
    """Map local codes to canonical codes; canonical codes pass unchanged.

    Returns
    -------
    (object Series of canonical codes or None, {unmapped local code: count})
    """
    table = {c: c for c in schema.CODE_LISTS[column]}
    table.update(mapping)
    out, unmapped = _lookup(series, present, table, case)
    return pd.Series(out, index=series.index, dtype="object"), unmapped
