"""Row rules that need a whole file (episodes) or every file of a read (cross-file checks).

Within a file: exits before enrolment, dates after ``as_of``, a reason without an exit,
duplicate episode ids, overlapping episodes of one person (:func:`episode_rules`);
activities that end before they start (:func:`activity_rules`).
Across files: activities and follow-ups of unknown episodes, payments of unknown people
(:func:`cross_check`). docs/profiles.md ("What is rejected") lists them all.
After them, a warning when ``as_of`` lies long after a unit's data (:func:`check_as_of`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from ..exceptions import ReadWarning, collecting, warn_caller
from .parse import DATE_MIN, used_codes
from .rejects import FileState, finalise

__all__ = ["episode_rules", "activity_rules", "cross_check", "check_as_of", "settle", "fill_unknown"]

#: Episode columns whose missing values are the code "unknown".
_UNKNOWN_FILL = ("referral", "readiness", "gender")


#: The earliest year of birth an episode may give: the readers' first date's.
FIRST_BIRTH_YEAR = DATE_MIN.year
#: The youngest age (enrolment year minus birth year, as the case mix counts it) an episode
#: may give: municipal labour-market units serve people of working age, and the youngest
#: age band (schema.AGE_BANDS) starts there.
MIN_AGE = schema.AGE_BANDS[0][1]
#: Why an episode of a younger participant is rejected ...
TOO_YOUNG = f"under {MIN_AGE} at enrolment by the year of birth, not an age a labour-market unit serves"
#: ... when the year of birth is taken from the identity number: the usual cause.
TOO_YOUNG_BY_NUMBER = (f"{TOO_YOUNG}: a 10-digit identity number written with '-' where '+' marks a person of "
                       "100 or more is read as born a century later")


def episode_rules(st: FileState, as_of) -> None:
    f, n = st.frame, len(st.frame)
    enrolled = f["enrolled_on"]
    exited = f["exited_on"] if "exited_on" in f else pd.Series(pd.NaT, index=f.index, dtype=schema.DATE)
    f["exited_on"] = exited
    as_of = pd.Timestamp(as_of)
    shown = st.as_written
    st.add((exited < enrolled).to_numpy(dtype=bool), "exited_on", shown("exited_on", exited), "exit before enrolment")
    st.add((enrolled > as_of).to_numpy(dtype=bool), "enrolled_on", shown("enrolled_on", enrolled),
           f"enrolment after as_of {as_of.date()}")
    st.add((exited > as_of).to_numpy(dtype=bool), "exited_on", shown("exited_on", exited),
           f"exit after as_of {as_of.date()}")
    if "birth_year" in f:  # 199001 (year and month), 19900, an identity number: not a year of birth
        born = pd.to_numeric(f["birth_year"], errors="coerce")
        odd = ((born < FIRST_BIRTH_YEAR) | (born > as_of.year)).fillna(False).to_numpy(dtype=bool)
        st.add(odd, "birth_year", born, f"birth year outside {FIRST_BIRTH_YEAR} .. {as_of.year} (the year of as_of)")
        # a birth year taken from the identity number is named by its column, with the usual cause
        young = ((enrolled.dt.year - born) < MIN_AGE).fillna(False).to_numpy(dtype=bool) & ~odd
        if "birth_year" in st.headers:
            st.add(young, "birth_year", born, TOO_YOUNG)
        else:
            st.add(young, "person_id", born, TOO_YOUNG_BY_NUMBER)
    if "exit_reason" in f:
        reason = f["exit_reason"]
        bad_date = np.zeros(n, dtype=bool)
        for pos, col, _, why in st.problems:
            if col == st.header("exited_on"):
                bad_date[pos] = True
        orphan = reason.notna().to_numpy() & exited.isna().to_numpy() & ~bad_date
        st.add(orphan, "exit_reason", shown("exit_reason", reason), "exit reason without an exit date")
        f["exit_reason"] = reason.where(~(reason.isna() & exited.notna()), "unknown")
    elif exited.notna().any():
        f["exit_reason"] = pd.Series(np.where(exited.notna(), "unknown", None), dtype=object)
    for column in _UNKNOWN_FILL:
        fill_unknown(f, column, n)
    # Duplicates and overlaps among rows that pass every other rule; the first (by line) is kept.
    ok = ~st.bad()
    ids = f["episode_id"]
    unit = st.units().codes.astype(np.int64)
    keyed = pd.DataFrame({"unit": unit, "id": ids.where(ok, None).to_numpy(dtype=object)})
    dup = ok & ids.notna().to_numpy() & keyed.duplicated(keep="first").to_numpy()
    if dup.any():  # each names the first row of its id (rows are in line order), kept here; an overlap may
        # reject that row in turn
        first = pd.Series(np.arange(n)).groupby([keyed["unit"], keyed["id"]], sort=False).transform("first")
        st.add(dup, "episode_id", ids, "duplicate episode_id in the unit",
               other=first.fillna(0).to_numpy(dtype=np.int64))
    ok &= ~dup
    person = pd.factorize(f["person_id"])[0]
    person = unit * (person.max(initial=0) + 1) + person  # a person in each unit
    order = pd.DataFrame({
        "person": person, "start": enrolled.to_numpy(dtype="datetime64[ns]").view("int64"),
        "end": exited.fillna(pd.Timestamp.max).to_numpy(dtype="datetime64[ns]").view("int64"), "line": st.lines,
    })[ok].sort_values(["person", "start", "line"])
    mask, overlapped = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
    # An episode is compared with the earlier *loaded* episodes of the person: reject the first
    # overlap of each person, then look again (rounds = the most overlaps one person has).
    while len(order):
        running = order.groupby("person", sort=False)["end"].cummax()
        prev_end = running.groupby(order["person"].to_numpy(), sort=False).shift()
        overlap = (order["start"] < prev_end).to_numpy(dtype=bool)
        if not overlap.any():
            break
        first = order.loc[overlap].drop_duplicates("person").index
        mask[first] = True
        # The episode it overlaps: the person's row just before it. The rows before a
        # person's first overlap do not overlap each other, so that row ends last of them.
        before = pd.Series(order.index, index=order.index).groupby(order["person"].to_numpy(), sort=False).shift()
        overlapped[first] = before.loc[first].to_numpy()
        order = order.drop(index=first)
    st.add(mask, "enrolled_on", shown("enrolled_on", enrolled),
           "overlaps an earlier episode of the same person in the unit", other=overlapped)


def activity_rules(st: FileState) -> None:
    f = st.frame
    if "ended_on" in f:  # ending on the day it starts is fine: a one-day activity
        st.add((f["ended_on"] < f["started_on"]).to_numpy(dtype=bool), "ended_on",
               st.as_written("ended_on", f["ended_on"]),
               "activity end before start")


def cross_check(states: list[FileState]) -> None:
    """Reject activities/follow-ups of unknown episodes, follow-ups before exit, payments of strangers."""
    episodes, persons, households, rejected_payers = [], [], [], []
    for st in states:
        if st.table != "episodes":
            continue
        ok = ~st.bad()
        episodes.append((st, ok))
        persons.append(_distinct(st.frame["person_id"], ok))
        rejected_payers.append(_distinct(st.frame["person_id"], ~ok))
        if "household_id" in st.frame:
            households.append(_distinct(st.frame["household_id"], ok))
            rejected_payers.append(_distinct(st.frame["household_id"], ~ok))
    if any(st.table in ("activities", "followups") for st in states):
        keys, exits = _known_episodes(episodes)
        rejected, _ = _known_episodes([(st, ~ok) for st, ok in episodes])
    for st in states:
        f = st.frame
        if st.table in ("activities", "followups"):
            ids = f["episode_id"]
            units = st.units()
            wanted = pd.MultiIndex.from_arrays([np.asarray(units, dtype=object), ids.to_numpy(dtype=object)])
            pos = keys.get_indexer(wanted)
            unknown = ids.notna().to_numpy() & (pos < 0)
            what = "activity" if st.table == "activities" else "follow-up"
            if unknown.any():  # the episode's own row was rejected: say so, rather than "unknown"
                of_rejected = unknown & (rejected.get_indexer(wanted) >= 0)
                st.add(of_rejected, "episode_id", ids, f"{what} of an episode whose own row was rejected")
                unknown &= ~of_rejected
            for code in np.unique(units.codes[unknown]):
                st.add(unknown & (units.codes == code), "episode_id", ids,
                       f"{what} for an unknown episode (none loaded in unit {units.categories[code]})")
            if st.table == "followups":
                exit_on = pd.Series(exits[pos], index=f.index, dtype=schema.DATE)
                measured = f["measured_on"] if "measured_on" in f else pd.Series(pd.NaT, index=f.index,
                                                                                  dtype=schema.DATE)
                before = (measured < exit_on).to_numpy(dtype=bool)
                st.add(before, "measured_on", st.as_written("measured_on", measured),
                       "follow-up measured before the exit")
                if "days_after_exit" not in st.headers:
                    f["days_after_exit"] = (measured - exit_on).dt.days.astype("Int64")
                else:
                    negative = (f["days_after_exit"] < 0).fillna(False).to_numpy(dtype=bool)
                    st.add(negative, "days_after_exit", f["days_after_exit"],
                           "follow-up days after exit is negative (before the exit)")
    payments = [st for st in states if st.table == "payments"]
    known_payer = [np.zeros(len(st.frame), dtype=bool) for st in payments]
    for column, ids in (("person_id", _union(persons)), ("household_id", _union(households))):
        having = [i for i, st in enumerate(payments) if column in st.frame]
        for i, member in zip(having, _members([payments[i].frame[column] for i in having], ids)):
            known_payer[i] |= member
    rejected_payers = _union(rejected_payers)
    for st, known in zip(payments, known_payer):
        f = st.frame
        col = "person_id" if "person_id" in f else "household_id"
        has = f[col].notna().to_numpy() if col in f else np.zeros(len(f), dtype=bool)
        if "household_id" in f and col == "person_id":
            has = has | f["household_id"].notna().to_numpy()
        stranger = has & ~known
        if stranger.any() and len(rejected_payers):  # whose only episodes were rejected: say so
            of_rejected = np.zeros(len(f), dtype=bool)
            for column in ("person_id", "household_id"):
                if column in f:
                    of_rejected |= _members([f[column]], rejected_payers)[0]
            st.add(stranger & of_rejected, col, f[col],
                   "payment for a person or household whose episodes were all rejected")
            stranger &= ~of_rejected
        st.add(stranger, col, f[col], "payment for a person or household with no episode in the network")


def _known_episodes(episodes: list) -> tuple[pd.MultiIndex, np.ndarray]:
    """The loaded episodes as one (unit, episode id) index, and their exit dates (NaT at [-1])."""
    parts = [pd.DataFrame({"unit": np.asarray(st.units(), dtype=object)[ok],
                           "episode_id": st.frame["episode_id"].to_numpy(dtype=object)[ok],
                           "exited_on": st.frame["exited_on"].to_numpy(dtype=schema.DATE)[ok]})
             for st, ok in episodes]
    known = pd.concat(parts) if parts else pd.DataFrame({"unit": [], "episode_id": [], "exited_on": []})
    known = known.drop_duplicates(["unit", "episode_id"])
    keys = pd.MultiIndex.from_arrays([known["unit"], known["episode_id"]])  # one hash table for every file
    return keys, np.append(known["exited_on"].to_numpy(dtype=schema.DATE), np.datetime64("NaT"))


def _distinct(ids: pd.Series, rows: np.ndarray) -> pd.Index:
    """The distinct non-missing ids of the given rows (through the categories of a Categorical)."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids.cat.categories[used_codes(ids.cat.codes.to_numpy()[rows], len(ids.cat.categories))]
    return pd.Index(ids[rows].dropna().unique())


def _union(parts: list) -> pd.Index:
    if not parts:
        return pd.Index([], dtype=object)
    return parts[0].append(parts[1:]).unique() if len(parts) > 1 else parts[0]


def _texts(values):
    """Text values (Index or Series) as a pyarrow array."""
    import pyarrow as pa

    array = values.array
    if hasattr(array, "__arrow_array__"):
        out = array.__arrow_array__()
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    return pa.array([str(v) for v in values], type=pa.string())


def _members(columns: list[pd.Series], known: pd.Index) -> list[np.ndarray]:
    """For each column, True where an id is one of ``known``.

    Looked up once per distinct id of a Categorical, the distinct ids of every column in
    one call (a set of ``known`` built per column would cost a network of 290 units
    290 hash tables of every person).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = [i for i, ids in enumerate(columns) if isinstance(ids.dtype, pd.CategoricalDtype) and len(known)]
    out = [np.zeros(len(ids), dtype=bool) if isinstance(ids.dtype, pd.CategoricalDtype)
           else ids.isin(known).to_numpy(dtype=bool) for ids in columns]
    texts = [_texts(columns[i].cat.categories).cast(pa.large_string()) for i in coded]
    if not texts or not sum(len(t) for t in texts):
        return out
    found = pc.is_in(pa.concat_arrays(texts), value_set=_texts(known).cast(pa.large_string()))
    found = found.to_numpy(zero_copy_only=False)
    ends = np.cumsum([len(t) for t in texts])
    for i, per in zip(coded, np.split(found, ends[:-1])):
        out[i] = np.append(per, False)[columns[i].cat.codes.to_numpy()]
    return out


def fill_unknown(frame: pd.DataFrame, column: str, n: int) -> None:
    """Give the missing values of a coded column (or a column not mapped at all) the code "unknown"."""
    if column in frame:
        frame[column] = frame[column].where(frame[column].notna(), "unknown")
    else:
        frame[column] = pd.Series(["unknown"] * n, dtype=object)


#: check_as_of: days from a unit's last enrolment or exit to ``as_of`` that no summer break
#: explains (a closure from midsummer to mid-August leaves under 90), the distinct days with
#: an enrolment or exit that the unit's pace over its last year of data would give in them
#: (none of 7 expected has probability e^-7 < 0.001 for a Poisson stream), and the episodes
#: it needs for a pace.
_LATE_DAYS, _LATE_EXPECTED, _LATE_EPISODES = 120, 7.0, 20


def settle(states, *, strict: bool, as_of, found: list):
    """Cross-check the files' ``states``, finalise them and check ``as_of``, as every reader
    does last: (tables, rejects, reconciliation, the records of the ReadWarnings among
    ``found``, the warnings issued while reading, and of those :func:`check_as_of` issues)."""
    cross_check(states)
    tables, rejects, reconciliation = finalise(states, strict=strict)
    with collecting() as late:
        check_as_of(tables["episodes"], reconciliation, as_of)
    return tables, rejects, reconciliation, [w.record() for w in [*found, *late] if isinstance(w, ReadWarning)]


def check_as_of(episodes: pd.DataFrame, reconciliation: pd.DataFrame, as_of) -> None:
    """A :class:`ReadWarning` (kind ``"as_of_after_data"``) for each unit whose last enrolment
    or exit lies long before ``as_of``: at least 120 days, in which the unit's pace would have
    given 7 or more days with an enrolment or exit, the unit having 20 or more loaded
    episodes and data spanning 120 days or more. The pace is the distinct such days in the
    year up to the unit's last one (the span of its data when shorter), so intakes in
    cohorts or a migration day count once.

    Either ``as_of`` is not the extraction date (a wrong year in network.toml) or the
    unit's export stops early. Either way episodes still open in the data are followed to
    ``as_of`` as if nothing happened after the data end: re-enrolment counts exits not yet
    followed for ``days`` as not re-enrolled, time to exit counts ongoing episodes as still
    open, and survey retention counts as non-respondents exits not yet surveyed. Welfare
    and register retention are protected only while the payments file ends where the
    episodes do (they use the ledger's months alone). A unit that closed looks the same.

    More than five such units (most likely one wrong ``as_of`` for the whole network) share
    one warning, which names the first five; its ``file`` names their episodes files, the
    first five of them and how many more ("a.csv, b.csv, c.csv, d.csv, e.csv, … (+285)").
    """
    if not len(episodes):
        return
    as_of = pd.Timestamp(as_of)
    unit, names = pd.factorize(episodes["unit"])
    code = np.concatenate([unit, unit])
    day = np.concatenate([_day_numbers(episodes["enrolled_on"]), _day_numbers(episodes["exited_on"])])
    code, day = code[day != _NO_DAY], day[day != _NO_DAY]
    bounds = pd.Series(day).groupby(code).agg(["min", "max"]).reindex(range(len(names)))
    dated = bounds["max"].notna().to_numpy()
    first, last = (bounds[c].fillna(0).to_numpy(dtype=np.int64) for c in ("min", "max"))
    # the distinct days with an enrolment or exit in the year up to the unit's last one: a
    # (unit, days before its last) grid, no sort
    back = last[code] - day
    grid = np.zeros((len(names), 365), dtype=bool)
    grid[code[back < 365], back[back < 365]] = True
    recent = grid.sum(axis=1)
    size = np.bincount(unit, minlength=len(names))
    files = reconciliation.loc[reconciliation["table"] == "episodes"].drop_duplicates("unit").set_index("unit")["file"]
    late = []  # (unit, its episodes file, its last day, days from it to as_of, days with an event a day)
    for i, name in enumerate(names):
        gap, window = (as_of - _EPOCH).days - int(last[i]), min(int(last[i] - first[i]), 365)
        if not dated[i] or size[i] < _LATE_EPISODES or window < _LATE_DAYS or gap < _LATE_DAYS:
            continue  # too few episodes or too short data for a pace, or no long silence
        per_day = recent[i] / window
        if per_day * gap >= _LATE_EXPECTED:
            late.append((str(name), str(files.get(str(name), "episodes")), _EPOCH + pd.Timedelta(days=int(last[i])),
                         gap, per_day))
    if len(late) > _LATE_UNITS_NAMED:  # one warning: most likely one wrong as_of for the network
        named = ", ".join(repr(u) for u, *_ in late[:_LATE_UNITS_NAMED])
        ends = sorted(f"{day:%Y-%m-%d}" for _, _, day, _, _ in late)
        days = sorted(gap for *_, gap, _ in late)
        files = list(dict.fromkeys(f for _, f, *_ in late))  # a frame or a workbook can hold several units
        file = ", ".join(files[:_LATE_UNITS_NAMED]) + (f", … (+{len(files) - _LATE_UNITS_NAMED})"
                                                      if len(files) > _LATE_UNITS_NAMED else "")
        warn_caller(ReadWarning(
            f"{file}: the last enrolment or exit of {len(late)} of the {len(names)} units ({named} and "
            f"{len(late) - _LATE_UNITS_NAMED} more) is on {_span(ends[0], ends[-1], ' to ')}, "
            f"{_span(days[0], days[-1], ' to ')} days before as_of {as_of:%Y-%m-%d}, where each unit's pace over "
            f"its last year of data would have given {_LATE_EXPECTED:g} or more days with an enrolment or exit "
            "since. " + _LATE_ADVICE,
            file=file, lines=[], kind="as_of_after_data"))
        return
    for unit_name, file, last_day, gap, per_day in late:
        warn_caller(ReadWarning(
            f"{file}: the last enrolment or exit of unit {unit_name!r} is on {last_day:%Y-%m-%d}, {gap} days "
            f"before as_of {as_of:%Y-%m-%d}; at its pace over its last year of data ({per_day * 30.44:.1f} days "
            f"with an enrolment or exit a month) about {per_day * gap:.0f} such days would have come since. "
            + _LATE_ADVICE, file=file, lines=[], kind="as_of_after_data"))


def _span(low, high, joint: str) -> str:
    return str(low) if low == high else f"{low}{joint}{high}"


#: What check_as_of's warning asks and says.
_LATE_ADVICE = (
    "Is as_of the date the data were extracted, and does the export hold every episode up to it? "
    "If not, set as_of to the extraction date or export anew: the episodes are followed to "
    "as_of as if nothing happened after the data end (re-enrolment and time to exit are biased; "
    "survey retention counts exits not yet surveyed as non-respondents). A unit that closed looks the same")
#: check_as_of names this many late units each in a warning of its own; more share one.
_LATE_UNITS_NAMED = 5


_EPOCH = pd.Timestamp("1970-01-01")
_NO_DAY = np.iinfo(np.int64).min


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of ``dates`` (int64), :data:`_NO_DAY` where missing."""
    values = pd.Series(dates).to_numpy(dtype="datetime64[ns]")
    return np.where(np.isnat(values), _NO_DAY, values.astype("datetime64[D]").astype(np.int64))
