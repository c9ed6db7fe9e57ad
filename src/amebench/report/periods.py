"""A report of one period's exits (``--exited``): the cohorts of its other sections, what
disclosure control must know beside it, and which part of the period each measure covers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from ..cohorts import cohort
from ..cohorts.cohort import quiet_when_empty
from .._idcodes import id_codes
from ..metrics._ledger import last_full_month, month_index
from .wording import data_start, exited_days, exited_span

__all__ = ["companions", "loaded_beside_period", "followed_until", "ledger_coverage", "ledger_followed_until",
           "ledger_covered_from", "stays_missing", "late_starts"]


def companions(coh) -> dict:
    """The cohorts of the sections: ``coh`` (``"exits"``), and those of the sections that do
    not follow exits: the monthly flows (every episode up to ``as_of``; the flow section
    keeps the period's months) and the durations (the enrolments of the same period). Both
    are ``coh`` itself unless it is chosen by exit: durations of a cohort of exits would
    leave out everyone still enrolled."""
    if coh.exited is None:
        return {"exits": coh, "flow": coh, "durations": coh}
    with quiet_when_empty():  # the durations section says itself when no one enrolled in the period
        return {"exits": coh, "flow": cohort(coh.network, as_of=coh.as_of, units=coh.units),
                "durations": cohort(coh.network, as_of=coh.as_of, units=coh.units, enrolled=exited_days(coh))}


def loaded_beside_period(coh, ctx) -> dict:
    """What disclosure control needs to know of a report of one period's exits about the
    episodes files' rows loaded (every episode, whatever the period): each unit's exits of
    every period (``all_exits``; rows loaded minus them are its open episodes, hidden when
    small, as in the report of every exit), and the units whose exits or enrolments outside
    the period are 1 to ``min_cell`` - 1 (``loaded_hidden``): rows loaded minus the active
    in the last month gave every exit, and minus the period's exits a small count (diff
    review: Sundbyberg's one exit of July 2023 in a report of 2023-08 to 2026-09)."""
    every = ctx["cohorts"]["flow"].episodes
    units = pd.Index(every["unit"].astype(str).unique())

    def per_unit(episodes, exited: bool) -> pd.Series:
        rows = episodes["exited_on"].notna() if exited else slice(None)
        return episodes.loc[rows, "unit"].astype(str).value_counts().reindex(units, fill_value=0)

    exits = per_unit(every, True)
    outside = pd.concat([exits - per_unit(coh.episodes, True),
                         per_unit(every, False) - per_unit(ctx["cohorts"]["durations"].episodes, False)], axis=1)
    small = ((outside > 0) & (outside < ctx["min_cell"])).any(axis=1)
    return {"all_exits": exits, "loaded_hidden": list(outside.index[small])}


def followed_until(coh, days: int) -> pd.Timestamp:
    """The last exit day that a measure ``days`` days after the exit observes by ``as_of``
    (:func:`amebench.metrics.retention`, :func:`amebench.metrics.reentry`: an exit is
    eligible when ``exited_on + days <= as_of``; later exits are censored)."""
    return pd.Timestamp(coh.as_of).normalize() - pd.Timedelta(days=int(days))


def ledger_followed_until(coverage: pd.DataFrame, as_of, months: int) -> pd.Series:
    """Per unit of ``coverage`` (:func:`ledger_coverage`), the last exit day whose ``months``
    full months after the exit month the ledger observes (:func:`amebench.metrics.welfare_delta`):
    the after window ends no later than the unit's last month with a payment row and the
    last month complete by ``as_of``."""
    ends = coverage["last"]
    last_exit_month = np.minimum(month_index(ends), last_full_month(as_of)) - int(months)
    # month index -> the month's last day
    firsts = np.datetime64("1970-01", "M") + last_exit_month.astype("timedelta64[M]") + np.timedelta64(1, "M")
    return pd.Series(pd.to_datetime(firsts.astype("datetime64[D]")) - pd.Timedelta(days=1), index=ends.index)


def ledger_covered_from(coverage: pd.DataFrame, months: int) -> pd.Series:
    """Per unit of ``coverage`` (:func:`ledger_coverage`), the first enrolment day whose
    ``months`` full months before the enrolment month the ledger covers
    (:func:`amebench.metrics.welfare_delta`: the before window starts no earlier than the
    unit's first month with a payment row); the exit of an earlier enrolment is censored."""
    return coverage["first"] + pd.DateOffset(months=int(months))


def ledger_coverage(coh) -> pd.DataFrame:
    """Per unit of ``coh`` with payment rows up to ``as_of``'s month, its ``first`` and ``last``
    month with one: the unit's ledger coverage as the welfare metric reads it (one pass over
    the ledger for both)."""
    payments = coh.network.payments
    units = id_codes(payments["unit"])  # kept with the column: a national ledger's units hashed once
    paid = payments["month"].to_numpy()  # each a month's first day: up to as_of is up to as_of's month
    seen = (paid <= np.datetime64(pd.Timestamp(coh.as_of))) & (units.codes >= 0)
    months = pd.Series(paid[seen]).groupby(units.codes[seen]).agg(["min", "max"])
    months.columns = ["first", "last"]
    months.index = [units.uniques[int(code)].as_py() for code in months.index]
    return months[months.index.isin(coh.units)] if coh.units is not None else months


def stays_missing(coh) -> float:
    """The share of the stays that ended in the period of ``coh`` (to ``as_of``) that the data
    cannot hold if the units enrolled people before the data's first enrolment: the mean over
    the period's days of P(stay longer than the days from the data's start to that day), a
    day before the data start losing every stay. P is the Kaplan–Meier estimate of the stays
    enrolled by ``as_of``, those still open censored there (review: the finished stays alone,
    the shorter ones, gave 2.0 % for the sample's 2025 where this gives 7.3 %); past the
    longest follow-up it stays at its last value. Every day of the period counts the same."""
    fitted = _stay_lengths(_enrolled(coh), coh.as_of)
    if fitted is None:
        return 0.0
    first, last = exited_span(coh)
    return _missing_share(fitted, data_start(coh), first, last)


#: A unit's first enrolment counts as its data's start only when its own inflow would have
#: given it an earlier one with a probability under this, shared among the network's units
#: (review: a unit of one enrolment a month whose data start with the others' was named in
#: 18 of 80 simulated reports; of 290 units about 3 would pass 1 % each by chance).
LATE_START_CHANCE = 0.01


def late_starts(coh) -> pd.DataFrame:
    """The units of ``coh`` whose data start later than most units' (review of session 45's
    note: a unit whose exports start a year later got no note, yet loses more of its long
    stays than the others). Per unit (the index):

    - ``start``: its first enrolment by ``as_of``, in a later month than ``usual_start``, the
      first enrolment by which more than half the units have theirs (one old record does not
      move it), and later than the unit's own inflow explains: no enrolment in the days between
      has a probability under :data:`LATE_START_CHANCE` divided by the number of units, at its
      mean rate of enrolment;
    - ``first``, ``last``: the days of its exits in the report, those of the period (or up to
      ``as_of``) from ``start`` on (a day before it holds none of its exits);
    - ``missing``: the mean over those days of P(stay longer than the days since ``start``),
      the share of its stays ending then that its data cannot hold if it enrolled people
      before ``start``; ``missing_if_earlier``: the same had its data started on
      ``usual_start``. P is the Kaplan–Meier estimate of the unit's own stays (open ones
      censored at ``as_of``), held at its last value past its longest follow-up (for
      ``missing_if_earlier`` it may read past the unit's own follow-up: a longer-stay tail the
      data cannot show is taken as the last value, so the difference is if anything too small).

    Units without an exit in the report are left out."""
    enrolled = _enrolled(coh)
    columns = ["start", "usual_start", "first", "last", "missing", "missing_if_earlier"]
    if enrolled.empty:
        return pd.DataFrame(columns=columns)
    grouped = enrolled.groupby("unit", observed=True)["enrolled_on"]
    starts, sizes = grouped.min(), grouped.size()
    usual = starts.sort_values().iloc[len(starts) // 2]  # more than half the units have started by it
    as_of = pd.Timestamp(coh.as_of)
    rate = sizes / np.maximum((as_of - starts).dt.days + 1, 1)  # enrolments a day
    unexplained = np.exp(-rate * (starts - usual).dt.days.clip(lower=0)) < LATE_START_CHANCE / len(starts)
    exiting = set(pd.Series(coh.episodes.loc[coh.episodes["exited_on"] <= coh.as_of, "unit"].unique()).astype(str))
    late = starts[(starts.dt.to_period("M") > usual.to_period("M")) & unexplained
                  & starts.index.astype(str).isin(exiting)]
    period_first, period_last = exited_span(coh) if coh.exited is not None else (None, as_of)
    rows = {}
    for unit, stays in enrolled[enrolled["unit"].isin(late.index)].groupby("unit", observed=True):
        fitted, start = _stay_lengths(stays, coh.as_of), late[unit]
        if fitted is None:
            continue
        first = start if period_first is None else max(period_first, start)
        rows[str(unit)] = [start, usual, first, period_last, _missing_share(fitted, start, first, period_last),
                           _missing_share(fitted, usual, first, period_last)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def _enrolled(coh) -> pd.DataFrame:
    """The enrolments of ``coh``'s units by ``as_of``, whatever its exit selection."""
    episodes = coh.network.episodes
    if coh.units is not None:
        episodes = episodes[episodes["unit"].isin(coh.units)]
    enrolled = pd.to_datetime(episodes["enrolled_on"])
    known = enrolled.notna() & (enrolled <= coh.as_of)
    return pd.DataFrame({"unit": episodes["unit"], "enrolled_on": enrolled,
                         "exited_on": pd.to_datetime(episodes["exited_on"])})[known]


def _stay_lengths(enrolled: pd.DataFrame, as_of) -> SurvfuncRight | None:
    """The Kaplan–Meier estimate of the lengths of the stays ``enrolled``, those still open at
    ``as_of`` censored there; None when none has ended."""
    exited = enrolled["exited_on"]
    ended = (exited.notna() & (exited <= as_of)).to_numpy()
    if not ended.any():
        return None
    stays = (exited.where(ended, as_of) - enrolled["enrolled_on"]).dt.days.to_numpy(dtype="float64")
    return SurvfuncRight(stays, ended.astype(float))


def _missing_share(fitted: SurvfuncRight, start, first, last) -> float:
    """The mean over the days ``first`` to ``last`` of the share of stays ending that day that
    data starting on ``start`` cannot hold: P(stay longer than the days since ``start``), 1
    before it (:func:`stays_missing`)."""
    reach = (pd.date_range(first, last, freq="D") - pd.Timestamp(start)).days.to_numpy()  # the longest stay held
    # S(reach): the survival just after the last event time at or before it (1 before the first)
    at = np.searchsorted(fitted.surv_times, reach, side="right") - 1
    longer = np.where(at >= 0, fitted.surv_prob[np.maximum(at, 0)], 1.0)
    return float(np.where(reach < 0, 1.0, longer).mean())
