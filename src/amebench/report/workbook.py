"""The report's tables as one Excel workbook (``report.xlsx``) in the report's language.

A spreadsheet with Swedish settings splits a CSV on ``;`` and reads ``,`` as the decimal
mark: every table of ``tables/*.csv`` landed in one column, its decimals as text (review
by a coordinator with Swedish Excel). The workbook stores numbers as numbers, formatted
for reading (shares as percentages, counts with thousands grouped), labels and unit names
as the page shows them, and ``..`` where disclosure control hid a cell (an empty cell has
no value). The CSV and Parquet files stay the machine-readable copy.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .._files import atomic_write_bytes, fixed_time_xlsx
from ..exceptions import AmebenchError
from ..labels import code_label, column_label, reason_label
from .formats import (ALWAYS_PERCENT, CODED, DIGITS, MISSING, PERCENT, POINTS, POINTS_UNIT, code_contexts,
                      is_whole_number_column)
from .html import MAX_ROWS, caption_text, rows_shown  # MAX_ROWS: the page's rows, bound here at import
from .output import LONG_DIGITS, csv_float

__all__ = ["Sheet", "write_workbook"]

#: Excel's limit on a sheet's name.
_NAME_LENGTH = 31
#: The widest column (characters); a longer header wraps.
_WIDEST = 30

_PERCENT_FORMAT = "0.0%"
_COUNT_FORMAT = "#,##0"
_MONTH_FORMAT = "yyyy-mm"
#: Formats of columns by name, where the column's numbers are not counts or shares.
_P_FORMAT = '[<0.001]"<0.001";0.000'
#: The same in Swedish: Excel shows the number's decimal mark as the reader's settings say,
#: but the text "<0.001" as written (the condition in brackets is always written with ".").
_P_FORMAT_SV = '[<0.001]"<0,001";0.000'
_P_COLUMNS = {"p_value", "p_adjusted"}
#: Tables whose sheet holds every row, however many: the monthly flows, a series to chart
#: (23,490 rows at national scale). Any other sheet holds the rows the page shows
#: (:data:`amebench.report.html.MAX_ROWS`, in the page's order) and names the CSV file
#: that has the rest: the 42,195 pairs of 290 units took 10 of the workbook's 14 s.
_EVERY_ROW = frozenset({"flows"})
#: Tables whose amounts are kronor: whole kronor are enough to read.
_KRONOR = frozenset({"welfare_delta"})


@dataclass
class Sheet:
    """One published table: its name (``tables/<name>.csv``), title, the rows as the page
    shows them (unit names, page order) and where disclosure control hid a cell (None:
    every missing cell was hidden)."""

    name: str
    title: str
    table: pd.DataFrame
    hidden: pd.DataFrame | None
    percent: bool
    #: Why the table has no rows, said under its header (as on the page).
    empty: str = ""
    #: Column -> what it is in the CSV file, where that is not a column of the same name.
    csv_columns: dict[str, str] = field(default_factory=dict)
    #: The notes of the table's section, as the page says them (under its first table's sheet, or
    #: the one ``Section.objects["notes_under"]`` names):
    #: a workbook is passed on without the page (a 2026 re-enrolment sheet of ".." said nothing).
    notes: list[str] = field(default_factory=list)


def write_workbook(path, sheets: list[Sheet], *, t: dict, lang: str, stamp: str, min_cell: int, day,
                   outcome: str | None = None, without: Sequence[tuple[str, list[str]]] = ()) -> None:
    """Write ``sheets`` to the workbook ``path``: a first sheet saying what the workbook is
    and what ``..`` means, one sheet per table and a last one naming each column's CSV file
    and name there. ``day`` (the extraction date) stamps the file, so that the same data give
    the same bytes. ``outcome`` names the outcome in headers, as the page does. ``without``:
    (heading, notes) of each section of the page that has no table, said on the first sheet
    (a workbook passed on without the page did not say why it had no retention sheet)."""
    book = Workbook(write_only=True)
    names = _sheet_names(sheets, t)
    about = book.create_sheet(t["xlsx_about"])
    for line in [t["title"], stamp, "", t["xlsx_hidden"].format(below=min_cell - 1) if min_cell > 1
                 else t["suppression_off"], t["xlsx_programs"], "", t["xlsx_contents"]]:
        about.append([_text(about, line, bold=line == t["title"])])
    for sheet, name in zip(sheets, names, strict=True):
        about.append([_text(about, name), _text(about, sheet.title)])
    if without:
        about.append([])
        about.append([_text(about, t["xlsx_without"])])
        for heading, notes in without:
            about.append([_text(about, heading), _text(about, " ".join(notes))])
    columns = []
    for sheet, name in zip(sheets, names, strict=True):
        pairs = _write_table(book.create_sheet(name), sheet, t=t, lang=lang, stamp=stamp, outcome=outcome)
        columns += [(name, label, f"tables/{sheet.name}.csv", sheet.csv_columns.get(column, column))
                    for label, column in pairs]
    index = book.create_sheet(t["xlsx_columns"])
    for letter, width in zip("ABCD", (26, 30, 30, 24), strict=True):
        index.column_dimensions[letter].width = width
    index.append([_text(index, t[key], bold=True) for key in ("xlsx_sheet", "xlsx_column", "xlsx_file",
                                                                "xlsx_csv_column")])
    for row in columns:
        index.append([_text(index, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    moment = pd.Timestamp(day)
    data = fixed_time_xlsx(buffer.getvalue(), (moment.year, moment.month, moment.day), rewrite=_shortest_numbers)
    try:
        atomic_write_bytes(path, data)
    except PermissionError:  # Windows: a workbook open in Excel cannot be replaced
        raise AmebenchError(f"{path} could not be replaced: is it open in a spreadsheet? Close it and run the "
                            "report again") from None


#: A number cell's value in a sheet's XML.
_NUMBER_VALUE = re.compile(rb'(<c [^>]*t="n"[^>]*><v>)([^<]*)(</v>)')


def _shortest_numbers(name: str, content: bytes) -> bytes:
    """Each number of a sheet written as its shortest form: openpyxl writes 16 significant
    digits, so 0.0983606 (rounded by ``output.csv_float`` to keep runs of 10 digits out of
    the file) became 0.09836060000000001; a number of 10 digits or more before its point is
    written with an exponent and 9 significant digits (1.23456789e+09), as the CSV has it."""
    if not name.startswith("xl/worksheets/"):
        return content
    return _NUMBER_VALUE.sub(lambda m: m[1] + _number_text(float(m[2])).encode() + m[3], content)


def _number_text(value: float) -> str:
    text = repr(value).removesuffix(".0")
    return f"{value:.8e}" if LONG_DIGITS.search(text) else text


def _sheet_names(sheets: list[Sheet], t: dict) -> list[str]:
    """Each table's sheet name: its short name in the report's language (``sheet_<name>``),
    at most 31 characters, unique."""
    names = []
    for sheet in sheets:
        base = t.get(f"sheet_{sheet.name}", sheet.name)[:_NAME_LENGTH]
        name, k = base, 2
        while name.casefold() in {n.casefold() for n in names}:
            name, k = f"{base[:_NAME_LENGTH - 3]} {k}", k + 1
        names.append(name)
    return names


def _write_table(ws, sheet: Sheet, *, t: dict, lang: str, stamp: str,
                 outcome: str | None = None) -> list[tuple[str, str]]:
    """The table's title and stamp, its header (labels), rows and caption; return each
    column's (label, CSV name)."""
    frame = sheet.table
    limit = len(frame) if sheet.name in _EVERY_ROW else MAX_ROWS
    shown = rows_shown(frame, limit)
    labels = [column_label(str(c), lang, table=sheet.name, outcome=outcome) for c in shown.columns]
    for k, label in enumerate(labels):  # before the first row: a write-only sheet writes them first
        ws.column_dimensions[get_column_letter(k + 1)].width = min(max(len(label), 10) + 2, _WIDEST)
    ws.freeze_panes = "A5"
    ws.append([_text(ws, sheet.title, bold=True)])
    ws.append([_text(ws, stamp)])
    ws.append([])
    ws.append([_text(ws, label, bold=True) for label in labels])
    hidden = (sheet.hidden.loc[shown.index, shown.columns].to_numpy(dtype=bool) if sheet.hidden is not None
              else shown.isna().to_numpy())
    formats = [_column_format(sheet, shown, col, lang) for col in shown.columns]
    median = (shown["quantity"].astype(str).eq("median_days").to_numpy() if "quantity" in shown.columns
              else np.zeros(len(shown), dtype=bool))
    cif = (shown["quantity"].astype(str).str.startswith("cif").to_numpy() if "quantity" in shown.columns
           else None)
    points = POINTS.get(sheet.name, ())
    contexts = {col: code_contexts(shown, col) for col in shown.columns if col in CODED}  # as the page labels them
    for i, values in enumerate(shown.itertuples(index=False, name=None)):
        row = []
        for j, (col, value) in enumerate(zip(shown.columns, values, strict=True)):
            if _missing(value):
                if hidden[i, j]:
                    row.append(_text(ws, MISSING, right=True))
                elif median[i] and col in ("estimate", "ci_low", "ci_high"):
                    row.append(_text(ws, t["not_reached"]))  # a Kaplan-Meier median not reached in follow-up
                else:
                    row.append(None)
                continue
            if isinstance(value, str):
                if col == "reason":
                    value = reason_label(value, lang)
                elif col in CODED:
                    value = code_label(value, lang, contexts[col][i])
                row.append(_text(ws, value))
                continue
            if isinstance(value, pd.Timestamp):
                row.append(_number(ws, value.to_pydatetime(), _MONTH_FORMAT))
                continue
            number, fmt = float(value), formats[j]
            if col in points:
                number, fmt = number * 100, f'0.0" {POINTS_UNIT[lang]}"'
            elif cif is not None and col in ("estimate", "ci_low", "ci_high"):
                fmt = _PERCENT_FORMAT if cif[i] else _COUNT_FORMAT  # durations: days, or a cumulative share
            # no run of 10 digits in the file (output.csv_float)
            row.append(_number(ws, float(csv_float(number)), fmt))
        ws.append(row)
    caption = caption_text(frame, lang, "," if lang == "sv" else ".")
    more = (t["xlsx_more_rows"].format(shown=limit, n=len(frame), file=f"tables/{sheet.name}.csv")
            if len(frame) > limit else "")
    lines = [line for line in (sheet.empty, caption, more, *sheet.notes) if line]
    if lines:
        ws.append([])
    for line in lines:
        ws.append([_text(ws, line)])
    return list(zip(labels, (str(c) for c in shown.columns), strict=True))


def _column_format(sheet: Sheet, shown: pd.DataFrame, col, lang: str) -> str:
    p_format = _P_FORMAT_SV if lang == "sv" else _P_FORMAT
    if col in ALWAYS_PERCENT or (sheet.percent and col in PERCENT):
        return _PERCENT_FORMAT
    if col in _P_COLUMNS:
        return p_format
    if sheet.name in _KRONOR or is_whole_number_column(shown[col]) or pd.api.types.is_integer_dtype(
            shown[col]):
        return _COUNT_FORMAT
    if str(col).startswith("p_"):  # as the page: chances and p-values with 3 decimals
        return p_format
    digits = DIGITS.get((sheet.name, col), 3)  # as the page: O/E, z with 3 decimals
    return "#,##0." + "0" * digits


def _missing(value) -> bool:
    """No number to write: missing, or not finite (a spreadsheet has no infinity)."""
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and not np.isfinite(value))


def _text(ws, value: str, *, bold: bool = False, right: bool = False) -> WriteOnlyCell:
    """A cell that holds ``value`` as text, never a formula (a unit's name or a file's may
    start with "="; openpyxl would store it as one)."""
    cell = WriteOnlyCell(ws, value=str(value))
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    if right:
        cell.alignment = Alignment(horizontal="right")
    return cell


def _number(ws, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell
