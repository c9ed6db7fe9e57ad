"""Turn one file's text cells into canonical columns through its profile, and check its rows.

The checks are those of docs/profiles.md ("What is rejected"). Checks that need other
files (unknown episode, unknown person), and the rules on a whole episodes file, are in
:mod:`amebench.io.rules`.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .. import _threads, privacy, schema
from ..exceptions import KeyMissingError, ProfileError, ReadWarning, UnmappedCodeError, warn_caller
from ..privacy import redact_numbers
from .amounts import (_used_bytes, ambiguous_amounts, clean_amounts, misplaced_thousands, numeric_amounts, read_amounts,
                      three_decimals)
from .cells import is_numbers, text_of_rows
from .parse import (
    arrow_strings,
    arrow_text,
    as_ids,
    as_strings,
    map_codes,
    missing_mask,
    parse_booleans,
    parse_dates,
    parse_integers,
    parse_months,
    trim_coded,
)
from .profile import BOOLEAN_COLUMNS, Profile, TableProfile
from .csvtext import SUMMARY as _SUMMARY
from .readers import SEARCH_ROWS, RawTable, _clean_headers, headers_on_sheet, names_text, sheet_hint
from .rejects import _NUMBER_SHAPE, HIDDEN, FileState
from .rules import activity_rules, episode_rules, fill_unknown

__all__ = ["convert"]

_ID_COLUMNS = ("person_id", "household_id")
#: Why a negative amount is rejected, and what to do (the welfare metrics sum payments).
NEGATIVE_AMOUNT = ("amount is negative: net a correction or a repayment (återkrav) into the month's payment "
                   "before the export, or the payment it corrects counts in full")


#: An empty header made unique by readers._unique (" (2)", " (3)" ...).
_EMPTY_REPEATED = re.compile(r" \(\d+\)'*")


def _headers_text(headers) -> str:
    """The file's headers for a message: identity-shaped digit runs hidden, at most 400
    characters, an empty header as '' however often it appears."""
    return names_text(["" if _EMPTY_REPEATED.fullmatch(h) else h for h in map(str, headers)])


def _header_hint(raw: RawTable, tp: TableProfile, wanted=()) -> str:
    """Say why the mapped headers (``wanted``) may be missing: a wrong delimiter, a title row
    (the line that holds them all), another sheet."""
    headers = [h for h in raw.frame.columns if h]
    if any(m in h for h in headers for m in ("Ã", "Â")) and tp.fmt.get("encoding") != "auto":
        return '; the headers look like UTF-8 read as cp1252: set encoding = "auto" (or "utf-8") in the profile'
    wanted = set(wanted)
    if wanted:
        rows = raw.search or zip(raw.lines, raw.frame.head(SEARCH_ROWS).itertuples(index=False))
        for line, row in rows:
            if wanted <= set(_clean_headers(v for v in row if isinstance(v, str))):
                return (f"; {raw.where} {int(line)} holds every mapped header: set header_row = {int(line)} "
                        "in the profile")
    header_row = tp.fmt.get("header_row", 1)
    if wanted and raw.sheets and raw.path is not None:  # the mapped headers on another sheet
        found = headers_on_sheet(raw.path, raw.sheets, raw.sheet, wanted, header_row)
        if found:
            name, row = found
            shown = json.dumps(redact_numbers(name, limit=80), ensure_ascii=False)
            at = f" and header_row = {row}" if row != header_row else ""
            return (f"; they are on sheet {shown} (row {row}) of the workbook: set sheet = {shown}{at} under "
                    f"[{tp.table}] in the profile (a sheet under [format] applies to every table)")
    if wanted and header_row > 1 and len(headers) > 1 and not wanted & set(headers):
        return (f"; no mapped header is on {raw.where} {header_row}: if the header is above it, set header_row to "
                f"its {raw.where}" + sheet_hint(raw.sheets, raw.sheet, raw.sheet_named))
    hint = ""
    if len(headers) <= 1:
        for d in (";", ",", "\t", "|"):
            if headers and d != tp.fmt.get("delimiter") and d in headers[0]:
                return f"; the header looks {d!r}-delimited: set delimiter = {d!r} in the profile"
        hint = (f"; if the header is not on {raw.where} {header_row}, set header_row in the "
                "profile")
    return hint + sheet_hint(raw.sheets, raw.sheet, raw.sheet_named)


def _absent_text(mapping: dict, headers, tp: TableProfile) -> str:
    """Each mapped header the file lacks, with its profile key and the nearest unmapped header."""
    unmapped = [h for h in headers if h and h not in mapping.values()]
    parts = []
    for column, header in mapping.items():
        if header in headers:
            continue
        near = [h for h in unmapped if h.casefold() == header.casefold()]  # headers are matched exactly
        near = near or difflib.get_close_matches(header, unmapped, n=1, cutoff=0.75)
        hint = f"; did you mean {names_text(near[0])}?" if near else ""
        parts.append(f"{names_text(header)} ([{tp.table}.columns] {column}{hint})")
    return ", ".join(parts)


def _column_map(raw: RawTable, tp: TableProfile, source: str) -> dict[str, str]:
    headers = list(raw.frame.columns)
    spec = schema.TABLES[tp.table]
    if tp.columns is None:
        mapping = {c: c for c in spec.columns if c != "unit" and c in headers and c not in tp.constants}
    else:
        mapping = dict(tp.columns)
        if any(h not in headers for h in mapping.values()):
            raise ProfileError(
                f"{raw.label}: the profile {source} maps header(s) {_absent_text(mapping, headers, tp)} "
                f"that the file does not have; the file's headers ({raw.where} {tp.fmt['header_row']}) are "
                f"{_headers_text(headers)}{_header_hint(raw, tp, mapping.values())}"
            )
    twice = {h: raw.duplicates[h] for h in mapping.values() if h in raw.duplicates}
    if twice:
        h, cols = next(iter(twice.items()))
        raise ProfileError(
            f"{raw.label}: the header {h!r} appears {len(cols)} times (columns {cols}); the profile maps it "
            "(to " + ", ".join(c for c, v in mapping.items() if v == h) + "), so which column is meant is "
            "ambiguous: rename or remove the extra column in the export"
        )
    given = set(mapping) | set(tp.constants)
    required = [c for c in spec.required if c != "unit"]
    if tp.table == "payments" and not given & set(_ID_COLUMNS):
        required.append("person_id or household_id")
    lacking = [c for c in required if c not in given]
    if lacking:
        raise ProfileError(
            f"{raw.label}: required column(s) {lacking} of table {tp.table!r} are neither mapped in "
            f"[{tp.table}.columns] nor set in [{tp.table}.constants]; the file's headers "
            f"({raw.where} {tp.fmt['header_row']}) are {_headers_text(headers)}{_header_hint(raw, tp)}"
        )
    return mapping


#: Lines of an unmapped code named in the error, at most.
_LINES_SHOWN = 3


def _first_lines(values: pd.Series, rows: np.ndarray, lines: np.ndarray, short=frozenset()) -> tuple[dict, set]:
    """The first input lines of each value among ``rows`` (at most ``_LINES_SHOWN``), and the
    values found only on the lines ``short`` (rows with fewer fields than the header)."""
    pos = np.flatnonzero(rows)
    table = pd.DataFrame({"value": values.iloc[pos].astype(str).to_numpy(), "line": np.asarray(lines)[pos]})
    by_value = table.groupby("value", sort=False)["line"]
    first = by_value.apply(lambda s: sorted(s)[:_LINES_SHOWN]).to_dict()
    if not short:
        return first, set()
    only = by_value.apply(lambda s: bool(np.isin(s.to_numpy(), list(short)).all()))
    return first, set(only.index[only.to_numpy(dtype=bool)])


def _lines_text(lines) -> str:
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(str(int(x)) for x in lines)


def _unmapped_error(label: str, profile: Profile, table: str, unmapped: dict,
                    where: dict | None = None, shifted: dict | None = None) -> UnmappedCodeError:
    """The error listing each unmapped code with its rows (and, with ``where``, its first lines;
    ``shifted``: column -> the values found only on rows with fewer fields than the header,
    which may belong to another column)."""
    lines = []
    total = shifted_total = 0
    for column, values in unmapped.items():
        target = "true or false" if column in BOOLEAN_COLUMNS else f"one of {list(schema.CODE_LISTS[column])}"
        lines.append(f"column {column} (canonical: {target}):")
        for value, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
            total += 1
            rows = f'{count} row{"s" if count != 1 else ""}'
            at = (where or {}).get(column, {}).get(value)
            if at:
                rows += f" ({_lines_text(at)}{', ...' if count > len(at) else ''})"
            if re.fullmatch(_NUMBER_SHAPE, privacy.visible_text(value)):
                # an identity number in a code column (never echoed): no profile line maps it
                lines.append(f"  {HIDDEN}   # {rows}: a personal identity number in this code column; "
                             f"check which header [{table}.columns] {column} names in {profile.source}, "
                             "or fix the export")
                continue
            if privacy.looks_like_identity_number(value):  # a number hidden inside: no profile line maps it
                lines.append(f"  {json.dumps(redact_numbers(value, limit=80), ensure_ascii=False)}   # {rows}: "
                             "holds a personal identity number (hidden here), which no profile line can map; "
                             "fix the export")
                continue
            if value in (shifted or {}).get(column, ()):  # a value moved from another column, no code
                lines.append(f"  {json.dumps(redact_numbers(value, limit=80), ensure_ascii=False)}   # {rows}; "
                             f"{'its row has' if count == 1 else 'its rows have'} fewer fields than the header, so "
                             "the value may belong to another column: fix the row in the export rather than map it")
                shifted_total += 1
                continue
            mapped = profile.tables[table].codes.get(column, {}) if table in profile.tables else {}
            alike = [k for k in mapped if _seen_alike(k) == _seen_alike(value)]
            if alike:
                rows += (f"; it looks like the mapped {json.dumps(alike[0], ensure_ascii=False)} but differs in "
                         "characters a screen does not show (written here as \\uXXXX)")
            shown = _profile_key(value) if len(value) <= 80 else json.dumps(redact_numbers(value, limit=80),
                                                                             ensure_ascii=False)
            lines.append(f'  {shown} = "..."   # {rows}; add under [{table}.codes.{column}] in {profile.source}')
    todo = ("fix these rows:" if shifted_total == total else
            "add these lines to the profile (replace ... with the canonical code)"
            + (", and fix the rows said:" if shifted_total else ":"))
    exc = UnmappedCodeError(
        f"{label}: {total} local code(s) are not mapped to canonical codes; {todo}\n" + "\n".join(lines)
    )
    exc.unmapped = unmapped  # column -> {local code: rows}, for callers that word it differently
    return exc


#: Unicode categories of characters a screen does not show as themselves: controls, format
#: characters of no width, line and paragraph separators, spaces other than " ".
_UNSEEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cn"})


def _profile_key(value: str) -> str:
    """``value`` as a quoted TOML key a user can paste into a profile: each character a
    screen does not show as itself (a no-break or zero-width space, U+0085, U+2028) written
    as a ``\\uXXXX`` escape, so that the line maps exactly the cell."""
    return "".join(c if c == " " or unicodedata.category(c) not in _UNSEEN
                   else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   for c in json.dumps(value, ensure_ascii=False))


def _seen_alike(code: str) -> str:
    """A code as a screen shows it: :func:`amebench.privacy.visible_text` (NFKC, characters
    of no width left out), runs of spaces of any kind as one space."""
    return " ".join(privacy.visible_text(code).split())


def _formats_text(formats) -> str:
    """The profile's date formats with an example each: ``%Y%m%d = 20240301``."""
    return ", ".join(f"{f} = {_EXAMPLE_DAY.strftime(f)}" for f in formats)


_EXAMPLE_DAY = pd.Timestamp("2024-03-01")
#: Spreadsheet date serials (days from 1899-12-30) of 1954-10-03 .. 2119-01-10: five digits.
_SERIAL = r"^\s*[2-7][0-9]{4}(?:[.,]0+)?\s*$"


#: Day 0 of a spreadsheet's date serials (Excel's 1900 system, as Lotus 1-2-3 counted it).
_SERIAL_DAY0 = pd.Timestamp("1899-12-30")
#: The first date date_serials reads (a day count of an earlier date is more likely a date
#: without its leading zero); the last is a year after as_of.
_SERIALS_FROM = pd.Timestamp("1990-01-01")


def _excel_serials(values: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Whether each of ``rows`` is a five-digit number that a spreadsheet would show as a date."""
    out = np.zeros(len(values), dtype=bool)
    at = np.flatnonzero(rows)
    if len(at):
        out[at] = values.iloc[at].astype("string").str.fullmatch(_SERIAL).fillna(False).to_numpy(dtype=bool)
    return out
_GUARD_SAMPLE = 200  # distinct values looked at by the raw-number guard


def _looks_like_numbers(values: pd.Series, as_of, units: pd.Categorical | None = None, *,
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


def _early_identity(text: dict, present: dict, profile: Profile, key, as_of, memo) -> dict:
    """Pseudonymise raw identity numbers ahead of the other columns when nothing can stop it.

    Only with a known ``as_of`` and a key; errors (a missing key, pseudonyms that look
    like raw numbers) are left to :func:`_identity`, in their place.
    """
    out = {}
    if as_of is None or key is None:
        return out
    for column in _ID_COLUMNS:
        if column in text and _mode(profile, column) == "personnummer":
            out[column] = privacy.pseudonymise_column(text[column].where(present[column], None), key, as_of, memo=memo)
    return out


#: The reason a cell that holds a personal identity number is rejected with, in a column
#: for none (an episode id, an amount).
_NUMBER_IN_COLUMN = "holds what looks like a personal identity number; it must not be kept in this column"
#: ... and what it adds for a number at an end of a long run of digits in an id of the unit's
#: usual shape: of random ids of 11 to 30 digits 1.2 % to 2.8 % do (20,000 each, as_of 2026-09-30).
_LONG_HINT = (" (its first or last 10 or 12 digits; the unit's ids are long numbers like it, and 1 to 3 in 100 "
              "such ids hold a valid number by chance: export case numbers with a letter among the digits, or "
              "shorter ones)")
#: ... and one that would be, but for its check digit (a typo leaves the person's number).
_TYPO_IN_COLUMN = ("holds what looks like a personal identity number with a wrong check digit (a typo still "
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


def _usual_shape(text: pd.Series, present: np.ndarray, units: pd.Categorical) -> np.ndarray:
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


def _identity(st: FileState, column: str, text: pd.Series, present, mode: str, key, as_of, memo=None, early=None):
    """Validate and pseudonymise raw numbers (mode personnummer); return (pseudonyms as a Categorical, birth years).

    ``early``: what :func:`_early_identity` computed for this column, if anything.
    """
    if mode == "pseudonym":
        if _looks_like_numbers(text.where(present, None), as_of, st.units(), prefixed=True):
            plain = _looks_like_numbers(text.where(present, None), as_of, st.units())
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


def convert(raw: RawTable, tp: TableProfile, profile: Profile, *, unit: str, key, as_of, memo=None) -> FileState:
    """Parse ``raw`` into canonical columns and reject rows that break a row-level rule.

    ``as_of`` may be None for episodes: it is then the latest enrolment or exit date
    in the file (stored in ``FileState.as_of``). ``memo``: a dict shared by the files of
    one read, so that an identity number met in an earlier file is not checked and
    hashed again (:func:`amebench.privacy.pseudonymise_column`).

    Raises
    ------
    ProfileError, UnmappedCodeError, KeyMissingError
    """
    mapping = _column_map(raw, tp, profile.source)
    n = len(raw.frame)
    st = FileState(unit, tp.table, raw.label, raw.lines, pd.DataFrame(index=pd.RangeIndex(n)), dict(mapping))
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Amounts are nearly all distinct: converted as a whole column, on a second thread in
        # a large file (Arrow's kernels release the GIL) while the other columns are read.
        amounts = _start_amounts(pool if n >= THREAD_ROWS and _threads.cores() >= 2 else None, raw, mapping, tp.fmt)
        return _convert(raw, tp, profile, st, mapping, amounts, key=key, as_of=as_of, memo=memo)


#: Files with at least this many rows parse their amounts on a second thread.
THREAD_ROWS = 100_000


class _Amounts:
    """An amount column's parse: the whole-column conversion (pyarrow and numpy only, no
    pandas) started on a second thread, the rest on this one when first asked for.

    A column of numbers (a frame's, :meth:`~amebench.network.Network.from_frames`) is taken
    as it is (:func:`~amebench.io.amounts.numeric_amounts`); text is written, once, only
    for the rows it rejects (the only ones shown)."""

    def __init__(self, pool, column: pd.Series, fmt):
        self._column, self._fmt, self._done = column, fmt, None
        self._clean = None
        if is_numbers(column):
            values, present, notnum, negative = numeric_amounts(column)
            with np.errstate(invalid="ignore"):  # the rows that can be rejected: their text is shown
                shown = notnum | negative | (np.asarray(values, dtype="float64") >= IMPLAUSIBLE_AMOUNT)
            text = functools.cache(lambda: text_of_rows(column, shown))
            self._done = text, present, (values, notnum, negative)
            return
        arrow = arrow_text(column)
        if pool is not None and arrow is not None:
            self._clean = pool.submit(clean_amounts, arrow, decimal=fmt["decimal"], thousands=fmt["thousands"]).result

    def result(self):
        """(text, present, (values, notnum, negative)); ``text`` is a function giving the trimmed cells."""
        if self._done is None:
            fmt = self._fmt
            values, present, notnum, negative, text = read_amounts(
                self._column, decimal=fmt["decimal"], thousands=fmt["thousands"],
                missing_values=fmt["missing_values"], clean=self._clean)
            self._done = text, present, (values, notnum, negative)
        return self._done


def _long_numbers_hidden(cells):
    """The amount cells to show in rejects (a Series, or a function giving it), each holding
    ten digits or more shown as hidden: marks between digit groups ("198.112.189.876") are
    no shape redaction knows, and no amount of one month has so many digits."""
    @functools.cache  # once per file, and only when a row is rejected
    def hidden():
        text = (cells() if callable(cells) else cells).astype(object)
        return text.where(_digit_counts(arrow_strings(text)) < 10, HIDDEN)
    return hidden


def _bad_cells(raw: RawTable, mapping: dict) -> dict:
    """column -> {reason: rows} of the mapped cells a workbook holds no value in (error cells,
    formulas never computed)."""
    out = {}
    for column, header in mapping.items():
        cells = raw.bad_cells.get(header, {})
        for reason in set(cells.values()):
            lines = [line for line, why in cells.items() if why == reason]
            out.setdefault(column, {})[reason] = np.isin(raw.lines, lines)
    return out


#: Formats tried on a date (month) column none of whose values reads with the profile's, to
#: name the fix: those Swedish and other exports write (SQL Server's datetime text too).
#: Month names are left out: %b knows only English ones.
_DATE_GUESSES = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d", "%Y/%m/%d", "%d.%m.%y", "%d/%m/%y",
                 "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                 "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y%m%d %H:%M:%S")
#: A month column may hold whole dates (floored to their month): the date guesses after these.
_MONTH_GUESSES = ("%Y-%m", "%Y%m", "%m/%Y", "%m.%Y", "%Y/%m", "%m-%Y",
                  *(g for g in _DATE_GUESSES if g not in ("%Y-%m", "%Y%m")))
#: The fewest unread values of a column, none read, that _warn_dates_unread speaks of.
_UNREAD_DATES = 5


def _warn_dates_unread(raw: RawTable, header: str, column: str, cells: pd.Series, read: np.ndarray,
                       unread: np.ndarray, table: str, key: str, formats) -> None:
    """A ReadWarning when no present value of a mapped date (month) column reads with the
    profile's ``formats``: each of its rows is rejected, and the rejects alone would not say
    why. Names one value as written and the usual formats that read 90 % or more of the
    distinct values (up to 200, among the first 5,000 such cells; a mistyped date or two
    need not hide the fix), with the profile key (``date_format``/``month_format``) to set.
    Not for fewer than :data:`_UNREAD_DATES` values (their rejects say enough), nor for a
    frame (``<episodes frame>``: ``from_frames`` has no profile, and refuses such a column)."""
    if read.any() or unread.sum() < _UNREAD_DATES or raw.from_frames:
        return
    some = cells.iloc[np.flatnonzero(unread)[:5_000]]  # enough for 200 distinct values; a whole column is slow
    values = pd.Series(pd.unique(np.asarray(some.astype(str), dtype=object))[:200], dtype=object)
    every = np.ones(len(values), dtype=bool)
    share = {}
    for guess in _MONTH_GUESSES if key == "month_format" else _DATE_GUESSES:
        if guess not in formats:
            _, todo, far = parse_dates(values, [guess], every)
            share[guess] = 1 - (todo | far).mean()
    fits = sorted((g for g in share if share[g] >= 0.9), key=lambda g: -share[g])  # stable: the usual first
    example = redact_numbers(str(values.iloc[0]), limit=40)
    fix = ""
    if fits:
        fix = (f"; {share[fits[0]] * 100:.0f} % of the {len(values)} distinct values looked at read as "
               f"{_formats_text(fits[:1])}: add \"{fits[0]}\" to {key} in the profile's [format] or [{table}]")
        if len(fits) > 1:
            fix += f" ({', '.join(fits[1:])} also read 90 % or more: check which is meant)"
    warn_caller(ReadWarning(
        f"{raw.label}: column {redact_numbers(header, limit=40)!r} ({column}): none of its "
        f"{int(unread.sum())} values reads as {_formats_text(formats)} (e.g. {example!r}), so each row with one "
        f"is rejected{fix}", file=raw.label, lines=[], kind="dates_unread"))


def _warn_utc_midnights(raw: RawTable, header: str, column: str, present: np.ndarray) -> None:
    """A ReadWarning when a mapped date column's typed cells look like Swedish midnights
    stored in UTC without their time zone: each is read as the day before. Counted over the
    ``present`` rows (not a repeated header or a summary row)."""
    lines = raw.utc_midnights.get(header)
    if lines:  # isin sorts a file's lines: 0.19 s a column for 1M rows
        lines = np.asarray(lines, dtype=np.int64)[np.isin(lines, raw.lines[present])].tolist()
    if lines:
        warn_caller(ReadWarning(
            f"{raw.label}: column {redact_numbers(header, limit=40)!r} ({column}) holds {len(lines)} "
            f"timestamp(s) at 22:00 or 23:00 without a time zone ({raw.where} {lines[0]}: "
            f"{raw.frame[header].iloc[int(np.searchsorted(raw.lines, lines[0]))]}), and no other time of day. "
            "They look like midnights in Sweden stored in UTC with the zone left out; each is read as the "
            "date written, the day before the one meant. Write the column with its time zone, or as dates",
            file=raw.label, lines=lines, kind="utc_midnights"))


def _warn_amount_unit(raw: RawTable, header: str | None, values, loaded: np.ndarray, unit: str) -> None:
    """A ReadWarning when the median of a file's loaded amounts (kronor) says the profile's
    ``amount_unit`` is wrong: above :data:`~amebench.schema.AMOUNTS_HIGH` kr read as kronor (öre?),
    below :data:`~amebench.schema.AMOUNTS_LOW` kr read as öre (kronor?)."""
    amounts = np.asarray(values, dtype="float64")[loaded]
    if header is None or len(amounts) == 0:
        return
    median = float(np.median(amounts))
    if unit == "kr" and median > schema.AMOUNTS_HIGH:
        fix = ('if the amounts are in öre, set amount_unit = "öre" in the profile\'s [format] or [payments] '
               "(a frame's: divide them by 100)")
        kind = "amounts_high"
    elif unit == "öre" and median < schema.AMOUNTS_LOW:
        fix = 'if the amounts are in kronor, set amount_unit = "kr" in the profile\'s [format] or [payments]'
        kind = "amounts_low"
    else:
        return
    warn_caller(ReadWarning(
        f"{raw.label}: column {redact_numbers(header, limit=40)!r} (amount_sek): the median amount is "
        f"{median:,.0f} kr".replace(",", " ") + " a month (read with amount_unit = "
        f'"{unit}"); försörjningsstöd is rarely under 100 kr or over 30 000 kr a month: {fix}',
        file=raw.label, lines=[], kind=kind))


def _start_amounts(pool, raw: RawTable, mapping: dict, fmt) -> _Amounts | None:
    if "amount_sek" not in mapping:
        return None
    return _Amounts(pool, raw.frame[mapping["amount_sek"]], fmt)


def _convert(raw, tp, profile, st, mapping, amounts, *, key, as_of, memo) -> FileState:
    table, spec, fmt, frame, headers = tp.table, schema.TABLES[tp.table], tp.fmt, st.frame, st.headers
    n = len(raw.frame)
    text, present = {}, {}
    for column, header in mapping.items():
        if column != "amount_sek":  # once per distinct value
            text[column] = trim_coded(raw.frame[header])
            present[column] = ~missing_mask(text[column], fmt["missing_values"])
    for column, value in tp.constants.items():
        constant = str(value).lower() if isinstance(value, bool) else str(value)
        text[column] = pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[constant]))
        present[column] = np.ones(n, dtype=bool)
    bad = _bad_cells(raw, mapping)
    none = np.zeros(n, dtype=bool)
    unreadable = {column: np.any(list(rows.values()), axis=0) for column, rows in bad.items()}
    for column, rows in unreadable.items():
        if column in present:
            present[column] = present[column] & ~rows
    st.written = {c: text[c] for c in _AS_WRITTEN if c in text}
    repeat = _repeated_header(text, mapping, n, amounts)
    if repeat.any():
        st.add(repeat, next(iter(mapping)), "", "the header row repeated inside the file (were two exports joined?)")
    summary = _summary_rows(raw.frame) & ~repeat
    if summary.any():
        first = raw.frame.columns[0]
        column = next((c for c, h in mapping.items() if h == first), next(iter(mapping)))
        st.add(summary, column, raw.frame[first].astype("string"), "a summary row (Summa, Totalt …), not data")
    if repeat.any() or summary.any():
        repeat = repeat | summary
        st.settled = repeat  # no further reasons for these rows: they are not data
        present = {c: p & ~repeat for c, p in present.items()}
    # The costly part of pseudonymisation, while the amounts are parsed; its rejects are
    # still added below, in their place.
    early = _early_identity(text, present, profile, key, as_of, memo)
    unmapped, where, shifted = {}, {}, {}
    if amounts is not None:
        text["amount_sek"], first_present, parsed = amounts.result()
        present["amount_sek"] = first_present & ~repeat & ~unreadable.get("amount_sek", none)
    for column, reasons in bad.items():
        for reason, rows in reasons.items():
            st.add(rows, column, raw.frame[mapping[column]], reason)
    for column in [c for c in spec.columns if c in text]:
        s, p = text[column], present[column]
        dtype = spec.dtypes[column]
        if column in _ID_COLUMNS:
            continue  # after the dates: the 10-digit form needs as_of
        if dtype == schema.DATE:
            if column in mapping:
                _warn_utc_midnights(raw, mapping[column], column, p)
            if table == "payments" and column == "month":
                formats = list(fmt["month_format"])
                if raw.date_cells is not None and raw.date_cells not in formats:
                    formats.append(raw.date_cells)  # a workbook's date cell in the month column
                values, bad, far = parse_months(s, formats, p)
            else:
                values, bad, far = parse_dates(s, fmt["date_format"], p)
                formats = fmt["date_format"]
            serial = _excel_serials(s, bad)
            if fmt["date_serials"] and serial.any():  # the profile reads them: days from 1899-12-30
                days = pd.to_numeric(s[serial].astype("string").str.strip().str.replace(",", ".", regex=False))
                stamps = _SERIAL_DAY0 + pd.to_timedelta(days.to_numpy(dtype=float), unit="D")
                # only a day count of a plausible date: 20243 (March 2024 without its 0) would be 1955
                last = pd.Timestamp(as_of) + pd.Timedelta(days=366) if as_of is not None else pd.Timestamp.max
                plausible = (stamps >= _SERIALS_FROM) & (stamps <= last)
                if table == "payments" and column == "month":
                    stamps = stamps.to_period("M").to_timestamp()
                at = np.flatnonzero(serial)[plausible]
                values = values.copy()
                values.iloc[at] = stamps[plausible]
                bad = bad.copy()
                bad[at] = False
                serial = np.zeros_like(serial)  # the rest: not a day count of a date, read as not parsed
            if column in mapping:
                _warn_dates_unread(raw, mapping[column], column, s, p & ~bad & ~far, bad & ~serial, table,
                                   "month_format" if column == "month" and table == "payments" else "date_format",
                                   formats)
            fix = ("give datetimes (pd.to_datetime(counts, unit=\"D\", origin=\"1899-12-30\") converts the day "
                   "counts)" if raw.from_frames else  # a frame (Network.from_frames) has no profile to set
                   "format the column as dates before the export, or set date_serials = true in the profile")
            st.add(serial, column, s, f"{DATE_SERIAL} (days from 1899-12-30): {fix} "
                   f"(expected format: {_formats_text(formats)})")
            st.add(bad & ~serial, column, s, f"{DATE_UNREAD} (expected format: {_formats_text(formats)})")
            st.add(far, column, s, "date outside 1900-01-01 .. 2199-12-31")
            frame[column] = values
        elif column == "amount_sek":
            values, notnum, negative = parsed
            # parsed before a repeated header was known: such rows are not present, nor their values
            notnum, negative = notnum & p, negative & p
            s = _long_numbers_hidden(s)  # "198.112.189.876": an identity number grouped by thousands
            st.add(notnum, column, s, "amount is not a number")
            st.add(negative, column, s, NEGATIVE_AMOUNT)
            number = p & ~notnum & _identity_amounts(values, as_of)  # the digits written
            st.add(number, column, s, _NUMBER_IN_COLUMN)
            marks = _misread_marks(st, column, raw.frame[mapping[column]], values, p & ~notnum, s, fmt,
                                   raw.numbers.get(mapping[column]))
            part = none  # a decimal part of öre
            if fmt["amount_unit"] == "öre":
                values = np.asarray(values, dtype="float64")
                with np.errstate(invalid="ignore"):
                    part = p & ~notnum & ~number & ~marks & (values != np.floor(values))
                st.add(part, column, s, _ORE_WITH_DECIMALS)
                values = values / 100
            with np.errstate(invalid="ignore"):
                huge = p & ~number & (np.asarray(values, dtype="float64") >= IMPLAUSIBLE_AMOUNT)
            st.add(huge, column, s, _IMPLAUSIBLE)
            frame[column] = values
            _warn_amount_unit(raw, mapping.get(column), values,
                              p & ~notnum & ~negative & ~number & ~huge & ~part & ~marks, fmt["amount_unit"])
        elif dtype == "Int64":
            values, bad = parse_integers(s, p)
            st.add(bad, column, s, "not a whole number")
            frame[column] = values
        elif column in BOOLEAN_COLUMNS:
            values, miss = parse_booleans(
                s, p, true_values=fmt["true_values"], false_values=fmt["false_values"],
                mapping=tp.codes.get(column, {}), case=profile.codes_case,
            )
            if miss:
                unmapped[column] = miss
                where[column], shifted[column] = _first_lines(s, p & values.isna().to_numpy(), st.lines,
                                                              raw.short_lines)
            frame[column] = values
        elif column in schema.CODE_LISTS:
            values, miss = map_codes(s, p, column, tp.codes.get(column, {}), profile.codes_case)
            if miss:
                unmapped[column] = miss
                where[column], shifted[column] = _first_lines(s, p & values.isna().to_numpy(), st.lines,
                                                              raw.short_lines)
            frame[column] = values
        else:
            frame[column] = as_strings(s, p)
            if column == "episode_id" and _looks_like_numbers(frame[column], as_of or pd.Timestamp.today(), st.units()):
                raise ProfileError(
                    f"{raw.label}: column {headers[column]} (episode_id) looks like raw identity numbers; "
                    "an episode id must not identify a person: export the case number instead"
                )
    if unmapped:
        raise _unmapped_error(raw.label, profile, table, unmapped, where, shifted)
    if table == "episodes" and as_of is None:
        latest = pd.concat([frame.get("enrolled_on", pd.Series(dtype=schema.DATE)),
                            frame.get("exited_on", pd.Series(dtype=schema.DATE))]).max()
        as_of = latest if pd.notna(latest) else pd.Timestamp.today().normalize()
    st.as_of = as_of
    for column in mapping:
        if column in _FREE_TEXT:
            inside = _number_inside(text[column], present[column], as_of)
            # the value is the number's cell: shown as hidden whole (a number with a wrong
            # check digit, or written with marks, is no shape redaction knows for certain)
            st.add(inside == _VALID, column, HIDDEN, _NUMBER_IN_COLUMN)
            long = inside == _IN_LONG_RUN
            if long.any():  # in ids that are long numbers, 1 to 3 in 100 hold one by chance: say so
                usual = _usual_shape(text[column], present[column], st.units())
                st.add(long & ~usual, column, HIDDEN, _NUMBER_IN_COLUMN)
                st.add(long & usual, column, HIDDEN, _NUMBER_IN_COLUMN + _LONG_HINT)
            typo = inside == _CHECK_DIGIT_WRONG
            if typo.any():  # in ids of a date and a counter (yymmdd-nnnn) every id is one by chance
                st.add(typo & ~_usual_shape(text[column], present[column], st.units()), column, HIDDEN,
                       _TYPO_IN_COLUMN)
    for column in _ID_COLUMNS:
        if column in text:
            mode = _mode(profile, column)
            ids, years = _identity(st, column, text[column], present[column], mode, key, as_of, memo,
                                   early.get(column))
            frame[column] = ids  # a Categorical; rejects.finalise gives it the canonical dtype
            if column == "person_id" and tp.derive.get("birth_year_from") == "person_id":
                if years is None:
                    raise ProfileError(f'{profile.source}: birth_year_from = "person_id" needs [profile] '
                                       'person_id = "personnummer"')
                derived = years
                frame["birth_year"] = frame["birth_year"].fillna(derived) if "birth_year" in frame else derived
    for column in spec.required:
        if column in present:
            st.add(~present[column] & ~unreadable.get(column, none), column, "", "empty required field")
    if table == "payments":
        has_id = np.zeros(n, dtype=bool)
        for c in _ID_COLUMNS:
            if c in present:
                has_id |= present[c]
        first = next(c for c in _ID_COLUMNS if c in present)
        st.add(~has_id, first, "", "empty required field (neither person nor household)")
    if table == "episodes":
        episode_rules(st, as_of)
    if table == "activities":
        activity_rules(st)
    if table == "followups":
        fill_unknown(frame, "status", n)
        if "responded" not in mapping and "responded" not in tp.constants:
            frame["responded"] = pd.array(present.get("status", np.zeros(n, dtype=bool)), dtype="boolean")
    return st


#: How the reasons of a date cell that was not read begin (frames.py finds them by it).
DATE_UNREAD, DATE_SERIAL = "date does not parse or does not exist", "date is a number, as a spreadsheet stores dates"
_FREE_TEXT = ("episode_id",)
#: Columns whose rule rejects (rules.py) show the cells as written, not as read; kept to the
#: cross-file check (a Categorical: a code per row).
_AS_WRITTEN = ("enrolled_on", "exited_on", "exit_reason", "ended_on", "measured_on")
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


#: No household's welfare in one month comes near this (SEK; the national norm for a family
#: of six is under 30,000 a month): an amount from it on is another column's number (an
#: identity number with a typo, an account number) or a total.
IMPLAUSIBLE_AMOUNT = 10_000_000
_IMPLAUSIBLE = ("amount is implausibly large for one month (10 000 000 kr or more): another column's number, "
                "or a total?")


def _misread_marks(st: FileState, column: str, cells: pd.Series, values, read: np.ndarray, shown, fmt,
                   typed) -> np.ndarray:
    """Reject the amounts whose decimal or thousands mark may have been read wrong, each
    for one reason; return their mask (``column``: the canonical column, ``cells``: the
    column as written, ``read``: the rows whose amount is a number, ``typed``: the cells
    stored as numbers).

    A "." before three digits with decimal = "," may be a thousands separator
    (:func:`~amebench.io.amounts.ambiguous_amounts`); a thousands mark where none can be
    (:func:`~amebench.io.amounts.misplaced_thousands`) would be read wrong; the decimal
    mark before three digits after one to three (:func:`~amebench.io.amounts.three_decimals`)
    may be a thousands separator too.
    """
    d, t = fmt["decimal"], fmt["thousands"]
    ambiguous = ambiguous_amounts(cells, decimal=d, thousands=t) & read
    st.add(ambiguous, column, shown, f'amount is ambiguous: "." before three digits with decimal = "{d}" '
           'may be a thousands separator (set thousands = "." if it is)')
    misplaced = misplaced_thousands(cells, decimal=d, thousands=t) & read & ~ambiguous
    st.add(misplaced, column, shown, f'amount has "{t}" where a thousands separator cannot be (not before '
           f'three digits, or after the decimal mark "{d}"): it would be read wrong')
    marks = ambiguous | misplaced
    three = three_decimals(cells, np.asarray(values, dtype="float64"), decimal=d, typed=typed) & read & ~marks
    other = "." if d == "," else ","
    swap = f'then set decimal = "{other}" and thousands = "{d}"'
    advice = (f'and an amount has at most two: "{d}" may be a thousands separator ({swap})' if t != other else
              f'but an amount has at most two; with thousands = "{other}" it is no thousands separator either: a '
              f'typo, or are the two marks swapped ({swap})?')
    st.add(three, column, shown, f'amount is ambiguous: "{d}" before three digits with decimal = "{d}" gives '
           f'three decimals, {advice}')
    return marks | three


_ORE_WITH_DECIMALS = ('amount has a decimal part, but amount_unit = "öre" and öre are whole: are these kronor? '
                      '(then set amount_unit = "kr")')
#: No monthly payment comes near this (SEK); a whole amount from it on has 10 digits or more
#: and is looked at as a possible identity number.
_NUMBER_SIZED_AMOUNT = 1e9


def _identity_amounts(values, as_of) -> np.ndarray:
    """True for amounts whose whole-number digits are a valid identity number (a column mixed up)."""
    values = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        large = np.flatnonzero((values >= _NUMBER_SIZED_AMOUNT) & (values == np.floor(values)))
    out = np.zeros(len(values), dtype=bool)
    if len(large):
        digits = pd.Series([f"{v:.0f}" for v in values[large]], dtype="str")
        out[large] = privacy.identity_number_cells(digits, as_of if as_of is not None else pd.Timestamp.today())
    return out


def _mode(profile: Profile, column: str) -> str:
    return profile.person_id if column == "person_id" else profile.household_id


def _ten_digits_or_wide(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells with ten digits or more, or a character beyond ASCII (a fullwidth digit): the
    only ones that can hold a number (the patterns are costlier); the ASCII digits of each;
    and the cells beyond ASCII."""
    import pyarrow.compute as pc

    arrow = arrow_strings(text)
    wide = pc.fill_null(pc.invert(pc.string_is_ascii(arrow)), False).to_numpy(zero_copy_only=False)
    counts = _digit_counts(arrow)
    return (counts >= 10) | wide, counts, wide


def _digit_counts(arrow) -> np.ndarray:
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


#: What :func:`_number_inside` finds in a cell: no number, a number whose check digit alone
#: is wrong, a valid number, a valid number at an end of a run of 11 digits or more.
_CHECK_DIGIT_WRONG, _VALID, _IN_LONG_RUN = 1, 2, 3


def _number_inside(text: pd.Series, present: np.ndarray, as_of) -> np.ndarray:
    """Return, for each cell, ``_VALID`` when it contains a participant's valid identity number
    (e.g. ``"811218-9876-2"``, ``"E 8112 18 9876"``, ``"JAR 811218–9876"``, ``"811218/9876"``,
    ``"1981-12-18-9876"``; and, of a holder of 12 to 110, ``"811218T9876"``, ``"811218-987X"``,
    Arabic-Indic digits), ``_CHECK_DIGIT_WRONG`` when it contains one but for the check
    digit (``"E 811218-9875"``), ``_IN_LONG_RUN`` when a run of 11 digits or more begins or
    ends with one (:func:`_long_run_numbers`), and 0 otherwise (a missing cell too).

    Only the episode id is checked cell by cell: a case number built from the person's
    number would carry it into every output. Pseudonym columns are checked as a whole
    (:func:`_looks_like_numbers`): a random hex key often holds 10 digits in a row.
    """
    if isinstance(text.dtype, pd.CategoricalDtype):  # once per distinct value
        per = _number_inside(pd.Series(text.cat.categories), np.ones(len(text.cat.categories), dtype=bool), as_of)
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
        found += [_VALID * privacy.aged_number(privacy.parted_form(m.group()), ref)
                  for m in privacy.LETTER_PARTED.finditer(cell)]
        found += [_VALID * privacy.aged_number(m.group(1) + m.group(2) + "0", ref, check_digit=False)
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
    """``_IN_LONG_RUN`` for each cell whose first run of 11 digits or more begins or ends with a valid
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
    out[found[hit]] = _IN_LONG_RUN
    return out


#: An episode id of ASCII letters, at most one mark, and 10 or 12 digits: the digits.
_PREFIXED_NUMBER = r"^[A-Za-z]{1,12}[-_ /.:]?([0-9]{10}|[0-9]{12})$"


def _plain_numbers(cells: pd.Series, as_of) -> np.ndarray:
    """:func:`_participants_number` of cells of exactly 10 or 12 digits, vectorised (their
    only candidate is the cell itself): ``_VALID``, ``_CHECK_DIGIT_WRONG`` or 0."""
    from .._pseudonyms import _CHECK, _check_digits

    import pyarrow as pa
    import pyarrow.compute as pc

    ref = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    texts = arrow_strings(cells)
    _, _, why = _check_digits(texts, ref.date())
    out = np.where(why == 0, _VALID, np.where(why == _CHECK, _CHECK_DIGIT_WRONG, 0)).astype(np.int8)
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
    """Return ``_VALID`` when ``text`` is a valid identity number that may be a participant's
    (of someone at least ``_YOUNGEST_PARTICIPANT`` years old at ``as_of``, or without its
    century), ``_CHECK_DIGIT_WRONG`` when it would be but for its check digit (and ``typo``),
    else 0."""
    ref = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    normalised, _ = privacy._check(text, ref.date(), check_digit=False)
    if normalised is None:
        return 0
    if sum(ch.isdigit() for ch in text) == 12:
        if pd.Timestamp(privacy.birth_date(normalised)) > ref - pd.DateOffset(years=_YOUNGEST_PARTICIPANT):
            return 0
    if privacy._luhn_ok(normalised[2:]):
        return _VALID
    return _CHECK_DIGIT_WRONG if typo else 0


def _summary_rows(frame: pd.DataFrame) -> np.ndarray:
    """Return True for rows whose first cell starts with a summary word (Summa, Totalt …)."""
    import pyarrow.compute as pc

    if frame.shape[1] == 0 or len(frame) == 0:
        return np.zeros(len(frame), dtype=bool)
    first = frame.iloc[:, 0]
    arrow = arrow_text(first)
    if arrow is None:  # a Categorical or object column: once per distinct value
        codes, uniques = pd.factorize(first.astype("string"))
        hit = pd.Series(uniques, dtype="string").str.contains(_SUMMARY, case=False, regex=True).to_numpy(dtype=bool)
        return np.append(hit, False)[codes]
    hit = pc.match_substring_regex(arrow, _SUMMARY, ignore_case=True).fill_null(False)
    return hit.to_numpy(zero_copy_only=False).astype(bool)


def _repeated_header(text: dict, mapping: dict, n: int, amounts: _Amounts | None = None) -> np.ndarray:
    """Return True for rows whose mapped cells all equal their headers (a second header row).

    The amount column (``amounts``: its pending parse) is looked at last, only if needed.
    """
    if len(mapping) < 2:
        return np.zeros(n, dtype=bool)
    out = np.ones(n, dtype=bool)
    order = [c for c in mapping if c in text] + [c for c in mapping if c not in text]
    for column in order:
        cells = text[column] if column in text else amounts.result()[0]()
        out &= cells.eq(mapping[column].strip()).to_numpy(dtype=bool)
        if not out.any():
            break
    return out
