"""The canonical tables of amebench: columns, dtypes, code lists and outcome groups.

This module is the one place where the data model (docs/concepts.md, "Canonical tables") is written
down. Readers coerce every export to these tables, and every metric reads them.

Each table is a :class:`TableSpec`: an ordered mapping of column name to pandas
dtype, the columns an export must provide (``required``), and the columns that
together identify a row (``key``). Code lists are closed vocabularies stored as
pandas ``Categorical`` with the categories below, in this order.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .exceptions import SchemaError

__all__ = [
    "AMOUNTS_HIGH",
    "AMOUNTS_LOW",
    "EXIT_REASONS",
    "REFERRALS",
    "READINESS",
    "GENDERS",
    "ACTIVITIES",
    "FOLLOWUP_STATUSES",
    "FOLLOWUP_SOURCES",
    "CODE_LISTS",
    "OUTCOME_GROUPS",
    "AGE_BANDS",
    "TableSpec",
    "TABLES",
    "UNITS",
    "EPISODES",
    "ACTIVITIES_TABLE",
    "FOLLOWUPS",
    "PAYMENTS",
    "REJECTS",
    "RECONCILIATION",
    "outcome_reasons",
    "unknown_outcome",
    "age_band",
    "empty_table",
    "not_unicode_error",
    "no_utf8",
    "coerce_table",
    "coerce_column",
]

# --- code lists (docs/concepts.md) ---------------------------------------------

EXIT_REASONS: tuple[str, ...] = (
    "work",  # regular job, no subsidy
    "work_subsidised",  # regular job with a wage subsidy: lönebidrag, nystartsjobb ...
    "work_programme",  # municipal labour-market employment, extratjänst, OSA in the programme
    "self_employed",
    "studies",  # education giving the right to student aid
    "care",  # treatment, rehabilitation
    "other_agency",  # moved to another agency's programme
    "moved",
    "leave",  # parental or sick leave
    "returned_to_welfare",  # sent back to försörjningsstöd without a plan
    "dropped_out",
    "other",
    "unknown",
)
REFERRALS: tuple[str, ...] = (
    "social_services",
    "employment_service",
    "social_insurance",
    "self",
    "other",
    "unknown",
)
READINESS: tuple[str, ...] = ("near", "uncertain", "far", "unknown")
GENDERS: tuple[str, ...] = ("woman", "man", "other", "unknown")
ACTIVITIES: tuple[str, ...] = (
    "assessment",
    "work_practice",
    "work_training",
    "education",
    "job_search",
    "language",
    "coaching",
    "subsidised_job",
    "other",
)
FOLLOWUP_STATUSES: tuple[str, ...] = (
    "work",
    "work_subsidised",
    "work_programme",
    "self_employed",
    "studies",
    "job_seeking",
    "welfare",
    "other",
    "unknown",
)
FOLLOWUP_SOURCES: tuple[str, ...] = ("survey", "register", "case_file")

#: Column name -> closed vocabulary, for every categorical column of every table.
CODE_LISTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "exit_reason": EXIT_REASONS,
        "referral": REFERRALS,
        "readiness": READINESS,
        "gender": GENDERS,
        "activity": ACTIVITIES,
        "status": FOLLOWUP_STATUSES,
        "source": FOLLOWUP_SOURCES,
    }
)

#: Default outcome groups: name -> exit reasons (and follow-up statuses) that count.
#: ``work`` follows Kolada's "började arbeta": municipal programme jobs do not count.
OUTCOME_GROUPS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "work": frozenset({"work", "work_subsidised", "self_employed"}),
        "studies": frozenset({"studies"}),
        "work_or_studies": frozenset({"work", "work_subsidised", "self_employed", "studies"}),
    }
)

#: Age bands at enrolment (age = enrolment year - birth year), labels and lower bounds.
AGE_BANDS: tuple[tuple[str, int], ...] = (
    ("16-24", 16),
    ("25-34", 25),
    ("35-44", 35),
    ("45-54", 45),
    ("55-64", 55),
    ("65+", 65),
)
_AGE_UNKNOWN = "unknown"


def unknown_outcome(outcome: str, *, sets: bool = True) -> SchemaError:
    """The error for an outcome name that is neither a group nor an exit reason, with the
    nearest name; ``sets``: whether the caller also takes a set of exit reasons (the CLI
    takes one name)."""
    near = difflib.get_close_matches(outcome.strip().lower(), [*OUTCOME_GROUPS, *EXIT_REASONS], n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    reasons = "an exit reason, or a set of exit reasons" if sets else "or one exit reason"
    return SchemaError(f"unknown outcome {outcome!r}{hint}: use one of {sorted(OUTCOME_GROUPS)}, "
                       f"{reasons} from {list(EXIT_REASONS)}")


def outcome_reasons(outcome: str | frozenset[str] | set[str] | tuple[str, ...]) -> frozenset[str]:
    """Return the set of exit reasons counted as the outcome ``outcome``.

    Parameters
    ----------
    outcome
        The name of an outcome group in :data:`OUTCOME_GROUPS` (``"work"``,
        ``"studies"``, ``"work_or_studies"``), or an explicit collection of exit
        reasons, for example ``{"work", "studies", "work_programme"}``.

    Raises
    ------
    SchemaError
        If the name is not a group or a reason is not a canonical exit reason.
    """
    if isinstance(outcome, str):
        if outcome in OUTCOME_GROUPS:
            return OUTCOME_GROUPS[outcome]
        if outcome in EXIT_REASONS:
            return frozenset({outcome})
        raise unknown_outcome(outcome)
    reasons = frozenset(outcome)
    unknown = sorted(reasons - set(EXIT_REASONS))
    if unknown or not reasons:
        raise SchemaError(
            f"outcome {sorted(reasons)!r} holds codes that are not exit reasons: {unknown}; "
            f"canonical exit reasons are {list(EXIT_REASONS)}"
        )
    return reasons


def age_band(age: pd.Series) -> pd.Series:
    """Return the age band (a Categorical over :data:`AGE_BANDS` + ``unknown``) of ages in years."""
    labels = [label for label, _ in AGE_BANDS]
    edges = [low for _, low in AGE_BANDS] + [200]
    banded = pd.cut(age.astype("Float64"), bins=edges, right=False, labels=labels)
    out = banded.cat.add_categories([_AGE_UNKNOWN]).fillna(_AGE_UNKNOWN)
    return out


# --- tables -------------------------------------------------------------------

STRING = pd.StringDtype()
DATE = "datetime64[ns]"


def _category(column: str) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(categories=list(CODE_LISTS[column]), ordered=False)


@dataclass(frozen=True)
class TableSpec:
    """The columns of one canonical table.

    Attributes
    ----------
    name
        Table name, as the attribute on :class:`amebench.Network`.
    dtypes
        Column name -> pandas dtype, in canonical column order.
    required
        Columns an export must provide; the others may be absent (filled with missing).
    key
        Columns that identify a row (no two rows may share them).
    """

    name: str
    dtypes: Mapping[str, object]
    required: tuple[str, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return list(self.dtypes)

    @property
    def dates(self) -> list[str]:
        return [c for c, d in self.dtypes.items() if d == DATE]

    @property
    def categoricals(self) -> list[str]:
        return [c for c in self.dtypes if c in CODE_LISTS]


UNITS = TableSpec(
    "units",
    {
        "unit": STRING,
        "name": STRING,
        "municipality_code": STRING,  # SCB kommunkod, 4 characters, leading zero kept
        "annual_cost_sek": "Float64",
        "population": "Int64",
    },
    required=("unit",),
    key=("unit",),
)

EPISODES = TableSpec(
    "episodes",
    {
        "unit": STRING,
        "episode_id": STRING,
        "person_id": STRING,  # pseudonymous key (DESIGN.md §6)
        "enrolled_on": DATE,
        "exited_on": DATE,  # NaT while ongoing
        "exit_reason": _category("exit_reason"),  # NaN while ongoing
        "referral": _category("referral"),
        "readiness": _category("readiness"),
        "gender": _category("gender"),
        "birth_year": "Int64",
        "born_abroad": "boolean",
        "household_id": STRING,
    },
    required=("episode_id", "person_id", "enrolled_on"),
    key=("unit", "episode_id"),
)

ACTIVITIES_TABLE = TableSpec(
    "activities",
    {
        "unit": STRING,
        "episode_id": STRING,
        "activity": _category("activity"),
        "started_on": DATE,
        "ended_on": DATE,
    },
    required=("episode_id", "activity", "started_on"),
)

FOLLOWUPS = TableSpec(
    "followups",
    {
        "unit": STRING,
        "episode_id": STRING,
        "measured_on": DATE,
        "days_after_exit": "Int64",
        "status": _category("status"),
        "source": _category("source"),
        "responded": "boolean",
    },
    required=("episode_id",),
)

PAYMENTS = TableSpec(
    "payments",
    {
        "unit": STRING,  # the paying municipality's unit
        "person_id": STRING,
        "household_id": STRING,
        "month": DATE,  # first day of the month
        "amount_sek": "float64",
    },
    required=("month", "amount_sek"),
)

#: A file's median monthly payment (SEK) outside these bounds is no welfare in the unit it
#: was read in, and its read warns (``ReadWarning``, kinds ``"amounts_low"`` and
#: ``"amounts_high"``). Below 100 kr: whole kronor read as öre. Above 50,000 kr: öre read
#: as kronor (the national norm for a family of six is under 30,000 a month, and a large
#: family's rent rarely brings it to 50,000; 50,000 öre is 500 kr).
AMOUNTS_LOW, AMOUNTS_HIGH = 100, 50_000

REJECTS = TableSpec(
    "rejects",
    {
        "unit": STRING,
        "table": STRING,
        "file": STRING,
        "line": "Int64",  # 1-based line in the file (header = line 1), or row in a sheet
        "column": STRING,  # the export's own column name, as in the file
        "value": STRING,  # never a raw personal identity number
        "reason": STRING,
        # the line of the loaded row this one conflicts with: the first row of a repeated
        # episode id, the episode an overlapping one overlaps; missing for other reasons
        "other_line": "Int64",
    },
    required=("file", "reason"),
)

#: Per file: rows read, loaded and rejected. rows_read == rows_loaded + rows_rejected.
RECONCILIATION = TableSpec(
    "reconciliation",
    {
        "unit": STRING,
        "table": STRING,
        "file": STRING,
        "rows_read": "Int64",
        "rows_loaded": "Int64",
        "rows_rejected": "Int64",
        "rows_repeated": "Int64",  # loaded rows equal in every column, as read, to an earlier loaded row
        "repeated_lines": STRING,  # the first three of them: "line 41 repeats line 40, line 97 repeats line 12"
    },
    required=("file", "rows_read", "rows_loaded", "rows_rejected"),
)

TABLES: Mapping[str, TableSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (UNITS, EPISODES, ACTIVITIES_TABLE, FOLLOWUPS, PAYMENTS, REJECTS, RECONCILIATION)
    }
)


#: id(spec) -> (spec, its empty table): building one costs 4-9 ms, a copy 0.1-0.5 ms, and a
#: network from frames makes several (the tables it is not given, its empty rejects).
_EMPTY: dict[int, tuple[TableSpec, pd.DataFrame]] = {}


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """Return an empty DataFrame with the columns and dtypes of ``spec`` (a new one each call)."""
    cached = _EMPTY.get(id(spec))
    if cached is None or cached[0] is not spec:
        cached = _EMPTY[id(spec)] = (spec, pd.DataFrame({c: pd.Series(dtype=d) for c, d in spec.dtypes.items()}))
    return cached[1].copy()


def coerce_table(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Return ``frame`` with exactly the columns of ``spec``, in order, in canonical dtypes.

    Missing optional columns are added as all-missing; extra columns are dropped.
    Values must already be canonical (codes in the code lists, dates parseable):
    this is a cast, not a validation; readers validate before they call it.

    Raises
    ------
    SchemaError
        If a required column is missing or a value cannot be cast.
    """
    missing = [c for c in spec.required if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"table {spec.name!r} lacks required column(s) {missing}; "
            f"canonical columns are {spec.columns}"
        )
    if list(frame.columns) == spec.columns and all(
        frame[c].dtype == d for c, d in spec.dtypes.items()
    ):
        # Already canonical (e.g. read back from Parquet): no cast, and no copy of the
        # columns into consolidated blocks (pandas copies when it builds a new frame).
        return frame.reset_index(drop=True)
    out = {}
    n = len(frame)
    for column, dtype in spec.dtypes.items():
        if column not in frame.columns:
            out[column] = (pd.Series(pd.NA if dtype != DATE else pd.NaT, index=frame.index, dtype=dtype) if n
                           else pd.Series(dtype=dtype))
            continue
        out[column] = coerce_column(frame[column], spec, column)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def not_unicode_error(frame: pd.DataFrame, what: str) -> SchemaError:
    """The error for a frame some of whose text cells are not valid Unicode.

    A lone surrogate (text decoded with ``errors="surrogateescape"``, say) has no UTF-8
    form, so no canonical text column or Parquet file can hold it. The error names
    ``what`` (e.g. "the episodes frame"), the first such column and its rows; the cell
    is not echoed: it may be an identity number. Raise it outside the ``except`` block
    of the encoding error, whose message and ``object`` hold the cell.
    """
    found = _not_unicode_rows(frame)
    if found is None:
        return SchemaError(f"{what} holds text that is not valid Unicode")
    column, rows = found
    return SchemaError(
        f"{what}, column {column!r}: {len(rows)} cell(s) hold text that is not valid Unicode "
        f"(a lone surrogate, as from decoding bytes with errors='surrogateescape'; rows {rows[:10]}); "
        "decode the source with its true encoding"
    )


def no_utf8(v) -> bool:
    """Whether ``v`` is text without a UTF-8 form (a lone surrogate)."""
    if not isinstance(v, str):
        return False
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _not_unicode_rows(frame: pd.DataFrame) -> tuple[str, list[int]] | None:
    """The first column of ``frame`` with text that has no UTF-8 form, and those cells' 1-based rows."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            bad = [i for i, v in enumerate(values.cat.categories) if no_utf8(v)]
            rows = (np.flatnonzero(np.isin(values.cat.codes.to_numpy(), bad)) + 1).tolist() if bad else []
        elif values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            rows = [i + 1 for i, v in enumerate(values.tolist()) if no_utf8(v)]
        else:
            continue
        if rows:
            return column, rows
    return None


def coerce_column(values: pd.Series, spec: TableSpec, column: str) -> pd.Series:
    """Return one column of ``spec``'s table in its canonical dtype (see :func:`coerce_table`).

    Raises
    ------
    SchemaError
        If a value cannot be cast. Text that is not valid Unicode gives
        :func:`not_unicode_error`, which does not echo the cell, whatever the dtype
        (a number column's cast fails with a ValueError quoting it).
    """
    dtype = spec.dtypes[column]
    try:
        if values.dtype == dtype:  # already canonical (e.g. read back from Parquet)
            return values
        if isinstance(dtype, pd.CategoricalDtype):
            return _as_codes(values, dtype, spec.name, column)
        if dtype == DATE:
            return pd.to_datetime(values).astype(DATE)
        return values.astype(dtype)
    except SchemaError:
        raise
    except (TypeError, ValueError) as exc:  # a UnicodeEncodeError too
        reason = None if isinstance(exc, UnicodeEncodeError) else str(exc)
    # raised here, outside the except block: the failed cast (it may hold the cell) is not the context
    frame = values.to_frame(column)
    if reason is None or _not_unicode_rows(frame) is not None:
        raise not_unicode_error(frame, f"table {spec.name!r}")
    raise SchemaError(f"table {spec.name!r}, column {column!r} cannot be read as {dtype}: {reason}")


def _as_codes(values: pd.Series, dtype: pd.CategoricalDtype, table: str, column: str) -> pd.Series:
    """Cast to a categorical of canonical codes, looking up each distinct value once.

    The same as checking ``values.astype(object).isin(categories)`` and casting with
    ``astype(dtype)`` row by row, but the hashing of millions of rows happens once in
    ``pandas.factorize`` and only the few distinct values are compared with the codes.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = pd.Index(list(dtype.categories), dtype=object).get_indexer(
        pd.Index(np.asarray(uniques, dtype=object), dtype=object))
    if (lookup < 0).any():
        bad = pd.Series(np.asarray(uniques, dtype=object)[lookup < 0])
        raise SchemaError(
            f"table {table!r}, column {column!r}: values "
            f"{sorted(set(bad.astype(str)))[:10]} are not canonical codes "
            f"{list(dtype.categories)}"
        )
    mapped = np.append(lookup, -1)[codes]  # code -1 (missing) stays missing
    return pd.Series(pd.Categorical.from_codes(mapped, dtype=dtype), index=values.index,
                     name=values.name)
