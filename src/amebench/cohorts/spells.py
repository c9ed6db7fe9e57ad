"""Spells: episodes of one person merged when the gap between them is short (WIOA exit rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._idcodes import IdCodes, id_codes
from ..exceptions import AmebenchError

__all__ = ["spells", "coded_spells"]


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
        The input rows (sorted by person, its id as text, and enrolment) with ``spell`` (0, 1, … per
        person) and ``spell_exit`` (the spell's last exit, NaT while any episode of
        it is ongoing) and ``spell_last`` (True on the episode whose exit ends the
        spell; when several episodes exit on that day, the one sorted last, i.e. the
        latest enrolment; False on every episode of an ongoing spell).
    """
    return coded_spells(episodes, gap_days=gap_days)[0]


def coded_spells(episodes: pd.DataFrame, *, gap_days: int, person: IdCodes | None = None
            ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """:func:`spells`, and for its rows the person codes and a number per spell (0, 1, … in
    row order). ``person``: codes of ``episodes["person_id"]`` when the caller has them (those
    :func:`amebench._idcodes.id_codes` keeps for the network's column, its rows taken; the
    ``uniques`` may hold more ids); else they are computed. Every step runs on integer codes:
    sorting and grouping 2 million text ids took 14 s (national review)."""
    if isinstance(gap_days, bool) or not isinstance(gap_days, (int, np.integer)) or gap_days < 0:
        raise AmebenchError(f"gap_days must be a whole number of days >= 0, not {gap_days!r}")
    if episodes["person_id"].isna().any():  # two unknown people are not one (the readers reject such rows)
        raise AmebenchError(f"spells needs a person_id on every episode: {int(episodes['person_id'].isna().sum())} "
                            "have none")
    person = _text_order(episodes["person_id"], person)
    start = episodes["enrolled_on"].to_numpy("datetime64[ns]")
    rows = np.lexsort((start, person))  # by person (as text) and enrolment
    rows = _ties_by_episode_id(rows, person, start, episodes["episode_id"])
    ep = episodes.take(rows).reset_index(drop=True)
    person, start = person[rows], start[rows]
    # an ongoing episode never ends: use the far future so that it absorbs what follows
    # (in ns first: a coarser unit cannot take Timestamp.max as a fill value in pandas >= 3)
    end = ep["exited_on"].astype("datetime64[ns]").fillna(pd.Timestamp.max).to_numpy("datetime64[ns]")
    new_person = np.r_[True, person[1:] != person[:-1]]
    # latest end so far within the person, up to the previous episode
    running_end = pd.Series(end).groupby(person).cummax().to_numpy()
    previous_end = np.r_[np.datetime64("NaT"), running_end[:-1]]
    gap = (start - previous_end) / np.timedelta64(1, "D")
    new_spell = new_person | (gap >= gap_days)
    spell_id = np.cumsum(new_spell) - 1  # the spells in row order, every person's in turn
    out = ep.copy()
    out["spell"] = spell_id - spell_id[np.flatnonzero(new_person)][np.cumsum(new_person) - 1]
    spell_end = pd.Series(end).groupby(spell_id).transform("max")
    out["spell_exit"] = spell_end.where(spell_end < pd.Timestamp.max).astype("datetime64[ns]")
    last_of_day = ~pd.DataFrame({"spell": spell_id, "exited_on": end}).duplicated(keep="last").to_numpy()
    out["spell_last"] = (pd.Series(end) == spell_end) & last_of_day
    out.loc[out["spell_exit"].isna(), "spell_last"] = False
    return out, person, spell_id


def _text_order(values: pd.Series, person: IdCodes | None) -> np.ndarray:
    """Integer codes of the ids ``values`` in the order of their text (a missing id last), from
    their codes ``person`` or hashed here."""
    import pyarrow.compute as pc

    codes, uniques = person if person is not None else id_codes(values)
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[np.asarray(pc.sort_indices(uniques))] = np.arange(len(uniques))
    rank[-1] = len(uniques)  # -1, a missing id: last
    return rank[codes]


def _ties_by_episode_id(rows: np.ndarray, person: np.ndarray, start: np.ndarray, episode_id: pd.Series) -> np.ndarray:
    """``rows`` with the episodes of one person enrolled on one day ordered by ``episode_id``
    (as text), as a sort by person, enrolment and episode id orders them."""
    same = (person[rows][1:] == person[rows][:-1]) & (start[rows][1:] == start[rows][:-1])
    if not same.any():
        return rows
    tied = np.zeros(len(rows), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    at = np.flatnonzero(tied)
    block = np.cumsum(np.r_[True, ~same])[at]  # the run of equal (person, enrolment) each belongs to
    ids = episode_id.take(rows[at]).astype("string[pyarrow]").to_numpy()
    order = np.lexsort((ids.astype(str), block))
    out = rows.copy()
    out[at] = rows[at][order]
    return out
