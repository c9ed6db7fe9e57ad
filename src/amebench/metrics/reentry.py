"""Re-entries: exited persons who come back to any unit of the network (docs/methods.md)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._idcodes import codes_in, id_codes
from ..cohorts.spells import coded_spells
from ..exceptions import AmebenchError, CensoringWarning, warn_caller
from ..results import check_by, check_cohort, check_conf_level, group_values, tidy
from ._binomial import binomial_interval
from ._groups import derivable, derived, sources

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
        Columns of the exiting episode to group by (with ``gap_days``: of the
        spell's last episode), read from the network's episodes: any of its
        columns named in :data:`amebench.results.GROUPING` (``unit``, ``gender``,
        ``readiness``, ``referral``, ``born_abroad``), and ``exit_year`` (the year
        of the exit; with ``gap_days`` of the spell's exit), ``enrol_year`` and
        ``age_band`` (of the episode's enrolment, as in :func:`outcome_rate`; with
        ``gap_days`` of the spell's first enrolment, by which ``enrolled=`` chooses
        it). Columns of your own (:meth:`amebench.Cohort.assign`) are read from the
        cohort's episodes: an exit takes its episode's value; with ``gap_days`` the
        spell's exit's, or, when the cohort does not hold it, that of the latest of
        the spell's episodes it holds. A missing value is a group of its own, last.
    gap_days
        If given, episodes of a person separated by fewer than ``gap_days`` days are
        first merged into one spell (:func:`amebench.cohorts.spells`): a return
        within the gap is a continuation, not an exit and a re-entry. Must be
        shorter than ``days``. The gap is the difference of the dates, so the US WIOA
        rule (an exit after 90 days without service) is ``gap_days=91``.
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
    ``n``: persons with an exit in the cohort observed by ``as_of``, each once, by
    the first such exit (a person whose exit is not yet observed has not exited).
    Numerator: eligible persons with an episode in any unit of the network that
    enrols on or after the exit date and no later than exit + ``days``, other than
    the exiting episode itself. An enrolment on the exit day (a transfer, which the
    readers accept: episodes overlap only when one starts before the other ends) is
    a re-entry after 0 days; an episode that started before the exit and is still
    running is not. Denominator (``eligible``): persons whose exit + ``days`` <=
    ``as_of``; the others are ``censored``, never counted as not re-entering. A
    group without an eligible person has no estimate, and a
    :class:`~amebench.exceptions.CensoringWarning` says how many groups and when the
    first of their exits reaches ``days``. Wilson interval (statsmodels).

    With ``gap_days`` the exits are those of spells, and the cohort's selection
    applies to the spell as a whole: ``exited=`` and ``units=`` to its exit (the exit
    date and unit of its last episode, the one whose exit ends it; see
    :func:`amebench.cohorts.spells`), ``enrolled=`` to its first enrolment. A person
    who moves from unit ``a`` to unit ``b`` within the gap has left the network from
    ``b``, so counts for ``b`` (whose ``by`` values are used), and a spell that began
    in the enrolment period counts even when it ends later. No episode of the exiting
    spell is a re-entry, so a re-entry comes at least ``gap_days`` after the spell's
    exit and the rate counts returns between ``gap_days`` and ``days`` days after it:
    ``days`` must exceed ``gap_days``. An
    eligible person's exit is then confirmed (the ``gap_days`` without a return
    after it lie before ``as_of``); a spell that ended fewer than ``gap_days`` days
    before ``as_of`` (not yet a confirmed exit) is censored.

    Raises
    ------
    AmebenchError
        If ``days`` or ``gap_days`` is not a whole number of days, ``gap_days`` is
        not shorter than ``days``, or a ``by`` column is not allowed.

    Examples
    --------
    >>> import amebench
    >>> from amebench.metrics import reentry
    >>> table = reentry(amebench.cohort(amebench.load_sample(), exited=2025), days=365)
    >>> table.loc[table["unit"] == "jarfalla", ["events", "eligible", "censored"]].iloc[0].tolist()
    [22, 186, 67]
    """
    check_cohort(cohort, "reentry")
    check_conf_level(conf_level)
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise AmebenchError(f"days must be a whole number of days >= 1, not {days!r}")
    _check_gap_days(gap_days, days)
    network_ep = cohort.network.episodes
    # the exits are rows of the network's episodes; exit_year is that of the exit (of the spell)
    # and enrol_year, age_band those of the (spell's first) enrolment
    # columns of the user's own (Cohort.assign) are in the cohort's episodes only
    own = [c for c in cohort.episodes.columns if c not in network_ep.columns]
    by = check_by(by, [*network_ep.columns, *own], derived=derivable(network_ep.columns))
    as_of = cohort.as_of
    enrolled = (network_ep["enrolled_on"] <= as_of).to_numpy()
    network_ep = network_ep[enrolled].reset_index(drop=True)
    if gap_days is not None:
        # the person codes kept for the network's column (hashing 2 million ids again took seconds)
        codes = id_codes(cohort.network.episodes["person_id"])
        codes = codes._replace(codes=codes.codes[enrolled])
        # the episodes an exit stands for: its whole spell (``group``, a number per spell)
        table, person, group = coded_spells(network_ep, gap_days=gap_days, person=codes)
        candidate = table["spell_last"].to_numpy(dtype=bool)
        table = table.assign(exited_on=table["spell_exit"])
        member = _spell_in_cohort(table, group, cohort)
    else:
        table = network_ep
        group = np.arange(len(table))
        candidate = np.ones(len(table), dtype=bool)
        member = _in_cohort(table, cohort.episodes)
        # integer codes of the person ids (kept for the network's column by other metrics)
        person = id_codes(cohort.network.episodes["person_id"]).codes[enrolled]
    exited_on = table["exited_on"]
    chosen = candidate & member & exited_on.notna().to_numpy() & (exited_on <= as_of).to_numpy()
    rows = _first_exit_per_person(table, np.flatnonzero(chosen), person)
    exits = table.take(rows).reset_index(drop=True)
    enrolment = [c for c in by if c != "exit_year"]  # of the spell's first episode, as enrolled= judges
    first = _first_of_spell(table, group, rows) if gap_days is not None and sources(enrolment) else exits
    exits = exits.assign(**derived(exits, [c for c in by if c == "exit_year"]), **derived(first, enrolment))
    exits = _own_columns(exits, cohort.episodes, [c for c in by if c in own], table=table, rows=rows,
                         group=group if gap_days is not None else None)
    window_end = exits["exited_on"] + pd.Timedelta(days=int(days))
    eligible = window_end <= as_of
    # the first enrolment on or after each exit, in any unit of the network, leaving out
    # the exiting episode (or spell) itself: a same-day transfer is a re-entry at 0 days
    other = ~np.isin(group, group[rows])
    next_enrolment = _next_enrolment(exits, person[rows], table["enrolled_on"][other], person[other])
    came_back = (next_enrolment <= window_end).fillna(False).astype(bool)
    frame = exits[list(by)].copy()
    frame["n"] = 1
    frame["eligible"] = eligible.astype("int64")
    frame["events"] = (eligible & came_back).astype("int64")
    if by:
        # a missing value is a group of its own (sorted last): nobody leaves the table
        grouped = frame.groupby(list(by), observed=True, sort=True, dropna=False)
        out = grouped[["n", "eligible", "events"]].sum().reset_index()
    else:
        out = frame[["n", "eligible", "events"]].sum().to_frame().T
    out["censored"] = out["n"] - out["eligible"]
    has = out["eligible"] > 0
    waiting = ~has & (out["n"] > 0)
    if waiting.any():  # rows of NaN beside a method that did not say why (newcomer review)
        _warn_waiting(out.loc[waiting, list(by)], len(out), frame, window_end, days, as_of)
    low, high = binomial_interval(out["events"], out["eligible"].clip(lower=1), conf_level)
    out["estimate"] = np.where(has, out["events"] / out["eligible"].clip(lower=1), np.nan)
    out["ci_low"] = np.where(has, low, np.nan)
    out["ci_high"] = np.where(has, high, np.nan)
    spell_note = f"; spells merged at gaps < {gap_days} days" if gap_days is not None else ""
    out["method"] = f"new episode in any unit within {days} days of exit{spell_note}; Wilson"
    out["conf_level"] = conf_level
    return tidy(out, by)


def _warn_waiting(groups: pd.DataFrame, n_groups: int, frame: pd.DataFrame, window_end: pd.Series, days: int,
                  as_of: pd.Timestamp) -> None:
    """A CensoringWarning naming the ``groups`` (rows of ``by``) with exits but none ``days``
    old by ``as_of``, and the day the first of their exits reaches ``days``."""
    by = list(groups.columns)
    if by:
        none_yet = frame.groupby(by, observed=True, dropna=False)["eligible"].transform("sum").eq(0).to_numpy()
    else:
        none_yet = np.ones(len(frame), dtype=bool)
    names = ["/".join(row) for row in group_values(groups)] if by else ["all exits"]
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    warn_caller(CensoringWarning(
        f"reentry: {len(names)} of {n_groups} groups ({', '.join(names[:5])}{more}) have no exit {days} days old "
        f"by as_of ({as_of.date()}): every exit is censored, so they have no estimate; the first of their exits "
        f"reaches {days} days on {window_end[none_yet].min().date()}"))


def _check_gap_days(gap_days, days: int) -> None:
    """Refuse a gap that leaves no room for a re-entry within ``days``."""
    if gap_days is None:
        return
    if isinstance(gap_days, bool) or not isinstance(gap_days, (int, np.integer)) or gap_days < 0:
        raise AmebenchError(f"gap_days must be a whole number of days >= 0, not {gap_days!r}")
    if gap_days >= days:
        raise AmebenchError(
            f"gap_days={gap_days} must be shorter than days={days}: a return fewer than gap_days "
            "after an exit continues the spell, so a re-entry comes at least gap_days after the exit "
            f"and within {days} days none could count (with gap_days equal to days, only a return on "
            "that very day): the rate would be 0 by construction, and exits not yet confirmed by "
            "gap_days without a return would be eligible. Use days > gap_days, e.g. days=365 with gap_days=91 (WIOA)"
        )


def _first_of_spell(table: pd.DataFrame, group: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """The first episode (earliest enrolment) of the spell of each of ``rows``."""
    first = pd.Series(table["enrolled_on"].to_numpy()).groupby(group).idxmin()
    return table.take(first.loc[group[rows]].to_numpy())


def _own_columns(exits: pd.DataFrame, episodes: pd.DataFrame, own: list[str], *, table: pd.DataFrame,
                 rows: np.ndarray, group: np.ndarray | None) -> pd.DataFrame:
    """``exits`` (the rows ``rows`` of ``table``, the network's episodes) with the user's own
    columns ``own`` of the cohort's ``episodes``, matched on (unit, episode_id) as text: each
    exit takes its episode's value. With spells (``group``: each row's spell), a spell takes
    the value of its exit (the row in ``rows``, whose ``unit`` and other columns the metric
    reads) when the cohort holds that episode, else of the latest (by enrolment) of its
    episodes the cohort holds (a cohort chosen by ``enrolled=`` may hold only earlier ones)."""
    if not own:
        return exits
    if group is None:
        picked = _positions_in(exits, episodes)  # each exit's row in the cohort's episodes, -1: none
    else:
        candidates = np.flatnonzero(np.isin(group, group[rows]))  # the episodes of the exits' spells
        position = np.full(len(table), -1)
        position[candidates] = _positions_in(table.take(candidates), episodes)
        held = np.flatnonzero(position >= 0)
        is_exit = np.zeros(len(table), dtype=bool)
        is_exit[rows] = True
        # each spell's chosen episode last: sorted by spell, then the exit after the others
        # (overlapping episodes: the exit is the latest to end, not always the latest enrolled),
        # then enrolment, then row
        held = held[np.lexsort((held, table["enrolled_on"].to_numpy()[held], is_exit[held], group[held]))]
        last = np.r_[group[held][1:] != group[held][:-1], True] if len(held) else np.zeros(0, dtype=bool)
        chosen = pd.Series(held[last], index=group[held[last]])
        row = chosen.reindex(group[rows]).fillna(-1).astype(np.int64).to_numpy()  # -1: none held
        picked = np.where(row >= 0, position[np.maximum(row, 0)], -1)
    return exits.assign(**{c: episodes[c].reset_index(drop=True).reindex(picked).array for c in own})


def _spell_in_cohort(table: pd.DataFrame, group: np.ndarray, cohort) -> np.ndarray:
    """Whether each row's spell meets the cohort's selection, applied to the spell as a whole:
    its exit (the last episode's ``exited_on`` and ``unit``) for ``exited=`` and ``units=``,
    its first enrolment for ``enrolled=``."""
    member = np.ones(len(table), dtype=bool)
    if getattr(cohort, "units", None) is not None:
        member &= table["unit"].astype(str).isin(cohort.units).to_numpy()  # judged on the last row
    if getattr(cohort, "exited", None) is not None:
        member &= table["exited_on"].between(*cohort.exited).to_numpy()  # the spell's exit
    if getattr(cohort, "enrolled", None) is not None:
        first = pd.Series(table["enrolled_on"].to_numpy()).groupby(group).transform("min")
        member &= first.between(*cohort.enrolled).to_numpy()
    return member


def _in_cohort(candidates: pd.DataFrame, episodes: pd.DataFrame) -> np.ndarray:
    """Whether each candidate's (unit, episode_id) is an episode of the cohort."""
    mine, theirs = _episode_keys(candidates, episodes)
    return np.isin(mine, theirs[theirs >= 0])  # duplicates allowed


def _positions_in(candidates: pd.DataFrame, episodes: pd.DataFrame) -> np.ndarray:
    """Each candidate's row in ``episodes`` with its (unit, episode_id) (the first, if several), -1: none."""
    mine, theirs = _episode_keys(candidates, episodes)
    first = np.flatnonzero(~pd.Index(theirs).duplicated() & (theirs >= 0))
    if not len(first):
        return np.full(len(mine), -1)
    found = pd.Index(theirs[first]).get_indexer(mine)
    return np.where(found >= 0, first[np.maximum(found, 0)], -1)


def _episode_keys(candidates: pd.DataFrame, episodes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One integer key per (unit, episode_id) of the candidates and of ``episodes``, the same
    for the same pair (-1 for an episode whose pair no candidate has).

    Both id columns are compared as text (as ``astype(str)``; a missing value equals a
    missing value), through integer codes of the candidates' values
    (:func:`amebench._idcodes.id_codes`).
    """
    keys, wanted = [], []
    for column in ("unit", "episode_id"):
        reference = id_codes(candidates[column])
        missing = len(reference.uniques)  # the code of a missing value, on both sides
        own = reference.codes.astype(np.int64)
        keys.append(np.where(own < 0, missing, own))
        theirs = codes_in(episodes[column], reference).astype(np.int64)
        wanted.append(np.where(episodes[column].isna().to_numpy(), missing, theirs))  # -1: no candidate has it
    width = missing + 1  # episode_id codes run 0..missing
    absent = (wanted[0] < 0) | (wanted[1] < 0)
    return keys[0] * width + keys[1], np.where(absent, -1, wanted[0] * width + wanted[1])


def _first_exit_per_person(exits: pd.DataFrame, rows: np.ndarray, person_codes: np.ndarray) -> np.ndarray:
    """Positions (among ``rows``) of each person's first exit: earliest ``exited_on``, then
    smallest ``episode_id`` (missing last), then the earlier row. ``person_codes``: an
    integer code of each row's person.
    """
    if len(rows) == 0:
        return rows
    person = person_codes[rows]
    exit_ns = np.asarray(exits["exited_on"].to_numpy(dtype="datetime64[ns]")[rows]).view(np.int64)
    order = np.lexsort((exit_ns, person))
    p, t = person[order], exit_ns[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = p[1:] != p[:-1]
    chosen = rows[order[first]]
    # a person's first exit tied on its date with the next row: order those by episode_id
    tie_next = np.zeros(len(order), dtype=bool)
    tie_next[:-1] = (p[1:] == p[:-1]) & (t[1:] == t[:-1])
    tied_first = first & tie_next
    if tied_first.any():
        run = np.cumsum(np.r_[True, ~tie_next[:-1]])
        members = order[np.isin(run, run[tied_first])]
        tied = pd.DataFrame({"_person": person[members], "_id": exits["episode_id"].to_numpy()[rows[members]],
                             "_pos": rows[members]})
        tied = tied.sort_values(["_person", "_id", "_pos"], kind="stable")  # missing ids last
        winner = dict(zip(*tied.drop_duplicates("_person")[["_person", "_pos"]].to_numpy().T))
        chosen_person = person[order[first]]
        replace = np.isin(chosen_person, list(winner))
        chosen[replace] = [winner[v] for v in chosen_person[replace]]
    return chosen


def _next_enrolment(exits: pd.DataFrame, exit_person: np.ndarray, enrolled_on: pd.Series,
                    person: np.ndarray) -> pd.Series:
    """Per exit: the person's first enrolment on or after the exit date, or NaT.

    ``exit_person`` and ``person`` are integer codes of the persons of the exits and of
    the enrolments (``enrolled_on``), in one code space. One sort of (person, enrolment)
    keys and a binary search per exit: dates are replaced by their rank among all dates
    involved, so (person, rank) packs into one integer.
    """
    out = pd.Series(pd.NaT, index=exits.index, dtype="datetime64[ns]")
    if len(exits) == 0 or len(enrolled_on) == 0:
        return out
    person = np.concatenate([exit_person, person]).astype(np.int64)
    dates = np.concatenate([exits["exited_on"].to_numpy(dtype="datetime64[ns]"),
                            enrolled_on.to_numpy(dtype="datetime64[ns]")])
    codes, uniques = pd.factorize(dates)
    uniques = np.asarray(uniques, dtype="datetime64[ns]")
    by_date = np.argsort(uniques)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[by_date] = np.arange(len(uniques))
    rank = rank[codes]
    width = len(uniques)
    n = len(exits)
    enrolments = np.sort(person[n:] * width + rank[n:])
    query = person[:n] * width + rank[:n]
    at = np.searchsorted(enrolments, query, side="left")  # first key >= (person, exit date)
    found = at < len(enrolments)
    at = np.minimum(at, len(enrolments) - 1)
    found &= enrolments[at] // width == person[:n]
    values = uniques[by_date[enrolments[at] % width]]
    out[found] = values[found]
    return out
