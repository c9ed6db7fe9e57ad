"""Welfare-cost delta: monthly welfare payments before enrolment and after exit (docs/methods.md)."""

from __future__ import annotations

import warnings
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import AmebenchError
from ..results import check_by, check_conf_level, is_missing, tidy
from ._binomial import binomial_interval
from ._bootstrap import _batch, bca_difference, mean_intervals, t_intervals
from .._idcodes import id_codes
from ._deciding import DECIDING_COLUMNS, _deciding_rows, _key_codes
from ._groups import derivable, derived, sources
from ._households import linked_households
from ._ledger import NO_LEDGER, Windows, code_ahead, last_full_month, month_index, window_totals
from .meandiff import mean_difference

__all__ = ["welfare_delta"]

_PERS = ("person", "household")
_METHODS = {"bootstrap": "bca", "bca": "bca", "percentile": "percentile", "t": "t"}
_GROUP_PARTICIPANTS = "participants"
_GROUP_COMPARISON = "comparison"
_GROUP_DIFFERENCE = "difference"
_MAX_MONTHS = 120


def welfare_delta(
    cohort,
    *,
    months: int = 6,
    by: Sequence[str] = ("unit",),
    per: str = "household",
    comparison=None,
    method: str = "bootstrap",
    conf_level: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    price_index: Mapping[int, float] | None = None,
    base_year: int | None = None,
) -> pd.DataFrame:
    """Return the change in monthly welfare payments from before enrolment to after exit.

    Parameters
    ----------
    cohort
        A :class:`amebench.cohorts.Cohort`; payments are read from
        ``cohort.network.payments``.
    months
        Window length in whole calendar months (1..120).
    by
        Grouping columns of the episode that decides (``unit``, ``gender`` ...), or
        its ``exit_year``, ``enrol_year`` or ``age_band`` (as in
        :func:`outcome_rate`); ``()`` for one row. A household whose deciding
        episode is still ongoing has no ``exit_year``: such households make a row
        of their own with a missing ``exit_year``, every one ``censored``. Columns
        of your own (:meth:`amebench.Cohort.assign`) are read from the deciding
        episode too; a ``comparison`` needs them as well.
    per
        ``"household"`` (default): one value per household, from its last exit, so
        a household is never counted twice when two of its members take part
        (docs/concepts.md). Persons and households are joined whenever an episode
        links them (within its unit), so a person without a ``household_id`` is
        their own household, and a person whose episodes name a household only
        sometimes still counts once, with that household's payments (see Notes).
        ``"person"``: one value per person, from the
        person's last exit; each participating member of a household then gets the
        whole household's payments (the household counts once per member). An
        episode without a ``household_id`` takes the household its person's
        other episodes in the unit name (the latest enrolled on or before it, else
        the first after), among the network's episodes observed by ``as_of``; that
        household's rows add to all of the person's own.
    comparison
        Optional second Cohort (for example non-participants with a pseudo
        enrolment and exit date). Adds rows with ``group == "comparison"`` and
        ``group == "difference"`` (difference in differences).
    method
        Interval for the mean delta: ``"bootstrap"`` (= ``"bca"``, bias-corrected
        and accelerated bootstrap), ``"percentile"`` bootstrap, or ``"t"``
        (one-sample t; Welch t for the difference in differences).
    conf_level
        Confidence level of every interval.
    n_boot, seed
        Bootstrap resamples (100 or more; not used by ``method="t"``) and the seed of
        ``numpy.random.default_rng``. Every group is resampled from the same seed, so a
        row's interval does not depend on the other groups (nor on the threads); two
        groups of the same size draw the same resample positions, so their intervals'
        Monte Carlo errors are alike: read each interval on its own, not the gap
        between two as a test.
    price_index, base_year
        Optional mapping year -> price index; amounts are expressed in
        ``base_year`` prices (amount x index[base_year] / index[year of payment]).

    Returns
    -------
    pandas.DataFrame
        One row per group of ``by`` and ``group`` (``"participants"``, and with a
        comparison ``"comparison"`` and ``"difference"``):

        - ``estimate``: mean delta = mean(after) - mean(before) over eligible
          people, SEK per month (negative = savings); ``ci_low``, ``ci_high``
          (missing with fewer than 2 eligible, or when every delta is the same, e.g.
          nobody paid before or after: a sample without spread gives no interval).
        - ``n``: persons (households) in the group; ``eligible``: those with both
          windows fully observed; ``censored`` = ``n - eligible``.
        - ``mean_before``, ``mean_after``: mean monthly payment in the windows.
        - ``median``: median delta.
        - ``share_no_payment`` with ``share_no_payment_ci_low/high`` (Wilson):
          share of eligible with no paid month (no row with amount > 0) after exit.
        - ``total_sek``: sum over eligible people of (payments in the ``months``
          months after exit - payments in the ``months`` months before
          enrolment) = ``months x estimate x eligible``.
        - ``method``, ``conf_level``. A group none of whose units has a row in the
          ledger has ``method`` ``"no payment data for this group"`` (its people are
          all ``censored``: nothing about their payments is known).

        ``difference`` rows hold participants - comparison for ``estimate``,
        ``mean_before`` and ``mean_after``; counts are the two groups' sums and
        ``median``, ``share_no_payment*``, ``total_sek`` are missing.

    Raises
    ------
    AmebenchError
        On bad options, missing columns, or a price index that lacks a year.

    Notes
    -----
    Months are calendar months. With enrolment month :math:`e` and exit month
    :math:`x`, the before window is months :math:`e-m \\ldots e-1` and the after
    window :math:`x+1 \\ldots x+m` (:math:`m` = ``months``). Numerator: payments
    in the window (a month without a ledger row counts as 0 SEK); denominator:
    :math:`m`. Delta :math:`= \\bar a - \\bar b` per person.

    A person links to ledger rows of the episode's unit by ``person_id``; when
    the episode has a ``household_id``, to that household's rows plus the
    person's rows that carry no household; when it took its household from
    another of the person's episodes, to that household's rows plus every other
    row of the person. Per household, the joined group links,
    in the unit of its deciding episode, to the rows of each of its households
    there and to the rows without a household of each of its members with an
    episode there (every row of theirs when it has no household there), each row
    once: not only through the deciding episode's ids, which may name no
    household, or another member. A window is observed when it lies
    inside the unit's ledger coverage (first to last month with any payment row
    in that unit) and the after window ends no later than the last month complete
    by ``as_of``: the month of ``as_of`` when it is the month's last day, else the
    month before. People whose windows are not observed, whose
    deciding episode is ongoing, or who exit after ``as_of`` are ``censored``:
    excluded, never counted as zero. Several rows in one month add up; amounts
    are not clipped. Coverage is read from the rows, not declared: a month inside it
    with no row at all for the unit (a month left out of the export) counts as 0 SEK
    for everyone, and since the readers load only participants' payments, a small
    unit's coverage may start late or end early.

    The windows belong to the deciding episode alone: a person's other episodes are
    not looked at. A person who re-enrols within ``months`` of the exit has an after
    window that lies (partly) in the new episode; in a cohort holding both exits the
    later one decides and its before window may lie in the earlier episode.

    Window sums take one vectorised pass over the ledger in blocks (each row is
    paired with its episodes through integer id codes and summed with
    ``numpy.add.at``; see :func:`amebench.metrics._ledger.window_totals`): no
    per-person loop and no payments x episodes merge.

    The bootstrap distribution is :func:`scipy.stats.bootstrap`'s (percentile
    method, ``rng=numpy.random.default_rng(seed)``, on the sorted deltas, so row
    order does not matter); the BCa correction is computed from it with the
    jackknife of the mean in closed form, equal to scipy's BCa interval
    (``metrics._bootstrap``); the difference in differences resamples both groups
    independently. ``"t"`` uses :func:`scipy.stats.ttest_1samp` and, for the
    difference, :func:`amebench.metrics.mean_difference` (Welch).

    References
    ----------
    Efron, B. (1987). Better bootstrap confidence intervals. JASA 82, 171–185.
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22, 209–212.

    Examples
    --------
    >>> import amebench
    >>> from amebench.metrics import welfare_delta
    >>> table = welfare_delta(amebench.cohort(amebench.load_sample(), exited=2025), months=6)
    >>> row = table.loc[table["unit"] == "nynashamn"].iloc[0]
    >>> round(float(row["estimate"]), 2), int(row["eligible"])
    (-2342.87, 87)
    """
    kind = _check_options(months, per, method, conf_level, n_boot, seed)
    by = _check_by(cohort, by)
    groups = [(_GROUP_PARTICIPANTS, cohort)]
    if comparison is not None:
        _check_by(comparison, by)
        groups.append((_GROUP_COMPARISON, comparison))
    values = {
        name: _deltas(c, months=months, by=by, per=per, price_index=price_index,
                      base_year=base_year)
        for name, c in groups
    }
    rows = []
    for name, frame in values.items():
        rows += _summaries(frame, by, name, kind, conf_level, n_boot, seed, months)
    if comparison is not None:
        rows += _differences(values, by, kind, conf_level, n_boot, seed)
    out = pd.DataFrame(rows, columns=list(by) + ["group"] + _COLUMNS)
    for column in by:  # the rows were built from Python values: the columns' own dtype back
        out[column] = _as_dtype(out[column], [frame[column] for frame in values.values()])
    for column in ("n", "eligible", "censored"):
        out[column] = out[column].astype("int64")
    return tidy(out, by)


def _as_dtype(column: pd.Series, sources: list[pd.Series]) -> pd.Series:
    """``column`` in the dtype the ``sources`` (participants', comparison's) have together;
    as it is when that cannot hold its values (a missing value beside integers or booleans:
    then pandas' own choice, float or object)."""
    dtype = pd.concat([source.iloc[:0] for source in sources]).dtype
    try:
        return column.astype(dtype)
    except (TypeError, ValueError):
        return column


_COLUMNS = [
    "estimate", "ci_low", "ci_high", "n", "eligible", "censored", "mean_before", "mean_after",
    "median", "share_no_payment", "share_no_payment_ci_low", "share_no_payment_ci_high",
    "total_sek", "method", "conf_level",
]


# -- validation -----------------------------------------------------------------


def _check_options(months, per, method, conf_level, n_boot, seed) -> str:
    whole = isinstance(months, (int, np.integer)) and not isinstance(months, bool)
    if not whole or not 1 <= months <= _MAX_MONTHS:
        raise AmebenchError(
            f"months must be a whole number of months in 1..{_MAX_MONTHS}, got {months!r}"
        )
    if per not in _PERS:
        raise AmebenchError(f"per must be one of {list(_PERS)}, got {per!r}")
    if method not in _METHODS:
        raise AmebenchError(f"method must be one of {list(_METHODS)}, got {method!r}")
    check_conf_level(conf_level)
    if _METHODS[method] != "t" and (not isinstance(n_boot, (int, np.integer)) or n_boot < 100):
        raise AmebenchError(f"n_boot must be a whole number >= 100, got {n_boot!r}")
    if not isinstance(seed, (int, np.integer)):
        raise AmebenchError(f"seed must be an integer, got {seed!r}")
    return _METHODS[method]


def _check_by(cohort, by) -> tuple[str, ...]:
    if not all(hasattr(cohort, a) for a in ("network", "episodes", "as_of")):
        raise AmebenchError("welfare_delta needs a Cohort: build one with amebench.cohort(network)")
    return check_by(by, cohort.episodes.columns, derived=derivable(cohort.episodes.columns), reserved=("group",))


# -- per-person values ------------------------------------------------------------


def _deltas(cohort, *, months, by, per, price_index, base_year) -> pd.DataFrame:
    episodes = cohort.episodes
    missing = [c for c in DECIDING_COLUMNS if c not in episodes]
    if missing:
        raise AmebenchError(f"cohort episodes lack column(s) {missing}")
    as_of = pd.Timestamp(cohort.as_of)
    episodes, taken = linked_households(episodes, cohort.network.episodes, as_of)
    ahead = code_ahead(cohort.network.payments, episodes)  # while the deciding episodes are found
    key = _key_codes(episodes, per)
    rows, exited = _deciding_rows(episodes, as_of, per, key=key)
    if ahead is not None:
        ahead.result()
    out = episodes.loc[:, [c for c in by if c in episodes]].take(rows).reset_index(drop=True)
    exited_on = episodes["exited_on"].take(rows)
    out = out.assign(**derived(episodes.loc[:, sorted(sources(by))].take(rows), by))
    enrol = month_index(episodes["enrolled_on"].take(rows))
    exit_ = month_index(exited_on)
    as_of_month = month_index(pd.Series([as_of]))[0]
    last_full = last_full_month(as_of)
    b_first, b_last = enrol - months, enrol - 1
    a_first, a_last = exit_ + 1, exit_ + months
    bounds = [(b_first, b_last), (a_first, a_last)]
    options = dict(price_index=price_index, base_year=base_year, observed_to=as_of_month)
    if per == "household":
        sums = _household_totals(cohort.network.payments, episodes, key, rows, bounds, options)
    else:
        sums = window_totals(cohort.network.payments, episodes, rows=rows, bounds=bounds, taken=taken, **options)
    eligible = (
        exited
        & (b_first >= sums.coverage_first)
        & (a_last <= np.minimum(sums.coverage_last, last_full))
    )
    before, after = sums.amount
    paid_after = sums.paid[1]
    out = out.loc[:, list(by)]
    out["_eligible"] = eligible
    out["_before"] = np.where(eligible, before / months, np.nan)
    out["_after"] = np.where(eligible, after / months, np.nan)
    out["_delta"] = out["_after"] - out["_before"]
    out["_no_payment"] = np.where(eligible, paid_after == 0, False)
    out["_ledger"] = sums.has_ledger
    return out


def _household_totals(payments, episodes, key, rows, bounds, options) -> Windows:
    """Window sums of each household key (the deciding episodes ``rows``) over its whole ledger.

    A key joins persons and households (:func:`._deciding._key_codes`); in the unit of
    its deciding episode it takes the rows of each of its households there and of each
    of its persons with an episode there, the person's rows that carry no household
    (every row of the person when the key has no household there): each ledger row at
    most once. The deciding episode alone would miss the household an earlier episode
    names, or another member's own rows. One part per household and per person is
    summed by :func:`window_totals`; a key's parts are added smallest first, so the
    totals do not depend on the order of the episodes.
    """
    n_keys = len(rows)
    owner = np.full(int(key.max(initial=-1)) + 1, -1, dtype=np.int64)
    owner[key[rows]] = np.arange(n_keys)
    owner = owner[key]  # each episode's deciding row, as an index into rows
    unit = id_codes(episodes["unit"]).codes  # as the ids below: hashed once per column and reused
    there = unit == unit[rows][owner]  # episodes in the unit of their key's deciding episode
    household = id_codes(episodes["household_id"]).codes.astype(np.int64)
    housed = there & (household >= 0)
    person = id_codes(episodes["person_id"]).codes.astype(np.int64)

    def first_of_each(mask, codes):  # the first episode of each distinct (key, code)
        at = np.flatnonzero(mask)
        pair = owner[at] * (int(codes.max(initial=0)) + 2) + codes[at] + 1
        return at[np.unique(pair, return_index=True)[1]]

    homes, members = first_of_each(housed, household), first_of_each(there, person)
    has_home = np.bincount(owner[homes], minlength=n_keys) > 0
    parts = np.concatenate([homes, members])
    part_owner = owner[parts]
    sums = window_totals(
        payments, episodes, rows=parts, bounds=[(first[part_owner], last[part_owner]) for first, last in bounds],
        person_rows=np.concatenate([np.zeros(len(homes), dtype=np.int8),
                                    np.where(has_home[owner[members]], 1, 2).astype(np.int8)]),
        household_rows=np.arange(len(parts)) < len(homes), **options)

    many = np.flatnonzero(np.bincount(part_owner, minlength=n_keys)[part_owner] > 2)
    few = np.setdiff1d(np.arange(len(parts)), many, assume_unique=True)

    def per_key(values):  # two addends give one sum in either order; three or more are sorted
        total = np.bincount(part_owner[few], weights=values[few], minlength=n_keys).astype(np.float64, copy=False)
        if len(many):
            order = many[np.lexsort((values[many], part_owner[many]))]
            total += np.bincount(part_owner[order], weights=values[order], minlength=n_keys)
        return total.astype(values.dtype)

    coverage_first = np.empty(n_keys, dtype=sums.coverage_first.dtype)
    coverage_last = np.empty(n_keys, dtype=sums.coverage_last.dtype)
    coverage_first[part_owner] = sums.coverage_first  # one unit per key
    coverage_last[part_owner] = sums.coverage_last
    return Windows(coverage_first, coverage_last, [per_key(a) for a in sums.amount], [per_key(p) for p in sums.paid])


# -- summaries --------------------------------------------------------------------


def _method_label(kind: str, n_boot: int, seed: int, prefix: str = "") -> str:
    if kind == "t":
        return prefix + ("welch-t" if prefix else "t")
    return f"{prefix}bootstrap-{kind} (n_boot={n_boot}, seed={seed})"


def _group_rows(frame: pd.DataFrame, by) -> list[tuple[tuple, np.ndarray]]:
    """(key, positions) per group of ``by``, keys sorted as groupby sorts them, positions
    in row order; one pass instead of a sub-frame per group."""
    if not by:
        return [((), np.arange(len(frame)))]
    grouper = frame.groupby(list(by), observed=True, dropna=False, sort=True)
    number = grouper.ngroup().to_numpy()
    keys = grouper.size().index
    order = np.argsort(number, kind="stable")
    ends = np.cumsum(np.bincount(number, minlength=len(keys)))
    out = []
    for i, key in enumerate(keys):
        out.append((key if len(by) > 1 else (key,), order[(ends[i - 1] if i else 0):ends[i]]))
    return out


def _summaries(frame, by, name, kind, conf_level, n_boot, seed, months) -> list[dict]:
    rows = []
    eligible = frame["_eligible"].to_numpy(dtype=bool)
    delta = frame["_delta"].to_numpy(dtype=np.float64)
    before = frame["_before"].to_numpy(dtype=np.float64)
    after = frame["_after"].to_numpy(dtype=np.float64)
    no_payment = frame["_no_payment"].to_numpy(dtype=bool)
    ledger = frame["_ledger"].to_numpy(dtype=bool)
    # the intervals of every group come from one call each below
    variances, nones, samples = [], [], []
    for key, at in _group_rows(frame, by):
        ok = at[eligible[at]]
        deltas = delta[ok]
        m = len(deltas)
        spread = m >= 2 and np.ptp(deltas) > 0  # no spread: no interval (see _mean_ci)
        if kind == "t":
            variances.append(deltas.var(ddof=1) if spread else np.nan)
        else:
            samples.append(deltas)
        none_after = int(no_payment[ok].sum())
        nones.append(none_after)
        rows.append({
            **dict(zip(by, key)),
            "group": name,
            "estimate": float(deltas.mean()) if m else np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "n": len(at),
            "eligible": m,
            "censored": len(at) - m,
            "mean_before": float(before[ok].mean()) if m else np.nan,
            "mean_after": float(after[ok].mean()) if m else np.nan,
            "median": float(np.median(deltas)) if m else np.nan,
            "share_no_payment": none_after / m if m else np.nan,
            "share_no_payment_ci_low": np.nan,
            "share_no_payment_ci_high": np.nan,
            "total_sek": float(deltas.sum() * months) if m else np.nan,
            "method": _method_label(kind, n_boot, seed) if ledger[at].any() else NO_LEDGER,
            "conf_level": float(conf_level),
        })
    eligible_n = np.array([row["eligible"] for row in rows], dtype=np.int64)
    if kind == "t":
        means = np.array([row["estimate"] for row in rows], dtype=np.float64)
        lows, highs = t_intervals(means, variances, eligible_n, conf_level)
        for row, low, high in zip(rows, lows, highs):
            row["ci_low"], row["ci_high"] = float(low), float(high)
    else:
        for row, (low, high) in zip(rows, mean_intervals(samples, kind, conf_level, n_boot, seed)):
            row["ci_low"], row["ci_high"] = low, high
    has = np.flatnonzero(eligible_n > 0)
    if len(has):
        lows, highs = binomial_interval(np.asarray(nones)[has], eligible_n[has], conf_level)
        for i, low, high in zip(has, lows, highs):
            rows[i]["share_no_payment_ci_low"], rows[i]["share_no_payment_ci_high"] = float(low), float(high)
    return rows


def _diff_ci(a, b, kind, conf_level, n_boot, seed) -> tuple[float, float]:
    if len(a) < 2 or len(b) < 2:
        return np.nan, np.nan
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return np.nan, np.nan  # no spread in either group: no interval (see _mean_ci)
    if kind == "t":
        row = mean_difference(a, b, conf_level=conf_level).iloc[0]
        return float(row["ci_low"]), float(row["ci_high"])

    def diff(x, y, axis=-1):
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)

    a, b = np.sort(a), np.sort(b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # the percentile draws, in batches of ~2^18 values; BCa adds its corrections in O(n)
        res = stats.bootstrap(
            (a, b), diff, n_resamples=n_boot, confidence_level=conf_level, method="percentile",
            vectorized=True, rng=np.random.default_rng(seed), batch=_batch(len(a) + len(b)),
        )
        if kind == "bca":
            return bca_difference(a, b, res.bootstrap_distribution, conf_level)
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _matchable(key: tuple) -> tuple:
    """``key`` with every missing value (NaN, None, NA, NaT) as one marker, so keys compare equal."""
    return tuple(_MISSING if is_missing(v) else v for v in key)


_MISSING = object()


def _differences(values, by, kind, conf_level, n_boot, seed) -> list[dict]:
    participants, comparison = values[_GROUP_PARTICIPANTS], values[_GROUP_COMPARISON]
    treated = _group_rows(participants, by)
    # matched with missing values alike: a float NaN key is not equal to another (review)
    control = {_matchable(key): at for key, at in _group_rows(comparison, by)}
    rows = []
    for key, at in treated:
        matched = control.get(_matchable(key))
        if matched is None:
            continue
        t, c = participants.take(at), comparison.take(matched)
        t_ok, c_ok = t[t["_eligible"]], c[c["_eligible"]]
        a = t_ok["_delta"].to_numpy(dtype=np.float64)
        b = c_ok["_delta"].to_numpy(dtype=np.float64)
        both = len(a) > 0 and len(b) > 0
        low, high = _diff_ci(a, b, kind, conf_level, n_boot, seed)
        rows.append({
            **dict(zip(by, key)),
            "group": _GROUP_DIFFERENCE,
            "estimate": float(a.mean() - b.mean()) if both else np.nan,
            "ci_low": low,
            "ci_high": high,
            "n": len(t) + len(c),
            "eligible": len(a) + len(b),
            "censored": len(t) + len(c) - len(a) - len(b),
            "mean_before": (float(t_ok["_before"].mean() - c_ok["_before"].mean())
                            if both else np.nan),
            "mean_after": float(t_ok["_after"].mean() - c_ok["_after"].mean()) if both else np.nan,
            "median": np.nan,
            "share_no_payment": np.nan,
            "share_no_payment_ci_low": np.nan,
            "share_no_payment_ci_high": np.nan,
            "total_sek": np.nan,
            "method": (_method_label(kind, n_boot, seed, prefix="did-")
                       if t["_ledger"].any() and c["_ledger"].any() else NO_LEDGER),
            "conf_level": float(conf_level),
        })
    return rows
