"""Seeded synthetic networks with known true parameters.

Data-generating process (all parameters are in ``truth["coefficients"]`` and
``truth["units"]``; see :mod:`amebench.synth._params`):

1. Persons per unit with case-mix: age ~ N(unit mean, 11) clipped to 18-64 (birth
   year = enrolment year - age), gender, born abroad (unit share), readiness
   near/uncertain/far (unit shares), referral (unit shares), months on welfare in the
   12 months before enrolment ~ Binomial(12, 0.45/0.6/0.75 by readiness).
2. Enrolment uniform on [start, as_of]; time to exit Weibull(shape 1.3, scale 180/300/450
   days by readiness); exits after ``as_of`` are ongoing (censored).
3. At exit, work_or_studies ~ Bernoulli(expit(x'beta + u_unit)) with x the case-mix
   (age band, gender, born abroad, readiness, referral, prior months) and u_unit the
   TRUE UNIT EFFECT; then the exit reason is drawn with fixed shares within the positive
   (work, work_subsidised, self_employed, studies) or negative group.
4. 18 % of persons re-enter after a gap (30 % within 7-89 days, else 90 + Exp(250)),
   15 % of them in another unit of the network (non-overlapping episodes).
5. Activities: an assessment at enrolment, then 0-2 activities that suit the readiness.
6. Follow-up survey in survey units about 90 days (83-111) after exit: a work exit is
   retained with probability expit(logit by type + unit retention effect - 0.4 if far),
   studies 0.85; response probability 0.80 if retained in a positive group, else 0.62.
7. Welfare ledger (only full months up to ``as_of``): paid in the last ``prior``
   months before the enrolment month at amount A ~ lognormal(log 9000, 0.35) (x U(0.9,1.1)
   per month), during the episode with probability 0.85, and for up to 12 months after
   the exit month with probability q and factor f by outcome (retained work 0.08/0.5,
   lost work 0.7/1, studies 0.3/0.8, other exits 0.8/1). Household units key the ledger
   by household_id (= the applicant's pseudonym); a second household member's episode
   adds no payments. A (key, month) paid by two episodes of one person keeps the first.

``truth["definitions"]`` defines every per-unit number precisely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema
from . import _params as P
from ._dgp import GENDERS, READY, REFS, draw_episodes
from ._identity import capacity, identity_numbers
from ._tables import draw_activities, draw_followups, draw_payments, retention_probability
from ._truth import make_truth

__all__ = ["SyntheticNetwork", "simulate_network", "write_sample", "DEMO_KEY"]

#: The documented demo key of the bundled sample (synthetic data only; never use it for real data).
DEMO_KEY = "amebench-demo-key-for-synthetic-data-only"
HOUSEHOLD_PAIR_SHARE = 0.01


@dataclass
class SyntheticNetwork:
    """Canonical tables of a simulated network, its true parameters and raw identity numbers.

    Attributes
    ----------
    units, episodes, activities, followups, payments
        Canonical tables (amebench.schema dtypes); ``person_id`` is a pseudonym.
    as_of
        Extraction date.
    truth
        True parameters and per-unit true values (JSON-serialisable).
    identities
        ``person_id`` -> ``personnummer`` (12 digits, test range), or None when the
        network has more persons than the test range holds. Left out of the repr: an
        identity number never appears in any output, a notebook's included.
    status_true
        Follow-ups' status before non-response (aligned with ``followups``).
    episode_truth
        Hidden per-episode values, aligned with ``episodes``: ``unit``, ``episode_id``,
        ``prior_welfare_months`` (case-mix covariate), ``p_work_or_studies`` (true
        probability at exit), ``p_retained_90`` (true retention probability, work and
        studies exits), ``payer`` (whether the episode adds ledger rows).
    """

    units: pd.DataFrame
    episodes: pd.DataFrame
    activities: pd.DataFrame
    followups: pd.DataFrame
    payments: pd.DataFrame
    as_of: pd.Timestamp
    truth: dict
    identities: pd.DataFrame | None = field(repr=False)
    status_true: pd.Series = field(repr=False, default=None)
    episode_truth: pd.DataFrame = field(repr=False, default=None)

    def __repr__(self) -> str:  # the dataclass's repr printed every table in full
        rows = ", ".join(f"{len(getattr(self, t)):,} {t}" for t in ("units", "episodes", "activities", "followups",
                                                                      "payments"))
        return f"<SyntheticNetwork: {rows}; as_of {self.as_of.date()}; the true values in .truth>"

    def to_network(self):
        """Return an :class:`amebench.Network` built with ``Network.from_frames``."""
        from ..network import Network

        return Network.from_frames(episodes=self.episodes, units=self.units,
                                   activities=self.activities, followups=self.followups,
                                   payments=self.payments, as_of=self.as_of, name="synthetic")


def _units(n_units, episodes_per_unit, rng) -> list[P.UnitSpec]:
    units = P.knut_units()[: min(n_units, 5)]
    if n_units > 5:
        units += P.generic_units(rng, n_units - 5, 1000, first=6)
    if episodes_per_unit is not None:
        if np.isscalar(episodes_per_unit):
            sizes = [int(episodes_per_unit)] * n_units
        elif isinstance(episodes_per_unit, dict):
            sizes = [int(episodes_per_unit.get(u.unit, u.episodes)) for u in units]
        else:
            sizes = [int(s) for s in episodes_per_unit]
        units = [P.UnitSpec(**{**u.as_dict(), "episodes": s}) for u, s in zip(units, sizes)]
    return units


def _pseudonyms(values: np.ndarray, key: str) -> np.ndarray:
    from ..privacy import pseudonymise

    return pseudonymise(pd.Series(values), key).to_numpy(dtype=object)


def simulate_network(*, n_units: int = 5, episodes_per_unit=None, start="2023-07-01",
                     as_of="2026-09-30", seed: int = 0, key: str = DEMO_KEY) -> SyntheticNetwork:
    """Simulate a network of units with known true unit effects (see the module docstring).

    Parameters
    ----------
    n_units
        Number of units: the first five are the KNUT units, further ones are generic.
    episodes_per_unit
        Approximate episodes per unit: an int, a sequence, a ``{unit: n}`` dict, or None
        (KNUT sizes; 1,000 for generic units).
    start, as_of
        First enrolment date and extraction date.
    seed
        Seed of the numpy Generator: the same seed gives identical tables.
    key
        Pseudonymisation key: ``person_id`` = keyed hash of the identity number, as the
        readers compute it (default: the sample's demo key).

    Returns
    -------
    SyntheticNetwork
    """
    if n_units < 1:
        raise ValueError("n_units must be at least 1")
    rng = np.random.default_rng(seed)
    start_d, as_of_d = np.datetime64(str(pd.Timestamp(start).date())), np.datetime64(str(pd.Timestamp(as_of).date()))
    units = _units(n_units, episodes_per_unit, rng)
    n_first = np.array([max(1, round(u.episodes / (1 + 0.6 * 0.18))) for u in units])
    d = draw_episodes(rng, units, n_first, start_d, as_of_d)
    n_persons = int(d.person.max()) + 1
    # persons' attributes (first occurrence) -> identity numbers
    first = np.unique(d.person, return_index=True)[1]
    per = np.empty(n_persons, dtype="int64"); per[d.person[first]] = first
    by, gen, ab = d.birth_year[per], d.gender[per], d.born_abroad[per]
    years = int(by.max() - by.min() + 1)
    if n_persons <= capacity(years) // 8:
        pnr = identity_numbers(rng, by, gen == GENDERS.index("man"), ab)
        pid = _pseudonyms(pnr, key)
        identities = pd.DataFrame({"person_id": pd.array(pid, dtype=schema.STRING),
                                   "personnummer": pd.array(pnr, dtype=schema.STRING)})
    else:
        raw = rng.integers(0, 2**63 - 1, n_persons, dtype=np.int64)
        pid = np.char.add("p_", np.char.zfill(np.char.mod("%x", raw), 20)).astype(object)
        identities = None
    # households: in household units, household = the applicant; a few pairs share one
    hh_unit = np.array([u.household_ledger for u in units])
    household = np.where(hh_unit[d.unit], d.person, -1)
    firsts = np.flatnonzero(hh_unit[d.unit] & np.isin(np.arange(len(d.unit)), first))
    n_pairs = int(len(firsts) * HOUSEHOLD_PAIR_SHARE)
    secondary = np.zeros(len(d.unit), dtype=bool)
    if n_pairs:
        pick = rng.choice(firsts, size=2 * n_pairs, replace=False)
        a, b = pick[:n_pairs], pick[n_pairs:]
        same = d.unit[b] == d.unit[a]  # a household lives in one unit
        a, b = a[same], b[same]
        for src, dst in ((a, b),):
            member = np.isin(d.person, d.person[dst]) & hh_unit[d.unit]
            mapping = pd.Series(d.person[src], index=d.person[dst])
            household[member] = mapping.loc[d.person[member]].to_numpy()
            secondary |= member
    in_pair = np.isin(household, household[secondary]) & (household >= 0)
    d.extra["own_key"] = ~in_pair
    retention_effect = np.array([u.retention_effect for u in units])
    p_retain = retention_probability(d, retention_effect)
    survey = np.array([u.survey for u in units])
    fu, retained = draw_followups(rng, d, p_retain, survey, as_of_d)
    acts = draw_activities(rng, d, as_of_d)
    amount = np.exp(rng.normal(P.AMOUNT_LOG_MEAN, P.AMOUNT_LOG_SD, len(d.unit)))
    pay = draw_payments(rng, d, amount, ~secondary, p_retain, retained, as_of_d)
    # canonical tables ------------------------------------------------------------
    unit_ids = np.array([u.unit for u in units], dtype=object)
    prefix = np.array([u.unit[:3].upper() for u in units], dtype=object)
    seq = np.arange(len(d.unit)) - np.searchsorted(d.unit, d.unit)
    ep_id = pd.Series(prefix[d.unit]) + "-" + pd.Series(seq + 1).astype(str).str.zfill(6)
    hh_id = np.where(household >= 0, pid[np.maximum(household, 0)], None)
    episodes = schema.coerce_table(pd.DataFrame({
        "unit": unit_ids[d.unit], "episode_id": ep_id.to_numpy(), "person_id": pid[d.person],
        "enrolled_on": d.enrolled, "exited_on": d.exited,
        "exit_reason": np.where(d.reason >= 0, np.array(schema.EXIT_REASONS)[np.maximum(d.reason, 0)], None),
        "referral": np.array(REFS)[d.referral], "readiness": np.array(READY)[d.readiness],
        "gender": np.array(GENDERS)[d.gender], "birth_year": d.birth_year,
        "born_abroad": d.born_abroad, "household_id": hh_id}), schema.EPISODES)
    activities = schema.coerce_table(pd.DataFrame({
        "unit": unit_ids[d.unit[acts["ep"]]], "episode_id": ep_id.to_numpy()[acts["ep"]],
        "activity": acts["activity"], "started_on": acts["started_on"], "ended_on": acts["ended_on"]}),
        schema.ACTIVITIES_TABLE)
    fe = fu["ep"].to_numpy()
    status = np.where(fu["responded"], fu["status_true"], "unknown")
    followups = schema.coerce_table(pd.DataFrame({
        "unit": unit_ids[d.unit[fe]], "episode_id": ep_id.to_numpy()[fe],
        "measured_on": fu["measured_on"],
        "days_after_exit": ((fu["measured_on"].to_numpy() - d.exited[fe]) / np.timedelta64(1, "D")).astype("int64"),
        "status": status, "source": "survey", "responded": fu["responded"]}), schema.FOLLOWUPS)
    pe = pay["ep"].to_numpy()
    keyidx = np.where(household[pe] >= 0, household[pe], d.person[pe])
    dedup = pd.DataFrame({"u": d.unit[pe], "k": keyidx, "m": pay["month"].to_numpy()}).duplicated().to_numpy()
    pe, hh = pe[~dedup], household[pe[~dedup]] >= 0
    payments = schema.coerce_table(pd.DataFrame({
        "unit": unit_ids[d.unit[pe]],
        "person_id": np.where(hh, None, pid[d.person[pe]]),
        "household_id": np.where(hh, pid[np.maximum(household[pe], 0)], None),
        "month": pay["month"].to_numpy()[~dedup].astype("datetime64[M]"),
        "amount_sek": pay["amount_sek"].to_numpy()[~dedup]}), schema.PAYMENTS)
    unit_table = schema.coerce_table(pd.DataFrame({
        "unit": unit_ids, "name": [u.name for u in units],
        "municipality_code": [u.municipality_code for u in units],
        "annual_cost_sek": [u.annual_cost_sek for u in units],
        "population": [u.population for u in units]}), schema.UNITS)
    truth = make_truth(d, units, p_retain, amount, ~secondary, seed=seed, start=start_d, as_of=as_of_d)
    return SyntheticNetwork(unit_table, episodes, activities, followups, payments,
                            pd.Timestamp(as_of_d), truth, identities,
                            pd.Series(fu["status_true"].to_numpy(), name="status_true"),
                            pd.DataFrame({"unit": episodes["unit"], "episode_id": episodes["episode_id"],
                                          "prior_welfare_months": d.prior_months, "p_work_or_studies": d.p_pos,
                                          "p_retained_90": p_retain, "payer": ~secondary}))


def write_sample(folder, *, seed: int = 20260930):
    """Write the KNUT sample network (exports in five dialects, profiles, manifest, truth)."""
    from ._sample import write_sample as _write

    return _write(folder, seed=seed)
