"""Tests of profile checking (amebench.io.profile): every key of docs/profiles.md, nothing else."""

import re
import tomllib
from pathlib import Path

import pytest

from amebench.exceptions import ProfileError
from amebench.io.profile import load_profile
from fixtures_io.netbuild import PROFILE

DOC = Path(__file__).resolve().parents[1] / "docs" / "profiles.md"


def _write(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_example_profile_is_valid():
    # The profile block of docs/profiles.md must load as is (the doc is the reference).
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    profile = next(b for b in blocks if b.lstrip().startswith("[profile]"))
    p = load_profile(_write_tmp(profile))
    assert p.tables["episodes"].codes["exit_reason"]["Arbete"] == "work"
    assert p.tables["episodes"].fmt["sheet"] == "Blad1"


def _write_tmp(text):
    import tempfile

    d = Path(tempfile.mkdtemp())
    return _write(d, text)


@pytest.mark.parametrize(
    ("old", "new", "bad", "hint"),
    [
        ("[format]", "[format]\ndelimter = \";\"", "delimter", "delimiter"),
        ("[episodes.columns]", "[episodes.columns]\nepisod_id = \"x\"", "episod_id", "episode_id"),
        ('name = "Testenheten"', 'name = "Testenheten"\nperson_ids = "pseudonym"', "person_ids", "person_id"),
        ("[episodes.derive]", "[episodes.derive]\nbirth_year_form = \"person_id\"", "birth_year_form", "birth_year_from"),
        ("[episodes.codes.gender]", "[episodes.codes.gendr]\n\"x\" = \"man\"\n[episodes.codes.gender]", "gendr", "gender"),
        ("[payments.columns]", "[payment.columns]\nmonth = \"x\"\n[payments.columns]", "payment", "payments"),
    ],
)
def test_unknown_key_names_file_key_and_closest(tmp_path, old, new, bad, hint):
    path = _write(tmp_path, PROFILE.replace(old, new, 1))
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    msg = str(info.value)
    assert str(path) in msg and repr(bad) in msg and f"did you mean {hint!r}" in msg


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('"Arbete" = "work"', '"Arbete" = "job"', "not a canonical code"),
        ("[format]", '[format]\ndelimiter = ":"', "delimiter"),
        ("[format]", '[format]\nencoding = "latin-9"', "encoding"),
        ("[format]", '[format]\ndecimal = "."\nthousands = "."', "differ"),
        ("[format]", "[format]\nheader_row = 0", "header_row"),
        ('name = "Testenheten"', 'name = "Testenheten"\nperson_id = "raw"', "person_id"),
        ('source = "survey"', 'source = "sms"', "not a canonical code"),
        ('referral = "social_services"', 'readiness = "Bedömning"', "both mapped"),
    ],
)
def test_bad_values(tmp_path, old, new, match):
    with pytest.raises(ProfileError, match=match):
        load_profile(_write(tmp_path, PROFILE.replace(old, new, 1)))


def test_dict_profile_and_defaults():
    p = load_profile({"episodes": {"columns": {"episode_id": "Id", "person_id": "Pnr", "enrolled_on": "Start"}}})
    fmt = p.tables["episodes"].fmt
    assert fmt["delimiter"] == ";" and fmt["decimal"] == "," and fmt["encoding"] == "auto"
    assert p.person_id == "personnummer" and p.household_id == "pseudonym"
    with pytest.raises(ProfileError, match="<profile dict>"):
        load_profile({"episodes": {"colums": {}}})


def test_table_overrides_format():
    p = load_profile({"format": {"delimiter": ","}, "payments": {"delimiter": "\t", "columns": {"month": "M", "amount_sek": "B", "person_id": "P"}}})
    assert p.tables["payments"].fmt["delimiter"] == "\t"


def test_invalid_toml(tmp_path):
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(_write(tmp_path, "[profile\n"))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[episodes]\ncolumns = ["Inskrivnings-ID"]\n', "[episodes] columns"),
        ('[episodes]\ncolumns = "Inskrivnings-ID"\n', "[episodes] columns"),
        ("[episodes]\nconstants = 5\n", "[episodes] constants"),
        ('[episodes]\nderive = "person_id"\n', "[episodes] derive"),
        ("[episodes]\ncodes = 5\n", "[episodes] codes"),
        ("format = [1]\n", "[format]"),
        ('profile = "Testenheten"\n', "[profile]"),
    ],
)
def test_a_section_of_the_wrong_type_names_file_and_key(tmp_path, text, where):
    # A key written as a value where the profile needs a table ("columns = [...]",
    # "constants = 5") raised TypeError, AttributeError or a bare ValueError from dict(),
    # or, for a string, "unknown key 'I'" for its first letter.
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError, match="must be a table") as info:
        load_profile(path)
    assert str(path) in str(info.value) and where in str(info.value)


@pytest.mark.parametrize("key", ["date_format", "month_format"])
@pytest.mark.parametrize("bad", ['"%d/%m/%Q"', '["%Y-%m-%d", "%Y-%J"]', '"ddmmyyyy"'])
def test_a_date_format_pandas_cannot_use_names_file_and_key(tmp_path, key, bad):
    # A bad strftime directive (%Q) raised pandas' ValueError only when the first file
    # was parsed (a traceback from `amebench validate`); a format without any directive
    # parsed no date at all, so every row was rejected. Both are profile errors now.
    path = _write(tmp_path, PROFILE.replace("[format]\n", f"[format]\n{key} = {bad}\n", 1).replace(
        'date_format = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y"]\n', "" if key == "date_format" else
        'date_format = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y"]\n'))
    with pytest.raises(ProfileError, match=f"{key}") as info:
        load_profile(path)
    assert str(path) in str(info.value)


def test_two_columns_mapped_to_one_header_is_a_profile_error():
    # enrolled_on and exited_on both read "Datum": every episode would end the day it
    # starts. The old code accepted the profile silently.
    text = tomllib.loads(PROFILE.replace('exited_on = "Utskrivningsdatum"', 'exited_on = "Inskrivningsdatum"'))
    with pytest.raises(ProfileError, match=r"\[episodes.columns\] enrolled_on and exited_on both read the header "
                                           r"'Inskrivningsdatum'"):
        load_profile(text)


@pytest.mark.parametrize(("case", "keys", "said"), [
    ("ignore", ('"Arbete"', '"ARBETE"'), 'the same code with codes_case = "ignore"'),
    ("exact", ('"Återgång"', '"A\u030atergång"'), "the same code"),  # NFC: Å written as A + ring
])
def test_local_codes_a_cell_cannot_tell_apart_must_map_alike(tmp_path, case, keys, said):
    # Ingestion review 2026-12-06: with codes_case = "ignore", "Arbete" = "work" and
    # "ARBETE" = "studies" were both accepted, and a cell "Arbete" was read as studies (the
    # later key won). Keys that a cell reads alike map to one code, or the profile is refused.
    text = f'[profile]\ncodes_case = "{case}"\n[episodes.codes.exit_reason]\n{keys[0]} = "work"\n{keys[1]} = "studies"\n'
    with pytest.raises(ProfileError, match="reads them as " + re.escape(said)):
        load_profile(_write(tmp_path, text))
    same = text.replace('"studies"', '"work"')  # mapping alike: fine
    assert load_profile(_write(tmp_path, same)).codes_case == case
