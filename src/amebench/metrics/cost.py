"""Cost per participant and per positive outcome, and metrics against a target (docs/methods.md)."""

from __future__ import annotations

import calendar
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.rates import confint_poisson

from ..cohorts.cohort import cohort as select_cohort
from ..cohorts.cohort import quiet_when_empty
from ..exceptions import AmebenchError, unknown_units
from ..results import GLOSSARY, GROUPING, check_cohort, check_conf_level, is_proportion, tidy
from ..schema import outcome_reasons

__all__ = ["cost", "against_target", "VERDICTS"]

VERDICTS = ("met", "not_met", "inconclusive")


def cost(
    cohort,
    *,
    costs: Mapping[str, float] | None = None,
    outcome="work_or_studies",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Return cost per participant and per positive outcome per unit over the cohort's exit period.

    Parameters
    ----------
    cohort
        A :class:`amebench.Cohort` selected with ``exited=`` (the period whose cost
        is counted). Its ``units=`` and ``enrolled=`` selections apply to the
        participants as well as to the outcomes.
    costs
        Unit -> annual cost in SEK (a finite number, 0 or more); default
        ``network.units.annual_cost_sek``, where a unit with a missing cost is left
        out. Only the cohort's units are reported.
    outcome
        Outcome group counted as positive.
    conf_level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        Two rows per unit with a cost, ``quantity`` = ``per_participant`` and
        ``per_outcome``: ``estimate`` (SEK), ``ci_low``, ``ci_high``, ``n`` (persons
        with an episode active in the period, or exits to the outcome in the
        period), ``cost_sek`` (the unit's cost for the period), ``method``,
        ``conf_level``.

    Raises
    ------
    AmebenchError
        When the cohort has no exit period, the period starts after ``as_of``, no
        unit has a cost, ``costs`` names a unit that is not in the network, a
        reported unit's cost is negative, NaN or infinite, or ``conf_level`` is not
        in (0, 1).

    Notes
    -----
    Cost of the period :math:`C` = annual cost × the period's length in years, each
    calendar year counting its days in the period over its own length (365 or 366):
    a calendar year costs the annual cost, leap or not. A period partly after
    ``as_of`` is cut at ``as_of``. Per participant: divided by
    the persons with any episode of the unit active at some day of the period
    (enrolled on or before its last day, not exited before its first day), among
    the cohort's units and, if it has one, in its enrolment period. Per outcome:
    divided by the exits to the outcome in the period.

    Interval: the cost is taken as known and the count :math:`x` as a Poisson
    count (the people a unit serves, or the outcomes it reaches, in a period vary
    from period to period). With :math:`(L, U)` the exact Poisson interval of
    :math:`x` (Garwood: :math:`L = \\chi^2_{2x,\\,\\alpha/2}/2`,
    :math:`U = \\chi^2_{2x+2,\\,1-\\alpha/2}/2`, from
    ``statsmodels.stats.rates.confint_poisson(method="exact-c")``) the interval of
    :math:`C/x` is :math:`(C/U, C/L)`. A count of 0 has no estimate (NaN); its
    interval is :math:`(C/U, \\infty)` (:math:`L = 0`): the data only say the
    cost per person or outcome is at least :math:`C/U` (a unit whose cost is 0 has
    the interval :math:`(0, 0)`).

    References
    ----------
    Garwood F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28:437–442.
    """
    check_cohort(cohort, "cost")
    check_conf_level(conf_level)
    if cohort.exited is None:
        raise AmebenchError("cost needs a cohort selected by exit period, e.g. amebench.cohort(network, exited=2025)")
    first, last = cohort.exited
    if first > cohort.as_of:
        raise AmebenchError(
            f"the exit period {first.date()} to {last.date()} lies after the data's as_of {cohort.as_of.date()}: "
            "nothing in it is observed; choose a period that starts on or before as_of"
        )
    last = min(last, cohort.as_of)
    years = _years(first, last)
    if costs is None:
        units = cohort.network.units.dropna(subset=["annual_cost_sek"])
        costs = dict(zip(units["unit"].astype(str), units["annual_cost_sek"].astype(float)))
        source = "in annual_cost_sek of the network's units table"
    else:
        costs = _given_costs(costs, cohort.network)
        source = "in costs="
    if cohort.units is not None:
        costs = {unit: annual for unit, annual in costs.items() if unit in cohort.units}
    if not costs:
        raise AmebenchError("no unit costs: give costs={'unit': annual SEK} or annual_cost_sek in the manifest "
                            "for the cohort's units")
    _check_cost_values(costs, source)
    reasons = outcome_reasons(outcome)
    # the same unit and enrolment selection as the cohort, but every episode active in
    # the period, not only those that exited in it
    with quiet_when_empty():  # the user's own cohort warned already
        ep = select_cohort(cohort.network, enrolled=cohort.enrolled, units=cohort.units, as_of=cohort.as_of).episodes
    active = ep[(ep["enrolled_on"] <= last) & (ep["exited_on"].isna() | (ep["exited_on"] >= first))]
    participants = active.groupby("unit", observed=True)["person_id"].nunique()
    outcomes = cohort.episodes[cohort.episodes["exit_reason"].isin(reasons)].groupby("unit", observed=True).size()
    rows = []
    for unit, annual in sorted(costs.items()):
        for quantity, count in (("per_participant", participants.get(unit, 0)), ("per_outcome", outcomes.get(unit, 0))):
            rows.append({"unit": unit, "quantity": quantity, "n": int(count), "cost_sek": float(annual) * years})
    out = pd.DataFrame(rows)
    count = out["n"].to_numpy(dtype=np.float64)
    period_cost = out["cost_sek"].to_numpy(dtype=np.float64)
    low, high = confint_poisson(count, 1, method="exact-c", alpha=1 - conf_level)
    out["estimate"] = np.where(count > 0, period_cost / np.maximum(count, 1), np.nan)
    out["ci_low"] = period_cost / high
    # count 0: L = 0, so the upper limit is infinite, or 0 for a unit that cost nothing
    # (C / mu = 0 for every mu > 0)
    out["ci_high"] = np.divide(period_cost, low, out=np.where(period_cost > 0, np.inf, 0.0), where=low > 0)
    out["method"] = f"annual cost x {years:.3f} years / count; exact Poisson (Garwood) CI of the count, cost known"
    out["conf_level"] = float(conf_level)
    return tidy(out)


def _given_costs(costs, network) -> dict:
    """``costs`` as a dict, every key a unit of ``network`` (a misspelt unit would be reported with 0 people)."""
    try:
        costs = dict(costs)
    except (TypeError, ValueError):
        raise AmebenchError(f"costs must map unit to annual cost in SEK, e.g. {{'solna': 4_000_000}}; "
                            f"got {type(costs).__name__}") from None
    known = set(network.units["unit"].astype(str))
    unknown = sorted(str(unit) for unit in costs if unit not in known)
    if unknown:
        raise AmebenchError(f"costs names unknown unit(s) {unknown_units(unknown, known, 'the network')}")
    return costs


def _check_cost_values(costs: dict, source: str) -> None:
    """Raise unless every cost is a finite number of SEK, 0 or more (a negative cost turns the interval around)."""
    for unit, annual in costs.items():
        try:
            value = float(annual)
        except (TypeError, ValueError):
            value = math.nan
        if isinstance(annual, bool) or not math.isfinite(value) or value < 0:
            raise AmebenchError(
                f"unit {unit!r} has annual cost {annual!r} {source}: a cost is a finite number of SEK, 0 or more"
            )


def against_target(result: pd.DataFrame, target: float, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Return ``result`` with ``target`` and a ``verdict`` judged by the confidence interval.

    Parameters
    ----------
    result
        Any result table with ``estimate``, ``ci_low`` and ``ci_high`` (an
        ``outcome_rate``, ``retention`` or ``cost`` result, ...).
    target
        The target, on the scale of ``estimate`` (0.5 for 50 %): a finite number.
    higher_is_better
        True when a higher estimate is better (a rate), False when a lower one is
        (a cost).

    Returns
    -------
    pandas.DataFrame
        ``result``'s columns with ``target`` (among the grouping columns) and
        ``verdict`` (one of :data:`VERDICTS`), in the order of every result table;
        columns of the caller's own (not amebench result columns, e.g. a unit's
        name merged in) follow the grouping columns.

    Raises
    ------
    AmebenchError
        When ``result`` lacks an interval column, ``target`` is not a finite number
        or ``higher_is_better`` is not True or False, or ``target`` lies outside 0 .. 1
        while ``result`` is a table of proportions (it has ``events``, and every
        estimate and limit lies within 0 .. 1): a target in percent (35 for 35 %) would
        give every unit "not_met".

    Notes
    -----
    ``met`` when the whole interval lies on the good side of the target
    (``ci_low > target`` when higher is better, ``ci_high < target`` when lower is
    better), ``not_met`` when it lies wholly on the other side (``ci_high < target``,
    resp. ``ci_low > target``), ``inconclusive`` when the interval contains the
    target, a limit equal to it included (or there is no interval). An infinite
    limit (``cost`` with no outcome) is a limit like any other.
    """
    missing = [c for c in ("estimate", "ci_low", "ci_high") if c not in result.columns]
    if missing:
        raise AmebenchError(f"against_target needs a result with an interval; missing {missing}")
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, numbers.Real) or not math.isfinite(target):
        raise AmebenchError(f"target must be a finite number on the scale of the estimate (0.5 for 50 %), "
                            f"not {target!r}")
    if not isinstance(higher_is_better, (bool, np.bool_)):
        raise AmebenchError(f"higher_is_better must be True or False, not {higher_is_better!r}")
    limits = result[["estimate", "ci_low", "ci_high"]].to_numpy().ravel()
    if not 0 <= target <= 1 and "events" in result.columns and is_proportion(limits):
        share = f" ({target / 100:g})" if 0 < target <= 100 else ""
        raise AmebenchError(f"target {target:g} lies outside 0 .. 1, but the estimates are proportions (e.g. 0.381 "
                            f"for 38.1 %): give the target as one too{share}")
    out = result.copy()
    low, high = out["ci_low"].astype(float), out["ci_high"].astype(float)
    # strict on both sides: a limit on the target means the interval contains it
    good, bad = (low > target, high < target) if higher_is_better else (high < target, low > target)
    out["target"] = float(target)
    out["verdict"] = np.select([good, bad], ["met", "not_met"], default="inconclusive")
    # the caller's own columns (a unit's name merged in) stay, after the grouping columns
    own = [c for c in out.columns if c not in GLOSSARY]
    ordered = tidy(out.drop(columns=own))
    grouping = [c for c in ordered.columns if c in GROUPING]
    ordered = ordered.join(out[own].reset_index(drop=True))
    return ordered[grouping + own + [c for c in ordered.columns if c not in grouping and c not in own]]


def _years(first: pd.Timestamp, last: pd.Timestamp) -> float:
    """Length of the days ``first`` to ``last`` (both included) in calendar years.

    Each calendar year adds its days in the period over its own number of days, so a
    whole year is 1 whether it has 365 or 366 days.
    """
    total = 0.0
    for year in range(first.year, last.year + 1):
        start, end = max(first, pd.Timestamp(year, 1, 1)), min(last, pd.Timestamp(year, 12, 31))
        total += ((end - start).days + 1) / (366 if calendar.isleap(year) else 365)
    return total
