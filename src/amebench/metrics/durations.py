"""Durations: time from enrolment to exit (Kaplan–Meier) and exit to work with competing exits."""

from __future__ import annotations

import numbers
import warnings
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from ..exceptions import AmebenchError, CensoringWarning, warn_caller
from ..results import by_names, check_by, check_conf_level, tidy
from ..schema import outcome_reasons
from ._groups import derivable, derived

__all__ = ["durations"]

_CENSORED, _OUTCOME, _OTHER_EXIT = 0, 1, 2  # CumIncidenceRight codes: 0 censored, 1..k causes
_MEDIAN = 0.5
_FLAT_TOL = 1e-12  # S(t) counted as exactly 0.5 (float round-off of products of fractions)
#: an exit year would choose by the outcome's own time (the long stays of a year not yet out)
_DERIVED = ("enrol_year", "age_band")
METHOD_MEDIAN = "Kaplan-Meier median; Brookmeyer-Crowley CI, log-log (cloglog) transform"
METHOD_CIF = (
    "Aalen-Johansen cumulative incidence, other exits competing; delta-method SE; log-log CI "
    "(Clopper-Pearson on the effective sample size at 0 or 1)"
)


#: The days after enrolment of the cumulative incidence rows, unless given.
_DAYS = (90, 180, 365)


def durations(
    cohort,
    *,
    by: Sequence[str] = ("unit",),
    outcome="work",
    days: int | Sequence[int] = _DAYS,
    conf_level: float = 0.95,
    times: int | Sequence[int] | None = None,
) -> pd.DataFrame:
    """Return the median time to exit and the cumulative incidence of exit to the outcome.

    Parameters
    ----------
    cohort
        A :class:`amebench.cohorts.Cohort`. Each episode enrolled on or before
        ``cohort.as_of`` counts once. Choose it by enrolment (``enrolled=``): one chosen
        by exit (``exited=``) holds no ongoing episode, so its median is too short, and
        gets a :class:`~amebench.exceptions.CensoringWarning`.
    by
        Episode columns to group by, ``"enrol_year"`` (the year of enrolment: a
        cohort of episodes enrolled in each year) or ``"age_band"`` (at enrolment, as
        in :func:`outcome_rate`); ``()`` for one group. Not ``exit_year``: grouping by
        the year of the exit would choose by the time being measured. Columns of your
        own too (:meth:`amebench.Cohort.assign`).
    outcome
        Outcome group (``"work"`` ...) or a set of exit reasons, see
        :func:`amebench.schema.outcome_reasons`.
    days
        Days after enrolment at which the cumulative incidence is reported (the
        ``days`` column; ``retention`` and ``reentry`` name their window so too): a
        whole number of days or a sequence of them (time to exit is counted in whole
        days).
    conf_level
        Confidence level of every interval.
    times
        The former name of ``days``: still read, with a ``FutureWarning``.

    Returns
    -------
    pandas.DataFrame
        Per group, one row with ``quantity == "median_days"`` (``days`` missing)
        and one row per value of ``days`` with ``quantity == "cif_<outcome>"``
        (``"cif_outcome"`` when ``outcome`` is a set of reasons). Columns: ``by``,
        ``quantity``, ``days``, ``estimate``, ``ci_low``, ``ci_high``, ``n``
        (episodes), ``events`` (median row: exits of any kind; cif rows: exits to
        the outcome within ``days``), ``censored`` (episodes still ongoing at
        ``as_of``), ``method``, ``conf_level``. The median and its limits are
        missing (NaN) when the curve or its band does not reach 0.5 within
        follow-up (R prints NA). A cumulative incidence at ``days`` beyond the
        group's longest follow-up is missing (nobody was observed that long; R
        ``cmprsk::timepoints`` gives NA), unless every episode had exited by then.

    Notes
    -----
    Time is ``exited_on - enrolled_on`` in days; an episode ongoing at
    ``as_of`` (or exiting after it) is censored at ``as_of - enrolled_on``.

    The median is the Kaplan–Meier quantile (:class:`SurvfuncRight`): the first
    event time with :math:`\\hat S(t) < 0.5`, or, when :math:`\\hat S` equals 0.5
    exactly on :math:`[t_j, t_{j+1})`, the midpoint :math:`(t_j + t_{j+1})/2`, with
    the last follow-up time for :math:`t_{j+1}` when it stays at 0.5 to the end
    (the SAS PROC LIFETEST and R ``survival`` convention). Its interval is
    Brookmeyer–Crowley: the times :math:`t` with
    :math:`|g(\\hat S(t)) - g(0.5)| \\le z\\, g'(\\hat S(t))\\, se(\\hat S(t))`,
    :math:`g(x) = \\log(-\\log x)`, Greenwood's standard error, i.e. where the
    pointwise log-log band holds 0.5: from the first time the lower band reaches 0.5
    to the time the upper band falls below it for good. Wherever
    ``SurvfuncRight.quantile_ci(method="cloglog")`` gives a limit this is it; where
    the curve steps over 0.5 by more than the band's width (many exits on one day, or
    a very large group) no event time passes the test and statsmodels gives none,
    while the band's quantiles (as R ``survival`` takes them) still do. Where the
    curve falls to 0 the lower band does not exist (R gives NA), so a lower limit
    never rests on that step and, with none, there is no interval (NaN; a single exit
    at 59 days had [59, 59]); an upper limit may end there, as statsmodels' does
    (R gives NA).

    The cumulative incidence of the outcome is the Aalen–Johansen estimate
    :math:`F_1(t) = \\sum_{t_j \\le t} \\hat S(t_{j-1}) d_{1j} / n_j` with any
    other exit as a competing event (:class:`CumIncidenceRight`; ties at one
    time are handled together, deterministically). Its standard error is the
    delta-method variance of Marubini & Valsecchi (1995), as in Stata's
    ``stcompet`` and ``CumIncidenceRight.cinc_se``, written out here so that a
    risk set emptied at the last time adds 0 (statsmodels gives NaN there).
    The interval is :math:`F^{\\exp(\\pm z\\, se / (F \\log F))}` (log-log,
    Pintilie 2006). At :math:`F = 0` (or 1), where the log-log interval does not
    exist, it is the Clopper–Pearson interval for 0 (or all) events among the
    :math:`m` episodes whose status at ``days`` is known (followed to it or past it,
    or exited; Dorey & Korn's effective sample size): :math:`[0, 1 - (\\alpha/2)^{1/m}]`
    (or :math:`[(\\alpha/2)^{1/m}, 1]`).

    References
    ----------
    Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median
    survival time. Biometrics 38, 29–41.
    Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika 26, 404–413.
    Dorey, F. J. & Korn, E. L. (1987). Effective sample sizes for confidence
    intervals for survival probabilities. Statistics in Medicine 6, 679–687.
    Kalbfleisch, J. D. & Prentice, R. L. (2002). The Statistical Analysis of
    Failure Time Data, 2nd ed., §8.2.
    Marubini, E. & Valsecchi, M. G. (1995). Analysing Survival Data from Clinical
    Trials and Observational Studies. Wiley.
    Pintilie, M. (2006). Competing Risks: A Practical Perspective. Wiley.

    Examples
    --------
    >>> import amebench
    >>> from amebench.metrics import durations
    >>> table = durations(amebench.cohort(amebench.load_sample(), enrolled=2024), by=(), days=(90, 365))
    >>> table["quantity"].tolist(), table["days"].tolist()
    (['median_days', 'cif_work', 'cif_work'], [<NA>, 90, 365])
    >>> float(table["estimate"].iloc[0])  # median days from enrolment to exit
    216.0
    """
    if times is not None:
        if days is not _DAYS:
            raise AmebenchError("give days only (times is its former name), not both")
        warnings.warn("durations(times=...) is now durations(days=...); times will be removed",
                      FutureWarning, stacklevel=2)
        days = times
    if isinstance(days, numbers.Real) and not isinstance(days, bool):  # days=365, as retention(days=90)
        days = (days,)
    by = _check(cohort, by, days, conf_level)
    reasons = outcome_reasons(outcome)
    label = f"cif_{outcome}" if isinstance(outcome, str) else "cif_outcome"
    frame = _survival_data(cohort, reasons, by)
    times = [float(t) for t in days]  # whole days (checked), as floats for the estimators
    alpha = 1 - conf_level
    rows = []
    if by:
        groups = frame.groupby(list(by), observed=True, dropna=False, sort=True)
    else:
        groups = [((), frame)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(by, key))
        time = part["_time"].to_numpy(dtype=np.float64)
        status = part["_status"].to_numpy(dtype=np.int64)
        n, ongoing = len(part), int((status == _CENSORED).sum())
        median, low, high = km_quantile(time, status > _CENSORED, _MEDIAN, alpha)
        rows.append({**head, "quantity": "median_days", "days": pd.NA, "estimate": median,
                     "ci_low": low, "ci_high": high, "n": n, "events": int((status > 0).sum()),
                     "censored": ongoing, "method": METHOD_MEDIAN, "conf_level": conf_level})
        for t, (est, lo, hi) in zip(times, cumulative_incidence(time, status, times, alpha)):
            rows.append({**head, "quantity": label, "days": t, "estimate": est, "ci_low": lo,
                         "ci_high": hi, "n": n,
                         "events": int(((status == _OUTCOME) & (time <= t)).sum()),
                         "censored": ongoing, "method": METHOD_CIF, "conf_level": conf_level})
    columns = list(by) + ["quantity", "days", "estimate", "ci_low", "ci_high", "n", "events",
                          "censored", "method", "conf_level"]
    out = pd.DataFrame(rows, columns=columns)
    out["days"] = pd.array(out["days"].tolist(), dtype="Int64")
    for column in by:  # born_abroad stays boolean (with a missing value it became object)
        out[column] = out[column].astype(frame[column].dtype)
    for column in ("n", "events", "censored"):
        out[column] = out[column].astype("int64")
    return tidy(out, by)


def _check(cohort, by, days, conf_level) -> tuple[str, ...]:
    if not all(hasattr(cohort, a) for a in ("episodes", "as_of")):
        raise AmebenchError("durations needs a Cohort: build one with amebench.cohort(network)")
    if "exit_year" in by_names(by):
        raise AmebenchError("durations does not group by exit_year: choosing episodes by the year of their exit "
                            "chooses them by the time being measured (the long stays of a year are not out yet); "
                            "group by enrol_year, the year the stays began")
    by = check_by(by, cohort.episodes.columns, derived=derivable(cohort.episodes.columns, _DERIVED))
    if isinstance(days, (str, bytes)):  # list("365") would be days 3, 6 and 5
        raise AmebenchError(f"days must be numbers of days, e.g. (90, 180, 365), not the text {days!r}")
    try:
        values = np.asarray(list(days), dtype=np.float64)
    except (TypeError, ValueError):
        raise AmebenchError(f"days must be numbers of days, e.g. (90, 180, 365), got {days!r}") from None
    if values.ndim != 1 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise AmebenchError(f"days must be positive numbers of days, got {list(days)!r}")
    if np.any(values != np.round(values)):
        raise AmebenchError(f"days must be whole numbers of days (time to exit is counted in days), got {list(days)!r}")
    check_conf_level(conf_level)
    if getattr(cohort, "exited", None) is not None:
        warn_caller(CensoringWarning(
            "durations of a cohort chosen by exit (exited=...): it holds only episodes that ended in that period, "
            "none still ongoing, so the people who stay longer are missing and the median time to exit is too "
            "short. Choose the cohort by enrolment (amebench.cohort(network, enrolled=...)) to follow everyone "
            "enrolled"))
    return by


def _survival_data(cohort, reasons, by) -> pd.DataFrame:
    ep = cohort.episodes
    missing = [c for c in ("enrolled_on", "exited_on", "exit_reason") if c not in ep]
    if missing:
        raise AmebenchError(f"cohort episodes lack column(s) {missing}")
    as_of = pd.Timestamp(cohort.as_of)
    ep = ep[ep["enrolled_on"] <= as_of]
    out = ep.loc[:, [c for c in by if c in ep.columns]].copy()
    out = out.assign(**derived(ep, by))
    exited = (ep["exited_on"].notna() & (ep["exited_on"] <= as_of)).to_numpy()
    end = np.where(exited, ep["exited_on"].to_numpy(), np.datetime64(as_of.to_datetime64()))
    out["_time"] = (end - ep["enrolled_on"].to_numpy()) / np.timedelta64(1, "D")
    to_outcome = ep["exit_reason"].astype("object").isin(list(reasons)).to_numpy()
    out["_status"] = np.where(exited, np.where(to_outcome, _OUTCOME, _OTHER_EXIT), _CENSORED)
    return out


def km_quantile(time, event, p: float, alpha: float) -> tuple[float, float, float]:
    """Kaplan–Meier ``p`` quantile of time to event with its Brookmeyer–Crowley log-log interval."""
    return _km_quantile(time, event, p, alpha, "cloglog")


def _km_quantile(time, event, p, alpha, transform) -> tuple[float, float, float]:
    time = np.asarray(time, dtype=np.float64)
    event = np.asarray(event, dtype=np.float64)
    if len(time) == 0 or event.sum() == 0:
        return np.nan, np.nan, np.nan
    sf = SurvfuncRight(time, event)
    s, t = sf.surv_prob, sf.surv_times
    low_band, high_band = _bands(s, sf.surv_prob_se, norm.ppf(1 - alpha / 2), transform)
    last = float(time.max())
    # the lower band reaches 1 - p first: its quantile is the lower limit; the upper limit
    # is where the upper band falls below 1 - p for good (a band need not be monotone)
    # No lower limit: no time is accepted (the curve fell from above 1 - p to 0), so no upper.
    lower = _step_quantile(t, low_band, 1 - p, last)
    upper = np.nan if np.isnan(lower) else _step_quantile(t, high_band, 1 - p, last, for_good=True)
    return _step_quantile(t, s, 1 - p, last), lower, upper


def _bands(s: np.ndarray, se: np.ndarray, z: float, transform: str) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise confidence band of a survival curve: log-log (``"cloglog"``) or ``"log"``.

    Where the curve is 0 its upper band is 0: the curve leaves the test's acceptance
    region there, which ends an upper limit (statsmodels' ``quantile_ci`` takes that
    time). Its lower band is missing there: Greenwood's standard error is 0 and the band
    does not exist (R ``survival`` sets it to NA), and a lower limit resting on it would
    claim a time accepted that is not (one exit at 59 days had the interval [59, 59]).
    Where the standard error is not finite (a risk set emptied) the band is missing.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "cloglog":
            w = z * se / (s * np.log(s))
            low, high = s ** np.exp(-w), s ** np.exp(w)
        else:
            w = z * se / s
            low, high = s * np.exp(-w), np.minimum(s * np.exp(w), 1.0)
    low = np.where((s > 0) & np.isfinite(se), low, np.nan)
    high = np.where(s == 0, 0.0, np.where(np.isfinite(se), high, np.nan))
    return low, high


def _step_quantile(t: np.ndarray, curve: np.ndarray, level: float, last: float, *,
                   for_good: bool = False) -> float:
    """First time a step curve (value ``curve[j]`` on ``[t[j], t[j+1])``) is at or below ``level``.

    With ``for_good`` the first time from which it stays there. Where it equals
    ``level`` on ``[t[j], t[j+1])`` the time is the midpoint, or ``(t[j] + last)/2``
    when it stays there to the last follow-up time ``last`` (R ``survival``'s rule);
    NaN when it never reaches ``level``. A missing value counts as not reached.
    """
    below = curve <= level + _FLAT_TOL
    if for_good:
        above = np.flatnonzero(~below)
        j = above[-1] + 1 if above.size else 0
        if j == len(t):
            return np.nan
    else:
        reached = np.flatnonzero(below)
        if not reached.size:
            return np.nan
        j = reached[0]
    if abs(curve[j] - level) > _FLAT_TOL:
        return float(t[j])
    end = t[j + 1] if j + 1 < len(t) else last
    return float((t[j] + end) / 2)


def cumulative_incidence(time, status, times, alpha) -> list[tuple[float, float, float]]:
    """Aalen–Johansen cumulative incidence of cause 1 at ``times`` with log-log intervals."""
    time = np.asarray(time, dtype=np.float64)
    status = np.asarray(status, dtype=np.int64)
    z = norm.ppf(1 - alpha / 2)
    if len(time) == 0:
        return [(np.nan, np.nan, np.nan)] * len(times)
    # Past the last follow-up time nobody was observed, unless every episode had exited by
    # then (the curve has ended): the incidence there is unknown, not the last value.
    last = time.max()
    ended = bool(np.all(status[time == last] != _CENSORED))
    observed = [t <= last or ended for t in times]
    if not (status == _OUTCOME).any():
        return [(0.0, *_edge_interval(0.0, time, status, t, alpha)) if seen else (np.nan, np.nan, np.nan)
                for t, seen in zip(times, observed)]
    # statsmodels' cinc_se is not used (see _cif_se): silence its 0/0 at an emptied risk set
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = CumIncidenceRight(time, status)
    cif = fit.cinc[_OUTCOME - 1]
    se = _cif_se(time, status, _OUTCOME)
    out = []
    for t, seen in zip(times, observed):
        k = np.searchsorted(fit.times, t, side="right") - 1
        if not seen:
            out.append((np.nan, np.nan, np.nan))
            continue
        f, s = (float(cif[k]), float(se[k])) if k >= 0 else (0.0, 0.0)
        if abs(f - 1) <= _FLAT_TOL:  # every episode exited to the outcome: 0.999... from round-off
            f = 1.0
        if f in (0.0, 1.0):
            out.append((f, *_edge_interval(f, time, status, t, alpha)))
        else:
            out.append((f, *_loglog_interval(f, s, z)))
    return out


def _edge_interval(f: float, time, status, t: float, alpha: float) -> tuple[float, float]:
    """Clopper–Pearson limits for an incidence of 0 (or 1) at ``t``, where log-log has none.

    The sample size is Dorey & Korn's effective one: the episodes whose status at
    ``t`` is known (followed to ``t`` or past it, or exited: one censored on day ``t``
    was observed through it, as the estimate's risk set has it); the exact binomial
    limits for 0 (or all) events in ``m`` are ``1 - (alpha/2)**(1/m)`` (or
    ``(alpha/2)**(1/m)``).
    """
    m = int(np.count_nonzero((time >= t) | (status != _CENSORED)))
    if m == 0:
        return np.nan, np.nan
    bound = (alpha / 2) ** (1 / m)
    return (0.0, 1 - bound) if f == 0 else (bound, 1.0)


def _loglog_interval(f: float, se: float, z: float) -> tuple[float, float]:
    if not (0 < f < 1) or not np.isfinite(se):
        return np.nan, np.nan
    if se == 0:
        return f, f
    w = z * se / (f * np.log(f))
    a, b = f ** np.exp(w), f ** np.exp(-w)
    return float(min(a, b)), float(max(a, b))


def _cif_se(time: np.ndarray, status: np.ndarray, cause: int) -> np.ndarray:
    """Delta-method standard error of the cause-``cause`` incidence at each distinct time.

    The formula of ``statsmodels.duration.survfunc._calc_incidence_right``
    (Marubini & Valsecchi 1995; Stata ``stcompet``), as
    :math:`V(T) = \\sum_{j\\le T} (F_T - F_j)^2 \\frac{d_j}{n_j(n_j-d_j)}
    + \\sum_{j\\le T} S_{j-1}^2 \\frac{(n_j-d_{kj}) d_{kj}}{n_j^3}
    - 2 \\sum_{j\\le T} (F_T - F_j) S_{j-1} \\frac{d_{kj}}{n_j^2}`, with the first
    term 0 at a time that empties the risk set (there :math:`F_T = F_j`).
    """
    utime, rank = np.unique(time, return_inverse=True)
    m = len(utime)
    d_all = np.bincount(rank, weights=(status > 0).astype(float), minlength=m)
    d_k = np.bincount(rank, weights=(status == cause).astype(float), minlength=m)
    n = np.cumsum(np.bincount(rank, minlength=m)[::-1])[::-1].astype(float)
    surv = np.cumprod(1 - d_all / n)
    s_prev = np.r_[1.0, surv[:-1]]
    f = np.cumsum(s_prev * d_k / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        ra = np.where(n > d_all, d_all / (n * (n - d_all)), 0.0)
    rb = s_prev**2 * (n - d_k) * d_k / n**3
    rc = s_prev * d_k / n**2
    # The sums expanded into cumulative sums, as statsmodels does.
    var = (
        f**2 * np.cumsum(ra) - 2 * f * np.cumsum(f * ra) + np.cumsum(f**2 * ra)
        + np.cumsum(rb)
        - 2 * f * np.cumsum(rc) + 2 * np.cumsum(f * rc)
    )
    return np.sqrt(np.maximum(var, 0.0))
