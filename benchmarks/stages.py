"""The timed amebench stages: each a small function of a prepared context.

A stage whose code has not landed yet raises :class:`NotAvailable` (the suite reports
"not available" instead of crashing). Every stage returns its result, so the suite can
compare it with the peers' (see peers.py).
"""

from __future__ import annotations

import importlib
from pathlib import Path

__all__ = ["NotAvailable", "STAGES", "setup", "WELFARE_MONTHS", "WORK_OR_STUDIES"]

WELFARE_MONTHS = 6
#: DESIGN.md §4, schema.outcome_reasons("work_or_studies").
WORK_OR_STUDIES = ("work", "work_subsidised", "self_employed", "studies")


class NotAvailable(Exception):
    """The code this stage needs is not in amebench (yet)."""


def _get(module: str, name: str):
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise NotAvailable(f"{module} cannot be imported ({exc})") from None
    if not hasattr(mod, name):
        raise NotAvailable(f"{module}.{name} does not exist yet")
    return getattr(mod, name)


def setup(folder, needs: str) -> dict:
    """Load what a stage needs (untimed): ``"none"``, ``"network"``, ``"frames"`` (the
    network's tables as frames), ``"csv"`` (the network written once as CSV exports),
    ``"cohort"``, ``"cohort+welfare"`` (the cohort, and one welfare_delta call already
    made on it) or ``"cohort, ids unsaved"`` (the cohort, without the id codes that
    ``to_parquet`` saved: as after ``read_network`` or ``from_frames``)."""
    ctx = {"folder": folder}
    _warm_imports()
    if needs in ("network", "frames", "cohort", "cohort+welfare", "cohort, ids unsaved"):
        import amebench

        ctx["network"] = amebench.read_parquet(folder)
    if needs == "csv":  # untimed: write the CSV exports once
        import data

        ctx["csv_folder"] = data.ensure_csv_network(float(Path(folder).name.rsplit("_s", 1)[1]), log=lambda *a: None)
    if needs == "frames":  # the tables as a researcher holds them: plain frames, unit as text
        net = ctx["network"]
        ctx["frames"] = {t: getattr(net, t).assign(unit=getattr(net, t)["unit"].astype(str))
                         for t in ("units", "episodes", "activities", "followups", "payments")}
    if needs in ("cohort", "cohort+welfare", "cohort, ids unsaved"):
        ctx["cohort"] = _get("amebench", "cohort")(ctx["network"])
    if needs == "cohort+welfare":
        welfare_delta(ctx)
    if needs == "cohort, ids unsaved":  # forget the id codes read_parquet took back
        from amebench import _idcodes

        _idcodes._ID_CODES.clear()
        _idcodes._CODES_IN.clear()
    return ctx


def _warm_imports() -> None:
    """Import every module a stage or peer may use before the clock starts (imports untimed)."""
    for module in ("amebench", "amebench.metrics", "amebench.metrics.welfare",
                   "amebench.compare", "amebench.report.build",
                   "scipy.stats", "statsmodels.api", "duckdb"):
        try:
            importlib.import_module(module)
        except ImportError:
            pass


# -- the stages -------------------------------------------------------------------


def read(ctx):
    import amebench

    return amebench.read_parquet(ctx["folder"])


def from_frames(ctx):
    """Network.from_frames of the network's own tables: every column written as text (once
    per distinct value, an object column cell by cell; amounts that are numbers taken as
    they are) and validated again,
    as a researcher's frames would be."""
    import amebench

    net = ctx["network"]
    return amebench.Network.from_frames(**ctx["frames"], as_of=net.as_of, name=net.name)


def read_csv_network(ctx):
    """read_network of the network as 290 units of canonical CSV exports (1,160 files)."""
    import amebench

    return amebench.read_network(ctx["csv_folder"])


def cohort(ctx):
    return _get("amebench", "cohort")(ctx["network"])


def outcome_rate(ctx):
    return _get("amebench.metrics", "outcome_rate")(ctx["cohort"], outcome="work_or_studies",
                                                     by=("unit",))


def retention(ctx):
    return _get("amebench.metrics", "retention")(ctx["cohort"], days=90, by=("unit",))


def welfare_delta(ctx):
    """The aggregation the peers reproduce (t intervals: no resampling on top of it)."""
    f = _get("amebench.metrics.welfare", "welfare_delta")
    # per="person": the definition the peers' SQL and pandas code reproduce
    return f(ctx["cohort"], months=WELFARE_MONTHS, by=("unit",), per="person", method="t")


def welfare_delta_hashing(ctx):
    """welfare_delta(method='t') hashing the ledger's ids itself, as on a network that was
    not read from to_parquet's files (read_network, from_frames)."""
    return welfare_delta(ctx)


def welfare_delta_again(ctx):
    """welfare_delta(method='t') once more in the same process: the ledger's id codes are
    already known (amebench._idcodes.id_codes), as for a second metric on the same network."""
    return welfare_delta(ctx)


def welfare_delta_bootstrap(ctx):
    """welfare_delta with its default BCa bootstrap intervals (n_boot=2000), as the report uses."""
    f = _get("amebench.metrics.welfare", "welfare_delta")
    return f(ctx["cohort"], months=WELFARE_MONTHS, by=("unit",))


def durations(ctx):
    return _get("amebench.metrics.durations", "durations")(ctx["cohort"], by=("unit",))


def _outcome_table(ctx):
    return _get("amebench.metrics", "outcome_rate")(ctx["cohort"], outcome="work_or_studies",
                                                     by=("unit",))


def funnel(ctx):
    f = _get("amebench.compare", "funnel")
    return f(_outcome_table(ctx))


def risk_adjusted(ctx):
    return _get("amebench.compare", "risk_adjusted")(ctx["cohort"], outcome="work_or_studies")


def report_tables(ctx):
    """Every section's result tables, as benchmark_report computes them (no HTML, no figures)."""
    from amebench.report import compute_sections

    return compute_sections(ctx["cohort"], outcome="work_or_studies", seed=0, lang="en")


def pipeline(ctx):
    """read -> cohort -> every report table, in one process (the 60 s / 8 GB target)."""
    import amebench

    net = amebench.read_parquet(ctx["folder"])
    ctx["network"] = net
    ctx["cohort"] = _get("amebench", "cohort")(net)
    return report_tables(ctx)


#: name -> (function, what setup loads, description)
STAGES = {
    "read": (read, "none", "amebench.read_parquet of the whole network"),
    "from_frames": (from_frames, "frames", "Network.from_frames of the network's tables (only with --stages)"),
    "read_csv_network": (read_csv_network, "csv",
                         "read_network of 290 units of canonical CSV exports (only with --stages)"),
    "cohort": (cohort, "network", "amebench.cohort(network)"),
    "outcome_rate": (outcome_rate, "cohort", "metrics.outcome_rate(by unit)"),
    "retention": (retention, "cohort", "metrics.retention(days=90, by unit)"),
    "welfare_delta": (welfare_delta, "cohort", "metrics.welfare_delta(months=6, by unit, method='t')"),
    "welfare_delta_hashing": (welfare_delta_hashing, "cohort, ids unsaved",
                              "metrics.welfare_delta(months=6, by unit, method='t'), ledger ids hashed "
                              "(no saved codes)"),
    "welfare_delta_again": (welfare_delta_again, "cohort+welfare",
                            "metrics.welfare_delta(months=6, by unit, method='t'), second call in the process"),
    "welfare_delta_bootstrap": (welfare_delta_bootstrap, "cohort",
                                "metrics.welfare_delta(months=6, by unit), default BCa n_boot=2000"),
    "durations": (durations, "cohort", "metrics.durations(by unit)"),
    "funnel": (funnel, "cohort", "compare.funnel(outcome_rate by unit), incl. the outcome_rate"),
    "risk_adjusted": (risk_adjusted, "cohort", "compare.risk_adjusted(work_or_studies)"),
    "report_tables": (report_tables, "cohort", "report.build.compute: every section's tables"),
    "pipeline": (pipeline, "none", "read + cohort + report tables in one process"),
}
