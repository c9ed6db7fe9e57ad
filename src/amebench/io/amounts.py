"""Parse amounts like ``12 345,50 kr``: the rule, and whole-column paths that give the same floats.

Nearly every payment row has its own amount, so amounts are not parsed per distinct
value (:mod:`amebench.io.parse`) but per column: a clean column (one dialect, one
currency suffix) with one ``bytes.translate`` pass or a few Arrow kernels, other cells
by an RE2 shape check and Arrow, the rest by the rule written out with Python's regular
expressions. tests/test_io_amounts.py checks every path against the rule as it was
written before issue #6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import is_numbers
from .parse import _SPACES, _coded, arrow_strings, arrow_text, missing_mask, trim

__all__ = ["parse_amounts", "read_amounts", "clean_amounts", "ambiguous_amounts", "three_decimals",
           "misplaced_thousands", "numeric_amounts"]

_CURRENCY = r"(?i)\s*(kr\.?|sek|:-|,-)\s*$"  # ":-" and ",-": whole kronor (500:-, 5 000,-)

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
    zero = values == 0
    if zero.any():
        values = np.where(zero, 0.0, values)
    return values


def parse_amounts(series: pd.Series, *, decimal: str, thousands: str, present: np.ndarray):
    """Parse amounts like ``12 345,50 kr``; return (float64, not-a-number mask, negative mask).

    ``inf``, ``NaN`` and numbers too large for a float (``1e999``) are not numbers. A
    zero is always +0.0 ("-0,00 kr" too).

    Notes
    -----
    The rule: remove a currency mark at the end (``kr``, ``kr.``, ``SEK``, ``:-``, ``,-``,
    any case) with the spaces before it, then every space (also no-break and narrow no-break
    spaces) and the thousands mark; the decimal mark becomes ``.`` and the typographic
    minus ``-``; what is left must be a finite number. Cells of the common shapes
    (:func:`_fast_shape`) are converted with Arrow kernels, the others with the rule
    written out (tests/test_io_amounts.py checks that both give the same floats).
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


def numeric_amounts(column: pd.Series):
    """Return (values, present, notnum, negative) of an amount column that holds numbers.

    What writing each number as text (``str()``, as :func:`amebench.io.cells.as_text`
    does) and reading it with the rule gives, without the text: a missing cell (what
    pandas calls missing: NaN in a numpy column, NA in a nullable or Arrow one) is
    missing; a NaN that is not missing (an Arrow column can hold both) and an infinite
    number are not numbers; a negative number is negative (and missing in ``values``, as
    are those not numbers); -0.0 is +0.0. Every finite float's ``str()`` reads back as
    the same float; an integer's as its nearest float. tests/test_io_amounts.py checks
    it against the text.
    """
    numbers = column.to_numpy(dtype="float64", na_value=np.nan)
    present = column.notna().to_numpy(dtype=bool)
    notnum = present & ~np.isfinite(numbers)
    values = pd.Series(_plus_zero(np.where(notnum, np.nan, numbers)), index=column.index, dtype="float64")
    negative = (values < 0).to_numpy(dtype=bool)
    return values.where(~negative), present, notnum, negative


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
    offsets = np.frombuffer(raw.buffers()[1], dtype=width)[raw.offset: raw.offset + n + 1]
    lengths = np.diff(offsets).astype(np.int64, copy=False)
    lengths -= len(mark) if mark else 0
    for ch in drop:
        if ch.encode() in data:
            lengths -= pc.count_substring(raw, ch).to_numpy(zero_copy_only=False)
    ends = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=ends[1:])
    if not n or ends[-1] != len(cleaned) or lengths.max() > _FAST_MAX_BYTES:
        return None
    cells = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(ends), pa.py_buffer(cleaned)])
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
    """Trim, find missing cells and parse an amount column: :func:`trim`,
    :func:`missing_mask` and :func:`parse_amounts` in one.

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
        parsed = parsed if present.all() else np.where(present, parsed, np.nan)
        values = pd.Series(_plus_zero(parsed), index=raw.index, dtype="float64")
        notnum = present & np.isnan(values.to_numpy())
        negative = (values < 0).to_numpy(dtype=bool)
        return values.where(~negative & ~notnum), present, notnum, negative, text
    trimmed = trim(raw)
    present = ~missing_mask(trimmed, missing_values)
    values, notnum, negative = parse_amounts(trimmed, decimal=decimal, thousands=thousands, present=present)
    return values, present, notnum, negative, lambda: trimmed


#: A "." before exactly three digits (12.345, 1.250 kr): read as a decimal point when the
#: decimal mark is ",", but in a Swedish export more likely a thousands separator.
_DOT_THOUSANDS = r"\.[0-9]{3}([^0-9]|$)"


def ambiguous_amounts(column: pd.Series, *, decimal: str, thousands: str) -> np.ndarray:
    """Cells whose "." may be a thousands separator though the profile reads it as a decimal point.

    With ``decimal = ","`` the readers take a ``.`` that is not the thousands mark as a
    decimal point (``12345.5``); before exactly three digits (``12.345``) it is more likely
    a thousands separator, and reading it as a decimal point would divide the amount by
    1000 without a word. Such cells are rejected. No cell is ambiguous when the decimal
    mark is ``.`` or the thousands mark is ``.``.
    """
    if decimal == "." or thousands == ".":
        return np.zeros(len(column), dtype=bool)
    import pyarrow.compute as pc

    arrow = arrow_text(column)
    if arrow is None:
        return column.astype(str).str.contains(_DOT_THOUSANDS, regex=True).fillna(False).to_numpy(dtype=bool)
    if not pc.any(pc.match_substring(arrow, ".")).as_py():
        return np.zeros(len(column), dtype=bool)
    return pc.fill_null(pc.match_substring_regex(arrow, _DOT_THOUSANDS),
                        False).to_numpy(zero_copy_only=False).astype(bool)


def three_decimals(column: pd.Series, values: np.ndarray, *, decimal: str, typed=None) -> np.ndarray:
    """Cells like ``12,345`` (decimal ``,``) or ``12.345`` (decimal ``.``): the decimal mark
    after one to three digits that start the cell (spaces aside, after an optional ``+``
    and leading zeros) and before exactly three digits.

    Kronor have two decimals, so such a mark is more likely a thousands separator written
    in the other dialect (12,345 for twelve thousand), and reading it as the decimal mark
    would divide the amount by 1000 without a word; such cells are rejected. ``0,125`` and
    ``1 234,567`` are not (no thousands separator leaves a leading 0 or follows a space
    group), and when the column holds such a cell (or ``1234,567``) none is: the file
    writes three decimals, so ``123,456`` is 123.456 there. ``values``: the amounts read
    (only those from 1 to 1000 can be such cells); ``typed``: a mask of cells the file
    stored as numbers (Excel, Parquet), which were written in the profile's dialect by
    amebench and mean what they say.
    """
    if is_numbers(column):  # a frame's numbers
        return np.zeros(len(column), dtype=bool)
    with np.errstate(invalid="ignore"):
        maybe = (values >= 1) & (values < 1000)
    if typed is not None:
        maybe &= ~typed
    out = np.zeros(len(column), dtype=bool)
    if not maybe.any():
        return out
    import pyarrow.compute as pc

    where = np.flatnonzero(maybe)
    # as the rule reads them, spaces (any kind) anywhere aside: " 12, 345" is 12,345 too (one
    # pattern with the spaces in it: removing them first took 0.22 s a million cells, this 0.05)
    sp = f"[\\s{_SPACES}]*"
    digit = f"(?:{sp}[0-9])"
    pattern = (f"^{sp}\\+?{sp}(?:0{sp})*[1-9]{digit}{{0,2}}{sp}\\{decimal}{digit}{{3}}{sp}"
               f"(?:[^0-9\\s{_SPACES}]|$)")
    arrow = arrow_strings(column)
    out[where] = pc.fill_null(pc.match_substring_regex(pc.take(arrow, where), pattern), False).to_numpy(
        zero_copy_only=False)
    if out.any():  # does another cell show that the file writes three decimals?
        others = np.isfinite(values) & ~out
        if typed is not None:
            others &= ~typed
        three = f"\\{decimal}{digit}{{3}}{sp}(?:[^0-9.,\\s{_SPACES}]|$)"  # not 1,234.50
        if pc.any(pc.match_substring_regex(pc.take(arrow, np.flatnonzero(others)), three)).as_py():
            out[:] = False
    return out


def misplaced_thousands(column: pd.Series, *, decimal: str, thousands: str) -> np.ndarray:
    """Cells whose thousands mark ``.`` or ``,`` stands where no thousands mark can.

    The readers remove the thousands mark wherever it is; in its place it groups the whole
    kronor by three (``1.234.567,50``). Anywhere else it is another mark, and removing it
    changes the amount without a word: with ``thousands = "."``, ``1234.50`` would be read
    as 123450 and ``1,234.5`` as 1.2345. A cell is misplaced when the mark is not followed
    by exactly three digits, follows four digits or more or a group of zeros or none
    (``0.500``, ``.500``), or comes after the decimal mark (a currency suffix such as
    ``kr.`` or ``,-`` aside). A space as thousands mark is not checked.
    """
    if thousands not in (".", ","):
        return np.zeros(len(column), dtype=bool)
    import pyarrow.compute as pc

    arrow = arrow_strings(column)
    holds = pc.fill_null(pc.match_substring(arrow, thousands), False)
    out = np.zeros(len(column), dtype=bool)
    if not pc.any(holds).as_py():
        return out
    where = np.flatnonzero(holds.to_numpy(zero_copy_only=False))
    cells = pc.replace_substring_regex(pc.take(arrow, where), _CURRENCY, "")
    t, d = "\\" + thousands, "\\" + decimal
    # not before three digits | after four | after the decimal mark | after a group of 0 or none
    bad = f"{t}(?:[0-9]{{0,2}}(?:[^0-9]|$)|[0-9]{{4}})|[0-9]{{4}}{t}|{d}[0-9]*{t}|(?:^|[^0-9])0*{t}"
    out[where] = pc.fill_null(pc.match_substring_regex(cells, bad), False).to_numpy(zero_copy_only=False)
    return out
