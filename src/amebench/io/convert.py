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
from ..exceptions import ProfileError, ReadWarning, UnmappedCodeError, warn_caller
from ..privacy import redact_numbers
from .amounts import (ambiguous_amounts, clean_amounts, misplaced_thousands, numeric_amounts, read_amounts,
                      three_decimals)
from .cells import is_numbers, text_of_rows
from .parse import (
    arrow_strings,
    arrow_text,
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
from .idcells import (CHECK_DIGIT_WRONG, ID_COLUMNS, IN_LONG_RUN, LONG_HINT, NUMBER_IN_COLUMN, TYPO_IN_COLUMN, VALID,
                      column_mode, digit_counts, early_identity, identity_amounts, identity_column, looks_like_numbers,
                      number_inside, usual_shape)
from .rules import activity_rules, episode_rules, fill_unknown

__all__ = ["convert"]

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
    if tp.table == "payments" and not given & set(ID_COLUMNS):
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
        return text.where(digit_counts(arrow_strings(text)) < 10, HIDDEN)
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
    early = early_identity(text, present, profile, key, as_of, memo)
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
        if column in ID_COLUMNS:
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
            number = p & ~notnum & identity_amounts(values, as_of)  # the digits written
            st.add(number, column, s, NUMBER_IN_COLUMN)
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
            if column == "episode_id" and looks_like_numbers(frame[column], as_of or pd.Timestamp.today(), st.units()):
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
            inside = number_inside(text[column], present[column], as_of)
            # the value is the number's cell: shown as hidden whole (a number with a wrong
            # check digit, or written with marks, is no shape redaction knows for certain)
            st.add(inside == VALID, column, HIDDEN, NUMBER_IN_COLUMN)
            long = inside == IN_LONG_RUN
            if long.any():  # in ids that are long numbers, 1 to 3 in 100 hold one by chance: say so
                usual = usual_shape(text[column], present[column], st.units())
                st.add(long & ~usual, column, HIDDEN, NUMBER_IN_COLUMN)
                st.add(long & usual, column, HIDDEN, NUMBER_IN_COLUMN + LONG_HINT)
            typo = inside == CHECK_DIGIT_WRONG
            if typo.any():  # in ids of a date and a counter (yymmdd-nnnn) every id is one by chance
                st.add(typo & ~usual_shape(text[column], present[column], st.units()), column, HIDDEN,
                       TYPO_IN_COLUMN)
    for column in ID_COLUMNS:
        if column in text:
            mode = column_mode(profile, column)
            ids, years = identity_column(st, column, text[column], present[column], mode, key, as_of, memo,
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
        for c in ID_COLUMNS:
            if c in present:
                has_id |= present[c]
        first = next(c for c in ID_COLUMNS if c in present)
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
