"""A result's ``method`` as a table's caption names it, in the report's language.

A result's ``method`` column is English and stable: programs and the CSV and Parquet
tables read it. A caption names it as a reader knows it: a parameter's value by its
proper name (``wilson`` is "Wilson score interval"), the case-mix variables by the
methods section's words for them (``referral`` is "who referred them"), and in Swedish in Swedish, with
the Swedish decimal mark.

A method is split into its clauses (at "; " outside brackets), and each clause is looked
up in :data:`_CLAUSES`. In English, a clause not there is shown as it is. In Swedish,
:func:`method_name` gives None for a method with such a clause (a result made by a newer
function, or by hand), and the caption says its text is in English.
"""

from __future__ import annotations

import re

from ..compare.riskadjust import _NOT_ADJUSTABLE, _ONE_UNIT, _PREDICTED, _UNIT_PREDICTED
from ..labels import column_label

__all__ = ["method_name", "CASEMIX_WORDS"]

#: The risk model's variables as the methods section and the captions name them, in
#: DEFAULT_CASEMIX's order (a caption named them as table headers: "referred by" in a list).
CASEMIX_WORDS = {
    "age_band": {"en": "age band", "sv": "åldersgrupp"},
    "gender": {"en": "gender", "sv": "kön"},
    "born_abroad": {"en": "born abroad", "sv": "utrikes född"},
    "readiness": {"en": "assessed distance to the labour market", "sv": "bedömd arbetsmarknadsnärhet"},
    "referral": {"en": "who referred them", "sv": "vem som remitterat"},
    "prior_welfare_months": {"en": "months on welfare in the year before",
                             "sv": "månader med försörjningsstöd året före"},
}

#: (clause, English, Swedish): a regular expression that matches a whole clause, and the
#: caption's texts (None in English: the clause as it is). The texts' fields are the
#: expression's named groups, written by their names' rule (:func:`_field`).
_CLAUSES: tuple[tuple[str, str | None, str], ...] = (
    # outcome_rate and breakdowns: the interval parameter's values (metrics._binomial)
    (r"wilson", "Wilson score interval", "Wilsons intervall"),
    (r"clopper_pearson", "Clopper–Pearson (exact) interval", "Clopper–Pearsons exakta intervall"),
    (r"jeffreys", "Jeffreys interval", "Jeffreys intervall"),
    (r"agresti_coull", "Agresti–Coull interval", "Agresti–Coulls intervall"),
    (r"Wilson", "Wilson score interval", "Wilsons intervall"),
    # welfare_delta, mean_difference
    (r"t", "t interval", "t-intervall"),
    (r"did-welch-t", "difference in differences, Welch t interval", "skillnad i skillnader, Welchs t-intervall"),
    (r"welch-t", "Welch t interval", "Welchs t-intervall"),
    (r"pooled-t", "t interval, pooled variance", "t-intervall med poolad varians"),
    (r"bootstrap-bca \(n_boot=(?P<n>\d+), seed=(?P<seed>\d+)\)",
     "BCa bootstrap interval ({n} resamples, seed {seed})", "BCa-bootstrapintervall ({n} dragningar, slumpfrö {seed})"),
    (r"bootstrap-percentile \(n_boot=(?P<n>\d+), seed=(?P<seed>\d+)\)",
     "percentile bootstrap interval ({n} resamples, seed {seed})",
     "percentilbootstrapintervall ({n} dragningar, slumpfrö {seed})"),
    (r"did-bootstrap-bca \(n_boot=(?P<n>\d+), seed=(?P<seed>\d+)\)",
     "difference in differences, BCa bootstrap interval ({n} resamples, seed {seed})",
     "skillnad i skillnader, BCa-bootstrapintervall ({n} dragningar, slumpfrö {seed})"),
    (r"did-bootstrap-percentile \(n_boot=(?P<n>\d+), seed=(?P<seed>\d+)\)",
     "difference in differences, percentile bootstrap interval ({n} resamples, seed {seed})",
     "skillnad i skillnader, percentilbootstrapintervall ({n} dragningar, slumpfrö {seed})"),
    # durations
    (r"Kaplan-Meier median", None, "Kaplan–Meier-median"),
    (r"Brookmeyer-Crowley CI, log-log \(cloglog\) transform", None,
     "Brookmeyer–Crowleys konfidensintervall, log-log-transformerat (cloglog)"),
    (r"Aalen-Johansen cumulative incidence, other exits competing", None,
     "Aalen–Johansens kumulativa incidens, med andra avslut som konkurrerande risker"),
    (r"delta-method SE", None, "standardfel med deltametoden"),
    (r"log-log CI \(Clopper-Pearson on the effective sample size at 0 or 1\)", None,
     "konfidensintervall på log-log-skala (Clopper–Pearson på den effektiva urvalsstorleken vid 0 eller 1)"),
    # retention, reentry
    (r"follow-up status at (?P<n>\d+) days \(±(?P<tolerance>\d+)\), complete case",
     "follow-up status at {n} days (±{tolerance} days), complete case",
     "status vid uppföljningen {n} dagar efter avslut (±{tolerance} dagar), bara de som svarat"),
    (r"register: no welfare payment in the months up to (?P<n>\d+) days after exit", None,
     "register: ingen utbetalning av försörjningsstöd under månaderna fram till {n} dagar efter avslut"),
    (r"new episode in any unit within (?P<n>\d+) days of exit", None,
     "ny inskrivning i någon enhet inom {n} dagar efter avslut"),
    (r"spells merged at gaps < (?P<n>\d+) days", None,
     "inskrivningar med mindre än {n} dagars uppehåll emellan räknas som en"),
    # pairwise, trend
    (r"Newcombe hybrid score CI", None, "Newcombes hybrida score-intervall"),
    (r"Miettinen-Nurminen score test", None, "Miettinen–Nurminens score-test"),
    (r"Holm adjustment", None, "Holms justering för flera jämförelser"),
    (r"Benjamini-Hochberg adjustment", None, "Benjamini–Hochbergs justering för flera jämförelser"),
    (r"no adjustment", None, "ingen justering för flera jämförelser"),
    (r"change from the previous year with Newcombe hybrid score CI", None,
     "förändring från föregående år med Newcombes hybrida score-intervall"),
    (r"(?P<year>\d{4}): data from (?P<date>[\d-]+), so its exits lack any episodes enrolled before", None,
     "{year}: data från {date}, så årets avslut saknar inskrivningar som började före dess"),
    (r"(?P<year>\d{4}): exits to (?P<date>[\d-]+) only", None, "{year}: bara avslut till och med {date}"),
    (r"smallest detectable rise, two-sided alpha=(?P<x_alpha>\S+), power=(?P<x_power>\S+), Cohen's h=(?P<x_h>\S+)",
     None, "minsta ökning som kan upptäckas, tvåsidigt α = {x_alpha}, styrka {x_power}, Cohens h = {x_h}"),
    (r"smallest detectable fall, two-sided alpha=(?P<x_alpha>\S+), power=(?P<x_power>\S+), Cohen's h=(?P<x_h>\S+)",
     None, "minsta minskning som kan upptäckas, tvåsidigt α = {x_alpha}, styrka {x_power}, Cohens h = {x_h}"),
    # funnel
    (r"exact binomial limits", None, "exakta binomialgränser"),
    (r"exact Poisson limits", None, "exakta Poissongränser"),
    (r"multiplicative overdispersion, phi = (?P<x_phi>\S+) \(10% winsorised z-scores\)",
     "multiplicative overdispersion, φ = {x_phi} (z-scores winsorised at 10 % in each tail)",
     "multiplikativ överspridning, φ = {x_phi} (z-värden winsoriserade vid 10 % i varje svans)"),
    (r"additive overdispersion, DerSimonian-Laird tau2 = (?P<x_tau2>\S+) \(phi = (?P<x_phi>\S+)\)",
     "additive overdispersion, DerSimonian–Laird τ² = {x_tau2} (φ = {x_phi})",
     "additiv överspridning, DerSimonian–Lairds τ² = {x_tau2} (φ = {x_phi})"),
    (r"(?P<kind>multiplicative|additive) overdispersion requested, not applied: (?P<n>\d+) units, "
     r"fewer than (?P<fewest>\d+)", None,
     "{kind} överspridning begärd men inte tillämpad: {n} enheter, färre än {fewest}"),
    (r"(?P<kind>multiplicative|additive) overdispersion requested, phi = (?P<x_phi>\S+) <= 1, not applied",
     "{kind} overdispersion requested, φ = {x_phi} ≤ 1, not applied",
     "{kind} överspridning begärd, φ = {x_phi} ≤ 1, inte tillämpad"),
    # risk_adjusted
    (r"indirect standardisation, logistic GLM on (?P<casemix>.+)",
     "indirect standardisation, logistic GLM on {casemix}",
     "indirekt standardisering, logistisk regression (GLM) på {casemix}"),
    (r"exits with (?P<variable>\w+) unknown: the GLM of the other variables, fitted on every exit",
     "exits whose {variable} are unknown: the GLM of the other variables, fitted on every exit",
     "avslut där {variable} är okända: regressionen på de övriga variablerna, skattad på alla avslut"),
    (r"exact Poisson CI", None, "exakt Poissonintervall"),
    (re.escape(_NOT_ADJUSTABLE), None,
     "kan inte justeras: modellens förväntade antal för enhetens avslut skulle bli lika med det observerade "
     "(bakgrundsvariablernas nivåer, enhetens egna eller andra enheters, särskiljer dess avslut)"),
    (re.escape(_ONE_UNIT), None,
     "kan inte justeras: den enda enheten med avslut, så dess förväntade antal är lika med det observerade"),
    (re.escape(_UNIT_PREDICTED), None,
     "kan inte justeras: bakgrundsvariablerna förutsäger utfallet för vart och ett av enhetens avslut (nivåer där "
     "alla avslut, eller inget, räknas till utfallet), så dess förväntade antal är lika med det observerade"),
    (re.escape(_PREDICTED), None,
     "kan inte justeras: bakgrundsvariablerna förutsäger varje avsluts utfall (samma utfall för alla, eller nivåer "
     "som skiljer dem åt), så varje enhets förväntade antal är lika med dess observerade"),
    # shrink, rank_intervals
    (r"beta-binomial empirical Bayes, ML prior Beta\((?P<x_alpha>[^,]+), (?P<x_beta>[^)]+)\)",
     "beta-binomial empirical Bayes, ML prior Beta({x_alpha}, {x_beta})",
     "empirisk Bayes med beta-binomialmodell, ML-skattad prior Beta({x_alpha}; {x_beta})"),
    (r"intervals over (?P<n>\d+) bootstrap priors \(Laird & Louis; seed=(?P<seed>\d+)\)",
     "intervals over {n} bootstrap priors (Laird & Louis; seed {seed})",
     "intervall över {n} bootstrappade priorer (Laird & Louis; slumpfrö {seed})"),
    (r"prior taken as known \(intervals too narrow with few units\)", None,
     "priorn behandlad som känd (intervallen blir för smala med få enheter)"),
    (r"no overdispersion: full shrinkage to the pooled rate", None,
     "ingen överspridning: full krympning mot den sammanvägda andelen"),
    (r"simulation from beta-binomial posteriors \(n_sim=(?P<n>\d+), seed=(?P<seed>\d+)\)",
     "simulation from beta-binomial posteriors ({n} draws, seed {seed})",
     "simulering från beta-binomiala posteriorfördelningar ({n} dragningar, slumpfrö {seed})"),
    # cost
    (r"annual cost x (?P<x_years>\S+) years / count", "annual cost × {x_years} years / count",
     "årskostnad × {x_years} år / antal"),
    (r"exact Poisson \(Garwood\) CI of the count, cost known", None,
     "exakt Poissonintervall (Garwood) för antalet, kostnaden känd"),
)
_COMPILED = tuple((re.compile(pattern), en, sv) for pattern, en, sv in _CLAUSES)
#: The words of a field whose value is a code: the overdispersion models in Swedish.
_KINDS_SV = {"multiplicative": "multiplikativ", "additive": "additiv"}
#: Two names joined by a hyphen in a method text (Kaplan-Meier), which a caption joins by an
#: en dash as the page's prose does (Kaplan–Meier).
_NAME_PAIR = re.compile(r"\b([A-Z][A-Za-z]+)-([A-Z][a-z]+)\b")
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _clauses(method: str) -> list[str]:
    """``method`` split at each "; " outside brackets (a clause's own brackets may hold one)."""
    clauses, depth, start = [], 0, 0
    for at, char in enumerate(method):
        depth += (char == "(") - (char == ")")
        if depth == 0 and method.startswith("; ", at):
            clauses.append(method[start:at])
            start = at + 2
    return clauses + [method[start:]]


def _number(text: str, decimal: str) -> str:
    """A number of a method text with ``decimal``; 3.31e+03 (``%.3g``) as 3 310, 1.41e-05 as 1.41×10⁻⁵."""
    mantissa, _, exponent = text.partition("e")
    if exponent and 0 <= int(exponent) < 6:
        return f"{float(text):,.0f}".replace(",", "\u202f").replace("-", "\u2212")
    mantissa = mantissa.replace(".", decimal).replace("-", "\u2212")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}" if exponent else mantissa


def _field(name: str, value: str, lang: str, decimal: str) -> str:
    """A named group's value as a caption writes it: ``n`` a whole number with thin-space
    thousands, ``x_…`` a number with ``decimal``, ``variable`` and ``casemix`` (a list of
    them, or "no case-mix") by the report's words, ``kind`` in ``lang``; others as they are."""
    if name == "n":
        return f"{int(value):,}".replace(",", "\u202f")
    if name.startswith("x_"):
        return _number(value, decimal)
    if name == "variable":
        return _variable(value, lang)
    if name == "casemix":
        if value == "no case-mix":
            return "inga bakgrundsvariabler" if lang == "sv" else value
        return ", ".join(_variable(v, lang) for v in value.split(", "))
    if name == "kind" and lang == "sv":
        return _KINDS_SV[value]
    return value


def _variable(name: str, lang: str) -> str:
    """A case-mix variable as the methods section names it (another, chosen by the user, by its label)."""
    return CASEMIX_WORDS[name][lang] if name in CASEMIX_WORDS else column_label(name, lang)


def _clause_name(clause: str, lang: str, decimal: str) -> str | None:
    for pattern, en, sv in _COMPILED:
        found = pattern.fullmatch(clause)
        if found is not None:
            text = sv if lang == "sv" else en
            if text is None:
                return clause
            return text.format(**{k: _field(k, v, lang, decimal) for k, v in found.groupdict().items()})
    return None if lang == "sv" else clause


def method_name(method: str, lang: str = "en", decimal: str = ".") -> str | None:
    """``method`` (a result's ``method`` value) as a caption names it in ``lang``, with the
    decimal mark ``decimal``; None in Swedish when a clause has no Swedish text.

    >>> method_name("follow-up status at 90 days (±30), complete case; Wilson", "sv", ",")
    'status vid uppföljningen 90 dagar efter avslut (±30 dagar), bara de som svarat; Wilsons intervall'
    >>> method_name("Kaplan-Meier median; Brookmeyer-Crowley CI, log-log (cloglog) transform")
    'Kaplan–Meier median; Brookmeyer–Crowley CI, log-log (cloglog) transform'
    """
    names = [_clause_name(clause, lang, decimal) for clause in _clauses(method)]
    return None if None in names else _NAME_PAIR.sub("\\1–\\2", "; ".join(names))
