"""Tests of pairwise differences (Newcombe 1998) and multiplicity adjustment."""

import numpy as np
import pandas as pd
import pytest

from amebench.compare import pairwise
from amebench.compare.pairwise import difference
from amebench.exceptions import AmebenchError


def _table(rows):
    return pd.DataFrame(rows, columns=["unit", "events", "n"])


@pytest.mark.parametrize("a,b,low,high", [
    # Newcombe R.G. (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score):
    ((56, 70), (48, 80), 0.0524, 0.3339),   # example (a), difference 0.1833
    ((9, 10), (3, 10), 0.1705, 0.8090),     # example (b), difference 0.6
])
def test_newcombe_hybrid_score_interval(a, b, low, high):
    out = pairwise(_table([("a", *a), ("b", *b)]))
    row = out[out["comparison"] == "pair"].iloc[0]
    assert row["estimate"] == pytest.approx(a[0] / a[1] - b[0] / b[1])
    assert row["ci_low"] == pytest.approx(low, abs=6e-5)
    assert row["ci_high"] == pytest.approx(high, abs=6e-5)


def test_unit_vs_rest_pools_the_other_units():
    out = pairwise(_table([("a", 10, 50), ("b", 20, 50), ("c", 30, 100)]))
    rest = out[out["comparison"] == "unit vs rest"].set_index("unit_a")
    assert (rest.loc["a", "n_b"], rest.loc["a", "events_b"]) == (150, 50)
    assert len(out[out["comparison"] == "pair"]) == 3


def test_holm_and_bh_adjust_within_each_family_by_hand():
    out = pairwise(_table([("a", 10, 50), ("b", 20, 50), ("c", 30, 60)]), adjust="holm")
    pairs = out[out["comparison"] == "pair"].sort_values("p_value")
    p = pairs["p_value"].to_numpy()
    # Holm (1979): sorted p_(i) * (m - i + 1), cumulative max, capped at 1.
    holm = np.minimum(np.maximum.accumulate(p * np.array([3, 2, 1])), 1)
    assert pairs["p_adjusted"].to_numpy() == pytest.approx(holm)
    bh = pairwise(_table([("a", 10, 50), ("b", 20, 50), ("c", 30, 60)]), adjust="bh")
    pairs = bh[bh["comparison"] == "pair"].sort_values("p_value")
    # Benjamini-Hochberg: p_(i) * m / i, cumulative min from the top.
    raw = pairs["p_value"].to_numpy() * 3 / np.array([1, 2, 3])
    assert pairs["p_adjusted"].to_numpy() == pytest.approx(np.minimum.accumulate(raw[::-1])[::-1])
    with pytest.raises(AmebenchError, match="adjust"):
        pairwise(_table([("a", 1, 5), ("b", 2, 5)]), adjust="bonferroni")


def test_interval_holds_estimate_and_null_coverage():
    # Seeded: two units with the same rate; the 95 % interval covers 0 about 95 % of the time.
    rng = np.random.default_rng(3)
    covered = []
    for _ in range(1000):
        diff, low, high, _ = difference(rng.binomial(120, 0.3), 120, rng.binomial(90, 0.3), 90)
        assert low <= diff <= high
        covered.append(low <= 0 <= high)
    assert 0.93 <= np.mean(covered) <= 0.975
