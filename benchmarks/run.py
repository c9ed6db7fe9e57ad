#!/usr/bin/env python
"""National-scale benchmark suite of amebench.

    python benchmarks/run.py --scale 0.1             # smoke run (~2 min incl. generation)
    python benchmarks/run.py --scale 1.0 --json benchmarks/_data/s1.json
    python benchmarks/run.py --growth                # scales 0.1, 0.3, 1.0
    python benchmarks/run.py --scale 0.1 --stages read,from_frames,read_csv_network --no-peers --no-ingest

Data (kept in benchmarks/_data/, git-ignored): a network generated with
amebench.synth.simulate_network at ``scale`` x national size (290 units, 2,000,000
episodes, 40M monthly payment rows part household-keyed, 1M follow-ups), written as Parquet;
and one unit's ~1,000,000-row Järfälla-dialect payments CSV for the ingestion stage.

Measurement: every stage and peer runs ``--repeat`` times, each in a FRESH subprocess that
first loads what the stage needs (untimed: the network from Parquet, and the cohort), then
times the stage alone. ``wall_s`` is the median wall time (time.perf_counter) of the
repeats, ``user_s`` and ``sys_s`` the medians of the child's CPU time in user and kernel
mode during the stage (all threads; kernel time is mostly page faults of new memory);
``peak_rss_mb`` is the child's peak resident set size (VmHWM of /proc/self/status:
includes the loaded network) and ``stage_rss_mb`` the growth of that peak during the
stage. ``pipeline`` = read + cohort + every report table in one process (no HTML, no
figures): the 60 s / 8 GB target. Two stages run only when named in ``--stages``:
``from_frames`` times ``Network.from_frames`` of the network's own tables (a researcher
who starts from DataFrames rather than Parquet), ``read_csv_network`` times
``read_network`` of the network written once as 290 units of canonical CSV exports
(1,160 files); compare both with ``read``. ``welfare_delta`` starts from the ledger id
codes ``read_parquet`` takes back from ``to_parquet``'s files; ``welfare_delta_hashing``
(informational) is the same call hashing the ids itself, as after ``read_network``.

The suite also measures how fast a new process gets fresh memory (``fresh_memory_gib_s``
in the machine's figures) and warns below 1 GiB/s: on a VM whose host backs guest
memory on first use (and takes freed memory back) every stage that allocates is then
slow for that reason alone, so compare runs made at similar speeds.

Peers (same run, same data): DuckDB SQL (needs ``pip install duckdb``; skipped with a note
when missing) and plain pandas. ``ratio`` = amebench time / peer time; ``match`` = the
per-unit results agree (counts exactly, means within 1e-9 relative).

Ingestion: ``read_export`` through the profile against ``pandas.read_csv`` parsing the same
files (the target), and, for information, against an analyst's pandas reader making the same
conversions with fewer checks (``analyst.py``; its columns must equal amebench's cell by cell).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import analyst as _analyst  # noqa: E402
import data as _data  # noqa: E402
import peers as _peers  # noqa: E402
import stages as _stages  # noqa: E402

STAGE_ORDER = ["read", "cohort", "outcome_rate", "retention", "welfare_delta",
               "welfare_delta_hashing", "welfare_delta_again", "welfare_delta_bootstrap", "durations",
               "funnel", "risk_adjusted", "report_tables", "pipeline"]
TARGETS = {"pipeline": "<= 60 s, <= 8 GB", "outcome_rate": "<= 1 s",
           "welfare_delta.duckdb": "ratio <= 1.0", "welfare_delta.pandas": "ratio <= 0.1",
           "ingest": "ratio <= 3"}


def _maxrss_mb() -> float:
    """This process's peak resident set in MB: VmHWM, which starts afresh at exec.

    getrusage's ru_maxrss does not: a child started after the parent generated the data
    reported the parent's 7.7 GB peak as its own (2026-12-03).
    """
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024.0
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


# -- child side -----------------------------------------------------------------------


def _child(kind: str, name: str, folder: str, out: str | None) -> dict:
    """Run one stage / peer / ingestion in this (fresh) process and return its figures."""
    if kind == "stage":
        function, needs, _ = _stages.STAGES[name]
        ctx = _stages.setup(folder, needs)
        run = lambda: function(ctx)  # noqa: E731
    elif kind == "peer":
        function = _peers.PEERS[name][0]
        ctx = _stages.setup(folder, "network")
        run = lambda: function(ctx["network"])  # noqa: E731
    else:  # ingest: amebench.read_export through the profile, pandas.read_csv parsing, or the analyst's reader
        _stages._warm_imports()
        info = json.loads((Path(folder) / "done.json").read_text())
        run = {"amebench": _ingest_amebench, "pandas": _ingest_pandas, "analyst": _ingest_analyst}[name](info)
        ctx = {}
    base = _maxrss_mb()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    result = run()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak = _maxrss_mb()
    figures = {"wall_s": wall, "peak_rss_mb": peak, "stage_rss_mb": peak - base,
               "user_s": after.ru_utime - cpu.ru_utime, "sys_s": after.ru_stime - cpu.ru_stime,
               "notes": ctx.get("notes", [])}
    if figures["notes"]:
        figures["complete"] = False  # some report sections' code has not landed yet
    if kind == "ingest":
        tables = result.pop("tables", None)
        if out and tables is not None:
            import pandas as pd

            pd.to_pickle(tables, out)
        figures.update(result)
    elif out and name in ("welfare_delta", "outcome_rate") or kind == "peer":
        table = result
        if kind == "stage":
            table = table[table["group"] == "participants"] if "group" in table else table
        table.to_pickle(out)
    return figures


def _ingest_amebench(info):
    def run():
        import amebench

        net = amebench.read_export(info["files"], profile=info["profile"], unit="jarfalla",
                                   key=info["key"], as_of=info["as_of"])
        return {"rows_loaded": {"payments": len(net.payments), "episodes": len(net.episodes)},
                "rows_rejected": len(net.rejects), "tables": {"episodes": net.episodes, "payments": net.payments}}
    return run


def _ingest_analyst(info):
    def run():
        tables = _analyst.read_export(info["files"], info["profile"], info["key"], info["as_of"])
        return {"rows_read": {name: len(t) for name, t in tables.items()}, "tables": tables}
    return run


def _ingest_pandas(info):
    def run():
        import pandas as pd

        rows = {}
        for table, path in info["files"].items():
            rows[table] = len(pd.read_csv(path, sep=info["delimiter"], encoding=info["encoding"]))
        return {"rows_parsed": rows}
    return run


# -- parent side ----------------------------------------------------------------------


def _spawn(kind, name, folder, out=None, timeout=1800) -> dict:
    cmd = [sys.executable, str(HERE / "run.py"), "--child", kind, name, str(folder)]
    if out:
        cmd += ["--child-out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    err = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    return {"status": "error", "error": err[-300:]}


def _measure(kind, name, folder, repeat, out=None) -> dict:
    runs = [_spawn(kind, name, folder, out) for _ in range(repeat)]
    bad = [r for r in runs if r.get("status") != "ok"]
    if bad:
        return {"status": bad[0].get("status"), "error": bad[0].get("error", "")}
    fig = {"status": "ok",
           "wall_s": statistics.median(r["wall_s"] for r in runs),
           "wall_s_runs": [round(r["wall_s"], 3) for r in runs],
           "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
           "stage_rss_mb": statistics.median(r["stage_rss_mb"] for r in runs),
           "user_s": statistics.median(r["user_s"] for r in runs),
           "sys_s": statistics.median(r["sys_s"] for r in runs)}
    extra = {k: v for k, v in runs[0].items() if k not in fig}
    if extra.get("notes") == []:
        extra.pop("notes")
    fig.update(extra)
    return fig


def _fmt(fig) -> str:
    if fig.get("status") != "ok":
        return f"{fig.get('status')}: {fig.get('error', '')}"
    partial = "  INCOMPLETE (sections missing, see notes)" if fig.get("complete") is False else ""
    return (f"{fig['wall_s']:8.2f} s  peak {fig['peak_rss_mb']:7.0f} MB  "
            f"(+{fig['stage_rss_mb']:6.0f} MB in stage; CPU {fig['user_s']:6.2f} s user {fig['sys_s']:6.2f} s system)"
            f"{partial}")


def _verdict(ok, available=True) -> str:
    return "not available" if not available else ("PASS" if ok else "FAIL")


def targets(report, ingest=None) -> dict:
    """Check the issue's targets (meaningful at scale 1.0)."""
    st, pe = report["stages"], report["peers"]
    out = {}
    p = st.get("pipeline", {})
    full = p.get("status") == "ok" and p.get("complete", True)
    out["pipeline <= 60 s and <= 8 GB"] = _verdict(
        full and p["wall_s"] <= 60 and p["peak_rss_mb"] <= 8192, full)
    o = st.get("outcome_rate", {})
    out["outcome_rate by unit <= 1 s"] = _verdict(o.get("status") == "ok" and o["wall_s"] <= 1,
                                                  o.get("status") == "ok")
    d, q = pe.get("welfare_delta.duckdb", {}), pe.get("welfare_delta.pandas", {})
    out["welfare_delta / duckdb <= 1.0"] = _verdict((d.get("ratio") or 99) <= 1.0, d.get("ratio") is not None)
    out["welfare_delta >= 10x faster than pandas"] = _verdict((q.get("ratio") or 99) <= 0.1,
                                                              q.get("ratio") is not None)
    matched = [v.get("match") for v in pe.values() if v.get("match") is not None]
    out["results identical to the peers'"] = _verdict(all(matched), bool(matched))
    if ingest is not None:
        out["ingestion <= 3x pandas.read_csv"] = _verdict((ingest.get("ratio") or 99) <= 3,
                                                          ingest.get("ratio") is not None)
    return out


def run_scale(scale, *, repeat, stages, with_peers, log=print) -> dict:
    info = _data.ensure_network(scale, log=log)
    folder = _data.network_folder(scale)
    results = _data.DATA / "results" / f"s{scale:g}"
    results.mkdir(parents=True, exist_ok=True)
    report = {"scale": scale, "data": info, "stages": {}, "peers": {}}
    log(f"\n== scale {scale:g}: {info['units']} units, {info['episodes']:,} episodes, "
        f"{info['payments']:,} payment rows ({info['payments_household_keyed']:,} household-keyed), "
        f"{info['followups']:,} follow-ups; {repeat} run(s) per stage, each in a fresh process")
    for name in stages:
        out = results / f"{name}.pkl" if name in ("welfare_delta", "outcome_rate") else None
        if out is not None and out.exists():
            out.unlink()
        fig = _measure("stage", name, folder, repeat, out)
        fig["what"] = _stages.STAGES[name][2]
        report["stages"][name] = fig
        log(f"  {name:24s} {_fmt(fig)}")
        for note in fig.get("notes", []):
            log(f"  {'':24s}   note: {note}")
    if with_peers:
        log("  peers (ratio = amebench / peer; match = identical per-unit results):")
        for name, (_, stage, columns) in _peers.PEERS.items():
            if stage not in stages:
                continue
            if name.endswith(".duckdb") and not _peers.duckdb_available():
                report["peers"][name] = {"status": "not available", "error": _peers.INSTALL_HINT}
                log(f"  {name:24s} {_peers.INSTALL_HINT}")
                continue
            out = results / f"{name}.pkl"
            fig = _measure("peer", name, folder, repeat, out)
            ours = report["stages"].get(stage, {})
            if fig.get("status") == "ok" and ours.get("status") == "ok":
                import pandas as pd

                fig["ratio"] = ours["wall_s"] / fig["wall_s"]
                match, detail = _peers.compare_tables(pd.read_pickle(results / f"{stage}.pkl"),
                                                      pd.read_pickle(out), columns)
                fig["match"], fig["match_detail"] = match, detail
                log(f"  {name:24s} {_fmt(fig)}  ratio {fig['ratio']:.2f}  "
                    f"{'MATCH' if match else 'MISMATCH'}: {detail}")
            else:
                fig["ratio"], fig["match"] = None, None
                why = "amebench stage not available" if ours.get("status") != "ok" else ""
                log(f"  {name:24s} {_fmt(fig)}  ratio n/a {why}")
            report["peers"][name] = fig
    return report


def run_ingest(repeat, log=print) -> dict:
    info = _data.ensure_export(log=log)
    folder = _data.export_folder()
    results = _data.DATA / "results" / "ingest"
    results.mkdir(parents=True, exist_ok=True)
    ours = _measure("ingest", "amebench", folder, repeat, results / "amebench.pkl")
    peer = _measure("ingest", "pandas", folder, repeat)
    analyst = _measure("ingest", "analyst", folder, repeat, results / "analyst.pkl")
    out = {"data": info, "amebench": ours, "pandas_read_csv": peer, "analyst": analyst}
    log(f"\n== ingestion: {info['payments_rows']:,}-row payments CSV + {info['episodes_rows']:,}-row "
        "episodes CSV, Järfälla dialect (';', decimal comma, 'kr', personnummer)")
    log(f"  read_export (profile)    {_fmt(ours)}  {ours.get('rows_loaded', '')} "
        f"rejected {ours.get('rows_rejected', '')}")
    log(f"  pandas.read_csv (parse)  {_fmt(peer)}")
    log(f"  analyst's pandas reader  {_fmt(analyst)}")
    if ours.get("status") == "ok" and peer.get("status") == "ok":
        out["ratio"] = ours["wall_s"] / peer["wall_s"]
        loaded = ours["rows_loaded"]
        out["match"] = loaded == peer["rows_parsed"] and ours["rows_rejected"] == 0
        log(f"  ratio amebench / pandas.read_csv {out['ratio']:.2f} (target <= 3); every row loaded: {out['match']}")
    if ours.get("status") == "ok" and analyst.get("status") == "ok":
        import pandas as pd

        analyst["ratio"] = ours["wall_s"] / analyst["wall_s"]
        analyst["match"], analyst["match_detail"] = _analyst.same_tables(
            pd.read_pickle(results / "amebench.pkl"), pd.read_pickle(results / "analyst.pkl"))
        log(f"  ratio amebench / analyst's reader {analyst['ratio']:.2f} (informational: the same conversions in "
            f"pandas, fewer checks, no reject rows); {'MATCH' if analyst['match'] else 'MISMATCH'}: "
            f"{analyst['match_detail']}")
    return out


#: Fresh memory (a new process's first touch of 1 GiB) slower than this many GiB/s means
#: the machine, not amebench, sets the pace of stages that allocate: ordinary hardware
#: gives several GiB/s; a VM whose host backs guest memory on first use gave 0.27 GiB/s
#: (2026-12-04: read_parquet took 9-23 s there, 4.3-5.5 s in the seconds after 20 GiB had
#: been touched, before the guest handed the freed memory back to the host).
SLOW_FRESH_MEMORY = 1.0


def fresh_memory_speed(gib: float = 1.0) -> float:
    """GiB/s at which a new process gets and first touches ``gib`` GiB (numpy.ones)."""
    code = (f"import time, numpy; t = time.perf_counter(); numpy.ones({int(gib * 2**27)}); "
            "print(time.perf_counter() - t)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return gib / float(run.stdout)


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024**2, 1)
    except OSError:
        pass
    import numpy
    import pandas
    import pyarrow

    info.update(numpy=numpy.__version__, pandas=pandas.__version__, pyarrow=pyarrow.__version__)
    if _peers.duckdb_available():
        import duckdb

        info["duckdb"] = duckdb.__version__
    import amebench

    info["amebench"] = amebench.__version__
    return info


def _growth_table(reports, log=print):
    names = list(dict.fromkeys(n for r in reports for n in r["stages"]))
    head = "  stage                    " + "".join(f"{'s=' + format(r['scale'], 'g'):>22s}" for r in reports)
    log("\n== growth (wall s / peak MB per stage)")
    log(head)
    for n in names:
        cells = []
        for r in reports:
            f = r["stages"].get(n, {})
            cells.append(f"{f['wall_s']:9.2f} s {f['peak_rss_mb']:7.0f} MB" if f.get("status") == "ok"
                         else f"{'n/a':>22s}")
        log(f"  {n:24s} " + "".join(f"{c:>22s}" for c in cells))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=1.0, help="fraction of national size (default 1.0)")
    p.add_argument("--growth", action="store_true", help="run at scales 0.1, 0.3 and 1.0")
    p.add_argument("--repeat", type=int, default=1, help="runs per stage (median reported)")
    p.add_argument("--stages", default=",".join(STAGE_ORDER),
                   help="comma-separated stages (default: all but from_frames and read_csv_network, "
                        "which run only when named)")
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--no-ingest", action="store_true")
    p.add_argument("--json", metavar="FILE", help="write every figure to FILE")
    p.add_argument("--child", nargs=3, metavar=("KIND", "NAME", "FOLDER"), help=argparse.SUPPRESS)
    p.add_argument("--child-out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, name, folder = args.child
        try:
            fig = _child(kind, name, folder, args.child_out)
            fig["status"] = "ok"
        except _stages.NotAvailable as exc:
            fig = {"status": "not available", "error": str(exc)}
        except _peers.PeerUnavailable as exc:
            fig = {"status": "not available", "error": str(exc)}
        print(json.dumps(fig, default=str))
        return 0
    stages = [s for s in args.stages.split(",") if s]
    unknown = [s for s in stages if s not in _stages.STAGES]
    if unknown:
        p.error(f"unknown stage(s) {unknown}; choose from {list(_stages.STAGES)}")
    if not _peers.duckdb_available():
        print(f"note: {_peers.INSTALL_HINT}")
    t0 = time.perf_counter()
    info = machine()
    info["fresh_memory_gib_s"] = speed = round(fresh_memory_speed(), 2)  # again at the end: it drifts
    print(f"fresh memory: {speed} GiB/s (a new process's first touch of 1 GiB)")
    if speed < SLOW_FRESH_MEMORY:
        print(f"warning: this machine hands out fresh memory slowly ({speed} GiB/s < {SLOW_FRESH_MEMORY}): "
              "stages that allocate are slow for that reason alone; compare runs made at similar speeds")
    scales = [0.1, 0.3, 1.0] if args.growth else [args.scale]
    out = {"machine": info, "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "repeat": args.repeat, "memory_method": "fresh subprocess per stage; VmHWM of /proc/self/status "
           "(peak_rss_mb = child's peak incl. loaded data; stage_rss_mb = growth of the peak during the stage)",
           "scales": []}
    for s in scales:
        out["scales"].append(run_scale(s, repeat=args.repeat, stages=stages, with_peers=not args.no_peers))
    if len(scales) > 1:
        _growth_table(out["scales"])
    if not args.no_ingest:
        out["ingest"] = run_ingest(args.repeat)
    last = out["scales"][-1]
    out["targets"] = {"scale": last["scale"], **targets(last, out.get("ingest"))}
    print(f"\n== targets (checked at scale {last['scale']:g}; they are set for scale 1.0)")
    for k, v in out["targets"].items():
        if k != "scale":
            print(f"  {k:42s} {v}")
    out["machine"]["fresh_memory_gib_s_at_end"] = end = round(fresh_memory_speed(), 2)
    print(f"\nfresh memory: {speed} GiB/s at the start, {end} GiB/s at the end")
    out["total_s"] = time.perf_counter() - t0
    print(f"\nsuite finished in {out['total_s']:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
