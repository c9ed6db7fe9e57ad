"""Tests of cost per participant/outcome, targets and transitions."""

import pandas as pd
import pytest

import amebench
from amebench.exceptions import AmebenchError
from amebench.metrics import against_target, cost, transitions


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
    units = pd.DataFrame({"unit": ["a", "b"], "name": ["A", "B"], "annual_cost_sek": [3_652_500.0, 1_000_000.0]})
    activities = pd.DataFrame({"unit": "a", "episode_id": ["1", "1"], "activity": ["job_search", "assessment"],
                               "started_on": ["2023-07-01", "2023-06-02"]})
    return amebench.Network.from_frames(episodes=episodes, units=units, activities=activities, as_of="2025-03-31")


def test_cost_by_hand():
    # 2024 has 366 days: unit a costs 3,652,500 x 366 / 365.25 = 3,660,000 SEK in 2024.
    # Active in 2024 in a: p1, p2, p3 -> 1,220,000 per participant; one work exit (p1) in
    # 2024 -> 3,660,000 per outcome.
    out = cost(amebench.cohort(_network(), exited=2024)).set_index(["unit", "quantity"])
    assert out.loc[("a", "per_participant"), "estimate"] == pytest.approx(1_220_000)
    assert out.loc[("a", "per_outcome"), "estimate"] == pytest.approx(3_660_000)
    assert out.loc[("a", "per_outcome"), "n"] == 1
    with pytest.raises(AmebenchError, match="exit period"):
        cost(amebench.cohort(_network()))


def test_cost_refuses_a_period_after_as_of():
    # as_of is 2025-03-31: the exit year 2026 is not observed at all. It used to give
    # years = (2025-03-31 - 2026-01-01 + 1 day) / 365.25 = -0.753 and negative costs.
    with pytest.raises(AmebenchError, match="lies after the data's as_of 2025-03-31"):
        cost(amebench.cohort(_network(), exited=2026))


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


def test_against_target_judges_by_the_interval():
    result = pd.DataFrame({"unit": ["x", "y", "z"], "estimate": [0.6, 0.5, 0.3],
                           "ci_low": [0.55, 0.45, 0.2], "ci_high": [0.65, 0.55, 0.4]})
    out = against_target(result, 0.5)
    assert out["verdict"].tolist() == ["met", "inconclusive", "not_met"]
    lower = against_target(result, 0.5, higher_is_better=False)
    assert lower["verdict"].tolist() == ["not_met", "inconclusive", "met"]


def test_transitions_count_every_episode_once_per_stage():
    out = transitions(_network())
    first = out[out["from_stage"] == "readiness"]
    assert first["n"].sum() == 4
    # episode 1's first activity by date is the assessment (06-02), not job search
    links = set(zip(out["from_code"], out["to_code"]))
    assert ("near", "assessment") in links and ("assessment", "work") in links
    assert ("none", "ongoing") in links and ("unknown", "none") in links
