"""Rates per year and their change, and the smallest detectable difference."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower

from ..cohorts import Cohort
from ..exceptions import AmebenchError, AmebenchWarning
from ..metrics.outcome import outcome_rate
from ..results import by_names, refuse_network, tidy
from .pairwise import difference

__all__ = ["trend", "power"]

_MIN_GROUP = 2


def trend(data, *, outcome="work_or_studies", by=("unit",), conf_level: float = 0.95) -> pd.DataFrame:
    """Return the outcome rate per exit year with Wilson CI, and the change from the previous year.

    Parameters
    ----------
    data
        A :class:`amebench.Cohort` or a DataFrame of episodes, as for
        :func:`amebench.metrics.outcome_rate` (exits after the cohort's ``as_of``
        are not exits).
    outcome
        Outcome group counted as an event.
    by
        Grouping columns besides ``exit_year``, which ``trend`` adds itself, as
        :func:`amebench.metrics.outcome_rate` takes them (columns of your own too).
    conf_level
        Confidence level of both intervals.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns (a missing value is a group of its own, with the key
        missing), ``exit_year``, ``estimate``, ``ci_low``, ``ci_high``, ``n``,
        ``events``, ``change`` (rate − previous year's rate of the same group),
        ``change_ci_low``, ``change_ci_high`` (Newcombe hybrid score interval;
        missing for a group's first year or when the previous year had no exits),
        ``method``, ``conf_level``.

    Raises
    ------
    AmebenchError
        When ``by`` holds ``exit_year`` or a column ``outcome_rate`` cannot group
        by, a DataFrame has a column ``exit_year`` of its own, or ``conf_level`` is
        not in (0, 1).

    Notes
    -----
    The rate of a year is ``outcome_rate`` per episode with the Wilson interval. A year
    not wholly observed says so in ``method``: the year of a cohort's ``as_of`` ("exits
    to 2026-09-30 only") and the year the data start in (the unit's first enrolment
    when grouped by unit: "data from 2023-07-01, so its exits lack any episodes enrolled
    before", which makes its rate one of shorter episodes).
    With :math:`(l_1, u_1)` and :math:`(l_0, u_0)` the Wilson intervals of this
    year's rate :math:`p_1` and last year's :math:`p_0`, the change
    :math:`p_1 - p_0` has Newcombe's interval (his method 10)
    :math:`p_1 - p_0 - \\sqrt{(p_1 - l_1)^2 + (u_0 - p_0)^2}` to
    :math:`p_1 - p_0 + \\sqrt{(u_1 - p_1)^2 + (p_0 - l_0)^2}`
    (``statsmodels`` ``confint_proportions_2indep(method="newcomb")``). The two
    years are taken as independent samples.

    References
    ----------
    Wilson E.B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22:209–212.
    Newcombe R.G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17:873–890.
    """
    refuse_network(data, "trend")  # was an AttributeError from deep inside
    by = by_names(by)
    if "exit_year" in by:
        raise AmebenchError(f"trend groups by exit_year itself; leave it out of by (by is {list(by)})")
    if "exit_year" in getattr(data, "columns", ()):
        raise AmebenchError("trend groups by exit_year itself, the year of exited_on: drop or rename the "
                            "DataFrame's own exit_year column")
    rates = outcome_rate(data, outcome=outcome, by=(*by, "exit_year"), conf_level=conf_level)
    rates = rates.sort_values([*by, "exit_year"]).reset_index(drop=True)
    change = np.full(len(rates), np.nan)
    low = np.full(len(rates), np.nan)
    high = np.full(len(rates), np.nan)
    if by:
        # a missing by value is a group of its own, as in outcome_rate (dropna=False);
        # ngroup, since .indices loses a missing categorical key even with dropna=False
        codes = rates.groupby(list(by), sort=False, dropna=False, observed=True).ngroup().to_numpy()
        groups = [np.flatnonzero(codes == code) for code in np.unique(codes)]
    else:
        groups = [np.arange(len(rates))]
    for positions in groups:
        for previous, current in zip(positions[:-1], positions[1:]):
            if rates.loc[current, "exit_year"] != rates.loc[previous, "exit_year"] + 1:
                continue
            d, lo, hi, _ = difference(
                rates.loc[current, "events"], rates.loc[current, "n"],
                rates.loc[previous, "events"], rates.loc[previous, "n"], conf_level=conf_level,
            )
            change[current], low[current], high[current] = d, lo, hi
    rates["change"] = change
    rates["change_ci_low"] = low
    rates["change_ci_high"] = high
    method = "Wilson; change from the previous year with Newcombe hybrid score CI"
    rates["method"] = method + _partial_years(data, rates)
    return tidy(rates, by)


def _partial_years(data, rates: pd.DataFrame) -> pd.Series:
    """For each row of ``rates``, what of its exit year is not observed ("" when all is):
    the year of a cohort's ``as_of`` before its last day, and the year the data start in
    (the unit's first enrolment when ``rates`` is by unit, else the first of the cohort's
    units), whose exits lack any episodes enrolled before the data start."""
    if isinstance(data, Cohort):
        episodes, as_of = data.network.episodes, data.as_of
        if data.units:
            episodes = episodes[episodes["unit"].astype(str).isin(data.units)]
    else:  # a table of episodes: no as_of
        episodes, as_of = data, None
    start = pd.Series(pd.NaT, index=rates.index)
    if "enrolled_on" in episodes.columns:
        enrolled = pd.to_datetime(episodes["enrolled_on"])
        if "unit" in rates.columns and "unit" in episodes.columns:
            start = rates["unit"].astype(str).map(enrolled.groupby(episodes["unit"].astype(str)).min())
        else:
            start = pd.Series(enrolled.min(), index=rates.index)
    notes = []
    for year, first in zip(rates["exit_year"].astype(int), start):
        note = ""
        if pd.notna(first) and first.year == year:
            note += f"; {year}: data from {first:%Y-%m-%d}, so its exits lack any episodes enrolled before"
        if as_of is not None and as_of.year == year and (as_of.month, as_of.day) != (12, 31):
            note += f"; {year}: exits to {as_of:%Y-%m-%d} only"
        notes.append(note)
    return pd.Series(notes, index=rates.index, dtype=object)


def power(n_a: int, n_b: int, *, p_a: float = 0.5, alpha: float = 0.05, power: float = 0.8,
          direction: str = "rise") -> pd.DataFrame:
    """Return the smallest difference in proportions that two groups of given sizes can detect.

    Parameters
    ----------
    n_a, n_b
        Group sizes: whole numbers of at least 2.
    p_a
        Rate of group a.
    alpha
        Two-sided significance level.
    power
        Power to detect the difference.
    direction
        ``"rise"`` (``p_b`` above ``p_a``, a positive ``estimate``) or ``"fall"``
        (below, a negative one). Near 0 or 1 the two differ: at ``p_a = 0.9`` a fall is
        detected sooner than a rise.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (the difference :math:`p_b - p_a`), ``n_a``, ``n_b``,
        ``estimate_a`` (``p_a``), ``method``.

    Raises
    ------
    AmebenchError
        When a size is not a whole number of at least 2 (``power(2.5, 10)``),
        ``p_a``, ``alpha`` or ``power`` is not strictly between 0 and 1, or
        ``power`` is not larger than ``alpha``, or ``direction`` is neither
        ``"rise"`` nor ``"fall"``.

    Notes
    -----
    Solves the two-sided normal test for Cohen's effect size
    :math:`h = 2\\arcsin\\sqrt{p_b} - 2\\arcsin\\sqrt{p_a}` with
    ``statsmodels.stats.power.NormalIndPower`` (``nobs1 = n_a``, ``ratio = n_b/n_a``),
    i.e. :math:`h` with
    :math:`\\Phi(h/s - z_{1-\\alpha/2}) + \\Phi(-h/s - z_{1-\\alpha/2}) = \\text{power}`,
    :math:`s = \\sqrt{1/n_a + 1/n_b}`, then converts :math:`h` back to :math:`p_b`:
    :math:`p_b = \\sin^2(\\arcsin\\sqrt{p_a} \\pm h/2)` (+ for a rise, − for a
    fall). Returns the difference :math:`p_b - p_a` in ``estimate``. When the angle
    leaves :math:`[0, \\pi/2]` (``p_b`` would pass 1 or 0), no such difference is
    detectable: ``estimate`` is NaN, with an :class:`AmebenchWarning`.

    References
    ----------
    Cohen J. (1988). Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 6.
    """
    for name, size in (("n_a", n_a), ("n_b", n_b)):
        if not _is_whole(size) or size < _MIN_GROUP:
            raise AmebenchError(
                f"power needs group sizes that are whole numbers of at least {_MIN_GROUP}; {name} is {size!r}"
            )
    n_a, n_b = int(n_a), int(n_b)
    if not 0 < p_a < 1 or not 0 < alpha < 1 or not 0 < power < 1:
        raise AmebenchError("p_a, alpha and power must lie strictly between 0 and 1")
    if power <= alpha:
        # the test rejects with probability alpha at no difference: a difference of 0 has
        # this power already, and no smallest difference exists
        raise AmebenchError(f"power must be larger than alpha (the power at no difference); got power={power}, "
                            f"alpha={alpha}")
    if direction not in ("rise", "fall"):
        raise AmebenchError(f'direction must be "rise" or "fall", not {direction!r}')
    h = NormalIndPower().solve_power(effect_size=None, nobs1=n_a, ratio=n_b / n_a, alpha=alpha, power=power,
                                     alternative="two-sided")
    angle = math.asin(math.sqrt(p_a)) + (float(h) if direction == "rise" else -float(h)) / 2
    if not 0 <= angle <= math.pi / 2:
        # p_b would pass 1 (or 0): no such difference is detectable with this power (a
        # clipped p_b would be reported as if it were)
        beyond = "above 1" if direction == "rise" else "below 0"
        warnings.warn(
            f"groups of {n_a} and {n_b} cannot detect any {direction} from p_a = {p_a} with power {power}: "
            f"Cohen's h = {float(h):.3f} would need a rate {beyond}; estimate is NaN",
            AmebenchWarning, stacklevel=2,
        )
        difference = math.nan
    else:
        difference = math.sin(angle) ** 2 - p_a
    return tidy(pd.DataFrame({
        "estimate": [difference], "n_a": [int(n_a)], "n_b": [int(n_b)], "estimate_a": [p_a],
        "method": [(f"smallest detectable {direction}, two-sided alpha={alpha}, power={power}, "
                    f"Cohen's h={float(h):.4f}")],
    }))


def _is_whole(value) -> bool:
    # 98.0 (a count that went through a float column) is a size; 2.5 and NaN are not
    if isinstance(value, numbers.Integral):
        return True
    return isinstance(value, (float, np.floating)) and float(value).is_integer()
