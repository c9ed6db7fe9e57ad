"""The defect corpus: every folder under tests/badinput/ is one kind of broken export.

A case folder holds the unit's files (``episodes.csv``, ``payments.csv`` ... named by
their table), ``profile.toml``, optionally ``network.toml`` (then the folder is read
with :func:`read_network`, else with :func:`read_export`) and ``expected.toml``:

- ``[error]``: ``type`` (the exact AmebenchError subclass), ``match`` (a regex that must
  occur in the message) and ``file`` (the file the message must name);
- or ``[result]``: ``read`` and ``loaded`` rows per table, the exact ``rejects`` (file,
  line, export column, part of the reason, optionally the shown value) and optional
  checks of pseudonyms, birth years, persons, amounts and codes;
- ``generate``: binary inputs (Excel, Parquet, a 1 MB field) are made at test time by
  the function of that name below, so the corpus stays small and readable;
- ``key = false``: read without a pseudonymisation key.

Adding a case is adding a folder. Every case also checks reconciliation
(``rows_read == rows_loaded + rows_rejected`` per file) and that no identity number
reaches a table, a reject, a repr or a message. All numbers are synthetic.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tomllib
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from amebench import exceptions, privacy
from amebench.io import read_export, read_network
from amebench.io.profile import FILE_TABLES
from amebench.labels import reason_label
from fixtures_io.netbuild import KEY

CORPUS = Path(__file__).parent / "badinput"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").is_file())
AS_OF = "2026-09-30"
HEADER = ["Inskrivnings-ID", "Personnummer", "Inskrivningsdatum", "Utskrivningsdatum", "Avslutsorsak",
          "Bedömning", "Kön", "Utrikes född"]
#: Digit runs that could be identity numbers (10 or 12 digits, with - or +), not glued to digits.
NUMBER_RUN = re.compile(r"(?<![0-9])([0-9]{8}[-+]?[0-9]{4}|[0-9]{6}[-+]?[0-9]{4})(?![0-9])")
#: Every (synthetic, valid) identity number in the corpus and the fuzz base export.
KNOWN = ("811218-9876", "721212-9816", "701063-2391", "850709-9805", "201112+9802", "19640823-3234")
PSEUDONYM = re.compile(r"^p_[0-9a-f]{20}$")


# -- generators of binary inputs -----------------------------------------------------------


def _workbook(rows, *, title_rows=()):
    wb = openpyxl.Workbook()
    wb.active.title = "Info"
    wb.active.append(["Uttag ur verksamhetssystemet"])
    ws = wb.create_sheet("Deltagare")
    for row in [*title_rows, HEADER, *rows]:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_ROWS = [
    ["E1", "811218-9876", dt.datetime(2024, 1, 5), dt.datetime(2024, 6, 1), "Arbete", "Grön", "K", "ja"],
    ["E3", "850709-9805", dt.datetime(2024, 3, 1), dt.datetime(2024, 2, 1), "Arbete", None, None, None],
]


def gen_xlsx_named_csv(folder: Path) -> None:
    (folder / "episodes.csv").write_bytes(_workbook(_ROWS))


def gen_one_mb_field(folder: Path) -> None:
    text = "\n".join([
        ";".join(HEADER),
        "E1;811218-9876;2024-01-05;2024-06-01;Arbete;Grön;K;ja",
        "E2;721212-9816;2024-02-05;2024-" + "x" * 1_000_000 + ";;;;",
    ]) + "\n"
    (folder / "episodes.csv").write_text(text, encoding="utf-8")


def gen_excel_title_rows(folder: Path) -> None:
    # Sheet rows: 1-2 title, 3 header, 4 E1, 5 E3 (exit before enrolment).
    data = _workbook(_ROWS, title_rows=[["Deltagarexport"], ["Uttag 2026-09-30"]])
    (folder / "episodes.xlsx").write_bytes(data)


def gen_excel_damaged(folder: Path) -> None:
    data = _workbook(_ROWS)
    (folder / "episodes.xlsx").write_bytes(data[: len(data) // 2])


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def gen_parquet_damaged(folder: Path) -> None:
    data = _parquet_bytes(pd.DataFrame({"Inskrivnings-ID": ["E1"] * 50, "Inskrivningsdatum": ["2024-01-05"] * 50}))
    (folder / "episodes.parquet").write_bytes(data[: len(data) // 2])


def gen_parquet_wrong_dtypes(folder: Path) -> None:
    frame = pd.DataFrame({
        "Inskrivnings-ID": ["E1", "E2"],
        "Personnummer": pd.array([198112189876, 197212129816], dtype="int64"),  # numbers, not text
        "Inskrivningsdatum": pd.array([20240105, 20240205], dtype="int64"),  # yyyymmdd as numbers
        "Utskrivningsdatum": [20240601.0, float("nan")],  # a float column with a gap
        "Avslutsorsak": ["Arbete", None],
        "Bedömning": ["Grön", "Röd"],
        "Kön": ["K", "M"],
        "Utrikes född": [True, False],
    })
    (folder / "episodes.parquet").write_bytes(_parquet_bytes(frame))


GENERATORS = {name[4:]: fn for name, fn in globals().items() if name.startswith("gen_")}


# -- the identity-leak check ------------------------------------------------------------------


def _forms(number: str) -> set[str]:
    """Every way a number can be written: 10 or 12 digits, with or without - (or +)."""
    norm = privacy.validate_personnummer(number, as_of=AS_OF)
    sep = "+" if "+" in number else "-"
    return {norm, norm[2:], f"{norm[:8]}-{norm[8:]}", f"{norm[2:8]}{sep}{norm[8:]}", f"{norm[2:8]}-{norm[8:]}"}


KNOWN_FORMS = sorted(set().union(*(_forms(n) for n in KNOWN)), key=len, reverse=True)


def _leaks(text: str) -> list[str]:
    """Return the identity numbers in ``text``, masked (so the assertion shows no number).

    A known number in any of its forms anywhere (even glued to other characters), or any
    valid number standing on its own (not part of a longer digit run).
    """
    found = {f for f in KNOWN_FORMS if f in text}
    found |= {m.group(1) for m in NUMBER_RUN.finditer(text) if privacy.is_valid_personnummer(m.group(1), as_of=AS_OF)}
    return sorted(n[:4] + "…" for n in found)


def assert_no_identity(net=None, message: str | None = None) -> None:
    """No valid identity number in any text cell, repr, or message (pseudonym columns: p_ + hex)."""
    if message is not None:
        assert not _leaks(message), "an identity number in the message"
    if net is None:
        return
    for name in ("units", "episodes", "activities", "followups", "payments", "rejects", "reconciliation"):
        frame = getattr(net, name)
        for column in frame.columns:
            values = frame[column].dropna().astype(str)
            if column in ("person_id", "household_id") and name != "rejects":
                assert values.str.fullmatch(PSEUDONYM.pattern).all(), f"{name}.{column} holds non-pseudonyms"
                continue
            text = "\n".join(values.unique())
            assert not _leaks(text), f"an identity number in {name}.{column}"
    assert not _leaks(repr(net) + net._repr_html_() + repr(net.meta))


# -- the test ---------------------------------------------------------------------------------


def _read(folder: Path, expected: dict, monkeypatch):
    key = KEY
    if expected.get("key", True) is False:
        monkeypatch.delenv(privacy.KEY_ENV, raising=False)
        monkeypatch.delenv(privacy.KEY_FILE_ENV, raising=False)
        key = None
    if (folder / "network.toml").is_file():
        return read_network(folder, key=key)
    files = {p.stem: p for p in folder.iterdir() if p.stem in FILE_TABLES}
    return read_export(files, profile=folder / "profile.toml", unit="u1", key=key, as_of=expected.get("as_of", AS_OF))


def _matches(row, want: dict) -> bool:
    return (
        Path(str(row["file"])).as_posix().endswith(want["file"])
        and int(row["line"]) == want["line"]
        and row["column"] == want["column"]
        and want["reason_contains"] in row["reason"]
        and ("value" not in want or row["value"] == want["value"])
        and ("other_line" not in want or row["other_line"] == want["other_line"])
    )


def check_reconciliation(net) -> None:
    """rows_read = rows_loaded + rows_rejected per file, and both agree with the tables."""
    rec = net.reconciliation
    assert (rec["rows_read"] == rec["rows_loaded"] + rec["rows_rejected"]).all()
    per_file = net.rejects.groupby("file", observed=True).size()
    for r in rec.itertuples():
        assert per_file.get(r.file, 0) == r.rows_rejected, r.file
    for table in FILE_TABLES:
        assert rec.loc[rec["table"] == table, "rows_loaded"].sum() == len(getattr(net, table)), table


def check_result(net, want: dict) -> None:
    check_reconciliation(net)
    for reason in net.rejects["reason"].unique():  # the Swedish report shows every reason in Swedish
        assert reason_label(reason, "sv") != reason, reason
    rec = net.reconciliation
    read = rec.groupby("table", observed=True)["rows_read"].sum().to_dict()
    assert {t: int(n) for t, n in read.items()} == want["read"]
    assert {t: len(getattr(net, t)) for t in want["loaded"]} == want["loaded"]
    rejects = net.rejects.to_dict("records")
    expected = want.get("rejects", [])
    assert len(rejects) == len(expected), [(r["line"], r["column"], r["reason"]) for r in rejects]
    # one reject row per expectation: a best one-to-one assignment, so that two expectations
    # cannot both be met by the same row
    fits = np.array([[_matches(r, w) for r in rejects] for w in expected], dtype=bool).reshape(len(expected), len(rejects))
    pairs = zip(*linear_sum_assignment(~fits))
    unmet = [expected[i] for i, j in pairs if not fits[i, j]]
    assert not unmet, (unmet, [(r["file"], r["line"], r["column"], r["value"], r["reason"]) for r in rejects])
    if "value_max_chars" in want:
        assert net.rejects["value"].str.len().max() <= want["value_max_chars"]
    ep = net.episodes.set_index(net.episodes["episode_id"].astype(str))
    for episode, number in want.get("pseudonym", {}).items():
        assert ep.loc[episode, "person_id"] == privacy.pseudonymise(number, KEY)
    for episode, year in want.get("birth_year", {}).items():
        assert ep.loc[episode, "birth_year"] == year
    for group in want.get("same_person", []):
        assert ep.loc[group, "person_id"].nunique() == 1
    if "amounts" in want:
        assert sorted(net.payments["amount_sek"].tolist()) == sorted(want["amounts"])
    if want.get("household_is_person"):
        assert (net.episodes["household_id"] == net.episodes["person_id"]).all()
    for episode, codes in want.get("codes", {}).items():
        for column, code in codes.items():
            assert ep.loc[episode, column] == code


@pytest.mark.parametrize("case", CASES)
def test_badinput_case(case, tmp_path, monkeypatch):
    folder = tmp_path / case
    shutil.copytree(CORPUS / case, folder)
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    assert ("error" in expected) != ("result" in expected), "expected.toml needs [error] or [result]"
    if "generate" in expected:
        GENERATORS[expected["generate"]](folder)
    with warnings.catch_warnings(record=True) as caught:  # a warning is an output too
        warnings.simplefilter("always")
        if "error" in expected:
            want = expected["error"]
            with pytest.raises(exceptions.AmebenchError) as info:
                _read(folder, expected, monkeypatch)
            message = str(info.value)
            assert type(info.value).__name__ == want["type"], message
            assert re.search(want["match"], message, flags=re.S), message
            assert want["file"] in message
            assert_no_identity(message=message)
        else:
            net = _read(folder, expected, monkeypatch)
            check_result(net, expected["result"])
            assert_no_identity(net)
    for w in caught:
        assert_no_identity(message=str(w.message))


def test_corpus_has_enough_kinds():
    assert len(CASES) >= 35
    errors = sum("error" in tomllib.loads((CORPUS / c / "expected.toml").read_text(encoding="utf-8")) for c in CASES)
    assert 10 <= errors <= len(CASES) - 10  # both kinds of outcome are covered


def test_leak_check_can_fail():
    # The identity check must see a number in any of its forms, or it proves nothing.
    assert _leaks("x 811218-9876 y") and _leaks("198112189876") and _leaks("E18112189876")
    assert _leaks("19201112+9802"[2:]) and _leaks("id 640823-3234;")  # a known number, another form
    assert _leaks("x 721212-9816") and _leaks("6403149823")  # a valid number not in KNOWN
    assert not _leaks("2024-01-05;12345") and not _leaks("<personnummer: hidden>")
    assert not _leaks("1" + "0" * 30 + "6403149823")  # a long digit run is not a number


def test_known_lists_every_number_in_the_corpus():
    # KNOWN drives the leak check: every valid number in a corpus text file must be in it.
    known = {privacy.validate_personnummer(n, as_of=AS_OF) for n in KNOWN}
    for path in CORPUS.rglob("*.csv"):
        text = path.read_bytes().decode("latin-1")
        for m in NUMBER_RUN.finditer(text):
            if privacy.is_valid_personnummer(m.group(1), as_of=AS_OF):
                assert privacy.validate_personnummer(m.group(1), as_of=AS_OF) in known, path


def test_header_only_network_repr_html(tmp_path, monkeypatch):
    folder = tmp_path / "header_only"
    shutil.copytree(CORPUS / "header_only", folder)
    net = _read(folder, {}, monkeypatch)
    assert "0 episodes" in net._repr_html_()
