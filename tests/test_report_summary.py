"""Tests of amebench.report.summary: the report's first sentences."""

import pandas as pd
import pytest

import amebench


def test_the_summary_calls_the_funnel_the_answer_only_when_its_limits_are_widened():
    # Methods review 2026-12-07 and diff review: "may be chance" was said of units that vary more
    # than chance; with phi <= 1 it is no proof either (a common outcome's Poisson limits are
    # wide), so the summary only says that no unit stands out. The raw funnel's answer names no
    # O/E interval: when it is the summary's funnel, no unit has one.
    from amebench import compare
    from amebench.report.summary import _summary_limits

    ctx = {"lang": "en"}
    spread = pd.DataFrame({"unit": list("abcdef"), "n": [100] * 6, "events": [20, 30, 40, 50, 60, 25]})
    alike = spread.assign(events=[30, 31, 29, 30, 32, 30])
    widened = compare.funnel(spread, overdispersion="multiplicative")
    with pytest.warns(amebench.exceptions.OverdispersionWarning, match="phi = 0.022 <= 1"):  # the case wanted
        chance = compare.funnel(alike, overdispersion="multiplicative")
    assert widened.phi > 1 and chance.phi <= 1
    limits, within, outside = _summary_limits(widened, "adjusted", ctx)
    assert "widened because the units differ more than chance" in limits
    assert "report's answer" in within and "report's answer" in outside and "observed/expected" in outside
    limits, within, outside = _summary_limits(widened, "raw", ctx)
    assert "report's answer" in outside and "observed/expected" not in within + outside
    limits, within, outside = _summary_limits(chance, "adjusted", ctx)
    assert "not widened" in limits and within == ": no unit stands out." and outside == ""
    assert "chance" not in limits + within
