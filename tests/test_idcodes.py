"""Tests of the integer codes of identifier columns (amebench._idcodes)."""

import numpy as np
import pandas as pd

from amebench import schema
from amebench._idcodes import codes_in, id_codes, id_codes_many

# -- id_codes: integer codes of identifier columns, cached on the column's arrow data --


def _decoded(codes):
    uniques = codes.uniques.to_pylist()
    assert len(set(uniques)) == len(uniques)
    return [None if c < 0 else uniques[c] for c in codes.codes]


def test_id_codes_describe_the_column_and_are_reused():
    ids = pd.Series(["p2", None, "p1", "p2", "p3"], dtype=schema.STRING)
    codes = id_codes(ids)
    assert codes.codes.dtype == np.int32 and codes.codes[1] == -1
    assert _decoded(codes) == ["p2", None, "p1", "p2", "p3"]
    assert id_codes(ids) is codes  # same arrow data: no second hashing
    frame = pd.DataFrame({"person_id": ids})
    assert id_codes(frame["person_id"]) is codes  # a frame holding the column shares its data


def test_id_codes_follow_changes_to_the_column():
    frame = pd.DataFrame({"person_id": pd.Series(["a", "b", "a"], dtype=schema.STRING)})
    before = id_codes(frame["person_id"])
    frame.loc[1, "person_id"] = "a"  # pandas gives the column new (immutable) arrow data
    after = id_codes(frame["person_id"])
    assert after is not before and _decoded(after) == ["a", "a", "a"]
    frame["person_id"] = pd.Series(["c", "c", None], dtype=schema.STRING)
    assert _decoded(id_codes(frame["person_id"])) == ["c", "c", None]


def test_id_codes_of_other_dtypes_compare_as_text():
    codes = id_codes(pd.Series([1, 2, 1, None], dtype="Int64"))
    assert _decoded(codes) == ["1", "2", "1", None]
    assert _decoded(id_codes(pd.Series(["x", np.nan], dtype=object))) == ["x", None]


def test_codes_in_another_columns_code_space():
    ledger = id_codes(pd.Series(["b", "a", None, "c", "a"], dtype=schema.STRING))
    uniques = ledger.uniques.to_pylist()
    values = pd.Series(["a", "zz", None, "c", "c", "b"], dtype=schema.STRING)
    expected = [uniques.index(v) if v in uniques else -1 for v in ["a", "zz", None, "c", "c", "b"]]
    assert codes_in(values, ledger).tolist() == expected
    assert codes_in(pd.Series([], dtype=schema.STRING), ledger).tolist() == []
    empty = id_codes(pd.Series([None, None], dtype=schema.STRING))
    assert codes_in(values, empty).tolist() == [-1] * 6


def test_id_codes_many_equals_id_codes_one_by_one():
    # Reference: network.id_codes on fresh copies of each column (no shared cache entry).
    rng = np.random.default_rng(5)
    columns = [pd.Series(rng.choice(["a", "b", "c", None], size=n).tolist(), dtype=schema.STRING)
               for n in (1000, 1000, 7, 0)]
    together = id_codes_many(columns)
    for values, got in zip(columns, together):
        ref = id_codes(values.copy(deep=True).astype(object).astype(schema.STRING))
        np.testing.assert_array_equal(got.codes, ref.codes)
        assert got.uniques.to_pylist() == ref.uniques.to_pylist()
        assert id_codes(values) is got  # remembered for the next metric
