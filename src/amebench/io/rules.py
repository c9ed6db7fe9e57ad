"""Row rules that need a whole file (episodes) or every file of a read (cross-file checks).

Within a file: exits before enrolment, dates after ``as_of``, a reason without an exit,
duplicate episode ids, overlapping episodes of one person (:func:`episode_rules`);
activities that end before they start (:func:`activity_rules`).
Across files: activities and follow-ups of unknown episodes, payments of unknown people
(:func:`cross_check`). docs/profiles.md ("What is rejected") lists them all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from .rejects import FileState

__all__ = ["episode_rules", "activity_rules", "cross_check", "fill_unknown"]

#: Episode columns whose missing values are the code "unknown".
_UNKNOWN_FILL = ("referral", "readiness", "gender")


def episode_rules(st: FileState, as_of) -> None:
    f, n = st.frame, len(st.frame)
    enrolled = f["enrolled_on"]
    exited = f["exited_on"] if "exited_on" in f else pd.Series(pd.NaT, index=f.index, dtype=schema.DATE)
    f["exited_on"] = exited
    as_of = pd.Timestamp(as_of)
    st.add((exited < enrolled).to_numpy(dtype=bool), "exited_on", exited, "exit before enrolment")
    st.add((enrolled > as_of).to_numpy(dtype=bool), "enrolled_on", enrolled, f"enrolment after as_of {as_of.date()}")
    st.add((exited > as_of).to_numpy(dtype=bool), "exited_on", exited, f"exit after as_of {as_of.date()}")
    if "exit_reason" in f:
        reason = f["exit_reason"]
        bad_date = np.zeros(n, dtype=bool)
        for pos, col, _, why in st.problems:
            if col == st.header("exited_on"):
                bad_date[pos] = True
        orphan = reason.notna().to_numpy() & exited.isna().to_numpy() & ~bad_date
        st.add(orphan, "exit_reason", reason, "exit reason without an exit date")
        f["exit_reason"] = reason.where(~(reason.isna() & exited.notna()), "unknown")
    elif exited.notna().any():
        f["exit_reason"] = pd.Series(np.where(exited.notna(), "unknown", None), dtype=object)
    for column in _UNKNOWN_FILL:
        fill_unknown(f, column, n)
    # Duplicates and overlaps among rows that pass every other rule; the first (by line) is kept.
    ok = ~st.bad()
    ids = f["episode_id"]
    dup = ok & ids.notna().to_numpy() & pd.Series(ids.where(ok, None)).duplicated(keep="first").to_numpy() & ok
    st.add(dup, "episode_id", ids, "duplicate episode_id in the unit")
    ok &= ~dup
    person = pd.factorize(f["person_id"])[0]
    order = pd.DataFrame({
        "person": person, "start": enrolled.to_numpy(dtype="datetime64[ns]").view("int64"),
        "end": exited.fillna(pd.Timestamp.max).to_numpy(dtype="datetime64[ns]").view("int64"), "line": st.lines,
    })[ok].sort_values(["person", "start", "line"])
    mask = np.zeros(n, dtype=bool)
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
        order = order.drop(index=first)
    st.add(mask, "enrolled_on", enrolled, "overlaps an earlier episode of the same person in the unit")


def activity_rules(st: FileState) -> None:
    f = st.frame
    if "ended_on" in f:  # ending on the day it starts is fine: a one-day activity
        st.add((f["ended_on"] < f["started_on"]).to_numpy(dtype=bool), "ended_on", f["ended_on"],
               "activity end before start")


def cross_check(states: list[FileState]) -> None:
    """Reject activities/follow-ups of unknown episodes, follow-ups before exit, payments of strangers."""
    episodes = {}
    persons, households = [], []
    for st in states:
        if st.table != "episodes":
            continue
        ok = ~st.bad()
        ep = st.frame.loc[ok, ["episode_id", "exited_on"]]
        episodes.setdefault(st.unit, []).append(ep)
        persons.append(_distinct(st.frame["person_id"], ok))
        if "household_id" in st.frame:
            households.append(_distinct(st.frame["household_id"], ok))
    persons, households = _union(persons), _union(households)
    for st in states:
        f = st.frame
        if st.table in ("activities", "followups"):
            known = pd.concat(episodes.get(st.unit, []) or [pd.DataFrame({"episode_id": [], "exited_on": []})])
            known = known.drop_duplicates("episode_id").set_index("episode_id")["exited_on"].astype(schema.DATE)
            ids = f["episode_id"]
            unknown = ids.notna().to_numpy() & ~ids.isin(known.index).to_numpy()
            what = "activity" if st.table == "activities" else "follow-up"
            st.add(unknown, "episode_id", ids, f"{what} for an unknown episode (none loaded in unit {st.unit})")
            if st.table == "followups":
                exit_on = pd.Series(known.reindex(ids.astype(object)).to_numpy(), index=f.index, dtype=schema.DATE)
                measured = f["measured_on"] if "measured_on" in f else pd.Series(pd.NaT, index=f.index, dtype=schema.DATE)
                before = (measured < exit_on).to_numpy(dtype=bool)
                st.add(before, "measured_on", measured, "follow-up measured before the exit")
                if "days_after_exit" not in st.headers:
                    f["days_after_exit"] = (measured - exit_on).dt.days.astype("Int64")
                else:
                    negative = (f["days_after_exit"] < 0).fillna(False).to_numpy(dtype=bool)
                    st.add(negative, "days_after_exit", f["days_after_exit"],
                           "follow-up days after exit is negative (before the exit)")
        elif st.table == "payments":
            known = np.zeros(len(f), dtype=bool)
            if "person_id" in f:
                known |= _member(f["person_id"], persons)
            if "household_id" in f:
                known |= _member(f["household_id"], households)
            col = "person_id" if "person_id" in f else "household_id"
            has = f[col].notna().to_numpy() if col in f else np.zeros(len(f), dtype=bool)
            if "household_id" in f and col == "person_id":
                has = has | f["household_id"].notna().to_numpy()
            st.add(has & ~known, col, f[col], "payment for a person or household with no episode in the network")


def _distinct(ids: pd.Series, rows: np.ndarray) -> pd.Index:
    """The distinct non-missing ids of the given rows (through the categories of a Categorical)."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy()[rows]
        return ids.cat.categories[np.unique(codes[codes >= 0])]
    return pd.Index(ids[rows].dropna().unique())


def _union(parts: list) -> pd.Index:
    out = pd.Index([], dtype=object)
    for part in parts:
        out = out.union(part, sort=False) if len(out) else part
    return out


def _texts(values):
    """Text values (Index or Series) as a pyarrow array."""
    import pyarrow as pa

    array = values.array
    if hasattr(array, "__arrow_array__"):
        out = array.__arrow_array__()
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    return pa.array([str(v) for v in values], type=pa.string())


def _member(ids: pd.Series, known: pd.Index) -> np.ndarray:
    """True where an id is one of ``known`` (looked up once per distinct id of a Categorical)."""
    import pyarrow.compute as pc

    if isinstance(ids.dtype, pd.CategoricalDtype):
        categories = ids.cat.categories
        if not len(categories) or not len(known):
            return np.zeros(len(ids), dtype=bool)
        value_set = _texts(known).cast(_texts(categories).type)
        per = pc.is_in(_texts(categories), value_set=value_set).to_numpy(zero_copy_only=False)
        return np.append(per, False)[ids.cat.codes.to_numpy()]
    return ids.isin(known).to_numpy(dtype=bool)


def fill_unknown(frame: pd.DataFrame, column: str, n: int) -> None:
    """Give the missing values of a coded column (or a column not mapped at all) the code "unknown"."""
    if column in frame:
        frame[column] = frame[column].where(frame[column].notna(), "unknown")
    else:
        frame[column] = pd.Series(["unknown"] * n, dtype=object)
