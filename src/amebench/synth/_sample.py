"""Write the KNUT sample network: five unit exports in their own dialects (see data/sample/README.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import fixed_time_xlsx
from ._dialects import DIALECTS, SV_ACT, SV_STATUS

__all__ = ["write_sample"]

_FIXED_DAY = (2026, 9, 30)


def _pnr(values: pd.Series, fmt: str) -> pd.Series:
    s = values.astype(str)
    if fmt.startswith("10"):
        s = s.str[2:]
    if fmt.endswith("-"):
        s = s.str[:-4] + "-" + s.str[-4:]
    return s


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    return pd.Series(pd.to_datetime(values).dt.strftime(fmt)).fillna("")


def _amounts(values: pd.Series, d: dict) -> pd.Series:
    text = values.map(lambda v: f"{v:,.2f}")  # 12,345.50
    text = text.str.replace(",", "\u2009", regex=False).str.replace(".", d["decimal"], regex=False)
    text = text.str.replace("\u2009", d["thousands"], regex=False)
    return text + " kr" if d["kr"] else text


def _encode(frame: pd.DataFrame, table: str, d: dict, ids: dict, hh_ids: dict | None = None) -> pd.DataFrame:
    cols = d[table]
    out = {}
    for canon, header in cols.items():
        v = frame[canon]
        if canon in ("person_id", "household_id"):
            out[header] = _pnr(v.map(ids), d["pnr"]).where(v.notna(), "")
        elif canon in ("enrolled_on", "exited_on", "started_on", "ended_on", "measured_on"):
            out[header] = _dates(v, d["date"])
        elif canon == "month":
            out[header] = _dates(v, d["month"])
        elif canon == "amount_sek":
            out[header] = _amounts(v, d)
        elif canon == "birth_year":
            out[header] = v.astype(str)
        elif canon in d["codes"]:
            out[header] = v.astype(object).map(d["codes"][canon]).fillna("")
        elif canon == "activity":
            out[header] = v.astype(str).map(SV_ACT)
        elif canon == "status":
            out[header] = v.astype(str).map(SV_STATUS).fillna("")
        elif canon == "responded":
            out[header] = np.where(v.astype(bool), "Ja", "Nej")
        else:
            out[header] = v.astype(str)
    return pd.DataFrame(out)


def _write_csv(frame: pd.DataFrame, path: Path, d: dict) -> None:
    text = frame.to_csv(sep=d["delimiter"], index=False, lineterminator="\n")
    path.write_bytes(text.encode(d["encoding"]))


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name="Deltagare", engine="openpyxl")
    path.write_bytes(fixed_time_xlsx(buf.getvalue(), _FIXED_DAY))  # reruns are identical


def _insert(frame: pd.DataFrame, row: dict, at: int) -> tuple[pd.DataFrame, int]:
    at = min(at, len(frame))
    new = pd.concat([frame.iloc[:at], pd.DataFrame([row], columns=frame.columns), frame.iloc[at:]], ignore_index=True)
    return new, at + 2  # CSV/sheet line: header is line 1


def _bad_rows(unit: str, tables: dict, d: dict, spare: list[str]) -> list[dict]:
    """Insert the deliberate bad rows of ``unit`` into its encoded tables; return their README entries."""
    bad = []
    ep = tables["episodes"]
    h = d["episodes"]
    def fresh(template_index: int) -> dict:
        row = ep.iloc[template_index].to_dict()
        row[h["person_id"]] = _pnr(pd.Series([spare.pop()]), d["pnr"]).iloc[0]
        if "household_id" in h:
            row[h["household_id"]] = ""
        return row
    if unit == "jarfalla":
        row = fresh(40); row[h["episode_id"]] = "JAR-900001"; row[h["enrolled_on"]] = "2024-02-30"
        row[h["exited_on"]] = ""; row[h["exit_reason"]] = ""
        ep, line = _insert(ep, row, 40)
        bad.append(dict(unit=unit, file=d["files"]["episodes"], line=line, column=h["enrolled_on"],
                        reason="date does not exist (2024-02-30)"))
        dup = ep.iloc[99].to_dict()
        ep, line = _insert(ep, dup, 120)
        bad.append(dict(unit=unit, file=d["files"]["episodes"], line=line, column=h["episode_id"],
                        reason=f"duplicate episode id {dup[h['episode_id']]} (exact copy of line 101)"))
    elif unit == "solna":
        row = fresh(30); row[h["episode_id"]] = "SOL-900001"
        row[h["enrolled_on"]] = "20240315"; row[h["exited_on"]] = "20240301"; row[h["exit_reason"]] = "Studier"
        ep, line = _insert(ep, row, 30)
        bad.append(dict(unit=unit, file=d["files"]["episodes"], line=line, column=h["exited_on"],
                        reason="exit (2024-03-01) before enrolment (2024-03-15)"))
    elif unit == "nynashamn":
        row = fresh(20); row[h["episode_id"]] = "NYN-900001"
        p = row[h["person_id"]]
        row[h["person_id"]] = p[:-1] + str((int(p[-1]) + 1) % 10)
        ep, line = _insert(ep, row, 20)
        bad.append(dict(unit=unit, file=d["files"]["episodes"], line=line, column=h["person_id"],
                        reason="personnummer with a wrong check digit"))
    elif unit == "sodertalje":
        pay = tables["payments"]
        row = pay.iloc[500].to_dict(); hp = d["payments"]
        row[hp["amount_sek"]] = "-1 250,00 kr"
        tables["payments"], line = _insert(pay, row, 501)
        bad.append(dict(unit=unit, file=d["files"]["payments"], line=line, column=hp["amount_sek"],
                        reason="negative amount (-1 250,00 kr)"))
    elif unit == "sundbyberg":
        act = tables["activities"]
        row = act.iloc[60].to_dict(); ha = d["activities"]
        row[ha["started_on"]] = "31/13/2024"
        tables["activities"], line = _insert(act, row, 61)
        bad.append(dict(unit=unit, file=d["files"]["activities"], line=line, column=ha["started_on"],
                        reason="date does not parse (31/13/2024: month 13)"))
    tables["episodes"] = ep
    return bad


def _q(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _profile_text(unit: str, d: dict) -> str:
    fmt = {"encoding": d["encoding"], "delimiter": d["delimiter"], "decimal": d["decimal"],
           "thousands": d["thousands"], "date_format": d["date"], "month_format": d["month"]}
    lines = [f"# Mapping profile of {unit} (synthetic KNUT sample; see data/sample/README.md)", "",
             "[profile]", f"name = {_q(unit + ' AME export (synthetic)')}", 'person_id = "personnummer"']
    if "household_id" in d["episodes"]:
        lines.append('household_id = "personnummer"')
    lines += ["", "[format]"] + [f"{k} = {_q(v)}" for k, v in fmt.items()]
    for table in ("episodes", "activities", "followups", "payments"):
        if table not in d["files"]:
            continue
        lines += ["", f"[{table}.columns]"] + [f"{k} = {_q(v)}" for k, v in d[table].items()]
        if table == "episodes":
            if d["derive_birth_year"]:
                lines += ["", "[episodes.derive]", 'birth_year_from = "person_id"']
            for col, mapping in d["codes"].items():
                lines += ["", f"[episodes.codes.{col}]"]
                lines += [f"{_q(local)} = {_q(canon)}" for canon, local in mapping.items()]
        if table == "activities":
            lines += ["", "[activities.codes.activity]"] + [f"{_q(v)} = {_q(k)}" for k, v in SV_ACT.items()]
        if table == "followups":
            lines += ["", "[followups.constants]", 'source = "survey"', "",
                      "[followups.codes.status]"] + [f"{_q(v)} = {_q(k)}" for k, v in SV_STATUS.items()]
    return "\n".join(lines) + "\n"


def _manifest_text(syn, as_of) -> str:
    lines = ["# KNUT sample network: synthetic data only (see README.md)", "", "[network]",
             'name = "KNUT"', f"as_of = {as_of}", 'key_file = "demo.key"']
    for _, u in syn.units.iterrows():
        d = DIALECTS[u["unit"]]
        lines += ["", "[[units]]", f"unit = {_q(u['unit'])}", f"name = {_q(u['name'])}",
                  f"municipality_code = {_q(u['municipality_code'])}",
                  f"annual_cost_sek = {int(u['annual_cost_sek'])}", f"population = {int(u['population'])}",
                  f"profile = {_q('profiles/' + u['unit'] + '.toml')}", "", "[units.files]"]
        lines += [f"{t} = {_q(p)}" for t, p in d["files"].items()]
    return "\n".join(lines) + "\n"


def write_sample(folder, *, seed: int = 20260930) -> Path:
    """Write the KNUT sample network to ``folder`` (byte-identical for the same seed)."""
    from . import DEMO_KEY, simulate_network
    from ._identity import identity_numbers
    from ._readme import readme_text

    folder = Path(folder)
    syn = simulate_network(n_units=5, seed=seed, key=DEMO_KEY)
    as_of = syn.as_of.date().isoformat()
    ids = dict(zip(syn.identities["person_id"].astype(str), syn.identities["personnummer"].astype(str)))
    spare_rng = np.random.default_rng(seed + 1)
    spare = list(identity_numbers(spare_rng, np.full(8, 1950), np.zeros(8, bool), np.zeros(8, bool)))
    bad_all = []
    for unit, d in DIALECTS.items():
        (folder / unit).mkdir(parents=True, exist_ok=True)
        tables = {}
        for table in d["files"]:
            frame = getattr(syn, table)
            tables[table] = _encode(frame[frame["unit"] == unit].reset_index(drop=True), table, d, ids)
        bad_all += _bad_rows(unit, tables, d, spare)
        for table, rel in d["files"].items():
            path = folder / rel
            if rel.endswith(".xlsx"):
                _write_xlsx(tables[table], path)
            elif rel.endswith(".parquet"):
                frame = syn.payments[syn.payments["unit"] == unit].reset_index(drop=True)
                pq = pd.DataFrame({"personnummer": _pnr(frame["person_id"].astype(str).map(ids), d["pnr"]),
                                   "manad": frame["month"].dt.strftime("%Y-%m-%d"),
                                   "belopp": frame["amount_sek"].astype("float64")})
                pq.to_parquet(path, index=False, compression="zstd")
            else:
                _write_csv(tables[table], path, d)
    (folder / "profiles").mkdir(exist_ok=True)
    for unit, d in DIALECTS.items():
        (folder / "profiles" / f"{unit}.toml").write_text(_profile_text(unit, d), encoding="utf-8")
    (folder / "network.toml").write_text(_manifest_text(syn, as_of), encoding="utf-8")
    (folder / "demo.key").write_text(DEMO_KEY + "\n", encoding="utf-8")
    truth = dict(syn.truth, bad_rows=bad_all)
    (folder / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                       encoding="utf-8")
    (folder / "README.md").write_text(readme_text(syn, bad_all), encoding="utf-8")
    return folder
