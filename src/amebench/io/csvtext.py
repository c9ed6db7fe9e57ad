"""CSV text: the header line, pyarrow's parse of the rows, and where a malformed file goes wrong.

Helpers of :mod:`amebench.io.readers`. The parse and the header checks run for every
CSV file; the line finders (:func:`long_rows`, :func:`short_rows`, :func:`_quote_problem`) only for a file
with rows of the wrong field count, to name the lines.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from ..exceptions import ProfileError

__all__: list[str] = []


def _lines(data: bytes):
    """Yield the lines of UTF-8 bytes as text, each with its ``\n`` (as iterating a StringIO does)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        yield data[start:end].decode("utf-8")
        start = end


def _lines_text(where: list[int]) -> str:
    return f" (line {where[0]})" if len(where) == 1 else f" (lines {where})" if where else ""


def records_above(lines, delimiter: str, header_row: int, label: str) -> int:
    """The number of CSV records above physical line ``header_row`` (``lines``: the file's
    lines, each with its line end): ``header_row - 1`` unless a quoted field above the header
    holds a line break (a title "Export från\\nSystem X" spans two lines, one record)."""
    if header_row <= 1:
        return 0
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"')
    records = 0
    try:
        while reader.line_num + 1 < header_row:
            next(reader)
            records += 1
    except (StopIteration, csv.Error):
        return header_row - 1  # the header's own reading says what is wrong
    if reader.line_num + 1 > header_row:
        raise ProfileError(f"{label}: line {header_row} (header_row) is inside a quoted field that spans several "
                           "lines; set header_row to the line where the header starts")
    return records


def _header(text: str, delimiter: str, skip: int, header_row: int, label: str) -> list[str]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    try:
        for _ in range(skip):
            next(reader)
        header = next(reader)
    except StopIteration:
        if skip:
            raise ProfileError(f"{label}: has no line {header_row} (header_row = {header_row})") from None
        raise ProfileError(f"{label}: the file is empty (no header row)") from None
    except csv.Error:
        raise ProfileError(f"{label}: the header (line {header_row}) is not well-formed CSV") from None
    if not any(h.strip() for h in header):
        later = next((i for i, line in enumerate(text.split("\n")[header_row:], header_row + 1)
                      if line.strip(delimiter + " \t\u00a0\ufeff")), None)
        fix = (f"line {later} is the first with text: if the header is there, set header_row = {later}" if later
               else "if the header is on a later line, set header_row")
        raise ProfileError(f"{label}: the header (line {header_row}) is empty; {fix}")
    return header


def _quote_problem(text: str, delimiter: str, skip: int) -> str:
    """Say where a quoted field opens and never closes (error path only)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return f": a quoted field (\") that opens on line {start} is not closed properly"
    return ""


def _arrow_table(raw: bytes, delimiter: str, skip: int, header: list[str], newlines: bool = True,
                 width: int | None = None):
    """Parse UTF-8 bytes with pyarrow, every column as text: (table or None, rows with too many fields).

    ``skip``: the lines above the header (pyarrow's ``skip_rows`` counts lines, a quoted
    field's line breaks too; csv.reader and pandas' ``skiprows`` count records). ``width``:
    read every row as that many fields, named "0", "1" … (the header's record skipped).

    The table is None when some row has the wrong field count, the headers repeat, or
    pyarrow cannot parse the file; the parse stops at the first such row, which is returned
    when it is longer than the header ((fields expected, fields, row)). pyarrow only: safe on
    a second thread.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    if width is None and len(set(header)) != len(header):
        return None, []  # duplicate headers: read by position with pandas
    names = None if width is None else [str(i) for i in range(width)]
    ragged = []

    def invalid(row):
        ragged.append((row.expected_columns, row.actual_columns, row.number))
        return "error"  # one tells: the path that reads such a file finds the rest (1M calls took 8 s)

    try:
        table = pcsv.read_csv(
            io.BytesIO(raw),
            read_options=pcsv.ReadOptions(skip_rows=skip, encoding="utf-8", column_names=names,
                                          skip_rows_after_names=0 if names is None else 1),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, quote_char='"', newlines_in_values=newlines,
                ignore_empty_lines=False, invalid_row_handler=invalid,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={h: pa.string() for h in names or header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # pandas reports the problem without echoing the row's content
        return None, [r for r in ragged if r[1] > r[0]]
    if ragged or list(table.column_names) != list(names or header):
        return None, []
    return table, []


def _to_frame(table) -> pd.DataFrame:
    import pyarrow as pa

    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


@dataclass
class LongRows:
    """Rows with more fields than the header: the physical start lines of those whose extra
    fields are all blank (``blank``; None: every row), and the most fields of a row (``width``)."""

    blank: list[int] | None
    width: int


def _read_csv_arrow(text: str, delimiter: str, skip: int, header: list[str], raw: bytes | None,
                    lines_above: int | None = None) -> tuple[pd.DataFrame | None, LongRows | None]:
    """Parse with pyarrow, every column as text: (frame, rows longer than the header).

    The frame is None when some row has the wrong field count (or the headers repeat): read
    it with pandas, as wide as the longest row. Rows with more fields than the header are
    read when the extra fields are blank (:func:`long_rows`), else a ProfileError names them.
    When every row has the same number of fields more than the header (a delimiter at the
    end of every line, as a spreadsheet leaves it), pyarrow reads it that wide.
    ``raw`` is ``text`` as UTF-8 bytes when the file already was exactly that (else None).
    ``skip``: the records above the header; ``lines_above``: its lines (default ``skip``).
    """
    lines_above = skip if lines_above is None else lines_above
    data = text.encode("utf-8") if raw is None else raw
    table, long = _arrow_table(data, delimiter, lines_above, header, True)
    if not long:
        return None if table is None else _to_frame(table), None
    width = long[0][1]
    wide, _ = _arrow_table(data, delimiter, lines_above, header, True, width=width)
    if wide is not None and _blank(wide.columns[len(header):]):
        return _to_frame(wide.select(range(len(header)))), LongRows(None, width)
    return None, long_rows(text, delimiter, skip, header, lines_above)


def _blank(columns) -> bool:
    """Whether every cell of the Arrow text ``columns`` is empty or white space."""
    import pyarrow.compute as pc

    return all(pc.all(pc.equal(pc.utf8_trim_whitespace(column), "")).as_py() is not False for column in columns)


#: The first cell of a summary row an export or a spreadsheet adds under the data: a
#: summary word alone or before a space or ':' ("Summa", "Totalt: 903"; not "SUM-12"). The
#: spaces written out, as Python's \s holds them (str.isspace): pyarrow's \s (RE2) lacks the
#: no-break and other Unicode ones, so both read a row alike.
_SPACE = "[\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
SUMMARY = rf"^{_SPACE}*(?:summa|summering|totalsumma|totalt|total)(?:{_SPACE}|:|$)"


def short_rows(text: str, delimiter: str, skip: int, header: list[str]) -> list[int]:
    """The physical start lines of the rows with fewer fields than the header and some text
    (a row of blanks is none, and a summary row is rejected as one). Only for a file pyarrow
    found ragged: it reads the file with csv.reader."""
    width = len(header)
    summary = re.compile(SUMMARY, re.IGNORECASE)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    short, previous = [], 0
    for i, row in enumerate(reader):
        if (i > skip and len(row) < width and any(field.strip() for field in row)
                and not summary.match(row[0])):
            short.append(previous + 1)
        previous = reader.line_num
    return short


def long_rows(text: str, delimiter: str, skip: int, header: list[str], lines_above: int) -> LongRows:
    """The rows with more fields than the header, when the extra fields are all blank (a
    delimiter at the end of the line, as a spreadsheet may leave); else a ProfileError
    naming the lines whose extra fields hold text (never the text: it may hold an identity
    number). Only for a file with such rows: it reads the file with csv.reader.
    """
    width = len(header)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    full, blank, widest, previous = [], [], width, 0
    for i, row in enumerate(reader):
        if i > skip and len(row) > width:
            widest = max(widest, len(row))
            if any(field.strip() for field in row):  # a row of blanks is none
                (full if any(field.strip() for field in row[width:]) else blank).append(previous + 1)
        previous = reader.line_num
    if full:
        # a header of one field with longer rows under it: often a title line above the header
        title = (f", or whether line {lines_above + 1} is a title above the header (then set header_row)"
                 if width == 1 else "")
        raise ProfileError(
            f"{len(full)} row(s) have more fields than the header's {width}, with text in the extra ones"
            f"{_lines_text(full[:10])}; check the delimiter ({delimiter!r}) and the quoting of fields "
            f"that contain it{title}"
        )
    return LongRows(blank, widest)
