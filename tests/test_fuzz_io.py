"""Fuzzing the readers: mutated exports give a Network that reconciles or a named error.

Hypothesis mutates a small valid network export (bytes, rows, fields, encodings,
delimiters). The property, for every mutation:

- ``read_network`` / ``read_export`` returns a Network whose reconciliation holds
  (``rows_read == rows_loaded + rows_rejected`` for every file, and the loaded rows
  are the tables' rows), or raises an :class:`AmebenchError` subclass whose message
  names the file (and the line, where a line is the cause) -- never another exception;
- no valid identity number appears in any returned table, reject, repr or message.

Inputs are bounded (a few hundred bytes per file, at most a handful of mutations), so
an example cannot hang; the number of examples is fixed and derandomised by the "ci"
profile in tests/conftest.py. All identity numbers are synthetic.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import signal
import tempfile
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amebench.exceptions import AmebenchError
from amebench.io import read_export, read_network
from fixtures_io.netbuild import KEY, PROFILE, write_network
from test_badinput import assert_no_identity, check_reconciliation

H = "Inskrivnings-ID;Personnummer;Inskrivningsdatum;Utskrivningsdatum;Avslutsorsak;Bedömning;Kön;Utrikes född"
BASE = {
    "episodes": "\n".join([
        H,
        "E1;811218-9876;2024-01-05;2024-06-01;Arbete;Grön;K;ja",
        "E2;721212-9816;2024-02-05;;;Röd;M;nej",
        "E3;701063-2391;2024-03-01;2024-09-01;Studier;;;",
        "E4;19640823-3234;2025-01-10;;;Grön;K;",
        "E5;850709-9805;2025-02-01;2025-03-01;Arbete;Röd;M;ja",
    ]) + "\n",
    "payments": "\n".join([
        "Pnr;Månad;Belopp",
        '811218-9876;2024-03;"12 345,50 kr"',
        "721212-9816;2024-03;1 000",
        "850709-9805;2025-02;250,25",
        "19640823-3234;2025-02;99",
    ]) + "\n",
    "followups": "\n".join([
        "Inskrivnings-ID;Datum;Sysselsättning",
        "E1;2024-12-01;Arbete",
        "E3;2025-03-01;",
    ]) + "\n",
    "activities": "\n".join([
        "Inskrivnings-ID;Insats;Start;Slut",
        "E1;Praktik;2024-02-01;2024-03-01",
        "E2;Praktik;2024-03-01;",
    ]) + "\n",
}
TABLES = tuple(BASE)
DATA_LABELS = tuple(f"u1/{t}.csv" for t in TABLES)
LABELS = ("network.toml", "profiles/u1.toml") + DATA_LABELS
#: Junk for field replacement: empty, missing markers, impossible and odd values, quoting.
JUNK = st.one_of(
    st.sampled_from(["", "-", "NA", "2024-02-30", "20241301", "1e308", "NaN", "-0", '"', '""', ";", ";;",
                     "\ufeff", "\u00a0", "９", "Arbete ", "ARBETE", "Summa", "x" * 300, "12 345,50 kr",
                     "0000-00-00", "9999-12-31", "+", "811218-98", "1900-01-01", "inf", "1e999", "3024-03-01",
                     "1e30", "0,0", "2024-13", "202402"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")


def _profile(delimiter=";", encoding="auto") -> str:
    esc = "\\t" if delimiter == "\t" else delimiter
    return PROFILE.replace("[format]", f'[format]\ndelimiter = "{esc}"\nencoding = "{encoding}"')


#: Seconds one read of a few-kB export may take before it counts as a hang (a read takes ~0.05 s).
READ_LIMIT = 30


class Hang(AssertionError):
    pass


def _hang(signum, frame):
    raise Hang(f"reading took more than {READ_LIMIT} s")


def _check(read, labels=LABELS) -> None:
    """The property: a reconciling Network, or an AmebenchError naming the file (and line);
    no hang, and no identity number in a message or warning."""
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.setitimer(signal.ITIMER_REAL, READ_LIMIT)
    net = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            net = read()
        except AmebenchError as exc:
            message = str(exc)
            assert any(label in message for label in labels), message
            if re.search(r"more fields|NUL byte|quoted field|cannot be decoded as (utf-8|cp1252)|mixes encodings",
                         message):
                assert re.search(r"line \d+|lines \[", message), message
            assert_no_identity(message=message)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    for w in caught:
        assert_no_identity(message=str(w.message))
    if net is None:
        return
    check_reconciliation(net)
    check_invariants(net)
    assert_no_identity(net)


def check_invariants(net) -> None:
    """What a loaded row may never be, whatever the input (the reject rules of docs/profiles.md)."""
    ep = net.episodes
    assert ep["enrolled_on"].notna().all() and ep["person_id"].notna().all() and ep["episode_id"].notna().all()
    assert not (ep["exited_on"] < ep["enrolled_on"]).any()
    assert not (ep["enrolled_on"] > net.as_of).any() and not (ep["exited_on"] > net.as_of).any()
    assert not ep.duplicated(["unit", "episode_id"]).any()
    amounts = net.payments["amount_sek"].dropna().to_numpy(dtype=float)
    assert np.isfinite(amounts).all() and (amounts >= 0).all()
    for name in ("episodes", "activities", "followups", "payments"):
        frame = getattr(net, name)
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                values = frame[column].dropna()
                assert values.between(pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31")).all(), (name, column)
    if "birth_year" in ep:
        assert ep["birth_year"].dropna().between(1800, net.as_of.year).all()


def _read_folder(files: dict[str, bytes], profile: str):
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_network(Path(tmp), BASE["episodes"], profile=profile,
                               **{t: BASE[t] for t in TABLES[1:]})
        for table, data in files.items():
            (folder / "u1" / f"{table}.csv").write_bytes(data)
        # with the default profile an error must name a data file that was changed, not
        # merely some file of the network (a changed profile may make any data file unreadable)
        changed = tuple(f"u1/{t}.csv" for t, data in files.items() if data != BASE[t].encode("utf-8"))
        _check(lambda: read_network(folder, key=KEY),
               labels=changed if profile == _profile() and changed else DATA_LABELS)


def _encoded(**changes: str) -> dict[str, bytes]:
    """The base files as UTF-8 bytes, with some tables' text replaced."""
    return {t: changes.get(t, BASE[t]).encode("utf-8") for t in TABLES}


# -- byte level --------------------------------------------------------------------------------

BYTE_OPS = st.lists(
    st.tuples(st.sampled_from(["flip", "insert", "delete"]), st.integers(0, 10_000), st.integers(0, 255)),
    min_size=1, max_size=4,
)


def _mutate_bytes(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op, pos, value in ops:
        if not b:
            break
        i = pos % len(b)
        if op == "flip":
            b[i] ^= 1 << (value % 8)
        elif op == "insert":
            b.insert(i, value)
        else:
            del b[i:i + 1 + value % 4]
    return bytes(b)


@given(table=st.sampled_from(TABLES), ops=BYTE_OPS)
def test_fuzz_bytes(table, ops):
    _read_folder({table: _mutate_bytes(BASE[table].encode("utf-8"), ops)}, _profile())


# -- rows and fields -------------------------------------------------------------------------------

ROW_OPS = st.lists(
    st.tuples(st.sampled_from(["drop", "duplicate", "truncate", "swap"]), st.integers(0, 50), st.integers(0, 80)),
    min_size=1, max_size=4,
)


def _mutate_rows(text: str, ops) -> str:
    rows = text.splitlines()
    for op, i, cut in ops:
        if not rows:
            break
        i %= len(rows)  # the header (row 0) may be hit too
        if op == "drop":
            del rows[i]
        elif op == "duplicate":
            rows.insert(i, rows[i])
        elif op == "truncate":
            rows[i] = rows[i][: cut % (len(rows[i]) + 1)]
        else:
            j = cut % len(rows)
            rows[i], rows[j] = rows[j], rows[i]
    return "\n".join(rows) + "\n"


@given(table=st.sampled_from(TABLES), ops=ROW_OPS)
def test_fuzz_rows(table, ops):
    _read_folder(_encoded(**{table: _mutate_rows(BASE[table], ops)}), _profile())


@given(table=st.sampled_from(TABLES), edits=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), JUNK), min_size=1, max_size=3))
def test_fuzz_fields(table, edits):
    rows = [r.split(";") for r in BASE[table].splitlines()]
    for r, c, junk in edits:
        row = rows[1 + r % (len(rows) - 1)]  # data rows only: the header is fuzzed by bytes and rows
        row[c % len(row)] = junk
    text = "\n".join(";".join(row) for row in rows) + "\n"
    _read_folder(_encoded(**{table: text}), _profile())


# -- encodings and delimiters ---------------------------------------------------------------------


@given(encodings=st.lists(st.sampled_from(ENCODINGS), min_size=len(TABLES), max_size=len(TABLES)),
       declared=st.sampled_from(("auto", "utf-8", "utf-8-sig", "cp1252", "utf-16")),
       mixed_line=st.one_of(st.none(), st.integers(1, 5)))
def test_fuzz_encodings(encodings, declared, mixed_line):
    files = {t: BASE[t].encode(enc) for t, enc in zip(TABLES, encodings)}
    if mixed_line is not None:  # one line of the episodes file in cp1252, the rest UTF-8
        lines = BASE["episodes"].splitlines(keepends=True)
        files["episodes"] = b"".join(
            line.encode("cp1252" if i == mixed_line else "utf-8") for i, line in enumerate(lines))
    _read_folder(files, _profile(encoding=declared))


@given(written=st.sampled_from((";", ",", "\t", "|")), declared=st.sampled_from((";", ",", "\t", "|")),
       quote_all=st.booleans(), line_end=st.sampled_from(("\n", "\r\n", "\r")))
def test_fuzz_delimiters(written, declared, quote_all, line_end):
    files = {}
    for t in TABLES:
        rows = [r.split(";") for r in BASE[t].splitlines()]
        cells = ([f'"{c.strip(chr(34))}"' for c in row] if quote_all else row for row in rows)
        files[t] = (line_end.join(written.join(c) for c in cells) + line_end).encode("utf-8")
    _read_folder(files, _profile(delimiter=declared))


# -- read_export and the other readers --------------------------------------------------------------


@settings(max_examples=30)
@given(ops=BYTE_OPS, rows=ROW_OPS)
def test_fuzz_read_export(ops, rows):
    data = _mutate_bytes(_mutate_rows(BASE["episodes"], rows).encode("utf-8"), ops)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "u1" / "episodes.csv"
        path.parent.mkdir()
        path.write_bytes(data)
        profile = Path(tmp) / "profiles" / "u1.toml"
        profile.parent.mkdir()
        profile.write_text(_profile(), encoding="utf-8")
        # as_of from the data (the default) exercises the century rule on mutated dates.
        _check(lambda: read_export(path, profile=profile, unit="u1", key=KEY), labels=(path.name,))


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_fuzz_binary_formats(suffix, tmp_path):
    """Damaged Excel and Parquet files: a seeded set of truncations and byte flips."""
    frame = pd.DataFrame([r.split(";") for r in BASE["episodes"].splitlines()[1:]], columns=H.split(";"))
    buf = io.BytesIO()
    if suffix == "xlsx":
        frame.to_excel(buf, index=False)
    else:
        frame.to_parquet(buf, index=False)
    good = buf.getvalue()
    rng = random.Random(7)
    profile = tmp_path / "p.toml"
    profile.write_text(_profile(), encoding="utf-8")
    path = tmp_path / f"u1/episodes.{suffix}"
    path.parent.mkdir()
    path.write_bytes(good)
    assert len(read_export(path, profile=profile, unit="u1", key=KEY, as_of="2026-09-30").episodes) == 5
    variants = [good[:0], good[:10]] + [good[: rng.randrange(len(good))] for _ in range(6)]
    for _ in range(12):
        b = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        variants.append(bytes(b))
    for data in variants:
        path.write_bytes(data)
        try:
            net = read_export(path, profile=profile, unit="u1", key=KEY, as_of="2026-09-30")
        except AmebenchError as exc:
            assert f"episodes.{suffix}" in str(exc)
            assert_no_identity(message=str(exc))
        else:
            check_reconciliation(net)
            assert_no_identity(net)


TYPED_JUNK = st.sampled_from([
    None, 0, -1, 1.5, float("nan"), 10**20, 1e308, -0.0, True, "", " ", "#N/A", "=A1", "811218-98",
    198112189876, 8112189876,  # identity numbers as number cells
])
TYPED_DATES = st.one_of(st.datetimes(), st.dates(), st.times())


@settings(max_examples=25)
@given(suffix=st.sampled_from(["xlsx", "parquet"]), row=st.integers(0, 4), column=st.integers(0, 7),
       value=st.one_of(TYPED_JUNK, TYPED_DATES))
def test_fuzz_typed_cells(suffix, row, column, value):
    """Excel and Parquet cells of any type (numbers, dates, times, booleans, errors) in any column."""
    rows = [r.split(";") for r in BASE["episodes"].splitlines()[1:]]
    rows[row][column] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"episodes.{suffix}"
        if suffix == "xlsx":
            if isinstance(value, dt.datetime | dt.date) and value.year < 1900:
                value = rows[row][column] = dt.datetime(1900, 1, 1)  # Excel cannot store earlier dates
            wb = openpyxl.Workbook()
            wb.active.append(H.split(";"))
            for r in rows:
                wb.active.append(r)
            wb.save(path)
        else:
            frame = pd.DataFrame(rows, columns=H.split(";"))
            try:
                frame.to_parquet(path, index=False)
            except Exception:  # noqa: BLE001 - a mixed column pyarrow cannot store: not an input
                return
        profile = Path(tmp) / "p.toml"
        profile.write_text(_profile(), encoding="utf-8")
        _check(lambda: read_export(path, profile=profile, unit="u1", key=KEY, as_of="2026-09-30"), labels=(path.name,))
