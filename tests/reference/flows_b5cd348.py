"""amebench.metrics.flows.flows as of commit b5cd348 (before vectorising), verbatim.

Only the relative imports are made absolute; ``transitions`` is left out (unchanged).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from amebench.exceptions import AmebenchError
from amebench.results import tidy

__all__ = ["flows"]


def flows(network, *, by: Sequence[str] = ("unit",)) -> pd.DataFrame:
    """Return monthly inflow, outflow and active stock per group.

    Parameters
    ----------
    network
        A :class:`amebench.Network` (or anything with ``.episodes`` and ``.as_of``).
    by
        Episode columns to group by (default per unit).

    Returns
    -------
    pandas.DataFrame
        One row per group and calendar month from the first enrolment month to the
        month of ``as_of``: ``month`` (first day), ``inflow`` (enrolments in the
        month), ``outflow`` (exits in the month), ``stock`` (episodes active at the
        end of the month, or at ``as_of`` for its month: enrolled on or before,
        not exited by then).

    Notes
    -----
    Exits after ``as_of`` are not observed and count as still active.
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    episodes = network.episodes
    unknown = [c for c in by if c not in episodes.columns]
    if unknown:
        raise AmebenchError(f"cannot group flows by {unknown}; use episode columns")
    as_of = pd.Timestamp(network.as_of)
    if episodes.empty:
        return tidy(pd.DataFrame(columns=[*by, "month", "inflow", "outflow", "stock"]))
    last = as_of.to_period("M")
    months = pd.period_range(episodes["enrolled_on"].min().to_period("M"), last, freq="M")
    first = months[0].year * 12 + months[0].month - 1
    enrol = _month_number(episodes["enrolled_on"]) - first
    exited = episodes["exited_on"].where(episodes["exited_on"] <= as_of)
    leave = np.where(exited.isna(), -1, _month_number(exited.fillna(as_of)) - first)
    keys = episodes[list(by)].astype("object").apply(tuple, axis=1) if by else pd.Series([()] * len(episodes))
    rows = []
    for key, positions in keys.groupby(keys, sort=True).groups.items():
        pos = episodes.index.get_indexer(positions)
        inflow = np.bincount(enrol[pos], minlength=len(months))
        out_pos = leave[pos][leave[pos] >= 0]
        outflow = np.bincount(out_pos, minlength=len(months))
        stock = np.cumsum(inflow) - np.cumsum(outflow)
        frame = pd.DataFrame({"month": months.to_timestamp(), "inflow": inflow, "outflow": outflow, "stock": stock})
        for i, (column, value) in enumerate(zip(by, key)):
            frame.insert(i, column, value)
        rows.append(frame)
    return tidy(pd.concat(rows, ignore_index=True))


def _month_number(dates: pd.Series) -> np.ndarray:
    """Months since year 0, vectorised."""
    return (dates.dt.year.to_numpy() * 12 + dates.dt.month.to_numpy() - 1).astype("int64")


