"""Read one export file (CSV, Excel, Parquet) as text, with the physical line of every row.

Every cell is read as text (nothing is coerced silently); parsing happens column by
column in :mod:`amebench.io.parse`. Rows whose cells are all empty (blank lines) are
not rows and are not counted.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import ProfileError

__all__ = ["RawTable", "read_raw", "detect_encoding", "file_kind"]

_CSV = (".csv", ".txt", ".tsv", ".dat")
_EXCEL = (".xlsx", ".xlsm")
_PARQUET = (".parquet", ".pq")


@dataclass
class RawTable:
    """One file's rows as text: ``frame`` (headers trimmed), ``lines`` (1-based, physical)."""

    frame: pd.DataFrame
    lines: np.ndarray
    label: str


def file_kind(path: Path) -> str:
    """Return "csv", "excel" or "parquet" from the file's extension."""
    suffix = path.suffix.lower()
    if suffix in _CSV:
        return "csv"
    if suffix in _EXCEL:
        return "excel"
    if suffix in _PARQUET:
        return "parquet"
    raise ProfileError(
        f"{path.name}: cannot tell the file type from {suffix!r}; use .csv/.txt/.tsv (CSV), "
        ".xlsx (Excel) or .parquet"
    )


def detect_encoding(data: bytes) -> str:
    """Return "utf-8-sig" if ``data`` has a UTF-8 BOM, "utf-8" if it decodes, else "cp1252"."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _clean_headers(columns) -> list[str]:
    return [str(c).strip().lstrip("\ufeff").strip() for c in columns]


def _drop_blank(frame: pd.DataFrame, lines: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.shape[1] == 0 or len(frame) == 0:
        return frame.reset_index(drop=True), lines
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= frame[col].fillna("").eq("").to_numpy(dtype=bool)
        if not blank.any():
            break
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return frame, lines


def _read_csv(path: Path, fmt, label: str) -> RawTable:
    data = path.read_bytes()
    encoding = fmt["encoding"]
    if encoding == "auto":
        encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"{label}: cannot be decoded as {encoding} (byte {exc.start}); "
            'set encoding = "auto" or "cp1252" in the profile'
        ) from None
    text = text.lstrip("\ufeff")
    skip = fmt["header_row"] - 1
    try:
        frame = _read_csv_arrow(text, data, encoding, fmt["delimiter"], skip)
    except ProfileError as exc:
        raise ProfileError(f"{label}: {exc}") from None
    try:
        if frame is None:  # short rows or duplicate headers: pandas pads short rows
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    io.StringIO(text), sep=fmt["delimiter"], dtype=str, na_filter=False,
                    skip_blank_lines=False, skiprows=skip, quotechar='"', engine="c", index_col=False,
                )
    except pd.errors.ParserWarning:
        raise ProfileError(
            f"{label}: some rows have more fields than the header; check the delimiter "
            f"({fmt['delimiter']!r}) and the quoting of fields that contain it"
        ) from None
    except pd.errors.EmptyDataError:
        raise ProfileError(f"{label}: the file is empty (no header row)") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ProfileError(f"{label}: not a well-formed CSV with delimiter {fmt['delimiter']!r}: {exc}") from None
    header_newlines = sum(str(c).count("\n") for c in frame.columns)
    frame.columns = _clean_headers(frame.columns)
    # Physical start line: header line + 1, plus the newlines inside quoted fields above.
    extra = np.zeros(len(frame), dtype=np.int64)
    if '"' in text and "\n" in text:
        for col in frame.columns:
            s = frame[col]
            has = s.str.contains("\n", regex=False)
            if has.any():
                extra += s.str.count("\n").to_numpy(dtype=np.int64)
    header_line = fmt["header_row"] + header_newlines
    start = header_line + 1 + np.concatenate(([0], np.cumsum(1 + extra)[:-1])) if len(frame) else extra
    frame = frame.fillna("")
    frame, lines = _drop_blank(frame, np.asarray(start, dtype=np.int64))
    return RawTable(frame, lines, label)


def _read_csv_arrow(text: str, data: bytes, encoding: str, delimiter: str, skip: int) -> pd.DataFrame | None:
    """Parse with pyarrow, every column as text; None when some row has the wrong field count."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    try:
        for _ in range(skip):
            next(reader)
        header = next(reader)
    except StopIteration:
        raise ProfileError("the file is empty (no header row)") from None
    if len(set(header)) != len(header):
        return None  # duplicate headers: let pandas number them
    if encoding in ("utf-8", "utf-8-sig"):
        raw = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    else:
        raw = text.encode("utf-8")
    ragged = []

    def invalid(row):
        ragged.append((row.expected_columns, row.actual_columns, row.number))
        return "skip"

    try:
        table = pcsv.read_csv(
            io.BytesIO(raw),
            read_options=pcsv.ReadOptions(skip_rows=skip, encoding="utf-8"),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, quote_char='"', newlines_in_values=True,
                ignore_empty_lines=False, invalid_row_handler=invalid,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # pandas reports the problem without echoing the row's content
    long = [r for r in ragged if r[1] > r[0]]
    if long:
        where = _long_lines(text, delimiter, skip, len(header))[:10]
        lines = f" (line {where[0]})" if len(where) == 1 else f" (lines {where})" if where else ""
        raise ProfileError(
            f"{len(long)} row(s) have more fields than the header's {long[0][0]}{lines}; "
            f"check the delimiter ({delimiter!r}) and the quoting of fields that contain it"
        )
    if ragged or table.num_columns != len(header):
        return None
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


def _long_lines(text: str, delimiter: str, skip: int, width: int) -> list[int]:
    """Physical start lines of rows with more than ``width`` fields (error path only)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    out, previous = [], 0
    for i, row in enumerate(reader):
        if i > skip and len(row) > width:
            out.append(previous + 1)
        previous = reader.line_num
    return out


def _to_text(series: pd.Series, fmt) -> pd.Series:
    """Typed cells (Excel, Parquet) as the text the profile's formats expect."""
    date_format = fmt["date_format"][0]
    decimal = fmt["decimal"]

    def cell(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v is pd.NA:
            return ""
        if isinstance(v, bool) or isinstance(v, np.bool_):
            return "true" if v else "false"
        if hasattr(v, "strftime"):
            return v.strftime(date_format)
        if isinstance(v, (float, np.floating)):
            text = str(int(v)) if float(v).is_integer() else repr(float(v))
            return text.replace(".", decimal)
        return str(v)

    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime(date_format)
        return text.astype(object).where(series.notna(), "").astype(str)
    if series.dtype == object or str(series.dtype).startswith(("float", "bool", "Float", "boolean")):
        uniques = pd.unique(series)
        table = {u: cell(u) for u in uniques if not (isinstance(u, float) and np.isnan(u))}
        out = series.astype(object).map(table)
        return out.where(out.notna(), "").astype(str)
    return series.astype(str).fillna("").replace({"<NA>": "", "nan": ""})


def _read_excel(path: Path, fmt, label: str) -> RawTable:
    sheet = fmt["sheet"] if fmt["sheet"] is not None else 0
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except ValueError as exc:
        raise ProfileError(f"{label}: cannot read sheet {sheet!r}: {exc}") from None
    h = fmt["header_row"] - 1
    if len(raw) <= h:
        raise ProfileError(f"{label}: no header at row {fmt['header_row']} of sheet {sheet!r}")
    headers = _clean_headers(_to_text(raw.iloc[h], fmt).tolist())
    body = raw.iloc[h + 1:].reset_index(drop=True)
    frame = pd.DataFrame({i: _to_text(body[c], fmt) for i, c in enumerate(body.columns)})
    keep = [i for i, name in enumerate(headers) if name]
    frame = frame[keep]
    frame.columns = [headers[i] for i in keep]
    lines = np.arange(len(frame), dtype=np.int64) + h + 2
    frame, lines = _drop_blank(frame, lines)
    return RawTable(frame, lines, label)


def _read_parquet(path: Path, fmt, label: str) -> RawTable:
    raw = pd.read_parquet(path)
    frame = pd.DataFrame({c: _to_text(raw[c] if pd.api.types.is_datetime64_any_dtype(raw[c]) else raw[c].astype(object), fmt) for c in raw.columns})
    frame.columns = _clean_headers(raw.columns)
    lines = np.arange(len(frame), dtype=np.int64) + 2  # as if the header were line 1
    frame, lines = _drop_blank(frame, lines)
    return RawTable(frame, lines, label)


def read_raw(path, fmt, *, label: str | None = None) -> RawTable:
    """Read one file as text cells, with the 1-based physical line of every row.

    Parameters
    ----------
    path
        A CSV (.csv, .txt, .tsv), Excel (.xlsx) or Parquet file.
    fmt
        Format options of the table's profile (encoding, delimiter, header_row, sheet,
        date_format, decimal).
    label
        The file's name in messages and rejects (default: the path).
    """
    path = Path(path)
    label = label or str(path)
    kind = file_kind(path)
    if kind == "csv":
        return _read_csv(path, fmt, label)
    if kind == "excel":
        return _read_excel(path, fmt, label)
    return _read_parquet(path, fmt, label)
