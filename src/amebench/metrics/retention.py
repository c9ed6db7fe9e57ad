"""Retention after exit: still in work or studies ``days`` after exit (docs/methods.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError
from ..results import check_by, check_cohort, check_conf_level, tidy
from ..schema import FOLLOWUP_STATUSES, outcome_reasons
from ._binomial import binomial_interval
from ._groups import derivable, derived
from ._households import linked_households
from ._ledger import NO_LEDGER, last_full_month, month_index, window_totals

__all__ = ["retention"]

_DEFINITIONS = ("followup", "register")
#: ``method`` of a group none of whose units has follow-up rows (measured by ``as_of``).
NO_FOLLOWUPS = "no follow-up data for this group"
#: ``method`` of a group whose units have follow-up rows, none of them within ``tolerance``
#: days of ``days`` after an exit (a survey at 90 days says nothing of day 365).
NO_FOLLOWUPS_NEAR = "no follow-up near the day measured (days ± tolerance) for this group"
#: Default largest distance in days between a follow-up and the day measured.
TOLERANCE = 30
#: exit + 31 days always falls in a later calendar month than the exit.
_REGISTER_MIN_DAYS = 31


def followup_holds(outcome) -> bool:
    """Whether a follow-up status can be ``outcome`` (one of its exit reasons): if not, no exit
    to it could count as retained by the follow-ups (the report says so in its words)."""
    return bool(set(outcome_reasons(outcome)) & set(FOLLOWUP_STATUSES))


def retention(
    cohort,
    *,
    days: int = 90,
    by: Sequence[str] = ("unit",),
    definition: str = "followup",
    outcome="work_or_studies",
    tolerance: int = TOLERANCE,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Return the share of exits to the outcome that are still in it ``days`` after exit.

    Parameters
    ----------
    cohort
        A :class:`amebench.Cohort`; follow-ups and payments come from its network.
    days
        Days after exit (90 by default; 180 and 365 work the same way).
    by
        Episode columns to group by, and ``exit_year`` (the year of the exit),
        ``enrol_year`` (of the enrolment) and ``age_band`` (at enrolment), as in
        :func:`outcome_rate`, and columns of your own (:meth:`amebench.Cohort.assign`).
    definition
        ``"followup"``: the follow-up status nearest to ``days`` after exit within
        ``± tolerance`` days. ``"register"``: retained when no welfare payment falls
        in the calendar months after the exit month up to the month of exit + days
        (the person's and their household's payments in the unit's ledger; an exit
        without a ``household_id`` takes the one the person's other episodes name).
    outcome
        Outcome group (or set of exit reasons) of the exits followed; with the
        follow-up definition a status equal to one of its exit reasons counts as
        retained (an outcome with no such status, e.g. ``"care"``, is an error).
    tolerance
        Largest distance in whole days between a follow-up and ``days`` after exit.
    conf_level
        Level of the Wilson interval.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (exits to the
        outcome), ``events`` (retained), ``eligible``, ``censored``, ``respondents``,
        ``non_respondents``, ``estimate_worst``, ``estimate_best``, ``method``,
        ``conf_level``.

    Notes
    -----
    Denominator: exits to the outcome with ``exited_on + days <= as_of``
    (``eligible``); later exits are ``censored``, never failures. Follow-up
    definition: a respondent has a follow-up within the tolerance, marked
    ``responded`` with a known status; the nearest such follow-up to ``days``
    decides (a non-response nearer to ``days`` does not hide it; of two equally near,
    one before and one after ``days``, the later). Days after
    exit are ``days_after_exit`` where given, else ``measured_on - exited_on``;
    a follow-up before the exit is ignored. ``estimate`` = retained / respondents
    (complete case: its interval assumes that whether someone answers is unrelated to
    whether they are still in work or studies; when those still working answer more
    often it is too high, and only the worst and best cases bound the truth),
    ``estimate_worst`` = retained / eligible (every
    non-respondent lost), ``estimate_best`` = (retained + non-respondents) /
    eligible. An eligible exit less than ``days + tolerance`` days before ``as_of``
    without a follow-up may still be surveyed; it counts as a non-respondent (eligible
    at ``days``), so the worst case is lowest just after such exits. A group whose
    unit has no follow-up rows at all gets a missing
    estimate (not a zero), missing ``events``, ``respondents`` and ``non_respondents``
    (nobody was asked), and ``method`` ``"no follow-up data for this group"`` (with the
    register definition, no ledger row: ``"no payment data for this group"``, its exits
    all ``censored``); so does a group whose units' follow-ups all lie more than
    ``tolerance`` days from ``days`` after the exit (a unit that surveys at 90 days,
    asked for ``days=365``), with ``method`` :data:`NO_FOLLOWUPS_NEAR` (a follow-up's
    day is read as in the matching, over every exit of the network). In a group that
    also holds exits of units with follow-up rows (``by=()``, or by gender across
    units), the exits of units without any are left out of every count: nobody asked
    them, so they are neither respondents nor non-respondents. Register definition: the
    window is months exit month + 1 … month of (exit + days), so ``days=90`` is three
    calendar months for an exit on 1 January and four for one on 31 January 2025 (day 90
    is 1 May: a May payment counts; in a leap year day 90 is 30 April); eligible only if
    it lies inside the unit's ledger coverage and ends no later than the last month
    complete by ``as_of`` (its own month when ``as_of`` is the month's last day, else
    the month before; ``days`` >= 31, so that the window is never empty); there is no
    non-response. Only the exiting unit's ledger is read, as by ``welfare_delta`` (its
    coverage is the unit's): a payment by another unit of the network, after a move, is
    not seen, so such a person counts as retained (``reentry`` searches every unit's
    episodes). Rows dated after ``as_of`` (a follow-up measured later, a payment for a
    later month) are not observed: they are never used. Wilson interval (statsmodels).

    References
    ----------
    Wilson E.B. (1927). JASA 22:209–212. Manski C.F. (1990). Nonparametric bounds on
    treatment effects. American Economic Review 80:319–323 (worst/best-case bounds).

    Examples
    --------
    >>> import amebench
    >>> from amebench.metrics import retention
    >>> table = retention(amebench.cohort(amebench.load_sample(), exited=2025), days=90)
    >>> table.loc[table["unit"] == "jarfalla", ["events", "respondents", "censored"]].iloc[0].tolist()
    [63, 76, 0]
    """
    check_cohort(cohort, "retention")
    if definition not in _DEFINITIONS:
        raise AmebenchError(f"definition must be one of {list(_DEFINITIONS)}, not {definition!r}")
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise AmebenchError(f"days must be a whole number of days >= 1, not {days!r}")
    if definition == "register" and days < _REGISTER_MIN_DAYS:
        raise AmebenchError(
            f"the register definition needs days >= {_REGISTER_MIN_DAYS}, not {days}: its window is the "
            "calendar months after the exit month up to the month of exit + days, which is empty "
            "when exit + days falls in the exit month"
        )
    check_conf_level(conf_level)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, np.integer)) or tolerance < 0:
        raise AmebenchError(f"tolerance must be a whole number of days >= 0, not {tolerance!r}")
    by = check_by(by, cohort.episodes.columns, derived=derivable(cohort.episodes.columns))
    reasons = outcome_reasons(outcome)
    if definition == "followup" and not followup_holds(outcome):
        raise AmebenchError(
            f"outcome {outcome!r} has no follow-up status of its own (statuses: {', '.join(FOLLOWUP_STATUSES)}), "
            "so no exit to it could count as retained; use definition='register' (no welfare payment after "
            "the exit) or an outcome such as 'work_or_studies'"
        )
    ep = cohort.episodes
    exits = ep[ep["exit_reason"].isin(reasons) & ep["exited_on"].notna() & (ep["exited_on"] <= cohort.as_of)]
    exits = exits.reset_index(drop=True)
    exits = exits.assign(**derived(exits, by))
    eligible = (exits["exited_on"] + pd.Timedelta(days=int(days))) <= cohort.as_of
    if definition == "followup":
        responded, retained, has_data, surveyed = _followup_status(
            cohort.network.followups, exits, days, tolerance, reasons, as_of=pd.Timestamp(cohort.as_of),
            episodes=cohort.network.episodes)
        method = f"follow-up status at {days} days (±{tolerance}), complete case; Wilson"
    else:
        linked, taken = linked_households(exits, cohort.network.episodes, cohort.as_of)
        responded, retained, covered, has_data = _register_status(cohort.network.payments, linked, days,
                                                                  as_of=pd.Timestamp(cohort.as_of), taken=taken)
        surveyed = has_data
        eligible &= covered
        method = f"register: no welfare payment in the months up to {days} days after exit; Wilson"
    frame = exits[list(by)].copy()
    frame["_n"] = 1
    frame["_eligible"] = eligible.astype("int64")
    frame["_resp"] = (eligible & responded).astype("int64")
    frame["_ret"] = (eligible & responded & retained).astype("int64")
    frame["_data"] = has_data.astype("int64")
    frame["_surveyed"] = surveyed.astype("int64")
    frame["_eligible_data"] = (eligible & has_data).astype("int64")
    sums = ["_n", "_eligible", "_resp", "_ret", "_data", "_surveyed", "_eligible_data"]
    if by:
        out = frame.groupby(list(by), observed=True, sort=True, dropna=False)[sums].sum().reset_index()
    else:
        out = frame[sums].sum().to_frame().T
    # A group holding exits of units with data counts only those: the others were not asked
    # (counted as non-respondents, they pulled the network's worst case from 0.64 to 0.49).
    mixed = out["_data"] > 0
    out["_n"] = out["_n"].where(~mixed, out["_data"])
    out["_eligible"] = out["_eligible"].where(~mixed, out["_eligible_data"])
    out = out.drop(columns="_eligible_data")
    out = out.rename(columns={"_n": "n", "_eligible": "eligible", "_resp": "respondents", "_ret": "events"})
    out = out.astype({c: "int64" for c in ("n", "eligible", "respondents", "events")})
    out["censored"] = out["n"] - out["eligible"]
    out["non_respondents"] = out["eligible"] - out["respondents"]
    usable = (out["respondents"] > 0) & (out["_data"] > 0)
    low, high = binomial_interval(out["events"], out["respondents"].clip(lower=1), conf_level)
    out["estimate"] = np.where(usable, out["events"] / out["respondents"].clip(lower=1), np.nan)
    out["ci_low"] = np.where(usable, low, np.nan)
    out["ci_high"] = np.where(usable, high, np.nan)
    has_eligible = (out["eligible"] > 0) & (out["_data"] > 0)
    denominator = out["eligible"].clip(lower=1)
    out["estimate_worst"] = np.where(has_eligible, out["events"] / denominator, np.nan)
    out["estimate_best"] = np.where(has_eligible, (out["events"] + out["non_respondents"]) / denominator, np.nan)
    no_data = np.where(out["_surveyed"] > 0, NO_FOLLOWUPS_NEAR, NO_FOLLOWUPS) if definition == "followup" else NO_LEDGER
    out["method"] = np.where(out["_data"] > 0, method, no_data)
    # No follow-up data at all: nobody was asked, so none responded, failed to or was retained
    # (0 respondents and every exit a non-respondent summed into a wrong response rate).
    nobody_asked = (out["_data"] == 0).to_numpy()
    for column in ("events", "respondents", "non_respondents"):
        out[column] = out[column].astype("Int64").mask(nobody_asked)
    out["conf_level"] = conf_level
    return tidy(out.drop(columns=["_data", "_surveyed"]), by)


def _followup_status(followups: pd.DataFrame, exits: pd.DataFrame, days: int, tolerance: int, reasons, *, as_of,
                     episodes: pd.DataFrame):
    keys = exits[["unit", "episode_id", "exited_on"]].reset_index(names="_row")
    # a follow-up measured after as_of is not observed (rows dated later load: docs/profiles.md)
    followups = followups[~(followups["measured_on"] > as_of).fillna(False).to_numpy(dtype=bool)]
    surveying = set(followups["unit"].dropna().astype(str).unique())  # not 1M values one by one
    surveyed = exits["unit"].astype(str).isin(surveying)
    # the units that ask near day `days` after an exit, any exit of the network (a cohort's
    # latest exits may not be asked yet): the others did not ask
    near = _near(followups, episodes, days, tolerance).to_numpy(dtype=bool)
    has_data = exits["unit"].astype(str).isin(set(followups.loc[near, "unit"].dropna().astype(str).unique()))
    if followups.empty or keys.empty:
        false = pd.Series(False, index=exits.index)
        return false, false, has_data, surveyed
    merged = keys.merge(followups, on=["unit", "episode_id"], how="inner")
    after = merged["days_after_exit"].astype("Float64")
    computed = (merged["measured_on"] - merged["exited_on"]).dt.days
    after = after.fillna(computed.astype("Float64"))
    merged["_distance"] = (after - days).abs()
    # a follow-up before the exit says nothing about the time after it; one known only by
    # its days after exit is not observed when that day lies after as_of
    latest = ((as_of - merged["exited_on"]).dt.days).astype("Float64")
    merged = merged[(after >= 0).fillna(False) & (merged["_distance"] <= tolerance).fillna(False)
                    & (after <= latest).fillna(False)]
    status = merged["status"].astype("object")
    merged["_unusable"] = ~(merged["responded"].fillna(False).astype(bool) & status.notna() & (status != "unknown"))
    # the usable follow-up nearest to `days` (a non-response does not hide a usable row);
    # ties go to the later measurement, then the first row (deterministic)
    merged = merged.sort_values(["_row", "_unusable", "_distance", "measured_on"],
                                ascending=[True, True, True, False], kind="stable")
    nearest = merged.drop_duplicates("_row", keep="first").set_index("_row")
    retained_status = set(reasons) & set(FOLLOWUP_STATUSES)
    status = nearest["status"].astype("object")
    usable = ~nearest["_unusable"]
    responded = pd.Series(False, index=exits.index)
    responded.loc[usable.index[usable]] = True
    retained = pd.Series(False, index=exits.index)
    retained.loc[status.index[status.isin(retained_status)]] = True
    return responded, retained, has_data, surveyed


def _near(followups: pd.DataFrame, episodes: pd.DataFrame, days: int, tolerance: int) -> pd.Series:
    """Whether each follow-up lies within ``tolerance`` days of day ``days`` after its exit:
    ``days_after_exit``, else ``measured_on`` less the episode's exit date, as the matching
    step reads them (one with neither is not near)."""
    after = followups["days_after_exit"].astype("Float64")
    unknown = after.isna().to_numpy(dtype=bool)
    if unknown.any():
        exits = episodes[["unit", "episode_id", "exited_on"]].drop_duplicates(["unit", "episode_id"])
        placed = followups.loc[unknown, ["unit", "episode_id", "measured_on"]].merge(exits, on=["unit", "episode_id"],
                                                                                    how="left")
        after[unknown] = (placed["measured_on"] - placed["exited_on"]).dt.days.astype("Float64").to_numpy()
    return ((after >= 0) & ((after - days).abs() <= tolerance)).fillna(False)


def _register_status(payments: pd.DataFrame, exits: pd.DataFrame, days: int, *, as_of, taken=None):
    exit_month = month_index(exits["exited_on"])
    last_month = month_index(exits["exited_on"] + pd.Timedelta(days=int(days)))
    as_of_month = month_index(pd.Series([as_of]))[0]
    windows = window_totals(payments, exits, bounds=[(exit_month + 1, last_month)], observed_to=as_of_month,
                            taken=taken)
    # the window's months must lie inside the ledger and be complete by as_of, as in welfare_delta
    last_observed = np.minimum(windows.coverage_last, last_full_month(as_of))
    covered = pd.Series((windows.coverage_first <= exit_month + 1) & (last_month <= last_observed), index=exits.index)
    retained = pd.Series(windows.paid[0] == 0, index=exits.index)
    return pd.Series(True, index=exits.index), retained, covered, pd.Series(windows.has_ledger, index=exits.index)
