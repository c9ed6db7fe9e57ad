"""The canonical templates ("mall"): CSV files, a profile and a manifest that read them, a guide."""

from __future__ import annotations

from pathlib import Path

from .. import schema
from .._files import check_folder
from ..exceptions import AmebenchError
from .profile import FILE_TABLES

__all__ = ["write_template", "TEMPLATE_DELIMITER", "PLACEHOLDER_CODE"]

#: Templates use ";" (what Swedish Excel writes and reads) and UTF-8 with a BOM so that
#: Excel shows å, ä, ö correctly; dates are ISO 8601 (YYYY-MM-DD).
TEMPLATE_DELIMITER = ";"
#: The template's municipality code, to be replaced (no municipality has it); validate names
#: a unit that still has it.
PLACEHOLDER_CODE = "0000"

_MEANING = {
    "episode_id": ("inskrivningens id, unikt inom enheten", "the enrolment's id, unique within the unit"),
    "person_id": ("personnummer eller samordningsnummer (pseudonymiseras vid inläsning)",
                  "personnummer or samordningsnummer (pseudonymised when read)"),
    "enrolled_on": ("inskrivningsdatum", "enrolment date"),
    "exited_on": ("utskrivningsdatum (tomt om pågående)", "exit date (empty while ongoing)"),
    "exit_reason": ("avslutsorsak", "exit reason"),
    "referral": ("remittent", "who referred the person"),
    "readiness": ("bedömd arbetsmarknadsnärhet", "assessed distance to the labour market"),
    "gender": ("kön", "gender"),
    "birth_year": ("födelseår (fyra siffror)", "birth year (four digits)"),
    "born_abroad": ("utrikes född: ja/nej", "born abroad: ja/nej (yes/no)"),
    "household_id": ("hushållets id (pseudonym)", "the household's id (a pseudonym)"),
    "activity": ("insats", "activity"),
    "started_on": ("startdatum", "start date"),
    "ended_on": ("slutdatum", "end date"),
    "measured_on": ("mätdatum", "date of measurement"),
    "days_after_exit": ("dagar efter avslut (räknas ut om tomt)", "days after exit (computed when empty)"),
    "status": ("sysselsättning vid uppföljningen", "status at follow-up"),
    "source": ("källa", "source"),
    "responded": ("svarat: ja/nej", "responded: ja/nej (yes/no)"),
    "month": ("månad (ÅÅÅÅ-MM)", "month (YYYY-MM)"),
    "amount_sek": ("belopp i kronor, t.ex. 12 345,50", "amount in SEK, e.g. 12 345,50"),
}


def _columns(table: str) -> list[str]:
    cols = [c for c in schema.TABLES[table].columns if c != "unit"]
    if table == "payments":
        cols = [c for c in cols if c != "household_id"]  # a person ledger; see the guide
    if table == "followups":
        cols = [c for c in cols if c != "days_after_exit"]
    return cols


def _profile_text() -> str:
    lines = [
        "# Profile for the canonical templates: every header is the canonical column name.",
        "[profile]",
        'name = "amebench template (mall)"',
        'person_id = "personnummer"',
        "",
        "[format]",
        'encoding = "auto"',
        f'delimiter = "{TEMPLATE_DELIMITER}"',
        'decimal = ","',
        'thousands = " "',
        'date_format = ["%Y-%m-%d"]',
        'month_format = ["%Y-%m", "%Y-%m-%d"]',
        "",
    ]
    for table in FILE_TABLES:
        lines.append(f"[{table}.columns]")
        lines += [f'{c} = "{c}"' for c in _columns(table)]
        lines.append("")
    return "\n".join(lines)


_MANIFEST = """[network]
name = "Mall"
as_of = {as_of}             # replace: the date the exports were taken (nothing after it is observed)
# The pseudonymisation key: set AMEBENCH_KEY or AMEBENCH_KEY_FILE in the environment and keep
# the key outside this folder; every unit of the network must use the same key.

[[units]]
unit = "enhet"
name = "Enheten"
municipality_code = "{placeholder}"  # replace: the municipality's four-digit code (SCB), e.g. "0123" Järfälla
profile = "profiles/mall.toml"

[units.files]
episodes = "episodes.csv"
activities = "activities.csv"
followups = "followups.csv"
payments = "payments.csv"
"""


#: One example row per file (the identity number written as its pattern: the guide holds none).
_EXAMPLES = {
    "episodes": ["E-2024-017", "ÅÅÅÅMMDD-NNNN", "2024-03-04", "2024-09-30", "work", "social_services", "near",
                 "woman", "1990", "nej", ""],
    "activities": ["E-2024-017", "work_practice", "2024-03-18", "2024-06-28"],
    "followups": ["E-2024-017", "2024-12-30", "work", "survey", "ja"],
    "payments": ["ÅÅÅÅMMDD-NNNN", "2024-02", "8 450,00"],
}


def _examples() -> str:
    return "\n".join(f"{table}.csv:\n\n    {TEMPLATE_DELIMITER.join(_columns(table))}\n"
                     f"    {TEMPLATE_DELIMITER.join(_EXAMPLES[table])}\n" for table in FILE_TABLES)


def _guide() -> str:
    codes = "\n".join(f"- `{c}`: " + ", ".join(f"`{v}`" for v in vals) for c, vals in schema.CODE_LISTS.items())
    sv, en = [], []
    for table in FILE_TABLES:
        sv.append(f"\n### {table}.csv\n")
        en.append(f"\n### {table}.csv\n")
        for c in _columns(table):
            req = c in schema.TABLES[table].required
            sv.append(f"- `{c}`{' (obligatorisk)' if req else ''}: {_MEANING[c][0]}")
            en.append(f"- `{c}`{' (required)' if req else ''}: {_MEANING[c][1]}")
    return f"""# amebench – mall / template

## Svenska

En fil per tabell, UTF-8, semikolon (`;`) som avgränsare, första raden är kolumnnamnen
(ändra dem inte). Datum skrivs `ÅÅÅÅ-MM-DD`, månader `ÅÅÅÅ-MM`, belopp med
decimalkomma (`12 345,50`). Tomt fält = uppgift saknas. Koder skrivs med de kanoniska
koderna nedan (eller mappas i `profiles/mall.toml`). Personnummer (10 eller 12 siffror)
pseudonymiseras med nätverkets nyckel (miljövariabeln `AMEBENCH_KEY`, eller en nyckelfil som
`AMEBENCH_KEY_FILE` pekar på, utanför denna mapp) när filerna läses; nyckeln skickas aldrig med data. Läs in med `amebench validate .`.
{chr(10).join(sv)}

## English

One file per table, UTF-8, semicolon (`;`) delimited, first row the column names (do not
change them). Dates are `YYYY-MM-DD`, months `YYYY-MM`, amounts use a decimal comma
(`12 345,50`). An empty field is missing. Codes are the canonical codes below (or are
mapped in `profiles/mall.toml`). Identity numbers (10 or 12 digits) are pseudonymised with
the network's key (the environment variable `AMEBENCH_KEY`, or a key file outside this folder
named by `AMEBENCH_KEY_FILE`) when the files are read; never send the key with the data. Check the files with `amebench validate .`.
{chr(10).join(en)}

## Exempel / examples

En rad per fil (en avslutad inskrivning; pågående: `exited_on` och `exit_reason` tomma).
One row per file (an exited episode; ongoing: `exited_on` and `exit_reason` empty).

{_examples()}
## Ett nätverk med flera enheter / a network of several units

Varje enhet fyller i mallen i en egen mapp (`jarfalla/`, `solna/` …); samordnaren lägger
mapparna i nätverkets mapp och skriver ett `[[units]]`-block per enhet i `network.toml`
med ett eget `unit`-id, enhetens kommunkod (fyra siffror) och `[units.files]` med
sökvägarna, t.ex. `episodes = "solna/episodes.csv"`. Alla enheter som följer mallen kan
använda samma profil (`profiles/mall.toml`); en enhet med egna rubriker eller koder får en
egen profil. En Excel-fil med ett blad per tabell behöver `sheet = "..."` per tabell i
profilen (docs/profiles.md i amebench-förrådet). Sätt `as_of` till dagen då uttagen gjordes, och använd samma
nyckel för alla enheter.

Each unit fills in the template in a folder of its own (`jarfalla/`, `solna/` …); the
coordinator puts the folders in the network's folder and writes one `[[units]]` block per
unit in `network.toml`, with its own `unit` id, its municipality code (four digits) and
`[units.files]` with the paths, e.g. `episodes = "solna/episodes.csv"`. Every unit that
follows the template can use the same profile (`profiles/mall.toml`); a unit with its own
headers or codes gets a profile of its own. An Excel workbook with a sheet per table needs
`sheet = "..."` per table in the profile (docs/profiles.md in the amebench repository). Set `as_of` to the day the
exports were taken, and use one key for every unit.

## Koder / codes

{codes}

The format of profiles and manifests: docs/profiles.md in the amebench repository.
"""


def write_template(folder, *, overwrite: bool = False) -> Path:
    """Write the canonical CSV templates, a profile and manifest that read them, and a guide.

    Parameters
    ----------
    folder
        Where to write (created if missing): ``episodes.csv``, ``activities.csv``,
        ``followups.csv``, ``payments.csv`` (header row only, ``;``-delimited, UTF-8
        with BOM), ``profiles/mall.toml``, ``network.toml``, ``README.md`` (Swedish and
        English guide with the code lists).
    overwrite
        Replace files that already exist (default: refuse, so a filled-in template or
        an edited profile is never lost).

    Returns
    -------
    pathlib.Path
        The folder. Filling rows into the CSVs and running
        :func:`amebench.io.read_network` on the folder reads them unchanged (set a key
        first: no key is written, on purpose). Existing files are not replaced unless
        ``overwrite``.

    Raises
    ------
    AmebenchError
        When ``folder`` is a file or would lie inside one, or (without ``overwrite``) when
        any of the files exists.
    """
    import datetime as _dt

    folder = Path(folder)
    check_folder(folder, give="a folder for the templates")
    files = {folder / f"{table}.csv": TEMPLATE_DELIMITER.join(_columns(table)) + "\n" for table in FILE_TABLES}
    files[folder / "profiles" / "mall.toml"] = _profile_text()
    files[folder / "network.toml"] = _MANIFEST.format(as_of=_dt.date.today().isoformat(), placeholder=PLACEHOLDER_CODE)
    files[folder / "README.md"] = _guide()
    present = [str(p.relative_to(folder)) for p in files if p.exists()]
    if present and not overwrite:
        raise AmebenchError(
            f"{folder} already holds {present}; amebench template does not overwrite them "
            "(use another folder, or --force / overwrite=True to replace them)"
        )
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")
    return folder
