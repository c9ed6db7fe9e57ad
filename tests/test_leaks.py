"""No personal identity number ever leaks (DESIGN.md §6; issue 7).

The sample network's exports hold synthetic personnummer (every person of
``simulate_network`` with the sample's seed, plus the deliberately invalid one). They
are pushed through every path that produces output — tables, rejects, Parquet, the
report's HTML/CSV/Parquet/PNG, the command line's output and reject file, warnings,
logs, error messages, reprs in Jupyter — and every byte is searched for any of them,
in any format: 10 or 12 digits, with or without ``-``/``+``, also in UTF-16.
"""

from __future__ import annotations

import logging
import re
import shutil
import tomllib
import warnings

import pandas as pd
import pyarrow.parquet as pq
import pytest

import amebench
from amebench import compare, metrics, privacy
from amebench.cli import main
from amebench.exceptions import AmebenchError, ManifestError, ProfileError, SchemaError
from amebench.report import benchmark_report
from amebench.synth import simulate_network
from fixtures_io.netbuild import EPISODE_HEADER, write_network

#: A run of 10 or 12 digits, optionally with - or + before the last four, and spaces
#: around it (amebench reads "19811218 9876" and "811218 - 9876" as numbers too).
_NUMBER = re.compile(rb"(?<![0-9])(?:[0-9]{2})?([0-9]{6}) *[-+]? *([0-9]{4})(?![0-9])")


def _ten(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[-10:]


@pytest.fixture(scope="module")
def secrets(tmp_path_factory):
    """The 10-digit forms of every identity number in the sample's exports."""
    known = {_ten(p) for p in simulate_network(n_units=5, seed=20260930).identities["personnummer"]}
    # The exports' own numbers, including the deliberately invalid one (scan the text files).
    for path in amebench.sample_path().rglob("*.[ct]sv"):
        for match in _NUMBER.finditer(path.read_bytes()):
            known.add((match.group(1) + match.group(2)).decode())
    assert len(known) > 2000
    return known


def _leaks(data: bytes, secrets: set[str]) -> set[str]:
    found = set()
    for blob in (data, data.replace(b"\x00", b"")):  # UTF-16 text without its zero bytes
        for match in _NUMBER.finditer(blob):
            ten = (match.group(1) + match.group(2)).decode()
            if ten in secrets:
                found.add(ten[:6] + "-XXXX")  # never print a whole number, even in a failing test
    return found


def _file_bytes(path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        data += table.to_pandas().to_csv().encode() + str(table.schema.metadata).encode()
    return data


def test_sample_exports_do_hold_the_numbers(secrets):
    # The test can fail: the raw exports themselves are full of them.
    raw = (amebench.sample_path() / "jarfalla" / "deltagare.csv").read_bytes()
    assert len(_leaks(raw, secrets)) > 100


def test_no_number_in_tables_parquet_report_or_cli(secrets, tmp_path, capsys, caplog):
    caplog.set_level(logging.DEBUG, logger="amebench")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = amebench.read_network(amebench.sample_path())
        coh = amebench.cohort(net)
        rates = metrics.outcome_rate(coh)
        results = [
            rates, metrics.retention(coh), metrics.welfare_delta(coh, method="t"), metrics.durations(coh),
            metrics.reentry(coh), metrics.flows(net), compare.pairwise(rates), compare.shrink(rates),
        ]
        funnel = compare.funnel(rates, overdispersion="multiplicative")
        adjusted = compare.risk_adjusted(coh)
        benchmark_report(net, tmp_path / "report", lang="sv")
        net.to_parquet(tmp_path / "parquet")
        assert main(["validate", str(amebench.sample_path()), "--rejects", str(tmp_path / "rejects.csv")]) == 0
        assert main(["benchmark", str(amebench.sample_path()), "--out", str(tmp_path / "cli")]) == 0
    assert len(net.rejects) == 6
    captured = capsys.readouterr()

    texts = [
        *(getattr(net, name).to_csv() for name in ("units", "episodes", "activities", "followups", "payments",
                                                   "rejects", "reconciliation")),
        *(frame.to_csv() for frame in results),
        repr(net), net._repr_html_(), str(net.summary()), repr(coh), coh._repr_html_(),
        funnel._repr_html_(), adjusted._repr_html_(), repr(adjusted.table),
        *(str(w.message) for w in caught), caplog.text, captured.out, captured.err,
    ]

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".csv", ".parquet", ".png", ".html"}
    leaks = {p.name: _leaks(_file_bytes(p), secrets) for p in files}
    leaks.update({f"text {i}": _leaks(t.encode("utf-8"), secrets) for i, t in enumerate(texts)})
    assert {k: v for k, v in leaks.items() if v} == {}


def test_no_number_from_a_file_named_after_a_person(secrets, tmp_path, capsys):
    # an export saved under a person's number: the file's label (validate's output, the
    # reconciliation and rejects, the report) showed the number
    folder = shutil.copytree(amebench.sample_path(), tmp_path / "net")
    number = sorted(secrets)[0]
    named = f"jarfalla/insatser_{number[:6]}-{number[6:]}.csv"
    (folder / "jarfalla" / "insatser.csv").rename(folder / named)
    manifest = folder / "network.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("jarfalla/insatser.csv", named), encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    assert main(["benchmark", str(folder), "--out", str(tmp_path / "report")]) == 0
    net = amebench.read_network(folder)
    assert "jarfalla/insatser_<personnummer: hidden>.csv" in set(net.reconciliation["file"])
    shutil.copy(folder / "solna" / "deltagare.csv", tmp_path / f"{number}.csv")
    alone = amebench.read_export(tmp_path / f"{number}.csv", profile=folder / "profiles" / "solna.toml", unit="solna",
                                 key=(folder / "demo.key").read_text(), as_of="2026-09-30")
    captured = capsys.readouterr()
    texts = [net.reconciliation.to_csv(), net.rejects.to_csv(), alone.reconciliation.to_csv(), captured.out,
             captured.err]
    files = [p for p in (tmp_path / "report").rglob("*") if p.is_file()]
    leaks = {p.name: _leaks(_file_bytes(p), secrets) for p in files}
    leaks.update({f"text {i}": _leaks(t.encode("utf-8"), secrets) for i, t in enumerate(texts)})
    assert {k: v for k, v in leaks.items() if v} == {}


def _misreading_profile(folder, replace_from: str, replace_to: str):
    profile = folder / "profiles" / "jarfalla.toml"
    text = profile.read_text(encoding="utf-8")
    assert replace_from in text
    profile.write_text(text.replace(replace_from, replace_to), encoding="utf-8")


def _misread_texts(folder, mistake: str) -> list[str]:
    """Map a column of personnummer in the sample's Järfälla export to a date (``date``,
    ``strict``) or a coded column (``code``), read the network, and return every text the
    read gives back.

    The export gets a second column holding each row's number (as exports that name the
    applicant twice do); mapping the person's own column twice is a ProfileError before
    any value is read.
    """
    export = folder / "jarfalla" / "deltagare.csv"
    columns = tomllib.loads((folder / "profiles" / "jarfalla.toml").read_text(encoding="utf-8"))["episodes"]["columns"]
    person_column, enrolled_column, reason_column = (columns[c] for c in ("person_id", "enrolled_on", "exit_reason"))
    lines = export.read_text(encoding="utf-8").splitlines()
    at = lines[0].split(";").index(person_column)
    copy = "Personnummer (sökande)"
    export.write_text("\n".join([f"{lines[0]};{copy}"] + [f"{line};{line.split(';')[at]}" for line in lines[1:]]) + "\n",
                      encoding="utf-8")
    if mistake == "code":
        _misreading_profile(folder, f'exit_reason = "{reason_column}"', f'exit_reason = "{copy}"')
    else:
        _misreading_profile(folder, f'enrolled_on = "{enrolled_column}"', f'enrolled_on = "{copy}"')
    texts = []
    try:
        net = amebench.read_network(folder, strict=mistake == "strict")
        texts += [net.rejects.to_csv(), net.reconciliation.to_csv()]
        assert len(net.rejects) > 100  # every Järfälla episode rejected, each named
    except AmebenchError as exc:
        texts.append(str(exc))
        assert mistake in ("code", "strict"), exc
    return texts


@pytest.mark.parametrize("mistake", ["date", "code", "strict"])
def test_no_number_in_errors_or_rejects_when_a_profile_points_at_the_identity_column(secrets, tmp_path, mistake):
    # A profile that maps a column of personnummer to a date or a coded column makes the
    # reader complain about the values it finds there: the complaint must not quote them.
    folder = tmp_path / "net"
    shutil.copytree(amebench.sample_path(), folder)
    texts = _misread_texts(folder, mistake)
    assert texts and not any(_leaks(t.encode("utf-8"), secrets) for t in texts)


@pytest.mark.parametrize("mistake", ["date", "code"])
def test_no_spaced_number_in_errors_or_rejects(secrets, tmp_path, mistake):
    # An export that writes the numbers with a space ("19811218 9876", which amebench
    # reads as a valid number) and a profile that maps them to a date or a coded column.
    # The old code's redaction knew only "-"/"+" between the parts: every reject value
    # (date) and the unmapped-code error (code) showed the numbers.
    folder = tmp_path / "net"
    shutil.copytree(amebench.sample_path(), folder)
    export = folder / "jarfalla" / "deltagare.csv"
    export.write_text(re.sub(r";([0-9]{8})-([0-9]{4});", r";\1 \2;", export.read_text(encoding="utf-8")),
                      encoding="utf-8")
    assert len(_leaks(export.read_bytes(), secrets)) > 100
    texts = _misread_texts(folder, mistake)
    assert texts and not any(_leaks(t.encode("utf-8"), secrets) for t in texts)


def test_no_number_in_the_missing_key_error(secrets, tmp_path, monkeypatch):
    folder = tmp_path / "net"
    shutil.copytree(amebench.sample_path(), folder)
    manifest = folder / "network.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('key_file = "demo.key"\n', ""), encoding="utf-8")
    monkeypatch.delenv("AMEBENCH_KEY", raising=False)
    monkeypatch.delenv("AMEBENCH_KEY_FILE", raising=False)
    with pytest.raises(AmebenchError) as info:
        amebench.read_network(folder)
    assert "AMEBENCH_KEY" in str(info.value)
    assert not _leaks(str(info.value).encode(), secrets)


def test_pseudonyms_are_not_numbers(secrets):
    net = amebench.load_sample()
    ids = pd.concat([net.episodes["person_id"], net.payments["person_id"]]).dropna().astype(str)
    assert ids.str.fullmatch(r"p_[0-9a-f]{20}").all()


#: Forms of a synthetic number that the readers accept (spaces of any kind are removed and a
#: dash read as "-" before the check): spaced so that no six digits stand in a row, or
#: typeset (an en dash, a no-break space).
_SPACED_FORMS = ["8112 18 9876", "81 12 18 98 76", "8112 18-98 76", "1981 1218 98 76",
                 "19811218\u20139876", "811218\u00a09876", "811218\u00ad9876", "811218\u200b9876"]


@pytest.mark.parametrize("form", _SPACED_FORMS)
def test_no_number_with_spaces_anywhere_in_reject_values(tmp_path, form):
    # The old reject values were redacted only when they held six digits in a row, so a
    # date column holding such numbers showed them in Network.rejects.
    assert privacy.is_valid_personnummer(form, as_of="2026-09-30")
    folder = write_network(tmp_path, "\n".join([
        EPISODE_HEADER, f"E1;811218-9876;{form};;;;;", f"E2;721212-9816;2024-01-05;x {form} x;;;;",
    ]) + "\n")
    net = amebench.read_network(folder)
    assert list(net.rejects["value"]) == ["<personnummer: hidden>", "x <personnummer: hidden> x"]


@pytest.mark.parametrize("form", _SPACED_FORMS)
def test_no_number_with_spaces_anywhere_in_code_errors(tmp_path, form):
    # A code column holding such numbers: the unmapped-code error of a file and the
    # SchemaError of Network.from_frames (which quoted the values as they were) hide them.
    digits = re.sub(r"\D", "", form)[-10:]
    folder = write_network(tmp_path, f"{EPISODE_HEADER}\nE1;811218-9876;2024-01-05;2024-02-01;{form};;;\n")
    with pytest.raises(AmebenchError) as info:
        amebench.read_network(folder)
    assert "a personal identity number in this code column" in str(info.value)
    frame = pd.DataFrame({"unit": ["a"], "episode_id": ["1"], "person_id": ["p1"], "enrolled_on": ["2024-01-01"],
                          "gender": [form]})
    with pytest.raises(AmebenchError) as info2:
        amebench.Network.from_frames(episodes=frame, as_of="2026-01-01")
    for message in (str(info.value), str(info2.value)):
        assert digits not in re.sub(r"\D", "", message)
        assert "<personnummer: hidden>" in message


#: Options given an identity number by mistake (a person's number pasted for a unit, a
#: period or a path): the error quotes the bad value, and before only the readers'
#: messages hid identity numbers, so each of these showed it.
_OPTION_MISTAKES = {
    "outcome": lambda net, x: metrics.outcome_rate(amebench.cohort(net), outcome=x),
    "units": lambda net, x: amebench.cohort(net, units=[x]),
    "period": lambda net, x: amebench.cohort(net, exited=x),
    "as_of": lambda net, x: amebench.cohort(net, as_of=x),
    "by": lambda net, x: metrics.outcome_rate(amebench.cohort(net), by=(x,)),
    "method": lambda net, x: metrics.outcome_rate(amebench.cohort(net), method=x),
    "overdispersion": lambda net, x: compare.funnel(metrics.outcome_rate(amebench.cohort(net)), overdispersion=x),
    "adjust": lambda net, x: compare.pairwise(metrics.outcome_rate(amebench.cohort(net)), adjust=x),
    "read_network": lambda net, x: amebench.read_network(f"/nowhere/{x}"),
    "read_parquet": lambda net, x: amebench.read_parquet(f"/nowhere/{x}"),
}


@pytest.fixture(scope="module")
def sample():
    return amebench.load_sample()


@pytest.mark.parametrize("option", sorted(_OPTION_MISTAKES))
@pytest.mark.parametrize("form", ["811218-9876", "198112189876", "8112 18 9876"])
def test_no_number_in_errors_on_a_bad_option(sample, option, form):
    with pytest.raises(AmebenchError) as info:
        _OPTION_MISTAKES[option](sample, form)
    message = str(info.value)
    assert "9876" not in message and "<personnummer: hidden>" in message
    assert info.value.args == (message,)  # what a traceback or a logger shows is the same text


#: A person's number given as a unit id, in each form a reader accepts (811218-9876 is a
#: valid synthetic number: see fixtures_io/netbuild.PNR).
_UNIT_NUMBERS = ["8112189876", "811218-9876", "19811218-9876", "811218 9876", "8112 18 9876"]


def _unit_from_frames(tmp_path, unit):
    frame = pd.DataFrame({"unit": [unit], "episode_id": ["1"], "person_id": ["p1"], "enrolled_on": ["2024-01-01"]})
    amebench.Network.from_frames(episodes=frame, as_of="2026-01-01")


def _unit_in_units_frame(tmp_path, unit):
    frame = pd.DataFrame({"unit": ["a"], "episode_id": ["1"], "person_id": ["p1"], "enrolled_on": ["2024-01-01"]})
    amebench.Network.from_frames(episodes=frame, units=pd.DataFrame({"unit": [unit], "name": ["A"]}),
                                 as_of="2026-01-01")


def _unit_in_manifest(tmp_path, unit):
    folder = write_network(tmp_path, f"{EPISODE_HEADER}\nE1;721212-9816;2024-01-05;;;;;\n")
    manifest = folder / "network.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('unit = "u1"', f'unit = "{unit}"', 1),
                        encoding="utf-8")
    amebench.read_network(folder)


def _unit_of_read_export(tmp_path, unit):
    folder = write_network(tmp_path, f"{EPISODE_HEADER}\nE1;721212-9816;2024-01-05;;;;;\n")
    amebench.read_export(folder / "u1" / "episodes.csv", profile=folder / "profiles" / "u1.toml", unit=unit,
                         key="test-key-not-secret")


@pytest.mark.parametrize(("entry", "error"), [
    (_unit_of_read_export, ProfileError), (_unit_in_manifest, ManifestError),
    (_unit_from_frames, SchemaError), (_unit_in_units_frame, SchemaError),
])
@pytest.mark.parametrize("unit", _UNIT_NUMBERS)
def test_a_unit_id_shaped_like_an_identity_number_is_refused(tmp_path, entry, error, unit):
    # A unit id is shown in every report, table and figure. The old code took 8112189876
    # from read_export and a manifest (it is a-z0-9_), and any form from from_frames; the
    # other forms failed read_export and the manifest only as "not a short id".
    with pytest.raises(error, match="looks like a personal identity number") as info:
        entry(tmp_path, unit)
    message = str(info.value)
    assert "9876" not in message and "short unit code such as 'jarfalla'" in message
    assert entry is not _unit_from_frames or "the episodes frame (rows [1]): unit looks like" in message


def _edited_manifest(before: str):
    """An entry point reading a manifest whose ``before + '"'`` is followed by the text."""
    def read(tmp_path, text):
        folder = write_network(tmp_path, f"{EPISODE_HEADER}\nE1;721212-9816;2024-01-05;;;;;\n")
        manifest = folder / "network.toml"
        old = manifest.read_text(encoding="utf-8")
        manifest.write_text(old.replace(f'{before}"', f'{before}"{text} ', 1), encoding="utf-8")
        assert manifest.read_text(encoding="utf-8") != old
        amebench.read_network(folder)
    return read


_name_in_manifest = _edited_manifest('unit = "u1"\nname = ')
_network_name_in_manifest = _edited_manifest('[network]\nname = ')


def _name_in_units_frame(tmp_path, text):
    frame = pd.DataFrame({"unit": ["a"], "episode_id": ["1"], "person_id": ["p1"], "enrolled_on": ["2024-01-01"]})
    amebench.Network.from_frames(episodes=frame, units=pd.DataFrame({"unit": ["a"], "name": [f"Enheten {text}"]}),
                                 as_of="2026-01-01")


def _network_name_of_from_frames(tmp_path, text):
    frame = pd.DataFrame({"unit": ["a"], "episode_id": ["1"], "person_id": ["p1"], "enrolled_on": ["2024-01-01"]})
    amebench.Network.from_frames(episodes=frame, as_of="2026-01-01", name=f"nätverk {text}")


def _name_in_saved_network(tmp_path, text):
    frame = pd.DataFrame({"unit": ["a"], "episode_id": ["1"], "person_id": ["p1"], "enrolled_on": ["2024-01-01"]})
    folder = amebench.Network.from_frames(episodes=frame, as_of="2026-01-01").to_parquet(tmp_path / "saved")
    units = pd.read_parquet(folder / "units.parquet")
    units.assign(name=f"Enheten {text}").to_parquet(folder / "units.parquet")  # edited by hand
    amebench.read_parquet(folder)


@pytest.mark.parametrize(("entry", "error", "where"), [
    (_name_in_manifest, ManifestError, "[[units]] number 1 name holds"),
    (_network_name_in_manifest, ManifestError, "[network] name holds"),
    (_name_in_units_frame, SchemaError, "the units frame (row 1): name holds"),
    (_network_name_of_from_frames, SchemaError, "the network's name holds"),
    (_name_in_saved_network, SchemaError, "the units table (row 1): name holds"),
])
@pytest.mark.parametrize("text", ["811218-9876", "8112 18 9876"])
def test_a_name_holding_an_identity_number_is_refused(tmp_path, entry, error, where, text):
    # A unit's name and the network's name head every report, table and figure; the old
    # code took a person's number in either from every entry point.
    with pytest.raises(error, match="looks like a personal identity number") as info:
        entry(tmp_path, text)
    message = str(info.value)
    assert where in message and "9876" not in message


@pytest.mark.parametrize("cell", ["Arbete hos 811218-9876", "811218/9876",
                                  # ingestion review 2026-12-06: shown in full before
                                  "1981-12-18-9876", "81.12.18-9876", "811218--9876", "811218'9876"])
def test_a_code_holding_a_hidden_number_is_not_offered_as_a_profile_line(tmp_path, cell):
    # Template review 2026-12-05: the error offered '"<personnummer: hidden>" = "..."' as the line
    # to add, which can never match the cell.
    folder = write_network(tmp_path, f"{EPISODE_HEADER}\nE1;811218-9876;2024-01-05;2024-02-01;{cell};;;\n")
    with pytest.raises(AmebenchError) as info:
        amebench.read_network(folder)
    message = str(info.value)
    assert "9876" not in message  # hidden
    assert 'hidden>" = "..."' not in message and "which no profile line can map; fix the export" in message


@pytest.mark.parametrize("cell", ["Arbete\u00a0osubv.", "Ａrbete"])
def test_a_code_that_only_normalisation_changes_is_offered_as_a_profile_line(tmp_path, cell):
    # Review 2026-12-05 (M1): a no-break space (as Excel writes it) or a fullwidth letter was
    # said to hold a personal identity number, with no profile line offered.
    folder = write_network(tmp_path, f"{EPISODE_HEADER}\nE1;811218-9876;2024-01-05;2024-02-01;{cell};;;\n")
    with pytest.raises(AmebenchError) as info:
        amebench.read_network(folder)
    assert "identity number" not in str(info.value) and '= "..."' in str(info.value)
