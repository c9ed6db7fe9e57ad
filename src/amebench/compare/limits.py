"""Funnel-plot control limits: exact binomial and Poisson with interpolation, and overdispersed limits.

References
----------
Spiegelhalter D.J. (2005). Funnel plots for comparing institutional performance.
Statistics in Medicine 24:1185–1202, Appendix A.1 (exact limits with interpolation).
Spiegelhalter D.J. (2005). Handling over-dispersion of performance indicators.
Quality and Safety in Health Care 14:347–351 (winsorised phi, additive tau^2).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["binomial_limit", "poisson_limit", "winsorised_phi", "dersimonian_laird_tau2", "WINSOR"]

#: Share of z-scores winsorised in each tail before phi is estimated (Spiegelhalter 2005b).
WINSOR = 0.10


def binomial_limit(p: float, n, target: float) -> np.ndarray:
    """Return the exact binomial control limit at cumulative probability ``p`` for sizes ``n``.

    Notes
    -----
    Spiegelhalter (2005, Appendix A.1.1): with :math:`r_p` the smallest :math:`r`
    such that :math:`P(R \\le r) \\ge p` for :math:`R \\sim Bin(n, \\theta)`,

    .. math:: \\alpha = \\frac{P(R \\le r_p) - p}{P(R \\le r_p) - P(R \\le r_p - 1)},
              \\quad \\text{limit} = (r_p - \\alpha) / n,

    a continuous interpolation between the discrete steps; clipped to [0, 1].
    """
    n = np.asarray(n, dtype="float64")
    r = stats.binom.ppf(p, n, target)
    return _interpolate(r, stats.binom.cdf(r, n, target), stats.binom.cdf(r - 1, n, target), p, n)


def poisson_limit(p: float, expected) -> np.ndarray:
    """Return the exact Poisson control limit for observed/expected at probability ``p``.

    Notes
    -----
    Spiegelhalter (2005, Appendix A.1.2): as :func:`binomial_limit` with
    :math:`R \\sim Poisson(E)` and limit :math:`(r_p - \\alpha)/E` on the O/E scale
    (target 1).
    """
    e = np.asarray(expected, dtype="float64")
    r = stats.poisson.ppf(p, e)
    return _interpolate(r, stats.poisson.cdf(r, e), stats.poisson.cdf(r - 1, e), p, e, clip_upper=False)


def _interpolate(r, cdf_r, cdf_below, p, size, *, clip_upper=True):
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(cdf_r > cdf_below, (cdf_r - p) / (cdf_r - cdf_below), 0.0)
        limit = (r - alpha) / size
    upper = 1.0 if clip_upper else np.inf
    return np.clip(limit, 0.0, upper)


def winsorised_phi(z: np.ndarray, share: float = WINSOR) -> float:
    """Return phi = mean of squared z-scores after winsorising ``share`` in each tail.

    The z-scores below the ``share`` quantile are set to it, those above the
    ``1 - share`` quantile likewise (quantiles as R's default type 7 = numpy's
    ``linear``, as FunnelPlotR).
    """
    z = np.asarray(z, dtype="float64")
    low, high = np.quantile(z, [share, 1 - share])
    return float(np.mean(np.clip(z, low, high) ** 2))


def dersimonian_laird_tau2(phi: float, s2) -> float:
    """Return the DerSimonian–Laird between-unit variance from ``phi``.

    Notes
    -----
    :math:`\\tau^2 = \\max\\{0, (I\\phi - (I - 1)) / (\\sum w - \\sum w^2 / \\sum w)\\}` with
    :math:`w_i = 1/s_i^2` (Spiegelhalter 2005b, eq. 2; for proportions
    :math:`s_i^2 = \\theta(1-\\theta)/n_i`).
    """
    w = 1.0 / np.asarray(s2, dtype="float64")
    tau2 = (len(w) * phi - (len(w) - 1)) / (w.sum() - (w**2).sum() / w.sum())
    return float(max(tau2, 0.0))
