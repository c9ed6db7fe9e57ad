"""The true per-unit values of a simulated network (truth.json) and their definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from .. import schema
from . import _params as P
from ._dgp import READY, Draws
from ._tables import after_pay

__all__ = ["make_truth", "DEFINITIONS"]

DEFINITIONS = {
    "unit_effect": "u_unit: additive log-odds of work_or_studies at exit (network mean not removed)",
    "expected_rate": "mean over the unit's episodes exited on or before as_of of "
                     "expit(x'beta + u_unit): the true expected work_or_studies share at exit "
                     "given the unit's own exited case-mix (per episode)",
    "standardised_rate": "mean over ALL exited episodes of the network of expit(x'beta + u_unit): "
                         "the rate the unit would have with the network's case-mix",
    "retention_90": "mean over the unit's exits to work (work, work_subsidised, self_employed) "
                    "with exited_on + 90 days <= as_of of the true probability of still being "
                    "in that work group at 90 days (defined for units without a survey too)",
    "welfare_delta_6m": "mean over the unit's exited episodes of persons with ONE episode in the "
                        "network and a ledger key (person or household) of their own, whose 6 full "
                        "months after the exit month end on or before as_of, of the expected "
                        "monthly payment in the 6 full months after the exit month minus the 6 "
                        "full months before the enrolment month (SEK): after = A*E[q*f], before = "
                        "A*min(prior_months, 6)/6, A the episode's base amount. Exact for these "
                        "episodes (their ledger rows come from this episode only)",
    "welfare_delta_6m_all": "the same mean over all exited episodes that add ledger rows; "
                            "approximate: a re-entry's payments can fall in an earlier episode's "
                            "windows, which makes the realised delta less negative",
    "median_duration_days": "median of the unit's true time-to-exit distribution: the mixture of "
                            "Weibull(shape, scale by readiness) over the readiness of all the unit's "
                            "episodes (ongoing ones included)",
    "raw_rank": "rank (1 = best) of expected_rate", "adjusted_rank": "rank (1 = best) of standardised_rate",
}


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _median(readiness: np.ndarray) -> float:
    shares = np.bincount(readiness, minlength=3) / len(readiness)
    scales = np.array([P.DURATION_SCALE_DAYS[r] for r in READY])

    def cdf(t):
        return float((shares * (1 - np.exp(-((t / scales) ** P.DURATION_SHAPE)))).sum()) - 0.5

    # to 6 decimals of a day: the root's last digits follow the CPU's exp (SIMD: AVX2 and AVX-512
    # differ in the last bit), and truth.json is compared byte for byte (tests/test_synth.py)
    return round(float(brentq(cdf, 1e-6, 1e5)), 6)


def make_truth(d: Draws, units, p_retain, amount, payer, *, seed, start, as_of) -> dict:
    """Return the truth dict (JSON-serialisable) of the simulated draws."""
    exited = ~np.isnat(d.exited)
    work = np.isin(d.reason, [schema.EXIT_REASONS.index(r) for r in ("work", "work_subsidised", "self_employed")])
    lp_ex = d.linpred[exited]
    mx = d.exited.astype("datetime64[M]")
    window_end = (mx + np.timedelta64(7, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    elig_w = exited & payer & (window_end <= as_of)
    n_eps = np.bincount(d.person)[d.person]
    single = elig_w & (n_eps == 1) & d.extra.get("own_key", np.ones(len(d.unit), bool))
    qf, _ = after_pay(d, p_retain, None)
    delta = amount * (qf - np.minimum(d.prior_months, 6) / 6.0)
    elig_r = work & (d.exited + np.timedelta64(90, "D") <= as_of)
    out = {}
    for i, u in enumerate(units):
        own = d.unit == i
        ex = own & exited
        out[u.unit] = {
            "name": u.name, "municipality_code": u.municipality_code,
            "unit_effect": u.effect, "retention_effect": u.retention_effect,
            "survey": u.survey, "household_ledger": u.household_ledger,
            "episodes": int(own.sum()), "exited": int(ex.sum()),
            "expected_rate": float(d.p_pos[ex].mean()) if ex.any() else None,
            "standardised_rate": float(_expit(lp_ex + u.effect).mean()),
            "retention_90": float(p_retain[own & elig_r].mean()) if (own & elig_r).any() else None,
            "welfare_delta_6m": float(delta[own & single].mean()) if (own & single).any() else None,
            "welfare_delta_6m_all": float(delta[own & elig_w].mean()) if (own & elig_w).any() else None,
            "median_duration_days": _median(d.readiness[own]),
            "casemix": {"born_abroad_p": u.born_abroad_p, "age_mean": u.age_mean,
                        "readiness_p": dict(zip(READY, map(float, u.readiness_p)))},
        }
    raw = pd.Series({k: v["expected_rate"] or 0.0 for k, v in out.items()}).rank(ascending=False, method="first")
    adj = pd.Series({k: v["standardised_rate"] for k, v in out.items()}).rank(ascending=False, method="first")
    for k in out:
        out[k]["raw_rank"], out[k]["adjusted_rank"] = int(raw[k]), int(adj[k])
    return {
        "seed": int(seed), "start": str(start), "as_of": str(as_of),
        "outcome": "work_or_studies", "definitions": DEFINITIONS,
        "coefficients": P.coefficients(), "units": out,
        "ranking_differs": bool((raw != adj).any()),
    }
