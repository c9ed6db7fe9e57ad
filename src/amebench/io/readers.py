"""Read one export file (CSV, Excel, Parquet) as text, with the physical line of every row.

Every cell is read as text (nothing is coerced silently); parsing happens column by
column in :mod:`amebench.io.parse`. Rows whose cells are all empty or spaces (blank
lines) are not rows and are not counted.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import unicodedata
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import ProfileError, ReadWarning, warn_caller
from ..privacy import redact_numbers
from .csvtext import (
    _arrow_table,
    _header,
    _lines,
    _lines_text,
    long_rows,
    short_rows,
    _quote_problem,
    _read_csv_arrow,
    _to_frame,
    records_above,
)
from .cells import in_sweden, utc_midnights
from .decode import decode_text, detect_encoding
from .workbook import sheet_marks

__all__ = ["RawTable", "detect_encoding", "file_kind", "prepare_csv", "read_raw"]

_CSV = (".csv", ".txt", ".tsv", ".dat")
_EXCEL = (".xlsx", ".xlsm")
_PARQUET = (".parquet", ".pq")


@dataclass
class RawTable:
    """One file's rows as text: ``frame`` (headers trimmed, made unique), ``lines`` (1-based, physical)."""

    frame: pd.DataFrame
    lines: np.ndarray
    label: str
    duplicates: dict = field(default_factory=dict)  # header -> 1-based columns, if repeated
    date_cells: str | None = None  # the format typed date cells were written in (Excel, Parquet)
    sheets: tuple = ()  # a workbook's sheet names, when it has several
    #: header -> {line: reason} of cells that hold no value a reader can take (Excel error
    #: cells, formulas never computed); the cell's text is what the sheet holds instead
    bad_cells: dict = field(default_factory=dict)
    where: str = "line"  # what a position in the file is called: a CSV's line, a workbook's row
    #: (row, cells) of the first rows under the header with all their cells, those under no
    #: header too (a workbook's header below blank or title rows): where the headers may be
    search: tuple = ()
    #: header -> physical lines of the typed cells that look like Swedish midnights stored in
    #: UTC without their time zone (:func:`amebench.io.cells.utc_midnights`)
    utc_midnights: dict = field(default_factory=dict)
    #: header -> mask over ``frame``'s rows of the cells the file stored as numbers (Excel,
    #: Parquet), for the columns that hold any: amebench wrote them in the profile's dialect
    numbers: dict = field(default_factory=dict)
    #: a workbook's: the sheet read (its name), whether the profile named it, and the file
    #: (to look for the mapped headers on the other sheets when they are not on this one)
    sheet: str | None = None
    sheet_named: bool = False
    path: Path | None = None
    #: a frame of Network.from_frames (no file, no profile to set), labelled "<episodes frame>"
    from_frames: bool = False
    #: a CSV's lines with fewer fields than the header (read with the missing ones empty)
    short_lines: frozenset = frozenset()


#: pandas.api.types.infer_dtype of an object column whose every present cell is a number.
_ALL_NUMBERS = ("integer", "floating", "decimal", "mixed-integer-float")


def _typed_numbers(columns: dict, first_line: int, lines: np.ndarray) -> dict:
    """header -> mask over the rows kept (their physical ``lines``) of the cells stored as
    numbers ({header: typed column}; ``first_line``: the line of the columns' first cell)."""
    out = {}
    for header, series in columns.items():
        kind = pd.api.types.infer_dtype(series, skipna=True) if series.dtype == object else None
        if getattr(series.dtype, "kind", "O") in "iuf" or kind in _ALL_NUMBERS:
            typed = series.notna().to_numpy(dtype=bool)
        elif kind in ("mixed", "mixed-integer"):  # numbers among text (a workbook's column): cell by cell
            typed = series.map(lambda v: isinstance(v, (int, float, Decimal, np.number))
                               and not isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        else:  # text, dates, booleans: no number
            continue
        if typed.any():  # no row dropped: the mask as it is (40M rows' index array is 320 MB)
            out[header] = typed if len(lines) == len(typed) else typed[lines - first_line]
    return out


def _utc_midnights(columns: dict, first_line: int) -> dict:
    """header -> physical lines of :func:`~amebench.io.cells.utc_midnights` ({header: typed
    column}; ``first_line``: the line of the columns' first cell)."""
    out = {}
    for header, series in columns.items():
        cells = utc_midnights(series)
        if cells is not None:
            out[header] = (np.flatnonzero(cells) + first_line).tolist()
    return out


def file_kind(path: Path) -> str:
    """Return "csv", "excel" or "parquet" from the file's extension."""
    suffix = path.suffix.lower()
    if suffix in _CSV:
        return "csv"
    if suffix in _EXCEL:
        return "excel"
    if suffix in _PARQUET:
        return "parquet"
    name = redact_numbers(path.name, limit=None)  # a file named after a person is not shown by its number
    if suffix in _SAVE_AS:
        program = "Numbers or LibreOffice" if suffix == ".numbers" else "Excel or LibreOffice"
        raise ProfileError(f"{name}: {_SAVE_AS[suffix]} is not read; open it in {program} and save it "
                           "as an Excel workbook (.xlsx) or as CSV (.csv)")
    raise ProfileError(
        f"{name}: cannot tell the file type from {suffix!r}; use .csv/.txt/.tsv (CSV), "
        ".xlsx (Excel) or .parquet"
    )


#: Spreadsheet formats that are not read, and what they are called.
_SAVE_AS = {".xls": "the old Excel format (.xls)", ".xlsb": "Excel's binary format (.xlsb)",
            ".ods": "an OpenDocument spreadsheet (.ods)", ".numbers": "a Numbers spreadsheet (.numbers)"}


def _clean_headers(columns) -> list[str]:
    """Trimmed headers in Unicode NFC form (an "ö" written as "o" + U+0308 equals the profile's "ö")."""
    return [unicodedata.normalize("NFC", str(c).strip().lstrip("\ufeff").strip()) for c in columns]


def _drop_blank(frame: pd.DataFrame, lines: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.shape[1] == 0 or len(frame) == 0:
        return frame.reset_index(drop=True), lines
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        cells = frame[col].fillna("")
        blank &= (cells.eq("") | cells.str.isspace()).to_numpy(dtype=bool)  # spaces alone are empty too
        if not blank.any():
            break
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return frame, lines


_BINARY_HEADS = (b"PK\x03\x04", b"PAR1", b"\xd0\xcf\x11\xe0")


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, checked by pyarrow without decoding (about 8 ms for 57 MB).

    Checked before pyarrow parses the file: pyarrow decodes a ragged row's text as UTF-8
    before it calls the row handler, and bytes that are not UTF-8 there (a cp1252 export)
    fail inside pyarrow with "Exception ignored in ..." on stderr.
    """
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _parse_utf8(data: bytes, fmt):
    """Parse a plain UTF-8 file with pyarrow: (table, header, has quotes), or None: take the general path.

    pyarrow parses the bytes (with its threads) and checks that every cell is UTF-8;
    the lines up to the header are decoded here. Anything the general path treats
    specially (another encoding, a second BOM, CR line ends, NUL bytes, binary files,
    ragged rows, duplicate headers, bytes that are not UTF-8, an empty file or header)
    returns None, and :func:`_read_csv` then reads (or rejects) the file exactly as before.
    No pandas: safe on a second thread.
    """
    if fmt["encoding"] not in ("utf-8", "utf-8-sig", "auto"):
        return None
    body = data.removeprefix(codecs.BOM_UTF8)
    if (body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) + _BINARY_HEADS)
            or b"\r" in body or b"\x00" in body or not body or body.isspace() or not _is_utf8(body)):
        return None
    delimiter = fmt["delimiter"]
    try:
        skip = records_above(_lines(body), delimiter, fmt["header_row"], "")
    except ProfileError:
        return None  # the general path says so, naming the file
    reader = csv.reader(_lines(body), delimiter=delimiter, quotechar='"')
    try:
        for _ in range(skip):
            next(reader)
        header = next(reader)
    except (StopIteration, csv.Error, UnicodeDecodeError):
        return None
    if not any(h.strip() for h in header):
        return None
    quoted = b'"' in body
    table, _ = _arrow_table(body, delimiter, fmt["header_row"] - 1, header, newlines=quoted)
    return None if table is None else (table, header, quoted)


def prepare_csv(path, fmt):
    """Read a CSV file's bytes and parse them if the fast path applies: (bytes, parsed or None).

    The costly part of :func:`read_raw`, without pandas (so it may run on a second thread
    while pandas works on the first); pass the result to ``read_raw(..., prepared=)``.
    Returns None for other files and on any error, which ``read_raw`` then raises.
    """
    try:
        path = Path(path)
        if file_kind(path) != "csv":
            return None
        data = path.read_bytes()
        return data, _parse_utf8(data, fmt)
    except Exception:  # noqa: BLE001 - read_raw raises it again, in its place
        return None


def _read_csv_utf8(data: bytes, fmt, label: str, parsed=None) -> RawTable | None:
    """:func:`_parse_utf8` and the table's rows; None: take the general path."""
    parsed = _parse_utf8(data, fmt) if parsed is None else parsed
    if parsed is None:
        return None
    table, header, quoted = parsed
    return _raw_table(_to_frame(table), header, fmt, label, quoted)


def _read_csv(path: Path, fmt, label: str, prepared=None) -> RawTable:
    data, parsed = prepared if prepared is not None else (path.read_bytes(), None)
    fast = _read_csv_utf8(data, fmt, label, parsed) if prepared is None or parsed is not None else None
    if fast is not None:
        return fast
    text, encoding = decode_text(data, fmt["encoding"], label)
    delimiter = fmt["delimiter"]
    if not text.strip():
        raise ProfileError(f"{label}: the file is empty (no header row)")
    skip = records_above(io.StringIO(text), delimiter, fmt["header_row"], label)
    header = _header(text, delimiter, skip, fmt["header_row"], label)
    lines_above = fmt["header_row"] - 1
    try:
        # UTF-8 bytes without CR go to pyarrow as they are (no second copy of a large file).
        same = encoding in ("utf-8", "utf-8-sig") and b"\r" not in data
        raw = data.removeprefix(codecs.BOM_UTF8) if same else None
        frame, long = _read_csv_arrow(text, delimiter, skip, header, raw, lines_above)
        fallback = frame is None
        if fallback:  # short rows, blank fields past the header or duplicate headers: pandas
            try:
                frame = _read_csv_pandas(text, delimiter, skip, long.width if long else len(header))
            except (pd.errors.ParserWarning, pd.errors.ParserError):
                if long:
                    raise
                long = long_rows(text, delimiter, skip, header, lines_above)  # pyarrow did not look
                if long.width == len(header):  # no longer rows: another problem
                    raise
                frame = _read_csv_pandas(text, delimiter, skip, long.width)
    except ProfileError as exc:
        raise ProfileError(f"{label}: {exc}") from None
    except (pd.errors.ParserWarning, pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError):
        raise ProfileError(
            f"{label}: not a well-formed CSV with delimiter {delimiter!r}{_quote_problem(text, delimiter, skip)}"
        ) from None
    short = short_rows(text, delimiter, skip, header) if fallback else []
    if long:
        frame = frame.iloc[:, :len(header)]
    table = _raw_table(frame, header, fmt, label, '"' in text and "\n" in text)
    table.short_lines = frozenset(short)
    if short:
        warn_caller(ReadWarning(
            f"{label}: {len(short)} row(s) have fewer fields than the header's {len(header)}"
            f"{_lines_text(short[:10])}; the missing ones are read as empty. If a field was left out "
            "inside a row, its later values are shifted into the wrong columns: check those lines",
            file=label, lines=short, kind="short_rows"))
    if long is not None and long.blank is None:  # the same in every row: one shape, no row shifted
        warn_caller(ReadWarning(
            f"{label}: every row has {long.width - len(header)} field(s) more than the header's {len(header)}, "
            "empty (a delimiter at the end of each line); they are read without them", file=label, lines=[],
            kind="long_rows"))
    blank = [] if long is None or long.blank is None else long.blank
    if blank:
        warn_caller(ReadWarning(
            f"{label}: {len(blank)} row(s) have more fields than the header's {len(header)}, the extra ones "
            f"empty{_lines_text(blank[:10])}; they are read without them (a delimiter at the end of the "
            "line). If a field there holds the delimiter unquoted, its row is shifted: check those lines",
            file=label, lines=blank, kind="long_rows"))
    return table


def _read_csv_pandas(text: str, delimiter: str, skip: int, width: int) -> pd.DataFrame:
    """Read every row ``width`` fields wide with pandas (short rows padded); a ParserWarning
    when a row has more."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, na_filter=False,
            skip_blank_lines=False, skiprows=skip, quotechar='"', engine="c", index_col=False,
            header=None, names=list(range(width)),
        )
    return frame.iloc[1:].reset_index(drop=True)  # the header row, read as data


def _raw_table(frame: pd.DataFrame, header: list[str], fmt, label: str, quoted: bool) -> RawTable:
    """Name the parsed columns and give every row its physical line (``quoted``: cells may hold newlines)."""
    header_newlines = sum(str(c).count("\n") for c in header)
    frame.columns = _unique(_clean_headers(header))
    # Physical start line: header line + 1, plus the newlines inside quoted fields above.
    extra = np.zeros(len(frame), dtype=np.int64)
    if quoted:
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


def _unique(headers: list[str]) -> list[str]:
    """Make headers unique (a repeated header gets " (2)", " (3)" ...); see :func:`_duplicates`."""
    seen: dict[str, int] = {}
    taken = set(headers)
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        name = h
        if seen[h] > 1:
            name = f"{h} ({seen[h]})"
            while name in taken:
                name += "'"
            taken.add(name)
        out.append(name)
    return out


def _duplicates(headers: list[str]) -> dict[str, list[int]]:
    """Return {header: 1-based column positions} of every header that appears more than once."""
    where: dict[str, list[int]] = {}
    for i, h in enumerate(headers, start=1):
        where.setdefault(h, []).append(i)
    return {h: pos for h, pos in where.items() if len(pos) > 1 and h}


def _to_text(series: pd.Series, fmt) -> pd.Series:
    """Typed cells (Excel, Parquet) as the text the profile's formats expect."""
    date_format = fmt["date_format"][0]
    decimal = fmt["decimal"]

    def cell(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v is pd.NA:
            return ""
        if isinstance(v, bool) or isinstance(v, np.bool_):
            return "true" if v else "false"
        if isinstance(v, datetime.time):  # a time of day is not a date (strftime gave 1900-01-01)
            return v.isoformat()
        if hasattr(v, "strftime"):
            return in_sweden(v).strftime(date_format)  # a moment with a time zone: its date in Sweden
        if isinstance(v, (float, np.floating)):
            text = str(int(v)) if float(v).is_integer() else repr(float(v))
            return text.replace(".", decimal)
        if isinstance(v, Decimal):  # Parquet decimals: as floats are, in the profile's decimal mark
            whole = v.is_finite() and v == v.to_integral_value()
            return str(int(v)) if whole else format(v, "f").replace(".", decimal)
        return str(v)

    if pd.api.types.is_datetime64_any_dtype(series):
        text = in_sweden(series).dt.strftime(date_format)  # moments (UTC): their dates in Sweden
        return text.astype(object).where(series.notna(), "").astype(str)
    if series.dtype == object or str(series.dtype).startswith(("float", "bool", "Float", "boolean")):
        uniques = pd.unique(series)
        table = {u: cell(u) for u in uniques if not (isinstance(u, float) and np.isnan(u))}
        out = series.astype(object).map(table)
        return out.where(out.notna(), "").astype(str)
    return series.astype(str).fillna("").replace({"<NA>": "", "nan": ""})


def _read_excel(path: Path, fmt, label: str) -> RawTable:
    sheet = fmt["sheet"] if fmt["sheet"] is not None else 0
    names = []
    try:
        with pd.ExcelFile(path) as book:
            names = list(book.sheet_names)
            # keep_default_na=False: text such as "N/A" or "null" stays text (as in a CSV); only
            # the profile's missing_values are missing. Empty and error cells are still missing.
            raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, keep_default_na=False)
    except ValueError as exc:
        if str(exc).startswith("Worksheet"):  # "Worksheet named 'X' not found", "Worksheet index 5 is invalid"
            alike = [n for n in names if isinstance(sheet, str) and n.strip().casefold() == sheet.strip().casefold()]
            mean = f"; did you mean {names_text(alike[0])}?" if alike else ""
            raise ProfileError(f"{label}: has no sheet {sheet!r}; its sheets are {names_text(names)}{mean}") from None
        raise ProfileError(f"{label}: cannot be read as an Excel workbook ({_why(exc)})") from None
    except Exception as exc:  # a damaged or mislabelled file: zipfile, openpyxl, lxml errors
        raise ProfileError(f"{label}: cannot be read as an Excel workbook ({_why(exc)})") from None
    h = fmt["header_row"] - 1
    # pandas numbers worksheets only: the marks are read from the sheet it read, by its name
    # (a chart sheet first in the workbook is no worksheet)
    name = names[sheet] if isinstance(sheet, int) else sheet
    raw, bad = _with_marks(raw, path, name, h, label)
    sheets = tuple(names) if len(names) > 1 else ()
    sheet_named = fmt["sheet"] is not None
    if len(raw) <= h:
        which = f"sheet {sheet!r}" if sheet_named else f"the first sheet ({names_text(name)})"
        raise ProfileError(f"{label}: no header at row {fmt['header_row']} of {which} (header_row)"
                           + sheet_hint(sheets, name, sheet_named))
    headers = _clean_headers(_to_text(raw.iloc[h], fmt).tolist())
    body = raw.iloc[h + 1:].reset_index(drop=True)
    frame = pd.DataFrame({i: _to_text(body[c], fmt) for i, c in enumerate(body.columns)})
    keep = [i for i, name in enumerate(headers) if name]
    frame = frame[keep]
    named = [headers[i] for i in keep]
    frame.columns = _unique(named)
    lines = np.arange(len(frame), dtype=np.int64) + h + 2
    frame, lines = _drop_blank(frame, lines)
    bad_cells = {}
    for (row, column), reason in bad.items():
        if row > h and column in keep:
            bad_cells.setdefault(frame.columns[keep.index(column)], {})[row + 1] = reason
    top = pd.DataFrame({c: _to_text(body[c].head(SEARCH_ROWS), fmt) for c in body.columns})
    search = tuple(zip(range(h + 2, h + 2 + len(top)), top.itertuples(index=False)))
    typed = {name: body[body.columns[i]] for i, name in zip(keep, frame.columns)}
    return RawTable(frame, lines, label, {k: [keep[i - 1] + 1 for i in v] for k, v in _duplicates(named).items()},
                    fmt["date_format"][0], sheets, bad_cells, "row", search, _utc_midnights(typed, h + 2),
                    _typed_numbers(typed, h + 2, lines), sheet=name, sheet_named=sheet_named, path=path)


#: How many rows under the header are searched for the mapped headers (a title above them).
SEARCH_ROWS = 20


#: Why a cell of a workbook is not read: an error value, a formula never computed.
EXCEL_ERROR = "an Excel error value, not data (correct the formula or type the value in the workbook)"
EXCEL_UNSAVED = ("a formula without a saved value (the program that wrote the workbook did not compute it: "
                 "open it in Excel or LibreOffice and save it)")


def _with_marks(raw: pd.DataFrame, path: Path, sheet: str, header: int, label: str) -> tuple[pd.DataFrame, dict]:
    """The sheet as a reader sees it in Excel: an error cell's value (#DIV/0!) and a formula
    never computed as text, and a data cell merged down over the rows under it as the value
    of each of them; and (row, column) -> reason of those cells (0-based, as ``raw``), each
    rejected in a mapped column.

    Only merges below the ``header`` row (0-based) are filled, and only down their first
    column into rows that hold something else too: a header merged across columns names
    its first column, a date merged across into the next column is not that column's
    value, and a merge alone makes no row.
    """
    try:
        marks = sheet_marks(path, sheet)
    except Exception as exc:  # a workbook pandas reads but whose XML is odd
        raise ProfileError(f"{label}: cannot be read as an Excel workbook ({_why(exc)})") from None
    bad = {at: EXCEL_ERROR for at in marks.errors} | {at: EXCEL_UNSAVED for at in marks.unsaved}
    if not bad and not marks.merged:
        return raw, bad
    rows = max([len(raw)] + [r + 1 for r, _ in bad])
    columns = max([raw.shape[1]] + [c + 1 for _, c in bad])
    raw = raw.reindex(index=range(rows), columns=range(columns), fill_value="")  # a row of error cells only
    for (row, column), text in (marks.errors | marks.unsaved).items():
        raw.iat[row, column] = text
    filled = (raw.astype(str).ne("") & raw.notna()).to_numpy()
    cells_per_row = filled.sum(axis=1)
    for first_row, column, last_row, _ in marks.merged:
        if first_row <= header or first_row >= len(raw) or column >= raw.shape[1]:
            continue
        rows = np.arange(first_row + 1, min(last_row, len(raw) - 1) + 1)
        rows = rows[cells_per_row[rows] > filled[rows, column]]  # something else in the row
        raw.iloc[rows, column] = raw.iat[first_row, column]
        if (first_row, column) in bad:  # an error merged down is an error in each row
            bad.update({(int(row), column): bad[first_row, column] for row in rows})
    return raw, bad


def names_text(names) -> str:
    """A name, or a list of names (headers, sheets: the file's own text, which may hold an
    identity number), as Python writes it, each name redacted before it is quoted: quoting
    first writes a no-break space or a tab between the digits as ``\\xa0`` or ``\\t``, which
    no redaction reads as a space. At most 400 characters."""
    if isinstance(names, str):
        return repr(redact_numbers(names, limit=80))
    return redact_numbers(repr([redact_numbers(str(n), limit=80) for n in names]), limit=400)


def sheet_hint(sheets, read: str | None = None, named: bool = False) -> str:
    """Say which sheets a workbook has and which was read (``read``; ``named``: the profile
    named it, else it is the first); "" for a workbook of one sheet."""
    if not sheets:
        return ""
    listed = names_text(list(sheets))
    if not named:
        return (f"; the workbook has the sheets {listed} and the first was read: if the table is on another, "
                'name it with sheet = "..." in the profile')
    return (f"; the sheet read was {names_text(read)} of the workbook's {listed}: a sheet "
            "under [format] applies to every table of the profile, so a table on another sheet names it with "
            'sheet = "..." in its own section ([episodes], [payments] ...)')


def headers_on_sheet(path: Path, sheets, read: str | None, wanted, header_row: int) -> tuple[str, int] | None:
    """(sheet, row) of the first other sheet of the workbook at ``path`` whose first
    :data:`SEARCH_ROWS` rows hold every header of ``wanted`` in one row; None if none does.
    Only for an error's hint: it reads those rows of every other sheet."""
    wanted = set(wanted)
    with pd.ExcelFile(path) as book:
        for name in sheets:
            if name == read:
                continue
            try:
                top = pd.read_excel(book, sheet_name=name, header=None, dtype=object, nrows=SEARCH_ROWS + header_row)
            except Exception:  # a chart sheet, a damaged sheet: no hint from it
                continue
            for i, row in enumerate(top.itertuples(index=False)):
                if wanted <= set(_clean_headers(str(v) for v in row if isinstance(v, str))):
                    return name, i + 1
    return None


def _why(exc: Exception) -> str:
    """A short, redacted description of a library error (never file content)."""
    return redact_numbers(f"{type(exc).__name__}: {exc}", limit=160)


def _read_parquet(path: Path, fmt, label: str) -> RawTable:
    if path.stat().st_size == 0:
        raise ProfileError(f"{label}: the file is empty (0 bytes), not a Parquet file")
    try:
        raw = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError ... on damaged files
        raise ProfileError(f"{label}: cannot be read as a Parquet file ({_why(exc)})") from None
    names = [str(c) for c in raw.columns]
    raw.columns = range(raw.shape[1])
    try:
        frame = pd.DataFrame({
            i: _to_text(raw[i] if pd.api.types.is_datetime64_any_dtype(raw[i]) else raw[i].astype(object), fmt)
            for i in raw.columns
        })
    except Exception as exc:  # nested or binary columns that have no text form
        raise ProfileError(f"{label}: has columns that are not text, numbers or dates ({_why(exc)})") from None
    cleaned = _clean_headers(names)
    frame.columns = _unique(cleaned)
    typed = dict(zip(frame.columns, (raw[i] for i in raw.columns)))
    lines = np.arange(len(frame), dtype=np.int64) + 2  # as if the header were line 1
    frame, lines = _drop_blank(frame, lines)
    return RawTable(frame, lines, label, _duplicates(cleaned), fmt["date_format"][0],
                    utc_midnights=_utc_midnights(typed, 2), numbers=_typed_numbers(typed, 2, lines))


def read_raw(path, fmt, *, label: str | None = None, prepared=None) -> RawTable:
    """Read one file as text cells, with the 1-based physical line of every row.

    Parameters
    ----------
    path
        A CSV (.csv, .txt, .tsv), Excel (.xlsx) or Parquet file.
    fmt
        Format options of the table's profile (encoding, delimiter, header_row, sheet,
        date_format, decimal).
    label
        The file's name in messages and rejects (default: the path, with a digit run
        shaped like an identity number hidden).
    prepared
        What :func:`prepare_csv` returned for this file (read ahead on another thread).
    """
    path = Path(path)
    label = label or redact_numbers(path, limit=None)  # a file named after a person is not shown by its number
    kind = file_kind(path)
    if kind == "csv":
        return _read_csv(path, fmt, label, prepared)
    if kind == "excel":
        return _read_excel(path, fmt, label)
    return _read_parquet(path, fmt, label)
