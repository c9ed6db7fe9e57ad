"""Payment-window sums over a monthly welfare ledger, vectorised.

Months are integer indices (months since 1970-01). Ledger rows and episodes are
matched through integer codes of their ids (:func:`amebench._idcodes.id_codes`:
each string column is hashed once, and the codes are reused by every metric that
reads the same ledger). The ledger is read in blocks of rows: each row is paired
with the episode(s) holding its id through a lookup table indexed by id code, and
the pairs whose month falls in the episode's window are added up with
``numpy.add.at``. No sort of the ledger, no per-person Python loop, no payments x
episodes merge, and no temporary array as long as the ledger (allocating fresh
memory is a large share of the time at national scale).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from .. import _threads
from .._idcodes import _arrow_data, codes_in, id_codes, id_codes_many, known_codes
from ..exceptions import AmebenchError

__all__ = ["code_ahead", "last_full_month", "month_index", "Windows", "window_totals"]

_EPOCH_YEAR = 1970
_NO_MONTH = np.iinfo(np.int64).min
#: ``method`` of a result row whose units have no ledger row at all: its exits are not
#: merely censored, nothing about payments is known
NO_LEDGER = "no payment data for this group"

_FAR_FIRST = np.iinfo(np.int64).max
_FAR_LAST = np.iinfo(np.int64).min
_I32_MIN, _I32_MAX = np.iinfo(np.int32).min, np.iinfo(np.int32).max
_NS_PER_DAY = 86_400 * 10**9
#: Ledger rows per block: temporaries of a few MB are reused by the allocator.
_BLOCK = 1 << 20
#: Longest window whose paid months can be counted (one bit per month in a uint64).
_MASK_MONTHS = 64


def month_index(dates) -> np.ndarray:
    """Return months since 1970-01 (int64) of dates; NaT gives a very negative sentinel."""
    values = np.asarray(pd.Series(dates).astype("datetime64[ns]").to_numpy())
    out = np.full(len(values), _NO_MONTH, dtype=np.int64)
    present = ~np.isnat(values)
    if present.any():
        calendar = _Calendar(values.view(np.int64)[present])
        out[present] = calendar.months(values.view(np.int64)[present])
    return out


def last_full_month(as_of) -> int:
    """The last month (:func:`month_index`) complete by ``as_of``: its own month when
    ``as_of`` is the month's last day (a month-end extraction observes the whole month),
    else the month before."""
    return int(month_index(pd.Series([pd.Timestamp(as_of) + pd.Timedelta(days=1)]))[0]) - 1


class _Calendar:
    """Day -> month lookup over the range of some timestamps (ns since 1970, no NaT).

    Calendar arithmetic (``datetime64[M]``) runs once per day in range; each
    timestamp then costs one integer division and one lookup.
    """

    def __init__(self, ns: np.ndarray) -> None:
        if len(ns):
            self.first_day = int(ns.min()) // _NS_PER_DAY
            last_day = int(ns.max()) // _NS_PER_DAY
        else:
            self.first_day = last_day = 0
        days = np.arange(self.first_day, last_day + 1).astype("datetime64[D]")
        self.table = days.astype("datetime64[M]").astype(np.int64).astype(np.int32)
        self.first = int(self.table[0])
        self.last = int(self.table[-1])

    def months(self, ns: np.ndarray) -> np.ndarray:
        day = ns // _NS_PER_DAY
        day -= self.first_day
        return self.table[day]


@dataclass
class Windows:
    """Per episode: the unit's ledger coverage and, per window, the amount and paid rows
    (and, when asked for, the distinct months with a paid row)."""

    coverage_first: np.ndarray
    coverage_last: np.ndarray
    amount: list[np.ndarray]
    paid: list[np.ndarray]
    paid_months: list[np.ndarray] | None = None

    @property
    def has_ledger(self) -> np.ndarray:
        """Whether the episode's unit has any ledger row (a unit without one has no coverage)."""
        return self.coverage_first <= self.coverage_last


def window_totals(payments: pd.DataFrame, episodes: pd.DataFrame, *, rows: np.ndarray | None = None,
                  bounds: list[tuple[np.ndarray, np.ndarray]],
                  price_index: Mapping[int, float] | None = None,
                  base_year: int | None = None, count_months: bool = False,
                  observed_to: int | None = None, person_rows: np.ndarray | None = None,
                  household_rows: np.ndarray | None = None, taken: np.ndarray | None = None) -> Windows:
    """Sum each episode's ledger rows over each window of months.

    Parameters
    ----------
    payments
        The canonical payments table (``unit``, ``person_id``, ``household_id``,
        ``month``, ``amount_sek``).
    episodes
        Episodes with ``unit``, ``person_id`` and optionally ``household_id``.
    rows
        Positions of the episodes to sum for (default all, in order). Passing a
        cohort's whole table with positions lets the id codes of its columns be
        reused by the next metric.
    bounds
        Per window, (first, last) month indices per selected episode, both inclusive.
    price_index, base_year
        Optional mapping year -> index: amounts x index[base_year] / index[year].
    count_months
        Also count, per window, the distinct months with a paid row (a month paid
        through the person and through the household counts once). Every window
        must then span at most 64 months.
    observed_to
        Month index of ``as_of``: rows for later months (advance payments, which
        load) do not extend the ledger's coverage. Default: every row counts.
    person_rows, household_rows
        Per selected episode, which rows it takes instead of the rule below:
        ``person_rows`` 0 (none of the person's), 1 (the person's rows without a
        household), 2 (every row of the person) or 3 (every row of the person but
        those of the episode's household, which the household rows count);
        ``household_rows``: the rows of the episode's household. Both or neither.
    taken
        Per episode of ``episodes`` (as ``rows`` selects them), whether its
        ``household_id`` was taken from another episode
        (:func:`amebench.metrics._households.linked_households`):
        such an episode adds the household's rows to every row of the person, so a
        row paying the person in another household stays theirs (``person_rows`` 3).

    Returns
    -------
    Windows
        ``coverage_first``/``coverage_last``: first and last month with any row in
        the episode's unit's ledger (extreme sentinels when the unit has none);
        ``amount[w]``, ``paid[w]``: total amount and number of rows with amount > 0
        in window ``w``; ``paid_months[w]`` (with ``count_months``): number of
        distinct months with such a row.

    Notes
    -----
    An episode with a ``household_id`` takes the rows of that household in its
    unit's ledger plus the person's own rows that carry no household; an episode
    without one takes every row of the person in its unit's ledger, and one whose
    household was ``taken`` both.

    Each episode's person rows are added in ledger row order, its household rows
    likewise, and the two sums are added last: the totals do not depend on the
    order of the episodes.
    """
    ns = np.asarray(payments["month"].astype("datetime64[ns]").to_numpy()).view(np.int64)
    amount = np.asarray(payments["amount_sek"], dtype=np.float64)
    _check_ledger(ns, amount)
    calendar = _Calendar(ns)
    factor = _deflator(calendar, price_index, base_year) if price_index is not None else None

    def selected(codes: np.ndarray) -> np.ndarray:
        return codes if rows is None else codes[rows]

    id_codes_many(_ledger_ids(payments, episodes))  # hashed side by side; the id_codes calls below find them
    row_unit = id_codes(payments["unit"])
    e_unit = selected(codes_in(episodes["unit"], row_unit))
    n_ep = len(e_unit)
    has_unit = e_unit >= 0
    if "household_id" in episodes:
        ep_has_h = selected(np.asarray(episodes["household_id"].notna())) & has_unit
    else:
        ep_has_h = np.zeros(n_ep, dtype=bool)
    if household_rows is not None:
        ep_has_h &= household_rows
    if person_rows is None:
        beside = np.zeros(n_ep, dtype=bool) if taken is None else selected(np.asarray(taken, dtype=bool))
        person_rows = np.where(ep_has_h, np.where(beside, 3, 1), 2)
    unhoused_only = person_rows == 1  # the person's rows that carry a household are another's
    but_home = person_rows == 3  # every row of the person but its household's (counted as the household's)
    any_but_home = bool(but_home.any())  # once, not per block
    row_person = id_codes(payments["person_id"])
    persons = _Owners(selected(codes_in(episodes["person_id"], row_person)), has_unit & (person_rows > 0),
                      len(row_person.uniques))
    row_household = households = home = None
    if ep_has_h.any() or unhoused_only.any():
        row_household = id_codes(payments["household_id"])
    if ep_has_h.any():
        home = selected(codes_in(episodes["household_id"], row_household))
        households = _Owners(home, ep_has_h, len(row_household.uniques))
    # Months since 1970 fit int32; the extreme sentinels of missing dates are clipped.
    bounds32 = [(np.clip(f, _I32_MIN, _I32_MAX).astype(np.int32),
                 np.clip(last, _I32_MIN, _I32_MAX).astype(np.int32)) for f, last in bounds]
    if count_months and any(np.any(last - first >= _MASK_MONTHS) for first, last in bounds32):
        raise ValueError(f"count_months needs windows of at most {_MASK_MONTHS} months")
    by_person = _Sums(n_ep, len(bounds), count_months)
    by_household = _Sums(n_ep, len(bounds), count_months)
    span = calendar.last - calendar.first + 1
    n_units = len(row_unit.uniques)
    seen = np.zeros((n_units + 1) * span, dtype=bool)  # (unit, month) cells; last row: no unit

    def pairs_of(start: int):
        """Block ``start``'s rows and their (row, episode) pairs; marks its (unit, month) cells."""
        block = slice(start, start + _BLOCK)
        ledger_rows = _Block(row_unit.codes[block], calendar.months(ns[block]), amount[block], factor, calendar.first)
        cells = ledger_rows.cells(n_units, span, calendar.first)
        seen[cells if observed_to is None else cells[ledger_rows.month <= observed_to]] = True
        # ONE person pass for every episode: an episode with a household takes only the
        # person's rows without one (checked per pair, by the episode's flag).
        r, e = persons.pairs(row_person.codes[block])
        if row_household is not None:
            row_h = row_household.codes[block][r]
            row_has_h = row_h >= 0
            if row_has_h.any():  # ledgers key a row by person or by household, rarely both
                drop = unhoused_only[e] & row_has_h
                if any_but_home:
                    drop |= but_home[e] & row_has_h & (row_h == home[e])
                keep = ~drop
                r, e = r[keep], e[keep]
        return ledger_rows, (r, e), None if households is None else households.pairs(row_household.codes[block])

    # The next block's pairs are found on a second thread while this block's are added
    # (numpy only, which releases the GIL); the sums are added in block order as before.
    for ledger_rows, person_pairs, household_pairs in _ahead(pairs_of, range(0, len(ns), _BLOCK)):
        by_person.add(ledger_rows, *person_pairs, e_unit, bounds32)
        if household_pairs is not None:
            by_household.add(ledger_rows, *household_pairs, e_unit, bounds32)
    seen = seen.reshape(n_units + 1, span)
    if factor is not None:
        _check_years(seen.any(axis=0), calendar.first, price_index)
    first_cov, last_cov = _coverage(seen[:n_units], calendar.first)
    safe_unit = np.where(has_unit, e_unit, 0)
    coverage_first = np.where(has_unit, first_cov[safe_unit] if len(first_cov) else 0, _FAR_FIRST)
    coverage_last = np.where(has_unit, last_cov[safe_unit] if len(last_cov) else 0, _FAR_LAST)
    totals = [p + h for p, h in zip(by_person.amount, by_household.amount)]
    paid = [p + h for p, h in zip(by_person.paid, by_household.paid)]
    paid_months = None
    if count_months:
        paid_months = [np.bitwise_count(p | h).astype(np.int64)
                       for p, h in zip(by_person.months, by_household.months)]
    return Windows(coverage_first, coverage_last, totals, paid, paid_months)


def _ahead(work, items):
    """Yield ``work(item)`` for each item in order, the next one made on a second thread
    while the caller uses this one (in the caller's thread when there is one core or
    one item). ``work`` must be safe on another thread, and is called in item order,
    one call at a time.
    """
    items = list(items)
    if _threads.cores() < 2 or len(items) < 2:
        yield from (work(item) for item in items)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(work, items[0])
        for following in items[1:]:
            done = pending.result()
            pending = pool.submit(work, following)
            yield done
        yield pending.result()


def _ledger_ids(payments: pd.DataFrame, episodes: pd.DataFrame) -> list[pd.Series]:
    """The ledger's id columns that :func:`window_totals` links ``episodes`` through."""
    ids = [payments["unit"], payments["person_id"]]
    if "household_id" in episodes and episodes["household_id"].notna().any():
        ids.append(payments["household_id"])
    return ids


def code_ahead(payments: pd.DataFrame, episodes: pd.DataFrame) -> Future | None:
    """Start coding ``episodes``' ids in the ledger's code space on another thread.

    :func:`window_totals` then finds the codes made (``amebench._idcodes`` keeps them
    while both columns live), so a caller can do other work on the episodes meanwhile
    (welfare_delta: the deciding episodes). pyarrow's hashing releases the GIL. Only
    when every column involved is an arrow string column whose ledger codes are
    known already (saved by ``to_parquet``, or made by an earlier metric): the thread
    then runs pyarrow and numpy only. None when there is nothing to start.
    """
    if _threads.cores() < 2:
        return None
    ledger_ids = _ledger_ids(payments, episodes)
    references = [known_codes(ledger) for ledger in ledger_ids]
    own = [episodes[ledger.name] for ledger in ledger_ids]
    if any(r is None for r in references) or any(_arrow_data(values) is None for values in own):
        return None
    pool = ThreadPoolExecutor(max_workers=1)
    ahead = pool.submit(lambda: [codes_in(values, r) for values, r in zip(own, references)])
    pool.shutdown(wait=False)
    return ahead


def _check_ledger(ns: np.ndarray, amount: np.ndarray) -> None:
    # block by block: a 40M-row ledger would need two fresh 40 MB masks (page faults)
    missing = bad = 0
    for start in range(0, len(ns), _BLOCK):
        block = slice(start, start + _BLOCK)
        missing += np.count_nonzero(ns[block] == np.iinfo(np.int64).min)  # NaT
        bad += len(amount[block]) - np.count_nonzero(np.isfinite(amount[block]))
    if missing:
        raise AmebenchError(
            f"{missing} payment rows have no month; every ledger row needs the first day of its month"
        )
    if bad:
        raise AmebenchError(f"{bad} payment rows have a missing amount_sek")


class _Block:
    """One block of ledger rows: unit code, month index, amount (deflated), paid flag."""

    def __init__(self, unit, month, amount, factor, first_month) -> None:
        self.unit = unit
        self.month = month
        self.amount = amount if factor is None else amount * factor[month - first_month]
        self.paid = self.amount > 0

    def cells(self, n_units: int, span: int, first_month: int) -> np.ndarray:
        """Flat (unit, month) cell of each row; a row without a unit counts as unit ``n_units``."""
        # int64: (units + 1) x months may pass 2**31 cells only for absurd ledgers, but be safe
        cell = self.unit.astype(np.int64)
        cell[cell < 0] = n_units
        cell *= span
        cell += self.month
        cell -= first_month
        return cell


class _Owners:
    """The episodes holding each ledger id code.

    A code held by one episode (nearly all) is found by one lookup; the few codes
    that several episodes share (two members of one household, or one person in two
    units) are listed per code, and their rows are repeated once per episode.
    """

    def __init__(self, ep_key: np.ndarray, ep_filter: np.ndarray, n_keys: int) -> None:
        episodes = np.flatnonzero(ep_filter & (ep_key >= 0))
        keys = ep_key[episodes]
        self.count = np.bincount(keys, minlength=n_keys)
        self.by_key = episodes[np.argsort(keys, kind="stable")]
        self.start = np.concatenate(([0], np.cumsum(self.count)))
        owner = np.full(n_keys + 1, -1, dtype=np.int64)  # last slot: row code -1 (no id)
        single = self.count == 1
        owner[:n_keys][single] = self.by_key[self.start[:-1][single]]
        owner[:n_keys][self.count > 1] = -2
        self.owner = owner

    def pairs(self, row_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row within the block, episode) pairs; each episode's rows in ledger order."""
        e = self.owner[row_key]
        rows = np.flatnonzero(e >= 0)
        eps = e[rows]
        shared = np.flatnonzero(e == -2)
        if len(shared):
            k = row_key[shared]
            c = self.count[k]
            rep_rows = np.repeat(shared, c)
            offset = np.arange(len(rep_rows)) - np.repeat(np.cumsum(c) - c, c)
            rep_eps = self.by_key[np.repeat(self.start[k], c) + offset]
            # An episode's id is either its own or shared, so each episode's pairs stay
            # in row order (np.repeat keeps the order of `shared`).
            rows = np.concatenate([rows, rep_rows])
            eps = np.concatenate([eps, rep_eps])
        return rows, eps


class _Sums:
    """Per window and episode: amount and number of paid rows, added block by block, and
    optionally the months with a paid row (bit ``k``: the window's month ``k``)."""

    def __init__(self, n_ep: int, n_windows: int, count_months: bool = False) -> None:
        self.amount = [np.zeros(n_ep) for _ in range(n_windows)]
        self.paid = [np.zeros(n_ep, dtype=np.int64) for _ in range(n_windows)]
        self.months = [np.zeros(n_ep, dtype=np.uint64) for _ in range(n_windows)] if count_months else None

    def add(self, block: _Block, rows, eps, e_unit, bounds32) -> None:
        """Add each pair's row to its episode's windows (same unit, month inside)."""
        same = e_unit[eps] == block.unit[rows]
        rows, eps = rows[same], eps[same]
        m = block.month[rows]
        amounts = block.amount[rows]
        paid_rows = block.paid[rows]
        for w, (first, last) in enumerate(bounds32):
            inside = (m >= first[eps]) & (m <= last[eps])
            ids = eps[inside]
            # add.at adds in array order: an episode's rows in ledger order, as one bincount would
            np.add.at(self.amount[w], ids, amounts[inside])
            paid_ids = ids[paid_rows[inside]]
            np.add.at(self.paid[w], paid_ids, 1)
            if self.months is not None:
                bit = (m[inside][paid_rows[inside]] - first[paid_ids]).astype(np.uint64)
                np.bitwise_or.at(self.months[w], paid_ids, np.left_shift(np.uint64(1), bit))


def _coverage(seen: np.ndarray, first_month: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last month with a ledger row, per unit (sentinels for a unit without rows)."""
    n_units, span = seen.shape
    first = np.full(n_units, _FAR_FIRST, dtype=np.int64)
    last = np.full(n_units, _FAR_LAST, dtype=np.int64)
    has = seen.any(axis=1)
    first[has] = seen.argmax(axis=1)[has] + first_month
    last[has] = (span - 1 - seen[:, ::-1].argmax(axis=1))[has] + first_month
    return first, last


def _deflator(calendar: _Calendar, price_index: Mapping[int, float],
              base_year: int | None) -> np.ndarray:
    """Price factor per month of the ledger's range: index[base_year] / index[year].

    Months of a year without an index value get NaN; :func:`_check_years` raises
    when the ledger has a row in such a year.
    """
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
    years = np.arange(calendar.first, calendar.last + 1) // 12 + _EPOCH_YEAR
    return index[int(base_year)] / pd.Series(index).reindex(years).to_numpy()


def _check_years(month_seen: np.ndarray, first_month: int, price_index: Mapping[int, float]) -> None:
    index = {int(k) for k in dict(price_index)}
    months = np.flatnonzero(month_seen) + first_month
    missing = sorted({int(y) for y in np.unique(months // 12 + _EPOCH_YEAR)} - index)
    if missing:
        raise AmebenchError(
            f"price_index lacks the year(s) {missing} that the payments ledger covers; "
            "add an index value for each"
        )
