"""Labels and texts of the benchmark report in English and Swedish."""

from __future__ import annotations

from ..exceptions import AmebenchError

__all__ = ["LANGUAGES", "texts"]

LANGUAGES = ("en", "sv")

_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Benchmark of labour-market units", "sv": "Jämförelse av arbetsmarknadsenheter"},
    "generated": {
        "en": "Network {name}; data extracted {as_of}; outcome: {outcome}; amebench {version}.",
        "sv": "Nätverk {name}; data uttagna {as_of}; utfall: {outcome}; amebench {version}.",
    },
    "contents": {"en": "Contents", "sv": "Innehåll"},
    "suppression": {
        "en": "Disclosure control: counts below {min_cell} are not shown, nor anything computed "
        "from them; where a total would reveal a hidden count, a second count is hidden too. "
        "{hidden} table rows were suppressed. Hidden cells are shown as “–”.",
        "sv": "Röjandekontroll: antal under {min_cell} visas inte, och inte heller något som "
        "beräknats ur dem; där en totalsumma skulle avslöja ett dolt antal döljs ytterligare "
        "ett. {hidden} tabellrader är dolda. Dolda celler visas som ”–”.",
    },
    # section titles
    "quality": {"en": "Data quality", "sv": "Datakvalitet"},
    "quality_text": {
        "en": "Every row of every file is either loaded or rejected with a reason: rows read = "
        "rows loaded + rows rejected. Small counts are hidden here as everywhere in the report; "
        "`amebench validate` shows the data owner every count, line and reason.",
        "sv": "Varje rad i varje fil har antingen lästs in eller avvisats med ett skäl: lästa "
        "rader = inlästa + avvisade. Små antal döljs här som överallt i rapporten; "
        "`amebench validate` visar dataägaren varje antal, rad och skäl.",
    },
    "rejects_by_reason": {"en": "Rejected rows by reason", "sv": "Avvisade rader per skäl"},
    "flow": {"en": "Participant flow", "sv": "Deltagarflöde"},
    "flow_text": {
        "en": "Enrolments (inflow), exits (outflow) and participants active at the end of each month.",
        "sv": "Inskrivningar (inflöde), avslut (utflöde) och aktiva deltagare vid varje månads slut.",
    },
    "exit_reasons": {"en": "Exit reasons", "sv": "Avslutsorsaker"},
    "outcome": {"en": "Outcome at exit", "sv": "Utfall vid avslut"},
    "outcome_text": {
        "en": "Share of exited episodes whose exit reason is {outcome} (Wilson 95 % interval).",
        "sv": "Andel avslutade inskrivningar med avslutsorsak {outcome} (Wilson 95 % intervall).",
    },
    "retention": {"en": "Still in work or studies 90 days after exit", "sv": "Kvar i arbete eller studier 90 dagar efter avslut"},
    "retention_text": {
        "en": "Among exits to the outcome whose 90 days have passed; others are censored. "
        "Worst and best case assume every non-respondent lost or retained.",
        "sv": "Bland avslut till utfallet där 90 dagar har gått; övriga är censurerade. Sämsta "
        "och bästa fall antar att alla som inte svarat har förlorat respektive behållit sysselsättningen.",
    },
    "reentry": {"en": "Back within a year", "sv": "Tillbaka inom ett år"},
    "reentry_text": {
        "en": "Share of people who left a unit and had a new episode in any unit of the network within "
        "365 days. Only exits at least 365 days before the extraction date count; later ones are censored.",
        "sv": "Andel av dem som avslutats som fick en ny inskrivning i någon av nätverkets enheter inom "
        "365 dagar. Bara avslut minst 365 dagar före uttagsdatum räknas; senare är censurerade.",
    },
    "reentry_365": {"en": "New episode within 365 days of exit", "sv": "Ny inskrivning inom 365 dagar efter avslut"},
    "welfare": {"en": "Change in welfare payments", "sv": "Förändring av ekonomiskt bistånd"},
    "welfare_text": {
        "en": "Mean monthly försörjningsstöd in the 6 full months after the exit month minus the "
        "6 full months before the enrolment month (negative = lower payments).",
        "sv": "Genomsnittligt försörjningsstöd per månad de 6 hela månaderna efter avslutsmånaden "
        "minus de 6 hela månaderna före inskrivningsmånaden (negativt = lägre utbetalningar).",
    },
    "durations": {"en": "Time in the programme", "sv": "Tid i insatsen"},
    "durations_text": {
        "en": "Kaplan–Meier median days from enrolment to exit (ongoing episodes censored), and "
        "the cumulative share exited to work, with other exits as competing risks.",
        "sv": "Kaplan–Meier-median för dagar från inskrivning till avslut (pågående censurerade), "
        "och kumulativ andel som avslutats till arbete, med andra avslut som konkurrerande risker.",
    },
    "funnel": {"en": "Funnel plots", "sv": "Trattdiagram"},
    "funnel_text": {
        "en": "Each unit's rate against its size. Inside the funnel a unit does not differ from "
        "the network more than chance allows. Left: raw rates; right: risk-adjusted "
        "observed/expected.",
        "sv": "Varje enhets andel mot dess storlek. Inom tratten skiljer sig enheten inte från "
        "nätverket mer än slumpen tillåter. Vänster: råa andelar; höger: riskjusterat "
        "observerat/förväntat.",
    },
    "riskadj": {"en": "Risk-adjusted comparison", "sv": "Riskjusterad jämförelse"},
    "pairwise": {"en": "Differences between units", "sv": "Skillnader mellan enheter"},
    "pairwise_text": {
        "en": "Difference in rate with Newcombe's interval; p-values adjusted for many "
        "comparisons (Holm).",
        "sv": "Skillnad i andel med Newcombes intervall; p-värden justerade för många jämförelser (Holm).",
    },
    "ranks": {"en": "Ranks with uncertainty", "sv": "Rangordning med osäkerhet"},
    "ranks_text": {
        "en": "Rank 1 = highest shrunken rate. A rank is only meaningful with its interval.",
        "sv": "Rang 1 = högsta krympta andel. En rang betyder bara något tillsammans med sitt intervall.",
    },
    "methods": {"en": "Methods in plain language", "sv": "Metoder på vanlig svenska"},
    # table titles
    "reconciliation": {"en": "Rows read, loaded and rejected per file", "sv": "Lästa, inlästa och avvisade rader per fil"},
    "flows": {"en": "Monthly inflow, outflow and active participants", "sv": "Inflöde, utflöde och aktiva deltagare per månad"},
    "outcome_rates": {"en": "Outcome rate per unit", "sv": "Andel per enhet"},
    "retention_90": {"en": "Retention 90 days after exit", "sv": "Kvar 90 dagar efter avslut"},
    "welfare_delta": {"en": "Change in monthly payments (SEK)", "sv": "Förändring i månatliga utbetalningar (kr)"},
    "funnel_raw": {"en": "Raw rates against the funnel limits", "sv": "Råa andelar mot trattens gränser"},
    "risk_adjusted": {"en": "Observed, expected and standardised rates", "sv": "Observerat, förväntat och standardiserad andel"},
    "funnel_risk_adjusted": {"en": "Observed/expected against the funnel limits", "sv": "Observerat/förväntat mot trattens gränser"},
    "calibration": {"en": "Model calibration (tenths of predicted risk)", "sv": "Modellens kalibrering (tiondelar av predicerad sannolikhet)"},
    "shrunken": {"en": "Shrunken rates", "sv": "Krympta andelar"},
    "note_casemix": {
        "en": "Some participants' case-mix (e.g. an age band) occurs in one unit only ({units}); "
        "the model has seen it nowhere else, so that unit's expected count partly rests on itself.",
        "sv": "En del deltagares bakgrund (t.ex. en åldersgrupp) finns bara i en enhet ({units}); "
        "modellen har inte sett den någon annanstans, så enhetens förväntade antal vilar delvis på den själv.",
    },
    "note_overdispersion": {
        "en": "The units vary no more than chance allows (φ ≤ 1), so the funnel limits are not widened.",
        "sv": "Enheterna varierar inte mer än slumpen tillåter (φ ≤ 1), så trattens gränser har inte vidgats.",
    },
    "method_caption": {"en": "Method: {method}.", "sv": "Metod: {method}."},
    "level_caption": {"en": "Confidence level {level} %.", "sv": "Konfidensgrad {level} %."},
    "not_available": {
        "en": "Not available: {reason}",
        "sv": "Inte tillgängligt: {reason}",
    },
}


def texts(lang: str) -> dict[str, str]:
    """Return the report texts in ``lang`` (``"en"`` or ``"sv"``)."""
    if lang not in LANGUAGES:
        raise AmebenchError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return {key: value[lang] for key, value in _TEXTS.items()}
