"""Mapping profiles: read and check the TOML that maps one unit's export (docs/profiles.md)."""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .. import schema
from ..exceptions import ProfileError
from ..privacy import redact_numbers
from .parse import _STRIP

__all__ = ["Profile", "TableProfile", "load_profile", "table_profile", "FILE_TABLES", "BOOLEAN_COLUMNS"]

#: Tables a unit's files can hold, in reading order (episodes first: the others refer to it).
FILE_TABLES = ("episodes", "activities", "followups", "payments")
BOOLEAN_COLUMNS = ("born_abroad", "responded")

FORMAT_DEFAULTS: dict[str, Any] = {
    "encoding": "auto",
    "delimiter": ";",
    "decimal": ",",
    "thousands": " ",
    "amount_unit": "kr",
    "date_format": ["%Y-%m-%d"],
    "month_format": ["%Y-%m", "%Y%m", "%Y-%m-%d"],
    "sheet": None,
    "header_row": 1,
    "date_serials": False,
    "true_values": ["ja", "j", "1", "true", "yes"],
    "false_values": ["nej", "n", "0", "false", "no"],
    "missing_values": ["", "-", "NA", "saknas", "uppgift saknas"],
}
_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16", "auto")
_DELIMITERS = (";", ",", "\t", "|")
_DECIMALS = (",", ".")
_THOUSANDS = (" ", ".", ",", "")
_AMOUNT_UNITS = ("kr", "öre")
_PROFILE_KEYS = ("name", "person_id", "household_id", "codes_case")
_TABLE_KEYS = tuple(FORMAT_DEFAULTS) + ("columns", "derive", "constants", "codes")
_ID_MODES = ("personnummer", "pseudonym")


@dataclass(frozen=True)
class TableProfile:
    """How one table's file is read: format options, column map, constants, code tables."""

    table: str
    fmt: Mapping[str, Any]
    columns: Mapping[str, str] | None  # canonical -> header; None: canonical headers
    constants: Mapping[str, Any]
    codes: Mapping[str, Mapping[str, Any]]
    derive: Mapping[str, str]


@dataclass(frozen=True)
class Profile:
    """A checked mapping profile (see docs/profiles.md)."""

    source: str  # the file, as shown in messages
    name: str
    person_id: str
    household_id: str
    codes_case: str
    fmt: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, TableProfile] = field(default_factory=dict)


def _closest(key: str, valid) -> str:
    near = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    return f"; did you mean {near[0]!r}?" if near else f"; valid keys are {sorted(valid)}"


def _check_keys(section: Mapping, valid, where: str, source: str) -> None:
    for key in section:
        if key not in valid:
            raise ProfileError(f"{source}: unknown key {key!r} in {where}{_closest(key, valid)}")


#: The one pair of canonical columns that may read one header: a household keyed by its
#: applicant's identity number (household_id = person_id).
_SHARED_HEADER = {"person_id", "household_id"}


def _section(raw: Mapping, key: str, source: str, table: str | None = None) -> Mapping:
    """Return the table ``key`` of ``raw`` (empty if absent); any other TOML value is an error."""
    value = raw.get(key, {})
    if isinstance(value, Mapping):
        return value
    where, section = (f"[{table}] {key}", f"[{table}.{key}]") if table else (f"[{key}]", f"[{key}]")
    kind = {str: "text", list: "a list", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), "a value")
    raise ProfileError(f"{source}: {where} must be a table: "
                       f"a section {section} with one key = value per line, not {kind}")


def _check_date_formats(formats: list[str], key: str, where: str, source: str) -> None:
    """Refuse a format with no directive (it parses no date) or one pandas cannot read (%Q)."""
    for f in formats:
        if "%" not in f:
            raise ProfileError(f"{source}: {where} {key} {f!r} has no strftime directive; write e.g. \"%Y-%m-%d\"")
        try:
            pd.to_datetime(["2024-03-01"], format=f, errors="coerce")
        except ValueError as exc:
            raise ProfileError(f"{source}: {where} {key} {f!r} is not a strftime format ({exc})") from None


def _as_list(value, key: str, where: str, source: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
        return list(value)
    raise ProfileError(f"{source}: {where} {key} must be a string or a list of strings")


def _check_format(raw: Mapping, where: str, source: str) -> dict:
    out = {}
    for key, value in raw.items():
        if key not in FORMAT_DEFAULTS:
            continue
        bad = None
        if key == "encoding" and value not in _ENCODINGS:
            bad = _ENCODINGS
        elif key == "delimiter" and value not in _DELIMITERS:
            bad = _DELIMITERS
        elif key == "decimal" and value not in _DECIMALS:
            bad = _DECIMALS
        elif key == "thousands" and value not in _THOUSANDS:
            bad = _THOUSANDS
        elif key == "amount_unit":
            value = unicodedata.normalize("NFC", value) if isinstance(value, str) else value  # "o" + U+0308
            bad = None if value in _AMOUNT_UNITS else _AMOUNT_UNITS
        if bad is not None:
            raise ProfileError(f"{source}: {where} {key} = {value!r} is not one of {list(bad)}")
        if key in ("date_format", "month_format", "true_values", "false_values", "missing_values"):
            if not (key == "missing_values" and value == []):
                value = _as_list(value, key, where, source)
            if key in ("date_format", "month_format"):
                _check_date_formats(value, key, where, source)
        elif key == "header_row" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ProfileError(f"{source}: {where} header_row must be a whole number >= 1")
        elif key == "sheet" and not isinstance(value, (str, int)):
            raise ProfileError(f"{source}: {where} sheet must be a sheet name")
        elif key == "date_serials" and not isinstance(value, bool):
            raise ProfileError(f"{source}: {where} date_serials must be true or false")
        out[key] = value
    if "decimal" in out and "thousands" in out and out["decimal"] == out["thousands"]:
        raise ProfileError(f"{source}: {where} decimal and thousands must differ")
    return out


def _table_profile(table: str, raw: Mapping, base_fmt: dict, source: str) -> TableProfile:
    if not isinstance(raw, Mapping):
        raise ProfileError(f"{source}: [{table}] must be a table")
    _check_keys(raw, _TABLE_KEYS, f"[{table}]", source)
    spec = schema.TABLES[table]
    canon = [c for c in spec.columns if c != "unit"]
    fmt = dict(base_fmt)
    fmt.update(_check_format(raw, f"[{table}]", source))
    if fmt["decimal"] == fmt["thousands"]:
        raise ProfileError(f"{source}: [{table}] decimal and thousands must differ")
    columns = _section(raw, "columns", source, table) if "columns" in raw else None
    if columns is not None:
        _check_keys(columns, canon, f"[{table}.columns]", source)
        for k, v in columns.items():
            if not isinstance(v, str) or not v.strip():
                raise ProfileError(f"{source}: [{table}.columns] {k} must be a column header (text)")
        columns = {k: unicodedata.normalize("NFC", v.strip().lstrip("\ufeff")) for k, v in columns.items()}
        first: dict[str, str] = {}
        for k, v in columns.items():  # two canonical columns read from one header: a slip ...
            if v in first and {first[v], k} != _SHARED_HEADER:  # ... but a household keyed by its applicant
                raise ProfileError(f"{source}: [{table}.columns] {first[v]} and {k} both read the header {v!r}; "
                                   "each canonical column needs its own column of the export")
            first[v] = k
    constants = dict(_section(raw, "constants", source, table))
    _check_keys(constants, canon, f"[{table}.constants]", source)
    for k, v in constants.items():
        if columns and k in columns:
            raise ProfileError(f"{source}: {k} is both mapped in [{table}.columns] and set in [{table}.constants]")
        if k in schema.CODE_LISTS and v not in schema.CODE_LISTS[k]:
            raise ProfileError(
                f"{source}: [{table}.constants] {k} = {v!r} is not a canonical code; "
                f"use one of {list(schema.CODE_LISTS[k])}"
            )
    derive = dict(_section(raw, "derive", source, table))
    _check_keys(derive, ("birth_year_from",) if table == "episodes" else (), f"[{table}.derive]", source)
    if derive and derive.get("birth_year_from") != "person_id":
        raise ProfileError(f'{source}: [{table}.derive] birth_year_from must be "person_id"')
    code_cols = [c for c in spec.columns if c in schema.CODE_LISTS or c in BOOLEAN_COLUMNS]
    codes = {}
    raw_codes = _section(raw, "codes", source, table)
    _check_keys(raw_codes, code_cols, f"[{table}.codes]", source)
    for col, mapping in raw_codes.items():
        where = f"[{table}.codes.{col}]"
        if not isinstance(mapping, Mapping):
            raise ProfileError(f"{source}: {where} must be a table of local code = canonical code")
        for local, target in mapping.items():
            if col in BOOLEAN_COLUMNS:
                if not isinstance(target, bool):
                    raise ProfileError(f"{source}: {where} {local!r} must map to true or false")
            elif target not in schema.CODE_LISTS[col]:
                raise ProfileError(
                    f"{source}: {where} {local!r} = {target!r} is not a canonical code"
                    f"{_closest(str(target), schema.CODE_LISTS[col]).replace('keys', 'codes')}"
                )
        _check_same_codes(f"[{table}.codes.{col}]", mapping, _code_key, "the same code", source)
        codes[col] = {_code_key(k): v for k, v in mapping.items()}
    return TableProfile(table, fmt, columns, constants, codes, derive)


def load_profile(profile, *, source: str | None = None) -> Profile:
    """Read and check a mapping profile.

    Parameters
    ----------
    profile
        A path to a profile TOML file, or an already-parsed dict of the same shape.
    source
        How the profile is named in messages (default: the path, or ``"<profile dict>"``).

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        On any key not in docs/profiles.md (naming the file, the key and the closest
        valid key) or a bad value.
    """
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, Mapping):
        raw, source = profile, source or "<profile dict>"
    else:
        path = Path(profile)
        source = source or str(profile)
        if not path.is_file():
            raise ProfileError(f"profile {source} does not exist")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProfileError(f"{source} is not valid TOML: {exc}") from None
    _check_keys(raw, ("profile", "format") + FILE_TABLES, "the profile's top level", source)
    head = _section(raw, "profile", source)
    _check_keys(head, _PROFILE_KEYS, "[profile]", source)
    person_mode = head.get("person_id", "personnummer")
    household_mode = head.get("household_id", "pseudonym")
    for key, mode in (("person_id", person_mode), ("household_id", household_mode)):
        if mode not in _ID_MODES:
            raise ProfileError(f"{source}: [profile] {key} = {mode!r} is not one of {list(_ID_MODES)}")
    codes_case = head.get("codes_case", "exact")
    if codes_case not in ("exact", "ignore"):
        raise ProfileError(f'{source}: [profile] codes_case must be "exact" or "ignore"')
    fmt_raw = _section(raw, "format", source)
    _check_keys(fmt_raw, FORMAT_DEFAULTS, "[format]", source)
    base = dict(FORMAT_DEFAULTS)
    base.update(_check_format(fmt_raw, "[format]", source))
    tables = {t: _table_profile(t, raw[t], base, source) for t in FILE_TABLES if t in raw}
    if codes_case == "ignore":
        for tp in tables.values():
            for column, mapping in tp.codes.items():
                _check_same_codes(f"[{tp.table}.codes.{column}]", mapping, str.casefold,
                                  'the same code with codes_case = "ignore"', source)
    return Profile(source, str(head.get("name", source)), person_mode, household_mode, codes_case, base, tables)


def _code_key(local) -> str:
    """A local code of a profile as cells are matched against it: trimmed as cells are, NFC."""
    return unicodedata.normalize("NFC", str(local).strip(_STRIP))


def _check_same_codes(where: str, mapping: Mapping, key, same: str, source: str) -> None:
    """Refuse two local codes that a cell reads alike (``key``: the form a cell is matched in)
    but that map to different codes: which one a cell got would depend on their order."""
    seen: dict = {}
    for local, code in mapping.items():
        first = seen.setdefault(key(local), local)
        if mapping[first] != code:
            raise ProfileError(redact_numbers(f"{source}: {where} maps {first!r} to {mapping[first]!r} and {local!r} "
                                              f"to {code!r}, but a cell reads them as {same}; keep one of them",
                                              limit=None))


def table_profile(profile: Profile, table: str) -> TableProfile:
    """Return the profile of ``table``; a table without a section reads canonical headers."""
    if table in profile.tables:
        return profile.tables[table]
    return TableProfile(table, dict(profile.fmt or FORMAT_DEFAULTS), None, {}, {}, {})
