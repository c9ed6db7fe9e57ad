"""Activities, follow-ups and the welfare ledger drawn for the episodes of :mod:`._dgp`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from . import _params as P
from ._dgp import READY, Draws

__all__ = ["retention_probability", "draw_activities", "draw_followups", "draw_payments"]

_DAY = np.timedelta64(1, "D")
_WORK = ("work", "work_subsidised", "self_employed")
_STUDIES_RETAIN_P = 0.85
_NEG_STATUS = {"work": 0.08, "studies": 0.04, "job_seeking": 0.30, "welfare": 0.45, "other": 0.13}
_LOST_STATUS = {"job_seeking": 0.5, "welfare": 0.4, "other": 0.1}
_ACTIVITY_BY_READINESS = {
    "near": ("job_search", "work_practice", "education", "subsidised_job"),
    "uncertain": ("work_practice", "job_search", "coaching", "education"),
    "far": ("language", "work_training", "coaching", "work_practice"),
}


def _code(name: str) -> int:
    return schema.EXIT_REASONS.index(name)


def retention_probability(d: Draws, retention_effect: np.ndarray) -> np.ndarray:
    """P(still in the exit's group at 90 days): work exits by the retention logit, studies fixed."""
    lp = np.full(len(d.reason), np.nan)
    far = d.readiness == READY.index("far")
    for reason, base in P.RETENTION_LOGIT.items():
        sel = d.reason == _code(reason)
        lp[sel] = base + retention_effect[d.unit[sel]] + P.RETENTION_FAR_EFFECT * far[sel]
    p = 1.0 / (1.0 + np.exp(-lp))
    p[d.reason == _code("studies")] = _STUDIES_RETAIN_P
    return p


def draw_activities(rng, d: Draws, as_of) -> pd.DataFrame:
    """An assessment at enrolment, then up to two activities that suit the readiness."""
    n = len(d.unit)
    exit_or_inf = np.where(np.isnat(d.exited), np.datetime64("2262-01-01"), d.exited)
    n_extra = rng.integers(0, 3, n)
    k = 1 + n_extra
    ep = np.repeat(np.arange(n), k)
    slot = np.arange(len(ep)) - np.repeat(np.cumsum(k) - k, k)
    base = d.enrolled[ep]
    start = np.where(slot == 0, base, base + (30 * slot + rng.integers(0, 21, len(ep))) * _DAY)
    length = np.where(slot == 0, rng.integers(14, 43, len(ep)), rng.integers(30, 151, len(ep)))
    end = np.minimum(start + length * _DAY, exit_or_inf[ep])
    keep = (start <= exit_or_inf[ep]) & (start <= as_of)
    end = np.where(end <= as_of, end, np.datetime64("NaT"))
    table = np.array([_ACTIVITY_BY_READINESS[r] for r in READY])
    pick = table[d.readiness[ep], rng.integers(0, 4, len(ep))]
    activity = np.where(slot == 0, "assessment", pick)
    return pd.DataFrame({"ep": ep[keep], "activity": activity[keep],
                         "started_on": start[keep], "ended_on": end[keep]})


def draw_followups(rng, d: Draws, p_retain: np.ndarray, survey_unit: np.ndarray, as_of) -> pd.DataFrame:
    """Status about 90 days after exit, asked in survey units; response depends on the outcome."""
    n = len(d.unit)
    exited = ~np.isnat(d.exited)
    measured = d.exited + (90 + rng.integers(-7, 22, n)) * _DAY
    sel = exited & survey_unit[d.unit] & (measured <= as_of)
    reasons = np.array(schema.EXIT_REASONS)[np.maximum(d.reason, 0)]
    retained = rng.random(n) < np.nan_to_num(p_retain)
    lost = rng.choice(list(_LOST_STATUS), size=n, p=list(_LOST_STATUS.values()))
    neg = rng.choice(list(_NEG_STATUS), size=n, p=list(_NEG_STATUS.values()))
    positive = np.isin(reasons, _WORK + ("studies",))
    status = np.where(positive, np.where(retained, reasons, lost), neg)
    programme = (reasons == "work_programme") & (rng.random(n) < 0.6)
    status = np.where(programme, "work_programme", status)
    good = positive & retained
    responded = rng.random(n) < np.where(good, P.RESPONSE_P_RETAINED, P.RESPONSE_P_OTHER)
    return pd.DataFrame({"ep": np.flatnonzero(sel), "measured_on": measured[sel],
                         "status_true": status[sel], "responded": responded[sel],
                         "retained": retained[sel]}), retained


def after_pay(d: Draws, p_retain: np.ndarray, retained: np.ndarray | None):
    """Per episode: (probability of a payment in a month after exit, amount factor).

    With ``retained`` None, the expectation over retention is returned as q*f with f = 1.
    """
    reasons = np.array(schema.EXIT_REASONS)[np.maximum(d.reason, 0)]
    work = np.isin(reasons, _WORK)
    studies = reasons == "studies"
    qn, fn = P.AFTER_PAY_P["negative"], P.AFTER_AMOUNT_F["negative"]
    qs, fs = P.AFTER_PAY_P["studies"], P.AFTER_AMOUNT_F["studies"]
    qr, fr = P.AFTER_PAY_P["retained_work"], P.AFTER_AMOUNT_F["retained_work"]
    ql, fl = P.AFTER_PAY_P["lost_work"], P.AFTER_AMOUNT_F["lost_work"]
    if retained is None:
        pr = np.nan_to_num(p_retain)
        qf = np.where(work, pr * qr * fr + (1 - pr) * ql * fl, np.where(studies, qs * fs, qn * fn))
        return qf, np.ones_like(qf)
    q = np.where(work, np.where(retained, qr, ql), np.where(studies, qs, qn))
    f = np.where(work, np.where(retained, fr, fl), np.where(studies, fs, fn))
    return q, f


def draw_payments(rng, d: Draws, amount: np.ndarray, payer: np.ndarray, p_retain, retained, as_of) -> pd.DataFrame:
    """Monthly ledger rows: before enrolment, during the episode, up to 12 months after exit."""
    n = len(d.unit)
    last = np.datetime64(as_of, "M").astype("int64")
    if pd.Timestamp(as_of) != pd.Timestamp(as_of) + pd.offsets.MonthEnd(0):
        last -= 1  # only full months are in the ledger
    m0 = d.enrolled.astype("datetime64[M]").astype("int64")
    mx = np.where(np.isnat(d.exited), last, d.exited.astype("datetime64[M]").astype("int64"))
    q, f = after_pay(d, p_retain, retained)
    exited = ~np.isnat(d.exited)
    n_pre = np.where(payer, d.prior_months, 0)
    n_dur = np.where(payer, np.maximum(np.minimum(mx, last) - m0 + 1, 0), 0)
    n_aft = np.where(payer & exited, np.clip(last - mx, 0, 12), 0)
    k = n_pre + n_dur + n_aft
    ep = np.repeat(np.arange(n), k)
    pos = np.arange(len(ep)) - np.repeat(np.cumsum(k) - k, k)
    pre, dur = n_pre[ep], n_dur[ep]
    month = np.where(pos < pre, m0[ep] - pre + pos,
                     np.where(pos < pre + dur, m0[ep] + pos - pre, mx[ep] + 1 + pos - pre - dur))
    p_pay = np.where(pos < pre, 1.0, np.where(pos < pre + dur, P.DURING_PAY_P, q[ep]))
    factor = np.where(pos < pre + dur, 1.0, f[ep])
    keep = rng.random(len(ep)) < p_pay
    amt = np.round(amount[ep] * factor * rng.uniform(0.9, 1.1, len(ep)), 2)
    return pd.DataFrame({"ep": ep[keep], "month": month[keep], "amount_sek": amt[keep]})
