"""Differences between units: every pair, and each unit against the rest of the network."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from ..exceptions import AmebenchError, unknown_units
from ..results import tidy
from ._table import check_counts, check_level

__all__ = ["pairwise", "difference"]

#: amebench name -> statsmodels multipletests method (always passed explicitly:
#: statsmodels' default is Holm-Šidák).
ADJUSTMENTS = {"holm": "holm", "bh": "fdr_bh", "none": None}
#: How ``method`` names each adjustment.
_ADJUSTMENT_NAMES = {"holm": "Holm adjustment", "bh": "Benjamini-Hochberg adjustment", "none": "no adjustment"}
REST = "rest of network"


def difference(events_a, n_a, events_b, n_b, *, conf_level: float = 0.95):
    """Return (difference, ci_low, ci_high, p_value) of two independent proportions.

    The interval is Newcombe's hybrid score interval (his method 10), from
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``;
    the p-value is the Miettinen-Nurminen score test of equal proportions
    (``test_proportions_2indep(method="score")``, with statsmodels' default small-sample
    factor n/(n - 1) on the variance: 56/70 vs 48/80 gives p = 0.0083 where the plain
    score test gives 0.0080); 1 where the test is undefined. Interval and p-value come
    from different methods and can, for very small groups, disagree about significance
    (e.g. 1/5 vs 0/29: interval -0.0013 to 0.6245, p = 0.016).
    """
    diff, low, high, p_value = _differences(*(np.atleast_1d(v) for v in (events_a, n_a, events_b, n_b)),
                                            conf_level=conf_level)
    return float(diff[0]), float(low[0]), float(high[0]), float(p_value[0])


def pairwise(table: pd.DataFrame, *, adjust: str = "holm", conf_level: float = 0.95,
             units: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the difference in rate for every pair of units and for each unit against the rest.

    Parameters
    ----------
    table
        Columns ``unit``, ``n``, ``events`` (an outcome_rate result by unit). Beside
        ``respondents`` or ``eligible``, an ``estimate`` must be events / n (a retention
        table's is events / respondents: give ``n=respondents``).
    adjust
        Multiple-testing adjustment of the p-values within each comparison family:
        ``"holm"`` (default), ``"bh"`` (Benjamini–Hochberg false discovery rate) or
        ``"none"``.
    conf_level
        Confidence level of the (unadjusted) intervals.
    units
        The units to compare; default every unit of ``table``. The pairs are those
        among ``units``, and each of ``units`` is compared with the rest of the
        network: every other unit of ``table``, compared or not. The adjustment
        families hold only these comparisons.

    Returns
    -------
    pandas.DataFrame
        ``comparison`` (``"pair"`` or ``"unit vs rest"``), ``unit_a``, ``unit_b``,
        ``estimate`` (rate a − rate b), ``ci_low``, ``ci_high``, ``n_a``, ``n_b``,
        ``events_a``, ``events_b``, ``estimate_a``, ``estimate_b``, ``p_value``,
        ``p_adjusted``, ``method``, ``conf_level``.

    Notes
    -----
    For "unit vs rest", b is the pooled other units (n and events of the network
    minus the unit's, the network being every row of ``table``). Pairs and
    unit-vs-rest rows are separate families for the adjustment. With ``units``, a
    unit left out enters no comparison's family and no pair, only the rest of the
    network: the results depend on its counts only through the network's total
    (the benchmark report compares only the units whose counts it publishes).
    Each exit counts as an independent trial: variation between units beyond chance
    (the overdispersion :func:`~amebench.compare.funnel` can allow for) is not allowed
    for, so two units can differ here and both lie within a widened funnel. The score
    test is anti-conservative for very small units (1 of 5 against 0 of 29: p = 0.016,
    Fisher's exact test 0.147; statistics review).

    References
    ----------
    Newcombe R.G. (1998). Interval estimation for the difference between
    independent proportions: comparison of eleven methods. Statistics in
    Medicine 17:873–890.
    Holm S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6:65–70.
    Benjamini Y., Hochberg Y. (1995). Controlling the false discovery rate. JRSS B 57:289–300.

    Examples
    --------
    >>> import amebench
    >>> from amebench import compare, metrics
    >>> rates = metrics.outcome_rate(amebench.cohort(amebench.load_sample(), exited=2025))
    >>> table = compare.pairwise(rates)
    >>> table["comparison"].value_counts().sort_index().to_dict()  # 10 pairs, 5 units against the rest
    {'pair': 10, 'unit vs rest': 5}
    """
    if adjust not in ADJUSTMENTS:
        raise AmebenchError(f"adjust must be one of {list(ADJUSTMENTS)}, not {adjust!r}")
    conf_level = check_level(conf_level)
    data = check_counts(table, what="pairwise")
    total_n, total_events = int(data["n"].sum()), int(data["events"].sum())  # the network: every row
    data = data[_compared(data, units)]
    if len(data) < 2:
        raise AmebenchError("pairwise needs at least two units")
    # Every pair (in itertools.combinations order) and every unit against the rest, as
    # arrays: the statsmodels functions are elementwise, one call covers all rows.
    units = data["unit"].tolist()
    n = data["n"].to_numpy(dtype=np.int64)
    events = data["events"].to_numpy(dtype=np.int64)
    ia, ib = (np.asarray(i, dtype=np.intp) for i in np.triu_indices(len(units), k=1))
    out = pd.DataFrame({
        "comparison": ["pair"] * len(ia) + ["unit vs rest"] * len(units),
        "unit_a": [units[i] for i in ia] + units,
        "unit_b": [units[i] for i in ib] + [REST] * len(units),
        "n_a": np.r_[n[ia], n],
        "events_a": np.r_[events[ia], events],
        "n_b": np.r_[n[ib], total_n - n],
        "events_b": np.r_[events[ib], total_events - events],
    })
    diff, low, high, p_value = _differences(*(out[c].to_numpy() for c in ("events_a", "n_a", "events_b", "n_b")),
                                            conf_level=conf_level)
    out.insert(3, "estimate", diff)
    out.insert(4, "ci_low", low)
    out.insert(5, "ci_high", high)
    out["estimate_a"] = out["events_a"] / out["n_a"]
    out["estimate_b"] = out["events_b"] / out["n_b"]
    out["p_value"] = p_value
    out["p_adjusted"] = out["p_value"]
    if ADJUSTMENTS[adjust] is not None:
        for _, idx in out.groupby("comparison", sort=False).groups.items():
            out.loc[idx, "p_adjusted"] = multipletests(out.loc[idx, "p_value"], method=ADJUSTMENTS[adjust])[1]
    out["method"] = f"Newcombe hybrid score CI; Miettinen-Nurminen score test; {_ADJUSTMENT_NAMES[adjust]}"
    out["conf_level"] = conf_level
    return tidy(out)


def _compared(data: pd.DataFrame, units) -> np.ndarray:
    """Rows of ``data`` whose unit is one of ``units`` (every row when None); unknown units raise."""
    if units is None:
        return np.ones(len(data), dtype=bool)
    if isinstance(units, str):
        raise AmebenchError(f"units must be a list of units, not the string {units!r}")
    wanted = [str(u) for u in units]
    unknown = sorted(set(wanted) - set(data["unit"]))
    if unknown:
        raise AmebenchError(f"pairwise: unknown unit(s) {unknown_units(unknown, set(data['unit']), 'the table')}")
    return data["unit"].isin(wanted).to_numpy()


def _differences(ea, na, eb, nb, *, conf_level: float):
    """:func:`difference` for arrays of counts at once (the statsmodels calls are elementwise)."""
    # statsmodels also computes ratios and odds ratios, which divide by zero for a rate of 0
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_proportions_2indep(ea, na, eb, nb, method="newcomb", compare="diff",
                                               alpha=1 - conf_level)
        test = test_proportions_2indep(ea, na, eb, nb, method="score", compare="diff")
    p_value = np.asarray(test.pvalue, dtype=np.float64).reshape(-1)
    p_value = np.where(np.isfinite(p_value), p_value, 1.0)
    # alpha = 1 - 0.95 is 0.050000000000000044: Wilson's upper limit of 27/27 is then
    # 0.9999999999999998, and square-and-add carries that past -1 (test review 2026-12-06)
    low = np.clip(np.asarray(low, dtype=np.float64).reshape(-1), -1.0, 1.0)
    high = np.clip(np.asarray(high, dtype=np.float64).reshape(-1), -1.0, 1.0)
    return np.asarray(ea / na, dtype=np.float64) - eb / nb, low, high, p_value
