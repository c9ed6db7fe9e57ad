"""True parameters of the synthetic data-generating process (written to truth.json)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["UnitSpec", "knut_units", "generic_units", "coefficients"]

# Log-odds of work_or_studies at exit (logistic model, reference: near, social_services,
# man, born in Sweden, age 25-34, 0 prior months on welfare).
INTERCEPT = 0.4
READINESS_EFFECT = {"near": 0.0, "uncertain": -0.6, "far": -1.4}
REFERRAL_EFFECT = {"social_services": 0.0, "employment_service": 0.25, "social_insurance": -0.4,
                   "self": 0.3, "other": 0.0}
GENDER_EFFECT = {"woman": -0.1, "man": 0.0, "other": 0.0, "unknown": 0.0}
BORN_ABROAD_EFFECT = -0.3
PRIOR_MONTH_EFFECT = -0.05
AGE_BAND_EFFECT = {"16-24": 0.2, "25-34": 0.0, "35-44": -0.1, "45-54": -0.35, "55-64": -0.8, "65+": -0.8}
#: Exit reason given work_or_studies / given not (fixed shares).
POSITIVE_REASONS = {"work": 0.42, "work_subsidised": 0.25, "self_employed": 0.03, "studies": 0.30}
NEGATIVE_REASONS = {"work_programme": 0.12, "care": 0.08, "other_agency": 0.12, "moved": 0.06,
                    "leave": 0.08, "returned_to_welfare": 0.22, "dropped_out": 0.22, "other": 0.10}
#: Weibull time to exit (days) by readiness.
DURATION_SHAPE = 1.3
DURATION_SCALE_DAYS = {"near": 180.0, "uncertain": 300.0, "far": 450.0}
#: 90-day retention among work exits: log-odds by exit type, far readiness shift.
RETENTION_LOGIT = {"work": 1.4, "work_subsidised": 1.8, "self_employed": 1.0}
RETENTION_FAR_EFFECT = -0.4
#: Follow-up survey response probability by status at 90 days (outcome-dependent).
RESPONSE_P_RETAINED = 0.80
RESPONSE_P_OTHER = 0.62
#: Welfare ledger: months paid after exit and amount factor.
AFTER_PAY_P = {"retained_work": 0.08, "lost_work": 0.7, "studies": 0.3, "negative": 0.8}
AFTER_AMOUNT_F = {"retained_work": 0.5, "lost_work": 1.0, "studies": 0.8, "negative": 1.0}
DURING_PAY_P = 0.85
AMOUNT_LOG_MEAN = float(np.log(9000.0))
AMOUNT_LOG_SD = 0.35


@dataclass(frozen=True)
class UnitSpec:
    """One unit of a synthetic network and its true parameters."""

    unit: str
    name: str
    municipality_code: str
    episodes: int
    effect: float                 # true unit effect, log-odds of work_or_studies
    retention_effect: float       # true unit shift, log-odds of 90-day retention
    born_abroad_p: float
    age_mean: float
    readiness_p: tuple            # near, uncertain, far
    referral_p: tuple             # social_services, employment_service, social_insurance, self, other
    survey: bool
    household_ledger: bool
    annual_cost_sek: float
    population: int

    def as_dict(self) -> dict:
        return asdict(self)


def knut_units() -> list[UnitSpec]:
    """The five KNUT units: Södertälje hardest case-mix and best effect, Solna the easiest."""
    return [
        UnitSpec("jarfalla", "Järfälla", "0123", 900, 0.10, 0.0, 0.40, 38.0, (0.35, 0.40, 0.25),
                 (0.6, 0.2, 0.05, 0.1, 0.05), True, False, 14_500_000, 84_000),
        UnitSpec("solna", "Solna", "0184", 700, -0.25, 0.2, 0.25, 34.0, (0.60, 0.30, 0.10),
                 (0.5, 0.3, 0.05, 0.1, 0.05), True, False, 11_000_000, 86_000),
        UnitSpec("sundbyberg", "Sundbyberg", "0183", 600, 0.25, -0.1, 0.60, 39.0, (0.20, 0.35, 0.45),
                 (0.7, 0.15, 0.05, 0.05, 0.05), False, False, 9_000_000, 55_000),
        UnitSpec("nynashamn", "Nynäshamn", "0192", 300, -0.20, 0.0, 0.20, 41.0, (0.40, 0.40, 0.20),
                 (0.6, 0.2, 0.1, 0.05, 0.05), False, False, 5_000_000, 29_000),
        UnitSpec("sodertalje", "Södertälje", "0181", 1400, 0.55, 0.1, 0.70, 40.0, (0.15, 0.30, 0.55),
                 (0.75, 0.1, 0.05, 0.05, 0.05), True, True, 24_000_000, 100_000),
    ]


def generic_units(rng: np.random.Generator, n: int, episodes: int, first: int = 1) -> list[UnitSpec]:
    """Units u0001 ... with random case-mix; effects favour hard case-mix (ranks then differ)."""
    out = []
    for i in range(n):
        far = rng.uniform(0.1, 0.55)
        near = rng.uniform(0.15, 0.9 - far)
        hard = far + rng.uniform(0, 0.4)
        effect = float(np.round(0.8 * (hard - 0.45) + rng.normal(0, 0.25), 3))
        ss = rng.uniform(0.45, 0.75)
        rest = (1 - ss) * rng.dirichlet([4, 1, 2, 1])
        code = f"{(i + first) % 10000:04d}"
        out.append(UnitSpec(
            f"u{i + first:04d}", f"Unit {i + first}", code, int(episodes), effect,
            float(np.round(rng.normal(0, 0.2), 3)), float(np.round(min(0.85, hard), 3)),
            float(np.round(rng.uniform(33, 43), 1)),
            (near, 1 - near - far, far), (ss, *rest), bool(rng.random() < 0.6),
            bool(i % 5 == 4), float(np.round(rng.uniform(3e6, 4e7), -5)),
            int(rng.integers(10_000, 200_000))))
    return out


def coefficients() -> dict:
    """Return every global coefficient of the process (for truth.json)."""
    return {
        "work_or_studies_logit": {
            "intercept": INTERCEPT, "readiness": READINESS_EFFECT, "referral": REFERRAL_EFFECT,
            "gender": GENDER_EFFECT, "born_abroad": BORN_ABROAD_EFFECT,
            "prior_welfare_months": PRIOR_MONTH_EFFECT, "age_band": AGE_BAND_EFFECT,
        },
        "positive_reason_shares": POSITIVE_REASONS,
        "negative_reason_shares": NEGATIVE_REASONS,
        "duration_weibull": {"shape": DURATION_SHAPE, "scale_days": DURATION_SCALE_DAYS},
        "retention_logit": {"exit_type": RETENTION_LOGIT, "far_readiness": RETENTION_FAR_EFFECT},
        "survey_response_p": {"retained": RESPONSE_P_RETAINED, "other": RESPONSE_P_OTHER},
        "welfare": {"after_pay_p": AFTER_PAY_P, "after_amount_factor": AFTER_AMOUNT_F,
                    "during_pay_p": DURING_PAY_P, "amount_lognormal": {
                        "meanlog": AMOUNT_LOG_MEAN, "sdlog": AMOUNT_LOG_SD}},
    }
