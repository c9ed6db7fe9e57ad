"""Tests of the command line: exit codes, messages, reconciliation output."""

import shutil

import pytest

from amebench import sample_path
from amebench.cli import main


def test_validate_sample_prints_reconciliation_for_every_file(capsys):
    assert main(["validate", str(sample_path())]) == 0
    out = capsys.readouterr().out
    assert "every row accounted for: read = loaded + rejected" in out
    # one line per file of the manifest (18 files in the KNUT sample)
    for name in ("jarfalla/deltagare.csv", "sundbyberg/deltagare.xlsx", "nynashamn/utbetalningar.parquet"):
        assert name in out
    assert "exit before enrolment" in out


def test_validate_strict_fails_when_anything_was_rejected(capsys):
    assert main(["validate", str(sample_path()), "--strict"]) == 1
    assert "rejected (--strict)" in capsys.readouterr().err


def test_validate_writes_rejects_csv(tmp_path):
    target = tmp_path / "rejects.csv"
    assert main(["validate", str(sample_path()), "--rejects", str(target)]) == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("unit,table,file,line,column,value,reason")
    assert len(lines) == 1 + 6  # the six deliberate bad rows listed in data/sample/README.md


def test_missing_path_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_folder_without_manifest_is_a_clear_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "network.toml" in capsys.readouterr().err


def test_unknown_option_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--bogus"])
    assert exc.value.code == 2


def test_template_writes_a_network_that_validates(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "mall"
    monkeypatch.setenv("AMEBENCH_KEY", "test key")  # the template ships no key, on purpose
    assert main(["template", str(folder)]) == 0
    assert (folder / "network.toml").is_file()
    assert main(["validate", str(folder)]) == 0


def test_validate_reports_profile_errors_with_file_and_key(tmp_path, capsys):
    net = tmp_path / "net"
    shutil.copytree(sample_path(), net)
    profile = net / "profiles" / "solna.toml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("[format]", "[formatt]", 1), encoding="utf-8")
    assert main(["validate", str(net)]) == 2
    err = capsys.readouterr().err
    assert "solna.toml" in err and "formatt" in err
