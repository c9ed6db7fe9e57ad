"""Input checks shared by the comparison functions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError, listed
from ..results import check_conf_level

__all__ = ["check_counts", "check_level", "check_units"]


#: How far a table's ``estimate`` may lie from events / n (estimates rounded to whole percent)
_ROUNDING = 0.005 + 1e-9
#: Columns a metric's table may hold its estimate's denominator in
_DENOMINATORS = ("respondents", "eligible")


def check_counts(table: pd.DataFrame, *, what: str) -> pd.DataFrame:
    """Return ``unit, n, events`` of ``table`` as a clean frame, or raise a clear error.

    ``table`` is any DataFrame with columns ``unit``, ``n``, ``events`` (an
    :func:`amebench.metrics.outcome_rate` result by unit is one); one row per unit. A
    table with ``respondents`` or ``eligible`` beside an ``estimate`` that is not events
    / n (to within rounding to whole percent) is refused: a retention table's estimate
    is events / respondents and a re-entry table's events / eligible, and comparing
    events / n would count the censored and the non-respondents as failures. Another
    ``estimate`` (a shrunken rate, a rank) is not looked at; without an ``estimate``,
    ``respondents`` or ``eligible`` must equal ``n``. A row without a unit is refused.
    """
    if not isinstance(table, pd.DataFrame):
        made = " (metrics.outcome_rate(cohort) makes one)" if hasattr(table, "episodes") else ""
        raise AmebenchError(f"{what} needs a DataFrame with columns unit, n, events{made}, "
                            f"not a {type(table).__name__}")
    missing = [c for c in ("unit", "n", "events") if c not in table.columns]
    if missing and {"observed", "expected"} <= set(table.columns) and what != "funnel":
        raise AmebenchError(
            f"{what} compares counts of events in n (an outcome_rate table); a risk-adjusted table (observed, "
            "expected) is compared by compare.funnel(table, kind='ratio') and by its own O/E intervals "
            "(oe_ci_low, oe_ci_high)"
        )
    if missing:
        raise AmebenchError(
            f"{what} needs columns unit, n, events; missing {missing} (columns are {list(table.columns)})"
        )
    out = table[["unit", "n", "events"]].copy()
    check_units(out["unit"], what)
    n = pd.to_numeric(out["n"], errors="coerce")
    events = pd.to_numeric(out["events"], errors="coerce")
    if any(column in table.columns for column in _DENOMINATORS):  # first: the message names the denominator
        if "estimate" in table.columns:
            _check_estimate(table, n, events, what)
        else:
            _check_denominators(table, n, what)
    bad = n.isna() | events.isna() | (n <= 0) | (events < 0) | (events > n) | (n % 1 != 0) | (events % 1 != 0)
    if bad.any():
        units = out.loc[bad, "unit"].astype(str).tolist()
        raise AmebenchError(
            f"{what}: units {listed(units)} need whole numbers with n > 0 and 0 <= events <= n"
        )
    out["n"] = n.astype("int64")
    out["events"] = events.astype("int64")
    out["unit"] = out["unit"].astype(str)
    return out.reset_index(drop=True)


def check_units(units: pd.Series, what: str) -> None:
    """Raise when a row has no unit (missing or empty) or a unit has several rows."""
    empty = units.isna().to_numpy(dtype=bool) | (units.astype(str).str.strip() == "").to_numpy(dtype=bool)
    if empty.any():
        labels = units.index[empty].tolist()
        rows = "the row with index label" if len(labels) == 1 else "rows with index labels"
        raise AmebenchError(f"{what}: {rows} {listed(labels)} {'has' if len(labels) == 1 else 'have'} no unit; "
                            "give every row its unit")
    if units.duplicated().any():
        dup = sorted(units[units.duplicated()].astype(str).unique())
        raise AmebenchError(f"{what}: units {listed(dup)} appear more than once; give one row per unit")


def _check_denominators(table: pd.DataFrame, n: pd.Series, what: str) -> None:
    """Raise when a table without an estimate has a denominator column (``respondents``,
    ``eligible``) that is not ``n``: events / n would count the censored or the
    non-respondents as failures, whatever became of the estimate column."""
    for column in _DENOMINATORS:
        if column not in table.columns:
            continue
        denominator = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        off = ~(denominator == n.to_numpy(dtype="float64", na_value=np.nan))
        if off.any():
            units = table.loc[off, "unit"].astype(str).tolist()
            raise AmebenchError(
                f"{what} compares events / n, but the table's {column} is not n for units {listed(units)}: events / n "
                f"would count those not in {column} as failures; compare table.assign(n=table[{column!r}]) without "
                f"the units whose {column} is 0 or missing, or drop the {column} column if n is meant")


def _check_estimate(table: pd.DataFrame, n: pd.Series, events: pd.Series, what: str) -> None:
    """Raise when ``table``'s estimate is not events / n, naming the units and the fix."""
    estimate = pd.to_numeric(table["estimate"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    n = n.to_numpy(dtype="float64", na_value=np.nan)
    events = events.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = events / n
    off = ~(np.abs(estimate - rate) <= _ROUNDING)  # a missing estimate is off too
    off &= (n > 0)  # no exits, or n missing: the count check below says so
    if not off.any():
        return
    units = table.loc[off, "unit"].astype(str).tolist()
    fix = "give n as the estimate's denominator, or drop the estimate column if it is another quantity"
    for column in _DENOMINATORS:
        if column in table.columns:
            denominator = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                fits = np.abs(estimate - events / denominator) <= _ROUNDING
            if (fits | (np.isnan(estimate) & ~(denominator > 0))).all():
                fix = (f"its estimate is events / {column}: compare table.assign(n=table[{column!r}]) without the "
                       f"units whose {column} is 0 or missing")
                break
    which = "every unit" if off.sum() == (n > 0).sum() else f"units {listed(units)}"
    raise AmebenchError(f"{what} compares events / n, but the table's estimate is not events / n for {which}; {fix}")


#: A level strictly between 0 and 1, as a float (the metrics' check and wording).
check_level = check_conf_level
