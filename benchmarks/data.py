"""Benchmark data: a national-scale synthetic network as Parquet, and a dialect CSV export.

Everything is generated with :mod:`amebench.synth` and kept in ``benchmarks/_data/``
(git-ignored) between runs; a folder is reused when its ``done.json`` marker matches the
requested scale and seed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from amebench import schema
from amebench.network import Network

__all__ = ["DATA", "NATIONAL", "network_folder", "ensure_network", "ensure_csv_network", "ensure_export"]

DATA = Path(__file__).resolve().parent / "_data"
#: National size (issue #6): 290 units, 2,000,000 episodes, 40M payment rows, 1M follow-ups.
NATIONAL = {"units": 290, "episodes": 2_000_000}
#: First enrolment date. Enrolments spread over 2020-01 .. 2026-09 (the synthetic as_of):
#: more episodes have exited by as_of than with the synth default start (2023-07), so each
#: episode has more months after exit in the ledger (~20.0 payment rows per episode instead
#: of ~17.6) and more follow-ups (~0.51 per episode instead of ~0.40). Checked at 2 % of
#: national size: 2023-07 gives 17.6 / 0.40, 2021-07 19.3 / 0.48, 2020-01 20.0 / 0.51.
START = "2020-01-01"
#: simulate_network sizes first episodes so that re-entries bring a unit to
#: ``episodes_per_unit`` when 60 % of them fall before as_of; over 2020-01 .. 2026-09 about
#: 3 % more do (1,991,563 episodes for 290 x 6,670 asked), so ask for less.
REENTRY_SURPLUS = 1.029
EXPORT_ROWS = 1_000_000
SEED = 2026
#: Bumped when the generated data change (v2: national-size ledger and follow-ups, START;
#: v3: synth pairs household members with applicants of their own unit only; v4: the same
#: rows, with the ledger's id codes that Network.to_parquet saves since 2026-12-03; v5: the
#: same rows, the codes in their second format, recorded in network.json; v6: the same
#: rows, with the episodes' id codes too, since 2026-12-04); older folders are left in place.
DATA_VERSION = 6


def network_folder(scale: float) -> Path:
    return DATA / f"network_v{DATA_VERSION}_s{scale:g}"


def _empty(spec) -> pd.DataFrame:
    return schema.coerce_table(pd.DataFrame({c: [] for c in spec.columns}), spec)


def ensure_network(scale: float, *, log=print) -> dict:
    """Generate (once) the network at ``scale`` x national size and write it as Parquet."""
    folder = network_folder(scale)
    marker = folder / "done.json"
    if marker.is_file():
        return json.loads(marker.read_text())
    from amebench.synth import simulate_network

    n_units = NATIONAL["units"]
    per_unit = max(1, round(NATIONAL["episodes"] * scale / n_units / REENTRY_SURPLUS))
    log(f"generating network at scale {scale:g}: {n_units} units x ~{per_unit} episodes "
        f"from {START} (amebench.synth.simulate_network, seed {SEED}) ...")
    t0 = time.perf_counter()
    syn = simulate_network(n_units=n_units, episodes_per_unit=per_unit, start=START, seed=SEED)
    t_gen = time.perf_counter() - t0
    # The synthetic tables are canonical already (schema.coerce_table in synth); build the
    # Network directly rather than through from_frames' reject bookkeeping.
    net = Network(units=syn.units, episodes=syn.episodes, activities=syn.activities,
                  followups=syn.followups, payments=syn.payments,
                  rejects=_empty(schema.REJECTS), reconciliation=_empty(schema.RECONCILIATION),
                  as_of=syn.as_of, name=f"national-s{scale:g}")
    net.to_parquet(folder)
    info = {"scale": scale, "seed": SEED, "generator": "amebench.synth.simulate_network",
            "start": START, "version": DATA_VERSION,
            "units": len(net.units), "episodes": len(net.episodes), "payments": len(net.payments),
            "payments_household_keyed": int(net.payments["household_id"].notna().sum()),
            "followups": len(net.followups), "activities": len(net.activities),
            "generate_s": round(t_gen, 1), "write_s": round(time.perf_counter() - t0 - t_gen, 1)}
    marker.write_text(json.dumps(info, indent=2))
    log(f"  done in {time.perf_counter() - t0:.0f} s: {info}")
    return info


#: The profile of the canonical CSV network: canonical headers, ISO dates, "." decimals.
_CANONICAL_CSV_PROFILE = """[profile]
name = "canonical CSV"
person_id = "pseudonym"
household_id = "pseudonym"

[format]
delimiter = ","
date_format = ["%Y-%m-%d"]
month_format = ["%Y-%m-%d"]
decimal = "."
thousands = ""
true_values = ["True"]
false_values = ["False"]
"""


def ensure_csv_network(scale: float, *, log=print) -> Path:
    """Write (once) the network at ``scale`` as 290 units of canonical CSV exports, with a manifest.

    For the ``read_csv_network`` stage: ``read_network`` of 4 files per unit (1,160 files),
    the cross-file checks of a many-unit read. Returns the folder.
    """
    folder = DATA / f"network_v{DATA_VERSION}_s{scale:g}_csv"
    if (folder / "done.json").is_file():
        return folder
    from amebench.network import read_parquet

    ensure_network(scale, log=log)
    log(f"writing the scale-{scale:g} network as canonical CSV exports ...")
    t0 = time.perf_counter()
    net = read_parquet(network_folder(scale))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "canonical.toml").write_text(_CANONICAL_CSV_PROFILE, encoding="utf-8")
    lines = ["[network]", f'name = "{net.name} csv"', f"as_of = {net.as_of.date().isoformat()}", ""]
    tables = {t: dict(tuple(getattr(net, t).groupby("unit", observed=True, sort=False)))
              for t in ("episodes", "activities", "followups", "payments")}
    for row in net.units.itertuples():
        (folder / row.unit).mkdir(exist_ok=True)
        lines += ["[[units]]", f'unit = "{row.unit}"', f'name = "{row.name}"',
                  f'municipality_code = "{row.municipality_code}"', 'profile = "canonical.toml"', "[units.files]"]
        for table, parts in tables.items():
            if row.unit in parts:
                parts[row.unit].drop(columns="unit").to_csv(folder / row.unit / f"{table}.csv", index=False,
                                                            date_format="%Y-%m-%d")
                lines.append(f'{table} = "{row.unit}/{table}.csv"')
        lines.append("")
    (folder / "network.toml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "done.json").write_text(json.dumps({"scale": scale, "write_s": round(time.perf_counter() - t0, 1)}))
    log(f"  done in {time.perf_counter() - t0:.0f} s")
    return folder


def export_folder() -> Path:
    return DATA / "export_jarfalla"


def ensure_export(*, log=print) -> dict:
    """Write (once) one unit's export in the Järfälla dialect: a ~1,000,000-row payments CSV.

    Identity numbers are drawn in the test range (synthetic); the episodes file is the
    unit's own (about 1/20 of the payment rows).
    """
    folder = export_folder()
    marker = folder / "done.json"
    if marker.is_file():
        return json.loads(marker.read_text())
    from amebench.synth import DEMO_KEY, simulate_network
    from amebench.synth._dialects import DIALECTS
    from amebench.synth._identity import identity_numbers
    from amebench.synth._sample import _encode, _profile_text, _write_csv

    log("generating the 1,000,000-row Järfälla-dialect export ...")
    t0 = time.perf_counter()
    d = DIALECTS["jarfalla"]
    per_unit = 60_000
    syn = simulate_network(n_units=1, episodes_per_unit=per_unit, seed=SEED + 1)
    pay = syn.payments.iloc[:EXPORT_ROWS].reset_index(drop=True)
    ep = syn.episodes
    first = ep.drop_duplicates("person_id")
    rng = np.random.default_rng(SEED + 2)
    pnr = identity_numbers(rng, first["birth_year"].to_numpy(dtype="int64"),
                           (first["gender"] == "man").to_numpy(), first["born_abroad"].to_numpy(dtype=bool))
    ids = dict(zip(first["person_id"].astype(str), pnr))
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for table, frame in (("episodes", ep), ("payments", pay)):
        path = folder / Path(d["files"][table]).name
        _write_csv(_encode(frame.reset_index(drop=True), table, d, ids), path, d)
        files[table] = str(path)
    profile = folder / "jarfalla.toml"
    profile.write_text(_profile_text("jarfalla", d), encoding="utf-8")
    info = {"files": files, "profile": str(profile), "key": DEMO_KEY,
            "as_of": syn.as_of.date().isoformat(), "episodes_rows": len(ep),
            "payments_rows": len(pay), "generate_s": round(time.perf_counter() - t0, 1),
            "delimiter": d["delimiter"], "encoding": d["encoding"]}
    marker.write_text(json.dumps(info, indent=2))
    log(f"  done in {info['generate_s']} s: {len(pay)} payment rows, {len(ep)} episodes")
    return info
