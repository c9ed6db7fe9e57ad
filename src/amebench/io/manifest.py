"""The network manifest ``network.toml``: name, extraction date, units, files, profiles."""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from ..exceptions import ManifestError
from ..privacy import redact_numbers
from .profile import FILE_TABLES
from .unitid import check_name, check_unit_id, municipality_code

__all__ = ["Manifest", "UnitEntry", "load_manifest", "MANIFEST_NAME"]

MANIFEST_NAME = "network.toml"
_NETWORK_KEYS = ("name", "as_of", "key_file")
_UNIT_KEYS = ("unit", "name", "municipality_code", "annual_cost_sek", "population", "profile", "files")


@dataclass(frozen=True)
class UnitEntry:
    """One ``[[units]]`` entry: its row of the units table, its profile and files."""

    unit: str
    name: str
    municipality_code: str
    annual_cost_sek: float | None
    population: int | None
    profile: Path
    profile_label: str
    files: dict  # table -> (Path, label relative to the manifest's folder)


@dataclass(frozen=True)
class Manifest:
    """A checked network manifest."""

    folder: Path
    name: str
    as_of: pd.Timestamp
    key_file: Path | None
    units: tuple[UnitEntry, ...]


def _not_a_folder(path: Path) -> ManifestError:
    """The error for a file (an export, a profile ...) given where the network's folder belongs."""
    holder = next((p for p in path.parents if (p / MANIFEST_NAME).is_file()), None)
    where = f" ({holder} does)" if holder is not None else ""
    return ManifestError(f"{path} is a file, not a network folder: give the folder that holds {MANIFEST_NAME}{where}")


def _unknown(key: str, valid, where: str, source: str) -> ManifestError:
    near = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    hint = f"did you mean {near[0]!r}?" if near else f"valid keys are {sorted(valid)}"
    return ManifestError(f"{source}: unknown key {key!r} in {where}; {hint}")


def _safe_path(folder: Path, value, what: str, source: str, *, must_exist: bool = True) -> tuple[Path, str]:
    """The file ``value`` names, and its label in messages, rejects and reports.

    A digit run in the path shaped like a personal identity number (a file named after
    a person) is hidden in the label and in this function's errors.
    """
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(f"{source}: {what} must be a path (text) relative to the manifest's folder")
    rel = PurePosixPath(value.replace("\\", "/"))
    shown = repr(redact_numbers(value, limit=None))  # redacted first: repr writes a no-break space as \xa0
    if rel.is_absolute() or re.match(r"^[A-Za-z]:", value):
        raise ManifestError(f"{source}: {what} {shown} is absolute; give it relative to the manifest's folder")
    target = (folder / rel).resolve()
    root = folder.resolve()
    if target != root and root not in target.parents:
        raise ManifestError(f"{source}: {what} {shown} leaves the manifest's folder; keep every file inside it")
    if must_exist and not target.is_file():
        raise ManifestError(f"{source}: {what} {shown} does not exist (looked for "
                            f"{redact_numbers(target, limit=None)})")
    return target, redact_numbers(rel, limit=None)


def _as_of(value, source: str) -> pd.Timestamp:
    if isinstance(value, _dt.datetime):
        return pd.Timestamp(value).normalize()
    if isinstance(value, _dt.date):
        return pd.Timestamp(value)
    if isinstance(value, str):
        try:
            return pd.Timestamp(_dt.date.fromisoformat(value.strip()))
        except ValueError:
            pass
    raise ManifestError(f"{source}: [network] as_of = {value!r} is not a date; write as_of = 2026-09-30")


def load_manifest(path) -> Manifest:
    """Read and check a manifest (a folder holding network.toml, or the file itself).

    Raises
    ------
    ManifestError
        On an unknown key, a missing required key, a bad unit id (or one shaped like a
        personal identity number), a duplicate unit, or a file path that is absolute,
        leaves the folder or does not exist.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    if not path.is_file():
        if (path.parent / "network.json").is_file():  # the CLI reads such a folder; read_network does not
            raise ManifestError(f"{path.parent} holds a network saved by Network.to_parquet (network.json), not "
                                f"exports with a {MANIFEST_NAME}: read it with "
                                f"amebench.read_parquet({str(path.parent)!r})")
        raise ManifestError(f"{path} does not exist: a network folder holds a {MANIFEST_NAME} manifest "
                            "(`amebench template` writes one), or network.json and the tables of Network.to_parquet")
    source = str(path)
    folder = path.parent
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        if path.name != MANIFEST_NAME:
            raise _not_a_folder(path) from None
        raise ManifestError(f"{source} is not valid TOML: {exc}") from None
    if path.name != MANIFEST_NAME and not isinstance(raw.get("network"), dict):
        raise _not_a_folder(path)  # a profile, or other TOML, given for the network
    for key in raw:
        if key not in ("network", "units"):
            raise _unknown(key, ("network", "units"), "the top level", source)
    net = raw.get("network")
    if not isinstance(net, dict):
        raise ManifestError(f"{source}: the [network] section is missing")
    for key in net:
        if key not in _NETWORK_KEYS:
            raise _unknown(key, _NETWORK_KEYS, "[network]", source)
    for key in ("name", "as_of"):
        if key not in net:
            raise ManifestError(f"{source}: [network] needs {key} = ...")
    check_name(net["name"], where=f"{source}: [network] name", error=ManifestError)
    key_file = None
    if "key_file" in net:
        key_file, _ = _safe_path(folder, net["key_file"], "key_file", source, must_exist=False)
    units_raw = raw.get("units")
    if not isinstance(units_raw, list) or not units_raw:
        raise ManifestError(f"{source}: no units; add one [[units]] section per unit")
    units, seen = [], set()
    for i, u in enumerate(units_raw, start=1):
        where = f"[[units]] number {i}"
        if not isinstance(u, dict):
            raise ManifestError(f"{source}: units number {i} must be a [[units]] section with unit = ..., "
                                "name = ... and so on (one section per unit), not a single value")
        for key in u:
            if key not in _UNIT_KEYS:
                raise _unknown(key, _UNIT_KEYS, where, source)
        for key in ("unit", "name", "municipality_code", "profile", "files"):
            if key not in u:
                raise ManifestError(f"{source}: {where} needs {key} = ...")
        uid = u["unit"]
        check_unit_id(uid, where=f"{source}: {where} unit", error=ManifestError)
        check_name(u["name"], where=f"{source}: {where} name", error=ManifestError)
        if uid in seen:
            raise ManifestError(f"{source}: unit {uid!r} appears twice")
        seen.add(uid)
        code = municipality_code(u["municipality_code"])
        if code is None:
            raise ManifestError(f'{source}: unit {uid!r} municipality_code must be 4 characters, e.g. "0123"')
        files = u["files"]
        if not isinstance(files, dict):
            raise ManifestError(f"{source}: unit {uid!r} needs [units.files] with at least episodes = ...")
        for key in files:
            if key not in FILE_TABLES:
                raise _unknown(key, FILE_TABLES, f"[units.files] of unit {uid!r}", source)
        if "episodes" not in files:
            raise ManifestError(f"{source}: unit {uid!r} needs [units.files] with at least episodes = ...")
        checked = {t: _safe_path(folder, files[t], f"unit {uid!r} file {t}", source) for t in FILE_TABLES if t in files}
        profile, profile_label = _safe_path(folder, u["profile"], f"unit {uid!r} profile", source)
        for key, kind in (("annual_cost_sek", (int, float)), ("population", (int,))):
            if key in u and (isinstance(u[key], bool) or not isinstance(u[key], kind) or u[key] < 0):
                raise ManifestError(f"{source}: unit {uid!r} {key} must be a non-negative number")
        units.append(UnitEntry(uid, str(u["name"]), code, u.get("annual_cost_sek"), u.get("population"),
                               profile, profile_label, checked))
    return Manifest(folder, str(net["name"]), _as_of(net["as_of"], source), key_file, tuple(units))
