"""Tests of amebench.io.readers and io.csvtext: the UTF-8 fast path reads a CSV exactly as the general path did.

Reference: ``_ref_read_csv`` below is the CSV reader before issue #6 (decode the whole
file in Python, parse its header with csv.reader over the whole text, then pyarrow or
pandas), copied from src/amebench/io/readers.py; the helpers it calls are unchanged. Since
2026-12-06 it reads rows whose fields past the header are blank, as the reader does.
The fast path either returns the same table (cells, column names, physical lines,
repeated headers) or hands the file to the general path, which then reads it or raises
the same error with the same message.
"""

import codecs
import csv
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amebench.exceptions import ProfileError, ReadWarning
from amebench.io import readers
from amebench.io.csvtext import _header, _quote_problem, _read_csv_arrow, long_rows, records_above
from amebench.io.decode import decode_text
from amebench.io.readers import RawTable, _clean_headers, _drop_blank, _duplicates, _read_csv_pandas, _unique


def _ref_read_csv(path, fmt, label):
    data = path.read_bytes()
    text, encoding = decode_text(data, fmt["encoding"], label)
    delimiter = fmt["delimiter"]
    if not text.strip():
        raise ProfileError(f"{label}: the file is empty (no header row)")
    skip = records_above(io.StringIO(text), delimiter, fmt["header_row"], label)  # header_row: a line (2026-12-06)
    header = _header(text, delimiter, skip, fmt["header_row"], label)
    lines_above = fmt["header_row"] - 1
    try:
        same = encoding in ("utf-8", "utf-8-sig") and b"\r" not in data
        raw = (data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data) if same else None
        frame, long = _read_csv_arrow(text, delimiter, skip, header, raw, lines_above)
        if frame is None:
            try:
                frame = _read_csv_pandas(text, delimiter, skip, long.width if long else len(header))
            except (pd.errors.ParserWarning, pd.errors.ParserError):
                if long:
                    raise
                long = long_rows(text, delimiter, skip, header, lines_above)
                if long.width == len(header):
                    raise
                frame = _read_csv_pandas(text, delimiter, skip, long.width)
    except ProfileError as exc:
        raise ProfileError(f"{label}: {exc}") from None
    except (pd.errors.ParserWarning, pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError):
        raise ProfileError(
            f"{label}: not a well-formed CSV with delimiter {delimiter!r}{_quote_problem(text, delimiter, skip)}"
        ) from None
    if long:  # blank fields past the header: left out (2026-12-06)
        frame = frame.iloc[:, :len(header)]
    header_newlines = sum(str(c).count("\n") for c in header)
    frame.columns = _unique(_clean_headers(header))
    extra = np.zeros(len(frame), dtype=np.int64)
    if '"' in text and "\n" in text:
        for col in frame.columns:
            s = frame[col].astype(str)
            has = s.str.contains("\n", regex=False)
            if has.any():
                extra += s.str.count("\n").to_numpy(dtype=np.int64)
    header_line = fmt["header_row"] + header_newlines
    start = header_line + 1 + np.concatenate(([0], np.cumsum(1 + extra)[:-1])) if len(frame) else extra
    frame = frame.fillna("")
    frame, lines = _drop_blank(frame, np.asarray(start, dtype=np.int64))
    return RawTable(frame, lines, label, _duplicates(_clean_headers(header)))


def _outcome(read, path, fmt):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReadWarning)  # the reader's; the reference has none
            raw = read(path, fmt, "export.csv")
    except ProfileError as exc:
        return ("error", str(exc))
    frame = raw.frame
    return ("table", list(frame.columns), frame.astype(object).to_numpy().tolist(), raw.lines.tolist(),
            raw.duplicates, [str(d) for d in frame.dtypes])


def _assert_same(tmp_path, content: bytes, fmt):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    assert _outcome(readers._read_csv, path, fmt) == _outcome(_ref_read_csv, path, fmt)


# Cells with what CSV exports hold and what the readers treat specially.
_CELL = st.text(alphabet='ab12 ;,"\n\u00a0\u202få\ufeff-', max_size=6)
_BYTES = st.sampled_from([b"", b"\xff", b"\xe5", b"\x00", b"\r\n", b"\r", b"\n\n", b'"', b"\xef\xbb\xbf",
                          b"\xc3", b";", b"\xc2\xa0"])


_PLAIN_CELL = st.text(alphabet="ab12 ;,\n\u00a0\u202få\ufeff-", max_size=6)


@st.composite
def exports(draw, cell=_CELL, damage=True):
    width = draw(st.integers(1, 4))
    names = ["Pnr", "Månad", "Belopp", " Belopp ", "", '"Be;lopp"', "Kön"]
    header = draw(st.one_of(st.lists(st.sampled_from(names), min_size=width, max_size=width, unique=True),
                            st.lists(st.sampled_from(names), min_size=width, max_size=width)))
    lines = [";".join(header)]
    for _ in range(draw(st.integers(0, 6))):
        count = draw(st.sampled_from([width] * 6 + [max(width - 1, 0), width + 1]))
        cells = [draw(cell) for _ in range(count)]
        cells = [f'"{c}"' if ('"' not in c and (";" in c or "\n" in c)) else c for c in cells]
        lines.append(";".join(cells))
    if draw(st.integers(0, 3)) == 0:
        lines.insert(0, draw(st.sampled_from(["Export 2024", "", "a;b"])))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    data = draw(st.sampled_from([b"", codecs.BOM_UTF8])) + text.encode("utf-8")
    if damage and draw(st.integers(0, 3)) == 0:  # a damaged byte somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(_BYTES) + data[at:]
    return data


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exports(), st.sampled_from(["utf-8", "utf-8-sig", "auto", "cp1252"]), st.sampled_from([1, 2]))
def test_fast_path_equals_general_path(tmp_path, content, encoding, header_row):
    fmt = {"encoding": encoding, "delimiter": ";", "header_row": header_row}
    _assert_same(tmp_path, content, fmt)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exports(_PLAIN_CELL, damage=False), st.sampled_from(["utf-8", "auto"]))
def test_fast_path_equals_general_path_on_plain_exports(tmp_path, content, encoding):
    _assert_same(tmp_path, content, {"encoding": encoding, "delimiter": ";", "header_row": 1})


@pytest.mark.parametrize("content", [
    "Pnr;Belopp\n1;2\n".encode(),
    "\ufeffPnr;Belopp\n1;2\n".encode(),                         # BOM
    "\ufeff\ufeffPnr;Belopp\n1;2\n".encode(),                   # two BOMs: the general path
    "Pnr;Belopp\r\n1;2\r\n".encode(),                           # CRLF: the general path
    'Pnr;"Be\nlopp"\n"a\nb";2\n3;4\n'.encode(),                 # quoted newlines, in the header too
    "Pnr;Belopp\n1;2\n\n3;4\n".encode(),                        # a blank line
    "Pnr;Belopp\n;\n3;4\n".encode(),                            # a row of empty cells
    "Pnr;Belopp\n1;2;3\n".encode(),                             # a long row
    "Pnr;Belopp\n1\n".encode(),                                 # a short row
    "Pnr;Pnr\n1;2\n".encode(),                                  # a repeated header
    "Pnr;Belopp\n1;2\xff\n".encode("latin-1"),                  # not UTF-8 on line 2
    "Pnr;Belopp\n1;\u00e5\n".encode("cp1252"),                  # cp1252
    b"Pnr;Belopp\n1;\x002\n",                                   # a NUL byte
    b"   \n \n",                                                 # blank file
    "\u00a0\n1;2\n".encode(),                                   # a header of a no-break space
    b"PK\x03\x04rest",                                          # a zip (xlsx) file
    b"",                                                         # empty
])
@pytest.mark.parametrize("encoding", ["utf-8", "auto", "utf-8-sig", "cp1252"])
def test_fast_path_edge_cases(tmp_path, content, encoding):
    for header_row in (1, 2):
        _assert_same(tmp_path, content, {"encoding": encoding, "delimiter": ";", "header_row": header_row})


def test_plain_utf8_file_takes_the_fast_path(tmp_path, monkeypatch):
    path = tmp_path / "export.csv"
    path.write_bytes("Pnr;Månad;Belopp\n19980522-9896;2022-09;11 877,13 kr\n".encode())
    monkeypatch.setattr(readers, "decode_text", lambda *a: pytest.fail("decoded in Python"))
    raw = readers.read_raw(path, {"encoding": "utf-8", "delimiter": ";", "header_row": 1})
    assert raw.frame.to_numpy().tolist() == [["19980522-9896", "2022-09", "11 877,13 kr"]]
    assert raw.lines.tolist() == [2]


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("encoding", ["auto", "utf-8"])
def test_a_cp1252_file_with_a_short_row_reads_without_noise(tmp_path, encoding):
    # pyarrow decodes a ragged row's text as UTF-8 before it calls the row handler; in a
    # cp1252 file that failed inside pyarrow ("Exception ignored in ... UnicodeDecodeError"
    # on stderr, outside pytest too) before the file went to the general path. Bytes that
    # are not UTF-8 now skip pyarrow's parse.
    path = tmp_path / "export.csv"
    path.write_bytes("Pnr;Namn\n1;Åsa\nÅke\n".encode("cp1252"))  # the short row holds the Å
    fmt = {"encoding": encoding, "delimiter": ";", "header_row": 1}
    if encoding == "auto":
        with pytest.warns(ReadWarning, match=r"export.csv: 1 row\(s\) have fewer fields than the header's 2 \(line 3\)"):
            raw = readers.read_raw(path, fmt, label="export.csv")
        assert raw.frame.iloc[:, 0].tolist() == ["1", "Åke"] and raw.frame.iloc[:, 1].tolist() == ["Åsa", ""]
    else:
        with pytest.raises(ProfileError, match="cannot be decoded as utf-8"):
            readers.read_raw(path, fmt, label="export.csv")
    assert readers._parse_utf8(path.read_bytes(), fmt) is None
