"""Vectorised parsers of text columns: missing values, dates, months, amounts, booleans, codes.

Each parser takes a Series of trimmed text and returns the parsed values and a mask of
cells that are present but cannot be parsed (the caller rejects those rows).

Exports repeat their values heavily (a million payment rows hold a few dozen months and
one identity number per person), so a column is read once into its distinct trimmed
values and each row's code (:func:`trim_coded`, a pandas Categorical); the parsers then
work once per distinct value and give every row its value's result. Every parser is an
elementwise function of the cell, so this equals parsing row by row
(tests/test_io_parse.py checks it against the row-by-row implementation).
Amounts are the exception: nearly every payment row has its own amount, so
:func:`parse_amounts` works on the rows, with Arrow kernels for the common shapes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema

__all__ = [
    "trim",
    "trim_coded",
    "as_strings",
    "as_ids",
    "missing_mask",
    "parse_dates",
    "DATE_MIN",
    "DATE_MAX",
    "parse_months",
    "parse_amounts",
    "read_amounts",
    "clean_amounts",
    "arrow_text",
    "parse_integers",
    "parse_booleans",
    "map_codes",
]

_SPACES = "\u00a0\u202f\u2007"  # no-break, narrow no-break and figure spaces
_STRIP = " \t\r\n" + _SPACES + "\ufeff"
_CURRENCY = r"(?i)\s*(kr\.?|sek|:-)\s*$"


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
    codes = np.concatenate([np.asarray(p.to_numpy(zero_copy_only=False), dtype=np.intp) for p in parts])
    dictionary = encoded.chunk(0).dictionary
    uniques = pd.Series(pa.chunked_array([dictionary]).to_pandas(types_mapper={dictionary.type: series.dtype}.get))
    return codes, uniques.astype(series.dtype)


def trim_coded(series: pd.Series) -> pd.Series:
    """Return :func:`trim` of the cells as a Categorical: the distinct trimmed values and each row's code.

    The categories are the distinct trimmed values (text); equal to ``trim(series)`` cell
    by cell (``trim_coded(s).astype(str)`` equals ``trim(s)``).
    """
    text = series.astype(str)
    codes, uniques = _factorize(text)
    trimmed = trim(uniques)
    if trimmed.equals(uniques):  # nothing to trim: the values are distinct already
        categories = pd.Index(uniques, dtype=text.dtype)
    else:
        again, distinct = pd.factorize(trimmed)
        codes = np.where(codes < 0, -1, np.append(again, -1)[codes])
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
    cat = series.where(np.asarray(present, dtype=bool), None).cat.remove_unused_categories()
    return cat.cat.reorder_categories(cat.cat.categories.sort_values()) if len(cat.cat.categories) else cat


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


def _dates(series: pd.Series, formats, present: np.ndarray):
    out = pd.Series(pd.NaT, index=series.index, dtype=schema.DATE)
    far = np.zeros(len(series), dtype=bool)
    todo = np.array(present, dtype=bool)
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
    A date that does not exist (2024-02-30) does not parse. A coded column
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


# -- amounts --------------------------------------------------------------------------

#: Currency marks the fast path removes (a subset of what ``_CURRENCY`` removes); "kr."
#: before "kr" so that the dot goes with it.
_FAST_CURRENCY = ("kr.", "kr", "sek", "SEK", ":-")
#: Longer cells take the general path (their float conversion was checked only this far).
_FAST_MAX_BYTES = 40


def _amounts_by_rule(series: pd.Series, *, decimal: str, thousands: str) -> np.ndarray:
    """The general rule: strip the currency, every space and the thousands mark, then ``pd.to_numeric``."""
    s = series.str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(r"[\s" + _SPACES + "]", "", regex=True)
    if thousands and thousands != " ":
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    s = s.str.replace("\u2212", "-", regex=False)  # the typographic minus sign
    values = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()
    return np.where(np.isfinite(values), values, np.nan)  # "inf", "1e999": not amounts


def _re2(ch: str) -> str:
    return ch if ch.isalnum() or ch == " " else (f"\\x{{{ord(ch):04x}}}" if ord(ch) > 127 else "\\" + ch)


def _fast_shape(decimal: str, thousands: str) -> tuple[str, str]:
    """RE2 pattern of the amounts the fast path converts, and the group separators it removes.

    An optional sign (``-`` or the typographic minus), digit groups separated by spaces
    (ASCII, no-break, narrow no-break, figure) or the thousands mark, an optional decimal
    part, and an optional currency mark from ``_FAST_CURRENCY`` after optional separators.
    Nothing else: letters and other marks take the general path.
    """
    separators = " " + _SPACES + (thousands if thousands and thousands != " " else "")
    group = "[" + "".join(_re2(c) for c in separators) + "]"
    currency = "|".join(_re2(c) if len(c) == 1 else "".join(_re2(x) for x in c) for c in _FAST_CURRENCY)
    pattern = (f"^(?:-|\\x{{2212}})?[0-9]+(?:{group}+[0-9]+)*(?:{_re2(decimal)}[0-9]+)?"
               f"(?:{group}*(?:{currency}))?$")
    return pattern, separators


def _fast_amounts(text, *, decimal: str, separators: str) -> np.ndarray:
    """Convert cells of the fast shape (a pyarrow array) to float64 with Arrow kernels.

    In that shape a currency mark can only be the suffix and the marks removed below
    cannot be anything else, so removing them wherever they occur, as the general rule
    does for spaces, leaves ``-?[0-9]+(\\.[0-9]+)?``; Arrow's conversion of that text is
    correctly rounded, as is ``pd.to_numeric``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    data = text.buffers()[2]
    data = data.to_pybytes() if data is not None else b""

    def occurs(mark: str) -> bool:  # a mark with a byte absent from the text needs no pass
        return all(bytes([b]) in data for b in mark.encode("utf-8"))

    for mark in _FAST_CURRENCY:
        if occurs(mark):
            ends = pc.ends_with(text, mark)
            if pc.all(ends).as_py():  # every cell ends with it: cut it off, cheaper than a search
                text = pc.utf8_slice_codeunits(text, 0, -len(mark))
                break
            text = pc.replace_substring(text, mark, "")
    for mark in separators:
        if occurs(mark):
            text = pc.replace_substring(text, mark, "")
    if decimal != "." and occurs(decimal):
        text = pc.replace_substring(text, decimal, ".")
    if occurs("\u2212"):
        text = pc.replace_substring(text, "\u2212", "-")
    return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)


def _plus_zero(values: np.ndarray) -> np.ndarray:
    """-0.0 as 0.0: ``pd.to_numeric`` gave "-0" either sign, depending on the other cells."""
    return np.where(values == 0, 0.0, values)


def parse_amounts(series: pd.Series, *, decimal: str, thousands: str, present: np.ndarray):
    """Parse amounts like ``12 345,50 kr``; return (float64, not-a-number mask, negative mask).

    ``inf``, ``NaN`` and numbers too large for a float (``1e999``) are not numbers. A
    zero is always +0.0 ("-0,00 kr" too).

    Notes
    -----
    The rule: remove a currency mark at the end (``kr``, ``kr.``, ``SEK``, ``:-``, any
    case) with the spaces before it, then every space (also no-break and narrow no-break
    spaces) and the thousands mark; the decimal mark becomes ``.`` and the typographic
    minus ``-``; what is left must be a finite number. Cells of the common shapes
    (:func:`_fast_shape`) are converted with Arrow kernels, the others with the rule
    written out (tests/test_io_parse.py checks that both give the same floats).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    present = np.asarray(present, dtype=bool)
    if _coded(series) is not None:
        values, codes = _coded(series)
        per = _amounts_by_rule(values, decimal=decimal, thousands=thousands)
        parsed = np.append(per, np.nan)[np.where(present, codes, -1)]
    else:
        parsed = np.full(len(series), np.nan)
        slow = present.copy()
        arrow = arrow_text(series)
        if arrow is not None and len(series):
            pattern, separators = _fast_shape(decimal, thousands)
            text = arrow.combine_chunks()
            fast = pc.and_(pc.match_substring_regex(text, pattern),
                           pc.less_equal(pc.binary_length(text), _FAST_MAX_BYTES))
            fast = present & fast.to_numpy(zero_copy_only=False).astype(bool)
            if fast.all():
                parsed = _fast_amounts(text, decimal=decimal, separators=separators)
            elif fast.any():
                parsed[fast] = _fast_amounts(text.filter(pa.array(fast)), decimal=decimal, separators=separators)
            slow &= ~fast
        if slow.any():
            parsed[slow] = _amounts_by_rule(series[slow], decimal=decimal, thousands=thousands)
    values = pd.Series(_plus_zero(parsed), index=series.index, dtype="float64")
    notnum = present & np.isnan(parsed)
    negative = (values < 0).to_numpy(dtype=bool)
    return values.where(~negative & ~notnum), notnum, negative


def _used_bytes(array) -> bytes:
    """The bytes of a pyarrow string array's cells, end to end."""
    width = np.int64 if str(array.type) == "large_string" else np.int32
    offsets = np.frombuffer(array.buffers()[1], dtype=width)[array.offset: array.offset + len(array) + 1]
    data = array.buffers()[2]
    if data is None or not len(offsets):
        return b""
    return bytes(memoryview(data)[int(offsets[0]): int(offsets[-1])])


def _suffix(raw, data: bytes) -> str | None:
    """The currency mark from ``_FAST_CURRENCY`` that every cell ends with, if one does.

    ``data``: the cells' bytes end to end (the last cell's mark ends them).
    """
    import pyarrow.compute as pc

    for mark in _FAST_CURRENCY:
        if data.endswith(mark.encode()) and pc.all(pc.ends_with(raw, mark)).as_py():
            return mark
    return None


def _amounts_by_bytes(raw, data: bytes, mark: str | None, *, decimal: str, thousands: str):
    """Clean an ASCII amount column in one pass over its bytes (``bytes.translate``); None if it cannot.

    The currency mark's letters, the spaces and the thousands mark are deleted and the
    decimal mark becomes ``.``. Deleting the letters anywhere removes exactly the suffix
    because each letter occurs as often as the cells' suffixes hold it. Each cell's new
    length is its old length less its suffix and its deleted separators.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(raw)
    if not data.isascii():
        return None
    drop = " " + thousands
    if mark is not None:
        if set(mark) & set("0123456789.-" + decimal + drop):  # ":-", "kr.": not deletable
            return None
        if any(data.count(ch.encode()) != n * mark.count(ch) for ch in set(mark)):
            return None
    table = bytes.maketrans(decimal.encode(), b".") if decimal != "." else None
    cleaned = data.translate(table, (mark or "").encode() + drop.encode())
    if cleaned.translate(None, b"0123456789.-"):
        return None
    width = np.int64 if str(raw.type) == "large_string" else np.int32
    offsets = np.frombuffer(raw.buffers()[1], dtype=width)[raw.offset: raw.offset + n + 1].astype(np.int64)
    lengths = np.diff(offsets) - (len(mark) if mark else 0)
    for ch in drop:
        if ch.encode() in data:
            lengths -= np.asarray(pc.count_substring(raw, ch).to_numpy(zero_copy_only=False), dtype=np.int64)
    ends = np.cumsum(lengths)
    if not len(ends) or ends[-1] != len(cleaned) or lengths.max() > _FAST_MAX_BYTES:
        return None
    cells = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(np.concatenate(([0], ends))),
                                                         pa.py_buffer(cleaned)])
    try:
        return pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # "", "-", "1.2.3", "--5" ...
        return None


def _clean_amounts(raw, *, decimal: str, thousands: str):
    """Convert a whole clean amount column at once, or return None.

    Clean: every cell ends with the same currency mark from ``_FAST_CURRENCY`` (or none
    has one), and once that mark, the spaces and the thousands mark are removed and the
    decimal mark is ``.``, only ASCII digits, ``.`` and ``-`` are left, in a form Arrow
    converts to a float. Then the general rule gives the same text: it removes the same
    suffix (with the spaces before it), every space and thousands mark, and leaves
    nothing else to remove. Any other column returns None (then cell by cell).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    data = _used_bytes(raw)
    mark = _suffix(raw, data)
    thousand = thousands if thousands and thousands != " " else ""
    quick = _amounts_by_bytes(raw, data, mark, decimal=decimal, thousands=thousand)
    if quick is not None:
        return quick
    text = pc.utf8_slice_codeunits(raw, 0, -len(mark)) if mark else raw
    for ch in " " + _SPACES + thousand:
        if ch.encode("utf-8") in data:
            text = pc.replace_substring(text, ch, "")
    if decimal != "." and decimal.encode("utf-8") in data:
        text = pc.replace_substring(text, decimal, ".")
    if "\u2212".encode("utf-8") in data:
        text = pc.replace_substring(text, "\u2212", "-")
    if _used_bytes(text).translate(None, b"0123456789.-"):
        return None  # something else is left: letters, other spaces, a mark in the middle
    if len(text) and pc.max(pc.binary_length(text)).as_py() > _FAST_MAX_BYTES:
        return None
    try:
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # "", "-", "1.2.3", "--5" ...
        return None


def clean_amounts(raw, *, decimal: str, thousands: str):
    """Return a whole clean amount column as float64 (see :func:`_clean_amounts`), else None.

    ``raw``: the column, or its pyarrow (chunked) array. Given the array it calls pyarrow,
    numpy and bytes methods only, never pandas (whose warnings filters are process-wide,
    not thread-safe), so it can run on a second thread while pandas works on the first.
    """
    arrow = arrow_text(raw) if isinstance(raw, pd.Series) else raw
    if arrow is None or not len(arrow):
        return None
    if hasattr(arrow, "combine_chunks"):
        arrow = arrow.combine_chunks()
    return _clean_amounts(arrow, decimal=decimal, thousands=thousands)


def read_amounts(raw: pd.Series, *, decimal: str, thousands: str, missing_values, clean=None):
    """Trim, find missing cells and parse an amount column: :func:`trim`, :func:`missing_mask` and :func:`parse_amounts` in one.

    ``clean``: a function returning :func:`clean_amounts` of ``raw`` (e.g. the result of
    a second thread); by default it is computed here.

    Returns
    -------
    (values, present, notnum, negative, text)
        As :func:`parse_amounts`, the present mask, and a function returning the trimmed
        cells (built only when asked: for the values of rejected rows).

    Notes
    -----
    A clean column (every cell a number in the same dialect, see :func:`_clean_amounts`)
    is converted at once without trimming it: a clean cell has no surrounding spaces to
    trim except those the rule removes anyway, and is missing only if a missing-value
    marker holds a digit (then the markers are looked for as usual).
    """
    def text() -> pd.Series:
        return trim(raw)

    parsed = clean() if clean is not None else clean_amounts(raw, decimal=decimal, thousands=thousands)
    if parsed is not None:
        if any(ch in "0123456789" for v in missing_values for ch in v):
            present = ~missing_mask(text(), missing_values)
        else:
            present = np.ones(len(raw), dtype=bool)
        values = pd.Series(_plus_zero(np.where(present, parsed, np.nan)), index=raw.index, dtype="float64")
        notnum = present & np.isnan(values.to_numpy())
        negative = (values < 0).to_numpy(dtype=bool)
        return values.where(~negative & ~notnum), present, notnum, negative, text
    trimmed = trim(raw)
    present = ~missing_mask(trimmed, missing_values)
    values, notnum, negative = parse_amounts(trimmed, decimal=decimal, thousands=thousands, present=present)
    return values, present, notnum, negative, lambda: trimmed


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
