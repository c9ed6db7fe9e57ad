"""The benchmark report: one self-contained HTML file, every table as CSV and Parquet, every figure as PNG."""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from .._files import check_folder
from ..cohorts import cohort
from ..cohorts.cohort import data_held
from ..compare.riskadjust import DEFAULT_CASEMIX, check_casemix
from ..exceptions import AmebenchError, CensoringWarning
from ..labels import code_label
from ..network import Network
from ..results import check_network
from ..schema import OUTCOME_GROUPS, outcome_reasons
from . import html as _html
from .build import compute
from .disclosure import DEFAULT_MIN_CELL
from .i18n import LANGUAGES, texts
from .output import atomic_write_bytes, write_table
from .publish import WORKBOOK_FILE, publish
from .wording import exit_period, exited_days

__all__ = ["benchmark_report", "compute_sections", "check_report_folder"]

REPORT_FILE = "report.html"


def benchmark_report(
    network: Network,
    out,
    *,
    as_of=None,
    lang: str = "en",
    min_cell: int = DEFAULT_MIN_CELL,
    outcome: str = "work_or_studies",
    seed: int = 0,
    progress: bool = False,
    casemix=None,
    exited=None,
) -> Path:
    """Compute the network's benchmark and write the report to ``out``.

    Writes ``out/report.html`` (self-contained: figures embedded, no external
    assets), every result table as ``out/tables/<name>.csv`` and ``.parquet``, all of
    them in the workbook ``out/report.xlsx`` (for a spreadsheet: numbers stored as numbers,
    labels and unit names in ``lang``, ".." where a cell is hidden;
    :mod:`amebench.report.workbook`) and every figure as ``out/figures/<name>.png``. Every published table and figure
    has passed disclosure control: counts below ``min_cell`` and everything
    computed from them are hidden (:mod:`amebench.report.disclosure`). While the
    tables and figures are written, ``report.html`` is a page that says the report is
    unfinished; a run cut off then leaves it.

    Parameters
    ----------
    network
        The network, e.g. from :func:`amebench.read_network`.
    out
        Output folder, created if missing.
    as_of
        Extraction date; default the network's.
    lang
        ``"en"`` or ``"sv"``.
    min_cell
        Smallest count that is published.
    outcome
        Outcome group for rates, funnels and ranks.
    seed
        Seed of the bootstrap and the rank simulation (same seed, same report).
    progress
        Print progress on stderr.
    casemix
        Case-mix variables of the risk model (see :func:`amebench.compare.risk_adjusted`);
        default all of them. A unit whose export lacks a variable the others have gets
        no observed/expected with it (the report says so); leaving the variable out
        adjusts every unit for the rest. The report names the variables when they are
        not the default.
    exited
        Report on the exits of this period only: a year, quarter or month, or a pair of
        them, as :func:`amebench.cohort` takes it (``2025`` for a yearly report; whole
        months, as the monthly flows are by month); default
        every exit up to ``as_of``. The monthly flows are those of the period's months,
        and the times to exit follow the enrolments of the same period (a cohort of exits
        holds no one still enrolled); the report says both. The retention, re-enrolment
        and welfare sections say up to which exit day the period can yet be followed by
        ``as_of``, and a period that starts before or soon after the data's first
        enrolment says what share of its stays the data cannot hold (when 5 % or more and
        the network's counts are published). Disclosure control protects
        each report on its own: reports of overlapping periods can be subtracted from each
        other, so publish reports of periods that do not overlap.

    Returns
    -------
    Path
        The path of ``report.html``.

    Raises
    ------
    AmebenchError
        On a bad option, a network without episodes, an ``as_of`` before every
        enrolment, or an ``exited`` period that is not whole months or holds no exit
        observed by ``as_of`` (the message names the exits the data hold).
    """
    check_network(network, "benchmark_report")
    if isinstance(min_cell, bool) or not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise AmebenchError(f"min_cell must be a whole number of at least 1, not {min_cell!r}")
    t = texts(lang)
    if not isinstance(outcome, str):  # the report names its outcome in every title
        raise AmebenchError(f"benchmark_report's outcome is the name of an outcome group (one of "
                            f"{list(OUTCOME_GROUPS)} or an exit reason), not {outcome!r}")
    outcome_reasons(outcome)  # fail early on an unknown outcome
    casemix = DEFAULT_CASEMIX if casemix is None else check_casemix(casemix)
    out = Path(out)
    check_report_folder(out)
    with warnings.catch_warnings():  # an empty cohort is an error here, which says why
        warnings.simplefilter("ignore", CensoringWarning)
        coh = cohort(network, as_of=as_of, exited=exited)  # a bad as_of fails before the folder is made
    _check_reportable(coh)
    out.mkdir(parents=True, exist_ok=True)
    say = _progress(progress)
    sections = compute_sections(coh, lang=lang, outcome=outcome, seed=seed, min_cell=min_cell, progress=say,
                                casemix=casemix)
    names = _unit_names(network)
    say("writing")
    # first a page that says it is unfinished: a run cut off while writing the tables leaves
    # amebench's page next to them (which the next run may overwrite), not an older report
    # that does not describe them
    path = out / REPORT_FILE
    atomic_write_bytes(path, _html.render(title=t["title"], meta=t["unfinished"], blocks=[], lang=lang).encode())
    extracted = network.as_of.date()
    observed = (t["extracted"].format(as_of=extracted) if coh.as_of.date() == extracted
                else t["observed_until"].format(as_of=coh.as_of.date(), extracted=extracted))
    unnamed = network.name.strip().casefold() in ("", "network")  # from_frames' default
    stamp = t["generated_unnamed" if unnamed else "generated"].format(
        name=network.name, period=exit_period(coh, lang), observed=observed, outcome=code_label(outcome, lang),
        version=__version__,
    )
    stamp = stamp[:1].upper() + stamp[1:]  # "Exits from ..." when unnamed
    # the stamp under every figure too: a PNG copied into slides says whose data it shows, and when
    blocks, hidden = publish(sections, out, t=t, lang=lang, min_cell=min_cell, outcome=outcome, unit_names=names,
                             stamp=stamp, day=network.as_of)
    write_table(_about(coh, outcome=outcome, min_cell=min_cell, seed=seed, casemix=casemix, lang=lang),
                out / "tables", "about")
    write_table(_units(coh), out / "tables", "units")
    meta = _html.html.escape(stamp, quote=False) + " " + (
        t["suppression"].format(below=min_cell - 1, hidden=hidden) if min_cell > 1 else t["suppression_off"]
    ) + " " + t["workbook_meta"]
    blocks.append(("methods", t["methods"], _html.methods_html(lang, casemix, outcome)))
    page = _html.render(title=t["title"], meta=meta, blocks=blocks, lang=lang)
    atomic_write_bytes(path, page.encode("utf-8"))
    say("done")
    return path


def check_report_folder(out, *, name: str | None = None) -> None:
    """Refuse a folder the report cannot be written to (:func:`~amebench._files.check_folder`),
    and one holding a ``report.html`` that amebench did not write (a web site's page, a
    report of another tool), which would be overwritten, or no ``report.html`` but files in
    ``tables/`` or ``figures/``, where the report writes its own. ``name`` starts the
    message (``"--out report"``)."""
    check_folder(out, give="a folder for the report", name=name)
    path = Path(out) / REPORT_FILE
    start = f"{name}: " if name else ""
    if path.is_dir():
        raise AmebenchError(f"{start}{path} is a folder; give another folder for the report")
    if not path.exists():
        # the tables and figures go into these folders, over files of the same names
        held = [Path(out) / sub for sub in ("tables", "figures") if (Path(out) / sub).is_dir()
                and any((Path(out) / sub).iterdir())]
        if held:
            raise AmebenchError(f"{start}{held[0]} holds files, and {out} no report written by amebench; give a "
                                "new folder for the report (its tables and figures would be overwritten)")
        if (Path(out) / WORKBOOK_FILE).exists():
            raise AmebenchError(f"{start}{Path(out) / WORKBOOK_FILE} exists, and {out} no report written by amebench; "
                                "give a new folder for the report (it would be overwritten)")
        return
    with open(path, "rb") as f:
        head = f.read(4096)
    titles = [texts(lang)["title"].encode("utf-8") for lang in LANGUAGES]  # pages written before the mark
    if _html.GENERATOR.encode() not in head and not any(b"<title>" + t + b"</title>" in head for t in titles):
        raise AmebenchError(f"{start}{path} exists and is not a report written by amebench; give a new folder "
                            "for the report (it would be overwritten)")


def compute_sections(coh, *, lang: str = "en", outcome: str = "work_or_studies", seed: int = 0,
                     min_cell: int = DEFAULT_MIN_CELL, progress=None, casemix=None) -> list:
    """Compute every section of the report for a cohort: unsuppressed tables, no files.

    What :func:`benchmark_report` computes before disclosure control and writing
    (the national-scale benchmark times this). ``progress`` is called with each
    section's key. Returns a list of :class:`amebench.report.context.Section`.

    A cohort chosen by exit (``amebench.cohort(network, exited=2025)``) is the report of
    that period's exits: the monthly flows are those of the period's months (of every
    episode active in them), and the times to exit follow the episodes enrolled in the
    same period.

    The comparisons between units (funnel plots, differences, shrinkage and ranks)
    use only the units whose outcome counts the report publishes at ``min_cell``:
    a unit that disclosure control hides in the outcome-rates table is left out of
    them (``min_cell=1`` compares every unit). Its counts would otherwise be given
    back by the fitted numbers published for the others (φ, the adjusted p-values,
    the shrinkage prior, the rank probabilities).
    """
    _check_reportable(coh)
    casemix = DEFAULT_CASEMIX if casemix is None else check_casemix(casemix)
    ctx = {"outcome": outcome, "seed": seed, "lang": lang, "min_cell": min_cell, "casemix": casemix,
           "unit_names": _unit_names(coh.network)}
    return compute(coh, ctx, progress or (lambda key: None))


def _check_reportable(coh) -> None:
    """An AmebenchError when the cohort holds nothing to report."""
    if coh.network.episodes.empty:
        raise AmebenchError("the network holds no episodes (its episode files have no loaded rows): "
                            "there is nothing to report; `amebench validate` shows what was read")
    if coh.exited is not None and coh.enrolled is not None:  # the durations follow the period's enrolments
        raise AmebenchError("a report follows the exits of a period or the enrolments of one, not both; choose the "
                            "cohort by exit (amebench.cohort(network, exited=...)) for a report of a period's exits")
    if coh.exited is not None and (coh.exited[0].day != 1 or not coh.exited[1].is_month_end):
        # its flows and their disclosure control are by month: months that the period only
        # partly covers would hold exits outside it (diff review of --exited)
        raise AmebenchError(f"a report follows the exits of whole months (a year, quarter, month or a pair of "
                            f"them); {coh.exited[0].date()} to {coh.exited[1].date()} is not")
    if coh.episodes.empty and coh.exited is not None:
        first, last = exited_days(coh) if coh.exited[0] <= coh.as_of else (coh.exited[0].date(), coh.exited[1].date())
        held = data_held(coh.network.episodes, coh.units, coh.as_of)
        raise AmebenchError(f"no exit from {first} to {last} is observed by {coh.as_of.date()} (--exited / "
                            f"exited): there is nothing to report; {held}")
    if coh.episodes.empty:
        raise AmebenchError(
            f"no episode was enrolled by {coh.as_of.date()}: there is nothing to report "
            "(is --as-of / as_of too early?)"
        )


def _units(coh) -> pd.DataFrame:
    """The report's units with their names and SCB municipality codes (``tables/units.csv``):
    the key to join Kolada's or SCB's figures by (national review: the tables name units by
    their ids only)."""
    units = coh.network.units
    if coh.units is not None:
        units = units[units["unit"].isin(coh.units)]
    return units[["unit", "name", "municipality_code"]].reset_index(drop=True)


def _about(coh, **options) -> pd.DataFrame:
    """What the report's tables cover and how they were made, as rows of ``item`` and
    ``value`` (``tables/about.csv``): tables copied out of the folder (one year's beside
    another's) still say which exits they follow (review of --exited)."""
    period = "/".join(exited_days(coh)) if coh.exited is not None else "every exit up to observed_until"
    rows = {
        "network": coh.network.name,
        "exits": period,
        "flows": "the months of the exits" if coh.exited is not None else "every month up to observed_until",
        "durations": (f"enrolments {'/'.join(exited_days(coh))}" if coh.exited is not None
                      else "every enrolment up to observed_until"),
        "observed_until": str(coh.as_of.date()),
        "extracted": str(coh.network.as_of.date()),
        "outcome": options["outcome"],
        "min_cell": str(options["min_cell"]),
        "casemix": ",".join(options["casemix"]),
        "seed": str(options["seed"]),
        "language": options["lang"],
        "amebench": __version__,
    }
    return pd.DataFrame({"item": list(rows), "value": list(rows.values())})


def _unit_names(network) -> dict[str, str]:
    """unit id -> the name shown; a name two units share gets each unit's id ("AME (jarfalla)"):
    tables and figures are drawn by name, and the exit-reason figure added such units up."""
    units = network.units
    ids = units["unit"].astype(str)
    names = units["name"].fillna(units["unit"]).astype(str)
    shared = names.str.strip().str.casefold().duplicated(keep=False)
    names = names.where(~shared, names + " (" + ids + ")")
    return dict(zip(ids, names, strict=True))


def _progress(enabled: bool):
    start = time.perf_counter()

    def say(step: str) -> None:
        if enabled:
            print(f"[amebench {time.perf_counter() - start:5.1f} s] {step}", file=sys.stderr, flush=True)

    return say

