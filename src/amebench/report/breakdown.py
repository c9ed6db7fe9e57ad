"""The network's outcome rate by participants' age band, gender and country of birth.

One table, ``outcome_by_group``, for the network as a whole (per unit the groups would be
small cells): whether the exits of women and men, of the young and the old, of people
born abroad and in Sweden end in the outcome equally often. Raw shares: a group's share
says where its exits went, not what a unit did for it (the risk model adjusts for these
characteristics).

The table is a margin of a table by unit and group that is never published, beside each
unit's published exits. Two rules keep it from giving a unit's counts away:

- it counts the exits of the units whose counts the report publishes only (``leave_out``
  the others: a level that only a hidden unit has, such as ``unknown`` where one unit
  records no birth years, would be that unit's exits);
- a level that a few units alone have gives back their other exits (their published exits
  less the level's): :func:`exposed` marks such a level for hiding when that difference is
  1 … ``min_cell`` − 1, in exits, exits to the outcome or exits to anything else.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import metrics
from ..exceptions import ExitReasonWarning
from ..metrics._binomial import binomial_interval
from ..schema import AGE_BANDS, GENDERS

__all__ = ["CHARACTERISTICS", "METHOD", "CONF_LEVEL", "by_unit_and_level", "outcome_by_group", "exposed"]

#: The characteristics, in the table's order, and each one's levels in order ("unknown" last):
#: the episode's value (an age band: :func:`amebench.schema.age_band`, "unknown" without a
#: birth year or under 16), or for ``born_abroad`` ``"abroad"``/``"sweden"``.
CHARACTERISTICS: dict[str, tuple[str, ...]] = {
    "age_band": (*(label for label, _ in AGE_BANDS), "unknown"),
    "gender": GENDERS,
    "born_abroad": ("abroad", "sweden", "unknown"),
}
#: The interval of each level's rate (as :func:`amebench.metrics.outcome_rate`'s default).
METHOD, CONF_LEVEL = "wilson", 0.95

_COLUMNS = ["characteristic", "level", "estimate", "ci_low", "ci_high", "n", "events", "method", "conf_level"]


def by_unit_and_level(cohort, *, outcome: str, leave_out=()) -> pd.DataFrame:
    """Return the exits (``n``) and exits to ``outcome`` (``events``) by unit, characteristic and level.

    Parameters
    ----------
    cohort
        The report's cohort: its exits observed by ``as_of``.
    outcome
        The outcome group (or exit reasons) counted in ``events``.
    leave_out
        Units whose exits are not counted (those whose counts the report hides).

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``characteristic``, ``level``, ``n``, ``events``; a level has a row for a
        unit only where the unit has exits of that level. A missing value is the level
        ``"unknown"`` (with a gender coded unknown). A characteristic no exit has a known
        value of is left out (no unit records it).
    """
    parts = []
    left_out = {str(unit) for unit in leave_out}
    for characteristic, levels in CHARACTERISTICS.items():
        with warnings.catch_warnings():  # exits without a known reason: the outcome section names those units
            warnings.simplefilter("ignore", ExitReasonWarning)
            rates = metrics.outcome_rate(cohort, outcome=outcome, by=("unit", characteristic))
        rates = rates[~rates["unit"].astype(str).isin(left_out)]
        counts = (rates.assign(unit=rates["unit"].astype(str), level=_level(rates[characteristic], characteristic))
                  .groupby(["unit", "level"], sort=False)[["n", "events"]].sum().reset_index())
        if set(counts["level"]) <= {"unknown"}:
            continue
        counts["level"] = pd.Categorical(counts["level"], categories=levels)
        parts.append(counts.sort_values(["level", "unit"]).assign(characteristic=characteristic))
    if not parts:
        return pd.DataFrame({"unit": [], "characteristic": [], "level": [], "n": [], "events": []})
    out = pd.concat([part.assign(level=part["level"].astype(str)) for part in parts], ignore_index=True)
    return out[["unit", "characteristic", "level", "n", "events"]]


def outcome_by_group(counts: pd.DataFrame) -> pd.DataFrame:
    """Return the rate of each characteristic's level over the units of ``counts`` (:func:`by_unit_and_level`).

    Columns ``characteristic``, ``level``, ``estimate`` (events / n), ``ci_low``,
    ``ci_high`` (Wilson score interval, statsmodels, as ``outcome_rate``: Wilson 1927,
    checked against Newcombe 1998), ``n`` (exits), ``events`` (exits to the outcome),
    ``method``, ``conf_level``. Each characteristic's rows add up to the exits counted.
    """
    if counts.empty:
        return pd.DataFrame(columns=_COLUMNS)
    out = counts.groupby(["characteristic", "level"], sort=False)[["n", "events"]].sum().reset_index()
    out = out.astype({"n": "int64", "events": "int64"})
    out["estimate"] = out["events"] / out["n"]
    out["ci_low"], out["ci_high"] = binomial_interval(out["events"], out["n"], CONF_LEVEL, METHOD)
    out["method"], out["conf_level"] = METHOD, CONF_LEVEL
    return out[_COLUMNS]


def exposed(counts: pd.DataFrame, table: pd.DataFrame, *, min_cell: int) -> np.ndarray:
    """Return which rows of ``table`` (:func:`outcome_by_group` of ``counts``) give a small count away.

    A reader who knows which units have a level (those that record an age, or code a
    gender ``other``) subtracts the level's count from those units' published exits: the
    difference is their exits of the other levels. The row is marked when that difference
    is 1 … ``min_cell`` − 1 in exits, in exits to the outcome or in exits to anything else
    (each over the units with such exits of the level). On the sample every difference is
    0 (every unit has every level) or large.
    """
    counts = counts.assign(rest=counts["n"] - counts["events"])
    units = counts.drop_duplicates(["characteristic", "unit"]).groupby("characteristic")["unit"].agg(set)
    totals = counts.groupby(["characteristic", "unit"])[["n", "events", "rest"]].sum()
    out = np.zeros(len(table), dtype=bool)
    for i, (characteristic, level) in enumerate(zip(table["characteristic"], table["level"])):
        rows = counts[(counts["characteristic"] == characteristic) & (counts["level"] == level)]
        for column in ("n", "events", "rest"):
            having = rows.loc[rows[column] > 0, "unit"]
            if not len(having) or set(having) == units[characteristic]:
                continue  # no one, or every unit: the difference is the others' levels' total
            gap = totals.loc[characteristic].loc[list(having), column].sum() - rows[column].sum()
            out[i] |= 0 < gap < min_cell
    return out


def _level(values: pd.Series, characteristic: str) -> np.ndarray:
    """The level of each value as text: missing is ``"unknown"``; born abroad or not, ``"abroad"``/``"sweden"``."""
    if characteristic == "born_abroad":
        flags = values.astype("boolean")
        return np.where(flags.isna(), "unknown", np.where(flags.fillna(False), "abroad", "sweden"))
    return values.astype("string").fillna("unknown").astype(str).to_numpy()
