"""Publish computed sections: disclosure control, then tables, figures and HTML blocks.

Figures are drawn from the *suppressed* tables, so a hidden count never reaches a
picture either.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import textwrap
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from ..labels import code_label, column_label, outcome_label
from ..plotting import NAMED_ROWS
from ..plotting.flows import FLOW_LINES, REASON_ORDER
from ..plotting.intervals import count_column
from ..results import GROUPING
from ..schema import outcome_reasons
from . import html as _html
from .context import NETWORK
from .disclosure import COUNT_COLUMNS, small_stock_rows, suppress, suppress_stock
from .output import atomic_write_bytes, write_table
from .wording import casemix_notes, join_names, left_out_note, name_key, outcome_definition, quarter_definition
from .workbook import Sheet, write_workbook

__all__ = ["hidden_units", "publish", "WORKBOOK_FILE"]

#: The report's tables as one Excel workbook, beside the page.
WORKBOOK_FILE = "report.xlsx"

#: Tables published as CSV and drawn, but too long to show as an HTML table.
_NOT_ON_PAGE = frozenset({"flows"})

#: Label columns never hidden by disclosure control.
_LABELS = frozenset(GROUPING) | {"method", "conf_level", "table", "file", "reason", "exit_reason", "characteristic"}

#: Tables whose estimates are proportions (shown as percentages).
_PROPORTIONS = {
    "outcome_rates", "outcome_by_group", "retention_90", "reentry_365", "funnel_raw", "risk_adjusted", "pairwise",
    "shrunken",
}

#: Columns published although computed from hidden counts: the monthly active stock
#: (only the difference inflow - outflow of two hidden cells can be derived from it;
#: a small stock itself is hidden by :func:`suppress_stock`).
_ALSO_KEEP = {"flows": {"stock"}}

#: Table name -> count columns hidden only where small themselves, not hiding their row:
#: the rows repeating an earlier one (rows of a file, not people; 1 repeated payment row
#: hid its file's 15,933 rows read), and the rows loaded (a unit's episodes, published by
#: the other tables anyway). A small rejected count still hides its file's rows read and
#: rejected: rows read minus rows loaded would give it back. (Hiding the loaded rows too
#: left the table blank for five of the sample's six episode files.)
_KNOWN = {"reconciliation": ("rows_repeated", "rows_loaded"),
          # the unit's exits to the outcome: its events in outcome_rates (a unit hidden there is
          # hidden here, _SAME_UNITS)
          "retention_90": ("n",)}

#: Table name -> the row mask of network totals (for complementary suppression).
_TOTALS = {"outcome_rates": lambda t: t["unit"] == NETWORK}

#: Table name -> columns whose rows add up to a total published in another table: a
#: unit's exit reasons to its exits, its monthly outflows to its exits and inflows to its
#: episodes, a file's reject reasons to its rejected rows, the calibration groups to the
#: network's exits, and each characteristic's levels to the exits of the units whose counts are
#: published (the outcome by group counts those only).
_GROUPS = {"exit_reasons": ("unit",), "flows": ("unit",), "rejects_by_reason": ("unit", "table"),
           "calibration": (), "outcome_by_group": ("characteristic",)}

#: Counts that differ from a unit's exits by what should stay unpublished when small: the
#: rows loaded of its episodes files (its open episodes) and the people the re-entry table
#: counts (its repeated exits). Table -> (rows: "episodes" files or all, column).
_BESIDE_EXITS = {"reconciliation": ("episodes", "rows_loaded"), "reentry_365": ("all", "n")}

#: Counts hidden on their own with what is computed from them, not their row (disclosure.suppress's
#: ``alone``): the retention's exits not yet observable. At 0.1 national scale 23 of 175 units with a
#: survey lost their retention rate (Järfälla: 152 respondents, 84.9 %) to 2-4 recent exits.
_ALONE = {"retention_90": ("censored", ("eligible", "non_respondents", "estimate_worst", "estimate_best"),
                           ((None, "n"), ("events", "n"), ("respondents", "n")))}

#: Tables in which a reader may take each hidden count to be at least 1 (disclosure.suppress's
#: ``positive``): rejects by reason have a row only for a reason that occurred; exit reasons
#: have every reason of a unit, zeros too, but zeros are hidden last, so that k hidden counts
#: adding up to S are each kept from being pinned to 1 … S - (k - 1) by hiding more (zeros too).
#: The outcome by group has a row only for a level some exit has.
_POSITIVE = frozenset({"rejects_by_reason", "exit_reasons", "outcome_by_group"})

#: Why a table has no rows (texts' key); any other empty table: "empty_table".
_EMPTY = {"reconciliation": "empty_no_files", "rejects_by_reason": "empty_no_rejects",
          "exit_reasons": "empty_no_exits", "outcome_rates": "empty_no_exits", "reentry_365": "empty_no_exits",
          "outcome_by_group": "empty_no_characteristics",
          "retention_90": "empty_no_outcome"}

#: Tables that publish a unit's exits or outcome count again (as n, events, observed, the
#: retention's exits to the outcome, the durations' exits, or the sum of its exit
#: reasons): a unit hidden in ``outcome_rates`` (by its own counts or to protect
#: another against the network total) is hidden in each. (In a report of one period's
#: exits the durations count the period's enrolments instead: hidden with the unit all
#: the same, which hides more than needed, never less.)
_SAME_UNITS = frozenset({"funnel_raw", "funnel_risk_adjusted", "risk_adjusted", "pairwise", "ranks", "shrunken",
                         "retention_90", "durations", "exit_reasons"})


def publish(sections, out: Path, *, t: dict, lang: str, min_cell: int, outcome: str, unit_names=None, stamp: str = "",
            day=None):
    """Suppress, write and render every section; return (HTML blocks, rows shown with hidden cells).

    Tables are written with canonical unit ids; figures, HTML tables and the workbook
    ``report.xlsx`` (written when ``day``, the extraction date that stamps it, is given:
    :mod:`amebench.report.workbook`) show the units' names (``unit_names``: id -> name);
    ``stamp`` (the network, its period and extraction date) is drawn under every figure,
    which is published on its own too, and heads each sheet of the workbook. The
    count is of the rows a reader sees with a ".." (a unit's row of the exit-reason table,
    not its reasons' rows in the CSV; no rows of tables published as CSV only).
    """
    tables_dir = Path(out) / "tables"
    figures_dir = Path(out) / "figures"
    blocks = []
    hidden_total = 0
    # the fields any section text may use
    fields = {"outcome": outcome_label(outcome, lang), "definition": outcome_definition(outcome, lang)}
    groups = _published_groups(sections, outcome)
    rates = next((s.tables["outcome_rates"] for s in sections if "outcome_rates" in s.tables), None)
    hidden: set[str] = set()
    done = {}
    sheets, without = [], []  # sections without a table: (heading, notes)
    exits = events = None
    pinned = _pinned_rejects(sections, min_cell)
    if rates is not None:  # first: the other tables hide the units the rates table hides
        done["outcome_rates"] = _suppress_rates(rates, min_cell)
        hidden = _units_hidden(done["outcome_rates"][0])
        units = rates[~_TOTALS["outcome_rates"](rates)]
        exits = pd.Series(pd.to_numeric(units["n"], errors="coerce").to_numpy(), index=units["unit"].astype(str))
        events = pd.Series(pd.to_numeric(units["events"], errors="coerce").to_numpy(), index=exits.index)
    for section in sections:
        published, hidden_cells = {}, {}
        for name, table in section.tables.items():
            totals = section.objects.get("cumulative_totals", {}).get(name)
            beside, held = exits, pinned
            if name == "reconciliation":  # a report of one period's exits: periods.loaded_beside_period
                beside = section.objects.get("all_exits", exits)
                held = pinned | {(unit, "episodes") for unit in section.objects.get("loaded_hidden", ())}
            forced = section.objects.get("hide", {}).get(name)  # rows the section knows must be hidden
            shown, _ = done.get(name) or _suppress(table, name, min_cell, groups, hidden, totals, beside, held,
                                                   events, forced)
            if name == "flows":
                shown = suppress_stock(shown, min_cell=min_cell)
            if name == "durations":
                shown = _repeated_counts_shown(table, shown)
            write_table(shown, tables_dir, name)
            published[name] = _page_order(name, _with_names(shown, unit_names or {}))
            hidden_cells[name] = shown.isna() & ~table.isna()
            hidden_total += _rows_shown_hidden(name, published[name], hidden_cells[name])
        inner = []
        text_key = f"{section.key}_text"
        units = section.tables["flows"]["unit"].nunique() if "flows" in section.tables else 0
        if units > FLOW_LINES:  # the figure draws the units' sum (plotting.flow_plot)
            text_key = "flow_text_total"
        if text_key in t:
            figures = _funnel_figures(section, published, t).format(**fields)
            inner.append(f"<p>{escape(t[text_key].format(**fields, units=units, figures=figures))}</p>")
        inner += [f"<p>{escape(line)}</p>" for line in section.lines]
        notes = casemix_notes(section.objects.get("casemix_only_in_one_unit", ()), min_cell=min_cell, lang=lang,
                              unit_names=unit_names)
        for note in notes + section.notes:
            inner.append(f"<p class='note'>{escape(note)}</p>")
        if "risk_adjusted" in section.objects:
            c = f"{section.objects['risk_adjusted'].c_statistic:.2f}".replace(".", "," if lang == "sv" else ".")
            inner.append(f"<p>{escape(t['c_statistic'].format(c=c, **fields))}</p>")
        if getattr(section.objects.get("funnel_risk_adjusted"), "phi", 1.0) > 1:  # its limits were widened
            inner.append(f"<p>{escape(t['oe_interval_vs_limits'])}</p>")
        for name, title, png, note in _figures(section, published, hidden_cells, t, lang, outcome,
                                               exits=_exits_shown(done, unit_names), stamp=stamp):
            if png is None:
                inner.append(f"<p class='note'>{escape(note)}</p>")
                continue
            atomic_write_bytes(figures_dir / f"{name}.png", png)
            inner.append(_html.figure_html(png, alt=title, caption=note))
        said = notes + section.notes  # the page's notes of the section: under its first sheet too
        # (or the sheet of the table they are about: the ranks, not the shrunken rates before them)
        under = section.objects.get("notes_under")
        under = under if under in published else next(iter(published), None)
        for name, shown in published.items():
            # a table's own title where the section's heading would repeat (table_<name>)
            title = t.get(f"table_{name}", t.get(name, name.replace("_", " "))).format(**fields)
            # a header without rows says nothing: say why there are none
            why = "" if len(shown) else t[_EMPTY.get(name, "empty_table")].format(outcome=outcome_label(outcome, lang))
            sheets.append(_sheet(name, title, shown, hidden_cells[name], why, lang))
            if name == under:
                sheets[-1].notes = said
            inner.append(f"<h3>{escape(title)}</h3>")
            if why:
                inner.append(f"<p class='note'>{escape(why)}</p>")
            elif name in _NOT_ON_PAGE:  # too long to read on a page; the figure shows it
                inner.append(f"<p class='meta'>"
                             f"{escape(t['not_on_page'].format(file=f'tables/{name}.csv'))}</p>")
            elif name == "exit_reasons":
                inner.append(_html.format_table(_reasons_wide(shown, lang), percent=False, lang=lang, name=name,
                                                outcome=outcome, csv_columns=_reason_columns(lang)))
                # which of these columns make up the outcome counted in the next section
                inner.append(f"<p class='meta'>{escape(fields['definition'])}</p>")
            else:
                inner.append(_html.format_table(shown, percent=name in _PROPORTIONS, lang=lang, name=name,
                                                hidden=hidden_cells[name], outcome=outcome))
            if name == "pairwise" and len(shown) > _html.MAX_ROWS:  # _page_order
                inner.append(f"<p class='meta'>{escape(t['pairwise_page_order'])}</p>")
            if name == "ranks":  # the units ranked: those whose counts are published
                inner.append(f"<p class='meta'>"
                             f"{escape(quarter_definition(len(section.tables[name]), lang))}</p>")
        heading = t.get(section.key, section.key).format(outcome=outcome_label(outcome, lang))
        blocks.append((section.key, heading, "".join(inner)))
        if not published and said:  # no sheet to say them under: the workbook's first sheet does
            without.append((heading, said))
    if day is not None:
        write_workbook(Path(out) / WORKBOOK_FILE, sheets, t=t, lang=lang, stamp=stamp, min_cell=min_cell, day=day,
                       outcome=outcome, without=without)
    return blocks, hidden_total


#: A durations table's counts that are the same in every row of a unit (its episodes and those
#: still open at as_of).
_PER_UNIT = ("n", "censored")


def _repeated_counts_shown(table: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """The durations' ``n`` and ``censored`` of a unit, the same in each of its rows, shown in
    every row where one row shows them: a cumulative incidence hidden for its step hid them
    although the unit's median row shows them one line above."""
    out = shown.copy()
    units = table["unit"].astype(str)
    for column in _PER_UNIT:
        if column not in table.columns:
            continue
        values = pd.to_numeric(table[column], errors="coerce")
        if values.groupby(units).nunique(dropna=False).gt(1).any():
            continue  # not one count per unit: nothing to fill from
        published = pd.to_numeric(out[column], errors="coerce").notna().groupby(units).transform("any")
        fill = published.to_numpy(dtype=bool) & out[column].isna().to_numpy(dtype=bool)
        out.loc[fill, column] = table.loc[fill, column].to_numpy()
    return out


def _rows_shown_hidden(name: str, shown: pd.DataFrame, hidden: pd.DataFrame) -> int:
    """Rows of the table as the page shows it that have a hidden cell."""
    if name in _NOT_ON_PAGE:
        return 0
    if name == "exit_reasons":  # one row per unit on the page
        return int(hidden.any(axis=1).groupby(shown["unit"].astype(str)).any().sum())
    return int(hidden.loc[shown.index[:_html.MAX_ROWS]].any(axis=1).sum())


def _page_order(name: str, shown: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order the page shows them. Pairs longer than the page: each unit against the
    rest of the network first, then the pairs that differ after adjustment, then the others
    (in name order, the page showed one unit's pairs with every other and nothing more)."""
    if name != "pairwise" or len(shown) <= _html.MAX_ROWS:
        return shown
    rest = shown["comparison"].astype(str).eq("unit vs rest").to_numpy()
    differ = (pd.to_numeric(shown["p_adjusted"], errors="coerce") < 0.05).fillna(False).to_numpy()
    return shown.iloc[np.argsort(np.where(rest, 0, np.where(differ, 1, 2)), kind="stable")]


def _sheet(name: str, title: str, shown: pd.DataFrame, hidden: pd.DataFrame, empty: str, lang: str) -> Sheet:
    """The workbook's sheet of a published table: the exit reasons one column per reason, as
    on the page (every missing count hidden), each naming its rows of the CSV's ``n``."""
    if name != "exit_reasons":
        return Sheet(name, title, shown, hidden, percent=name in _PROPORTIONS, empty=empty)
    wide = _reasons_wide(shown, lang)
    codes = _reason_columns(lang)
    return Sheet(name, title, wide, None, percent=False, empty=empty,
                 csv_columns={c: codes[c] for c in wide.columns if c in codes})


def _reason_columns(lang: str) -> dict[str, str]:
    """Each exit reason's column of :func:`_reasons_wide` (its label) -> the rows of the CSV it
    holds ("n (exit_reason = work)")."""
    return {code_label(r, lang): f"n (exit_reason = {r})" for r in REASON_ORDER}


def _reasons_wide(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per unit, one column per exit reason but those 0 in every unit (the table has every
    reason of each unit: build._flow)."""
    counts = shown.assign(n=pd.to_numeric(shown["n"], errors="coerce").astype("float64"))
    wide = counts.pivot_table(index="unit", columns="exit_reason", values="n", aggfunc="first",
                              dropna=False, observed=True, sort=False)  # hidden counts stay missing
    # as the figure orders them; not a column of zeros
    order = [r for r in REASON_ORDER if r in wide.columns and not wide[r].eq(0).all()]
    wide = wide[order].rename(columns=lambda r: code_label(str(r), lang))
    return wide.reset_index()


#: Tables whose count is cumulative within a group: (group columns, order column, count).
_CUMULATIVE = {"durations": (("unit", "quantity"), "days", "events")}


def hidden_units(rates: pd.DataFrame, *, min_cell: int) -> set[str]:
    """Return the units the report hides in its outcome-rates table (``unit``, ``n``, ``events``, network row).

    Hidden by their own counts or, by complementary suppression, to protect another unit
    against the network total. Each such unit is hidden in every table that publishes its
    counts again, and :mod:`amebench.report.build` leaves it out of the comparisons
    between units, whose fitted numbers would give its counts back.
    """
    return _units_hidden(_suppress_rates(rates, min_cell)[0])


def _suppress_rates(rates, min_cell: int):
    """Disclosure control of the outcome-rates table: the one that decides which units are hidden."""
    # its suppression uses neither the published outcome groups (exit reasons only) nor
    # units hidden elsewhere: it is the table that decides them
    return _suppress(rates, "outcome_rates", min_cell, groups=[], hidden_units=set())


def _units_hidden(shown_rates) -> set[str]:
    return set(shown_rates.loc[shown_rates["n"].isna(), "unit"].astype(str))


def _suppress(table, name: str, min_cell: int, groups: list[str], hidden_units: set[str], totals=None,
              exits: pd.Series | None = None, pinned: frozenset = frozenset(), events: pd.Series | None = None,
              forced: np.ndarray | None = None):
    """Apply disclosure control to one result table of the report; return (shown, rows hidden).

    ``totals``: the totals its cumulative counts grow to (:func:`suppress`'s ``cumulative_totals``).
    ``events``: each unit's exits to the outcome as the rates table has them: a retention
    ``n`` is taken as known only where it is that count (else it is a count like the others).
    ``exits``: each unit's exits as the rates table has them (unsuppressed), for counts that
    differ from them by a small number (:func:`_hidden_rows`); ``pinned``: :func:`_pinned_rejects`;
    ``forced``: rows to hide in any case (a section's ``objects["hide"][name]``).
    """
    total = _TOTALS.get(name)
    also_keep = _ALSO_KEEP.get(name, set())
    known = _KNOWN.get(name, ())
    if name == "retention_90" and not _same_counts(table, "n", events):
        known = ()
    return suppress(
        table,
        min_cell=min_cell,
        keep=[c for c in table.columns if c in _LABELS | also_keep],
        counts=[c for c in COUNT_COLUMNS if c in table.columns and c not in also_keep | set(known)],
        known=known,
        total_row=total(table) if total else None,
        groups=_GROUPS.get(name),
        subsets=_reason_subsets(table, groups) if name == "exit_reasons" else (),
        hide=_forced(_hidden_rows(table, name, min_cell, hidden_units, exits, pinned), forced),
        cumulative=_CUMULATIVE.get(name),
        cumulative_totals=totals,
        positive=name in _POSITIVE,
        alone=_ALONE.get(name),
    )


def _same_counts(table, column: str, counts: pd.Series | None) -> bool:
    """Whether ``table[column]`` is, unit by unit, the count ``counts`` (by unit id) holds."""
    if counts is None or column not in table.columns:
        return False
    mine = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    theirs = counts.reindex(table["unit"].astype(str)).to_numpy(dtype="float64", na_value=np.nan)
    return bool(table["unit"].is_unique and np.array_equal(mine, theirs, equal_nan=False))


def _forced(rows: np.ndarray | None, forced: np.ndarray | None) -> np.ndarray | None:
    """Rows hidden by either mask (None: none)."""
    if forced is None:
        return rows
    return np.asarray(forced, dtype=bool) if rows is None else rows | np.asarray(forced, dtype=bool)


def _hidden_rows(table, name: str, min_cell: int, hidden_units: set[str], exits=None,
                 pinned: frozenset = frozenset()) -> np.ndarray | None:
    """Rows hidden whatever their own counts: units hidden in the rates table (every row of the
    outcome by group when it is the network's row), small stocks,
    rows whose count differs from the unit's exits (published) by a small number: an episodes
    file's rows loaded (minus exits: the episodes still open) and the re-entry table's people
    who exited (exits minus them: repeated exits), and the files of ``pinned`` rejects."""
    rows = None
    if name in _SAME_UNITS or name == "reconciliation":  # a file's rows loaded: the unit's episodes
        rows = _unit_rows(table, hidden_units)
    if name == "reconciliation" and pinned:
        keys = zip(table["unit"].astype(str), table["table"].astype(str), strict=True)
        rows = rows | np.array([key in pinned for key in keys], dtype=bool)
    if name == "flows":  # through suppress, so that complementary suppression covers them
        return small_stock_rows(table, min_cell=min_cell)[1]
    if name == "outcome_by_group" and NETWORK in hidden_units:  # its levels add up to the published
        return np.ones(len(table), dtype=bool)  # units' exits; with the network's row hidden, hide all anyway
    if exits is not None and name in _BESIDE_EXITS:
        kind, column = _BESIDE_EXITS[name]
        mine = table["table"].astype(str).eq("episodes").to_numpy() if kind == "episodes" else np.ones(len(table), bool)
        units = table["unit"].astype(str)
        count = pd.to_numeric(table[column], errors="coerce").where(mine).groupby(units).sum(min_count=1)
        gap = (count - exits.reindex(count.index)).abs()
        small = set(gap.index[(gap > 0) & (gap < min_cell)])
        beside = mine & units.isin(small).to_numpy()
        rows = beside if rows is None else rows | beside
    return rows


def _pinned_rejects(sections, min_cell: int) -> frozenset:
    """(unit, table) of files whose reject reasons are all hidden and yet each known to lie in
    1 … S - (k - 1) < min_cell, S the file's rows rejected (published), k its reasons: their
    rows of the reconciliation are hidden, S with them (5 rejected rows, reasons 4 and 1)."""
    tables = [s.tables["rejects_by_reason"] for s in sections if "rejects_by_reason" in s.tables]
    if not tables or tables[0].empty or "n" not in tables[0].columns:
        return frozenset()
    pinned = set()
    for (unit, table), reasons in tables[0].groupby(["unit", "table"], dropna=False, observed=True, sort=False):
        counts = pd.to_numeric(reasons["n"], errors="coerce")
        # a total below min_cell is hidden itself (rows rejected is a small count): nothing to pin to
        if len(reasons) < 2 or counts.sum() < min_cell or counts.sum() - (len(reasons) - 1) >= min_cell:
            continue
        shown, _ = suppress(reasons, min_cell=min_cell, keep=("unit", "table", "reason"), counts=["n"],
                            groups=(), positive=True)
        if shown["n"].isna().all():
            pinned.add((str(unit), str(table)))
    return frozenset(pinned)


def _published_groups(sections, outcome: str) -> list[str]:
    """Outcome groups whose counts the report publishes: the outcome, and each cumulative incidence."""
    groups = [outcome]
    for section in sections:
        quantities = section.tables.get("durations", pd.DataFrame(columns=["quantity"]))["quantity"]
        groups += [q[len("cif_"):] for q in quantities.astype(str).unique() if q.startswith("cif_")]
    return list(dict.fromkeys(groups))


def _reason_subsets(table, groups) -> list[np.ndarray]:
    """Rows of exit reasons in, and not in, each published outcome group.

    A unit's outcome count is the sum of its reasons in the group (and its exits minus
    that count the sum of the others): one hidden reason among either would be given back.
    """
    reasons = table["exit_reason"].astype(str)
    subsets = []
    for group in groups:
        inside = reasons.isin(outcome_reasons(group)).to_numpy()
        subsets += [inside, ~inside]
    return subsets


def _unit_rows(table, units: set[str]) -> np.ndarray:
    """Rows of ``table`` that name one of ``units`` (as ``unit``, ``unit_a`` or ``unit_b``)."""
    rows = np.zeros(len(table), dtype=bool)
    for column in ("unit", "unit_a", "unit_b"):
        if column in table.columns:
            rows |= table[column].astype(str).isin(units).to_numpy()
    return rows


def _with_names(table, names):
    """Return ``table`` with unit ids replaced by unit names for display, rows in the names'
    order (as the figures list them; a unit's own rows keep their order, totals come last)."""
    columns = [c for c in ("unit", "unit_a", "unit_b") if c in table.columns]
    if not names or not columns:
        return table
    shown = table.assign(**{c: table[c].map(lambda u: names.get(u, u)) for c in columns})
    if "unit" not in table.columns:
        return shown
    keys = [(u not in names, name_key(names.get(u, u))) for u in table["unit"]]
    return shown.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


def _exits_shown(done, unit_names) -> pd.Series | None:
    """Each unit's exits as the outcome-rate table publishes them (by display name; missing
    where hidden): what the exit-reason figure's bars are shares of."""
    if "outcome_rates" not in done:
        return None
    rates = done["outcome_rates"][0]
    rates = _with_names(rates[~_TOTALS["outcome_rates"](rates)], unit_names or {})  # units only
    exits = pd.to_numeric(rates.set_index("unit")["n"], errors="coerce")
    return exits[~exits.index.duplicated(keep=False)]  # two units of one name: which is which is unknown


def _figures(section, published, hidden_cells, t, lang, outcome, *, exits=None, stamp: str = ""):
    """Yield (name, title, PNG bytes, note) for the figures of a section, drawn from published tables.

    ``note`` names the units a figure leaves out because disclosure control hid their
    estimate, or left them out of the comparison (``section.objects["left_out"]``, names),
    and those a comparison left out because most of their exits have no known reason
    (``section.objects["no_reasons"]``); empty when none. It is drawn under the figure and shown under it on the page.
    A figure with no unit left to draw is not drawn (PNG bytes None): the note stands alone.
    ``stamp`` is drawn under the note in the PNG alone (the page says it once, at the top).
    """
    import matplotlib

    matplotlib.use("Agg")
    from .. import plotting
    from ..labels import figure_text

    def left_out(table: str, column: str = "estimate") -> str:
        shown = published[table]
        hidden = hidden_cells[table][column].reindex(shown.index).to_numpy(dtype=bool)  # in the page's order
        units = list(dict.fromkeys(shown.loc[hidden, "unit"].astype(str)))
        # units the comparisons left out have no row at all (build.py): named after the hidden rows
        units += [u for u in section.objects.get("left_out", ()) if u not in set(shown["unit"].astype(str))]
        notes = [left_out_note(units, lang)] if units else []
        # rows without an estimate that disclosure control did not hide (a unit without a
        # survey, say): the figure cannot draw them, the table says why
        empty = shown[column].isna().to_numpy() & ~hidden & (shown["unit"].astype(str) != "network").to_numpy()
        if empty.any():
            notes.append(t["fig_no_estimate"].format(units=join_names(list(shown.loc[empty, "unit"].astype(str)),
                                                                      lang)))
        unreasoned = [u for u in section.objects.get("no_reasons", ()) if u not in set(shown["unit"].astype(str))]
        if unreasoned:
            notes.append(t["fig_no_reasons"].format(units=join_names(unreasoned, lang)))
        return " ".join(notes)

    png = functools.partial(_png, stamp=stamp)
    group = outcome_label(outcome, lang)
    axis = {
        "outcome_rates": figure_text("rate_at_exit", lang, outcome=group),
        "retention_90": figure_text("retained_axis", lang, outcome=group),
        "reentry_365": figure_text("reentry_axis", lang),
        "welfare_delta": figure_text("welfare_axis", lang),
    }
    draw = {
        "flow": [("flows", plotting.flow_plot, "flows", {}),
                 ("exit_reasons", plotting.exit_reason_plot, "exit_reasons", {"exits": exits})],
        "outcome": [("outcome_rates", plotting.caterpillar_plot, "outcome_rates", {"xlabel": axis["outcome_rates"]})],
        "retention": [("retention_90", plotting.caterpillar_plot, "retention_90", {"xlabel": axis["retention_90"]})],
        "reentry": [("reentry_365", plotting.caterpillar_plot, "reentry_365", {"xlabel": axis["reentry_365"]})],
        "welfare": [("welfare_delta", plotting.caterpillar_plot, "welfare_delta", {"xlabel": axis["welfare_delta"],
                                                                                   "zero": True})],
        "ranks": [("ranks", plotting.rank_plot, "ranks", {})],
    }.get(section.key, [])
    for name, function, table, options in draw:
        if table in published and len(published[table]):
            title = t.get(f"fig_{name}", t.get(name, "")).format(outcome=group)
            per_unit = function not in (plotting.flow_plot, plotting.exit_reason_plot)  # those mark hidden counts
            rows = _rows_drawn(published[table]) if function is not plotting.flow_plot else None
            note = left_out(table) if per_unit else ""
            if per_unit and published[table]["estimate"].isna().all():
                yield name, title, None, note  # nothing to draw: the note alone
                continue
            if per_unit:  # the count at the right under the table's own name for it ("Exits", "Households")
                options = {**options, "count_label": _count_label(published[table], table, lang, outcome)}
            if function is plotting.exit_reason_plot:  # its legend, beside the bars, must fit the figure
                options = {**options, "min_height": _reasons_height(published[table])}
            yield name, title, png(function, published[table], title, lang, rows=rows, note=note, **options), note
    if section.key == "funnel":
        for name in ("funnel_raw", "funnel_risk_adjusted"):
            if name in section.objects:
                result = dataclasses.replace(section.objects[name], table=published[name])
                note = left_out(name)
                yield name, t.get(name, ""), png(plotting.funnel_plot, result, t.get(name, ""), lang, note=note,
                                                  target_label=figure_text("network_rate" if name == "funnel_raw"
                                                                           else "as_expected", lang),
                                                  outcome=outcome), note
        if "risk_adjusted" in published:
            title = t["fig_observed_expected"]
            note = left_out("risk_adjusted", "oe_ratio")
            if published["risk_adjusted"]["oe_ratio"].isna().all():
                yield "observed_expected", title, None, note  # no unit could be adjusted: the note alone
                return
            yield "observed_expected", title, png(plotting.oe_plot, published["risk_adjusted"], title, lang,
                                                   rows=_rows_drawn(published["risk_adjusted"], "oe_ratio"),
                                                   note=note,
                                                   count_label=_count_label(published["risk_adjusted"],
                                                                            "risk_adjusted", lang, outcome)), note


def _funnel_figures(section, published: dict, t: dict) -> str:
    """The funnel text's sentence on its figures, as :func:`_figures` draws them ("" for
    another section, or when none is drawn: the section says why; diff review: the text named
    three figures where one was drawn)."""
    if section.key != "funnel" or "funnel_raw" not in section.objects:
        return ""
    if "funnel_risk_adjusted" not in section.objects:
        return t["funnel_figures_raw"]
    adjusted = published.get("risk_adjusted")
    if adjusted is None or adjusted["oe_ratio"].isna().all():
        return t["funnel_figures_adjusted"]
    return t["funnel_figures_all"]


def _count_label(table: pd.DataFrame, name: str, lang: str, outcome: str) -> str | None:
    """Return the label of the counts a one-row-per-unit figure of table ``name`` writes at the right."""
    column = count_column(table)
    return column_label(column, lang, table=name, outcome=outcome) if column else None


def _rows_drawn(table: pd.DataFrame, column: str = "estimate") -> int:
    """Return the rows a one-row-per-unit figure draws: units with a shown ``column`` (every
    unit when the table has none), not the network's row (a line, not a row)."""
    if "group" in table.columns:  # as caterpillar_plot draws them
        table = table[table["group"].astype(str) == "participants"]
    if column in table.columns:
        table = table[table[column].notna()]
    units = table["unit"].astype(str)
    return units[units != "network"].nunique()


#: Figure width and height (inches); a figure with one row per unit grows with the rows it
#: draws, up to NAMED_ROWS rows; an overview of more rows has a fixed height.
_FIGSIZE = (8.0, 5.0)
_ROW_INCHES, _FRAME_INCHES, _MIN_HEIGHT = 0.38, 1.5, 2.6
_OVERVIEW_HEIGHT = 8.0


#: Height (inches) of a figure whose legend of n lines stands beside its axes (exit reasons:
#: up to 13 reasons, the hidden part and a note of two lines) is at least frame + n x line.
_LEGEND_FRAME_INCHES, _LEGEND_LINE_INCHES = 1.1, 0.15


def _reasons_height(table: pd.DataFrame) -> float:
    """The least height (inches) of the exit-reasons figure: its legend beside the bars has a
    line for each reason, one for the hidden part and two for the note on shares."""
    return _LEGEND_FRAME_INCHES + _LEGEND_LINE_INCHES * (table["exit_reason"].nunique() + 3)


#: Height (inches) kept under a figure for a note of one line, and for each further line.
_NOTE_INCHES, _NOTE_LINE_INCHES = 0.45, 0.16
#: Space (inches) between a note and the bottom of the figure.
_NOTE_MARGIN_INCHES = 0.1
#: Characters per line of a figure's note.
_NOTE_WIDTH = 110


def _png(function, data, title: str, lang: str, rows: int | None = None, note: str = "", stamp: str = "",
         min_height: float = 0.0, **options) -> bytes:
    import matplotlib.pyplot as plt

    if rows is None:
        height = _FIGSIZE[1]
    elif rows > NAMED_ROWS:
        height = _OVERVIEW_HEIGHT
    else:
        height = max(_MIN_HEIGHT, _FRAME_INCHES + _ROW_INCHES * rows)
    height = max(height, min_height)
    note = "\n".join(textwrap.fill(text, _NOTE_WIDTH) for text in (note, stamp) if text)
    note_inches = _NOTE_INCHES + _NOTE_LINE_INCHES * note.count("\n") if note else 0.0
    height += note_inches
    fig, ax = plt.subplots(figsize=(_FIGSIZE[0], height), dpi=110)
    try:
        function(data, ax=ax, lang=lang, **options)
        ax.set_title(title, loc="left", fontsize="medium")
        if note:  # the PNG is published on its own too: it says which units it leaves out, and whose data
            fig.text(0.01, _NOTE_MARGIN_INCHES / height, note, fontsize="small", color="#57606a", ha="left",
                     va="bottom")
        fig.tight_layout(rect=(0, note_inches / height, 1, 1))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(fig)

