"""Identity numbers of a whole column at once: checks in numpy, HMAC per distinct number.

The vectorised side of :mod:`amebench.privacy`: the same rules as its scalar
``_check`` and ``pseudonymise`` (tests/test_privacy.py proves them equal), applied to
the distinct values of a column read as a pyarrow array.
"""

from __future__ import annotations

import datetime as _dt
import hashlib

import numpy as np
import pandas as pd

from .privacy import (
    COORDINATION_DAY_OFFSET,
    PLUS_AGE,
    PSEUDONYM_HEX,
    PSEUDONYM_PREFIX,
    REASON_CHECK,
    REASON_DATE,
    REASON_FORMAT,
    REASON_SCIENTIFIC,
    REASON_TEXT,
    REASON_ZERO,
    _DASHES,
    _LETTER,
    _PLUSES,
    _SCIENTIFIC_FORM,
)


_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1])


#: The reject placeholders by code (0: valid).
_REASONS = (None, REASON_FORMAT, REASON_DATE, REASON_CHECK, REASON_ZERO, REASON_SCIENTIFIC, REASON_TEXT)
_FORMAT, _DATE, _CHECK, _ZERO, _SCIENTIFIC, _TEXT = 1, 2, 3, 4, 5, 6
_NUMBER = r"^(?P<c>[0-9]{2})?(?P<six>[0-9]{6})(?P<sep>[-+]?)(?P<four>[0-9]{4})$"


def _plain_forms(arr) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read values written exactly as ``_NUMBER`` (no spaces) straight from the Arrow buffers.

    Returns (plain mask, century digits or -1, ten digits YYMMDDNNNC as a (k, 10) matrix,
    '+' mask) for the plain values; the others go through the regex.
    """
    n = len(arr)
    wide = np.int64 if str(arr.type) == "large_string" else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=wide)[arr.offset: arr.offset + n + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if arr.buffers()[2] is not None else np.zeros(1, np.uint8)
    data = np.append(data, np.zeros(13, dtype=np.uint8))  # reading past a short last value stays inside
    length = np.diff(offsets)
    century = (length == 12) | (length == 13)
    sep = (length == 11) | (length == 13)
    start = offsets[:-1] + 2 * century
    positions = np.concatenate([start[:, None] + np.arange(6), (offsets[1:] - 4)[:, None] + np.arange(4)], axis=1)
    ten = data[positions].astype(np.int64) - 48
    mark = data[start + 6]
    head = data[offsets[:-1, None] + np.arange(2)].astype(np.int64) - 48
    plain = ((length >= 10) & (length <= 13) & ((ten >= 0) & (ten <= 9)).all(axis=1)
             & (~sep | (mark == ord("-")) | (mark == ord("+")))
             & (~century | ((head >= 0) & (head <= 9)).all(axis=1)))
    cent = np.where(century, head[:, 0] * 10 + head[:, 1], -1)
    return plain, cent, ten, sep & (mark == ord("+"))


def _check_digits(texts, ref: _dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`_check` over distinct strings (numpy or pyarrow array).

    Returns
    -------
    (good, digits, why)
        Positions of the valid values, their normalised numbers as a (len(good), 12)
        array of ASCII digit bytes (``YYYYMMDDNNNC``), and the reason code of every
        value (0 valid; ``_REASONS`` gives the placeholder).

    Notes
    -----
    Values written exactly as 10 or 12 digits (with ``-``/``+`` before the last four) are
    read from the Arrow buffers with numpy; the others are read after NFKC, without
    spaces and characters of no width, with their dashes as ``-`` (pluses as ``+``), and
    matched with the same pattern by pyarrow, as :func:`_check` does. A value of 9 digits
    that a leading 0 makes valid gets its own reason (``_ZERO``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    why = np.full(n, _FORMAT, dtype=np.int8)
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros((0, 12), dtype=np.uint8), why
    arr = texts if isinstance(texts, pa.Array) else pa.array([str(t) for t in texts], type=pa.string())
    plain, cent, ten, plus = _plain_forms(arr)
    rest = np.flatnonzero(~plain)
    if len(rest):
        # as _check: NFKC, spaces of any kind (Python's \s: RE2's \s lacks \v and \x1c-\x1f, \p{Z}
        # holds the no-break ones) and characters of no width (\p{Cf}) out, dashes as '-', pluses as '+'
        clean = pc.utf8_normalize(arr.take(pa.array(rest)), "NFKC")
        clean = pc.replace_substring_regex(clean, r"[\t-\r\x1c-\x20\x85\p{Z}\p{Cf}]", "")
        clean = pc.replace_substring_regex(clean, f"[{_DASHES}]", "-")
        clean = pc.replace_substring_regex(clean, f"[{_PLUSES}]", "+")
        clean = _without_spreadsheet_marks(clean)
        scientific = pc.match_substring_regex(clean, _SCIENTIFIC_FORM).fill_null(False).to_numpy(zero_copy_only=False)
        why[rest[scientific]] = _SCIENTIFIC
        letters = pc.match_substring_regex(clean, _LETTER).fill_null(False).to_numpy(zero_copy_only=False)
        why[rest[letters & ~scientific]] = _TEXT
        parts = pc.extract_regex(clean, _NUMBER)
        ok = parts.is_valid().to_numpy(zero_copy_only=False)
        if ok.any():
            parts = parts.filter(pa.array(ok))
            c, six, sep, four = (parts.field(i) for i in range(4))
            joined = pc.binary_join_element_wise(six, four, "").cast(pa.string())
            at = rest[ok]
            ten[at] = np.frombuffer(joined.buffers()[2], dtype=np.uint8)[: 10 * len(joined)].reshape(-1, 10) - 48
            cent[at] = pc.cast(pc.if_else(pc.not_equal(c, ""), c, "-1"), pa.int64()).to_numpy()
            plus[at] = pc.equal(sep, "+").to_numpy(zero_copy_only=False)
            plain[at] = True
    idx = np.flatnonzero(plain)
    digits, cent, plus = ten[idx], cent[idx], plus[idx]
    yy, mm, dd = (digits[:, i] * 10 + digits[:, i + 1] for i in (0, 2, 4))
    day = np.where(dd > COORDINATION_DAY_OFFSET, dd - COORDINATION_DAY_OFFSET, dd)
    year = (ref.year // 100) * 100 + yy
    later = (year > ref.year) | ((year == ref.year) & ((mm > ref.month) | ((mm == ref.month) & (day > ref.day))))
    centenarian = ((ref.year - PLUS_AGE) // 100) * 100 + yy  # '+': the year of turning 100 has come
    centenarian = centenarian - 100 * (centenarian > ref.year - PLUS_AGE)
    year = np.where(plus, centenarian, year - 100 * later)
    year = np.where(cent >= 0, cent * 100 + yy, year)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _DAYS_IN_MONTH[np.clip(mm, 1, 12) - 1] + ((mm == 2) & leap)
    date_ok = (mm >= 1) & (mm <= 12) & (day >= 1) & (day <= dim)
    prod = digits * _LUHN_WEIGHTS
    luhn_ok = ((prod - 9 * (prod > 9)).sum(axis=1) % 10) == 0
    why[idx] = np.where(~date_ok, _DATE, np.where(~luhn_ok, _CHECK, 0))
    good = date_ok & luhn_ok
    _zero_lost(arr, why, ref)
    y = year[good]
    century_digits = np.stack([y // 1000 % 10, y // 100 % 10, y // 10 % 10, y % 10], axis=1)
    normalised = (np.concatenate([century_digits, digits[good, 2:]], axis=1) + 48).astype(np.uint8)
    return idx[good], normalised, why


def _without_spreadsheet_marks(texts):
    """What a spreadsheet adds to a number left out, as ``privacy._SPREADSHEET_MARKS`` does:
    a leading ' (or ’) or =", a closing ", a decimal part of zeros."""
    import pyarrow.compute as pc

    texts = pc.replace_substring_regex(texts, "^(?:['\u2019]|=\")", "")
    return pc.replace_substring_regex(texts, '([0-9])(?:"|[.,]0+)$', "\\1")


def _zero_lost(arr, why: np.ndarray, ref: _dt.date) -> None:
    """Mark as ``_ZERO`` the values of ``why`` ``_FORMAT`` that are 9 digits and valid with a leading
    0 (a 10-digit number of someone born 2000-2009 in a number cell of a spreadsheet)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    short = np.flatnonzero(why == _FORMAT)
    if not len(short):
        return
    digits = _without_spreadsheet_marks(pc.utf8_trim_whitespace(arr.take(pa.array(short))))
    maybe = pc.match_substring_regex(digits, r"^[0-9]{9}$").fill_null(False).to_numpy(zero_copy_only=False)
    if maybe.any():
        padded = pc.binary_join_element_wise("0", digits.filter(pa.array(maybe)), "")
        why[short[maybe][_check_digits(padded, ref)[2] == 0]] = _ZERO


def _check_unique(texts, ref: _dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_check` over distinct strings: (normalised or None, reason or None)."""
    good, digits, why = _check_digits(texts, ref)
    norm = np.full(len(why), None, dtype=object)
    norm[good] = digits.view("S12").ravel().astype(str).astype(object)
    return norm, np.array(_REASONS, dtype=object)[why]


def _states(k: bytes):
    """The key's inner and outer SHA-256 states of HMAC (RFC 2104), to be copied per message.

    Per message this leaves two compressions and no key set-up (``hmac.digest`` redoes
    the key set-up for every message). tests/test_privacy.py checks it against
    :func:`hmac.digest`.
    """
    block = hashlib.sha256().block_size
    if len(k) > block:
        k = hashlib.sha256(k).digest()
    k = k.ljust(block, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in k)), hashlib.sha256(bytes(b ^ 0x5C for b in k))


def _digests(k: bytes, blob: bytes, width: int) -> bytes:
    """HMAC-SHA256(k, m)[:PSEUDONYM_HEX // 2] of each ``width``-byte message of ``blob``, concatenated.

    The key's inner and outer states are computed once (``_states``) and copied per
    message: the same digest as ``hmac.digest(k, m, "sha256")`` at a third of the cost.
    """
    inner, outer = _states(k)
    copy_inner, copy_outer, size, out = inner.copy, outer.copy, PSEUDONYM_HEX // 2, []
    for i in range(0, len(blob), width):
        h = copy_inner()
        h.update(blob[i:i + width])
        o = copy_outer()
        o.update(h.digest())
        out.append(o.digest()[:size])
    return b"".join(out)


def _distinct_text(values: pd.Series):
    """Return (row codes, distinct values as a pyarrow string array); code -1 = missing.

    A Categorical column (as the readers give) is taken as it is: its categories are the
    distinct values (some may be unused: they cost a check, never a row).
    """
    import pyarrow as pa

    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes, dtype=np.intp)
        uniques = values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if hasattr(uniques.array, "__arrow_array__"):  # Arrow-backed text: no copy through Python
        arrow = uniques.array.__arrow_array__()
        if isinstance(arrow, pa.ChunkedArray):
            arrow = arrow.combine_chunks()
        if pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type):
            return np.asarray(codes, dtype=np.intp), arrow.cast(pa.string())
    return np.asarray(codes, dtype=np.intp), pa.array([str(u) for u in uniques], type=pa.string())


def _pseudonymise_distinct(texts, k: bytes, ref: _dt.date):
    """Check and pseudonymise distinct raw numbers (pyarrow array).

    Returns (pseudonyms: pyarrow string array, null where invalid; reason codes: int8,
    0 where valid; birth years: int64 array, 0 where invalid).
    """
    import pyarrow as pa

    good, digits, why = _check_digits(texts, ref)
    digests = _digests(k, digits.tobytes(), 12)  # the normalised numbers, 12 ASCII digits each
    width = len(PSEUDONYM_PREFIX) + PSEUDONYM_HEX
    hexes = np.frombuffer(digests.hex().encode("ascii"), dtype=np.uint8).reshape(-1, PSEUDONYM_HEX)
    prefix = np.broadcast_to(np.frombuffer(PSEUDONYM_PREFIX.encode("ascii"), dtype=np.uint8),
                             (len(good), len(PSEUDONYM_PREFIX)))
    cells = np.concatenate([prefix, hexes], axis=1).tobytes()
    named = pa.Array.from_buffers(pa.string(), len(good), [None, pa.py_buffer(
        np.arange(0, width * (len(good) + 1), width, dtype=np.int32)), pa.py_buffer(cells)])
    position = np.full(len(why), -1, dtype=np.int64)
    position[good] = np.arange(len(good))
    ids = named.take(pa.array(position, mask=position < 0))
    years = np.zeros(len(why), dtype=np.int64)
    years[good] = (digits[:, :4].astype(np.int64) - 48) @ np.array([1000, 100, 10, 1])
    return ids, why, years


def _memoised(texts, k: bytes, ref: _dt.date, memo: dict | None):
    """:func:`_pseudonymise_distinct` that reuses what ``memo`` holds from earlier files."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if memo is None:
        return _pseudonymise_distinct(texts, k, ref)
    known = memo.get((k, ref))
    if known is None:
        known = memo[(k, ref)] = {"raw": texts[:0], "ids": pa.array([], pa.string()),
                                  "why": np.array([], dtype=np.int8), "years": np.array([], dtype=np.int64)}
    pos = np.array(pc.index_in(texts, value_set=known["raw"]).fill_null(-1).to_numpy(zero_copy_only=False),
                   dtype=np.intp)
    new = np.flatnonzero(pos < 0)
    if len(new):
        ids_n, why_n, years_n = _pseudonymise_distinct(texts.take(pa.array(new)), k, ref)
        start = len(known["raw"])
        known["raw"] = pa.concat_arrays([known["raw"], texts.take(pa.array(new))])
        known["ids"] = pa.concat_arrays([known["ids"], ids_n])
        known["why"] = np.concatenate([known["why"], why_n])
        known["years"] = np.concatenate([known["years"], years_n])
        pos[new] = start + np.arange(len(new))
    return known["ids"].take(pa.array(pos)), known["why"][pos], known["years"][pos]


def _sorted_codes(codes: np.ndarray, ids) -> pd.Categorical:
    """Rows' pseudonyms as a Categorical: categories the distinct pseudonyms in use, sorted.

    ``ids`` holds the pseudonym (or null) of each distinct raw value; ``codes`` each row's
    raw value (-1 = missing). Two forms of one number (10 and 12 digits) share a category.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    used = np.zeros(len(ids), dtype=bool)
    used[codes[codes >= 0]] = True
    keep = used & ids.is_valid().to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(ids.filter(pa.array(keep)))
    order = np.asarray(pc.sort_indices(encoded.dictionary), dtype=np.intp)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    per_value = np.full(len(ids) + 1, -1, dtype=np.intp)  # the last slot: code -1
    per_value[np.flatnonzero(keep)] = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.intp)]
    names = encoded.dictionary.take(pa.array(order))
    text = pd.Series([], dtype=str).dtype
    categories = pd.Index(names.to_pandas(types_mapper={names.type: text}.get) if len(names) else [], dtype=text)
    return pd.Categorical.from_codes(per_value[codes], dtype=pd.CategoricalDtype(categories))
