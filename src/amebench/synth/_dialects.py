"""The five export dialects of the KNUT sample: headers, codes, formats (mirrored in profiles/)."""

from __future__ import annotations

__all__ = ["DIALECTS", "SV_EXIT", "SV_ACT", "SV_STATUS"]

SV_EXIT = {"work": "Arbete", "work_subsidised": "Arbete m. lönebidrag", "work_programme": "Extratjänst",
           "self_employed": "Eget företag", "studies": "Studier", "care": "Behandling",
           "other_agency": "Annan myndighet", "moved": "Flytt", "leave": "Föräldraledig/sjuk",
           "returned_to_welfare": "Åter till FS", "dropped_out": "Avbrott", "other": "Övrigt"}
SV_ACT = {"assessment": "Kartläggning", "work_practice": "Arbetsträning", "work_training": "Arbetsprövning",
          "education": "Utbildning", "job_search": "Jobbsök", "language": "SFI", "coaching": "Coachning",
          "subsidised_job": "Anställning med stöd", "other": "Övrigt"}
SV_STATUS = {"work": "Arbete", "work_subsidised": "Arbete med stöd", "work_programme": "Kommunal anställning",
             "self_employed": "Eget företag", "studies": "Studier", "job_seeking": "Arbetssökande",
             "welfare": "Försörjningsstöd", "other": "Annat"}
SV_GENDER = {"woman": "Kvinna", "man": "Man", "other": "Annat", "unknown": "Okänt"}
SV_REFERRAL = {"social_services": "Socialtjänst", "employment_service": "Arbetsförmedlingen",
               "social_insurance": "Försäkringskassan", "self": "Egen", "other": "Annan", "unknown": "Okänd"}

# pnr: "12-": YYYYMMDD-NNNC, "12": YYYYMMDDNNNC, "10-": YYMMDD-NNNC, "10": YYMMDDNNNC
DIALECTS = {
    "jarfalla": dict(
        encoding="utf-8", delimiter=";", date="%Y-%m-%d", month="%Y-%m", pnr="12-", decimal=",",
        thousands=" ", kr=True, files={"episodes": "jarfalla/deltagare.csv", "activities": "jarfalla/insatser.csv",
                                       "followups": "jarfalla/uppfoljning.csv",
                                       "payments": "jarfalla/utbetalningar.csv"},
        episodes={"episode_id": "Inskrivnings-ID", "person_id": "Personnummer", "enrolled_on": "Inskrivningsdatum",
                  "exited_on": "Utskrivningsdatum", "exit_reason": "Avslutsorsak", "readiness": "Bedömning",
                  "referral": "Remitterad från", "gender": "Kön", "born_abroad": "Utrikes född"},
        codes={"readiness": {"near": "Grön", "uncertain": "Gul", "far": "Röd"}, "exit_reason": SV_EXIT,
               "gender": SV_GENDER, "referral": SV_REFERRAL, "born_abroad": {True: "Ja", False: "Nej"}},
        activities={"episode_id": "Inskrivnings-ID", "activity": "Insats", "started_on": "Startdatum",
                    "ended_on": "Slutdatum"},
        followups={"episode_id": "Inskrivnings-ID", "measured_on": "Uppföljningsdatum", "status": "Sysselsättning",
                   "responded": "Svarat"},
        payments={"person_id": "Personnummer", "month": "Månad", "amount_sek": "Belopp"},
        derive_birth_year=True),
    "solna": dict(
        encoding="utf-8-sig", delimiter=",", date="%Y%m%d", month="%Y%m", pnr="10-", decimal=".", thousands="",
        kr=False, files={"episodes": "solna/deltagare.csv", "activities": "solna/aktiviteter.csv",
                         "followups": "solna/enkat_90dagar.csv", "payments": "solna/ekonomiskt_bistand.csv"},
        episodes={"episode_id": "Ärende", "person_id": "Pnr", "enrolled_on": "Startdatum", "exited_on": "Slutdatum",
                  "exit_reason": "Orsak avslut", "readiness": "Steg", "referral": "Remittent", "gender": "Kön",
                  "birth_year": "Född år", "born_abroad": "Född utomlands"},
        codes={"readiness": {"near": "Rum 3", "uncertain": "Rum 2", "far": "Rum 1"},
               "exit_reason": {**SV_EXIT, "work": "Arbete osubv.", "returned_to_welfare": "Åter soc"},
               "gender": {"woman": "K", "man": "M", "other": "A", "unknown": "O"},
               "referral": {"social_services": "SOC", "employment_service": "AF", "social_insurance": "FK",
                            "self": "EGEN", "other": "ANNAN", "unknown": "OKÄND"},
               "born_abroad": {True: "J", False: "N"}},
        activities={"episode_id": "Ärende", "activity": "Aktivitet", "started_on": "Från", "ended_on": "Till"},
        followups={"episode_id": "Ärende", "measured_on": "Svarsdatum", "status": "Status 90 dagar",
                   "responded": "Besvarad"},
        payments={"person_id": "Pnr", "month": "Period", "amount_sek": "Utbetalt"},
        derive_birth_year=False),
    "sundbyberg": dict(
        encoding="cp1252", delimiter="\t", date="%d/%m/%Y", month="%Y-%m", pnr="10", decimal=",", thousands="",
        kr=False, files={"episodes": "sundbyberg/deltagare.xlsx", "activities": "sundbyberg/insatser.tsv",
                         "payments": "sundbyberg/fbs_utbetalningar.tsv"},
        episodes={"episode_id": "Löpnr", "person_id": "Personnr", "enrolled_on": "Inskriven", "exited_on": "Utskriven",
                  "exit_reason": "Avslut", "readiness": "Arbetsförmåga", "referral": "Remiss", "gender": "Kön",
                  "birth_year": "Födelseår", "born_abroad": "Födelseland"},
        codes={"readiness": {"near": "Nära", "uncertain": "Osäker", "far": "Långt ifrån"}, "exit_reason": SV_EXIT,
               "gender": SV_GENDER, "referral": SV_REFERRAL, "born_abroad": {True: "Utrikes", False: "Sverige"}},
        activities={"episode_id": "Löpnr", "activity": "Insats", "started_on": "Start", "ended_on": "Slut"},
        payments={"person_id": "Personnr", "month": "Månad", "amount_sek": "Belopp (kr)"},
        derive_birth_year=False),
    "nynashamn": dict(
        encoding="utf-8", delimiter=";", date="%Y-%m-%d", month="%Y-%m-%d", pnr="12", decimal=",", thousands="",
        kr=False, files={"episodes": "nynashamn/deltagare.csv", "activities": "nynashamn/insatser.csv",
                         "payments": "nynashamn/utbetalningar.parquet"},
        episodes={"episode_id": "ID", "person_id": "Personnummer", "enrolled_on": "Start", "exited_on": "Avslut",
                  "exit_reason": "Avslutsorsak", "readiness": "Bedömning", "referral": "Remiss", "gender": "Kön",
                  "birth_year": "Födelseår", "born_abroad": "Utrikes född"},
        codes={"readiness": {"near": "Grön", "uncertain": "Gul", "far": "Röd"}, "exit_reason": SV_EXIT,
               "gender": SV_GENDER, "referral": SV_REFERRAL, "born_abroad": {True: "Ja", False: "Nej"}},
        activities={"episode_id": "ID", "activity": "Insats", "started_on": "Start", "ended_on": "Slut"},
        payments={"person_id": "personnummer", "month": "manad", "amount_sek": "belopp"},
        derive_birth_year=False),
    "sodertalje": dict(
        encoding="cp1252", delimiter=";", date="%Y%m%d", month="%Y%m", pnr="12-", decimal=",", thousands=" ",
        kr=True, files={"episodes": "sodertalje/inskrivningar.csv", "activities": "sodertalje/insatser.csv",
                        "followups": "sodertalje/uppfoljning.csv", "payments": "sodertalje/hushallsutbetalningar.csv"},
        episodes={"episode_id": "Inskrivning", "person_id": "Personnummer", "enrolled_on": "Inskrivningsdatum",
                  "exited_on": "Avslutsdatum", "exit_reason": "Avslutsorsak", "readiness": "Bedömning",
                  "referral": "Remitterad av", "gender": "Kön", "birth_year": "Födelseår",
                  "born_abroad": "Utrikes född", "household_id": "Hushåll (sökande)"},
        codes={"readiness": {"near": "Grön", "uncertain": "Gul", "far": "Röd"}, "exit_reason": SV_EXIT,
               "gender": SV_GENDER, "referral": SV_REFERRAL, "born_abroad": {True: "Ja", False: "Nej"}},
        activities={"episode_id": "Inskrivning", "activity": "Insats", "started_on": "Från", "ended_on": "Till"},
        followups={"episode_id": "Inskrivning", "measured_on": "Datum", "status": "Sysselsättning",
                   "responded": "Svarat"},
        payments={"household_id": "Hushåll (sökande)", "month": "Månad", "amount_sek": "Belopp"},
        derive_birth_year=False),
}
