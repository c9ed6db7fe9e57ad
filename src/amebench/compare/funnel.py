"""Funnel plots for comparing units (Spiegelhalter 2005), with overdispersion."""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scipy.stats import norm

from ..exceptions import AmebenchError, OverdispersionWarning
from ..results import tidy
from . import limits as L
from ._table import check_counts, check_level, check_units

__all__ = ["funnel", "FunnelResult", "level_name", "fewest_units_for_overdispersion"]

_OVERDISPERSION = (None, "multiplicative", "additive")
_KINDS = ("proportion", "ratio")
_GRID_POINTS = 200


def level_name(level: float) -> str:
    """Return the short name of a level: 0.95 -> '95', 0.998 -> '998'."""
    return f"{100 * level:g}".replace(".", "")


@dataclass(eq=False)
class FunnelResult:
    """A funnel comparison.

    Attributes
    ----------
    table
        One row per unit: ``unit``, ``estimate`` (rate, or O/E for ratios), ``n``,
        ``events`` (proportions) or ``observed``, ``expected`` (ratios), ``z``,
        ``position`` (``above_998``, ``above_95``, ``within``, ``below_95``,
        ``below_998`` for the default levels), ``method``. ``position`` compares the
        estimate with the limits (exact ones unless widened), ``z`` is the normal
        approximation that overdispersion is estimated on, divided by :math:`\\sqrt{\\phi}`
        (or with :math:`\\tau^2` added to its variance) when the limits are widened, so that
        it measures the distance as the widened limits do. For a small unit ``z`` and
        ``position`` can disagree (at target 0.3, 0 of 9: z = -1.96 but within the exact 95 %
        limits; 1 of 1: z = 1.53 but above_998). ``position`` decides.
    limits
        A grid for drawing: ``n`` (``expected`` for ratios: the table's size column),
        ``level``, ``lower``, ``upper``.
    target, phi, tau2
        The target, the overdispersion factor and the between-unit variance (0
        without the additive option). ``phi`` is the estimate when overdispersion was
        requested and estimated, also when it is ≤ 1 and nothing was widened (``method``
        says so; identical units give 0); 1 when it was not requested or there are too
        few units to estimate it. The limits were widened only where ``phi`` > 1.
    method
        What was done, including any requested option that was not applied.
    kind
        ``"proportion"`` or ``"ratio"``.
    levels
        The control-limit levels.
    """

    table: pd.DataFrame
    limits: pd.DataFrame
    target: float
    phi: float
    tau2: float
    method: str
    kind: str
    levels: tuple[float, ...]

    def plot(self, ax=None, **kwargs):
        """Draw the funnel plot (:func:`amebench.plotting.funnel_plot`) and return the Axes.

        ``ax=None`` draws on matplotlib's current Axes (``plt.gca()``): give each plot
        its own (``fig, ax = plt.subplots()``) to keep two apart. ``kwargs`` go to the
        points' ``Axes.scatter``; set a title on the returned Axes."""
        from ..plotting import funnel_plot

        return funnel_plot(self, ax=ax, **kwargs)

    @property
    def _phi_estimated(self) -> bool:
        """Whether phi was estimated: not when no overdispersion was asked for or the table
        has too few units (``phi`` is then 1, no finding). Every method funnel writes after
        estimating phi says ``phi =``."""
        return "phi =" in self.method

    def _positions(self) -> str:
        """``4 within, 1 above_998``: how many units lie where, from the lowest place to the
        highest (below the outer limit first; national review: in the table's order, 5
        places read out of order)."""
        counts = self.table["position"].astype(str).value_counts(sort=False)

        def height(position: str) -> float:  # below_998 < below_95 < within < above_95 < above_998
            side, _, level = position.partition("_")
            return 0.0 if side == "within" else (1 if side == "above" else -1) * float(f"0.{level}")

        return ", ".join(f"{counts[position]} {position}" for position in sorted(counts.index, key=height))

    def _spread(self, tau: str = "tau2") -> str:
        """What was estimated and applied: ``phi 1.57`` (multiplicative), ``phi 1.57, tau2
        0.000392`` (additive), ``phi 0.633 (≤ 1: not widened)``, or that phi was not
        estimated (``phi`` 1 is then no finding, and read as one: "no overdispersion")."""
        if not self._phi_estimated:
            return "overdispersion not estimated"
        if self.phi <= 1:
            return f"phi {self.phi:.3g} (≤ 1: not widened)"
        return f"phi {self.phi:.3g}" + (f", {tau} {self.tau2:.3g}" if self.tau2 > 0 else "")

    def __repr__(self) -> str:
        return (f"<FunnelResult ({self.kind}) of {len(self.table)} units: target {self.target:.4g}, "
                f"{self._spread()}; {self._positions()}>")

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Funnel</b> ({self.kind}): target {self.target:.4g}, {self._spread('tau²')}; "
            f"{html.escape(self.method)}; {self._positions()}</p>"
        )
        # the method is the same in every row: said once, above the table
        return head + self.table.drop(columns="method", errors="ignore").to_html(index=False)


#: The largest |z| / sqrt(phi) that K z-scores reach with phi from 10 % winsorising
#: (numerical search, Nelder-Mead from 600 to 3,000 starts, 2026-12-05; one unit far from
#: the target and the rest near it). By the approximation in fewest_units_for_overdispersion
#: it is about 31.6 at 10 units and unbounded from 11 on (not searched: levels need far less).
_MOST_AFTER_PHI = {2: 1.6008, 3: 2.1866, 4: 2.8997, 5: 3.8006, 6: 5.02, 7: 6.81, 8: 9.74, 9: 15.5}


def fewest_units_for_overdispersion(level: float) -> int:
    """The fewest units a funnel estimates overdispersion from, with outermost ``level``.

    :math:`\\phi` is estimated from the same z-scores it divides, so with few units no
    unit can pass the limits after it with multiplicative overdispersion. The fewest
    units are the smallest :math:`K` whose largest :math:`|z|/\\sqrt{\\phi}`
    (``_MOST_AFTER_PHI``; about :math:`\\sqrt K / (1 - 0.1(K-1))`, one unit far from the
    target and the rest on it) passes the normal quantile of ``level``: 5 for 99.8 %
    (:math:`K = 4`: 2.90 < 3.09), 3 for 95 % (:math:`K = 2`: 1.60 < 1.96).
    """
    z = norm.ppf(1 - (1 - level) / 2)
    return next((k for k, most in sorted(_MOST_AFTER_PHI.items()) if most > z), max(_MOST_AFTER_PHI) + 1)


def funnel(
    table: pd.DataFrame,
    *,
    target: float | None = None,
    overdispersion: str | None = None,
    levels: Sequence[float] = (0.95, 0.998),
    kind: str = "proportion",
) -> FunnelResult:
    """Compare units' rates against control limits that narrow with size.

    Parameters
    ----------
    table
        For ``kind="proportion"``: columns ``unit``, ``n``, ``events`` (an
        :func:`amebench.metrics.outcome_rate` result is one); beside
        ``respondents`` or ``eligible``, an ``estimate`` must be events / n (a retention
        table's is events / respondents: give ``n=respondents``). For ``kind="ratio"``:
        ``unit``, ``observed``, ``expected`` (e.g. from
        :func:`amebench.compare.risk_adjusted`).
    target
        The rate the limits are drawn around; default the pooled rate
        sum(events)/sum(n) (for ratios: 1).
    overdispersion
        ``None`` (exact limits), ``"multiplicative"`` or ``"additive"``.
    levels
        Two-sided coverage of the control limits.
    kind
        ``"proportion"`` or ``"ratio"``.

    Returns
    -------
    FunnelResult

    Notes
    -----
    Without overdispersion the limits are exact binomial (Poisson for ratios) with
    Spiegelhalter's interpolation (:mod:`amebench.compare.limits`). That
    interpolation puts both about 0.5/n below a placement symmetric in the two tails: with small units "above"
    comes more often than "below" when no unit differs, and a unit below about 50 is
    flagged more often than the level says (n = 5, rate 0.5: ``above_998`` 3.1 %, not
    0.1 %; a 1/1 is always above; docs/methods.md). Poisson limits are conservative
    for the observed count of a common yes/no outcome (from
    :func:`~amebench.compare.risk_adjusted`), which varies about 1 - rate times as
    much: with no true difference, 0.8 % of units fall outside the 95 % limits at a
    rate of 0.47 (4.9 % at 0.03), and phi is then nearly always <= 1. z-scores are on
    the proportion scale, :math:`z_i = (y_i - \\theta)/s_i` with
    :math:`s_i^2 = \\theta(1-\\theta)/n_i` (ratios: :math:`s_i^2 = 1/E_i`). With
    ``"multiplicative"``, :math:`\\phi` is the mean of the squared z-scores after
    10 % winsorisation in each tail and the limits are
    :math:`\\theta \\pm z_p\\sqrt{\\phi}\\,s`; with ``"additive"``,
    :math:`\\tau^2` is DerSimonian–Laird from the same :math:`\\phi` and the limits
    are :math:`\\theta \\pm z_p\\sqrt{s^2 + \\tau^2}`; either widened to the exact
    limits where those are wider (a small unit's, which are skewed), so that allowing
    for overdispersion never flags a unit the exact limits keep. z-scores are then divided by
    :math:`\\sqrt{\\phi}` (or use :math:`\\sqrt{s^2+\\tau^2}`). When
    :math:`\\phi \\le 1` an :class:`OverdispersionWarning` is issued and the exact
    limits are kept; ``method`` records it. So they are, with such a warning
    (``reason="few_units"``) and ``phi`` 1, when the table has fewer units than
    :func:`fewest_units_for_overdispersion` of the outermost level (5 for 99.8 %):
    :math:`\\phi` is estimated from the same z-scores it divides, and with fewer units no
    unit could pass the limits after it (multiplicative; additive overdispersion takes
    :math:`\\tau^2` from the same :math:`\\phi`).

    References
    ----------
    Spiegelhalter D.J. (2005). Funnel plots for comparing institutional
    performance. Statistics in Medicine 24:1185–1202.
    Spiegelhalter D.J. (2005). Handling over-dispersion of performance
    indicators. Quality and Safety in Health Care 14:347–351.

    Examples
    --------
    >>> import amebench
    >>> from amebench import compare, metrics
    >>> rates = metrics.outcome_rate(amebench.cohort(amebench.load_sample(), exited=2025))
    >>> result = compare.funnel(rates)
    >>> result
    <FunnelResult (proportion) of 5 units: target 0.3283, overdispersion not estimated; 5 within>
    """
    if overdispersion not in _OVERDISPERSION:
        raise AmebenchError(f"overdispersion must be one of {list(_OVERDISPERSION)}, not {overdispersion!r}")
    if kind not in _KINDS:
        raise AmebenchError(f"kind must be one of {list(_KINDS)}, not {kind!r}")
    if isinstance(levels, (str, bytes)) or not isinstance(levels, (Sequence, np.ndarray)):
        raise AmebenchError(f"levels must be a sequence of levels, e.g. (0.95, 0.998), not {levels!r}")
    levels = tuple(sorted(check_level(level, "level") for level in levels))
    if not levels:
        raise AmebenchError("levels must hold at least one level, e.g. (0.95, 0.998)")
    if not isinstance(table, pd.DataFrame) and isinstance(getattr(table, "table", None), pd.DataFrame):
        raise AmebenchError(f"funnel needs a table, not a {type(table).__name__}: pass its .table"
                            + (", kind='ratio'" if {"observed", "expected"} <= set(table.table.columns) else ""))
    if kind == "proportion" and isinstance(table, pd.DataFrame) and "events" not in table.columns \
            and {"observed", "expected"} <= set(table.columns):
        raise AmebenchError("funnel of observed against expected counts needs kind='ratio' "
                            "(compare.funnel(table, kind='ratio')); kind='proportion' needs columns unit, n, events")
    if kind == "proportion":
        data = check_counts(table, what="funnel")
        size = data["n"].to_numpy(dtype="float64")
        estimate = data["events"].to_numpy() / size
        if target is None and not data["n"].sum() > 0:  # the pooled rate would be 0 / 0
            raise AmebenchError("funnel needs units with exits (n > 0); the table has none")
        if target is None and len(data) == 1:  # check_counts: every unit has exits
            raise AmebenchError(f"funnel without a target compares units with their pooled rate; the table has one "
                                f"unit with exits ({data['unit'].iloc[0]}), whose pooled rate is its own: give a "
                                "target to compare it with")
        theta = float(data["events"].sum() / data["n"].sum()) if target is None else float(target)
        if target is None and not 0 < theta < 1:
            every = "missed" if theta == 0 else "reached"
            raise AmebenchError(f"the units' pooled rate is {theta:g}: every exit {every} the outcome, so no unit "
                                "can differ from it; give a target to compare with")
        if not 0 < theta < 1:
            raise AmebenchError(f"the target must lie strictly between 0 and 1, not {theta}")
        s2 = theta * (1 - theta) / size
    else:
        data = _check_ratio(table)
        if len(data) == 0:
            raise AmebenchError("funnel needs units; the table has none")
        size = data["expected"].to_numpy(dtype="float64")
        estimate = data["observed"].to_numpy() / size
        theta = 1.0 if target is None else float(target)
        s2 = theta / size  # O ~ Poisson(theta E): var(O/E) = theta / E
    z = (estimate - theta) / np.sqrt(s2)

    phi, tau2, method = 1.0, 0.0, f"exact {'binomial' if kind == 'proportion' else 'Poisson'} limits"
    fewest = fewest_units_for_overdispersion(levels[-1])
    if overdispersion is not None and len(data) < fewest:
        warnings.warn(OverdispersionWarning(
            f"{overdispersion} overdispersion was requested but the table has {len(data)} units, fewer than "
            f"{fewest}: phi would be estimated from the same few z-scores it is to judge (divided by its root, "
            f"none of them could pass the {levels[-1] * 100:g} % limits), so the exact limits are kept",
            reason="few_units", n_units=len(data), fewest=fewest), stacklevel=2)
        method += f"; {overdispersion} overdispersion requested, not applied: {len(data)} units, fewer than {fewest}"
    elif overdispersion is not None:
        phi = L.winsorised_phi(z)
        if phi <= 1:
            message = (
                f"{overdispersion} overdispersion was requested but phi = {phi:.3f} <= 1: the units "
                "vary no more than chance allows, so the exact limits are kept"
                + ("; for observed counts of a common yes/no outcome this is usual: they vary less than the "
                   "Poisson counts the limits assume (about 1 - rate times the variance), so the limits are wide "
                   "and fewer units fall outside them than the level says" if kind == "ratio" else "")
            )
            warnings.warn(OverdispersionWarning(message), stacklevel=2)
            method += f"; {overdispersion} overdispersion requested, phi = {phi:.3f} <= 1, not applied"
        elif overdispersion == "multiplicative":
            method = f"multiplicative overdispersion, phi = {phi:.3f} (10% winsorised z-scores)"
        else:
            tau2 = L.dersimonian_laird_tau2(phi, s2)
            method = f"additive overdispersion, DerSimonian-Laird tau2 = {tau2:.3g} (phi = {phi:.3f})"
    applied = overdispersion if overdispersion is not None and phi > 1 else None

    def bounds(level, sizes):
        low_p, high_p = (1 - level) / 2, 1 - (1 - level) / 2
        if kind == "proportion":
            exact = L.binomial_limit(low_p, sizes, theta), L.binomial_limit(high_p, sizes, theta)
        else:  # O ~ Poisson(theta E); poisson_limit gives O/(theta E), so scale by theta
            exact = (L.poisson_limit(low_p, theta * sizes) * theta, L.poisson_limit(high_p, theta * sizes) * theta)
        if applied is None:
            return exact
        var = (theta * (1 - theta) if kind == "proportion" else theta) / np.asarray(sizes, float)
        spread = np.sqrt(phi * var) if applied == "multiplicative" else np.sqrt(var + tau2)
        # never inside the exact limits: the normal limits of a small unit can be (the exact
        # ones are skewed), and overdispersion would then flag a unit the exact limits keep
        lower = np.minimum(theta - norm.ppf(high_p) * spread, exact[0])
        upper = np.maximum(theta + norm.ppf(high_p) * spread, exact[1])
        top = 1.0 if kind == "proportion" else np.inf
        return np.clip(lower, 0, top), np.clip(upper, 0, top)

    position = np.array(["within"] * len(data), dtype=object)
    for level in levels:  # ascending: the outermost level exceeded wins
        lower, upper = bounds(level, size)
        position[estimate > upper] = f"above_{level_name(level)}"
        position[estimate < lower] = f"below_{level_name(level)}"
    if applied == "multiplicative":
        z = z / np.sqrt(phi)
    elif applied == "additive":
        z = (estimate - theta) / np.sqrt(s2 + tau2)

    out = data.copy()
    out["estimate"] = estimate
    out["z"] = z
    out["position"] = position
    out["method"] = method
    # from half the smallest size, but not below 1 unless a unit is (an expected count under 1:
    # then from it, not a straight line from it to 1)
    start = max(size.min() / 2, min(size.min(), 1.0))
    grid = np.unique(np.concatenate([np.geomspace(start, size.max() * 1.1, _GRID_POINTS), size]))
    if kind == "proportion":  # exact binomial limits exist for whole numbers of exits only
        grid = np.unique(np.round(grid))
    frames = []
    for level in levels:
        lower, upper = bounds(level, grid)
        # the x axis: exits for proportions, expected counts for ratios (the table's own column)
        frames.append(pd.DataFrame({"n" if kind == "proportion" else "expected": grid, "level": level,
                                    "ci_low": lower, "ci_high": upper}))
    grid_table = pd.concat(frames, ignore_index=True).rename(columns={"ci_low": "lower", "ci_high": "upper"})
    return FunnelResult(
        table=tidy(out), limits=grid_table, target=theta, phi=phi, tau2=tau2,
        method=method, kind=kind, levels=levels,
    )


def _check_ratio(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("unit", "observed", "expected") if c not in table.columns]
    if missing:
        raise AmebenchError(f"a ratio funnel needs columns unit, observed, expected; missing {missing}")
    out = table[["unit", "observed", "expected"]].copy()
    check_units(out["unit"], "funnel")
    out["observed"] = pd.to_numeric(out["observed"], errors="coerce")
    out["expected"] = pd.to_numeric(out["expected"], errors="coerce")
    unadjusted = out["expected"].isna()
    if unadjusted.any():  # risk_adjusted's units it cannot adjust
        raise AmebenchError(f"units {out.loc[unadjusted, 'unit'].tolist()} have no expected count (risk_adjusted "
                            "gives none to a unit it cannot adjust, its method says why); leave them out of the "
                            "funnel, e.g. table.dropna(subset=['expected'])")
    bad = out["observed"].isna() | (out["expected"] <= 0) | (out["observed"] < 0)
    if bad.any():
        raise AmebenchError(f"units {out.loc[bad, 'unit'].tolist()} need observed >= 0 and expected > 0")
    out["unit"] = out["unit"].astype(str)
    return out.reset_index(drop=True)
