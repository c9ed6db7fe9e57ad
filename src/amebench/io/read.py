"""Read a network (manifest + profiles + exports) or one unit's export into a Network."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Mapping

import pandas as pd

from .. import _threads, privacy, schema
from ..exceptions import AmebenchError, ProfileError, collecting
from ..network import Network, as_of_timestamp
from .convert import convert
from .manifest import load_manifest
from .profile import FILE_TABLES, load_profile, table_profile
from .readers import prepare_csv, read_raw
from .rules import settle
from .unitid import check_unit_id

__all__ = ["read_network", "read_export"]


def _needs_key(profile, files) -> bool:
    return profile.person_id == "personnummer" or profile.household_id == "personnummer"


class _ReadAhead:
    """Parse the next file on a second thread while the current file is converted.

    ``order``: (unit, table, profile, path, label) in the order the files are converted.
    At most one file is read ahead, and only the pandas-free part of reading it
    (:func:`~amebench.io.readers.prepare_csv`: bytes and pyarrow's parse); the rest, and
    any error, come in the file's turn on this thread, as before.
    """

    def __init__(self, order):
        self._order = list(order)
        # one core: a second thread would only wait for this one; read each file in its turn
        self._pool = ThreadPoolExecutor(max_workers=1) if _threads.cores() >= 2 else None
        self._pending = {}
        self._next()

    def _next(self):
        if self._order and not self._pending:
            unit, table, profile, path, label = self._order.pop(0)

            def prepare():
                return prepare_csv(path, table_profile(profile, table).fmt)

            task = prepare if self._pool is None else self._pool.submit(prepare).result
            self._pending[(unit, table)] = (path, label, task)

    def get(self, unit: str, table: str, fmt):
        """The file's cells (read errors are raised here, in the file's turn)."""
        path, label, task = self._pending.pop((unit, table))
        self._next()
        return read_raw(path, fmt, label=label, prepared=task())

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _order(units, tables):
    """(unit, table, profile, path, label) of each file, in the order they are converted."""
    return [(unit, table, profile, *files[table])
            for unit, profile, files in units for table in tables if table in files]


def _read_unit(unit: str, profile, files: Mapping[str, tuple[Path, str]], *, key, as_of, tables, memo, ahead):
    """Read every file of one unit; ``tables`` filters the table names to read now.

    ``memo`` is shared by all files of one read (identity numbers met before are not
    hashed again) and dropped with it: it holds raw numbers. ``ahead`` reads the files.
    """
    states = []
    for table in tables:
        if table not in files:
            continue
        tp = table_profile(profile, table)
        raw = ahead.get(unit, table, tp.fmt)
        states.append(convert(raw, tp, profile, unit=unit, key=key, as_of=as_of, memo=memo))
    return states


def _network(states, units: pd.DataFrame, *, as_of, name: str, strict: bool, meta: dict, found: list) -> Network:
    """The Network of the files' ``states``; ``found``: the warnings issued while reading them."""
    tables, rejects, rec, read = settle(states, strict=strict, as_of=as_of, found=found)
    if read:
        meta = {**meta, "read_warnings": read}
    return Network(
        units=schema.coerce_table(units, schema.UNITS),
        **tables,
        rejects=rejects,
        reconciliation=rec,
        as_of=pd.Timestamp(as_of).normalize(),
        name=name,
        meta=meta,
    )


def read_network(path, *, key=None, strict: bool = False) -> Network:
    """Read a network: a folder holding ``network.toml`` (or the manifest file itself).

    Parameters
    ----------
    path
        The network's folder, or its ``network.toml``.
    key
        Pseudonymisation key (str or bytes). Default: ``AMEBENCH_KEY``, then the file
        named by ``AMEBENCH_KEY_FILE``, then the manifest's ``key_file``.
    strict
        Raise :class:`~amebench.exceptions.RejectError` at the first rejected row
        instead of collecting rejects.

    Returns
    -------
    Network
        Canonical tables; ``rejects`` and ``reconciliation`` account for every input row
        (``rows_read == rows_loaded + rows_rejected`` per file).

    Raises
    ------
    ManifestError, ProfileError, UnmappedCodeError, KeyMissingError, RejectError

    Notes
    -----
    The format of manifests and profiles, and the reject rules, are in docs/profiles.md.
    """
    manifest = load_manifest(path)
    profiles = {u.unit: load_profile(u.profile, source=u.profile_label) for u in manifest.units}
    resolved = None
    if any(_needs_key(profiles[u.unit], u.files) for u in manifest.units):
        resolved = privacy.resolve_key(key, key_file=manifest.key_file, required=False)
    states, memo = [], {}
    groups = (("episodes",), FILE_TABLES[1:])
    members = [(u.unit, profiles[u.unit], u.files) for u in manifest.units]
    ahead = _ReadAhead(item for group in groups for item in _order(members, group))
    try:
        with collecting() as found:
            for group in groups:
                for u in manifest.units:
                    states += _read_unit(u.unit, profiles[u.unit], u.files, key=resolved, as_of=manifest.as_of,
                                         tables=group, memo=memo, ahead=ahead)
    finally:
        ahead.close()
    units = pd.DataFrame(
        {
            "unit": [u.unit for u in manifest.units],
            "name": [u.name for u in manifest.units],
            "municipality_code": [u.municipality_code for u in manifest.units],
            "annual_cost_sek": pd.array([u.annual_cost_sek for u in manifest.units], dtype="Float64"),
            "population": pd.array([u.population for u in manifest.units], dtype="Int64"),
        }
    )
    meta = {"manifest": str(manifest.folder / "network.toml"), "as_of_source": "manifest"}
    return _network(states, units, as_of=manifest.as_of, name=manifest.name, strict=strict, meta=meta, found=found)


def read_export(path, *, profile, unit: str, key=None, strict: bool = False, as_of=None,
                name: str | None = None) -> Network:
    """Read one unit's export into a Network of one unit.

    Parameters
    ----------
    path
        The episodes file, or a mapping ``{table: path}`` with ``"episodes"`` and any of
        ``"activities"``, ``"followups"``, ``"payments"``.
    profile
        A path to the unit's profile TOML, or an already-parsed dict of the same shape.
    unit
        The unit's short id (``[a-z0-9_]+``); it fills the ``unit`` column. An id shaped
        like a personal identity number is refused (it would show in every report).
    key
        Pseudonymisation key (default: ``AMEBENCH_KEY``, then ``AMEBENCH_KEY_FILE``).
    strict
        Raise :class:`~amebench.exceptions.RejectError` at the first rejected row.
    as_of
        The extraction date. Default: the latest enrolment or exit date in the episodes
        file; ``Network.meta["as_of_source"]`` then says ``"latest date in the export"``.
        Pass it explicitly whenever you know it: it decides which episodes are ongoing
        and the century of 10-digit identity numbers.
    name
        The network's name (default: the unit id).

    Returns
    -------
    Network
    """
    check_unit_id(unit, where="unit", error=ProfileError)
    files = dict(path) if isinstance(path, Mapping) else {"episodes": path}
    unknown = [t for t in files if t not in FILE_TABLES]
    if unknown or "episodes" not in files:
        raise ProfileError(f"read_export needs a path to the episodes file, or a mapping with keys from "
                           f"{list(FILE_TABLES)} including 'episodes'; got {sorted(files)}")
    checked = {}
    for table, p in files.items():
        p = Path(p)
        if not p.is_file():
            raise ProfileError(f"{p}: no such file (table {table})")
        checked[table] = (p, privacy.redact_numbers(p, limit=None))  # the label: a number in the name hidden
    prof = load_profile(profile)
    if as_of is not None:
        as_of = as_of_timestamp(as_of, error=AmebenchError)
    resolved = privacy.resolve_key(key, required=False) if _needs_key(prof, checked) else None
    memo, source = {}, "argument"
    ahead = _ReadAhead(_order([(unit, prof, checked)], ("episodes",))
                       + _order([(unit, prof, checked)], FILE_TABLES[1:]))
    try:
        with collecting() as found:
            states = _read_unit(unit, prof, checked, key=resolved, as_of=as_of, tables=("episodes",), memo=memo,
                                ahead=ahead)
            if as_of is None:
                as_of, source = states[0].as_of, "latest date in the export"
            states += _read_unit(unit, prof, checked, key=resolved, as_of=as_of, tables=FILE_TABLES[1:],
                                 memo=memo, ahead=ahead)
    finally:
        ahead.close()
    units = pd.DataFrame({"unit": [unit], "name": [unit]})
    return _network(states, units, as_of=as_of, name=name or unit, strict=strict,
                    meta={"as_of_source": source, "profile": prof.source}, found=found)
