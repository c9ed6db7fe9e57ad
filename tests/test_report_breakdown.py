"""Tests of the report's outcome rate by age band, gender and country of birth (report.breakdown)."""

import numpy as np
import pandas as pd
import pytest

import amebench
from amebench.report.breakdown import by_unit_and_level, exposed, outcome_by_group

# reports built here lay their figures out without rendering them (conftest)
pytestmark = pytest.mark.usefixtures("figures_unrendered")


def _table(coh, outcome="work"):
    return outcome_by_group(by_unit_and_level(coh, outcome=outcome))


def _network(groups) -> amebench.Network:
    """One unit; ``groups`` is a list of (exits, to work, gender, born_abroad, birth_year)."""
    rows = []
    for exits, work, gender, born_abroad, birth_year in groups:
        for i in range(exits):
            rows.append({"gender": gender, "born_abroad": born_abroad, "birth_year": birth_year,
                         "exit_reason": "work" if i < work else "dropped_out"})
    frame = pd.DataFrame(rows).assign(
        unit="a", episode_id=[f"e{i}" for i in range(len(rows))], person_id=[f"p{i}" for i in range(len(rows))],
        enrolled_on=pd.Timestamp("2025-01-10"), exited_on=pd.Timestamp("2025-06-10"))
    frame["born_abroad"] = frame["born_abroad"].astype("boolean")
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return amebench.Network.from_frames(episodes=frame, as_of="2025-12-31")


def test_counts_by_hand_and_wilson_intervals_from_newcombe_1998():
    # Newcombe R.G. (1998), Stat Med 17:857-872, Table II, Wilson score (method 3):
    # 81/263 -> 0.2553 to 0.3662 and 15/148 -> 0.0624 to 0.1605.
    # Women: 263 exits, 81 to work, born 1990 (35 at enrolment in 2025: 35-44), born abroad;
    # men: 148 exits, 15 to work, born 2000 (25: 25-34), born in Sweden.
    net = _network([(263, 81, "woman", True, 1990), (148, 15, "man", False, 2000)])
    table = _table(amebench.cohort(net))
    got = table.set_index(["characteristic", "level"])
    assert list(got.index) == [("age_band", "25-34"), ("age_band", "35-44"), ("gender", "woman"),
                               ("gender", "man"), ("born_abroad", "abroad"), ("born_abroad", "sweden")]
    for women in (("age_band", "35-44"), ("gender", "woman"), ("born_abroad", "abroad")):
        assert got.loc[women, ["n", "events"]].tolist() == [263, 81]
        assert got.loc[women, ["ci_low", "ci_high"]].astype(float).round(4).tolist() == [0.2553, 0.3662]
    for men in (("age_band", "25-34"), ("gender", "man"), ("born_abroad", "sweden")):
        assert got.loc[men, ["n", "events"]].tolist() == [148, 15]
        assert got.loc[men, ["ci_low", "ci_high"]].astype(float).round(4).tolist() == [0.0624, 0.1605]
    assert np.allclose(got["estimate"], got["events"] / got["n"])
    assert set(table["method"]) == {"wilson"} and set(table["conf_level"]) == {0.95}


def test_missing_values_are_the_level_unknown_and_an_unrecorded_characteristic_is_left_out():
    # gender missing and gender "unknown" make one row; nobody's country of birth is known:
    # no born_abroad rows; a birth year missing is the age band "unknown", last
    net = _network([(6, 2, "woman", None, 1980), (3, 1, None, None, None), (4, 0, "unknown", None, 1980)])
    table = _table(amebench.cohort(net))
    assert table[["characteristic", "level", "n", "events"]].values.tolist() == [
        ["age_band", "45-54", 10, 2], ["age_band", "unknown", 3, 1],
        ["gender", "woman", 6, 2], ["gender", "unknown", 7, 1]]


def test_each_characteristic_adds_up_to_the_network_and_the_report_hides_small_levels(tmp_path):
    net = amebench.load_sample()
    coh = amebench.cohort(net)
    table = _table(coh, "work_or_studies")
    network = amebench.metrics.outcome_rate(coh, outcome="work_or_studies", by=())
    sums = table.groupby("characteristic", sort=False)[["n", "events"]].sum()
    assert list(sums.index) == ["age_band", "gender", "born_abroad"]
    assert (sums["n"] == network["n"].item()).all() and (sums["events"] == network["events"].item()).all()
    # one exit aged 65+ at enrolment: hidden, and with it the smallest other age band (else the
    # network's total less the shown bands would give it back)
    assert table.loc[table["level"] == "65+", "n"].item() == 1
    amebench.report.benchmark_report(net, tmp_path)
    shown = pd.read_csv(tmp_path / "tables" / "outcome_by_group.csv", dtype={"level": str})
    hidden = shown.loc[shown["n"].isna(), "level"].tolist()
    assert hidden == ["55-64", "65+"]
    assert shown["estimate"].isna().tolist() == shown["n"].isna().tolist()


@pytest.mark.parametrize("lang,labels", [("en", ["gender", "woman", "other", "other"]),
                                         ("sv", ["kön", "kvinna", "annat", "övrigt"])])
def test_the_page_names_characteristics_and_levels_in_its_language(tmp_path, lang, labels):
    # Newcomer review of 2026-12-07: the gender `other` was "övrigt" in Swedish, the exit
    # reason's word; as a gender it is "annat", in the page and in the workbook alike.
    from openpyxl import load_workbook

    amebench.report.benchmark_report(amebench.load_sample(), tmp_path, lang=lang)
    page = (tmp_path / "report.html").read_text(encoding="utf-8").replace("\n", "")
    characteristic, woman, gender_other, reason_other = labels
    assert f"<td>{characteristic}</td><td>{woman}</td>" in page
    assert f"<td>{characteristic}</td><td>{gender_other}</td>" in page
    assert f"<th title='n (exit_reason = other)'>{reason_other}</th>" in page  # the exit reasons' column, its CSV rows
    assert "<td>16–24</td>" in page and "<td>16-24</td>" not in page  # an age band with an en dash
    rows = [row for ws in load_workbook(tmp_path / "report.xlsx") for row in ws.iter_rows(values_only=True)]
    assert (characteristic, gender_other) in {tuple(row[:2]) for row in rows}


def test_every_level_is_hidden_when_the_network_s_row_is():
    # each characteristic's levels add up to the network's exits: published beside a hidden
    # network row they would give it back
    from amebench.report.publish import _hidden_rows

    table = _table(amebench.cohort(amebench.load_sample()), "work_or_studies")
    assert _hidden_rows(table, "outcome_by_group", 5, {"network"}).all()
    assert _hidden_rows(table, "outcome_by_group", 5, {"solna"}) is None


def _units(spec) -> amebench.Network:
    """Units of (unit, exits with a birth year, exits without one); every other exit to work, born 1990."""
    rows = []
    for unit, known, unknown in spec:
        for i in range(known + unknown):
            rows.append({"unit": unit, "episode_id": f"{unit}{i}", "person_id": f"{unit}p{i}",
                         "birth_year": 1990 if i < known else None, "gender": "woman" if i % 3 else "man",
                         "born_abroad": bool(i % 2), "exit_reason": "work" if i % 2 else "dropped_out"})
    frame = pd.DataFrame(rows).assign(enrolled_on=pd.Timestamp("2025-01-10"), exited_on=pd.Timestamp("2025-06-10"))
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return amebench.Network.from_frames(episodes=frame, as_of="2025-12-31")


def test_a_level_that_gives_a_unit_s_other_exits_away_is_marked(tmp_path):
    # c: 2 exits aged 35 and 98 without a birth year; d: 120 aged 35. "unknown" is c's alone:
    # c's 100 published exits less its 98 give its 2 with an age (1 to work, 1 not) away.
    # 35-44 is every unit's: what it leaves is the other levels' total, which the table has.
    coh = amebench.cohort(_units([("c", 2, 98), ("d", 120, 0)]))
    counts = by_unit_and_level(coh, outcome="work")
    table = outcome_by_group(counts)
    marked = table.loc[exposed(counts, table, min_cell=5), ["characteristic", "level"]].values.tolist()
    assert marked == [["age_band", "unknown"]]
    # at min_cell 2 the 2 exits may be shown, but not their 1 to work and 1 not; at 1 all may
    assert table.loc[exposed(counts, table, min_cell=2), "level"].tolist() == ["unknown"]
    assert not exposed(counts, table, min_cell=1).any()
    # the report hides it, and 35-44 with it (else the network's exits less 35-44 give it back)
    amebench.report.benchmark_report(coh.network, tmp_path)
    shown = pd.read_csv(tmp_path / "tables" / "outcome_by_group.csv", dtype={"level": str})
    ages = shown[shown["characteristic"] == "age_band"]
    assert ages["n"].isna().all() and len(ages) == 2


def test_on_the_sample_no_level_gives_a_unit_away():
    coh = amebench.cohort(amebench.load_sample())
    counts = by_unit_and_level(coh, outcome="work_or_studies")
    assert not exposed(counts, outcome_by_group(counts), min_cell=5).any()


def test_the_exits_of_hidden_units_are_left_out(tmp_path):
    # review 47: a (3 exits) is hidden in the rates table and b (20, no birth years) with it;
    # counting b's exits, the level "unknown" was b's 20, and the network less c, d and b gave a
    c_d = [("c", 100, 0), ("d", 120, 0)]
    net = _units([("a", 3, 0), ("b", 0, 20), *c_d])
    out = amebench.report.benchmark_report(net, tmp_path)
    rates = pd.read_csv(tmp_path / "tables" / "outcome_rates.csv").set_index("unit")
    assert rates.loc[["a", "b"], "n"].isna().all() and rates.loc[["c", "d"], "n"].notna().all()
    shown = pd.read_csv(tmp_path / "tables" / "outcome_by_group.csv", dtype={"level": str})
    assert "unknown" not in set(shown["level"])
    for characteristic, part in shown.groupby("characteristic"):
        assert part["n"].sum() == rates.loc[["c", "d"], "n"].sum() == 220, characteristic
    page = out.read_text(encoding="utf-8")
    assert "leaves out the exits of a and b, whose counts are hidden" in page
