"""The :class:`Network`: the canonical tables of one network of labour-market units."""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from ._files import atomic_write_files
from .exceptions import SchemaError

__all__ = ["Network", "read_parquet", "IdCodes", "id_codes", "id_codes_many", "codes_in"]

_TABLE_NAMES = ("units", "episodes", "activities", "followups", "payments", "rejects", "reconciliation")
_META_FILE = "network.json"


def _as_timestamp(value) -> pd.Timestamp:
    if value is None:
        raise SchemaError("as_of (the extraction date) is required: pass as_of='YYYY-MM-DD'")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise SchemaError(f"as_of {value!r} is not a date; write it as YYYY-MM-DD") from None
    if ts is pd.NaT:
        raise SchemaError("as_of (the extraction date) is required: pass as_of='YYYY-MM-DD'")
    return ts.normalize()


@dataclass(eq=False)
class Network:
    """Canonical participant-flow data of a network of units (DESIGN.md §2).

    Attributes
    ----------
    units, episodes, activities, followups, payments
        The canonical tables, with the columns and dtypes of :mod:`amebench.schema`.
    rejects
        Every input row that could not be loaded: unit, table, file, line, column,
        value, reason.
    reconciliation
        Per input file: rows read, loaded and rejected (read = loaded + rejected).
    as_of
        The extraction date: nothing after it is observed.
    name
        The network's name.
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
        ``person_id`` and ``household_id`` are taken as already pseudonymous.

        Parameters
        ----------
        episodes
            One row per enrolment, canonical columns (DESIGN.md §2).
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
            as_of=_as_timestamp(as_of),
            name=name,
            strict=strict,
        )

    # -- persistence ------------------------------------------------------------

    def to_parquet(self, folder) -> Path:
        """Write every table to ``folder/<table>.parquet`` with a ``network.json`` of metadata.

        Dtypes and categories are preserved: :func:`amebench.read_parquet` gives
        back an equal network. The files are written in full under temporary names and
        then moved into place, so a write interrupted before the final renames leaves
        the old network.
        """
        folder = Path(folder)
        meta = {"name": self.name, "as_of": self.as_of.date().isoformat(), "format": 1,
                "meta": json.loads(json.dumps(self.meta, default=str))}
        text = json.dumps(meta, indent=2, sort_keys=True)
        files = [(folder / f"{table}.parquet", partial(_write_parquet, getattr(self, table)))
                 for table in _TABLE_NAMES]
        files.append((folder / _META_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8")))
        atomic_write_files(files)
        return folder

    # -- views ------------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """Return one row per unit: episodes, persons, ongoing, exited, payments, follow-ups, rejects."""
        ep = self.episodes
        units = pd.Index(self.units["unit"].astype(str), dtype=object)

        def per_unit(values: pd.Series, fill=0) -> np.ndarray:
            values.index = values.index.astype(str)
            values = values.reindex(units)
            return values.to_numpy() if fill is None else values.fillna(fill).to_numpy(dtype="int64")

        def count(frame: pd.DataFrame) -> np.ndarray:
            return per_unit(frame.groupby(frame["unit"].astype(str)).size())

        out = pd.DataFrame({"unit": pd.Series(units, dtype=schema.STRING)})
        out["name"] = self.units["name"].to_numpy()
        grouped = ep.groupby(ep["unit"].astype(str))
        out["episodes"] = count(ep)
        out["persons"] = per_unit(grouped["person_id"].nunique())
        out["ongoing"] = count(ep[ep["exited_on"].isna()])
        out["exited"] = out["episodes"] - out["ongoing"]
        out["first_enrolment"] = pd.Series(per_unit(grouped["enrolled_on"].min(), None)).astype(schema.DATE)
        out["last_enrolment"] = pd.Series(per_unit(grouped["enrolled_on"].max(), None)).astype(schema.DATE)
        for table in ("activities", "followups", "payments", "rejects"):
            out[table] = count(getattr(self, table))
        return out

    def __repr__(self) -> str:
        return (
            f"<Network {self.name!r}: {len(self.units)} units, {len(self.episodes)} episodes, "
            f"{len(self.payments)} payments, {len(self.followups)} follow-ups, "
            f"{len(self.rejects)} rejected rows, as_of {self.as_of.date()}>"
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Network {_html(self.name)}</b> — extraction date (as_of) {self.as_of.date()}; "
            f"{len(self.episodes)} episodes, {len(self.payments)} payment rows, "
            f"{len(self.followups)} follow-ups, {len(self.rejects)} rejected rows.</p>"
        )
        return head + self.summary().to_html(index=False, na_rep="")


def _html(text: str) -> str:
    import html

    return html.escape(str(text))


class IdCodes(NamedTuple):
    """Integer codes of an identifier column: row ``i`` holds ``uniques[codes[i]]``.

    ``codes`` is int32 with -1 for a missing value; ``uniques`` (a pyarrow
    ``large_string`` array) holds each distinct value once, in order of first
    appearance.
    """

    codes: np.ndarray
    uniques: pa.Array


#: id(arrow data of a column) -> its codes. Arrow arrays are immutable and pandas gives a
#: column new arrow data when a value is set, so codes found here always describe the
#: column's current values; an entry is dropped when its arrow data is freed.
_ID_CODES: dict[int, IdCodes] = {}


def _arrow_data(values: pd.Series):
    """The immutable arrow data behind an arrow-backed string column, else None."""
    array = values.array
    if not isinstance(array, pd.arrays.ArrowStringArray):
        return None
    return array.__arrow_array__()


def _as_text(values: pd.Series) -> pa.ChunkedArray:
    """The values as a pyarrow large_string chunked array (other dtypes compared as text)."""
    data = _arrow_data(values)
    if data is None:
        data = _arrow_data(values.astype(schema.STRING))
    if data.type != pa.large_string():
        data = data.cast(pa.large_string())
    return data


def _remember(data, codes: IdCodes) -> None:
    key = id(data)
    if key not in _ID_CODES:
        weakref.finalize(data, _ID_CODES.pop, key, None)
    _ID_CODES[key] = codes


def _indices(encoded: pa.ChunkedArray) -> np.ndarray:
    """The int32 indices of a dictionary-encoded chunked array, -1 for missing."""
    out = np.empty(len(encoded), dtype=np.int32)
    at = 0
    for chunk in encoded.chunks:
        indices = chunk.indices
        if indices.null_count:
            indices = pc.fill_null(indices, -1)
        out[at:at + len(indices)] = indices.to_numpy(zero_copy_only=False)
        at += len(indices)
    return out


def _encode(data: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Codes and distinct values of a string chunked array (one hash pass, pyarrow)."""
    encoded = data.dictionary_encode()
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pa.array([], pa.large_string())
    # pyarrow gives every chunk the final dictionary; unify should it ever not
    if len({len(chunk.dictionary) for chunk in encoded.chunks}) > 1:
        encoded = encoded.unify_dictionaries()
    return _indices(encoded), encoded.chunk(0).dictionary


def id_codes(values: pd.Series) -> IdCodes:
    """Return integer codes of an identifier column, hashing its values only once.

    The codes of an arrow-backed string column (the canonical ``string`` dtype) are
    kept while its data lives, so metrics that link the same ledger again (welfare,
    risk adjustment, register retention) do not hash millions of strings again
    (memory: 4 bytes per row plus the distinct values, held as long as the column).
    Values of other dtypes are compared as strings, as the canonical dtype does. The
    codes are read-only.
    """
    return id_codes_many([values])[0]


def id_codes_many(columns: Sequence[pd.Series]) -> list[IdCodes]:
    """Return :func:`id_codes` of several columns, hashing those not yet coded side by side.

    pyarrow's dictionary encoding releases the GIL, so the columns of a ledger (unit,
    person, household) are encoded on as many threads as there are cores. Only pyarrow
    and numpy run on the worker threads.
    """
    out: list = []
    todo = []
    for values in columns:
        values = pd.Series(values)
        data = _arrow_data(values)
        hit = _ID_CODES.get(id(data)) if data is not None else None
        if hit is None or len(hit.codes) != len(values):
            todo.append((len(out), data, _as_text(values)))
        out.append(hit)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            encoded = list(pool.map(lambda item: _encode(item[2]), todo))
    else:
        encoded = [_encode(item[2]) for item in todo]
    for (i, data, _), (codes, uniques) in zip(todo, encoded):
        codes.flags.writeable = False  # shared by every caller
        out[i] = IdCodes(codes, uniques)
        if data is not None:
            _remember(data, out[i])
    return out


#: (id(arrow data of a column), id(reference uniques)) -> the column's codes in that space;
#: dropped when either is freed.
_CODES_IN: dict[tuple[int, int], np.ndarray] = {}


def codes_in(values: pd.Series, reference: IdCodes) -> np.ndarray:
    """Return the codes, in ``reference``'s code space, of ``values`` (-1: missing or absent).

    One hash pass over the reference's distinct values followed by ``values``: the
    distinct values are encoded first, so they keep their codes 0..k-1 and a value
    coded k or more is not among them. Kept, as :func:`id_codes`, while the arrow
    data of both live (read-only: callers must not write into the result).
    """
    values = pd.Series(values)
    own = _arrow_data(values)
    key = (id(own), id(reference.uniques)) if own is not None else None
    if key is not None and key in _CODES_IN and len(_CODES_IN[key]) == len(values):
        return _CODES_IN[key]
    data = own if own is not None and own.type == pa.large_string() else _as_text(values)
    k = len(reference.uniques)
    both = pa.chunked_array([reference.uniques, *data.chunks], type=pa.large_string())
    codes = _encode(both)[0][k:]
    codes[codes >= k] = -1
    codes.flags.writeable = False
    if key is not None:
        if key not in _CODES_IN:
            weakref.finalize(own, _CODES_IN.pop, key, None)
        if key[1] not in _WATCHED:  # one finalizer per reference, however many columns use it
            _WATCHED.add(key[1])
            weakref.finalize(reference.uniques, _forget_reference, key[1])
        _CODES_IN[key] = codes
    return codes


#: ids of the reference uniques whose finalizer forgets their entries of _CODES_IN.
_WATCHED: set[int] = set()


def _forget_reference(reference_id: int) -> None:
    for key in [k for k in _CODES_IN if k[1] == reference_id]:
        _CODES_IN.pop(key, None)
    _WATCHED.discard(reference_id)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def read_parquet(folder) -> Network:
    """Read a network written by :meth:`Network.to_parquet`.

    Raises
    ------
    SchemaError
        If ``folder`` is not a saved network or a table lacks canonical columns.
    """
    folder = Path(folder)
    meta_path = folder / _META_FILE
    if not meta_path.is_file():
        raise SchemaError(
            f"{folder} holds no saved network ({_META_FILE} missing); "
            "write one with Network.to_parquet(folder)"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    tables = {}
    for table in _TABLE_NAMES:
        path = folder / f"{table}.parquet"
        if not path.is_file():
            raise SchemaError(f"{path} is missing from the saved network")
        # one block per column, arrow buffers freed as they are converted: no copy into
        # consolidated 2-d blocks and a lower peak (same dtypes and values)
        frame = pd.read_parquet(path, to_pandas_kwargs={"split_blocks": True, "self_destruct": True})
        tables[table] = schema.coerce_table(frame, schema.TABLES[table])
    return Network(**tables, as_of=_as_timestamp(meta["as_of"]), name=meta.get("name", "network"),
                   meta=dict(meta.get("meta", {})))

