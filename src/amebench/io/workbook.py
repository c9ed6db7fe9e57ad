"""What pandas does not say about a worksheet: its error cells, formulas without a saved
value and merged ranges, read from the sheet's XML (Office Open XML, ECMA-376 part 1 §18.3).

``pandas.read_excel`` (openpyxl, values only) reads an error cell (``#DIV/0!``, ``#N/A``)
and a formula whose value was never computed as empty, and a merged range as its first
cell with the others empty: an exit date from a broken formula, or merged down three
rows, would load as an ongoing episode without a word. :func:`sheet_marks` finds them.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

__all__ = ["SheetMarks", "sheet_marks"]

#: Bytes without which a sheet has none of the marks (no parse needed): an error cell, a
#: formula (``<f>``, ``<x:f …/>``), a merged range.
_ANY_MARK = re.compile(rb't="e"|<(?:\w+:)?f[\s>/]|mergeCell')
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class SheetMarks:
    """0-based (row, column) positions of a sheet, as ``read_excel(header=None)`` numbers them."""

    errors: dict = field(default_factory=dict)  # (row, column) -> the error value, e.g. "#DIV/0!"
    unsaved: dict = field(default_factory=dict)  # (row, column) -> "=" + the formula, never computed
    merged: list = field(default_factory=list)  # (first row, first column, last row, last column)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(book: zipfile.ZipFile, sheet) -> str | None:
    """The zip member of ``sheet`` (a name, or a 0-based position in the workbook's order)."""
    workbook = ET.fromstring(book.read("xl/workbook.xml"))
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    chosen = (sheets[sheet] if isinstance(sheet, int) and 0 <= sheet < len(sheets)
              else next((e for e in sheets if e.get("name") == sheet), None))
    if chosen is None:
        return None
    rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = next((e.get("Target") for e in rels if e.get("Id") == chosen.get(_RELATIONSHIP)), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def sheet_marks(path, sheet) -> SheetMarks:
    """Error cells, formulas without a saved value and merged ranges of one worksheet.

    A formula's value is saved by the program that computed it (Excel, LibreOffice); a
    workbook written by a program that does not compute (a script, some exports) has
    none, and a reader sees an empty cell. An empty text result (``t="str"`` with an
    empty value: ``=IF(A2="";"";…)``) is a saved value.
    """
    marks = SheetMarks()
    with zipfile.ZipFile(path) as book:
        part = _sheet_part(book, sheet)
        if part is None or part not in book.namelist():
            return marks
        data = book.read(part)
    if _ANY_MARK.search(data) is None:
        return marks
    row = column = -1
    for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":  # r is optional: the next row then
                row = int(element.get("r")) - 1 if element.get("r") else row + 1
                column = -1
            continue
        if tag == "c":
            ref = element.get("r")
            if ref:
                letters, number = coordinate_from_string(ref)
                row, column = number - 1, column_index_from_string(letters) - 1
            else:
                column += 1
            children = {_local(child.tag): child for child in element}
            value = children.get("v")
            if element.get("t") == "e":
                marks.errors[row, column] = (value.text or "").strip() if value is not None else "#error"
            elif "f" in children and (value is None or (not value.text and element.get("t") != "str")):
                marks.unsaved[row, column] = "=" + (children["f"].text or "")
            element.clear()
        elif tag == "mergeCell" and element.get("ref"):
            first_column, first_row, last_column, last_row = range_boundaries(element.get("ref"))
            marks.merged.append((first_row - 1, first_column - 1, last_row - 1, last_column - 1))
        elif tag == "row":
            element.clear()
    return marks
