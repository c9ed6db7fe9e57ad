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
import string
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import AmebenchError, KeyMissingError, KeyWarning

__all__ = [
    "IdentityNumberError",
    "validate_personnummer",
    "is_valid_personnummer",
    "birth_year",
    "birth_date",
    "pseudonymise",
    "resolve_key",
    "check_many",
    "pseudonymise_column",
    "redact_numbers",
    "looks_like_identity_number",
    "identity_number_cells",
    "visible_text",
    "ascii_digits",
    "NOT_A_NUMBER",
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
#: The age whose calendar year turns the separator of the 10-digit form into '+'.
PLUS_AGE = 100

_PATTERN = re.compile(r"^([0-9]{2})?([0-9]{6})([-+]?)([0-9]{4})$")
#: Dashes that word processors, Excel and typesetting put for '-' (hyphen, non-breaking
#: hyphen, figure dash, en dash, em dash, horizontal bar, minus sign, hyphen bullet,
#: modifier minus, heavy minus, small em dash, small and fullwidth hyphen-minus): a
#: number written with one is read as written with '-'.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u02d7\u2796\ufe58\ufe63\uff0d"
#: ... and plus signs (small, fullwidth, heavy), read as '+'.
_PLUSES = "\ufe62\uff0b\u2795"
_AS_ASCII = str.maketrans(dict.fromkeys(_DASHES, "-") | dict.fromkeys(_PLUSES, "+"))
#: Before the last four digits: '-', '+' or one of those, hidden valid or not ...
_SEPARATOR = rf"[-+{_DASHES}{_PLUSES}]"
#: ... or '/', '.', '_', ':' or ',', hidden only when the number is valid ("20240301_1200"
#: in a file name, "202401/202412" and "12345678,5000" are mostly not numbers).
_LOOSE_SEPARATOR = "[/._:,]"
#: Characters of no width or shape (soft hyphen, zero-width space, word joiner, ...:
#: Unicode category Cf) that text pasted from the web carries between digits.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def visible_text(text: str) -> str:
    """Return ``text`` as the identity-number checks read it: NFKC (fullwidth digits are
    digits) and without characters of no width (soft hyphen, zero-width space ...)."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))

# Reasons, written as the placeholder shown instead of the number.
REASON_FORMAT = "<personnummer: not 10 or 12 digits>"
REASON_DATE = "<personnummer: invalid date>"
REASON_CHECK = "<personnummer: invalid check digit>"
#: 9 digits that a leading 0 makes a valid number (born 2000-2009): a number cell (Excel) drops it.
REASON_ZERO = "<personnummer: 9 digits, valid with a leading 0: a number cell (Excel) drops it>"
#: A number a spreadsheet wrote in scientific notation (1,98503E+11): its last digits are lost.
REASON_SCIENTIFIC = ("<personnummer: in scientific notation, a number cell in Excel that may have lost the last "
                     "digits: export the column as text>")
#: Letters (a footer or a note in the column, "Utskrivet av ..."): no number at all.
REASON_TEXT = "<personnummer: holds letters: text, not a number>"
#: What a spreadsheet adds to a number it holds as a number or marks as text: a decimal part
#: of zeros (198112189876.0), a leading apostrophe ('198112189876, also typeset) or Excel's
#: text formula (="198112189876"); left out.
_SPREADSHEET_MARKS = re.compile("^(?:['\u2019]|=\")|(?<=[0-9])\"$|(?<=[0-9])[.,]0+$")
#: ... and scientific notation (1,98112E+11).
_SCIENTIFIC_FORM = r"^[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+$"
#: A letter that makes a value text (ASCII: Python and pyarrow agree on it).
_LETTER = "[A-Za-z]"


class IdentityNumberError(AmebenchError):
    """A personal identity number is invalid (the message never shows the number)."""


def _luhn_ok(ten: str) -> bool:
    # Luhn over the 10-digit form: weights 2,1,2,1... from the left, digit sums of products.
    total = 0
    for i, ch in enumerate(ten):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _check(value: str, ref: _dt.date, *, check_digit: bool = True) -> tuple[str | None, str | None]:
    """Return (normalised 12 digits, None) or (None, reason placeholder).

    ``check_digit=False`` takes a number whose check digit alone is wrong (a typo that
    leaves the person's number) as valid."""
    plain = _SPREADSHEET_MARKS.sub("", re.sub(r"\s", "", visible_text(value)).translate(_AS_ASCII))
    m = _PATTERN.match(plain)
    if m is None:
        if re.match(_SCIENTIFIC_FORM, plain):
            return None, REASON_SCIENTIFIC
        if re.search(_LETTER, plain):
            return None, REASON_TEXT
        zero = len(plain) == 9 and plain.isascii() and plain.isdigit() and _check("0" + plain, ref)[0]
        return None, REASON_ZERO if zero else REASON_FORMAT
    century, six, sep, four = m.groups()
    yy, mm, dd = int(six[:2]), int(six[2:4]), int(six[4:6])
    day = dd - COORDINATION_DAY_OFFSET if dd > COORDINATION_DAY_OFFSET else dd
    if century is not None:
        year = int(century + six[:2])
    else:
        # The 10-digit form: the latest year ending in yy whose date is not after ref.
        # '+' replaces '-' from the calendar year the person turns 100 (Folkbokföringslag
        # 1991:481, 18 §): then the latest year ending in yy not after ref.year - 100.
        year = (ref.year // 100) * 100 + yy
        if sep == "+":
            year = ((ref.year - PLUS_AGE) // 100) * 100 + yy
            if year > ref.year - PLUS_AGE:
                year -= 100
        elif (year, mm, day) > (ref.year, ref.month, ref.day):
            year -= 100
    if not (1 <= mm <= 12) or not (1 <= day <= calendar.monthrange(max(year, 1), mm)[1]):
        return None, REASON_DATE
    if check_digit and not _luhn_ok(six + four):
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
        10 or 12 digits, with or without ``-`` or ``+`` before the last four (a dash
        such as an en dash or a minus sign is read as ``-``; spaces of any kind, a
        no-break space too, are left out).
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
    ``as_of``; with ``+`` (written from the calendar year the person turns 100) the
    latest century that puts the birth year at or before ``as_of``'s year - 100.

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


def birth_date(normalised: str) -> _dt.date:
    """Return the birth date of a 12-digit normalised identity number (a samordningsnummer's
    day less 60)."""
    day = int(normalised[6:8])
    return _dt.date(int(normalised[:4]), int(normalised[4:6]),
                    day - COORDINATION_DAY_OFFSET if day > COORDINATION_DAY_OFFSET else day)


#: Ages (years at the reference date) of a number read from a shape that a scheme of dates and
#: counters also makes ("811218T9876", "811218-987X", a counter after a number): from 12 (as
#: an episode id's 12-digit number: no labour-market unit takes younger) to 110.
PLAUSIBLE_AGES = (12, 110)


def plausible_age(normalised: str, ref: _dt.date) -> bool:
    """Whether the holder of ``normalised`` (12 digits) is of :data:`PLAUSIBLE_AGES` at ``ref``:
    "240115-001X" (a date of 2024 and a counter) is no participant's number."""
    born = birth_date(normalised)
    age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
    return PLAUSIBLE_AGES[0] <= age <= PLAUSIBLE_AGES[1]


def aged_number(text: str, ref: _dt.date, *, check_digit: bool = True) -> bool:
    """Whether ``text`` is a valid number (``check_digit=False``: but for its check digit)
    whose holder is of :data:`PLAUSIBLE_AGES` at ``ref``."""
    normalised = _check(text, ref, check_digit=check_digit)[0]
    return normalised is not None and plausible_age(normalised, ref)


#: A key shorter than this many bytes gets a :class:`~amebench.exceptions.KeyWarning`: 16
#: random characters or more keep a key out of reach of trying them all.
MIN_KEY_BYTES = 16
#: Digests of the short keys warned about in this process.
_WARNED_KEYS: set[bytes] = set()


def _key_bytes(key) -> bytes:
    if isinstance(key, bytes):
        out = key.strip()
    else:
        out = str(key).strip().encode("utf-8")
    if not out:
        raise KeyMissingError("the pseudonymisation key is empty; " + _KEY_HELP)
    digest = hashlib.sha256(out).digest()
    if len(out) < MIN_KEY_BYTES and digest not in _WARNED_KEYS:
        _WARNED_KEYS.add(digest)  # once per key: a network reads it for each file
        warnings.warn(KeyWarning(
            f"the pseudonymisation key is {len(out)} bytes long: whoever knows one participant's number and "
            "pseudonym can try short keys until one gives it, and then re-identify every pseudonym; use "
            f"{MIN_KEY_BYTES} random characters or more "
            '(python -c "import secrets; print(secrets.token_urlsafe(32))")'
        ), stacklevel=3)
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
    hashed = np.array([hmac.digest(k, str(u).encode("ascii"), "sha256").hex()[:PSEUDONYM_HEX] for u in uniques]
                      + [None], dtype=object)
    out = pd.Series(hashed[codes], index=s.index, dtype=object)
    return (PSEUDONYM_PREFIX + out.astype(pd.StringDtype()))


_KEY_HELP = (
    f"set the environment variable {KEY_ENV}, set {KEY_FILE_ENV} to a file holding the key, "
    "or in Python pass key=...; key_file = \"...\" under [network] in network.toml is for a demo or "
    "test key only (it names a file inside the network folder, where a real key does not belong)"
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


def check_many(values: pd.Series, as_of) -> tuple[pd.Series, pd.Series]:
    """Validate a column of identity numbers, vectorised over its distinct values.

    Returns
    -------
    (normalised, reason)
        Two object Series aligned with ``values``: the 12-digit form (None when
        invalid or missing) and the reject placeholder (None when valid or missing).
    """
    from ._pseudonyms import _check_unique

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm_u, why_u = _check_unique(np.asarray(uniques, dtype=object), _ref_date(as_of))
    norm = np.append(norm_u, None)  # code -1 (missing) -> the last slot
    why = np.append(why_u, None)
    return (
        pd.Series(norm[codes], index=values.index, dtype=object),
        pd.Series(why[codes], index=values.index, dtype=object),
    )


def pseudonymise_column(values: pd.Series, key, as_of, *,
                        memo: dict | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
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
    from ._pseudonyms import _REASONS, _distinct_text, _memoised, _sorted_codes

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


#: Any run of digits that could hold a 10- or 12-digit identity number, with a separator
#: (``_SEPARATOR``) or none before the last four and spaces of any kind between the digits
#: ("19811218 9876" and "811218 – 9876" are numbers too), in :func:`visible_text`.
_NUMBER_RUN = re.compile(rf"[0-9](?:\s*[0-9]){{5,7}}\s*{_SEPARATOR}?\s*[0-9](?:\s*[0-9]){{3}}")
#: The same with '/', '.', '_', ':' or ',' before the last four ("19811218/9876"): hidden when valid.
_LOOSE_RUN = re.compile(rf"(?<![0-9])[0-9](?:\s*[0-9]){{5,7}}\s*{_LOOSE_SEPARATOR}\s*[0-9](?:\s*[0-9]){{3}}(?![0-9])")


def _valid_loose(match: re.Match) -> bool:
    return is_valid_personnummer(re.sub(_LOOSE_SEPARATOR, "-", match.group()))


#: One character that is no digit, letter or space: a mark between the parts of a number
#: written as a date.
_MARK = r"[^0-9A-Za-z\s]"
#: Between the parts: up to three marks, with spaces around and between them.
_GAP = rf"(?:\s*{_MARK}){{0,3}}\s*"
#: A number written as a date, with marks between its parts ("1981-12-18-9876",
#: "81.12.18-9876", "811218--9876", "811218'9876", "81--12-18-9876", "19811218-98-76"):
#: hidden when valid, as ``_LOOSE_RUN``.
_DATED_RUN = re.compile(rf"(?<![0-9])(?:[0-9]{{2}}{_GAP})?[0-9]{{2}}{_GAP}[0-9]{{2}}{_GAP}[0-9]{{2}}{_GAP}"
                        rf"[0-9]{{2}}-?[0-9]{{2}}(?![0-9])")


def dated_form(text: str) -> str:
    """``text`` (a match of ``_DATED_RUN``, as :func:`visible_text` reads it) as the readers'
    form: its digits, with '+' before the last four when a '+' is there and '-' otherwise."""
    at = [i for i, c in enumerate(text) if c.isdigit()]
    digits = "".join(text[i] for i in at)
    mark = text[at[-5] + 1:at[-4]].translate(_AS_ASCII)
    return f"{digits[:-4]}{'+' if '+' in mark else '-'}{digits[-4:]}"


def _valid_dated(match: re.Match) -> bool:
    return is_valid_personnummer(dated_form(match.group()))


#: A number with one or two letters before the last four ("811218T9876", "19811218ab9876"):
#: hidden when valid, as ``_LOOSE_RUN``.
LETTER_PARTED = re.compile(r"(?<![0-9])[0-9]{6}(?:[0-9]{2})?[A-Za-z]{1,2}[0-9]{4}(?![0-9])")
#: A number whose check digit is written as a mark ("811218-987X", "19811218-987*"): hidden
#: when its date is one (the check digit follows from the other nine).
_MASKED_RUN = re.compile(rf"(?<![0-9])([0-9]{{6}}(?:[0-9]{{2}})?)\s*{_SEPARATOR}?\s*([0-9]{{3}})[Xx*?#](?![0-9])")
#: A decimal digit of another script (Arabic-Indic, Devanagari ...; NFKC leaves them).
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def ascii_digits(text: str) -> str:
    """``text`` with the decimal digits of every script written as ASCII digits
    (``"٨١١٢١٨-٩٨٧٦"`` is ``"811218-9876"``)."""
    return text if text.isascii() else _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def parted_form(text: str) -> str:
    """``text`` (a match of ``LETTER_PARTED``) as the readers' form: ``-`` for the letters."""
    return f"{text[:-4].rstrip(string.ascii_letters)}-{text[-4:]}"


def _valid_parted(match: re.Match) -> bool:
    return aged_number(parted_form(match.group()), _ref_date(None))


def _dated_masked(match: re.Match) -> bool:
    return aged_number(match.group(1) + match.group(2) + "0", _ref_date(None), check_digit=False)


#: What a message or reject shows instead of a value shaped like an identity number.
HIDDEN_NUMBER = "<personnummer: hidden>"


#: A character that rules a value out as an identity number at once (most pseudonyms have one).
NOT_A_NUMBER = "[A-Za-z_]"


#: Letters (and a mark) written before a number in an id: ``P``, ``SE``, ``pnr:``.
LETTER_PREFIX = r"^[A-Za-z]{1,12}[-_ /.:]? *"
#: ... and a value made of one and digits (with spaces, ``-`` or ``+``) alone.
_PREFIXED_DIGITS = LETTER_PREFIX + r"[0-9][0-9 +-]{9,16}$"


def identity_number_cells(values: pd.Series, as_of, *, prefixed: bool = False) -> np.ndarray:
    """Return, for each cell of ``values``, whether it is as a whole a valid identity number.

    Valid as for :func:`is_valid_personnummer` (10 or 12 digits, with or without
    ``-``/``+`` and spaces; a real date, or day + 60, and the check digit), judged once
    per distinct value. A cell with other characters around the number (a hex
    pseudonym that holds ten digits in a row) is not one; a missing cell is not.
    ``prefixed=True`` also takes a number behind letters (``LETTER_PREFIX``:
    ``"P198112189876"``, ``"pnr: 811218-9876"``), as a pseudonym column must not hold
    them: a pseudonym's hex digits never fill what follows its letters.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from ._pseudonyms import _check_digits, _distinct_text

    codes, texts = _distinct_text(values)
    # a letter or '_' rules a value out at once (most pseudonyms): checked are the others
    ruled_out = pc.match_substring_regex(texts, NOT_A_NUMBER).fill_null(True).to_numpy(zero_copy_only=False)
    maybe = np.flatnonzero(~ruled_out)
    candidates = texts.take(pa.array(maybe))
    if prefixed and ruled_out.any():
        lettered = pc.match_substring_regex(texts, _PREFIXED_DIGITS).fill_null(False).to_numpy(zero_copy_only=False)
        lettered = np.flatnonzero(lettered)
        rest = pc.replace_substring_regex(texts.take(pa.array(lettered)), LETTER_PREFIX, "", max_replacements=1)
        maybe = np.concatenate([maybe, lettered])
        candidates = pa.concat_arrays([candidates, rest])
    valid = np.zeros(len(texts) + 1, dtype=bool)  # the last slot: a missing cell (code -1)
    valid[maybe[_check_digits(candidates, _ref_date(as_of))[0]]] = True
    return valid[codes]


def looks_like_identity_number(text) -> bool:
    """Return whether ``text`` holds a digit run that :func:`redact_numbers` would hide.

    Valid or not (a number with a typo is still a number), with or without ``-``/``+``
    (or a typeset dash) and spaces of any kind: ``"8112189876"``, ``"19811218-9876"``,
    ``"8112 18 9876"``, ``"811218–9876"``; with ``/``, ``.``, ``_``, ``:`` or ``,``, or
    written as a date with marks between its parts (``"1981-12-18-9876"``), or with one or
    two letters before the last four (``"811218T9876"``), only when valid; with the check
    digit written as ``X``, ``*``, ``?`` or ``#`` (``"811218-987X"``), when its date is one;
    these last two only of a holder of 12 to 110 (:data:`PLAUSIBLE_AGES`) today.
    Fullwidth digits and characters of no width count as :func:`visible_text` reads
    them, the digits of other scripts as :func:`ascii_digits` does. Short digit runs such
    as a municipality code (``"0180"``) do not count.
    """
    text = ascii_digits(visible_text(str(text)))
    return (_NUMBER_RUN.search(text) is not None or any(_valid_loose(m) for m in _LOOSE_RUN.finditer(text))
            or any(_valid_dated(m) for m in _DATED_RUN.finditer(text))
            or any(_valid_parted(m) for m in LETTER_PARTED.finditer(text))
            or any(_dated_masked(m) for m in _MASKED_RUN.finditer(text)))


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
        The text (as :func:`visible_text` reads it) with each run of 6-8 digits, an
        optional ``-``/``+`` or typeset dash and 4 digits (spaces of any kind between
        them allowed) replaced by ``<personnummer: hidden>`` (valid or not: a number
        with a typo is still a number), and each such run with ``/``, ``.``, ``_``, ``:``
        or ``,`` before the last four, or written as a date with marks between its parts
        (``1981-12-18-9876``, ``811218--9876``), or with one or two letters before the last
        four (``811218T9876``), that is a valid number, and each run whose check digit is
        written as ``X``, ``*``, ``?`` or ``#`` (``811218-987X``: the other nine give it)
        whose date is one, these two of a holder of 12 to 110 today; then shortened.
        Digits of other scripts (Arabic-Indic ...) are read, and shown, as ASCII digits.

    Notes
    -----
    Redaction runs before shortening, so a number cut by the limit is never half shown.
    Long digit runs (account numbers, ids of 10+ digits) are hidden too: in a message
    that is the safe side.
    """
    s = _NUMBER_RUN.sub(HIDDEN_NUMBER, ascii_digits(visible_text(str(text))))
    s = _LOOSE_RUN.sub(lambda m: HIDDEN_NUMBER if _valid_loose(m) else m.group(), s)
    s = _DATED_RUN.sub(lambda m: HIDDEN_NUMBER if _valid_dated(m) else m.group(), s)
    s = LETTER_PARTED.sub(lambda m: HIDDEN_NUMBER if _valid_parted(m) else m.group(), s)
    s = _MASKED_RUN.sub(lambda m: HIDDEN_NUMBER if _dated_masked(m) else m.group(), s)
    if limit is not None and len(s) > limit:
        s = s[:limit] + f"… ({len(s)} characters)"
    return s
