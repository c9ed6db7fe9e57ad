"""On the KNUT sample, the estimates recover the true parameters in truth.json."""

import json

import pytest

import amebench
from amebench import metrics


@pytest.fixture(scope="module")
def truth():
    return json.loads((amebench.sample_path() / "truth.json").read_text(encoding="utf-8"))["units"]


@pytest.fixture(scope="module")
def coh():
    return amebench.cohort(amebench.load_sample())


def test_outcome_rates_cover_the_true_expected_rates(coh, truth):
    out = metrics.outcome_rate(coh).set_index("unit")
    covered = [out.loc[u, "ci_low"] <= t["expected_rate"] <= out.loc[u, "ci_high"] for u, t in truth.items()]
    assert sum(covered) >= 4  # 95 % intervals: all five expected, four required


def test_median_durations_cover_the_true_medians(coh, truth):
    out = metrics.durations(coh)
    out = out[out["quantity"] == "median_days"].set_index("unit")
    covered = [out.loc[u, "ci_low"] <= t["median_duration_days"] <= out.loc[u, "ci_high"] for u, t in truth.items()]
    assert sum(covered) >= 4
