"""Readable labels in English and Swedish for result columns, codes and figure texts.

Data files keep the canonical column names and codes (DESIGN.md §7); these labels are
for what people read: report table headers, code values shown in tables, and the axes
and legends of :mod:`amebench.plotting`.
"""

from __future__ import annotations

from .exceptions import AmebenchError

import re

__all__ = ["LANGUAGES", "column_label", "code_label", "figure_text", "outcome_label", "reason_label"]

LANGUAGES = ("en", "sv")

_COLUMNS: dict[str, tuple[str, str]] = {
    # column: (English, Swedish)
    "unit": ("Unit", "Enhet"),
    "estimate": ("Estimate", "Skattning"),
    "ci_low": ("Lower limit", "Nedre gräns"),
    "ci_high": ("Upper limit", "Övre gräns"),
    "n": ("n", "Antal"),
    "events": ("Events", "Händelser"),
    "eligible": ("Observable", "Observerbara"),
    "censored": ("Not yet observable (censored)", "Ännu inte observerbara (censurerade)"),
    "respondents": ("Respondents", "Svarande"),
    "non_respondents": ("Non-respondents", "Ej svarande"),
    "estimate_worst": ("Worst case", "Sämsta fall"),
    "estimate_best": ("Best case", "Bästa fall"),
    "method": ("Method", "Metod"),
    "conf_level": ("Confidence level", "Konfidensnivå"),
    "quantity": ("Measure", "Mått"),
    "days": ("Days", "Dagar"),
    "exit_reason": ("Exit reason", "Avslutsorsak"),
    "month": ("Month", "Månad"),
    "inflow": ("Inflow", "Inflöde"),
    "outflow": ("Outflow", "Utflöde"),
    "stock": ("Active at month end", "Aktiva vid månadens slut"),
    "z": ("z (standardised distance)", "z (standardiserat avstånd)"),
    "position": ("Position in the funnel", "Läge i tratten"),
    "observed": ("Observed exits to {outcome}", "Observerade avslut till {outcome}"),
    "expected": ("Expected exits to {outcome}", "Förväntade avslut till {outcome}"),
    "oe_ratio": ("Observed/expected", "Observerat/förväntat"),
    "oe_ci_low": ("O/E lower limit", "Observerat/förväntat: nedre"),
    "oe_ci_high": ("O/E upper limit", "Observerat/förväntat: övre"),
    "comparison": ("Comparison", "Jämförelse"),
    "unit_a": ("Unit A", "Enhet A"),
    "unit_b": ("Unit B", "Enhet B"),
    "n_a": ("n A", "Antal A"),
    "n_b": ("n B", "Antal B"),
    "events_a": ("Events A", "Händelser A"),
    "events_b": ("Events B", "Händelser B"),
    "estimate_a": ("Rate A", "Andel A"),
    "estimate_b": ("Rate B", "Andel B"),
    "p_value": ("p-value", "p-värde"),
    "p_adjusted": ("Adjusted p-value", "Justerat p-värde"),
    "p_top_quarter": ("P(top quarter)", "P(översta fjärdedelen)"),
    "p_bottom_quarter": ("P(bottom quarter)", "P(nedersta fjärdedelen)"),
    "rate": ("Raw rate", "Ojusterad andel"),
    "group": ("Group", "Grupp"),
    "mean_before": ("Mean before (SEK/month)", "Medel före (kr/mån)"),
    "mean_after": ("Mean after (SEK/month)", "Medel efter (kr/mån)"),
    "median": ("Median change", "Medianförändring"),
    "share_no_payment": ("No payment after", "Utan försörjningsstöd efter"),
    "share_no_payment_ci_low": ("No payment: lower", "Utan försörjningsstöd: nedre"),
    "share_no_payment_ci_high": ("No payment: upper", "Utan försörjningsstöd: övre"),
    "total_sek": ("Sum of before/after changes (SEK; not savings)",
                  "Summa av förändringar före–efter (kr; ej besparing)"),
    "table": ("Table", "Tabell"),
    "file": ("File", "Fil"),
    "reason": ("Reason", "Skäl"),
    "rows_read": ("Rows read", "Rader i filen"),
    "rows_loaded": ("Rows loaded", "Godkända rader"),
    "rows_rejected": ("Rows rejected", "Avvisade rader"),
    "rows_repeated": ("Rows repeating an earlier row", "Rader som upprepar en tidigare rad"),
    "repeated_lines": ("Where rows repeat", "Var rader upprepas"),
    "exit_year": ("Exit year", "Avslutsår"),
    "enrol_year": ("Enrolment year", "Inskrivningsår"),
    # case-mix of the risk model (compare.riskadjust.DEFAULT_CASEMIX)
    "age_band": ("age band", "åldersgrupp"),
    "gender": ("gender", "kön"),
    "born_abroad": ("born abroad", "utrikes född"),
    "readiness": ("distance to the labour market", "arbetsmarknadsnärhet"),
    "referral": ("referred by", "remitterad av"),
    "prior_welfare_months": ("months on welfare in the year before", "månader med försörjningsstöd året före"),
    "change": ("Change", "Förändring"),
    "change_ci_low": ("Change: lower", "Förändring: nedre"),
    "change_ci_high": ("Change: upper", "Förändring: övre"),
}

#: What ``estimate`` (and ``events``) mean in a given result table.
_TABLE_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    ("outcome_rates", "estimate"): ("Rate", "Andel"),
    ("outcome_rates", "events"): ("Exits to {outcome}", "Avslut till {outcome}"),
    ("retention_90", "estimate"): ("Retained", "Andel kvar"),
    ("retention_90", "events"): ("Retained (n)", "Antal kvar"),
    ("retention_90", "n"): ("Exits to {outcome}", "Avslut till {outcome}"),
    ("reentry_365", "estimate"): ("Re-enrolled within 365 days", "Andel återinskrivna"),
    ("reentry_365", "events"): ("Re-enrolled (n)", "Antal återinskrivna"),
    ("reentry_365", "n"): ("People who left", "Avslutade personer"),
    ("funnel_raw", "estimate"): ("Rate", "Andel"),
    ("funnel_raw", "events"): ("Exits to {outcome}", "Avslut till {outcome}"),
    ("risk_adjusted", "estimate"): ("Standardised rate", "Standardiserad andel"),
    ("funnel_risk_adjusted", "estimate"): ("Observed/expected", "Observerat/förväntat"),
    ("shrunken", "estimate"): ("Shrunken rate", "Krympt andel"),
    ("ranks", "estimate"): ("Expected rank", "Förväntad rang"),
    ("welfare_delta", "estimate"): ("Mean change (SEK/month)", "Medelförändring (kr/mån)"),
    ("welfare_delta", "n"): ("Households", "Hushåll"),
    ("pairwise", "estimate"): ("Difference A − B", "Skillnad A − B"),
    ("exit_reasons", "n"): ("Exits", "Avslut"),
    # what n, events and censored count, table by table (exits, enrolments, people, households)
    ("outcome_rates", "n"): ("Exits", "Avslut"),
    ("funnel_raw", "n"): ("Exits", "Avslut"),
    ("shrunken", "n"): ("Exits", "Avslut"),
    ("shrunken", "events"): ("Exits to {outcome}", "Avslut till {outcome}"),
    ("ranks", "n"): ("Exits", "Avslut"),
    ("ranks", "events"): ("Exits to {outcome}", "Avslut till {outcome}"),
    ("risk_adjusted", "n"): ("Exits", "Avslut"),
    ("pairwise", "n_a"): ("Exits A", "Avslut A"),
    ("pairwise", "n_b"): ("Exits B", "Avslut B"),
    ("pairwise", "events_a"): ("Exits to {outcome}, A", "Avslut till {outcome}, A"),
    ("pairwise", "events_b"): ("Exits to {outcome}, B", "Avslut till {outcome}, B"),
    ("durations", "n"): ("Enrolments", "Inskrivningar"),
    ("durations", "censored"): ("Still enrolled at extraction", "Pågående vid uttaget"),
    ("durations", "events"): ("Exits counted", "Räknade avslut"),
    ("rejects_by_reason", "n"): ("Rows", "Rader"),
    ("calibration", "group"): ("Tenth of predicted risk (1 = lowest)",
                               "Decilgrupp efter modellens sannolikhet (1 = lägst)"),
    ("calibration", "n"): ("Exits", "Avslut"),
    ("outcome_by_group", "characteristic"): ("Characteristic", "Egenskap"),
    ("outcome_by_group", "level"): ("Group", "Grupp"),
    ("outcome_by_group", "estimate"): ("Rate", "Andel"),
    ("outcome_by_group", "n"): ("Exits", "Avslut"),
    ("outcome_by_group", "events"): ("Exits to {outcome}", "Avslut till {outcome}"),
}

_CODES: dict[str, tuple[str, str]] = {
    # exit reasons (schema.EXIT_REASONS)
    "work": ("work", "arbete"),
    "work_subsidised": ("subsidised work", "arbete med stöd"),
    "work_programme": ("municipal work programme", "kommunal anställning som insats"),
    "self_employed": ("self-employed", "eget företag"),
    "studies": ("studies", "studier"),
    "care": ("care or rehabilitation", "vård eller rehabilitering"),
    "other_agency": ("other agency", "annan aktör"),
    "moved": ("moved", "flyttat"),
    "leave": ("parental or sick leave", "föräldraledighet eller sjukskrivning"),
    "returned_to_welfare": ("back to welfare", "åter till försörjningsstöd"),
    "dropped_out": ("dropped out", "avbrott"),
    "other": ("other", "övrigt"),
    "unknown": ("unknown", "okänt"),
    # readiness, gender, referral (schema.READINESS, GENDERS, REFERRALS)
    "near": ("near the labour market", "nära arbetsmarknaden"),
    "uncertain": ("uncertain", "osäker"),
    "far": ("far from the labour market", "långt från arbetsmarknaden"),
    "woman": ("woman", "kvinna"),
    "man": ("man", "man"),
    "social_services": ("social services", "socialtjänsten"),
    "employment_service": ("Employment Service", "Arbetsförmedlingen"),
    "social_insurance": ("Social Insurance Agency", "Försäkringskassan"),
    "self": ("self-referred", "egen anmälan"),
    # participants' characteristics and their levels (report.breakdown); age bands are their own labels
    "age_band": ("age at enrolment", "ålder vid inskrivning"),
    "gender": ("gender", "kön"),
    "born_abroad": ("country of birth", "födelseland"),
    "abroad": ("born abroad", "utrikes född"),  # SCB's words, as the born_abroad column's label
    "sweden": ("born in Sweden", "inrikes född"),
    # funnel positions
    "above_998": ("above 99.8 % limit", "över 99,8 %-gränsen"),
    "above_95": ("above 95 % limit", "över 95 %-gränsen"),
    "within": ("within limits", "inom gränserna"),
    "below_95": ("below 95 % limit", "under 95 %-gränsen"),
    "below_998": ("below 99.8 % limit", "under 99,8 %-gränsen"),
    # table names in the data-quality section
    "episodes": ("enrolments", "inskrivningar"),
    "payments": ("payments", "utbetalningar"),
    "followups": ("follow-ups", "uppföljningar"),
    "activities": ("activities", "aktiviteter"),
    # other values shown in report tables
    "network": ("whole network", "hela nätverket"),  # its row, in the tables: not one more unit
    "participants": ("participants", "deltagare"),
    "comparison": ("comparison group", "jämförelsegrupp"),
    "difference": ("difference", "skillnad"),
    "pair": ("pair", "par"),
    "unit vs rest": ("unit vs rest", "enhet mot övriga"),
    "rest of network": ("rest of the network", "övriga enheter"),
    "median_days": ("median (days)", "median (dagar)"),
    "work_or_studies": ("work or studies", "arbete eller studier"),
}

_FIGURES: dict[str, tuple[str, str]] = {
    "limits": ("{level} % limits", "{level} %-gränser"),
    "widened_tau2": ("limits widened for overdispersion (τ² = {tau2})",
                     "gränserna vidgade för variation utöver slumpen (överspridning, τ² = {tau2})"),
    "widened_phi": ("limits widened for overdispersion (φ = {phi})",
                    "gränserna vidgade för variation utöver slumpen (överspridning, φ = {phi})"),
    "target": ("target", "mål"),
    "outside_above": ("above the {level} % limits: {k} {units}", "över {level} %-gränserna: {k} {units}"),
    "outside_below": ("below the {level} % limits: {k} {units}", "under {level} %-gränserna: {k} {units}"),
    "named_outside": ("named: units outside the {level} % limits", "namngivna: enheter utanför {level} %-gränserna"),
    "named_furthest": ("named: the {k} units furthest outside the {level} % limits",
                       "namngivna: de {k} enheter som ligger längst utanför {level} %-gränserna"),
    "network_rate": ("network rate", "nätverkets andel"),
    "as_expected": ("as expected (O/E = 1)", "som förväntat (observerat/förväntat = 1)"),
    "rate_at_exit": ("share of exits to {outcome}, with 95 % interval",
                     "andel avslut till {outcome}, med 95 %-intervall"),
    "retained_axis": ("share of respondents still in {outcome} 90 days after exit, with 95 % interval",
                      "andel av de svarande som är kvar i {outcome} 90 dagar efter avslut, med 95 %-intervall"),
    "reentry_axis": ("share re-enrolled in any unit of the network within 365 days, with 95 % interval",
                     "andel återinskrivna i någon av nätverkets enheter inom 365 dagar, med 95 %-intervall"),
    "welfare_axis": ("change in SEK per month (after − before), with 95 % interval",
                     "förändring i kr per månad (efter − före), med 95 %-intervall"),
    "exits": ("exits (enrolments that ended)", "avslut (avslutade inskrivningar)"),
    "expected_outcomes": ("expected exits to {outcome}", "förväntade avslut till {outcome}"),
    "rate": ("rate", "andel"),
    "oe": ("observed / expected", "observerat / förväntat"),
    "oe_axis": ("observed / expected (1 = as expected for its participants)",
                "observerat / förväntat (1 = som förväntat för dess deltagare)"),
    "network": ("network", "nätverket"),
    "worst_best": ("worst to best case (non-respondents counted as not retained / as retained)",
                   "sämsta till bästa fall (de som inte svarat räknas som inte kvar / som kvar)"),
    "rank_axis": ("expected rank (1 = highest rate) with 95 % interval",
                  "förväntad rang (1 = högst andel), med 95 %-intervall"),
    "stock": ("active participants at month end", "aktiva deltagare vid månadens slut"),
    "all_units": ("all {k} units", "alla {k} enheter"),
    "sum_from_start": (", each from its first month of data", ", var och en från sin första månad med data"),
    "sum_hidden": (" (counts hidden by disclosure control are not in the sum)",
                   " (antal som döljs av röjandekontrollen ingår inte i summan)"),
    "share_of_exits": ("share of exits", "andel av avsluten"),
    "hidden_reasons": ("hidden (disclosure control)", "dolda (röjandekontroll)"),
    "partial_reasons": ("* some counts hidden:\n  shares of the shown exits",
                        "* vissa antal dolda:\n  andelar av de visade avsluten"),
    "partial_overview": ("some units' counts hidden:\n  shares of their shown exits",
                         "vissa enheters antal dolda:\n  andelar av deras visade avslut"),
    "estimate_ci": ("estimate with 95 % interval", "skattning med 95 %-intervall"),
    "ordered_estimate": ("{k} units, one row each, ordered by estimate",
                         "{k} enheter, en rad var, ordnade efter skattning"),
    "ordered_rank": ("{k} units, one row each, ordered by rank", "{k} enheter, en rad var, ordnade efter rang"),
    "ordered_work": ("{k} units, one bar each, ordered by share of exits to work",
                     "{k} enheter, en stapel var, ordnade efter andel avslut till arbete"),
    "interval_above": ("interval wholly above the line: {k} {units}", "intervallet helt över linjen: {k} {units}"),
    "interval_below": ("interval wholly below the line: {k} {units}", "intervallet helt under linjen: {k} {units}"),
}


def _index(lang: str) -> int:
    if lang not in LANGUAGES:
        raise AmebenchError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return LANGUAGES.index(lang)


def column_label(column: str, lang: str = "en", *, table: str | None = None, outcome: str | None = None) -> str:
    """Return the readable label of a result column (the name itself when unknown).

    A count of exits to the outcome names it: "Exits to work or studies" with ``outcome``
    (a group such as ``"work_or_studies"`` or an exit reason), "Exits to the outcome"
    without.
    """
    i = _index(lang)
    pair = _TABLE_COLUMNS.get((table, column)) or _COLUMNS.get(column)
    if not pair:
        return column
    return pair[i].format(outcome=outcome_label(outcome, lang))


#: An outcome that is one exit reason, as the place an exit goes to ("exits to
#: self-employment", "avslut till flytt"): the reason's label is an adjective or a verb
#: ("exits to self-employed", "avslut till flyttat": diff review). The outcome groups and
#: the other reasons read right as they are ("exits to work or studies").
_DESTINATIONS: dict[str, tuple[str, str]] = {
    "work_programme": ("a municipal work programme", "kommunal anställning som insats"),
    "self_employed": ("self-employment", "eget företag"),
    "other_agency": ("another agency", "annan aktör"),
    "moved": ("a move", "flytt"),
    "returned_to_welfare": ("welfare", "försörjningsstöd"),
    "dropped_out": ("dropping out", "avbrott"),
    "other": ("other destinations", "annat"),
    "unknown": ("an unknown destination", "okänd destination"),
}


def outcome_label(outcome: str | None, lang: str = "en") -> str:
    """The outcome as the place exits go to ("work or studies", "self-employment"), as the
    report's texts say it ("exits to …", "counts as …", "still in …"); "the outcome" when not
    given."""
    if not outcome:
        return ("the outcome", "utfallet")[_index(lang)]
    return _DESTINATIONS[outcome][_index(lang)] if outcome in _DESTINATIONS else code_label(outcome, lang)


#: Labels of a code that read differently in a column of its own: in Swedish the word
#: agrees with the column's noun ("kön annat", "remitterad av annan", "åldersgrupp okänd"),
#: where the exit reason's "övrigt" and "okänt" would not.
_CODES_IN: dict[tuple[str, str], tuple[str, str]] = {
    ("gender", "other"): ("other", "annat"),
    ("referral", "other"): ("other", "annan"),
    ("referral", "unknown"): ("unknown", "okänd"),
    ("readiness", "unknown"): ("unknown", "okänd"),
    ("age_band", "unknown"): ("unknown", "okänd"),
    ("born_abroad", "True"): ("yes", "ja"),  # a case-mix level, as the risk model writes it
    ("born_abroad", "False"): ("no", "nej"),
}


#: Columns of unit ids, and the only values of theirs with a label: the report's own rows. A
#: unit's id is shown as it is, even one equal to a code (a unit "leave" is not "parental or
#: sick leave": diff review).
_UNIT_COLUMNS = {"unit", "unit_a", "unit_b"}
_UNIT_ROWS = {"network", "rest of network"}


def code_label(value: str, lang: str = "en", column: str | None = None) -> str:
    """Return the readable label of a canonical code (the code itself when unknown).

    ``column``: the column (or, in the outcome-by-group table, the characteristic) the
    value belongs to, where its label depends on it (Swedish ``other`` is "övrigt" as an
    exit reason, "annat" as a gender; an age band's "16-24" is shown "16–24"). In a column
    of unit ids only the network's rows have labels.
    """
    if column in _UNIT_COLUMNS and value not in _UNIT_ROWS:
        return value
    if isinstance(value, str) and value.startswith("cif_"):  # durations' share of an outcome ("cif_moved")
        return ("share exited to {}", "andel avslutade till {}")[_index(lang)].format(outcome_label(value[4:], lang))
    pair = _CODES_IN.get((column, value)) or _CODES.get(value)
    if pair:
        return pair[_index(lang)]
    if column == "age_band" and isinstance(value, str):  # a range of years with an en dash: 16–24
        return value.replace("-", "\u2013")
    return value


def figure_text(key: str, lang: str = "en", **fields) -> str:
    """Return an axis or legend text of :mod:`amebench.plotting` in ``lang``.

    ``{units}`` is "unit" or "units" ("enhet", "enheter") as the count ``k`` asks.
    """
    if "k" in fields:
        fields.setdefault("units", _UNITS[_index(lang)][fields["k"] != 1])
    return _FIGURES[key][_index(lang)].format(**fields)


#: "unit" and "units" by language.
_UNITS = (("unit", "units"), ("enhet", "enheter"))


#: A date format and its example in a reject reason ("%d/%m/%Y = 01/03/2024", "%Y-%m-%d %H:%M = …").
_FORMAT_CODE = re.compile(r"((?:[^\s=,()]*%[^\s=,()]*)(?: [^\s=,()]*%[^\s=,()]*)*) = ([^,()]+)")
#: A date format's fields as a reader writes them, by language ("DD/MM/YYYY", "DD/MM/ÅÅÅÅ").
_DATE_FIELDS = {"%Y": ("YYYY", "ÅÅÅÅ"), "%y": ("YY", "ÅÅ"), "%m": ("MM", "MM"), "%d": ("DD", "DD"),
                "%H": ("hh", "tt"), "%M": ("mm", "mm"), "%S": ("ss", "ss")}


def _date_format(found: re.Match, lang: str) -> str:
    """A date format of a reject reason as a reader writes it ("DD/MM/YYYY": the profile's
    example 01/03/2024 could be either day and month); its example when it has another field."""
    fields = re.split(r"(%.)", found.group(1))
    if any(f.startswith("%") and f not in _DATE_FIELDS for f in fields):
        return found.group(2)
    return "".join(_DATE_FIELDS[f][_index(lang)] if f.startswith("%") else f for f in fields)


#: Reject reasons of :mod:`amebench.io` (English, as in ``Network.rejects``) -> Swedish.
_REASONS_SV: tuple[tuple[str, str], ...] = (
    (r"date is a number, as a spreadsheet stores dates \(days from 1899-12-30\): format the column as dates "
     r"before the export, or set date_serials = true in the profile \(expected format: ([^)]*)\)",
     r"datumet är ett tal, som ett kalkylark lagrar datum (dagar från 1899-12-30): formatera kolumnen som "
     r"datum före exporten, eller sätt date_serials = true i profilen (förväntat format: \1)"),
    (r"date is a number, as a spreadsheet stores dates \(days from 1899-12-30\): give datetimes "
     r"\(pd\.to_datetime\(counts, unit=\"D\", origin=\"1899-12-30\"\) converts the day counts\) "
     r"\(expected format: ([^)]*)\)",
     r"datumet är ett tal, som ett kalkylark lagrar datum (dagar från 1899-12-30): ange datum (datetime; "
     r'pd.to_datetime(counts, unit="D", origin="1899-12-30") omvandlar dagantalen) (förväntat format: \1)'),
    (r"date does not parse or does not exist \(expected format: ([^)]*)\)",
     r"datumet kan inte tolkas eller finns inte (förväntat format: \1)"),
    (r"date outside 1900-01-01 \.\. 2199-12-31", "datum utanför 1900-01-01 – 2199-12-31"),
    (r"amount is not a number", "beloppet är inte ett tal"),
    (r"amount is negative: net a correction or a repayment \(återkrav\) into the month's payment before the "
     r"export, or the payment it corrects counts in full",
     "beloppet är negativt: räkna in en rättelse eller ett återkrav i månadens utbetalning före exporten, "
     "annars räknas den rättade utbetalningen fullt ut"),
    (r"amount is negative", "beloppet är negativt"),
    (r'amount is ambiguous: "\." before three digits with decimal = "(.)" may be a thousands separator '
     r'\(set thousands = "\." if it is\)',
     r'beloppet är tvetydigt: "." före tre siffror med decimal = "\1" kan vara en tusentalsavgränsare '
     r'(sätt thousands = "." om det är det)'),
    (r'amount is ambiguous: "(.)" before three digits with decimal = "." gives three decimals, and an amount has '
     r'at most two: "." may be a thousands separator \(then set decimal = "(.)" and thousands = "."\)',
     r'beloppet är tvetydigt: "\1" före tre siffror med decimal = "\1" ger tre decimaler, och ett belopp har '
     r'högst två: "\1" kan vara en tusentalsavgränsare (sätt då decimal = "\2" och thousands = "\1")'),
    (r'amount is ambiguous: "(.)" before three digits with decimal = "." gives three decimals, but an amount has '
     r'at most two; with thousands = "(.)" it is no thousands separator either: a typo, or are the two marks '
     r'swapped \(then set decimal = "(.)" and thousands = "."\)\?',
     r'beloppet är tvetydigt: "\1" före tre siffror med decimal = "\1" ger tre decimaler, men ett belopp har '
     r'högst två; med thousands = "\2" är det ingen tusentalsavgränsare heller: ett skrivfel, eller har de två '
     r'tecknen bytt plats (sätt då decimal = "\3" och thousands = "\1")?'),
    (r'amount has "(.)" where a thousands separator cannot be \(not before three digits, or after the decimal '
     r'mark "(.)"\): it would be read wrong',
     r'beloppet har "\1" där en tusentalsavgränsare inte kan stå (inte före tre siffror, eller efter '
     r'decimaltecknet "\2"): det skulle läsas fel'),
    (r"amount is implausibly large for one month \(10 000 000 kr or more\): another column's number, or a "
     r"total\?", "beloppet är orimligt stort för en månad (10 000 000 kr eller mer): en annan kolumns tal, "
     "eller en summa?"),
    (r'amount has a decimal part, but amount_unit = "öre" and öre are whole: are these kronor\? '
     r'\(then set amount_unit = "kr"\)',
     'beloppet har decimaler, men amount_unit = "öre" och ören är hela: är det kronor? '
     '(sätt då amount_unit = "kr")'),
    (r"not a whole number", "inte ett heltal"),
    (r"invalid identity number", "ogiltigt personnummer"),
    (r"empty required field \(neither person nor household\)", "obligatoriskt fält tomt (varken person eller hushåll)"),
    (r"empty required field", "obligatoriskt fält tomt"),
    (r"exit before enrolment", "avslut före inskrivning"),
    (r"activity end before start", "aktivitetens slut före start"),
    (r"enrolment after as_of (\S+)", r"inskrivning efter uttagsdatum \1"),
    (r"exit after as_of (\S+)", r"avslut efter uttagsdatum \1"),
    (r"exit reason without an exit date", "avslutsorsak utan avslutsdatum"),
    (r"birth year outside (\d+) \.\. (\d+) \(the year of as_of\)", r"födelseår utanför \1 – \2 (uttagsdatumets år)"),
    (r"under (\d+) at enrolment by the year of birth, not an age a labour-market unit serves: a 10-digit "
     r"identity number written with '-' where '\+' marks a person of 100 or more is read as born a century later",
     r"under \1 år vid inskrivningen enligt födelseåret, ingen ålder som en arbetsmarknadsenhet tar emot: ett "
     r"tiosiffrigt personnummer skrivet med '-' där '+' anger en person som fyllt 100 läses som född ett "
     r"sekel senare"),
    (r"under (\d+) at enrolment by the year of birth, not an age a labour-market unit serves",
     r"under \1 år vid inskrivningen enligt födelseåret, ingen ålder som en arbetsmarknadsenhet tar emot"),
    (r"duplicate episode_id in the unit", "inskrivnings-id finns två gånger i enheten"),
    (r"overlaps an earlier episode of the same person in the unit",
     "överlappar en tidigare inskrivning av samma person i enheten"),
    (r"activity for an unknown episode \(none loaded in unit (\S+)\)",
     r"aktivitet för en okänd inskrivning (ingen inläst i enhet \1)"),
    (r"follow-up for an unknown episode \(none loaded in unit (\S+)\)",
     r"uppföljning för en okänd inskrivning (ingen inläst i enhet \1)"),
    (r"activity of an episode whose own row was rejected", "aktivitet för en inskrivning vars egen rad avvisades"),
    (r"follow-up of an episode whose own row was rejected",
     "uppföljning för en inskrivning vars egen rad avvisades"),
    (r"follow-up measured before the exit", "uppföljning mätt före avslutet"),
    (r"follow-up days after exit is negative \(before the exit\)",
     "uppföljningens dagar efter avslut är negativa (före avslutet)"),
    (r" \(its first or last 10 or 12 digits; the unit's ids are long numbers like it, and 1 to 3 in 100 such ids "
     r"hold a valid number by chance: export case numbers with a letter among the digits, or shorter ones\)",
     " (dess första eller sista 10 eller 12 siffror; enhetens id är långa tal som detta, och 1 till 3 av 100 "
     "sådana id innehåller ett giltigt nummer av en slump: exportera ärendenummer med en bokstav bland "
     "siffrorna, eller kortare)"),
    (r"payment for a person or household with no episode in the network",
     "utbetalning till en person eller ett hushåll utan inskrivning i nätverket"),
    (r"payment for a person or household whose episodes were all rejected",
     "utbetalning till en person eller ett hushåll vars inskrivningar alla avvisades"),
    (r" \(the column's other ids are numbers too: a numeric pseudonym can be a valid number by chance; "
     r"pseudonyms with a letter among the digits are never taken for one\)",
     " (kolumnens övriga id är också siffror: en numerisk pseudonym kan av en slump vara ett giltigt nummer; "
     "pseudonymer med en bokstav bland siffrorna tas aldrig för ett)"),
    (r"is a personal identity number, not a pseudonym; it must not be kept",
     "är ett personnummer, inte en pseudonym; det får inte sparas"),
    (r"the header row repeated inside the file \(were two exports joined\?\)",
     "rubrikraden upprepas inne i filen (har två uttag slagits ihop?)"),
    (r"a summary row \(Summa, Totalt …\), not data", "en summeringsrad (Summa, Totalt …), inte data"),
    (r"holds what looks like a personal identity number; it must not be kept in this column",
     "innehåller något som liknar ett personnummer; det får inte finnas i denna kolumn"),
    (r"holds what looks like a personal identity number with a wrong check digit \(a typo still leaves the "
     r"person's number\); it must not be kept in this column",
     "innehåller något som liknar ett personnummer med fel kontrollsiffra (ett skrivfel lämnar ändå kvar "
     "personens nummer); det får inte finnas i denna kolumn"),
    (r"an Excel error value, not data \(correct the formula or type the value in the workbook\)",
     "ett felvärde från Excel, inte data (rätta formeln eller skriv in värdet i arbetsboken)"),
    (r"a formula without a saved value \(the program that wrote the workbook did not compute it: open it in "
     r"Excel or LibreOffice and save it\)",
     "en formel utan sparat värde (programmet som skrev arbetsboken räknade inte ut den: öppna den i Excel "
     "eller LibreOffice och spara den)"),
)


#: Reject reasons in the report's English: the words of the report for the code names of
#: ``Network.rejects`` (episode_id, as_of).
_REASONS_EN: tuple[tuple[str, str], ...] = (
    (r"\(the year of as_of\)", "(the year of the extraction date)"),
    (r"\bas_of\b", "the extraction date"),
    (r"\bduplicate episode_id\b", "the same enrolment id twice"),
    (r"\bepisode(s?)\b", r"enrolment\1"),
)


def reason_label(reason: str, lang: str = "en") -> str:
    """Return a reject reason in ``lang`` (several reasons of a row are each translated).

    Parts without a translation are left as they are (in English). A date format is
    shown as a reader writes it (``DD/MM/YYYY``, Swedish ``DD/MM/ÅÅÅÅ``; not
    ``%d/%m/%Y = 01/03/2024``, whose example could be 1 March or 3 January: the profile's
    spelling, for the data owner, stays in ``Network.rejects``). In English
    the code names give way to the report's words ("the same enrolment id twice in the
    unit" for "duplicate episode_id in the unit").
    """
    if not isinstance(reason, str):
        return reason
    reason = _FORMAT_CODE.sub(lambda found: _date_format(found, lang), reason)
    if _index(lang) == 0:
        for pattern, words in _REASONS_EN:
            reason = re.sub(pattern, words, reason)
        return reason
    for pattern, swedish in _REASONS_SV:  # longer reasons before their prefixes
        reason = re.sub(pattern, swedish, reason)
    return reason
