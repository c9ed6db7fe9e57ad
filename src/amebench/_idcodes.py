"""Integer codes of identifier columns, computed once per column and kept for the next metric.

The ledger metrics (welfare, risk adjustment's prior welfare months, register
retention) link tens of millions of payment rows to episodes by unit, person and
household. Hashing those id strings is the largest part of a first call at national
size, so the codes are kept while the column's arrow data lives and the next metric on
the same ledger does not hash its 40M strings again.

:meth:`Network.to_parquet <amebench.Network.to_parquet>` also saves the codes of the
ledger's and the episodes' ids beside their Parquet files, the episodes' in the ledger's
code space too (:func:`save_codes`), and :func:`amebench.read_parquet` takes them back
(:func:`load_codes`) when they were made from exactly the files it read, so even the
first metric after a read does not hash the ids.
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from . import _threads, schema

__all__ = ["ID_COLUMNS", "IdCodes", "id_codes", "id_codes_many", "known_codes", "codes_in", "carry", "fingerprint",
           "Space", "save_codes", "Taken", "load_codes", "remember"]


#: the id columns the metrics link episodes and ledger rows by: those whose codes
#: ``to_parquet`` saves and a cohort carries to its episodes
ID_COLUMNS = ("unit", "person_id", "household_id")


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


def known_codes(values: pd.Series) -> IdCodes | None:
    """The codes :func:`id_codes` keeps for this column, or None (nothing is hashed)."""
    data = _arrow_data(pd.Series(values))
    hit = _ID_CODES.get(id(data)) if data is not None else None
    return hit if hit is not None and len(hit.codes) == len(values) else None


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
        hit = known_codes(values)
        if hit is None:
            todo.append((len(out), _arrow_data(values), _as_text(values)))
        out.append(hit)
    workers = min(len(todo), _threads.cores())
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
    known = _ID_CODES.get(id(own)) if own is not None else None
    if known is not None and known.uniques is reference.uniques and len(known.codes) == len(values):
        return known.codes  # the column's own codes: reference is its id_codes
    data = own if own is not None and own.type == pa.large_string() else _as_text(values)
    k = len(reference.uniques)
    both = pa.chunked_array([reference.uniques, *data.chunks], type=pa.large_string())
    codes = _encode(both)[0][k:]
    codes[codes >= k] = -1
    codes.flags.writeable = False
    if own is not None:
        _remember_in(own, reference, codes)
    return codes


def _remember_in(own, reference: IdCodes, codes: np.ndarray) -> None:
    """Keep ``codes``, the codes of the column with arrow data ``own`` in ``reference``'s space."""
    space = id(reference.uniques)
    if space not in _WATCHED:  # one finalizer per reference, however many columns use it
        _WATCHED.add(space)
        weakref.finalize(reference.uniques, _forget_reference, space)
    _keep_in(own, space, codes)


def _keep_in(own, space: int, codes: np.ndarray) -> None:
    """Keep ``codes`` for the column with arrow data ``own`` in the watched space ``space``."""
    key = (id(own), space)
    if key not in _CODES_IN:
        weakref.finalize(own, _CODES_IN.pop, key, None)
    _CODES_IN[key] = codes


#: ids of the reference uniques whose finalizer forgets their entries of _CODES_IN.
_WATCHED: set[int] = set()


def _forget_reference(reference_id: int) -> None:
    # list(dict) copies the keys in one step: code_ahead's thread may add some meanwhile
    for key in [k for k in list(_CODES_IN) if k[1] == reference_id]:
        _CODES_IN.pop(key, None)
    _WATCHED.discard(reference_id)


def carry(source: pd.Series, taken: pd.Series, positions: np.ndarray) -> None:
    """Keep for ``taken``, the values of ``source`` at ``positions``, the codes known for ``source``.

    ``taken`` gets ``source``'s codes at those rows, numbered again in order of first
    appearance (so exactly the codes :func:`id_codes` would hash for it), and its codes
    in every space :func:`codes_in` has coded ``source`` in. Nothing is hashed: a cohort
    that selects episodes of a network whose ids are coded (saved by ``to_parquet``)
    starts from codes too. Nothing happens for columns that are not arrow-backed
    strings, or when ``taken`` shares ``source``'s data (its codes are found already).
    """
    own, data = _arrow_data(pd.Series(source)), _arrow_data(pd.Series(taken))
    if own is None or data is None or own is data or len(positions) != len(taken):
        return
    positions = np.asarray(positions)
    known = _ID_CODES.get(id(own))
    if known is not None and len(known.codes) == len(source) and id(data) not in _ID_CODES:
        codes = known.codes[positions]
        present = codes >= 0
        labels, first = pd.factorize(codes[present])  # first appearance, as hashing numbers them
        renumbered = np.full(len(codes), -1, dtype=np.int32)
        renumbered[present] = labels
        renumbered.flags.writeable = False
        _remember(data, IdCodes(renumbered, known.uniques.take(pa.array(first))))
        codes.flags.writeable = False
        _remember_in(data, known, codes)  # and in the source's own space: codes_in(taken, id_codes(source))
    for (owner, space), codes in list(_CODES_IN.items()):
        if owner == id(own) and len(codes) == len(source) and (id(data), space) not in _CODES_IN:
            selected = codes[positions]
            selected.flags.writeable = False
            _keep_in(data, space, selected)


# -- codes saved beside a Parquet file ------------------------------------------------

def _blake2b(data) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def parquet_footer(file) -> bytes | None:
    """A Parquet file's footer with its length and closing magic (the file's last bytes).

    ``file`` is an open binary file or pyarrow ``NativeFile``; None when it is too short
    to hold the footer its last 8 bytes announce.
    """
    size = file.seek(0, os.SEEK_END)
    if size < 12:
        return None
    file.seek(-8, os.SEEK_END)
    length = int.from_bytes(file.read(4), "little")
    if length > size - 12:
        return None
    file.seek(-8 - length, os.SEEK_END)
    return file.read(length + 8)


def fingerprint(parquet_path, columns: Sequence[str]) -> str:
    """Return a digest of a Parquet file's footer and ``columns``' bytes (BLAKE2b, 128 bits).

    The digest covers the footer (the schema, the pandas metadata that names and types
    the columns, every row group's row count and offsets) and the whole column chunk of
    every named column (its page headers, dictionary and data pages), so two files with
    the same digest give the same values in those columns (a change to another column's
    pages alone leaves the digest as it was, and those columns' values too). It reads
    only the footer and those chunks: 39 MB of the 291 MB national-size ledger, about 0.05 s.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(json.dumps(list(columns)).encode())
    with open(parquet_path, "rb") as file:
        footer = parquet_footer(file)
        if footer is None:
            raise ValueError(f"{parquet_path} is too short for a Parquet file")
        digest.update(footer)
        meta = pq.ParquetFile(file).metadata
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            chunks = {group.column(c).path_in_schema: group.column(c) for c in range(group.num_columns)}
            for name in columns:
                chunk = chunks.get(name)
                if chunk is None:  # a file without the column: digest that, never equal to one with it
                    digest.update(f"no column {name}".encode())
                    continue
                start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
                file.seek(start)
                digest.update(file.read(chunk.total_compressed_size))
    return digest.hexdigest()


class Space(NamedTuple):
    """Another table's codes to save (and take back) a frame's ids in as well: the ledger's
    codes, for the episodes linked to it."""

    codes: Mapping[str, IdCodes]  # column name -> that table's codes of the column
    name: str  # what identifies those codes: the digest of the file their distinct values were saved in


def _in_space(column: str) -> str:
    return f"{column} in space"


def save_codes(frame: pd.DataFrame, parquet_path, codes_path, uniques_path, *, space: Space | None = None) -> dict:
    """Write the codes of ``frame``'s columns and their distinct values; return what :func:`load_codes` checks.

    ``frame`` must be those columns as read back from ``parquet_path`` (the same
    reading as :func:`amebench.read_parquet`'s), so the codes describe the values a
    reader will get, whatever dtypes the frame that was written had. Both files are
    Arrow IPC (LZ4) with one column per id: ``codes_path`` the int32 codes, -1 for a
    missing value; ``uniques_path`` the distinct values, padded with nulls to the
    longest. With ``space``, ``codes_path`` also holds, for each column ``space`` has,
    the column's codes in ``space``'s code space (:func:`codes_in`), named
    ``"<column> in space"``. The returned record holds the columns, the row count, each
    column's number of distinct values, the Parquet file's :func:`fingerprint`, a
    BLAKE2b digest of each file's own bytes and, with ``space``, its name, columns and
    lengths. For the national-size ledger (40M rows) the codes take 12 MB and the
    distinct values 38 MB.
    """
    columns = list(frame.columns)
    found = id_codes_many([frame[name] for name in columns])
    lengths = [len(codes.uniques) for codes in found]
    width = max(lengths, default=0)
    codes = {name: codes.codes for name, codes in zip(columns, found)}
    spaced = [name for name in columns if space is not None and name in space.codes]
    for name in spaced:
        codes[_in_space(name)] = codes_in(frame[name], space.codes[name])
    uniques = pa.table({name: pa.concat_arrays([codes.uniques, pa.nulls(width - len(codes.uniques),
                                                                        pa.large_string())])
                        for name, codes in zip(columns, found)})
    record = {"columns": columns, "rows": len(frame), "lengths": lengths,
              "parquet_fingerprint": fingerprint(parquet_path, columns),
              "codes_blake2b": _write_ipc(pa.table(codes), codes_path),
              "uniques_blake2b": _write_ipc(uniques, uniques_path)}
    if space is not None:
        record["space"] = {"name": space.name, "columns": spaced,
                           "lengths": [len(space.codes[name].uniques) for name in spaced]}
    return record


def _write_ipc(table: pa.Table, path) -> str:
    """Write ``table`` as an Arrow IPC file (LZ4); return the digest of the file's bytes."""
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, table.schema, options=ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    data = sink.getvalue()
    Path(path).write_bytes(data)
    return _blake2b(data)


def _read_ipc(path, digest: str) -> pa.Table | None:
    """The table of an IPC file whose bytes have ``digest`` (checked before pyarrow parses them), else None."""
    # read the bytes, not a memory map: decompressing from a map cost 10x the system
    # time on the benchmark VM; and what is parsed is what was checked
    data = Path(path).read_bytes()
    if _blake2b(data) != digest:
        return None
    table = ipc.open_file(pa.py_buffer(data)).read_all()
    table.validate(full=True)
    return table


class Taken(NamedTuple):
    """Codes :func:`load_codes` took back for one column."""

    column: str
    data: pa.ChunkedArray  # the column's arrow data
    codes: IdCodes
    in_space: tuple[IdCodes, np.ndarray] | None  # the space's codes of the column, and the column's codes in them


def load_codes(frame: pd.DataFrame, parquet_path, codes_path, uniques_path, record, *,
               space: Space | None = None) -> list[Taken] | None:
    """Return the codes :func:`save_codes` wrote for ``frame``, read from ``parquet_path``; else None.

    ``record`` is what :func:`save_codes` returned. The codes are returned only when
    both files' bytes have the recorded digests (so a damaged file is never parsed),
    ``parquet_path`` has the recorded :func:`fingerprint` (the codes were made from this
    very file), the tables are valid Arrow with the recorded columns, rows and types,
    every code points into its column's distinct values, and ``frame``'s columns are
    arrow-backed strings. Codes in a space are returned only when ``space`` has the
    recorded name (the space's codes are those they were made in) and lengths; without
    it the columns' own codes are still returned. Pass the result to :func:`remember`.
    Anything else gives None: the first metric then hashes the ids as usual (a cache:
    results never depend on it). ``record`` itself is trusted: the digests catch damaged
    files and files changed since the codes were made, not a forgery that rewrites the
    record along with them (whoever can do that can rewrite the tables themselves).
    """
    try:
        columns = [str(name) for name in record["columns"]]
        lengths = [int(length) for length in record["lengths"]]
        saved_space = record.get("space")
        spaced = [] if saved_space is None else [str(name) for name in saved_space["columns"]]
        space_lengths = [] if saved_space is None else [int(length) for length in saved_space["lengths"]]
        owns = [_arrow_data(frame[name]) if name in frame.columns else None for name in columns]
        if (any(own is None for own in owns) or record["rows"] != len(frame) or len(lengths) != len(columns)
                or not set(spaced) <= set(columns) or len(space_lengths) != len(spaced)
                or fingerprint(parquet_path, columns) != record["parquet_fingerprint"]):
            return None
        codes = _read_ipc(codes_path, record["codes_blake2b"])
        uniques = _read_ipc(uniques_path, record["uniques_blake2b"])
        if (codes is None or uniques is None or codes.column_names != columns + [_in_space(n) for n in spaced]
                or uniques.column_names != columns or codes.num_rows != len(frame)):
            return None
        use_space = (space is not None and saved_space is not None and saved_space["name"] == space.name
                     and all(name in space.codes and len(space.codes[name].uniques) == length
                             for name, length in zip(spaced, space_lengths)))
        taken = []
        for name, length, own in zip(columns, lengths, owns):
            values = uniques[name].combine_chunks()
            row_codes = _valid_codes(codes[name], length)
            if (row_codes is None or values.type != pa.large_string() or not 0 <= length <= len(values)
                    or values[:length].null_count):
                return None
            in_space = None
            if name in spaced:
                reference_length = space_lengths[spaced.index(name)]
                spaced_codes = _valid_codes(codes[_in_space(name)], reference_length)
                if spaced_codes is None:
                    return None
                in_space = (space.codes[name], spaced_codes) if use_space else None
            taken.append(Taken(name, own, IdCodes(row_codes, values[:length]), in_space))
        return taken
    except (OSError, ValueError, TypeError, KeyError, ArithmeticError, pa.ArrowException):
        return None  # ArithmeticError: JSON's 1e400 is inf, and int(inf) overflows


def _valid_codes(column: pa.ChunkedArray, length: int) -> np.ndarray | None:
    """The int32 codes of a saved column when each is -1 or points into ``length`` values, else None."""
    codes = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if codes.type != pa.int32() or codes.null_count or length < 0:
        return None
    codes = codes.to_numpy()  # no copy: read-only arrow memory
    if len(codes) and (codes.min() < -1 or codes.max() >= length):
        return None
    return codes


def remember(taken: list[Taken]) -> None:
    """Keep codes returned by :func:`load_codes` for the columns they were loaded for."""
    for _, data, codes, in_space in taken:
        _remember(data, codes)
        if in_space is not None:
            _remember_in(data, *in_space)
