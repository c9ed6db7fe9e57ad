"""Tests of the result-table vocabulary."""

import pandas as pd
import pytest

from amebench.results import GLOSSARY, tidy


def test_tidy_orders_columns_keeping_the_grouping_order():
    frame = pd.DataFrame(
        {"method": ["wilson"], "n": [10], "estimate": [0.5], "gender": ["man"], "unit": ["a"],
         "ci_high": [0.8], "ci_low": [0.2], "conf_level": [0.95], "events": [5]}
    )
    assert list(tidy(frame).columns) == [
        "gender", "unit", "estimate", "ci_low", "ci_high", "n", "events", "method", "conf_level"
    ]


def test_tidy_refuses_columns_outside_the_glossary():
    assert "estimate" in GLOSSARY
    with pytest.raises(KeyError, match="rate_pct"):
        tidy(pd.DataFrame({"estimate": [0.5], "rate_pct": [50]}))
