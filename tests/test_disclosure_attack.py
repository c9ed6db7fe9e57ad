"""An attacker's audit of the report's disclosure control.

The disclosure review of 2026-12-06 recovered hidden counts from what the report publishes
beside them (a unit's open episodes as its episodes file's rows loaded minus its exits;
hidden exit reasons known to be at least 1). This is its method as a regression test: run
:func:`benchmark_report`, keep the unsuppressed sections, read the published CSV files back,
write down every linear relation between counts that a reader of the report knows (each
checked on the true values first, so that the model cannot drift from the report), and bound
every hidden count, and every difference of counts a reader would look at, by integer linear
programming (scipy ``milp``, HiGHS). Disclosure control holds when no bound pins a count to
1 … min_cell − 1 (Hundepool et al. 2012, *Statistical Disclosure Control*, ch. 4: a hidden
cell is protected when the interval a reader can compute for it is wide enough).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

import amebench
import amebench.report as report
from amebench.network import Network
from amebench.report.disclosure import COUNT_COLUMNS
from amebench.schema import outcome_reasons

# reports built here lay their figures out without rendering them (conftest)
pytestmark = pytest.mark.usefixtures("figures_unrendered")


def _report(network, out, monkeypatch, *, min_cell, outcome):
    """The report's unsuppressed tables and the tables it published, row by row."""
    captured = []

    def spy(sections, *args, **kwargs):
        captured.extend(sections)
        return publish(sections, *args, **kwargs)

    publish = report.publish
    monkeypatch.setattr(report, "publish", spy)
    report.benchmark_report(network, out, min_cell=min_cell, outcome=outcome)
    raw, shown = {}, {}
    for section in captured:
        for name, table in section.tables.items():
            raw[name] = table.reset_index(drop=True)
            shown[name] = pd.read_csv(out / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)
            labels = [c for c in ("unit", "unit_a", "unit_b", "quantity", "month", "exit_reason", "table", "file",
                                  "reason", "group") if c in raw[name].columns]
            assert len(shown[name]) == len(raw[name]), name
            for column in labels:  # the published rows are the computed rows, in order
                assert (shown[name][column] == raw[name][column].astype(str).replace("nan", "")).all(), (name, column)
    return raw, shown


class Reader:
    """What a reader of the report knows: published counts, and relations between all counts."""

    def __init__(self, raw, shown, min_cell):
        self.raw, self.shown, self.min_cell = raw, shown, min_cell
        self.cells = {}  # (table, row, column) -> (true value, published value or None)
        self.relations = []  # (coefficients, low, high, why): low <= sum(c * x) <= high
        self.targets = []  # (why, coefficients): counts a reader would look at

    def x(self, table, row, column):
        key = (table, int(row), column)
        if key not in self.cells:
            true = self.raw[table].at[row, column]
            published = self.shown[table].at[row, column]
            self.cells[key] = (float(true) if pd.notna(true) else np.nan,
                               float(published) if published != "" else None)
        return key

    def rows(self, _table, **where):
        if _table not in self.raw:
            return []
        t = self.raw[_table]
        mask = np.ones(len(t), dtype=bool)
        for column, value in where.items():
            mask &= (t[column].astype(str) == str(value)).to_numpy()
        return list(np.flatnonzero(mask))

    def relation(self, coefficients, why, low=0.0, high=0.0):
        """A relation every report has; it must hold on the true counts (else this model is wrong)."""
        values = [self.cells[k][0] for k in coefficients]
        if any(np.isnan(v) for v in values):
            return
        total = sum(c * v for c, v in zip(coefficients.values(), values))
        assert low - 1e-6 <= total <= high + 1e-6, f"the reader's relation '{why}' does not hold: {total}"
        self.relations.append((coefficients, low, high, why))

    def at_most(self, smaller, larger, why):
        self.relation({smaller: 1, larger: -1}, why, low=-np.inf)

    def rate(self, table, row, estimate, events, n):
        """A published rate events / n: a linear relation between the two counts."""
        text = self.shown[table].at[row, estimate]
        if text == "":
            return
        r = float(text)
        rounding = 0.5 * 10.0 ** Decimal(text).as_tuple().exponent  # 6 or 9 significant digits
        e, m = self.x(table, row, events), self.x(table, row, n)
        self.relation({e: 1, m: -(r + rounding)}, f"{table} {estimate}", low=-np.inf)
        self.relation({e: 1, m: -(r - rounding)}, f"{table} {estimate}", high=np.inf)

    def target(self, why, coefficients):
        if not any(np.isnan(self.cells[k][0]) for k in coefficients):
            self.targets.append((why, coefficients))

    def build(self, outcome):
        raw = self.raw
        for name, table in raw.items():  # every count is a cell, shown or hidden
            for column in table.columns:
                if column in COUNT_COLUMNS and pd.api.types.is_numeric_dtype(table[column]):
                    for i in range(len(table)):
                        self.x(name, i, column)
        rates = raw["outcome_rates"]
        units = [u for u in rates["unit"].astype(str) if u != "network"]
        network = self.rows("outcome_rates", unit="network")[0]

        def exits(u):
            return self.x("outcome_rates", self.rows("outcome_rates", unit=u)[0], "n")

        def outcomes(u):
            return self.x("outcome_rates", self.rows("outcome_rates", unit=u)[0], "events")

        for column in ("n", "events"):
            self.relation({**{self.x("outcome_rates", self.rows("outcome_rates", unit=u)[0], column): 1
                              for u in units}, self.x("outcome_rates", network, column): -1},
                          f"the network's {column} is the units' sum")
        for i in range(len(rates)):
            self.at_most(self.x("outcome_rates", i, "events"), self.x("outcome_rates", i, "n"), "events <= exits")
            self.rate("outcome_rates", i, "estimate", "events", "n")
        self._exit_reasons(units, exits, outcomes, outcome)
        self._same_counts(units, exits, outcomes, network)
        self._calibration(network)
        self._by_group(units)
        self._durations(units, exits, outcomes, outcome)
        self._flows(units, exits)
        self._retention(units, outcomes)
        self._reentry(units, exits)
        self._welfare(units)
        self._reconciliation()
        for name, table in raw.items():  # complements a reader would look at
            for part, whole in (("events", "n"), ("observed", "n"), ("respondents", "eligible"),
                                ("events", "respondents"), ("eligible", "n"), ("events", "eligible")):
                if {part, whole} <= set(table.columns) and name != "durations":
                    for i in range(len(table)):
                        self.target(f"{name}[{i}] {whole} - {part}",
                                    {self.x(name, i, whole): 1, self.x(name, i, part): -1})

    def _exit_reasons(self, units, exits, outcomes, outcome):
        if "exit_reasons" not in self.raw:
            return
        reasons = self.raw["exit_reasons"]["exit_reason"].astype(str)
        inside = outcome_reasons(outcome)
        for u in units:
            rows = self.rows("exit_reasons", unit=u)
            if rows:
                self.relation({**{self.x("exit_reasons", i, "n"): 1 for i in rows}, exits(u): -1},
                              "a unit's exit reasons add up to its exits")
                self.relation({**{self.x("exit_reasons", i, "n"): 1 for i in rows if reasons[i] in inside},
                               outcomes(u): -1}, "the outcome's reasons add up to the outcome count")
        for reason in reasons.unique():  # the page shows a reason only when it occurred somewhere
            rows = self.rows("exit_reasons", exit_reason=reason)
            cells = {self.x("exit_reasons", i, "n"): 1 for i in rows}
            if sum(self.cells[k][0] for k in cells) > 0:
                self.relation(cells, "a reason on the page occurred", low=1, high=np.inf)

    def _same_counts(self, units, exits, outcomes, network):
        for name, n, events in (("funnel_raw", "n", "events"), ("ranks", "n", "events"),
                                ("shrunken", "n", "events"), ("risk_adjusted", "n", "observed"),
                                ("funnel_risk_adjusted", None, "observed")):
            for u in units:
                for i in self.rows(name, unit=u):
                    if n:
                        self.relation({self.x(name, i, n): 1, exits(u): -1}, f"{name} n")
                    self.relation({self.x(name, i, events): 1, outcomes(u): -1}, f"{name} {events}")
        for i in range(len(self.raw.get("funnel_raw", []))):
            self.rate("funnel_raw", i, "estimate", "events", "n")
        for i in range(len(self.raw.get("shrunken", []))):
            self.rate("shrunken", i, "rate", "events", "n")
        if "pairwise" in self.raw:
            pairs = self.raw["pairwise"]
            total_n = self.x("outcome_rates", network, "n")
            total_events = self.x("outcome_rates", network, "events")
            for i in range(len(pairs)):
                for side in "ab":
                    self.rate("pairwise", i, f"estimate_{side}", f"events_{side}", f"n_{side}")
                    u = str(pairs.at[i, f"unit_{side}"])
                    n, events = self.x("pairwise", i, f"n_{side}"), self.x("pairwise", i, f"events_{side}")
                    if u in units:
                        self.relation({n: 1, exits(u): -1}, "pairwise n")
                        self.relation({events: 1, outcomes(u): -1}, "pairwise events")
                    else:  # the rest of the network
                        a = str(pairs.at[i, "unit_a"])
                        self.relation({n: 1, total_n: -1, exits(a): 1}, "rest of the network's n")
                        self.relation({events: 1, total_events: -1, outcomes(a): 1}, "rest of the network's events")

    def _calibration(self, network):
        if "calibration" not in self.raw:
            return
        groups = range(len(self.raw["calibration"]))
        for column, total in (("n", "n"), ("observed", "events")):
            self.relation({**{self.x("calibration", i, column): 1 for i in groups},
                           self.x("outcome_rates", network, total): -1}, f"calibration {column} sum")
        for i in groups:
            self.at_most(self.x("calibration", i, "observed"), self.x("calibration", i, "n"), "observed <= n")

    def _by_group(self, units):
        if "outcome_by_group" not in self.raw:
            return
        table = self.raw["outcome_by_group"]
        # it counts the units whose rates are published (a reader sees which)
        shown = [u for u in units if self.cells[self.x("outcome_rates", self.rows("outcome_rates", unit=u)[0], "n")][1]
                 is not None]
        for characteristic in table["characteristic"].astype(str).unique():
            rows = self.rows("outcome_by_group", characteristic=characteristic)
            for column in ("n", "events"):
                self.relation({**{self.x("outcome_by_group", i, column): 1 for i in rows},
                               **{self.x("outcome_rates", self.rows("outcome_rates", unit=u)[0], column): -1
                                  for u in shown}},
                              f"{characteristic}'s levels add up to the published units' {column}")
        for i in range(len(table)):
            self.at_most(self.x("outcome_by_group", i, "events"), self.x("outcome_by_group", i, "n"), "events <= n")
            self.relation({self.x("outcome_by_group", i, "n"): 1}, "a level on the page occurred", low=1, high=np.inf)
            self.rate("outcome_by_group", i, "estimate", "events", "n")

    def _median_row(self, u):
        rows = self.rows("durations", unit=u, quantity="median_days")
        return rows[0] if rows else None

    def _durations(self, units, exits, outcomes, outcome):
        if "durations" not in self.raw:
            return
        table = self.raw["durations"]
        for u in units:
            median = self._median_row(u)
            if median is None:
                continue
            x = self.x
            self.relation({x("durations", median, "events"): 1, exits(u): -1}, "durations' exits")
            self.relation({x("durations", median, "n"): 1, x("durations", median, "events"): -1,
                           x("durations", median, "censored"): -1}, "episodes = exits + open")
            steps = sorted((i for i in self.rows("durations", unit=u) if i != median),
                           key=lambda i: float(table.at[i, "days"]))
            previous = None
            for i in steps:
                self.relation({x("durations", i, "n"): 1, x("durations", median, "n"): -1}, "cif n")
                self.relation({x("durations", i, "censored"): 1, x("durations", median, "censored"): -1},
                              "cif censored")
                if str(table.at[i, "quantity"]) != f"cif_{outcome}":
                    continue
                self.at_most(x("durations", i, "events"), outcomes(u), "cif <= the outcome count")
                if previous is None:
                    self.target(f"durations {u} outcome exits by day {table.at[i, 'days']}",
                                {x("durations", i, "events"): 1})
                else:
                    self.at_most(x("durations", previous, "events"), x("durations", i, "events"), "cif grows")
                    self.target(f"durations {u} outcome exits up to day {table.at[i, 'days']}",
                                {x("durations", i, "events"): 1, x("durations", previous, "events"): -1})
                previous = i
            if previous is not None:
                self.target(f"durations {u} outcome exits after the last day",
                            {outcomes(u): 1, x("durations", previous, "events"): -1})

    def _flows(self, units, exits):
        if "flows" not in self.raw:
            return
        table = self.raw["flows"]
        for u in units:
            rows = sorted(self.rows("flows", unit=u), key=lambda i: str(table.at[i, "month"]))
            previous = None
            for i in rows:
                step = {self.x("flows", i, "stock"): 1, self.x("flows", i, "inflow"): -1,
                        self.x("flows", i, "outflow"): 1}
                if previous is not None:
                    step[self.x("flows", previous, "stock")] = -1
                self.relation(step, "stock = last stock + inflow - outflow")
                previous = i
            self.relation({**{self.x("flows", i, "outflow"): 1 for i in rows}, exits(u): -1}, "outflow = exits")
            median = self._median_row(u)
            if median is not None:
                self.relation({**{self.x("flows", i, "inflow"): 1 for i in rows},
                               self.x("durations", median, "n"): -1}, "inflow = episodes")

    def _retention(self, units, outcomes):
        if "retention_90" not in self.raw:
            return
        for u in units:
            for i in self.rows("retention_90", unit=u):
                def x(column, i=i):
                    return self.x("retention_90", i, column)
                # retention follows the report's outcome (build._retention): its exits are the outcome count
                self.relation({x("n"): 1, outcomes(u): -1}, "retention's exits")
                self.relation({x("eligible"): 1, x("censored"): 1, x("n"): -1}, "observable + not yet = exits")
                self.relation({x("respondents"): 1, x("non_respondents"): 1, x("eligible"): -1}, "answers")
                self.at_most(x("events"), x("respondents"), "retained <= respondents")
                self.rate("retention_90", i, "estimate", "events", "respondents")
                self.rate("retention_90", i, "estimate_worst", "events", "eligible")
                self.target(f"retention {u} exits not yet observable", {x("censored"): 1})

    def _reentry(self, units, exits):
        for u in units:
            for i in self.rows("reentry_365", unit=u):
                def x(column, i=i):
                    return self.x("reentry_365", i, column)
                self.relation({x("eligible"): 1, x("censored"): 1, x("n"): -1}, "re-entry observable + not yet")
                self.at_most(x("n"), exits(u), "re-entry's people <= exits")
                self.at_most(x("events"), x("eligible"), "re-entries <= observable")
                self.target(f"re-entry {u} exits - people", {exits(u): 1, x("n"): -1})

    def _welfare(self, units):
        for u in units:
            median = self._median_row(u)
            for i in self.rows("welfare_delta", unit=u):
                def x(column, i=i):
                    return self.x("welfare_delta", i, column)
                self.relation({x("eligible"): 1, x("censored"): 1, x("n"): -1}, "welfare observable + not yet")
                if median is not None:
                    self.at_most(x("n"), self.x("durations", median, "n"), "households <= episodes")

    def _reconciliation(self):
        if "reconciliation" not in self.raw:
            return
        table = self.raw["reconciliation"]
        for i in range(len(table)):
            def x(column, i=i):
                return self.x("reconciliation", i, column)
            self.relation({x("rows_read"): 1, x("rows_loaded"): -1, x("rows_rejected"): -1, x("rows_repeated"): -1},
                          "read = loaded + rejected + repeated")
            unit, kind = str(table.at[i, "unit"]), str(table.at[i, "table"])
            files = self.rows("reconciliation", unit=unit, table=kind)
            reasons = self.rows("rejects_by_reason", unit=unit, table=kind)
            if reasons and len(files) == 1:
                self.relation({**{self.x("rejects_by_reason", j, "n"): 1 for j in reasons}, x("rows_rejected"): -1},
                              "rejects by reason add up to the file's rejects")
            median = self._median_row(unit)
            if kind == "episodes" and len(files) == 1 and median is not None:
                self.relation({x("rows_loaded"): 1, self.x("durations", median, "n"): -1}, "rows loaded = episodes")

    def hidden(self) -> list:
        return [k for k, (true, published) in self.cells.items() if published is None and not np.isnan(true)]

    def below_min_cell(self) -> list:
        """(what, true value, lowest, highest) of the hidden counts and targets a reader can
        bound below min_cell (their least value tells whether they are pinned small)."""
        keys = list(self.cells)
        index = {k: j for j, k in enumerate(keys)}
        matrix = np.zeros((len(self.relations), len(keys)))
        for r, (coefficients, *_) in enumerate(self.relations):
            for k, c in coefficients.items():
                matrix[r, index[k]] += c
        constraints = LinearConstraint(matrix, [r[1] for r in self.relations], [r[2] for r in self.relations])
        low, high = np.zeros(len(keys)), np.full(len(keys), np.inf)
        for k, (true, published) in self.cells.items():
            if np.isnan(true):  # no such count (a missing value): out of the problem
                high[index[k]] = 0
            elif published is not None:
                low[index[k]] = high[index[k]] = published
        integral = np.ones(len(keys))

        feasible = milp(np.zeros(len(keys)), constraints=constraints, integrality=integral, bounds=Bounds(low, high))
        assert feasible.status == 0, f"the published report contradicts the reader's model: {feasible.message}"

        def extremes(objective):
            highest = milp(-objective, constraints=constraints, integrality=integral, bounds=Bounds(low, high))
            if highest.status != 0 or -highest.fun >= self.min_cell - 0.5:  # unbounded (it is feasible), or large
                return None  # can be min_cell or more: not pinned small, whatever the least value
            lowest = milp(objective, constraints=constraints, integrality=integral, bounds=Bounds(low, high))
            return lowest.fun, -highest.fun

        wanted = [("%s[%d].%s" % k, {k: 1}) for k in self.hidden()] + self.targets
        found = []
        for what, coefficients in wanted:
            if all(self.cells[k][1] is not None for k in coefficients):
                continue  # published: the visible-counts check of test_report covers it
            objective = np.zeros(len(keys))
            for k, c in coefficients.items():
                objective[index[k]] += c
            interval = extremes(objective)
            if interval is not None:
                found.append((what, sum(c * self.cells[k][0] for k, c in coefficients.items()), *interval))
        return found


def _pinned_small(network, out, monkeypatch, *, min_cell, outcome):
    raw, shown = _report(network, out, monkeypatch, min_cell=min_cell, outcome=outcome)
    reader = Reader(raw, shown, min_cell)
    reader.build(outcome)
    assert reader.hidden(), "nothing hidden: the audit would check nothing"
    return [(what, true, lowest, highest) for what, true, lowest, highest in reader.below_min_cell()
            if lowest > 0.5]


@pytest.mark.parametrize(("outcome", "min_cell"), [
    ("work_or_studies", 5), ("work", 10), ("studies", 20), ("self_employed", 40),
])
def test_no_hidden_count_of_the_sample_report_is_pinned_small(outcome, min_cell, tmp_path, monkeypatch):
    # At min_cell 5 the sample hides 4 exit-reason cells (Nynäshamn's 1 and Sundbyberg's 3
    # self-employed, and one more reason of each); before review 34 the reader learned that
    # five hidden reasons adding up to 7 each lay in 1 ... 3.
    pinned = _pinned_small(amebench.load_sample(), tmp_path, monkeypatch, min_cell=min_cell, outcome=outcome)
    assert pinned == []


def _with_small_unit(unit: str, episodes: int, seed: int) -> Network:
    """The sample with one unit cut down to a few episodes (its followups with them)."""
    sample = amebench.load_sample()
    all_episodes = sample.episodes
    kept = all_episodes[all_episodes["unit"] == unit].sample(n=episodes, random_state=seed)
    kept = pd.concat([all_episodes[all_episodes["unit"] != unit], kept]).sort_index().reset_index(drop=True)
    pairs = pd.MultiIndex.from_frame(kept[["unit", "episode_id"]])
    followups = sample.followups[pd.MultiIndex.from_frame(sample.followups[["unit", "episode_id"]]).isin(pairs)]
    return Network.from_frames(episodes=kept, units=sample.units, followups=followups.reset_index(drop=True),
                               payments=sample.payments, as_of=sample.as_of, name="small")


@pytest.mark.parametrize(("episodes", "min_cell", "outcome"), [(20, 5, "work_or_studies"), (40, 10, "work")])
def test_a_small_unit_keeps_its_open_episodes_hidden(episodes, min_cell, outcome, tmp_path, monkeypatch):
    # Review 34 (F1): Nynäshamn cut to 20 episodes, 18 exits: its file's 20 rows loaded minus
    # its 18 exits gave the 2 open episodes that durations and flows hid. 40 episodes at
    # min_cell 10 left 3 open.
    network = _with_small_unit("nynashamn", episodes, seed=0)
    assert _pinned_small(network, tmp_path, monkeypatch, min_cell=min_cell, outcome=outcome) == []
