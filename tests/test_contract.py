"""Contract test: the public names of DESIGN.md §7 exist, and every result uses the glossary."""

import inspect
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import amebench
from amebench import compare, metrics
from amebench.results import ESTIMATES, GLOSSARY


@pytest.fixture(scope="module")
def coh():
    return amebench.cohort(amebench.load_sample())


def test_public_names_and_keywords():
    expected = {
        amebench.read_network: ["path", "key", "strict"],
        amebench.read_export: ["path", "profile", "unit", "key", "strict"],
        amebench.read_parquet: ["folder"],
        amebench.load_sample: [],
        amebench.write_template: ["folder"],
        amebench.cohort: ["network", "exited", "enrolled", "units", "as_of"],
        amebench.Network.from_frames: ["episodes", "units", "activities", "followups", "payments", "as_of"],
        metrics.outcome_rate: ["data", "outcome", "by", "per", "method", "conf_level"],
        metrics.retention: ["cohort", "days", "by", "definition"],
        metrics.welfare_delta: ["cohort", "months", "by", "comparison"],
        metrics.durations: ["cohort", "by"],
        metrics.reentry: ["cohort", "days", "by"],
        metrics.flows: ["network", "by"],
        metrics.mean_difference: ["a", "b", "conf_level", "equal_var"],
        compare.funnel: ["table", "target", "overdispersion", "levels"],
        compare.risk_adjusted: ["cohort", "outcome", "casemix"],
        compare.pairwise: ["table", "adjust"],
        compare.shrink: ["table"],
        compare.rank_intervals: ["table", "n_sim", "seed"],
        amebench.report.benchmark_report: ["network", "out", "as_of", "lang", "min_cell"],
    }
    for function, names in expected.items():
        params = inspect.signature(function).parameters
        for name in names:
            assert name in params, f"{function.__qualname__} lacks {name}"
    for attribute in ("units", "episodes", "activities", "followups", "payments", "rejects", "as_of"):
        assert hasattr(amebench.load_sample(), attribute)


def test_public_defaults_are_those_of_design():
    # DESIGN.md §7's defaults, read from the signatures (test audit of 2026-12-07: a default
    # of method="agresti_coull" passed the contract test and the outcome, pairwise, funnel and
    # ranks tests)
    expected = {
        amebench.read_network: {"key": None, "strict": False},
        amebench.read_export: {"key": None, "strict": False},
        amebench.cohort: {"exited": None, "enrolled": None, "units": None, "as_of": None},
        metrics.outcome_rate: {"outcome": "work_or_studies", "by": ("unit",), "per": "episode", "method": "wilson",
                               "conf_level": 0.95},
        metrics.retention: {"days": 90, "by": ("unit",), "definition": "followup"},
        metrics.welfare_delta: {"months": 6, "by": ("unit",), "comparison": None},
        metrics.durations: {"by": ("unit",)},
        metrics.reentry: {"days": 365, "by": ("unit",)},
        metrics.flows: {"by": ("unit",)},
        metrics.mean_difference: {"conf_level": 0.95, "equal_var": False},
        compare.funnel: {"target": None, "overdispersion": None, "levels": (0.95, 0.998)},
        compare.risk_adjusted: {"outcome": "work_or_studies"},
        compare.pairwise: {"adjust": "holm"},
        compare.rank_intervals: {"n_sim": 10_000, "seed": 0},
        amebench.report.benchmark_report: {"as_of": None, "lang": "en", "min_cell": 5},
    }
    for function, defaults in expected.items():
        params = inspect.signature(function).parameters
        for name, value in defaults.items():
            assert params[name].default == value, f"{function.__qualname__}({name}=) defaults to {params[name].default!r}"
            assert params[name].kind is inspect.Parameter.KEYWORD_ONLY, (
                f"{function.__qualname__}: {name} is keyword-only in DESIGN.md §7")


def test_every_result_uses_the_glossary(coh):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rates = metrics.outcome_rate(coh)
        results = {
            "outcome_rate": rates,
            "retention": metrics.retention(coh),
            "retention_register": metrics.retention(coh, definition="register"),
            "welfare_delta": metrics.welfare_delta(coh, method="t"),
            "durations": metrics.durations(coh),
            "flows": metrics.flows(coh.network),
            "mean_difference": metrics.mean_difference([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]),
            "funnel": compare.funnel(rates).table,
            "risk_adjusted": compare.risk_adjusted(coh).table,
            "pairwise": compare.pairwise(rates),
            "shrink": compare.shrink(rates),
            "rank_intervals": compare.rank_intervals(rates, n_sim=500),
        }
    for name, table in results.items():
        assert isinstance(table, pd.DataFrame), name
        outside = [c for c in table.columns if c not in GLOSSARY]
        assert not outside, f"{name}: {outside}"
        if "ci_low" in table.columns:
            estimate_at = list(table.columns).index("estimate")
            assert list(table.columns)[estimate_at:estimate_at + 3] == list(ESTIMATES), name
        if "conf_level" in table.columns:
            assert list(table.columns)[-2:] == ["method", "conf_level"], name


def test_computing_never_imports_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, amebench; from amebench import metrics, compare, report; "
        "net = amebench.load_sample(); metrics.outcome_rate(amebench.cohort(net)); "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_readme_quick_start_runs(tmp_path, monkeypatch):
    # The README's Python quick start is what a newcomer types first: it must run as written
    # (in a folder of its own: it saves a figure).
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert snippets
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", amebench.exceptions.AmebenchWarning)
        for code in snippets:
            exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "funnel.png").stat().st_size > 10_000


def _modules_with_examples() -> list[str]:
    import importlib.util
    import pkgutil

    names = [m.name for m in pkgutil.walk_packages(amebench.__path__, "amebench.")]
    return sorted(n for n in names if ">>> " in Path(importlib.util.find_spec(n).origin).read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", _modules_with_examples())
def test_docstring_examples_print_what_they_say(module):
    # STYLE 5: Examples run on load_sample(). Jupyter review 2026-12-06 ran them by hand; here
    # they cannot rot (and each function of DESIGN.md §7's metrics and compare has one).
    import doctest
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", amebench.exceptions.AmebenchWarning)
        result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_every_public_metric_and_comparison_has_an_example():
    from amebench.compare import funnel, pairwise, rank_intervals, risk_adjusted, shrink
    from amebench.metrics import durations, flows, mean_difference, outcome_rate, reentry, retention, welfare_delta

    for function in (outcome_rate, retention, welfare_delta, durations, reentry, flows, mean_difference, funnel,
                     risk_adjusted, pairwise, shrink, rank_intervals, amebench.cohort):
        assert "    Examples\n    --------\n    >>> " in function.__doc__, function.__name__


def test_the_wrong_kind_of_object_gets_a_clear_error(tmp_path):
    # API review 2026-12-05 (M3, M4): a Cohort to benchmark_report gave "'NoneType' object is not
    # subscriptable", to cohort() an AttributeError; a Network to risk_adjusted blamed
    # prior_welfare_months; episodes with dates as text gave "Can only use .dt accessor ...".
    import warnings

    from amebench import compare, metrics
    from amebench.exceptions import AmebenchError

    net = amebench.load_sample()
    coh = amebench.cohort(net)
    with pytest.raises(AmebenchError, match=r"benchmark_report needs a Network, not a Cohort .*cohort\.network"):
        amebench.report.benchmark_report(coh, tmp_path / "report")
    assert not (tmp_path / "report").exists()
    with pytest.raises(AmebenchError, match=r"cohort needs a Network, not a Cohort"):
        amebench.cohort(coh)
    with pytest.raises(AmebenchError, match=r"risk_adjusted needs a Cohort or a DataFrame of episodes, not a Network"):
        compare.risk_adjusted(net)
    with pytest.raises(AmebenchError, match=r"not a table of results: compare\.risk_adjusted\(amebench\.cohort"):
        compare.risk_adjusted(metrics.outcome_rate(coh))  # funnel takes that table; was KeyError: 'exited_on'
    with pytest.raises(AmebenchError, match=r"funnel needs a DataFrame .*\(metrics\.outcome_rate\(cohort\) makes one\), "
                                            r"not a Cohort"):
        compare.funnel(coh)
    text = net.episodes.astype({"exited_on": str})
    with pytest.raises(AmebenchError, match=r"outcome_rate needs dates in the episodes' exited_on"):
        metrics.outcome_rate(text, by=("exit_year",))
    with pytest.raises(AmebenchError, match=r"risk_adjusted needs dates in the episodes' exited_on"):
        compare.risk_adjusted(text, casemix=("age_band",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(metrics.outcome_rate(net.episodes, by=("exit_year",)))  # dates as dates: as before


@pytest.mark.parametrize("given", [dict(conf_level="0.95"), dict(conf_level=95), dict(conf_level=True), dict(by=None)])
@pytest.mark.parametrize("metric", ["outcome_rate", "retention", "welfare_delta", "durations", "reentry"])
def test_every_metric_words_a_bad_conf_level_or_by_alike(metric, given):
    # API review 2026-12-05 (L1, L2): conf_level="0.95" and by=None gave bare TypeErrors, and
    # the conf_level messages differed between metrics.
    from amebench import metrics
    from amebench.exceptions import AmebenchError

    words = ("conf_level must be a number in (0, 1), e.g. 0.95; got" if "conf_level" in given
             else "by takes column names, e.g. by=('unit',), or by=() for one row over all; got None")
    with pytest.raises(AmebenchError, match=re.escape(words)):
        getattr(metrics, metric)(amebench.cohort(amebench.load_sample()), **given)


def test_by_takes_any_iterable_of_names():
    # Review 2026-12-05 (M4, L1): an array or dict keys of names worked before the by=None check
    # and must still; trend(by=None) was a bare TypeError.
    import numpy as np

    from amebench import compare, metrics
    from amebench.exceptions import AmebenchError

    coh = amebench.cohort(amebench.load_sample())
    expected = metrics.outcome_rate(coh, by=("unit",))
    for by in (np.array(["unit"]), {"unit": 1}.keys(), pd.Series(["unit"]), (c for c in ["unit"])):
        pd.testing.assert_frame_equal(metrics.outcome_rate(coh, by=by), expected)
    with pytest.raises(AmebenchError, match="by takes column names"):
        compare.trend(coh, by=None)
    with pytest.raises(AmebenchError, match=r"by names \['unit'\] more than once"):  # was pandas' own error
        metrics.outcome_rate(coh, by=("unit", "unit"))
