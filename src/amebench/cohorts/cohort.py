"""Cohorts: which episodes a metric looks at, and the date up to which they are observed."""

from __future__ import annotations

import contextlib
import datetime
import html
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import _idcodes
from ..exceptions import AmebenchError, AmebenchWarning, CensoringWarning, listed, unknown_units, warn_caller
from ..io.cells import as_text
from ..network import Network, as_of_timestamp
from ..results import check_network, own_column_problem

__all__ = ["Cohort", "cohort", "period_bounds", "data_held"]


@dataclass(eq=False)
class Cohort:
    """Episodes selected from a network, observed up to ``as_of``.

    Attributes
    ----------
    network
        The network the episodes come from (payments, follow-ups ... are read from it).
    episodes
        The selected episodes, canonical columns (docs/concepts.md). An exit after
        ``as_of`` is not yet observed: such an episode is ongoing here
        (``exited_on`` and ``exit_reason`` missing).
    as_of
        Nothing after this date is observed.
    exited, enrolled
        The selection periods as (first day, last day), or None.
    units
        The selected units, or None for all.
    """

    network: Network
    episodes: pd.DataFrame
    as_of: pd.Timestamp
    exited: tuple[pd.Timestamp, pd.Timestamp] | None = None
    enrolled: tuple[pd.Timestamp, pd.Timestamp] | None = None
    units: tuple[str, ...] | None = None

    def _describe(self) -> str:
        parts = [f"{len(self.episodes)} episodes", f"observed to {self.as_of.date()}"]
        for what, period in (("exited", self.exited), ("enrolled", self.enrolled)):
            if not period:
                continue
            start, end = (day.date() for day in period)
            if start > self.as_of.date():
                parts.append(f"{what} {start}–{end} (after as_of: none observed)")
            elif end > self.as_of.date():  # the rest of the period lies after as_of: none of it is in the cohort
                parts.append(f"{what} {start}–{self.as_of.date()} (of {start}–{end}; the rest after as_of)")
            else:
                parts.append(f"{what} {start}–{end}")
        units = list(self.units or [])  # ten named, the rest counted (290 names ran to 2,128 characters)
        more = f" and {len(units) - 10} more" if len(units) > 10 else ""
        parts.append("units " + (", ".join(units[:10]) + more if units else "all"))
        return "; ".join(parts)

    def assign(self, **columns) -> Cohort:
        """Return the cohort with columns of your own added to its episodes, to group results by.

        ``cohort.assign(programme=values)`` adds a column ``programme``, which the
        metrics' ``by=`` then take (``outcome_rate(c, by=("unit", "programme"))``): a
        programme, a district, a method, anything known per episode. Each value is one of

        - a Series indexed by ``unit`` and ``episode_id`` (a lookup table:
          ``table.set_index(["unit", "episode_id"])["programme"]``; episode ids repeat
          across units, so both are needed), matched as the readers write ids (text,
          ``1.0`` as ``"1"``, spaces at the ends dropped); an episode the table lacks
          gets a missing value, and a warning counts them;
        - a Series on the index of ``cohort.episodes`` (in any order), such as a column
          worked out from them;
        - an array or list, one value per episode in the order of ``cohort.episodes``;
        - one value for every episode;
        - a function of the episodes returning one of these; as in
          :meth:`pandas.DataFrame.assign`, it sees the columns added before it in the
          same call.

        A missing value is a group of its own, as for the canonical columns. The name
        must not be a canonical episode column, a result column or start with ``_``.
        Metrics read the value of the episode they count (welfare's deciding episode,
        re-entry's exit; see docs/methods.md).

        Raises
        ------
        AmebenchError
            For a refused name; a Series on another index (the network's: the cohort
            numbers its episodes afresh), or keyed by unit and episode with a key twice
            or none that matches; a dict, a set, a table or nested values; values that
            do not number one per episode.

        Examples
        --------
        >>> import amebench
        >>> from amebench.metrics import outcome_rate
        >>> c = amebench.cohort(amebench.load_sample(), exited=2025)
        >>> table = c.episodes[["unit", "episode_id"]].assign(
        ...     programme=lambda t: t["unit"].map({"solna": "IPS", "jarfalla": "IPS"}).fillna("other"))
        >>> ips = c.assign(programme=table.set_index(["unit", "episode_id"])["programme"])
        >>> outcome_rate(ips, by=("programme",))[["programme", "n", "events"]].values.tolist()
        [['IPS', 469, 169], ['other', 652, 199]]
        """
        episodes = self.episodes
        for name, value in columns.items():
            problem = own_column_problem(name)
            if problem:
                raise AmebenchError(f"cannot add a column {name!r}: it {problem}")
            if callable(value):
                value = value(episodes.copy())
            episodes = episodes.assign(**{name: _own_values(episodes, name, value)})
        return replace(self, episodes=episodes)

    def __repr__(self) -> str:
        return f"<Cohort of network {self.network.name!r}: {self._describe()}>"

    def _repr_html_(self) -> str:
        counts = (
            self.episodes.groupby("unit", observed=True)
            .agg(episodes=("episode_id", "size"), persons=("person_id", "nunique"),
                 exited=("exited_on", "count"))
            .reset_index()
        )
        return (f"<p><b>Cohort</b> of network {html.escape(self.network.name)}: {html.escape(self._describe())}</p>"
                + counts.to_html(index=False))


_KEYS = ["unit", "episode_id"]


def _own_values(episodes: pd.DataFrame, name: str, value):
    """The values of a column ``name`` of the user's own for ``episodes`` (:meth:`Cohort.assign`)."""
    lookup = ("set the values by unit and episode: a Series indexed by both, "
              f"table.set_index(['unit', 'episode_id'])[{name!r}]")
    if value is None:
        raise AmebenchError(f"the value for {name!r} is None (did the function return nothing?): give the values")
    if isinstance(value, pd.DataFrame):
        raise AmebenchError(f"the value for {name!r} is a table; give one column of it")
    if isinstance(value, (Mapping, set, frozenset)):
        raise AmebenchError(f"the value for {name!r} is a {type(value).__name__}, which pandas does not match to "
                            f"episodes: {lookup}")
    if isinstance(value, np.ndarray) and value.ndim == 0:  # np.array(5): one value
        value = value.item()
    if isinstance(value, pd.Series):
        value = _matched_series(episodes, name, value, lookup)
    elif pd.api.types.is_scalar(value):
        return value
    else:
        sized = hasattr(value, "__len__")
        try:
            nested = sized and np.ndim(value) != 1
        except ValueError:  # nested lists of unequal lengths
            nested = True
        if nested or not sized:
            got = f"a nested {type(value).__name__}" if nested else f"a {type(value).__name__}, which has no length"
            raise AmebenchError(f"the value for {name!r} must be one value, or a list, array or Series of one value "
                                f"per episode; got {got}")
        if len(value) != len(episodes):
            raise AmebenchError(f"the values for {name!r} number {len(value)}, but the cohort holds {len(episodes)} "
                                f"episodes: give one per episode, in the order of cohort.episodes, or {lookup}")
    values = pd.Series(value, dtype=object) if isinstance(value, (list, tuple)) else value
    if pd.api.types.is_object_dtype(getattr(values, "dtype", None)):
        try:
            pd.unique(values)
        except TypeError:
            raise AmebenchError(f"the values for {name!r} must be single values (text, numbers, dates), "
                                "not lists or other containers") from None
    return value


def _matched_series(episodes: pd.DataFrame, name: str, value: pd.Series, lookup: str):
    """A Series' values lined up with ``episodes``: by unit and episode, or by the episodes' index."""
    if isinstance(value.index, pd.MultiIndex):
        if sorted(map(str, value.index.names)) != sorted(_KEYS) or value.index.nlevels != 2:
            raise AmebenchError(f"the Series for {name!r} is indexed by {list(value.index.names)}; a lookup table's "
                                f"index is unit and episode_id, named so: {lookup}")
        value = value.reorder_levels(_KEYS)
        keys = pd.MultiIndex.from_arrays([_key_text(episodes[key]) for key in _KEYS])
        given = pd.MultiIndex.from_arrays([_key_text(value.index.get_level_values(key)) for key in _KEYS])
        twice = given.duplicated()
        if twice.any():
            raise AmebenchError(f"the Series for {name!r} names {int(twice.sum())} (unit, episode_id) pair(s) more "
                                "than once: give each episode one value")
        found = given.get_indexer(keys)
        if len(episodes) and not (found >= 0).any():
            raise AmebenchError(f"none of the cohort's episodes is among the Series' (unit, episode_id) pairs for "
                                f"{name!r}: are the units and episode ids written as in the export?")
        if (found < 0).any():  # a group of missing values: said, not left to be found
            warn_caller(AmebenchWarning(
                f"{int((found < 0).sum())} of the cohort's {len(episodes)} episodes are not in the lookup for "
                f"{name!r}: their value is missing, a group of its own"))
        return value.reset_index(drop=True).reindex(found).array  # -1, no such label: missing
    index = episodes.index
    reordered = len(value) == len(index) and value.index.is_unique and value.index.isin(index).all()
    if value.index.equals(index) or reordered:
        return value.reindex(index).array
    raise AmebenchError(f"the Series for {name!r} is indexed neither by the cohort's episodes (every label of "
                        "cohort.episodes.index once; the cohort numbers its episodes afresh, so a Series over the "
                        f"network's does not line up) nor by unit and episode_id: {lookup}")


def _key_text(values) -> pd.Series:
    """Ids as the readers write them, to match a lookup's keys: text (a whole float as
    ``"1"``, not ``"1.0"``), spaces at either end dropped."""
    values = pd.Series(values)
    if values.dtype == object or pd.api.types.is_float_dtype(values.dtype):  # cell by cell: 1.0 is "1"
        values = as_text(values.astype(object), ids=True)
    return values.astype("string").fillna("").str.strip()


#: Periods written as text: a year, a month, a quarter or a day, in ISO order (a day first,
#: 12/03/2025, is not guessed at: pandas would read it as 3 December).
_PERIOD_TEXT = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?|-?[Qq][1-4])?|[0-9]{8}")


def period_bounds(period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return (first day, last day) of ``period``.

    ``period`` is a year (``2024`` or ``"2024"``), a month or quarter string
    (``"2024-03"``, ``"2024Q1"``), one day (``"2024-03-05"``, the number ``20240305``
    or a date), a :class:`pandas.Period`, or a pair ``(start, end)`` of any of these,
    both inclusive: from the first day of ``start`` to the last day of ``end``
    (``("2025-01", "2025-06")`` ends on 2025-06-30, ``(2024, 2025)`` on 2025-12-31); a pair
    may be written as text with ISO 8601's interval mark, as ``--exited`` takes it
    (``"2025-01/2025-06"``). Text is read in ISO order only: ``"12/03/2025"`` is an error,
    not a guess.
    """
    # national review: the CLI took "FROM/TO", cohort() did not
    pair = tuple(period.split("/")) if isinstance(period, str) and period.count("/") == 1 else period
    try:
        if isinstance(pair, (tuple, list)):
            if len(pair) != 2:
                raise ValueError
            start, end = _period(pair[0])[0], _period(pair[1])[1]
        else:
            start, end = _period(pair)
    except (TypeError, ValueError):
        raise AmebenchError(
            f"period {period!r} is not understood: give a year (2024), a month ('2024-03'), "
            "a quarter ('2024Q1'), a day ('2024-03-05' or 20240305) or a pair of them ('2024-01', '2024-06' "
            "or '2024-01/2024-06'); text is read in ISO order (year first)"
        ) from None
    if end < start:
        raise AmebenchError(f"period {period!r} ends before it starts")
    return start, end


def _period(period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first day, last day) of one year, month, quarter or day; a ValueError or TypeError if not one."""
    if isinstance(period, (datetime.date, np.datetime64)):  # a Timestamp is a date too
        period = pd.Period(pd.Timestamp(period), freq="D")
    elif isinstance(period, (int, np.integer)) and not isinstance(period, bool):
        period = str(period)
    if isinstance(period, str):
        if not _PERIOD_TEXT.fullmatch(period.strip()):
            raise ValueError
        period = pd.Period(period.strip())
    if not isinstance(period, pd.Period):
        raise TypeError
    return period.start_time.normalize(), period.end_time.normalize()


def _unit_ids(units) -> tuple[str, ...]:
    """``units`` as a tuple of unit ids; an AmebenchError unless it is one id or several, as text."""
    selected = (units,) if isinstance(units, str) else tuple(units) if isinstance(units, Iterable) else None
    if selected is None or not all(isinstance(u, str) for u in selected):
        given = units if selected is None else next(u for u in selected if not isinstance(u, str))
        raise AmebenchError(f"units takes unit ids as text, e.g. units=['solna'] or units='0180'; got {given!r} "
                            f"({type(given).__name__})")
    return selected


def cohort(network: Network, *, exited=None, enrolled=None, units=None, as_of=None) -> Cohort:
    """Select the episodes of ``network`` that a metric should look at.

    Parameters
    ----------
    network
        A :class:`amebench.Network`.
    exited
        Keep episodes that exited in this period: a year, month, quarter or day, or a
        pair of them from the first day of one to the last day of the other (see
        :func:`period_bounds`; the number ``20240101`` is that one day).
        Exits after ``as_of`` are not observed and do not count.
    enrolled
        Keep episodes that enrolled in this period.
    units
        Keep this unit or these units (ids as text, as in ``network.units.unit``).
    as_of
        The date up to which data are observed; default the network's extraction
        date. It cannot be later than the extraction date, since nothing after
        extraction is known.

    Returns
    -------
    Cohort

    Raises
    ------
    AmebenchError
        On an unknown unit, a period that cannot be read, or a bad ``as_of``.

    Warns
    -----
    CensoringWarning
        When a period starts after ``as_of``: nothing in it is observed yet; and
        when the cohort is empty for another reason (a period before the data, say),
        naming the dates the data cover.

    Examples
    --------
    >>> import amebench
    >>> c = amebench.cohort(amebench.load_sample(), exited=2025, units=["solna"])
    >>> c.episodes["exited_on"].dt.year.unique().tolist()
    [2025]
    """
    check_network(network, "cohort")
    as_of = _as_of(network, as_of)
    episodes = network.episodes
    selected_units = None
    keep = (episodes["enrolled_on"] <= as_of).to_numpy(dtype=bool, copy=True)
    if units is not None:
        selected_units = _unit_ids(units)
        known = set(network.units["unit"].astype(str))
        unknown = sorted(set(selected_units) - known)
        if unknown:
            raise AmebenchError(f"unknown unit(s) {unknown_units(unknown, known, 'the network')}")
        keep &= episodes["unit"].isin(selected_units).to_numpy(dtype=bool)
    not_yet = (episodes["exited_on"] > as_of).to_numpy(dtype=bool)  # an exit after as_of is not observed
    exited_bounds = enrolled_bounds = None
    if exited is not None:
        exited_bounds = _observed(period_bounds(exited), as_of, "exited", exited)
        keep &= episodes["exited_on"].between(*exited_bounds).to_numpy(dtype=bool) & ~not_yet
    if enrolled is not None:
        enrolled_bounds = _observed(period_bounds(enrolled), as_of, "enrolled", enrolled)
        keep &= episodes["enrolled_on"].between(*enrolled_bounds).to_numpy(dtype=bool)
    rows = np.flatnonzero(keep)
    selected = episodes[keep].reset_index(drop=True)
    censored = not_yet[rows]
    if censored.any():  # a frame of its own (reset_index): the network's episodes are not changed
        selected.loc[censored, "exited_on"] = pd.NaT
        selected.loc[censored, "exit_reason"] = pd.NA
    for column in _idcodes.ID_COLUMNS:  # the network's id codes (saved by to_parquet), for the selected rows
        if column in episodes:
            _idcodes.carry(episodes[column], selected[column], rows)
    if selected.empty and not _after(exited_bounds, as_of) and not _after(enrolled_bounds, as_of):
        _say_empty(episodes, selected_units, as_of, {"exited": exited, "enrolled": enrolled, "units": units})
    return Cohort(
        network=network,
        episodes=selected,
        as_of=as_of,
        exited=exited_bounds,
        enrolled=enrolled_bounds,
        units=selected_units,
    )


def _after(bounds, as_of: pd.Timestamp) -> bool:
    return bounds is not None and bounds[0] > as_of  # _observed has warned


#: The start of the message of an empty cohort (:func:`quiet_when_empty` filters on it).
_EMPTY = "the cohort .* is empty"


@contextlib.contextmanager
def quiet_when_empty():
    """Within this block an empty cohort does not warn: for a caller that builds a cohort of
    its own from one the user gave (who was warned), or that says itself why it is empty."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _EMPTY, CensoringWarning)
        yield


def _say_empty(episodes: pd.DataFrame, units, as_of: pd.Timestamp, asked: dict) -> None:
    """Warn that a cohort is empty, with the dates the selected units' data cover up to
    ``as_of``: ``exited=2019``, before the first enrolment, gave empty tables without a word."""
    given = ", ".join(f"{name}={value!r}" for name, value in asked.items() if value is not None) or "everything"
    warnings.warn(CensoringWarning(f"the cohort ({given}) is empty: {data_held(episodes, units, as_of)}"), stacklevel=3)


def data_held(episodes: pd.DataFrame, units, as_of) -> str:
    """Say which days the data of ``units`` (all when None) cover up to ``as_of``: the first
    and last enrolment and exit, for a message about a selection that holds nothing."""
    if units is not None:
        episodes = episodes[episodes["unit"].isin(units)]
    enrolled = episodes.loc[episodes["enrolled_on"] <= as_of, "enrolled_on"]
    exits = episodes.loc[episodes["exited_on"] <= as_of, "exited_on"]
    if episodes.empty:
        return "the network holds no episodes" if units is None else f"the units {listed(units)} hold no episodes"
    if enrolled.empty:
        return f"no episode was enrolled by as_of {pd.Timestamp(as_of).date()}"
    held = f"the data hold enrolments from {enrolled.min().date()} to {enrolled.max().date()}"
    return held + (f" and exits from {exits.min().date()} to {exits.max().date()}" if len(exits) else " and no exits")


def _observed(bounds, as_of: pd.Timestamp, name: str, given):
    """``bounds``, with a CensoringWarning when the whole period lies after ``as_of``: nothing
    in it is observed (``exited=2030`` gave an empty cohort and empty tables without a word)."""
    if bounds[0] > as_of:
        warnings.warn(CensoringWarning(f"{name}={given!r} starts {bounds[0].date()}, after as_of {as_of.date()}: "
                                       "nothing in it is observed yet, so the cohort is empty"), stacklevel=3)
    return bounds


def _as_of(network: Network, as_of) -> pd.Timestamp:
    extraction = getattr(network, "as_of", None)
    if as_of is None:
        if extraction is None or pd.isna(extraction):
            raise AmebenchError("as_of is required: the network has no extraction date; pass as_of='YYYY-MM-DD'")
        return pd.Timestamp(extraction).normalize()
    value = as_of_timestamp(as_of, error=AmebenchError)
    if extraction is not None and value > pd.Timestamp(extraction):
        raise AmebenchError(
            f"as_of {value.date()} is after the extraction date {pd.Timestamp(extraction).date()}: "
            "nothing after extraction is observed"
        )
    return value
