"""amebench.metrics._ledger as of commit b5cd348 (before the block-wise rewrite), verbatim.

Only the import of AmebenchError is made absolute.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from amebench.exceptions import AmebenchError

__all__ = ["month_index", "Windows", "window_totals"]

_EPOCH_YEAR = 1970
_NO_MONTH = np.iinfo(np.int64).min
_FAR_FIRST = np.iinfo(np.int64).max
_FAR_LAST = np.iinfo(np.int64).min
_I32_MIN, _I32_MAX = np.iinfo(np.int32).min, np.iinfo(np.int32).max


def month_index(dates) -> np.ndarray:
    """Return months since 1970-01 (int64) of dates; NaT gives a very negative sentinel."""
    values = np.asarray(pd.Series(dates).astype("datetime64[ns]").to_numpy())
    # A ledger holds few distinct months: convert those, not every row (calendar
    # arithmetic on datetime64[M] is the slow part).
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    months = np.asarray(uniques, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    out = np.append(months, _NO_MONTH)[codes]  # code -1 (NaT) reads the sentinel
    return out


def _strings(values) -> pd.Series:
    return pd.Series(values).astype("string").reset_index(drop=True)


@dataclass
class Windows:
    """Per episode: the unit's ledger coverage and, per window, the amount and paid rows."""

    coverage_first: np.ndarray
    coverage_last: np.ndarray
    amount: list[np.ndarray]
    paid: list[np.ndarray]


def window_totals(payments: pd.DataFrame, *, unit, person_id, household_id,
                  bounds: list[tuple[np.ndarray, np.ndarray]],
                  price_index: Mapping[int, float] | None = None,
                  base_year: int | None = None) -> Windows:
    """Sum each episode's ledger rows over each window of months.

    Parameters
    ----------
    payments
        The canonical payments table (``unit``, ``person_id``, ``household_id``,
        ``month``, ``amount_sek``).
    unit, person_id, household_id
        One value per episode (aligned arrays of the same episodes).
    bounds
        Per window, (first, last) month indices per episode, both inclusive.
    price_index, base_year
        Optional mapping year -> index: amounts x index[base_year] / index[year].

    Returns
    -------
    Windows
        ``coverage_first``/``coverage_last``: first and last month with any row in
        the episode's unit's ledger (extreme sentinels when the unit has none);
        ``amount[w]``, ``paid[w]``: total amount and number of rows with amount > 0
        in window ``w``.

    Notes
    -----
    An episode with a ``household_id`` takes the rows of that household in its
    unit's ledger plus the person's own rows that carry no household; an episode
    without one takes every row of the person in its unit's ledger.
    """
    month = month_index(payments["month"])
    if (month == _NO_MONTH).any():
        raise AmebenchError(
            f"{int((month == _NO_MONTH).sum())} payment rows have no month; "
            "every ledger row needs the first day of its month"
        )
    amount = np.asarray(payments["amount_sek"], dtype=np.float64)
    if not np.isfinite(amount).all():
        bad = int((~np.isfinite(amount)).sum())
        raise AmebenchError(f"{bad} payment rows have a missing amount_sek")
    if price_index is not None:
        amount = amount * _deflator(month, price_index, base_year)

    ep_unit, ep_person, ep_household = _strings(unit), _strings(person_id), _strings(household_id)
    n_ep = len(ep_unit)
    row_unit, units = pd.factorize(_strings(payments["unit"]), use_na_sentinel=True)
    units = pd.Index(units)
    e_unit = units.get_indexer(ep_unit)
    e_unit[np.asarray(ep_unit.isna())] = -1
    first_cov, last_cov = _coverage(row_unit, month, len(units))
    coverage_first = np.where(e_unit >= 0, first_cov[np.maximum(e_unit, 0)], _FAR_FIRST)
    coverage_last = np.where(e_unit >= 0, last_cov[np.maximum(e_unit, 0)], _FAR_LAST)

    totals = [np.zeros(n_ep) for _ in bounds]
    paid = [np.zeros(n_ep, dtype=np.int64) for _ in bounds]
    ep_has_h = np.asarray(ep_household.notna())
    person = _Factorized(payments["person_id"])
    household = _Factorized(payments["household_id"]) if ep_has_h.any() else None
    row_has_h = household.codes >= 0 if household is not None else None
    # ONE person pass for every episode: an episode with a household takes only the
    # person's rows without one (checked per row after the gather, by the episode's flag).
    _link(person, ep_person, row_unit, e_unit, month, amount,
          row_filter=None, ep_filter=np.ones(n_ep, bool), bounds=bounds, totals=totals, paid=paid,
          ep_has_h=ep_has_h if household is not None else None, row_has_h=row_has_h)
    if household is not None and row_has_h.any():
        _link(household, ep_household, row_unit, e_unit, month, amount,
              row_filter=row_has_h, ep_filter=ep_has_h, bounds=bounds, totals=totals, paid=paid)
    return Windows(coverage_first, coverage_last, totals, paid)


class _Factorized:
    """Integer codes of a ledger id column (hashing each row once; -1 = missing)."""

    def __init__(self, values) -> None:
        codes, uniques = pd.factorize(_strings(values), use_na_sentinel=True)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.uniques = pd.Index(uniques)

    def recode(self, index: pd.Index) -> np.ndarray:
        """Codes of every row in ``index`` (-1 when absent), looking up only the distinct ids."""
        lookup = np.append(index.get_indexer(self.uniques), -1)
        return lookup[self.codes]  # code -1 reads the appended -1


def _coverage(row_unit: np.ndarray, month: np.ndarray,
              n_units: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n_units, _FAR_FIRST, dtype=np.int64)
    last = np.full(n_units, _FAR_LAST, dtype=np.int64)
    ok = row_unit >= 0
    if not ok.any():
        return first, last
    lo = int(month.min())
    span = int(month.max()) - lo + 1
    if ok.all():
        seen = np.bincount(row_unit * span + (month - lo), minlength=n_units * span)
    else:
        seen = np.bincount(row_unit[ok] * span + (month[ok] - lo), minlength=n_units * span)
    seen = seen.reshape(n_units, span) > 0
    has = seen.any(axis=1)
    first[has] = seen.argmax(axis=1)[has] + lo
    last[has] = (span - 1 - seen[:, ::-1].argmax(axis=1))[has] + lo
    return first, last


def _link(row_ids: _Factorized, ep_ids: pd.Series, row_unit, e_unit, month, amount, *,
          row_filter, ep_filter, bounds, totals, paid, ep_has_h=None, row_has_h=None) -> None:
    """Add the rows whose id (and unit) match an episode's to that episode's window totals."""
    episodes = np.flatnonzero(ep_filter & np.asarray(ep_ids.notna()) & (e_unit >= 0))
    if len(episodes) == 0:
        return
    index = pd.Index(pd.unique(ep_ids.iloc[episodes]))
    ep_code = index.get_indexer(ep_ids.iloc[episodes])
    row_code = row_ids.recode(index)  # -1 for ids of no episode: most rows at national scale
    # Episode unit and window bounds as contiguous int32 arrays: each ledger row gathers them
    # by episode (months since 1970 fit int32; the extreme sentinels are clipped).
    e_unit32 = e_unit.astype(np.int32)
    bounds32 = [(np.clip(f, _I32_MIN, _I32_MAX).astype(np.int32),
                 np.clip(last, _I32_MIN, _I32_MAX).astype(np.int32)) for f, last in bounds]
    # One id can belong to several episodes (two members' episodes of one household, or one
    # id in two units): pass once per rank of the episode among those sharing its id.
    order = np.argsort(ep_code, kind="stable")
    sorted_code = ep_code[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_code)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    n_ep = len(totals[0])
    for r in range(int(rank.max()) + 1):
        chosen = order[rank == r]
        owner = np.full(len(index) + 1, -1, dtype=np.int64)  # last slot: row code -1
        owner[ep_code[chosen]] = episodes[chosen]
        e = owner[row_code]
        wanted = e >= 0
        if row_filter is not None:
            wanted &= row_filter
        rows = np.flatnonzero(wanted)
        e = e[rows]
        if ep_has_h is not None:  # household episodes take only rows without a household
            keep = ~(ep_has_h[e] & row_has_h[rows])
            rows, e = rows[keep], e[keep]
        same_unit = e_unit32[e] == row_unit[rows]
        m = month[rows].astype(np.int32)
        amounts = amount[rows]
        paid_rows = amounts > 0
        for w, (first, last) in enumerate(bounds32):
            inside = same_unit & (m >= first[e]) & (m <= last[e])
            ids = e[inside]
            totals[w] += np.bincount(ids, weights=amounts[inside], minlength=n_ep)
            paid[w] += np.bincount(ids[paid_rows[inside]], minlength=n_ep)


def _deflator(month: np.ndarray, price_index: Mapping[int, float],
              base_year: int | None) -> np.ndarray:
    if base_year is None:
        raise AmebenchError(
            "price_index needs base_year: the year whose prices amounts are shown in"
        )
    try:
        index = {int(k): float(v) for k, v in dict(price_index).items()}
    except (TypeError, ValueError):
        raise AmebenchError("price_index must map years (int) to index values (numbers)") from None
    if any(not np.isfinite(v) or v <= 0 for v in index.values()):
        raise AmebenchError("price_index values must be positive numbers")
    if int(base_year) not in index:
        raise AmebenchError(f"base_year {base_year} is not in price_index (years {sorted(index)})")
    years = month // 12 + _EPOCH_YEAR
    needed = np.unique(years)
    missing = sorted(int(y) for y in needed if int(y) not in index)
    if missing:
        raise AmebenchError(
            f"price_index lacks the year(s) {missing} that the payments ledger covers; "
            "add an index value for each"
        )
    lookup = pd.Series(index)
    factor = index[int(base_year)] / lookup.reindex(years).to_numpy()
    return factor
