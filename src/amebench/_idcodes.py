"""Integer codes of identifier columns, computed once per column and kept for the next metric.

The ledger metrics (welfare, risk adjustment's prior welfare months, register
retention) link tens of millions of payment rows to episodes by unit, person and
household. Hashing those id strings is the largest part of a first call at national
size, so the codes are kept while the column's arrow data lives and the next metric on
the same ledger does not hash its 40M strings again.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema

__all__ = ["IdCodes", "id_codes", "id_codes_many", "codes_in"]


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
