"""Tests of outcome_rate (DESIGN.md §4) and flows."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import amebench
from amebench.exceptions import AmebenchError, SchemaError
from amebench.metrics import outcome_rate
from amebench.metrics._binomial import binomial_interval
from amebench.metrics.flows import flows


def _episodes(events: int, n: int, unit: str = "a") -> pd.DataFrame:
    reasons = ["work"] * events + ["dropped_out"] * (n - events)
    return pd.DataFrame(
        {
            "unit": unit,
            "episode_id": [f"{unit}{i}" for i in range(n)],
            "person_id": [f"p_{unit}{i}" for i in range(n)],
            "enrolled_on": pd.Timestamp("2024-01-01"),
            "exited_on": pd.Timestamp("2024-06-01"),
            "exit_reason": reasons,
        }
    )


# Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Stat Med 17:857-872, Table II, methods 3 (Wilson score)
# and 5 (Clopper-Pearson exact), published to 4 decimals.
NEWCOMBE_1998 = [
    (81, 263, "wilson", 0.2553, 0.3662),
    (15, 148, "wilson", 0.0624, 0.1605),
    (0, 20, "wilson", 0.0000, 0.1611),
    (1, 29, "wilson", 0.0061, 0.1718),
    (81, 263, "clopper_pearson", 0.2527, 0.3676),
    (15, 148, "clopper_pearson", 0.0578, 0.1617),
    (0, 20, "clopper_pearson", 0.0000, 0.1684),
    (1, 29, "clopper_pearson", 0.0009, 0.1776),
]


@pytest.mark.parametrize("events,n,method,low,high", NEWCOMBE_1998)
def test_intervals_match_newcombe_1998(events, n, method, low, high):
    row = outcome_rate(_episodes(events, n), outcome="work", method=method).iloc[0]
    assert row["n"] == n and row["events"] == events
    assert row["ci_low"] == pytest.approx(low, abs=6e-5)
    assert row["ci_high"] == pytest.approx(high, abs=6e-5)


def test_jeffreys_and_agresti_coull_by_hand():
    # 15/148. Jeffreys: Beta(15.5, 133.5) quantiles (Brown, Cai & DasGupta 2001 §4.1.2).
    from scipy.stats import beta

    row = outcome_rate(_episodes(15, 148), outcome="work", method="jeffreys").iloc[0]
    assert row["ci_low"] == pytest.approx(beta.ppf(0.025, 15.5, 133.5), abs=1e-9)
    assert row["ci_high"] == pytest.approx(beta.ppf(0.975, 15.5, 133.5), abs=1e-9)
    # Agresti-Coull: n~ = 148 + z^2, p~ = (15 + z^2/2) / n~, p~ +- z sqrt(p~(1-p~)/n~).
    z = 1.959963984540054
    nt = 148 + z**2
    pt = (15 + z**2 / 2) / nt
    half = z * np.sqrt(pt * (1 - pt) / nt)
    row = outcome_rate(_episodes(15, 148), outcome="work", method="agresti_coull").iloc[0]
    assert row["ci_low"] == pytest.approx(pt - half, abs=1e-9)
    assert row["ci_high"] == pytest.approx(pt + half, abs=1e-9)


def test_outcome_groups_follow_the_schema():
    frame = _episodes(0, 4)
    frame["exit_reason"] = ["work", "work_programme", "studies", "work_subsidised"]
    by_group = {
        g: outcome_rate(frame, outcome=g)["events"].item()
        for g in ("work", "studies", "work_or_studies")
    }
    # work = work + work_subsidised (not the municipal programme job); studies = 1.
    assert by_group == {"work": 2, "studies": 1, "work_or_studies": 3}
    assert outcome_rate(frame, outcome={"work_programme"})["events"].item() == 1


def test_ongoing_and_after_as_of_exits_are_not_counted():
    net = amebench.Network.from_frames(
        episodes=pd.DataFrame(
            {
                "unit": "a",
                "episode_id": ["1", "2", "3"],
                "person_id": ["p1", "p2", "p3"],
                "enrolled_on": ["2024-01-01"] * 3,
                "exited_on": ["2024-03-01", None, "2024-11-01"],
                "exit_reason": ["work", None, "work"],
            }
        ),
        as_of="2024-12-31",
    )
    assert outcome_rate(amebench.cohort(net))["n"].item() == 2
    # an earlier as_of sees the November exit as still ongoing
    assert outcome_rate(amebench.cohort(net, as_of="2024-06-30"))["n"].item() == 1


def test_per_person_counts_the_last_exit():
    frame = pd.DataFrame(
        {
            "unit": "a",
            "episode_id": ["1", "2", "3"],
            "person_id": ["p1", "p1", "p2"],
            "enrolled_on": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-01-01"]),
            "exited_on": pd.to_datetime(["2024-03-01", "2024-08-01", "2024-02-01"]),
            "exit_reason": ["work", "dropped_out", "studies"],
        }
    )
    per_episode = outcome_rate(frame).iloc[0]
    per_person = outcome_rate(frame, per="person").iloc[0]
    assert (per_episode["n"], per_episode["events"]) == (3, 2)
    assert (per_person["n"], per_person["events"]) == (2, 1)  # p1's last exit is a drop-out


def test_per_person_orders_by_exit_then_enrolment_id_and_unit():
    # p1's later exit (work, 2024-08-01) has the earlier enrolment and the smaller id, so
    # ordering by enrolment or by id would pick the drop-out instead
    frame = pd.DataFrame({
        "unit": "a", "episode_id": ["1", "2"], "person_id": ["p1", "p1"],
        "enrolled_on": pd.to_datetime(["2024-01-01", "2024-05-01"]),
        "exited_on": pd.to_datetime(["2024-08-01", "2024-06-01"]),
        "exit_reason": ["work", "dropped_out"],
    })
    assert outcome_rate(frame, per="person")["events"].tolist() == [1]
    # Exits on one day: the later enrolment decides, then the larger episode id, then the
    # unit (ids are unique only within a unit): p2's episode "1" in unit b, whatever the
    # row order, and the same episode welfare_delta's deciding rule picks.
    tied = pd.DataFrame({
        "unit": ["a", "b", "a", "a"], "episode_id": ["1", "1", "7", "9"],
        "person_id": ["p2", "p2", "p3", "p3"],
        "enrolled_on": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-01-01"]),
        "exited_on": pd.to_datetime(["2024-06-01"] * 4),
        "exit_reason": ["dropped_out", "work", "studies", "dropped_out"],
    })
    expected = pd.DataFrame({"unit": ["a", "b"], "n": [1, 1], "events": [1, 1]})
    for order in ([0, 1, 2, 3], [1, 0, 3, 2], [3, 1, 2, 0]):
        out = outcome_rate(tied.iloc[order], per="person")
        pd.testing.assert_frame_equal(out[["unit", "n", "events"]], expected, check_dtype=False)
    from amebench.metrics._deciding import _deciding_rows
    rows, _ = _deciding_rows(tied, pd.Timestamp("2025-01-01"), "person")
    assert sorted(tied.take(rows)["exit_reason"]) == ["studies", "work"]


def test_missing_group_values_form_their_own_group():
    # born_abroad is a nullable boolean: the exit with it missing is a group of its own,
    # so the groups add up to every exit (pandas' groupby would drop it by default)
    frame = pd.DataFrame({
        "unit": "a", "episode_id": ["1", "2", "3"], "person_id": ["p1", "p2", "p3"],
        "enrolled_on": pd.to_datetime(["2024-01-01"] * 3), "exited_on": pd.to_datetime(["2024-05-01"] * 3),
        "exit_reason": ["work", "studies", "dropped_out"], "born_abroad": [True, None, False],
    })
    net = amebench.Network.from_frames(episodes=frame, as_of="2024-12-31")
    out = outcome_rate(amebench.cohort(net), by=("born_abroad",))
    assert out["n"].sum() == 3 and len(out) == 3
    assert out.loc[out["born_abroad"].isna(), "events"].item() == 1


def test_per_person_needs_every_person_id_and_grouping_is_by_result_columns():
    frame = _episodes(2, 4).assign(person_id=["p1", None, None, "p2"])
    with pytest.raises(AmebenchError, match="2 exits have none"):
        outcome_rate(frame, per="person")
    assert outcome_rate(frame)["n"].item() == 4  # per episode the ids are not needed
    with pytest.raises(AmebenchError, match="cannot group by \\['episode_id'\\]"):
        outcome_rate(_episodes(2, 4), by=("episode_id",))


def test_bad_options_are_clear_errors():
    frame = _episodes(3, 10)
    with pytest.raises(AmebenchError, match="method"):
        outcome_rate(frame, method="wald")
    with pytest.raises(AmebenchError, match="per"):
        outcome_rate(frame, per="household")
    with pytest.raises(SchemaError, match="jobb"):
        outcome_rate(frame, outcome="jobb")
    with pytest.raises(AmebenchError, match="shoe_size"):
        outcome_rate(frame, by=("shoe_size",))


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=6),
       st.sampled_from(["wilson", "clopper_pearson", "jeffreys", "agresti_coull"]), st.randoms())
def test_properties_interval_order_range_and_row_order(cells, method, rnd):
    parts = [_episodes(e, e + f, unit=f"u{i}") for i, (e, f) in enumerate(cells) if e + f]
    assume(parts)  # every cell empty: nothing to check, and not counted as an example
    frame = pd.concat(parts, ignore_index=True)
    result = outcome_rate(frame, outcome="work", method=method)
    assert (result["ci_low"] <= result["estimate"]).all()
    assert (result["estimate"] <= result["ci_high"]).all()
    assert ((result["ci_low"] >= 0) & (result["ci_high"] <= 1)).all()
    shuffled = frame.iloc[rnd.sample(range(len(frame)), len(frame))]
    pd.testing.assert_frame_equal(outcome_rate(shuffled, outcome="work", method=method), result)


@pytest.mark.parametrize("method", ["wilson", "clopper_pearson", "jeffreys", "agresti_coull"])
def test_every_count_gives_an_interval_holding_its_estimate(method):
    # Exhaustive over n = 1..150: no tolerance. Wilson at x = 0 evaluates to ~5e-17 in
    # floating point, which once put ci_low above an estimate of exactly 0.
    n = np.repeat(np.arange(1, 151), np.arange(2, 152))
    events = np.concatenate([np.arange(k + 1) for k in range(1, 151)])
    low, high = binomial_interval(events, n, 0.95, method)
    assert (low <= events / n).all() and (events / n <= high).all()
    assert (low >= 0).all() and (high <= 1).all()
    assert (low[events == 0] == 0).all() and (high[events == n] == 1).all()


@pytest.mark.parametrize("method", ["wilson", "clopper_pearson", "jeffreys", "agresti_coull"])
@pytest.mark.parametrize(("n", "p", "highest"), [(80, 0.3, 0.975), (20, 0.1, 0.975)])
def test_coverage_is_near_nominal(method, n, p, highest):
    # Seeded simulation: 2000 units of n with probability p; each method's 95 % interval covers
    # ~95 % (the test audit of 2026-12-06: only Wilson was simulated). Exact coverage, by
    # summing the binomial pmf over the counts whose interval holds p:
    # - n = 80, p = 0.3: 0.9628 for Wilson, Clopper-Pearson and Agresti-Coull, 0.9486 for
    #   Jeffreys; but 0.9486 for the Wald interval too (test audit of 2026-12-07: returning
    #   Wald for Wilson passed), hence
    # - n = 20, p = 0.1: 0.9568 for Wilson, Jeffreys and Agresti-Coull, 0.9887 for
    #   Clopper-Pearson (exact: conservative by design, its own upper bound below), and 0.876
    #   for Wald (statsmodels "normal"), which fails the lower bound at any seed (SE 0.007).
    # P(pass | true coverage 0.90) ~ 0 (2000 units).
    if method == "clopper_pearson" and n == 20:
        highest = 0.995
    rng = np.random.default_rng(2024)
    events = rng.binomial(n, p, size=2000)
    table = pd.concat([_episodes(int(e), n, unit=f"u{i:04d}") for i, e in enumerate(events)], ignore_index=True)
    result = outcome_rate(table, outcome="work", method=method)
    covered = ((result["ci_low"] <= p) & (p <= result["ci_high"])).mean()
    assert 0.93 <= covered <= highest


def test_clopper_pearson_never_covers_less_than_nominal():
    # Clopper & Pearson (1934): the exact interval's coverage is at least 1 - alpha at every
    # p (Brown, Cai & DasGupta 2001, Stat Sci 16:101, §2.1). Exact coverage by summing the
    # binomial pmf, over a grid of p for n = 5, 20, 80; Wilson dips below (BCD Fig. 4) there.
    from scipy.stats import binom

    worst = {}
    for method in ("clopper_pearson", "wilson"):
        coverage = []
        for n in (5, 20, 80):
            k = np.arange(n + 1)
            low, high = binomial_interval(k, np.full(n + 1, n), 0.95, method)
            for p in np.linspace(0.005, 0.995, 199):
                coverage.append(binom.pmf(k, n, p)[(low <= p) & (p <= high)].sum())
        worst[method] = min(coverage)
    assert worst["clopper_pearson"] >= 0.95 - 1e-12
    assert worst["wilson"] < 0.95


def test_flows_reconcile_with_the_episodes():
    net = amebench.load_sample()
    table = flows(net)
    assert list(table.columns) == ["unit", "month", "inflow", "outflow", "stock"]
    ep = net.episodes
    for unit, rows in table.groupby("unit"):
        mine = ep[ep["unit"] == unit]
        assert rows["inflow"].sum() == len(mine)
        assert rows["outflow"].sum() == mine["exited_on"].notna().sum()
        assert rows["stock"].iloc[-1] == mine["exited_on"].isna().sum()  # ongoing at as_of
    assert (table["stock"] >= 0).all()


def test_flows_by_hand():
    # enrolled Jan 15, exits Feb 10; enrolled Feb 1, ongoing. Jan: in 1, out 0, stock 1;
    # Feb: in 1, out 1, stock 1; Mar: 0, 0, 1.
    net = amebench.Network.from_frames(
        episodes=pd.DataFrame({
            "unit": "a", "episode_id": ["1", "2"], "person_id": ["p1", "p2"],
            "enrolled_on": ["2024-01-15", "2024-02-01"], "exited_on": ["2024-02-10", None],
            "exit_reason": ["work", None],
        }),
        as_of="2024-03-20",
    )
    table = flows(net)
    assert table[["inflow", "outflow", "stock"]].values.tolist() == [[1, 0, 1], [1, 1, 1], [0, 0, 1]]


@pytest.mark.parametrize("per", ["episode", "person"])
def test_grouped_rates_equal_a_plain_count_over_the_whole_table(per):
    # outcome_rate copies only the columns it reads; a plain count over the whole episode
    # table (every column kept) must give the same groups, n and events. Outcome
    # "work_or_studies" = {work, work_subsidised, self_employed, studies} (DESIGN.md §4).
    from amebench.synth import simulate_network

    net = simulate_network(n_units=6, episodes_per_unit=150, seed=7).to_network()
    net.episodes.loc[::17, "birth_year"] = pd.NA  # age band "unknown"
    exits = net.episodes["exited_on"].dropna().sort_values()
    c = amebench.cohort(net, as_of=exits.iloc[len(exits) * 3 // 4])  # a quarter of exits not yet seen
    by = ["unit", "gender", "age_band", "exit_year"]
    got = outcome_rate(c, by=by, per=per)
    e = c.episodes
    e = e[e["exited_on"].notna() & (e["exited_on"] <= c.as_of)]
    if per == "person":
        e = e.sort_values(["person_id", "exited_on", "enrolled_on", "episode_id", "unit"], kind="mergesort")
        e = e.drop_duplicates("person_id", keep="last")
    age = e["enrolled_on"].dt.year - e["birth_year"].astype("float64")
    bands = pd.cut(age, [16, 25, 35, 45, 55, 65, 200], right=False,  # schema.AGE_BANDS
                   labels=["16-24", "25-34", "35-44", "45-54", "55-64", "65+"])
    plain = (e.assign(age_band=bands.astype("string").fillna("unknown"), exit_year=e["exited_on"].dt.year,
                      _event=e["exit_reason"].isin(["work", "work_subsidised", "self_employed", "studies"]))
             .groupby(by, observed=True)["_event"].agg(["size", "sum"]).reset_index())
    key = lambda f: f[by].astype("string").agg("|".join, axis=1)  # noqa: E731
    got = got.set_index(key(got))[["n", "events"]].sort_index()
    plain = plain.set_index(key(plain)).rename(columns={"size": "n", "sum": "events"})[["n", "events"]].sort_index()
    assert len(got) > 20 and got.equals(plain.astype(got.dtypes.to_dict()))


def test_outcome_rate_of_data_it_cannot_read_says_what_is_missing():
    # were a KeyError 'exit_reason', and exits with a local code ("jobb") counted as
    # exits to no outcome
    episodes = amebench.load_sample().episodes
    with pytest.raises(AmebenchError, match=r"^outcome_rate needs the episode columns \['exit_reason'\] "
                                            r"\(per='episode'\); the data have \['unit', "):
        outcome_rate(episodes.drop(columns=["exit_reason"]))
    with pytest.raises(AmebenchError, match=r"needs the episode columns \['person_id'\] \(per='person'\)"):
        outcome_rate(episodes.drop(columns=["person_id"]), per="person")
    local = episodes.astype({"exit_reason": object})
    local.loc[local.index[:3], "exit_reason"] = "jobb"
    with pytest.raises(AmebenchError, match=r"^exit_reason holds values that are not canonical exit reasons: "
                                            r"\['jobb'\]; map them to \['work', "):
        outcome_rate(local)
    with pytest.raises(AmebenchError, match="needs a Cohort, a Network or a DataFrame of episodes, not a list"):
        outcome_rate([1, 2])
    # only exits are looked at: a blank reason of an ongoing episode is no error (review)
    blank = episodes.astype({"exit_reason": object})
    blank.loc[blank["exited_on"].isna(), "exit_reason"] = ""
    pd.testing.assert_frame_equal(outcome_rate(blank), outcome_rate(episodes))
    # a Categorical with a category not in use, beyond the canonical ones, is read
    extra = episodes.astype({"exit_reason": pd.CategoricalDtype([*amebench.schema.EXIT_REASONS, "jobb"])})
    pd.testing.assert_frame_equal(outcome_rate(extra), outcome_rate(episodes))


@pytest.mark.parametrize("metric", ["retention", "reentry", "cost"])
def test_a_metric_needing_a_cohort_given_a_network_says_so(metric):
    # was AttributeError: 'Network' object has no attribute 'network' ('exited' for cost)
    with pytest.raises(AmebenchError, match=rf"^{metric} needs a Cohort, not a Network: build one with "
                                            r"amebench.cohort\(network\)$"):
        getattr(amebench.metrics, metric)(amebench.load_sample())


def test_a_group_whose_exits_mostly_have_no_known_reason_is_warned_of():
    import warnings

    from amebench.exceptions import ExitReasonWarning

    episodes = amebench.cohort(amebench.load_sample()).episodes.copy()
    exits = episodes.index[(episodes["unit"] == "solna") & episodes["exited_on"].notna()]
    half = len(exits) // 2  # solna has 595 exits in the sample (test_report's outcome table)
    episodes.loc[exits[:half], "exit_reason"] = "unknown"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outcome_rate(episodes)  # 297 of 595: under half, no warning
    episodes.loc[exits[half], "exit_reason"] = None  # a missing reason counts as unknown
    with pytest.warns(ExitReasonWarning, match=r"^exit reason unknown \(or missing\) for at least half the exits "
                                               r"of unit solna \(298 of 595\): they count as exits to no outcome") as caught:
        rates = outcome_rate(episodes)
    assert caught[0].message.groups == [("solna",)]
    assert rates.set_index("unit").loc["solna", "events"] < 595 - 298  # counted, not left out
    with pytest.warns(ExitReasonWarning) as caught:
        outcome_rate(episodes[episodes["unit"] == "solna"], by=())
    assert caught[0].message.groups == [()]
    # a missing group value reads "missing", not "nan" (review)
    episodes["district"] = np.where(episodes["unit"] == "solna", None, "south")
    with pytest.warns(ExitReasonWarning, match=r"at least half the exits of district missing \(298 of 595\)") as caught:
        outcome_rate(episodes, by=("district",))
    assert caught[0].message.groups == [("missing",)]
