"""Two-sample difference of means with a t confidence interval (Welch or pooled)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import AmebenchError
from ..results import check_conf_level, tidy

__all__ = ["mean_difference"]

_MIN_PER_SAMPLE = 2  # a sample variance needs two values


def _check_sample(values, name: str) -> np.ndarray:
    try:
        x = np.asarray(pd.Series(values, dtype="float64"), dtype=np.float64)
    except (TypeError, ValueError):
        raise AmebenchError(f"sample {name!r} must hold numbers") from None
    if x.ndim != 1:
        raise AmebenchError(f"sample {name!r} must be one-dimensional, got shape {x.shape}")
    bad = int((~np.isfinite(x)).sum())
    if bad:
        raise AmebenchError(
            f"sample {name!r} holds {bad} missing or infinite values; drop them first "
            "(for example with .dropna()) so the sample size is what you mean it to be"
        )
    if len(x) < _MIN_PER_SAMPLE:
        raise AmebenchError(
            f"sample {name!r} has {len(x)} value(s); a difference of means needs at least "
            f"{_MIN_PER_SAMPLE} in each sample"
        )
    return x


def mean_difference(a, b, *, conf_level: float = 0.95, equal_var: bool = False) -> pd.DataFrame:
    """Return the difference of two means, mean(a) - mean(b), with a t confidence interval.

    Parameters
    ----------
    a, b
        The two independent samples (array-like of numbers, no missing values).
    conf_level
        Confidence level of the two-sided interval, in (0, 1).
    equal_var
        ``False`` (default): Welch's t with Welch–Satterthwaite degrees of
        freedom. ``True``: Student's t with the pooled variance and
        ``n_a + n_b - 2`` degrees of freedom.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (mean a - mean b), ``ci_low``, ``ci_high``,
        ``n_a``, ``n_b``, ``estimate_a`` (mean a), ``estimate_b`` (mean b),
        ``se`` (standard error of the difference), ``statistic`` (t),
        ``df``, ``p_value`` (two-sided, H0: equal means), ``method``
        (``"welch-t"`` or ``"pooled-t"``), ``conf_level``.

    Raises
    ------
    AmebenchError
        If a sample has missing values, fewer than two values, or ``conf_level``
        is not in (0, 1).

    Notes
    -----
    Welch: :math:`se = \\sqrt{s_a^2/n_a + s_b^2/n_b}`,
    :math:`\\nu = se^4 / \\left(\\frac{(s_a^2/n_a)^2}{n_a-1}
    + \\frac{(s_b^2/n_b)^2}{n_b-1}\\right)`.
    Pooled: :math:`s_p^2 = \\frac{(n_a-1)s_a^2 + (n_b-1)s_b^2}{n_a+n_b-2}`,
    :math:`se = s_p\\sqrt{1/n_a + 1/n_b}`. The interval is
    :math:`\\bar a - \\bar b \\pm t_{1-\\alpha/2,\\nu}\\, se`. Computed with
    :func:`scipy.stats.ttest_ind` and its ``confidence_interval``. When both samples
    are constant (se = 0) the t statistic is undefined: interval, statistic and
    p-value are then NaN (R's ``t.test`` stops with "data are essentially constant"),
    not a zero-width interval.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several
    different population variances are involved. Biometrika 34, 28–35.

    Examples
    --------
    >>> from amebench.metrics import mean_difference
    >>> row = mean_difference([1, 2, 3, 4, 5], [2, 3, 4, 5, 6, 7]).iloc[0]  # as scipy.stats.ttest_ind(equal_var=False)
    >>> round(float(row["estimate"]), 2), round(float(row["ci_low"]), 3), round(float(row["ci_high"]), 3)
    (-1.5, -3.855, 0.855)
    """
    check_conf_level(conf_level)
    if not isinstance(equal_var, (bool, np.bool_)):
        raise AmebenchError(f"equal_var must be True or False, got {equal_var!r}")
    x = _check_sample(a, "a")
    y = _check_sample(b, "b")
    va, vb = x.var(ddof=1), y.var(ddof=1)
    na, nb = len(x), len(y)
    if equal_var:
        pooled = ((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)
        se = float(np.sqrt(pooled * (1 / na + 1 / nb)))
    else:
        se = float(np.sqrt(va / na + vb / nb))
    spread = se > 0
    if spread:
        with warnings.catch_warnings():
            if np.ptp(x) == 0 or np.ptp(y) == 0:  # a constant sample's variance 0 is exact:
                # scipy's "catastrophic cancellation" warning about it is a false alarm
                warnings.filterwarnings("ignore", "Precision loss occurred", RuntimeWarning)
            res = stats.ttest_ind(x, y, equal_var=bool(equal_var))
            ci = res.confidence_interval(confidence_level=conf_level)
    row = {
        "estimate": float(x.mean() - y.mean()),
        "ci_low": float(ci.low) if spread else np.nan,
        "ci_high": float(ci.high) if spread else np.nan,
        "n_a": na,
        "n_b": nb,
        "estimate_a": float(x.mean()),
        "estimate_b": float(y.mean()),
        "se": se,
        "statistic": float(res.statistic) if spread else np.nan,
        "df": float(res.df) if spread else np.nan,
        "p_value": float(res.pvalue) if spread else np.nan,
        "method": "pooled-t" if equal_var else "welch-t",
        "conf_level": float(conf_level),
    }
    return tidy(pd.DataFrame([row]))
