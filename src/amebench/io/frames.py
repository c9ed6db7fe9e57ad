"""Build a Network from canonical DataFrames, validated like any export.

The frames go through the same parsers and reject rules as a file: each frame is
written to text cells (:mod:`amebench.io.cells`; as Categoricals of the distinct texts,
and a column of amounts that are numbers is taken as it is) and read with a canonical
profile (ISO dates, ``.`` decimals, canonical codes, ``person_id``/``household_id``
already pseudonymous), in one pass with each row's unit
(:class:`~amebench.io.rejects.FileState` ``unit``), so that the per-unit rules
(duplicate ids, overlaps, activities of unknown episodes) hold within each unit. A
rejected row names the frame as its file (``"<episodes frame>"``) and its 1-based
position in the frame as its line; the reconciliation has a row per unit and frame.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd

from .. import schema
from ..exceptions import ColumnWarning, ProfileError, SchemaError, UnmappedCodeError, collecting, warn_caller
from ..network import Network
from ..privacy import looks_like_identity_number, redact_numbers
from .cells import BYTES, BytesCell, CoarsePeriod, as_text, is_numbers
from .convert import DATE_SERIAL, DATE_UNREAD, convert
from .profile import load_profile, table_profile
from .readers import RawTable, _typed_numbers
from .rules import settle
from .unitid import RESERVED_UNIT, check_name, check_unit_id, municipality_code

__all__ = ["network_from_frames", "CANONICAL_PROFILE"]

#: The profile canonical frames are read with.
CANONICAL_PROFILE = {
    "profile": {"name": "<canonical frames>", "person_id": "pseudonym", "household_id": "pseudonym",
                "codes_case": "ignore"},  # "Work" is work: the canonical codes differ in more than case
    "format": {
        "date_format": ["%Y-%m-%d"],  # with a time of day too (_without_time)
        "month_format": ["%Y-%m-%d", "%Y-%m"],
        "decimal": ".",
        "thousands": "",
        "missing_values": [],
        "true_values": ["true", "1"],  # 1 and 0: booleans as Stata and SAS keep them
        "false_values": ["false", "0"],
    },
}


#: Identifier columns: a whole float (pandas makes an integer column with a missing value
#: float) is written as the Excel and Parquet readers write it, "1" and not "1.0". The
#: unit column and the yes/no columns (1.0 is true) are written so too.
_ID_COLUMNS = ("episode_id", "person_id", "household_id")
_WHOLE = (*_ID_COLUMNS, "unit", *(c for t in schema.TABLES.values() for c, d in t.dtypes.items() if d == "boolean"))


def _text_of(frame: pd.DataFrame, column: str, table: str, *, coded: bool = False) -> pd.Series:
    """:func:`~amebench.io.cells.as_text` of one column; a SchemaError naming the rows whose text is not Unicode."""
    try:
        return as_text(frame[column], ids=column in _WHOLE, coded=coded)
    except UnicodeEncodeError:
        pass  # raised below, without the encoding error (it holds the cell) as its context
    except BytesCell:
        raise _bytes_error(frame, [column], table) from None
    except CoarsePeriod:
        raise SchemaError(f"the {table} frame's column {column} holds Periods longer than a month (quarters or "
                          "years): give the day or month each row is about") from None
    raise schema.not_unicode_error(frame[[column]], f"the {table} frame")


def _bytes_error(frame: pd.DataFrame, columns, table: str) -> SchemaError | None:
    """A SchemaError naming the rows of the first of ``columns`` that holds a cell of bytes, or None."""
    for column in columns:
        if frame[column].dtype != object and not isinstance(frame[column].dtype, pd.CategoricalDtype):
            continue
        held = np.fromiter((isinstance(v, BYTES) for v in frame[column].astype(object)), bool, len(frame))
        if held.any():
            rows, k = (np.flatnonzero(held)[:10] + 1).tolist(), int(held.sum())
            return SchemaError(
                f"the {table} frame's column {column} holds bytes, not text ({k} row{'s' if k != 1 else ''}, "
                f"first rows {rows}); decode them first, e.g. frame[{column!r}].str.decode('utf-8') (pd.read_sas "
                "gives text with its encoding argument, e.g. encoding='latin-1')"
            )
    return None


def _raw_table(frame: pd.DataFrame, table: str) -> tuple[RawTable, pd.Categorical]:
    """The frame as one export of every unit in it, and each row's unit."""
    if "unit" not in frame.columns:
        raise SchemaError(f"the {table} frame needs a 'unit' column "
                          f"(canonical columns: {schema.TABLES[table].columns})")
    frame = frame.reset_index(drop=True)
    missing = [c for c in schema.TABLES[table].required if c not in frame.columns]
    if missing:  # before the profile's reader, whose message speaks of mapped headers
        raise SchemaError(f"the {table} frame lacks the column(s) {missing}; its columns are "
                          f"{[redact_numbers(str(c), limit=40) for c in frame.columns]}: rename yours to the "
                          f"canonical names (frame.rename(columns={{...}}))")
    if table == "episodes" and "exited_on" not in frame.columns and _any_text(frame.get("exit_reason")):
        # every row with a reason would be rejected (a reason without an exit date), the rest
        # kept as ongoing: a warning about the columns scrolled past (newcomer review)
        raise SchemaError(f"the episodes frame has exit_reason but no exited_on column, so every exit would be "
                          f"rejected; its columns are {[redact_numbers(str(c), limit=40) for c in frame.columns]}: "
                          "rename the exit date column (frame.rename(columns={'exit_date': 'exited_on'}))")
    _warn_other_names(frame, table)
    if frame["unit"].isna().any():
        bad = np.flatnonzero(frame["unit"].isna().to_numpy())[:10] + 1
        raise SchemaError(f"the {table} frame has rows without a unit (rows {list(bad)})")
    codes, names = pd.factorize(_text_of(frame, "unit", table, coded=True))  # in the order units first appear
    for i, unit in enumerate(names):
        if looks_like_identity_number(unit) or unit == RESERVED_UNIT:
            rows = (np.flatnonzero(codes == i)[:10] + 1).tolist()
            check_unit_id(unit, where=f"the {table} frame (rows {rows}): unit", error=SchemaError, short=False)
    units = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(names, dtype=str)))
    cols = [c for c in frame.columns if c in schema.TABLES[table].dtypes and c != "unit"]
    # Categoricals of text, read as any reader's text (parse.trim_coded). Amounts, nearly all
    # distinct, are written out as text for the amounts parser, unless they are numbers:
    # convert takes those as they are (amounts.numeric_amounts)
    columns = {}
    for c in cols:
        if schema.TABLES[table].dtypes[c] == schema.DATE:
            if is_numbers(frame[c]) and frame[c].notna().any():
                raise SchemaError(_numeric_dates(table, c, "holds numbers, not dates"))
            rows = _nanosecond_numbers(frame[c])
            if len(rows):
                first = (rows[:10] + 1).tolist()
                raise SchemaError(_numeric_dates(
                    table, c, f"holds times within 1970-01-01 ({len(rows)} rows, first rows {first}): numbers read as "
                    "times"))
        if c == "amount_sek":
            columns[c] = frame[c] if is_numbers(frame[c]) else _text_of(frame, c, table)
        elif schema.TABLES[table].dtypes[c] == schema.DATE:
            columns[c] = _without_time(_text_of(frame, c, table, coded=True))
        else:
            columns[c] = _text_of(frame, c, table, coded=True)
    text = pd.DataFrame(columns)
    lines = np.arange(1, len(frame) + 1, dtype=np.int64)
    # an object column's numbers (Decimals of read_sql, floats among text) mean what they say
    numbers = _typed_numbers({"amount_sek": frame["amount_sek"]}, 1, lines) if "amount_sek" in columns else {}
    return RawTable(text, lines, f"<{table} frame>", numbers=numbers, from_frames=True), units


#: An ISO date with a time of day, as str() of a Timestamp and SQL exports write it
#: ("2024-01-31 00:00:00", "2024-01-31T08:30:00.000"): its day is the date.
_DATE_AND_TIME = r"^\s*([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*$"


def _without_time(text: pd.Series) -> pd.Series:
    """Date text (a categorical, as ``_text_of(coded=True)`` gives it; once per distinct value)
    with a time of day after an ISO date left out."""
    days = pd.Series(text.cat.categories).str.replace(_DATE_AND_TIME, r"\1", regex=True)
    if days.equals(pd.Series(text.cat.categories)):  # no time of day: nothing to recode (4M payment rows)
        return text
    new, categories = pd.factorize(days)  # "2024-01-31" and "2024-01-31 00:00:00" become one
    codes = text.cat.codes.to_numpy()
    return pd.Series(pd.Categorical.from_codes(np.where(codes >= 0, new[codes], -1), categories=categories),
                     index=text.index, name=text.name)


def _municipality_codes(codes: pd.Series) -> list:
    """Each code as :func:`~amebench.io.unitid.municipality_code` gives it (a whole float, as
    Stata and SAS keep numbers, taken as its integer); a SchemaError naming the rows of any
    other. Text that is not Unicode is left for :func:`amebench.schema.coerce_table` to name."""
    out, bad = [], []
    for row, code in enumerate(codes.astype(object), start=1):
        if pd.isna(code) or schema.no_utf8(code):
            out.append(None if pd.isna(code) else code)
            continue
        if isinstance(code, (float, np.floating)) and code.is_integer():
            code = int(code)
        out.append(municipality_code(code))
        if out[-1] is None:
            bad.append(row)
    if bad:
        raise SchemaError(f'the units frame\'s municipality_code must be 4 characters, e.g. "0123" (rows {bad[:10]})')
    return out


def _nanosecond_numbers(column: pd.Series) -> np.ndarray:
    """Positions of the datetimes within 1970-01-01 but not at its midnight: numbers
    (20240131, SAS day numbers) that ``pd.to_datetime`` read as nanoseconds after 1970.

    A column whose earliest time is later (nearly every one) is settled by its minimum.
    """
    if not pd.api.types.is_datetime64_any_dtype(column.dtype):
        return np.array([], dtype=np.intp)
    first = column.min()  # a datetime.date (Arrow date32) has no time of day
    if not isinstance(first, datetime.datetime) or pd.Timestamp(first).tz_localize(None) >= _DAY_AFTER_EPOCH:
        return np.array([], dtype=np.intp)
    naive = column.dt.tz_localize(None) if column.dt.tz is not None else column
    odd = (naive >= _EPOCH) & (naive < _DAY_AFTER_EPOCH) & (naive != naive.dt.normalize())
    return np.flatnonzero(odd.fillna(False).to_numpy(dtype=bool))


_EPOCH, _DAY_AFTER_EPOCH = pd.Timestamp("1970-01-01"), pd.Timestamp("1970-01-02")


def _not_canonical(table: str, unmapped: dict) -> str:
    """The error for values that are no canonical code, with rows per value and the fix."""
    found, fixes = [], []
    for column, values in unmapped.items():
        counts = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{redact_numbers(v, limit=80)!r} ({k} row{'s' if k != 1 else ''})" for v, k in counts[:10])
        more = f" and {len(counts) - 10} more" if len(counts) > 10 else ""
        if column in schema.CODE_LISTS:
            found.append(f"{column}: {shown}{more} (canonical codes, in any case: {list(schema.CODE_LISTS[column])})")
            example = next((v for v, _ in counts if redact_numbers(v, limit=80) == v), None)
            if example is not None:  # a value shown hidden cannot be the example of a replace
                fixes.append(f"frame[{column!r}] = frame[{column!r}].astype('string').replace("
                             f"{{{example!r}: '<canonical code>', ...}})")
        else:
            found.append(f"{column}: {shown}{more} (yes/no: True/False, 1/0 or 'true'/'false')")
    fix = f"; map them first, e.g. {'; '.join(fixes)}" if fixes else ""
    return f"the {table} frame holds values that are not canonical codes: {'; '.join(found)}{fix}"


def _no_dates_read(st) -> None:
    """A SchemaError for a date column of text none of whose cells is an ISO date
    (``31/01/2024``, ``20240131`` as text): every row was rejected, the network empty.
    A day that does not exist in ISO form (``2024-02-30``) is its row's reject."""
    failed: dict[str, list] = {}
    for pos, column, shown, why in st.problems:
        if why.startswith((DATE_UNREAD, DATE_SERIAL)):
            failed.setdefault(column, []).append(shown)
    for column, shown in failed.items():
        values = np.concatenate(shown)
        iso = pd.Series(values, dtype=object).astype(str).str.fullmatch(r"\s*[0-9]{4}-[0-9]{1,2}(?:-[0-9]{1,2})?\s*")
        if not st.frame[column].notna().any() and not iso.any():
            example = ", ".join(repr(v) for v in dict.fromkeys(values[:3]))
            compact = str(values[0]).strip().isdigit()
            form, other = (("%Y-%m", "'%Y%m' for 202401") if column == "month" else
                           ("%Y-%m-%d", "'%Y%m%d' for 20240131" if compact else "'%d/%m/%Y' for 31/01/2024"))
            raise SchemaError(f"the {st.table} frame's column {column} holds no date in ISO form ({form}), e.g. "
                              f"{example}; convert it first with its own format: pd.to_datetime(frame[{column!r}], "
                              f"format=...), e.g. format={other}")


def _numeric_dates(table: str, column: str, holds: str) -> str:
    """The error for a date or month column of numbers (20240131, SAS day numbers, 202401)."""
    form, example = ("%Y%m", "202401") if column == "month" else ("%Y%m%d", "20240131")
    return (f"the {table} frame's column {column} {holds}; convert the numbers first, e.g. numbers like "
            f"{example}: pd.to_datetime(frame[{column!r}].astype('Int64').astype('string'), format={form!r}) "
            "(pd.to_datetime of the numbers themselves reads them as nanoseconds after 1970-01-01; SAS day "
            "numbers: pd.to_datetime(frame[...], unit='D', origin='1960-01-01'))")


#: Columns of which a frame needs one: the other is not lacking when this one is given.
_EITHER = {"person_id": "household_id", "household_id": "person_id",
           "measured_on": "days_after_exit", "days_after_exit": "measured_on"}


#: Columns pandas makes of an index (reset_index, to_csv then read_csv): never a canonical
#: column under another name, so they alone do not warn.
_INDEX_LEFTOVER = re.compile(r"index|level_\d+|Unnamed: \d+")


def _any_text(values: pd.Series | None) -> bool:
    """Whether ``values`` (a column, or None) holds a cell that is not missing or blank."""
    return values is not None and bool(values.astype("string").str.strip().replace("", pd.NA).notna().any())


def _warn_other_names(frame: pd.DataFrame, table: str) -> None:
    """A ColumnWarning when the frame has columns that are not canonical and lacks canonical
    ones: ``exit_date`` for ``exited_on`` rejected most rows (a reason without an exit),
    ``reason`` for ``exit_reason`` made every rate 0, without a word."""
    spec = schema.TABLES[table]
    extra = list(dict.fromkeys(str(c) for c in frame.columns
                               if c not in spec.columns and not _INDEX_LEFTOVER.fullmatch(str(c))))
    lacking = [c for c in spec.columns if c not in frame.columns and _EITHER.get(c) not in frame.columns]
    if extra and lacking:
        shown = [redact_numbers(c, limit=40) for c in extra]
        warn_caller(ColumnWarning(
            f"the {table} frame's column(s) {shown} are not canonical and are left out, and it lacks the "
            f"canonical column(s) {lacking}, read as missing: if some are the same, rename them "
            f"(frame.rename(columns={{{shown[0]!r}: <canonical name>}})); drop the others to silence this warning"
            + (_GROUP_HINT if table == "episodes" else ""),
            table=table, extra=shown, lacking=lacking))
    elif extra and table == "episodes":  # a programme, a district: a column to group by, not lost in silence
        shown = [redact_numbers(c, limit=40) for c in extra]
        warn_caller(ColumnWarning(
            f"the episodes frame's column(s) {shown} are not canonical and are left out of the network; to group "
            f"results by one, add it to a cohort: cohort.assign({_name(shown[0])}=frame.set_index(['unit', "
            f"'episode_id'])[{shown[0]!r}]) (drop the columns to silence this warning)",
            table=table, extra=shown, lacking=[]))


_GROUP_HINT = (" (a column of your own, such as a programme, is grouped by when added to a cohort: "
               "cohort.assign(name=frame.set_index(['unit', 'episode_id'])[column]))")


def _name(column: str) -> str:
    """``column`` as a keyword argument's name where it is one, else a placeholder."""
    return column if column.isidentifier() else "name"


def _check_frame(frame, table: str) -> None:
    """A SchemaError unless ``frame`` is None or a DataFrame with at most one of each canonical column.

    Other columns are dropped, so they may repeat.
    """
    if frame is None:
        return
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError(f"{table} must be a pandas DataFrame, not {type(frame).__name__}")
    names = frame.columns
    repeated = names[names.duplicated() & names.isin(schema.TABLES[table].columns)].unique().tolist()
    if repeated:
        raise SchemaError(f"the {table} frame has more than one column named {repeated}; keep one of each")


def network_from_frames(*, episodes, units, activities, followups, payments, as_of, name, strict):
    """Validate and coerce canonical frames into a :class:`~amebench.network.Network`."""
    profile = load_profile(CANONICAL_PROFILE, source="<canonical frames>")
    given = {"episodes": episodes, "activities": activities, "followups": followups, "payments": payments}
    for table, frame in {"units": units, **given}.items():
        _check_frame(frame, table)
    states = []
    if units is not None:  # the units' coercion decoded bytes as UTF-8, or named its decode error
        error = _bytes_error(units, [c for c in units.columns if c in schema.UNITS.columns], "units")
        if error is not None:
            raise error
    if units is not None and "unit" in units:  # checked before the other frames are read
        units = units.assign(unit=_text_of(units, "unit", "units").where(units["unit"].notna().to_numpy(), None))
        for row, unit in enumerate(units["unit"], start=1):
            check_unit_id(unit, where=f"the units frame (row {row}): unit", error=SchemaError, short=False)
    if units is not None and "name" in units:
        for row, shown in enumerate(units["name"], start=1):
            check_name(shown, where=f"the units frame (row {row}): name", error=SchemaError)
    if units is not None and "municipality_code" in units:
        units = units.assign(municipality_code=pd.Series(_municipality_codes(units["municipality_code"]),
                                                         index=units.index, dtype=object))
    with collecting() as found:
        for table, frame in given.items():
            if frame is None:
                continue
            raw, row_units = _raw_table(frame, table)
            if units is not None and "unit" in units:  # summary() and the report list the units frame's units
                lacking = list(pd.Index(row_units.categories).difference(units["unit"].dropna(), sort=False))
                if lacking:
                    raise SchemaError(f"the units frame lacks units {lacking[:10]} of the {table} frame; add a row "
                                      "(unit, name) for each, or leave units out to name each unit by its id")
            if not len(row_units):
                continue
            try:
                states.append(convert(raw, table_profile(profile, table), profile, unit=row_units, key=None,
                                      as_of=as_of))
                _no_dates_read(states[-1])
            except UnmappedCodeError as exc:
                raise SchemaError(_not_canonical(table, exc.unmapped)) from None
            except ProfileError as exc:
                column = getattr(exc, "raw_numbers", None)
                if column is None:
                    raise
                behind = getattr(exc, "behind_letters", False)  # "P198112189876": the letters off first
                strip = (f"take the letters off (frame['{column}'].str.replace(r'^[A-Za-z]+\\W?\\s*', '', "
                         "regex=True)) and " if behind else "")
                raise ProfileError(  # the type callers know, with a fix a frame's owner can make
                    f"the {table} frame's {column} looks like raw identity numbers{' behind letters' if behind else ''}"
                    f"; from_frames takes {column} as pseudonyms: {strip}pseudonymise the numbers first "
                    f"(amebench.privacy.pseudonymise_column(frame['{column}'], key, as_of)), or read the export "
                    f'through a profile with {column} = "personnummer"'
                ) from None
    tables, rejects, rec, read = settle(states, strict=strict, as_of=as_of, found=found)
    if units is None:
        ids = list(dict.fromkeys(as_text(episodes["unit"], ids=True))) if "unit" in episodes else []
        units = pd.DataFrame({"unit": ids, "name": ids})
    return Network(
        units=schema.coerce_table(units, schema.UNITS),
        **tables,
        rejects=rejects,
        reconciliation=rec,
        as_of=as_of,
        name=name,
        meta={"read_warnings": read} if read else {},
    )
