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

# reports built here lay their figures out without rendering them (conftest)
pytestmark = pytest.mark.usefixtures("figures_unrendered")

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


def test_each_table_s_cells_are_the_csv_s_and_each_hidden_cell_says_so(report_sv):
    # Review by a coordinator with Swedish Excel: the CSVs opened in one column, decimals as
    # text. Each sheet, row by row in the page's order and cell by cell: the CSV's number (the
    # pairwise differences in percentage points), ".." where disclosure control hid it (the CSV
    # empty, the unsuppressed table not), "inte uppnådd" for a median not reached, else empty.
    from amebench.labels import column_label
    from amebench.report import compute_sections, html
    from amebench.report.publish import _page_order, _with_names

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", amebench.exceptions.AmebenchWarning)
        raw = {name: table for section in compute_sections(amebench.cohort(amebench.load_sample(), exited=2025),
                                                           lang="sv") for name, table in section.tables.items()}
    units = amebench.load_sample().units
    names = dict(zip(units["unit"], units["name"], strict=True))
    book = load_workbook(report_sv / "report.xlsx")
    columns = pd.DataFrame(list(book["Kolumner"].iter_rows(min_row=2, values_only=True)),
                           columns=["sheet", "label", "file", "csv"])
    checked = {"..": 0, "inte uppnådd": 0, None: 0}
    for sheet_name, mapping in columns.groupby("sheet", sort=False):
        name = mapping["file"].iloc[0].removeprefix("tables/").removesuffix(".csv")
        if name == "exit_reasons":  # one column per reason, as on the page: its own test
            continue
        csv = pd.read_csv(report_sv / mapping["file"].iloc[0])
        participants = "group" in csv and csv["group"].eq("participants").all()  # a column the page leaves out
        shown_columns = [c for c in csv.columns if c not in ("method", "conf_level") and not (
            c == "group" and participants)]
        header, data = _sheet(book[sheet_name])
        assert header == [column_label(c, "sv", table=name, outcome="work_or_studies")  # the sample report's outcome
                          for c in shown_columns] == mapping["label"].tolist()
        expected = csv.astype(object)
        for col in shown_columns:
            if not pd.api.types.is_numeric_dtype(csv[col]):
                continue
            hidden = csv[col].isna() & raw[name][col].notna().to_numpy()
            median = csv["quantity"].eq("median_days") if "quantity" in csv else False
            not_reached = csv[col].isna() & ~hidden & median & (col in ("estimate", "ci_low", "ci_high"))
            expected[col] = np.where(hidden, "..", np.where(not_reached, "inte uppnådd", expected[col]))
            expected.loc[csv[col].isna() & ~hidden & ~not_reached, col] = None
        expected = _page_order(name, _with_names(expected, names)).head(html.MAX_ROWS)
        assert len(data) == len(expected), sheet_name
        for got, want in zip(data, expected[shown_columns].itertuples(index=False), strict=True):
            for col, g, w in zip(shown_columns, got, want, strict=True):
                if not pd.api.types.is_numeric_dtype(csv[col]):
                    continue
                if isinstance(w, (int, float)):
                    scale = 100 if name == "pairwise" and col in ("estimate", "ci_low", "ci_high") else 1
                    assert g == pytest.approx(w * scale, rel=1e-5), (sheet_name, col)  # both 6+ digits
                else:
                    assert g == w, (sheet_name, col)
                    checked[w] += 1
    assert checked[".."] > 0 and checked[None] > 0  # both cases were met


def test_the_exit_reasons_sheet_is_the_page_s_table(report_sv):
    # one row per unit, a column per reason; the sheet Kolumner says which rows of the CSV's n each is
    csv = pd.read_csv(report_sv / "tables" / "exit_reasons.csv")
    book = load_workbook(report_sv / "report.xlsx")
    header, data = _sheet(book["Avslutsorsaker"])
    columns = {row[1]: row[3] for row in book["Kolumner"].iter_rows(min_row=2, values_only=True)
               if row[0] == "Avslutsorsaker"}
    assert header[0] == "Enhet" and columns["Enhet"] == "unit" and columns["arbete"] == "n (exit_reason = work)"
    units = amebench.load_sample().units
    counts = csv.assign(unit=csv["unit"].map(dict(zip(units["unit"], units["name"], strict=True))))
    counts = counts.set_index(["unit", "exit_reason"])["n"]
    for row in data:
        for label, value in zip(header[1:], row[1:], strict=True):
            n = counts[(row[0], columns[label].removeprefix("n (exit_reason = ").removesuffix(")"))]
            assert value == (".." if np.isnan(n) else n), (row[0], label)
    assert sum(row.count("..") for row in data) == csv["n"].isna().sum() > 0


def test_each_column_has_the_page_s_format(report_sv):
    book = load_workbook(report_sv / "report.xlsx")
    durations = book["Tid till avslut"]
    median, cif = durations[5], durations[6]  # Järfälla's median days, then its share by day 90
    assert median[1].value == "median (dagar)" and median[3].number_format == "#,##0"
    assert cif[3].number_format == "0.0%" and 0 < cif[3].value < 1
    pairs = book["Skillnader"]
    assert pairs["D5"].number_format == '0.0" p.e."'
    p_column = next(c.column_letter for c in pairs[4] if c.value == "Justerat p-värde")
    assert pairs[f"{p_column}5"].number_format == '[<0.001]"<0,001";0.000'  # the text in Swedish
    assert book["Försörjningsstöd"]["B5"].number_format == "#,##0"  # kronor a month
    assert book["Flöden per månad"]["B5"].number_format == "yyyy-mm"
    # the ranks' chances in percent, as every other share (newcomer review: 0,534 beside percents)
    ranks = book["Rangordning"]
    chances = [c.column_letter for c in ranks[4] if str(c.value).startswith("P(")]
    assert len(chances) == 2 and all(ranks[f"{c}5"].number_format == "0.0%" for c in chances)


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
    # the section's notes, as on the page, under its first sheet: a workbook is passed on without the page
    notes = [row[0] for row in book["Återinskrivning 365 dagar"].iter_rows(min_row=5, values_only=True) if row[0]]
    assert any(str(note).startswith("Bara avsluten från 2025-01-01 till 2025-09-30 kan ännu följas upp under 365 "
                                    "dagar") for note in notes)
    outcome = book["Utfall per enhet"]
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
    assert load_workbook(tmp_path / "sv" / "report.xlsx").sheetnames == ["Om tabellerna", "Utfall per enhet",
                                                                         "Kolumner"]
    for lang in ("en", "sv"):
        names = [value for key, value in texts(lang).items() if key.startswith("sheet_")]
        assert len(names) == 17 and all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_a_folder_with_a_workbook_but_no_report_is_refused(tmp_path):
    (tmp_path / "report.xlsx").write_bytes(b"someone's workbook")
    with pytest.raises(amebench.exceptions.AmebenchError, match="report.xlsx exists, and .* no report written"):
        benchmark_report(amebench.load_sample(), tmp_path)


def test_a_long_table_s_sheet_holds_the_page_s_rows_and_names_the_file_with_the_rest(tmp_path, monkeypatch):
    # The 42,195 pairs of 290 units took 10 of the workbook's 14 s at national scale; the page shows
    # MAX_ROWS of them. The monthly flows, a series to chart, keep every row.
    from amebench.report import workbook
    from amebench.report.workbook import Sheet, write_workbook

    monkeypatch.setattr(workbook, "MAX_ROWS", 3)  # the page's (html.MAX_ROWS)
    table = pd.DataFrame({"unit": [f"u{i}" for i in range(5)], "n": range(10, 15)})
    flows = pd.DataFrame({"unit": "u0", "month": pd.date_range("2025-01-01", periods=5, freq="MS"),
                          "inflow": range(5)})
    sheets = [Sheet("ranks", "Ranks", table, None, percent=False), Sheet("flows", "Flows", flows, None, percent=False)]
    write_workbook(tmp_path / "book.xlsx", sheets, t=texts("en"), lang="en", stamp="", min_cell=5, day="2026-09-30")
    book = load_workbook(tmp_path / "book.xlsx")
    header, data = _sheet(book["Ranks"])
    assert [row[1] for row in data] == [10, 11, 12]
    assert book["Ranks"]["A9"].value == ("This sheet shows the first 3 of 5 rows, as the page does; "  # A5:A7, a gap
                                         "tables/ranks.csv holds all of them.")
    header, data = _sheet(book["Monthly flows"])
    assert len(data) == 5 and data[4][1].strftime("%Y-%m") == "2025-05"
    assert book["Monthly flows"]["B5"].number_format == "yyyy-mm"


@pytest.mark.parametrize(("lang", "shown"), [("en", '"<0.001"'), ("sv", '"<0,001"')])
def test_a_p_value_below_a_thousandth_is_written_with_the_language_s_decimal_mark(tmp_path, lang, shown):
    # Newcomer review of 2026-12-07: the Swedish workbook showed "<0.001" beside "0,053" (Excel
    # localises a number's decimal mark, not a text in the format).
    from amebench.report.workbook import Sheet, write_workbook

    table = pd.DataFrame({"unit_a": ["u0", "u1"], "unit_b": ["u1", "u2"], "p_value": [0.0004, 0.053],
                          "p_adjusted": [0.0008, 0.1]})
    write_workbook(tmp_path / "book.xlsx", [Sheet("pairwise", "Pairs", table, None, percent=False)], t=texts(lang),
                   lang=lang, stamp="", min_cell=5, day="2026-09-30")
    book = load_workbook(tmp_path / "book.xlsx")
    ws = book[book.sheetnames[1]]  # after "About": the pairs ("Differences", "Skillnader")
    header, data = _sheet(ws)
    for column in (3, 4):
        assert ws.cell(row=5, column=column).number_format == f"[<0.001]{shown};0.000"
    assert data[0][2] == 0.0004  # the number itself is kept


def test_a_workbook_without_disclosure_control_says_not_to_publish_it_and_an_empty_table_says_why(tmp_path):
    # Diff review: a workbook is forwarded on its own; the page's "Do not publish this report"
    # was missing from it, and an empty table was a header without a word
    from amebench.report.build import Section
    from amebench.report.publish import publish

    empty = pd.DataFrame({"unit": pd.Series(dtype=str), "table": pd.Series(dtype=str),
                          "reason": pd.Series(dtype=str), "rows": pd.Series(dtype="int64")})
    t = texts("en")
    publish([Section("quality", {"rejects_by_reason": empty})], tmp_path, t=t, lang="en", min_cell=1,
            outcome="work", day="2026-09-30")
    book = load_workbook(tmp_path / "report.xlsx")
    assert t["suppression_off"].endswith("Do not publish this report.")
    assert book["About"]["A4"].value == t["suppression_off"]
    assert book["Rejected rows"]["A6"].value == t["empty_no_rejects"]  # under the header, after a gap


def test_a_number_is_written_in_its_shortest_form_without_a_run_of_ten_digits():
    # openpyxl writes 16 significant digits; 10 digits before the point are an exponent, as in the CSV
    from amebench.report.workbook import _number_text

    assert _number_text(0.0983606) == "0.0983606"  # openpyxl: 0.09836060000000001
    assert _number_text(677.0) == "677"
    assert _number_text(1234567890.0) == "1.23456789e+09"
    assert float(_number_text(-9385950.73)) == -9385950.73
