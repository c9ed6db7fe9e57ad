"""Grouping columns a metric works out from an episode: ``exit_year``, ``enrol_year``, ``age_band``.

Every metric groups by them the same way (the national review found ``age_band`` in
outcome_rate only): the year of the exit, the year of the enrolment and the age band at
enrolment (:func:`amebench.schema.age_band` of the enrolment year minus the birth year,
``"unknown"`` without a birth year or under 16) of the episode the metric counts.
"""

from __future__ import annotations

import pandas as pd

from ..schema import age_band

__all__ = ["DERIVED", "derivable", "sources", "derived"]

#: Each derived grouping column and the episode columns it is worked out from.
DERIVED: dict[str, tuple[str, ...]] = {
    "exit_year": ("exited_on",),
    "enrol_year": ("enrolled_on",),
    "age_band": ("enrolled_on", "birth_year"),
}


def derivable(columns, names=tuple(DERIVED)) -> tuple[str, ...]:
    """The derived columns of ``names`` whose source columns are all in ``columns``."""
    return tuple(name for name in names if set(DERIVED[name]) <= set(columns))


def sources(by) -> set[str]:
    """The episode columns the derived columns of ``by`` are worked out from."""
    return {column for name in by if name in DERIVED for column in DERIVED[name]}


def derived(episodes: pd.DataFrame, by) -> dict[str, object]:
    """Return the derived columns of ``by`` for the rows of ``episodes``, as arrays in row order.

    Years are ``Int64`` (missing for an episode not yet exited); ``age_band`` is a
    Categorical over the age bands and ``"unknown"`` (no birth year, or under 16). Assign them with
    ``frame.assign(**derived(...))``: the arrays carry no index, so they go by position.
    """
    out: dict[str, object] = {}
    for name in by:
        if name == "exit_year":
            out[name] = episodes["exited_on"].dt.year.astype("Int64").array
        elif name == "enrol_year":
            out[name] = episodes["enrolled_on"].dt.year.astype("Int64").array
        elif name == "age_band":
            age = episodes["enrolled_on"].dt.year.astype("Int64") - episodes["birth_year"].astype("Int64")
            out[name] = age_band(age.reset_index(drop=True)).array
    return out
