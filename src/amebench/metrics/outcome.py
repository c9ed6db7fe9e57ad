"""Outcome rates at exit (docs/methods.md)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError, ExitReasonWarning
from ..results import check_by, check_conf_level, check_dates, group_values, tidy
from ..privacy import redact_numbers
from ..schema import EXIT_REASONS, outcome_reasons
from ._binomial import INTERVAL_METHODS, binomial_interval
from ._deciding import DECIDING_COLUMNS, _deciding_rows
from ._groups import derivable, derived, sources

__all__ = ["outcome_rate", "INTERVAL_METHODS"]


def outcome_rate(
    data,
    *,
    outcome="work_or_studies",
    by: Sequence[str] = ("unit",),
    per: str = "episode",
    method: str = "wilson",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Return the share of exited episodes (or persons) whose exit reason is in ``outcome``.

    Parameters
    ----------
    data
        A :class:`amebench.Cohort` or a DataFrame of canonical episodes.
    outcome
        An outcome group (``"work"``, ``"studies"``, ``"work_or_studies"``), an exit
        reason, or a set of exit reasons (:func:`amebench.schema.outcome_reasons`).
    by
        Episode columns to group by, plus the derived ``exit_year`` (year of
        ``exited_on``), ``enrol_year`` (year of ``enrolled_on``) and ``age_band``
        (enrolment year minus birth year, banded as :data:`amebench.schema.AGE_BANDS`;
        ``"unknown"`` without a birth year or under 16); ``()`` for one row. Columns
        of your own too: a DataFrame's extra columns, a cohort's added with
        :meth:`amebench.Cohort.assign` (docs/methods.md).
    per
        ``"episode"`` (default, as Kolada) or ``"person"``: each person counts once,
        and the person's last exit in the data decides (in the group of that exit;
        exits on one day are ordered by enrolment, episode id and unit, as
        ``welfare_delta`` chooses its deciding episode). Every exit then needs a
        ``person_id``.
    method
        ``"wilson"`` (default), ``"clopper_pearson"``, ``"jeffreys"`` or
        ``"agresti_coull"``.
    conf_level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (exits),
        ``events`` (exits to the outcome), ``method``, ``conf_level``. Groups with no
        exit are not listed; exits with a missing ``by`` value form their own group
        (the value missing), so the groups add up to every exit.

    Notes
    -----
    Numerator: exits whose ``exit_reason`` is in the outcome group. Denominator:
    exits, i.e. episodes with ``exited_on`` set (and on or before ``as_of`` for a
    Cohort; a later exit is not yet observed and the episode counts as ongoing).
    Ongoing episodes are not in the denominator: the rate is a rate at exit.
    Intervals are :func:`statsmodels.stats.proportion.proportion_confint`
    (``wilson``, ``beta``, ``jeffreys``, ``agresti_coull``); the Jeffreys limits are
    set to 0 at zero events and 1 at n events (Brown, Cai & DasGupta 2001).

    References
    ----------
    Wilson E.B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22:209–212.
    Brown L.D., Cai T.T., DasGupta A. (2001). Interval estimation for a binomial
    proportion. Statistical Science 16:101–133.
    Newcombe R.G. (1998). Two-sided confidence intervals for the single proportion.
    Statistics in Medicine 17:857–872.

    Examples
    --------
    >>> import amebench
    >>> from amebench.metrics import outcome_rate
    >>> rates = outcome_rate(amebench.cohort(amebench.load_sample()), by=("unit",))
    >>> list(rates.columns)
    ['unit', 'estimate', 'ci_low', 'ci_high', 'n', 'events', 'method', 'conf_level']
    """
    if method not in INTERVAL_METHODS:
        raise AmebenchError(f"method must be one of {list(INTERVAL_METHODS)}, not {method!r}")
    if per not in ("episode", "person"):
        raise AmebenchError(f"per must be 'episode' or 'person', not {per!r}")
    check_conf_level(conf_level)
    reasons = outcome_reasons(outcome)
    episodes = data.episodes if hasattr(data, "episodes") else data
    _check_episodes(episodes, per)
    by = check_by(by, episodes.columns, derived=derivable(episodes.columns))
    observed = episodes["exited_on"].notna()
    if hasattr(data, "as_of"):
        observed &= episodes["exited_on"] <= data.as_of
    # only the columns the rate reads are copied: at national size copying every
    # column of 1.5M exits was most of the time on a VM where fresh memory is slow
    exited = episodes.loc[observed, _columns_read(episodes.columns, by, per)]
    if per == "person":
        exited = _last_exit_per_person(exited)
    frame = exited.assign(**derived(exited, by))
    event, unknown = _reason_flags(frame["exit_reason"], reasons)
    frame = frame.assign(_event=event, _unknown=unknown)
    if by:
        groups = frame.groupby(list(by), observed=True, sort=True, dropna=False)
        out = groups[["_event", "_unknown"]].sum().rename(columns={"_event": "events"})
        out = out.assign(n=groups.size()).reset_index()
    else:
        out = pd.DataFrame({"n": [len(frame)], "events": [int(frame["_event"].sum())],
                            "_unknown": [int(frame["_unknown"].sum())]})
    out = out[out["n"] > 0]
    _warn_unknown_reasons(out, by)
    out = out.drop(columns="_unknown")
    out["estimate"] = out["events"] / out["n"]
    out["ci_low"], out["ci_high"] = binomial_interval(out["events"], out["n"], conf_level, method)
    out["method"] = method
    out["conf_level"] = conf_level
    return tidy(out, by)


#: The share of a group's exits with exit reason unknown (or none) from which outcome_rate warns
UNKNOWN_REASONS_WARNED = 0.5


def _warn_unknown_reasons(out: pd.DataFrame, by) -> None:
    """Warn (:class:`~amebench.exceptions.ExitReasonWarning`) of groups whose exits mostly have no known reason."""
    flagged = out[out["_unknown"] >= UNKNOWN_REASONS_WARNED * out["n"]]
    if flagged.empty:
        return
    groups = group_values(flagged[list(by)]) if by else [()]
    named = [", ".join(f"{column} {value}" for column, value in zip(by, group)) or "all" for group in groups]
    counts = zip(named, flagged["_unknown"], flagged["n"])
    shown = "; ".join(f"{name} ({unknown} of {n})" for name, unknown, n in counts)
    warnings.warn(ExitReasonWarning(
        f"exit reason unknown (or missing) for at least half the exits of {shown}: they count as exits to no "
        "outcome, so the rate says more about missing reasons than about results; map the exit reasons in the "
        "unit's profile (or give them in the episodes' exit_reason)", groups=groups), stacklevel=3)


def _check_episodes(episodes, per: str) -> None:
    """Raise a clear error when ``episodes`` is not a frame or lacks a column the rate needs."""
    if not isinstance(episodes, pd.DataFrame):
        raise AmebenchError(f"outcome_rate needs a Cohort, a Network or a DataFrame of episodes, not a "
                            f"{type(episodes).__name__}")
    needed = ["exited_on", "exit_reason", *(DECIDING_COLUMNS if per == "person" else ())]
    missing = [column for column in dict.fromkeys(needed) if column not in episodes.columns]
    if missing:
        raise AmebenchError(f"outcome_rate needs the episode columns {missing} (per={per!r}); the data have "
                            f"{list(episodes.columns)}")
    check_dates(episodes, "outcome_rate")


def _reason_flags(reason: pd.Series, reasons) -> tuple[np.ndarray, np.ndarray]:
    """Each exit's flags: its reason is in ``reasons``; its reason is unknown or missing.

    Worked out once per distinct reason. Raises a clear error when a reason in use is
    not a canonical exit reason (a local code would count as an exit to no outcome).
    """
    if isinstance(reason.dtype, pd.CategoricalDtype):
        codes, values = reason.cat.codes.to_numpy(), reason.cat.categories
        in_use = values[np.bincount(codes[codes >= 0], minlength=len(values)) > 0]
    else:
        codes, values = pd.factorize(reason)
        in_use = values
    texts = pd.Index(values).astype(str)
    unknown = sorted(set(pd.Index(in_use).astype(str)) - set(EXIT_REASONS))
    if unknown:
        raise AmebenchError(
            f"exit_reason holds values that are not canonical exit reasons: "
            f"{[redact_numbers(value, limit=40) for value in unknown[:10]]}; map them to {list(EXIT_REASONS)} "
            "(a profile's [episodes.codes.exit_reason]), or they would count as exits to no outcome"
        )
    event = np.append(texts.isin(reasons), False)[codes]  # code -1 (missing): the last slot
    return event, np.append(texts == "unknown", True)[codes]


def _columns_read(columns, by, per: str) -> list[str]:
    """The episode columns outcome_rate reads, in table order."""
    read = {"exited_on", "exit_reason", *by, *sources(by)}
    if per == "person":
        read |= set(DECIDING_COLUMNS)
    return [c for c in columns if c in read]


def _last_exit_per_person(exited: pd.DataFrame) -> pd.DataFrame:
    """Each person's last exit, chosen as welfare_delta chooses its deciding episode."""
    missing = int(exited["person_id"].isna().sum())
    if missing:
        raise AmebenchError(f"per='person' needs a person_id for every exit; {missing} exits have none")
    rows, _ = _deciding_rows(exited, pd.Timestamp.max, "person")
    return exited.take(np.sort(rows))
