"""Tests of amebench.metrics._ledger: window sums over the welfare ledger.

The block-wise pass (ids as cached integer codes, pairs looked up per block, sums with
numpy.add.at) replaced the per-rank passes of commit b5cd348. Reference: that
implementation, kept verbatim in tests/reference/ledger_b5cd348.py. Both add each
episode's person rows in ledger order, then its household rows, so the sums agree bit
for bit (np.array_equal, no tolerance).
"""

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import ledger_b5cd348 as reference

import amebench
from amebench import schema
from amebench.exceptions import AmebenchError
from amebench.metrics import _ledger


def _windows(module, payments, episodes, *, months=6, rows=None, **options):
    selected = episodes if rows is None else episodes.take(rows)
    enrol = module.month_index(selected["enrolled_on"])
    exit_ = module.month_index(selected["exited_on"])
    bounds = [(enrol - 12, enrol - 1), (enrol - months, enrol - 1), (exit_ + 1, exit_ + months)]
    if module is reference:
        return module.window_totals(payments, unit=selected["unit"], person_id=selected["person_id"],
                                    household_id=selected["household_id"], bounds=bounds, **options)
    return module.window_totals(payments, episodes, rows=rows, bounds=bounds, **options)


def _assert_identical(new, old):
    np.testing.assert_array_equal(new.coverage_first, old.coverage_first)
    np.testing.assert_array_equal(new.coverage_last, old.coverage_last)
    for a, b in zip(new.amount + new.paid, old.amount + old.paid, strict=True):
        assert a.dtype == b.dtype
        assert np.array_equal(a, b)


def test_month_index_equals_reference():
    dates = pd.Series(pd.to_datetime(["1969-12-31", "1970-01-01", "2024-02-29", None, "2199-12-31",
                                      "1900-01-01", "2024-03-01 13:45"], format="ISO8601"))
    np.testing.assert_array_equal(_ledger.month_index(dates), reference.month_index(dates))
    assert _ledger.month_index(pd.Series([], dtype="datetime64[ns]")).dtype == np.int64
    assert (_ledger.month_index(pd.Series([pd.NaT, pd.NaT])) == reference.month_index(pd.Series([pd.NaT, pd.NaT]))).all()


def test_sample_network_equals_reference():
    net = amebench.load_sample()
    episodes = net.episodes
    _assert_identical(_windows(_ledger, net.payments, episodes),
                      _windows(reference, net.payments, episodes))
    # the sample's ledgers are partly household-keyed: the household pass is exercised
    assert net.payments["household_id"].notna().any() and episodes["household_id"].notna().any()


def _random_tables(seed, n_people=40, rows=600):
    """Episodes and a ledger with every linking case: households shared by two members,
    persons in two units, ids missing, several rows in one month, months outside windows."""
    rng = np.random.default_rng(seed)
    n_ep = n_people + n_people // 3
    person = np.r_[np.arange(n_people), rng.integers(0, n_people, n_ep - n_people)]
    enrolled = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n_ep), unit="D")
    exited = (enrolled + pd.to_timedelta(rng.integers(0, 300, n_ep), unit="D")).where(rng.random(n_ep) < 0.8)
    household = np.where(rng.random(n_ep) < 0.4, rng.integers(0, n_people // 3, n_ep), -1)
    episodes = pd.DataFrame({
        "unit": rng.choice(["a", "b", "c"], n_ep, p=[0.5, 0.4, 0.1]),
        "episode_id": [f"e{i}" for i in range(n_ep)],
        "person_id": [f"p{i}" for i in person],
        "household_id": [f"h{h}" if h >= 0 else None for h in household],
        "enrolled_on": enrolled, "exited_on": exited,
    })
    months = pd.date_range("2020-06-01", "2025-06-01", freq="MS")
    has_h = rng.random(rows) < 0.3
    payments = pd.DataFrame({
        "unit": rng.choice(["a", "b", "d", None], rows, p=[0.5, 0.35, 0.1, 0.05]),
        "person_id": [None if h and rng.random() < 0.7 else f"p{i}"
                      for h, i in zip(has_h, rng.integers(0, n_people + 3, rows))],
        "household_id": [f"h{i}" if h else None for h, i in zip(has_h, rng.integers(0, n_people // 3 + 2, rows))],
        "month": rng.choice(months, rows),
        "amount_sek": np.where(rng.random(rows) < 0.1, 0.0, rng.gamma(2.0, 3000.0, rows).round(2)),
    })
    return (schema.coerce_table(episodes, schema.EPISODES), schema.coerce_table(payments, schema.PAYMENTS))


@settings(max_examples=40)
@given(st.integers(0, 100_000), st.sampled_from([1, 3, 6]))
def test_random_ledgers_equal_reference(seed, months):
    episodes, payments = _random_tables(seed)
    _assert_identical(_windows(_ledger, payments, episodes, months=months),
                      _windows(reference, payments, episodes, months=months))


@settings(max_examples=15)
@given(st.integers(0, 100_000))
def test_blocks_and_price_index_equal_reference(seed):
    episodes, payments = _random_tables(seed, rows=900)
    index = {y: 100.0 + 7.0 * (y - 2020) for y in range(2020, 2026)}
    old = _windows(reference, payments, episodes, price_index=index, base_year=2024)
    default = _ledger._BLOCK
    try:
        # blocks far smaller than the ledger: same sums, whether the next block's pairs are
        # found on a second thread (two cores) or not (one)
        months = None
        for block, cores in ((default, 1), (default, 2), (64, 2), (1, 2), (64, 1), (5, 3)):
            _ledger._BLOCK = block
            with mock.patch("amebench._threads.cores", return_value=cores):
                new = _windows(_ledger, payments, episodes, price_index=index, base_year=2024, count_months=True)
            _assert_identical(new, old)
            months = new.paid_months if months is None else months  # one block on one core first
            for a, b in zip(new.paid_months, months, strict=True):
                np.testing.assert_array_equal(a, b)
    finally:
        _ledger._BLOCK = default


@settings(max_examples=20)
@given(st.integers(0, 100_000))
def test_selected_rows_equal_reference_on_those_rows(seed):
    episodes, payments = _random_tables(seed)
    rows = np.random.default_rng(seed).permutation(len(episodes))[: len(episodes) // 2]
    _assert_identical(_windows(_ledger, payments, episodes, rows=rows),
                      _windows(reference, payments, episodes, rows=rows))
    # again, with the id codes of both tables cached by the first call
    _assert_identical(_windows(_ledger, payments, episodes, rows=rows),
                      _windows(reference, payments, episodes, rows=rows))


def test_order_of_episodes_does_not_matter():
    episodes, payments = _random_tables(7)
    shuffled = episodes.sample(frac=1, random_state=3)
    a = _windows(_ledger, payments, episodes)
    b = _windows(_ledger, payments, shuffled.reset_index(drop=True))
    position = shuffled.index.to_numpy()
    for x, y in zip(a.amount + a.paid, b.amount + b.paid):
        assert np.array_equal(x[position], y)


def test_price_index_must_cover_every_year_with_a_row():
    episodes, payments = _random_tables(1)
    with pytest.raises(AmebenchError, match="lacks the year"):
        _windows(_ledger, payments, episodes, price_index={2021: 90.0, 2022: 100.0}, base_year=2022)
    # a year without ledger rows needs no index value
    gap = payments[payments["month"].dt.year != 2023].reset_index(drop=True)
    index = {y: 100.0 for y in range(2020, 2026) if y != 2023}
    _assert_identical(_windows(_ledger, gap, episodes, price_index=index, base_year=2022),
                      _windows(reference, gap, episodes, price_index=index, base_year=2022))


def test_ledger_errors():
    episodes, payments = _random_tables(2)
    no_month = payments.copy()
    no_month.loc[3, "month"] = pd.NaT
    with pytest.raises(AmebenchError, match="1 payment rows have no month"):
        _windows(_ledger, no_month, episodes)
    no_amount = payments.copy()
    no_amount.loc[[1, 2], "amount_sek"] = np.nan
    with pytest.raises(AmebenchError, match="2 payment rows have a missing amount_sek"):
        _windows(_ledger, no_amount, episodes)
    # the rows are checked block by block: counted over every block
    no_amount.loc[[100, 500], "amount_sek"] = [np.inf, np.nan]
    no_amount.loc[[7, 300], "month"] = pd.NaT
    with mock.patch.object(_ledger, "_BLOCK", 64):
        with pytest.raises(AmebenchError, match="2 payment rows have no month"):
            _windows(_ledger, no_amount, episodes)
        no_amount["month"] = payments["month"]
        with pytest.raises(AmebenchError, match="4 payment rows have a missing amount_sek"):
            _windows(_ledger, no_amount, episodes)


def test_empty_ledger_and_no_episodes():
    episodes, payments = _random_tables(3)
    none = episodes.iloc[:0]
    _assert_identical(_windows(_ledger, payments, none), _windows(reference, payments, none))
    # An empty ledger covers no month (the reference raised IndexError here): no window is
    # observed, every sum is 0.
    out = _windows(_ledger, payments.iloc[:0], episodes)
    assert (out.coverage_first == np.iinfo(np.int64).max).all()
    assert (out.coverage_last == np.iinfo(np.int64).min).all()
    assert all((a == 0).all() for a in out.amount + out.paid)


def _paid_months_by_hand(payments, episodes, first, last):
    """Distinct months with a paid row per episode, one episode at a time: the episode's
    unit's rows of its household plus its person's rows without a household (or all its
    person's rows when it has no household), months inside [first, last], amount > 0."""
    pay = payments.astype(object).where(payments.notna(), None)
    month = _ledger.month_index(payments["month"])
    out = []
    for i, ep in enumerate(episodes.astype(object).where(episodes.notna(), None).itertuples()):
        mine = (pay["unit"] == ep.unit) & (payments["amount_sek"] > 0)
        mine &= (month >= first[i]) & (month <= last[i])
        if ep.household_id is not None:
            linked = (pay["household_id"] == ep.household_id) | (
                (pay["person_id"] == ep.person_id) & pay["household_id"].isna())
        else:
            linked = pay["person_id"] == ep.person_id
        out.append(len(set(month[(mine & linked).to_numpy()])))
    return np.array(out)


@settings(max_examples=25)
@given(st.integers(0, 100_000), st.sampled_from([1, 12, 64]))
def test_paid_months_count_each_month_once(seed, months):
    # several rows in one month, and a month paid to the person and to the household, count once
    episodes, payments = _random_tables(seed)
    extra = payments.sample(n=len(payments) // 3, random_state=seed % 1000)  # same months again
    payments = schema.coerce_table(pd.concat([payments, extra], ignore_index=True), schema.PAYMENTS)
    enrol = _ledger.month_index(episodes["enrolled_on"])
    first, last = enrol - months, enrol - 1
    windows = _ledger.window_totals(payments, episodes, bounds=[(first, last)], count_months=True)
    np.testing.assert_array_equal(windows.paid_months[0], _paid_months_by_hand(payments, episodes, first, last))
    assert (windows.paid_months[0] <= windows.paid[0]).all()
    with pytest.raises(ValueError, match="at most 64 months"):
        _ledger.window_totals(payments, episodes, bounds=[(enrol - 65, enrol - 1)], count_months=True)


# -- a person whose episodes name their household only sometimes (review 2026-12-07) ----------


def _intermittent():
    """Hand case: household h1 is paid 5,000 SEK in every month of 2022-2024; person p1's
    first episode names h1, the second (exit 2023-12-15) names no household. The ledger
    has no row keyed by p1, so only the household links p1 to any payment."""
    episodes = pd.DataFrame({"unit": "a", "episode_id": ["e1", "e2"], "person_id": ["p1", "p1"],
                             "household_id": ["h1", None], "enrolled_on": ["2023-01-10", "2023-08-01"],
                             "exited_on": ["2023-05-20", "2023-12-15"], "exit_reason": "work"})
    payments = pd.DataFrame({"unit": "a", "person_id": None, "household_id": "h1", "amount_sek": 5000.0,
                             "month": pd.date_range("2022-01-01", "2024-12-01", freq="MS")})
    return amebench.Network.from_frames(episodes=episodes, payments=payments, as_of="2024-12-31")


def test_an_episode_without_a_household_takes_the_one_its_person_names():
    # Before: e2 was linked to p1's own rows only (none), so register retention counted it
    # retained (0.5), welfare_delta(per="person") gave 0 SEK before and after and
    # prior_welfare_months 0; per="household" (which joins p1 and h1) gave 5,000.
    from amebench.compare.riskadjust import prior_welfare_months
    from amebench.metrics import retention, welfare_delta

    net = _intermittent()
    coh = amebench.cohort(net)
    kept = retention(coh, days=90, definition="register", by=())
    assert (kept["eligible"].item(), kept["events"].item()) == (2, 0)  # both paid in the 3 months after exit
    for per in ("person", "household"):
        row = welfare_delta(coh, per=per, method="t").iloc[0]
        assert (row["mean_before"], row["mean_after"]) == (5000.0, 5000.0)  # 6 months × 5,000 / 6
    # 12 months with a payment before each enrolment (2022-01..2022-12, 2022-08..2023-07)
    assert prior_welfare_months(net.payments, net.episodes).tolist() == [12, 12]
    # the episode naming the household need not be in the cohort
    december = amebench.cohort(net, exited="2023-12")
    assert welfare_delta(december, per="person", method="t")["mean_after"].item() == 5000.0


def test_a_household_taken_from_another_episode_adds_to_the_persons_rows():
    # Diff review 2026-12-07: p's 2019 episode names h_old, the 2023 one none, and the ledger
    # pays p 5,000 SEK a month on rows of a later household h_new. Taking h_old for the 2023
    # episode must not cost it p's own rows (it had: 0 SEK, retained, 0 months before).
    from amebench.compare.riskadjust import prior_welfare_months
    from amebench.metrics import retention, welfare_delta

    episodes = pd.DataFrame({"unit": "a", "episode_id": ["e1", "e2"], "person_id": "p",
                             "household_id": ["h_old", None], "enrolled_on": ["2019-01-10", "2023-08-01"],
                             "exited_on": ["2019-05-20", "2023-12-15"], "exit_reason": "work"})
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    payments = pd.DataFrame({"unit": "a", "person_id": "p", "household_id": "h_new", "amount_sek": 5000.0,
                             "month": months})
    payments = pd.concat([payments, pd.DataFrame({"unit": "a", "person_id": [None], "household_id": ["h_old"],
                                                  "amount_sek": [100.0], "month": ["2023-05-01"]})])
    net = amebench.Network.from_frames(episodes=episodes, payments=payments, as_of="2024-12-31")
    december = amebench.cohort(net, exited="2023-12")
    # before: Feb-Jul 2023, p's 6 × 5,000 plus h_old's 100 in May; after: Jan-Jun 2024
    row = welfare_delta(december, per="person", method="t").iloc[0]
    assert (row["mean_before"], row["mean_after"]) == ((6 * 5000 + 100) / 6, 5000.0)
    kept = retention(december, days=90, definition="register", by=()).iloc[0]
    assert (kept["eligible"], kept["events"]) == (1, 0)  # paid after the exit: not retained
    assert prior_welfare_months(net.payments, net.episodes).tolist()[1] == 12  # Aug 2022 - Jul 2023


def test_linked_households_takes_the_latest_household_named_before_else_the_first_after():
    from amebench.metrics._households import linked_households

    episodes = pd.DataFrame({
        "unit": ["a", "a", "a", "a", "b", "a"], "person_id": ["p", "p", "p", "p", "p", "q"],
        "household_id": pd.array([None, "h1", None, "h2", "hb", None], dtype="string"),
        "enrolled_on": pd.to_datetime(["2023-01-01", "2023-03-01", "2023-06-01", "2023-05-01", "2023-07-01",
                                       "2023-01-01"]),
    })
    linked, taken = linked_households(episodes, episodes)
    # p's first episode: nothing before it, h1 is the first after; the third: h2 (May) is the
    # latest before June; unit b's household is not unit a's; q names none
    assert linked["household_id"].tolist() == ["h1", "h1", "h2", "h2", "hb", pd.NA]
    assert taken.tolist() == [True, False, True, False, False, False]
    assert linked_households(episodes, episodes, as_of="2023-04-01")[0]["household_id"].tolist()[2] == "h1"
    whole = episodes.dropna(subset=["household_id"])
    same, taken = linked_households(whole, whole)
    assert same is whole and taken is None  # nothing to take: the frame itself


@pytest.mark.parametrize("seed", [1, 2])
def test_blanking_a_known_household_changes_no_ledger_metric(seed):
    # On the sample every person names one household in a unit or none: leaving it out of
    # some of a person's episodes must change nothing that reads the ledger
    import warnings

    from amebench.compare.riskadjust import prior_welfare_months, risk_adjusted
    from amebench.metrics import retention, welfare_delta

    net = amebench.load_sample()
    episodes = net.episodes.copy()
    named = episodes["household_id"].notna()
    # episodes of a person that are not the first to name their household in the unit
    again = named & episodes[named].groupby(["unit", "person_id"], observed=True).cumcount().reindex(
        episodes.index, fill_value=0).gt(0)
    rng = np.random.default_rng(seed)
    blank = again & (rng.random(len(episodes)) < 0.5)
    assert blank.sum() > 10
    episodes.loc[blank.to_numpy(), "household_id"] = pd.NA
    holes = amebench.Network.from_frames(episodes=episodes, payments=net.payments, units=net.units,
                                         as_of=net.as_of)
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", amebench.exceptions.AmebenchWarning)
        for network in (net, holes):
            coh = amebench.cohort(network)
            results.append((retention(coh, definition="register"), welfare_delta(coh, per="person", method="t"),
                            welfare_delta(coh, method="t"), prior_welfare_months(network.payments, network.episodes),
                            risk_adjusted(coh, casemix=("age_band", "prior_welfare_months")).table))
    for full, holed in zip(*results):
        if isinstance(full, pd.DataFrame):
            pd.testing.assert_frame_equal(full, holed)
        else:
            np.testing.assert_array_equal(full, holed)
