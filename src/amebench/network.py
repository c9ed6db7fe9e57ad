"""The :class:`Network`: the canonical tables of one network of labour-market units."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from . import _idcodes, schema
from ._files import atomic_write_files, check_folder
from ._unitsummary import unit_summary
from .exceptions import AmebenchError, SchemaError

__all__ = ["Network", "read_parquet"]

_TABLE_NAMES = ("units", "episodes", "activities", "followups", "payments", "rejects", "reconciliation")
_META_FILE = "network.json"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")
#: How often read_parquet reads a folder that another to_parquet moves files into while it
#: is read before it says so
_READ_ATTEMPTS = 3
#: seconds read_parquet waits before reading such a folder again
_REREAD_WAIT_S = 0.1
#: seconds after which a network.unfinished seen in every read is taken as left by a
#: stopped to_parquet rather than as the mark of one moving its files in
_STALE_S = 2.0
#: network.json's "format"
_FORMAT = 1
#: exists while to_parquet moves its files into place (atomic_write_files' ``unfinished``),
#: and after, when that was interrupted: the folder may hold tables of two writes
_UNFINISHED = "network.unfinished"
#: table -> (codes file, distinct values file, network.json key): the id codes of the
#: ledger and of the episodes, saved beside their Parquet files so that a metric need not
#: hash the ids again; the key's record says what they were made from
_SAVED_CODES = {
    "payments": ("payments.idcodes.arrow", "payments.iduniques.arrow", "ledger_codes"),
    "episodes": ("episodes.idcodes.arrow", "episodes.iduniques.arrow", "episode_codes"),
}


#: What is wrong with a meta["read_warnings"] that :func:`_read_warnings_ok` refuses.
_DAMAGED_READ_WARNINGS = '["read_warnings"] is not a list of {"file", "kind", "message"} texts (ReadWarning.record())'


def _read_warnings_ok(value) -> bool:
    """Whether ``value`` is a list of ReadWarning records (the report names their files)."""
    return isinstance(value, list) and all(
        isinstance(w, dict) and all(isinstance(w.get(k), str) for k in ("file", "kind", "message")) for w in value)


def as_of_timestamp(value, *, error: type[AmebenchError] = SchemaError) -> pd.Timestamp:
    """The extraction date ``value`` as a Timestamp at midnight, or ``error`` saying how to write it.

    Taken: a ``datetime.date`` or ``datetime.datetime``, a pandas Timestamp, a numpy
    datetime64, or text in ISO form (``"2026-09-30"``, also with a time after it). Not
    taken: a number (``20260930`` is not 30 September to pandas but a moment in 1970)
    and other text (``"01/03/2026"`` is 1 March in Sweden, 3 January to pandas).
    """
    if value is None or value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        raise error("as_of (the extraction date) is required: pass as_of='YYYY-MM-DD'")
    try:
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            value = _dt.datetime.fromisoformat(value.strip())
        if isinstance(value, (_dt.date, np.datetime64)):  # datetime and pandas' Timestamp are dates too
            stamp = pd.Timestamp(value)
            return (stamp if stamp.tzinfo is None else stamp.tz_localize(None)).normalize()
    except ValueError:  # not a day of the calendar, or out of pandas' range (years 1677-2262)
        pass
    raise error(f"as_of {value!r} is not a date; write it as 'YYYY-MM-DD' (text in ISO form) or give a "
                "datetime.date")


@dataclass(eq=False)
class Network:
    """Canonical participant-flow data of a network of units (docs/concepts.md, "Canonical tables").

    Attributes
    ----------
    units, episodes, activities, followups, payments
        The canonical tables, with the columns and dtypes of :mod:`amebench.schema`.
    rejects
        Every input row that could not be loaded: unit, table, file, line, column,
        value, reason, and ``other_line``: the line of the row it conflicts with (a
        duplicate episode id's first row, which an overlap may reject in turn; the earlier
        loaded episode an overlap overlaps), else missing.
    reconciliation
        Per input file: rows read, loaded and rejected (read = loaded + rejected), and
        the loaded rows equal in every column, as read, to an earlier loaded row
        (``rows_repeated``: kept, but worth a look; a payment line written twice
        inflates the welfare sums), the first three of them located in
        ``repeated_lines`` ("line 41 repeats line 40, line 97 repeats line 12").
    as_of
        The extraction date: nothing after it is observed.
    name
        The network's name.
    meta
        Where the network came from (``"manifest"`` or ``"profile"``, ``"as_of_source"``),
        and, when reading it gave any, ``"read_warnings"``: each
        :class:`~amebench.exceptions.ReadWarning` as ``{"file", "kind", "message"}`` (the
        report names their files). Saved by :meth:`to_parquet`.
    """

    units: pd.DataFrame
    episodes: pd.DataFrame
    activities: pd.DataFrame
    followups: pd.DataFrame
    payments: pd.DataFrame
    rejects: pd.DataFrame
    reconciliation: pd.DataFrame
    as_of: pd.Timestamp
    name: str = "network"
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        from .io.unitid import check_name, check_unit_id

        if not isinstance(self.meta, dict) or not _read_warnings_ok(self.meta.get("read_warnings", [])):
            raise SchemaError(f"meta{_DAMAGED_READ_WARNINGS}" if isinstance(self.meta, dict) else
                              "meta is not a dict")
        check_name(self.name, where="the network's name", error=SchemaError)
        for row, (unit, shown) in enumerate(zip(self.units["unit"], self.units.get("name", self.units["unit"])), 1):
            check_unit_id(unit, where=f"the units table (row {row}): unit", error=SchemaError, short=False)
            check_name(shown, where=f"the units table (row {row}): name", error=SchemaError)

    # -- construction -----------------------------------------------------------

    @classmethod
    def from_frames(
        cls,
        *,
        episodes: pd.DataFrame,
        units: pd.DataFrame | None = None,
        activities: pd.DataFrame | None = None,
        followups: pd.DataFrame | None = None,
        payments: pd.DataFrame | None = None,
        as_of,
        name: str = "network",
        strict: bool = False,
    ) -> "Network":
        """Build a network from DataFrames with canonical column names.

        The frames are validated and coerced like any export (codes, dates, exits
        before enrolment, duplicate ids ...); rows that fail land in
        :attr:`rejects` with ``file`` set to ``"<episodes frame>"`` and so on.
        ``person_id`` and ``household_id`` are taken as already pseudonymous: a column
        of mostly valid personal identity numbers is a
        :class:`~amebench.exceptions.ProfileError`, and a cell that is one, among
        pseudonyms, rejects its row (never kept). A whole
        float in ``episode_id``, ``person_id``, ``household_id`` or ``unit`` (an
        integer column with a missing value) is the id ``"1"``, not ``"1.0"``, as in an
        Excel or Parquet export. A ``unit`` shaped like a personal identity number is a
        :class:`~amebench.exceptions.SchemaError` (unit ids show in every report), and
        so is a cell of ``bytes`` in the episodes, activities, follow-ups or payments
        frame (``pd.read_sas`` without ``encoding`` gives them): its text depends on an
        encoding only the frame's owner knows, and ``str()`` of it (``"b'p12'"``) would
        hide an identity number inside from the checks. A date or month column of
        numbers (``20240131``, SAS day numbers) is a ``SchemaError`` that says how to
        convert it, and so is one of such numbers that ``pd.to_datetime`` made times
        within 1970-01-01 (it reads them as nanoseconds), and so is a column of text
        none of whose cells is an ISO date (``31/01/2024``: give datetimes, or ISO
        text). Columns that are not canonical are left out; a
        :class:`~amebench.exceptions.ColumnWarning` names them when the frame also
        lacks canonical columns (``reason`` for ``exit_reason``); an episodes frame
        with exit reasons but no ``exited_on`` column is a ``SchemaError`` (every
        exit would be rejected). A Stata missing value
        (``pd.read_stata(convert_missing=True)``) is a missing cell; a ``Period`` is its
        first day (a month column takes its month; one longer than a month is a
        ``SchemaError``); a ``municipality_code`` given as a number gets its leading
        zero back (180 is ``"0180"``), and one that is not 4 characters is a
        ``SchemaError``. Codes are canonical codes in any case (``"Work"`` is
        ``work``); yes/no columns take ``True``/``False``, ``1``/``0`` or
        ``"true"``/``"false"``. Other values are a ``SchemaError`` counting the rows
        of each and showing how to map them.

        Each frame is validated in one pass, every row with its own unit (an episode id
        or a person may recur in another unit; an activity belongs to an episode of its
        own unit). Every column is written as text (once per distinct value; amounts
        that are numbers are taken as they are) and parsed again, so this is slower than
        reading Parquet: 29 units of the national-size benchmark network (200,000
        episodes, 4M payment rows) took 2.4–2.8 s, and the whole network (2M episodes,
        40M payment rows) 71–95 s with a peak memory of 11 GB, against 1 s and 8–10 s for
        :func:`amebench.read_parquet` (measured). Build a large network once and keep it
        with :meth:`to_parquet`.

        Parameters
        ----------
        episodes
            One row per enrolment, canonical columns (docs/concepts.md, "Canonical
            tables", lists them with their codes; dtypes in ``amebench.schema``).
        units, activities, followups, payments
            Optional canonical tables. Without ``units``, one row per unit seen in
            ``episodes`` is made.
        as_of
            The extraction date.
        name
            The network's name.
        strict
            Raise :class:`amebench.exceptions.RejectError` at the first rejected row.
        """
        from .io.frames import network_from_frames

        return network_from_frames(
            episodes=episodes,
            units=units,
            activities=activities,
            followups=followups,
            payments=payments,
            as_of=as_of_timestamp(as_of),
            name=name,
            strict=strict,
        )

    # -- persistence ------------------------------------------------------------

    def to_parquet(self, folder) -> Path:
        """Write every table to ``folder/<table>.parquet`` with a ``network.json`` of metadata.

        Dtypes and categories are preserved: :func:`amebench.read_parquet` gives
        back an equal network. The files are written in full under temporary names and
        then moved into place, so a write interrupted before the final renames leaves
        the old network. ``network.unfinished`` exists while the files are moved in
        (milliseconds), and stays when that was interrupted, so that the folder's tables
        may be of two writes (writing the network again removes it); by it and by
        ``network.json`` being another file, :func:`amebench.read_parquet` tells a folder
        rewritten while it was read. Write a folder from one process at a time. The same
        network gives the same files, byte for byte.

        Beside them, ``payments.idcodes.arrow`` and ``payments.iduniques.arrow`` hold
        integer codes of the ledger's ``unit``, ``person_id`` and ``household_id`` (those
        it has) and their distinct values, made from ``payments.parquet`` as read back
        and tied to its bytes; ``episodes.idcodes.arrow`` and ``episodes.iduniques.arrow``
        hold the same for the episodes, with the episodes' codes in the ledger's code
        space as well.
        :func:`amebench.read_parquet` takes them back, so the first ledger metric
        (welfare, risk adjustment, register retention) does not hash the ids again: about
        3 s of CPU at national size (40M ledger rows, 2M episodes). The files are only a
        cache: without them, when they are damaged, or when the Parquet files were
        changed since, the metrics hash the ids and give the same results. A table
        without id columns gets neither file (those of a network written there before
        are removed).
        """
        folder = Path(folder)
        check_folder(folder, give="a folder for the network's Parquet files")
        meta = {"name": self.name, "as_of": self.as_of.date().isoformat(), "format": _FORMAT,
                "meta": json.loads(json.dumps(self.meta, default=str))}
        ids = {table: [column for column in _idcodes.ID_COLUMNS if column in getattr(self, table).columns]
               for table in _SAVED_CODES}
        staged = {}
        spaces = {}

        def write_table(table: str, tmp: Path) -> None:
            frame = getattr(self, table)
            try:
                _write_parquet(frame, tmp)
                staged[table] = tmp
                return
            except UnicodeEncodeError:
                pass  # raised below, without the encoding error (it holds the cell) as its context
            raise schema.not_unicode_error(frame, f"the {table} table")

        def write_codes(table: str, codes_tmp: Path, uniques_tmp: Path) -> None:
            # atomic_write_files runs the writers in list order: the tables are staged by
            # now, the ledger's codes come before the episodes' (saved in its code space
            # too), and network.json, written last, records what the codes were made from
            frame = self._ids_as_read_back(table, ids[table], staged[table])
            record = _idcodes.save_codes(frame, staged[table], codes_tmp, uniques_tmp, space=spaces.get(table))
            meta[_SAVED_CODES[table][2]] = record
            if table == "payments":
                spaces["episodes"] = _idcodes.Space({column: _idcodes.id_codes(frame[column]) for column in ids[table]},
                                                    record["uniques_blake2b"])

        def write_meta(tmp: Path) -> None:
            tmp.write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")

        files = [(folder / f"{table}.parquet", partial(write_table, table)) for table in _TABLE_NAMES]
        files += [((folder / codes, folder / uniques), partial(write_codes, table))
                  for table, (codes, uniques, _) in _SAVED_CODES.items() if ids[table]]
        files.append((folder / _META_FILE, write_meta))
        atomic_write_files(files, unfinished=folder / _UNFINISHED)
        for table, (codes, uniques, _) in _SAVED_CODES.items():
            if not ids[table]:  # codes of an earlier network in this folder: unused now, but large
                for name in (codes, uniques):
                    (folder / name).unlink(missing_ok=True)
        return folder

    def _ids_as_read_back(self, table: str, ids: list[str], path: Path) -> pd.DataFrame:
        """``table``'s ``ids`` columns as :func:`read_parquet` will give them from ``path``."""
        frame = getattr(self, table)
        if all(frame[column].dtype == schema.STRING for column in ids):
            # canonical strings come back from Parquet unchanged (it stores their UTF-8
            # bytes and pandas' dtype): their codes are often known already
            return frame[ids]
        # others may not (object ints with None come back as floats: '1.0', not '1')
        return _read_columns(path, table, ids)

    # -- views ------------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """Return one row per unit: ``unit``, ``name``, ``episodes``, ``persons``, ``ongoing``,
        ``exited``, ``first_enrolment``, ``last_enrolment``, ``activities``, ``followups``,
        ``payments`` (rows of each table with that unit), ``ledger_from``, ``ledger_to``
        (the first and last month of the unit's payment rows up to ``as_of``: the months the
        welfare metrics take its ledger to cover; missing without rows), ``ledger_gaps``
        (months between those two without any payment row, missing with them: the welfare
        metrics read such a month as 0 SEK for everyone and register retention as a month off
        welfare, and a month left out of an export looks the same) and ``rejects``."""
        return unit_summary(self)

    def __repr__(self) -> str:
        return (
            f"<Network {self.name!r}: {_count(self.units, 'unit')}, {_count(self.episodes, 'episode')}, "
            f"{_count(self.payments, 'payment')}, {_count(self.followups, 'follow-up')}, "
            f"{_count(self.rejects, 'rejected row')}, as_of {self.as_of.date()}>"
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Network {_html(self.name)}</b> — extraction date (as_of) {self.as_of.date()}; "
            f"{_count(self.episodes, 'episode')}, {_count(self.payments, 'payment row')}, "
            f"{_count(self.followups, 'follow-up')}, {_count(self.rejects, 'rejected row')}.</p>"
        )
        return head + self.summary().to_html(index=False, na_rep="")


def _count(rows, noun: str) -> str:
    """``1 unit``, ``2 units``: the number of rows of a table with its noun."""
    return f"{len(rows)} {noun}" + ("" if len(rows) == 1 else "s")


def _html(text: str) -> str:
    import html

    return html.escape(str(text))


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


#: one block per column, arrow buffers freed as they are converted: no copy into
#: consolidated 2-d blocks and a lower peak (same dtypes and values)
_TO_PANDAS = {"split_blocks": True, "self_destruct": True}


def _read_file(path: Path, columns=None, *, skip=None) -> tuple[pd.DataFrame | None, tuple]:
    """A Parquet file read through one open file, and that file's identity (:func:`_identity`).

    The frame is None when ``skip()``, called once the file is open, says so.
    ``pd.read_parquet(path)`` opens the path twice (pyarrow reads the footer, then the
    data): a file moved in between was read with the other file's footer, an OSError
    ("Invalid column metadata") or worse.

    Raises
    ------
    SchemaError
        If the file is not a whole Parquet file.
    """
    with pa.OSFile(str(path)) as source:
        identity = _identity(os.fstat(source.fileno()))
        if skip is not None and skip():
            return None, identity
        try:
            return pd.read_parquet(source, columns=columns, to_pandas_kwargs=_TO_PANDAS), identity
        # pyarrow's errors, and pandas' (ValueError, KeyError, TypeError) of damaged pandas
        # metadata in the footer: their messages name the file's fault, not its data
        except (OSError, pa.ArrowException, ValueError, KeyError, TypeError) as exc:
            reason = " ".join(str(exc).split())  # pyarrow's may run over lines
            raise SchemaError(f"{path} is not a whole Parquet file ({reason}); write the network there again") from None


def _read_columns(path: Path, table: str, columns) -> pd.DataFrame:
    """``columns`` of a saved table as :func:`read_parquet` gives them (canonical dtypes)."""
    frame, _ = _read_file(path, list(columns))
    spec = schema.TABLES[table]
    return pd.DataFrame({column: schema.coerce_column(frame[column], spec, column) for column in columns})


def _file_identity(path: Path) -> tuple:
    return _identity(path.stat())


def _identity(stat: os.stat_result) -> tuple:
    """What changes when a file is replaced or rewritten: device, inode, size, mtime."""
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def read_parquet(folder) -> Network:
    """Read a network written by :meth:`Network.to_parquet`.

    Once each table's file is open, ``network.json`` is looked at again: when it is
    another file than the one read, or ``network.unfinished`` exists (another
    ``to_parquet`` is moving its files in, or was stopped while it did), the folder is
    read again a tenth of a second later (up to three times in all), so the tables
    never come from two writes. A table changed otherwise (say rewritten by hand) is
    read as it is.

    The id codes that ``to_parquet`` saved (the ledger's and the episodes') are taken
    back when they were made from the very Parquet file read (a digest of its footer and
    id columns' bytes) and their own files are intact (digests of their bytes), so the
    first ledger metric need not hash the ids; otherwise they are ignored.

    Raises
    ------
    SchemaError
        If ``folder`` is not a saved network, ``network.json`` or a table is damaged, a
        table lacks canonical columns, the folder was rewritten during each of the three
        reads, or it holds tables of two writes because a ``to_parquet`` was stopped
        while moving its files in.
    """
    folder = Path(folder)
    meta_path = folder / _META_FILE
    markers = []  # the identity of network.unfinished, once for each read it stopped
    for attempt in range(_READ_ATTEMPTS):
        if attempt:
            time.sleep(_REREAD_WAIT_S)
        # network.json is held open while the tables are read: a network.json written
        # meanwhile cannot reuse its inode and, on a file system whose times are whole
        # seconds, look like the file read
        with _open_meta(meta_path) as meta_file:
            text, identity = _read_meta(meta_file, meta_path)
            meta = _parse_meta(text, meta_path)
            read = _read_tables(folder, rewritten=partial(_rewritten, folder, (text, identity), markers))
        if read is not None:
            break
    else:
        if markers == [_marker(folder)] * _READ_ATTEMPTS and time.time() - markers[0][3] / 1e9 > _STALE_S:
            # the same file all along, and older than a writer's renames take: no writer at work
            raise SchemaError(
                f"{folder} holds tables of two writes: a Network.to_parquet into it was stopped while moving its "
                f"files into place ({_UNFINISHED} is left from it); write the network there again"
            )
        raise SchemaError(
            f"{folder} was rewritten (by another Network.to_parquet) during each of {_READ_ATTEMPTS} reads; "
            "read it when that writing has finished (with no write at work, one was stopped just now while "
            f"moving its files in: a read {_STALE_S:g} s later says so)"
        )
    tables, identities = read
    try:
        network = Network(**tables, as_of=meta["as_of"], name=meta["name"], meta=meta["meta"])
    except SchemaError as exc:  # a name or unit id shaped like an identity number, say
        raise SchemaError(f"{meta_path}: {exc}") from None
    space = None
    for table, (codes, uniques, key) in _SAVED_CODES.items():  # the ledger first: the episodes' space
        if key not in meta:
            continue
        path = folder / f"{table}.parquet"
        taken = _idcodes.load_codes(tables[table], path, folder / codes, folder / uniques, meta[key], space=space)
        if taken and _file_identity(path) == identities[table]:  # not replaced since it was read
            _idcodes.remember(taken)
            if table == "payments":
                space = _idcodes.Space({t.column: t.codes for t in taken}, meta[key]["uniques_blake2b"])
    return network


def _open_meta(path: Path):
    """network.json at ``path``, open as text."""
    if not path.is_file():
        raise SchemaError(
            f"{path.parent} holds no saved network ({_META_FILE} missing); "
            "write one with Network.to_parquet(folder)"
        )
    return path.open(encoding="utf-8")


def _read_meta(file, path: Path) -> tuple[str, tuple]:
    """The text of the open network.json ``file`` (at ``path``) and the identity of that file."""
    try:
        text = file.read()
    except UnicodeDecodeError:
        raise SchemaError(f"{path} is damaged (not UTF-8 text); write the network there again") from None
    return text, _identity(os.fstat(file.fileno()))


def _parse_meta(text: str, path: Path) -> dict:
    """``network.json``'s fields (``as_of`` a Timestamp), or a SchemaError naming what is wrong."""
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python's stack
        meta = None
    if not isinstance(meta, dict):
        raise SchemaError(f"{path} is damaged (not the JSON object Network.to_parquet writes); "
                          "write the network there again")
    if meta.get("format", _FORMAT) != _FORMAT:
        raise SchemaError(f"{path} is of format {meta['format']!r}, which this amebench does not read "
                          f"(it writes and reads format {_FORMAT}); update amebench, or write the network there again")
    fields = {"name": meta.get("name", "network"), "meta": meta.get("meta", {})}
    for field_name, kind in (("name", str), ("meta", dict)):
        if not isinstance(fields[field_name], kind):
            raise SchemaError(f"{path}: {field_name} is not a {'text' if kind is str else 'JSON object'}; "
                              "write the network there again")
    if not _read_warnings_ok(fields["meta"].get("read_warnings", [])):
        raise SchemaError(f"{path}: meta{_DAMAGED_READ_WARNINGS}; write the network there again")
    try:
        as_of = as_of_timestamp(meta.get("as_of"))
    except SchemaError:
        raise SchemaError(f"{path}: as_of is missing or not a date (YYYY-MM-DD); "
                          "write the network there again") from None
    return {**meta, **fields, "as_of": as_of}


def _marker(folder: Path) -> tuple | None:
    """The identity of ``folder``'s network.unfinished, None when there is none."""
    try:
        return _file_identity(folder / _UNFINISHED)
    except FileNotFoundError:
        return None


def _rewritten(folder: Path, read: tuple[str, tuple], markers: list) -> bool:
    """Whether another to_parquet has moved files into ``folder`` since its network.json was ``read``.

    Its marker of unfinished renames is looked at first (its identity is appended to
    ``markers``): that to_parquet removes it only after it has moved network.json in,
    so one of the two is always seen. A network.json moved in is another file even when
    it has the same text (the same network written again after another one).
    """
    marker = _marker(folder)
    if marker is not None:
        markers.append(marker)
        return True
    with _open_meta(folder / _META_FILE) as file:
        return _read_meta(file, folder / _META_FILE) != read


def _read_tables(folder: Path, *, rewritten) -> tuple[dict, dict] | None:
    """Every table of the saved network in ``folder`` and the identity of each file read.

    None when ``rewritten()``, asked once each file is open, says another to_parquet
    moved files in meanwhile (:func:`_rewritten`): a table opened may be of that write.
    """
    tables = {}
    identities = {}
    for table in _TABLE_NAMES:
        path = folder / f"{table}.parquet"
        if not path.is_file():
            raise SchemaError(f"{path} is missing from the saved network")
        frame, identities[table] = _read_file(path, skip=rewritten)
        if frame is None:
            return None
        try:
            tables[table] = schema.coerce_table(frame, schema.TABLES[table])
        except SchemaError as exc:
            raise SchemaError(f"{path}: {exc}") from None
    return tables, identities
