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


def _check_digits(texts, ref: _dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`_check` over distinct strings (numpy or pyarrow array; pyarrow compute).

    Returns
    -------
    (good, digits, why)
        Positions of the valid values, their normalised numbers as a (len(good), 12)
        array of ASCII digit bytes (``YYYYMMDDNNNC``), and the reject placeholder of
        every value (None where valid).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(texts)
    why = np.full(n, REASON_FORMAT, dtype=object)
    none = (np.zeros(0, dtype=np.intp), np.zeros((0, 12), dtype=np.uint8), why)
    if n == 0:
        return none
    arr = texts if isinstance(texts, pa.Array) else pa.array([str(t) for t in texts], type=pa.string())
    clean = pc.replace_substring(pc.utf8_trim_whitespace(arr), " ", "")
    parts = pc.extract_regex(clean, r"^(?P<c>[0-9]{2})?(?P<six>[0-9]{6})(?P<sep>[-+]?)(?P<four>[0-9]{4})$")
    ok = parts.is_valid().to_numpy(zero_copy_only=False)
    if not ok.any():
        return none
    parts = parts.filter(pa.array(ok))
    cen, six, sep, four = (parts.field(i) for i in range(4))
    # The ten digits YYMMDDNNNC as a (k, 10) matrix: every field below is read from it.
    ten = pc.binary_join_element_wise(six, four, "").cast(pa.string())
    digits = np.frombuffer(ten.buffers()[2], dtype=np.uint8)[: 10 * len(ten)].reshape(-1, 10).astype(np.int64) - 48
    yy, mm, dd = (digits[:, i] * 10 + digits[:, i + 1] for i in (0, 2, 4))
    day = np.where(dd > COORDINATION_DAY_OFFSET, dd - COORDINATION_DAY_OFFSET, dd)
    has_century = pc.not_equal(cen, "").to_numpy(zero_copy_only=False)
    year = (ref.year // 100) * 100 + yy
    later = (year > ref.year) | ((year == ref.year) & ((mm > ref.month) | ((mm == ref.month) & (day > ref.day))))
    plus = pc.equal(sep, "+").to_numpy(zero_copy_only=False)
    year = year - 100 * later - 100 * plus
    century = pc.cast(pc.if_else(has_century, cen, "0"), pa.int64()).to_numpy()
    year = np.where(has_century, century * 100 + yy, year)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _DAYS_IN_MONTH[np.clip(mm, 1, 12) - 1] + ((mm == 2) & leap)
    date_ok = (mm >= 1) & (mm <= 12) & (day >= 1) & (day <= dim)
    prod = digits * _LUHN_WEIGHTS
    luhn_ok = ((prod - 9 * (prod > 9)).sum(axis=1) % 10) == 0
    reason = np.where(~date_ok, REASON_DATE, np.where(~luhn_ok, REASON_CHECK, None)).astype(object)
    good = date_ok & luhn_ok
    idx = np.flatnonzero(ok)
    why[idx] = reason
    why[idx[good]] = None
    y = year[good]
    century_digits = np.stack([y // 1000 % 10, y // 100 % 10, y // 10 % 10, y % 10], axis=1)
    normalised = (np.concatenate([century_digits, digits[good, 2:]], axis=1) + 48).astype(np.uint8)
    return idx[good], normalised, why


def _check_unique(texts, ref: _dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_check` over distinct strings: (normalised or None, reason or None)."""
    good, digits, why = _check_digits(texts, ref)
    norm = np.full(len(why), None, dtype=object)
    norm[good] = digits.view("S12").ravel().astype(str).astype(object)
    return norm, why


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


def _hasher(k: bytes):
    """Return ``f(message) -> first PSEUDONYM_HEX hex digits of HMAC-SHA256(k, message)``.

    RFC 2104 written out with the key's inner and outer SHA-256 states computed once:
    per message this costs two compressions and no key set-up (``hmac.digest`` redoes
    the key set-up for every message). tests/test_privacy.py checks it against
    :func:`hmac.digest`.
    """
    block = hashlib.sha256().block_size
    if len(k) > block:
        k = hashlib.sha256(k).digest()
    k = k.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
    size = PSEUDONYM_HEX // 2

    def one(message: bytes) -> str:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        return o.digest()[:size].hex()

    return one


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

    Returns (pseudonyms: pyarrow string array, null where invalid; reasons: object array,
    None where valid; birth years: int64 array, 0 where invalid).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    good, digits, why = _check_digits(texts, ref)
    one = _hasher(k)
    blob = digits.tobytes()  # the normalised numbers, 12 ASCII digits each
    hexes = [one(blob[i:i + 12]) for i in range(0, len(blob), 12)]
    position = np.full(len(why), -1, dtype=np.int64)
    position[good] = np.arange(len(good))
    taken = pa.array(hexes, type=pa.string()).take(pa.array(position, mask=position < 0))
    ids = pc.binary_join_element_wise(PSEUDONYM_PREFIX, taken, "")
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
                                  "why": np.array([], dtype=object), "years": np.array([], dtype=np.int64)}
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
    reasons = [r for r in (REASON_FORMAT, REASON_DATE, REASON_CHECK) if r in set(why_u)]
    why_codes = np.full(len(why_u) + 1, -1, dtype=np.int8)
    for i, reason in enumerate(reasons):
        why_codes[:-1][why_u == reason] = i
    why = pd.Categorical.from_codes(why_codes[take], categories=pd.Index(reasons, dtype=object))
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
