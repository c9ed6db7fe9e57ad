"""Risk adjustment by indirect standardisation: observed vs expected from a case-mix model."""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, sparse, special
from scipy.sparse import csgraph
from statsmodels.stats.rates import confint_poisson
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from ..exceptions import AmebenchError, CaseMixWarning
from ..metrics._households import linked_households
from ..metrics._ledger import month_index, window_totals
from ..results import check_dates, own_column_problem, refuse_network, tidy
from ..metrics._groups import derived
from ..schema import outcome_reasons
from ._table import check_level

__all__ = ["risk_adjusted", "RiskAdjustedResult", "c_statistic", "DEFAULT_CASEMIX", "prior_welfare_months"]

DEFAULT_CASEMIX = ("age_band", "gender", "born_abroad", "readiness", "referral", "prior_welfare_months")
_PRIOR = "prior_welfare_months"
_NUMERIC = {_PRIOR}
_PRIOR_MONTHS = 12
_CALIBRATION_GROUPS = 10
_UNKNOWN = "unknown"
_LISTED = 10  #: units named in a warning's message about many units


@dataclass(eq=False)
class RiskAdjustedResult:
    """Risk-adjusted comparison of units.

    Attributes
    ----------
    table
        Per unit: ``unit``, ``estimate`` (standardised rate), ``ci_low``, ``ci_high``,
        ``n``, ``observed``, ``expected``, ``oe_ratio``, ``oe_ci_low``, ``oe_ci_high``,
        ``method``, ``conf_level``.
    model
        The fitted statsmodels GLM results (fitted on the distinct case-mix and
        outcome patterns with ``freq_weights``: the same estimates as one row per
        episode; ``model.nobs`` counts patterns, ``model.model.wnobs`` episodes).
        When ``prior_welfare_months`` is unknown for some exits, fitted on the others
        (before the shift of the intercept described under Notes). None when every
        exit has the same outcome.
    submodel
        When ``prior_welfare_months`` is unknown for some exits: the GLM of the other
        case-mix variables fitted on every exit, which predicts those exits; else None.
    c_statistic
        Area under the ROC curve of the model's predictions (NaN when every exit has
        the same outcome).
    calibration
        Tenths of predicted risk: ``group``, ``n``, ``observed``, ``expected``.
    casemix
        The case-mix variables used.
    """

    table: pd.DataFrame
    model: object
    c_statistic: float
    calibration: pd.DataFrame
    casemix: tuple[str, ...]
    submodel: object | None = None

    def __repr__(self) -> str:
        return (
            f"<RiskAdjustedResult of {len(self.table)} units: case-mix {', '.join(self.casemix) or 'none'}; "
            f"c-statistic {self.c_statistic:.3f}>"
        )

    def _repr_html_(self) -> str:
        table, method = self.table, ""
        if "method" in table and table["method"].nunique(dropna=False) == 1:  # said once, above the table
            table, method = table.drop(columns="method"), f"; {html.escape(str(table['method'].iloc[0]))}"
        return (
            f"<p><b>Risk-adjusted comparison</b>: case-mix {', '.join(self.casemix) or 'none'}; "
            f"c-statistic {self.c_statistic:.3f}{method}; calibration in <code>.calibration</code></p>"
            + table.to_html(index=False)
        )


def check_casemix(casemix, columns=()) -> tuple[str, ...]:
    """Return ``casemix`` as a tuple of distinct variable names in the order of
    ``DEFAULT_CASEMIX`` (a set gives one model and one report whatever its order), then
    the columns of the user's own among ``columns`` (the episodes' columns) in the order
    given (sorted, from a set), or raise an AmebenchError naming the ones
    :func:`risk_adjusted` does not know (a bare name is one variable)."""
    unordered = isinstance(casemix, (set, frozenset))
    casemix = (casemix,) if isinstance(casemix, str) else tuple(casemix)
    columns = set(columns)
    own = [c for c in casemix if c not in DEFAULT_CASEMIX and c in columns and own_column_problem(c) is None]
    own = sorted(own) if unordered else own
    unknown = [c for c in casemix if c not in DEFAULT_CASEMIX and c not in own]
    if unknown:
        mine = " or a column of your own added with Cohort.assign" if columns else ""
        raise AmebenchError(f"casemix {unknown} not supported; choose from {list(DEFAULT_CASEMIX)}{mine}")
    if not casemix:
        raise AmebenchError(f"casemix needs at least one variable; choose from {list(DEFAULT_CASEMIX)}")
    # a name given twice is one variable
    return tuple(c for c in DEFAULT_CASEMIX if c in casemix) + tuple(dict.fromkeys(own))


#: The most levels a case-mix column of the user's own may have (it enters the model as a
#: categorical variable, one coefficient per level; more is a number to be banded first)
OWN_LEVELS_MAX = 30


def risk_adjusted(
    cohort,
    *,
    outcome="work_or_studies",
    casemix: Sequence[str] = DEFAULT_CASEMIX,
    conf_level: float = 0.95,
) -> RiskAdjustedResult:
    """Compare units' outcome rates after adjusting for whom they serve.

    Parameters
    ----------
    cohort
        A :class:`amebench.Cohort` (prior welfare months are read from its network's
        ledger) or a DataFrame of exited episodes holding the case-mix columns.
    outcome
        Outcome group or set of exit reasons.
    casemix
        Case-mix variables: any of ``age_band``, ``gender``, ``born_abroad``,
        ``readiness``, ``referral`` (categorical) and ``prior_welfare_months``
        (months with a payment in the 12 full months before the enrolment month),
        taken in this order whatever order they are given in (a name given twice
        counts once); then columns of your own (:meth:`amebench.Cohort.assign`, or a
        DataFrame's), in the order given (sorted, from a set), as categorical
        variables whose levels are the values' texts (``1`` and ``"1"`` are one
        level; a missing value is the level ``unknown``; at most
        :data:`OWN_LEVELS_MAX` levels: band a number first).
    conf_level
        Confidence level.

    Returns
    -------
    RiskAdjustedResult

    Notes
    -----
    A logistic GLM (statsmodels, Binomial family, logit link) of the outcome on the
    case-mix, *without* the unit, is fitted to all exited episodes of the network.
    For unit :math:`j`: :math:`O_j` = observed outcomes, :math:`E_j = \\sum_i \\hat p_i`
    over its episodes. :math:`O/E` has the exact Poisson interval for :math:`O`
    (Garwood: :math:`\\chi^2_{2O, \\alpha/2}/2`, :math:`\\chi^2_{2O+2, 1-\\alpha/2}/2`)
    divided by :math:`E`; the standardised rate is :math:`O/E` times the network
    rate, with the same interval scaled (a ratio, not a probability: its upper limit
    can pass 1 for a unit whose exits nearly all reach the outcome). Units without
    exits have no O/E and are left out of the table. Missing categorical case-mix becomes its
    own level ``unknown``. A unit holding a case-mix level that no other unit has
    triggers a :class:`CaseMixWarning`: its expected count then partly rests on itself.
    A unit whose expected count equals its observed count by construction (the GLM's
    score equations, whatever the outcomes: every exit has such a level, as in a unit
    that never recorded birth year; or it is the last unit left when every other is
    such a unit) is not adjustable: its ``expected``, O/E and standardised rate are
    missing, ``method`` says why, and a :class:`CaseMixWarning`
    (``reason="not_adjustable"``) names it. The one unit of a network of one unit is
    not adjustable either, without a warning: ``method`` says so. When the model
    predicts every exit's outcome (every exit has the same outcome, and no GLM is fitted;
    or the case-mix levels separate the outcomes: every :math:`|\\hat p_i - y_i| < 10^{-6}`
    and their sum, a bound on :math:`|E - O|`, under :math:`10^{-3}`), every unit's E is
    its O: no unit is adjustable, and one :class:`CaseMixWarning` (``reason="predicted"``)
    says so; a unit whose exits the model predicts (quasi-separation: levels with which
    every exit, or none, reaches the outcome; the same test over its exits) is not
    adjustable either, with such a warning naming it. A design column in the span
    of the columns before it (two variables whose ``unknown`` levels fall on the same
    exits) is left out of the design: the predictions are the same, and the coefficients
    stay identified. Units that hold a
    variable's levels only among themselves (two units that never recorded birth year)
    have expected counts adding up to their observed count: a :class:`CaseMixWarning`
    (``reason="within_group"``, ``units``) says their O/E compares them with each other
    only. A case-mix variable with one value in every
    exited episode (every age band ``unknown``) is left out of the model, with a
    :class:`CaseMixWarning`; ``method`` and the result's ``casemix`` name the variables
    the model used.

    ``prior_welfare_months`` is unknown for an exit whose 12 months before enrolment its
    unit's ledger (first to last month with a row) does not wholly cover, or whose
    column value is missing. Such exits are predicted by a second GLM, of the other
    case-mix variables, fitted on *every* exit (a complete-case submodel in Mercaldo &
    Blume's 2020 terms: it assumes that, given the other variables, whether the months
    are known does not bear on the outcome). The main GLM, with the months, is fitted on
    the exits where they are known, and its intercept is then shifted so that those exits
    are expected, in total, what the submodel expects of them (an update of the
    intercept as in recalibration in the large, Steyerberg 2019 ch. 20, with the
    submodel's total as the target): the expected counts keep the whole network as their
    reference, and the network's expected total equals its observed total. Counting
    unknown months as months without payment would bias those exits' expected counts; a
    missing-indicator level, or Mercaldo & Blume's pattern submodel fitted on those exits
    alone, would absorb a unit without a ledger as an own case-mix level does. Each unit
    with such exits gets a :class:`CaseMixWarning` (``reason="not_covered"``) saying how
    many. A unit whose exits with known months have case-mix that, among the known
    exits, is its own would be expected exactly as observed by the main GLM and then
    moved by the shift like every other: its exits are the submodel's too
    (``reason="months_own"``); so are those of units that, among the known exits, alone
    hold a variable's levels (they would be expected exactly as observed together), but
    for the largest cell of the partition that the levels of every variable set. When
    the months' effect cannot be estimated from the known exits (one outcome among them,
    months in the span of the other variables, separation: too few of them; or every
    unit's exits among them moved to the submodel), and when the known exits left are all
    one unit's (the shift would give them the submodel's total: the months would change
    no unit's expected count), the months are left out of the model
    (``reason="no_effect"``). A ``prior_welfare_months`` column must hold whole months
    from 0 to 12 or missing values; anything else is an :class:`AmebenchError`.

    References
    ----------
    Iezzoni L.I. (ed.) (2013). Risk Adjustment for Measuring Health Care Outcomes, 4th ed.
    Garwood F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28:437–442.
    Hanley J.A., McNeil B.J. (1982). The meaning and use of the area under a ROC curve.
    Radiology 143:29–36.
    Mercaldo S.F., Blume J.D. (2020). Missing data and prediction: the pattern submodel.
    Biostatistics 21(2):236–252.
    Steyerberg E.W. (2019). Clinical Prediction Models, 2nd ed., ch. 20: Updating for a new setting.

    Examples
    --------
    >>> import amebench
    >>> from amebench import compare
    >>> adjusted = compare.risk_adjusted(amebench.cohort(amebench.load_sample(), exited=2025))
    >>> adjusted.table[["unit", "observed"]].values.tolist()[:2]
    [['jarfalla', 96], ['nynashamn', 27]]
    >>> bool(round(float(adjusted.table["expected"].sum()), 6) == adjusted.table["observed"].sum())
    True
    """
    conf_level = check_level(conf_level)
    reasons = outcome_reasons(outcome)
    episodes, rows = _exited_rows(cohort)
    casemix = check_casemix(casemix, episodes.columns)
    used = ["unit", "exit_reason", "enrolled_on", "birth_year", *casemix]
    frame = episodes[[c for c in episodes.columns if c in used]].take(rows).reset_index(drop=True)
    if len(frame) == 0:
        raise AmebenchError("risk_adjusted needs exited episodes; the data hold none")
    features = _features(frame, cohort, casemix, rows=rows)
    network = getattr(cohort, "network", None)
    casemix = _varying(features, casemix, has_ledger=None if network is None else len(network.payments) > 0)
    features = features[list(casemix)]
    y = frame["exit_reason"].isin(reasons).to_numpy(dtype="float64")
    groups = _only_in_one_unit(features, frame["unit"], casemix)
    unknown = features[_PRIOR].isna().to_numpy() if _PRIOR in casemix else np.zeros(len(frame), dtype=bool)
    unit_codes, unit_names = pd.factorize(frame["unit"].astype(str), sort=True)
    one_outcome = bool(np.ptp(y) == 0)
    if one_outcome:  # no model: every unit is expected as observed
        fit = _Fit(None, None, y.copy(), float("nan"), None, None, np.zeros(len(unit_names), dtype=bool))
    else:
        fit = _fit(features, y, casemix, unknown, unit_codes)
        if fit is None:  # the months' effect cannot be estimated from the exits where they are known
            casemix = tuple(c for c in casemix if c != _PRIOR)
            _warn_no_effect(int((~unknown).sum()))
            fit = _fit(features[list(casemix)], y, casemix, np.zeros(len(frame), dtype=bool), unit_codes)
        elif unknown.any():
            _warn_not_covered(frame["unit"], unknown, from_ledger=_PRIOR not in frame.columns)
            _warn_months_own(unit_names[fit.moved])
    # The model predicts a set of exits' outcomes when each p-hat lies within 1e-6 of its y
    # (separation: an exit of a rare outcome, p-hat 1e-4, is no such exit) and the sum of
    # their |p-hat - y|, a bound on |E - O|, is under _FORESEEN (a million exits of p-hat
    # 9e-7 expect 0.9 outcomes)
    miss = np.abs(fit.p_hat - y)
    inexact = miss >= 1e-6
    predicted = bool(not inexact.any() and miss.sum() < _FORESEEN)
    table = (
        pd.DataFrame({"code": unit_codes, "y": y, "p": fit.p_hat, "miss": miss, "inexact": inexact})
        .query("code >= 0")
        .groupby("code", sort=True)
        .agg(n=("y", "size"), observed=("y", "sum"), expected=("p", "sum"), miss=("miss", "sum"),
             inexact=("inexact", "sum"))
    )
    alone = (np.ones(len(table), dtype=bool) if predicted
             else _rests_on_itself(fit.design, fit.inverse, unit_codes, len(unit_names))[table.index])
    foreseen = ((table.pop("miss") < _FORESEEN) & (table.pop("inexact") == 0)).to_numpy() & ~alone  # E = O
    table.insert(0, "unit", np.asarray(unit_names, dtype=object)[table.index])
    table = table.reset_index(drop=True)
    table.loc[alone | foreseen, "expected"] = np.nan
    obs = table["observed"].to_numpy()
    low, high = confint_poisson(obs, 1, method="exact-c", alpha=1 - conf_level)  # Garwood
    network_rate = y.mean()
    table["oe_ratio"] = obs / table["expected"]
    table["oe_ci_low"] = low / table["expected"]
    table["oe_ci_high"] = high / table["expected"]
    table["estimate"] = table["oe_ratio"] * network_rate
    table["ci_low"] = table["oe_ci_low"] * network_rate
    table["ci_high"] = table["oe_ci_high"] * network_rate
    table["observed"] = table["observed"].astype("int64")
    table["method"] = _method(casemix, fit.submodel is not None)
    several = len(table) > 1
    table.loc[alone, "method"] = _PREDICTED if predicted and several else _NOT_ADJUSTABLE if several else _ONE_UNIT
    table.loc[foreseen, "method"] = _UNIT_PREDICTED if several else _ONE_UNIT
    if several and predicted:
        _warn_predicted(len(y), one_outcome)
    elif several:
        # a predicted unit stays in its groups: its partners' expected counts are pinned with its
        _warn_within_groups(groups, set(table.loc[alone, "unit"]), set(table.loc[~alone, "unit"]))
        _warn_each_unit(table.loc[alone, ["unit", "n"]], "whatever the outcomes (the case-mix levels, its own or "
                        "other units', single its exits out)", "not_adjustable")
        _warn_each_unit(table.loc[foreseen, ["unit", "n"]], "as the case-mix predicts each one's outcome (levels "
                        "with which every exit, or none, reaches the outcome)", "predicted")
    table["conf_level"] = conf_level
    return RiskAdjustedResult(
        table=tidy(table),
        model=fit.model,
        c_statistic=fit.c_statistic,
        calibration=_calibration(y, fit.p_hat),
        casemix=casemix,
        submodel=fit.submodel,
    )


_FORESEEN = 1e-3  # exits: a unit's expected count this close to its observed count is predicted
_NOT_ADJUSTABLE = ("not adjustable: the model's expected count of its exits would equal their observed count "
                   "(the case-mix levels, its own or other units', single its exits out)")
_ONE_UNIT = "not adjustable: the only unit with exits, so its expected count equals its observed count"
_UNIT_PREDICTED = ("not adjustable: the case-mix predicts the outcome of each of its exits (levels with which every "
                   "exit, or none, reaches the outcome), so its expected count equals its observed count")
_PREDICTED = ("not adjustable: the case-mix predicts every exit's outcome (one outcome for all, or levels "
              "that separate them), so every unit's expected count equals its observed count")


def _method(casemix, submodel: bool) -> str:
    """The ``method`` text: the model's variables, and the submodel when it predicts any exit.

    Without counts: the report publishes it under tables whose small counts are hidden.
    """
    text = "indirect standardisation, logistic GLM on " + (", ".join(casemix) or "no case-mix")
    if submodel:
        text += f"; exits with {_PRIOR} unknown: the GLM of the other variables, fitted on every exit"
    return text + "; exact Poisson CI"


class _Fit(NamedTuple):
    """What :func:`risk_adjusted` keeps of the fitted model(s) (:func:`_fit`)."""

    model: object  #: the GLM of every case-mix variable
    submodel: object | None  #: the GLM without prior welfare months, for the exits where they are unknown
    p_hat: np.ndarray  #: predicted probability of every exit
    c_statistic: float  #: of ``p_hat``
    design: pd.DataFrame  #: the design of the model fitted on every exit (the submodel, if any), by pattern
    inverse: np.ndarray  #: each exit's row of ``design``
    moved: np.ndarray  #: per unit code: its exits with known months, too, are the submodel's


def _fit(features: pd.DataFrame, y: np.ndarray, casemix, unknown: np.ndarray, units: np.ndarray) -> _Fit | None:
    """Fit the GLM; the exits with ``unknown`` prior welfare months get the submodel's predictions.

    The main GLM is fitted on the exits with known months, after taking out, one round
    at a time, the units (codes ``units``, -1 for none) whose known exits it would
    expect exactly as observed (:func:`_rests_on_itself`: their case-mix among the known
    exits is their own), and the groups of units whose known exits it would expect, in
    total, exactly as observed (:func:`_apart_among_known`: among the known exits, the
    case-mix levels set them apart from the rest; the largest cell stays): the shift
    below moves every known exit alike, so such a unit's O/E (a group's together) would
    be 1 moved by the shift. Their exits go to the submodel, which has seen their
    case-mix in other units' exits whose months are unknown.
    None when the months' effect cannot be estimated: no known exit is left, they all
    have one outcome, or in the main GLM's design the months lie in the span of the
    other columns, or it separates the outcomes; and when the known exits left are all
    one unit's: the shift would give them, in total, the submodel's expected count, so the
    months would change no unit's.

    The c-statistic is worked out from the patterns' tallies: the main model's patterns,
    and the submodel's patterns counted over the other exits.
    """
    moved = np.zeros(units.max(initial=-1) + 1, dtype=bool)
    if not unknown.any():
        fit = _fit_grouped(features, y, casemix)
        c = _c_of_tallies(fit.p_pattern, fit.counts * fit.y_pattern, fit.counts * (1 - fit.y_pattern))
        return _Fit(fit.model, None, fit.p_pattern[fit.inverse], c, fit.design, fit.inverse, moved)
    known = ~unknown
    levels = {c: pd.factorize(features[c], sort=True) for c in casemix if c not in _NUMERIC}
    levels = {c: (codes, len(uniques)) for c, (codes, uniques) in levels.items()}
    while True:
        if not known.any() or np.ptp(y[known]) == 0:
            return None
        patterns = _patterns(features[known], y[known], casemix)
        if len(np.unique(units[known])) == 1:  # the shift would give them the submodel's total: no E moves
            return None
        own = _rests_on_itself(patterns.design, patterns.inverse, units[known], len(moved))
        apart, dropped = _apart_among_known(levels, units, known, len(moved))
        if not (own | apart).any() and not dropped.any():
            break
        moved |= own | apart
        known &= (~moved[units] | (units < 0)) & ~dropped
    main = _fit_patterns(patterns, y[known], strict=True)
    if main is None:
        return None
    rest = tuple(c for c in casemix if c != _PRIOR)
    sub = _fit_grouped(features[list(rest)], y, rest)
    # recalibration in the large: the exits with known months are expected, in total, what
    # the model of the whole network (the submodel) expects of them
    target = np.dot(np.bincount(sub.inverse[known], minlength=len(sub.p_pattern)), sub.p_pattern)
    eta = special.logit(np.clip(main.p_pattern, 1e-12, 1 - 1e-12))

    def gap(shift):  # increasing in shift
        return np.dot(main.counts, special.expit(eta + shift)) - target

    # a root lies within +-60 unless the submodel predicts certainty (separated data): then the nearest end
    shift = -60.0 if gap(-60.0) >= 0 else 60.0 if gap(60.0) <= 0 else optimize.brentq(gap, -60.0, 60.0)
    main_p = special.expit(eta + shift)
    p_hat = sub.p_pattern[sub.inverse]
    p_hat[known] = main_p[main.inverse]
    counts = np.bincount(sub.inverse[~known], minlength=len(sub.p_pattern))
    score = np.concatenate([main_p, sub.p_pattern])
    events = np.concatenate([main.counts * main.y_pattern, counts * sub.y_pattern])
    nonevents = np.concatenate([main.counts * (1 - main.y_pattern), counts * (1 - sub.y_pattern)])
    return _Fit(main.model, sub.model, p_hat, _c_of_tallies(score, events, nonevents), sub.design, sub.inverse,
                moved)


class _GroupedFit(NamedTuple):
    """The logistic GLM fitted on patterns (:func:`_fit_grouped`)."""

    model: object  #: statsmodels' GLM results
    inverse: np.ndarray  #: each episode's pattern (its fitted probability is ``p_pattern[inverse]``)
    p_pattern: np.ndarray  #: fitted probability of each distinct (case-mix, outcome) pattern
    y_pattern: np.ndarray  #: outcome (0 or 1) of each pattern
    counts: np.ndarray  #: number of episodes of each pattern
    design: pd.DataFrame  #: the model's design, one row per pattern


class _Patterns(NamedTuple):
    """The distinct (case-mix, outcome) patterns of some exits (:func:`_patterns`)."""

    first: np.ndarray  #: the first exit of each pattern
    inverse: np.ndarray  #: each exit's pattern
    counts: np.ndarray  #: number of exits of each pattern
    design: pd.DataFrame  #: the GLM's design, one row per pattern


def _patterns(features: pd.DataFrame, y: np.ndarray, casemix) -> _Patterns:
    """The distinct (case-mix, outcome) patterns of the exits and their design."""
    codes = np.zeros(len(features), dtype=np.int64)
    for column in features.columns:
        c, uniques = pd.factorize(features[column], sort=True)
        codes = codes * (len(uniques) + 1) + c
    codes = codes * 2 + y.astype(np.int64)
    first, inverse = _sorted_patterns(codes)
    design = _design(features.iloc[first].reset_index(drop=True), casemix)
    return _Patterns(first, inverse, np.bincount(inverse), design)


def _fit_grouped(features: pd.DataFrame, y: np.ndarray, casemix) -> _GroupedFit:
    """Fit the logistic GLM on the distinct (case-mix, outcome) patterns with frequency weights.

    The likelihood of the episodes is the likelihood of the patterns with each
    pattern's log-likelihood multiplied by its count, so ``freq_weights`` gives the
    same maximum-likelihood estimate, standard errors, deviance and log-likelihood as
    one row per episode (statsmodels documents ``freq_weights`` as 1-d array of
    frequency weights "equivalent to repeating records"); the pattern table has a few
    thousand rows instead of millions (``results.nobs`` counts the patterns,
    ``results.model.wnobs`` the episodes). tests/test_compare_riskadjust.py checks the
    coefficients against the row-level fit.
    """
    return _fit_patterns(_patterns(features, y, casemix), y)


def _fit_patterns(patterns: _Patterns, y: np.ndarray, *, strict: bool = False) -> _GroupedFit | None:
    """Fit the logistic GLM on ``patterns`` of the exits with outcomes ``y``.

    ``strict``: None instead of a fit whose prior welfare months lie in the span of the
    other columns (their effect cannot be estimated) or whose outcomes it separates
    (statsmodels' PerfectSeparationWarning). Other collinear columns are left to
    statsmodels' pseudo-inverse, as in the fit without months.
    """
    design = patterns.design
    if strict and _PRIOR in design.columns:  # the months must add to the span of the other columns
        rest = design.drop(columns=_PRIOR).to_numpy(dtype="float64")
        if np.linalg.matrix_rank(design.to_numpy(dtype="float64")) <= np.linalg.matrix_rank(rest):
            return None
    design = _independent(design)
    with warnings.catch_warnings():  # not strict: risk_adjusted checks whether every exit is predicted
        warnings.simplefilter("error" if strict else "ignore", PerfectSeparationWarning)
        # IRLS's inner WLS divides by its residual df (0/0 or x/0 with as many patterns as columns): a
        # scale the Binomial family does not use
        warnings.filterwarnings("ignore", "(divide by zero|invalid value) encountered in scalar divide",
                                RuntimeWarning, r"statsmodels\.regression\._tools")
        try:
            model = sm.GLM(y[patterns.first], design, family=sm.families.Binomial(),
                           freq_weights=patterns.counts.astype("float64")).fit()
        except PerfectSeparationWarning:
            return None
    p_pattern = np.asarray(model.predict(design))
    return _GroupedFit(model, patterns.inverse, p_pattern, y[patterns.first], patterns.counts, design)


def _design(patterns: pd.DataFrame, casemix) -> pd.DataFrame:
    """The GLM's design of case-mix ``patterns``: a constant, the numeric variables, and a
    dummy for each categorical level but the first (levels absent from ``patterns``
    would be columns of zeros, so they are dropped first)."""
    patterns = patterns.copy()
    for column in patterns.columns:
        if isinstance(patterns[column].dtype, pd.CategoricalDtype):
            patterns[column] = patterns[column].cat.remove_unused_categories()
    design = pd.get_dummies(patterns, columns=[c for c in casemix if c not in _NUMERIC],
                            drop_first=True, dtype="float64") if casemix else pd.DataFrame(index=patterns.index)
    return sm.add_constant(design, has_constant="add")


def _independent(design: pd.DataFrame) -> pd.DataFrame:
    """``design`` without each column that lies in the span of the columns before it.

    Two variables whose ``unknown`` levels fall on the same exits give equal dummies:
    the GLM's coefficients would not be identified (statsmodels falls back on a
    pseudo-inverse with a SingularMatrixWarning), while its predictions, which depend on
    the span of the columns alone, are the same without the later column. Gram–Schmidt,
    orthogonalising twice ("twice is enough", Giraud et al. 2005), run only for a
    rank-deficient design.
    """
    x = design.to_numpy(dtype="float64")
    if np.linalg.matrix_rank(x) == x.shape[1]:
        return design
    basis, keep = np.empty((len(x), 0)), []
    for j, column in enumerate(x.T):
        rest = column - basis @ (basis.T @ column)
        rest -= basis @ (basis.T @ rest)
        norm = np.linalg.norm(rest)
        if norm > 1e-9 * np.linalg.norm(column):
            basis = np.column_stack([basis, rest / norm])
            keep.append(j)
    return design.iloc[:, keep]


def _sorted_patterns(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_index=True, return_inverse=True)[1:]`` without sorting every row.

    The rows are hashed (``pandas.factorize``, codes by first appearance) and only the
    few thousand distinct codes sorted: (first row of each distinct code in sorted
    order, each row's position in that order).
    """
    seen, uniques = pd.factorize(codes)
    new = seen > np.maximum.accumulate(np.concatenate(([-1], seen[:-1])))  # a code's first row
    first = np.flatnonzero(new)  # in code order 0, 1, 2, ...
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return first[order], rank[seen]


def c_statistic(y, score) -> float:
    """Return the area under the ROC curve: P(score of an event > score of a non-event), ties 1/2.

    Computed from the Mann–Whitney U statistic with mid-ranks (Hanley & McNeil 1982),
    the ranks worked out once per distinct score (equal to ``scipy.stats.rankdata``'s:
    tested); NaN when a score is missing or all outcomes are alike.
    """
    y = np.asarray(y, dtype=bool)
    return _c_of_tallies(np.asarray(score, dtype="float64"), y.astype("float64"), (~y).astype("float64"))


def _c_of_tallies(score: np.ndarray, events: np.ndarray, nonevents: np.ndarray) -> float:
    """:func:`c_statistic` of rows tallied by score: ``events`` and ``nonevents`` with each ``score``.

    A score may repeat. The ranks are mid-ranks per distinct score: the count of rows
    below it plus half of (its count + 1).
    """
    n1, n0 = events.sum(), nonevents.sum()
    if n1 == 0 or n0 == 0 or np.isnan(score).any():
        return float("nan")
    scores, at = np.unique(score, return_inverse=True)
    ones = np.bincount(at, weights=events, minlength=len(scores))
    count = ones + np.bincount(at, weights=nonevents, minlength=len(scores))
    mid = np.cumsum(count) - count + (count + 1) / 2
    return float((np.dot(ones, mid) - n1 * (n1 + 1) / 2) / (n1 * n0))


def _calibration(y, p) -> pd.DataFrame:
    """Observed and expected outcomes by tenths of predicted risk.

    Episodes with the same prediction (the same case mix) stay in one group, so a
    tenth that would split them merges with its neighbour: the table cannot depend
    on the order of the rows. One prediction for every episode (an intercept-only
    model) is one group.
    """
    if len(p) and np.ptp(p) == 0:  # qcut has no interval to put them in: every row would drop
        groups = np.ones(len(p), dtype=np.int64)
    else:
        groups = pd.qcut(pd.Series(p), _CALIBRATION_GROUPS, labels=False, duplicates="drop") + 1
    frame = pd.DataFrame({"group": groups, "y": y, "p": p})
    out = frame.groupby("group").agg(n=("y", "size"), observed=("y", "sum"), expected=("p", "sum")).reset_index()
    out["observed"] = out["observed"].astype("int64")
    return out


def _exited_rows(data) -> tuple[pd.DataFrame, np.ndarray]:
    """The episodes of ``data`` and the positions of those exited (by ``as_of`` for a Cohort)."""
    refuse_network(data, "risk_adjusted")  # its prior welfare needs a Cohort
    episodes = data.episodes if hasattr(data, "episodes") else data
    if not isinstance(episodes, pd.DataFrame):
        raise AmebenchError(f"risk_adjusted needs a Cohort or a DataFrame of episodes, not a {type(data).__name__}")
    missing = [c for c in ("exited_on", "exit_reason") if c not in episodes.columns]
    if missing and "estimate" in episodes.columns:  # e.g. outcome_rate's table, which funnel takes
        raise AmebenchError("risk_adjusted needs a Cohort or a DataFrame of episodes (with exited_on and "
                            "exit_reason), not a table of results: compare.risk_adjusted(amebench.cohort(network))")
    if missing:
        raise AmebenchError(f"risk_adjusted needs episodes with the column(s) {missing}")
    check_dates(episodes, "risk_adjusted")
    exited = episodes["exited_on"].notna()
    if hasattr(data, "as_of"):
        exited &= episodes["exited_on"] <= data.as_of
    return episodes, np.flatnonzero(exited.to_numpy(dtype=bool))


def _features(frame: pd.DataFrame, data, casemix, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Case-mix columns of the exited episodes ``frame`` (``rows`` of ``data.episodes`` when given)."""
    out = pd.DataFrame(index=frame.index)
    for column in casemix:
        if column == "age_band":
            values = pd.Series(derived(frame, ("age_band",))["age_band"], index=frame.index)
        elif column == _PRIOR:
            if column in frame.columns:
                values = _months_column(frame[column])
            elif hasattr(data, "network"):
                # the cohort's own columns (with positions) keep their id codes for the next metric
                source, at = (data.episodes, rows) if rows is not None else (frame, None)
                months, covered = _prior_welfare(data.network.payments, source, rows=at,
                                                 every=data.network.episodes, as_of=data.as_of)
                values = pd.Series(np.where(covered, months, np.nan), index=frame.index)
            else:
                raise AmebenchError(
                    "prior_welfare_months needs a Cohort (with payments) or a column of that name; "
                    "or leave it out of casemix"
                )
            out[column] = values.astype("float64")  # missing: unknown (risk_adjusted's submodel)
            continue
        else:
            if column not in frame.columns:
                raise AmebenchError(f"case-mix column {column!r} is missing from the episodes")
            values = frame[column]
        out[column] = _levels(values)
        many = out[column].nunique()
        if column not in DEFAULT_CASEMIX and many > OWN_LEVELS_MAX:
            raise AmebenchError(f"case-mix column {column!r} has {many} distinct values among the exits; the model "
                                f"takes a column of your own as categories (at most {OWN_LEVELS_MAX}): band it first")
    return out


def _months_column(values: pd.Series) -> pd.Series:
    """A ``prior_welfare_months`` column as numbers (missing: unknown); an error for any other value.

    Months with a payment in 12 months are a whole number from 0 to 12; text that is
    not a number, a number outside that range, or True/False is an error rather than
    unknown.
    """
    if pd.api.types.infer_dtype(values, skipna=True) == "boolean":  # not 0 and 1 months
        raise AmebenchError(f"{_PRIOR} must be whole months from 0 to {_PRIOR_MONTHS} (or missing: unknown), "
                            "not True/False")
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & ~(numbers.between(0, _PRIOR_MONTHS) & numbers.mod(1).eq(0))
    if bad.any():
        shown = ", ".join(map(repr, pd.Series(values[bad].unique()[:3]).tolist()))
        raise AmebenchError(
            f"{_PRIOR} must be whole months from 0 to {_PRIOR_MONTHS} (or missing: unknown); "
            f"other values in {int(bad.sum())} of {len(values)} exits, e.g. {shown}"
        )
    return numbers


def _levels(values: pd.Series):
    """The values as text levels, a missing one as ``unknown``.

    Cell by cell the text of ``values.astype(object).where(values.notna(), "unknown")
    .astype(str)``. For categorical columns of text, booleans and text columns (the
    canonical case-mix) it is a Categorical of the sorted distinct texts, worked out once
    per distinct value (a missing value and the code ``unknown`` are one level); other
    columns are written cell by cell as before, since hashing would make ``1``, ``True``
    and ``1.0`` one value, and ``0.0`` and ``-0.0``.
    """
    dtype = values.dtype
    coded = (isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(dtype.categories.dtype)) or (
        isinstance(dtype, (pd.BooleanDtype, pd.StringDtype)) or dtype == bool)
    if not coded:
        return values.astype("object").where(values.notna(), _UNKNOWN).astype(str)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = np.array([str(u) for u in uniques] + [_UNKNOWN], dtype=object)
    levels, at = np.unique(names, return_inverse=True)  # sorted; equal texts become one level
    cells = pd.Categorical.from_codes(at[np.where(codes < 0, len(uniques), codes)], categories=levels)
    return cells.remove_unused_categories()


def prior_welfare_months(payments: pd.DataFrame, episodes: pd.DataFrame,
                         rows: np.ndarray | None = None) -> np.ndarray:
    """Return, per episode, the months with a payment in the 12 full months before the enrolment month.

    A month counts once however many ledger rows it has (several payments in a month,
    or one to the person and one to the household). Ledger linking as
    :func:`amebench.metrics.welfare_delta` (person, or household for household-keyed
    rows, in the episode's unit; an episode without a ``household_id`` takes the one
    its person's other episodes among ``episodes`` in the unit name: pass every episode
    of the network, as :func:`risk_adjusted` reads them). ``rows``: positions of the
    episodes to compute for (default all).
    """
    return _prior_welfare(payments, episodes, rows)[0]


def _prior_welfare(payments: pd.DataFrame, episodes: pd.DataFrame, rows: np.ndarray | None = None, *,
                   every: pd.DataFrame | None = None, as_of=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`prior_welfare_months`, and whether the unit's ledger covers each episode's 12 months
    (a missing ``household_id`` taken from ``every``, default ``episodes``, as observed by ``as_of``)."""
    episodes, taken = linked_households(episodes, episodes if every is None else every, as_of)
    enrolled = episodes["enrolled_on"] if rows is None else episodes["enrolled_on"].take(rows)
    enrol = month_index(enrolled)
    first, last = enrol - _PRIOR_MONTHS, enrol - 1
    windows = window_totals(payments, episodes, rows=rows, bounds=[(first, last)], count_months=True, taken=taken)
    return windows.paid_months[0], (windows.coverage_first <= first) & (last <= windows.coverage_last)


def _warn_not_covered(units: pd.Series, unknown: np.ndarray, *, from_ledger: bool) -> None:
    """One :class:`CaseMixWarning` for the units with exits whose prior welfare months are unknown.

    One, not one per unit: at national size over a hundred units have some (the exits
    enrolled in the ledger's first year). The message lists the first
    ``_LISTED`` units; ``per_unit`` holds every unit's (unknown, exits).
    """
    short = pd.Series(unknown).groupby(units.astype(str).to_numpy(), sort=True).agg(["sum", "size"])
    short = short[short["sum"] > 0]
    per_unit = {str(u): (int(k), int(n)) for u, (k, n) in short.iterrows()}
    why = " (the welfare ledger does not cover the 12 months before enrolment)" if from_ledger else ""
    listed = ", ".join(f"{u} {k} of {n}" for u, (k, n) in list(per_unit.items())[:_LISTED])
    if len(per_unit) > _LISTED:
        listed += f" and {len(per_unit) - _LISTED} more units"
    total = int(short["sum"].sum())
    warnings.warn(
        CaseMixWarning(
            f"prior_welfare_months is unknown for {_episodes(total)}{why}, in {len(per_unit)} "
            f"unit{'s' if len(per_unit) != 1 else ''} ({listed}); their expected outcome comes from a model of "
            "the other case-mix variables",
            column=_PRIOR, episodes=total, reason="not_covered", units=tuple(per_unit), per_unit=per_unit,
        ),
        stacklevel=3,
    )


def _warn_each_unit(units: pd.DataFrame, why: str, reason: str) -> None:
    """A :class:`CaseMixWarning` of ``reason`` for each unit (``unit``, ``n``) whose expected count is its
    observed count, saying ``why``."""
    for unit, n in units.itertuples(index=False):
        warnings.warn(
            CaseMixWarning(
                f"unit {unit}: the model's expected count of its {_episodes(int(n))} would equal their observed "
                f"count {why}; it has no O/E",
                unit=str(unit), episodes=int(n), reason=reason,
            ),
            stacklevel=3,
        )


def _varying(features: pd.DataFrame, casemix, *, has_ledger: bool | None) -> tuple[str, ...]:
    """The case-mix variables that vary; a :class:`CaseMixWarning` for each left out.

    A variable with one value in every exited episode (every age band ``unknown``,
    ``prior_welfare_months`` unknown in a network without a ledger) cannot adjust
    anything: in the model it would only be a second intercept (statsmodels warns of a
    rank-deficient design). ``prior_welfare_months`` must vary among the exits where it
    is known (the main model is fitted on those).
    """
    kept = []
    for column in casemix:
        values = features[column]
        known = values.dropna() if column in _NUMERIC else values
        if known.nunique() > 1:
            kept.append(column)
            continue
        if len(known) == 0:
            value, where = _UNKNOWN, f"all {_episodes(len(values))}"
            if column == _PRIOR and has_ledger is False:
                where += " (the network has no payments)"
        else:
            value = known.iloc[0]
            value = int(value) if column in _NUMERIC and float(value).is_integer() else str(value)
            where = f"all {_episodes(len(values))}" if len(known) == len(values) else (
                f"all {_episodes(len(known))} where it is known")
        warnings.warn(
            CaseMixWarning(
                f"{column} is {value!r} in {where}: it cannot adjust for anything and is left out of the model",
                column=column, level=str(value), episodes=len(values), reason="one_value",
            ),
            stacklevel=3,
        )
    return tuple(kept)


def _only_in_one_unit(features: pd.DataFrame, units: pd.Series, casemix) -> list[tuple[str, list, list]]:
    """Warn of each case-mix level that one unit alone has (levels in sorted order); return the closed groups.

    Counts per (level, unit) as ``pandas.crosstab`` of the level and the unit as text
    would count them (:func:`_holder_counts`), the exits of no unit (missing) as one
    more holder: a level they share with one unit is not that unit's own (the model has
    seen it elsewhere). The closed groups of each variable (:func:`_closed_groups`) are
    returned as (variable, units, levels).
    """
    unit_text = units.astype(str)
    unit_codes, unit_names = pd.factorize(unit_text, sort=True)
    k = len(unit_names)
    several = units.nunique() > 1
    groups = []
    for column in casemix:
        if column in _NUMERIC:
            continue
        level_codes, levels = pd.factorize(features[column], sort=True)
        counts = _holder_counts(level_codes, unit_codes, len(levels), k)
        one_unit = ((counts[:, :k] > 0).sum(axis=1) == 1) & (counts[:, k] == 0)
        for i in np.flatnonzero(one_unit):
            j = int(counts[i, :k].argmax())
            if several:
                unit, level, count = unit_names[j], levels[i], int(counts[i, j])
                warnings.warn(
                    CaseMixWarning(
                        f"unit {unit} is the only unit with {column} = {level!r} ({_episodes(count)}): "
                        "the model has seen this case-mix only there, so its expected count rests on itself",
                        unit=str(unit), column=column, level=str(level), episodes=count,
                    ),
                    stacklevel=3,
                )
        groups += [(column, [str(unit_names[j]) for j in members], [str(levels[i]) for i in held])
                   for members, held in _closed_groups(counts)]
    return groups


def _holder_counts(level_codes: np.ndarray, unit_codes: np.ndarray, n_levels: int, k: int) -> np.ndarray:
    """Exits per (level, holder) of one variable, one ``numpy.bincount`` of integer codes:
    holders 0..k-1 are the unit codes, k the exits of no unit (code -1); exits without a
    level (code -1) are not counted."""
    holder = np.where(unit_codes >= 0, unit_codes, k)
    seen = level_codes >= 0
    cells = level_codes[seen].astype(np.int64) * (k + 1) + holder[seen]
    return np.bincount(cells, minlength=n_levels * (k + 1)).reshape(n_levels, k + 1)


def _components(counts: np.ndarray) -> np.ndarray:
    """The connected part of each node of a variable's level–holder graph (:func:`_holder_counts`):
    levels 0..L-1, then holders L..L+k, a level linked to each holder with exits of it.

    The model's expected counts of the exits of a part add up to their observed count
    (the sum of the score equations of its levels).
    """
    n_levels, k = counts.shape[0], counts.shape[1] - 1
    at, holder = np.nonzero(counts)
    graph = sparse.coo_matrix((np.ones(len(at)), (at, n_levels + holder)), shape=(n_levels + k + 1,) * 2)
    return csgraph.connected_components(graph, directed=False)[1]


def _closed_groups(counts: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(unit codes, level codes) of each closed group of a variable's :func:`_holder_counts`.

    A closed group is a set of two or more units with exits, not all of them, whose
    exits' levels no exit outside the set has: a part (:func:`_components`) without exits
    of no unit. Its expected counts add up to its observed count.
    """
    n_levels, k = counts.shape[0], counts.shape[1] - 1
    parts = _components(counts)
    level_part, unit_part, none_part = parts[:n_levels], parts[n_levels:n_levels + k], parts[-1]
    holding = counts[:, :k].any(axis=0).sum()
    groups = []
    for part in np.unique(level_part[counts.any(axis=1)]):
        members = np.flatnonzero(unit_part == part)  # a unit without exits is a part of its own
        if part != none_part and 1 < len(members) < holding:
            groups.append((members, np.flatnonzero(level_part == part)))
    return groups


def _apart_among_known(levels: dict, units: np.ndarray, known: np.ndarray,
                       n_units: int) -> tuple[np.ndarray, np.ndarray]:
    """(per unit code, per exit): set apart among the ``known`` exits by the case-mix levels.

    Each variable (``levels``: the exits' level codes and their number) splits the known
    exits into its parts (:func:`_components`); the main GLM's expected counts of each part
    add up to its observed count, and the shift would then move them all alike. One cell
    of the partition common to every variable (an exit's parts, one per variable) stays,
    the one with the most exits of units, whatever the order of the variables: no
    variable's part then holds only some of the known exits left (the next round looks
    again within it). The exits of every other cell, of no unit too, are set apart, and
    so are their units (a unit's exits share one cell). A cell is not pinned on its own
    (two variables pin sums of cells), so this can set apart more than the parts require.
    """
    rows = np.flatnonzero(known)
    cell = np.zeros(len(rows), dtype=np.int64)
    for codes, n_levels in levels.values():
        level_part = _components(_holder_counts(codes[rows], units[rows], n_levels, n_units))[:n_levels]
        part = np.where(codes[rows] >= 0, level_part[np.maximum(codes[rows], 0)], -1)
        cell = pd.factorize(cell * (n_levels + n_units + 2) + part)[0]
    exits = np.bincount(cell, weights=units[rows] >= 0, minlength=1)
    apart = rows[cell != np.argmax(exits)]
    out = np.zeros(n_units, dtype=bool)
    out[units[apart][units[apart] >= 0]] = True
    dropped = np.zeros(len(units), dtype=bool)
    dropped[apart] = True
    return out, dropped


def _rests_on_itself(design: pd.DataFrame, inverse: np.ndarray, unit_codes: np.ndarray, n_units: int) -> np.ndarray:
    """Per unit code: whether the model's expected count of its exits is their observed count by construction.

    The GLM's score equations make :math:`\\sum_i x_i (y_i - \\hat p_i) = 0` for every
    column :math:`x` of the design, so for a unit whose exits' indicator is a linear
    combination of the columns, :math:`E = O` whatever the outcomes: a unit every exit
    of which has a level of its own, the last unit left when every other is such a unit,
    the one unit of a network. That needs each of its patterns (``design``'s rows;
    ``inverse`` gives each exit's) to hold its exits alone, and the indicator of those
    rows to lie in the span of the design's columns: checked by projecting it on an
    orthonormal basis of that span (the left singular vectors).
    """
    owner = pd.Series(unit_codes).groupby(inverse).agg(["min", "max"])  # a missing unit is -1
    owner = np.where(owner["min"] == owner["max"], owner["min"], -1)
    shared = np.zeros(n_units + 1, dtype=bool)
    shared[unit_codes[owner[inverse] < 0]] = True  # [-1]: exits of no unit
    candidates = [j for j in range(n_units) if not shared[j]]
    out = np.zeros(n_units, dtype=bool)
    if not candidates:
        return out
    u, sv, _ = np.linalg.svd(design.to_numpy(dtype="float64"), full_matrices=False)
    basis = u[:, sv > sv[0] * max(design.shape) * np.finfo(float).eps]
    for j in candidates:
        rows = owner == j
        out[j] = rows.sum() - np.square(basis[rows].sum(axis=0)).sum() < 1e-8 * rows.sum()
    return out


def _warn_within_groups(groups, not_adjustable: set, adjustable: set) -> None:
    """A :class:`CaseMixWarning` for each closed group of :func:`_only_in_one_unit` that leaves
    out an ``adjustable`` unit (a group of every adjustable unit is the comparison itself)."""
    for column, units, levels in groups:
        units = [u for u in units if u not in not_adjustable]
        if len(units) < 2 or set(units) >= adjustable:
            continue
        warnings.warn(
            CaseMixWarning(
                f"units {', '.join(units)}: no other unit has their exits' {column} "
                f"({', '.join(repr(v) for v in levels)}), so the model's expected counts of these "
                f"{len(units)} units add up to their observed count: their O/E compares them with each other, "
                "not with the network",
                column=column, level=", ".join(levels), reason="within_group", units=tuple(units),
            ),
            stacklevel=3,
        )


def _warn_months_own(units) -> None:
    """A :class:`CaseMixWarning` for each unit whose exits with known months have case-mix of their own
    (or of a group of units)."""
    for unit in units:
        warnings.warn(
            CaseMixWarning(
                f"unit {unit}: among the exits whose prior_welfare_months is known, no unit but it (or it and "
                "other units so warned) has the case-mix of its exits, so the model with the months would expect "
                "them exactly as observed (together with those units'); they are expected from the model of the "
                "other case-mix variables",
                unit=str(unit), column=_PRIOR, reason="months_own",
            ),
            stacklevel=3,
        )


def _warn_predicted(exits: int, one_outcome: bool) -> None:
    """A :class:`CaseMixWarning`: the model predicts every exit's outcome, so no unit has an O/E."""
    why = ("they all have the same outcome" if one_outcome
           else "their case-mix levels separate those with the outcome from those without")
    warnings.warn(
        CaseMixWarning(
            f"the case-mix predicts the outcome of every one of the {_episodes(exits)} ({why}): each unit's "
            "expected count is its observed count, so no unit has an O/E",
            episodes=exits, reason="predicted",
        ),
        stacklevel=3,
    )



def _warn_no_effect(known: int) -> None:
    """A :class:`CaseMixWarning`: prior welfare months are left out, their effect cannot be estimated."""
    warnings.warn(
        CaseMixWarning(
            f"prior_welfare_months is left out of the model: its effect cannot be estimated from the "
            f"{_episodes(known)} where it is known (too few of them, one outcome for all, case-mix that "
            "separates the outcomes, or, among them, case-mix that is each unit's own or exits of one unit "
            "only)",
            column=_PRIOR, episodes=known, reason="no_effect",
        ),
        stacklevel=3,
    )


def _episodes(k: int) -> str:
    return f"{k} episode" if k == 1 else f"{k} episodes"
