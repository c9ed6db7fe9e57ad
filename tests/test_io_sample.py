"""Tests of the bundled sample network (skipped while data/sample is not there)."""

import pytest

from amebench.exceptions import AmebenchError
from amebench.io import load_sample, sample_path


def _sample_or_skip():
    try:
        return sample_path()
    except AmebenchError:
        pytest.skip("data/sample is not in this checkout")


def test_sample_path_points_at_repository_data():
    folder = _sample_or_skip()
    assert folder.name == "sample" and folder.parent.name == "data"
    assert (folder / "network.toml").is_file()


def test_load_sample_reconciles():
    _sample_or_skip()
    net = load_sample()
    rec = net.reconciliation
    assert len(net.episodes) > 0
    assert (rec["rows_read"] == rec["rows_loaded"] + rec["rows_rejected"]).all()
    assert net.episodes["person_id"].str.startswith("p_").all()


def test_sample_rejects_exactly_the_deliberate_bad_rows():
    # data/sample/truth.json (written by the sample generator) lists every deliberate bad row.
    import json

    folder = _sample_or_skip()
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    net = load_sample()
    got = {(r.file, int(r.line), r.column) for r in net.rejects.itertuples()}
    assert got == {(b["file"], b["line"], b["column"]) for b in truth["bad_rows"]}
    counts = net.episodes.groupby("unit", observed=True).size()
    for unit, info in truth["units"].items():
        assert counts[unit] == info["episodes"], unit


def test_sample_round_trips_through_parquet(tmp_path):
    import pandas as pd

    from amebench.network import read_parquet

    _sample_or_skip()
    net = load_sample()
    back = read_parquet(net.to_parquet(tmp_path / "knut"))
    for table in ("units", "episodes", "activities", "followups", "payments", "rejects", "reconciliation"):
        pd.testing.assert_frame_equal(getattr(net, table), getattr(back, table))


def test_sample_numbers_never_reach_the_saved_network(tmp_path):
    import re

    folder = _sample_or_skip()
    raw = (folder / "jarfalla" / "deltagare.csv").read_text(encoding="utf-8")
    numbers = set(re.findall(r"\b(\d{8})-(\d{4})\b", raw))
    assert len(numbers) > 100
    out = load_sample().to_parquet(tmp_path / "knut")
    blob = b"".join(p.read_bytes() for p in out.iterdir())
    for date, tail in numbers:
        for form in (date + tail, date[2:] + tail, f"{date}-{tail}", f"{date[2:]}-{tail}"):
            assert form.encode() not in blob


def _tables(net):
    return {t: getattr(net, t) for t in ("units", "episodes", "activities", "followups", "payments", "rejects",
                                         "reconciliation")}


def test_each_call_gives_a_network_of_its_own_equal_to_a_fresh_read(monkeypatch):
    import warnings

    import pandas as pd

    from amebench.io import read_network

    folder = _sample_or_skip()
    monkeypatch.delenv("AMEBENCH_KEY", raising=False)
    monkeypatch.delenv("AMEBENCH_KEY_FILE", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # read with the demo key it gives none (a cached read would hide them)
        first, second = load_sample(), load_sample()
    first.episodes.loc[0, "exit_reason"] = "studies"
    first.payments["amount_sek"] *= 2
    first.meta["changed"] = True
    fresh = read_network(folder)
    for name, table in _tables(fresh).items():
        pd.testing.assert_frame_equal(_tables(second)[name], table)
        pd.testing.assert_frame_equal(_tables(load_sample())[name], table)
    assert (second.meta, second.as_of, second.name) == (fresh.meta, fresh.as_of, fresh.name)


def test_a_changed_file_or_a_key_in_the_environment_is_read_afresh(tmp_path, monkeypatch):
    import shutil

    import amebench.io.sample as sample
    from amebench.exceptions import KeyWarning

    folder = shutil.copytree(_sample_or_skip(), tmp_path / "sample")
    monkeypatch.setattr(sample, "sample_path", lambda: folder)
    monkeypatch.delenv("AMEBENCH_KEY", raising=False)
    monkeypatch.delenv("AMEBENCH_KEY_FILE", raising=False)
    assert len(load_sample().episodes) == 902 + 718 + 603 + 305 + 1379  # rows loaded (test_cli's reconciliation)
    episodes = folder / "solna" / "deltagare.csv"
    lines = episodes.read_text(encoding="utf-8").splitlines(keepends=True)
    episodes.write_text("".join(lines[:-1]), encoding="utf-8")  # its last episode gone
    assert len(load_sample().episodes) == 902 + 718 + 603 + 305 + 1379 - 1
    demo = load_sample().episodes["person_id"]
    keyed = {}
    for key in ("short-a", "short-b"):  # each read with the key of the environment, not a copy
        monkeypatch.setenv("AMEBENCH_KEY", key)
        with pytest.warns(KeyWarning, match="7 bytes long"):  # warned once per key (privacy._key_bytes)
            keyed[key] = load_sample().episodes["person_id"]
    assert not keyed["short-a"].isin(keyed["short-b"]).any() and not keyed["short-a"].isin(demo).any()
