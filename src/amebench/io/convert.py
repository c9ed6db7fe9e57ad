"""Turn one file's text cells into canonical columns through its profile, and check its rows.

The checks are those of docs/profiles.md ("What is rejected"). Checks that need other
files (unknown episode, unknown person) are in :func:`cross_check`.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .. import privacy, schema
from ..exceptions import KeyMissingError, ProfileError, UnmappedCodeError
from ..privacy import redact_numbers
from .amounts import clean_amounts, read_amounts
from .parse import (
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
from .readers import RawTable
from .rejects import _NUMBER_SHAPE, HIDDEN, FileState

__all__ = ["convert", "cross_check"]

_ID_COLUMNS = ("person_id", "household_id")
_UNKNOWN_FILL = ("referral", "readiness", "gender", "status")


def _headers_text(headers) -> str:
    """The file's headers for a message: identity-shaped digit runs hidden, at most 400 characters."""
    return redact_numbers(repr(list(headers)), limit=400)


def _header_hint(raw: RawTable, tp: TableProfile) -> str:
    """Say why the mapped headers may be missing: a wrong delimiter or a title row."""
    headers = [h for h in raw.frame.columns if h]
    if any(m in h for h in headers for m in ("Ã", "Â")) and tp.fmt.get("encoding") != "auto":
        return '; the headers look like UTF-8 read as cp1252: set encoding = "auto" (or "utf-8") in the profile'
    if len(headers) == 1:
        for d in (";", ",", "\t", "|"):
            if d != tp.fmt.get("delimiter") and d in headers[0]:
                return f"; the header looks {d!r}-delimited: set delimiter = {d!r} in the profile"
        return f"; if the header is not on line/row {tp.fmt.get('header_row', 1)}, set header_row in the profile"
    return ""


def _column_map(raw: RawTable, tp: TableProfile) -> dict[str, str]:
    headers = list(raw.frame.columns)
    spec = schema.TABLES[tp.table]
    if tp.columns is None:
        mapping = {c: c for c in spec.columns if c != "unit" and c in headers and c not in tp.constants}
    else:
        mapping = dict(tp.columns)
        absent = [h for h in mapping.values() if h not in headers]
        if absent:
            raise ProfileError(
                f"{raw.label}: the profile maps header(s) {absent} that the file does not have; "
                f"the file's headers (line {tp.fmt['header_row']}) are {_headers_text(headers)}{_header_hint(raw, tp)}"
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
            f"(line {tp.fmt['header_row']}) are {_headers_text(headers)}{_header_hint(raw, tp)}"
        )
    return mapping


def _unmapped_error(label: str, profile: Profile, table: str, unmapped: dict) -> UnmappedCodeError:
    lines = []
    total = 0
    for column, values in unmapped.items():
        target = "true or false" if column in BOOLEAN_COLUMNS else f"one of {list(schema.CODE_LISTS[column])}"
        lines.append(f"column {column} (canonical: {target}):")
        for value, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
            total += 1
            if re.fullmatch(_NUMBER_SHAPE, value):
                value = HIDDEN  # an identity number mapped as a code: never echo it
            value = redact_numbers(value, limit=80)
            lines.append(
                f'  {json.dumps(value, ensure_ascii=False)} = "..."   # {count} row{"s" if count != 1 else ""}; '
                f"add under [{table}.codes.{column}] in {profile.source}"
            )
    exc = UnmappedCodeError(
        f"{label}: {total} local code(s) are not mapped to canonical codes; add these lines to the "
        "profile (replace ... with the canonical code):\n" + "\n".join(lines)
    )
    exc.unmapped = unmapped  # column -> {local code: rows}, for callers that word it differently
    return exc


_GUARD_SAMPLE = 200  # distinct values looked at by the raw-number guard


def _looks_like_numbers(values: pd.Series, as_of) -> bool:
    """Return whether most distinct values are valid identity numbers (they must not be kept)."""
    sample = pd.unique(values.dropna())[:_GUARD_SAMPLE]
    return bool(len(sample)) and np.mean([privacy.is_valid_personnummer(str(u), as_of=as_of) for u in sample]) > 0.5


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


def _identity(st: FileState, column: str, text: pd.Series, present, mode: str, key, as_of, memo=None, early=None):
    """Validate and pseudonymise raw numbers (mode personnummer); return (pseudonyms as a Categorical, birth years).

    ``early``: what :func:`_early_identity` computed for this column, if anything.
    """
    if mode == "pseudonym":
        if _looks_like_numbers(text.where(present, None), as_of):
            raise ProfileError(
                f"{st.label}: column {st.header(column)} looks like raw identity numbers, but the profile "
                f'says {column} = "pseudonym"; set {column} = "personnummer" under [profile]'
            )
        return as_ids(text, present), None
    if key is None:
        raise KeyMissingError(
            f"{st.label}: column {st.header(column)} holds raw identity numbers but no "
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
    mapping = _column_map(raw, tp)
    n = len(raw.frame)
    st = FileState(unit, tp.table, raw.label, raw.lines, pd.DataFrame(index=pd.RangeIndex(n)), dict(mapping))
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Amounts are nearly all distinct: converted as a whole column, on a second thread in
        # a large file (Arrow's kernels release the GIL) while the other columns are read.
        amounts = _start_amounts(pool if n >= THREAD_ROWS else None, raw, mapping, tp.fmt)
        return _convert(raw, tp, profile, st, mapping, amounts, key=key, as_of=as_of, memo=memo)


#: Files with at least this many rows parse their amounts on a second thread.
THREAD_ROWS = 100_000


class _Amounts:
    """An amount column's parse: the whole-column conversion (pyarrow and numpy only, no
    pandas) started on a second thread, the rest on this one when first asked for."""

    def __init__(self, pool, column: pd.Series, fmt):
        self._column, self._fmt, self._done = column, fmt, None
        self._clean = None
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
    repeat = _repeated_header(text, mapping, n, amounts)
    if repeat.any():
        st.add(repeat, next(iter(mapping)), "", "the header row repeated inside the file (were two exports joined?)")
        st.settled = repeat  # no further reasons for these rows: they are not data
        present = {c: p & ~repeat for c, p in present.items()}
    # The costly part of pseudonymisation, while the amounts are parsed; its rejects are
    # still added below, in their place.
    early = _early_identity(text, present, profile, key, as_of, memo)
    unmapped = {}
    if amounts is not None:
        text["amount_sek"], first_present, parsed = amounts.result()
        present["amount_sek"] = first_present & ~repeat
    for column in [c for c in spec.columns if c in text]:
        s, p = text[column], present[column]
        dtype = spec.dtypes[column]
        if column in _ID_COLUMNS:
            continue  # after the dates: the 10-digit form needs as_of
        if dtype == schema.DATE:
            if table == "payments" and column == "month":
                values, bad, far = parse_months(s, fmt["month_format"], p)
                formats = fmt["month_format"]
            else:
                values, bad, far = parse_dates(s, fmt["date_format"], p)
                formats = fmt["date_format"]
            st.add(bad, column, s, f"date does not parse or does not exist (formats {formats})")
            st.add(far, column, s, "date outside 1900-01-01 .. 2199-12-31")
            frame[column] = values
        elif column == "amount_sek":
            values, notnum, negative = parsed
            # parsed before a repeated header was known: such rows are not present, nor their values
            notnum, negative = notnum & p, negative & p
            st.add(notnum, column, s, "amount is not a number")
            st.add(negative, column, s, "amount is negative")
            frame[column] = values
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
            frame[column] = values
        elif column in schema.CODE_LISTS:
            values, miss = map_codes(s, p, column, tp.codes.get(column, {}), profile.codes_case)
            if miss:
                unmapped[column] = miss
            frame[column] = values
        else:
            frame[column] = as_strings(s, p)
            if column == "episode_id" and _looks_like_numbers(frame[column], as_of or pd.Timestamp.today()):
                raise ProfileError(
                    f"{raw.label}: column {headers[column]} (episode_id) looks like raw identity numbers; "
                    "an episode id must not identify a person: export the case number instead"
                )
    if unmapped:
        raise _unmapped_error(raw.label, profile, table, unmapped)
    if table == "episodes" and as_of is None:
        latest = pd.concat([frame.get("enrolled_on", pd.Series(dtype=schema.DATE)),
                            frame.get("exited_on", pd.Series(dtype=schema.DATE))]).max()
        as_of = latest if pd.notna(latest) else pd.Timestamp.today().normalize()
    st.as_of = as_of
    for column in mapping:
        if column in _FREE_TEXT:
            inside = _number_inside(text[column], present[column], as_of)
            st.add(inside, column, text[column], "holds what looks like a personal identity number; "
                   "it must not be kept in this column")
    for column in _ID_COLUMNS:
        if column in text:
            mode = _mode(profile, column)
            ids, years = _identity(st, column, text[column], present[column], mode, key, as_of, memo,
                                   early.get(column))
            frame[column] = ids  # a Categorical; rejects.finalise gives it the canonical dtype
            if column == "person_id" and tp.derive.get("birth_year_from") == "person_id":
                if years is None:
                    raise ProfileError(f'{profile.source}: birth_year_from = "person_id" needs [profile] person_id = "personnummer"')
                derived = years
                frame["birth_year"] = frame["birth_year"].fillna(derived) if "birth_year" in frame else derived
    for column in spec.required:
        if column in present:
            st.add(~present[column], column, "", "empty required field")
    if table == "payments":
        has_id = np.zeros(n, dtype=bool)
        for c in _ID_COLUMNS:
            if c in present:
                has_id |= present[c]
        first = next(c for c in _ID_COLUMNS if c in present)
        st.add(~has_id, first, "", "empty required field (neither person nor household)")
    if table == "episodes":
        _episode_rules(st, as_of)
    if table == "followups":
        _fill(frame, "status", n)
        if "responded" not in mapping and "responded" not in tp.constants:
            frame["responded"] = pd.array(present.get("status", np.zeros(n, dtype=bool)), dtype="boolean")
    return st


_FREE_TEXT = ("episode_id",)
# A 10- or 12-digit number (with - or +) not glued to other digits, anywhere in a cell.
_CANDIDATES = (re.compile(r"(?<![0-9])([0-9]{8}[-+]?[0-9]{4})(?![0-9])"),
               re.compile(r"(?<![0-9])([0-9]{6}[-+]?[0-9]{4})(?![0-9])"))


def _mode(profile: Profile, column: str) -> str:
    return profile.person_id if column == "person_id" else profile.household_id


def _number_inside(text: pd.Series, present: np.ndarray, as_of) -> np.ndarray:
    """Return True for present cells that contain a valid identity number (e.g. ``"811218-9876-2"``).

    Only the episode id is checked cell by cell: a case number built from the person's
    number would carry it into every output. Pseudonym columns are checked as a whole
    (:func:`_looks_like_numbers`): a random hex key often holds 10 digits in a row.
    """
    if isinstance(text.dtype, pd.CategoricalDtype):  # once per distinct value
        per = _number_inside(pd.Series(text.cat.categories), np.ones(len(text.cat.categories), dtype=bool), as_of)
        return present & np.append(per, False)[text.cat.codes.to_numpy()]
    out = np.zeros(len(text), dtype=bool)
    maybe = present & text.str.contains(r"[0-9]{6}[-+]?[0-9]{4}", regex=True).to_numpy(dtype=bool)
    for pos in np.flatnonzero(maybe):
        cell = text.iloc[pos]
        out[pos] = any(
            privacy.is_valid_personnummer(m.group(1), as_of=as_of) for rx in _CANDIDATES for m in rx.finditer(cell)
        )
    return out


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


def _fill(frame: pd.DataFrame, column: str, n: int) -> None:
    if column in frame:
        frame[column] = frame[column].where(frame[column].notna(), "unknown")
    else:
        frame[column] = pd.Series(["unknown"] * n, dtype=object)


def _episode_rules(st: FileState, as_of) -> None:
    f, n = st.frame, len(st.frame)
    enrolled = f["enrolled_on"]
    exited = f["exited_on"] if "exited_on" in f else pd.Series(pd.NaT, index=f.index, dtype=schema.DATE)
    f["exited_on"] = exited
    as_of = pd.Timestamp(as_of)
    st.add((exited < enrolled).to_numpy(dtype=bool), "exited_on", exited, "exit before enrolment")
    st.add((enrolled > as_of).to_numpy(dtype=bool), "enrolled_on", enrolled, f"enrolment after as_of {as_of.date()}")
    st.add((exited > as_of).to_numpy(dtype=bool), "exited_on", exited, f"exit after as_of {as_of.date()}")
    if "exit_reason" in f:
        reason = f["exit_reason"]
        bad_date = np.zeros(n, dtype=bool)
        for pos, col, _, why in st.problems:
            if col == st.header("exited_on"):
                bad_date[pos] = True
        orphan = reason.notna().to_numpy() & exited.isna().to_numpy() & ~bad_date
        st.add(orphan, "exit_reason", reason, "exit reason without an exit date")
        f["exit_reason"] = reason.where(~(reason.isna() & exited.notna()), "unknown")
    elif exited.notna().any():
        f["exit_reason"] = pd.Series(np.where(exited.notna(), "unknown", None), dtype=object)
    for column in _UNKNOWN_FILL[:3]:
        _fill(f, column, n)
    # Duplicates and overlaps among rows that pass every other rule; the first (by line) is kept.
    ok = ~st.bad()
    ids = f["episode_id"]
    dup = ok & ids.notna().to_numpy() & pd.Series(ids.where(ok, None)).duplicated(keep="first").to_numpy() & ok
    st.add(dup, "episode_id", ids, "duplicate episode_id in the unit")
    ok &= ~dup
    person = pd.factorize(f["person_id"])[0]
    order = pd.DataFrame({
        "person": person, "start": enrolled.to_numpy(dtype="datetime64[ns]").view("int64"),
        "end": exited.fillna(pd.Timestamp.max).to_numpy(dtype="datetime64[ns]").view("int64"), "line": st.lines,
    })[ok].sort_values(["person", "start", "line"])
    mask = np.zeros(n, dtype=bool)
    # An episode is compared with the earlier *loaded* episodes of the person: reject the first
    # overlap of each person, then look again (rounds = the most overlaps one person has).
    while len(order):
        running = order.groupby("person", sort=False)["end"].cummax()
        prev_end = running.groupby(order["person"].to_numpy(), sort=False).shift()
        overlap = (order["start"] < prev_end).to_numpy(dtype=bool)
        if not overlap.any():
            break
        first = order.loc[overlap].drop_duplicates("person").index
        mask[first] = True
        order = order.drop(index=first)
    st.add(mask, "enrolled_on", enrolled, "overlaps an earlier episode of the same person in the unit")


def cross_check(states: list[FileState]) -> None:
    """Reject activities/follow-ups of unknown episodes, follow-ups before exit, payments of strangers."""
    episodes = {}
    persons, households = [], []
    for st in states:
        if st.table != "episodes":
            continue
        ok = ~st.bad()
        ep = st.frame.loc[ok, ["episode_id", "exited_on"]]
        episodes.setdefault(st.unit, []).append(ep)
        persons.append(_distinct(st.frame["person_id"], ok))
        if "household_id" in st.frame:
            households.append(_distinct(st.frame["household_id"], ok))
    persons, households = _union(persons), _union(households)
    for st in states:
        f = st.frame
        if st.table in ("activities", "followups"):
            known = pd.concat(episodes.get(st.unit, []) or [pd.DataFrame({"episode_id": [], "exited_on": []})])
            known = known.drop_duplicates("episode_id").set_index("episode_id")["exited_on"].astype(schema.DATE)
            ids = f["episode_id"]
            unknown = ids.notna().to_numpy() & ~ids.isin(known.index).to_numpy()
            what = "activity" if st.table == "activities" else "follow-up"
            st.add(unknown, "episode_id", ids, f"{what} for an unknown episode (none loaded in unit {st.unit})")
            if st.table == "followups":
                exit_on = pd.Series(known.reindex(ids.astype(object)).to_numpy(), index=f.index, dtype=schema.DATE)
                measured = f["measured_on"] if "measured_on" in f else pd.Series(pd.NaT, index=f.index, dtype=schema.DATE)
                before = (measured < exit_on).to_numpy(dtype=bool)
                st.add(before, "measured_on", measured, "follow-up measured before the exit")
                if "days_after_exit" not in st.headers:
                    f["days_after_exit"] = (measured - exit_on).dt.days.astype("Int64")
        elif st.table == "payments":
            known = np.zeros(len(f), dtype=bool)
            if "person_id" in f:
                known |= _member(f["person_id"], persons)
            if "household_id" in f:
                known |= _member(f["household_id"], households)
            col = "person_id" if "person_id" in f else "household_id"
            has = f[col].notna().to_numpy() if col in f else np.zeros(len(f), dtype=bool)
            if "household_id" in f and col == "person_id":
                has = has | f["household_id"].notna().to_numpy()
            st.add(has & ~known, col, f[col], "payment for a person or household with no episode in the network")


def _distinct(ids: pd.Series, rows: np.ndarray) -> pd.Index:
    """The distinct non-missing ids of the given rows (through the categories of a Categorical)."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy()[rows]
        return ids.cat.categories[np.unique(codes[codes >= 0])]
    return pd.Index(ids[rows].dropna().unique())


def _union(parts: list) -> pd.Index:
    out = pd.Index([], dtype=object)
    for part in parts:
        out = out.union(part, sort=False) if len(out) else part
    return out


def _texts(values):
    """Text values (Index or Series) as a pyarrow array."""
    import pyarrow as pa

    array = values.array
    if hasattr(array, "__arrow_array__"):
        out = array.__arrow_array__()
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    return pa.array([str(v) for v in values], type=pa.string())


def _member(ids: pd.Series, known: pd.Index) -> np.ndarray:
    """True where an id is one of ``known`` (looked up once per distinct id of a Categorical)."""
    import pyarrow.compute as pc

    if isinstance(ids.dtype, pd.CategoricalDtype):
        categories = ids.cat.categories
        if not len(categories) or not len(known):
            return np.zeros(len(ids), dtype=bool)
        value_set = _texts(known).cast(_texts(categories).type)
        per = pc.is_in(_texts(categories), value_set=value_set).to_numpy(zero_copy_only=False)
        return np.append(per, False)[ids.cat.codes.to_numpy()]
    return ids.isin(known).to_numpy(dtype=bool)
