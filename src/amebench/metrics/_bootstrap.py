"""Intervals for the mean of welfare deltas: t, and scipy's percentile/BCa bootstrap."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import special, stats

from .. import _threads

__all__ = ["_batch", "_bca_mean", "_mean_ci", "bca_difference", "mean_intervals", "t_intervals"]

#: Resampled values per batch of scipy.stats.bootstrap for one sample: batches of a few MB
#: stay in cache and reuse memory, and numpy's generator gives the same draws in any batch
#: sizes (not so for two samples, whose draws scipy interleaves per batch).
_BATCH_VALUES = 1 << 18


def _mean_ci(x: np.ndarray, kind: str, conf_level: float, n_boot: int,
             seed: int) -> tuple[float, float]:
    """Interval for the mean of ``x`` (sorted first, so the input order is irrelevant)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _mean_ci_quiet(x, kind, conf_level, n_boot, seed)


def mean_intervals(samples, kind: str, conf_level: float, n_boot: int, seed: int) -> list[tuple[float, float]]:
    """:func:`_mean_ci` of each sample, the bootstrap ones on as many threads as there are cores.

    Every sample is resampled by its own generator seeded with ``seed``, so the
    intervals are exactly those of one :func:`_mean_ci` call per sample, whatever the
    number of threads. The work is numpy's (drawing the resample indices, gathering
    and averaging them), which releases the GIL. Warnings are silenced once, here in
    the calling thread: ``warnings.catch_warnings`` is not thread-safe, so the worker
    threads leave the filters alone.
    """
    samples = list(samples)
    workers = min(len(samples), _threads.cores())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if kind == "t" or workers < 2:
            return [_mean_ci_quiet(x, kind, conf_level, n_boot, seed) for x in samples]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda x: _mean_ci_quiet(x, kind, conf_level, n_boot, seed), samples))


def _mean_ci_quiet(x: np.ndarray, kind: str, conf_level: float, n_boot: int,
                   seed: int) -> tuple[float, float]:
    """:func:`_mean_ci` without touching the warning filters (safe on a worker thread)."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    if len(x) < 2:
        return np.nan, np.nan
    if np.ptp(x) == 0:
        # no spread (e.g. nobody paid before or after): the sample's variance gives no
        # interval, and a point [x, x] would claim certainty that a small sample cannot give
        return np.nan, np.nan
    if kind == "t":
        low, high = t_intervals([x.mean()], [x.var(ddof=1)], [len(x)], conf_level)
        return float(low[0]), float(high[0])
    # The percentile bootstrap draws exactly the resamples the BCa method would (same
    # rng calls); BCa only adds the bias and acceleration corrections below.
    res = stats.bootstrap(
        (x,), np.mean, n_resamples=n_boot, confidence_level=conf_level,
        method="percentile", vectorized=True, rng=np.random.default_rng(seed),
        batch=_batch(len(x)),
    )
    if kind == "percentile":
        return float(res.confidence_interval.low), float(res.confidence_interval.high)
    return _bca_mean(x, res.bootstrap_distribution, conf_level)


def t_intervals(means, variances, ns, conf_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Student t intervals of several means at once: ``mean ± t(1 - α/2, n - 1)·√(var/n)``.

    ``variances`` are sample variances (ddof=1). The same interval as
    ``scipy.stats.ttest_1samp(x).confidence_interval()`` (tests/test_metrics_welfare.py),
    one ``t.ppf`` call for every group instead of one ttest per group. NaN where n < 2.
    """
    means, variances = np.asarray(means, dtype=np.float64), np.asarray(variances, dtype=np.float64)
    ns = np.asarray(ns, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(ns >= 2, ns - 1, np.nan)
        half = stats.t.ppf(0.5 + conf_level / 2, df) * np.sqrt(variances / ns)
    return means - half, means + half


def _batch(n: int) -> int:
    """Resamples per batch for samples of ``n`` values in all (at least one)."""
    return max(1, _BATCH_VALUES // max(n, 1))


def _bca_mean(x: np.ndarray, theta_b: np.ndarray, conf_level: float) -> tuple[float, float]:
    """BCa interval of the mean from its bootstrap distribution, jackknife in closed form.

    The same steps as ``scipy.stats.bootstrap(method="BCa")`` (Efron & Tibshirani
    1993, eqs. 14.14-14.15): z0 from the share of resample means below the mean
    (ties count half), acceleration from the jackknife, ``scipy.stats.quantile`` of
    the bootstrap distribution at the adjusted levels. scipy builds every
    leave-one-out resample (O(n^2) per group); the leave-one-out mean is
    ``(sum(x) - x_i) / (n - 1)`` (O(n)). Equal to scipy's interval up to rounding
    (tests/test_metrics_welfare.py).
    """
    return _bca(np.mean(x), theta_b, [_left_out_means(x)], conf_level)


def bca_difference(a: np.ndarray, b: np.ndarray, theta_b: np.ndarray, conf_level: float) -> tuple[float, float]:
    """BCa interval of ``mean(a) - mean(b)`` from its two-sample bootstrap distribution, as
    ``scipy.stats.bootstrap((a, b), method="BCa")`` computes it (Efron & Tibshirani 1993,
    eq. 15.36: the acceleration sums the jackknife of each sample, the other held whole),
    the leave-one-out means in closed form: scipy's n x (n - 1) arrays of them took more
    than 9.5 GB for two groups of 20,000 households (national review)."""
    return _bca(np.mean(a) - np.mean(b), theta_b, [_left_out_means(a) - np.mean(b), np.mean(a) - _left_out_means(b)],
                conf_level)


def _left_out_means(x: np.ndarray) -> np.ndarray:
    """The mean of ``x`` without each of its values in turn."""
    return (np.sum(x) - x) / (len(x) - 1)


def _bca(theta_hat: float, theta_b: np.ndarray, jackknives: list[np.ndarray], conf_level: float) -> tuple[float, float]:
    """The BCa interval of a statistic ``theta_hat`` from its bootstrap distribution ``theta_b``
    and its leave-one-out values in each sample (``scipy.stats._resampling._bca_interval``'s steps)."""
    b = len(theta_b)
    z0 = special.ndtri(
        (np.count_nonzero(theta_b < theta_hat) + np.count_nonzero(theta_b <= theta_hat)) / (2 * b)
    )
    us = [(len(jack) - 1) * (np.mean(jack) - jack) for jack in jackknives]
    num = sum(np.sum(u**3) / len(u) ** 3 for u in us)
    den = sum(np.sum(u**2) / len(u) ** 2 for u in us)
    a_hat = 1 / 6 * num / den**1.5
    z_alpha = float(special.ndtri((1 - conf_level) / 2))
    levels = []
    for z in (z_alpha, -z_alpha):
        total = z0 + z
        levels.append(special.ndtr(z0 + total / (1 - a_hat * total)))
    ci = stats.quantile(theta_b, np.asarray(levels), axis=-1)
    return float(ci[0]), float(ci[1])
