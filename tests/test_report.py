"""Tests of the benchmark report: files, sections, disclosure control, self-containment."""

import re

import pandas as pd
import pytest

import amebench
from amebench.cli import main
from amebench.report import benchmark_report
from amebench.report.disclosure import visible_small_counts

SECTIONS = ("quality", "flow", "outcome", "retention", "welfare", "durations", "funnel", "pairwise", "ranks", "methods")


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


def test_same_seed_gives_identical_tables(report, tmp_path):
    out, _ = report
    benchmark_report(amebench.load_sample(), tmp_path, min_cell=5)
    for csv in (out / "tables").glob("*.csv"):
        assert (tmp_path / "tables" / csv.name).read_bytes() == csv.read_bytes(), csv.name


def test_cli_benchmark_in_swedish_and_bad_options(tmp_path, capsys):
    assert main(["benchmark", str(amebench.sample_path()), "--out", str(tmp_path), "--lang", "sv", "--quiet"]) == 0
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<html lang='sv'>" in html and "Metoder på vanlig svenska" in html
    assert main(["benchmark", str(amebench.sample_path()), "--out", str(tmp_path), "--min-cell", "0"]) == 2
    assert "--min-cell" in capsys.readouterr().err
    assert main(["benchmark", str(amebench.sample_path()), "--out", str(tmp_path), "--outcome", "jobb"]) == 2
    assert main(["benchmark", str(amebench.sample_path()), "--out", str(tmp_path), "--as-of", "igår"]) == 2
    with pytest.raises(SystemExit):
        main(["benchmark", str(amebench.sample_path()), "--out", str(tmp_path), "--lang", "de"])
