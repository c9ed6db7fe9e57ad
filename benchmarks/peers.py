"""Peers: the same welfare-window aggregation and outcome rates, as DuckDB SQL and as the
straightforward pandas merge-and-filter an analyst would write.

Both reproduce the definitions of :func:`amebench.metrics.welfare_delta` (per="person",
``months`` = 6) and of the outcome rate, on the same in-memory tables:

- deciding episode per person: the last observed exit (exited_on <= as_of), ties broken by
  exited_on, enrolled_on, episode_id; else the last enrolment (pandas: sort with NaN first
  and keep the last row; SQL: the same order descending, NULLS LAST);
- months are calendar months; before = months e-6 .. e-1 (e = enrolment month), after =
  x+1 .. x+6 (x = exit month); months without a ledger row count 0; mean = sum / 6;
- ledger rows link within the episode's unit: by person_id when the episode has no
  household_id; else the household's rows plus the person's rows that carry no household;
- eligible = exited by as_of, before window starts at or after the unit's first ledger
  month, after window ends at or before min(the unit's last ledger month, the last month
  complete by as_of: the as_of month when as_of is its last day, else the month before);
- per unit: n persons (whose deciding episode is in the unit), eligible, mean_before,
  mean_after, estimate = mean(after - before) over the eligible.

Outcome rate: per unit, episodes exited by as_of; events = exit_reason in
{work, work_subsidised, self_employed, studies}; estimate = events / n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PEERS", "duckdb_available", "compare_tables", "INSTALL_HINT"]

MONTHS = 6
REASONS = ("work", "work_subsidised", "self_employed", "studies")
INSTALL_HINT = "DuckDB peer skipped: install it with `pip install duckdb` (or `pip install -e '.[bench]'`)"
WELFARE_COLUMNS = ["n", "eligible", "mean_before", "mean_after", "estimate"]
OUTCOME_COLUMNS = ["n", "events", "estimate"]


class PeerUnavailable(Exception):
    pass


def duckdb_available() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _last_full_month(as_of) -> int:
    day_after = pd.Timestamp(as_of) + pd.Timedelta(days=1)  # as_of on a month's last day completes it
    return (day_after.year - 1970) * 12 + day_after.month - 1 - 1


# -- DuckDB -----------------------------------------------------------------------

_WELFARE_SQL = """
WITH ep AS (
    SELECT unit, person_id, household_id, episode_id, enrolled_on, exited_on,
           coalesce(exited_on <= $as_of, false) AS exited
    FROM episodes
), dec AS (
    SELECT * FROM (
        SELECT *, row_number() OVER (
            PARTITION BY person_id
            ORDER BY exited DESC, exited_on DESC NULLS LAST, enrolled_on DESC NULLS LAST,
                     episode_id DESC NULLS LAST) AS rn
        FROM ep)
    WHERE rn = 1
), d AS (
    SELECT unit, person_id, household_id, exited,
           (year(enrolled_on) - 1970) * 12 + month(enrolled_on) - 1 AS e,
           (year(exited_on) - 1970) * 12 + month(exited_on) - 1 AS x
    FROM dec
), pay AS (
    SELECT unit, person_id, household_id,
           (year(month) - 1970) * 12 + month(month) - 1 AS m, amount_sek
    FROM payments
), cov AS (
    SELECT unit, min(m) AS c0, max(m) AS c1 FROM pay GROUP BY unit
), links AS (
    SELECT d.person_id, p.m, p.amount_sek, d.e, d.x
    FROM d JOIN pay p ON p.unit = d.unit AND p.person_id = d.person_id
    WHERE d.household_id IS NULL OR p.household_id IS NULL
    UNION ALL
    SELECT d.person_id, p.m, p.amount_sek, d.e, d.x
    FROM d JOIN pay p ON p.unit = d.unit AND p.household_id = d.household_id
), sums AS (
    SELECT person_id,
           sum(CASE WHEN m BETWEEN e - $k AND e - 1 THEN amount_sek ELSE 0 END) AS b,
           sum(CASE WHEN m BETWEEN x + 1 AND x + $k THEN amount_sek ELSE 0 END) AS a
    FROM links
    WHERE m BETWEEN e - $k AND e - 1 OR m BETWEEN x + 1 AND x + $k
    GROUP BY person_id
), per AS (
    SELECT d.unit,
           coalesce(d.exited AND d.e - $k >= cov.c0 AND d.x + $k <= least(cov.c1, $last_full),
                    false) AS ok,
           coalesce(s.b, 0) / $k AS before, coalesce(s.a, 0) / $k AS after
    FROM d LEFT JOIN cov USING (unit) LEFT JOIN sums s USING (person_id)
)
SELECT unit, count(*) AS n, count(*) FILTER (WHERE ok) AS eligible,
       avg(before) FILTER (WHERE ok) AS mean_before,
       avg(after) FILTER (WHERE ok) AS mean_after,
       avg(after - before) FILTER (WHERE ok) AS estimate
FROM per GROUP BY unit ORDER BY unit
"""

_OUTCOME_SQL = """
SELECT unit, count(*) AS n,
       count(*) FILTER (WHERE exit_reason IN ('work', 'work_subsidised', 'self_employed', 'studies'))
           AS events,
       events / n AS estimate
FROM episodes
WHERE exited_on IS NOT NULL AND exited_on <= $as_of
GROUP BY unit ORDER BY unit
"""


def _duck(tables: dict):
    if not duckdb_available():
        raise PeerUnavailable(INSTALL_HINT)
    import duckdb

    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(name, frame)
    return con


def duckdb_welfare(net) -> pd.DataFrame:
    ep = net.episodes[["unit", "person_id", "household_id", "episode_id", "enrolled_on", "exited_on"]]
    pay = net.payments[["unit", "person_id", "household_id", "month", "amount_sek"]]
    con = _duck({"episodes": ep, "payments": pay})
    params = {"as_of": pd.Timestamp(net.as_of).to_pydatetime(), "k": MONTHS,
              "last_full": _last_full_month(net.as_of)}
    return con.execute(_WELFARE_SQL, params).df()


def duckdb_outcome(net) -> pd.DataFrame:
    con = _duck({"episodes": net.episodes[["unit", "exited_on", "exit_reason"]]})
    return con.execute(_OUTCOME_SQL, {"as_of": pd.Timestamp(net.as_of).to_pydatetime()}).df()


# -- plain pandas -------------------------------------------------------------------


def _month(s: pd.Series) -> pd.Series:
    return (s.dt.year - 1970) * 12 + s.dt.month - 1


def pandas_welfare(net) -> pd.DataFrame:
    as_of = pd.Timestamp(net.as_of)
    ep = net.episodes[["unit", "person_id", "household_id", "episode_id", "enrolled_on", "exited_on"]].copy()
    ep["exited"] = ep["exited_on"].notna() & (ep["exited_on"] <= as_of)
    ep = ep.sort_values(["person_id", "exited", "exited_on", "enrolled_on", "episode_id"],
                        na_position="first")
    ep = ep.drop_duplicates("person_id", keep="last")
    ep["e"] = _month(ep["enrolled_on"])
    ep["x"] = _month(ep["exited_on"])
    pay = net.payments[["unit", "person_id", "household_id", "month", "amount_sek"]].copy()
    pay["m"] = _month(pay["month"])
    cov = pay.groupby("unit", observed=True)["m"].agg(c0="min", c1="max").reset_index()
    keys = ep[["unit", "person_id", "household_id", "e", "x"]]
    # person links: every row of the person, or (episode with a household) rows without one
    by_person = pay.merge(keys, on=["unit", "person_id"], suffixes=("", "_ep"))
    by_person = by_person[by_person["household_id_ep"].isna() | by_person["household_id"].isna()]
    by_person = by_person[["person_id", "m", "amount_sek", "e", "x"]]
    # household links: the household's rows
    hh = keys[keys["household_id"].notna()]
    by_household = pay.drop(columns="person_id").merge(hh, on=["unit", "household_id"])
    by_household = by_household[["person_id", "m", "amount_sek", "e", "x"]]
    links = pd.concat([by_person, by_household], ignore_index=True)
    links["b"] = links["amount_sek"].where(links["m"].between(links["e"] - MONTHS, links["e"] - 1), 0.0)
    links["a"] = links["amount_sek"].where(links["m"].between(links["x"] + 1, links["x"] + MONTHS), 0.0)
    sums = links.groupby("person_id")[["b", "a"]].sum().reset_index()
    per = ep.merge(cov, on="unit", how="left").merge(sums, on="person_id", how="left")
    per[["b", "a"]] = per[["b", "a"]].fillna(0.0)
    last_full = _last_full_month(as_of)
    per["ok"] = (per["exited"] & (per["e"] - MONTHS >= per["c0"])
                 & (per["x"] + MONTHS <= np.minimum(per["c1"], last_full))).fillna(False).astype(bool)
    per["before"] = per["b"] / MONTHS
    per["after"] = per["a"] / MONTHS
    per["delta"] = per["after"] - per["before"]
    ok = per[per["ok"]]
    out = per.groupby("unit", observed=True).size().rename("n").to_frame()
    out["eligible"] = ok.groupby("unit", observed=True).size()
    out["mean_before"] = ok.groupby("unit", observed=True)["before"].mean()
    out["mean_after"] = ok.groupby("unit", observed=True)["after"].mean()
    out["estimate"] = ok.groupby("unit", observed=True)["delta"].mean()
    out["eligible"] = out["eligible"].fillna(0)
    return out.reset_index()


def pandas_outcome(net) -> pd.DataFrame:
    ep = net.episodes
    ex = ep[ep["exited_on"].notna() & (ep["exited_on"] <= pd.Timestamp(net.as_of))].copy()
    ex["event"] = ex["exit_reason"].isin(REASONS)
    out = ex.groupby("unit", observed=True).agg(n=("event", "size"), events=("event", "sum"))
    out["estimate"] = out["events"] / out["n"]
    return out.reset_index()


#: name -> (function, which amebench stage it reproduces, columns compared)
PEERS = {
    "welfare_delta.duckdb": (duckdb_welfare, "welfare_delta", WELFARE_COLUMNS),
    "welfare_delta.pandas": (pandas_welfare, "welfare_delta", WELFARE_COLUMNS),
    "outcome_rate.duckdb": (duckdb_outcome, "outcome_rate", OUTCOME_COLUMNS),
    "outcome_rate.pandas": (pandas_outcome, "outcome_rate", OUTCOME_COLUMNS),
}


# -- comparison -------------------------------------------------------------------------


def compare_tables(ours: pd.DataFrame, theirs: pd.DataFrame, columns, *, rtol=1e-9) -> tuple[bool, str]:
    """Compare per-unit results: same units, counts equal, numbers within ``rtol`` (relative)."""
    a = ours.assign(unit=ours["unit"].astype(str)).set_index("unit").sort_index()
    b = theirs.assign(unit=theirs["unit"].astype(str)).set_index("unit").sort_index()
    missing = [c for c in columns if c not in a.columns]
    if missing:
        return False, f"amebench result lacks column(s) {missing}"
    if not a.index.equals(b.index):
        return False, f"units differ ({len(a)} vs {len(b)}; e.g. {sorted(set(a.index) ^ set(b.index))[:3]})"
    worst = []
    for c in columns:
        x = a[c].to_numpy(dtype=np.float64)
        y = b[c].to_numpy(dtype=np.float64)
        both_nan = np.isnan(x) & np.isnan(y)
        ok = both_nan | np.isclose(x, y, rtol=rtol, atol=0.0)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            return False, f"{c} differs in {int((~ok).sum())} units (e.g. {a.index[i]}: {x[i]!r} vs {y[i]!r})"
        denom = np.where(both_nan | (y == 0), 1.0, np.abs(y))
        rel = np.where(both_nan, 0.0, np.abs(x - y) / denom)
        worst.append(float(np.nanmax(rel)) if len(rel) else 0.0)
    return True, f"identical within rtol {rtol:g} over {len(a)} units (max rel. diff {max(worst):.1e})"
