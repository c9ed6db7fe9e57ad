"""Tests of trend and power."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.stats import norm
from statsmodels.stats.proportion import confint_proportions_2indep

import amebench
from amebench.compare import power, trend
from amebench.compare.pairwise import difference
from amebench.exceptions import AmebenchError, AmebenchWarning


def _episodes():
    rows = []
    for year, events, n in ((2023, 10, 40), (2024, 30, 60), (2026, 5, 20)):
        for i in range(n):
            rows.append({"unit": "a", "episode_id": f"{year}-{i}", "person_id": f"p{year}-{i}",
                         "enrolled_on": pd.Timestamp(f"{year}-01-01"), "exited_on": pd.Timestamp(f"{year}-06-01"),
                         "exit_reason": "work" if i < events else "dropped_out"})
    return pd.DataFrame(rows)


def test_trend_change_from_previous_year():
    out = trend(_episodes(), outcome="work").set_index("exit_year")
    assert out.loc[2024, "estimate"] == pytest.approx(0.5)
    assert out.loc[2024, "change"] == pytest.approx(0.5 - 0.25)
    _, low, high, _ = difference(30, 60, 10, 40)  # Newcombe hybrid score, tested against Newcombe (1998)
    assert (out.loc[2024, "change_ci_low"], out.loc[2024, "change_ci_high"]) == pytest.approx((low, high))
    assert math.isnan(out.loc[2023, "change"])
    assert math.isnan(out.loc[2026, "change"])  # 2025 had no exits: no change is shown



def _years(counts, unit="a"):
    # counts: {exit year: (events, n)} -> one episode per exit, the first `events` to work
    rows = []
    for year, (events, n) in counts.items():
        for i in range(n):
            rows.append({"unit": unit, "episode_id": f"{unit}{year}-{i}", "person_id": f"{unit}{year}-{i}",
                         "enrolled_on": pd.Timestamp(f"{year}-01-01"), "exited_on": pd.Timestamp(f"{year}-06-01"),
                         "exit_reason": "work" if i < events else "dropped_out"})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("now, before, low, high", [
    # Newcombe R.G. (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score), the
    # published limits to 4 decimals:
    ((56, 70), (48, 80), 0.0524, 0.3339),   # example (a): 0.8 - 0.6 = 0.2
    ((9, 10), (3, 10), 0.1705, 0.8090),     # example (b): 0.9 - 0.3 = 0.6
    # by hand from Wilson's 0/10 upper limit z^2 / (10 + z^2) = 3.8415 / 13.8415 = 0.2775:
    # 0/10 - 0/10 is -0.2775 to 0.2775; 10/10 - 0/10 is 1 - sqrt(2) x 0.2775 = 0.6075 to 1
    ((0, 10), (0, 10), -0.2775, 0.2775),
    ((10, 10), (0, 10), 0.6075, 1.0),
])
def test_trend_change_matches_newcombe_table_ii(now, before, low, high):
    out = trend(_years({2023: before, 2024: now}), outcome="work").set_index("exit_year")
    assert out.loc[2024, "change"] == pytest.approx(now[0] / now[1] - before[0] / before[1])
    assert out.loc[2024, "change_ci_low"] == pytest.approx(low, abs=6e-5)
    assert out.loc[2024, "change_ci_high"] == pytest.approx(high, abs=6e-5)


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), min_size=1, max_size=4), st.randoms())
def test_trend_properties(years, random):
    # intervals hold their estimates, rates and changes lie in [0, 1] and [-1, 1], no exit is
    # lost, and the order of the rows does not matter
    counts = {2020 + i: (min(events, n), n) for i, (events, n) in enumerate(years)}
    episodes = _years(counts)
    out = trend(episodes, outcome="work")
    assert out["n"].sum() == len(episodes)
    assert ((0 <= out["ci_low"]) & (out["ci_low"] <= out["estimate"]) & (out["estimate"] <= out["ci_high"])
            & (out["ci_high"] <= 1)).all()
    changes = out.dropna(subset=["change"])
    assert len(changes) == len(counts) - 1
    assert ((-1 <= changes["change_ci_low"]) & (changes["change_ci_low"] <= changes["change"] + 1e-12)
            & (changes["change"] <= changes["change_ci_high"] + 1e-12) & (changes["change_ci_high"] <= 1)).all()
    shuffled = episodes.iloc[random.sample(range(len(episodes)), len(episodes))]
    pd.testing.assert_frame_equal(trend(shuffled, outcome="work"), out)


def _wilson(x, n, conf_level):
    # Wilson (1927) score interval by hand: (x + z^2/2) / (n + z^2) -/+ z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4)
    z = norm.ppf(1 - (1 - conf_level) / 2)
    centre = (x + z**2 / 2) / (n + z**2)
    half = z / (n + z**2) * math.sqrt(x * (n - x) / n + z**2 / 4)
    return centre - half, centre + half


def _newcombe(x1, n1, x0, n0, conf_level):
    # Newcombe (1998) method 10 by hand from the two Wilson intervals: the change
    # p1 - p0 - sqrt((p1 - l1)^2 + (u0 - p0)^2), p1 - p0 + sqrt((u1 - p1)^2 + (p0 - l0)^2)
    p1, p0 = x1 / n1, x0 / n0
    (l1, u1), (l0, u0) = _wilson(x1, n1, conf_level), _wilson(x0, n0, conf_level)
    return p1 - p0 - math.hypot(p1 - l1, u0 - p0), p1 - p0 + math.hypot(u1 - p1, p0 - l0)


def _two_units():
    rows = []
    # unit b starts the year after unit a's last: pooling the units would give b's first
    # year a "change" from a's last year
    for unit, years in {"a": ((2023, 10, 40), (2024, 30, 60)), "b": ((2025, 12, 20), (2026, 6, 25))}.items():
        for year, events, n in years:
            for i in range(n):
                rows.append({"unit": unit, "episode_id": f"{unit}{year}-{i}", "person_id": f"{unit}{year}-{i}",
                             "enrolled_on": pd.Timestamp(f"{year}-01-01"),
                             "exited_on": pd.Timestamp(f"{year}-06-01"),
                             "exit_reason": "work" if i < events else "dropped_out"})
    return pd.DataFrame(rows)


def test_trend_two_units_at_90_percent():
    out = trend(_two_units(), outcome="work", conf_level=0.90).set_index(["unit", "exit_year"])
    assert (out["conf_level"] == 0.90).all()
    for key, (events, n) in {("a", 2023): (10, 40), ("a", 2024): (30, 60),
                             ("b", 2025): (12, 20), ("b", 2026): (6, 25)}.items():
        assert out.loc[key, "estimate"] == pytest.approx(events / n)
        assert (out.loc[key, "ci_low"], out.loc[key, "ci_high"]) == pytest.approx(_wilson(events, n, 0.90))
    for key, counts in {("a", 2024): (30, 60, 10, 40), ("b", 2026): (6, 25, 12, 20)}.items():
        x1, n1, x0, n0 = counts
        expected = _newcombe(x1, n1, x0, n0, 0.90)
        # statsmodels' Newcombe interval agrees with the hand calculation
        reference = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff", alpha=0.10)
        assert expected == pytest.approx(reference)
        assert out.loc[key, "change"] == pytest.approx(x1 / n1 - x0 / n0)
        assert (out.loc[key, "change_ci_low"], out.loc[key, "change_ci_high"]) == pytest.approx(expected)
    # (b, 2025) is b's first year: no change, even though a has 2024
    assert math.isnan(out.loc[("b", 2025), "change"]) and math.isnan(out.loc[("a", 2023), "change"])


def test_trend_says_which_years_are_partly_observed():
    # API review 2026-12-06: the sample's 2023 (data from July: only episodes that began in
    # 2023 could end in it, so short ones) and 2026 (to 30 September) were ordinary years
    # with year-on-year changes. Unit a's data start 2023-03-15, b's on 2023-01-01 (its
    # 2023 exits lack the episodes of 2022 all the same, if it had any); as_of 2024-06-30.
    # Exits in 2023 and 2024 (to May).
    rows = [{"unit": u, "episode_id": f"{u}{y}{i}", "person_id": f"{u}{y}{i}",
             "enrolled_on": pd.Timestamp(start if y == 2023 else "2024-01-10"),
             "exited_on": pd.Timestamp(f"{y}-05-01"), "exit_reason": "work" if i % 2 else "other"}
            for u, start in (("a", "2023-03-15"), ("b", "2023-01-01")) for y in (2023, 2024) for i in range(4)]
    net = amebench.Network.from_frames(episodes=pd.DataFrame(rows), as_of="2024-06-30")
    out = trend(amebench.cohort(net), outcome="work").set_index(["unit", "exit_year"])["method"]
    base = "Wilson; change from the previous year with Newcombe hybrid score CI"
    assert out.to_dict() == {
        ("a", 2023): base + "; 2023: data from 2023-03-15, so its exits lack any episodes enrolled before",
        ("a", 2024): base + "; 2024: exits to 2024-06-30 only",
        ("b", 2023): base + "; 2023: data from 2023-01-01, so its exits lack any episodes enrolled before",
        ("b", 2024): base + "; 2024: exits to 2024-06-30 only",
    }
    # by the network: its data start on 2023-01-01, a's alone on 2023-03-15
    first = base + "; 2023: data from {}, so its exits lack any episodes enrolled before"
    assert trend(amebench.cohort(net), outcome="work", by=())["method"].tolist() == [
        first.format("2023-01-01"), base + "; 2024: exits to 2024-06-30 only"]
    assert trend(amebench.cohort(net, units="a"), outcome="work", by=())["method"].tolist() == [
        first.format("2023-03-15"), base + "; 2024: exits to 2024-06-30 only"]
    # a table of episodes has no as_of; its own columns named network or as_of are columns
    # (diff review: AttributeError), and without enrolled_on no start is known (KeyError)
    table = pd.DataFrame(rows).assign(network="n", as_of="2024-06-30")
    assert trend(table, outcome="work", by=())["method"].tolist() == [first.format("2023-01-01"), base]
    assert trend(table.drop(columns="enrolled_on"), outcome="work", by=())["method"].tolist() == [base, base]


def test_trend_keeps_a_missing_group():
    # born_abroad (nullable boolean) missing for half the people: they are a group of their
    # own (key missing) with their own change 2023 -> 2024 (2/10 -> 7/10), as outcome_rate
    # keeps them. The old code listed their rates but gave them no change.
    rows = []
    for born_abroad, years in {True: ((2023, 4, 10), (2024, 6, 10)), None: ((2023, 2, 10), (2024, 7, 10))}.items():
        for year, events, n in years:
            for i in range(n):
                rows.append({"unit": "a", "episode_id": f"{born_abroad}{year}-{i}",
                             "person_id": f"{born_abroad}{year}-{i}", "enrolled_on": f"{year}-01-01",
                             "exited_on": f"{year}-06-01", "born_abroad": born_abroad,
                             "exit_reason": "work" if i < events else "dropped_out"})
    network = amebench.Network.from_frames(episodes=pd.DataFrame(rows), as_of="2025-03-31")
    out = trend(amebench.cohort(network), outcome="work", by="born_abroad")
    assert len(out) == 4 and out["n"].sum() == 40
    missing = out[out["born_abroad"].isna()].set_index("exit_year")
    assert missing["events"].tolist() == [2, 7]
    assert missing.loc[2024, "change"] == pytest.approx(0.5)
    assert (missing.loc[2024, "change_ci_low"], missing.loc[2024, "change_ci_high"]) == pytest.approx(
        _newcombe(7, 10, 2, 10, 0.95))
    known = out[out["born_abroad"].notna()].set_index("exit_year")
    assert known.loc[2024, "change"] == pytest.approx(0.2)


def test_trend_says_exit_year_is_its_own_grouping():
    # by="exit_year" was pandas' "cannot insert exit_year, already exists" (ValueError);
    # outcome_rate's message for an unknown by column even offers exit_year
    with pytest.raises(AmebenchError, match="trend groups by exit_year itself"):
        trend(_episodes(), outcome="work", by=("unit", "exit_year"))


def test_power_matches_cohens_table():
    # Cohen (1988) Table 6.4.1: h = 0.40 needs n = 98 per group for power 0.80 at
    # two-sided alpha 0.05. Around p_a = 0.5: p_b = sin^2(pi/4 + 0.20) = 0.6947.
    out = power(98, 98).iloc[0]
    h = 2 * math.asin(math.sqrt(0.5 + out["estimate"])) - 2 * math.asin(math.sqrt(0.5))
    assert h == pytest.approx(0.40, abs=0.002)
    assert out["estimate"] == pytest.approx(math.sin(math.pi / 4 + 0.20) ** 2 - 0.5, abs=0.002)
    assert power(400, 400).iloc[0]["estimate"] < out["estimate"]  # more people, smaller detectable difference
    with pytest.raises(AmebenchError):
        power(1, 10)


def _detectable_rise(n_a, n_b, p_a, alpha, power_):
    # The documented power equation solved with scipy's brentq (not statsmodels):
    # Phi(h/s - z) + Phi(-h/s - z) = power, s = sqrt(1/n_a + 1/n_b), z = z_{1 - alpha/2};
    # then p_b = sin^2(arcsin(sqrt(p_a)) + h/2) (Cohen 1988, ch. 6).
    s, z = math.sqrt(1 / n_a + 1 / n_b), norm.ppf(1 - alpha / 2)
    h = brentq(lambda h: norm.cdf(h / s - z) + norm.cdf(-h / s - z) - power_, 1e-9, 50)
    return math.sin(math.asin(math.sqrt(p_a)) + h / 2) ** 2 - p_a


def test_power_unequal_sizes_and_levels():
    # 50 against 200 at p_a = 0.3, two-sided alpha 0.01, power 0.90: h = 0.6099 and the rise
    # 0.3 -> 0.5985 (0.2985). Equal sizes of 50 (n_b ignored) would give 0.3761, sizes 50 and
    # 12.5 (ratio inverted) 0.5616, alpha 0.05 and power 0.80 (levels ignored) 0.2157.
    out = power(50, 200, p_a=0.3, alpha=0.01, power=0.90).iloc[0]
    expected = _detectable_rise(50, 200, 0.3, 0.01, 0.90)
    assert expected == pytest.approx(0.2985, abs=5e-4)
    # abs=1e-5: statsmodels' root finder stops near 1e-6 of h
    assert out["estimate"] == pytest.approx(expected, abs=1e-5)
    assert (out["n_a"], out["n_b"]) == (50, 200)
    # the test is symmetric in the sizes: 200 against 50 detects the same rise
    assert power(200, 50, p_a=0.3, alpha=0.01, power=0.90).iloc[0]["estimate"] == pytest.approx(expected, abs=1e-5)
    # and the other levels enter: alpha 0.10, power 0.70
    other = power(50, 200, p_a=0.3, alpha=0.10, power=0.70).iloc[0]["estimate"]
    assert other == pytest.approx(_detectable_rise(50, 200, 0.3, 0.10, 0.70), abs=1e-5)


@pytest.mark.parametrize("sizes", [(2.5, 10), (10, 2.5), (float("nan"), 10)])
def test_power_needs_whole_sizes(sizes):
    # power(2.5, 10) used to run (nobs1 = 2.5) and report n_a = 2
    with pytest.raises(AmebenchError, match="whole numbers"):
        power(*sizes)



@pytest.mark.parametrize("alpha, power_", [(0.05, 0.05), (0.20, 0.10)])
def test_power_must_exceed_alpha(alpha, power_):
    # A two-sided test rejects with probability alpha when there is no difference at all, so
    # a power of alpha or less is reached by a difference of 0 and the question has no answer.
    # It gave statsmodels' "only 0-dimensional arrays can be converted" (TypeError) and
    # scipy's "f(a) and f(b) must have different signs" (ValueError).
    with pytest.raises(AmebenchError, match="power must be larger than alpha"):
        power(50, 50, alpha=alpha, power=power_)


def test_power_takes_a_whole_float_size():
    assert power(98.0, 98).iloc[0]["estimate"] == pytest.approx(power(98, 98).iloc[0]["estimate"])


def test_power_says_when_no_rise_is_detectable():
    # p_a = 0.95, 20 per group: Cohen's h for power 0.80 is 2.8016 / sqrt(10) = 0.886, and
    # arcsin(sqrt(0.95)) + h/2 = 1.345 + 0.443 > pi/2: a rise would need p_b > 1. It used to
    # report 0.05 (p_b clipped to 1), whose real power is 0.30.
    with pytest.warns(AmebenchWarning, match="cannot detect any rise"):
        out = power(20, 20, p_a=0.95).iloc[0]
    assert math.isnan(out["estimate"])


def test_change_interval_covers_the_true_change():
    # 400 units (replicates), 80 exits in 2023 at a true rate of 0.40 and 90 in 2024 at
    # 0.50: true change 0.10. Newcombe's hybrid score interval should be near nominal at
    # these sizes. 400 replicates: Monte Carlo se of a 0.95 coverage 1.1 percentage
    # points (seeded: 0.955).
    rng = np.random.default_rng(5)
    frames = []
    for year, rate, n in ((2023, 0.40, 80), (2024, 0.50, 90)):
        unit = np.repeat([f"u{i:03d}" for i in range(400)], n)
        work = rng.random(len(unit)) < rate
        frames.append(pd.DataFrame({
            "unit": unit, "episode_id": [f"{year}-{i}" for i in range(len(unit))],
            "person_id": [f"{year}-{i}" for i in range(len(unit))],
            "enrolled_on": pd.Timestamp(f"{year}-01-01"), "exited_on": pd.Timestamp(f"{year}-06-01"),
            "exit_reason": np.where(work, "work", "dropped_out"),
        }))
    out = trend(pd.concat(frames, ignore_index=True), outcome="work")
    second = out[out["exit_year"] == 2024]
    assert len(second) == 400
    covered = (second["change_ci_low"] <= 0.10) & (0.10 <= second["change_ci_high"])
    assert 0.93 <= covered.mean() <= 0.975
    assert second["change"].mean() == pytest.approx(0.10, abs=0.008)  # se of the mean ~0.0037


def test_power_is_what_a_simulation_of_the_test_gives():
    # The smallest detectable rise for 150 and 200 exits at p_a = 0.35, then 20,000
    # simulated pairs of groups at p_a and p_a + rise: the two-sided arcsine test the
    # function solves (alpha 0.05) rejects in 80 % of them (Monte Carlo se 0.3 points;
    # seeded: 80.1 %), and the Newcombe interval the comparisons use excludes 0 about as
    # often (79.8 %).
    rise = power(150, 200, p_a=0.35)["estimate"].iloc[0]
    rng = np.random.default_rng(3)
    a = rng.binomial(150, 0.35, 20_000)
    b = rng.binomial(200, 0.35 + rise, 20_000)
    h = 2 * np.arcsin(np.sqrt(b / 200)) - 2 * np.arcsin(np.sqrt(a / 150))
    rejected = np.abs(h) / math.sqrt(1 / 150 + 1 / 200) > norm.ppf(0.975)
    assert rejected.mean() == pytest.approx(0.80, abs=0.012)
    low, high = confint_proportions_2indep(b, 200, a, 150, method="newcomb", compare="diff")
    assert ((low > 0) | (high < 0)).mean() == pytest.approx(0.80, abs=0.03)


def test_power_detects_a_fall():
    # By hand: 100 per group, two-sided alpha 0.05, power 0.80: h = (1.959964 + 0.841621)
    # * sqrt(2/100) = 0.396204 (the other tail adds ~1e-6). From p_a = 0.5 the fall is
    # sin^2(pi/4 - 0.198102) - 0.5 = sin^2(0.587296) - 0.5 = 0.307040 - 0.5 = -0.192960,
    # the rise's mirror image. From p_a = 0.9 (arcsin sqrt 0.9 = 1.249046) a fall is found
    # sooner than a rise: sin^2(1.050944) - 0.9 = -0.146763 against sin^2(1.447148) - 0.9
    # = +0.084789.
    fall = power(100, 100, direction="fall").iloc[0]
    assert fall["estimate"] == pytest.approx(-0.192960, abs=2e-5)
    assert fall["estimate"] == pytest.approx(-power(100, 100).iloc[0]["estimate"], abs=1e-9)
    assert "smallest detectable fall" in fall["method"]
    assert power(100, 100, p_a=0.9, direction="fall").iloc[0]["estimate"] == pytest.approx(-0.146763, abs=2e-5)
    assert power(100, 100, p_a=0.9).iloc[0]["estimate"] == pytest.approx(0.084789, abs=2e-5)
    with pytest.raises(AmebenchError, match='direction must be "rise" or "fall"'):
        power(100, 100, direction="down")


@given(p=st.floats(0.02, 0.98), n_a=st.integers(20, 2000), n_b=st.integers(20, 2000))
def test_power_fall_is_the_rise_of_the_complement(p, n_a, n_b):
    # A fall from p is a rise from 1 - p of the same size (arcsine symmetry).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmebenchWarning)
        fall = power(n_a, n_b, p_a=p, direction="fall").iloc[0]["estimate"]
        rise = power(n_a, n_b, p_a=1 - p).iloc[0]["estimate"]
    assert (math.isnan(fall) and math.isnan(rise)) or fall == pytest.approx(-rise, abs=1e-9)


def test_power_says_when_no_fall_is_detectable():
    with pytest.warns(AmebenchWarning, match="cannot detect any fall from p_a = 0.05.*below 0"):
        out = power(20, 20, p_a=0.05, direction="fall").iloc[0]
    assert math.isnan(out["estimate"])


def test_trend_of_a_network_says_what_it_needs():
    # final review of session 53: an AttributeError ('Network' object has no attribute 'columns')
    with pytest.raises(AmebenchError, match=r"^trend needs a Cohort or a DataFrame of episodes, not a Network"):
        trend(amebench.load_sample())
