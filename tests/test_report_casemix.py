"""Tests of the report's case-mix table: whom each unit's exits were."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import amebench
from amebench.compare.riskadjust import DEFAULT_CASEMIX, prior_welfare_months
from amebench.report import benchmark_report
from amebench.report.casemix import casemix_profile


@pytest.fixture(scope="module")
def sample():
    net = amebench.load_sample()
    return net, amebench.cohort(net)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("casemix")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", amebench.exceptions.AmebenchWarning)
        path = benchmark_report(amebench.load_sample(), out, lang="sv")
    return out, path


def test_each_unit_s_exits_are_counted_by_level_as_the_episodes_have_them(sample):
    # Counted here from the episodes themselves (the exits by as_of), variable by variable
    net, coh = sample
    table = casemix_profile(coh, DEFAULT_CASEMIX).set_index(["unit", "variable", "level"])["n"]
    exits = coh.episodes[coh.episodes["exited_on"].notna() & (coh.episodes["exited_on"] <= coh.as_of)]
    for variable in ("gender", "readiness", "referral"):
        counts = exits.groupby(["unit", exits[variable].astype(object).fillna("unknown")]).size()
        for (unit, level), n in counts.items():
            assert table[(unit, variable, level)] == n, (unit, variable, level)
    abroad = exits.groupby(["unit", exits["born_abroad"].map({True: "yes", False: "no"})]).size()
    assert all(table[(unit, "born_abroad", level)] == n for (unit, level), n in abroad.items())
    age = exits["enrolled_on"].dt.year - exits["birth_year"]  # bands of schema.AGE_BANDS, checked by hand
    bands = pd.cut(age, bins=[16, 25, 35, 45, 55, 65, 200], right=False,
                   labels=["16-24", "25-34", "35-44", "45-54", "55-64", "65+"])
    assert all(table[(unit, "age_band", level)] == n
               for (unit, level), n in exits.groupby(["unit", bands], observed=True).size().items())
    # every level of a variable in every unit, 0 where none, adding up to the unit's exits
    sums = table.groupby(level=["unit", "variable"]).sum().unstack()
    assert (sums.T == exits.groupby("unit").size()).all().all()
    assert table[("jarfalla", "age_band", "65+")] == 0


def test_months_on_welfare_are_banded_where_the_ledger_covers_the_year_before(sample):
    # prior_welfare_months (the model's definition) in quarters of the year, where the unit's
    # payment rows (its first month with one, here) cover the 12 months before the enrolment;
    # unknown where they do not
    net, coh = sample
    table = casemix_profile(coh, ("prior_welfare_months",)).set_index(["unit", "level"])["n"]
    exits = coh.episodes[coh.episodes["exited_on"].notna() & (coh.episodes["exited_on"] <= coh.as_of)]
    months = pd.Series(prior_welfare_months(net.payments, exits), index=exits.index)
    first_paid = net.payments.groupby("unit")["month"].min()
    year_before = exits["enrolled_on"].dt.to_period("M").dt.to_timestamp() - pd.DateOffset(months=12)
    covered = year_before >= first_paid.reindex(exits["unit"]).to_numpy()
    bands = pd.cut(months[covered], bins=[0, 4, 7, 10, 13], right=False, labels=["0-3", "4-6", "7-9", "10-12"])
    counts = bands.groupby(exits.loc[covered, "unit"]).value_counts()
    for (unit, level), n in counts.items():
        assert table[(unit, level)] == n, (unit, level)
    unknown = (~covered).groupby(exits["unit"]).sum()
    assert all(table.get((unit, "unknown"), 0) == n for unit, n in unknown.items())
    assert unknown.sum() > 0 and list(table["jarfalla"].index) == ["0-3", "4-6", "7-9", "10-12", "unknown"]


def test_the_published_case_mix_hides_no_count_alone(report):
    # The levels of a variable add up to the unit's exits (published): a single hidden count in
    # a unit's variable would be its exits minus the others. Every unit's shown shares are
    # its counts over its exits.
    out, _ = report
    table = pd.read_csv(out / "tables" / "casemix.csv")
    hidden = table["n"].isna().groupby([table["unit"], table["variable"]]).sum()
    assert hidden.max() >= 2 and not (hidden == 1).any()
    rates = pd.read_csv(out / "tables" / "outcome_rates.csv").set_index("unit")["n"]
    shown = table.dropna(subset=["n"])
    assert np.allclose(shown["share"], shown["n"] / rates.reindex(shown["unit"]).to_numpy())
    assert table.loc[table["n"].isna(), "share"].isna().all()  # a share would give its count back


def test_the_page_shows_a_table_of_shares_per_variable(report):
    _, path = report
    page = path.read_text(encoding="utf-8")
    section = page[page.index("id='outcome'"):page.index("id='retention'")]
    titles = re.findall(r"<h4>([^<]*)</h4>", section)
    assert titles == ["Åldersgrupp", "Kön", "Utrikes född", "Arbetsmarknadsnärhet", "Remitterad av",
                      "Månader med försörjningsstöd året före"]
    assert "<th title='ja'>ja</th><th title='nej'>nej</th>" in section
    assert re.search(r"<td>Södertälje</td><td class='num'>68,3\u00a0%</td>", section)  # born abroad: 68.3 %


def test_a_unit_hidden_in_the_rates_is_hidden_in_the_case_mix(tmp_path):
    # its levels add up to its exits: published beside its hidden rate they would give them back
    net = amebench.load_sample()
    small = net.episodes[(net.episodes["unit"] != "nynashamn") | (net.episodes["exited_on"] < "2023-10-01")]
    tiny = amebench.Network.from_frames(episodes=small, units=net.units, followups=net.followups,
                                        payments=net.payments, as_of=net.as_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark_report(tiny, tmp_path)
    rates = pd.read_csv(tmp_path / "tables" / "outcome_rates.csv").set_index("unit")
    assert np.isnan(rates.loc["nynashamn", "n"])
    table = pd.read_csv(tmp_path / "tables" / "casemix.csv")
    assert table.loc[table["unit"] == "nynashamn", ["n", "share"]].isna().all().all()
