"""Property: every input row is loaded or rejected, per file, for random messy exports."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from amebench.io import read_network
from amebench.io.rejects import _repeats, repeated_lines, repeats
from fixtures_io.netbuild import EPISODE_HEADER, make_pnr, write_network

_PNR = st.one_of(
    st.integers(0, 30).map(make_pnr),
    st.sampled_from(["811218-9877", "", "abc", "8112189876", "19811218+9876", "701063-2391"]),
)
_DATE = st.sampled_from(["2024-01-05", "20240301", "01/03/2024", "2024-02-30", "", "2027-01-01", "x", "2023-12-31"])
_ID = st.sampled_from(["E1", "E2", "E3", "E4", "E5", "", "E 6"])
_EPISODE = st.tuples(
    _ID, _PNR, _DATE, _DATE,
    st.sampled_from(["", "Arbete", "Studier", "work"]),
    st.sampled_from(["", "Grön", "Röd", "far"]),
    st.sampled_from(["", "K", "M"]),
    st.sampled_from(["", "ja", "nej", "Nej"]),
).map(";".join)
_PAYMENT = st.tuples(_PNR, st.sampled_from(["2024-03", "202404", "2024-13", "", "2024-05-17"]),
                     st.sampled_from(["100", "12 345,50 kr", "-5", "", "tolv", '"1 000,00"'])).map(";".join)
_ACTIVITY = st.tuples(_ID, st.sampled_from(["Praktik", "other"]), _DATE, _DATE).map(";".join)


def _rows(lines):
    return sum(1 for line in lines if line.replace(";", "").replace('"', "") != "")


@settings(max_examples=40)
@given(st.lists(_EPISODE, max_size=25), st.lists(_PAYMENT, max_size=15), st.lists(_ACTIVITY, max_size=10))
def test_rows_in_equal_rows_loaded_plus_rejected(tmp_path_factory, episodes, payments, activities):
    folder = tmp_path_factory.mktemp("net")
    write_network(
        folder,
        "\n".join([EPISODE_HEADER, *episodes]) + "\n",
        payments="\n".join(["Pnr;Månad;Belopp", *payments]) + "\n",
        activities="\n".join(["Inskrivnings-ID;Insats;Start;Slut", *activities]) + "\n",
    )
    net = read_network(folder)
    rec = net.reconciliation.set_index("table")
    assert (rec["rows_read"] == rec["rows_loaded"] + rec["rows_rejected"]).all()
    # Rows whose cells are all empty are not rows (docs/profiles.md); every other row is read.
    assert rec.loc["episodes", "rows_read"] == _rows(episodes)
    assert rec.loc["payments", "rows_read"] == _rows(payments)
    assert rec.loc["activities", "rows_read"] == _rows(activities)
    assert rec.loc["episodes", "rows_loaded"] == len(net.episodes)
    assert rec.loc["payments", "rows_loaded"] == len(net.payments)
    counts = net.rejects.groupby("table").size()
    for table in ("episodes", "payments", "activities"):
        assert counts.get(table, 0) == rec.loc[table, "rows_rejected"]
    assert not net.rejects.duplicated(["file", "line"]).any()  # one reject row per input row
    # rows_repeated: the loaded rows pandas' duplicated() finds (the file's rows are one unit's)
    for table, loaded in (("episodes", net.episodes), ("payments", net.payments), ("activities", net.activities)):
        assert rec.loc[table, "rows_repeated"] == loaded.duplicated().sum()
    assert not net.episodes.duplicated(["unit", "episode_id"]).any()
    ep = net.episodes
    assert ((ep["exited_on"] >= ep["enrolled_on"]) | ep["exited_on"].isna()).all()
    assert (net.payments["amount_sek"] >= 0).all()


_CELLS = st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from([1.0, 2.0, float("nan"), -0.0, 0.0]),
                            st.sampled_from(["2024-01-01", "2024-02-01", None])), max_size=30)


@given(_CELLS)
def test_repeats_are_pandas_duplicated(rows):
    # Reference: DataFrame.duplicated(keep="first"), on a categorical, a float (NaN, -0.0)
    # and a date column.
    frame = pd.DataFrame(rows, columns=["id", "amount", "month"]).astype({"id": "category", "amount": float})
    frame["month"] = pd.to_datetime(frame["month"])
    assert repeats(frame).tolist() == frame.duplicated(keep="first").tolist()


@given(_CELLS)
def test_a_repeated_row_is_located_with_the_first_row_it_equals(rows):
    # Reference by brute force: the first earlier row that pandas' duplicated() finds equal
    # to it (NaN equal to NaN, -0.0 to 0.0), on lines 2, 3, … (line 1 the header).
    frame = pd.DataFrame(rows, columns=["id", "amount", "month"]).astype({"id": "category", "amount": float})
    frame["month"] = pd.to_datetime(frame["month"])
    again, hashes = _repeats(frame)
    lines = np.arange(2, len(frame) + 2)
    said = repeated_lines(frame, np.flatnonzero(again), hashes, lines)
    expected = [f"line {i + 2} repeats line {next(j for j in range(i) if frame.iloc[[j, i]].duplicated().iloc[1]) + 2}"
                for i in np.flatnonzero(again)]
    assert said == expected


def test_repeats_compare_rows_that_share_a_hash(monkeypatch):
    # Every row given one hash: only the comparison of the rows tells them apart.
    frame = pd.DataFrame({"id": ["a", "b", "a", "b", "c"], "amount": [1.0, 1.0, 1.0, 2.0, 1.0]})
    monkeypatch.setattr(pd.util, "hash_pandas_object", lambda f, index: pd.Series(np.zeros(len(f), dtype=np.uint64)))
    assert repeats(frame).tolist() == [False, False, True, False, False]


def test_a_repeated_payment_row_is_loaded_and_counted(tmp_path, capsys):
    from amebench.cli import main

    episodes = "\n".join([EPISODE_HEADER, "E1;811218-9876;2024-01-05;2024-06-01;Arbete;;;"]) + "\n"
    payments = "Pnr;Månad;Belopp\n811218-9876;2024-03;100\n811218-9876;2024-03;100\n811218-9876;2024-03;250\n"
    folder = write_network(tmp_path, episodes, payments=payments)
    net = read_network(folder)
    assert net.payments["amount_sek"].tolist() == [100.0, 100.0, 250.0]  # kept: a ledger may pay twice
    rec = net.reconciliation.set_index("table")
    assert rec.loc["payments", "rows_repeated"] == 1 and rec.loc["episodes", "rows_repeated"] == 0
    assert rec.loc["payments", "repeated_lines"] == "line 3 repeats line 2" and pd.isna(rec.loc["episodes", "repeated_lines"])
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert ("1 loaded row equal to an earlier one in every column as read (kept: a ledger may pay one sum twice "
            "a month): check the export") in out
    assert out.count("line 3 repeats line 2\n") == 1


def test_the_first_three_repeated_rows_of_a_file_are_located(tmp_path, capsys):
    # Lines 2-8 (line 1 the header): 100, 100, 250, 250 in April, 250, 100, 100. Lines 3, 6, 7
    # and 8 repeat an earlier line; the first three are named with the line each repeats.
    from amebench.cli import main

    episodes = "\n".join([EPISODE_HEADER, "E1;811218-9876;2024-01-05;2024-06-01;Arbete;;;"]) + "\n"
    rows = ["2024-03;100", "2024-03;100", "2024-03;250", "2024-04;250", "2024-03;250", "2024-03;100", "2024-03;100"]
    payments = "Pnr;Månad;Belopp\n" + "".join(f"811218-9876;{r}\n" for r in rows)
    folder = write_network(tmp_path, episodes, payments=payments)
    rec = read_network(folder).reconciliation.set_index("table")
    assert rec.loc["payments", "rows_repeated"] == 4
    assert rec.loc["payments", "repeated_lines"] == "line 3 repeats line 2, line 6 repeats line 4, line 7 repeats line 2"
    assert main(["validate", str(folder)]) == 0
    assert "line 3 repeats line 2, line 6 repeats line 4, line 7 repeats line 2, …\n" in capsys.readouterr().out


def test_repeated_rows_of_a_frame_are_located_per_unit():
    # Network.from_frames: one payments frame holds every unit's rows; its lines are rows (1, 2, …).
    import amebench

    net = amebench.load_sample()
    pay = net.payments
    solna = int(np.flatnonzero(pay["unit"] == "solna")[3])
    doubled = pd.concat([pay, pay.iloc[[0, 5]], pay.iloc[[solna]]], ignore_index=True)
    again = amebench.Network.from_frames(episodes=net.episodes, units=net.units, payments=doubled, as_of=net.as_of)
    rec = again.reconciliation.loc[again.reconciliation["table"] == "payments"].set_index("unit")
    n = len(pay)
    assert pay["unit"].iloc[0] == pay["unit"].iloc[5] == "jarfalla"
    assert rec.loc["jarfalla", "repeated_lines"] == f"line {n + 1} repeats line 1, line {n + 2} repeats line 6"
    assert rec.loc["solna", "repeated_lines"] == f"line {n + 3} repeats line {solna + 1}"
    assert rec["repeated_lines"].drop(["jarfalla", "solna"]).isna().all()
