"""Privacy: validation and keyed pseudonymisation of personal identity numbers.

A personnummer or samordningsnummer is validated (date and Luhn check digit),
normalised to its 12-digit form ``YYYYMMDDNNNC`` and replaced by a keyed hash
(HMAC-SHA256) at read time, so the same person links across units and files but
the number itself never reaches a table, a file, a log or an error message
(DESIGN.md §6). Messages of this module never contain the number.

This module holds the pseudonymisation part of DESIGN.md §6; statistical
disclosure control of published output is to be added here as its own section
(today it lives in :mod:`amebench.report.disclosure`).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import AmebenchError, KeyMissingError

__all__ = [
    "IdentityNumberError",
    "validate_personnummer",
    "is_valid_personnummer",
    "birth_year",
    "pseudonymise",
    "resolve_key",
    "check_many",
    "pseudonymise_column",
    "redact_numbers",
    "HIDDEN_NUMBER",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "PSEUDONYM_PREFIX",
]

KEY_ENV = "AMEBENCH_KEY"
KEY_FILE_ENV = "AMEBENCH_KEY_FILE"
PSEUDONYM_PREFIX = "p_"
#: Hex characters of the HMAC kept in a pseudonym (80 bits: collisions are negligible
#: for any population a network of municipalities holds).
PSEUDONYM_HEX = 20
#: Samordningsnummer: the day of birth plus 60 (Skatteverket, SKV 707).
COORDINATION_DAY_OFFSET = 60

_PATTERN = re.compile(r"^([0-9]{2})?([0-9]{6})([-+]?)([0-9]{4})$")

# Reasons, written as the placeholder shown instead of the number.
REASON_FORMAT = "<personnummer: not 10 or 12 digits>"
REASON_DATE = "<personnummer: invalid date>"
REASON_CHECK = "<personnummer: invalid check digit>"


class IdentityNumberError(AmebenchError):
    """A personal identity number is invalid (the message never shows the number)."""


def _luhn_ok(ten: str) -> bool:
    # Luhn over the 10-digit form: weights 2,1,2,1... from the left, digit sums of products.
    total = 0
    for i, ch in enumerate(ten):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _check(value: str, ref: _dt.date) -> tuple[str | None, str | None]:
    """Return (normalised 12 digits, None) or (None, reason placeholder)."""
    m = _PATTERN.match(value.strip().replace(" ", ""))
    if m is None:
        return None, REASON_FORMAT
    century, six, sep, four = m.groups()
    yy, mm, dd = int(six[:2]), int(six[2:4]), int(six[4:6])
    day = dd - COORDINATION_DAY_OFFSET if dd > COORDINATION_DAY_OFFSET else dd
    if century is not None:
        year = int(century + six[:2])
    else:
        # The 10-digit form: the latest year ending in yy whose date is not after ref;
        # '+' marks a person aged 100 or more (Folkbokföringslag 1991:481, 18 §).
        year = (ref.year // 100) * 100 + yy
        if (year, mm, day) > (ref.year, ref.month, ref.day):
            year -= 100
        if sep == "+":
            year -= 100
    if not (1 <= mm <= 12) or not (1 <= day <= calendar.monthrange(max(year, 1), mm)[1]):
        return None, REASON_DATE
    if not _luhn_ok(six + four):
        return None, REASON_CHECK
    return f"{year:04d}{six[2:]}{four}", None


def _ref_date(as_of) -> _dt.date:
    if as_of is None:
        return _dt.date.today()
    return pd.Timestamp(as_of).date()


def validate_personnummer(value: str, *, as_of=None) -> str:
    """Validate a personnummer or samordningsnummer and return its 12-digit form.

    Parameters
    ----------
    value
        10 or 12 digits, with or without ``-`` or ``+`` before the last four.
    as_of
        Reference date for the century of the 10-digit form (default: today).

    Returns
    -------
    str
        ``YYYYMMDDNNNC`` (a samordningsnummer keeps its day + 60).

    Raises
    ------
    IdentityNumberError
        If the format, the date or the Luhn check digit is wrong; the message never
        contains the number.

    Notes
    -----
    The check digit is the Luhn (mod 10) digit of the 10-digit form YYMMDDNNN:
    digits are weighted 2, 1, 2, 1, ... from the left, the digit sums of the
    products are added, and the total including the check digit is a multiple of 10.
    A 10-digit number takes the latest century that puts the birth date on or before
    ``as_of``; ``+`` moves it back 100 more years.

    References
    ----------
    Skatteverket, SKV 704 "Personnummer" and SKV 707 "Samordningsnummer".
    """
    if not isinstance(value, str):
        raise IdentityNumberError("an identity number must be given as text")
    norm, reason = _check(value, _ref_date(as_of))
    if norm is None:
        raise IdentityNumberError(f"invalid identity number: {reason}")
    return norm


def is_valid_personnummer(value: str, *, as_of=None) -> bool:
    """Return whether ``value`` is a valid personnummer or samordningsnummer."""
    return isinstance(value, str) and _check(value, _ref_date(as_of))[0] is not None


def birth_year(normalised: str) -> int:
    """Return the birth year of a 12-digit normalised identity number."""
    return int(normalised[:4])


def _key_bytes(key) -> bytes:
    if isinstance(key, bytes):
        out = key.strip()
    else:
        out = str(key).strip().encode("utf-8")
    if not out:
        raise KeyMissingError("the pseudonymisation key is empty; " + _KEY_HELP)
    return out


def pseudonymise(values, key) -> pd.Series | str:
    """Return keyed pseudonyms of normalised 12-digit identity numbers.

    Parameters
    ----------
    values
        A normalised number (``validate_personnummer`` output) or a sequence of them.
    key
        The network secret (str or bytes; surrounding whitespace is ignored).

    Returns
    -------
    str or pandas.Series
        ``"p_"`` + the first 20 hex characters of HMAC-SHA256(key, number), computed
        once per unique value.

    Notes
    -----
    The same person gets the same pseudonym in every format (10 or 12 digits, with or
    without a separator) because the 12-digit normal form is hashed.

    References
    ----------
    RFC 2104 (HMAC) and FIPS 180-4 (SHA-256), via Python's :mod:`hmac`.
    """
    k = _key_bytes(key)

    def one(v: str) -> str:
        return PSEUDONYM_PREFIX + hmac.new(k, v.encode("ascii"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


    if isinstance(values, str):
        return one(values)
    s = pd.Series(values, dtype="object")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    hashed = np.array([hmac.digest(k, str(u).encode("ascii"), "sha256").hex()[:PSEUDONYM_HEX] for u in uniques] + [None], dtype=object)
    out = pd.Series(hashed[codes], index=s.index, dtype=object)
    return (PSEUDONYM_PREFIX + out.astype(pd.StringDtype()))


_KEY_HELP = (
    f"pass key=..., set the environment variable {KEY_ENV}, set {KEY_FILE_ENV} to a file "
    "holding the key, or add key_file = \"...\" under [network] in network.toml"
)


def resolve_key(key=None, *, key_file: str | os.PathLike | None = None, required: bool = True):
    """Return the pseudonymisation key from the first source that gives one.

    The order is: the ``key`` argument, the environment variable ``AMEBENCH_KEY``,
    the file named by ``AMEBENCH_KEY_FILE``, then ``key_file`` (the manifest's).

    Raises
    ------
    KeyMissingError
        If ``required`` and no source gives a key, or a named key file is missing.
    """
    if key is not None:
        return _key_bytes(key)
    if os.environ.get(KEY_ENV):
        return _key_bytes(os.environ[KEY_ENV])
    for source, path in ((KEY_FILE_ENV, os.environ.get(KEY_FILE_ENV)), ("key_file", key_file)):
        if path:
            p = Path(path)
            if not p.is_file():
                raise KeyMissingError(f"the key file {p} (from {source}) does not exist; " + _KEY_HELP)
            return _key_bytes(p.read_bytes())
    if required:
        raise KeyMissingError(
            "the export holds raw identity numbers but no pseudonymisation key was given; "
            + _KEY_HELP
        )
    return None


_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_LUHN_WEIGHTS = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1])


#: The reject placeholders by code (0: valid).
_REASONS = (None, REASON_FORMAT, REASON_DATE, REASON_CHECK)
_FORMAT, _DATE, _CHECK = 1, 2, 3
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
    read from the Arrow buffers with numpy; others are trimmed, their spaces removed and
    matched with the same pattern by pyarrow, as :func:`_check` does.
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
        clean = pc.replace_substring(pc.utf8_trim_whitespace(arr.take(pa.array(rest))), " ", "")
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
    year = year - 100 * later - 100 * plus
    year = np.where(cent >= 0, cent * 100 + yy, year)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _DAYS_IN_MONTH[np.clip(mm, 1, 12) - 1] + ((mm == 2) & leap)
    date_ok = (mm >= 1) & (mm <= 12) & (day >= 1) & (day <= dim)
    prod = digits * _LUHN_WEIGHTS
    luhn_ok = ((prod - 9 * (prod > 9)).sum(axis=1) % 10) == 0
    why[idx] = np.where(~date_ok, _DATE, np.where(~luhn_ok, _CHECK, 0))
    good = date_ok & luhn_ok
    y = year[good]
    century_digits = np.stack([y // 1000 % 10, y // 100 % 10, y // 10 % 10, y % 10], axis=1)
    normalised = (np.concatenate([century_digits, digits[good, 2:]], axis=1) + 48).astype(np.uint8)
    return idx[good], normalised, why


def _check_unique(texts, ref: _dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_check` over distinct strings: (normalised or None, reason or None)."""
    good, digits, why = _check_digits(texts, ref)
    norm = np.full(len(why), None, dtype=object)
    norm[good] = digits.view("S12").ravel().astype(str).astype(object)
    return norm, np.array(_REASONS, dtype=object)[why]


def check_many(values: pd.Series, as_of) -> tuple[pd.Series, pd.Series]:
    """Validate a column of identity numbers, vectorised over its distinct values.

    Returns
    -------
    (normalised, reason)
        Two object Series aligned with ``values``: the 12-digit form (None when
        invalid or missing) and the reject placeholder (None when valid or missing).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm_u, why_u = _check_unique(np.asarray(uniques, dtype=object), _ref_date(as_of))
    norm = np.append(norm_u, None)  # code -1 (missing) -> the last slot
    why = np.append(why_u, None)
    return (
        pd.Series(norm[codes], index=values.index, dtype=object),
        pd.Series(why[codes], index=values.index, dtype=object),
    )


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
    prefix = np.broadcast_to(np.frombuffer(PSEUDONYM_PREFIX.encode("ascii"), dtype=np.uint8), (len(good), len(PSEUDONYM_PREFIX)))
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
    pos = np.array(pc.index_in(texts, value_set=known["raw"]).fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.intp)
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


def pseudonymise_column(values: pd.Series, key, as_of, *, memo: dict | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Validate and pseudonymise a column of raw identity numbers in one pass over its distinct values.

    Parameters
    ----------
    values
        Raw numbers (text; missing cells are missing). A Categorical is worked on through
        its categories.
    key
        The network secret.
    as_of
        Reference date for the century of 10-digit numbers.
    memo
        A dict kept by the caller across the files of one read: numbers already met are
        not checked and hashed again. It holds raw numbers: never keep it after the read.

    Returns
    -------
    (pseudonyms, reasons, birth_years)
        Aligned with ``values``: the pseudonym (a Categorical whose categories are the
        distinct pseudonyms in use, sorted; missing when invalid or missing), the reject
        placeholder (a Categorical of the reasons; missing when valid or missing) and the
        birth year (Int64).
    """
    k = _key_bytes(key)
    codes, texts = _distinct_text(values)
    ids_u, why_u, years_u = _memoised(texts, k, _ref_date(as_of), memo)
    index = values.index
    take = np.where(codes < 0, len(why_u), codes)  # the last slot: a missing cell
    ok = np.append(ids_u.is_valid().to_numpy(zero_copy_only=False), False)
    found = np.unique(why_u[why_u > 0])  # the reasons met, in _REASONS order
    why_codes = np.full(len(_REASONS), -1, dtype=np.int8)
    why_codes[found] = np.arange(len(found))
    why = pd.Categorical.from_codes(np.append(why_codes[why_u], -1)[take],
                                    categories=pd.Index([_REASONS[c] for c in found], dtype=object))
    years = pd.arrays.IntegerArray(np.append(years_u, 0)[take], ~ok[take])
    return (
        pd.Series(_sorted_codes(codes, ids_u), index=index),
        pd.Series(why, index=index),
        pd.Series(years, index=index),
    )


#: Any run of digits that could hold a 10- or 12-digit identity number (with - or +).
_NUMBER_RUN = re.compile(r"[0-9]{6,8}[-+]?[0-9]{4}")
#: What a message or reject shows instead of a value shaped like an identity number.
HIDDEN_NUMBER = "<personnummer: hidden>"


def redact_numbers(text, *, limit: int | None = 200) -> str:
    """Return ``text`` with every digit run shaped like an identity number hidden, shortened.

    Parameters
    ----------
    text
        Any text meant for a message, a log or a reject ``value``.
    limit
        Keep at most this many characters (then ``"… (N characters)"``); None keeps all.

    Returns
    -------
    str
        The text with each run of 6-8 digits, an optional ``-``/``+`` and 4 digits
        replaced by ``<personnummer: hidden>`` (valid or not: a number with a typo is
        still a number), then shortened.

    Notes
    -----
    Redaction runs before shortening, so a number cut by the limit is never half shown.
    Long digit runs (account numbers, ids of 10+ digits) are hidden too: in a message
    that is the safe side.
    """
    s = _NUMBER_RUN.sub(HIDDEN_NUMBER, str(text))
    if limit is not None and len(s) > limit:
        s = s[:limit] + f"… ({len(s)} characters)"
    return s
