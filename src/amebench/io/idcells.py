"""Personal identity numbers in a file's cells: which cells hold one, and the reasons rows are rejected with.

A participant's number typed or pasted into the wrong column (an episode id, an amount, a
pseudonym column) must never load (DESIGN.md §6). :func:`identity_column` checks a pseudonym column
(``person_id``, ``household_id``) the profile maps; :func:`number_inside` finds a number
anywhere in a free-text cell (an episode id), :func:`identity_amounts` an amount that is one;
:func:`looks_like_numbers` tells a column whose values are mostly identity numbers. Split
from :mod:`amebench.io.convert`, which calls them for each file.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import privacy
from ..exceptions import KeyMissingError, ProfileError
from .amounts import _used_bytes
from .parse import arrow_strings, as_ids
from .profile import Profile
from .rejects import FileState

__all__ = ["ID_COLUMNS", "NUMBER_IN_COLUMN", "LONG_HINT", "TYPO_IN_COLUMN", "CHECK_DIGIT_WRONG", "VALID", "IN_LONG_RUN",
           "column_mode", "digit_counts", "early_identity", "identity_amounts", "identity_column",
           "looks_like_numbers", "number_inside", "usual_shape"]

#: The pseudonym columns of a file (an identity number there is rejected, never kept).
ID_COLUMNS = ("person_id", "household_id")

_GUARD_SAMPLE = 200  # distinct values looked at by the raw-number guard


def looks_like_numbers(values: pd.Series, as_of, units: pd.Categorical | None = None, *,
                        prefixed: bool = False) -> bool:
    """Return whether most distinct values are valid identity numbers (they must not be kept);
    ``prefixed``: also behind letters (``"P198112189876"``, a pseudonym column's guard).

    Judged per unit when ``units`` holds several (a frame of ``Network.from_frames``): one
    unit's raw numbers are not outvoted by the pseudonyms of the others. The first
    ``_GUARD_SAMPLE`` distinct values of each unit, in the order they appear, are looked at.
    """
    def valid(sample) -> np.ndarray:
        return privacy.identity_number_cells(pd.Series(np.asarray(sample, dtype=object), dtype="str"), as_of,
                                             prefixed=prefixed)

    if units is None or len(units.categories) < 2:
        sample = pd.unique(values.dropna())[:_GUARD_SAMPLE]
        return bool(len(sample)) and valid(sample).mean() > 0.5
    if isinstance(values.dtype, pd.CategoricalDtype):  # the codes number the distinct values already
        codes, distinct = values.cat.codes.to_numpy(), values.cat.categories
        present = codes >= 0
        codes = codes[present]
    else:
        present = values.notna().to_numpy()
        codes, distinct = pd.factorize(values[present])
    width = max(len(distinct), 1)
    pairs = pd.unique(units.codes[present].astype(np.int64) * width + codes)  # distinct (unit, value), in order
    pairs = pd.DataFrame({"unit": pairs // width, "value": pairs % width})
    sample = pairs[pairs.groupby("unit", sort=False).cumcount() < _GUARD_SAMPLE]
    share = pd.Series(valid(distinct[sample["value"].to_numpy()]), index=sample.index).groupby(sample["unit"]).mean()
    return bool((share > 0.5).any())


def early_identity(text: dict, present: dict, profile: Profile, key, as_of, memo) -> dict:
    """Pseudonymise raw identity numbers ahead of the other columns when nothing can stop it.

    Only with a known ``as_of`` and a key; errors (a missing key, pseudonyms that look
    like raw numbers) are left to :func:`identity_column`, in their place.
    """
    out = {}
    if as_of is None or key is None:
        return out
    for column in ID_COLUMNS:
        if column in text and column_mode(profile, column) == "personnummer":
            out[column] = privacy.pseudonymise_column(text[column].where(present[column], None), key, as_of, memo=memo)
    return out


#: The reason a cell that holds a personal identity number is rejected with, in a column
#: for none (an episode id, an amount).
NUMBER_IN_COLUMN = "holds what looks like a personal identity number; it must not be kept in this column"


#: ... and what it adds for a number at an end of a long run of digits in an id of the unit's
#: usual shape: of random ids of 11 to 30 digits 1.2 % to 2.8 % do (20,000 each, as_of 2026-09-30).
LONG_HINT = (" (its first or last 10 or 12 digits; the unit's ids are long numbers like it, and 1 to 3 in 100 "
              "such ids hold a valid number by chance: export case numbers with a letter among the digits, or "
              "shorter ones)")


#: ... and one that would be, but for its check digit (a typo leaves the person's number).
TYPO_IN_COLUMN = ("holds what looks like a personal identity number with a wrong check digit (a typo still "
                   "leaves the person's number); it must not be kept in this column")


#: The reason a pseudonym cell that is a personal identity number is rejected with.
_RAW_NUMBER = "is a personal identity number, not a pseudonym; it must not be kept"


#: ... and what it adds when most of the unit's other values in the column have no letter:
#: about 0.7 % of random 10-digit numbers are valid identity numbers (0.722 % of 10^6
#: uniform ones, as_of 2024-12-31), so numeric pseudonyms lose rows.
_NUMERIC_HINT = (" (the column's other ids are numbers too: a numeric pseudonym can be a valid number by chance; "
                 "pseudonyms with a letter among the digits are never taken for one)")


def _numeric_units(text: pd.Series, others: np.ndarray, units: pd.Categorical) -> np.ndarray:
    """For each row, whether most distinct values among ``others`` of the row's unit have
    no letter (the rule :func:`amebench.privacy.identity_number_cells` rules values out by)."""
    import pyarrow.compute as pc

    from .._pseudonyms import _distinct_text

    codes, texts = _distinct_text(text.where(others, None))
    numeric = ~pc.match_substring_regex(texts, privacy.NOT_A_NUMBER).to_numpy(zero_copy_only=False)
    pairs = pd.DataFrame({"unit": units.codes, "value": codes})[codes >= 0].drop_duplicates()
    share = pd.Series(numeric[pairs["value"].to_numpy()], index=pairs.index).groupby(pairs["unit"]).mean()
    mostly = share.reindex(np.arange(len(units.categories)), fill_value=0.0).to_numpy() > 0.5
    return np.append(mostly, False)[units.codes]  # a row without a unit (code -1): the plain reason


def usual_shape(text: pd.Series, present: np.ndarray, units: pd.Categorical) -> np.ndarray:
    """For each row, whether its value has the shape of most of its unit's values, or of at
    least five and a tenth of them (digits written 9, letters A: ``yymmdd-nnnn`` is
    ``999999-9999``, ``JAR-900002`` is ``AAA-999999``).

    A number with a wrong check digit in an id of the unit's own shape may be its scheme (a
    date and a counter, a 10-digit serial number); in an id of another shape
    (``JAR-811218-9875`` among ``JAR-900002``, ``195703123028`` among 6-digit numbers) it is
    more likely a person's number typed into the id.
    """
    if isinstance(text.dtype, pd.CategoricalDtype):  # once per distinct value
        codes, values = text.cat.codes.to_numpy(), pd.Series(text.cat.categories, dtype="string")
    else:
        codes, uniques = pd.factorize(text.astype("string"))
        values = pd.Series(uniques, dtype="string")
    shapes = values.str.replace(r"[0-9]", "9", regex=True).str.replace(r"[^\W\d_]", "A", regex=True)
    shape_codes = np.append(pd.factorize(shapes)[0], -1)[codes]  # a missing value (code -1): no shape
    rows = pd.DataFrame({"unit": units.codes, "shape": shape_codes})[present & (codes >= 0)]
    counts = rows.groupby(["unit", "shape"]).size()
    share = counts / counts.groupby(level="unit").transform("sum")
    # most of the unit's ids, or a scheme of its own beside another (five ids and a tenth)
    usual = pd.MultiIndex.from_frame(share[(share > 0.5) | ((counts >= 5) & (share >= 0.1))]
                                     .reset_index()[["unit", "shape"]])
    return pd.MultiIndex.from_arrays([units.codes, shape_codes]).isin(usual) & present


def identity_column(st: FileState, column: str, text: pd.Series, present, mode: str, key, as_of, memo=None, early=None):
    """Validate and pseudonymise raw numbers (mode personnummer); return (pseudonyms as a Categorical, birth years).

    ``early``: what :func:`early_identity` computed for this column, if anything.
    """
    if mode == "pseudonym":
        if looks_like_numbers(text.where(present, None), as_of, st.units(), prefixed=True):
            plain = looks_like_numbers(text.where(present, None), as_of, st.units())
            behind, fix = ("", "") if plain else (" behind letters (P..., pnr: ...)",
                                                  "export the numbers without the letters and ")
            exc = ProfileError(
                f"{st.label}: column {st.header(column)} looks like raw identity numbers{behind}, but the profile "
                f'says {column} = "pseudonym"; {fix}set {column} = "personnummer" under [profile]'
            )
            exc.raw_numbers = column  # for callers without a profile, who word the fix otherwise
            exc.behind_letters = not plain
            raise exc
        # a few raw numbers among the pseudonyms: rejected, never kept
        numbers = present & privacy.identity_number_cells(text, as_of, prefixed=True)
        if numbers.any():
            units = st.units()
            own = np.isin(units.codes, units.codes[numbers])  # the other values of the units with a number
            numeric = _numeric_units(text, present & ~numbers & own, units)
            st.add(numbers & ~numeric, column, text, _RAW_NUMBER)
            st.add(numbers & numeric, column, text, _RAW_NUMBER + _NUMERIC_HINT)
        return as_ids(text, present), None
    if key is None:
        raise KeyMissingError(
            f"{st.label}: column {st.header(column)} is read as identity numbers (personnummer) but no "
            "pseudonymisation key was given; " + privacy._KEY_HELP
        )
    if early is None:
        early = privacy.pseudonymise_column(text.where(present, None), key, as_of, memo=memo)
    ids, why, years = early
    st.add(why.notna().to_numpy(), column, why, "invalid identity number")
    return ids, years


# A 10- or 12-digit number (with a separator or none before the last four, and spaces of
# any kind between the digits, as redaction hides it) not glued to other digits, anywhere
# in a cell. Zero-width matches: every start is tried, so "1 811218 9876" also yields
# "811218 9876".
_CANDIDATES = tuple(re.compile(rf"(?<![0-9])(?=([0-9](?:\s*[0-9]){{{head - 1}}}\s*"
                               rf"(?:{privacy._SEPARATOR}|{privacy._LOOSE_SEPARATOR})?\s*"
                               rf"[0-9](?:\s*[0-9]){{3}})(?![0-9]))")
                    for head in (8, 6))


#: '/', '.', '_', ':' or ',' before the last four digits of a number in an episode id: read as '-'
_AS_HYPHEN = str.maketrans(dict.fromkeys("/._:,", "-"))


#: A cell that may hold a number: a digit run with any separator, or any non-ASCII character
#: (fullwidth digits, characters of no width: :func:`amebench.privacy.visible_text`).
_MAYBE_NUMBER = (f"{privacy._NUMBER_RUN.pattern}|{privacy._LOOSE_RUN.pattern}|{privacy._DATED_RUN.pattern}"
                 f"|{privacy.LETTER_PARTED.pattern}|[0-9]{{3}}[Xx*?#]|[^\\x00-\\x7f]")


#: A run of 11 digits or more: a number with a counter after it (12 + 3 is 15: session 45's
#: note; 12 + 5 is 17: a diff review) or a year before it. Only its ends are checked.
_LONG_RUN = r"(?<![0-9])([0-9]{11,})(?![0-9])"


#: No monthly payment comes near this (SEK); a whole amount from it on has 10 digits or more
#: and is looked at as a possible identity number.
_NUMBER_SIZED_AMOUNT = 1e9


def identity_amounts(values, as_of) -> np.ndarray:
    """True for amounts whose whole-number digits are a valid identity number (a column mixed up)."""
    values = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        large = np.flatnonzero((values >= _NUMBER_SIZED_AMOUNT) & (values == np.floor(values)))
    out = np.zeros(len(values), dtype=bool)
    if len(large):
        digits = pd.Series([f"{v:.0f}" for v in values[large]], dtype="str")
        out[large] = privacy.identity_number_cells(digits, as_of if as_of is not None else pd.Timestamp.today())
    return out


def column_mode(profile: Profile, column: str) -> str:
    return profile.person_id if column == "person_id" else profile.household_id


def _ten_digits_or_wide(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells with ten digits or more, or a character beyond ASCII (a fullwidth digit): the
    only ones that can hold a number (the patterns are costlier); the ASCII digits of each;
    and the cells beyond ASCII."""
    import pyarrow.compute as pc

    arrow = arrow_strings(text)
    wide = pc.fill_null(pc.invert(pc.string_is_ascii(arrow)), False).to_numpy(zero_copy_only=False)
    counts = digit_counts(arrow)
    return (counts >= 10) | wide, counts, wide


def digit_counts(arrow) -> np.ndarray:
    """ASCII digits per cell, from the bytes (a regex count took 0.9 s for 2M ids): a running
    count of digit bytes, read at each cell's end and start."""
    import pyarrow.compute as pc

    lengths = pc.fill_null(pc.binary_length(arrow), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    if not (lengths >= 10).any():  # fewer bytes, fewer digits (a common case: short ids)
        return np.zeros(len(lengths), dtype=np.int64)
    data = np.frombuffer(_used_bytes(arrow), dtype=np.uint8)
    running = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum((data >= ord("0")) & (data <= ord("9")), out=running[1:])
    ends = np.cumsum(lengths)
    return running[ends] - running[ends - lengths]


#: What :func:`number_inside` finds in a cell: no number, a number whose check digit alone
#: is wrong, a valid number, a valid number at an end of a run of 11 digits or more.
CHECK_DIGIT_WRONG, VALID, IN_LONG_RUN = 1, 2, 3


def number_inside(text: pd.Series, present: np.ndarray, as_of) -> np.ndarray:
    """Return, for each cell, ``VALID`` when it contains a participant's valid identity number
    (e.g. ``"811218-9876-2"``, ``"E 8112 18 9876"``, ``"JAR 811218–9876"``, ``"811218/9876"``,
    ``"1981-12-18-9876"``; and, of a holder of 12 to 110, ``"811218T9876"``, ``"811218-987X"``,
    Arabic-Indic digits), ``CHECK_DIGIT_WRONG`` when it contains one but for the check
    digit (``"E 811218-9875"``), ``IN_LONG_RUN`` when a run of 11 digits or more begins or
    ends with one (:func:`_long_run_numbers`), and 0 otherwise (a missing cell too).

    Only the episode id is checked cell by cell: a case number built from the person's
    number would carry it into every output. Pseudonym columns are checked as a whole
    (:func:`looks_like_numbers`): a random hex key often holds 10 digits in a row.
    """
    if isinstance(text.dtype, pd.CategoricalDtype):  # once per distinct value
        per = number_inside(pd.Series(text.cat.categories), np.ones(len(text.cat.categories), dtype=bool), as_of)
        return np.where(present, np.append(per, 0)[text.cat.codes.to_numpy()], 0).astype(np.int8)
    out = np.zeros(len(text), dtype=np.int8)
    maybe, counts, wide = _ten_digits_or_wide(text)
    maybe &= present
    nine = present & ~maybe & (counts == 9)  # a number whose check digit is written as X ("811218-987X")
    if nine.any():
        nine[nine] = text[nine].astype("string").str.contains("[0-9]{3}[Xx*?#]", regex=True).to_numpy(dtype=bool)
        maybe |= nine
    digits = maybe.copy()  # of the cells the prefilter kept, those of 10 or 12 digits alone
    digits[maybe] = text[maybe].astype("string").str.fullmatch(r"[0-9]{10}|[0-9]{12}").fillna(False).to_numpy(bool)
    if digits.any():  # numeric ids (a serial number per episode): all at once, not a pattern each
        out[digits] = _plain_numbers(text[digits], as_of)
        maybe &= ~digits
    # a letter prefix and 10 or 12 digits ("AME-2024000123"): the digits are the only candidate
    prefixed = text[maybe].astype("string").str.extract(_PREFIXED_NUMBER, expand=False)
    found = prefixed.notna().to_numpy(dtype=bool)
    if found.any():
        rows = np.flatnonzero(maybe)[found]
        out[rows] = _plain_numbers(prefixed[found].astype(str), as_of)
        maybe[rows] = False
    maybe[maybe] = text[maybe].str.contains(_MAYBE_NUMBER, regex=True).to_numpy(dtype=bool)
    ref = (pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today()).date()
    for pos in np.flatnonzero(maybe):
        cell = privacy.ascii_digits(privacy.visible_text(text.iloc[pos]))
        candidates = [m.group(1).translate(_AS_HYPHEN) for rx in _CANDIDATES for m in rx.finditer(cell)]
        candidates += [privacy.dated_form(m.group()) for m in privacy._DATED_RUN.finditer(cell)]
        found = [_participants_number(c, as_of, typo=_WRITTEN_AS_NUMBER.fullmatch(c) is not None) for c in candidates]
        # letters before the last four ("811218T9876"), a check digit written as X ("811218-987X"):
        # valid (of a date) and of a plausible age only, as a scheme of dates and counters may write them
        found += [VALID * privacy.aged_number(privacy.parted_form(m.group()), ref)
                  for m in privacy.LETTER_PARTED.finditer(cell)]
        found += [VALID * privacy.aged_number(m.group(1) + m.group(2) + "0", ref, check_digit=False)
                  for m in privacy._MASKED_RUN.finditer(cell)]
        out[pos] = max(found, default=0)
    long = np.flatnonzero(present & (out == 0) & (counts >= 11))
    if len(long):
        out[long] = _long_run_numbers(text.iloc[long], as_of)
    other = np.flatnonzero(present & (out == 0) & wide)
    other = other[_all_digit_counts(text.iloc[other]) >= 11] if len(other) else other
    if len(other):  # a long run in the digits of another script ("١٩٨١١٢١٨٩٨٧٦٠١"): read in ASCII ones
        ascii = [privacy.ascii_digits(privacy.visible_text(text.iloc[pos])) for pos in other]
        out[other] = _long_run_numbers(pd.Series(ascii, dtype=object), as_of)
    return out


def _all_digit_counts(text: pd.Series) -> np.ndarray:
    """Decimal digits of every script (Arabic-Indic, fullwidth ...) per cell."""
    import pyarrow.compute as pc

    digits = pc.count_substring_regex(arrow_strings(text), r"\p{Nd}")
    return pc.fill_null(digits, 0).to_numpy(zero_copy_only=False)


def _aged_numbers(cells: pd.Series, as_of) -> np.ndarray:
    """:func:`amebench.privacy.aged_number` of cells of exactly 10 or 12 digits, vectorised."""
    from .._pseudonyms import _check_digits

    ref = (pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today()).normalize()
    good, digits, _ = _check_digits(arrow_strings(cells), ref.date())
    out = np.zeros(len(cells), dtype=bool)
    if len(good):
        d = digits.astype(np.int64) - 48
        day = d[:, 6] * 10 + d[:, 7]
        born = pd.to_datetime(pd.DataFrame({
            "year": d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3], "month": d[:, 4] * 10 + d[:, 5],
            "day": np.where(day > privacy.COORDINATION_DAY_OFFSET, day - privacy.COORDINATION_DAY_OFFSET, day)}))
        young, old = privacy.PLAUSIBLE_AGES
        aged = (born <= ref - pd.DateOffset(years=young)) & (born > ref - pd.DateOffset(years=old + 1))
        out[good[aged.to_numpy()]] = True
    return out


def _long_run_numbers(cells: pd.Series, as_of) -> np.ndarray:
    """``IN_LONG_RUN`` for each cell whose first run of 11 digits or more begins or ends with a valid
    number that may be a participant's (10 digits, or 12 with the century): a number with a
    counter after it (``"811218987601"``) or a year before it (``"2024811218 9876"`` is no
    such run; ``"20248112189876"`` is); else 0. Valid, and of a holder of 12 to 110 at
    ``as_of``, only, and not in a run that begins with a date of the last 12 years: a recent
    date and a counter (``"24011500012"``, ``"19110300002"``) is none, and a serial number's
    leading zeros never are (month 00); of random digits about 0.7 % of 10 are a valid number."""
    values = cells.astype("string[pyarrow]").reset_index(drop=True)
    runs = values.where(values.str.fullmatch("[0-9]{11,}").fillna(False))  # the usual case, in pyarrow
    rest = np.flatnonzero(runs.isna().to_numpy() & values.notna().to_numpy())
    if len(rest):  # digits among other characters: Python's re (look-behind)
        runs.iloc[rest] = values.iloc[rest].astype(object).str.extract(_LONG_RUN, expand=False)
    found = np.flatnonzero(runs.notna().to_numpy(dtype=bool))
    out = np.zeros(len(cells), dtype=np.int8)
    if not len(found):
        return out
    runs = runs.iloc[found].reset_index(drop=True)
    # a case number of a date and a counter: its shifted windows are numbers by chance (one in ten)
    ref = (pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today()).normalize()
    since = int((ref - pd.DateOffset(years=privacy.PLAUSIBLE_AGES[0])).strftime("%Y%m%d"))
    until = int((ref + pd.DateOffset(years=1)).strftime("%Y%m%d"))

    def recent(day: np.ndarray) -> np.ndarray:  # YYYYMMDD as a number: a date of the last 12 years?
        month, dom = day // 100 % 100, day % 100
        return (month >= 1) & (month <= 12) & (dom >= 1) & (dom <= 31) & (day > since) & (day <= until)

    heads = [pd.to_numeric(runs.str[:width]).to_numpy(dtype=np.int64) for width in (6, 8)]
    dated = recent(20_000_000 + heads[0]) | recent(heads[1])
    found, runs = found[~dated], runs[~dated].reset_index(drop=True)
    hit = _aged_numbers(runs.str[:10], as_of) | _aged_numbers(runs.str[-10:], as_of)
    twelve = np.flatnonzero(runs.str.len().to_numpy() >= 12)
    if len(twelve):
        longer = runs.iloc[twelve]
        hit[twelve] |= _aged_numbers(longer.str[:12], as_of) | _aged_numbers(longer.str[-12:], as_of)
    out[found[hit]] = IN_LONG_RUN
    return out


#: An episode id of ASCII letters, at most one mark, and 10 or 12 digits: the digits.
_PREFIXED_NUMBER = r"^[A-Za-z]{1,12}[-_ /.:]?([0-9]{10}|[0-9]{12})$"


def _plain_numbers(cells: pd.Series, as_of) -> np.ndarray:
    """:func:`_participants_number` of cells of exactly 10 or 12 digits, vectorised (their
    only candidate is the cell itself): ``VALID``, ``CHECK_DIGIT_WRONG`` or 0."""
    from .._pseudonyms import _CHECK, _check_digits

    import pyarrow as pa
    import pyarrow.compute as pc

    ref = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    texts = arrow_strings(cells)
    _, _, why = _check_digits(texts, ref.date())
    out = np.where(why == 0, VALID, np.where(why == _CHECK, CHECK_DIGIT_WRONG, 0)).astype(np.int8)
    twelve = np.flatnonzero((out > 0) & (pc.binary_length(texts).to_numpy(zero_copy_only=False) == 12))
    if len(twelve):  # a date with its century: a participant is 12 or older (_YOUNGEST_PARTICIPANT)
        dated = texts.take(pa.array(twelve))

        def part(start, stop):
            return pc.cast(pc.utf8_slice_codeunits(dated, start, stop), pa.int64()).to_numpy()

        day = part(6, 8)  # a samordningsnummer's day + 60
        day = np.where(day > privacy.COORDINATION_DAY_OFFSET, day - privacy.COORDINATION_DAY_OFFSET, day)
        born = pd.to_datetime(pd.DataFrame({"year": part(0, 4), "month": part(4, 6), "day": day}))
        out[twelve[(born > ref - pd.DateOffset(years=_YOUNGEST_PARTICIPANT)).to_numpy()]] = 0
    return out


#: A number written as one (no space inside its parts): with a wrong check digit it is still
#: taken for one; a digit run with spaces elsewhere ("070 123 45 67") only when valid.
_WRITTEN_AS_NUMBER = re.compile("(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}")


#: Age at ``as_of`` under which a valid number written with its century (12 digits) in an
#: episode id is not taken for a participant's: below any age a labour-market unit takes
#: (the municipal activity duty, KAA, from 16; summer jobs, feriepraktik, from about 14).
#: Such numbers are dates with a counter: "20231101_0009" has a valid check digit, as one
#: such id in ten has; an id of a date 12 years back or more is still rejected so. A
#: 10-digit number's century is a guess (121212-1212 is of 1912 or 2012): always taken for one.
_YOUNGEST_PARTICIPANT = 12


def _participants_number(text: str, as_of, *, typo: bool = True) -> int:
    """Return ``VALID`` when ``text`` is a valid identity number that may be a participant's
    (of someone at least ``_YOUNGEST_PARTICIPANT`` years old at ``as_of``, or without its
    century), ``CHECK_DIGIT_WRONG`` when it would be but for its check digit (and ``typo``),
    else 0."""
    ref = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    normalised, _ = privacy._check(text, ref.date(), check_digit=False)
    if normalised is None:
        return 0
    if sum(ch.isdigit() for ch in text) == 12:
        if pd.Timestamp(privacy.birth_date(normalised)) > ref - pd.DateOffset(years=_YOUNGEST_PARTICIPANT):
            return 0
    if privacy._luhn_ok(normalised[2:]):
        return VALID
    return CHECK_DIGIT_WRONG if typo else 0
