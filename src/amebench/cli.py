"""The ``amebench`` command line: validate, template, benchmark.

Exit status: 0 on success; 1 when ``validate`` found a file none of whose rows loaded, or
(``--strict``) any rejected row;
2 on bad input or bad options (the message says what is wrong and what to do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

from . import __version__
from ._files import file_in_the_way
from .exceptions import AmebenchError, AmebenchWarning
from .privacy import redact_numbers
from .schema import REJECTS

__all__ = ["main"]

_EXIT_OK = 0
_EXIT_REJECTS = 1
_EXIT_ERROR = 2
_TOP_REASONS = 3
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NEGATIVE_NUMBER = re.compile(r"-\d")


class _Parser(argparse.ArgumentParser):
    """argparse with messages that say how to fix the call and never echo an identity number.

    ``words`` are the arguments after the command's name (set by :func:`main`): an option
    among them that the command does not have is named with the nearest one it has, also
    when argparse stops earlier at a required option (``--otu`` for ``--out``).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.words: tuple[str, ...] = ()
        self.commands: dict[str, argparse.ArgumentParser] = {}

    def error(self, message: str):
        typos = "".join(f"; {word}: {_nearest(word, self._options())}" for word in self._unknown_words())
        help_line = (f"run '{self.prog} --help' to see its options" if self.prog != "amebench"
                     else "run 'amebench --help' to see the commands")
        # an argument typed by mistake may be an identity number, and argparse quotes arguments
        text = redact_numbers(message + typos, limit=None)
        self.print_usage(sys.stderr)
        self.exit(_EXIT_ERROR, f"{self.prog}: error: {text}\n{help_line}\n")

    def _options(self) -> list[str]:
        return [s for action in self._actions for s in action.option_strings]

    def _unknown_words(self) -> list[str]:
        known = self._options()
        unknown = []
        for word in self.words:
            name = word.split("=", 1)[0]
            if not name.startswith("-") or name in ("-", "--") or _NEGATIVE_NUMBER.match(name):
                continue
            if name in known or (name.startswith("--") and any(k.startswith(name) for k in known)):
                continue  # an option, or an abbreviation argparse accepts
            unknown.append(name)
        return unknown


def _nearest(word: str, options: list[str]) -> str:
    near = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean {near[0]}?" if near else "not an option of this command"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="amebench",
        description="Honest benchmarks for municipal labour-market units (AME).",
    )
    parser.add_argument("--version", action="version", version=f"amebench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser(
        "validate",
        help="read a network and show, per file, rows read / loaded / rejected",
        description="Read a network folder (with network.toml) and reconcile every file: "
        "rows read = rows loaded + rows rejected, with the top reject reasons.",
    )
    validate.add_argument("path", help="folder holding network.toml, or written by Network.to_parquet")
    validate.add_argument(
        "--strict", action="store_true",
        help="exit with status 1 when any row was rejected (without it: when a file loaded none of its rows)"
    )
    validate.add_argument(
        "--rejects", metavar="CSV",
        help="also write every rejected row to this CSV file (a new file, or one an earlier --rejects wrote; "
        "missing folders are made) and say where and how many",
    )

    template = sub.add_parser(
        "template",
        help="write the canonical CSV templates ('mall') with a short guide",
        description="Write the canonical CSV templates, a matching profile and manifest, "
        "and a guide: the common template a network asks its members to export to.",
    )
    template.add_argument("folder", help="folder to write the templates to (created if missing)")
    template.add_argument("--force", action="store_true", help="overwrite template files that already exist")

    bench = sub.add_parser(
        "benchmark",
        help="compute the benchmark of a network and write the report",
        description="Read a network, compute the benchmark and write the report, "
        "result tables (CSV, Parquet, and one Excel workbook, report.xlsx) and figures (PNG) to --out.",
    )
    bench.add_argument("path", help="folder holding network.toml, or written by Network.to_parquet")
    bench.add_argument("--out", required=True, help="output folder (created if missing)")
    bench.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                       help="extraction date (default: the manifest's as_of)")
    bench.add_argument("--lang", choices=("en", "sv"), default="en", help="report language (default en)")
    bench.add_argument(
        "--min-cell", dest="min_cell", type=int, default=5,
        help="suppress published counts below this (default 5)",
    )
    bench.add_argument(
        "--outcome", default="work_or_studies",
        help="outcome group: work, studies or work_or_studies (default), or one exit reason (e.g. self_employed)",
    )
    bench.add_argument("--seed", type=int, default=0, help="seed for bootstrap and rank simulation (default 0)")
    bench.add_argument(
        "--casemix", metavar="VARIABLES",
        help="case-mix variables of the risk model, comma-separated (default all: "
             "age_band,gender,born_abroad,readiness,referral,prior_welfare_months); leave out one that a unit's "
             "export lacks, so that the unit is adjusted for the rest",
    )
    bench.add_argument(
        "--exited", metavar="PERIOD",
        help="report on the exits of this period only: a year (2025), a quarter (2025Q3), a month (2025-06) or "
             "FROM/TO (2025-01/2025-06); default every exit up to the extraction date. Disclosure control protects "
             "each report on its own: publish reports of periods that do not overlap",
    )
    bench.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    parser.commands = {"validate": validate, "template": template, "benchmark": bench}
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    commands = parser.commands
    command = next((word for word in argv if word in commands), None)
    if command is not None:
        commands[command].words = tuple(argv[argv.index(command) + 1:])
    args, extras = parser.parse_known_args(argv)
    if args.command is None:
        *first, last = commands
        parser.error(f"give a command: {', '.join(first)} or {last}")
    if extras:
        commands[args.command].error(f"unrecognized arguments: {' '.join(extras)}")
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return _run(args)
    except AmebenchError as exc:
        print(f"amebench: error: {exc}", file=sys.stderr)  # AmebenchError hides identity numbers itself
        return _EXIT_ERROR
    except OSError as exc:  # a folder that cannot be written, a full disk ...
        where = f"{exc.filename}: " if exc.filename else ""
        text = redact_numbers(where + str(exc.strerror or exc), limit=None)
        print(f"amebench: error: {text}", file=sys.stderr)
        return _EXIT_ERROR


def _run(args) -> int:
    if args.command == "validate":
        return _validate(args)
    if args.command == "template":
        return _template(args)
    return _benchmark(args)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """amebench's warnings as a line of their own (not the source line that raised them)."""
    if issubclass(category, AmebenchWarning):
        print(f"amebench: {category.__name__}: {message}", file=sys.stderr if file is None else file)
    else:
        _SHOW_WARNING(message, category, filename, lineno, file, line)


_SHOW_WARNING = warnings.showwarning


def _validate(args) -> int:
    from .report.output import write_csv

    if args.rejects:
        _check_rejects_target(Path(args.rejects))
    network = _read(args.path)
    print(reconciliation_text(network))
    if len(network.rejects) and not args.rejects:
        print(f"\nEach rejected row with its file, line, column and reason: "
              f"amebench validate {args.path} --rejects rejects.csv")
    if args.rejects:
        folder = Path(args.rejects).parent
        made = "" if folder.is_dir() else f"; folder {folder} created"
        # A reject's value is the export's own text: it may start like a spreadsheet formula.
        path = write_csv(network.rejects, args.rejects)
        n = len(network.rejects)
        print(f"rejects written to {path} ({n} row{'' if n == 1 else 's'}{made})")
    rec = network.reconciliation
    lost = rec[(rec["rows_read"] > 0) & (rec["rows_loaded"] == 0)]
    for row in lost.itertuples(index=False):  # a whole table of a unit gone: no check script should pass it
        print(f"amebench: {row.file} ({row.unit}, {row.table}): none of its {row.rows_read} row(s) loaded; "
              "see the reasons above", file=sys.stderr)
    if args.strict and len(network.rejects):
        print(f"amebench: {len(network.rejects)} row(s) rejected (--strict)", file=sys.stderr)
    return _EXIT_REJECTS if len(lost) or (args.strict and len(network.rejects)) else _EXIT_OK


#: The headers of the rejects files amebench writes, and wrote before the column other_line.
_REJECTS_HEADERS = (",".join(REJECTS.dtypes).encode(), b"unit,table,file,line,column,value,reason")


def _check_rejects_target(path: Path) -> None:
    """Refuse a folder, and any existing file that an earlier ``--rejects`` did not write
    (an export or a profile given by mistake would be overwritten)."""
    if path.is_dir():
        raise AmebenchError(f"--rejects {path} is a folder; give a file name such as rejects.csv")
    blocker = file_in_the_way(path.parent)
    if blocker is not None:
        raise AmebenchError(f"--rejects {path}: {blocker} is a file, not a folder; "
                            "give a file name in a folder, such as rejects.csv")
    if path.exists():
        with open(path, "rb") as f:
            first = f.readline().rstrip(b"\r\n")
        if first not in _REJECTS_HEADERS:  # the header write_csv gives the rejects
            raise AmebenchError(
                f"--rejects {path} exists and is not a rejects file written by amebench; "
                "give a new file name (it would be overwritten)"
            )


def _lines_text(numbers: pd.Series, others: pd.Series | None = None, shown: int = 5) -> str:
    """``(line 7)`` or ``(lines 7, 9, 12, … 40 in all)``: where in the file a reason is; with
    ``others`` (the rejects' ``other_line``), each with the line it conflicts with:
    ``(line 9 with line 4)``, ``(lines 9 with 4, 12 with 2)``."""
    others = pd.Series(pd.NA, index=numbers.index) if others is None else others
    pairs = sorted((int(n), None if pd.isna(o) else int(o)) for n, o in zip(numbers, others) if pd.notna(n))
    if not pairs:
        return ""
    if len(pairs) == 1:
        line, other = pairs[0]
        return f"(line {line})" if other is None else f"(line {line} with line {other})"
    more = f", … {len(pairs)} in all" if len(pairs) > shown else ""
    shown_pairs = ", ".join(str(n) if o is None else f"{n} with {o}" for n, o in pairs[:shown])
    return f"(lines {shown_pairs}{more})"


def _ledger_months(network) -> dict:
    """unit -> (first, last, months without a row) of its payment rows up to as_of
    (Network.summary's ledger_from, ledger_to; the months counted in its ledger_gaps)."""
    if getattr(network, "payments", None) is None:
        return {}
    cover = network.summary().dropna(subset=["ledger_from"])
    gapped = cover.loc[cover["ledger_gaps"] > 0, "unit"].astype(str)
    paid = {}
    if len(gapped):  # the months with a row of the units with gaps, in one pass, up to as_of as in summary
        pay = network.payments
        pay = pay[pay["unit"].astype(str).isin(gapped) & (pay["month"] <= pd.Timestamp(network.as_of))]
        paid = pay.groupby(pay["unit"].astype(str))["month"].unique().to_dict()
    out = {}
    for unit, first, last in zip(cover["unit"].astype(str), cover["ledger_from"], cover["ledger_to"], strict=True):
        missing = pd.DatetimeIndex([])
        if unit in paid:
            missing = pd.date_range(first, last, freq="MS").difference(pd.DatetimeIndex(paid[unit]))
        out[unit] = (first, last, missing)
    return out


#: Months without a payment row that validate names per unit (the rest counted).
_GAP_MONTHS_SHOWN = 3


def _ledger_line(unit: str, ledgers: dict, payment_files: pd.DataFrame) -> list[str]:
    """The months a unit's ledger covers, said once under its last payments file."""
    files = " (all its payment files)" if payment_files.loc[unit, "size"] > 1 else ""
    if unit in ledgers:
        first, last, missing = ledgers[unit]
        lines = [f"{'':<12}   {'':>5}   the unit's ledger{files} covers {first:%Y-%m} to {last:%Y-%m} "
                 "(a welfare window outside it is censored)"]
        if len(missing):
            months = ", ".join(f"{m:%Y-%m}" for m in missing[:_GAP_MONTHS_SHOWN])
            rest = len(missing) - _GAP_MONTHS_SHOWN
            more = f" and {rest} more month{'s' if rest != 1 else ''}" if rest > 0 else ""
            lines.append(f"{'':<12}   {'':>5}   warning: no payment row in {months}{more}; the welfare metrics "
                         "read such a month as 0 SEK for everyone, and register retention as a month off "
                         "welfare. If the export left them out, export them again")
        return lines
    if payment_files.loc[unit, "sum"]:  # rows, but none for a month up to as_of
        return [f"{'':<12}   {'':>5}   the unit's ledger{files} has no month up to the extraction date "
                "(every welfare window is censored)"]
    return []


def reconciliation_text(network) -> str:
    """Return the per-file reconciliation of ``network`` as text for a terminal."""
    rec = network.reconciliation
    rejects = network.rejects
    lines = [f"Network {network.name!r}, extraction date {network.as_of.date()}", ""]
    header = f"{'unit':<12} {'table':<11} {'file':<40} {'read':>8} {'loaded':>8} {'rejected':>8}"
    lines += [header, "-" * len(header)]
    # unit by unit (in the manifest's order), each unit's tables in the canonical order
    unit_order = {u: i for i, u in enumerate(dict.fromkeys(rec["unit"].astype(str)))}
    table_order = {t: i for i, t in enumerate(("episodes", "activities", "followups", "payments"))}
    by_unit = sorted(range(len(rec)), key=lambda i: (unit_order[str(rec["unit"].iloc[i])],
                                                      table_order.get(str(rec["table"].iloc[i]), 9)))
    ledgers = _ledger_months(network)
    # a unit's ledger (all its payment files together) is described under its last payments file
    last_payments = {str(row.unit): i for i, row in enumerate(rec.iloc[by_unit].itertuples(index=False))
                     if row.table == "payments"}
    payment_files = rec.loc[rec["table"] == "payments"].groupby(rec["unit"].astype(str))["rows_loaded"].agg(
        ["size", "sum"])
    warned = {}  # file -> its read warnings' messages, without the file's name in front
    for w in network.meta.get("read_warnings", []):
        warned.setdefault(w["file"], []).append(w["message"].removeprefix(f"{w['file']}: "))
    for i, row in enumerate(rec.iloc[by_unit].itertuples(index=False)):
        lines.append(
            f"{str(row.unit):<12} {str(row.table):<11} {_short(str(row.file), 40):<40} "
            f"{row.rows_read:>8} {row.rows_loaded:>8} {row.rows_rejected:>8}"
        )
        # a workbook holds several tables (a sheet each), a frame several units: match all three
        mine = rejects[(rejects["file"] == row.file) & (rejects["table"] == row.table) & (rejects["unit"] == row.unit)]
        if len(mine):
            # most common first, equal counts in name order
            reasons = mine["reason"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
            for reason, count in reasons.head(_TOP_REASONS).items():
                these = mine.loc[mine["reason"] == reason]
                lines.append(f"{'':<12}   {count:>5} × {reason} {_lines_text(these['line'], these.get('other_line'))}")
                if reason.startswith("invalid identity number"):  # why, as the value's placeholder says
                    lines += [f"{'':<12}   {'':>5}   {n:>5} × {why}" for why, n in _why_invalid(these["value"])]
            if len(reasons) > _TOP_REASONS:  # the rest named in one line, so that no reason goes unmentioned
                rest = reasons.iloc[_TOP_REASONS:]
                lines.append(f"{'':<12}   {int(rest.sum()):>5} × other reasons: "
                             f"{'; '.join(f'{reason} ({count})' for reason, count in rest.items())} "
                             "(lines in the --rejects file)")
        lines += [f"{'':<12}   {'':>5}   warning: {text}" for text in warned.pop(str(row.file), [])]
        if last_payments.get(str(row.unit)) == i:
            lines += _ledger_line(str(row.unit), ledgers, payment_files)
        repeated = getattr(row, "rows_repeated", pd.NA)  # NA or absent: a folder older than the column
        if pd.notna(repeated) and repeated:
            why = " (kept: a ledger may pay one sum twice a month)" if row.table == "payments" else " (kept)"
            lines.append(f"{'':<12}   {repeated:>5} loaded row{'s' if repeated != 1 else ''} equal to an earlier "
                         f"one in every column as read{why}: check the export")
            located = getattr(row, "repeated_lines", pd.NA)
            if pd.notna(located):
                more = ", …" if repeated > str(located).count(" repeats ") else ""
                lines.append(f"{'':<12}   {'':>5}   {located}{more}")
    lines += [f"warning: {file}: {text}" for file, texts in warned.items() for text in texts]  # of no row's file
    total = rec[["rows_read", "rows_loaded", "rows_rejected"]].sum()
    lines += [
        "-" * len(header),
        f"{'total':<65} {total['rows_read']:>8} {total['rows_loaded']:>8} {total['rows_rejected']:>8}",
    ]
    balanced = bool((rec["rows_read"] == rec["rows_loaded"] + rec["rows_rejected"]).all())
    lines.append("every row accounted for: read = loaded + rejected" if balanced else
                 "WARNING: rows read != loaded + rejected for some file")
    from .io.template import PLACEHOLDER_CODE

    units = network.units
    if "municipality_code" in units:  # a frames network may have none
        lines += [f"note: unit {unit!r} has municipality_code \"{PLACEHOLDER_CODE}\", the template's placeholder: "
                  "write the municipality's four-digit code (SCB) in the network's manifest (network.toml)"
                  for unit in units.loc[units["municipality_code"] == PLACEHOLDER_CODE, "unit"].astype(str)]
    return "\n".join(lines)


def _why_invalid(values: pd.Series) -> list[tuple[str, int]]:
    """(placeholder, count) of the rejected identity numbers, most common first: the placeholder
    shown instead of the number says why (a leading 0 that an Excel number cell dropped, a
    wrong check digit ...) and holds no digit of it."""
    counts = values.astype(str).value_counts().sort_index().sort_values(ascending=False, kind="stable")
    return list(counts.items())


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


def _template(args) -> int:
    from .io import write_template

    folder = write_template(args.folder, overwrite=args.force)
    print(f"templates written to {folder}")
    return _EXIT_OK


def _benchmark(args) -> int:
    from .compare.riskadjust import check_casemix
    from .report import benchmark_report, check_report_folder
    from .schema import EXIT_REASONS, OUTCOME_GROUPS, unknown_outcome

    if args.min_cell < 1:
        raise AmebenchError(f"--min-cell must be at least 1, not {args.min_cell}")
    if args.seed < 0:
        raise AmebenchError(f"--seed must be 0 or more, not {args.seed}")
    check_report_folder(args.out, name=f"--out {args.out}")
    if args.outcome not in OUTCOME_GROUPS and args.outcome not in EXIT_REASONS:  # before the network is read
        raise unknown_outcome(args.outcome, sets=False)
    casemix = None if args.casemix is None else check_casemix([v.strip() for v in args.casemix.split(",") if v.strip()])
    as_of = _as_of(args.as_of) if args.as_of else None
    exited = _period(args.exited) if args.exited is not None else None
    network = _read(args.path)
    if not args.quiet:
        hint = (f" (`amebench validate {args.path} --rejects rejects.csv` writes them out)"
                if len(network.rejects) else "")
        print(
            f"[amebench] read {args.path}: {len(network.units)} units, {len(network.episodes):,} episodes, "
            f"{len(network.rejects):,} rows rejected{hint}",
            file=sys.stderr, flush=True,
        )
    path = benchmark_report(
        network, args.out, as_of=as_of, lang=args.lang, min_cell=args.min_cell,
        outcome=args.outcome, seed=args.seed, progress=not args.quiet, casemix=casemix, exited=exited,
    )
    print(f"report written to {path}")
    return _EXIT_OK


def _as_of(text: str) -> pd.Timestamp:
    """The date of ``--as-of``: YYYY-MM-DD only (2.1.2025 is read differently in Sweden and elsewhere)."""
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise AmebenchError(f"--as-of {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-09-30") from None


def _period(text: str):
    """The period of ``--exited``: one period, or FROM/TO (ISO 8601's interval mark)."""
    from .cohorts import period_bounds

    parts = text.split("/")
    try:  # each part on its own: an error here names the option, before the network is read
        bounds = [period_bounds(part) for part in parts] if len(parts) <= 2 else None
    except AmebenchError:
        bounds = None
    if bounds is None:
        raise AmebenchError(f"--exited {text!r} is not a period: give a year (2025), a quarter (2025Q3), a month "
                            "(2025-06) or FROM/TO (2025-01/2025-06), year first")
    if bounds[-1][1] < bounds[0][0]:
        raise AmebenchError(f"--exited {text!r} ends before it starts")
    return parts[0] if len(parts) == 1 else tuple(parts)


def _read(path: str):
    """The network of a folder with a network.toml, or of one written by Network.to_parquet."""
    from . import read_parquet
    from .io import read_network

    folder = _existing(path)
    if folder.is_dir() and not (folder / "network.toml").exists() and (folder / "network.json").exists():
        return read_parquet(folder)
    return read_network(folder)


def _existing(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise AmebenchError(f"{path}: no such file or folder")
    return p


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
