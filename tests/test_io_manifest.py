"""Tests of the network manifest (amebench.io.manifest)."""

import re

import pytest

from amebench.exceptions import ManifestError
from amebench.io import read_network
from amebench.io.manifest import load_manifest
from fixtures_io.netbuild import EPISODE_HEADER, write_network


def _net(tmp_path):
    return write_network(tmp_path, EPISODE_HEADER + "\nE1;811218-9876;2024-01-05;;;;;\n")


def _edit(folder, old, new):
    path = folder / "network.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_manifest_reads_units(tmp_path):
    m = load_manifest(_net(tmp_path))
    assert m.name == "Test" and str(m.as_of.date()) == "2026-09-30"
    assert m.units[0].files["episodes"][1] == "u1/episodes.csv"
    assert load_manifest(tmp_path / "network.toml").name == "Test"


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('episodes = "u1/episodes.csv"', 'episodes = "../outside.csv"', "leaves the manifest's folder"),
        ('episodes = "u1/episodes.csv"', 'episodes = "/etc/passwd"', "absolute"),
        ('episodes = "u1/episodes.csv"', 'episodes = "u1/saknas.csv"', "does not exist"),
        ('episodes = "u1/episodes.csv"', 'episode = "u1/episodes.csv"', "did you mean 'episodes'"),
        ('unit = "u1"', 'unit = "U 1"', "short id"),
        ('municipality_code = "0123"', 'municipality_code = "123"', "4 characters"),
        ("as_of = 2026-09-30", 'as_of = "30/09/2026"', "not a date"),
        ("as_of = 2026-09-30", "", "needs as_of"),
        ('name = "Enhet 1"', 'name = "Enhet 1"\npopulaton = 5', "did you mean 'population'"),
        ("[network]", "[netwrk]", "did you mean 'network'"),
    ],
)
def test_manifest_errors(tmp_path, old, new, match):
    folder = _net(tmp_path)
    _edit(folder, old, new)
    with pytest.raises(ManifestError, match=match):
        read_network(folder)


@pytest.mark.parametrize(("old", "new"), [
    ('episodes = "u1/episodes.csv"', 'episodes = "link/episodes.csv"'),
    ('profile = "profiles/u1.toml"', 'profile = "link/u1.toml"'),
    ('key_file = "demo.key"', 'key_file = "link/demo.key"'),
])
def test_a_symlink_cannot_lead_a_manifest_path_out_of_the_folder(tmp_path, old, new):
    # the path is checked after resolving links, not by its text alone
    folder = _net(tmp_path / "net")
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("u1/episodes.csv", "profiles/u1.toml", "demo.key"):
        (outside / name.split("/")[-1]).write_bytes((folder / name).read_bytes())
    (folder / "link").symlink_to(outside, target_is_directory=True)
    _edit(folder, old, new)
    with pytest.raises(ManifestError, match="leaves the manifest's folder"):
        read_network(folder)


@pytest.mark.parametrize("unit", ["0180", "u001", "kommun_0180"])
def test_unit_ids_with_digits_are_read(tmp_path, unit):
    # Only an id shaped like an identity number is refused (test_leaks.py).
    folder = _net(tmp_path)
    _edit(folder, 'unit = "u1"', f'unit = "{unit}"')
    assert [u.unit for u in load_manifest(folder).units] == [unit]


def test_the_network_rows_id_is_refused(tmp_path):
    folder = _net(tmp_path)
    _edit(folder, 'unit = "u1"', 'unit = "network"')
    with pytest.raises(ManifestError, match=r"unit = 'network' is the id the report's tables give the row of the "
                                            r"whole network; give the unit another id"):
        load_manifest(folder)


def test_integer_municipality_code_keeps_leading_zero(tmp_path):
    folder = _net(tmp_path)
    _edit(folder, 'municipality_code = "0123"', "municipality_code = 123")
    assert read_network(folder).units["municipality_code"].iloc[0] == "0123"


def test_as_of_as_string_and_optional_unit_fields(tmp_path):
    folder = _net(tmp_path)
    _edit(folder, "as_of = 2026-09-30", 'as_of = "2026-09-30"')
    _edit(folder, 'name = "Enhet 1"', 'name = "Enhet 1"\nannual_cost_sek = 14500000\npopulation = 84000')
    net = read_network(folder)
    assert net.units["annual_cost_sek"].iloc[0] == 14500000 and net.units["population"].iloc[0] == 84000


def test_missing_manifest(tmp_path):
    with pytest.raises(ManifestError, match="network.toml"):
        read_network(tmp_path)


@pytest.mark.parametrize("name", ["u1/episodes.csv", "profiles/u1.toml", "notes.txt"])
def test_a_file_that_is_not_a_manifest_is_named_as_a_file_not_a_folder(tmp_path, name):
    # An export, a profile or any other file given where the network's folder belongs:
    # the old messages were "... is not valid TOML: Invalid statement (at line 1, column 1)"
    # and "unknown key 'profile' in the top level".
    folder = _net(tmp_path)
    (folder / "notes.txt").write_text("KNUT, extracted 30 September\n", encoding="utf-8")
    assert (folder / name).is_file()
    with pytest.raises(ManifestError) as info:
        read_network(folder / name)
    message = str(info.value)
    assert f"{folder / name} is a file, not a network folder" in message
    assert f"give the folder that holds network.toml ({folder} does)" in message
    assert "TOML" not in message and "unknown key" not in message


def test_a_manifest_under_another_name_is_still_read(tmp_path):
    folder = _net(tmp_path)
    (folder / "network.toml").rename(folder / "knut.toml")
    assert load_manifest(folder / "knut.toml").name == "Test"


@pytest.mark.parametrize("units", ['units = ["u1"]', "units = [1]"])
def test_units_that_are_not_sections(tmp_path, units):
    # units = ["u1"] (a list of ids instead of [[units]] sections) was read letter by
    # letter ("unknown key 'u' in [[units]] number 1"); units = [1] raised TypeError.
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "network.toml").write_text(f'{units}\n[network]\nname = "n"\nas_of = 2026-09-30\n', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"network\.toml: units number 1 must be a \[\[units\]\] section"):
        load_manifest(folder)


def test_read_network_of_a_saved_network_names_read_parquet(tmp_path):
    # API review 2026-12-06: read_network of a Network.to_parquet folder said such a folder
    # (network.json and the tables) is a network folder, and still refused it
    import amebench

    amebench.load_sample().to_parquet(tmp_path / "saved")
    with pytest.raises(ManifestError, match=re.escape(
            f"{tmp_path / 'saved'} holds a network saved by Network.to_parquet (network.json), not exports with a "
            f"network.toml: read it with amebench.read_parquet({str(tmp_path / 'saved')!r})")):
        amebench.read_network(tmp_path / "saved")
    assert len(amebench.read_parquet(tmp_path / "saved").episodes) == len(amebench.load_sample().episodes)
