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
from amebench.compare import trend
from amebench.exceptions import AmebenchError
from amebench.metrics import durations, flows, outcome_rate, reentry, retention, welfare_delta
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


def test_the_columns_check_by_knows_as_worked_out_are_those_the_metrics_work_out():
    from amebench.metrics._groups import DERIVED
    from amebench.results import WORKED_OUT

    assert tuple(DERIVED) == WORKED_OUT


def test_a_derived_column_needs_its_source_columns():
    frame = pd.DataFrame({"unit": "a", "episode_id": ["1"], "enrolled_on": pd.to_datetime(["2024-01-01"]),
                          "exited_on": pd.to_datetime(["2024-05-01"]), "exit_reason": ["work"]})
    with pytest.raises(AmebenchError, match=r"cannot group by \['age_band'\] \(\['age_band'\] is neither among the "
                                            r"input's columns nor worked out from them\): use any of \['enrol_year', "
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
        gender=pd.array(episodes["gender"].to_numpy()[chosen.get_indexer(mine)], dtype="string")))


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


# ---- the user's own columns (Cohort.assign; a DataFrame's extra columns for outcome_rate) ----

#: names the metrics' working tables use for columns of their own (follow-ups, ledger, spells),
#: besides a plain one: an own column so named must not be mistaken for them
OWN_NAMES = ["programme", "status", "responded", "measured_on", "days_after_exit", "amount_sek", "spell",
             "spell_last", "spell_exit", "household", "person", "index", "level_0", "enrolled", "unknown"]


OWN_METRICS = {**METRICS, "trend": lambda coh, by: trend(coh, by=by), "flows": lambda coh, by: flows(coh, by=by),
               "outcome_rate_per_person": lambda coh, by: outcome_rate(coh, by=by, per="person"),
               "welfare_delta_per_person": lambda coh, by: welfare_delta(coh, by=by, method="t", per="person")}


@pytest.fixture(scope="module")
def by_gender(sample):
    coh = amebench.cohort(sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return coh, {metric: run(coh, ("unit", "gender")) for metric, run in OWN_METRICS.items()}


@pytest.mark.parametrize("name", OWN_NAMES)
def test_every_metric_groups_by_an_own_column_as_by_the_column_it_copies(by_gender, name):
    # an own column that copies gender (the same categorical) gives each metric's table by
    # gender, column renamed: the metric reads it from the cohort's episodes and nothing
    # of its own working tables takes its place
    coh, expected = by_gender
    mine = coh.assign(**{name: lambda episodes: episodes["gender"]})
    assert name not in coh.episodes.columns  # assign returns a new cohort
    for metric, run in OWN_METRICS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = run(mine, ("unit", name))
        pd.testing.assert_frame_equal(got, expected[metric].rename(columns={"gender": name}), obj=metric)


def test_an_own_column_of_text_with_gaps_on_a_dataframe():
    # outcome_rate on a DataFrame groups by any extra column; a missing value is a group of
    # its own, sorted last, so the groups add up to every exit. By hand: district n has exits
    # 1 (work) and 2 (dropped out): 1 of 2; s has exit 3 (studies): 1 of 1; exit 4 (work) has none
    frame = pd.DataFrame({
        "unit": "a", "episode_id": list("12345"),
        "enrolled_on": pd.to_datetime(["2024-01-01"] * 5),
        "exited_on": pd.to_datetime(["2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01", None]),
        "exit_reason": ["work", "dropped_out", "studies", "work", None],
        "district": ["n", "n", "s", None, "s"],
    })
    got = outcome_rate(frame, by=("district",))
    assert got.columns[0] == "district"
    assert got[["district", "events", "n"]].values.tolist()[:2] == [["n", 1, 2], ["s", 1, 1]]
    assert pd.isna(got["district"].iloc[2]) and got[["events", "n"]].iloc[2].tolist() == [1, 1]


@pytest.mark.parametrize(("name", "why"), [
    ("person_id", "is a canonical episode column"), ("exit_reason", "is a canonical episode column"),
    ("n", "is the name of a result column"), ("estimate", "is the name of a result column"),
    ("_x", "starts with '_'")])
def test_a_column_that_cannot_be_a_group_is_refused_with_its_reason(name, why):
    frame = pd.DataFrame({"unit": "a", "episode_id": ["1"], "enrolled_on": pd.to_datetime(["2024-01-01"]),
                          "exited_on": pd.to_datetime(["2024-05-01"]), "exit_reason": ["work"],
                          "person_id": ["p"], "n": [1], "estimate": [0.5], "_x": [1]})
    allowed = r"use any of \['enrol_year', 'exit_year', 'unit'\]"
    with pytest.raises(AmebenchError, match=rf"cannot group by \['{name}'\] \('{name}' {why}.*: {allowed}"):
        outcome_rate(frame, by=(name,))
    coh = amebench.cohort(amebench.load_sample())
    with pytest.raises(AmebenchError, match=rf"cannot add a column '{name}': it {why}"):
        coh.assign(**{name: 1})


def test_welfare_refuses_an_own_column_its_comparison_lacks(sample):
    coh = amebench.cohort(sample, exited=2025)
    with pytest.raises(AmebenchError, match=r"cannot group by \['programme'\] \(\['programme'\] is neither among"):
        welfare_delta(coh.assign(programme="x"), by=("programme",), comparison=amebench.cohort(sample, exited=2024))


def test_assign_takes_a_function_an_array_a_series_on_its_index_or_one_value(sample):
    coh = amebench.cohort(sample, exited=2025)
    ids = set(coh.episodes["episode_id"].iloc[::3])
    marked = coh.episodes["episode_id"].isin(ids).map({True: "se", False: "other"})
    shuffled = marked.sample(frac=1, random_state=1)  # the cohort's own index, in another order
    for value in (lambda ep: ep["episode_id"].isin(ids).map({True: "se", False: "other"}), marked.to_numpy(),
                  marked.tolist(), marked, shuffled):
        got = coh.assign(programme=value).episodes["programme"]
        assert got.tolist() == marked.tolist()
    assert set(coh.assign(programme="all").episodes["programme"]) == {"all"}
    mine = coh.assign(programme=marked)
    assert mine.network is coh.network and mine.as_of == coh.as_of and mine.exited == coh.exited
    # as DataFrame.assign: a later function sees the columns added before it in the same call
    both = coh.assign(first=marked, second=lambda ep: ep["first"] + "!")
    assert (both.episodes["second"] == marked + "!").all()


def test_assign_looks_up_a_series_indexed_by_unit_and_episode():
    # a lookup table in another order, episode ids repeating across units (as exports number
    # them 1, 2, 3 in each unit): unit a's episode 1 is "se", unit b's episode 1 is not
    episodes = pd.DataFrame({"unit": ["a", "a", "b", "b"], "episode_id": ["1", "2", "1", "2"],
                             "person_id": ["p1", "p2", "p3", "p4"], "enrolled_on": pd.to_datetime(["2024-01-01"] * 4),
                             "exited_on": pd.to_datetime(["2024-05-01"] * 4),
                             "exit_reason": ["work", "dropped_out", "dropped_out", "work"]})
    coh = amebench.cohort(amebench.Network.from_frames(episodes=episodes, as_of="2025-12-31"))
    table = pd.DataFrame({"unit": ["b", "a", "a"], "episode_id": [1, 2, 1], "programme": ["other", "other", "se"]})
    with pytest.warns(amebench.exceptions.AmebenchWarning, match=r"1 of the cohort's 4 episodes are not in the lookup "
                                                                 r"for 'programme': their value is missing"):
        mine = coh.assign(programme=table.set_index(["unit", "episode_id"])["programme"])  # ids as numbers
    got = mine.episodes["programme"].tolist()
    assert got[:3] == ["se", "other", "other"] and pd.isna(got[3])  # b/2 is not in the table: missing
    rates = outcome_rate(mine, by=("programme",))
    assert rates[["programme", "events", "n"]].values.tolist()[:2] == [["other", 0, 2], ["se", 1, 1]]
    # ids as the readers write them (final review): 1.0 is "1", spaces at the ends dropped
    written = pd.DataFrame({"unit": ["a ", "a", "b", "b"], "episode_id": [1.0, " 2", 1, 2.0],
                            "programme": ["se", "other", "other", "se"]})
    assert coh.assign(programme=written.set_index(["unit", "episode_id"])["programme"]).episodes[
        "programme"].tolist() == ["se", "other", "other", "se"]
    with pytest.raises(AmebenchError, match=r"names 1 \(unit, episode_id\) pair\(s\) more than once"):
        coh.assign(programme=pd.concat([table, table.iloc[:1]]).set_index(["unit", "episode_id"])["programme"])
    with pytest.raises(AmebenchError, match=r"none of the cohort's episodes is among the Series' \(unit, episode_id\)"):
        coh.assign(programme=table.assign(unit=["c", "d", "e"]).set_index(["unit", "episode_id"])["programme"])


@pytest.mark.parametrize(("value", "message"), [
    ("network", r"indexed neither by the cohort's episodes .* nor by unit and episode_id: set the values by unit"),
    (["a", "b", "c"], r"number 3, but the cohort holds 1121 episodes"),
    ("table", "is a table; give one column of it"),
    ({"1": "se"}, r"is a dict, which pandas does not match to episodes: set the values by unit and episode"),
    ({"se", "other"}, r"is a set, which pandas does not match"),
    (None, r"is None \(did the function return nothing\?\)"),
    (lambda ep: None, r"is None \(did the function return nothing\?\)"),
    ("generator", r"got a generator, which has no length"),
    ("nested", r"got a nested list"),
    ("lists", r"must be single values \(text, numbers, dates\), not lists"),
])
def test_assign_refuses_values_it_cannot_line_up_or_group_by(sample, value, message):
    coh = amebench.cohort(sample, exited=2025)
    n = len(coh.episodes)
    made = {"network": sample.episodes["gender"],  # the network's rows: the cohort numbers its own afresh
            "table": coh.episodes[["gender", "unit"]], "generator": (i for i in range(n)),
            "nested": [[1, 2]] * n, "lists": pd.Series([[1]] * n)}
    value = made.get(value, value) if isinstance(value, str) else value
    with pytest.raises(AmebenchError, match=message):
        coh.assign(programme=value)


def _spell_network():
    # p1: e1 enrolled 2024-01-01, out 2024-03-01; e2 enrolled 2024-03-20 (19 days later, one spell
    # at gap_days=91), out 2024-06-01; back on 2024-09-01 (e3, ongoing). p2: one episode, not back.
    episodes = pd.DataFrame({
        "unit": "a", "episode_id": ["e1", "e2", "e3", "f1"], "person_id": ["p1", "p1", "p1", "p2"],
        "enrolled_on": pd.to_datetime(["2024-01-01", "2024-03-20", "2024-09-01", "2024-01-10"]),
        "exited_on": pd.to_datetime(["2024-03-01", "2024-06-01", None, "2024-04-01"]),
        "exit_reason": ["dropped_out", "work", None, "work"],
    })
    return amebench.Network.from_frames(episodes=episodes, as_of="2025-12-31")


def test_reentry_takes_an_own_column_from_the_exit_or_the_latest_episode_the_cohort_holds():
    net = _spell_network()
    coh = amebench.cohort(net, enrolled="2024-01")  # e1 and f1
    mine = coh.assign(programme=lambda ep: ep["episode_id"].map({"e1": "x", "f1": "y"}))
    # per episode: e1 exits 2024-03-01 and p1 is back (e2) on 2024-03-20: x 1 of 1; f1 not back: y 0 of 1
    by_episode = reentry(mine, days=365, by=("programme",))
    assert by_episode[["programme", "events", "eligible"]].values.tolist() == [["x", 1, 1], ["y", 0, 1]]
    # spells: e1 and e2 are one spell, which the cohort holds by its first enrolment (January); its
    # exit is e2's, which the cohort does not hold, so the spell takes e1's value, the latest it
    # holds (review: it was missing); back on 2024-09-01 (92 days after e2's exit): 1 of 1
    by_spell = reentry(mine, days=365, by=("programme",), gap_days=91)
    assert by_spell[["programme", "events", "eligible"]].values.tolist() == [["x", 1, 1], ["y", 0, 1]]
    # a cohort of every episode holds e2 too: the spell takes the value of e2, its last
    every = amebench.cohort(net).assign(programme=lambda ep: ep["episode_id"].map({"e1": "x", "e2": "z", "f1": "y"}))
    by_spell = reentry(every, days=365, by=("programme",), gap_days=91)
    assert by_spell[["programme", "events", "eligible"]].values.tolist() == [["y", 0, 1], ["z", 1, 1]]


@pytest.mark.parametrize("choice", [{}, {"exited": 2025, "units": ["solna", "jarfalla", "nynashamn"]}])
def test_own_labels_with_gaps_that_vary_within_a_person_group_as_the_network_s_own_column(sample, choice):
    # random labels per episode, a tenth missing, so they vary within a person, a household and
    # a spell: each metric's table by them as an own column equals its table by them written
    # into the network's gender column (which every metric reads from the episode it counts)
    rng = np.random.default_rng(5)
    labels = rng.choice(np.array(["x", "y", "z", None], dtype=object), len(sample.episodes), p=[0.4, 0.3, 0.2, 0.1])
    coh = amebench.cohort(sample, **choice)
    relabelled = _relabelled(coh, "gender", labels)
    mine = coh.assign(label=relabelled.episodes["gender"])
    for metric, run in OWN_METRICS.items():
        if metric == "flows" and choice:
            continue  # flows refuses a cohort chosen by exit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = run(mine, ("unit", "label"))
            expected = run(relabelled, ("unit", "gender")).rename(columns={"gender": "label"})
        assert got["label"].isna().any(), metric
        pd.testing.assert_frame_equal(got, expected, obj=metric)


def test_an_input_column_named_like_a_worked_out_one_is_refused():
    # review: a DataFrame's own exit_year (a fiscal year) was replaced by the year of exited_on
    # without a word, and an own age_band raised KeyError 'birth_year'
    frame = pd.DataFrame({"unit": "a", "episode_id": list("1234"), "enrolled_on": pd.to_datetime(["2024-01-01"] * 4),
                          "exited_on": pd.to_datetime(["2024-05-01", "2024-08-01", "2024-09-01", "2024-10-01"]),
                          "exit_reason": ["work", "dropped_out", "studies", "work"],
                          "exit_year": [2024, 2024, 2025, 2025], "age_band": ["young", "old", "young", "old"]})
    for column in ("exit_year", "age_band"):
        with pytest.raises(AmebenchError, match=rf"cannot group by \['{column}'\]: the input has a column of that "
                                                r"name, but amebench works it out itself .* rename your column"):
            outcome_rate(frame, by=(column,))
    with pytest.raises(AmebenchError, match=r"trend groups by exit_year itself, the year of exited_on: drop or "
                                            "rename the DataFrame's own exit_year column"):
        trend(frame, by=())
    assert outcome_rate(frame, by=("unit",))["n"].tolist() == [4]  # not grouped by, the column is no matter
    assert outcome_rate(frame.rename(columns={"exit_year": "fiscal_year"}), by=("fiscal_year",))["n"].tolist() == [2, 2]


def test_welfare_keeps_an_own_column_s_dtype_and_its_missing_group_in_the_difference(sample):
    # review: a float own column's missing group lost its difference row (NaN keys never match),
    # Int64 and boolean columns came back as object, tuple values were cut to their first item
    coh, comparison = amebench.cohort(sample, exited=2025), amebench.cohort(sample, exited=2024)
    score = {"solna": 1.0, "jarfalla": 2.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = welfare_delta(coh.assign(score=lambda ep: ep["unit"].map(score).astype(float)), by=("score",),
                              comparison=comparison.assign(score=lambda ep: ep["unit"].map(score).astype(float)),
                              method="t")
    difference = table[table["group"] == "difference"]
    assert len(difference) == 3 and difference["score"].isna().sum() == 1
    for dtype, mapping in (("Int64", {"solna": 1, "jarfalla": 2}), ("boolean", {"solna": True, "jarfalla": False})):
        mine = coh.assign(x=lambda ep, mapping=mapping, dtype=dtype: pd.array(ep["unit"].map(mapping), dtype=dtype))
        got = welfare_delta(mine, by=("x",), method="t")["x"]
        assert got.dtype == dtype and got.isna().sum() == 1 and len(got) == 3
    tuples = coh.assign(x=lambda ep: pd.Series([("t", i % 3) for i in range(len(ep))], index=ep.index))
    assert welfare_delta(tuples, by=("x",), method="t")["x"].tolist() == [("t", 0), ("t", 1), ("t", 2)]


def test_welfare_labels_each_side_s_groups_by_its_own_values(sample):
    # second review: the comparison's groups took the participants' dtype; its missing values
    # came back True (a lookup lacking some comparison episodes), integers met float NaN (TypeError)
    coh, comparison = amebench.cohort(sample, exited=2025), amebench.cohort(sample, exited=2024)
    keys = ["unit", "episode_id"]
    ips = pd.Series(True, index=pd.MultiIndex.from_frame(coh.episodes[keys]))
    some = pd.Series(False, index=pd.MultiIndex.from_frame(comparison.episodes[keys].iloc[:400]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = welfare_delta(coh.assign(ips=ips), by=("ips",), comparison=comparison.assign(ips=some), method="t")
        halves = comparison.assign(x=lambda ep: np.where(np.arange(len(ep)) % 2, 1.5, np.nan))
        mixed = welfare_delta(coh.assign(x=1), by=("x",), comparison=halves, method="t")
    labels = [None if pd.isna(v) else bool(v) for v in table["ips"]]
    assert list(zip(table["group"], labels)) == [("participants", True), ("comparison", False), ("comparison", None)]
    assert mixed[mixed["group"] == "comparison"]["x"].tolist()[0] == 1.5
    assert pd.isna(mixed[mixed["group"] == "comparison"]["x"].tolist()[1])


def _overlapping_network():
    # p1: e1 in unit a, January to December 2024; e2 in unit b, March to June, inside it (one spell,
    # whose exit is e1's, the latest to end, though e2 enrolled later); back in a on 2025-06-01
    episodes = pd.DataFrame({"unit": ["a", "b", "a", "a"], "episode_id": ["e1", "e2", "e3", "f1"],
                             "person_id": ["p1", "p1", "p1", "p2"],
                             "enrolled_on": pd.to_datetime(["2024-01-01", "2024-03-01", "2025-06-01", "2024-01-10"]),
                             "exited_on": pd.to_datetime(["2024-12-01", "2024-06-01", None, "2024-04-01"]),
                             "exit_reason": ["work", "dropped_out", None, "work"]})
    return amebench.Network.from_frames(episodes=episodes, as_of="2025-12-31")


def test_reentry_spells_read_an_own_column_from_the_exit_as_they_read_unit():
    coh = amebench.cohort(_overlapping_network())
    by_unit = reentry(coh, days=365, by=("unit",), gap_days=91)[["unit", "n", "events"]].values.tolist()
    mine = coh.assign(u=lambda ep: ep["unit"].astype(str))
    by_own = reentry(mine, days=365, by=("u",), gap_days=91)[["u", "n", "events"]].values.tolist()
    # two spells (p1's, exit e1 in a on 2024-12-01, back 2025-06-01 within 365 days; p2's in a, not back)
    assert by_unit == by_own == [["a", 2, 1]]


def test_reentry_spells_with_an_own_column_and_no_episode_held():
    empty = amebench.cohort(amebench.load_sample(), exited=2010).assign(x="a")
    assert reentry(empty, by=("x",), gap_days=91).empty
    # one spell (e1 and e2, 21 days apart) enrolled in 2024 and exited in 2025: a member of the
    # cohort, which holds neither episode (e1 exits in 2024, e2 enrols in 2025): its value is missing
    episodes = pd.DataFrame({"unit": "a", "episode_id": ["e1", "e2"], "person_id": "p1",
                             "enrolled_on": pd.to_datetime(["2024-01-05", "2025-01-10"]),
                             "exited_on": pd.to_datetime(["2024-12-20", "2025-03-01"]), "exit_reason": "work"})
    coh = amebench.cohort(amebench.Network.from_frames(episodes=episodes, as_of="2025-12-31"), enrolled=2024,
                          exited=2025)
    got = reentry(coh.assign(x="x"), days=200, by=("x",), gap_days=91)
    assert len(coh.episodes) == 0 and pd.isna(got["x"].item()) and got[["n", "eligible"]].values.tolist() == [[1, 1]]


def test_assign_takes_a_lookup_with_its_levels_in_either_order_and_one_value_as_an_array(sample):
    coh = amebench.cohort(sample, exited=2025)
    table = coh.episodes[["unit", "episode_id"]].assign(programme=lambda t: np.where(t["unit"] == "solna", "a", "b"))
    expected = table["programme"].tolist()
    for order in (["unit", "episode_id"], ["episode_id", "unit"]):
        assert coh.assign(programme=table.set_index(order)["programme"]).episodes["programme"].tolist() == expected
    with pytest.raises(AmebenchError, match=r"is indexed by \[None, None\]; a lookup table's index is unit and "
                                            "episode_id, named so"):
        coh.assign(programme=table.set_index(["unit", "episode_id"])["programme"].rename_axis([None, None]))
    assert set(coh.assign(programme=np.array(5)).episodes["programme"]) == {5}
    with pytest.raises(AmebenchError, match=r"every label of cohort.episodes.index once"):
        coh.assign(programme=table["programme"].iloc[:10])
