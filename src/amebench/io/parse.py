"""Vectorised parsers of text columns: missing values, dates, months, integers, booleans, codes.

Amounts have a module of their own (:mod:`amebench.io.amounts`).

Each parser takes a Series of trimmed text and returns the parsed values and a mask of
cells that are present but cannot be parsed (the caller rejects those rows).

Exports repeat their values heavily (a million payment rows hold a few dozen months and
one identity number per person), so a column is read once into its distinct trimmed
values and each row's code (:func:`trim_coded`, a pandas Categorical); the parsers then
work once per distinct value and give every row its value's result. Every parser is an
elementwise function of the cell, so this equals parsing row by row
(tests/test_io_parse.py checks it against the row-by-row implementation).
Amounts are the exception (nearly every payment row has its own): see
:mod:`amebench.io.amounts`.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from .. import schema

__all__ = [
    "trim",
    "trim_coded",
    "as_strings",
    "as_ids",
    "drop_unused",
    "used_codes",
    "missing_mask",
    "parse_dates",
    "DATE_MIN",
    "DATE_MAX",
    "parse_months",
    "arrow_text",
    "parse_integers",
    "parse_booleans",
    "map_codes",
]

_SPACES = "\u00a0\u202f\u2007"  # no-break, narrow no-break and figure spaces
_STRIP = " \t\r\n" + _SPACES + "\ufeff"


# -- text and distinct values -------------------------------------------------------


def trim(series: pd.Series) -> pd.Series:
    """Return the cells with surrounding spaces (also no-break spaces) removed, as text."""
    s = series.astype(str)
    return s.str.strip(_STRIP)


def arrow_text(series: pd.Series):
    """The text of an Arrow-backed column as a pyarrow ChunkedArray (None for other columns)."""
    import pyarrow as pa

    array = series.array
    if isinstance(series.dtype, pd.CategoricalDtype) or not hasattr(array, "__arrow_array__"):
        return None
    out = array.__arrow_array__()
    if not isinstance(out, pa.ChunkedArray):
        out = pa.chunked_array([out])
    return out if pa.types.is_string(out.type) or pa.types.is_large_string(out.type) else None


def arrow_strings(series: pd.Series):
    """Any column's text as one pyarrow string array (missing cells null): :func:`arrow_text`
    of an Arrow-backed column, else its cells written as text."""
    import pyarrow as pa

    arrow = arrow_text(series)
    if arrow is None:
        arrow = pa.array(series.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
    return arrow.combine_chunks() if hasattr(arrow, "combine_chunks") else arrow


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Return (codes, distinct values as text); code -1 marks a missing cell."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = arrow_text(series)
    if arrow is None or len(arrow) == 0:
        codes, uniques = pd.factorize(series)
        return np.asarray(codes, dtype=np.intp), pd.Series(uniques, dtype=series.dtype)
    encoded = pc.dictionary_encode(arrow)  # the chunks share one dictionary
    encoded = pa.chunked_array([c for c in encoded.chunks if len(c)], type=encoded.type)
    parts = [c.indices if c.null_count == 0 else pc.fill_null(c.indices, -1) for c in encoded.chunks]
    codes = np.concatenate([p.to_numpy(zero_copy_only=False) for p in parts])  # int32
    dictionary = encoded.chunk(0).dictionary
    uniques = pd.Series(pa.chunked_array([dictionary]).to_pandas(types_mapper={dictionary.type: series.dtype}.get))
    return codes, uniques.astype(series.dtype)


def trim_coded(series: pd.Series) -> pd.Series:
    """Return :func:`trim` of the cells as a Categorical: the distinct trimmed values and each row's code.

    The categories are the distinct trimmed values (text); equal to ``trim(series)`` cell
    by cell (``trim_coded(s).astype(str)`` equals ``trim(s)``). A Categorical of text
    (as :meth:`~amebench.network.Network.from_frames` hands its columns over) is trimmed
    through its categories, without writing out each row's text; its categories may
    then include values no row uses.
    """
    if isinstance(series.dtype, pd.CategoricalDtype) and isinstance(series.cat.categories.dtype, pd.StringDtype):
        text = pd.Series(series.cat.categories).astype(str)
        codes, uniques = series.cat.codes.to_numpy(), text
    else:
        text = series.astype(str)
        codes, uniques = _factorize(text)
    trimmed = trim(uniques)
    if trimmed.equals(uniques):  # nothing to trim: the values are distinct already
        categories = pd.Index(uniques, dtype=text.dtype)
    else:
        again, distinct = pd.factorize(trimmed)
        codes = np.append(again, -1)[codes]  # code -1 (missing) picks the appended -1
        categories = pd.Index(distinct, dtype=text.dtype)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)), index=series.index)


def _coded(series: pd.Series):
    """Return (distinct values as a Series, row codes) of a Categorical column, else None."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return None
    return pd.Series(series.cat.categories), series.cat.codes.to_numpy()


def _spread(result, take: np.ndarray, index):
    """Give each row the result of its distinct value (``take``: value position, -1 = none).

    A boolean mask gets False where ``take`` is -1; a Series gets its missing value.
    """
    if isinstance(result, pd.Series):
        return pd.Series(result.array.take(take, allow_fill=True), index=index)
    return np.append(np.asarray(result, dtype=bool), False)[take]


def _per_value(series: pd.Series, present: np.ndarray, parse):
    """Run ``parse(values, present)`` once on the distinct values of a coded column, then per row.

    Rows that are not ``present`` get the missing value and False in every mask, as the
    row-by-row parsers give them.
    """
    values, codes = _coded(series)
    results = parse(values, np.ones(len(values), dtype=bool))
    take = np.where(np.asarray(present, dtype=bool), codes, -1)
    return tuple(_spread(r, take, series.index) for r in results)


def as_strings(series: pd.Series, present: np.ndarray) -> pd.Series:
    """Return the present cells as canonical text (``schema.STRING``), missing elsewhere."""
    coded = _coded(series)
    if coded is None:
        return series.where(present, None).astype(schema.STRING)
    values, codes = coded
    take = np.where(np.asarray(present, dtype=bool), codes, -1)
    return _spread(values.astype(schema.STRING), take, series.index)


def as_ids(series: pd.Series, present: np.ndarray) -> pd.Series:
    """Return the present cells as a Categorical whose categories are the distinct values in use, sorted.

    The form of identifier columns (``person_id``, ``household_id``) inside the readers;
    :func:`amebench.io.rejects.finalise` casts it to the canonical dtype.
    """
    coded = _coded(series)
    if coded is None:
        series = trim_coded(series)  # only to get codes: these cells are already trimmed
    return drop_unused(series, present=present, sort=True)


def used_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """The codes (of ``n`` categories) some row uses, ascending: marked row by row, not sorted (``numpy.unique``)."""
    used = np.zeros(n + 1, dtype=bool)
    used[codes] = True  # a missing row (code -1) marks the extra last place
    return np.flatnonzero(used[:-1])


def drop_unused(values, *, present=None, sort: bool = False):
    """A Categorical (or categorical Series) without the categories no row uses.

    Equals pandas' ``remove_unused_categories`` (then ``reorder_categories`` of the
    sorted categories with ``sort``), rows that are not ``present`` made missing first;
    the used categories are found by marking each row's code and the rows recoded by one
    lookup, where pandas sorts every row's code (``numpy.unique``: 56 s of 40M identity
    codes at national size on the benchmark machine, against under a second). With
    nothing to drop or reorder (and no ``present``) it returns ``values`` itself, not a copy.
    """
    cat = values.array if isinstance(values, pd.Series) else values
    codes = cat.codes if present is None else np.where(np.asarray(present, dtype=bool), cat.codes, -1)
    categories = cat.categories
    kept = used_codes(codes, len(categories))
    if sort:
        kept = kept[categories[kept].argsort()]
    if present is None and np.array_equal(kept, np.arange(len(categories))):
        return values  # nothing to drop or reorder
    remap = np.full(len(categories) + 1, -1, dtype=codes.dtype)
    remap[kept] = np.arange(len(kept))
    out = pd.Categorical.from_codes(remap[codes], dtype=pd.CategoricalDtype(categories[kept], ordered=cat.ordered),
                                    validate=False)
    return pd.Series(out, index=values.index, name=values.name) if isinstance(values, pd.Series) else out


def missing_mask(series: pd.Series, missing_values) -> np.ndarray:
    """Return True where a trimmed cell is one of ``missing_values`` (case-insensitive).

    Notes
    -----
    Lower case is Arrow's ``utf8_lower`` (pandas' ``str.lower`` of Arrow-backed text), which
    maps one code point to one: only cells as long as a missing value can be one, and
    only those are lowered and compared.
    """
    wanted = sorted({v.strip().lower() for v in missing_values} | {""})
    coded = _coded(series)
    if coded is not None:
        values, codes = coded
        return _spread(values.str.lower().isin(wanted).to_numpy(dtype=bool), codes, series.index)
    arrow = arrow_text(series)
    if arrow is None:
        return series.str.lower().isin(wanted).to_numpy(dtype=bool)
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = pa.array(sorted({len(w) for w in wanted}), type=pa.int64())
    maybe = pc.is_in(pc.cast(pc.utf8_length(arrow), pa.int64()), value_set=lengths).to_numpy(zero_copy_only=False)
    out = np.zeros(len(series), dtype=bool)
    if maybe.any():
        out[maybe] = series[maybe].str.lower().isin(wanted).to_numpy(dtype=bool)
    return out


# -- dates ----------------------------------------------------------------------------

#: Dates outside these bounds are rejected (and could not be held as datetime64[ns]).
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2199-12-31")


#: Two numeric fields side by side in a date format (%Y%m%d, %y%m): their widths are fixed
_ADJACENT_FIELDS = re.compile(r"%[YymdHMSj]%[YymdHMSj]")
#: The full width of each numeric field
_FIELD_WIDTH = {"Y": 4, "y": 2, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2, "j": 3}


def _full_width(fmt: str) -> str | None:
    """A pattern a date written in ``fmt`` must match when two numeric fields touch, else None.

    strptime takes a field's digits without zero padding, so "%Y%m%d" reads 202311 as
    2023-1-1 and 2023111 as 2023-11-1 (or 2023-1-11): without a separator only the full
    width tells the fields apart. Fields that touch another must have their full width;
    the others (after a separator: "%Y%m%d %H:%M" takes "20240301 9:05") need not.
    """
    if _ADJACENT_FIELDS.search(fmt) is None:
        return None
    tokens = re.findall(r"%.|[^%]+", fmt)
    numeric = [len(t) == 2 and t[0] == "%" and t[1] in _FIELD_WIDTH for t in tokens]
    parts = []
    for i, token in enumerate(tokens):
        if numeric[i]:
            width = _FIELD_WIDTH[token[1]]
            touching = (i > 0 and numeric[i - 1]) or (i + 1 < len(tokens) and numeric[i + 1])
            parts.append(f"[0-9]{{{width}}}" if touching else f"[0-9]{{1,{width}}}")
        elif token == "%%":
            parts.append("%")
        elif token.startswith("%"):
            parts.append(".+?")  # a name, fraction, zone ...: strptime judges it
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _matches(cells: pd.Series, rows: np.ndarray, pattern: str) -> np.ndarray:
    """True where ``rows`` is False or the cell matches ``pattern`` in full, looked at once per
    distinct value (a column of dates holds few)."""
    out = np.ones(len(cells), dtype=bool)
    at = np.flatnonzero(rows)
    codes, uniques = pd.factorize(cells.iloc[at])
    full = pd.Series(uniques, dtype="string").str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    out[at] = full[codes]
    return out


def _dates(series: pd.Series, formats, present: np.ndarray):
    out = pd.Series(pd.NaT, index=series.index, dtype=schema.DATE)
    far = np.zeros(len(series), dtype=bool)
    todo = np.array(present, dtype=bool)
    for fmt in formats:
        if not todo.any():
            break
        cells = series[todo]
        parsed = pd.to_datetime(cells, format=fmt, errors="coerce")
        pattern = _full_width(fmt)
        if pattern is not None:  # "202311" is no %Y%m%d date
            parsed = parsed.where(_matches(cells, parsed.notna().to_numpy(), pattern))
        ok = parsed.notna().to_numpy()
        idx = np.flatnonzero(todo)[ok]
        got = parsed[ok].dt.normalize()  # a date is a day: "2024-12-31 23:59" ends in 2024-12-31
        inside = ((got >= DATE_MIN) & (got <= DATE_MAX)).to_numpy(dtype=bool)
        out.iloc[idx[inside]] = got[inside].to_numpy().astype(schema.DATE)
        far[idx[~inside]] = True
        todo[idx] = False
    return out.astype(schema.DATE), todo, far


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
    A format with a time of day gives the day (``"%Y%m%d %H:%M"``: ``20240301 9:05`` is
    2024-03-01). A date that does not exist (2024-02-30) does not parse, nor does a date in a format
    whose numeric fields touch (``%Y%m%d``) written with fewer digits (202311). A coded column
    (:func:`trim_coded`) is parsed once per distinct value.
    """
    if _coded(series) is not None:
        return _per_value(series, present, lambda s, p: _dates(s, formats, p))
    return _dates(series, formats, present)


def _months(series: pd.Series, formats, present: np.ndarray):
    values, bad, far = _dates(series, formats, present)
    first = values - pd.to_timedelta(values.dt.day.fillna(1) - 1, unit="D")
    return first.astype(schema.DATE), bad, far


def parse_months(series: pd.Series, formats, present: np.ndarray) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse months (a full date is floored to the first day of its month); see :func:`parse_dates`."""
    if _coded(series) is not None:
        return _per_value(series, present, lambda s, p: _months(s, formats, p))
    return _months(series, formats, present)


# -- numbers, yes/no, codes -----------------------------------------------------------


def _integers(series: pd.Series, present: np.ndarray):
    values = pd.to_numeric(series.where(present, None), errors="coerce").astype("float64")
    # Whole, and small enough to be held exactly (2**53): "1e30" or "inf" must not wrap around.
    whole = values.notna() & (values == values.round()) & (values.abs() < 2.0**53)
    bad = present & ~whole.to_numpy(dtype=bool)
    return values.where(whole).astype("Float64").astype("Int64"), bad


def parse_integers(series: pd.Series, present: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Parse whole numbers; return (Int64, bad mask).

    A number too large to hold exactly (beyond 2**53), or not finite, is bad.
    """
    if _coded(series) is not None:
        return _per_value(series, present, _integers)
    return _integers(series, present)


def _nfc(text: str) -> str:
    """Unicode NFC form: a code written with decomposed letters ("o" + U+0308) equals the profile's."""
    return unicodedata.normalize("NFC", text)


def _lookup(series: pd.Series, present: np.ndarray, table: dict, case: str):
    """Map the unique present values through ``table``; return (mapped object array, unmapped counts)."""
    codes, uniques = pd.factorize(series.where(present, None))
    key = (lambda v: _nfc(v).casefold()) if case == "ignore" else _nfc
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
        n = _nfc(u)
        if n in mapping:
            mapped[u] = mapping[n]
        elif case == "ignore" and n.casefold() in {k.casefold() for k in mapping}:
            mapped[u] = {k.casefold(): v for k, v in mapping.items()}[n.casefold()]
        elif n.casefold() in table:
            mapped[u] = table[n.casefold()]
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
