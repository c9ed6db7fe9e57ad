"""Tests of safe output writing: formula neutralisation and atomic files."""

import os
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amebench._files import atomic_write_files
from amebench.report import output


def test_text_cells_that_start_a_formula_are_neutralised_numbers_are_not():
    frame = pd.DataFrame(
        {"unit": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "solna"], "estimate": [-0.5, 1, 2, 3, 4]}
    )
    out = output.neutralise_formulas(frame)
    assert out["unit"].tolist() == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "solna"]
    assert out["estimate"].tolist() == [-0.5, 1, 2, 3, 4]


def test_write_table_writes_csv_and_parquet(tmp_path):
    frame = pd.DataFrame({"unit": ["=1+1", "a"], "n": [10, 20]})
    paths = output.write_table(frame, tmp_path, "t")
    assert [p.name for p in paths] == ["t.csv", "t.parquet"]
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "unit,n\n'=1+1,10\na,20\n"
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), frame)


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    output.atomic_write_bytes(path, b"old")

    def broken_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        output.atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left


def test_a_writer_of_several_files_gets_a_temporary_path_for_each(tmp_path, monkeypatch):
    seen = []

    def write_both(first, second):
        seen.extend([first, second])
        first.write_text("1")
        second.write_text("2")

    atomic_write_files([((tmp_path / "a", tmp_path / "b"), write_both),
                        (tmp_path / "c", lambda tmp: tmp.write_text("3"))])
    assert [(tmp_path / n).read_text() for n in "abc"] == ["1", "2", "3"]
    assert all(p.parent == tmp_path and p.name.startswith((".a.", ".b.")) for p in seen)
    def broken_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_files([((tmp_path / "a", tmp_path / "b"), write_both)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c"]  # no temp file left


def test_written_files_get_the_usual_permissions_not_a_temporary_files(tmp_path):
    # mkstemp creates 0600; a report or a saved network must be readable as any new file
    old = os.umask(0o022)
    try:
        output.atomic_write_bytes(tmp_path / "report.html", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_published_float_has_no_run_of_ten_digits_and_keeps_six_significant(value):
    # Coordinator review 2026-12-05: published CSVs carried floats like -3089.7243416493416
    # and 0.3810930576070901 (16 digits in a row), which a scan for 10- and 12-digit identity
    # numbers flags. 9 significant digits, or 6 where 9 give a run of 10 (0.0995246477).
    text = output.csv_float(value)
    assert not re.search(r"\d{10}", text)
    assert float(text) == pytest.approx(value, rel=5e-6, abs=0)


def test_published_csv_floats_by_example(tmp_path):
    frame = pd.DataFrame({"a": [0.3810930576070901, 0.0995246477, -8916944.45, 3.2e-15, 810.0],
                          "n": [677, 1, 2, 3, 4]})
    path = output.write_csv(frame, tmp_path / "t.csv")
    assert path.read_text().splitlines() == ["a,n", "0.381093058,677", "0.0995246,1", "-8916944.45,2", "3.2e-15,3",
                                             "810,4"]
