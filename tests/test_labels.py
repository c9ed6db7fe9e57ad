"""Tests of the readable labels of canonical codes (amebench.labels)."""

import pytest

from amebench.labels import code_label, column_label
from amebench.report.wording import casemix_notes


@pytest.mark.parametrize(("value", "column", "sv"), [
    ("other", None, "övrigt"), ("other", "exit_reason", "övrigt"), ("other", "gender", "annat"),
    ("other", "referral", "annan"), ("unknown", "exit_reason", "okänt"), ("unknown", "gender", "okänt"),
    ("unknown", "age_band", "okänd"), ("unknown", "readiness", "okänd"), ("unknown", "referral", "okänd"),
])
def test_a_swedish_label_agrees_with_its_column_s_noun(value, column, sv):
    # Newcomer review of 2026-12-07: one label per code gave "kön övrigt" (the exit reason's
    # word) and "åldersgrupp okänt"; the English label is the same in every column.
    assert code_label(value, "sv", column) == sv
    assert code_label(value, "en", column) == value


def test_the_case_mix_note_labels_a_level_as_its_variable_s_value():
    (note,) = casemix_notes([("a", "gender", "other", 12)], min_cell=5, lang="sv", unit_names={"a": "Solna"})
    assert "”annat”" in note and "övrigt" not in note
    # the risk model writes a yes/no variable's level as "True" (review of 2026-12-07: shown so)
    (note,) = casemix_notes([("a", "born_abroad", "True", 12)], min_cell=5, lang="sv", unit_names={"a": "Solna"})
    assert "”ja”" in note and "True" not in note


@pytest.mark.parametrize(("lang", "outcome", "label"), [
    ("sv", "work_or_studies", "Avslut till arbete eller studier"), ("en", "work", "Exits to work"),
    ("sv", None, "Avslut till utfallet"), ("en", None, "Exits to the outcome"),
])
def test_a_count_of_exits_to_the_outcome_names_it(lang, outcome, label):
    assert column_label("events", lang, table="outcome_rates", outcome=outcome) == label
    assert column_label("n", lang, table="outcome_rates", outcome=outcome) == ("Exits" if lang == "en" else "Avslut")


def test_an_age_band_is_shown_with_an_en_dash_and_only_an_age_band():
    # Newcomer review of 2026-12-07: "16-24" is written "16–24" in Swedish and English print;
    # the code itself (tables, CSV) stays "16-24"
    assert [code_label(band, lang, "age_band") for band, lang in [("16-24", "sv"), ("65+", "en")]] == ["16–24", "65+"]
    assert code_label("unknown", "sv", "age_band") == "okänd"
    assert code_label("16-24", "sv") == code_label("16-24", "sv", "unit") == "16-24"


@pytest.mark.parametrize("column", ["unit", "unit_a", "unit_b"])
def test_a_unit_id_equal_to_a_code_is_shown_as_it_is(column):
    # Diff review (session 50): a unit "leave" was shown as "föräldraledighet eller sjukskrivning"
    # wherever no name replaced its id; the network's own rows keep their labels
    assert code_label("leave", "sv", column) == "leave"
    assert code_label("other", "sv", column) == "other"
    assert code_label("network", "sv", column) == "hela nätverket"
    assert code_label("rest of network", "sv", column) == "övriga enheter"
    assert code_label("leave", "sv", "exit_reason") == "föräldraledighet eller sjukskrivning"


@pytest.mark.parametrize(("outcome", "en", "sv"), [
    ("work_or_studies", "work or studies", "arbete eller studier"),
    ("self_employed", "self-employment", "eget företag"),  # the labels: "self-employed", as a reason
    ("moved", "a move", "flytt"),
    ("returned_to_welfare", "welfare", "försörjningsstöd"),
    (None, "the outcome", "utfallet"),
])
def test_an_outcome_is_named_as_where_exits_go(outcome, en, sv):
    # Diff review (session 51): "exits to self-employed", "avslut till flyttat" in report texts
    from amebench.labels import outcome_label

    assert (outcome_label(outcome, "en"), outcome_label(outcome, "sv")) == (en, sv)
    if outcome:
        assert column_label("events", "sv", table="outcome_rates", outcome=outcome) == f"Avslut till {sv}"


def test_the_share_of_an_outcome_that_is_one_exit_reason_has_a_label():
    # Review (session 51): a report of the outcome "moved" showed durations' "cif_moved" as it is
    assert code_label("cif_moved", "sv", "quantity") == "andel avslutade till flytt"
    assert code_label("cif_self_employed", "en", "quantity") == "share exited to self-employment"
    assert code_label("cif_work_or_studies", "en", "quantity") == "share exited to work or studies"
