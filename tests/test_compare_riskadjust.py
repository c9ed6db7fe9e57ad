"""Tests of risk adjustment (indirect standardisation)."""

import dataclasses
import html
import json
import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest
import statsmodels.api as sm

import amebench
from amebench import compare, metrics
from amebench.compare import riskadjust
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


def _c_by_rankdata(y, score):
    # The Mann-Whitney form with scipy's mid-ranks over every row: the code before the
    # ranks were worked out per distinct score
    from scipy import stats

    y = np.asarray(y, dtype=bool)
    n1, n0 = y.sum(), (~y).sum()
    return (stats.rankdata(score)[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from([0.1, 0.25, 0.5, 0.5000001, 0.9, 1.0])),
                min_size=2, max_size=60))
def test_c_statistic_equals_the_one_from_scipy_ranks(pairs):
    y = [a for a, _ in pairs]
    score = [b for _, b in pairs]
    if all(y) or not any(y):
        assert np.isnan(c_statistic(y, score))
    else:
        assert c_statistic(y, score) == _c_by_rankdata(y, score)  # half-integer rank sums are exact


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-3, 40), min_size=1, max_size=80))
def test_sorted_patterns_are_numpy_unique(codes):
    codes = np.array(codes, dtype=np.int64)
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    got_first, got_inverse = riskadjust._sorted_patterns(codes)
    np.testing.assert_array_equal(got_first, first)
    np.testing.assert_array_equal(got_inverse, inverse)


def test_c_statistic_of_a_missing_score_is_missing():
    assert np.isnan(c_statistic([1, 0, 1], [0.2, float("nan"), 0.3]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["near", "far", "unknown", "Far", "åtta", "10", "9"])),
                min_size=1, max_size=30),
       st.sampled_from(["category", "string", "object"]))
def test_case_mix_levels_are_the_old_texts(values, dtype):
    # Reference: the code before, which wrote every cell out as text
    series = pd.Series(values, dtype=dtype)
    old = series.astype("object").where(series.notna(), "unknown").astype(str)
    new = riskadjust._levels(series)
    assert list(pd.Series(new).astype(str)) == list(old)
    if dtype == "string" or (dtype == "category" and series.notna().any()):  # worked out per distinct value
        assert list(new.categories) == sorted(set(old))  # the distinct texts, sorted, none unused


@pytest.mark.parametrize(("values", "dtype", "want"), [
    ([1, True, 1.0, None], object, ["1", "True", "1.0", "unknown"]),  # hashing would make these one value
    ([0.0, -0.0, None], "float64", ["0.0", "-0.0", "unknown"]),
    ([0.1, None], "float32", [str(np.float32(0.1).item()), "unknown"]),
    ([1, None, 2], "Int64", ["1", "unknown", "2"]),
])
def test_case_mix_levels_of_other_columns_are_the_old_texts(values, dtype, want):
    series = pd.Series(values, dtype=dtype)
    old = series.astype("object").where(series.notna(), "unknown").astype(str)
    assert list(pd.Series(riskadjust._levels(series)).astype(str)) == list(old) == want


def test_case_mix_levels_of_a_nullable_boolean():
    series = pd.Series([True, None, False, True], dtype="boolean")
    assert list(riskadjust._levels(series).astype(str)) == ["True", "unknown", "False", "True"]


def test_oe_interval_is_the_exact_poisson_one():
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
    # By hand: both units have the same genders and outcomes, so every p-hat is the network
    # rate 20/80 = 0.25, E = 40 x 0.25 = 10 and O/E = 1; the standardised rate is
    # O/E x 0.25 = 0.25, its limits 4.7954/10 x 0.25 = 0.119885 and 18.3904/10 x 0.25 = 0.45976.
    assert out.loc["a", "expected"] == pytest.approx(10.0)
    assert out.loc["a", "estimate"] == pytest.approx(0.25)
    assert out.loc["a", "ci_low"] == pytest.approx(0.119885, abs=1e-5)
    assert out.loc["a", "ci_high"] == pytest.approx(0.45976, abs=1e-5)


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
    with pytest.warns(CaseMixWarning) as caught:  # both units' (a match= would re-emit the other)
        got = compare.risk_adjusted(table, casemix=("readiness",))
    assert any("readiness = 'far'" in str(w.message) for w in caught)
    # the same facts as attributes, for a caller that words (or suppresses) them itself
    found = {(w.message.reason, w.message.unit, w.message.column, w.message.level, w.message.episodes)
             for w in caught}
    assert found == {("one_unit", "a", "readiness", "far", 20), ("one_unit", "b", "readiness", "near", 20),
                     # every exit of each unit has its own level: neither can be adjusted
                     ("not_adjustable", "a", None, None, 20), ("not_adjustable", "b", None, None, 20)}
    assert got.table[["expected", "oe_ratio", "estimate", "ci_high"]].isna().all().all()
    assert (got.table["method"] == riskadjust._NOT_ADJUSTABLE).all()
    with pytest.raises(AmebenchError, match="shoe_size"):
        compare.risk_adjusted(table, casemix=("shoe_size",))
    with pytest.raises(AmebenchError, match="prior_welfare_months"):
        compare.risk_adjusted(table, casemix=("prior_welfare_months",))
    # newcomer review 2026-12-06: a bare name was read letter by letter ("casemix ['r', 'e', ...]
    # not supported"), a name given twice was a TypeError from pandas, () was "casemix ()"
    with pytest.warns(CaseMixWarning):
        once = compare.risk_adjusted(table, casemix=("readiness",)).table
    for same in ("readiness", ("readiness", "readiness")):
        with pytest.warns(CaseMixWarning):
            pd.testing.assert_frame_equal(compare.risk_adjusted(table, casemix=same).table, once)
    with pytest.raises(AmebenchError, match=r"^casemix needs at least one variable; choose from \['age_band'"):
        compare.risk_adjusted(table, casemix=())
    # the default order whatever the order given (a set's order varies between runs)
    assert riskadjust.check_casemix({"referral", "age_band", "gender"}) == ("age_band", "gender", "referral")


NO_UNIT = "(no unit)"


def _warn_unseen_with_crosstab(features, units, casemix):
    """risk_adjusted's check as written before 2026-12-04 (pandas.crosstab per column): the reference.

    Since 2026-12-05 exits of no unit count as a holder too (the model sees a level they
    share with one unit elsewhere than in that unit), so they are a column of their own.
    """
    for column in casemix:
        if column in riskadjust._NUMERIC:
            continue
        levels = pd.crosstab(features[column], units.astype(str).fillna(NO_UNIT))
        only_one = levels[(levels > 0).sum(axis=1) == 1]
        for level, row in only_one.iterrows():
            unit = row.idxmax()
            if unit == NO_UNIT:
                continue
            if units.nunique() > 1:
                count = int(row.max())
                warnings.warn(CaseMixWarning(
                    f"unit {unit} is the only unit with {column} = {level!r} ({riskadjust._episodes(count)}): "
                    "the model has seen this case-mix only there, so its expected count rests on itself",
                    unit=str(unit), column=column, level=str(level), episodes=count))


def test_unseen_case_mix_warnings_equal_crosstabs():
    # The check counts (level, unit) pairs with a bincount of codes; the warnings (order,
    # text and attributes) must be those of the crosstab version, on tables with rare
    # levels, missing units, one unit only, and levels that sort differently as text.
    def caught(check, features, units, casemix):
        with warnings.catch_warnings(record=True) as found:
            warnings.simplefilter("always")
            check(features, units, casemix)
        return [(str(w.message), w.message.unit, w.message.column, w.message.level, w.message.episodes)
                for w in found]

    # two levels of one column seen in one unit each, first seen out of sorted order
    units = pd.Series(["b", "a", "a", "b", None, "a"], dtype=amebench.schema.STRING)
    features = pd.DataFrame({"readiness": ["zz", "aa", "near", "near", "yy", "yy"]}).astype(str)
    want = caught(_warn_unseen_with_crosstab, features, units, ("readiness",))
    assert [w[3] for w in want] == ["aa", "zz"]  # yy: unit a's and an exit of no unit's
    assert caught(riskadjust._only_in_one_unit, features, units, ("readiness",)) == want
    warned = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 400))
        unit_pool = ["a", "b", "B", "c10", "c9", "ö"][: int(rng.integers(1, 7))]
        units = pd.Series(rng.choice(unit_pool, n), dtype=amebench.schema.STRING)
        units[rng.random(n) < 0.05] = pd.NA
        features = pd.DataFrame({
            "readiness": rng.choice(["near", "far", "unknown", "Z", "ä"], n, p=[0.5, 0.3, 0.1, 0.05, 0.05]),
            "gender": rng.choice(["woman", "man", "x"], n, p=[0.5, 0.49, 0.01]),
            "prior_welfare_months": rng.integers(0, 13, n).astype("float64"),
        }).astype({"readiness": str, "gender": str})
        casemix = ("readiness", "prior_welfare_months", "gender")
        want = caught(_warn_unseen_with_crosstab, features, units, casemix)
        assert caught(riskadjust._only_in_one_unit, features, units, casemix) == want, seed
        warned += len(want)
    assert warned >= 5  # the drawn tables do have levels seen in one unit (7 warnings)


# The case-mix GLM fitted on grouped patterns (freq_weights) equals the row-level fit.
#
# Reference: statsmodels GLM (Binomial, logit) fitted on one row per exited episode of the
# bundled sample, the way risk_adjusted fitted it before the grouping; frequency weights
# give the same likelihood, hence the same MLE, standard errors, deviance and log-likelihood (``results.nobs`` then
# counts patterns; ``results.model.wnobs`` the episodes).


def _exited(cohort):
    episodes, rows = riskadjust._exited_rows(cohort)
    return episodes.take(rows).reset_index(drop=True)


def test_grouped_fit_equals_row_level_fit():
    cohort = amebench.cohort(amebench.load_sample())
    frame = _exited(cohort)
    casemix = riskadjust.DEFAULT_CASEMIX
    features = riskadjust._features(frame, cohort, casemix)
    known = features["prior_welfare_months"].notna().to_numpy()  # the sample's ledger starts 2022-11
    assert 0 < (~known).sum() < 200
    y = frame["exit_reason"].isin(amebench.schema.outcome_reasons("work_or_studies")).to_numpy(
        dtype="float64")
    features, y = features[known], y[known]
    design = pd.get_dummies(features, columns=[c for c in casemix if c != "prior_welfare_months"],
                            drop_first=True, dtype="float64")
    design = sm.add_constant(design, has_constant="add")
    rows = sm.GLM(y, design, family=sm.families.Binomial()).fit()
    fit = riskadjust._fit_grouped(features, y, casemix)
    grouped, p_pattern, y_pattern, counts = fit.model, fit.p_pattern, fit.y_pattern, fit.counts
    p_hat = p_pattern[fit.inverse]
    assert counts.sum() == len(y) and (y_pattern * counts).sum() == y.sum()
    # the c-statistic of the tallied patterns is that of the episodes
    assert riskadjust._c_of_tallies(p_pattern, counts * y_pattern, counts * (1 - y_pattern)) == c_statistic(y, p_hat)
    assert len(grouped.model.endog) < len(y)  # the grouping is real
    assert list(grouped.params.index) == list(rows.params.index)
    np.testing.assert_allclose(grouped.params, rows.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(grouped.bse, rows.bse, rtol=1e-7)
    np.testing.assert_allclose(grouped.deviance, rows.deviance, rtol=1e-10)
    # results.nobs counts pattern rows; the weighted count is the episodes (model.wnobs)
    assert grouped.model.wnobs == rows.nobs == len(y)
    np.testing.assert_allclose(grouped.llf, rows.llf, rtol=1e-10)
    np.testing.assert_allclose(p_hat, rows.predict(design), rtol=0, atol=1e-10)


def test_risk_adjusted_table_unchanged_by_grouping():
    # Row-level reference with statsmodels, one row per exit: the main GLM on the exits
    # whose prior welfare months are known, the GLM of the other variables on every exit
    # (the submodel, for the exits where they are unknown), and the main GLM's intercept
    # shift found as R's glm(p_sub ~ 1, offset = lp, family = quasibinomial) would: an
    # intercept-only Binomial GLM of the submodel's predictions with the main model's
    # linear predictor as offset (its score equation: sum p_sub = sum expit(lp + shift)).
    cohort = amebench.cohort(amebench.load_sample())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CaseMixWarning)
        got = amebench.compare.risk_adjusted(cohort)
    frame = _exited(cohort)
    casemix = riskadjust.DEFAULT_CASEMIX
    features = riskadjust._features(frame, cohort, casemix)
    known = features["prior_welfare_months"].notna().to_numpy()
    y = frame["exit_reason"].isin(amebench.schema.outcome_reasons("work_or_studies")).to_numpy(
        dtype="float64")

    def design(columns, rows):
        return sm.add_constant(pd.get_dummies(
            features.loc[rows, list(columns)], columns=[c for c in columns if c != "prior_welfare_months"],
            drop_first=True, dtype="float64"), has_constant="add")

    main_x = design(casemix, known)
    main = sm.GLM(y[known], main_x, family=sm.families.Binomial()).fit()
    sub_x = design(casemix[:-1], np.ones(len(y), dtype=bool))
    p_sub = np.asarray(sm.GLM(y, sub_x, family=sm.families.Binomial()).fit().predict(sub_x))
    lp = main_x.to_numpy() @ main.params.to_numpy()
    shift = sm.GLM(p_sub[known], np.ones(known.sum()), family=sm.families.Binomial(), offset=lp).fit().params[0]
    p = p_sub.copy()
    p[known] = 1 / (1 + np.exp(-(lp + shift)))
    expected = pd.Series(p).groupby(frame["unit"].astype(str).to_numpy()).sum()
    np.testing.assert_allclose(got.table.set_index("unit")["expected"].loc[expected.index], expected, rtol=1e-8)
    assert abs(shift) > 1e-4  # the shift is real (the main model alone would expect another total)
    assert got.table["expected"].sum() == pytest.approx(got.table["observed"].sum(), rel=1e-9)
    np.testing.assert_allclose(got.model.params, main.params, atol=1e-8)
    # the c-statistic from the two models' pattern tallies is that of the exits' predictions
    assert got.c_statistic == pytest.approx(c_statistic(y, p), abs=1e-12)


def test_a_case_mix_variable_with_one_value_is_left_out_with_a_warning():
    table = _null_units(np.random.default_rng(2), k=4, n=50)  # readiness varies, gender "woman" only
    table["gender"] = "woman"
    with pytest.warns(CaseMixWarning, match=r"gender is 'woman' in all 200 episodes") as caught:
        got = compare.risk_adjusted(table, casemix=("gender", "readiness"))
    assert [(w.message.unit, w.message.column, w.message.episodes) for w in caught] == [(None, "gender", 200)]
    want = compare.risk_adjusted(table, casemix=("readiness",))
    assert got.casemix == ("readiness",)
    assert got.table["method"].iloc[0] == "indirect standardisation, logistic GLM on readiness; exact Poisson CI"
    pd.testing.assert_frame_equal(got.table, want.table)
    # nothing varies: the model is its intercept, so E_j = n_j x the network rate and
    # O/E_j = unit rate / network rate (hand calculation with the counts below)
    table["readiness"] = "near"
    with pytest.warns(CaseMixWarning):
        crude = compare.risk_adjusted(table, casemix=("gender", "readiness"))
    assert crude.casemix == () and "GLM on no case-mix" in crude.table["method"].iloc[0]
    success = table["exit_reason"].eq("work")
    observed = success.groupby(table["unit"]).sum()
    expected = 50 * success.mean()
    np.testing.assert_allclose(crude.table["expected"], np.full(4, expected))
    np.testing.assert_allclose(crude.table["oe_ratio"], observed.to_numpy() / expected)
    assert "case-mix none" in repr(crude)


def test_a_network_without_payments_leaves_prior_welfare_months_out():
    net = amebench.load_sample()
    bare = amebench.Network.from_frames(episodes=net.episodes, units=net.units, as_of=net.as_of)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = compare.risk_adjusted(amebench.cohort(bare))  # statsmodels warned of a rank-deficient design
    messages = [str(w.message) for w in caught]
    assert [m for m in messages if "prior_welfare_months" in m] == [
        f"prior_welfare_months is 'unknown' in all {got.table['n'].sum()} episodes (the network has no payments): "
        "it cannot adjust for anything and is left out of the model"]
    assert not [w for w in caught if not issubclass(w.category, CaseMixWarning)]
    assert "prior_welfare_months" not in got.casemix


def test_exits_with_prior_welfare_unknown_are_expected_from_the_other_variables():
    # Hand-made: the ledgers of units a and c run 2024-01 .. 2024-12, unit b has none.
    # Enrolled 2025-01: the 12 months before (2024-01 .. 2024-12) are covered; enrolled
    # 2024-06 (a2): 2023-06 .. 2024-05 is not, so a2's months are unknown, as are all of b's.
    episodes = pd.DataFrame({
        "unit": ["a"] * 6 + ["b"] * 4 + ["c"] * 4, "episode_id": [f"e{i}" for i in range(14)],
        "person_id": ["a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2", "b3", "b4", "c1", "c2", "c3", "c4"],
        "enrolled_on": ["2025-01-10", "2024-06-01"] + ["2025-01-10"] * 12, "exited_on": "2025-03-01",
        "exit_reason": ["work", "dropped_out", "work", "dropped_out", "dropped_out", "work",
                        "work", "dropped_out", "dropped_out", "work", "work", "dropped_out", "work", "dropped_out"],
        "gender": ["woman", "man", "man", "woman", "man", "woman", "woman", "man", "woman", "man",
                   "woman", "man", "man", "woman"],
    })
    paid = {"a1": "2024-01-01", "a4": "2024-07-01", "a5": "2024-10-01", "c1": "2024-01-01"}  # 12, 6, 3, 12 months
    payments = pd.concat([pd.DataFrame({"unit": person[0], "person_id": person, "amount_sek": 1000.0,
                                        "month": pd.date_range(first, "2024-12-01", freq="MS").strftime("%Y-%m")})
                          for person, first in paid.items()])
    net = amebench.Network.from_frames(episodes=episodes, payments=payments, as_of="2025-06-30")
    with pytest.warns(CaseMixWarning) as caught:
        got = compare.risk_adjusted(amebench.cohort(net), casemix=("gender", "prior_welfare_months"))
    # one warning for every unit (at national size over a hundred units have some)
    assert [(w.message.reason, w.message.units, w.message.episodes, w.message.per_unit) for w in caught] == [
        ("not_covered", ("a", "b"), 5, {"a": (1, 6), "b": (4, 4)})]
    assert str(caught[0].message) == (
        "prior_welfare_months is unknown for 5 episodes (the welfare ledger does not cover the 12 months before "
        "enrolment), in 2 units (a 1 of 6, b 4 of 4); their expected outcome comes from a model of the other "
        "case-mix variables")
    # By hand: the submodel (gender alone, every exit) is saturated: P(work | woman) = 4/7
    # (a1, a6, b1, c1 of a1 a4 a6 b1 b3 c1 c4), P(work | man) = 3/7 (a3, b4, c3 of a2 a3
    # a5 b2 b4 c2 c3). b's exits all come from it: E_b = 4/7 + 3/7 + 4/7 + 3/7 = 2.0; so
    # does a2 (a man), 3/7. The known exits (a1, a3-a6, c1-c4: five women, four men) are
    # expected in total what the submodel expects of them, 20/7 + 12/7 = 32/7; the months
    # split that between a and c: E_a + E_c = 32/7 + 3/7 = 5.0.
    table = got.table.set_index("unit")
    assert table.loc["b", "expected"] == pytest.approx(2.0, rel=1e-9)
    assert table.loc[["a", "c"], "expected"].sum() == pytest.approx(5.0, rel=1e-9)
    assert table.loc["a", "expected"] != pytest.approx(3.0, abs=0.01)  # the submodel's: the months count
    assert got.submodel is not None and list(got.submodel.params.index) == ["const", "gender_woman"]
    assert "prior_welfare_months" in got.model.params.index
    assert table.loc["a", "method"] == (
        "indirect standardisation, logistic GLM on gender, prior_welfare_months; exits with prior_welfare_months "
        "unknown: the GLM of the other variables, fitted on every exit; exact Poisson CI")


def _null_units(rng, k=30, n=300) -> pd.DataFrame:
    """k units of n exits each; case mix differs by unit, the outcome depends on case mix only."""
    unit = np.repeat([f"u{j:02d}" for j in range(k)], n)
    far = rng.random(k * n) < np.repeat(np.linspace(0.1, 0.6, k), n)  # 10 % .. 60 % far from work
    woman = rng.random(k * n) < 0.5
    success = rng.random(k * n) < 1 / (1 + np.exp(-(-0.3 - 1.2 * far + 0.3 * woman)))
    return pd.DataFrame({
        "unit": unit, "episode_id": np.arange(k * n).astype(str), "person_id": np.arange(k * n).astype(str),
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "exit_reason": np.where(success, "work", "dropped_out"),
        "gender": np.where(woman, "woman", "man"), "readiness": np.where(far, "far", "near"),
        "birth_year": 1990, "born_abroad": False, "referral": "self",
    })


def test_oe_interval_covers_one_when_units_differ_only_in_case_mix():
    # Simulation: 40 networks x 30 units x 300 exits, no unit effect, so every unit's true
    # O/E is 1. The exact Poisson interval of O treats O as Poisson; a sum of Bernoullis
    # varies less (sum p(1-p) < sum p), so coverage is at least nominal and, with outcome
    # rates ~0.2-0.5 here, well above it (measured 0.9925 over 1,200 intervals, seed 1).
    # Monte Carlo sd of a 0.95 coverage over 1,200 intervals: 0.006.
    rng = np.random.default_rng(1)
    covered = []
    for _ in range(40):
        out = compare.risk_adjusted(_null_units(rng), casemix=("gender", "readiness")).table
        covered.append(((out["oe_ci_low"] <= 1) & (out["oe_ci_high"] >= 1)).to_numpy())
    coverage = np.concatenate(covered).mean()
    # the upper bound: a 99 % interval covers all 1,200 (test audit of 2026-12-07), and no
    # more than 2 misses would say the interval is too wide for this design
    assert 0.95 - 2 * 0.006 <= coverage <= 0.998


def test_calibration_keeps_tied_predictions_together_whatever_the_row_order():
    # Categorical case mix: many episodes share one prediction. Ranked "first", ties were cut
    # across tenths by row order (sorted by outcome, one tenth showed 0 observed against 62
    # expected). Now a shared prediction is one group, and row order changes nothing.
    rng = np.random.default_rng(3)
    table = _null_units(rng, k=10, n=200)
    ordered = table.sort_values("exit_reason").reset_index(drop=True)
    shuffled = table.sample(frac=1, random_state=1).reset_index(drop=True)
    a = compare.risk_adjusted(ordered, casemix=("gender", "readiness")).calibration
    b = compare.risk_adjusted(shuffled, casemix=("gender", "readiness")).calibration
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
    assert len(a) <= 4  # 2 x 2 case-mix patterns: at most 4 distinct predictions
    assert a["n"].sum() == len(table)


def test_calibration_of_one_prediction_is_one_group():
    # Review of 2026-12-06 (session 38): the only case-mix variable has one value (all
    # women), so the model is the intercept alone and every exit is predicted 30/80. The
    # calibration table was empty (qcut found no interval); by hand it is one group of 80
    # exits, 30 observed, 80 x 30/80 = 30 expected.
    table = _null_units(np.random.default_rng(4), k=2, n=40).assign(
        gender="woman", exit_reason=["work"] * 30 + ["dropped_out"] * 50)
    with pytest.warns(CaseMixWarning):
        calibration = compare.risk_adjusted(table, casemix=("gender",)).calibration
    assert calibration[["group", "n", "observed"]].values.tolist() == [[1, 80, 30]]
    assert calibration["expected"].iloc[0] == pytest.approx(30.0, rel=1e-9)


def test_prior_welfare_months_counts_months_not_rows():
    # by hand: enrolled 2024-03-10, window Mar 2023 - Feb 2024. p1: three payments in
    # June 2023 and one in Jan 2024 -> 2 months; Feb 2023 (before the window), Mar 2024
    # (the enrolment month) and a zero payment in Jul 2023 do not count. p2 (household h):
    # Aug 2023 paid to the person (no household) and to the household -> 1 month.
    episodes = pd.DataFrame({"unit": ["a", "a"], "person_id": ["p1", "p2"], "household_id": [None, "h"],
                             "enrolled_on": pd.to_datetime(["2024-03-10", "2024-03-10"])})
    payments = pd.DataFrame({
        "unit": "a",
        "person_id": ["p1", "p1", "p1", "p1", "p1", "p1", "p1", "p2", None],
        "household_id": [None] * 8 + ["h"],
        "month": pd.to_datetime(["2023-06-01", "2023-06-01", "2023-06-01", "2024-01-01", "2023-02-01",
                                 "2024-03-01", "2023-07-01", "2023-08-01", "2023-08-01"]),
        "amount_sek": [100.0, 200.0, 300.0, 50.0, 900.0, 900.0, 0.0, 400.0, 600.0],
    })
    assert list(riskadjust.prior_welfare_months(payments, episodes)) == [2, 1]


def test_risk_adjusted_result_repr_is_a_short_summary(sample_result):
    # The dataclass repr printed the table, the calibration table and the GLM object.
    text = repr(sample_result)
    assert text == (f"<RiskAdjustedResult of 5 units: case-mix {', '.join(sample_result.casemix)}; "
                    f"c-statistic {sample_result.c_statistic:.3f}>")
    # Jupyter review 2026-12-06: the HTML table repeated the 250-character method in each row
    page = sample_result._repr_html_()
    method = sample_result.table["method"].iloc[0]
    assert sample_result.table["method"].nunique() == 1 and page.count(html.escape(method)) == 1
    assert "<th>method</th>" not in page and "<code>.calibration</code>" in page
    differs = dataclasses.replace(sample_result, table=sample_result.table.assign(method=["a", "b", "a", "a", "a"]))
    assert "<th>method</th>" in differs._repr_html_()  # a unit's own method stays in its row


def test_units_with_known_prior_welfare_keep_their_o_e_when_other_units_lack_it():
    # Simulation: 8 units of 1,500 exits; units differ in months on welfare (mean 2 .. 10),
    # which lower the chance of work strongly (-0.2 a month on the logit). Two units' months
    # are then made unknown (no ledger). Their exits now come from the submodel, which
    # cannot adjust for the months; the other six units' O/E must stay where the full data
    # put them (within 0.05 here, 0.004-0.038 seen), as the whole network stays their
    # reference. Counting the unknown months as 0 (as before 2026-12-05) moved them by up to 0.23.
    for seed in range(3):
        rng = np.random.default_rng(seed)
        unit = np.repeat([f"u{j}" for j in range(8)], 1500)
        prior = np.clip(rng.poisson(np.repeat(np.linspace(2, 10, 8), 1500)), 0, 12).astype("float64")
        woman = rng.random(len(unit)) < 0.5
        logit = 0.8 - 0.2 * prior + 0.3 * woman + np.repeat(rng.normal(0, 0.2, 8), 1500)
        work = rng.random(len(unit)) < 1 / (1 + np.exp(-logit))
        table = pd.DataFrame({"unit": unit, "exit_reason": np.where(work, "work", "dropped_out"),
                              "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
                              "gender": np.where(woman, "woman", "man"), "prior_welfare_months": prior})
        casemix = ("gender", "prior_welfare_months")

        def oe(data):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CaseMixWarning)
                return compare.risk_adjusted(data, casemix=casemix).table.set_index("unit")["oe_ratio"]

        full = oe(table)
        part = table.assign(prior_welfare_months=table["prior_welfare_months"].where(~table["unit"].isin(["u1", "u6"])))
        known = [f"u{j}" for j in (0, 2, 3, 4, 5, 7)]
        assert (oe(part) - full)[known].abs().max() < 0.05, seed
        assert (oe(part.fillna({"prior_welfare_months": 0})) - full)[known].abs().max() > 0.1, seed


def test_a_unit_all_of_whose_exits_have_case_mix_of_its_own_has_no_o_e():
    # Review finding: with birth year missing in Nynäshamn only, age band "unknown" is that
    # unit's alone; its dummy absorbed the unit and O/E came out exactly 1.000 [0.784, 1.257].
    net = amebench.load_sample()
    episodes = net.episodes.assign(birth_year=net.episodes["birth_year"].where(net.episodes["unit"] != "nynashamn"))
    blind = amebench.Network.from_frames(episodes=episodes, units=net.units, payments=net.payments, as_of=net.as_of)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = compare.risk_adjusted(amebench.cohort(blind)).table.set_index("unit")
    alone = [w.message for w in caught if getattr(w.message, "reason", None) == "not_adjustable"]
    assert [(w.unit, w.episodes) for w in alone] == [("nynashamn", table.loc["nynashamn", "n"])]
    assert table.loc["nynashamn", ["expected", "oe_ratio", "oe_ci_low", "estimate", "ci_high"]].isna().all()
    assert table.loc["nynashamn", "method"] == riskadjust._NOT_ADJUSTABLE
    # the other four are the whole comparison, not a group "compared with each other only"
    assert not [w for w in caught if getattr(w.message, "reason", None) == "within_group"]
    assert table.drop(index="nynashamn")["oe_ratio"].notna().all()
    # one unit: its expected count is its observed count whatever the case-mix
    one = compare.risk_adjusted(amebench.cohort(net, units=["solna"]), casemix=("readiness",)).table
    assert one["oe_ratio"].isna().all() and one["method"].iloc[0] == riskadjust._ONE_UNIT


def _caught_risk_adjusted(data, **kwargs):
    """risk_adjusted's result and every warning it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = compare.risk_adjusted(data, **kwargs)
    return got, [w.message for w in caught]


def test_a_unit_whose_known_exits_have_case_mix_of_their_own_is_expected_from_the_submodel():
    # Review finding 2026-12-05: readiness "far" in units a (months known) and b (months
    # unknown) only. Among the exits with known months "far" is a's alone, so the main GLM
    # expected a's exits exactly as observed and the shift then moved them with everyone
    # else's: an O/E of 1 plus the shift, without a word. Now a's exits are the submodel's.
    # By hand, the submodel (readiness alone) is saturated: P(work | far) = (4 + 6) / 20.
    # E_a = 10 x 0.5 = 5, E_b = 10 x 0.5 = 5; c and d (near, months known) are expected
    # together what the submodel expects of them, P(work | near) x 20 = 10 / 20 x 20 = 10.
    work = {"a": [1] * 4 + [0] * 6, "b": [1] * 6 + [0] * 4, "c": [1] * 7 + [0] * 3, "d": [1] * 3 + [0] * 7}
    months = {"a": list(range(10)), "b": [None] * 10, "c": [1, 2, 3, 2, 1, 5, 9, 2, 8, 3],
              "d": [8, 2, 9, 11, 5, 10, 4, 12, 7, 3]}
    table = pd.DataFrame({
        "unit": np.repeat(list(work), 10),
        "exit_reason": np.where(np.concatenate(list(work.values())), "work", "dropped_out"),
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "readiness": ["far"] * 20 + ["near"] * 20, "prior_welfare_months": np.concatenate(list(months.values())),
    })
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "prior_welfare_months"))
    expected = got.table.set_index("unit")["expected"]
    np.testing.assert_allclose(expected[["a", "b"]], [5.0, 5.0], rtol=1e-9)
    assert expected[["c", "d"]].sum() == pytest.approx(10.0, rel=1e-9)
    assert expected["c"] != pytest.approx(expected["d"], abs=0.01)  # the months still tell c from d
    assert [(w.reason, w.units or w.unit) for w in caught if w.reason in ("months_own", "not_covered")] == [
        ("not_covered", ("b",)), ("months_own", "a")]
    # "far" is a's and b's alone, "near" c's and d's: each pair is compared within itself
    assert [(w.units, w.column, w.level) for w in caught if w.reason == "within_group"] == [
        (("a", "b"), "readiness", "far"), (("c", "d"), "readiness", "near")]


def test_the_last_unit_left_when_every_other_cannot_be_adjusted_cannot_be_either():
    # Review finding 2026-12-05: four units each with a case-mix level of their own; Solna,
    # sharing every level, was left as the one unit adjusted, with O/E 0.996 (its expected
    # count is its observed count by construction: the network's total minus the others').
    frame = _exited(amebench.cohort(amebench.load_sample()))
    unit = frame["unit"]
    own = frame.assign(referral=frame["referral"].astype(object).where(unit != "jarfalla", "x1"),
                       readiness=frame["readiness"].astype(object).where(unit != "nynashamn", "x2"),
                       gender=frame["gender"].astype(object).where(unit != "sodertalje", "x3"),
                       birth_year=frame["birth_year"].where(unit != "sundbyberg"))
    got, caught = _caught_risk_adjusted(own, casemix=("age_band", "gender", "readiness", "referral"))
    assert got.table["oe_ratio"].isna().all()
    assert sorted(w.unit for w in caught if w.reason == "not_adjustable") == sorted(got.table["unit"])
    assert "solna" not in {w.unit for w in caught if w.reason == "one_unit"}  # no level of its own


def test_units_sharing_a_level_with_each_other_only_are_compared_within_themselves():
    # Review finding 2026-12-05: birth year missing in Solna and Nynäshamn only. Age band
    # "unknown" is theirs alone, so their expected counts add up to their observed counts
    # (the score equation of its dummy) and their O/E (0.999, 0.982) compares them with
    # each other only; the other three units, with every other age band, likewise.
    frame = _exited(amebench.cohort(amebench.load_sample()))
    blind = frame.assign(birth_year=frame["birth_year"].where(~frame["unit"].isin(["solna", "nynashamn"])))
    got, caught = _caught_risk_adjusted(blind, casemix=("age_band", "gender", "readiness"))
    groups = [w for w in caught if w.reason == "within_group"]
    assert [(w.units, w.column) for w in groups] == [
        (("jarfalla", "sodertalje", "sundbyberg"), "age_band"), (("nynashamn", "solna"), "age_band")]
    assert groups[1].level == "unknown" and "compares them with each other" in str(groups[1])
    table = got.table.set_index("unit")
    for w in groups:
        assert table.loc[list(w.units), "expected"].sum() == pytest.approx(table.loc[list(w.units), "observed"].sum())
    assert table["oe_ratio"].notna().all()


def test_a_level_shared_with_exits_of_no_unit_is_not_a_units_own():
    # Review finding 2026-12-05: unit a's only readiness level "far" is shared with exits
    # whose unit is missing; the model saw it there too, so a's expected count does not
    # equal its observed count and a is adjustable (it was flagged as not adjustable).
    table = _null_units(np.random.default_rng(4), k=3, n=100)
    table["readiness"] = np.where(table["unit"] == "u00", "far", "near")
    table["unit"] = table["unit"].astype(object)
    table.loc[table.index[-20:], ["unit", "readiness"]] = [None, "far"]
    got, caught = _caught_risk_adjusted(table, casemix=("gender", "readiness"))
    assert not [w for w in caught if w.reason in ("not_adjustable", "one_unit")]
    row = got.table.set_index("unit").loc["u00"]
    assert np.isfinite(row["oe_ratio"]) and row["expected"] != pytest.approx(row["observed"], abs=1e-6)


def test_units_flagged_not_adjustable_are_those_whose_expected_count_is_their_observed_count():
    # Property of the score equations, checked by brute force on random small networks:
    # a unit is flagged exactly when E = O for two unrelated draws of the outcomes.
    flagged_seen = unflagged_seen = 0
    for seed in range(25):
        rng = np.random.default_rng(seed)
        k, n = int(rng.integers(2, 6)), 40
        table = _null_units(rng, k=k, n=n)
        table["readiness"] = rng.choice(["near", "far", "uncertain"], k * n)
        for j in range(k):  # some units get a level or several of their own
            if rng.random() < 0.4:
                table.loc[table["unit"] == f"u{j:02d}", "readiness"] = rng.choice([f"own{j}", f"mine{j}"], n)
        results = []
        for draw in range(2):
            table["exit_reason"] = np.where(np.random.default_rng(100 * seed + draw).random(k * n) < 0.4,
                                            "work", "dropped_out")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append(compare.risk_adjusted(table, casemix=("gender", "readiness")).table)
        flagged = results[0]["oe_ratio"].isna().to_numpy()
        assert (results[1]["oe_ratio"].isna().to_numpy() == flagged).all()
        # refit without the check: E - O of each unit, per draw
        features = riskadjust._features(table, table, ("gender", "readiness"))
        gaps = []
        for draw in range(2):
            y = np.where(np.random.default_rng(100 * seed + draw).random(k * n) < 0.4, 1.0, 0.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = riskadjust._fit_grouped(features, y, ("gender", "readiness"))
            gaps.append(pd.Series(fit.p_pattern[fit.inverse] - y).groupby(table["unit"].to_numpy()).sum().abs())
        same = ((gaps[0] < 1e-6) & (gaps[1] < 1e-6)).to_numpy()
        assert (same == flagged).all(), seed
        flagged_seen += flagged.sum()
        unflagged_seen += (~flagged).sum()
    assert flagged_seen >= 5 and unflagged_seen >= 20


def test_prior_welfare_months_left_out_when_its_effect_cannot_be_estimated():
    # Review finding 2026-12-05: with the months known for 16 exits, the main GLM of every
    # variable separated (statsmodels' PerfectSeparationWarning reached the caller); with
    # no outcome among the known exits the months' slope was not estimable at all. The
    # model then leaves the months out, with one CaseMixWarning, and equals the model
    # fitted without them.
    frame = _exited(amebench.cohort(amebench.load_sample()))
    months = riskadjust.prior_welfare_months(amebench.load_sample().payments, frame)
    success = frame["exit_reason"].isin(amebench.schema.outcome_reasons("work_or_studies")).to_numpy()
    few = np.zeros(len(frame), dtype=bool)
    few[np.random.default_rng(0).choice(len(frame), 16, replace=False)] = True
    without = _caught_risk_adjusted(frame, casemix=riskadjust.DEFAULT_CASEMIX[:-1])[0]
    for known in (few, ~success):
        got, caught = _caught_risk_adjusted(frame.assign(prior_welfare_months=np.where(known, months, np.nan)))
        assert [w.reason for w in caught if w.reason != "one_unit"] == ["no_effect"]
        assert not [w for w in caught if not isinstance(w, CaseMixWarning)]
        assert got.casemix == riskadjust.DEFAULT_CASEMIX[:-1]
        pd.testing.assert_frame_equal(got.table, without.table)


def test_prior_welfare_months_that_are_not_months_are_an_error():
    table = _null_units(np.random.default_rng(5), k=2, n=20).assign(prior_welfare_months="3")
    table.loc[3, "prior_welfare_months"] = "three"
    table.loc[4, "prior_welfare_months"] = "13"
    with pytest.raises(AmebenchError, match=r"whole months from 0 to 12 .*other values in 2 of 40 exits, "
                                            r"e\.g\. 'three', '13'"):
        compare.risk_adjusted(table, casemix=("gender", "prior_welfare_months"))
    # review finding 2026-12-05 (F10): True/False (a flag of welfare, not months) was read as 1 and 0
    flags = np.arange(40) % 3 == 0
    for column in (flags, pd.array(flags, dtype="boolean"), pd.Series(flags, dtype=object).where(flags > 0)):
        with pytest.raises(AmebenchError, match="whole months from 0 to 12 .*not True/False"):
            compare.risk_adjusted(table.assign(prior_welfare_months=column), casemix=("gender", "prior_welfare_months"))


def test_unknown_months_in_many_units_are_one_warning_naming_ten():
    table = _null_units(np.random.default_rng(6), k=12, n=30)
    months = np.random.default_rng(7).integers(0, 13, len(table)).astype("float64")
    months[np.arange(len(table)) % 30 < 3] = np.nan  # the first 3 exits of each unit
    got, caught = _caught_risk_adjusted(table.assign(prior_welfare_months=months),
                                        casemix=("readiness", "prior_welfare_months"))
    [short] = [w for w in caught if w.reason == "not_covered"]
    assert short.per_unit == {f"u{j:02d}": (3, 30) for j in range(12)} and short.episodes == 36
    assert "in 12 units (u00 3 of 30, u01 3 of 30, " in str(short) and "u09 3 of 30 and 2 more units)" in str(short)
    assert got.submodel is not None


def test_months_are_kept_when_other_case_mix_columns_are_collinear():
    # Review finding 2026-12-05 (second review): two units record neither birth year nor
    # born abroad, so the two "unknown" dummies coincide. With 5 % of the months unknown the
    # rank check of the main GLM left the months out of the whole network ("no_effect"),
    # though the months themselves are not collinear with anything.
    rng = np.random.default_rng(3)
    table = _null_units(rng, k=8, n=500)
    table["birth_year"] = rng.integers(1960, 2005, len(table)).astype(float)
    table["born_abroad"] = pd.array(rng.random(len(table)) < 0.3, dtype="boolean")
    blind = table["unit"].isin(["u00", "u01"])
    table.loc[blind, "birth_year"] = np.nan
    table.loc[blind, "born_abroad"] = pd.NA
    months = rng.integers(0, 13, len(table)).astype(float)
    table["exit_reason"] = np.where(rng.random(len(table)) < 1 / (1 + np.exp(-(1.0 - 0.2 * months))),
                                    "work", "dropped_out")
    months[rng.random(len(table)) < 0.05] = np.nan
    casemix = ("age_band", "gender", "born_abroad", "readiness", "prior_welfare_months")
    got, caught = _caught_risk_adjusted(table.assign(prior_welfare_months=months), casemix=casemix)
    assert got.casemix == casemix and not [w for w in caught if getattr(w, "reason", None) == "no_effect"]
    assert not [w for w in caught if not isinstance(w, CaseMixWarning)]  # statsmodels' SingularMatrixWarning
    assert got.c_statistic > 0.65  # the months carry the outcome (0.53 without them)


def test_one_outcome_for_every_exit_leaves_every_unit_unadjusted_with_one_warning():
    # Review finding 2026-12-05 (F5): with no exit reaching the outcome the GLM's intercept
    # ran off to -inf (statsmodels' PerfectSeparationWarning x8 reached the caller) and each
    # unit got O/E 0/3.9e-10 = 0 with an upper limit of 9.4e9; a single exit gave 19
    # RuntimeWarnings. By hand: every exit's expected outcome is its outcome (the network's
    # rate, 0 or 1), so E = O for every unit and nothing is left to compare.
    table = _null_units(np.random.default_rng(8), k=3, n=40)
    for reason in ("dropped_out", "work"):
        got, caught = _caught_risk_adjusted(table.assign(exit_reason=reason), casemix=("gender", "readiness"))
        assert [(type(w), w.reason, w.episodes) for w in caught] == [(CaseMixWarning, "predicted", 120)]
        assert "they all have the same outcome" in str(caught[0])
        assert got.table["expected"].isna().all() and got.table["oe_ratio"].isna().all()
        assert (got.table["method"] == riskadjust._PREDICTED).all()
        assert got.model is None and np.isnan(got.c_statistic)
        assert got.table["observed"].tolist() == [0, 0, 0] if reason == "dropped_out" else [40, 40, 40]
    # months known for some exits: the months are not even looked at
    months = np.where(np.arange(len(table)) % 4 == 0, np.nan, np.arange(len(table)) % 13)
    _, caught = _caught_risk_adjusted(table.assign(exit_reason="work", prior_welfare_months=months),
                                      casemix=("gender", "prior_welfare_months"))
    assert [w.reason for w in caught] == ["predicted"]
    # one exit, one unit: the one-unit method, no warning of statsmodels' or numpy's
    got, caught = _caught_risk_adjusted(table.iloc[:1], casemix=("gender", "readiness"))
    assert got.table["method"].tolist() == [riskadjust._ONE_UNIT]
    assert not [w for w in caught if not isinstance(w, CaseMixWarning)]


def test_case_mix_that_separates_the_outcomes_leaves_every_unit_unadjusted():
    # Every "near" exit reaches work, no "far" one does: the GLM predicts each exit's
    # outcome (p-hat within 1e-6 of y), so each unit's E equals its O (by hand: E_j = the
    # number of its "near" exits = O_j). Before, O/E was 1.0 for every unit with an
    # interval, and statsmodels' PerfectSeparationWarning x8 was all the caller heard.
    table = _null_units(np.random.default_rng(9), k=3, n=40)
    table["exit_reason"] = np.where(table["readiness"] == "near", "work", "dropped_out")
    got, caught = _caught_risk_adjusted(table, casemix=("gender", "readiness"))
    assert [(type(w), w.reason) for w in caught] == [(CaseMixWarning, "predicted")]
    assert "separate those with the outcome" in str(caught[0])
    out = got.table.set_index("unit")
    assert out["observed"].tolist() == table.groupby("unit")["readiness"].apply(lambda r: (r == "near").sum()).tolist()
    assert out["oe_ratio"].isna().all() and got.c_statistic == 1.0
    # as many patterns as columns: no numpy 0/0 warnings (review of 2026-12-05, M2: 5 of them)
    alternate = table.assign(readiness=np.where(np.arange(len(table)) % 2 == 0, "near", "far"))
    alternate["exit_reason"] = np.where(alternate["readiness"] == "near", "work", "dropped_out")
    caught = _caught_risk_adjusted(alternate, casemix=("readiness",))[1]
    assert [(type(w), w.reason) for w in caught] == [(CaseMixWarning, "predicted")]
    # two exits of two units, one outcome each: the same, without numpy's divide-by-zero warnings
    got, caught = _caught_risk_adjusted(table.iloc[[0, 45]].assign(exit_reason=["work", "dropped_out"]),
                                        casemix=("gender", "readiness"))
    assert [w.reason for w in caught if w.reason not in ("one_unit", "one_value")] == ["predicted"]
    assert not [w for w in caught if not isinstance(w, CaseMixWarning)]


def test_a_case_mix_column_in_the_span_of_earlier_ones_is_dropped_from_the_design():
    # Born abroad coincides with readiness "far" in every exit: the two dummies are one
    # column. statsmodels' pseudo-inverse fit warned (SingularMatrixWarning) and gave
    # coefficients that are not identified; the design now keeps the first of the two in the
    # order of DEFAULT_CASEMIX (born_abroad before readiness, whatever order casemix gives).
    # Outside reference for the predictions: the fit without the duplicate column, by
    # statsmodels on one row per exit (the predictions depend on the span alone).
    table = _null_units(np.random.default_rng(10), k=4, n=60)
    table["born_abroad"] = table["readiness"] == "far"
    got, caught = _caught_risk_adjusted(table, casemix=("gender", "readiness", "born_abroad"))
    assert not caught
    assert list(got.model.params.index) == ["const", "gender_woman", "born_abroad_True"]
    y = table["exit_reason"].eq("work").to_numpy(dtype=float)
    x = sm.add_constant(pd.DataFrame({"woman": table["gender"].eq("woman"), "near": table["readiness"].eq("near")},
                                     dtype=float))
    p = sm.GLM(y, x, family=sm.families.Binomial()).fit().predict(x)
    want = pd.Series(p).groupby(table["unit"].to_numpy()).sum()
    np.testing.assert_allclose(got.table.set_index("unit")["expected"], want, rtol=1e-9)


def test_independent_columns_keep_the_first_of_each_linear_dependence():
    # By hand: c = a + b lies in the span of a and b; d = 2 x b too; e is new.
    design = pd.DataFrame({"a": [1.0, 1, 0, 0, 1], "b": [0.0, 1, 1, 0, 0], "e": [1.0, 0, 0, 0, 0]})
    design.insert(2, "c", design["a"] + design["b"])
    design.insert(3, "d", 2 * design["b"])
    assert list(riskadjust._independent(design).columns) == ["a", "b", "e"]
    full = design[["a", "b", "e"]]
    assert riskadjust._independent(full) is full


def test_units_whose_known_exits_share_case_mix_only_with_each_other_are_expected_from_the_submodel():
    # Review finding 2026-12-05 (F3, second review): readiness "x" in units a, b (months
    # known for 15 of their 20 exits) and c (months unknown). Among the known exits "x" is
    # a's and b's alone, so the main GLM expected them, together, exactly as observed and
    # the shift moved them (with a's months all known: E_a + E_b = 10 = O_a + O_b moved to
    # 11.04, combined O/E 0.905, without a word, where the network's rate of "x" expects
    # 12). Now their exits are the submodel's: of the parts of the known exits readiness
    # sets apart, {d, e} (20 exits) stays. By hand, the submodel (readiness alone) is saturated:
    # P(work | x) = (4 + 6 + 8) / 30 = 0.6, so E_a = E_b = E_c = 10 x 0.6 = 6; d and e
    # ("near", months known) are expected together what the submodel expects of them,
    # P(work | near) x 20 = (7 + 3) / 20 x 20 = 10.
    work = {"a": 4, "b": 6, "c": 8, "d": 7, "e": 3}
    months = {"a": list(range(5)) + [None] * 5, "b": list(range(2, 12)), "c": [None] * 10,
              "d": [1, 2, 3, 2, 1, 5, 9, 2, 8, 3], "e": [8, 2, 9, 11, 5, 10, 4, 12, 7, 3]}
    table = pd.DataFrame({
        "unit": np.repeat(list(work), 10),
        "exit_reason": np.where(np.concatenate([np.arange(10) < k for k in work.values()]), "work", "dropped_out"),
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "readiness": ["x"] * 30 + ["near"] * 20, "prior_welfare_months": np.concatenate(list(months.values())),
    })
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "prior_welfare_months"))
    expected = got.table.set_index("unit")["expected"]
    np.testing.assert_allclose(expected[["a", "b", "c"]], [6.0, 6.0, 6.0], rtol=1e-9)
    assert expected[["d", "e"]].sum() == pytest.approx(10.0, rel=1e-9)
    assert expected["d"] != pytest.approx(expected["e"], abs=0.01)  # the months still tell d from e
    assert sorted(w.unit for w in caught if w.reason == "months_own") == ["a", "b"]
    # one of c's exits "near" (review of 2026-12-05, H1): among the known exits readiness
    # still splits {a, b} from {d, e}, and among every exit c joins them. Both parts were
    # moved, no known exit was left and the months went out of the whole model; now the
    # one with the most known exits stays ({d, e}). By hand: P(work | x) =
    # 18 / 29, E_a = E_b = 10 x 18/29 = 6.207; E_c = 9 x 18/29 + 10/21 = 6.062.
    got, caught = _caught_risk_adjusted(table.assign(readiness=["x"] * 29 + ["near"] * 21),
                                        casemix=("readiness", "prior_welfare_months"))
    assert got.casemix == ("readiness", "prior_welfare_months")
    np.testing.assert_allclose(got.table.set_index("unit")["expected"][["a", "b", "c"]],
                               [180 / 29, 180 / 29, 162 / 29 + 10 / 21], rtol=1e-9)
    assert sorted(w.unit for w in caught if w.reason == "months_own") == ["a", "b"]
    # among every exit a, b and c hold "x" alone: a group compared within itself, not moved
    table.loc[table["unit"].isin(["a", "c"]), "prior_welfare_months"] = list(range(10)) * 2
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "prior_welfare_months"))
    assert got.submodel is None and not [w for w in caught if w.reason == "months_own"]
    assert [w.units for w in caught if w.reason == "within_group"] == [("d", "e"), ("a", "b", "c")]


def test_closed_groups_by_hand():
    # levels 0..3 (rows) held by units 0..3 and exits of no unit (last column): unit 0 and
    # 1 share level 0 and 1 holds level 1 too; units 2 and 3 share level 2, which exits of
    # no unit also have; level 3 is unit 3's. Closed: {0, 1} with levels {0, 1} only.
    counts = np.array([[3, 2, 0, 0, 0], [0, 4, 0, 0, 0], [0, 0, 1, 5, 2], [0, 0, 0, 6, 0]])
    [(members, levels)] = riskadjust._closed_groups(counts)
    assert members.tolist() == [0, 1] and levels.tolist() == [0, 1]
    counts[2, 4] = 0  # without the exits of no unit {2, 3} is closed too
    assert [m.tolist() for m, _ in riskadjust._closed_groups(counts)] == [[0, 1], [2, 3]]
    counts[:, 2:4] = 0  # units 2 and 3 without exits: {0, 1} is every unit with exits, no group
    assert riskadjust._closed_groups(counts) == []


def test_months_left_out_when_every_unit_with_known_months_has_case_mix_of_its_own():
    # Review finding 2026-12-05 (F4): a and b, the units with known months, each hold a
    # readiness level that among the known exits no other has; both go to the submodel in
    # one round, no known exit is left, and the months are left out. The warning said "too
    # few of them"; it names this case now.
    table = _null_units(np.random.default_rng(11), k=3, n=30)
    table["readiness"] = np.tile(["x", "y"], 45)
    table.loc[table["unit"] == "u00", "readiness"] = "x"
    table.loc[table["unit"] == "u01", "readiness"] = "y"
    months = np.where(table["unit"] == "u02", np.nan, np.arange(90) % 13)
    got, caught = _caught_risk_adjusted(table.assign(prior_welfare_months=months),
                                        casemix=("readiness", "prior_welfare_months"))
    [effect] = [w for w in caught if w.reason == "no_effect"]
    assert "among them, case-mix that is each unit's own" in str(effect) and effect.episodes == 60
    assert got.casemix == ("readiness",) and got.table["oe_ratio"].notna().all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_properties_of_the_result_table(seed):
    # Properties (test audit 2026-12-06: the result table had none): on random networks of
    # 2-5 units, each unit's O/E interval holds its O/E; the standardised rate and its limits
    # are O/E and its limits times the network rate (DESIGN §5: the limits may pass 1, as a
    # ratio's); the expected counts of the units with one add up to their observed counts when
    # every unit has one (the GLM's score equation of the intercept); and the row order of the
    # exits changes nothing.
    rng = np.random.default_rng(seed)
    units = [f"u{j}" for j in range(int(rng.integers(2, 6)))]
    unit = np.repeat(units, rng.integers(4, 40, len(units)))
    gender = rng.choice(["woman", "man"], len(unit))
    ready = rng.choice(["near", "far", "uncertain"], len(unit))
    success = rng.random(len(unit)) < np.where(ready == "near", 0.6, 0.3)
    table = pd.DataFrame({"unit": unit, "episode_id": [str(i) for i in range(len(unit))],
                          "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
                          "exit_reason": np.where(success, "work", "dropped_out"), "gender": gender,
                          "readiness": ready})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CaseMixWarning)
        out = compare.risk_adjusted(table, outcome="work", casemix=("gender", "readiness")).table
        shuffled = compare.risk_adjusted(table.sample(frac=1, random_state=seed % 1000), outcome="work",
                                         casemix=("gender", "readiness")).table
    pd.testing.assert_frame_equal(out, shuffled, check_exact=False, rtol=1e-6)
    assert list(out["observed"]) == [int(success[unit == u].sum()) for u in units]
    rate = success.mean()
    with_oe = out.dropna(subset=["oe_ratio"])
    assert (with_oe["oe_ci_low"] <= with_oe["oe_ratio"] + 1e-12).all()
    assert (with_oe["oe_ratio"] <= with_oe["oe_ci_high"] + 1e-12).all()
    for column, ratio in (("estimate", "oe_ratio"), ("ci_low", "oe_ci_low"), ("ci_high", "oe_ci_high")):
        np.testing.assert_allclose(with_oe[column], with_oe[ratio] * rate, rtol=1e-12)
    if len(with_oe) == len(out):
        assert out["expected"].sum() == pytest.approx(out["observed"].sum(), rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_independent_columns_span_the_design_and_are_independent(seed):
    # Property: dummies and a numeric column, then sums and multiples of them placed
    # anywhere: the columns kept are as many as the design's rank (numpy's SVD rank), and
    # every column of the design lies in their span (least-squares residual ~ 0).
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(3, 40)), int(rng.integers(1, 6))
    base = np.column_stack([np.ones(n), rng.integers(0, 13, n), rng.random((n, k)) < 0.4]).astype(float)
    extra = base @ rng.integers(-2, 3, (base.shape[1], int(rng.integers(0, 4))))
    x = np.column_stack([base, extra])[:, rng.permutation(base.shape[1] + extra.shape[1])]
    kept = riskadjust._independent(pd.DataFrame(x)).to_numpy()
    assert kept.shape[1] == np.linalg.matrix_rank(x) == np.linalg.matrix_rank(kept)
    residual = x - kept @ np.linalg.lstsq(kept, x, rcond=None)[0]
    assert np.abs(residual).max() < 1e-8 * max(1.0, np.abs(x).max())


def _months_and_readiness(rng, unit, ready, months, *, unknown_as: float) -> pd.DataFrame:
    """Exits whose log-odds of work fall 0.2 a month on welfare (``unknown_as`` where unknown)
    and rise 0.5 with readiness "near"."""
    success = rng.random(len(unit)) < 1 / (1 + np.exp(-(0.8 - 0.2 * np.nan_to_num(months, nan=unknown_as)
                                                        + 0.5 * (ready == "near"))))
    return pd.DataFrame({"unit": unit, "exit_reason": np.where(success, "work", "dropped_out"),
                         "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
                         "readiness": ready, "prior_welfare_months": months})


def test_one_unit_without_a_level_leaves_the_months_in_the_model():
    # Review of 2026-12-05 (H1): u00 never records readiness ("unknown" on every exit),
    # u09 has "unknown" among others and no known months. Among the known exits
    # readiness splits u00 from the rest, and both parts were moved: the months went out
    # of the model (c-statistic 0.551 against 0.697 at 30 units x 300). Only u00 goes now.
    rng = np.random.default_rng(7)
    unit = np.repeat([f"u{j:02d}" for j in range(10)], 200)
    ready = rng.choice(["near", "far"], len(unit))
    ready[unit == "u00"] = "unknown"
    last = unit == "u09"
    ready[last] = rng.choice(["near", "far", "unknown"], last.sum())
    months = rng.integers(0, 13, len(unit)).astype(float)
    months[last] = np.nan
    table = _months_and_readiness(rng, unit, ready, months, unknown_as=6)
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "prior_welfare_months"))
    assert got.casemix == ("readiness", "prior_welfare_months")
    assert [w.unit for w in caught if w.reason == "months_own"] == ["u00"]
    assert not [w for w in caught if w.reason == "no_effect"]


def test_groups_compared_within_themselves_add_up_when_some_months_are_unknown():
    # Review of 2026-12-05 (M2b): a and b hold readiness "x" alone, half of a's months
    # are unknown. The main GLM expected a + b exactly as observed and the shift moved
    # them (O 54, E 52.90) while the within_group warning said they add up; every part of
    # the known exits but the largest now goes to the submodel, where they do.
    rng = np.random.default_rng(8)
    unit = np.repeat(["a", "b", "c", "d", "f"], [60, 60, 80, 80, 80])
    ready = np.where(np.isin(unit, ["a", "b"]), "x", rng.choice(["near", "far"], len(unit)))
    months = rng.integers(0, 13, len(unit)).astype(float)
    months[(unit == "a") & (np.arange(len(unit)) % 2 == 0)] = np.nan
    table = _months_and_readiness(rng, unit, ready, months, unknown_as=2)
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "prior_welfare_months"))
    out = got.table.set_index("unit")
    groups = [w.units for w in caught if w.reason == "within_group"]
    assert sorted(groups) == [("a", "b"), ("c", "d", "f")]
    for units in groups:
        assert out.loc[list(units), "expected"].sum() == pytest.approx(out.loc[list(units), "observed"].sum())


def test_a_unit_every_exit_of_which_the_model_predicts_is_not_adjustable():
    # Review of 2026-12-05 (M1): readiness "far" never reaches work, and every exit of u0
    # and u1 is "far". The GLM's "far" coefficient runs off to -inf, p-hat of those exits
    # to 0 (statsmodels warns of nothing, the other exits are not predicted), and u0 had
    # O/E 0 / 8e-10 = 0 with an upper limit of 4.6e9. By hand: E = O = 0 for u0 and u1
    # whatever their size, so they are not adjustable; u2..u5 keep their O/E.
    rng = np.random.default_rng(0)
    table = _null_units(rng, k=6, n=100)
    far = np.where(table["unit"].isin(["u00", "u01"]), True, rng.random(600) < 0.3)
    table["readiness"] = np.where(far, "far", "near")
    table["exit_reason"] = np.where(~far & (rng.random(600) < 0.5), "work", "dropped_out")
    got, caught = _caught_risk_adjusted(table, casemix=("gender", "readiness"))
    out = got.table.set_index("unit")
    assert [(w.reason, w.unit, w.episodes) for w in caught] == [("predicted", "u00", 100), ("predicted", "u01", 100)]
    assert out.loc[["u00", "u01"], "expected"].isna().all()
    assert (out.loc[["u00", "u01"], "method"] == riskadjust._UNIT_PREDICTED).all()
    assert out.drop(index=["u00", "u01"])["oe_ratio"].between(0.5, 2).all()


def test_exits_of_no_unit_with_a_level_of_their_own_do_not_push_every_unit_out():
    # Review of 2026-12-05 (second, H1): 12 exits without a unit whose readiness "unknown"
    # no unit has formed a part of the known exits that always stayed; all 20 units went to
    # the submodel (c-statistic 0.6975 -> 0.5582). The part with the most exits of units
    # stays now, and those 12 exits go to the submodel: no unit is moved.
    rng = np.random.default_rng(1)
    unit = rng.choice([f"u{i:02d}" for i in range(20)], 6000).astype(object)
    ready = rng.choice(["near", "far"], 6000).astype(object)
    months = rng.integers(0, 13, 6000).astype(float)
    months[rng.random(6000) < 0.05] = np.nan
    unit[:12], ready[:12] = None, "unknown"
    table = _months_and_readiness(rng, unit, ready, months, unknown_as=6)
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "prior_welfare_months"))
    assert [w.reason for w in caught] == ["not_covered"]
    assert got.casemix == ("readiness", "prior_welfare_months") and got.c_statistic > 0.65


def test_the_part_of_the_known_exits_that_stays_does_not_depend_on_the_order_of_the_variables():
    # Review of 2026-12-05 (second, M2): readiness splits {A, B} from {C, D}, referral {A, C}
    # from {B, D} among the known exits (E, months unknown, holds every level). Taking the
    # variables in turn kept A (190 exits) with readiness first and C (300) with referral
    # first; the cells of both partitions are compared at once now: C stays either way.
    rng = np.random.default_rng(3)
    spec = {"A": (("near", "far"), ("r1", "r2"), 95), "B": (("near", "far"), ("s1", "s2"), 95),
            "C": (("q1", "q2"), ("r1", "r2"), 150), "D": (("q1", "q2"), ("s1", "s2"), 5)}
    parts = [pd.DataFrame({"unit": f"{g}{i}", "readiness": rng.choice(ready, m), "referral": rng.choice(ref, m),
                           "prior_welfare_months": rng.integers(0, 13, m).astype(float)})
             for g, (ready, ref, m) in spec.items() for i in (1, 2)]
    parts.append(pd.DataFrame({"unit": "E", "readiness": rng.choice(["near", "far", "q1", "q2"], 400),
                               "referral": rng.choice(["r1", "r2", "s1", "s2"], 400), "prior_welfare_months": np.nan}))
    table = pd.concat(parts, ignore_index=True).assign(enrolled_on=pd.Timestamp("2024-01-01"),
                                                       exited_on=pd.Timestamp("2024-06-01"))
    table["exit_reason"] = np.where(rng.random(len(table)) < 0.45, "work", "dropped_out")
    results = []
    for casemix in (("readiness", "referral", "prior_welfare_months"), ("referral", "readiness", "prior_welfare_months")):
        got, caught = _caught_risk_adjusted(table, casemix=casemix)
        results.append(got.table.set_index("unit")["expected"])
        assert sorted(w.unit for w in caught if w.reason == "months_own") == ["A1", "A2", "B1", "B2", "D1", "D2"]
    pd.testing.assert_series_equal(results[0], results[1], rtol=1e-9)


def test_a_predicted_unit_stays_in_the_group_its_partner_is_compared_within():
    # Review of 2026-12-05 (second, H2): F and H alone hold readiness "x"; every exit of F
    # has referral "s", with which no exit reaches work. F is not adjustable (predicted),
    # and H's expected count is then its observed count (their sum is pinned, F's is 0 = 0):
    # O/E 1.000 with no word, as F was dropped from the within_group warning. It stays now.
    rng = np.random.default_rng(11)

    def block(unit, readiness, referral, m):
        return pd.DataFrame({"unit": unit, "readiness": rng.choice(readiness, m), "referral": rng.choice(referral, m)})

    table = pd.concat([block("F", ["x"], ["s"], 40), block("H", ["x"], ["r1", "r2"], 150),
                       block("K", ["near", "far"], ["r1", "r2", "s"], 400),
                       *[block(f"u{i}", ["near", "far"], ["r1", "r2"], 300) for i in range(5)]], ignore_index=True)
    work = (rng.random(len(table)) < 0.5) & (table["referral"] != "s")
    table = table.assign(exit_reason=np.where(work, "work", "dropped_out"), enrolled_on=pd.Timestamp("2024-01-01"),
                         exited_on=pd.Timestamp("2024-06-01"))
    got, caught = _caught_risk_adjusted(table, casemix=("readiness", "referral"))
    out = got.table.set_index("unit")
    assert [w.unit for w in caught if w.reason == "predicted"] == ["F"]
    assert ("F", "H") in [w.units for w in caught if w.reason == "within_group"]
    assert out.loc["H", "expected"] == pytest.approx(out.loc["H", "observed"])


def test_months_left_out_when_the_known_exits_left_are_one_units():
    # Review finding 2026-12-05 (M1): when the exits with known months are all one unit's,
    # from the start or once the others are moved to the submodel, the shift gives them
    # in total what the submodel expects of them: the months changed no unit's expected
    # count (max 9e-13 from the fit without them) yet the result listed them among its
    # case-mix, without a word. Now they are left out, with the no_effect warning, and
    # the result is the fit without them.
    table = _null_units(np.random.default_rng(5), k=4, n=60)
    from_start = np.where(table["unit"] == "u00", np.arange(len(table)) % 13, np.nan)
    # readiness "x" in u01 (months known) and u02 (unknown): among the known exits it is
    # u01's alone, so u01 moves to the submodel and u00's known exits are left
    table.loc[table["unit"].isin(["u01", "u02"]), "readiness"] = np.tile(["x", "far"], 60)
    moved = np.where(table["unit"] == "u00", np.arange(len(table)) % 13,
                     np.where((table["unit"] == "u01") & (table["readiness"] == "x"), 5, np.nan))
    without = _caught_risk_adjusted(table, casemix=("readiness",))[0]
    for months, known in ((from_start, 60), (moved, 90)):
        got, caught = _caught_risk_adjusted(table.assign(prior_welfare_months=months),
                                            casemix=("readiness", "prior_welfare_months"))
        assert [(w.reason, w.episodes) for w in caught if w.reason != "within_group"] == [("no_effect", known)]
        assert got.casemix == ("readiness",) and got.submodel is None
        pd.testing.assert_frame_equal(got.table, without.table)


def test_a_large_unit_of_rare_outcomes_is_not_taken_for_a_predicted_one():
    # Review finding 2026-12-05 (L2): a unit was "predicted" when every exit's p-hat lay
    # within 1e-6 of its outcome, which 1,000,000 exits of p-hat 1/1,100,000 = 9.1e-7 do
    # although together they expect 0.91 outcomes. By hand: "far" (u0's 1,000,000 exits,
    # none reaching work, and u1's 100,000, one reaching work) has P(work) = 1/1,100,000
    # in the saturated readiness model, so E_u0 = 1,000,000 / 1,100,000 = 0.909 for O = 0;
    # the bound on |E - O| is now the sum of |p-hat - y| over the unit's exits, 0.909.
    n0, n1 = 1_000_000, 100_000
    reason = np.full(n0 + n1 + 200, "dropped_out", dtype=object)
    reason[n0] = "work"
    reason[n0 + n1 + np.arange(0, 200, 2)] = "work"
    table = pd.DataFrame({
        "unit": np.repeat(["u0", "u1", "u2"], [n0, n1, 200]), "exit_reason": reason,
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "readiness": np.repeat(["far", "far", "near"], [n0, n1, 200]),
    })
    got, caught = _caught_risk_adjusted(table, casemix=("readiness",))
    out = got.table.set_index("unit")
    assert not [w for w in caught if w.reason == "predicted"]
    assert out.loc["u0", "expected"] == pytest.approx(n0 / (n0 + n1), rel=1e-6)
    assert out.loc["u0", "method"].startswith("indirect standardisation")
    # second review: the sum alone took a small unit of a rare outcome for a predicted one:
    # "far" reaches work in 2 of 20,005 exits (a's and c's first), so b's 5 exits of "far"
    # have p-hat 1e-4 each (sum 5e-4 < 1e-3) though they are not separated. Each exit's
    # p-hat must also lie within 1e-6 of its outcome. By hand: E_b = 5 x 2 / 20,005.
    small = pd.DataFrame({
        "unit": np.repeat(["a", "c", "b"], [10_500, 10_500, 5]),
        "exit_reason": np.concatenate([np.where(np.arange(10_500) % 10_000 == 0, "work", "dropped_out")] * 2
                                      + [np.full(5, "dropped_out")]),
        "enrolled_on": pd.Timestamp("2024-01-01"), "exited_on": pd.Timestamp("2024-06-01"),
        "readiness": np.concatenate([np.repeat(["far", "near"], [10_000, 500])] * 2 + [np.full(5, "far")]),
    })
    got, caught = _caught_risk_adjusted(small, casemix=("readiness",))
    assert not [w for w in caught if w.reason == "predicted"]
    assert got.table.set_index("unit").loc["b", "expected"] == pytest.approx(5 * 2 / 20_005, rel=1e-6)


def test_a_case_mix_column_of_your_own_enters_the_model_as_categories():
    # E = the sum of a row-level statsmodels logistic GLM's predictions on gender and the own
    # column's levels (dummies), fitted on every exit without the unit (indirect standardisation)
    net = amebench.load_sample()
    coh = amebench.cohort(net, exited=2025)
    rng = np.random.default_rng(3)
    district = rng.choice(np.array(["north", "south", "west", None], dtype=object), len(coh.episodes))
    mine = coh.assign(district=district)
    got = compare.risk_adjusted(mine, casemix=("district", "gender"))
    assert got.casemix == ("gender", "district")  # the canonical variables first, then your own
    frame = mine.episodes[mine.episodes["exited_on"].notna()]
    y = frame["exit_reason"].isin(amebench.schema.outcome_reasons("work_or_studies")).to_numpy(dtype="float64")
    levels = pd.DataFrame({"gender": frame["gender"].astype(str).to_numpy(),
                           "district": frame["district"].fillna("unknown").to_numpy()})
    design = sm.add_constant(pd.get_dummies(levels, drop_first=True, dtype="float64"), has_constant="add")
    p = sm.GLM(y, design, family=sm.families.Binomial()).fit().predict(design)
    expected = pd.Series(np.asarray(p), index=frame["unit"].astype(str).to_numpy()).groupby(level=0).sum()
    np.testing.assert_allclose(got.table.set_index("unit")["expected"], expected.sort_index(), rtol=1e-8)
    # an own copy of readiness is readiness: the same expected counts, c-statistic and intervals
    canonical = compare.risk_adjusted(coh, casemix=("gender", "readiness"))
    copy = compare.risk_adjusted(coh.assign(r=lambda ep: ep["readiness"]), casemix=("gender", "r"))
    np.testing.assert_allclose(copy.table["expected"], canonical.table["expected"], rtol=1e-9)
    np.testing.assert_allclose(copy.table["oe_ci_high"], canonical.table["oe_ci_high"], rtol=1e-9)
    assert copy.c_statistic == pytest.approx(canonical.c_statistic, rel=1e-12)


def test_a_case_mix_column_of_your_own_with_many_levels_or_unknown_is_refused():
    coh = amebench.cohort(amebench.load_sample(), exited=2025)
    many = coh.assign(ref=lambda ep: ep["episode_id"])  # one level per exit: a number to band, not categories
    with pytest.raises(AmebenchError, match=r"case-mix column 'ref' has 1121 distinct values .* \(at most 30\): "
                                            "band it first"):
        compare.risk_adjusted(many, casemix=("gender", "ref"))
    with pytest.raises(AmebenchError, match=r"casemix \['ref'\] not supported; .* or a column of your own added "
                                            "with Cohort.assign"):
        compare.risk_adjusted(coh, casemix=("gender", "ref"))  # this cohort has no such column
    # own columns from a set come sorted (its order varies with the hash seed: review), a tuple's as given
    assert riskadjust.check_casemix({"site", "gender", "prog"}, ["site", "prog"]) == ("gender", "prog", "site")
    assert riskadjust.check_casemix(("site", "gender", "prog"), ["site", "prog"]) == ("gender", "site", "prog")
    with pytest.raises(AmebenchError, match=r"casemix \['person_id'\] not supported"):
        compare.risk_adjusted(coh, casemix=("gender", "person_id"))  # a canonical column is not an own one
