"""amebench.metrics.welfare._deciding_episodes as of commit b5cd348 (before the integer
lexsort), verbatim.
"""

from __future__ import annotations

import pandas as pd


def _deciding_episodes(episodes: pd.DataFrame, as_of: pd.Timestamp, per: str) -> pd.DataFrame:
    """Return one episode per key: the last observed exit, else the last enrolment."""
    ep = episodes.copy()
    ep["_exited"] = ep["exited_on"].notna() & (ep["exited_on"] <= as_of)
    if per == "person":
        key = ep["person_id"]
    else:
        unit = ep["unit"].astype("string").fillna("")
        hh = "h:" + unit + ":" + ep["household_id"].astype("string")
        key = hh.fillna("p:" + ep["person_id"].astype("string"))
    # Integer codes instead of strings: only rows *within* a key are ordered, so the kept
    # episode per key is the same; sorting 2M int64 keys is ~4 s cheaper than strings.
    ep["_key"] = pd.factorize(key, use_na_sentinel=False)[0]
    ep = ep.sort_values(
        ["_key", "_exited", "exited_on", "enrolled_on", "episode_id"],
        na_position="first", kind="mergesort",
    )
    return ep.drop_duplicates("_key", keep="last").reset_index(drop=True)


