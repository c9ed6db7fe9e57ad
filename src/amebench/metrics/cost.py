"""Cost per participant and per positive outcome, and metrics against a target (DESIGN.md §4)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..cohorts.cohort import cohort as select_cohort
from ..exceptions import AmebenchError
from ..results import tidy
from ..schema import outcome_reasons

__all__ = ["cost", "against_target", "VERDICTS"]

VERDICTS = ("met", "not_met", "inconclusive")
_DAYS_PER_YEAR = 365.25


def cost(cohort, *, costs: Mapping[str, float] | None = None, outcome="work_or_studies") -> pd.DataFrame:
    """Return cost per participant and per positive outcome per unit over the cohort's exit period.

    Parameters
    ----------
    cohort
        A :class:`amebench.Cohort` selected with ``exited=`` (the period whose cost
        is counted). Its ``units=`` and ``enrolled=`` selections apply to the
        participants as well as to the outcomes.
    costs
        Unit -> annual cost in SEK; default ``network.units.annual_cost_sek``. Only
        the cohort's units are reported.
    outcome
        Outcome group counted as positive.

    Returns
    -------
    pandas.DataFrame
        Two rows per unit with a cost, ``quantity`` = ``per_participant`` and
        ``per_outcome``:
        ``estimate`` (SEK), ``n`` (persons with an episode active in the period, or
        exits to the outcome in the period), ``cost_sek`` (the unit's cost for the
        period), ``method``.

    Raises
    ------
    AmebenchError
        When the cohort has no exit period, the period starts after ``as_of``, or
        no unit has a cost.

    Notes
    -----
    Cost of the period = annual cost × (days in the period / 365.25). Per
    participant: divided by the persons with any episode of the unit active at
    some day of the period (enrolled on or before its last day, not exited before
    its first day), among the cohort's units and, if it has one, in its enrolment
    period. Per outcome: divided by the exits to the outcome in the period. A period partly after ``as_of`` is cut at ``as_of``.
    No interval is given: costs are taken as known and the counts are complete.
    """
    if cohort.exited is None:
        raise AmebenchError("cost needs a cohort selected by exit period, e.g. amebench.cohort(network, exited=2025)")
    first, last = cohort.exited
    if first > cohort.as_of:
        raise AmebenchError(
            f"the exit period {first.date()} to {last.date()} lies after the data's as_of {cohort.as_of.date()}: "
            "nothing in it is observed; choose a period that starts on or before as_of"
        )
    last = min(last, cohort.as_of)
    years = ((last - first).days + 1) / _DAYS_PER_YEAR
    if costs is None:
        units = cohort.network.units.dropna(subset=["annual_cost_sek"])
        costs = dict(zip(units["unit"].astype(str), units["annual_cost_sek"].astype(float)))
    if cohort.units is not None:
        costs = {unit: annual for unit, annual in costs.items() if unit in cohort.units}
    if not costs:
        raise AmebenchError("no unit costs: give costs={'unit': annual SEK} or annual_cost_sek in the manifest "
                            "for the cohort's units")
    reasons = outcome_reasons(outcome)
    # the same unit and enrolment selection as the cohort, but every episode active in
    # the period, not only those that exited in it
    ep = select_cohort(cohort.network, enrolled=cohort.enrolled, units=cohort.units, as_of=cohort.as_of).episodes
    active = ep[(ep["enrolled_on"] <= last) & (ep["exited_on"].isna() | (ep["exited_on"] >= first))]
    participants = active.groupby("unit", observed=True)["person_id"].nunique()
    outcomes = cohort.episodes[cohort.episodes["exit_reason"].isin(reasons)].groupby("unit", observed=True).size()
    rows = []
    for unit, annual in sorted(costs.items()):
        period_cost = float(annual) * years
        for quantity, count in (("per_participant", participants.get(unit, 0)), ("per_outcome", outcomes.get(unit, 0))):
            rows.append({
                "unit": unit, "quantity": quantity,
                "estimate": period_cost / count if count else np.nan,
                "n": int(count), "cost_sek": period_cost,
                "method": f"annual cost x {years:.3f} years / count",
            })
    return tidy(pd.DataFrame(rows))


def against_target(result: pd.DataFrame, target: float, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Return ``result`` with ``target`` and a ``verdict`` judged by the confidence interval.

    ``met`` when the whole interval lies on the good side of the target
    (``ci_low >= target`` when higher is better), ``not_met`` when it lies wholly on
    the other side, ``inconclusive`` when the interval contains the target (or
    there is no interval).
    """
    missing = [c for c in ("estimate", "ci_low", "ci_high") if c not in result.columns]
    if missing:
        raise AmebenchError(f"against_target needs a result with an interval; missing {missing}")
    out = result.copy()
    low, high = out["ci_low"].astype(float), out["ci_high"].astype(float)
    good, bad = (low >= target, high < target) if higher_is_better else (high <= target, low > target)
    out["target"] = float(target)
    out["verdict"] = np.select([good, bad], ["met", "not_met"], default="inconclusive")
    return tidy(out)
