"""What the report's sections share: the :class:`Section` they return, the units they compare
and how they name units and shares in the report's language."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..exceptions import AmebenchError
from ..io.unitid import RESERVED_UNIT
from ..labels import outcome_label
from .formats import format_value
from .i18n import texts
from .wording import join_names, name_key

__all__ = ["Section", "NETWORK", "units_to_compare", "network_rate", "sorted_names", "say_units", "format_phi",
           "format_share"]

#: The network's row of the outcome-rates table.
NETWORK = RESERVED_UNIT  # no unit may have this id (io.unitid)


@dataclass
class Section:
    """One section of the report: its key, tables (name -> DataFrame) and notes."""

    key: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Paragraphs of text, before the notes (the summary's findings).
    lines: list[str] = field(default_factory=list)


def units_to_compare(ctx) -> pd.DataFrame:
    """The rates of the units whose outcome counts are published, or the reason why there is nothing to compare.

    A unit the rates table hides is left out: φ, the adjusted p-values, the shrinkage
    prior and the rank probabilities, computed with its counts, would give them back
    (each possible count gives other published numbers).
    """
    if ctx["network_hidden"]:  # the limits' target and the rest of the network would give it back
        raise AmebenchError(texts(ctx["lang"])["network_hidden"].format(outcome=say_outcome(ctx)))
    rates = ctx["rates"]
    rates = rates[~rates["unit"].astype(str).isin(ctx["left_out"])]
    if int((rates["n"] > 0).sum()) < 2:
        raise AmebenchError(texts(ctx["lang"])["needs_two_units"])
    return rates


def network_rate(ctx) -> float:
    """The network's pooled rate, from its row of the outcome-rates table (published)."""
    network = ctx["outcome_rates"].set_index("unit").loc[NETWORK]
    return float(network["events"] / network["n"])


def sorted_names(ctx, units) -> list[str]:
    """Names of ``units``, in the order the report lists units."""
    names = [ctx["unit_names"].get(u, u) for u in units]
    return sorted(names, key=name_key)


def say_units(ctx, units, *, all_units: bool = False) -> str:
    """``units``' names as a list in words of the report's language; with ``all_units``,
    "all units" when they are each of the network's three or more (a note that listed all
    five units of the sample read as if some were not among them: newcomer review)."""
    if all_units and len(set(units)) >= 3 and set(units) == set(ctx["unit_names"]):
        return texts(ctx["lang"])["all_units"]
    return join_names(sorted_names(ctx, units), ctx["lang"])


def say_outcome(ctx) -> str:
    """The report's outcome in words of its language, as the place exits go to ("work or studies")."""
    return outcome_label(ctx["outcome"], ctx["lang"])


def format_phi(value: float, ctx) -> str:
    """phi with 3 decimals, as the tables' method lines give it, in the report's language (2,381)."""
    return f"{value:.3f}".replace(".", "," if ctx["lang"] == "sv" else ".")


def format_share(value: float, ctx) -> str:
    """A share as the page writes it (38.1 %), in the report's language."""
    return format_value(float(value), "estimate", True, "," if ctx["lang"] == "sv" else ".")
