"""A household for the episodes that name none, from the same person's other episodes.

The ledger metrics (register retention, welfare_delta, the case mix's prior welfare
months) link an episode to its household's payments; an export that records the
household only on some of a person's episodes would leave the others with the
person's own rows only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._idcodes import codes_in, id_codes

__all__ = ["linked_households"]


def linked_households(episodes: pd.DataFrame, every: pd.DataFrame,
                      as_of=None) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The episodes with a missing ``household_id`` taken from the person's other episodes,
    and which rows took one (None when none did).

    A person whose episodes name a household only sometimes is linked to that household's
    payments by every episode: an episode with no ``household_id`` takes the household
    named by the same person's episodes in the same unit among ``every`` (the network's
    episodes; those enrolled after ``as_of`` are not observed), the one enrolled last on
    or before it, else the first after it. Without such an episode it stays missing, and
    the ledger links the episode to the person's own rows. Pass the rows that took one to
    :func:`amebench.metrics._ledger.window_totals` (``taken``): the household's rows add
    to the person's, never replace them. ``episodes`` itself is returned when nothing is
    taken (its columns keep their id codes), with a ``household_id`` column added when it
    had none.
    """
    if "household_id" not in episodes:
        episodes = episodes.assign(household_id=pd.Series(pd.NA, index=episodes.index, dtype="string"))
    household = episodes["household_id"]
    blank = (household.isna().to_numpy(dtype=bool) & episodes["person_id"].notna().to_numpy(dtype=bool)
             & episodes["enrolled_on"].notna().to_numpy(dtype=bool))
    if not blank.any() or "household_id" not in every:
        return episodes, None
    named = every["household_id"].notna().to_numpy(dtype=bool) & every["enrolled_on"].notna().to_numpy(dtype=bool)
    if as_of is not None:
        named &= (every["enrolled_on"] <= pd.Timestamp(as_of)).to_numpy(dtype=bool)
    if not named.any():
        return episodes, None
    units, persons = id_codes(every["unit"]), id_codes(every["person_id"])
    person_at = codes_in(episodes["person_id"], persons)
    naming = np.zeros(len(persons.uniques) + 1, dtype=bool)  # persons with an episode naming a household
    naming[persons.codes[named]] = True
    naming[-1] = False  # index -1: a person not among every's
    at = np.flatnonzero(blank)
    at = at[naming[person_at[at]]]  # in any unit: usually few, so the exact test below is cheap
    if not len(at):
        return episodes, None
    width = len(persons.uniques) + 1
    donor_key = units.codes[named].astype(np.int64) * width + persons.codes[named]
    unit_at = codes_in(episodes["unit"], units)[at]
    key = unit_at.astype(np.int64) * width + person_at[at]
    taking = np.isin(key, donor_key) & (unit_at >= 0)
    if not taking.any():
        return episodes, None
    at, key = at[taking], key[taking]
    day = "datetime64[ns]"  # one resolution on both sides of the merge
    wanted = pd.DataFrame({"_key": key, "enrolled_on": episodes["enrolled_on"].to_numpy(dtype=day)[at], "_at": at})
    giving = np.isin(donor_key, key)
    donors_at = np.flatnonzero(named)[giving]
    donors = pd.DataFrame({"_key": donor_key[giving],
                           "enrolled_on": every["enrolled_on"].to_numpy(dtype=day)[donors_at],
                           "_household": every["household_id"].take(donors_at).astype("string").to_numpy()})
    donors = donors.sort_values(["enrolled_on", "_household"], kind="stable")  # ties: the same household every run
    wanted = wanted.sort_values("enrolled_on", kind="stable")
    before = pd.merge_asof(wanted, donors, on="enrolled_on", by="_key", direction="backward")
    after = pd.merge_asof(wanted, donors, on="enrolled_on", by="_key", direction="forward")
    filled = household.astype("string").copy()
    filled.iloc[before["_at"].to_numpy()] = before["_household"].fillna(after["_household"]).to_numpy()
    taken = np.zeros(len(episodes), dtype=bool)
    taken[at] = True
    return episodes.assign(household_id=filled), taken
