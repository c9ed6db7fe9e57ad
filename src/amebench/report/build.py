"""Compute the benchmark's result tables, section by section.

Each section function takes the cohort (or network) and returns a :class:`Section`
holding *unsuppressed* tables; :mod:`amebench.report.publish` suppresses, writes
and draws them. Computing stays here, drawing stays in plotting.
"""

from __future__ import annotations

import warnings

import pandas as pd

from .. import compare, metrics
from ..compare.ranks import check_spread
from ..compare.riskadjust import DEFAULT_CASEMIX
from ..exceptions import (READ_WARNING_KINDS, AmebenchError, AmebenchWarning, CaseMixWarning, CensoringWarning,
                          ExitReasonWarning, OverdispersionWarning)
from ..labels import code_label, column_label
from ..metrics._ledger import NO_LEDGER
from ..metrics.retention import NO_FOLLOWUPS, NO_FOLLOWUPS_NEAR, TOLERANCE, followup_holds
from ..plotting.flows import REASON_ORDER
from ..privacy import redact_numbers
from ..schema import AMOUNTS_HIGH, AMOUNTS_LOW, outcome_reasons
from .breakdown import by_unit_and_level, exposed, outcome_by_group
from .context import (NETWORK, Section, format_phi, network_rate, say_outcome, say_units, sorted_names,
                      units_to_compare)
from .i18n import texts
from .periods import (companions, followed_until, late_starts, ledger_coverage, ledger_covered_from,
                      ledger_followed_until, loaded_beside_period, stays_missing)
from .publish import hidden_units
from .summary import reversals, summary
from .wording import data_start, exited_days, exited_span, join_names, join_words, name_key

__all__ = ["Section", "SECTIONS"]

#: Sections that compare units: computed from the units whose outcome counts are published.
_COMPARISONS = ("funnel", "pairwise", "ranks")

#: The share of a period's stays missing (stays that began before the data start) from which
#: the report says so: a smaller share hardly moves a rate.
STAYS_MISSING_NOTED = 0.05
#: A unit whose late start alone costs it this many more of its stays (a difference of
#: shares) is named (:func:`_late_starts`).
LATE_START_NOTED = 0.05


def _quality(coh, ctx) -> Section:
    net = coh.network
    rejects = net.rejects
    by_reason = (
        rejects.groupby(["unit", "table", "reason"], dropna=False, observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["unit", "table", "n"], ascending=[True, True, False])
    )
    # the lines of repeated rows are for the data owner ("amebench validate"), not the network's report
    reconciliation = net.reconciliation.drop(columns=["repeated_lines"], errors="ignore")
    section = Section("quality", {"reconciliation": reconciliation, "rejects_by_reason": by_reason})
    if coh.exited is not None:
        section.objects.update(loaded_beside_period(coh, ctx))
    loaded = set(net.episodes["unit"].astype(str).unique())
    empty = [u for u in net.units["unit"].astype(str) if u not in loaded]
    if empty:  # they appear in no result: say so where their files are accounted for
        section.notes.append(texts(ctx["lang"])["note_no_episodes"].format(units=say_units(ctx, empty)))
    rec = net.reconciliation
    repeated = rec.loc[rec["rows_repeated"].fillna(0) > 0] if "rows_repeated" in rec else rec.iloc[:0]
    if len(repeated):  # the data owner sees the counts with "amebench validate"; here only the files
        section.notes.append(texts(ctx["lang"])["note_repeated_rows"].format(
            files=", ".join(dict.fromkeys(repeated["file"].astype(str)))))
    files = {}  # kind -> the files, in the order read; a kind without words of its own: "other"
    for warning in net.meta.get("read_warnings", []):
        kind = warning["kind"] if warning["kind"] in READ_WARNING_KINDS else "other"
        files.setdefault(kind, {})[redact_numbers(warning["file"], limit=None)] = None
    t = texts(ctx["lang"])  # what was assumed and in which files; the lines are for "amebench validate"
    bounds = {"high": f"{AMOUNTS_HIGH:,}".replace(",", "\u202f"), "low": AMOUNTS_LOW}  # of a file's median amount
    items = [t[f"read_warning_{kind}"].format(files=", ".join(files[kind]), **bounds)
             for kind in (*READ_WARNING_KINDS, "other") if kind in files]
    if items:
        section.notes.append(t["note_read_warnings"].format(items="; ".join(items)))
    return section


def _flow(coh, ctx) -> Section:
    monthly = metrics.flows(ctx["cohorts"]["flow"], by=("unit",))  # every episode up to the report's as_of
    if coh.exited is not None:
        # the months of the period only: a unit's outflows then add up to its exits in the
        # report (and inflows to the enrolments its durations follow), which disclosure control
        # protects as it does the whole series' (exits of every month published beside a
        # period's total gave a hidden month away: review of --exited, 2026-12-07)
        first, last = exited_span(coh)
        monthly = monthly[(monthly["month"] >= first.to_period("M").start_time) & (monthly["month"] <= last)]
        monthly = monthly.reset_index(drop=True)
    episodes = coh.episodes
    exited = episodes.loc[episodes["exited_on"].notna(), ["unit", "exit_reason"]]  # not every column copied
    counts = exited.groupby(["unit", "exit_reason"], observed=True).size()
    # every reason of each unit with exits, 0 where none: a reason with a row only when it occurred
    # would tell a reader that each hidden count is at least 1 (pinned small beside a published total)
    units = counts.index.get_level_values("unit").unique()
    # in the order the figure and the page's table list them
    grid = pd.MultiIndex.from_product([units, REASON_ORDER], names=["unit", "exit_reason"])
    reasons = counts.reindex(grid, fill_value=0).rename("n").reset_index()
    reasons["exit_reason"] = pd.Categorical(reasons["exit_reason"], categories=REASON_ORDER)
    section = Section("flow", {"flows": monthly, "exit_reasons": reasons})
    if coh.exited is not None:
        first, last = exited_days(coh)
        section.notes.append(texts(ctx["lang"])["note_flows_period"].format(first=first, last=last))
    return section


def _outcome(coh, ctx) -> Section:
    # by group: the exits of the units whose counts are published (a level only a hidden unit
    # has would be its exits), a level that gives a few units' other exits away hidden
    leave_out = sorted(unit for unit in ctx["hidden"] if unit != NETWORK)
    counts = by_unit_and_level(coh, outcome=ctx["outcome"], leave_out=leave_out)
    by_group = outcome_by_group(counts)
    section = Section("outcome", {"outcome_rates": ctx["outcome_rates"], "outcome_by_group": by_group},
                      objects={"hide": {"outcome_by_group": exposed(counts, by_group, min_cell=ctx["min_cell"])}})
    if leave_out and len(by_group):
        section.notes.append(texts(ctx["lang"])["note_by_group_left_out"].format(units=say_units(ctx, leave_out)))
    if ctx["stays_missing"] is not None:
        first, last = exited_days(coh)
        section.notes.append(texts(ctx["lang"])["note_stays_missing"].format(
            start=data_start(coh).strftime("%Y-%m"), first=first, last=last, share=ctx["stays_missing"]))
    section.notes.extend(ctx["late_starts"].values())
    if ctx["no_reasons"]:
        section.notes.append(texts(ctx["lang"])["note_no_reasons"].format(units=say_units(ctx, ctx["no_reasons"])))
    return section


def _retention(coh, ctx) -> Section:
    if coh.network.followups.empty:
        raise AmebenchError(texts(ctx["lang"])["no_followups"])
    if not followup_holds(ctx["outcome"]):  # retention's own check, said in the report's words
        # the exit reason (its label, "back to welfare"): a status "welfare" is not it
        reason = code_label(ctx["outcome"], ctx["lang"])
        raise AmebenchError(texts(ctx["lang"])["no_followup_status"].format(reason=reason))
    table = metrics.retention(coh, days=90, by=("unit",), outcome=ctx["outcome"])
    section = Section("retention", {"retention_90": table})
    # A unit without any follow-up (measured by as_of, as the metric reads them) has no
    # survey, not a 100 % non-response.
    # A unit whose follow-ups all lie far from day 90 did not ask at day 90 either.
    for method, note in ((NO_FOLLOWUPS, "note_no_survey"), (NO_FOLLOWUPS_NEAR, "note_no_survey_near")):
        missing = table["method"].astype(str).eq(method)
        if not missing.any():
            continue
        # what a survey would measure, and the exits "observable" by it (eligible, censored)
        unknown = ["estimate", "ci_low", "ci_high", "events", "eligible", "censored", "respondents",
                   "non_respondents", "estimate_worst", "estimate_best"]
        _no_data(table, missing, unknown)  # the note says why, in the report's language
        names = say_units(ctx, table.loc[missing, "unit"].astype(str))
        section.notes.append(texts(ctx["lang"])[note].format(units=names, outcome=say_outcome(ctx), days=90,
                                                             tolerance=TOLERANCE))
    section.notes.extend(_followed(coh, ctx, pd.Series(followed_until(coh, 90)), "span_retention", days=90))
    return section


def _no_data(table: pd.DataFrame, rows: pd.Series, unknown: list[str]) -> None:
    """Blank ``unknown`` of ``rows``: a unit without data, which a note names. Its ``method``
    says so in the table's CSV (a reader of the CSV alone tells it from a hidden row); the
    page leaves it out of the table's caption (:data:`amebench.report.html.NO_DATA_METHODS`)."""
    table[unknown] = table[unknown].astype("float64")
    table.loc[rows, unknown] = float("nan")


def _reentry(coh, ctx) -> Section:
    with warnings.catch_warnings():  # the notes say up to which exit the period can be followed
        warnings.simplefilter("ignore", CensoringWarning)
        table = metrics.reentry(coh, days=365, by=("unit",))
    return Section("reentry", {"reentry_365": table},
                   notes=_followed(coh, ctx, pd.Series(followed_until(coh, 365)), "span_reentry", days=365))


def _followed(coh, ctx, until: pd.Series, span: str, days: int | None = None) -> list[str]:
    """In a report of one period's exits, say which of them a measure ``span`` (an i18n key)
    after the exit observes: those up to ``until`` (per unit, or one day for every unit);
    the later ones are censored (review of --exited: 2026's re-enrolment is measurable only
    from 2027, yet its section said nothing)."""
    if coh.exited is None or until.empty:
        return []
    t = texts(ctx["lang"])
    first, last = exited_span(coh)
    latest = until.max()
    if latest < first:  # none yet; a measure ``days`` after the exit: from which extraction date
        when = t["followed_when"].format(day=(first + pd.Timedelta(days=days)).date()) if days else ""
        return [t["note_followed_none"].format(first=first.date(), last=last.date(), span=t[span], when=when)]
    notes = [t["note_followed_part"].format(first=first.date(), until=latest.date(), span=t[span])] if (
        latest < last) else []
    sooner = until[until < min(latest, last)]  # units whose payment data end before the others'
    for day, units in sooner.groupby(sooner):
        key = "note_followed_sooner_none" if day < first else "note_followed_sooner"
        notes.append(t[key].format(units=say_units(ctx, units.index), until=day.date()))
    return notes


def _welfare(coh, ctx) -> Section:
    if coh.network.payments.empty:
        raise AmebenchError(texts(ctx["lang"])["no_ledger"])
    # per household, as the section's text says (DESIGN.md §2: a household is never counted twice)
    table = metrics.welfare_delta(coh, months=6, by=("unit",), per="household", seed=ctx["seed"])
    section = Section("welfare", {"welfare_delta": table})
    if coh.exited is not None:
        first, last = exited_days(coh)
        section.notes.append(texts(ctx["lang"])["note_welfare_period"].format(first=first, last=last))
    missing = table["method"].astype(str) == NO_LEDGER
    if missing.any():  # no ledger row: what a ledger would observe is unknown, not all censored
        _no_data(table, missing, ["eligible", "censored"])
        section.notes.append(texts(ctx["lang"])["note_no_ledger_units"].format(
            units=say_units(ctx, table.loc[missing, "unit"].astype(str))))
    coverage = ledger_coverage(coh)  # one pass over the ledger for both notes
    if coh.exited is not None:
        section.notes.extend(_followed(coh, ctx, ledger_followed_until(coverage, coh.as_of, 6), "span_welfare"))
    section.notes.extend(_before_ledger(coh, ctx, ledger_covered_from(coverage, 6)))
    return section


def _before_ledger(coh, ctx, covered: pd.Series) -> list[str]:
    """Name the units whose payment data start less than 6 months before their first
    enrolment: the exit of an enrolment whose 6 months before the ledger does not cover is
    censored (review: a period soon after the ledger starts had a note on the after window
    only). ``covered``: :func:`periods.ledger_covered_from`."""
    episodes = coh.network.episodes
    first = episodes.loc[episodes["enrolled_on"] <= coh.as_of].groupby("unit", observed=True)["enrolled_on"].min()
    early = covered[first.reindex(covered.index).to_numpy() < covered.to_numpy()]
    t = texts(ctx["lang"])
    return [t["note_before_ledger"].format(units=say_units(ctx, units.index, all_units=True), day=day.date(),
                                           month=(day - pd.DateOffset(months=6)).strftime("%Y-%m"))
            for day, units in early.groupby(early)]


def _durations(coh, ctx) -> Section:
    enrolled = ctx["cohorts"]["durations"]
    t = texts(ctx["lang"])
    notes = []
    if coh.exited is not None:  # a cohort of exits holds no one still enrolled: times too short
        first, last = exited_days(coh)
        if enrolled.episodes.empty:
            raise AmebenchError(t["no_enrolments_in_period"].format(first=first, last=last))
        notes.append(t["note_durations_enrolled"].format(first=first, last=last))
    table = metrics.durations(enrolled, by=("unit",), outcome=ctx["outcome"])
    return Section("durations", {"durations": table}, notes=notes,
                   objects={"cumulative_totals": {"durations": _exits_to(enrolled, table["quantity"])}})


def _exits_to(coh, quantities: pd.Series) -> dict[tuple[str, str], int]:
    """Each unit's exits (by ``as_of``: the cohort blanks later ones) to the group of each
    cumulative incidence (``cif_<group>``), by (unit, quantity), of the durations' cohort:
    the totals its cumulative counts at the last day shown must not come within ``min_cell``
    of. They are published (outcome rates, exit reasons) when the report follows every
    exit; in a report of one period's exits the durations follow its enrolments, whose
    totals are not published, and the check only hides more."""
    episodes = coh.episodes
    exited = episodes.loc[episodes["exited_on"].notna(), ["unit", "exit_reason"]]
    totals = {}
    for quantity in quantities.astype(str).unique():
        if quantity.startswith("cif_"):
            inside = exited["exit_reason"].isin(outcome_reasons(quantity[len("cif_"):]))
            for unit, n in exited.loc[inside, "unit"].astype(str).value_counts().items():
                totals[(unit, quantity)] = int(n)
    return totals


def _funnel(coh, ctx) -> Section:
    rates = units_to_compare(ctx)
    if network_rate(ctx) in (0.0, 1.0):  # the funnel's limits and the risk model need both outcomes
        key = "one_outcome_all" if network_rate(ctx) else "one_outcome_none"
        raise AmebenchError(texts(ctx["lang"])[key].format(outcome=say_outcome(ctx)))
    section = Section("funnel", objects=_left_out_objects(ctx))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AmebenchWarning)
        # limits around the whole network's rate (published), not the units compared's pooled rate
        raw = compare.funnel(rates, target=network_rate(ctx), overdispersion="multiplicative")
        of_raw = len(caught)
        # expected counts from a model of every exit of the network (methods text says so)
        adjusted = compare.risk_adjusted(coh, outcome=ctx["outcome"], casemix=ctx["casemix"])
        oe = adjusted.table[["unit", "observed", "expected"]].dropna(subset=["expected"])  # not adjustable
        oe = oe[~oe["unit"].astype(str).isin(ctx["left_out"])]
        of_model = len(caught)
        # as the raw funnel; none when no unit could be adjusted (the note says why)
        ratio = compare.funnel(oe, kind="ratio", overdispersion="multiplicative") if len(oe) else None
    if ctx["casemix"] != DEFAULT_CASEMIX:  # beside the funnels: fewer variables than the default
        section.notes.append(texts(ctx["lang"])["note_casemix_chosen"].format(variables=join_words(
            [column_label(c, ctx["lang"]) for c in ctx["casemix"]], ctx["lang"])))
    section.notes += _spread_notes(caught[:of_raw], caught[of_model:], ctx)
    section.notes += _phi_values(raw, ratio, ctx) + _phi_uncertain([f for f in (raw, ratio) if f is not None], ctx)
    section.notes += _warning_notes(caught, ctx)
    # the report decides what it may name (publish knows min_cell): unit, column, level, episodes
    section.objects["casemix_only_in_one_unit"] = _casemix_levels(caught)
    section.tables.update({"funnel_raw": raw.table, "risk_adjusted": adjusted.table})
    section.objects.update({"funnel_raw": raw, "risk_adjusted": adjusted})
    if ratio is not None:
        section.tables["funnel_risk_adjusted"] = ratio.table
        section.objects["funnel_risk_adjusted"] = ratio
    section.tables["calibration"] = adjusted.calibration
    return section


#: From this network rate on, the Poisson variance the ratio funnel assumes is at least
#: 1 / (1 - 0.2) = 1.25 times a count of yes/no outcomes': its limits are wide, and phi <= 1 usual.
_COMMON_OUTCOME = 0.2


def _spread_notes(raw, ratio, ctx) -> list[str]:
    """The notes of the two funnels' :class:`OverdispersionWarning` (``raw``, ``ratio``: each
    funnel's caught warnings): one for both when they say the same, else one for each; phi
    <= 1 in the risk-adjusted funnel of a common outcome has a note of its own."""
    t = texts(ctx["lang"])
    rate = network_rate(ctx)

    def said(caught):
        spread = [w.message for w in caught if issubclass(w.category, OverdispersionWarning)]
        return (spread[0].reason, spread[0].n_units, spread[0].fewest) if spread else None

    def note(what, which):
        reason, units, fewest = what
        if reason == "few_units":
            return t["note_overdispersion_few"].format(units=units, fewest=fewest, which=t[which])
        if which == "funnel_ratio_which" and rate >= _COMMON_OUTCOME:  # its Poisson limits are wide
            share = f"{100 * rate:.1f}".replace(".", "," if ctx["lang"] == "sv" else ".")
            return t["note_overdispersion_ratio"].format(rate=share)
        return t["note_overdispersion"].format(which=t[which])

    raw, ratio = said(raw), said(ratio)
    if raw is not None and raw == ratio and (raw[0] == "few_units" or rate < _COMMON_OUTCOME):
        return [note(raw, "funnels_both")]
    return ([note(raw, "funnel_raw_which")] if raw else []) + ([note(ratio, "funnel_ratio_which")] if ratio else [])


#: Below this many units a widened funnel's note says that phi is uncertain: it is a mean of
#: that many squared z-scores, and one unit more or fewer moves it (report review: a 23-exit
#: unit more moved the sample's O/E phi from 2.38 to 1.54 and Solna across a limit).
_FEW_UNITS_FOR_PHI = 30


def _phi_values(raw, ratio, ctx) -> list[str]:
    """Say by which phi each funnel's limits were widened (the tables' method lines give them
    too, in English; a reader of the page met one phi in the summary and another below a table)."""
    t = texts(ctx["lang"])
    values = [t[key].format(phi=format_phi(funnel.phi, ctx))
              for funnel, key in ((raw, "phi_raw"), (ratio, "phi_ratio")) if funnel is not None and funnel.phi > 1]
    return [t["note_phi_values"].format(values=join_words(values, ctx["lang"]))] if values else []


def _phi_uncertain(funnels, ctx) -> list[str]:
    """A note when a funnel's limits were widened by a phi estimated from few units."""
    widened = [len(f.table.dropna(subset=["estimate"])) for f in funnels if f.phi > 1]
    if not widened or max(widened) >= _FEW_UNITS_FOR_PHI:
        return []
    return [texts(ctx["lang"])["note_phi_uncertain"].format(units=max(widened))]


def _warning_notes(caught, ctx) -> list[str]:
    """Return report notes for the warnings of a computation, in the report's language.

    The warnings' own messages are for the analyst and may hold small counts; the
    report states what they mean without any count. A case-mix level found in one unit
    only is noted by :mod:`amebench.report.publish`, which knows what may be named;
    units the comparisons leave out (``ctx["left_out"]``, their counts hidden or their
    exit reasons unknown) are not named with their case-mix.
    """
    t = texts(ctx["lang"])
    notes = []
    for unknown, key in ((False, "note_casemix_left_out"), (True, "note_casemix_unknown")):
        left_out = [column_label(w.message.column, ctx["lang"]) for w in caught
                    if _casemix(w, "one_value") and (w.message.level == "unknown") == unknown]
        if left_out:  # the methods text lists every case-mix variable
            notes.append(t[key].format(variables=join_words(left_out, ctx["lang"])))
    if _units(caught, "no_effect"):
        notes.append(t["note_casemix_no_effect"])
    if None in _units(caught, "predicted"):  # no unit is adjusted: the notes below do not apply
        return notes + [t["note_casemix_predicted"].format(outcome=say_outcome(ctx))]
    unadjusted = set(_units(caught, "not_adjustable") + _units(caught, "predicted"))  # a note of their own
    short = {u: k == n for w in caught if _casemix(w, "not_covered") for u, (k, n) in w.message.per_unit.items()
             if u not in unadjusted}
    for every, key in ((True, "note_prior_welfare_not_covered_all"), (False, "note_prior_welfare_not_covered")):
        units = [u for u, all_unknown in short.items() if all_unknown == every]
        if units:  # units are named in every table; how many of their exits is not said
            notes.append(t[key].format(units=say_units(ctx, units, all_units=not every)))
    own = [u for u in _units(caught, "months_own") if u not in ctx["left_out"] and u not in unadjusted]
    if own:  # a group of them may hold a left-out unit, which the note does not name
        units = say_units(ctx, own)
        if set(_units(caught, "months_own")) & set(ctx["left_out"]):
            units = t["with_left_out"].format(units=units)
        notes.append(t["note_prior_welfare_own"].format(units=units))
    shown = [u for u in _units(caught, "not_adjustable") if u not in ctx["left_out"]]
    if shown:  # each unit with the variables whose levels are its own (no level, no count)
        variables = {unit: join_words(list(dict.fromkeys(
            column_label(w.message.column, ctx["lang"]) for w in caught
            if _casemix(w, "one_unit") and w.message.unit == unit)), ctx["lang"]) for unit in shown}
        units = [ctx["unit_names"].get(u, u) + (f" ({variables[u]})" if variables[u] else "") for u in shown]
        notes.append(t["note_not_adjustable"].format(units=join_names(sorted(units, key=name_key), ctx["lang"])))
    foreseen = [u for u in _units(caught, "predicted") if u not in ctx["left_out"]]
    if foreseen:
        notes.append(t["note_unit_predicted"].format(
            units=say_units(ctx, foreseen), outcome=say_outcome(ctx)))
    groups = []
    for w in caught:
        members = [u for u in getattr(w.message, "units", ()) if u not in ctx["left_out"]]
        if _casemix(w, "within_group") and members:  # a unit shown with left-out ones: compared with them only
            key = "within_group_item" if len(members) == len(w.message.units) else "within_group_item_left_out"
            groups.append(t[key].format(units=say_units(ctx, members),
                                        variable=column_label(w.message.column, ctx["lang"])))
    if groups:
        notes.append(t["note_within_group"].format(groups="; ".join(groups)))
    return notes


def _casemix(w, reason: str) -> bool:
    """Whether a caught warning is a CaseMixWarning of ``reason`` (one raised without one: ``"one_unit"``)."""
    return issubclass(w.category, CaseMixWarning) and getattr(w.message, "reason", "one_unit") == reason


def _units(caught, reason: str) -> list[str]:
    """The units of the caught CaseMixWarnings of ``reason``."""
    return [w.message.unit for w in caught if _casemix(w, reason)]


def _casemix_levels(caught) -> list[tuple[str | None, str | None, str | None, int | None]]:
    """(unit, column, level, episodes) of every CaseMixWarning of a level in one unit only (Nones
    for one raised without them)."""
    if None in _units(caught, "predicted"):  # no unit is adjusted (its note says so)
        return []
    alone = _units(caught, "not_adjustable")  # a note of their own
    return [(getattr(w.message, "unit", None), getattr(w.message, "column", None),
             getattr(w.message, "level", None), getattr(w.message, "episodes", None))
            for w in caught if _casemix(w, "one_unit") and getattr(w.message, "unit", None) not in alone]


def _pairwise(coh, ctx) -> Section:
    # pairs among the units compared; each against the rest of the whole network, whose
    # total is published (its row of the rates table): the hidden units enter only that total
    compared = units_to_compare(ctx)["unit"].astype(str)
    rates = ctx["rates"]  # pairs in the order of the units' names, as every other table lists them
    names = [name_key(ctx["unit_names"].get(u, u)) for u in rates["unit"].astype(str)]
    rates = rates.iloc[sorted(range(len(rates)), key=names.__getitem__)]
    table = compare.pairwise(rates, adjust="holm", units=compared)
    if len(rates) != 2:
        return Section("pairwise", {"pairwise": table})
    # two units: each against the rest is the pair again (mirrored), with another adjusted p
    pair = table[table["comparison"].astype(str) == "pair"].reset_index(drop=True)
    return Section("pairwise", {"pairwise": pair}, notes=[texts(ctx["lang"])["note_two_units_pair"]])


def _ranks(coh, ctx) -> Section:
    rates = units_to_compare(ctx)
    rates = rates[rates["n"] > 0]
    try:  # the same rule shrink and rank_intervals apply, said in the report's language
        check_spread(rates, "ranks")
    except AmebenchError:
        raise AmebenchError(texts(ctx["lang"])["needs_three_units"]) from None
    return Section(
        "ranks",
        {"shrunken": compare.shrink(rates), "ranks": compare.rank_intervals(rates, seed=ctx["seed"])},
        objects={**_left_out_objects(ctx), "notes_under": "ranks"},  # in the workbook: the notes are on ranks
    )


def _left_out_objects(ctx) -> dict[str, list[str]]:
    """Names of the units a comparison leaves out, by why: disclosure control hid their
    counts (``left_out``), or most of their exits have no known reason (``no_reasons``)."""
    return {"left_out": sorted_names(ctx, ctx["hidden_out"]),
            "no_reasons": sorted_names(ctx, ctx["no_reasons"])}


#: Sections in report order: (key, function).
SECTIONS = (
    ("quality", _quality),
    ("flow", _flow),
    ("outcome", _outcome),
    ("retention", _retention),
    ("reentry", _reentry),
    ("welfare", _welfare),
    ("durations", _durations),
    ("funnel", _funnel),
    ("pairwise", _pairwise),
    ("ranks", _ranks),
)


def _stays_missing(coh, network_hidden: bool) -> str | None:
    """The share of the period's stays that the data cannot hold (:func:`periods.stays_missing`),
    in whole percent, when it is :data:`STAYS_MISSING_NOTED` or more: a period that starts
    before the data, or soon after (review of --exited: in 2023 every exit is a stay of at
    most 6 months). Not said where disclosure control hides the network's counts: in tiny
    data the share gives a stay's length away (diff review: 2 stays, 15.0 %, one of 100 days)."""
    if coh.exited is None or network_hidden:
        return None
    missing = stays_missing(coh)
    return f"{round(100 * missing)}\u00a0%" if missing >= STAYS_MISSING_NOTED else None


def _late_starts(coh, ctx) -> dict[str, str]:
    """A note for each unit whose data start later than most units' and, for that alone, miss
    :data:`LATE_START_NOTED` or more of the stays behind its exits (:func:`periods.late_starts`):
    its exits lean more towards short stays than theirs. Not for a unit whose counts are
    hidden. The share is a stand-in: how far it moves a rate depends on how the outcome
    varies with the length of stay, so the note says the rates may differ partly for it."""
    t = texts(ctx["lang"])
    late = late_starts(coh)
    costs = (late["missing"] - late["missing_if_earlier"]).round(9)  # 0.45 - 0.40 is 0.0499999...
    late = late[(costs >= LATE_START_NOTED) & ~late.index.isin(ctx["hidden"])]

    def share(value: float) -> str:
        return f"{round(100 * value)}\u00a0%"

    return {unit: t["note_late_start"].format(
        unit=say_units(ctx, [unit]), start=row["start"].strftime("%Y-%m"), usual=row["usual_start"].strftime("%Y-%m"),
        first=row["first"].date(), last=row["last"].date(), share=share(row["missing"]),
        earlier=share(row["missing_if_earlier"])) for unit, row in late.iterrows()}


def compute(coh, ctx, progress) -> list[Section]:
    """Compute every section; a section that cannot be computed carries the reason.

    ``ctx["min_cell"]`` decides which units the comparisons leave out: those that
    disclosure control hides in the outcome-rates table
    (:func:`amebench.report.publish.hidden_units`, as :func:`publish` hides them).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExitReasonWarning)
        rates = metrics.outcome_rate(coh, outcome=ctx["outcome"], by=("unit",))
    # units whose exits mostly have no known reason: their rate measures the missing reasons
    no_reasons = [group[0] for w in caught if issubclass(w.category, ExitReasonWarning) for group in w.message.groups]
    total = metrics.outcome_rate(coh, outcome=ctx["outcome"], by=())
    total.insert(0, "unit", NETWORK)
    table = pd.concat([rates, total], ignore_index=True)
    hidden = hidden_units(table, min_cell=ctx["min_cell"])
    left_out = [u for u in rates["unit"].astype(str) if u in hidden or u in no_reasons]
    hidden_out = [u for u in left_out if u not in no_reasons]  # left out for disclosure control alone
    ctx = {**ctx, "rates": rates, "outcome_rates": table, "left_out": left_out, "hidden_out": hidden_out,
           "no_reasons": no_reasons, "network_hidden": NETWORK in hidden, "hidden": hidden,
           "cohorts": companions(coh)}
    ctx["stays_missing"] = _stays_missing(coh, ctx["network_hidden"])
    ctx["late_starts"] = _late_starts(coh, ctx)
    sections = []
    for key, function in SECTIONS:
        progress(key)
        try:
            sections.append(function(coh, ctx))
        except AmebenchError as exc:
            reason = str(exc).rstrip()  # a sentence of the page: ends with a full stop
            reason += "" if reason.endswith((".", "?", "!")) else "."
            sections.append(Section(key, notes=[texts(ctx["lang"])["not_available"].format(reason=reason)]))
    # the units risk adjustment puts on the other side: named under the ranks and in the summary
    turned = reversals(next(s for s in sections if s.key == "funnel"), ctx)
    ranks = next(s for s in sections if s.key == "ranks")
    if ranks.tables and turned:
        ranks.notes.append(texts(ctx["lang"])["note_reversed_by_adjustment"].format(parts=" ".join(turned)))
    # said once, in the first comparison, whether or not it could be computed
    first = next(s for s in sections if s.key in _COMPARISONS)
    if no_reasons:
        first.notes.insert(0, texts(ctx["lang"])["note_no_reasons_compared"].format(units=say_units(ctx, no_reasons)))
    if hidden_out:
        first.notes.insert(0, texts(ctx["lang"])["note_left_out_of_comparisons"].format(
            units=say_units(ctx, hidden_out), outcome=say_outcome(ctx)))
    first_page = summary(sections, ctx, turned)
    return [first_page, *sections] if first_page.lines else sections  # none without exits
