"""Tests of risk adjustment (indirect standardisation)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import amebench
from amebench import compare, metrics
from amebench.compare.riskadjust import c_statistic
from amebench.exceptions import AmebenchError, CaseMixWarning


@pytest.fixture(scope="module")
def sample_result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CaseMixWarning)
        return compare.risk_adjusted(amebench.cohort(amebench.load_sample()))


def test_c_statistic_by_hand():
    # events scored 0.9, 0.4; non-events 0.6, 0.4, 0.1. Pairs (event > non-event):
    # 0.9 beats all 3; 0.4 beats 0.1, ties 0.4 (1/2), loses to 0.6 -> (3 + 1.5) / 6 = 0.75.
    assert c_statistic([1, 1, 0, 0, 0], [0.9, 0.4, 0.6, 0.4, 0.1]) == pytest.approx(0.75)


def test_oe_interval_is_the_exact_poisson_one(sample_result):
    # Exact Poisson 95 % limits for 10 events: 4.7954 and 18.3904 (Garwood 1936;
    # tabulated e.g. in Ulm K. (1990) Am J Epidemiol 131:373). Checked via one unit:
    table = pd.DataFrame({
        "unit": ["a"] * 40 + ["b"] * 40, "episode_id": [str(i) for i in range(80)],
        "person_id": [f"p{i}" for i in range(80)],
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "exit_reason": (["work"] * 10 + ["dropped_out"] * 30) * 2,
        "gender": (["woman", "man"] * 20) * 2, "birth_year": 1990, "born_abroad": False,
        "readiness": "near", "referral": "self",
    })
    out = compare.risk_adjusted(table, casemix=("gender",)).table.set_index("unit")
    assert out.loc["a", "observed"] == 10
    assert out.loc["a", "oe_ci_low"] * out.loc["a", "expected"] == pytest.approx(4.7954, abs=1e-4)
    assert out.loc["a", "oe_ci_high"] * out.loc["a", "expected"] == pytest.approx(18.3904, abs=1e-4)


def test_expected_adds_up_to_observed_over_the_network(sample_result):
    # A logistic MLE with an intercept reproduces the total: sum of p-hat = sum of y.
    table = sample_result.table
    assert table["expected"].sum() == pytest.approx(table["observed"].sum(), rel=1e-6)
    calib = sample_result.calibration
    assert calib["n"].sum() == table["n"].sum()
    assert 0.5 < sample_result.c_statistic < 1


def test_sample_adjusted_ranking_changes_as_truth_says(sample_result):
    truth = json.loads((amebench.sample_path() / "truth.json").read_text(encoding="utf-8"))["units"]
    raw = metrics.outcome_rate(amebench.cohort(amebench.load_sample())).set_index("unit")["estimate"]
    adjusted = sample_result.table.set_index("unit")
    adjusted_rank = adjusted["estimate"].rank(ascending=False)
    # The units truth ranks 1-3 after adjustment are recovered in that order, and Solna,
    # first on raw rates, drops to the bottom two once case-mix is taken into account.
    for unit in ("sodertalje", "sundbyberg", "jarfalla"):
        assert adjusted_rank[unit] == truth[unit]["adjusted_rank"]
    assert raw.rank(ascending=False)["solna"] <= 2 and adjusted_rank["solna"] >= 4
    # each true standardised rate lies in its interval
    for unit, row in adjusted.iterrows():
        assert row["ci_low"] <= truth[unit]["standardised_rate"] <= row["ci_high"], unit


def test_unseen_case_mix_warns_and_bad_casemix_errors():
    table = pd.DataFrame({
        "unit": ["a"] * 20 + ["b"] * 20, "episode_id": [str(i) for i in range(40)],
        "person_id": [f"p{i}" for i in range(40)],
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "exit_reason": ["work", "dropped_out"] * 20,
        "readiness": ["far"] * 20 + ["near"] * 20,
    })
    with pytest.warns(CaseMixWarning, match="readiness = 'far'"):
        compare.risk_adjusted(table, casemix=("readiness",))
    with pytest.raises(AmebenchError, match="shoe_size"):
        compare.risk_adjusted(table, casemix=("shoe_size",))
    with pytest.raises(AmebenchError, match="prior_welfare_months"):
        compare.risk_adjusted(table, casemix=("prior_welfare_months",))
