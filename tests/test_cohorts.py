"""Tests of cohort selection and as_of censoring."""

import pandas as pd
import pytest

import amebench
from amebench.cohorts import period_bounds
from amebench.exceptions import AmebenchError


@pytest.fixture
def net():
    return amebench.Network.from_frames(
        episodes=pd.DataFrame({
            "unit": ["a", "a", "b", "b"],
            "episode_id": ["1", "2", "3", "4"],
            "person_id": ["p1", "p2", "p3", "p4"],
            "enrolled_on": ["2024-01-10", "2024-03-01", "2024-06-01", "2025-02-01"],
            "exited_on": ["2024-12-31", "2025-01-01", None, "2025-05-01"],
            "exit_reason": ["work", "studies", None, "moved"],
        }),
        as_of="2025-06-30",
    )


@pytest.mark.parametrize("period,first,last", [
    (2024, "2024-01-01", "2024-12-31"),
    ("2024", "2024-01-01", "2024-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),  # leap year
    ("2024Q2", "2024-04-01", "2024-06-30"),
    (("2024-03-05", "2024-04-01"), "2024-03-05", "2024-04-01"),
])
def test_period_bounds_are_inclusive_days(period, first, last):
    assert period_bounds(period) == (pd.Timestamp(first), pd.Timestamp(last))


def test_exited_period_keeps_exits_on_its_last_day(net):
    c = amebench.cohort(net, exited=2024)
    assert c.episodes["episode_id"].tolist() == ["1"]  # 2024-12-31 is in, 2025-01-01 is not


def test_enrolled_and_units_select(net):
    assert amebench.cohort(net, enrolled=2024).episodes["episode_id"].tolist() == ["1", "2", "3"]
    assert amebench.cohort(net, units=["b"]).episodes["episode_id"].tolist() == ["3", "4"]
    with pytest.raises(AmebenchError, match=r"unknown unit\(s\) \['c'\]"):
        amebench.cohort(net, units=["c"])


def test_earlier_as_of_hides_later_enrolments_and_exits(net):
    c = amebench.cohort(net, as_of="2025-03-01")
    assert c.as_of == pd.Timestamp("2025-03-01")
    ep = c.episodes.set_index("episode_id")
    assert ep.loc["4", "exited_on"] is pd.NaT  # exit in May is not yet observed: ongoing
    assert pd.isna(ep.loc["4", "exit_reason"])
    assert amebench.cohort(net, as_of="2025-01-15").episodes["episode_id"].tolist() == ["1", "2", "3"]



def test_enrolment_on_as_of_is_observed(net):
    # episode 4 enrols 2025-02-01: on as_of = 2025-02-01 it is in (nothing after as_of is
    # unobserved, the day itself is), and its exit (2025-05-01) is not yet observed.
    ep = amebench.cohort(net, as_of="2025-02-01").episodes.set_index("episode_id")
    assert ep.index.tolist() == ["1", "2", "3", "4"]
    assert ep.loc["4", "exited_on"] is pd.NaT


def test_exit_on_as_of_is_observed(net):
    # episode 4 exits 2025-05-01: with as_of that day the exit and its reason are kept.
    ep = amebench.cohort(net, as_of="2025-05-01").episodes.set_index("episode_id")
    assert ep.loc["4", "exited_on"] == pd.Timestamp("2025-05-01")
    assert ep.loc["4", "exit_reason"] == "moved"
    assert amebench.cohort(net, as_of="2025-05-01", exited=("2025-05-01", "2025-05-01")).episodes[
        "episode_id"].tolist() == ["4"]


def test_enrolled_period_keeps_enrolments_on_its_first_and_last_day(net):
    # episodes 1 and 3 enrol on 2024-01-10 and 2024-06-01, the period's first and last day
    c = amebench.cohort(net, enrolled=("2024-01-10", "2024-06-01"))
    assert c.episodes["episode_id"].tolist() == ["1", "2", "3"]


def test_as_of_with_a_time_of_day_means_that_day(net):
    c = amebench.cohort(net, as_of="2025-05-01 15:30")
    assert c.as_of == pd.Timestamp("2025-05-01")  # midnight: dates are days
    assert "observed to 2025-05-01" in repr(c)

def test_as_of_after_extraction_or_unreadable_is_an_error(net):
    with pytest.raises(AmebenchError, match="after the extraction date"):
        amebench.cohort(net, as_of="2025-07-01")
    with pytest.raises(AmebenchError, match="not a date"):
        amebench.cohort(net, as_of="yesterday")
    with pytest.raises(AmebenchError, match="not understood"):
        amebench.cohort(net, exited="last year")


def test_cohort_renders_in_jupyter(net):
    c = amebench.cohort(net, exited=2024)
    assert "Cohort" in repr(c) and "<table" in c._repr_html_()
