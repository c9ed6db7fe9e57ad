"""Tests of the benchmark report: files, sections, disclosure control, self-containment."""

import re
from html import unescape

import pandas as pd
import pytest

import amebench
from amebench.report import benchmark_report
from amebench.report.disclosure import visible_small_counts

SECTIONS = ("quality", "flow", "outcome", "retention", "reentry", "welfare", "durations", "funnel", "pairwise", "ranks", "methods")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    path = benchmark_report(amebench.load_sample(), out, min_cell=5)
    return out, path


def test_report_has_every_section_and_no_external_assets(report):
    out, path = report
    html = path.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"id='{section}'" in html, section
    assert not re.search(r"(src|href)=['\"](https?:)?//", html)  # offline: nothing fetched
    assert html.count("data:image/png;base64,") == len(list((out / "figures").glob("*.png"))) >= 8
    assert "Not available" not in html and "not available" not in html


def test_every_published_table_passes_disclosure_control(report):
    out, _ = report
    tables = sorted((out / "tables").glob("*.csv"))
    assert len(tables) >= 14
    for csv in tables:
        frame = pd.read_csv(csv)
        assert visible_small_counts(frame, min_cell=5) == [], csv.name
        assert pd.read_parquet(csv.with_suffix(".parquet")).shape == frame.shape


def test_same_input_key_and_seed_give_byte_identical_outputs(report, tmp_path):
    # Every file: tables (CSV, Parquet), figures (PNG) and report.html; and the network's Parquet.
    out, _ = report
    network = amebench.load_sample()
    benchmark_report(network, tmp_path / "again", min_cell=5)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert len(files) > 30
    assert files == sorted(p.relative_to(tmp_path / "again") for p in (tmp_path / "again").rglob("*") if p.is_file())
    for name in files:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name
    first, second = network.to_parquet(tmp_path / "p1"), amebench.load_sample().to_parquet(tmp_path / "p2")
    for path in sorted(first.rglob("*.parquet")):
        assert (second / path.relative_to(first)).read_bytes() == path.read_bytes(), path.name


def _headers(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<th title='([^']*)'>([^<]*)</th>", html)


def test_swedish_report_reads_in_swedish(tmp_path):
    path = benchmark_report(amebench.load_sample(), tmp_path, lang="sv", min_cell=5)
    html = path.read_text(encoding="utf-8")
    headers = _headers(html)
    assert len(headers) > 50
    # Column headers are labels, never the canonical names (the name is the tooltip).
    assert not [label for column, label in headers if "_" in column and label == column]
    labels = {label for _, label in headers}
    assert {"Enhet", "Nedre gräns", "Övre gräns", "Avslutsorsak", "Lästa rader", "Medianrang"} <= labels
    # Codes and units are shown with their Swedish labels and names.
    for shown in ("åter till försörjningsstöd", "inom gränserna", "inskrivningar", "Järfälla", "Södertälje", "arbete eller studier"):
        assert shown in html, shown
    assert "returned_to_welfare" not in html and ">jarfalla<" not in html
    # The data files keep the canonical names and codes.
    reasons = pd.read_csv(tmp_path / "tables" / "exit_reasons.csv")
    assert "returned_to_welfare" in set(reasons["exit_reason"]) and "jarfalla" in set(reasons["unit"])


def test_report_notes_hold_no_count(report):
    # The risk model warns the analyst "... (1 episodes)" about the sample's one 65+
    # participant; the report says what it means without the count.
    _, path = report
    notes = [unescape(n) for n in re.findall(r"<p class='note'>(.*?)</p>", path.read_text(encoding="utf-8"))]
    assert notes and any("one unit only" in note for note in notes)
    assert not [note for note in notes if re.search(r"\d", note)]


def test_reconciliation_keeps_rows_read_when_a_small_reject_count_is_hidden(report):
    out, _ = report
    table = pd.read_csv(out / "tables" / "reconciliation.csv")
    episodes = table[table["table"] == "episodes"]
    # Three episode files have 1-2 rejected rows: their loaded/rejected are hidden, the
    # number of rows the file has is not (it reveals nothing without the other two).
    assert episodes["rows_rejected"].isna().sum() == 3
    assert episodes["rows_read"].notna().all()
    assert episodes.loc[episodes["rows_rejected"].isna(), "rows_loaded"].isna().all()
