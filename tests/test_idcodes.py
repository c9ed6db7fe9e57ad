"""Tests of the integer codes of identifier columns (amebench._idcodes)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amebench
from amebench import _idcodes, schema
from amebench._idcodes import codes_in, id_codes, id_codes_many
from amebench.metrics.welfare import welfare_delta

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


# -- codes saved by Network.to_parquet and taken back by read_parquet -----------------

LEDGER = ("unit", "person_id", "household_id")


def _cached(frame):
    """The codes the cache holds for each ledger id column of ``frame`` (None: not cached)."""
    return {c: _idcodes._ID_CODES.get(id(_idcodes._arrow_data(frame[c]))) for c in LEDGER}


def test_read_parquet_takes_back_the_codes_to_parquet_saved(tmp_path):
    net = amebench.load_sample()
    net.to_parquet(tmp_path / "net")
    back = amebench.read_parquet(tmp_path / "net")
    cached = _cached(back.payments)
    for column in LEDGER:  # uniques[codes] gives every row's value again, missing as -1
        assert cached[column] is not None
        assert _decoded(cached[column]) == back.payments[column].astype(object).where(
            back.payments[column].notna(), None).tolist()
        assert not cached[column].codes.flags.writeable
    # the metric gives the same table with the saved codes as when it hashes the ids itself
    with_saved = welfare_delta(amebench.cohort(back), months=6, by=("unit",), method="t")
    fresh = amebench.read_parquet(tmp_path / "net")
    for column in LEDGER:
        _idcodes._ID_CODES.pop(id(_idcodes._arrow_data(fresh.payments[column])))
    assert _cached(fresh.payments) == dict.fromkeys(LEDGER)
    hashed = welfare_delta(amebench.cohort(fresh), months=6, by=("unit",), method="t")
    pd.testing.assert_frame_equal(with_saved, hashed)


def _rewrite_payments(folder, change):
    """Rewrite payments.parquet with ``change`` applied (the saved codes left as they were)."""
    path = folder / "payments.parquet"
    table = pq.read_table(path)
    pq.write_table(change(table), path)


@pytest.mark.parametrize("change", ["one id", "same bytes, other metadata", "codes file damaged",
                                    "uniques file missing", "rows dropped"])
def test_saved_codes_are_taken_only_for_the_very_file_they_were_made_from(tmp_path, change):
    net = amebench.load_sample()
    folder = net.to_parquet(tmp_path / "net")
    if change == "one id":
        def swap(table):  # one person's id on one row becomes another person's
            ids = table["person_id"].to_pylist()
            first = next(i for i, v in enumerate(ids) if v is not None)
            other = next(v for v in ids if v is not None and v != ids[first])
            ids[first] = other
            return table.set_column(table.schema.get_field_index("person_id"), "person_id",
                                    pa.array(ids, table.schema.field("person_id").type))
        _rewrite_payments(folder, swap)
    elif change == "same bytes, other metadata":
        _rewrite_payments(folder, lambda table: table.replace_schema_metadata({"x": "y"}))
    elif change == "codes file damaged":
        (folder / "payments.idcodes.arrow").write_bytes(b"not an arrow file")
    elif change == "uniques file missing":
        (folder / "payments.iduniques.arrow").unlink()
    else:
        _rewrite_payments(folder, lambda table: table.slice(1))
    back = amebench.read_parquet(folder)
    taken = all(v is not None for v in _cached(back.payments).values())
    # values unchanged (metadata only): the digest of the id columns' bytes still matches
    assert taken == (change == "same bytes, other metadata")
    if change == "one id":  # the metric sees the changed ledger, not the saved codes
        codes = id_codes(back.payments["person_id"])
        assert _decoded(codes) == back.payments["person_id"].astype(object).where(
            back.payments["person_id"].notna(), None).tolist()


_ids = st.one_of(st.none(), st.sampled_from(["p1", "p2", "hh 3", "ä4", ""]))


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b"]), _ids, _ids), max_size=40))
def test_saved_codes_decode_to_the_ledger_property(tmp_path_factory, rows):
    # Reference: the ledger's own values, row by row.
    folder = tmp_path_factory.mktemp("net")
    payments = pd.DataFrame({
        "unit": pd.Series([r[0] for r in rows], dtype=schema.STRING),
        "person_id": pd.Series([r[1] for r in rows], dtype=schema.STRING),
        "household_id": pd.Series([r[2] for r in rows], dtype=schema.STRING),
        "month": pd.Series([pd.Timestamp("2025-01-01")] * len(rows), dtype="datetime64[ns]"),
        "amount_sek": pd.Series([100.0] * len(rows), dtype="float64"),
    })
    frame = schema.coerce_table(payments, schema.TABLES["payments"])
    frame.to_parquet(folder / "payments.parquet", index=False)
    _idcodes.save_codes(frame, LEDGER, folder / "payments.parquet", folder / "c.arrow")
    _idcodes.save_uniques(frame, LEDGER, folder / "payments.parquet", folder / "u.arrow")
    back = schema.coerce_table(pd.read_parquet(folder / "payments.parquet"), schema.TABLES["payments"])
    digest = _idcodes.fingerprint(folder / "payments.parquet", LEDGER)
    assert _idcodes.load_codes(back, LEDGER, folder / "c.arrow", folder / "u.arrow", digest)
    for i, column in enumerate(LEDGER):
        codes = _cached(back)[column]
        assert _decoded(codes) == [r[i] for r in rows]
