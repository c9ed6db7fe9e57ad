"""Cohorts: which episodes a metric looks at, and the date up to which they are observed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..exceptions import AmebenchError
from ..network import Network

__all__ = ["Cohort", "cohort"]


@dataclass(eq=False)
class Cohort:
    """Episodes selected from a network, observed up to ``as_of``.

    Attributes
    ----------
    network
        The network the episodes come from (payments, follow-ups ... are read from it).
    episodes
        The selected episodes, canonical columns (DESIGN.md §2).
    as_of
        Nothing after this date is observed.
    """

    network: Network
    episodes: pd.DataFrame
    as_of: pd.Timestamp


def cohort(network: Network, *, exited=None, enrolled=None, units=None, as_of=None) -> Cohort:
    """Select episodes of ``network`` (placeholder: selection by unit only)."""
    as_of = pd.Timestamp(as_of if as_of is not None else network.as_of)
    if as_of is pd.NaT:
        raise AmebenchError("as_of is required")
    ep = network.episodes
    if units is not None:
        ep = ep[ep["unit"].isin(list(units))]
    return Cohort(network=network, episodes=ep.reset_index(drop=True), as_of=as_of)
