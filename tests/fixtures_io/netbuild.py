"""Build small synthetic network folders for the io tests (all data are invented)."""

from __future__ import annotations

from pathlib import Path

KEY = "test-key-not-secret"

PROFILE = """
[profile]
name = "Testenheten"

[format]
date_format = ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y"]

[episodes.columns]
episode_id = "Inskrivnings-ID"
person_id = "Personnummer"
enrolled_on = "Inskrivningsdatum"
exited_on = "Utskrivningsdatum"
exit_reason = "Avslutsorsak"
readiness = "Bedömning"
gender = "Kön"
born_abroad = "Utrikes född"

[episodes.derive]
birth_year_from = "person_id"

[episodes.constants]
referral = "social_services"

[episodes.codes.exit_reason]
"Arbete" = "work"
"Studier" = "studies"

[episodes.codes.readiness]
"Grön" = "near"
"Röd" = "far"

[episodes.codes.gender]
"K" = "woman"
"M" = "man"

[payments.columns]
person_id = "Pnr"
month = "Månad"
amount_sek = "Belopp"

[activities.columns]
episode_id = "Inskrivnings-ID"
activity = "Insats"
started_on = "Start"
ended_on = "Slut"

[activities.codes.activity]
"Praktik" = "work_practice"

[followups.columns]
episode_id = "Inskrivnings-ID"
measured_on = "Datum"
status = "Sysselsättning"

[followups.codes.status]
"Arbete" = "work"

[followups.constants]
source = "survey"
"""

EPISODE_HEADER = "Inskrivnings-ID;Personnummer;Inskrivningsdatum;Utskrivningsdatum;Avslutsorsak;Bedömning;Kön;Utrikes född"

# Valid synthetic numbers (check digits worked out with the Luhn rule; see test_privacy.py).
PNR = ["811218-9876", "721212-9816", "701063-2391", "19640823-3234", "850709-9805"]


def luhn_digit(nine: str) -> str:
    """Return the Luhn check digit of the first nine digits of a 10-digit number."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def make_pnr(i: int, *, year: int = 1980) -> str:
    """Return a valid synthetic 12-digit number with a dash, distinct for each ``i`` < 20 * 28 * 12.

    Birth numbers 980-999: Skatteverket's range for test numbers (as in amebench.synth).
    """
    serial = 980 + i % 20
    day = 1 + (i // 20) % 28
    month = 1 + (i // (20 * 28)) % 12
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year // 100}{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"


def write_network(
    folder: Path,
    episodes: str,
    *,
    payments: str | None = None,
    activities: str | None = None,
    followups: str | None = None,
    profile: str = PROFILE,
    encoding: str = "utf-8",
    as_of: str = "2026-09-30",
    suffix: str = "csv",
    key_file: bool = True,
) -> Path:
    """Write network.toml, profiles/u1.toml and the unit's files; return the folder."""
    folder = Path(folder)
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    (folder / "u1").mkdir(exist_ok=True)
    files = {"episodes": episodes, "payments": payments, "activities": activities, "followups": followups}
    lines = []
    for table, text in files.items():
        if text is None:
            continue
        name = f"u1/{table}.{suffix}"
        (folder / name).write_bytes(text.encode(encoding))
        lines.append(f'{table} = "{name}"')
    key_line = 'key_file = "demo.key"\n' if key_file else ""
    (folder / "demo.key").write_text(KEY + "\n", encoding="utf-8")
    (folder / "network.toml").write_text(
        f'[network]\nname = "Test"\nas_of = {as_of}\n{key_line}\n'
        '[[units]]\nunit = "u1"\nname = "Enhet 1"\nmunicipality_code = "0123"\n'
        'profile = "profiles/u1.toml"\n\n[units.files]\n' + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    (folder / "profiles" / "u1.toml").write_text(profile, encoding="utf-8")
    return folder
