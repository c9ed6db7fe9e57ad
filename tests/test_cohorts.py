"""Tests of cohort selection and as_of censoring."""

import datetime
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amebench
from amebench import _idcodes, schema
from amebench.cohorts import period_bounds
from amebench.exceptions import AmebenchError
from amebench.metrics import welfare_delta


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
    # one day, however it is written
    ("2024-03-05", "2024-03-05", "2024-03-05"),
    (20240305, "2024-03-05", "2024-03-05"),
    (datetime.date(2024, 3, 5), "2024-03-05", "2024-03-05"),
    (pd.Timestamp("2024-03-05 14:00"), "2024-03-05", "2024-03-05"),
    (np.datetime64("2024-03-05"), "2024-03-05", "2024-03-05"),
])
def test_period_bounds_are_inclusive_days(period, first, last):
    assert period_bounds(period) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("period,first,last", [
    # API review 2026-12-05 (H1, H2): a pair of years was read as nanoseconds after 1970
    # (an empty cohort) and a pair of months or quarters ended on its last part's first day.
    ((2024, 2025), "2024-01-01", "2025-12-31"),
    (("2025-01", "2025-06"), "2025-01-01", "2025-06-30"),
    (("2024Q1", "2024Q4"), "2024-01-01", "2024-12-31"),
    ((datetime.date(2024, 3, 5), "2024-04"), "2024-03-05", "2024-04-30"),
    # national review: the text --exited takes (ISO 8601's interval mark) was an error here
    ("2025-01/2025-06", "2025-01-01", "2025-06-30"),
    ("2024Q3/2025", "2024-07-01", "2025-12-31"),
])
def test_a_pair_runs_from_the_first_day_of_one_to_the_last_day_of_the_other(period, first, last):
    assert period_bounds(period) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("period", ["12/03/2025", ("01/02/2025", "28/02/2025"), "30/06/2025", 45123, 2024.0,
                                    ("2024", "2025", "2026"), "12/2025", "2024/2025/2026"])
def test_a_period_not_in_iso_order_is_an_error(period):
    # API review H3: "12/03/2025" was read as 3 December and "30/06/2025" as 30 June.
    with pytest.raises(AmebenchError, match="ISO order"):
        period_bounds(period)


def test_exited_period_keeps_exits_on_its_last_day(net):
    c = amebench.cohort(net, exited=2024)
    assert c.episodes["episode_id"].tolist() == ["1"]  # 2024-12-31 is in, 2025-01-01 is not


def test_enrolled_and_units_select(net):
    assert amebench.cohort(net, enrolled=2024).episodes["episode_id"].tolist() == ["1", "2", "3"]
    assert amebench.cohort(net, units=["b"]).episodes["episode_id"].tolist() == ["3", "4"]
    with pytest.raises(AmebenchError, match=r"unknown unit\(s\) \['c'\]"):
        amebench.cohort(net, units=["c"])
    assert amebench.cohort(net, units="b").units == ("b",)


def test_an_unknown_unit_is_matched_to_a_known_one():
    # Review at national size: a misspelt unit got a list of all 290 ids and no suggestion
    net = amebench.load_sample()
    with pytest.raises(AmebenchError) as caught:
        amebench.cohort(net, units=["jarfala"])
    assert str(caught.value) == ("unknown unit(s) ['jarfala'] (did you mean ['jarfalla']?); the network has 5 units: "
                                 "['jarfalla', 'nynashamn', 'sodertalje', 'solna', 'sundbyberg']")


@pytest.mark.parametrize("units", [180, ["b", 180]])
def test_units_not_text_is_a_clear_error(net, units):
    given = "180 (int)"  # was tuple(180): a bare TypeError
    with pytest.raises(AmebenchError, match=rf"units takes unit ids as text.*got {re.escape(given)}"):
        amebench.cohort(net, units=units)


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


# -- the selection in one mask, and the network's id codes carried to the cohort ------

def _chained(network, *, exited=None, enrolled=None, units=None, as_of):
    """The cohort's episodes by the filters one after another (the code before 2026-12-04),
    kept as the reference for the single mask that replaced it."""
    episodes = network.episodes
    if units is not None:
        episodes = episodes[episodes["unit"].isin(units)]
    episodes = episodes[episodes["enrolled_on"] <= as_of]
    not_yet = episodes["exited_on"] > as_of
    if not_yet.any():
        episodes = episodes.copy()
        episodes.loc[not_yet, "exited_on"] = pd.NaT
        episodes.loc[not_yet, "exit_reason"] = pd.NA
    if exited is not None:
        episodes = episodes[episodes["exited_on"].between(*period_bounds(exited))]
    if enrolled is not None:
        episodes = episodes[episodes["enrolled_on"].between(*period_bounds(enrolled))]
    return episodes.reset_index(drop=True)


@settings(max_examples=40, deadline=None)
@given(exited=st.sampled_from([None, 2024, 2025, "2025Q2", ("2024-06-01", "2025-03-31")]),
       enrolled=st.sampled_from([None, 2023, 2024, "2024-03"]),
       units=st.one_of(st.none(), st.lists(st.sampled_from(["jarfalla", "solna", "sundbyberg", "nynashamn",
                                                            "sodertalje"]), min_size=1, unique=True)),
       as_of=st.sampled_from([None, "2025-01-15", "2025-06-30", "2024-11-30"]))
def test_cohort_equals_the_filters_one_after_another(sample, exited, enrolled, units, as_of):
    import warnings

    from amebench.exceptions import CensoringWarning

    with warnings.catch_warnings():  # a period after as_of is warned of (tested above); empty here
        warnings.simplefilter("ignore", CensoringWarning)
        got = amebench.cohort(sample, exited=exited, enrolled=enrolled, units=units, as_of=as_of)
    want = _chained(sample, exited=exited, enrolled=enrolled, units=units, as_of=got.as_of)
    pd.testing.assert_frame_equal(got.episodes, want, check_exact=True)


@pytest.fixture(scope="module")
def sample():
    return amebench.load_sample()


@pytest.mark.parametrize("selection", [
    {"exited": 2025, "units": ["solna", "sundbyberg", "jarfalla"]},
    {"as_of": "2025-06-30"},  # exits after as_of censored: the frame is changed after the selection
])
def test_a_cohort_keeps_the_network_s_id_codes(tmp_path, selection):
    # read_parquet takes the saved codes back; a cohort of some rows gets the network's
    # codes at those rows, numbered as hashing its own column numbers them, and its codes
    # in the ledger's space: nothing is hashed, and a metric gives the same table.
    folder = amebench.load_sample().to_parquet(tmp_path / "net")
    net = amebench.read_parquet(folder)
    selected = amebench.cohort(net, **selection)
    assert len(selected.episodes) < len(net.episodes)
    for column in ("unit", "person_id", "household_id"):
        values = selected.episodes[column]
        carried = _idcodes.known_codes(values)
        assert carried is not None
        fresh = _idcodes.id_codes(values.astype(object).astype(schema.STRING))  # new data: hashed
        np.testing.assert_array_equal(carried.codes, fresh.codes)
        assert carried.uniques.to_pylist() == fresh.uniques.to_pylist()
        ledger = _idcodes.known_codes(net.payments[column])
        in_ledger = _idcodes._CODES_IN[(id(_idcodes._arrow_data(values)), id(ledger.uniques))]
        np.testing.assert_array_equal(in_ledger, _idcodes.codes_in(values.astype(object).astype(schema.STRING), ledger))
    with_carried = welfare_delta(selected, months=6, by=("unit",), method="t")
    hashed = amebench.cohort(amebench.read_parquet(folder), **selection)
    _idcodes._ID_CODES.clear()
    _idcodes._CODES_IN.clear()
    pd.testing.assert_frame_equal(with_carried, welfare_delta(hashed, months=6, by=("unit",), method="t"),
                                  check_exact=True)


_NOT_DATES = [20250301, "20250301", "01/03/2025", "1/3/2025", "2025", "2025-03", "2025-02-30", 2025.0, True]


@pytest.mark.parametrize("as_of", _NOT_DATES)
def test_an_as_of_that_is_not_an_iso_date_is_an_error_everywhere(net, as_of):
    # pandas reads 20250301 as a moment of 1970 (cohort: 0 episodes; from_frames: every
    # row "after as_of") and "01/03/2025" as 3 January, where a Swedish reader means
    # 1 March; the command line's --as-of refused them already
    message = f"as_of {as_of!r} is not a date; write it as 'YYYY-MM-DD' (text in ISO form) or give a datetime.date"
    with pytest.raises(AmebenchError) as caught:
        amebench.cohort(net, as_of=as_of)
    assert str(caught.value) == message
    with pytest.raises(AmebenchError) as caught:
        amebench.Network.from_frames(episodes=net.episodes, as_of=as_of)
    assert str(caught.value) == message
    sample = amebench.sample_path()
    with pytest.raises(AmebenchError) as caught:
        amebench.read_export(sample / "solna" / "deltagare.csv", profile=sample / "profiles" / "solna.toml",
                             unit="solna", key="k", as_of=as_of)
    assert str(caught.value) == message


@pytest.mark.parametrize("as_of", ["2025-03-01", " 2025-03-01", "2025-03-01T08:30", pd.Timestamp("2025-03-01 08:30"),
                                   pd.Timestamp("2025-03-01", tz="Europe/Stockholm"), np.datetime64("2025-03-01")])
def test_an_as_of_date_in_any_form_is_its_day(net, as_of):
    import datetime as dt

    assert amebench.cohort(net, as_of=as_of).as_of == pd.Timestamp("2025-03-01")
    assert amebench.cohort(net, as_of=dt.date(2025, 3, 1)).as_of == pd.Timestamp("2025-03-01")


def test_a_period_after_as_of_is_warned_of(net, recwarn):
    # API review 2026-12-05 (L8): exited=2030 gave an empty cohort and empty tables, no word.
    from amebench.exceptions import CensoringWarning

    with pytest.warns(CensoringWarning, match=r"exited=2030 starts 2030-01-01, after as_of 2025-06-30"):
        assert len(amebench.cohort(net, exited=2030).episodes) == 0
    with pytest.warns(CensoringWarning, match=r"enrolled='2025-07' starts 2025-07-01, after as_of 2025-06-30"):
        amebench.cohort(net, enrolled="2025-07")
    recwarn.clear()
    amebench.cohort(net, exited=("2025-06", 2030))  # starts before as_of: part of it is observed
    assert not [w for w in recwarn if "after as_of" in str(w.message)]


def test_an_empty_cohort_says_what_the_data_cover(recwarn):
    # Newcomer review 2026-12-06: exited=2019 (the sample starts 2023-07) gave an empty
    # cohort and empty tables without a word, while exited=2030 warned. The dates are the
    # sample's first and last enrolment and exit up to its as_of, 2026-09-30.
    from amebench.exceptions import CensoringWarning

    net = amebench.load_sample()
    with pytest.warns(CensoringWarning, match=r"^the cohort \(exited=2019\) is empty: the data hold enrolments from "
                                              r"2023-07-01 to 2026-09-30 and exits from 2023-07-16 to 2026-09-30$"):
        assert len(amebench.cohort(net, exited=2019).episodes) == 0
    with pytest.warns(CensoringWarning, match=r"^the cohort \(everything\) is empty: no episode was enrolled by as_of "
                                              r"2023-06-30$"):
        amebench.cohort(net, as_of="2023-06-30")
    with pytest.warns(CensoringWarning) as caught:  # after as_of: one warning, not two
        amebench.cohort(net, exited=2030)
    assert len(caught) == 1 and "after as_of" in str(caught[0].message)
    # the dates of the units asked for: Solna's last enrolment is 2026-09-19 (the network's 2026-09-30)
    with pytest.warns(CensoringWarning, match=r"^the cohort \(exited=2019, units=\['solna'\]\) is empty: the data "
                                              r"hold enrolments from 2023-07-01 to 2026-09-19 and"):
        amebench.cohort(net, exited=2019, units=["solna"])
    recwarn.clear()
    amebench.cohort(net, exited=2025, units=["solna"])
    assert not [w for w in recwarn if issubclass(w.category, CensoringWarning)]


def test_repr_names_ten_units_and_counts_the_rest():
    # National review: a cohort of 290 units printed every name (2,128 characters)
    units = [f"u{i:03d}" for i in range(12)]
    episodes = pd.DataFrame({"unit": units, "episode_id": units, "person_id": units,
                             "enrolled_on": pd.Timestamp("2024-01-01")})
    net = amebench.Network.from_frames(episodes=episodes, as_of="2024-06-30")
    assert repr(amebench.cohort(net, units=units)).endswith("units u000, u001, u002, u003, u004, u005, u006, u007, "
                                                           "u008, u009 and 2 more>")
    assert repr(amebench.cohort(net, units=units[:2])).endswith("units u000, u001>")


def test_repr_says_which_part_of_the_period_is_observed():
    # API review 2026-12-06: amebench.cohort(net, exited=2025, as_of="2025-06-30") printed "exited
    # 2025-01-01–2025-12-31", though no exit after 30 June can be in it
    import warnings

    net = amebench.load_sample()
    assert repr(amebench.cohort(net, exited=2025)).endswith("exited 2025-01-01–2025-12-31; units all>")
    assert repr(amebench.cohort(net, exited=2025, as_of="2025-06-30")).endswith(
        "observed to 2025-06-30; exited 2025-01-01–2025-06-30 (of 2025-01-01–2025-12-31; the rest after as_of); "
        "units all>")
    assert "enrolled 2026-01-01–2026-09-30 (of 2026-01-01–2026-12-31; the rest after as_of)" in repr(
        amebench.cohort(net, enrolled=2026))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty cohort warns
        empty = amebench.cohort(net, exited=2027)
    assert "exited 2027-01-01–2027-12-31 (after as_of: none observed)" in empty._repr_html_()
