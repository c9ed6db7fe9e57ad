"""Tests of the canonical schema (DESIGN.md §2)."""

import numpy as np
import pandas as pd
import pytest

from amebench import schema
from amebench.exceptions import SchemaError


def test_code_lists_match_design():
    # DESIGN.md §2, written out here so a change to schema.py must be a deliberate one.
    assert schema.EXIT_REASONS == (
        "work", "work_subsidised", "work_programme", "self_employed", "studies", "care",
        "other_agency", "moved", "leave", "returned_to_welfare", "dropped_out", "other", "unknown",
    )
    assert schema.READINESS == ("near", "uncertain", "far", "unknown")
    assert schema.GENDERS == ("woman", "man", "other", "unknown")
    assert set(schema.REFERRALS) == {
        "social_services", "employment_service", "social_insurance", "self", "other", "unknown"
    }


def test_default_outcome_groups_follow_kolada():
    # Kolada "började arbeta eller studera": programme jobs (work_programme) do not count.
    groups = schema.OUTCOME_GROUPS
    assert groups["work"] == {"work", "work_subsidised", "self_employed"}
    assert groups["work_or_studies"] == groups["work"] | groups["studies"]
    assert "work_programme" not in groups["work_or_studies"]


def test_outcome_reasons_accepts_names_reasons_and_sets():
    assert schema.outcome_reasons("studies") == {"studies"}
    assert schema.outcome_reasons("care") == {"care"}
    assert schema.outcome_reasons({"work", "work_programme"}) == {"work", "work_programme"}
    with pytest.raises(SchemaError, match="unknown outcome 'jobb': use one of"):
        schema.outcome_reasons("jobb")
    # newcomer review 2026-12-07: the nearest name, as for a misspelt unit
    with pytest.raises(SchemaError, match=r"unknown outcome 'Work' \(did you mean 'work'\?\): use one of"):
        schema.outcome_reasons("Work")
    with pytest.raises(SchemaError, match=r"'work or studies' \(did you mean 'work_or_studies'\?\)"):
        schema.outcome_reasons("work or studies")
    with pytest.raises(SchemaError, match="arbete"):
        schema.outcome_reasons({"work", "arbete"})


def test_age_band_edges_and_unknown():
    ages = pd.Series([16, 24, 25, 64, 65, None], dtype="Int64")
    assert schema.age_band(ages).astype(str).tolist() == [
        "16-24", "16-24", "25-34", "55-64", "65+", "unknown"
    ]


def test_every_table_has_its_key_and_required_columns():
    for spec in schema.TABLES.values():
        assert set(spec.required) <= set(spec.columns), spec.name
        assert set(spec.key) <= set(spec.columns), spec.name


def test_coerce_table_orders_columns_and_casts():
    frame = pd.DataFrame(
        {"enrolled_on": ["2024-01-05"], "person_id": ["p_1"], "episode_id": [7], "extra": [1]}
    )
    out = schema.coerce_table(frame, schema.EPISODES)
    assert list(out.columns) == schema.EPISODES.columns
    assert out["episode_id"].tolist() == ["7"]
    assert str(out["exit_reason"].dtype) == "category"
    assert list(out["exit_reason"].cat.categories) == list(schema.EXIT_REASONS)
    assert out["enrolled_on"].dtype == "datetime64[ns]"


def test_coerce_table_rejects_non_canonical_codes_and_missing_columns():
    frame = pd.DataFrame(
        {"episode_id": ["1"], "person_id": ["p"], "enrolled_on": ["2024-01-01"], "gender": ["kvinna"]}
    )
    with pytest.raises(SchemaError, match="kvinna"):
        schema.coerce_table(frame, schema.EPISODES)
    with pytest.raises(SchemaError, match="person_id"):
        schema.coerce_table(frame.drop(columns="person_id"), schema.EPISODES)


# coerce_table's factorized categorical cast equals the row-by-row cast it replaced.
#
# Reference: the previous implementation, ``values.astype(object).isin(categories)`` to
# check and ``values.astype(object).astype(dtype)`` to cast (pandas' own row-wise cast).


SPEC = schema.TABLES["episodes"]
DTYPE = SPEC.dtypes["gender"]


def _reference(values):
    return values.astype("object").astype(DTYPE)


@pytest.mark.parametrize("make", [
    lambda v: pd.Series(v, dtype=object),
    lambda v: pd.Series(v, dtype="string"),
    lambda v: pd.Series(v, dtype="str"),
    lambda v: pd.Series(v, dtype="category"),
])
def test_codes_cast_equals_rowwise_cast(make):
    cats = list(DTYPE.categories)
    raw = [cats[i % len(cats)] for i in range(50)] + [None, np.nan, cats[0]]
    values = make(raw)
    got = schema._as_codes(values, DTYPE, "episodes", "gender")
    pd.testing.assert_series_equal(got, _reference(values))


def test_already_canonical_is_kept_and_bad_codes_raise():
    cats = list(DTYPE.categories)
    values = pd.Series([cats[0], None, "not-a-code", "other-bad"], dtype="string")
    with pytest.raises(SchemaError, match=r"\['not-a-code', 'other-bad'\]"):
        schema._as_codes(values, DTYPE, "episodes", "gender")
    ok = pd.Series(cats * 3, dtype=DTYPE)
    assert schema._as_codes(ok, DTYPE, "episodes", "gender").equals(_reference(ok))


def test_coerce_table_keeps_a_canonical_table_without_copying():
    frame = schema.coerce_table(pd.DataFrame({
        "episode_id": ["1", "2"], "person_id": ["p", "q"], "enrolled_on": ["2024-01-01", "2024-02-01"],
        "exit_reason": ["work", None], "birth_year": [1990, None],
    }), schema.EPISODES)
    frame.index = [10, 11]
    again = schema.coerce_table(frame, schema.EPISODES)
    pd.testing.assert_frame_equal(again, frame.reset_index(drop=True), check_exact=True)
    assert np.shares_memory(again["enrolled_on"].to_numpy(), frame["enrolled_on"].to_numpy())
    # any other column order or dtype still goes through the cast
    swapped = schema.coerce_table(frame[frame.columns[::-1]], schema.EPISODES)
    assert list(swapped.columns) == schema.EPISODES.columns
    pd.testing.assert_frame_equal(swapped, again)


def test_concepts_page_lists_every_canonical_column_and_code():
    # docstrings point users to docs/concepts.md for the canonical tables
    from pathlib import Path

    page = (Path(__file__).parents[1] / "docs" / "concepts.md").read_text(encoding="utf-8")
    section = page[page.index("## Canonical tables"):]
    for name, spec in schema.TABLES.items():
        start = section.index(f"**{name}**")
        end = min([section.index(f"**{other}**") for other in schema.TABLES if section.index(f"**{other}**") > start]
                  or [len(section)])
        text = section[start:end]
        for column in spec.dtypes:
            marked = f"`{column}`*" in text
            assert f"`{column}`" in text, (name, column)
            assert marked == (column in spec.required), (name, column)
    for column, codes in schema.CODE_LISTS.items():
        line = next(line for line in section.splitlines() if line.startswith(f"- `{column}`:"))
        listed = section[section.index(line):].split("\n- ")[0].split("\n\n")[0]
        assert [code for code in codes if f"`{code}`" not in listed] == [], column
