"""Spells: episodes of one person merged when the gap between them is short (WIOA exit rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError

__all__ = ["spells"]


def spells(episodes: pd.DataFrame, *, gap_days: int) -> pd.DataFrame:
    """Return the episodes with a ``spell`` number per person, merging short gaps.

    Episodes of one person (in any unit) are sorted by enrolment (then
    ``episode_id``); an episode joins the previous spell when it starts fewer than
    ``gap_days`` days after the latest exit of the spell's episodes so far (an
    episode nested inside a longer one does not shorten the spell), or while an
    episode of the spell is still ongoing. A gap of exactly ``gap_days`` starts a
    new spell; with ``gap_days=0`` only overlapping episodes merge (one that starts
    on the previous exit day is a new spell). The gap is the difference of the two
    dates (a re-enrolment the day after an exit is a gap of 1), so the days without
    service between the episodes are the gap less one. The US WIOA performance rules
    count an exit only after 90 consecutive days without service, the exit day being
    the last day of service: exit 1 March and re-enrolment 30 May (89 days without
    service) are one period there. That rule is ``gap_days=91``; ``gap_days=90``
    splits at 89 days without service.

    Returns
    -------
    pandas.DataFrame
        The input rows (sorted by person and enrolment) with ``spell`` (0, 1, … per
        person) and ``spell_exit`` (the spell's last exit, NaT while any episode of
        it is ongoing) and ``spell_last`` (True on the episode whose exit ends the
        spell; when several episodes exit on that day, the one sorted last, i.e. the
        latest enrolment; False on every episode of an ongoing spell).
    """
    if isinstance(gap_days, bool) or not isinstance(gap_days, (int, np.integer)) or gap_days < 0:
        raise AmebenchError(f"gap_days must be a whole number of days >= 0, not {gap_days!r}")
    ep = episodes.sort_values(["person_id", "enrolled_on", "episode_id"], kind="stable").reset_index(drop=True)
    person = ep["person_id"].to_numpy()
    start = ep["enrolled_on"].to_numpy("datetime64[ns]")
    # an ongoing episode never ends: use the far future so that it absorbs what follows
    # (in ns first: a coarser unit cannot take Timestamp.max as a fill value in pandas >= 3)
    end = ep["exited_on"].astype("datetime64[ns]").fillna(pd.Timestamp.max).to_numpy("datetime64[ns]")
    new_person = np.r_[True, person[1:] != person[:-1]]
    # latest end so far within the person, up to the previous episode
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
