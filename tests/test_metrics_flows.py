"""Tests of amebench.metrics.flows against its earlier implementation.

One 2-d ``numpy.bincount`` over (group, month) cells replaced a Python loop over the
groups (keys built row by row with ``apply(tuple)``). Reference:
tests/reference/flows_b5cd348.py (the function as of commit b5cd348); results equal
exactly, dtypes included, except that the grouping columns now keep the episodes' dtypes
(a category stayed a category; metrics review 2026-12-05), that, grouped by unit, a
unit's rows start at its first enrolment month (newcomer review 2026-12-06), and that the
groups come in the order of every other metric's, a category's own order (the reference
sorted their text; review 2026-12-08). Reconciliation with the
episodes is tested in tests/test_metrics_outcome.py.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference.flows_b5cd348 import flows as reference

import amebench
from amebench import schema
from amebench.exceptions import AmebenchError
from amebench.metrics.flows import flows
from amebench.network import Network


def _network(seed, n=150, as_of="2025-03-12"):
    rng = np.random.default_rng(seed)
    enrolled = pd.Timestamp("2023-05-20") + pd.to_timedelta(rng.integers(0, 650, n), unit="D")
    exited = (enrolled + pd.to_timedelta(rng.integers(0, 400, n), unit="D")).where(rng.random(n) < 0.8)
    episodes = schema.coerce_table(pd.DataFrame({
        "unit": rng.choice(["b", "a", "c"], n), "episode_id": [str(i) for i in range(n)],
        "person_id": [f"p{i}" for i in range(n)], "enrolled_on": enrolled, "exited_on": exited,
        "readiness": rng.choice(["far", "near", "unknown"], n), "birth_year": rng.integers(1960, 2000, n),
    }), schema.EPISODES)
    empty = schema.empty_table
    return Network(units=empty(schema.UNITS), episodes=episodes, activities=empty(schema.ACTIVITIES_TABLE),
                   followups=empty(schema.FOLLOWUPS), payments=empty(schema.PAYMENTS),
                   rejects=empty(schema.REJECTS), reconciliation=empty(schema.RECONCILIATION),
                   as_of=pd.Timestamp(as_of))


@settings(max_examples=30)
@given(st.integers(0, 100_000),
       st.sampled_from([("unit",), (), ("readiness",), ("unit", "readiness"), ("readiness", "unit")]))
def test_flows_equal_reference(seed, by):
    net = _network(seed)
    pd.testing.assert_frame_equal(flows(net, by=by), _reference(net, by), check_exact=True)


def _reference(net, by):
    """The reference's result with its grouping columns in the episodes' dtypes; grouped by
    unit, from each unit's first enrolment month (the reference starts every group at the
    network's first)."""
    out = reference(net, by=by)
    if "unit" in by:
        first = net.episodes.groupby(net.episodes["unit"].astype(str))["enrolled_on"].min().dt.to_period("M")
        since = first.reindex(out["unit"].astype(str)).dt.to_timestamp().to_numpy()
        out = out[out["month"].to_numpy() >= since].reset_index(drop=True)
    out = out.astype({column: net.episodes[column].dtype for column in by})
    # the groups in the order every metric sorts them (a category's own order, near before far)
    return out.sort_values(list(by), kind="stable", na_position="last").reset_index(drop=True) if by else out


def test_flows_on_the_sample_equal_reference():
    net = amebench.load_sample()
    for by in (("unit",), ("unit", "gender")):
        pd.testing.assert_frame_equal(flows(net, by=by), _reference(net, by), check_exact=True)


def test_a_unit_has_no_rows_before_its_data_start():
    # Newcomer review 2026-12-06: a unit whose export starts 2023-01 put the sample's units
    # (first enrolments 2023-07) at 0 participants for 2023-01 .. 2023-06, as if none were
    # enrolled. By hand: a enrols 2023-01-10 (-> 2023-04-02) and 2023-03-05 (ongoing), b
    # 2023-07-01 (ongoing); as_of 2023-08-15.
    episodes = schema.coerce_table(pd.DataFrame({
        "unit": ["a", "a", "b"], "episode_id": ["1", "2", "3"], "person_id": ["p1", "p2", "p3"],
        "enrolled_on": pd.to_datetime(["2023-01-10", "2023-03-05", "2023-07-01"]),
        "exited_on": pd.to_datetime(["2023-04-02", None, None]),
    }), schema.EPISODES)
    net = _network(0)
    net.episodes, net.as_of = episodes, pd.Timestamp("2023-08-15")
    out = flows(net)
    a, b = (out[out["unit"] == u].set_index(out.loc[out["unit"] == u, "month"].dt.strftime("%Y-%m")) for u in "ab")
    assert a.index.tolist() == ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08"]
    assert a["stock"].tolist() == [1, 1, 2, 1, 1, 1, 1, 1]
    assert b.index.tolist() == ["2023-07", "2023-08"] and b["stock"].tolist() == [1, 1]
    whole = flows(net, by=())  # the network as one group still starts at its first month
    assert whole["month"].dt.strftime("%Y-%m").tolist()[0] == "2023-01" and whole["stock"].tolist()[-1] == 2


@pytest.mark.parametrize("enrolled_on", ["2025-03-13", "2025-04-01", "2025-05-02"])
def test_enrolment_after_as_of_is_an_error(enrolled_on):
    # as_of 2025-03-12: the day after it (same month; was counted as inflow and stock), the
    # first day of the next month (the month check's boundary) and a later month all raise
    net = _network(1)
    late = net.episodes.copy()
    late.loc[0, "enrolled_on"] = pd.Timestamp(enrolled_on)
    net.episodes = late
    with pytest.raises(AmebenchError, match=f"1 episodes enrol after as_of \\(2025-03-12\\), the first on {enrolled_on}"):
        flows(net)


def test_enrolment_on_as_of_counts_in_the_partial_last_month():
    # as_of 2024-03-05 (a partial March). Enrolments 01-03, 02-25 and 03-05 (on as_of):
    # Jan in 1, stock 1; Feb in 1, stock 2; Mar in 1 (up to the 5th), stock 3 at as_of.
    net = amebench.Network.from_frames(
        episodes=pd.DataFrame({"unit": "a", "episode_id": ["1", "2", "3"], "person_id": ["p1", "p2", "p3"],
                               "enrolled_on": ["2024-01-03", "2024-02-25", "2024-03-05"]}),
        as_of="2024-03-05",
    )
    table = flows(net)
    assert table["month"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    assert table[["inflow", "outflow", "stock"]].values.tolist() == [[1, 0, 1], [1, 0, 2], [1, 0, 3]]


def test_a_missing_group_value_is_a_group_of_its_own():
    # was TypeError ("boolean value of NA is ambiguous") when sorting the group keys
    net = _network(3)
    episodes = net.episodes.copy()
    episodes["born_abroad"] = pd.array([True, False] * (len(episodes) // 2) + [True] * (len(episodes) % 2),
                                       dtype="boolean")
    episodes.loc[episodes.index[:3], "born_abroad"] = pd.NA
    net.episodes = episodes
    out = flows(net, by=("born_abroad",))
    keys = out["born_abroad"].drop_duplicates().tolist()
    assert keys[:2] == [False, True] and pd.isna(keys[2]) and len(keys) == 3
    assert out.groupby("born_abroad", dropna=False)["inflow"].sum().sum() == len(episodes)


@pytest.mark.parametrize("column", ["birth_year", "exit_year"])
def test_by_must_be_an_episode_column_and_a_result_group(column):
    # birth_year is an episode column but not a result group (was a bare KeyError from
    # tidy); exit_year is not an episode column
    with pytest.raises(AmebenchError, match=rf"cannot group by \['{column}'\].*'readiness'.*'unit'"):
        flows(_network(1), by=(column,))


def test_transitions_ignore_activities_starting_after_as_of():
    from amebench.metrics.flows import transitions

    episodes = pd.DataFrame({"unit": "a", "episode_id": ["e1"], "person_id": ["p1"], "enrolled_on": ["2024-12-01"]})
    activities = pd.DataFrame({"unit": "a", "episode_id": ["e1"], "activity": ["language"],
                               "started_on": ["2025-01-15"]})
    net = amebench.Network.from_frames(episodes=episodes, activities=activities, as_of="2024-12-31")
    assert len(net.activities) == 1  # loaded
    links = transitions(net)
    assert set(links.loc[links["to_stage"] == "activity", "to_code"]) == {"none"}


def test_a_cohort_chosen_by_exit_is_refused():
    # Newcomer review 2026-12-07: flows(cohort(net, exited=2025)) gave Järfälla a stock of 147
    # in January 2025 (the network's: 195), counting only the people who would exit that year
    net = amebench.load_sample()
    with pytest.raises(AmebenchError, match=r"chosen by exit period holds only .*flows\(network\)"):
        flows(amebench.cohort(net, exited=2025))


def test_a_cohort_has_the_flows_of_its_episodes():
    net = amebench.load_sample()
    whole = flows(net)
    solna = flows(amebench.cohort(net, units=["solna"]))
    expected = whole[whole["unit"] == "solna"].reset_index(drop=True)
    pd.testing.assert_frame_equal(solna, expected.astype({"unit": solna["unit"].dtype}))
    intake = amebench.cohort(net, enrolled=2024)  # the flows of that intake
    table = flows(intake)
    assert table.groupby("unit", observed=True)["inflow"].sum().sum() == len(intake.episodes)
    assert table["month"].min() == pd.Timestamp("2024-01-01")


def test_flows_and_transitions_name_what_they_need():
    from amebench.metrics.flows import transitions

    net = amebench.load_sample()
    for function in (flows, transitions):  # were AttributeErrors from inside
        with pytest.raises(AmebenchError, match=r"needs a Network, not a DataFrame"):
            function(net.episodes)


def test_transitions_of_a_cohort_count_its_episodes():
    from amebench.metrics.flows import transitions

    net = amebench.load_sample()
    coh = amebench.cohort(net, exited=2025)
    links = transitions(coh)  # was an AttributeError: a Cohort has no activities of its own
    assert links.groupby("from_stage")["n"].sum().to_dict() == {"activity": len(coh.episodes),
                                                                 "readiness": len(coh.episodes)}
    assert "ongoing" not in set(links["to_code"])  # every one of them exited
