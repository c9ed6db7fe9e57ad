"""amebench.metrics.reentry.reentry as of commit b5cd348 (before vectorising), verbatim.

Only the relative imports are made absolute, and what it called of the library that the
code under test calls too is frozen here (test audit of 2026-12-07: a bug planted in the
live ``spells`` passed the tests against this reference): ``spells`` as of b5cd348 (with
today's conversion to ns before the fill, which pandas 3 needs), and the Wilson interval
in its closed form (Wilson 1927; Newcombe 1998, Stat Med 17:857, method 3) instead of
``binomial_interval``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from amebench.exceptions import AmebenchError
from amebench.results import tidy


def binomial_interval(events, n, conf_level):
    """Wilson score interval, closed form: (2r + z² ± z √(z² + 4r(1 − r/n))) / (2(n + z²))."""
    r, n = np.asarray(events, dtype=float), np.asarray(n, dtype=float)
    z = norm.ppf(1 - (1 - conf_level) / 2)
    centre, half = 2 * r + z * z, z * np.sqrt(z * z + 4 * r * (1 - r / n))
    low, high = (centre - half) / (2 * (n + z * z)), (centre + half) / (2 * (n + z * z))
    return np.where(r == 0, 0.0, low), np.where(r == n, 1.0, high)


def spells(episodes: pd.DataFrame, *, gap_days: int) -> pd.DataFrame:
    """amebench.cohorts.spells.spells as of b5cd348."""
    ep = episodes.sort_values(["person_id", "enrolled_on", "episode_id"], kind="stable").reset_index(drop=True)
    person = ep["person_id"].to_numpy()
    start = ep["enrolled_on"].to_numpy("datetime64[ns]")
    end = ep["exited_on"].astype("datetime64[ns]").fillna(pd.Timestamp.max).to_numpy("datetime64[ns]")
    new_person = np.r_[True, person[1:] != person[:-1]]
    running_end = pd.Series(end).groupby(person).cummax().to_numpy()
    previous_end = np.r_[np.datetime64("NaT"), running_end[:-1]]
    gap = (start - previous_end) / np.timedelta64(1, "D")
    new_spell = new_person | (gap >= gap_days)
    spell_number = pd.Series(new_spell.astype(int)).groupby(person).cumsum().to_numpy() - 1
    out = ep.copy()
    out["spell"] = spell_number
    key = [out["person_id"], out["spell"]]
    spell_end = pd.Series(end).groupby(key).transform("max")
    out["spell_exit"] = spell_end.where(spell_end < pd.Timestamp.max).astype("datetime64[ns]")
    out["spell_last"] = (pd.Series(end) == spell_end) & ~out.duplicated(["person_id", "spell", "exited_on"],
                                                                         keep="last")
    out.loc[out["spell_exit"].isna(), "spell_last"] = False
    return out

__all__ = ["reentry"]


def reentry(
    cohort,
    *,
    days: int = 365,
    by: Sequence[str] = ("unit",),
    gap_days: int | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Return the share of exited persons with a new episode in any unit within ``days``.

    Parameters
    ----------
    cohort
        A :class:`amebench.Cohort`; new episodes are looked for in the whole network.
    days
        Window after exit (default 365).
    by
        Columns of the exiting episode to group by.
    gap_days
        If given, episodes of a person separated by fewer than ``gap_days`` days are
        first merged into one spell (:func:`amebench.cohorts.spells`): a return
        within the gap is a continuation, not an exit and a re-entry.
    conf_level
        Level of the Wilson interval.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (exited
        persons), ``events`` (re-entered), ``eligible``, ``censored``, ``method``,
        ``conf_level``.

    Notes
    -----
    Each person counts once, by the first exit (end of spell) in the cohort.
    Numerator: eligible persons with an episode in any unit of the network that
    enrols after the exit date and no later than exit + ``days``. Denominator
    (``eligible``): persons whose exit + ``days`` <= ``as_of``; the others are
    ``censored``, never counted as not re-entering. Wilson interval (statsmodels).
    """
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise AmebenchError(f"days must be a whole number of days >= 1, not {days!r}")
    by = (by,) if isinstance(by, str) else tuple(by)
    missing = [c for c in by if c not in cohort.episodes.columns]
    if missing:
        raise AmebenchError(f"cannot group by {missing}; use episode columns")
    as_of = cohort.as_of
    network_ep = cohort.network.episodes
    network_ep = network_ep[network_ep["enrolled_on"] <= as_of]
    selected = set(cohort.episodes["episode_id"].astype(str) + "\x1f" + cohort.episodes["unit"].astype(str))
    if gap_days is not None:
        merged = spells(network_ep, gap_days=gap_days)
        merged = merged[merged["spell_last"]]
        merged = merged.assign(exited_on=merged["spell_exit"])
        candidates = merged
    else:
        candidates = network_ep
    key = candidates["episode_id"].astype(str) + "\x1f" + candidates["unit"].astype(str)
    exits = candidates[key.isin(selected) & candidates["exited_on"].notna() & (candidates["exited_on"] <= as_of)]
    exits = exits.sort_values(["person_id", "exited_on", "episode_id"], kind="stable").drop_duplicates("person_id")
    # the first enrolment strictly after each exit, in any unit of the network
    later = network_ep[["person_id", "enrolled_on"]].sort_values(["enrolled_on"])
    pairs = exits[["person_id", "exited_on"]].reset_index().merge(later, on="person_id", how="left")
    pairs = pairs[pairs["enrolled_on"] > pairs["exited_on"]]
    next_enrolment = pairs.groupby("index")["enrolled_on"].min()
    window_end = exits["exited_on"] + pd.Timedelta(days=int(days))
    eligible = window_end <= as_of
    came_back = exits.index.to_series().map(next_enrolment).le(window_end).fillna(False).astype(bool)
    frame = exits[list(by)].copy()
    frame["n"] = 1
    frame["eligible"] = eligible.astype("int64")
    frame["events"] = (eligible & came_back).astype("int64")
    if by:
        out = frame.groupby(list(by), observed=True, sort=True)[["n", "eligible", "events"]].sum().reset_index()
    else:
        out = frame[["n", "eligible", "events"]].sum().to_frame().T
    out["censored"] = out["n"] - out["eligible"]
    has = out["eligible"] > 0
    low, high = binomial_interval(out["events"], out["eligible"].clip(lower=1), conf_level)
    out["estimate"] = np.where(has, out["events"] / out["eligible"].clip(lower=1), np.nan)
    out["ci_low"] = np.where(has, low, np.nan)
    out["ci_high"] = np.where(has, high, np.nan)
    spell_note = f"; spells merged at gaps < {gap_days} days" if gap_days is not None else ""
    out["method"] = f"new episode in any unit within {days} days of exit{spell_note}; Wilson"
    out["conf_level"] = conf_level
    return tidy(out)
