"""Tests of spells and re-entries."""

import numpy as np
import pandas as pd
import pytest

import amebench
from amebench.cohorts import spells
from amebench.exceptions import AmebenchError
from amebench.metrics import reentry


def _network(as_of="2025-12-31"):
    episodes = pd.DataFrame({
        "unit": ["a", "a", "b", "a", "a", "b"],
        "episode_id": ["1", "2", "3", "4", "5", "6"],
        "person_id": ["p1", "p1", "p2", "p2", "p3", "p4"],
        "enrolled_on": ["2024-01-01", "2024-04-01", "2024-01-01", "2024-09-01", "2024-01-01", "2025-06-01"],
        "exited_on": ["2024-03-01", "2024-06-01", "2024-02-01", "2024-10-01", "2024-05-01", "2025-07-01"],
        "exit_reason": ["work", "work", "dropped_out", "work", "studies", "work"],
    })
    return amebench.Network.from_frames(episodes=episodes, as_of=as_of)


def test_spells_by_hand():
    ep = _network().episodes
    out = spells(ep, gap_days=90).set_index("episode_id")
    # p1: exit 03-01, back 04-01 (31 days) -> one spell ending 06-01.
    assert out.loc["1", "spell"] == out.loc["2", "spell"] == 0
    assert out.loc["1", "spell_exit"] == pd.Timestamp("2024-06-01")
    assert bool(out.loc["2", "spell_last"]) and not bool(out.loc["1", "spell_last"])
    # p2: exit 02-01, back 09-01 in another unit (213 days) -> two spells.
    assert out.loc["4", "spell"] == 1
    with pytest.raises(AmebenchError, match="gap_days"):
        spells(ep, gap_days=-1)


def test_reentry_by_hand():
    # exited persons, first exit: p1 (a, 03-01, back 04-01), p2 (b, 02-01, back 09-01 in a),
    # p3 (a, 05-01, never back), p4 (b, 2025-07-01: 365 days later is after as_of -> censored).
    out = reentry(amebench.cohort(_network()), days=365).set_index("unit")
    assert (out.loc["a", "n"], out.loc["a", "eligible"], out.loc["a", "events"]) == (2, 2, 1)
    assert (out.loc["b", "n"], out.loc["b", "eligible"], out.loc["b", "censored"], out.loc["b", "events"]) == (2, 1, 1, 1)
    # within 90 days only p1 comes back
    assert reentry(amebench.cohort(_network()), days=90, by=())["events"].item() == 1


def test_spells_turn_short_returns_into_continuations():
    # with gap_days = 90, p1's two episodes are one spell ending 06-01: no re-entry.
    out = reentry(amebench.cohort(_network()), days=365, by=(), gap_days=90).iloc[0]
    assert (out["n"], out["eligible"], out["events"]) == (4, 3, 1)  # only p2 re-enters


def test_censored_never_counted_as_not_returning():
    early = reentry(amebench.cohort(_network(), as_of="2024-12-31"), days=365, by=()).iloc[0]
    assert early["eligible"] == 0 and np.isnan(early["estimate"]) and early["censored"] == 3
