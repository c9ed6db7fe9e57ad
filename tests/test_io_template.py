"""Tests of write_template: the templates, filled in, read back unchanged."""

import re

import pytest

from amebench import schema
from amebench.exceptions import AmebenchError
from amebench.io import read_network, write_template


def _append(path, *rows):
    with open(path, "a", encoding="utf-8") as f:
        for row in rows:
            f.write(row + "\n")


def test_template_filled_reads_back(tmp_path, monkeypatch):
    monkeypatch.setenv("AMEBENCH_KEY", "template-test-key")
    folder = write_template(tmp_path / "mall")
    header = (folder / "episodes.csv").read_text(encoding="utf-8-sig").strip().split(";")
    assert header == [c for c in schema.EPISODES.columns if c != "unit"]
    assert (folder / "episodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "## Svenska" in readme and "## English" in readme and "returned_to_welfare" in readme
    # episode_id;person_id;enrolled_on;exited_on;exit_reason;referral;readiness;gender;birth_year;born_abroad;household_id
    _append(folder / "episodes.csv",
            "E1;811218-9876;2024-01-05;2024-06-01;work;social_services;near;woman;1981;ja;",
            "E2;701063-2391;2024-02-01;;;;far;man;;nej;",
            "E3;121212-1213;2024-02-01;;;;;;;;")  # invalid check digit
    _append(folder / "activities.csv", "E1;language;2024-01-10;2024-03-01")
    _append(folder / "followups.csv", "E1;2024-09-01;work;survey;ja")
    _append(folder / "payments.csv", "811218-9876;2024-03;12 345,50")
    net = read_network(folder)
    assert list(net.episodes["episode_id"]) == ["E1", "E2"]
    assert list(net.episodes["referral"].astype(str)) == ["social_services", "unknown"]
    assert net.payments["amount_sek"].iloc[0] == 12345.5
    assert net.followups["days_after_exit"].iloc[0] == 92
    assert len(net.activities) == 1
    assert list(net.rejects["reason"]) == ["invalid identity number"]
    rec = net.reconciliation
    assert list(rec["rows_read"]) == [3, 1, 1, 1]
    assert (rec["rows_read"] == rec["rows_loaded"] + rec["rows_rejected"]).all()


def test_empty_template_reads_as_empty_network(tmp_path, monkeypatch):
    monkeypatch.setenv("AMEBENCH_KEY", "template-test-key")
    net = read_network(write_template(tmp_path))
    assert len(net.episodes) == 0 and list(net.reconciliation["rows_read"]) == [0, 0, 0, 0]
    assert net.episodes.dtypes.equals(schema.empty_table(schema.EPISODES).dtypes)


def test_a_folder_inside_a_file_is_a_clear_error(tmp_path):
    # The old code raised NotADirectoryError naming <file>/sub/profiles, a path never given.
    blocker = tmp_path / "somefile"
    blocker.write_text("x")
    folder = blocker / "sub" / "mall"
    with pytest.raises(AmebenchError, match=re.escape(f"{blocker} is a file, not a folder, so {folder} cannot be made")):
        write_template(folder)
    assert blocker.read_text() == "x"


def test_the_guides_example_rows_read_without_a_reject(tmp_path, monkeypatch):
    # Template review 2026-12-05: the guide had no example row. Each example, with a synthetic
    # number for the pattern ÅÅÅÅMMDD-NNNN, reads as one row of its table, nothing rejected.
    monkeypatch.setenv("AMEBENCH_KEY", "template-test-key")
    folder = write_template(tmp_path / "mall")
    guide = (folder / "README.md").read_text(encoding="utf-8")
    assert "ÅÅÅÅMMDD-NNNN" in guide and "[[units]]" in guide and 'sheet = "..."' in guide
    for table in ("episodes", "activities", "followups", "payments"):
        header = (folder / f"{table}.csv").read_text(encoding="utf-8-sig").strip()
        example = guide.split(f"    {header}\n    ", 1)[1].split("\n", 1)[0]
        _append(folder / f"{table}.csv", example.replace("ÅÅÅÅMMDD-NNNN", "19811218-9876"))
    net = read_network(folder)
    assert len(net.rejects) == 0
    assert [len(net.episodes), len(net.activities), len(net.followups), len(net.payments)] == [1, 1, 1, 1]
    assert net.payments["amount_sek"].iloc[0] == 8450.0 and net.followups["days_after_exit"].iloc[0] == 91
