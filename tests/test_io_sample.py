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
