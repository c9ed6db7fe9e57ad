"""The data-generating process of :func:`amebench.synth.simulate_network` (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema
from ._params import (
    AGE_BAND_EFFECT,
    DURATION_SCALE_DAYS,
    DURATION_SHAPE,
    GENDER_EFFECT,
    INTERCEPT,
    NEGATIVE_REASONS,
    POSITIVE_REASONS,
    PRIOR_MONTH_EFFECT,
    READINESS_EFFECT,
    REFERRAL_EFFECT,
    BORN_ABROAD_EFFECT,
    UnitSpec,
)

__all__ = ["Draws", "draw_episodes"]

_DAY = np.timedelta64(1, "D")
READY = ("near", "uncertain", "far")
REFS = ("social_services", "employment_service", "social_insurance", "self", "other")
GENDERS = ("woman", "man", "other", "unknown")
GENDER_P = (0.46, 0.52, 0.01, 0.01)
#: Share of persons with a second episode; share of those in another unit of the network.
REENTRY_SHARE = 0.18
MOVER_SHARE = 0.15
#: Re-entry gap: a short gap (7-89 days) with this probability, else 90 + exponential.
SHORT_GAP_SHARE = 0.3
LONG_GAP_MEAN_DAYS = 250.0


@dataclass
class Draws:
    """Episode-level draws (numpy arrays aligned by episode) before they become tables."""

    unit: np.ndarray          # unit index
    person: np.ndarray        # person index
    enrolled: np.ndarray      # datetime64[D]
    exited: np.ndarray        # datetime64[D], NaT while ongoing
    reason: np.ndarray        # index into schema.EXIT_REASONS, -1 while ongoing
    readiness: np.ndarray     # index into READY
    referral: np.ndarray      # index into REFS
    gender: np.ndarray        # index into GENDERS
    birth_year: np.ndarray
    born_abroad: np.ndarray
    prior_months: np.ndarray  # months on welfare in the 12 before enrolment
    linpred: np.ndarray       # log-odds of work_or_studies without the unit effect
    p_pos: np.ndarray         # P(work_or_studies | case-mix, unit) at exit
    extra: dict = field(default_factory=dict)


def casemix_linpred(readiness, referral, gender, age, born_abroad, prior_months) -> np.ndarray:
    """Return the case-mix log-odds of work_or_studies (without the unit effect)."""
    lp = np.full(len(readiness), INTERCEPT)
    lp += np.array([READINESS_EFFECT[r] for r in READY])[readiness]
    lp += np.array([REFERRAL_EFFECT[r] for r in REFS])[referral]
    lp += np.array([GENDER_EFFECT[g] for g in GENDERS])[gender]
    lp += BORN_ABROAD_EFFECT * born_abroad
    lp += PRIOR_MONTH_EFFECT * prior_months
    band = schema.age_band(pd.Series(age)).astype(str).to_numpy()
    lp += pd.Series(band).map(AGE_BAND_EFFECT).fillna(0.0).to_numpy()
    return lp


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _per_unit_choice(rng, unit_idx, probs: np.ndarray) -> np.ndarray:
    # Inverse-CDF draw from a categorical distribution that varies by unit (probs: units x k).
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(unit_idx))
    return (u[:, None] > cum[unit_idx]).sum(axis=1)


def _readiness_draw(rng, unit_idx, units):
    probs = np.array([u.readiness_p for u in units])
    return _per_unit_choice(rng, unit_idx, probs)


def _referral_draw(rng, unit_idx, units):
    probs = np.array([u.referral_p for u in units])
    return _per_unit_choice(rng, unit_idx, probs)


def _prior_months(rng, readiness):
    # Months on welfare in the 12 months before enrolment: more for people far from work.
    p = np.array([0.45, 0.6, 0.75])[readiness]
    return rng.binomial(12, p)


def _durations(rng, readiness):
    scale = np.array([DURATION_SCALE_DAYS[r] for r in READY])[readiness]
    d = scale * rng.weibull(DURATION_SHAPE, len(readiness))
    return np.maximum(np.ceil(d), 1).astype("int64")


def draw_episodes(rng: np.random.Generator, units: list[UnitSpec], n_first: np.ndarray,
                  start: np.datetime64, as_of: np.datetime64) -> Draws:
    """Draw persons, their first episodes and their re-entries (vectorised over all units)."""
    n_units = len(units)
    unit1 = np.repeat(np.arange(n_units), n_first)
    n = len(unit1)
    # persons -----------------------------------------------------------------
    abroad_p = np.array([u.born_abroad_p for u in units])[unit1]
    born_abroad = rng.random(n) < abroad_p
    age_mean = np.array([u.age_mean for u in units])[unit1]
    age = np.clip(np.rint(rng.normal(age_mean, 11.0)), 18, 64).astype("int64")
    gender = rng.choice(len(GENDERS), size=n, p=GENDER_P)
    span = int((as_of - start) / _DAY)
    enrolled1 = start + rng.integers(0, span + 1, n) * _DAY
    birth_year = enrolled1.astype("datetime64[Y]").astype("int64") + 1970 - age
    # re-entries: a second episode of the same person after a gap -------------------
    readiness1 = _readiness_draw(rng, unit1, units)
    dur1 = _durations(rng, readiness1)
    exit1 = enrolled1 + dur1 * _DAY
    has2 = (rng.random(n) < REENTRY_SHARE) & (exit1 < as_of)
    short = rng.random(n) < SHORT_GAP_SHARE
    gap = np.where(short, rng.integers(7, 90, n), 90 + np.ceil(rng.exponential(LONG_GAP_MEAN_DAYS, n))).astype("int64")
    enrolled2 = exit1 + gap * _DAY
    has2 &= enrolled2 <= as_of
    idx2 = np.flatnonzero(has2)
    move = rng.random(len(idx2)) < MOVER_SHARE
    other = (unit1[idx2] + rng.integers(1, max(n_units, 2), len(idx2))) % n_units
    unit2 = np.where(move & (n_units > 1), other, unit1[idx2])
    readiness2 = _readiness_draw(rng, unit2, units)
    # assemble episodes: first episodes, then re-entries --------------------------
    person = np.concatenate([np.arange(n), idx2])
    unit = np.concatenate([unit1, unit2])
    enrolled = np.concatenate([enrolled1, enrolled2[idx2]])
    readiness = np.concatenate([readiness1, readiness2])
    dur = np.concatenate([dur1, _durations(rng, readiness2)])
    exited = enrolled + dur * _DAY
    exited = np.where(exited <= as_of, exited, np.datetime64("NaT"))
    m = len(unit)
    referral = _referral_draw(rng, unit, units)
    prior = _prior_months(rng, readiness)
    g = gender[person]
    by = birth_year[person]
    ab = born_abroad[person]
    age_at = enrolled.astype("datetime64[Y]").astype("int64") + 1970 - by
    lp = casemix_linpred(readiness, referral, g, age_at, ab, prior)
    effect = np.array([u.effect for u in units])[unit]
    p_pos = _expit(lp + effect)
    positive = rng.random(m) < p_pos
    pos_codes = np.array([schema.EXIT_REASONS.index(r) for r in POSITIVE_REASONS])
    neg_codes = np.array([schema.EXIT_REASONS.index(r) for r in NEGATIVE_REASONS])
    pos_pick = rng.choice(len(pos_codes), size=m, p=list(POSITIVE_REASONS.values()))
    neg_pick = rng.choice(len(neg_codes), size=m, p=list(NEGATIVE_REASONS.values()))
    reason = np.where(positive, pos_codes[pos_pick], neg_codes[neg_pick])
    reason = np.where(np.isnat(exited), -1, reason)
    order = np.lexsort((enrolled, unit))
    return Draws(
        unit=unit[order], person=person[order], enrolled=enrolled[order], exited=exited[order],
        reason=reason[order], readiness=readiness[order], referral=referral[order],
        gender=g[order], birth_year=by[order], born_abroad=ab[order], prior_months=prior[order],
        linpred=lp[order], p_pos=p_pos[order],
    )
