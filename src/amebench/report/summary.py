"""The report's summary: its findings in a few sentences, first on the page."""

from __future__ import annotations

from .context import (NETWORK, Section, format_phi, format_share, network_rate, say_outcome, say_units,
                      units_to_compare)
from .formats import format_value
from .i18n import texts
from .wording import data_start, exited_days

__all__ = ["summary", "reversals"]


def reversals(funnel: Section, ctx) -> list[str]:
    """Sentences naming the units compared whose raw rate lies on one side of the network's
    and whose observed/expected interval wholly on the other side of 1: the ranks (of raw
    rates) and the risk-adjusted funnel tell opposite stories about them (report review)."""
    adjusted = funnel.objects.get("risk_adjusted")
    if adjusted is None:
        return []
    compared = set(units_to_compare(ctx)["unit"].astype(str))
    table = adjusted.table.merge(ctx["rates"][["unit", "estimate"]].rename(columns={"estimate": "raw"}), on="unit")
    table = table[table["unit"].astype(str).isin(compared)]
    rate = network_rate(ctx)
    fewer = (table["raw"] > rate) & (table["oe_ci_high"] < 1)
    more = (table["raw"] < rate) & (table["oe_ci_low"] > 1)
    t = texts(ctx["lang"])
    said = [t[key].format(units=say_units(ctx, table.loc[rows, "unit"].astype(str)), outcome=say_outcome(ctx))
            for key, rows in (("reversed_fewer", fewer), ("reversed_more", more)) if rows.any()]
    # the raw side is a point estimate: say which of them the rate's own interval does not separate
    intervals = ctx["rates"].set_index(ctx["rates"]["unit"].astype(str))
    named = table.loc[fewer | more, "unit"].astype(str)
    unclear = [u for u in named if intervals.loc[u, "ci_low"] <= rate <= intervals.loc[u, "ci_high"]]
    if unclear:
        said.append(t["reversed_raw_unclear" if len(unclear) == 1 else "reversed_raw_unclear_many"].format(
            units=say_units(ctx, unclear)))
    return said


def summary(sections: list[Section], ctx, turned: list[str]) -> Section:
    """The report's findings in a few sentences, first on the page: the network's rate, the
    units' range, which units the funnel finds apart, where risk adjustment turns the raw
    picture round, and what the welfare figures are not (coordinator review: that last
    finding came only in the tenth section; ``turned``: :func:`reversals`' sentences).
    Only numbers the tables publish."""
    lang = ctx["lang"]
    t = texts(lang)
    decimal = "," if lang == "sv" else "."
    outcome = say_outcome(ctx)
    lines = []
    totals = ctx["outcome_rates"].set_index("unit")
    if not ctx["network_hidden"] and NETWORK in totals.index and totals.loc[NETWORK, "n"] > 0:
        net = totals.loc[NETWORK]
        exits, period = ctx["cohorts"]["exits"], ""
        if exits.exited is not None:  # the exits of a chosen period: say which
            first, last = exited_days(exits)
            period = t["summary_period"].format(first=first, last=last)
        rate, low, high = (format_share(net[column], ctx) for column in ("estimate", "ci_low", "ci_high"))
        lines.append(t["summary_network"].format(period=period, n=format_value(int(net["n"]), "n", False, decimal),
                                                 outcome=outcome, rate=rate, low=low, high=high))
        if ctx["stays_missing"] is not None:
            lines.append(t["summary_stays_missing"].format(start=data_start(exits).strftime("%Y-%m"),
                                                           share=ctx["stays_missing"]))
    if ctx["late_starts"]:
        key = "summary_late_start" if len(ctx["late_starts"]) == 1 else "summary_late_starts"
        lines.append(t[key].format(units=say_units(ctx, list(ctx["late_starts"]))))
    rates = ctx["rates"]  # published, and with known exit reasons (else the rate measures the unknown ones)
    rates = rates[~rates["unit"].astype(str).isin([*ctx["hidden"], *ctx["no_reasons"]]) & (rates["n"] > 0)]
    if len(rates) >= 2:
        low, high = rates["estimate"].min(), rates["estimate"].max()
        lines.append(t["summary_range"].format(
            low=format_share(low, ctx), high=format_share(high, ctx),
            low_units=say_units(ctx, rates.loc[rates["estimate"] == low, "unit"]),
            high_units=say_units(ctx, rates.loc[rates["estimate"] == high, "unit"])))
    funnel = next(s for s in sections if s.key == "funnel")
    name = "funnel_risk_adjusted" if "funnel_risk_adjusted" in funnel.objects else "funnel_raw"  # none adjustable
    drawn = funnel.objects.get(name)
    if drawn is not None:
        kind = "adjusted" if name == "funnel_risk_adjusted" else "raw"
        limits, within, outside = _summary_limits(drawn, kind, ctx)
        position = drawn.table["position"].astype(str)
        above = drawn.table.loc[position.str.startswith("above"), "unit"].astype(str)
        below = drawn.table.loc[position.str.startswith("below"), "unit"].astype(str)
        side = "" if kind == "adjusted" else "_raw"  # the raw limits are around the network's rate
        if len(above) or len(below):
            words = {"outcome": say_outcome(ctx)}
            parts = ([t[f"summary_above{side}"].format(units=say_units(ctx, above), **words)] if len(above) else []) + (
                [t[f"summary_below{side}"].format(units=say_units(ctx, below), **words)] if len(below) else [])
            others = t[f"summary_others_{kind}"] if position.eq("within").any() else ""  # not when all are outside
            lines.append(t[f"summary_outside_{kind}"].format(parts="; ".join(parts), limits=limits, others=others,
                                                             end=outside))
        else:
            lines.append(t[f"summary_within_{kind}"].format(limits=limits, end=within))
        if turned:
            lines.append(t["summary_reversed"].format(parts=" ".join(turned)))
    if next(s for s in sections if s.key == "welfare").tables:
        lines.append(t["summary_welfare"])
    return Section("summary", lines=lines)


def _summary_limits(drawn, kind: str, ctx) -> tuple[str, str, str]:
    """What the limits of the summary's funnel ``drawn`` (``kind`` ``"adjusted"`` or ``"raw"``)
    allow for, and how the sentences of units within them and outside them end: only limits
    widened for the spread between units make that funnel the answer to whether a unit
    stands out (otherwise the O/E intervals test about the same). phi <= 1 is no proof that
    the units do not differ: with a common outcome the ratio funnel's Poisson limits are wide."""
    t = texts(ctx["lang"])
    if not drawn._phi_estimated:  # too few units: the exact limits kept
        return t["summary_limits_few"].format(units=len(drawn.table)), ".", t["summary_outside_few"]
    phi = format_phi(drawn.phi, ctx)
    if drawn.phi <= 1:
        return t["summary_limits_chance"].format(phi=phi), t["summary_within_chance"], ""
    answer = t["summary_answer" if kind == "adjusted" else "summary_answer_raw"]  # the raw report has no O/E
    return t["summary_limits_widened"].format(phi=phi), t["summary_within_widened"] + answer, answer
