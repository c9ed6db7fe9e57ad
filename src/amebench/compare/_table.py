"""Input checks shared by the comparison functions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError, listed
from ..results import check_conf_level

__all__ = ["check_counts", "check_level"]


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
    ``estimate`` (a shrunken rate, a rank) is not looked at.
    """
    if not isinstance(table, pd.DataFrame):
        raise AmebenchError(f"{what} needs a DataFrame with columns unit, n, events")
    missing = [c for c in ("unit", "n", "events") if c not in table.columns]
    if missing:
        raise AmebenchError(
            f"{what} needs columns unit, n, events; missing {missing} (columns are {list(table.columns)})"
        )
    out = table[["unit", "n", "events"]].copy()
    if out["unit"].duplicated().any():
        dup = sorted(out.loc[out["unit"].duplicated(), "unit"].astype(str).unique())
        raise AmebenchError(f"{what}: units {listed(dup)} appear more than once; give one row per unit")
    n = pd.to_numeric(out["n"], errors="coerce")
    events = pd.to_numeric(out["events"], errors="coerce")
    if "estimate" in table.columns and any(column in table.columns for column in _DENOMINATORS):
        _check_estimate(table, n, events, what)  # first: its message names the table's denominator
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
