"""Empirical-Bayes shrinkage (beta-binomial) and rank intervals."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.optimize import elementwise

from .. import _threads
from ..exceptions import AmebenchError
from ..results import tidy
from ._table import check_counts, check_level

__all__ = ["shrink", "rank_intervals", "fit_beta_binomial", "check_spread", "quarter_size"]

#: Upper bound of the prior's concentration a + b searched by the optimiser.
_MAX_CONCENTRATION = 1e7
#: A fitted concentration above this means the units vary (practically) no more than
#: binomial chance: the likelihood is flat there, and every rate shrinks almost fully
#: to the pooled rate (a unit of n = 1000 keeps < 10 % of its own deviation).
_FULL_SHRINKAGE = 1e4


def fit_beta_binomial(events, n) -> tuple[float, float, bool]:
    """Return the maximum-likelihood (alpha, beta) of a beta prior on the units' rates.

    Maximises the beta-binomial log-likelihood
    :math:`\\sum_i [B(y_i + \\alpha, n_i - y_i + \\beta) - B(\\alpha, \\beta)]` (log beta
    functions; the binomial coefficients do not depend on the prior) over the mean
    :math:`\\mu = \\alpha/(\\alpha+\\beta)` and the log concentration
    :math:`\\log(\\alpha + \\beta)` (:func:`_fit_priors`). The third value is True when
    the concentration exceeds ``_FULL_SHRINKAGE`` (no overdispersion: the likelihood is
    flat towards infinite concentration, i.e. full shrinkage).
    """
    y = np.asarray(events, dtype="float64")
    alpha, beta = _fit_priors(y[None, :], np.asarray(n, dtype="float64"))[0]
    return float(alpha), float(beta), bool(alpha + beta > _FULL_SHRINKAGE)


def _loglik(y: np.ndarray, f: np.ndarray, x: np.ndarray):
    """Beta-binomial log-likelihood of each row of ``y`` (events, (B, K)) and ``f``
    (non-events) at ``x`` = (logit mu, log m) (B, 2), its gradient (B, 2) and its Hessian
    (B, 2, 2) in x.

    The derivatives in (alpha, beta) are sums of digamma and trigamma functions (trigamma
    as the Hurwitz zeta function zeta(2, .), four times faster than ``polygamma(1, .)``),
    carried to x by the chain rule with alpha = mu m, beta = (1 - mu) m.
    """
    k = y.shape[1]
    mu, m = special.expit(x[:, 0]), np.exp(x[:, 1])
    a, b = mu * m, (1 - mu) * m
    loglik = special.betaln(y + a[:, None], f + b[:, None]).sum(axis=1) - k * special.betaln(a, b)
    n_m = y + f + m[:, None]
    common = k * special.digamma(m) - special.digamma(n_m).sum(axis=1)
    d_a = special.digamma(y + a[:, None]).sum(axis=1) - k * special.digamma(a) + common
    d_b = special.digamma(f + b[:, None]).sum(axis=1) - k * special.digamma(b) + common
    d_ab = k * special.zeta(2, m) - special.zeta(2, n_m).sum(axis=1)
    d_aa = special.zeta(2, y + a[:, None]).sum(axis=1) - k * special.zeta(2, a) + d_ab
    d_bb = special.zeta(2, f + b[:, None]).sum(axis=1) - k * special.zeta(2, b) + d_ab
    s = m * mu * (1 - mu)  # d alpha / d logit mu = -d beta / d logit mu
    grad = np.stack([(d_a - d_b) * s, d_a * a + d_b * b], axis=1)
    h_mm = s * s * (d_aa - 2 * d_ab + d_bb) + (d_a - d_b) * s * (1 - 2 * mu)
    h_mc = s * (a * (d_aa - d_ab) + b * (d_ab - d_bb)) + (d_a - d_b) * s
    h_cc = a * a * d_aa + 2 * a * b * d_ab + b * b * d_bb + d_a * a + d_b * b
    hessian = np.stack([np.stack([h_mm, h_mc], axis=1), np.stack([h_mc, h_cc], axis=1)], axis=1)
    return loglik, grad, hessian


#: Box of x = (logit mu, log m) searched by :func:`_fit_priors`.
_LOWER = np.array([-15.0, math.log(1e-3)])
_UPPER = np.array([15.0, math.log(_MAX_CONCENTRATION)])
#: Most Newton steps of one fit (the bootstrap's fits took 5-40).
_MAX_STEPS = 200


def _fit_priors(events: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Return the maximum-likelihood (alpha, beta) of each row of ``events`` (B, K) with
    the units' sizes ``n`` (K,): (B, 2).

    All rows are fitted at once by Newton's method on x = (logit mu, log m) in the box
    ``_LOWER`` .. ``_UPPER``, damped as Levenberg and Marquardt do (lambda times the
    Hessian's absolute diagonal added to its negative; lambda shrinks tenfold after a step
    that raises the likelihood and grows tenfold after one that does not, which leaves x as
    it was). A coordinate at a bound
    whose gradient points out of the box is held there. A row is done when its projected
    gradient is below 1e-9 (1 + |loglik|), when an accepted step moved x by less than 1e-12,
    or when no damping finds a better x (lambda > 1e12: the likelihood is flat to
    rounding; a step to an equal likelihood is refused, or x could go back and forth between
    two points there). scipy's optimisers take one problem at a time: L-BFGS-B took 2-3 ms a
    fit, 0.4-0.6 s for the 200 refits of :func:`shrink`'s bootstrap of 5 units; this fits
    them together in a few dozen array operations (12-14 times faster there; for 290 units
    the special functions' work dominates, 0.35 s against 0.41 s). Where the likelihood is
    flat, L-BFGS-B stopped early (a concentration of 7,000 where this fit reaches 76,000 and
    a higher likelihood); a review found this fit never more than 7e-8 below the best of
    three of scipy's optimisers run tight. Tested against a tight Nelder-Mead on
    ``scipy.stats.betabinom`` and against R (BayesGOF).
    """
    y, n = np.asarray(events, dtype="float64"), np.asarray(n, dtype="float64")
    f = n - y
    pooled = np.clip(y.sum(axis=1) / n.sum(), 1e-6, 1 - 1e-6)
    x = np.stack([np.log(pooled / (1 - pooled)), np.full(len(y), math.log(100.0))], axis=1)
    loglik, grad, hessian = _loglik(y, f, x)
    damping = np.full(len(y), 1e-3)
    todo = np.arange(len(y))
    for _ in range(_MAX_STEPS):
        held = ((x[todo] <= _LOWER) & (grad[todo] < 0)) | ((x[todo] >= _UPPER) & (grad[todo] > 0))
        g = np.where(held, 0.0, grad[todo])
        flat = np.abs(g).max(axis=1) <= 1e-9 * (1 + np.abs(loglik[todo]))
        # the damped system (-H + lambda diag|H|) d = g; a held coordinate gets no step
        diagonal = -np.diagonal(hessian[todo], axis1=1, axis2=2)
        d_xx = diagonal + damping[todo, None] * (np.abs(diagonal) + 1e-12)
        d_xy = np.where(held.any(axis=1), 0.0, -hessian[todo, 0, 1])
        with np.errstate(all="ignore"):  # a singular system or a step out of range is refused below
            det = d_xx[:, 0] * d_xx[:, 1] - d_xy * d_xy
            step = np.stack([d_xx[:, 1] * g[:, 0] - d_xy * g[:, 1], d_xx[:, 0] * g[:, 1] - d_xy * g[:, 0]], axis=1)
            trial = np.clip(x[todo] + step / det[:, None], _LOWER, _UPPER)
            new = _loglik(y[todo], f[todo], np.nan_to_num(trial))
        better = np.isfinite(trial).all(axis=1) & (new[0] > loglik[todo])  # equal: a cycle at the flat bound
        moved = np.abs(trial - x[todo]).max(axis=1)
        kept = todo[better]
        x[kept], loglik[kept], grad[kept], hessian[kept] = (part[better] for part in (trial, *new))
        damping[todo] = np.where(better, np.maximum(damping[todo] / 10, 1e-12), damping[todo] * 10)
        done = flat | (better & (moved < 1e-12)) | (damping[todo] > 1e12)
        todo = todo[~done]
        if not len(todo):
            break
    mu, m = special.expit(x[:, 0]), np.exp(x[:, 1])
    return np.stack([mu * m, (1 - mu) * m], axis=1)


def _in_order(units: pd.Series) -> np.ndarray:
    """The rows in the order of their unit ids: seeded draws are taken in it, so that a seed
    gives each unit the same draws whatever the row order (units are unique: check_counts)."""
    return np.argsort(units.astype(str).to_numpy(), kind="stable")


def _prior_bootstrap(n: np.ndarray, alpha: float, beta: float, n_boot: int, seed: int) -> np.ndarray:
    """Priors refitted to tables drawn from the fitted model (Laird & Louis 1987): (n_boot, 2).

    ``n`` in the order of :func:`_in_order` (the draws follow it)."""
    rng = np.random.default_rng(seed)
    events = np.empty((n_boot, len(n)))
    for i in range(n_boot):
        events[i] = rng.binomial(n, rng.beta(alpha, beta, size=len(n)))
    return _fit_priors(events, n)


def _mixture_interval(events, n, priors: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed interval of each unit's posterior averaged over ``priors``.

    Each end is the root in [0, 1] of the averaged beta distribution function
    (``scipy.special.betainc``, the same values as ``stats.beta.cdf``) minus its level, by
    ``scipy.optimize.elementwise.find_root`` (Chandrupatla's method, every unit at once, to
    1e-15): 17-19 rounds where halving [0, 1] took 45 (290 units, 200 priors: 0.6 s an end
    against 2.1 s). The two ends are found on two threads when there are two cores:
    ``betainc`` releases the GIL.
    """
    a = priors[:, :1] + events
    b = priors[:, 1:] + (n - events)

    def averaged_cdf(x, unit, level):  # elementwise in x: unit holds each element's column
        return special.betainc(a[:, unit], b[:, unit], x).mean(axis=0) - level

    def quantile(level):
        units = np.arange(len(n))
        found = elementwise.find_root(averaged_cdf, (np.zeros(len(n)), np.ones(len(n))), args=(units, level),
                                      tolerances={"xatol": 1e-15, "xrtol": 0.0, "fatol": 0.0, "frtol": 0.0})
        if not np.all(found.success):  # [0, 1] always brackets the end: not expected, but never silent
            raise AmebenchError(f"shrink: the {level:g} quantile of {np.sum(~found.success)} unit(s) was not found "
                                f"(scipy find_root status {sorted(set(found.status[~found.success].tolist()))})")
        return found.x

    if _threads.cores() < 2:
        return quantile(tail), quantile(1 - tail)
    with ThreadPoolExecutor(max_workers=2) as pool:
        low, high = pool.map(quantile, (tail, 1 - tail))
    return low, high


#: Fewest units from which the spread of rates between units is estimated.
_MIN_UNITS = 3
#: Fewest simulated draws for a rank interval.
_MIN_SIM = 100


def check_spread(data: pd.DataFrame, what: str) -> None:
    """Refuse tables from which the prior's spread cannot be estimated (the fit would be arbitrary)."""
    if len(data) < _MIN_UNITS:
        raise AmebenchError(
            f"{what} needs at least {_MIN_UNITS} units to estimate how much rates vary between units; "
            f"got {len(data)}"
        )
    events, n = data["events"], data["n"]
    if events.sum() == 0 or (events == n).all():
        which = "0 events" if events.sum() == 0 else "every one an event"
        raise AmebenchError(f"{what}: every unit has {which}, so there is no variation to shrink or rank")
    if (n == 1).all():
        raise AmebenchError(f"{what}: every unit has n = 1; variation between units cannot be told from chance")
    if ((events == 0) | (events == n)).all():
        # the ML concentration runs to its bound: a prior of no weight, posteriors so skewed
        # that each mean lay outside its own interval (0/50 three times and 5/5: 5e-6 beside
        # [1e-14, 1e-12]; test review 2026-12-06)
        raise AmebenchError(f"{what}: every unit's rate is 0 or 1, so how much rates vary between units "
                            "cannot be estimated")


def shrink(table: pd.DataFrame, *, conf_level: float = 0.95, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """Return empirical-Bayes shrunken rates with equal-tailed intervals.

    Parameters
    ----------
    table
        Columns ``unit``, ``n``, ``events``. Beside ``respondents`` or
        ``eligible``, an ``estimate`` must be events / n (a retention table's is events /
        respondents: give ``n=respondents``).
    conf_level
        Level of the equal-tailed interval.
    n_boot
        Parametric bootstrap draws of the prior for the intervals; 0 takes the
        fitted prior as known (the plain empirical-Bayes interval).
    seed
        Seed of ``numpy.random.default_rng`` for the bootstrap: same seed, same result, in any
        order of the rows (the draws follow the unit ids).

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``estimate`` (posterior mean), ``ci_low``, ``ci_high``, ``n``,
        ``events``, ``rate`` (the raw rate), ``method``, ``conf_level``. The prior's
        alpha and beta are in ``DataFrame.attrs``.

    Notes
    -----
    The prior Beta(α, β) is fitted by maximum likelihood on the beta-binomial
    marginal (:func:`fit_beta_binomial`); each unit's posterior is
    Beta(α + events, β + n − events). Small units move most towards the prior's mean, the units' common level.

    Taking the fitted prior as known leaves its uncertainty out: with few units the
    plain posterior interval covers the true rate far less often than
    ``conf_level`` says (simulated, true rates from Beta(0.3c, 0.7c) with c from 20 to
    400, 50–400 exits a unit: 37–88 % at K = 5, 69–94 % at K = 20 for 95 % intervals,
    least when the units truly differ little, c large). So the interval is that of the
    posterior averaged over priors refitted to ``n_boot`` tables drawn from the fitted
    model (parametric bootstrap, Laird & Louis 1987): in the same simulation 85–90 % at
    K = 5, 88–93 % at K = 10 and 88–94 % at K = 20 (150 networks a setting, B = 100;
    ``docs/simulations/shrink_coverage.py``). It is still short of the level with few
    units, or where they truly differ little; read a unit's own interval
    (:func:`amebench.metrics.outcome_rate`) beside it. The estimate is the posterior
    mean under the fitted prior. Needs at least 3 units, not all with 0 events or
    all with every one an event.

    References
    ----------
    Efron B., Morris C. (1975). Data analysis using Stein's estimator and its
    generalizations. JASA 70:311–319.
    Kass R.E., Steffey D. (1989). Approximate Bayesian inference in conditionally
    independent hierarchical models. JASA 84:717–726.
    Laird N.M., Louis T.A. (1987). Empirical Bayes confidence intervals based on
    bootstrap samples. JASA 82:739–750.

    Examples
    --------
    >>> import amebench
    >>> from amebench import compare, metrics
    >>> rates = metrics.outcome_rate(amebench.cohort(amebench.load_sample()))
    >>> shrunk = compare.shrink(rates)
    >>> jarfalla = shrunk.iloc[0]  # 258 of 677: 0.381, drawn towards the network's 0.348
    >>> jarfalla["unit"], round(float(jarfalla["rate"]), 3), round(float(jarfalla["estimate"]), 3)
    ('jarfalla', 0.381, 0.364)
    """
    conf_level = check_level(conf_level)
    data = check_counts(table, what="shrink")
    check_spread(data, "shrink")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise AmebenchError(f"n_boot must be a whole number >= 0, not {n_boot!r}")
    _check_seed(seed)
    events, n = data["events"].to_numpy(), data["n"].to_numpy()
    alpha, beta, full = fit_beta_binomial(events, n)
    a, b = alpha + events, beta + n - events
    tail = (1 - conf_level) / 2
    out = data.copy()
    out["estimate"] = a / (a + b)
    if n_boot:
        priors = _prior_bootstrap(n[_in_order(data["unit"])], alpha, beta, n_boot, seed)
        out["ci_low"], out["ci_high"] = _mixture_interval(events, n, priors, tail)
        interval = f"intervals over {n_boot} bootstrap priors (Laird & Louis; seed={seed})"
    else:
        out["ci_low"], out["ci_high"] = stats.beta.ppf(tail, a, b), stats.beta.ppf(1 - tail, a, b)
        interval = "prior taken as known (intervals too narrow with few units)"
    out["rate"] = data["events"] / data["n"]
    note = "; no overdispersion: full shrinkage to the pooled rate" if full else ""
    out["method"] = f"beta-binomial empirical Bayes, ML prior Beta({alpha:.3g}, {beta:.3g}); {interval}{note}"
    out["conf_level"] = conf_level
    result = tidy(out)
    result.attrs.update({"alpha": alpha, "beta": beta})
    return result


def _check_seed(seed) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise AmebenchError(f"seed must be a whole number >= 0, not {seed!r}")


def rank_intervals(table: pd.DataFrame, *, n_sim: int = 10_000, seed: int = 0,
                   conf_level: float = 0.95) -> pd.DataFrame:
    """Return each unit's rank with an interval, simulated from the shrunken posteriors.

    Parameters
    ----------
    table
        Columns ``unit``, ``n``, ``events``. Beside ``respondents`` or
        ``eligible``, an ``estimate`` must be events / n (a retention table's is events /
        respondents: give ``n=respondents``).
    n_sim
        Number of simulated draws (100 or more).
    seed
        Seed of ``numpy.random.default_rng``: same seed, same result, in any order of
        the rows (the draws follow the unit ids).
    conf_level
        Level of the rank interval.

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``estimate`` (the expected rank: the mean of the unit's simulated
        ranks, 1 = highest rate; units with the same ``n`` and ``events`` share their
        mean; a mean outside its interval, which happens where nearly every draw gives
        one rank, is moved to the interval's end: 4.9995 beside [5, 5] is 5), ``ci_low``,
        ``ci_high`` (equal-tailed interval of the simulated ranks), ``n``, ``events``,
        ``p_top_quarter``, ``p_bottom_quarter``, ``method``, ``conf_level``.

    Notes
    -----
    Each draw takes one rate per unit from its posterior Beta(α + events,
    β + n − events) (:func:`shrink`) and ranks the units (tied draws share their
    average rank). The top quarter is ranks 1 … max(1, ⌊K/4 + ½⌋) of K units (K/4
    rounded half up), the bottom quarter the same number from the bottom. Needs at
    least 3 units, not all with 0 events or all with every one an event.

    The expected rank, not the rank of the shrunken rates (:func:`shrink`): where
    units vary no more than chance, the shrunken rates still keep the order of the raw
    rates, by tiny differences, while the simulated ranks are nearly flat (300 such
    units: 14 ranked outside their own interval, one 297th with an interval of 7–293);
    the expected rank is then near the middle, (K + 1) / 2, for every unit.

    References
    ----------
    Goldstein H., Spiegelhalter D.J. (1996). League tables and their limitations.
    JRSS A 159:385–443.
    Laird N.M., Louis T.A. (1989). Empirical Bayes ranking methods. J. Educational
    Statistics 14:29–46.

    Examples
    --------
    >>> import amebench
    >>> from amebench import compare, metrics
    >>> rates = metrics.outcome_rate(amebench.cohort(amebench.load_sample(), exited=2025))
    >>> ranks = compare.rank_intervals(rates)
    >>> ranks[["unit", "ci_low", "ci_high"]].values.tolist()[0]  # 5 units: every rank is possible
    ['jarfalla', 1.0, 5.0]
    """
    conf_level = check_level(conf_level)
    data = check_counts(table, what="rank_intervals")
    check_spread(data, "rank_intervals")
    if isinstance(n_sim, bool) or not isinstance(n_sim, (int, np.integer)) or n_sim < _MIN_SIM:
        raise AmebenchError(f"n_sim must be a whole number >= {_MIN_SIM}, not {n_sim!r}")
    _check_seed(seed)
    alpha, beta, _ = fit_beta_binomial(data["events"], data["n"])
    rng = np.random.default_rng(seed)
    a = alpha + data["events"].to_numpy()
    b = beta + (data["n"] - data["events"]).to_numpy()
    order = _in_order(data["unit"])
    draws = np.empty((int(n_sim), len(data)))
    draws[:, order] = rng.beta(a[order], b[order], size=(int(n_sim), len(data)))
    # rank 1 = highest rate; draws that tie (a rate at 0 or 1 in floating point) share
    # their average rank, so the row order of the table cannot decide a rank
    ranks = stats.rankdata(-draws, method="average", axis=1)
    k = len(data)
    quarter = quarter_size(k)
    tail = (1 - conf_level) / 2
    out = data.copy()
    # the point rank: the expected rank (the mean simulated rank; Laird & Louis 1989), the
    # same for units with the same data (their draws pooled: exchangeable, so only simulation
    # noise told them apart; two units of 80/200 were ranked 1 and 2 by the median). The rank
    # of the posterior means ordered 300 units that vary no more than chance by differences of
    # a few parts in 10^4: 14 of them lay outside their own interval (rank 297 in 7-293).
    # Where more than 1 - tail of the draws give one rank, the mean can lie a little outside
    # the interval (4.9995 beside [5, 5]): it is moved to the interval's end.
    same = data.groupby(["n", "events"], sort=False).ngroup().to_numpy()
    expected = pd.Series(ranks.mean(axis=0)).groupby(same).transform("mean").to_numpy()
    out["ci_low"] = np.quantile(ranks, tail, axis=0, method="inverted_cdf")
    out["ci_high"] = np.quantile(ranks, 1 - tail, axis=0, method="inverted_cdf")
    out["estimate"] = np.clip(expected, out["ci_low"], out["ci_high"])
    out["p_top_quarter"] = (ranks <= quarter).mean(axis=0)
    out["p_bottom_quarter"] = (ranks > k - quarter).mean(axis=0)
    out["method"] = f"simulation from beta-binomial posteriors (n_sim={n_sim}, seed={seed})"
    out["conf_level"] = conf_level
    return tidy(out)


def quarter_size(k: int) -> int:
    """Return how many ranks the top (and the bottom) quarter of ``k`` units holds:
    K/4 rounded half up, at least 1 (5 units: 1; 6: 2)."""
    return max(1, math.floor(k / 4 + 0.5))
