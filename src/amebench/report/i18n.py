"""Labels and texts of the benchmark report in English and Swedish."""

from __future__ import annotations

from ..exceptions import AmebenchError

__all__ = ["LANGUAGES", "texts"]

LANGUAGES = ("en", "sv")

_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Benchmark of labour-market units", "sv": "Jämförelse av arbetsmarknadsenheter"},
    "generated": {
        "en": "Network {name}; {period}, {observed}; outcome: {outcome}; amebench {version}.",
        "sv": "Nätverk {name}; {period}, {observed}; utfall: {outcome}; amebench {version}.",
    },
    "generated_unnamed": {  # a network left with from_frames' default name ("Network network")
        "en": "{period}, {observed}; outcome: {outcome}; amebench {version}.",
        "sv": "{period}, {observed}; utfall: {outcome}; amebench {version}.",
    },
    "enrol_start": {"en": "enrolments from {first}", "sv": "inskrivningar från {first}"},
    "exit_period": {"en": "exits from {first} to {last}", "sv": "avslut från {first} till {last}"},
    "no_exits": {"en": "no exits yet", "sv": "inga avslut ännu"},
    "extracted": {"en": "data extracted {as_of}", "sv": "data uttagna {as_of}"},
    "observed_until": {
        "en": "observed up to {as_of} (data extracted {extracted})",
        "sv": "observerat till och med {as_of} (data uttagna {extracted})",
    },
    "contents": {"en": "Contents", "sv": "Innehåll"},
    "unfinished": {  # the page while the tables and figures are written, left by a run cut off
        "en": "This report is being written, or the run that wrote it was stopped before it finished: its tables "
        "and figures may be incomplete. Run amebench benchmark (or benchmark_report) again to write it in full.",
        "sv": "Rapporten skrivs, eller så avbröts körningen innan den var klar: tabellerna och figurerna kan vara "
        "ofullständiga. Kör amebench benchmark (eller benchmark_report) igen för att skapa hela rapporten.",
    },
    "suppression": {
        "en": "Disclosure control: counts from 1 to {below} are not shown (zeros are), nor anything "
        "computed from them; where a total published anywhere in the report would reveal a hidden "
        "count, a second count is hidden too. {hidden} rows of the tables below have hidden cells, shown as “..”; "
        "an empty cell has no value (no data, or not defined for that row).",
        "sv": "Röjandekontroll: antal från 1 till {below} visas inte (nollor visas), och inte heller "
        "något som beräknats ur dem; där en totalsumma någonstans i rapporten skulle avslöja ett dolt "
        "antal döljs ytterligare ett. {hidden} rader i tabellerna nedan har dolda celler, som visas som ”..” "
        "(som i SCB:s tabeller: uppgiften redovisas inte); "
        "en tom cell saknar värde (inga data, eller inte definierat för raden).",
    },
    "workbook_meta": {
        "en": "Every table is also in the workbook report.xlsx beside this page, for a spreadsheet (as many rows "
        "as this page shows, and the section's notes), and in the folder tables/ as CSV and Parquet, for "
        "programs (every row).",
        "sv": "Alla tabeller finns också i arbetsboken report.xlsx bredvid sidan, för kalkylprogram (lika många "
        "rader som sidan visar, och avsnittets anmärkningar), och i mappen tables/ som CSV och Parquet, för "
        "andra program (alla rader).",
    },
    "suppression_off": {
        "en": "Disclosure control is off (minimum cell size 1): every count is shown. Do not publish this report.",
        "sv": "Röjandekontrollen är avstängd (minsta cellstorlek 1): alla antal visas. Publicera inte denna rapport.",
    },
    # section titles
    "summary": {"en": "Summary", "sv": "Sammanfattning"},
    "summary_network": {
        "en": "Of the network's {n} exits{period}, {rate} were to {outcome} (95 % confidence interval {low} to "
        "{high}).",
        "sv": "Av nätverkets {n} avslut{period} gick {rate} till {outcome} (95 % konfidensintervall {low} till "
        "{high}).",
    },
    "summary_period": {"en": " from {first} to {last}", "sv": " från {first} till {last}"},
    "summary_range": {
        "en": "The units' raw rates range from {low} ({low_units}) to {high} ({high_units}); a raw rate reflects "
        "whom a unit serves as well as what it does.",
        "sv": "Enheternas ojusterade andelar går från {low} ({low_units}) till {high} ({high_units}); en ojusterad "
        "andel speglar vilka en enhet tar emot, inte bara vad den gör.",
    },
    "summary_within_adjusted": {
        "en": "After risk adjustment, every unit compared that could be adjusted lies within the 95 % limits of the "
        "funnel plot{limits}{end}",
        "sv": "Efter riskjustering ligger alla jämförda enheter som kunde riskjusteras inom trattdiagrammets "
        "95 %-gränser{limits}{end}",
    },
    "summary_outside_adjusted": {
        "en": "After risk adjustment, outside the 95 % limits of the funnel plot{limits}: {parts}.{others}{end}",
        "sv": "Efter riskjustering, utanför trattdiagrammets 95 %-gränser{limits}: {parts}.{others}{end}",
    },
    "summary_others_adjusted": {"en": " The other units compared that could be adjusted lie within them.",
                                "sv": " Övriga jämförda enheter som kunde riskjusteras ligger inom dem."},
    "summary_within_raw": {
        "en": "Every unit compared lies within the 95 % limits of the funnel plot of raw rates (not risk-adjusted: "
        "no unit's participants could be adjusted for){limits}{end}",
        "sv": "Varje jämförd enhet ligger inom 95 %-gränserna i trattdiagrammet för ojusterade andelar (inte "
        "riskjusterade: ingen enhets deltagare gick att justera för){limits}{end}",
    },
    "summary_outside_raw": {
        "en": "Outside the 95 % limits of the funnel plot of raw rates (not risk-adjusted: no unit's participants "
        "could be adjusted for){limits}: {parts}.{others}{end}",
        "sv": "Utanför 95 %-gränserna i trattdiagrammet för ojusterade andelar (inte riskjusterade: ingen enhets "
        "deltagare gick att justera för){limits}: {parts}.{others}{end}",
    },
    "summary_others_raw": {"en": " The other units compared lie within them.",
                           "sv": " Övriga jämförda enheter ligger inom dem."},
    # what the limits of the summary's funnel allow for: widened (phi > 1), not widened (phi <= 1),
    # or phi not estimated (too few units); methods review 2026-12-07: one wording for all three
    # said that units which vary more than chance "may differ by chance"
    "summary_limits_widened": {
        "en": ", which are widened because the units differ more than chance alone would make them (φ = {phi})",
        "sv": ", som är vidgade eftersom enheterna skiljer sig mer än slumpen ensam skulle ge (φ = {phi})",
    },
    "summary_limits_chance": {
        "en": ", which are not widened, as the units vary no more than the limits allow for (φ = {phi})",
        "sv": ", som inte är vidgade, eftersom enheterna inte varierar mer än gränserna tillåter (φ = {phi})",
    },
    "summary_limits_few": {
        "en": ", which with {units} units are not widened for spread between units (too few to estimate it)",
        "sv": ", som med {units} enheter inte är vidgade för spridning mellan enheter (för få för att skatta den)",
    },
    "summary_within_widened": {
        "en": ": no unit stands out from the usual spread between units.",
        "sv": ": ingen enhet sticker ut från den vanliga spridningen mellan enheter.",
    },
    "summary_within_chance": {
        "en": ": no unit stands out.",
        "sv": ": ingen enhet sticker ut.",
    },
    "summary_outside_few": {
        "en": " With so few units, a unit outside them may differ only as much as units usually do.",
        "sv": " Med så få enheter kan en enhet utanför dem skilja sig bara så mycket som enheter brukar.",
    },
    "summary_answer": {
        "en": " This funnel is the report's answer to whether a unit stands out from the others; an "
        "observed/expected interval that excludes 1, or a pairwise difference whose interval excludes 0, does not "
        "allow for that spread.",
        "sv": " Tratten är rapportens svar på om en enhet sticker ut från de andra; ett intervall för "
        "observerat/förväntat som utesluter 1, eller en parvis skillnad vars intervall utesluter 0, tar inte "
        "hänsyn till den spridningen.",
    },
    "summary_answer_raw": {
        "en": " This funnel is the report's answer to whether a unit stands out from the others; a pairwise "
        "difference whose interval excludes 0 does not allow for that spread.",
        "sv": " Tratten är rapportens svar på om en enhet sticker ut från de andra; en parvis skillnad vars "
        "intervall utesluter 0 tar inte hänsyn till den spridningen.",
    },
    "summary_above": {"en": "above them (more exits to {outcome} than expected), {units}",
                      "sv": "över dem (fler avslut till {outcome} än förväntat), {units}"},
    "summary_below": {"en": "below them (fewer exits to {outcome} than expected), {units}",
                      "sv": "under dem (färre avslut till {outcome} än förväntat), {units}"},
    # the raw funnel's limits are around the network's rate: nothing is "expected" there
    "summary_above_raw": {"en": "above them (a higher rate than the network's), {units}",
                          "sv": "över dem (högre andel än nätverkets), {units}"},
    "summary_below_raw": {"en": "below them (a lower rate than the network's), {units}",
                          "sv": "under dem (lägre andel än nätverkets), {units}"},
    "summary_reversed": {
        "en": "For some units risk adjustment points the other way than the raw rates, by their observed/expected "
        "intervals (see Funnel plots; these intervals do not allow for the spread between units): {parts}",
        "sv": "För några enheter ger riskjusteringen motsatt bild jämfört med de ojusterade andelarna, enligt "
        "intervallen för observerat/förväntat (se Trattdiagram; de intervallen tar inte hänsyn till spridningen "
        "mellan enheter): {parts}",
    },
    "summary_welfare": {
        "en": "The changes in welfare payments compare the months before and after taking part; they do not "
        "measure the effect of the units' work, and their sum is not a saving.",
        "sv": "Förändringarna av försörjningsstöd jämför månaderna före och efter deltagandet; de mäter inte "
        "effekten av enheternas arbete, och deras summa är ingen besparing.",
    },
    "quality": {"en": "Data quality", "sv": "Datakvalitet"},
    "quality_text": {
        "en": "Every row of every file is either loaded or rejected with a reason: rows read = "
        "rows loaded + rows rejected. “Rows repeating an earlier row” counts loaded rows equal in every column "
        "to an earlier loaded row of the file: kept (the same sum may be paid twice in a month), but worth a look. "
        "Small "
        "counts are hidden here as everywhere in the report; "
        "the command “amebench validate” shows the data owner every count, line and reason.",
        "sv": "Varje rad i varje fil har antingen godkänts och lästs in eller avvisats med ett skäl: rader i filen "
        "= godkända + avvisade. ”Rader som upprepar en tidigare rad” räknar godkända rader som i varje kolumn är "
        "lika med en tidigare godkänd rad i filen: de behålls (samma belopp kan betalas ut två gånger en månad), men "
        "är värda en kontroll. Små antal döljs här som överallt i rapporten; "
        "kommandot ”amebench validate” visar dataägaren varje antal, rad och skäl.",
    },
    "rejects_by_reason": {"en": "Rejected rows by reason", "sv": "Avvisade rader per skäl"},
    "flow": {"en": "Participant flow", "sv": "Deltagarflöde"},
    "flow_text": {
        "en": "The figure shows the participants active at the end of each month; the table file "
        "tables/flows.csv also holds each month's enrolments (inflow) and exits (outflow). The counts start with "
        "the first enrolment in the data: people enrolled earlier and still active are not in them, so when an "
        "export holds only the enrolments from some month on, its first months show the data filling up, not "
        "growth.",
        "sv": "Figuren visar de aktiva deltagarna vid varje månads slut; tabellfilen tables/flows.csv "
        "innehåller även varje månads inskrivningar (inflöde) och avslut (utflöde). Antalen börjar med den "
        "första inskrivningen i underlaget: de som skrevs in tidigare och fortfarande är aktiva finns inte med, så "
        "när ett uttag bara innehåller inskrivningarna från och med en viss månad visar de första månaderna att data "
        "fylls "
        "på, inte att enheten växer.",
    },
    "flow_text_total": {
        "en": "The figure shows the participants active at the end of each month, summed over the network's "
        "{units} units (counts hidden by disclosure control are not in the sum; a unit whose data start later is "
        "in it from its first month); the table file tables/flows.csv holds every unit's months, with each month's "
        "enrolments (inflow) and exits (outflow).",
        "sv": "Figuren visar de aktiva deltagarna vid varje månads slut, summerat över nätverkets {units} enheter "
        "(antal som döljs av röjandekontrollen ingår inte i summan; en enhet vars data börjar senare ingår från "
        "sin första månad); tabellfilen tables/flows.csv innehåller varje enhets månader, med varje månads "
        "inskrivningar (inflöde) och avslut (utflöde).",
    },
    "exit_reasons": {"en": "Exit reasons", "sv": "Avslutsorsaker"},
    "outcome": {"en": "Outcome at exit", "sv": "Utfall vid avslut"},
    "outcome_text": {
        "en": "Share of exits to {outcome} (Wilson 95 % interval). {definition} "
        "The second table gives the whole network's share by the participants' age at enrolment, gender and "
        "country of birth: raw shares, which say where each group's exits went, not what a unit did for them "
        "(units serve different groups; the risk adjustment below takes that into account).",
        "sv": "Andel avslut till {outcome} (Wilsons 95 %-intervall). "
        "{definition} Den andra tabellen visar hela nätverkets andel efter deltagarnas ålder vid inskrivningen, "
        "kön och födelseland: ojusterade andelar, som säger vart varje grupps avslut gick, inte vad en enhet "
        "gjorde för dem (enheterna har olika deltagare; riskjusteringen längre ned tar hänsyn till det).",
    },
    "outcome_definition": {
        "en": "The outcome “{outcome}” counts the exit reasons {reasons}.",
        "sv": "Utfallet ”{outcome}” räknar avslutsorsakerna {reasons}.",
    },
    "outcome_definition_one": {
        "en": "The outcome “{outcome}” counts the exit reason {reasons}.",
        "sv": "Utfallet ”{outcome}” räknar avslutsorsaken {reasons}.",
    },
    "outcome_not_programme": {
        "en": "Municipal programme jobs (exit reason “{programme}”, e.g. extratjänst) do not count.",
        "sv": "Kommunala anställningar som insats (avslutsorsak ”{programme}”, t.ex. extratjänst) räknas inte.",
    },
    "more_units": {"en": "{n} more units", "sv": "{n} enheter till"},
    "more_items": {"en": "{n} more", "sv": "{n} till"},
    "word_and": {"en": "and", "sv": "och"},
    "word_or": {"en": "or", "sv": "eller"},
    "retention": {"en": "Still in {outcome} 90 days after exit", "sv": "Kvar i {outcome} 90 dagar efter avslut"},
    "retention_text": {
        "en": "Retention: the share of exits to {outcome} after which the person is still in {outcome} 90 days "
        "later, among those who answered the follow-up (it assumes that those who did not answer are like those "
        "who did; the worst and best cases do not). Only exits at least 90 days before the extraction date count "
        "(Observable); later exits are "
        "censored. The worst case counts every non-respondent as no longer in {outcome}, the best case as still in "
        "it; both are shares of these counts with no interval of their own, so the interval of the share "
        "among those who answered can reach beyond them. An answer 60 to 120 days after the exit counts, so someone "
        "who left 90 to 120 days before the extraction date and has not yet answered may still be surveyed; "
        "until then they count as a non-respondent.",
        "sv": "Andelen av dem som avslutats till {outcome} som fortfarande är i {outcome} 90 dagar efter "
        "avslutet, bland dem som besvarat uppföljningen (det förutsätter att de som inte svarat liknar dem som "
        "svarat; sämsta och bästa fallet gör det inte). Bara avslut minst 90 dagar före uttagsdatum räknas "
        "(Observerbara); senare avslut är "
        "censurerade. Sämsta fallet räknar alla som inte svarat som inte längre i {outcome}, bästa fallet som "
        "fortfarande i {outcome}; båda är andelar av dessa antal utan eget intervall, så intervallet för "
        "andelen bland de svarande kan sträcka sig utanför dem. Ett svar 60–120 dagar efter avslutet räknas: den som "
        "avslutades 90–120 dagar före uttagsdatum och ännu inte har svarat kan fortfarande få enkäten, och "
        "räknas till dess bland dem som inte svarat (Ej svarande).",
    },
    "reentry": {"en": "Re-enrolment within 365 days", "sv": "Återinskrivning inom 365 dagar"},
    "reentry_text": {
        "en": "Share of people who left a unit and were enrolled again, in any unit of the network, within 365 "
        "days (an enrolment on the day of the exit, a transfer, counts too). Only exits at least 365 days before "
        "the extraction date count; later exits are censored (not yet observable).",
        "sv": "Andel av de personer som avslutats från en enhet och som fick en ny inskrivning i någon av "
        "nätverkets enheter inom "
        "365 dagar (även en inskrivning samma dag som avslutet, en överföring, räknas). Bara avslut minst 365 "
        "dagar före uttagsdatum räknas; senare avslut är censurerade.",
    },
    "reentry_365": {"en": "Re-enrolment within 365 days of exit", "sv": "Återinskrivning inom 365 dagar efter avslut"},
    "welfare": {"en": "Change in welfare payments", "sv": "Förändring av försörjningsstöd"},
    "welfare_text": {
        "en": "Mean monthly welfare payments (försörjningsstöd) in the 6 full months after the exit month minus "
        "the 6 full months "
        "before the enrolment month (negative = lower payments), per household: a participant's household, or the "
        "person when no household is known. A household with two participants counts once, from its last exit: the "
        "column Households counts every household the report covers, in the unit of its last exit (a household "
        "that has not left: of its latest enrolment), so a household that took part in two units counts in only one of "
        "them. Only "
        "households that have left and whose 6 "
        "months before and 6 months after both lie within the payment data (Observable) enter the means; the rest "
        "(still enrolled, or left too recently) are censored. “No payment after” is the share of observable "
        "households with no payment at all in the 6 months after (with a Wilson 95 % interval; the means' intervals "
        "are bootstrap intervals). Amounts are in SEK (kronor) as paid, not adjusted "
        "for prices (the national norm, riksnormen, rises most years, so the after months are assessed against a "
        "higher norm). The column "
        "“Sum of before/after changes” is the "
        "monthly change summed over the observable households, times 6 months; it is not a saving. A before/after "
        "change is not the effect of the programme: people often enrol when their payments are highest, and "
        "payments fall for many without any programme (regression to the mean).",
        "sv": "Genomsnittligt försörjningsstöd per månad de 6 hela månaderna efter avslutsmånaden "
        "minus de 6 hela månaderna före inskrivningsmånaden (negativt = lägre utbetalningar), per "
        "hushåll: deltagarens hushåll, eller personen själv när inget hushåll är känt. Ett hushåll med "
        "två deltagare räknas en gång, från sitt senaste avslut: kolumnen Hushåll räknar varje hushåll som "
        "rapporten omfattar, i enheten för dess senaste avslut (ett hushåll utan något avslut: enheten för dess "
        "senaste "
        "inskrivning), så ett hushåll som deltagit i två enheter räknas bara i en av dem. Bara "
        "de som har avslutats och vars båda perioder ligger inom utbetalningsdata (Observerbara) ingår "
        "i medelvärdena; övriga (fortfarande inskrivna, eller nyss avslutade) är censurerade. ”Utan "
        "försörjningsstöd efter” är andelen observerbara hushåll utan någon utbetalning alls de 6 månaderna efter "
        "(med Wilsons "
        "95 %-intervall; medelvärdenas intervall är bootstrapintervall). "
        "Beloppen är i kronor som de betalades ut (löpande priser), inte prisjusterade (riksnormen höjs de "
        "flesta år, så månaderna efter räknas fram enligt en högre norm). "
        "Summan av "
        "förändringar före–efter är månadsförändringen summerad över de observerbara hushållen, gånger "
        "6 månader; den är ingen besparing. En förändring före/efter är inte insatsens effekt: "
        "många skrivs in när försörjningsstödet är som högst, och det sjunker för många även utan insats "
        "(regression mot medelvärdet).",
    },
    "durations": {"en": "Time from enrolment to exit", "sv": "Tid från inskrivning till avslut"},
    "table_durations": {"en": "Median time to exit and share exited to {outcome} by day 90, 180 and 365, per unit",
                        "sv": "Mediantid till avslut och andel avslutade till {outcome} senast dag 90, 180 och 365, "
                              "per enhet"},
    "durations_text": {
        "en": "Kaplan–Meier median number of days from enrolment to exit (enrolments still open at the extraction "
        "date are censored), and the cumulative share who exited to {outcome} within 90, 180 and 365 days, with "
        "other exits as competing risks. A median (or a limit of its interval) is “not reached” when fewer than "
        "half of the enrolments are estimated to have ended within the follow-up. Every enrolment counts, "
        "including those still open: in the median row, Exits counted are exits of any kind; in the 90-, 180- and "
        "365-day rows, they are exits to {outcome} by that day. The share by day 365 is an estimate for everyone "
        "enrolled that allows for those still enrolled, so it is not Exits counted divided by Enrolments, nor a "
        "share of those who left (that is the share under Outcome at exit).",
        "sv": "Mediantid i dagar från inskrivning till avslut, skattad med Kaplan–Meier (pågående censurerade), "
        "och kumulativ andel som avslutats till {outcome} inom 90, 180 respektive 365 dagar, med andra "
        "avslut som konkurrerande risker. En median (eller en gräns för dess intervall) är ”inte uppnådd” "
        "när färre än hälften av inskrivningarna beräknas ha avslutats inom uppföljningstiden. Alla "
        "inskrivningar räknas, även pågående: i medianraden räknar kolumnen ”Räknade avslut” avslut av alla "
        "slag; i raderna för 90, 180 och 365 dagar avslut till {outcome} fram till den dagen; de som är "
        "pågående vid uttaget censureras där. Andelen inom 365 dagar är en skattning för alla inskrivna som tar "
        "hänsyn till dem som ännu är inskrivna (alltså inte ”Räknade avslut” delat med Inskrivningar), inte en "
        "andel av de avslutade (som andelen under Utfall vid avslut).",
    },
    "funnel": {"en": "Funnel plots", "sv": "Trattdiagram"},
    "funnel_text": {
        "en": "Each unit's rate plotted against its size. A unit inside the funnel differs from the network by "
        "no more than chance (and, where the limits are widened, the usual spread between units) would give; a "
        "unit above the upper 95 % limit is marked with a purple triangle pointing up, one below the lower 95 % "
        "limit with an orange one pointing down.{figures} The standardised rate is observed/expected times the "
        "network's rate: a ratio on the rate's scale, not a share, so it and the upper limit of its interval can "
        "pass 100 %. The column z is a unit's distance from the target (the network's rate, or 1 for "
        "observed/expected) in standard errors, divided by √φ where the limits are widened; the position, not z, "
        "decides whether a unit lies outside them.",
        "sv": "Varje enhets andel mot dess storlek. Inom tratten skiljer sig enheten inte från nätverket mer "
        "än slumpen (och, där gränserna är vidgade, den vanliga spridningen mellan enheter) skulle ge; en enhet "
        "över den övre 95 %-gränsen markeras med en lila triangel som pekar uppåt, under den nedre 95 %-gränsen "
        "med en orange som pekar nedåt.{figures} Den standardiserade andelen är observerat/förväntat gånger "
        "nätverkets andel: ett förhållandetal uttryckt på andelens skala, ingen egentlig andel, så det och dess "
        "övre gräns kan överstiga 100 %. Kolumnen z är enhetens avstånd från målvärdet (nätverkets andel, eller "
        "1 för observerat/förväntat) i standardfel, delat med √φ där gränserna är vidgade; läget, inte z, avgör "
        "om en enhet ligger utanför dem.",
    },
    # the funnel section's figures, as drawn: raw rates only (no unit could be adjusted), also
    # the observed/expected funnel (every unit's O/E hidden), or all three
    "funnel_figures_raw": {"en": " The plot shows raw rates.", "sv": " Diagrammet visar ojusterade andelar."},
    "funnel_figures_adjusted": {
        "en": " The first plot shows raw rates, the second risk-adjusted observed/expected (1 = as many exits to "
        "{outcome} as the unit's participants would have had on average in the network).",
        "sv": " Först ojusterade andelar, sedan riskjusterat observerat/förväntat (1 = lika många avslut till "
        "{outcome} som enhetens deltagare skulle ha haft i genomsnitt i nätverket).",
    },
    "funnel_figures_all": {
        "en": " The first plot shows raw rates, the second risk-adjusted observed/expected (1 = as many exits to "
        "{outcome} as the unit's participants would have had on average in the network), the third each unit's "
        "observed/expected with its 95 % interval.",
        "sv": " Först ojusterade andelar, sedan riskjusterat observerat/förväntat (1 = lika många avslut till "
        "{outcome} som enhetens deltagare skulle ha haft i genomsnitt i nätverket), sist varje enhets "
        "observerat/förväntat med sitt 95 %-intervall.",
    },
    "riskadj": {"en": "Risk-adjusted comparison", "sv": "Riskjusterad jämförelse"},
    "pairwise": {"en": "Differences between units", "sv": "Skillnader mellan enheter"},
    "table_ranks": {"en": "Expected rank per unit, with its interval and the chances of the top and bottom quarter",
                    "sv": "Förväntad rang per enhet, med intervall och sannolikheten för översta och nedersta "
                          "fjärdedelen"},
    "table_pairwise": {"en": "Differences in rate: each pair, and each unit against the rest of the network",
                       "sv": "Skillnader i andel: varje par, och varje enhet mot övriga enheter"},
    "pairwise_text": {
        "en": "Difference in raw rate (not risk-adjusted), in percentage points (pp), with Newcombe's 95 % "
        "interval. The p-values are adjusted with Holm's method in two separate families: the pairs, and each unit "
        "against the rest of the network. Within each family the chance of any false positive finding (a difference "
        "declared where there is none) is at most 5 %; over "
        "both families together it can be higher. The intervals are not adjusted for the number of comparisons: a "
        "pair's interval can exclude 0 while its adjusted p is above 0.05. Nor do they allow for variation between "
        "units beyond chance (overdispersion), as the funnel plots' limits do when they are widened: two units "
        "can differ here and both lie within those limits.",
        "sv": "Skillnad i ojusterad andel (inte riskjusterad), i procentenheter (p.e.), med Newcombes 95 %-intervall. "
        "P-värdena är justerade med Holms metod i två separata familjer: paren, och varje enhet mot "
        "övriga. Inom varje familj är risken för minst ett falskt positivt fynd (en skillnad påvisad där ingen "
        "finns) högst 5 %; för båda familjerna "
        "tillsammans kan den vara högre. Intervallen är inte justerade för antalet jämförelser: ett pars "
        "intervall kan utesluta 0 fast dess justerade p är över 0,05. De tar inte heller hänsyn till variation "
        "mellan enheter utöver slumpen (överspridning), som trattdiagrammens gränser gör när de är vidgade: två "
        "enheter kan skilja sig åt här och ändå båda ligga inom de gränserna.",
    },
    "ranks": {"en": "Ranks of the raw rates (not risk-adjusted), with uncertainty",
              "sv": "Rangordning efter ojusterade andelar (inte riskjusterade), med osäkerhet"},
    "ranks_text": {
        "en": "Rank 1 = highest rate. The rates are first pulled towards the level common to the units compared "
        "(small units' rates the most) and then drawn many times within their uncertainty; the expected rank is a "
        "unit's mean rank "
        "over the draws, and the interval holds 95 % of its ranks. A rank is only meaningful together with its "
        "interval. The ranks are not risk-adjusted: a unit serving people far from the labour market ranks low (a "
        "high rank number) whatever it does; compare with the risk-adjusted observed/expected under Funnel plots.",
        "sv": "Rang 1 = högst andel. Andelarna dras mot de jämförda enheternas gemensamma nivå (krympning; en "
        "liten enhets andel dras mest) och simuleras "
        "många gånger utifrån osäkerheten i data; den förväntade rangen är enhetens genomsnittliga rang över "
        "dragningarna, och intervallet rymmer 95 % av dess rangplatser. En rang betyder bara något "
        "tillsammans med sitt intervall. Rangordningen är inte riskjusterad: en enhet vars deltagare står "
        "långt från arbetsmarknaden hamnar långt ner i rangordningen (högt rangnummer) vad den än gör; "
        "jämför med riskjusterat "
        "observerat/förväntat under Trattdiagram.",
    },
    "quarter_definition": {
        "en": "P(top quarter) is the chance of a rank in the top quarter of the units ranked, P(bottom quarter) "
        "in the bottom quarter; here the top quarter is {top} and the bottom quarter {bottom}.",
        "sv": "P(översta fjärdedelen) är sannolikheten för en rang i översta fjärdedelen av de rangordnade "
        "enheterna, P(nedersta fjärdedelen) i nedersta; här är översta fjärdedelen {top} och nedersta "
        "fjärdedelen {bottom}.",
    },
    "rank_one": {"en": "rank {rank} of {k}", "sv": "rang {rank} av {k}"},
    "rank_range": {"en": "ranks {first}–{last} of {k}", "sv": "rang {first}–{last} av {k}"},
    "methods": {"en": "Methods in plain language", "sv": "Metoderna i korthet"},
    # table titles
    "reconciliation": {"en": "Rows read, loaded and rejected per file",
                       "sv": "Rader per fil: totalt, godkända och avvisade"},
    "flows": {"en": "Monthly inflow, outflow and active participants",
              "sv": "Inflöde, utflöde och aktiva deltagare per månad"},
    "fig_flows": {"en": "Active participants at the end of each month", "sv": "Aktiva deltagare vid varje månads slut"},
    "fig_observed_expected": {"en": "Observed/expected with 95 % interval",
                              "sv": "Observerat/förväntat med 95 %-intervall"},
    "outcome_rates": {"en": "Share of exits to {outcome} per unit", "sv": "Andel avslut till {outcome} per enhet"},
    # the figure, copied into slides without the page around it, says what the rate is not
    "fig_outcome_rates": {"en": "Share of exits to {outcome} per unit (not risk-adjusted)",
                          "sv": "Andel avslut till {outcome} per enhet (inte riskjusterad)"},
    "outcome_by_group": {"en": "Share of exits to {outcome} by age, gender and country of birth (whole network)",
                         "sv": "Andel avslut till {outcome} efter ålder, kön och födelseland (hela nätverket)"},
    "retention_90": {"en": "Share still in {outcome} 90 days after exit, per unit",
                     "sv": "Andel kvar i {outcome} 90 dagar efter avslut, per enhet"},
    "welfare_delta": {"en": "Change in monthly welfare payments (SEK)",
                      "sv": "Förändring av månatligt försörjningsstöd (kr)"},
    "funnel_raw": {"en": "Raw rates against the funnel limits", "sv": "Ojusterade andelar mot trattens gränser"},
    "risk_adjusted": {"en": "Observed and expected exits to {outcome}, and standardised rates",
                      "sv": "Observerade och förväntade avslut till {outcome} samt standardiserad andel"},
    "funnel_risk_adjusted": {"en": "Observed/expected against the funnel limits",
                             "sv": "Observerat/förväntat mot trattens gränser"},
    "calibration": {"en": "Model calibration (tenths of predicted risk)",
                    "sv": "Modellens kalibrering (decilgrupper efter modellens sannolikhet för avslut till {outcome})"},
    "shrunken": {"en": "Shrunken rates", "sv": "Krympta andelar (dragna mot enheternas gemensamma nivå)"},
    "note_casemix": {
        "en": "Some participants' background occurs in one unit only ({items}); the model has seen it nowhere "
        "else, so that unit's expected count partly depends on its own observed count.",
        "sv": "En del deltagares bakgrund finns bara i en enhet ({items}); modellen har inte sett den någon "
        "annanstans, så enhetens förväntade antal beror delvis på dess eget observerade antal.",
    },
    "casemix_item": {"en": "{variable} “{level}” in {unit}", "sv": "{variable} ”{level}” i {unit}"},
    "note_casemix_unnamed": {
        "en": "Some participants' background ({variables}) occurs in one unit only; the model has seen it nowhere "
        "else, so that unit's expected count partly depends on its own observed count. The unit and the value are "
        "not named: there are too few such participants to publish.",
        "sv": "En del deltagares bakgrund ({variables}) finns bara i en enhet; modellen har inte sett den någon "
        "annanstans, så enhetens förväntade antal beror delvis på dess eget observerade antal. Enheten och "
        "gruppen namnges inte: för få deltagare för att publiceras.",
    },
    "casemix_some_variable": {"en": "a background variable", "sv": "en bakgrundsvariabel"},
    "note_prior_welfare_not_covered": {
        "en": "For some participants of {units} the payment data do not cover the year before enrolment: for them "
        "the risk model adjusts for the other background variables, not for months on welfare.",
        "sv": "För en del deltagare i {units} täcker utbetalningsdata inte året före inskrivningen: "
        "för dem justerar riskmodellen för de andra bakgrundsvariablerna, inte för månader med "
        "försörjningsstöd.",
    },
    "empty_table": {"en": "No rows: nothing to count by the extraction date.",
                    "sv": "Inga rader: inget att räkna vid uttagsdatumet."},
    "empty_no_files": {"en": "The network was loaded from a saved copy that holds no counts of the files it was "
                       "read from: there is nothing to reconcile here.",
                       "sv": "Nätverket lästes från en sparad kopia utan antal rader för filerna det lästes in "
                       "från: här finns inget att stämma av."},
    "empty_no_rejects": {"en": "No row was rejected.", "sv": "Ingen rad avvisades."},
    "note_by_group_left_out": {
        "en": "The table by age, gender and country of birth leaves out the exits of {units}, whose counts are "
        "hidden: a group that only they have would give them away.",
        "sv": "Tabellen efter ålder, kön och födelseland räknar inte avsluten i {units}, vars antal är dolda: en "
        "grupp som bara de har skulle avslöja dem.",
    },
    "empty_no_characteristics": {
        "en": "No exit of a unit whose counts are shown has a known age, gender or country of birth.",
        "sv": "Inget avslut i en enhet vars antal visas har känd ålder, kön eller födelseland."},
    "empty_no_exits": {"en": "No enrolment had ended by the extraction date.",
                       "sv": "Ingen inskrivning hade avslutats vid uttagsdatumet."},
    "empty_no_outcome": {"en": "No enrolment had ended with an exit to {outcome} by the extraction date.",
                         "sv": "Ingen inskrivning hade avslutats till {outcome} vid uttagsdatumet."},
    "note_not_adjustable": {
        "en": "Not risk-adjusted: {units}. Every participant there has a value of the variables named that no "
        "other unit has (where no variable is named, the other units' values single the unit out), so the model's "
        "expected count would only repeat the observed count; no observed/expected is shown.",
        "sv": "Inte riskjusterat: {units}. Varje deltagare där har ett värde på de nämnda variablerna som ingen "
        "annan enhet har (en enhet utan nämnda variabler: de andra enheternas värden skiljer ut den), så modellens "
        "förväntade antal skulle bara upprepa det observerade; inget observerat/förväntat visas.",
    },
    "note_unit_predicted": {
        "en": "Not risk-adjusted: {units}. Every participant there has a background with which everyone in the "
        "network, or no one, exited to {outcome}, so the model's expected count would only repeat the observed "
        "count; no observed/expected is shown.",
        "sv": "Inte riskjusterat: {units}. Varje deltagare där har en bakgrund med vilken alla i nätverket, eller "
        "ingen, gick till {outcome}, så modellens förväntade antal skulle bara upprepa det observerade; inget "
        "observerat/förväntat visas.",
    },
    "note_casemix_predicted": {
        "en": "Not risk-adjusted: the participants' background predicts every exit exactly (all exits were alike, "
        "or the background separates those who exited to {outcome} from the others), so each unit's expected count "
        "would only repeat its observed count; no observed/expected is shown.",
        "sv": "Inte riskjusterat: deltagarnas egenskaper förutsäger varje utfall (alla avslutades lika, eller "
        "egenskaperna skiljer dem som gick till {outcome} från de andra), så varje enhets förväntade "
        "antal skulle bara upprepa det observerade; inget observerat/förväntat visas.",
    },
    "note_casemix_chosen": {
        "en": "The risk model here adjusts for {variables} only (chosen for this report).",
        "sv": "Riskmodellen justerar här bara för {variables} (valt för denna rapport).",
    },
    "note_casemix_unknown": {
        "en": "The risk model leaves out {variables}: not known for any exit.",
        "sv": "Riskmodellen utelämnar {variables}: uppgiften saknas för alla avslut.",
    },
    "note_casemix_no_effect": {
        "en": "The risk model leaves out months on welfare: its effect cannot be estimated from the participants "
        "for whom it is known (there are too few of them, all their exits were alike, they are all in one unit, or "
        "their background sets each unit apart).",
        "sv": "Riskmodellen utelämnar månader med försörjningsstöd: deras effekt kan inte skattas från "
        "de deltagare för vilka de är kända (för få, alla avslutades lika, alla i samma enhet, eller deras "
        "bakgrund skiljer ut varje enhet).",
    },
    "note_prior_welfare_not_covered_all": {
        "en": "For no participant of {units} do the payment data cover the year before enrolment: there the risk "
        "model adjusts for the other background variables, not for months on welfare.",
        "sv": "För ingen deltagare i {units} täcker utbetalningsdata året före inskrivningen: där "
        "justerar riskmodellen för de andra bakgrundsvariablerna, inte för månader med försörjningsstöd.",
    },
    "note_prior_welfare_own": {
        "en": "In {units}, the participants whose months on welfare are known have a background that no "
        "such participants of the other units have: the risk model adjusts them for the other background "
        "variables, not for months on welfare.",
        "sv": "I {units} har de deltagare vars månader med försörjningsstöd är kända en bakgrund som inga "
        "sådana deltagare i de andra enheterna har: riskmodellen justerar dem för de andra "
        "bakgrundsvariablerna, inte för månader med försörjningsstöd.",
    },
    "note_within_group": {
        "en": "Compared with each other only, not with the whole network: {groups}. No other unit has their "
        "participants' values of the variable named, so the model's expected counts of each group add up to "
        "its observed count.",
        "sv": "Jämförs bara med varandra, inte med hela nätverket: {groups}. Ingen annan enhet har deras "
        "deltagares värden på den nämnda variabeln, så modellens förväntade antal för varje grupp summeras "
        "till gruppens observerade antal.",
    },
    "within_group_item": {"en": "{units} ({variable})", "sv": "{units} ({variable})"},
    "all_units": {"en": "all units", "sv": "alla enheter"},
    "with_left_out": {"en": "{units} (with units left out of the comparison)",
                      "sv": "{units} (med enheter som inte jämförs)"},
    "within_group_item_left_out": {"en": "{units} ({variable}; together with units left out of the comparison)",
                                   "sv": "{units} ({variable}; tillsammans med enheter som inte jämförs)"},
    "note_casemix_left_out": {
        "en": "The risk model leaves out {variables}: each has the same value for every exit, so it cannot "
        "adjust for anything.",
        "sv": "Riskmodellen utelämnar {variables}: var och en har samma värde för alla avslut och kan därför "
        "inte justera för något.",
    },
    "note_no_ledger_units": {
        "en": "No payment data from {units}: no change in welfare payments can be measured there.",
        "sv": "Inga utbetalningsdata från {units}: där kan ingen förändring av utbetalt "
        "försörjningsstöd mätas.",
    },
    "note_no_survey_near": {
        "en": "No follow-up from {units} lies within {tolerance} days of day {days} after the exit: no retention "
        "can be measured there, and their rows show only the exits to {outcome}.",
        "sv": "Ingen uppföljning från {units} ligger inom {tolerance} dagar från dag {days} efter avslutet: där kan "
        "ingen kvarvaro mätas, och deras rader visar bara avsluten till {outcome}.",
    },
    "note_no_survey": {
        "en": "No follow-up survey from {units}: no retention can be measured there, and their rows show "
        "only the exits to {outcome}.",
        "sv": "Ingen uppföljningsenkät från {units}: där kan ingen kvarvaro mätas, och deras rader visar "
        "bara avsluten till {outcome}.",
    },
    "fig_left_out": {
        "en": "Not shown: {units}, whose counts are hidden by disclosure control (too small to publish, "
        "or they would reveal another small count).",
        "sv": "Visas inte: {units}, vars antal döljs av röjandekontrollen (för små för att publiceras, "
        "eller för att de annars skulle röja ett annat litet antal).",
    },
    "not_reached": {"en": "not reached", "sv": "inte uppnådd"},
    "not_on_page": {
        "en": "Not shown on this page (a row for each unit and month): every month of every unit is in the "
        "workbook report.xlsx (hidden cells “..”) and in {file} (hidden cells empty).",
        "sv": "Visas inte på sidan (en rad för varje enhet och månad): varje månad för varje enhet finns i "
        "arbetsboken report.xlsx (dolda celler ”..”) och i {file} (dolda celler tomma).",
    },
    "pairwise_page_order": {
        "en": "On this page: each unit against the rest of the network first, then the pairs whose adjusted "
        "p-value is below 0.05, then the others as far as the page goes.",
        "sv": "På denna sida: först varje enhet mot resten av nätverket, sedan de par vars justerade p-värde är "
        "under 0,05, sedan de övriga så långt sidan räcker.",
    },
    "more_rows": {
        "en": "{k} more rows in the CSV file.",
        "sv": "Ytterligare {k} rader finns i CSV-filen.",
    },
    "no_ledger": {
        "en": "the network has no payment data (no file of welfare payments)",
        "sv": "nätverket har inga utbetalningsdata (fil med utbetalningar av försörjningsstöd)",
    },
    "no_followups": {
        "en": "the network has no follow-ups after exit (survey or register)",
        "sv": "nätverket har inga uppföljningar efter avslut (enkät eller register)",
    },
    "no_followup_status": {
        "en": "no follow-up status is “{reason}”, so retention cannot be measured",
        "sv": "ingen status i uppföljningen är ”{reason}”, så kvarvaro kan inte mätas",
    },
    "one_outcome_none": {
        "en": "no exit in the network was an exit to {outcome}; with a rate of 0 % there are no funnel limits to "
        "draw and nothing to risk-adjust",
        "sv": "inget avslut i nätverket gick till {outcome}; med andelen 0 % finns inga trattgränser att rita "
        "och inget att riskjustera",
    },
    "one_outcome_all": {
        "en": "every exit in the network was an exit to {outcome}; with a rate of 100 % there are no funnel limits "
        "to draw and nothing to risk-adjust",
        "sv": "alla avslut i nätverket gick till {outcome}; med andelen 100 % finns inga trattgränser att rita "
        "och inget att riskjustera",
    },
    "needs_two_units": {
        "en": "a comparison needs at least two units with exits",
        "sv": "en jämförelse kräver minst två enheter med avslut",
    },
    "network_hidden": {
        "en": "the network's own counts of exits to {outcome} are too small to publish (disclosure control), and "
        "a comparison with the network would reveal them",
        "sv": "nätverkets egna antal avslut till {outcome} är för små för att publiceras (röjandekontroll), och en "
        "jämförelse med nätverket skulle röja dem",
    },
    "needs_three_units": {
        "en": "shrunken rates and ranks need at least three units with exits, with some variation in outcomes",
        "sv": "krympta andelar och rangordning kräver minst tre enheter med avslut och viss variation i utfall",
    },
    "note_left_out_of_comparisons": {
        "en": "The funnel plots, differences and ranks leave out {units}: disclosure control hides their counts of "
        "exits to {outcome}, and numbers computed from them (such as φ, the adjusted p-values or the ranks) "
        "could reveal those counts. The ranks are among the units compared; the network's rate and the rest of the "
        "network still include every unit.",
        "sv": "Trattdiagrammen, skillnaderna och rangordningen utelämnar {units}: röjandekontrollen döljer "
        "deras antal avslut till {outcome}, och tal som beräknats ur dem (som φ, de justerade p-värdena eller "
        "rangerna) "
        "skulle kunna röja antalen. Rangerna gäller de jämförda enheterna; nätverkets andel och "
        "jämförelsen med övriga enheter omfattar fortfarande alla enheter.",
    },
    "note_repeated_rows": {
        "en": "Some loaded rows equal an earlier row of their file in every column as read ({files}). They are "
        "kept: the same sum may be paid twice in one month. If the export repeats rows, they inflate the welfare "
        "sums; “amebench validate” counts them per file and gives the lines of the first three.",
        "sv": "Några godkända rader är lika med en tidigare rad i sin fil i varje inläst kolumn ({files}). De "
        "behålls: samma belopp kan betalas ut två gånger samma månad. Om uttaget upprepar rader blåser "
        "de upp summorna av försörjningsstöd; ”amebench validate” räknar dem per fil och anger raderna för de "
        "tre första.",
    },
    "note_read_warnings": {
        "en": "Some files were read on an assumption their data may not bear out; “amebench validate” shows each "
        "warning with its lines: {items}.",
        "sv": "Några filer lästes in utifrån ett antagande som deras data kanske inte stöder; ”amebench validate” "
        "visar varje varning med de rader den gäller: {items}.",
    },
    "read_warning_as_of_after_data": {
        "en": "the extraction date lies months after the last enrolment or exit in these files, although at the "
        "units' usual pace many would have come in between: if the data really end there, people are followed "
        "past the end of the data as if nothing had happened, and re-enrolment and time to exit are misleading "
        "({files})",
        "sv": "uttagsdatumet ligger månader efter den sista inskrivningen eller det sista avslutet i dessa filer, "
        "fast enheternas vanliga takt borde ha gett många under tiden: om uppgifterna i själva verket slutar där "
        "följs personerna efter uppgifternas slut som om inget hade hänt, och resultaten för återinskrivning och "
        "inskrivningstid blir missvisande ({files})",
    },
    "read_warning_dates_unread": {
        "en": "no value of a date column could be read with the profile's date format, so each row with one was "
        "rejected ({files})",
        "sv": "inget värde i en datumkolumn kunde läsas med profilens datumformat, så varje rad med ett sådant "
        "datum avvisades ({files})",
    },
    "read_warning_long_rows": {
        "en": "rows with more fields than the header, the extra ones empty, were read without them ({files})",
        "sv": "rader med fler fält än rubrikraden, där de extra fälten var tomma, lästes in utan dessa fält ({files})",
    },
    "read_warning_short_rows": {
        "en": "rows with fewer fields than the header were read with the missing ones empty; a field left out "
        "inside a row shifts its later values ({files})",
        "sv": "rader med färre fält än rubrikraden lästes in med de saknade fälten tomma; ett fält som fattas "
        "mitt i en rad förskjuter radens senare värden ({files})",
    },
    "read_warning_utc_midnights": {
        "en": "timestamps at 22:00 or 23:00 without a time zone were read as the dates written, perhaps the day "
        "before the one meant ({files})",
        "sv": "tidpunkter kl. 22.00 eller 23.00 utan tidszon lästes in som det datum som står, vilket kan vara "
        "dagen före den avsedda ({files})",
    },
    "read_warning_amounts_high": {
        "en": "payments read as kronor have a median above {high} kr a month, as if they were in öre: the welfare "
        "sums of these files may be 100 times too large ({files})",
        "sv": "utbetalningar inlästa som kronor har en median över {high} kr i månaden, som om de vore i öre: "
        "summorna av försörjningsstöd i dessa filer kan vara 100 gånger för stora ({files})",
    },
    "read_warning_amounts_low": {
        "en": "payments read as öre have a median below {low} kr a month, as if they were in kronor: the welfare "
        "sums of these files may be 100 times too small ({files})",
        "sv": "utbetalningar inlästa som öre har en median under {low} kr i månaden, som om de vore i kronor: "
        "summorna av försörjningsstöd i dessa filer kan vara 100 gånger för små ({files})",
    },
    "read_warning_other": {
        "en": "other read warnings ({files})",
        "sv": "andra varningar vid inläsningen ({files})",
    },
    # report.xlsx (workbook.py): its sheets, at most 31 characters each
    "sheet_reconciliation": {"en": "Rows per file", "sv": "Rader per fil"},
    "sheet_rejects_by_reason": {"en": "Rejected rows", "sv": "Avvisade rader"},
    "sheet_flows": {"en": "Monthly flows", "sv": "Flöden per månad"},
    "sheet_exit_reasons": {"en": "Exit reasons", "sv": "Avslutsorsaker"},
    "sheet_outcome_rates": {"en": "Outcome rates", "sv": "Utfall per enhet"},
    "sheet_outcome_by_group": {"en": "Outcome by group", "sv": "Utfall efter grupp"},
    "sheet_retention_90": {"en": "Retention 90 days", "sv": "Kvar efter 90 dagar"},
    "sheet_reentry_365": {"en": "Re-enrolment 365 days", "sv": "Återinskrivning 365 dagar"},
    "sheet_welfare_delta": {"en": "Welfare payments", "sv": "Försörjningsstöd"},
    "sheet_durations": {"en": "Time to exit", "sv": "Tid till avslut"},
    "sheet_funnel_raw": {"en": "Funnel, raw rates", "sv": "Tratt, ojusterade andelar"},
    "sheet_funnel_risk_adjusted": {"en": "Funnel, risk-adjusted", "sv": "Tratt, riskjusterad"},
    "sheet_risk_adjusted": {"en": "Observed and expected", "sv": "Observerat och förväntat"},
    "sheet_calibration": {"en": "Calibration", "sv": "Kalibrering"},
    "sheet_pairwise": {"en": "Differences", "sv": "Skillnader"},
    "sheet_shrunken": {"en": "Shrunken rates", "sv": "Krympta andelar"},
    "sheet_ranks": {"en": "Ranks", "sv": "Rangordning"},
    "xlsx_about": {"en": "About", "sv": "Om tabellerna"},
    "xlsx_columns": {"en": "Columns", "sv": "Kolumner"},
    "xlsx_sheet": {"en": "Sheet", "sv": "Blad"},
    "xlsx_column": {"en": "Column", "sv": "Kolumn"},
    "xlsx_file": {"en": "File", "sv": "Fil"},
    "xlsx_csv_column": {"en": "Column in the file", "sv": "Kolumn i filen"},
    "xlsx_contents": {"en": "Sheets:", "sv": "Blad:"},
    "xlsx_without": {"en": "Sections of the report without a table:", "sv": "Avsnitt i rapporten utan tabell:"},
    "xlsx_more_rows": {"en": "This sheet shows the first {shown} of {n} rows, as the page does; {file} holds "
                       "all of them.",
                       "sv": "Bladet visar de första {shown} av {n} rader, som sidan; {file} innehåller alla."},
    "xlsx_hidden": {
        "en": "A cell “..” is hidden by disclosure control: a count of 1 to {below}, or a number that would give "
        "one away. An empty cell has no value (no follow-up survey, not applicable). A chart draws “..” as 0: "
        "leave such rows out of charts.",
        "sv": "En cell ”..” är dold av röjandekontrollen: ett antal från 1 till {below}, eller ett tal som skulle "
        "avslöja ett sådant. En tom cell saknar värde (ingen uppföljningsenkät, ej tillämpligt). Ett diagram "
        "ritar ”..” som 0: lämna sådana rader utanför diagram.",
    },
    "xlsx_programs": {
        "en": "The same tables for programs: tables/*.csv (comma-separated, decimal point, UTF-8; hidden cells "
        "empty) and tables/*.parquet, with the column names of the sheet Columns and the codes in place of "
        "labels.",
        "sv": "Samma tabeller för program: tables/*.csv (kommaseparerade, decimalpunkt, UTF-8; dolda celler tomma) "
        "och tables/*.parquet, med kolumnnamnen i bladet Kolumner och koder i stället för etiketter.",
    },
    # --exited: the sections that do not follow the period's exits say what they follow
    "note_flows_period": {
        "en": "The monthly flows and the exit reasons, like the rest of the report, cover the months of the exits "
        "from {first} to {last}; the participants active in them include those enrolled before.",
        "sv": "Flödena per månad och avslutsorsakerna gäller, liksom resten av rapporten, månaderna för avsluten "
        "från {first} till {last}; de aktiva deltagarna i dem omfattar även de som skrevs in tidigare.",
    },
    "note_durations_enrolled": {
        "en": "The times to exit follow the enrolments from {first} to {last}, not the exits in that period: a "
        "group chosen by its exits holds no one still enrolled, so its times would be too short.",
        "sv": "Tiderna till avslut följer inskrivningarna från {first} till {last}, inte avsluten under perioden: "
        "en grupp vald efter avslut saknar dem som fortfarande är inskrivna, så dess tider skulle bli för korta.",
    },
    "note_welfare_period": {
        "en": "This report covers the households with an exit from {first} to {last}, each in the unit of its last "
        "exit in that period; none of them is still enrolled.",
        "sv": "Rapporten omfattar hushållen med ett avslut från {first} till {last}, vart och ett i enheten för dess "
        "senaste avslut under perioden; inget av dem är fortfarande inskrivet.",
    },
    "note_followed_part": {
        "en": "Only the exits from {first} to {until} can yet be followed {span}: the period's later exits are "
        "censored (not yet observable), so this section covers the first part of the period only.",
        "sv": "Bara avsluten från {first} till {until} kan ännu följas upp {span}: periodens senare avslut är "
        "censurerade (ännu inte observerbara), så avsnittet gäller bara periodens första del.",
    },
    "note_followed_none": {
        "en": "None of the exits from {first} to {last} can yet be followed {span}: all of them are censored (not "
        "yet observable), so this section has no estimate for the period{when}.",
        "sv": "Inget av avsluten från {first} till {last} kan ännu följas upp {span}: alla är censurerade (ännu "
        "inte observerbara), så avsnittet har ingen skattning för perioden{when}.",
    },
    "note_followed_sooner": {
        "en": "The payment data of {units} end sooner: their exits can be followed only to {until}.",
        "sv": "Utbetalningsdata för {units} slutar tidigare: deras avslut kan bara följas upp till {until}.",
    },
    "note_followed_sooner_none": {
        "en": "The payment data of {units} end sooner: none of their exits in the period can yet be followed.",
        "sv": "Utbetalningsdata för {units} slutar tidigare: inget av deras avslut under perioden kan ännu följas "
        "upp.",
    },
    "note_before_ledger": {
        "en": "The payment data of {units} start in {month}: an enrolment before {day} does not have its 6 months "
        "before in them, so its exit is censored (not observable).",
        "sv": "Utbetalningsdata för {units} börjar {month}: en inskrivning före {day} har inte sina 6 månader före "
        "inskrivningen i dem, så dess avslut är censurerat (inte observerbart).",
    },
    "span_retention": {"en": "90 days after the exit", "sv": "90 dagar efter avslutet"},
    "span_reentry": {"en": "for 365 days", "sv": "under 365 dagar"},
    "followed_when": {"en": " (a report extracted on {day} or later can show its first exits)",
                      "sv": " (en rapport med uttagsdatum {day} eller senare kan visa dess första avslut)"},
    "span_welfare": {"en": "for the 6 full months after the exit month",
                     "sv": "under de 6 hela månaderna efter avslutsmånaden"},
    "note_stays_missing": {
        "en": "The data hold enrolments only from {start} on. If the units enrolled people before that, the stays "
        "that began before {start} and ended in this period are missing from it: judged by the lengths of the "
        "stays in the data (a Kaplan–Meier estimate, which counts the stays still open), about {share} of the "
        "stays that ended from {first} to {last}. The period's exits lean towards short stays, and its rates may "
        "differ from a later period's for that reason alone; a unit whose stays are longer loses more of them.",
        "sv": "Data innehåller inskrivningar från {start} och framåt. Om enheterna skrev in deltagare före dess "
        "saknas de inskrivningar som började före {start} och avslutades under perioden: bedömt utifrån längden "
        "på inskrivningarna i data (en Kaplan–Meier-skattning, som räknar med de inskrivningar som fortfarande "
        "pågår) omkring {share} av dem som avslutades från {first} till {last}. Periodens avslut består till "
        "större del av korta inskrivningar, och dess andelar kan skilja sig från en senare periods enbart av det "
        "skälet; en enhet med längre inskrivningar förlorar fler av dem.",
    },
    "summary_stays_missing": {
        "en": "The data start with the enrolments of {start}: if the units enrolled people before that, about "
        "{share} of the stays that ended in this period are missing from it (see Outcome at exit).",
        "sv": "Data börjar med inskrivningarna i {start}: om enheterna skrev in deltagare före dess saknas omkring "
        "{share} av de inskrivningar som avslutades under perioden (se Utfall vid avslut).",
    },
    "note_late_start": {
        "en": "The data of {unit} hold enrolments only from {start} on; those of most units start by {usual}. If "
        "{unit} enrolled people before {start}, about {share} of its stays that ended from {first} to {last} are "
        "missing from its data, compared with {earlier} had its data started in {usual} (judged by the lengths of "
        "its own stays): its exits lean more towards short stays than those of units whose data start by {usual}, "
        "and its rates may differ from theirs partly for that reason.",
        "sv": "Data från {unit} innehåller inskrivningar först från {start}; de flesta enheters data börjar senast "
        "{usual}. Om {unit} skrev in deltagare före {start} saknas omkring {share} av enhetens inskrivningar som "
        "avslutades från {first} till {last}, jämfört med {earlier} om dess data hade börjat i {usual} (bedömt "
        "utifrån längden på enhetens egna inskrivningar): enhetens avslut består i högre grad av korta "
        "inskrivningar än avsluten hos enheter vars data börjar senast {usual}, och dess andelar kan skilja sig "
        "från deras delvis av det skälet.",
    },
    "summary_late_start": {
        "en": "The data of {units} start later than most units': if it enrolled people earlier, its exits lean "
        "more towards short stays than theirs (see Outcome at exit).",
        "sv": "Data från {units} börjar senare än de flesta enheters: om enheten skrev in deltagare tidigare består "
        "dess avslut i högre grad av korta inskrivningar än deras (se Utfall vid avslut).",
    },
    "summary_late_starts": {
        "en": "The data of {units} start later than most units': if they enrolled people earlier, their exits lean "
        "more towards short stays than the others' (see Outcome at exit).",
        "sv": "Data från {units} börjar senare än de flesta enheters: om enheterna skrev in deltagare tidigare "
        "består deras avslut i högre grad av korta inskrivningar än de andras (se Utfall vid avslut).",
    },
    "no_enrolments_in_period": {
        "en": "no one enrolled from {first} to {last}, whose times to exit this section would follow",
        "sv": "ingen skrevs in från {first} till {last}, vars tider till avslut avsnittet skulle följa",
    },
    "note_no_episodes": {
        "en": "No enrolments of {units} were loaded (the export holds none, or every row was rejected: see the "
        "tables below), so these units appear in no result.",
        "sv": "Inga inskrivningar från {units} lästes in (uttaget innehåller inga, eller så avvisades alla rader: "
        "se tabellerna nedan), så de finns inte med i något resultat.",
    },
    "note_no_reasons": {
        "en": "At least half of the exits from {units} have an unknown or missing exit reason, which counts as an "
        "exit without the outcome: their rates say more about missing exit reasons than about results. Map these "
        "units' exit codes to exit reasons in their profiles.",
        "sv": "Minst hälften av avsluten från {units} har okänd (eller ingen) avslutsorsak, vilket räknas som "
        "avslut utan utfallet: deras andelar säger mer om saknade avslutsorsaker än om resultat. Mappa "
        "avslutsorsakerna i deras profiler.",
    },
    "note_no_reasons_compared": {
        "en": "The funnel plots, differences and ranks leave out {units}: at least half of their exits have no "
        "known exit reason, so comparing their rates would compare missing exit reasons, not results. The "
        "network's rate and the rest of the network still include every unit.",
        "sv": "Trattdiagrammen, skillnaderna och rangordningen utelämnar {units}: minst hälften av deras avslut "
        "saknar känd avslutsorsak, så en jämförelse av deras andelar skulle jämföra saknade avslutsorsaker, inte "
        "resultat. Nätverkets andel och jämförelsen med övriga enheter omfattar fortfarande alla enheter.",
    },
    "fig_no_estimate": {
        "en": "Not shown: {units}, without an estimate (the notes and the table say why).",
        "sv": "Visas inte: {units}, som saknar skattning (anmärkningarna och tabellen säger varför).",
    },
    "fig_no_reasons": {
        "en": "Not compared: {units}, most of whose exits have no known exit reason.",
        "sv": "Jämförs inte: {units}, där de flesta avslut saknar känd avslutsorsak.",
    },
    "note_overdispersion": {
        "en": "The units vary no more than chance allows (φ ≤ 1), so the {which} limits are not widened.",
        "sv": "Enheterna varierar inte mer än slumpen tillåter (φ ≤ 1), så {which} gränser har inte vidgats.",
    },
    "note_overdispersion_ratio": {  # phi <= 1 is usual there: the Poisson limits are wide
        "en": "The risk-adjusted funnel's limits are not widened (φ ≤ 1). They treat the number of exits to the "
        "outcome as a Poisson count, but when the outcome is as common as here ({rate} %) the number varies less "
        "than that. The limits are therefore wide already: fewer units fall outside them than their level says, "
        "and a unit outside them differs clearly.",
        "sv": "Den riskjusterade trattens gränser har inte vidgats (φ ≤ 1). De behandlar antalet avslut till "
        "utfallet som Poissonfördelat, men när utfallet är så vanligt som här ({rate} %) varierar antalet mindre "
        "än så. Gränserna är därför redan vida: färre enheter hamnar utanför dem än nivån anger, och en enhet "
        "utanför dem skiljer sig tydligt.",
    },
    "note_overdispersion_few": {
        "en": "With {units} units the {which} limits are not widened for overdispersion (that takes at least "
        "{fewest}): φ would be estimated from these same units' differences, and then no unit could lie outside "
        "the outer limits. A unit outside the limits differs from the network by more than chance; part of that "
        "may be the ordinary variation between units.",
        "sv": "Med {units} enheter vidgas inte {which} gränser för överspridning (det kräver minst {fewest}): "
        "φ skulle skattas ur just dessa enheters skillnader, och då kunde ingen enhet hamna utanför de yttre "
        "gränserna. En enhet utanför gränserna skiljer sig från nätverket mer än slumpen förklarar; en del av "
        "det kan vara vanlig variation mellan enheter.",
    },
    "note_reversed_by_adjustment": {
        "en": "These ranks are of raw rates. By the observed/expected intervals under Funnel plots, which do not "
        "allow for the spread between units, risk adjustment points the other way for some units: {parts} A raw "
        "rate reflects whom a unit serves as well as what it does.",
        "sv": "Rangordningen gäller ojusterade andelar. Enligt intervallen för observerat/förväntat under "
        "Trattdiagram, som inte tar hänsyn till spridningen mellan enheter, ger riskjusteringen motsatt bild "
        "för några enheter: {parts} En ojusterad andel speglar vilka en enhet tar emot, inte bara vad den gör.",
    },
    "reversed_fewer": {
        "en": "A raw rate above the network's, but fewer exits to {outcome} than expected for the participants: "
        "{units}.",
        "sv": "En ojusterad andel över nätverkets, men färre avslut till {outcome} än förväntat för deltagarna: "
        "{units}.",
    },
    "reversed_more": {
        "en": "A raw rate below the network's, but more exits to {outcome} than expected for the participants: "
        "{units}.",
        "sv": "En ojusterad andel under nätverkets, men fler avslut till {outcome} än förväntat för deltagarna: "
        "{units}.",
    },
    # methods review 2026-12-07: the raw side of a reversal is often a point estimate alone
    "reversed_raw_unclear": {
        "en": "The raw rate of {units} does not differ clearly from the network's (its interval includes it).",
        "sv": "Den ojusterade andelen för {units} skiljer sig inte tydligt från nätverkets (intervallet "
        "innefattar den).",
    },
    "reversed_raw_unclear_many": {
        "en": "The raw rates of {units} do not differ clearly from the network's (their intervals include it).",
        "sv": "De ojusterade andelarna för {units} skiljer sig inte tydligt från nätverkets (deras intervall "
        "innefattar den).",
    },
    "note_phi_values": {"en": "The limits are widened by {values}.", "sv": "Gränserna är vidgade med {values}."},
    "phi_raw": {"en": "φ = {phi} for the raw rates", "sv": "φ = {phi} för de ojusterade andelarna"},
    "phi_ratio": {"en": "φ = {phi} for observed/expected", "sv": "φ = {phi} för observerat/förväntat"},
    "note_phi_uncertain": {
        "en": "φ, by which the limits are widened, is estimated from only {units} units and is itself uncertain: "
        "one unit more or fewer can change it, and with it which units lie outside the limits.",
        "sv": "φ, som gränserna vidgas med, skattas ur bara {units} enheter och är självt osäkert: en enhet mer "
        "eller mindre kan ändra det, och därmed vilka enheter som ligger utanför gränserna.",
    },
    # whose limits the two notes above speak of: both funnels', or one
    "funnels_both": {"en": "funnels'", "sv": "båda trattarnas"},
    "funnel_raw_which": {"en": "outcome-rate funnel's", "sv": "utfallstrattens"},
    "funnel_ratio_which": {"en": "risk-adjusted funnel's", "sv": "den riskjusterade trattens"},
    "oe_interval_vs_limits": {
        "en": "The O/E interval in the table does not allow for overdispersion; the funnel limits do "
        "(they are widened by √φ). So a unit can have an O/E interval that excludes 1 and still lie "
        "within the funnel limits.",
        "sv": "Intervallet för observerat/förväntat i tabellen tar inte hänsyn till överspridning (att "
        "enheterna varierar mer än slumpen förklarar); trattens "
        "gränser gör det (de är vidgade med √φ). En enhet kan därför ha ett intervall som utesluter 1 och "
        "ändå ligga inom trattens gränser.",
    },
    "c_statistic": {
        "en": "The risk model's c-statistic (also called AUC) is {c}: how well the model separates those with and "
        "without an exit to {outcome} (0.5 = no better than chance, 1 = perfect separation), measured on the "
        "exits it was fitted to, so somewhat better than on new data.",
        "sv": "Riskmodellens c-statistik (även kallad AUC) är {c}: hur väl modellen skiljer dem med och "
        "utan avslut till {outcome} (0,5 = inte bättre än slumpen, 1 = perfekt åtskillnad), mätt på de avslut den "
        "skattades på och därför något bättre än på nya data.",
    },
    "method_caption": {"en": "Method: {method}.", "sv": "Metod: {method}."},
    "method_caption_english": {"en": "Method: {method}.", "sv": "Metod (teknisk beskrivning på engelska): {method}."},
    "level_caption": {"en": "Confidence level {level} %.", "sv": "Konfidensnivå {level} %."},
    "note_two_units_pair": {
        "en": "With two units, each unit against the rest of the network is the pair itself, so only the pair is "
        "shown: of the two families above, the second is empty, and the first holds one comparison, so the "
        "pair's adjusted p is its p.",
        "sv": "Med två enheter är varje enhet mot övriga enheter detsamma som paret, så bara paret visas: av de "
        "två familjerna ovan är den andra tom, och den första har en jämförelse, så parets justerade p är "
        "dess p.",
    },
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
