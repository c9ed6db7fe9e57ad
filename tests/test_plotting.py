"""Tests of the figures: they draw what the result holds and return the Axes."""

import warnings

import matplotlib.pyplot as plt
from matplotlib.ticker import PercentFormatter
import pytest

import amebench
from amebench import compare, metrics, plotting
from amebench.exceptions import CaseMixWarning


@pytest.fixture(scope="module")
def rates():
    return metrics.outcome_rate(amebench.cohort(amebench.load_sample()))


def test_funnel_plot_draws_every_unit_and_the_limits(rates):
    result = compare.funnel(rates)
    fig, ax = plt.subplots()
    assert result.plot(ax=ax) is ax
    labels = {t.get_text() for t in ax.texts}
    assert labels == set(rates["unit"])
    assert len(ax.lines) == 2 * len(result.levels) + 1  # lower and upper per level, target
    assert isinstance(ax.yaxis.get_major_formatter(), PercentFormatter)
    assert ax.yaxis.get_major_formatter()(0.825) == "82.5%"  # decimals as the ticks need
    plt.close(fig)


def test_hidden_rows_are_not_drawn(rates):
    shown = rates.copy()
    shown.loc[0, ["estimate", "ci_low", "ci_high"]] = float("nan")
    fig, ax = plt.subplots()
    plotting.caterpillar_plot(shown, ax=ax)
    assert len(ax.get_yticklabels()) == len(rates) - 1
    plt.close(fig)


@pytest.mark.parametrize("draw,table", [
    (plotting.rank_plot, lambda r: compare.rank_intervals(r, n_sim=500)),
    (plotting.oe_plot, lambda r: compare.risk_adjusted(amebench.cohort(amebench.load_sample()))),
    (plotting.flow_plot, lambda r: metrics.flows(amebench.load_sample())),
    (plotting.exit_reason_plot, lambda r: amebench.load_sample().episodes.dropna(subset=["exit_reason"])
        .groupby(["unit", "exit_reason"], observed=True).size().rename("n").reset_index()),
])
def test_every_figure_returns_its_axes(rates, draw, table):
    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CaseMixWarning)  # the sample's single 65+ participant
        data = table(rates)
    assert draw(data, ax=ax) is ax
    assert ax.has_data()
    english = ax.get_xlabel() + ax.get_ylabel()
    assert english
    fig2, ax2 = plt.subplots()
    draw(data, ax=ax2, lang="sv")
    assert ax2.get_xlabel() + ax2.get_ylabel() not in ("", english)  # the Swedish labels
    plt.close(fig)
    plt.close(fig2)


def test_swedish_funnel_labels_and_legend(rates):
    fig, ax = plt.subplots()
    compare.funnel(rates).plot(ax=ax, lang="sv")
    assert ax.get_xlabel() == "deltagare (avslut)" and ax.get_ylabel() == "andel"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["95 %-gränser", "99,8 %-gränser", "mål"]
    plt.close(fig)

