"""Tests of report.xlsx: the published tables as a workbook for a spreadsheet with Swedish settings."""

import re
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import amebench
from amebench.report import benchmark_report
from amebench.report.i18n import texts

#: Sheets that are not a published table.
_NOT_TABLES = ("Om tabellerna", "Kolumner", "About", "Columns")


@pytest.fixture(scope="module")
def report_sv(tmp_path_factory):
    out = tmp_path_factory.mktemp("workbook_sv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", amebench.exceptions.AmebenchWarning)
        benchmark_report(amebench.load_sample(), out, lang="sv", exited=2025)
    return out


def _sheet(ws) -> tuple[list[str], list[list]]:
    """A table sheet's header (row 4) and data rows (to the first empty row)."""
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    header = list(rows[0])
    data = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        data.append(list(row))
    return header, data


def test_each_table_s_numbers_are_the_csv_s_and_each_hidden_cell_says_so(report_sv):
    # Review by a coordinator with Swedish Excel: the CSVs opened in one column, decimals as
    # text. The workbook holds each published table: a column's numbers are the CSV's (the
    # pairwise differences in percentage points), and where the CSV is empty the sheet is
    # "..", empty or "inte uppnådd", never a number (a hidden count would show).
    book = load_workbook(report_sv / "report.xlsx")
    columns = pd.DataFrame(list(book["Kolumner"].iter_rows(min_row=2, values_only=True)),
                           columns=["sheet", "label", "file", "csv"])
    tables = [name for name in book.sheetnames if name not in _NOT_TABLES]
    assert len(tables) == len(set(columns["sheet"])) >= 15
    hidden = 0
    for name in tables:
        mapping = columns[columns["sheet"] == name]
        if mapping["file"].iloc[0] == "tables/exit_reasons.csv":  # one column per reason, as on the page: below
            continue
        header, data = _sheet(book[name])
        assert header == mapping["label"].tolist()
        sheet = pd.DataFrame(data, columns=mapping["csv"].tolist(), dtype=object)  # None stays None
        csv = pd.read_csv(report_sv / mapping["file"].iloc[0])
        assert len(csv) == len(sheet)
        for col in sheet.columns:
            if not pd.api.types.is_numeric_dtype(csv[col]):
                continue
            values = sheet[col]
            numbers = values[values.map(lambda v: isinstance(v, (int, float)))].astype(float)
            scale = 100 if name == "Skillnader" and col in ("estimate", "ci_low", "ci_high") else 1
            # both rounded to 6 significant digits or more (output._csv_float)
            assert np.allclose(np.sort(numbers / scale), np.sort(csv[col].dropna().astype(float)), rtol=1e-5,
                               atol=0), (name, col)
            assert values.map(lambda v: v is None or v in ("..", "inte uppnådd")).sum() == csv[col].isna().sum()
            hidden += int(values.eq("..").sum())
    assert hidden > 0  # the 2025 report hides counts: there is something to check


def test_the_exit_reasons_sheet_is_the_page_s_table(report_sv):
    csv = pd.read_csv(report_sv / "tables" / "exit_reasons.csv")
    header, data = _sheet(load_workbook(report_sv / "report.xlsx")["Avslutsorsaker"])
    assert header[0] == "Enhet" and "arbete" in header
    work = {row[0]: row[header.index("arbete")] for row in data}
    shown = csv[csv["exit_reason"] == "work"].set_index("unit")["n"]
    names = {"jarfalla": "Järfälla", "nynashamn": "Nynäshamn", "solna": "Solna", "sundbyberg": "Sundbyberg",
             "sodertalje": "Södertälje"}
    assert {names[u]: (".." if np.isnan(n) else n) for u, n in shown.items()} == work
    assert sum(row.count("..") for row in data) == csv["n"].isna().sum() > 0


def test_the_workbook_says_what_it_is_and_holds_no_long_digit_runs(report_sv):
    # MUST of the review: the XML of an .xlsx is text that scanners for identity numbers read;
    # openpyxl wrote 16 significant digits (0.0983606 as 0.09836060000000001)
    book = load_workbook(report_sv / "report.xlsx")
    about = [row[0] for row in book["Om tabellerna"].iter_rows(values_only=True)]
    assert about[0] == "Jämförelse av arbetsmarknadsenheter"
    assert about[1].startswith("Nätverk KNUT; inskrivningar från 2023-07, avslut från 2025-01-01 till 2025-12-31")
    assert about[3].startswith("En cell ”..” är dold av röjandekontrollen: ett antal från 1 till 4")
    with zipfile.ZipFile(report_sv / "report.xlsx") as archive:
        for name in archive.namelist():
            assert not re.search(rb"\d{10}", archive.read(name)), name
    outcome = book["Andel till utfallet"]
    assert outcome["B5"].number_format == "0.0%" and outcome["E5"].number_format == "#,##0"
    assert isinstance(outcome["B5"].value, float)


def test_a_text_cell_of_the_workbook_is_never_a_formula(tmp_path):
    # openpyxl stores a string that starts with "=" as a formula; a reject reason or a file name
    # comes from an export
    from amebench.report.build import Section
    from amebench.report.publish import publish

    table = pd.DataFrame({"unit": ["a"], "table": ["episodes"], "reason": ["=HYPERLINK(1)"], "rows": [7]})
    publish([Section("quality", {"rejects_by_reason": table})], tmp_path, t=texts("en"), lang="en",
            min_cell=5, outcome="work", day="2026-09-30")
    ws = load_workbook(tmp_path / "report.xlsx")["Rejected rows"]
    assert ws["C5"].value == "=HYPERLINK(1)" and ws["C5"].data_type == "s"
    assert ws["D5"].value == 7


def test_an_english_report_s_workbook_has_english_sheets(tmp_path):
    # Both languages, from one run's sections: the sheet names are at most 31 characters (Excel's limit)
    sections = [amebench.report.build.Section("outcome", {"outcome_rates": pd.DataFrame(
        {"unit": ["a", "network"], "estimate": [0.5, 0.5], "ci_low": [0.3, 0.3], "ci_high": [0.7, 0.7],
         "n": [20, 20], "events": [10, 10], "method": "wilson", "conf_level": 0.95})})]
    from amebench.report.publish import publish

    for lang in ("en", "sv"):
        publish(sections, tmp_path / lang, t=texts(lang), lang=lang, min_cell=5, outcome="work", day="2026-09-30")
    assert load_workbook(tmp_path / "en" / "report.xlsx").sheetnames == ["About", "Outcome rates", "Columns"]
    assert load_workbook(tmp_path / "sv" / "report.xlsx").sheetnames == ["Om tabellerna", "Andel till utfallet",
                                                                         "Kolumner"]
    for lang in ("en", "sv"):
        names = [value for key, value in texts(lang).items() if key.startswith("sheet_")]
        assert len(names) == 16 and all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_a_folder_with_a_workbook_but_no_report_is_refused(tmp_path):
    (tmp_path / "report.xlsx").write_bytes(b"someone's workbook")
    with pytest.raises(amebench.exceptions.AmebenchError, match="report.xlsx exists, and .* no report written"):
        benchmark_report(amebench.load_sample(), tmp_path)


def test_a_long_table_s_sheet_holds_the_page_s_rows_and_names_the_file_with_the_rest(tmp_path, monkeypatch):
    # The 42,195 pairs of 290 units took 10 of the workbook's 14 s at national scale; the page shows
    # MAX_ROWS of them. The monthly flows, a series to chart, keep every row.
    from amebench.report import html
    from amebench.report.workbook import Sheet, write_workbook

    monkeypatch.setattr(html, "MAX_ROWS", 3)
    table = pd.DataFrame({"unit": [f"u{i}" for i in range(5)], "n": range(10, 15)})
    flows = pd.DataFrame({"unit": "u0", "month": pd.date_range("2025-01-01", periods=5, freq="MS"),
                          "inflow": range(5)})
    sheets = [Sheet("ranks", "Ranks", table, None, percent=False), Sheet("flows", "Flows", flows, None, percent=False)]
    write_workbook(tmp_path / "book.xlsx", sheets, t=texts("en"), lang="en", stamp="", min_cell=5, day="2026-09-30")
    book = load_workbook(tmp_path / "book.xlsx")
    header, data = _sheet(book["Ranks"])
    assert [row[1] for row in data] == [10, 11, 12]
    assert book["Ranks"]["A9"].value == "2 more rows in tables/ranks.csv."  # rows 5-7, a blank row
    header, data = _sheet(book["Monthly flows"])
    assert len(data) == 5 and data[4][1].strftime("%Y-%m") == "2025-05"
    assert book["Monthly flows"]["B5"].number_format == "yyyy-mm"
