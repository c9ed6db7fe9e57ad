"""Tests of the grouping columns every metric works out itself: exit_year, enrol_year, age_band."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amebench
from amebench.cohorts import spells
from amebench.exceptions import AmebenchError
from amebench.metrics import durations, outcome_rate, reentry, retention, welfare_delta
from amebench.metrics._groups import derived


def _band_by_hand(age) -> str:
    """DESIGN.md's age bands written out: 16-24, 25-34, 35-44, 45-54, 55-64, 65+, else unknown."""
    if pd.isna(age) or age < 16:
        return "unknown"
    for low, high, label in ((16, 24, "16-24"), (25, 34, "25-34"), (35, 44, "35-44"), (45, 54, "45-54"),
                             (55, 64, "55-64")):
        if low <= age <= high:
            return label
    return "65+"


def test_age_band_and_years_by_hand():
    # age = enrolment year - birth year: enrolled on the year's last day, born 2000, is 24 (16-24);
    # enrolled on the next year's first day is 25 (25-34); no birth year is "unknown"; 15 is under the bands
    frame = pd.DataFrame({
        "unit": "a", "episode_id": list("12345"), "person_id": list("abcde"),
        "enrolled_on": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-03-01", "2025-03-01", "2023-06-01"]),
        "exited_on": pd.to_datetime(["2025-02-01", "2025-06-01", "2025-07-01", "2025-08-01", None]),
        "exit_reason": ["work", "work", "studies", "dropped_out", None],
        "birth_year": pd.array([2000, 2000, None, 1955, 2008], dtype="Int64"),
    })
    got = derived(frame, ("exit_year", "enrol_year", "age_band"))
    assert list(got["exit_year"]) == [2025, 2025, 2025, 2025, pd.NA]
    assert list(got["enrol_year"]) == [2024, 2025, 2025, 2025, 2023]
    assert list(got["age_band"]) == ["16-24", "25-34", "unknown", "65+", "unknown"]
    rates = outcome_rate(frame, by=("age_band",), outcome="work_or_studies")
    # four exits (the fifth is ongoing): 16-24 1 of 1, 25-34 1 of 1, 65+ 0 of 1, unknown 1 of 1
    assert rates[["age_band", "events", "n"]].astype(str).values.tolist() == [
        ["16-24", "1", "1"], ["25-34", "1", "1"], ["65+", "0", "1"], ["unknown", "1", "1"]]


def test_a_derived_column_needs_its_source_columns():
    frame = pd.DataFrame({"unit": "a", "episode_id": ["1"], "enrolled_on": pd.to_datetime(["2024-01-01"]),
                          "exited_on": pd.to_datetime(["2024-05-01"]), "exit_reason": ["work"]})
    with pytest.raises(AmebenchError, match=r"cannot group by \['age_band'\]: use any of \['enrol_year', "
                                            r"'exit_year', 'unit'\]"):
        outcome_rate(frame, by=("age_band",))


def test_durations_does_not_group_by_the_exit_year():
    coh = amebench.cohort(amebench.load_sample())
    with pytest.raises(AmebenchError, match=r"^durations does not group by exit_year: choosing episodes by the "
                                            r"year of their exit chooses them by the time being measured .* group "
                                            r"by enrol_year"):
        durations(coh, by=("exit_year",))


def _relabelled(coh, column: str, values) -> amebench.Cohort:
    """The cohort with its network's ``gender`` replaced by ``values`` of ``column`` (text), row by row."""
    net = coh.network
    episodes = net.episodes.assign(gender=pd.array(values, dtype="string"))
    network = dataclasses.replace(net, episodes=episodes)
    chosen = pd.Index(net.episodes["episode_id"] + "|" + net.episodes["unit"].astype(str))
    mine = pd.Index(coh.episodes["episode_id"] + "|" + coh.episodes["unit"].astype(str))
    return dataclasses.replace(coh, network=network, episodes=coh.episodes.assign(
        gender=episodes["gender"].to_numpy()[chosen.get_indexer(mine)]))


def _by_hand(episodes: pd.DataFrame, column: str) -> list:
    if column == "age_band":
        return [_band_by_hand(age) for age in episodes["enrolled_on"].dt.year - episodes["birth_year"]]
    dates = episodes["exited_on" if column == "exit_year" else "enrolled_on"]
    return [None if pd.isna(day) else str(day.year) for day in dates]


def _of_first_in_spell(episodes: pd.DataFrame, values: list) -> list:
    """Each episode's value of the first episode of its spell (gap_days=91): re-entry's spells take
    their enrolment year and age band from the spell's first enrolment, by which enrolled= chooses."""
    table = spells(episodes.assign(_value=values), gap_days=91)
    first = table.sort_values("enrolled_on", kind="stable").groupby(["person_id", "spell"])["_value"].transform("first")
    of = dict(zip(table["unit"].astype(str) + "|" + table["episode_id"], first.reindex(table.index)))
    return [of[key] for key in episodes["unit"].astype(str) + "|" + episodes["episode_id"]]


@pytest.fixture(scope="module")
def sample():
    return amebench.load_sample()


METRICS = {
    "outcome_rate": lambda coh, by: outcome_rate(coh, by=by),
    "retention": lambda coh, by: retention(coh, by=by),
    "retention_register": lambda coh, by: retention(coh, by=by, definition="register"),
    "reentry": lambda coh, by: reentry(coh, by=by),
    "reentry_spells": lambda coh, by: reentry(coh, by=by, gap_days=91),
    "welfare_delta": lambda coh, by: welfare_delta(coh, by=by, method="t"),
    "durations": lambda coh, by: durations(coh, by=by),
}


def test_reentry_of_spells_groups_by_the_spell_s_first_enrolment(sample):
    # a cohort chosen by enrolment in 2024 holds spells that began in 2024, whatever year their
    # last episode was enrolled in (review: rows for 2025 and 2026 came back)
    table = reentry(amebench.cohort(sample, enrolled=2024), gap_days=91, by=("enrol_year",))
    assert table["enrol_year"].tolist() == [2024]


@pytest.mark.parametrize(("metric", "column"), [
    (metric, column) for metric in sorted(METRICS) for column in ("age_band", "enrol_year", "exit_year")
    if (metric, column) != ("durations", "exit_year")])  # durations does not group by it (test above)
def test_a_derived_group_is_the_group_of_the_column_written_out_by_hand(sample, metric, column):
    # every metric's table by a derived column equals its table by an episode column that
    # holds the same values worked out by hand (gender overwritten with them)
    net = sample
    coh = amebench.cohort(net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = METRICS[metric](coh, (column, "unit"))
        values = _by_hand(net.episodes, column)
        if metric == "reentry_spells" and column != "exit_year":
            values = _of_first_in_spell(net.episodes, values)
        hand = METRICS[metric](_relabelled(coh, column, values), ("gender", "unit"))
    assert len(got) > 5 and got[column].nunique() >= 3
    hand = hand.rename(columns={"gender": column})
    for table in (got, hand):
        table[column] = table[column].astype("string")
        table["unit"] = table["unit"].astype("string")
    pd.testing.assert_frame_equal(got, hand, check_dtype=False)


def test_welfare_households_still_enrolled_have_no_exit_year(sample):
    coh = amebench.cohort(sample)
    table = welfare_delta(coh, by=("exit_year",), method="t")
    ongoing = table[table["exit_year"].isna()]
    assert len(ongoing) == 1 and ongoing["n"].item() == ongoing["censored"].item() > 0
    assert np.isnan(ongoing["estimate"].item())
    assert table["n"].sum() == welfare_delta(coh, by=(), method="t")["n"].item()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 900), st.integers(0, 400), st.one_of(st.none(), st.integers(1930, 2015)),
                          st.booleans()), min_size=1, max_size=30))
def test_groups_add_up_to_the_whole(rows):
    # property: the groups of each derived column hold every exit once
    start = pd.Timestamp("2023-01-01")
    frame = pd.DataFrame({
        "unit": "a", "episode_id": [str(i) for i in range(len(rows))],
        "enrolled_on": [start + pd.Timedelta(days=d) for d, _, _, _ in rows],
        "exited_on": [start + pd.Timedelta(days=d + s) for d, s, _, _ in rows],
        "exit_reason": ["work" if w else "dropped_out" for _, _, _, w in rows],
        "birth_year": pd.array([b for _, _, b, _ in rows], dtype="Int64"),
    })
    whole = outcome_rate(frame, by=())
    for column in ("age_band", "enrol_year", "exit_year"):
        parts = outcome_rate(frame, by=(column,))
        assert parts["n"].sum() == whole["n"].item() and parts["events"].sum() == whole["events"].item()
