"""Tests of amebench.metrics.durations: Kaplan–Meier median and competing-risks incidence."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from amebench import schema
from amebench.cohorts import cohort
from amebench.exceptions import AmebenchError
from amebench.metrics.durations import _cif_se, _km_quantile, durations
from amebench.network import Network
from amebench.results import GLOSSARY

AS_OF = pd.Timestamp("2024-01-01")

# R survival's `aml` data (Miller 1981): time in weeks, status 1 = relapse.
AML_TIME = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
AML_STATUS = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]

# Freireich et al. (1963) 6-MP leukaemia trial (MASS::gehan), remission weeks.
MP6_TIME = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP6_STATUS = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
CONTROL_TIME = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]

# Klein & Moeschberger (1997) bone-marrow transplant data, ALL group (SAS Sashelp.BMT), days.
BMT_ALL_TIME = [2081, 1602, 1496, 1462, 1433, 1377, 1330, 996, 226, 1199, 1111, 530, 1182, 1167,
                418, 383, 276, 104, 609, 172, 487, 662, 194, 230, 526, 122, 129, 74, 122, 86,
                466, 192, 109, 55, 1, 107, 110, 332]
BMT_ALL_STATUS = [0] * 14 + [1] * 24


def _network(episodes, payments=None, as_of="2024-01-01"):
    """A Network of canonical tables built directly: the metric's input contract.

    Reader validation (rejects, cross-checks) is tested with the readers; here the
    tables are only cast to canonical dtypes, so every row given is a row the metric sees.
    """
    empty = schema.empty_table
    ep = schema.coerce_table(pd.DataFrame(episodes), schema.EPISODES)
    pay = (schema.coerce_table(pd.DataFrame(payments), schema.PAYMENTS) if payments is not None
           else empty(schema.PAYMENTS))
    ids = sorted(set(ep["unit"].dropna()))
    units = schema.coerce_table(pd.DataFrame({"unit": ids}), schema.UNITS)
    return Network(units=units, episodes=ep, activities=empty(schema.ACTIVITIES_TABLE),
                   followups=empty(schema.FOLLOWUPS), payments=pay, rejects=empty(schema.REJECTS),
                   reconciliation=empty(schema.RECONCILIATION), as_of=pd.Timestamp(as_of))


def _cohort(time, status, reasons=None, units=None):
    """Episodes whose duration in days is ``time``; status 0 = still ongoing at AS_OF."""
    time = np.asarray(time)
    status = np.asarray(status)
    n = len(time)
    exited = status > 0
    # ongoing episodes enrol `time` days before as_of; exited ones enrol 3 years earlier
    days_before = np.where(exited, 3 * 365, time)
    enrolled = AS_OF - pd.to_timedelta(days_before, unit="D")
    exit_on = (enrolled + pd.to_timedelta(time, unit="D")).where(exited)
    if reasons is None:
        reasons = np.where(exited, "work", None)
    episodes = pd.DataFrame({
        "unit": units if units is not None else ["a"] * n,
        "episode_id": [f"e{i}" for i in range(n)], "person_id": [f"p{i}" for i in range(n)],
        "enrolled_on": enrolled, "exited_on": exit_on,
        "exit_reason": pd.Series(reasons, dtype="object").where(exited, None),
    })
    return cohort(_network(episodes, as_of=AS_OF))


def test_km_median_with_log_transform_matches_r_on_aml():
    # R survival 3.x: survfit(Surv(time, status) ~ 1, data = aml)  (conf.type = "log", default)
    #   n 23, events 18, median 27, 0.95LCL 18, 0.95UCL 45
    assert _km_quantile(AML_TIME, AML_STATUS, 0.5, 0.05, "log") == (27.0, 18.0, 45.0)


def test_km_median_with_log_transform_matches_r_on_gehan():
    # R: library(MASS); survfit(Surv(time, cens) ~ treat, data = gehan)
    #   treat=6-MP     median 23, 0.95LCL 16, 0.95UCL NA
    #   treat=control  median  8, 0.95LCL  4, 0.95UCL 12
    est, low, high = _km_quantile(MP6_TIME, MP6_STATUS, 0.5, 0.05, "log")
    assert (est, low) == (23.0, 16.0) and np.isnan(high)
    assert _km_quantile(CONTROL_TIME, [1] * 21, 0.5, 0.05, "log") == (8.0, 4.0, 12.0)


@pytest.mark.parametrize(
    "transform, expected", [("cloglog", (86.0, 230.0)), ("log", (107.0, 332.0))]
)
def test_brookmeyer_crowley_limits_match_sas_on_bmt(transform, expected):
    # SAS/STAT User's Guide, PROC LIFETEST, "Breslow, Fleming-Harrington and Kaplan-Meier
    # estimates ... confidence limits for the 25th percentile", BMT data, ALL group:
    # CONFTYPE=LOGLOG [86, 230]; CONFTYPE=LOG [107, 332].
    _, low, high = _km_quantile(BMT_ALL_TIME, BMT_ALL_STATUS, 0.25, 0.05, transform)
    assert (low, high) == expected


def test_median_is_midpoint_when_curve_is_flat_at_one_half():
    # Ten exits on days 1..10, no censoring: S = 0.5 on [5, 6), so the median is (5 + 6) / 2
    # (SAS PROC LIFETEST quantile rule; R: survfit(Surv(1:10, rep(1, 10)) ~ 1) prints 5.5).
    out = durations(_cohort(np.arange(1, 11), np.ones(10)), by=())
    assert out.iloc[0]["quantity"] == "median_days"
    assert out.iloc[0]["estimate"] == 5.5


def test_median_interval_when_the_curve_steps_over_one_half():
    # A fixed-length programme: 100 exits on days 1..100, 150 on day 180, 50 on days 181..230,
    # no censoring (n = 300). By hand: S(100) = 200/300 = 2/3, Greenwood se = sqrt(S(1-S)/n)
    # = 0.027217, log-log band (0.6102, 0.7169), all above 0.5; S(180) = 50/300 = 1/6,
    # se 0.021517, band (0.1270, 0.2110), all below 0.5. So the median and both limits are
    # day 180 (R survival: the quantiles of the band curves). statsmodels' quantile_ci finds no
    # event time where the test accepts 0.5 and gives (nan, nan).
    t = np.r_[np.arange(1, 101), np.full(150, 180), np.arange(181, 231)]
    out = durations(_cohort(t, np.ones(len(t))), by=()).iloc[0]
    assert (out["estimate"], out["ci_low"], out["ci_high"]) == (180.0, 180.0, 180.0)


def test_median_when_the_curve_stays_at_one_half_to_the_end():
    # Exits on days 10 and 20, two episodes ongoing at 30 and 40 days: S = 0.5 from day 20 to
    # the end of follow-up, so the median is (20 + 40) / 2 = 30 (R survival's rule).
    out = durations(_cohort([10, 20, 30, 40], [1, 1, 0, 0]), by=()).iloc[0]
    assert out["estimate"] == 30.0 and out["ci_low"] == 10.0 and np.isnan(out["ci_high"])


@pytest.mark.parametrize("time,event", [([59], [1]), ([5, 8, 20], [0, 0, 1])])
def test_no_median_interval_when_the_curve_falls_from_above_one_half_to_zero(time, event):
    # Metrics review 2026-12-05 (F1): one exit at 59 days had the interval [59, 59]. Outside
    # references: statsmodels SurvfuncRight(...).quantile_ci(0.5) gives (nan, nan) for both, and
    # R survival's survfit_confint sets the log-log band to NA where S = 0 (quantile(): NA).
    with np.errstate(divide="ignore", invalid="ignore"):
        theirs = SurvfuncRight(np.array(time, float), np.array(event, float)).quantile_ci(0.5, method="cloglog")
    assert np.isnan(theirs).all()
    estimate, low, high = _km_quantile(time, event, 0.5, 0.05, "cloglog")
    assert estimate == time[-1] and np.isnan(low) and np.isnan(high)
    out = durations(_cohort(time, event), by=()).iloc[0]
    assert out["estimate"] == time[-1] and np.isnan(out["ci_low"]) and np.isnan(out["ci_high"])


def test_an_upper_limit_may_end_where_the_curve_falls_to_zero():
    # R survival tests/quantile.R, curve x = 1 (exits at 1 and 6, one censored at 1; log band):
    # median 6 and lower limit 1, as R. The upper limit is 6, the time the curve leaves the
    # acceptance region by falling to 0, as statsmodels' quantile_ci(method="log") gives (1, 6);
    # R gives NA there.
    assert _km_quantile([1, 1, 6], [1, 0, 1], 0.5, 0.05, "log") == (6.0, 1.0, 6.0)


@pytest.mark.parametrize("transform", ["cloglog", "log"])
def test_median_interval_equals_statsmodels_wherever_it_gives_one(transform):
    # Outside reference: statsmodels' SurvfuncRight.quantile_ci inverts the Brookmeyer–Crowley
    # test at every event time. On 1,500 random tied and censored samples every limit it gives
    # is ours exactly; ours is also finite where the curve steps over 0.5 (tested above).
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(1500):
        n = int(rng.integers(3, 60))
        t = rng.integers(1, 40, n).astype(float)
        e = (rng.random(n) < 0.7).astype(float)
        if not e.any():
            continue
        ours = _km_quantile(t, e, 0.5, 0.05, transform)
        with np.errstate(divide="ignore", invalid="ignore"):
            theirs = SurvfuncRight(t, e).quantile_ci(0.5, alpha=0.05, method=transform)
        for a, b in zip(ours[1:], theirs):
            if np.isfinite(b):
                assert a == b, (t.tolist(), e.tolist(), ours, theirs)
                compared += 1
    assert compared > 2000


def test_durations_end_to_end_on_aml():
    out = durations(_cohort(AML_TIME, AML_STATUS), by=("unit",))
    median = out[out["quantity"] == "median_days"].iloc[0]
    assert median["estimate"] == 27.0  # R median above
    assert (median["n"], median["events"], median["censored"]) == (23, 18, 5)
    # the reported interval is the log-log (cloglog) Brookmeyer–Crowley one, as statsmodels
    # computes it by inverting the test at each event time
    low, high = SurvfuncRight(np.array(AML_TIME, float), np.array(AML_STATUS, float)).quantile_ci(
        0.5, alpha=0.05, method="cloglog")
    assert (median["ci_low"], median["ci_high"]) == (low, high)
    assert median["ci_low"] <= median["estimate"] <= median["ci_high"]
    assert "log-log" in median["method"]


def test_cif_hand_computation_with_ties():
    # Days, status (1 = work, 2 = other exit, 0 = ongoing):
    #   (10, work) (10, other) (10, ongoing) (20, work) (30, other) (30, ongoing)
    # Aalen–Johansen, events before censoring at a tie:
    #   t=10: n=6, d=2 (1 work):  F = 1 * 1/6 = 1/6;           S = 1 - 2/6 = 2/3
    #   t=20: n=3, d=1 (work):    F = 1/6 + 2/3 * 1/3 = 7/18;  S = 2/3 * 2/3 = 4/9
    #   t=30: n=2, d=1 (other):   F stays 7/18; one episode is followed no longer than 30 days,
    #   so F(365) is unknown (missing), not 7/18
    # Variance at t=10 (delta method): S0^2 (n - d1) d1 / n^3 = 5/216.
    time = [10, 10, 10, 20, 30, 30]
    status = [1, 2, 0, 1, 2, 0]
    reasons = ["work", "moved", None, "work_subsidised", "dropped_out", None]
    out = durations(_cohort(time, status, reasons), by=(), days=(5, 15, 25, 365))
    cif = out[out["quantity"] == "cif_work"].set_index("days")
    assert list(cif["estimate"])[:3] == pytest.approx([0.0, 1 / 6, 7 / 18])
    assert np.isnan(cif.loc[365, "estimate"])
    assert list(cif["events"]) == [0, 1, 2, 2]
    assert (cif["censored"] == 2).all() and (cif["n"] == 6).all()
    z = norm.ppf(0.975)
    f, se = 1 / 6, np.sqrt(5 / 216)
    # log-log interval F^exp(+-z se / (F log F)) (Pintilie 2006, eq. 4.4)
    w = z * se / (f * np.log(f))
    assert cif.loc[15, "ci_low"] == pytest.approx(f ** np.exp(-w))
    assert cif.loc[15, "ci_high"] == pytest.approx(f ** np.exp(w))


def test_cif_matches_r_cuminc_and_stata_stcompet():
    # statsmodels' reference example: R cmprsk::cuminc(ftime, fstat) estimates, and
    # Stata `stcompet` standard errors (statsmodels test_incidence):
    ftime = np.r_[1, 1, 2, 4, 4, 4, 6, 6, 7, 8, 9, 9, 9, 1, 2, 2, 4, 4]
    fstat = np.r_[1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    ci = CumIncidenceRight(ftime, fstat)
    assert ci.cinc[0][:2] == pytest.approx([0.11111111, 0.17037037])
    assert _cif_se(ftime, fstat, 1) == pytest.approx([0.07407407, 0.08976251] + [0.08976251] * 5)
    assert _cif_se(ftime, fstat, 3)[3:5] == pytest.approx([0.11196147, 0.12787781])
    # and durations itself, on episodes of those lengths (1 = work, 2 and 3 other exits,
    # 0 ongoing): cuminc's 0.1111 and 0.1704, log-log limits from stcompet's se
    reasons = np.select([fstat == 1, fstat == 2, fstat == 3], ["work", "moved", "dropped_out"], None)
    out = durations(_cohort(ftime, fstat, reasons), by=(), days=(1, 2))
    cif = out[out["quantity"] == "cif_work"].set_index("days")
    assert list(cif["estimate"]) == pytest.approx([0.11111111, 0.17037037])
    f, se = np.array([0.11111111, 0.17037037]), np.array([0.07407407, 0.08976251])
    w = norm.ppf(0.975) * se / (f * np.log(f))  # Pintilie 2006, eq. 4.4
    np.testing.assert_allclose(cif["ci_low"], f ** np.exp(-w), rtol=1e-6)
    np.testing.assert_allclose(cif["ci_high"], f ** np.exp(w), rtol=1e-6)


def test_cif_se_without_censoring_is_binomial():
    # No censoring: the Aalen–Johansen estimate is the plain share p of exits to work by t, and its
    # delta-method variance is p (1 - p) / n, also at the last time, where statsmodels' own
    # cinc_se is NaN (the risk set empties).
    rng = np.random.default_rng(5)
    time = rng.integers(1, 400, 60)
    status = rng.integers(1, 3, 60)
    se = _cif_se(time, status, 1)
    p = np.mean(status == 1)
    assert se[-1] == pytest.approx(np.sqrt(p * (1 - p) / 60))
    reasons = np.where(status == 1, "work", "studies")
    out = durations(_cohort(time, status, reasons), by=(), days=(1000,)).iloc[1]
    assert out["estimate"] == pytest.approx(p)
    assert np.isfinite(out["ci_low"]) and np.isfinite(out["ci_high"])


def test_exit_after_as_of_is_censored_and_later_enrolments_dropped():
    c = _cohort([30, 40, 50], [1, 1, 0])
    ep = c.episodes.copy()
    ep.loc[1, "exited_on"] = AS_OF + pd.Timedelta(days=10)  # exit not yet observed
    ep.loc[1, "enrolled_on"] = AS_OF - pd.Timedelta(days=40)
    late = ep.iloc[[0]].assign(episode_id="late", enrolled_on=AS_OF + pd.Timedelta(days=3),
                               exited_on=pd.NaT, exit_reason=None)
    c.episodes = pd.concat([ep, late], ignore_index=True)
    row = durations(c, by=()).iloc[0]
    assert (row["n"], row["events"], row["censored"]) == (3, 1, 2)


def test_outcome_set_and_columns_fixed():
    c = _cohort(AML_TIME, AML_STATUS)
    a = durations(c)
    b = durations(c, by=(), outcome={"work", "studies"}, days=(30,), conf_level=0.9)
    assert list(a.columns)[1:] == list(b.columns)
    assert set(a.columns) <= GLOSSARY
    assert set(b["quantity"]) == {"median_days", "cif_outcome"}
    assert list(a.columns)[:3] == ["unit", "quantity", "days"]


@pytest.mark.parametrize("options, match", [({"days": (0,)}, "positive"),
                                            ({"by": ("x",)}, "group by"),
                                            ({"conf_level": 2}, "conf_level"),
                                            ({"outcome": "nonsense"}, "unknown outcome")])
def test_bad_options_raise(options, match):
    with pytest.raises(AmebenchError, match=match):
        durations(_cohort([1, 2], [1, 0]), **options)


@settings(max_examples=30)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 2)), min_size=3, max_size=40),
       st.randoms(use_true_random=False))
def test_properties(rows, rnd):
    time = [t for t, _ in rows]
    status = [s for _, s in rows]
    reasons = ["work" if s == 1 else "studies" for s in status]
    out = durations(_cohort(time, status, reasons), by=(), days=(10, 30, 60))
    cif = out[out["quantity"] == "cif_work"]
    # missing exactly past the longest follow-up, unless every episode had exited by then
    last = max(time)
    ended = all(s > 0 for t, s in rows if t == last)
    assert (cif["estimate"].isna() == ((cif["days"] > last) & (not ended))).all()
    cif = cif.dropna(subset=["estimate"])
    assert ((cif["estimate"] >= 0) & (cif["estimate"] <= 1)).all()
    assert cif["estimate"].is_monotonic_increasing
    both = out.dropna(subset=["estimate", "ci_low", "ci_high"])
    assert (both["ci_low"] <= both["estimate"] + 1e-12).all()
    assert (both["estimate"] <= both["ci_high"] + 1e-12).all()
    # ties are handled together: any row order gives the same table
    order = list(range(len(rows)))
    rnd.shuffle(order)
    again = durations(_cohort([time[i] for i in order], [status[i] for i in order],
                              [reasons[i] for i in order]), by=(), days=(10, 30, 60))
    pd.testing.assert_frame_equal(out, again)


def _simulated_units(seed, *, reps, per, to_work):
    """``reps`` units of ``per`` episodes: exits at exponential times (mean 200 days), a share
    ``to_work`` of them to work, the rest to another exit; independent censoring by as_of."""
    rng = np.random.default_rng(seed)
    event = rng.exponential(200, reps * per).round() + 1
    censor = rng.uniform(50, 900, reps * per).round()
    time = np.minimum(event, censor)
    status = np.where(event <= censor, np.where(rng.random(reps * per) < to_work, 1, 2), 0)
    reasons = np.where(status == 1, "work", "dropped_out")
    return _cohort(time, status, reasons, np.repeat([f"u{i:04d}" for i in range(reps)], per))


def test_cif_and_median_interval_coverage():
    # Seeded simulation, one unit per replicate: exits at exponential times (mean 200 days),
    # 40 % of them to work, independent censoring by as_of. True F_work(180) = 0.4 (1 - e^-0.9).
    out = durations(_simulated_units(2026, reps=400, per=80, to_work=0.4), days=(180,))
    cif = out[out["quantity"] == "cif_work"]
    truth = 0.4 * (1 - np.exp(-180 / 200))
    covered = (cif["ci_low"] <= truth) & (truth <= cif["ci_high"])
    assert 0.92 <= covered.mean() <= 0.975
    # Median time to any exit: T = round(X) + 1 with X ~ Exp(mean 200); P(T <= 139) =
    # 1 - exp(-138.5/200) = 0.4997 and P(T <= 140) = 1 - exp(-139.5/200) = 0.5022: median 140.
    median = out[out["quantity"] == "median_days"]
    covered = (median["ci_low"] <= 140) & (140 <= median["ci_high"])
    assert 0.92 <= covered.mean() <= 0.975


def test_cif_beyond_the_longest_follow_up_is_missing():
    # Exits on days 10 (work) and 20 (other), two episodes ongoing at 30 and 93 days. By hand:
    # F(90) = 1/4 (t=10: n=4, one exit to work). Nobody was followed 180 days, so F(180) is
    # unknown, not 1/4 carried forward (R cmprsk::timepoints gives NA past the last time).
    out = durations(_cohort([10, 20, 30, 93], [1, 1, 0, 0], reasons=["work", "moved", None, None]),
                    by=(), days=(90, 180))
    cif = out[out["quantity"] == "cif_work"].set_index("days")
    assert cif.loc[90, "estimate"] == 0.25
    assert cif.loc[180, ["estimate", "ci_low", "ci_high"]].isna().all()
    # with no exit to work at all the incidence is 0 within follow-up and unknown past it
    out = durations(_cohort([10, 30], [1, 0], reasons=["moved", None]), by=(), days=(20, 90))
    assert out[out["quantity"] == "cif_work"]["estimate"].tolist()[0] == 0.0
    assert np.isnan(out[out["quantity"] == "cif_work"]["estimate"].tolist()[1])


def test_cif_after_every_episode_has_exited_stays_at_its_last_value():
    # Everyone exited by day 30 (2 of 3 to work): the curve has ended, F(365) = F(30) = 2/3.
    out = durations(_cohort([10, 20, 30], [1, 1, 1], reasons=["work", "moved", "work"]),
                    by=(), days=(30, 365))
    cif = out[out["quantity"] == "cif_work"]["estimate"].to_numpy()
    assert cif == pytest.approx([2 / 3, 2 / 3])


def test_cif_of_0_or_1_gets_the_clopper_pearson_interval_of_its_effective_sample():
    # 10 episodes: other exits on days 10, 20, 50; ongoing at 30, 30 and at 200 (x5). At day 90
    # no exit to work: F = 0. Status at day 90 is known for m = 5 (followed past it) + 3
    # (exited by it) = 8 episodes (Dorey & Korn 1987); Clopper–Pearson for 0 of 8:
    # [0, 1 - 0.025^(1/8)] = [0, 0.3694166] (R: binom.test(0, 8)$conf.int).
    reasons = ["moved", "moved", "moved"] + [None] * 7
    out = durations(_cohort([10, 20, 50, 30, 30] + [200] * 5, [2, 2, 2, 0, 0] + [0] * 5, reasons),
                    by=(), days=(90,))
    cif = out[out["quantity"] == "cif_work"].iloc[0]
    assert (cif["estimate"], cif["ci_low"]) == (0.0, 0.0)
    assert cif["ci_high"] == pytest.approx(0.3694166, abs=1e-7)
    # five exits to work by day 50, nobody censored: F(90) = 1, [0.025^(1/5), 1] = [0.4781762, 1]
    # (R: binom.test(5, 5)$conf.int)
    out = durations(_cohort([10, 20, 30, 40, 50], [1] * 5), by=(), days=(90,))
    cif = out[out["quantity"] == "cif_work"].iloc[0]
    assert cif["estimate"] == 1.0 and cif["ci_high"] == 1.0
    assert cif["ci_low"] == pytest.approx(0.4781762, abs=1e-7)

    # Metrics review 2026-12-05 (F6): ongoing at 100 and 365 days, days=365: the one followed
    # that long was censored on day 365, observed through it (m = 1). F = 0 had no interval;
    # Clopper–Pearson for 0 of 1: [0, 1 - 0.025] = [0, 0.975] (R: binom.test(0, 1)$conf.int).
    out = durations(_cohort([100, 365], [0, 0]), by=(), days=(365,))
    cif = out[out["quantity"] == "cif_work"].iloc[0]
    assert (cif["estimate"], cif["ci_low"]) == (0.0, 0.0) and cif["ci_high"] == pytest.approx(0.975)


def test_cif_interval_coverage_when_the_outcome_is_rare():
    # Seeded simulation as above but with 5 % of exits to work and 20 episodes a unit: F = 0
    # in 57 % of the units, where the interval used to be missing (coverage 0.41 counting
    # those as misses; measured now: 0.978). True F_work(180) = 0.05 (1 - e^-0.9) = 0.0297.
    # Test audit of 2026-12-07: an interval of [0, 1] passed the lower bound alone (it covers 1.0).
    cif = durations(_simulated_units(7, reps=1000, per=20, to_work=0.05), days=(180,))
    cif = cif[cif["quantity"] == "cif_work"]
    truth = 0.05 * (1 - np.exp(-180 / 200))
    assert 0.3 < (cif["estimate"] == 0).mean() < 0.7
    covered = (cif["ci_low"] <= truth) & (truth <= cif["ci_high"])
    assert 0.93 <= covered.mean() <= 0.99


def test_durations_by_enrolment_year():
    # Metrics review 2026-12-05 (F2): by=("enrol_year",) passed the check, then a KeyError.
    # One exit per enrolment year, after 30 and 50 days: each year's median is its exit's time.
    episodes = pd.DataFrame({"unit": "a", "episode_id": ["e1", "e2"], "person_id": ["p1", "p2"],
                             "enrolled_on": pd.to_datetime(["2023-03-01", "2024-03-01"]),
                             "exited_on": pd.to_datetime(["2023-03-31", "2024-04-20"]), "exit_reason": "work"})
    out = durations(cohort(Network.from_frames(episodes=episodes, as_of="2026-01-01")), by=("enrol_year",))
    median = out[out["quantity"] == "median_days"]
    assert median["enrol_year"].tolist() == [2023, 2024] and median["estimate"].tolist() == [30.0, 50.0]


def test_grouping_columns_keep_their_dtype():
    # Metrics review 2026-12-05 (F5): born_abroad came back as bool, or object with a missing value.
    episodes = pd.DataFrame({"unit": "a", "episode_id": ["e1", "e2", "e3"], "person_id": ["p1", "p2", "p3"],
                             "enrolled_on": pd.to_datetime(["2023-03-01"] * 3), "born_abroad": [True, None, False],
                             "gender": ["woman", "man", "woman"]})
    coh = cohort(Network.from_frames(episodes=episodes, as_of="2026-01-01"))
    out = durations(coh, by=("born_abroad", "gender"))
    for column in ("born_abroad", "gender"):
        assert out[column].dtype == coh.episodes[column].dtype, column


def test_a_cohort_chosen_by_exit_is_warned_of():
    # Metrics review of 2026-12-06 (session 38): cohort(net, exited=2025) holds no ongoing
    # episode, so the Kaplan-Meier median is that of those who left, too short, with no word.
    # Three enrolled 2025-01-01: one exits on day 10, two are still ongoing at as_of. Chosen
    # by enrolment, S(t) = 2/3 from day 10 on never reaches 0.5: not reached (NaN). Chosen by
    # exit, the one who left is the whole cohort: median 10 days.
    import warnings

    from amebench.exceptions import CensoringWarning
    from amebench.network import Network

    episodes = pd.DataFrame({"unit": "a", "episode_id": ["1", "2", "3"], "person_id": ["p1", "p2", "p3"],
                             "enrolled_on": ["2025-01-01"] * 3, "exited_on": ["2025-01-11", None, None],
                             "exit_reason": ["work", None, None]})
    net = Network.from_frames(episodes=episodes, as_of="2025-12-31")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CensoringWarning)
        by_enrolment = durations(cohort(net, enrolled=2025), by=())
    with pytest.warns(CensoringWarning, match=r"cohort chosen by exit .* enrolled=\.\.\."):
        by_exit = durations(cohort(net, exited=2025), by=())
    assert np.isnan(by_enrolment["estimate"].iloc[0]) and by_exit["estimate"].iloc[0] == 10.0


def test_days_names_the_window_as_in_retention_and_the_old_times_still_reads():
    # Jupyter review 2026-12-06: retention(days=90) and reentry(days=365), but durations took
    # times= and gave a bare TypeError for days=; the output column was already "days"
    cohort = _cohort([10, 20, 30, 40, 50], [1] * 5)
    new = durations(cohort, by=(), days=(30, 90))
    assert new["days"].dropna().tolist() == [30, 90]
    assert new["days"].dtype == "Int64"  # Jupyter review: days showed as 90.0
    with pytest.warns(FutureWarning, match=r"durations\(times=...\) is now durations\(days=...\)"):
        old = durations(cohort, by=(), times=[30, 90])
    pd.testing.assert_frame_equal(old, new)
    with pytest.raises(AmebenchError, match="give days only"):
        durations(cohort, by=(), days=(30,), times=(90,))
    pd.testing.assert_frame_equal(durations(cohort, by=(), days=90), durations(cohort, by=(), days=(90,)))
    # diff review: "365" was read as days 3, 6 and 5
    pd.testing.assert_frame_equal(durations(cohort, by=(), days=(90.0,)), durations(cohort, by=(), days=(90,)))
    for bad, words in (("365", "not the text '365'"), ((0, 90), "positive"), ((90, "x"), "numbers of days"),
                       ((90.5,), "whole numbers of days")):
        with pytest.raises(AmebenchError, match=f"days must be .*{re.escape(words)}"):
            durations(cohort, by=(), days=bad)
