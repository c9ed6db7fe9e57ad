"""Monthly participant flows: inflow, outflow and active stock (docs/methods.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError
from ..results import check_by, check_network, tidy

__all__ = ["flows", "transitions"]


def flows(network, *, by: Sequence[str] = ("unit",)) -> pd.DataFrame:
    """Return monthly inflow, outflow and active stock per group.

    Parameters
    ----------
    network
        A :class:`amebench.Network`, or a :class:`amebench.Cohort`: the flows of its
        episodes (a cohort chosen by enrolment: the flows of that intake). A cohort
        chosen by exit period is refused: it holds only the episodes that exit in the
        period, not every episode active in a month. For one year's flows, keep that
        year's months of the network's table.
    by
        Episode columns to group by (default per unit): any column of the episodes
        named in :data:`amebench.results.GROUPING` (``unit``, ``gender``,
        ``readiness``, ``referral``, ``born_abroad``), and a cohort's columns of your
        own (:meth:`amebench.Cohort.assign`). Groups come in the order of the other
        metrics (a category's own order); a missing value is a group of its own, last.

    Returns
    -------
    pandas.DataFrame
        One row per group and calendar month from the first enrolment month (with
        ``unit`` in ``by``: the unit's first, as its data start there; before it the
        export says nothing about the unit, so no row rather than a row of 0) to the
        month of ``as_of``: ``month`` (first day), ``inflow`` (enrolments in the
        month), ``outflow`` (exits in the month), ``stock`` (episodes active at the
        end of the month, or at ``as_of`` for its month: enrolled on or before,
        not exited by then).

    Raises
    ------
    AmebenchError
        If an episode enrols after ``as_of`` (even in the month of ``as_of``):
        it cannot be observed, so it is neither left out silently nor counted.
        The readers reject such rows and a cohort leaves them out; only a
        network built by hand can hold one.

    Notes
    -----
    Exits after ``as_of`` are not observed and count as still active. The last
    row (the month of ``as_of``) is a partial month unless ``as_of`` is the
    month's last day: its inflow and outflow count only the days up to
    ``as_of``, so they are not comparable with a full month's, and its stock is
    the stock at ``as_of``. No column marks this; compare ``month`` with
    ``as_of``.

    Examples
    --------
    >>> import amebench
    >>> from amebench.metrics import flows
    >>> table = flows(amebench.load_sample())
    >>> table[["unit", "inflow", "outflow", "stock"]].head(2).values.tolist()  # 14 + 24 - 4 = 34
    [['jarfalla', 15, 1, 14], ['jarfalla', 24, 4, 34]]
    """
    episodes = _every_episode(network)
    by = check_by(by, episodes.columns, reserved=("month",))  # month: the table's own column
    as_of = pd.Timestamp(network.as_of)
    if episodes.empty:
        return tidy(pd.DataFrame(columns=[*by, "month", "inflow", "outflow", "stock"]), by)
    # checked by day, not by month: an enrolment later in as_of's month is not observed either
    late = episodes["enrolled_on"] > as_of
    if late.any():
        raise AmebenchError(
            f"{int(late.sum())} episodes enrol after as_of ({as_of.date()}), the first on "
            f"{episodes.loc[late, 'enrolled_on'].min().date()}: nothing after as_of is observed. "
            "Pass a cohort (amebench.cohort(network)), which leaves them out, or fix as_of"
        )
    last = as_of.to_period("M")
    months = pd.period_range(episodes["enrolled_on"].min().to_period("M"), last, freq="M")
    first = months[0].year * 12 + months[0].month - 1
    enrol = _month_number(episodes["enrolled_on"]) - first
    exited = episodes["exited_on"].where(episodes["exited_on"] <= as_of)
    leave = np.where(exited.isna(), -1, _month_number(exited.fillna(as_of)) - first)
    group, keys = _groups(episodes, by)
    n_groups, n_months = len(keys), len(months)
    # one 2-d bincount over (group, month) cells for all groups at once
    inflow = np.bincount(group * n_months + enrol, minlength=n_groups * n_months).reshape(n_groups, n_months)
    out_rows = leave >= 0
    outflow = np.bincount(group[out_rows] * n_months + leave[out_rows],
                          minlength=n_groups * n_months).reshape(n_groups, n_months)
    stock = np.cumsum(inflow, axis=1) - np.cumsum(outflow, axis=1)
    frame = pd.DataFrame({"month": np.tile(months.to_timestamp(), n_groups), "inflow": inflow.ravel(),
                          "outflow": outflow.ravel(), "stock": stock.ravel()})
    for i, column in enumerate(by):  # in the episodes' dtype (a category, a nullable boolean)
        values = pd.Series(np.repeat(np.array([k[i] for k in keys], dtype=object), n_months).tolist())
        frame.insert(i, column, values.astype(episodes[column].dtype))
    if "unit" in by:  # a unit's months start with its data: before them its export says nothing (not 0)
        group_first = np.full(n_groups, n_months)
        firsts = pd.Series(enrol).groupby(group).min()  # every group has an episode
        group_first[firsts.index.to_numpy()] = firsts.to_numpy()
        units = pd.Series([key[list(by).index("unit")] for key in keys], dtype=object)
        since = pd.Series(group_first).groupby(units.astype(str).to_numpy()).transform("min").to_numpy()
        frame = frame[np.tile(np.arange(n_months), n_groups) >= np.repeat(since, n_months)].reset_index(drop=True)
    return tidy(frame, by)


def _groups(episodes: pd.DataFrame, by) -> tuple[np.ndarray, list[tuple]]:
    """Group number of each episode and the groups' keys, in the order every metric's groupby
    sorts them: by value (a category's own order), a missing value after its column's values."""
    if not by:
        return np.zeros(len(episodes), dtype=np.int64), [()]
    codes = episodes.groupby(list(by), observed=True, sort=True, dropna=False).ngroup().to_numpy()
    firsts = np.unique(codes, return_index=True)[1]
    values = episodes[list(by)].astype("object").iloc[firsts]
    return codes, [tuple(row) for row in values.itertuples(index=False, name=None)]


def _every_episode(data) -> pd.DataFrame:
    """The episodes of a Network or of a Cohort not chosen by exit (one chosen by exit holds
    only the episodes that exit in its period, not every episode active in a month)."""
    if not hasattr(data, "network"):
        check_network(data, "flows")
    elif data.exited is not None:
        raise AmebenchError(
            "flows counts every episode active in a month, but a cohort chosen by exit period holds only "
            "the episodes that exit in it. Pass the network and keep the months you want, e.g. "
            "table = metrics.flows(network); table[table['month'].dt.year == 2025]")
    return data.episodes


def _month_number(dates: pd.Series) -> np.ndarray:
    """Months since year 0, vectorised."""
    return (dates.dt.year.to_numpy() * 12 + dates.dt.month.to_numpy() - 1).astype("int64")


def transitions(network) -> pd.DataFrame:
    """Return counts of episodes moving readiness → first activity → exit reason, for a flow chart.

    Parameters
    ----------
    network
        A :class:`amebench.Network` (every episode), or a :class:`amebench.Cohort`
        (its episodes, e.g. those exited in a year; activities from its network).

    Returns
    -------
    pandas.DataFrame
        ``from_stage``, ``from_code``, ``to_stage``, ``to_code``, ``n``: one row per
        link. Stages are ``readiness`` (at enrolment), ``activity`` (the episode's
        first activity by start date among those begun by ``as_of``, ``none``
        without one) and ``exit_reason`` (``ongoing`` for episodes not exited by
        ``as_of``).
    """
    if not hasattr(network, "network"):  # a Cohort's own episodes, or a Network's
        check_network(network, "transitions")
    ep = network.episodes
    acts = getattr(network, "network", network).activities
    acts = acts[~(acts["started_on"] > pd.Timestamp(network.as_of)).fillna(False).to_numpy(dtype=bool)]  # not yet begun
    acts = acts.sort_values(["unit", "episode_id", "started_on"], kind="stable")
    first = acts.drop_duplicates(["unit", "episode_id"])[["unit", "episode_id", "activity"]]
    frame = ep[["unit", "episode_id", "readiness", "exit_reason", "exited_on"]].merge(first, on=["unit", "episode_id"],
                                                                                      how="left")
    observed = frame["exited_on"].notna() & (frame["exited_on"] <= pd.Timestamp(network.as_of))
    frame = frame.assign(
        readiness=frame["readiness"].astype("object").fillna("unknown"),
        activity=frame["activity"].astype("object").fillna("none"),
        exit_reason=frame["exit_reason"].astype("object").where(observed, "ongoing").fillna("unknown"),
    )
    links = []
    for source, target in (("readiness", "activity"), ("activity", "exit_reason")):
        counts = frame.groupby([source, target]).size().rename("n").reset_index()
        links.append(pd.DataFrame({
            "from_stage": source, "from_code": counts[source].astype(str),
            "to_stage": target, "to_code": counts[target].astype(str), "n": counts["n"].astype("int64"),
        }))
    return tidy(pd.concat(links, ignore_index=True))
