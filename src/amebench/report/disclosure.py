"""Statistical disclosure control for published tables (DESIGN.md §6).

The analysis functions return unsuppressed numbers to the analyst. Everything that
is *published* (the report, its CSV/Parquet tables, its figures) first passes
through :func:`suppress`:

1. **Primary suppression.** A count below ``min_cell`` is hidden. For a proportion
   the hidden cell is also the complement ``n - events``: when it is below
   ``min_cell``, ``events`` would reveal it, so ``events`` is hidden too.
2. **Derived values.** Wherever a count of a row is hidden, that row's estimate,
   interval and every other value computed from the counts are hidden as well.
3. **Complementary suppression.** When rows add up to a published total (a
   ``total_row`` of the table, or a total published in another table: ``groups``)
   and exactly one of them is hidden, the total minus the others would reveal it:
   the visible row with the smallest count is hidden too. Likewise while the hidden
   rows of a set add up to a small count (1 … ``min_cell`` − 1) in any count column:
   the total minus the visible rows would reveal that sum (a hidden 3 beside a hidden
   0, or a hidden 1 beside a hidden 3). Rows whose count is 0 where the hidden sum is
   small are chosen last, since a zero shown elsewhere protects nothing. In a table whose
   hidden counts a reader knows to be at least 1 (``positive``: a row only for what
   occurred), k hidden counts adding up to S each lie in 1 … S − (k − 1), which must
   reach ``min_cell`` too.
4. **Consistency across tables.** The same counts published in several tables (a
   unit's outcome counts in the rates, funnel, ranks and pairwise tables) are hidden
   for the same rows everywhere (``hide``): a row hidden in one table by
   complementary suppression must not be shown in another.

Counts a table publishes in another form are checked as counts too: a share with
its denominator (``share_no_payment`` × ``eligible`` is a number of households), and
the steps of a cumulative count (``cumulative``: the events between two days of a
cumulative incidence are a count of their own, so a row is hidden when its step
from the last shown row of its group is small; and the group's total published
elsewhere, ``cumulative_totals``, minus the last shown row is one too: the exits to work
later than day 365 are a unit's exits to work minus those by day 365).

A row with any hidden count is hidden whole (all but its label columns and its
``known`` totals), so no count of it can be derived from the others; the one exception
is a count given as ``alone`` (the retention's exits not yet observable), hidden with only
what is computed from it where the counts it is part of are large enough that it cannot
make them small (at least 2 min_cell − 1). A known total
(such as the number of rows a file has) stays visible unless it is small itself:
with the other counts of its row hidden, nothing can be derived from it.

Counts of zero are published: the threshold rule applies to counts 1 … min_cell − 1
(a zero reveals no individual's record, and hiding zeros would hide most of a
monthly flow table).

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4
(primary and secondary suppression in frequency tables).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..exceptions import AmebenchError

__all__ = ["suppress", "suppress_stock", "small_stock_rows", "DEFAULT_MIN_CELL", "COUNT_COLUMNS",
           "visible_small_counts"]

DEFAULT_MIN_CELL = 5

#: Columns holding counts of people or episodes (integers that can identify someone).
COUNT_COLUMNS: tuple[str, ...] = (
    "n", "events", "eligible", "censored", "respondents", "non_respondents", "observed",
    "n_a", "n_b", "events_a", "events_b", "inflow", "outflow", "stock",
    "rows_read", "rows_loaded", "rows_rejected", "rows_repeated", "persons", "episodes",
)

#: (share, denominator): share x denominator is a count, and so is denominator minus it.
_SHARES: tuple[tuple[str, str], ...] = (("share_no_payment", "eligible"),)

#: Pairs (part, whole) where ``whole - part`` is itself a count that must not be small.
_COMPLEMENTS: tuple[tuple[str, str], ...] = (
    ("events", "n"),
    ("events_a", "n_a"),
    ("events_b", "n_b"),
    ("respondents", "eligible"),
    ("events", "respondents"),  # respondents not retained
    ("events", "eligible"),  # observable people without the event (re-entry, retention)
    ("observed", "n"),  # exits of a calibration group without the outcome (6 exits, 5 observed: 1)
)


def suppress(
    table: pd.DataFrame,
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    counts: Sequence[str] | None = None,
    keep: Sequence[str] = (),
    known: Sequence[str] = (),
    total_row: pd.Series | None = None,
    groups: Sequence[str] | None = None,
    subsets: Sequence[np.ndarray] = (),
    hide: np.ndarray | None = None,
    cumulative: tuple[Sequence[str], str, str] | None = None,
    cumulative_totals: Mapping[tuple, float] | None = None,
    positive: bool = False,
    alone: tuple[str, Sequence[str], Sequence[tuple[str | None, str]]] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Return ``table`` with small counts and everything derived from them hidden.

    Parameters
    ----------
    table
        A result table (tidy; one row per group).
    min_cell
        Smallest count that may be published.
    counts
        Count columns to check; default: the columns of :data:`COUNT_COLUMNS` present.
    keep
        Columns never hidden (labels such as ``unit``, ``method``, ``conf_level``).
        Grouping columns should be listed here.
    known
        Count columns that are totals of their row known outside the table (rows
        read from a file): hidden only where they are small themselves or their row
        is in ``hide``.
    total_row
        A boolean mask of rows that are totals of the other rows (e.g. a network row);
        used for complementary suppression. Without it, no total is assumed.
    groups
        Columns whose rows add up to a total published elsewhere (the exit reasons
        of a unit add up to its exits): complementary suppression within each group.
        ``()`` makes the whole table one group; None (default) assumes no such total.
    subsets
        Boolean row masks, each a set of rows whose sum is published elsewhere (the
        exit reasons that make up the outcome count, and the rest of the reasons). With
        ``groups``, each subset is checked within each group only (its sum over the
        groups follows from theirs). Complementary suppression is repeated until no group
        or subset has exactly one hidden row.
    hide
        A boolean mask of rows to hide in any case (rows hidden in another table that
        publishes the same counts).
    cumulative
        ``(group columns, order column, count column)`` of a table whose count is
        cumulative within each group (events by day 90, 180, 365): a row is hidden when
        its count exceeds the last shown row's of its group by 1 … ``min_cell`` − 1.
    cumulative_totals
        For ``cumulative``: the total each group's count grows to, published elsewhere,
        by the group's key (a tuple of its group columns' values as text). The rows of a
        group are hidden from the last while the total differs from the last shown by
        1 … ``min_cell`` − 1.

    positive
        Every row's count is at least 1 and a reader knows it (a table with a row only
        for what occurred, such as rejects by reason): k hidden counts adding up to S
        then each lie in 1 … S − (k − 1), which must reach ``min_cell``.

    alone
        ``(count, derived, guards)``: a count whose being small hides only itself and the
        ``derived`` columns computed with it, not its row, where nothing else of the row
        is small and every guard (``(part, whole)``: ``whole - part``, or ``whole`` with
        part None) is at least 2 min_cell − 1 (the counts it is part of then stay at
        min_cell or more whatever it is). The retention's not yet observable exits:
        ``("censored", ("eligible", "non_respondents", …), ((None, "n"), ("events", "n"),
        ("respondents", "n")))``.

    Returns
    -------
    (DataFrame, int)
        The suppressed table (hidden cells are missing; numeric columns become
        nullable) and the number of rows with anything hidden.
    """
    if min_cell < 1:
        raise AmebenchError(f"min_cell must be at least 1, not {min_cell}")
    out = table.copy()
    if counts is None:
        counts = [c for c in COUNT_COLUMNS if c in out.columns]
    keep = set(keep)
    known = set(known)
    hide_row = np.zeros(len(out), dtype=bool)
    alone_small = np.zeros(len(out), dtype=bool)
    for col in counts:
        small = _small(pd.to_numeric(out[col], errors="coerce"), min_cell)
        if alone is not None and col == alone[0]:
            alone_small = small  # decided below, once the row's other counts are known
        else:
            hide_row |= small
    for part, whole in _COMPLEMENTS:
        if part in out.columns and whole in out.columns:
            rest = pd.to_numeric(out[whole], errors="coerce") - pd.to_numeric(out[part], errors="coerce")
            hide_row |= _small(rest, min_cell)
    for share, whole in _SHARES:
        if share in out.columns and whole in out.columns:
            total = pd.to_numeric(out[whole], errors="coerce")
            part = (pd.to_numeric(out[share], errors="coerce") * total).round()
            hide_row |= _small(part, min_cell) | _small(total - part, min_cell)
    forced = np.zeros(len(out), dtype=bool) if hide is None else np.asarray(hide, dtype=bool)
    hide_row |= forced
    # a small ``alone`` count hides only itself and its derived cells where nothing else of the
    # row is small and every count it gives back in part stays at min_cell or more
    cells = alone_small & ~hide_row & _wide_enough(out, alone[2], min_cell) if alone is not None else alone_small
    hide_row |= alone_small & ~cells
    if cumulative is not None:
        _hide_small_steps(out, hide_row, *cumulative, min_cell=min_cell, totals=cumulative_totals or {})
    # with groups, a subset's sum over the whole table is the sum of the groups' own subsets,
    # each published and protected: checking it as well only hides rows of groups with no small count
    sets = [np.asarray(m, dtype=bool) for m in subsets] if groups is None else []
    if total_row is not None:
        sets.append(~np.asarray(total_row, dtype=bool))
    if groups is not None:
        keys = [out[c].astype(str) for c in groups] or [pd.Series(0, index=out.index)]
        for rows in out.groupby(keys, sort=False).indices.values():
            members = np.zeros(len(out), dtype=bool)
            members[rows] = True
            sets += [members & m for m in subsets] + [members]  # the finer sets first: fewer rows hidden
    # the counts as numbers (missing: 0), and the size each complement is chosen by (n, else
    # the first count; missing: never chosen before a known size), converted once for every set
    values = {c: pd.to_numeric(out[c], errors="coerce").to_numpy(dtype="float64", na_value=0.0)
              for c in counts if c in out.columns}
    # and the complements: hidden rows whose exits add up to 9 and exits to the outcome to 7 give
    # away that 2 did not reach it (review 47), as a single row's n - events would
    values.update({f"{whole} - {part}": values[whole] - values[part] for part, whole in _COMPLEMENTS
                   if part in values and whole in values})
    size_col = next((c for c in ("n", *counts) if c in out.columns), None)
    if size_col is not None:
        sizes = pd.to_numeric(out[size_col], errors="coerce").to_numpy(dtype="float64", na_value=np.inf)
        while any([_complementary(hide_row, members, values, sizes, min_cell, positive) for members in sets]):
            pass  # hiding a row in one set can leave another set with one hidden row
    cells &= ~hide_row  # complementary suppression may have hidden such a row whole
    if hide_row.any() or cells.any():
        for col in out.columns:
            if col in keep:
                continue
            mask = (_small(pd.to_numeric(out[col], errors="coerce"), min_cell) | forced) if col in known else hide_row
            if alone is not None and (col == alone[0] or col in alone[1]):
                mask = mask | cells
            if pd.api.types.is_bool_dtype(out[col]) or pd.api.types.is_numeric_dtype(out[col]):
                out[col] = _nullable(out[col])
            else:
                out[col] = out[col].astype("object")
            out.loc[mask, col] = pd.NA
    return out, int((hide_row | cells).sum())


def _wide_enough(table: pd.DataFrame, guards, min_cell: int) -> np.ndarray:
    """Rows where each guard's count (``whole``, or ``whole - part``) is at least 2 min_cell - 1:
    minus a hidden count of 1 … min_cell - 1 it still lies at min_cell or above."""
    ok = np.ones(len(table), dtype=bool)
    for part, whole in guards:
        count = pd.to_numeric(table[whole], errors="coerce")
        if part is not None:
            count = count - pd.to_numeric(table[part], errors="coerce")
        ok &= (count >= 2 * min_cell - 1).to_numpy(dtype=bool, na_value=False)
    return ok


def _small(values: pd.Series, min_cell: int) -> np.ndarray:
    values = values.to_numpy(dtype="float64", na_value=np.nan)
    return ~np.isnan(values) & (values > 0) & (values < min_cell)


def _complementary(hide_row, members, values: dict, sizes: np.ndarray, min_cell: int, positive: bool = False) -> bool:
    """Hide one more visible member of ``members`` when exactly one of them is hidden, or when
    the hidden ones add up to a small count in some column; say if it did.

    The member hidden is the smallest (by ``n``, else the first count) among those with a
    count above 0 in the columns whose hidden sum is small, else the smallest of all.
    """
    hidden = members & hide_row
    if not hidden.any() or members.sum() < 2:
        return False
    # with ``positive`` (a row exists only with a count), each of k hidden counts adding up to S
    # lies in 1 … S - (k - 1): small unless that reaches min_cell (two adding up to 5 are each 1 … 4)
    floor = (lambda v: max(int((v > 0).sum()) - 1, 0)) if positive else (lambda v: 0)
    small_sums = [c for c, v in values.items() if 0 < v[hidden].sum() - floor(v[hidden]) < min_cell]
    if hidden.sum() != 1 and not small_sums:
        return False
    candidates = np.where(members & ~hide_row)[0]
    if not len(candidates):
        return False
    # a count of 2 or more widens that range (with ``positive``; otherwise any count above 0)
    least = 2 if positive else 1
    useful = [i for i in candidates if all(values[c][i] >= least for c in small_sums)] if small_sums else []
    pool = np.asarray(useful or candidates)
    hide_row[pool[np.argmin(sizes[pool])]] = True
    return True


def _hide_small_steps(table, hide_row, keys, order: str, column: str, *, min_cell: int, totals: Mapping) -> None:
    """Hide rows whose cumulative ``column`` exceeds the last shown row of their group by a
    small step, and the last rows of a group while its total exceeds them by a small step."""
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    ordered = table.reset_index(drop=True).sort_values([*keys, order], kind="stable", na_position="first")
    for key, rows in ordered.groupby([ordered[k].astype(str) for k in keys], sort=False).indices.items():
        last = 0.0
        shown = []
        for i in ordered.index[rows]:
            if hide_row[i] or np.isnan(values[i]):
                continue
            if 0 < abs(values[i] - last) < min_cell:
                hide_row[i] = True
            else:
                last = values[i]
                shown.append(i)
        total = totals.get(key if isinstance(key, tuple) else (key,))
        while total is not None and shown and 0 < abs(total - values[shown[-1]]) < min_cell:
            hide_row[shown.pop()] = True


def small_stock_rows(table: pd.DataFrame, *, min_cell: int = DEFAULT_MIN_CELL, stock: str = "stock",
                     by: Sequence[str] = ("unit",), order: str = "month") -> tuple[np.ndarray, np.ndarray]:
    """Return (rows whose stock is small, those rows and the month after each) as masks.

    ``stock[t] = stock[t-1] + inflow[t] - outflow[t]``: a hidden stock of month t could
    be recomputed from month t-1 or from month t+1, so the flows of both months must be
    hidden with it. Months are ordered by ``order`` within ``by``. Zero stocks are shown.
    """
    small = pd.Series(_small(pd.to_numeric(table[stock], errors="coerce"), min_cell), index=table.index)
    if not small.any():
        return small.to_numpy(), small.to_numpy()
    ordered = table.sort_values([*by, order], kind="stable")
    in_order = small.loc[ordered.index]
    following = in_order.groupby([ordered[c] for c in by], sort=False).shift(1, fill_value=False).astype(bool)
    return small.to_numpy(), (small | following.loc[table.index]).to_numpy()


def suppress_stock(table: pd.DataFrame, *, min_cell: int = DEFAULT_MIN_CELL, stock: str = "stock",
                   flows: Sequence[str] = ("inflow", "outflow"), by: Sequence[str] = ("unit",),
                   order: str = "month") -> pd.DataFrame:
    """Hide small stocks of a monthly flow table and the flows of their month and the next.

    See :func:`small_stock_rows`. Where the flows also add up to totals published
    elsewhere, pass those rows to :func:`suppress` as ``hide`` first, so complementary
    suppression covers them.
    """
    small, rows = small_stock_rows(table, min_cell=min_cell, stock=stock, by=by, order=order)
    out = table.copy()
    if not small.any():
        return out
    for col in (stock, *flows):
        out[col] = _nullable(out[col])
    out.loc[small, stock] = pd.NA
    out.loc[rows, list(flows)] = pd.NA
    return out


def _nullable(series: pd.Series) -> pd.Series:
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series.astype("Int64" if pd.api.types.is_integer_dtype(series) else "boolean")
    return series.astype("Float64")


def visible_small_counts(table: pd.DataFrame, *, min_cell: int,
                         counts: Sequence[str] | None = None) -> list[tuple[int, str, float]]:
    """Return (row, column, value) of every visible count in 1 … min_cell − 1 (for checks)."""
    if counts is None:
        counts = [c for c in COUNT_COLUMNS if c in table.columns]
    found = []
    for col in counts:
        values = pd.to_numeric(table[col], errors="coerce")
        for i in np.where(values.notna() & (values > 0) & (values < min_cell))[0]:
            found.append((int(i), col, float(values.iloc[i])))
    return found
