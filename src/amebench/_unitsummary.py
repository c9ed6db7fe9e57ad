"""One row per unit of a network: what its tables hold (:meth:`amebench.Network.summary`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _idcodes, schema

__all__ = ["unit_summary"]


def unit_summary(network) -> pd.DataFrame:
    """:meth:`amebench.Network.summary` of ``network``, counted by the integer unit codes the
    columns keep (grouping 40 million ledger rows by their text took seconds on every call:
    national review)."""
    ep = network.episodes
    units = pd.Index(network.units["unit"].astype(str), dtype=object)
    k = len(units)

    def position(values: pd.Series) -> np.ndarray:
        """Each row's unit as its position in ``units`` (-1: none or another)."""
        codes, uniques = _idcodes.id_codes(values)
        return np.append(units.get_indexer(uniques.to_pylist()), -1)[codes]

    def count(rows: np.ndarray) -> np.ndarray:
        return np.bincount(rows + 1, minlength=k + 1)[1:].astype("int64")  # bin 0: no unit

    def per_unit(values: np.ndarray, rows: np.ndarray, how: str) -> pd.Series:
        kept = rows >= 0
        return pd.Series(values[kept]).groupby(rows[kept]).agg(how).reindex(range(k)).reset_index(drop=True)

    def distinct(rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The distinct ``values`` (non-negative integers) per unit."""
        kept = (rows >= 0) & (values >= 0)
        width = int(values.max(initial=0)) + 1
        pairs = np.sort(rows[kept].astype(np.int64) * width + values[kept])
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
        return count(pairs // width)

    out = pd.DataFrame({"unit": pd.Series(units, dtype=schema.STRING)})
    out["name"] = network.units["name"].to_numpy()
    at = position(ep["unit"])
    out["episodes"] = count(at)
    out["persons"] = distinct(at, _idcodes.id_codes(ep["person_id"]).codes)
    out["ongoing"] = count(at[ep["exited_on"].isna().to_numpy()])
    out["exited"] = out["episodes"] - out["ongoing"]
    enrolled = ep["enrolled_on"].to_numpy("datetime64[ns]")
    out["first_enrolment"] = per_unit(enrolled, at, "min").astype(schema.DATE)
    out["last_enrolment"] = per_unit(enrolled, at, "max").astype(schema.DATE)
    paying = position(network.payments["unit"])
    for table in ("activities", "followups", "rejects"):
        out[table] = count(position(getattr(network, table)["unit"]))
    out.insert(out.columns.get_loc("followups") + 1, "payments", count(paying))
    start, rows = _ledger_months(network, paying, k)
    held = rows > 0
    paid = held.any(axis=1)
    first = np.where(paid, held.argmax(axis=1), -1)
    last = np.where(paid, held.shape[1] - 1 - held[:, ::-1].argmax(axis=1), -1)
    for offset, (column, month) in enumerate((("ledger_from", first), ("ledger_to", last)), start=1):
        days = pd.Series((start + month.astype("timedelta64[M]")).astype("datetime64[ns]"))
        out.insert(out.columns.get_loc("payments") + offset, column, days.where(paid).astype(schema.DATE))
    gaps = pd.Series(last - first + 1 - held.sum(axis=1), dtype="Int64").where(paid)
    out.insert(out.columns.get_loc("ledger_to") + 1, "ledger_gaps", gaps)
    return out


def _ledger_months(network, at: np.ndarray, units: int) -> tuple[np.datetime64, np.ndarray]:
    """The first month of the payment rows up to ``as_of``'s month, and their count per unit
    (``at``: each row's unit position, -1 none) and month from it on (units x months).
    Days in integers and a table of their months: converting 40 million dates to months
    took seconds."""
    ns = network.payments["month"].to_numpy("datetime64[ns]").view(np.int64)
    known = ns != np.iinfo(np.int64).min  # not NaT
    if network.as_of is not None and pd.notna(network.as_of):  # advance payments do not extend the coverage
        known &= ns <= pd.Timestamp(network.as_of).value
    at = np.where(known, at, -1)
    day = ns // 86_400_000_000_000
    kept = at >= 0
    if not kept.any():
        return np.datetime64(0, "M"), np.zeros((units, 1), dtype=np.int64)
    low, high = int(np.where(kept, day, np.iinfo(np.int64).max).min()), int(np.where(kept, day, -1).max())
    months = np.arange(low, high + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    start = int(months[0])
    width = int(months[-1]) - start + 1
    month = months[np.clip(day - low, 0, high - low)] - start
    rows = np.bincount(np.where(kept, at * width + month, units * width), minlength=units * width + 1)
    return np.datetime64(start, "M"), rows[:-1].reshape(units, width)
