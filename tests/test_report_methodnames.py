"""Captions name a result's method as a reader knows it, in the report's language.

Newcomer review of the Swedish report (session 50): every method line under a table was
English with English numbers ("Metod (teknisk beskrivning på engelska): multiplicative
overdispersion, phi = 2.381 (10% winsorised z-scores)" beside "φ = 2,381" in the summary),
and named the case-mix variables by their code names (age_band, born_abroad).
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import amebench
from amebench import compare, metrics
from amebench.compare.riskadjust import _NOT_ADJUSTABLE, _ONE_UNIT, _PREDICTED, _UNIT_PREDICTED
from amebench.metrics._binomial import INTERVAL_METHODS
from amebench.metrics.welfare import _method_label
from amebench.report.html import NO_DATA_METHODS, caption_text
from amebench.report.methodnames import _clauses, method_name


@pytest.fixture(scope="module")
def made_methods() -> list[str]:
    """The ``method`` of every kind of result the library makes, made by its own functions
    (a changed text of a function fails the test below rather than going untranslated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = amebench.cohort(amebench.load_sample())
        rates = metrics.outcome_rate(sample)
        even = pd.DataFrame({"unit": list("abcdefghijkl"), "events": [50] * 12, "n": [100] * 12})
        tables = [
            *(metrics.outcome_rate(sample, method=m) for m in INTERVAL_METHODS),
            metrics.retention(sample), metrics.retention(sample, definition="register"),
            metrics.reentry(sample), metrics.reentry(sample, gap_days=30),
            metrics.durations(sample),
            metrics.cost(amebench.cohort(amebench.load_sample(), exited=2025), costs={"jarfalla": 1e6}),
            metrics.mean_difference([1.0, 2, 3], [2.0, 3, 5]),
            metrics.mean_difference([1.0, 2, 3], [2.0, 3, 5], equal_var=True),
            *(compare.pairwise(rates, adjust=a) for a in ("holm", "bh", "none")),
            compare.shrink(rates), compare.shrink(rates, n_boot=0), compare.shrink(even),
            compare.rank_intervals(rates, n_sim=100),
            compare.risk_adjusted(sample).table,
            compare.trend(sample),
            compare.power(100, 100), compare.power(100, 100, direction="fall"),
        ]
        funnels = [compare.funnel(rates), compare.funnel(rates, kind="proportion", overdispersion="multiplicative"),
                   compare.funnel(rates, overdispersion="additive"), compare.funnel(even, overdispersion="additive"),
                   compare.funnel(rates.head(2), overdispersion="multiplicative")]
    made = [str(m) for table in tables for m in table["method"].dropna().unique()
            if m not in NO_DATA_METHODS]  # rows without data: no caption names them
    made += [f.method for f in funnels]
    made += [_method_label(kind, 2000, 0, prefix) for kind in ("t", "bca", "percentile") for prefix in ("", "did-")]
    return made + [_NOT_ADJUSTABLE, _ONE_UNIT, _PREDICTED, _UNIT_PREDICTED]


def test_every_method_the_library_makes_has_a_swedish_caption(made_methods):
    # 'phi <= 1, not applied', the few-units note, trend's partial years and the risk model's
    # 'not adjustable' texts are among them (checked by name below, so none is missed)
    assert any("<= 1, not applied" in m for m in made_methods)
    assert any("fewer than" in m for m in made_methods)
    assert any("exits to 2026-09-30 only" in m for m in made_methods)
    for method in made_methods:
        swedish = method_name(method, "sv", ",")
        assert swedish is not None, method
        assert not re.search(r"\d\.\d", swedish), swedish  # the Swedish decimal mark
        assert not re.search(r"\b(the|of|with|interval|limits|score test)\b", swedish), swedish  # no English left


@pytest.mark.parametrize(("method", "swedish"), [
    # the sample's funnel of observed/expected: phi with the Swedish decimal mark, as the summary gives it
    ("multiplicative overdispersion, phi = 2.381 (10% winsorised z-scores)",
     "multiplikativ överspridning, φ = 2,381 (z-värden winsoriserade vid 10 % i varje svans)"),
    # tau2 with '%.3g' can be written with an exponent: 1.41e-05 is 1,41×10⁻⁵
    ("additive overdispersion, DerSimonian-Laird tau2 = 1.41e-05 (phi = 1.004)",
     "additiv överspridning, DerSimonian–Lairds τ² = 1,41×10⁻⁵ (φ = 1,004)"),
    # the prior's two parameters: a semicolon between them, as the decimal mark is a comma
    ("beta-binomial empirical Bayes, ML prior Beta(25.4, 47.5); intervals over 200 bootstrap priors "
     "(Laird & Louis; seed=0)",
     "empirisk Bayes med beta-binomialmodell, ML-skattad prior Beta(25,4; 47,5); intervall över 200 "
     "bootstrappade priorer (Laird & Louis; slumpfrö 0)"),
    # '%.3g' writes 3310 as 3.31e+03: in full below a million (review: "Beta(128; 3,31×10³)")
    ("beta-binomial empirical Bayes, ML prior Beta(128, 3.31e+03)",
     "empirisk Bayes med beta-binomialmodell, ML-skattad prior Beta(128; 3\u202f310)"),
    ("beta-binomial empirical Bayes, ML prior Beta(5e+06, 5e+06)",
     "empirisk Bayes med beta-binomialmodell, ML-skattad prior Beta(5×10⁶; 5×10⁶)"),
    # counts with a thin space for thousands, as the tables write them; a year without one
    ("simulation from beta-binomial posteriors (n_sim=10000, seed=0)",
     "simulering från beta-binomiala posteriorfördelningar (10\u202f000 dragningar, slumpfrö 0)"),
    ("Wilson; change from the previous year with Newcombe hybrid score CI; 2023: data from 2023-07-03, so its "
     "exits lack any episodes enrolled before; 2026: exits to 2026-09-30 only",
     "Wilsons intervall; förändring från föregående år med Newcombes hybrida score-intervall; 2023: data från "
     "2023-07-03, så årets avslut saknar inskrivningar som började före dess; 2026: bara avslut till och med "
     "2026-09-30"),
    # the case-mix variables by the report's Swedish words
    ("indirect standardisation, logistic GLM on age_band, born_abroad; exits with prior_welfare_months unknown: "
     "the GLM of the other variables, fitted on every exit; exact Poisson CI",
     "indirekt standardisering, logistisk regression (GLM) på åldersgrupp, utrikes född; avslut där månader med "
     "försörjningsstöd året före är okända: regressionen på de övriga variablerna, skattad på alla avslut; "
     "exakt Poissonintervall"),
    ("indirect standardisation, logistic GLM on no case-mix; exact Poisson CI",
     "indirekt standardisering, logistisk regression (GLM) på inga bakgrundsvariabler; exakt Poissonintervall"),
    ("multiplicative overdispersion requested, phi = 0.800 <= 1, not applied",
     "multiplikativ överspridning begärd, φ = 0,800 ≤ 1, inte tillämpad"),
])
def test_swedish_method_names(method, swedish):
    assert method_name(method, "sv", ",") == swedish


@pytest.mark.parametrize(("method", "english"), [
    ("wilson", "Wilson score interval"), ("clopper_pearson", "Clopper–Pearson (exact) interval"),
    ("t", "t interval"), ("did-welch-t", "difference in differences, Welch t interval"),
    ("bootstrap-bca (n_boot=2000, seed=0)", "BCa bootstrap interval (2\u202f000 resamples, seed 0)"),
    ("did-bootstrap-percentile (n_boot=500, seed=3)",
     "difference in differences, percentile bootstrap interval (500 resamples, seed 3)"),
    # names joined by an en dash, as the page's prose writes them; variables by the report's words
    ("Kaplan-Meier median; Brookmeyer-Crowley CI, log-log (cloglog) transform",
     "Kaplan–Meier median; Brookmeyer–Crowley CI, log-log (cloglog) transform"),
    # as the methods section names them (the tables' header "referred by" did not read in a list)
    ("indirect standardisation, logistic GLM on age_band, referral; exact Poisson CI",
     "indirect standardisation, logistic GLM on age band, who referred them; exact Poisson CI"),
    ("indirect standardisation, logistic GLM on my_variable; exits with prior_welfare_months unknown: the GLM of "
     "the other variables, fitted on every exit",
     "indirect standardisation, logistic GLM on my_variable; exits whose months on welfare in the year before are "
     "unknown: the GLM of the other variables, fitted on every exit"),
    # a text it does not know stays as it is (a result made by hand)
    ("my own method; wilson", "my own method; Wilson score interval"),
])
def test_english_method_names(method, english):
    assert method_name(method, "en", ".") == english


def test_a_semicolon_within_brackets_does_not_split_a_clause():
    assert _clauses("a (b; c); d") == ["a (b; c)", "d"]
    assert _clauses("one") == ["one"]


def test_a_method_without_a_swedish_text_is_captioned_in_english_and_says_so():
    # all the table's methods in English (not half of them), with the English decimal mark
    frame = pd.DataFrame({"method": ["wilson", "a method of my own, 2.5"], "conf_level": [0.95, 0.95]})
    assert method_name("a method of my own, 2.5", "sv", ",") is None
    assert caption_text(frame, "sv", ",") == ("Metod (teknisk beskrivning på engelska): Wilson score interval. "
                                              "A method of my own, 2.5. Konfidensnivå 95 %.")
    assert caption_text(frame.head(1), "sv", ",") == "Metod: Wilsons intervall. Konfidensnivå 95 %."
    assert caption_text(frame, "en", ".") == ("Method: Wilson score interval. A method of my own, 2.5. "
                                              "Confidence level 95 %.")

