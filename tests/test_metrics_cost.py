"""Tests of cost per participant/outcome, targets and transitions."""

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2

import amebench
from amebench.exceptions import AmebenchError
from amebench.metrics import against_target, cost, transitions
from amebench.metrics.cost import VERDICTS


def _network():
    episodes = pd.DataFrame({
        "unit": ["a", "a", "a", "b"],
        "episode_id": ["1", "2", "3", "4"],
        "person_id": ["p1", "p2", "p3", "p4"],
        "enrolled_on": ["2023-06-01", "2024-02-01", "2024-03-01", "2024-01-10"],
        "exited_on": ["2024-02-01", "2024-08-01", None, "2024-05-01"],
        "exit_reason": ["work", "dropped_out", None, "studies"],
        "readiness": ["near", "far", "far", None],
    })
    units = pd.DataFrame({"unit": ["a", "b"], "name": ["A", "B"], "annual_cost_sek": [3_660_000.0, 1_000_000.0]})
    activities = pd.DataFrame({"unit": "a", "episode_id": ["1", "1"], "activity": ["job_search", "assessment"],
                               "started_on": ["2023-07-01", "2023-06-02"]})
    return amebench.Network.from_frames(episodes=episodes, units=units, activities=activities, as_of="2025-03-31")


def test_cost_by_hand():
    # Unit a costs its annual 3,660,000 SEK for the whole of 2024 (a calendar year costs
    # the annual cost; 366 / 365.25 of it before).
    # Active in 2024 in a: p1, p2, p3 -> 1,220,000 per participant; one work exit (p1) in
    # 2024 -> 3,660,000 per outcome.
    out = cost(amebench.cohort(_network(), exited=2024)).set_index(["unit", "quantity"])
    assert out.loc[("a", "per_participant"), "estimate"] == pytest.approx(1_220_000)
    assert out.loc[("a", "per_outcome"), "estimate"] == pytest.approx(3_660_000)
    assert out.loc[("a", "per_outcome"), "n"] == 1
    with pytest.raises(AmebenchError, match="exit period"):
        cost(amebench.cohort(_network()))


@pytest.mark.parametrize(("exited", "years"), [
    (2023, 1.0),  # 365 days
    (2024, 1.0),  # 366 days: 366 / 365.25 = 1.0021 of the annual cost before
    (("2023-07-01", "2024-06-30"), 184 / 365 + 182 / 366),  # Jul-Dec 2023, Jan-Jun 2024
    (("2024-02-01", "2024-02-29"), 29 / 366),
])
@pytest.mark.filterwarnings("ignore:the cohort .* is empty")  # no exit in the period: the cost still counts
def test_cost_of_a_period_counts_each_calendar_year_by_its_own_days(exited, years):
    out = cost(amebench.cohort(_network(), exited=exited), costs={"a": 3_660_000.0})
    assert out["cost_sek"].tolist() == pytest.approx([3_660_000 * years] * 2, rel=1e-12)


def test_cost_refuses_a_period_after_as_of():
    # as_of is 2025-03-31: the exit year 2026 is not observed at all. It used to give
    # years = (2025-03-31 - 2026-01-01 + 1 day) / 365.25 = -0.753 and negative costs.
    from amebench.exceptions import CensoringWarning

    with pytest.warns(CensoringWarning, match="after as_of"):
        coh = amebench.cohort(_network(), exited=2026)
    with pytest.raises(AmebenchError, match="lies after the data's as_of 2025-03-31"):
        cost(coh)


def test_cost_applies_the_cohort_units_and_enrolment_period_to_participants():
    # units=["a"]: unit b (which has a cost) is not in the cohort and is not reported.
    only_a = cost(amebench.cohort(_network(), exited=2024, units=["a"]))
    assert set(only_a["unit"]) == {"a"}
    # enrolled=2024: p1 (enrolled 2023-06-01) is not a participant of this cohort. Active
    # in 2024 and enrolled in 2024 in a: p2, p3 -> 3,660,000 / 2 = 1,830,000 SEK. The
    # cohort's exits (enrolled and exited in 2024) in a: p2, dropped out -> no outcome.
    # It used to count p1 too (3 participants, 1,220,000 SEK).
    out = cost(amebench.cohort(_network(), exited=2024, enrolled=2024)).set_index(["unit", "quantity"])
    assert out.loc[("a", "per_participant"), "n"] == 2
    assert out.loc[("a", "per_participant"), "estimate"] == pytest.approx(1_830_000)
    assert out.loc[("a", "per_outcome"), "n"] == 0



@pytest.mark.parametrize("costs, match", [
    # a cost of -1,000,000 gave C = -1,002,053 and an interval from -114,295 to -1,619,684
    # SEK per participant: ci_low above ci_high
    ({"a": -1_000_000.0}, r"unit 'a'.*-1000000"),
    # NaN gave two rows of NaN, reported as if the unit had a cost
    ({"a": float("nan")}, r"unit 'a'.*nan"),
    ({"a": math.inf}, r"unit 'a'.*inf"),
    # a misspelt unit gave rows with 0 participants and an interval (C / 3.69, inf)
    ({"jarfala": 1_000_000.0}, r"unknown unit\(s\) \['jarfala'\]; the network has 2 units"),
])
def test_cost_refuses_costs_that_are_not_a_cost_of_a_unit(costs, match):
    with pytest.raises(AmebenchError, match=match):
        cost(amebench.cohort(_network(), exited=2024), costs=costs)


def test_cost_refuses_a_negative_cost_in_the_units_table():
    # Network.from_frames keeps a negative annual_cost_sek (the manifest refuses one)
    net = _network()
    net.units["annual_cost_sek"] = pd.array([-3_652_500.0, None], dtype="Float64")
    with pytest.raises(AmebenchError, match=r"unit 'a'.*annual_cost_sek"):
        cost(amebench.cohort(net, exited=2024))


# R 4.x: poisson.test(x)$conf.int, the exact (Garwood) interval of a Poisson count.
POISSON_95 = {0: (0.0, 3.688879), 1: (0.02531781, 5.57164339), 2: (0.2422093, 7.2246877)}


def test_cost_interval_treats_the_count_as_poisson():
    net = _network()
    # a, 2024, enrolled 2024: 2 participants, C = 3,660,000 -> (C / 7.2246877, C / 0.2422093)
    # b, 2024, outcome "work": 0 exits to work (p4 went to studies), C = 1,000,000 (all of 2024)
    #   -> estimate NaN, interval (C / 3.688879, inf)
    # a, 2024, outcome "work": 1 exit to work (p1) -> (C / 5.57164339, C / 0.02531781)
    two = cost(amebench.cohort(net, exited=2024, enrolled=2024)).set_index(["unit", "quantity"])
    row = two.loc[("a", "per_participant")]
    assert row["n"] == 2
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((3_660_000 / 7.2246877, 3_660_000 / 0.2422093), rel=1e-6)
    work = cost(amebench.cohort(net, exited=2024), outcome="work").set_index(["unit", "quantity"])
    one = work.loc[("a", "per_outcome")]
    assert one["n"] == 1 and one["estimate"] == pytest.approx(3_660_000)
    assert (one["ci_low"], one["ci_high"]) == pytest.approx((3_660_000 / 5.57164339, 3_660_000 / 0.02531781), rel=1e-6)
    zero = work.loc[("b", "per_outcome")]
    c_b = 1_000_000
    assert zero["n"] == 0 and math.isnan(zero["estimate"])
    assert zero["ci_low"] == pytest.approx(c_b / POISSON_95[0][1], rel=1e-6)
    assert zero["ci_high"] == math.inf
    # conf_level is used. Garwood by hand at 90 %: chi2 quantiles qchisq(0.05, 2) / 2 = 0.05129329
    # and qchisq(0.95, 4) / 2 = 4.74386452 (evaluated with scipy.stats.chi2.ppf)
    ninety = cost(amebench.cohort(net, exited=2024), outcome="work", conf_level=0.9).set_index(["unit", "quantity"])
    assert (ninety.loc[("a", "per_outcome"), "ci_low"], ninety.loc[("a", "per_outcome"), "ci_high"]) == pytest.approx(
        (3_660_000 / 4.74386452, 3_660_000 / 0.05129329), rel=1e-6)
    assert (ninety["conf_level"] == 0.9).all()
    assert list(work.reset_index().columns) == ["unit", "quantity", "estimate", "ci_low", "ci_high", "n", "cost_sek",
                                                "method", "conf_level"]


def test_cost_of_zero_with_no_outcome():
    # A unit that cost nothing costs 0 per outcome whatever the (positive) number of outcomes:
    # C / mu = 0 for every mu in (L, U] = (0, 3.69], so the interval is [0, 0]. With no exit
    # to "studies" in a the old code divided 0 by L = 0: a RuntimeWarning and ci_high NaN.
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = cost(amebench.cohort(_network(), exited=2024, units=["a"]), costs={"a": 0.0}, outcome="studies")
    row = out.set_index("quantity").loc["per_outcome"]
    assert row["n"] == 0 and math.isnan(row["estimate"])
    assert (row["ci_low"], row["ci_high"]) == (0.0, 0.0)
    participants = out.set_index("quantity").loc["per_participant"]
    assert (participants["estimate"], participants["ci_low"], participants["ci_high"]) == (0.0, 0.0, 0.0)


def test_cost_can_be_judged_against_a_target():
    # a, 2024: 3 participants, C = 3,660,000. Garwood by hand: qchisq(0.025, 6) / 2 = 0.6186721,
    # qchisq(0.975, 8) / 2 = 8.7672731 (scipy.stats.chi2.ppf) -> 417,462 to 5,915,896 SEK per
    # participant. Lower cost is better.
    out = cost(amebench.cohort(_network(), exited=2024, units=["a"]))
    row = out[out["quantity"] == "per_participant"]
    assert (row["ci_low"].item(), row["ci_high"].item()) == pytest.approx((3_660_000 / 8.7672731, 3_660_000 / 0.6186721),
                                                                          rel=1e-6)
    verdicts = [against_target(row, target, higher_is_better=False)["verdict"].item()
                for target in (300_000, 1_000_000, 10_000_000)]
    assert verdicts == ["not_met", "inconclusive", "met"]



def _units_network(counts, as_of="2025-03-31"):
    # counts: {unit: (participants, exits to work)}; each participant one episode enrolled
    # and exited in 2024, the first ones to work
    rows = []
    for unit, (people, work) in counts.items():
        for i in range(people):
            rows.append({"unit": unit, "episode_id": f"{unit}-{i}", "person_id": f"{unit}-{i}",
                         "enrolled_on": "2024-02-01", "exited_on": "2024-05-01",
                         "exit_reason": "work" if i < work else "dropped_out"})
    units = pd.DataFrame({"unit": list(counts), "name": list(counts)})
    return amebench.Network.from_frames(episodes=pd.DataFrame(rows, columns=["unit", "episode_id", "person_id",
                                                                             "enrolled_on", "exited_on",
                                                                             "exit_reason"]),
                                        units=units, as_of=as_of)


def _garwood(x, conf_level):
    # Garwood (1936) by hand: chi2_{2x, alpha/2} / 2 (0 for x = 0) and chi2_{2x+2, 1-alpha/2} / 2
    alpha = 1 - conf_level
    return (chi2.ppf(alpha / 2, 2 * x) / 2 if x > 0 else 0.0), chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2


@pytest.mark.filterwarnings("ignore:the cohort .* is empty")  # units of 0 people: nothing exits
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=3),
       st.floats(1.0, 1e8), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_cost_properties(pairs, annual, conf_level):
    # per participant and per outcome: C / x with (C / U, C / L) from the Garwood interval of
    # x computed by hand; the interval holds the estimate; twice the cost doubles every number
    counts = {f"u{i}": (people, min(work, people)) for i, (people, work) in enumerate(pairs)}
    cohort = amebench.cohort(_units_network(counts), exited=2024)
    out = cost(cohort, costs={unit: annual for unit in counts}, outcome="work", conf_level=conf_level)
    period = annual  # all of 2024
    for row in out.itertuples():
        people, work = counts[row.unit]
        x = people if row.quantity == "per_participant" else work
        low, high = _garwood(x, conf_level)
        assert row.n == x and row.cost_sek == pytest.approx(period)
        assert row.ci_low == pytest.approx(period / high, rel=1e-9)
        if x == 0:
            assert math.isnan(row.estimate) and row.ci_high == math.inf
        else:
            assert row.estimate == pytest.approx(period / x) and row.ci_high == pytest.approx(period / low, rel=1e-9)
            assert row.ci_low <= row.estimate <= row.ci_high
    double = cost(cohort, costs={unit: 2 * annual for unit in counts}, outcome="work", conf_level=conf_level)
    for column in ("estimate", "ci_low", "ci_high", "cost_sek"):
        np.testing.assert_allclose(double[column], 2 * out[column], rtol=1e-12)


def test_cost_interval_covers_the_cost_per_expected_participant():
    # 300 units with the same cost, each serving a Poisson(4) number of people in 2024:
    # the cost per expected participant is C / 4. Garwood's interval is exact-conservative;
    # its coverage at mu = 4, summed over the Poisson probabilities by hand
    # (sum of dpois(x, 4) over x with L(x) <= 4 <= U(x)), is 0.9603. 300 units: Monte Carlo
    # se 1.1 points (seeded: 0.973).
    rng = np.random.default_rng(11)
    counts = {f"u{i:03d}": (int(people), 0) for i, people in enumerate(rng.poisson(4, 300))}
    out = cost(amebench.cohort(_units_network(counts), exited=2024), costs=dict.fromkeys(counts, 1_000_000.0))
    people = out[out["quantity"] == "per_participant"]
    truth = 1_000_000 / 4
    covered = (people["ci_low"] <= truth) & (truth <= people["ci_high"])
    assert covered.mean() == pytest.approx(0.9603, abs=0.03)


def _counting_network():
    # a: q1 has two episodes active in 2024; q2 exits on 2024-01-01, the first day of 2024;
    #    q3 exits on 2023-12-31, before it. b: r1 exits to work in 2024, r2 is ongoing since 2022.
    episodes = pd.DataFrame({
        "unit": ["a", "a", "a", "a", "b", "b"],
        "episode_id": ["1", "2", "3", "4", "5", "6"],
        "person_id": ["q1", "q1", "q2", "q3", "r1", "r2"],
        "enrolled_on": ["2023-03-01", "2024-06-01", "2023-05-01", "2023-02-01", "2024-03-01", "2022-09-01"],
        "exited_on": ["2024-01-15", None, "2024-01-01", "2023-12-31", "2024-09-30", None],
        "exit_reason": ["moved", None, "work", "work", "work", None],
    })
    units = pd.DataFrame({"unit": ["a", "b"], "name": ["A", "B"], "annual_cost_sek": [3_660_000.0, 1_000_000.0]})
    return amebench.Network.from_frames(episodes=episodes, units=units, as_of="2025-03-31")


def test_cost_counts_persons_active_in_the_period_in_every_unit():
    out = cost(amebench.cohort(_counting_network(), exited=2024)).set_index(["unit", "quantity"])
    # a: C = 3,660,000 (all of 2024). Active persons: q1 (once, though two
    # episodes) and q2 (exit on the period's first day is active that day); not q3 -> 2.
    assert out.loc[("a", "per_participant"), "n"] == 2
    assert out.loc[("a", "per_participant"), "estimate"] == pytest.approx(1_830_000)
    assert out.loc[("a", "per_outcome"), "n"] == 1  # q2's exit to work; q3's was in 2023
    # b: C = 1,000,000; r1 and r2 -> 500,000; one exit to work.
    assert out.loc[("b", "per_participant"), "n"] == 2
    assert out.loc[("b", "per_participant"), "estimate"] == pytest.approx(500_000)
    assert out.loc[("b", "per_outcome"), "estimate"] == pytest.approx(1_000_000)


@pytest.mark.filterwarnings("ignore:the cohort .* is empty")  # no exit in the period: the cost still counts
def test_cost_period_is_cut_at_as_of():
    # as_of 2025-03-31: 2025 is observed for 90 of its 365 days, C(a) = 3,660,000 x 90 / 365
    # = 902,465.75 (not the whole year's 3,660,000); only q1's second episode is active in a.
    out = cost(amebench.cohort(_counting_network(), exited=2025)).set_index(["unit", "quantity"])
    assert out.loc[("a", "per_participant"), "cost_sek"] == pytest.approx(3_660_000 * 90 / 365)
    assert out.loc[("a", "per_participant"), "estimate"] == pytest.approx(3_660_000 * 90 / 365)
    assert out.loc[("b", "per_participant"), "cost_sek"] == pytest.approx(1_000_000 * 90 / 365)


def test_against_target_judges_by_the_interval():
    result = pd.DataFrame({"unit": ["x", "y", "z"], "estimate": [0.6, 0.5, 0.3],
                           "ci_low": [0.55, 0.45, 0.2], "ci_high": [0.65, 0.55, 0.4]})
    out = against_target(result, 0.5)
    assert out["verdict"].tolist() == ["met", "inconclusive", "not_met"]
    lower = against_target(result, 0.5, higher_is_better=False)
    assert lower["verdict"].tolist() == ["not_met", "inconclusive", "met"]


def test_against_target_limit_on_the_target_is_inconclusive():
    # x: ci_low == target, y: ci_high == target. A closed interval with a limit on the
    # target contains it, so neither is met nor not met, in either direction. The old
    # code gave x "met" (higher is better) and y "met" (lower is better).
    result = pd.DataFrame({"unit": ["x", "y"], "estimate": [0.6, 0.4], "ci_low": [0.5, 0.3], "ci_high": [0.7, 0.5]})
    assert against_target(result, 0.5)["verdict"].tolist() == ["inconclusive", "inconclusive"]
    assert against_target(result, 0.5, higher_is_better=False)["verdict"].tolist() == ["inconclusive", "inconclusive"]




def test_against_target_refuses_a_percent_target_for_proportions():
    # API review 2026-12-06: against_target(rates, 35), the target in percent as Kolada
    # writes it, gave every unit "not_met" (0.381 < 35)
    from amebench import metrics

    rates = metrics.outcome_rate(amebench.cohort(amebench.load_sample()), by=("unit",))
    with pytest.raises(AmebenchError, match=re.escape("target 35 lies outside 0 .. 1, but the estimates are "
                                                      "proportions (e.g. 0.381 for 38.1 %): give the target as one too "
                                                      "(0.35)")):
        against_target(rates, 35)
    with pytest.raises(AmebenchError, match=r"target -0\.1 lies outside 0 \.\. 1"):
        against_target(rates, -0.1)
    assert set(against_target(rates, 0.35)["verdict"]) <= set(VERDICTS)
    # a table without events is another quantity: a target above 1 is judged as given
    shares = pd.DataFrame({"unit": ["x"], "estimate": [0.6], "ci_low": [0.5], "ci_high": [0.7]})
    assert against_target(shares, 2.0)["verdict"].tolist() == ["not_met"]


def test_against_target_keeps_the_callers_own_columns():
    # a rate table with the units' names merged in: "name" is not an amebench result column,
    # and the old code raised KeyError "result columns ['name'] are not in
    # amebench.results.GLOSSARY" (which tidy's docstring calls a programming error in amebench)
    result = pd.DataFrame({"unit": ["x", "y"], "estimate": [0.6, 0.4], "ci_low": [0.55, 0.3],
                           "ci_high": [0.65, 0.45], "n": [200, 90], "method": "Wilson", "conf_level": 0.95,
                           "name": ["Xby", "Yby"]})
    out = against_target(result, 0.5)
    assert list(out.columns) == ["unit", "target", "name", "estimate", "ci_low", "ci_high", "n", "verdict",
                                 "method", "conf_level"]
    assert out["name"].tolist() == ["Xby", "Yby"] and out["verdict"].tolist() == ["met", "not_met"]


@pytest.mark.parametrize("target", [float("nan"), math.inf, -math.inf, None, "0.5", True])
def test_against_target_needs_a_finite_number(target):
    # NaN made every comparison false: every row "inconclusive", against no target at all;
    # inf made every finite interval "not_met"; None and "0.5" were bare TypeErrors.
    result = pd.DataFrame({"unit": ["x"], "estimate": [0.6], "ci_low": [0.55], "ci_high": [0.65]})
    with pytest.raises(AmebenchError, match="target must be a finite number"):
        against_target(result, target)


def test_against_target_needs_a_direction():
    # "no" is truthy: it was judged as higher is better
    result = pd.DataFrame({"unit": ["x"], "estimate": [0.6], "ci_low": [0.55], "ci_high": [0.65]})
    with pytest.raises(AmebenchError, match="higher_is_better must be True or False"):
        against_target(result, 0.5, higher_is_better="no")



@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1e6)), min_size=1, max_size=5),
       st.floats(-1e6, 1e6))
def test_against_target_properties(intervals, target):
    # "met" or "not_met" only when the target lies outside the closed interval; turning the
    # direction round swaps them and keeps "inconclusive"
    low = [a for a, _ in intervals]
    result = pd.DataFrame({"estimate": [a + w / 2 for a, w in intervals], "ci_low": low,
                           "ci_high": [a + w for a, w in intervals]})
    up = against_target(result, target)
    down = against_target(result, target, higher_is_better=False)
    inside = (result["ci_low"] <= target) & (target <= result["ci_high"])
    assert (up["verdict"][inside] == "inconclusive").all()
    assert (up["verdict"][~inside] != "inconclusive").all()
    swap = {"met": "not_met", "not_met": "met", "inconclusive": "inconclusive"}
    assert down["verdict"].tolist() == [swap[v] for v in up["verdict"]]
    assert list(up.index[up["verdict"] == "met"]) == list(result.index[result["ci_low"] > target])


def test_transitions_count_every_episode_once_per_stage():
    out = transitions(_network())
    first = out[out["from_stage"] == "readiness"]
    assert first["n"].sum() == 4
    # episode 1's first activity by date is the assessment (06-02), not job search
    links = set(zip(out["from_code"], out["to_code"]))
    assert ("near", "assessment") in links and ("assessment", "work") in links
    assert ("none", "ongoing") in links and ("unknown", "none") in links
