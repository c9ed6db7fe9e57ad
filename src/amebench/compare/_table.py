"""Input checks shared by the comparison functions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError

__all__ = ["check_counts", "check_level"]


def check_counts(table: pd.DataFrame, *, what: str) -> pd.DataFrame:
    """Return ``unit, n, events`` of ``table`` as a clean frame, or raise a clear error.

    ``table`` is any DataFrame with columns ``unit``, ``n``, ``events`` (an
    :func:`amebench.metrics.outcome_rate` result by unit is one); one row per unit.
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
        raise AmebenchError(f"{what}: units {dup} appear more than once; give one row per unit")
    n = pd.to_numeric(out["n"], errors="coerce")
    events = pd.to_numeric(out["events"], errors="coerce")
    bad = n.isna() | events.isna() | (n <= 0) | (events < 0) | (events > n) | (n % 1 != 0) | (events % 1 != 0)
    if bad.any():
        units = out.loc[bad, "unit"].astype(str).tolist()
        raise AmebenchError(
            f"{what}: units {units} need whole numbers with n > 0 and 0 <= events <= n"
        )
    out["n"] = n.astype("int64")
    out["events"] = events.astype("int64")
    out["unit"] = out["unit"].astype(str)
    return out.reset_index(drop=True)


def check_level(level: float, name: str = "conf_level") -> float:
    """Return ``level`` if it is a probability strictly between 0 and 1."""
    if not isinstance(level, (int, float, np.floating)) or not 0 < float(level) < 1:
        raise AmebenchError(f"{name} must be a number in (0, 1), not {level!r}")
    return float(level)
