"""Tests of the integer codes of identifier columns (amebench._idcodes)."""

import json

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
    # in its own space a column's codes are its id_codes, not hashed again (2M person ids
    # of a national cohort took 0.7 s)
    assert codes_in(values, id_codes(values)) is id_codes(values).codes


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


def test_code_ahead_makes_the_codes_window_totals_uses(monkeypatch):
    # welfare_delta codes the episodes' ids in the ledger's space on a second thread while
    # it finds the deciding episodes. The codes it leaves must be those codes_in makes,
    # found (the same object) by the window_totals that follows; the welfare table must
    # not depend on it (one core: nothing is started).
    from amebench.metrics._ledger import code_ahead

    monkeypatch.setattr("amebench._threads.cores", lambda: 2)
    # read afresh: load_sample's copies share the arrow data of one read, and with it its codes
    net = amebench.read_network(amebench.sample_path())
    episodes = net.episodes
    assert code_ahead(net.payments, episodes) is None  # the ledger's ids are not coded yet
    id_codes_many([net.payments[c] for c in LEDGER])
    ahead = code_ahead(net.payments, episodes)
    made = ahead.result()
    for column, got in zip(LEDGER, made):
        reference = id_codes(net.payments[column])
        assert codes_in(episodes[column], reference) is got  # kept, found again
        ref = codes_in(episodes[column].astype(object).astype(schema.STRING), reference)  # fresh data
        np.testing.assert_array_equal(got, ref)
    threaded = welfare_delta(amebench.cohort(net), by=("unit",), method="t")
    monkeypatch.setattr("amebench._threads.cores", lambda: 1)
    assert code_ahead(net.payments, episodes.copy(deep=True)) is None
    fresh = amebench.cohort(amebench.read_network(amebench.sample_path()))  # no codes made
    pd.testing.assert_frame_equal(welfare_delta(fresh, by=("unit",), method="t"), threaded, check_exact=True)


# -- codes saved by Network.to_parquet and taken back by read_parquet -----------------

LEDGER = ("unit", "person_id", "household_id")


def _cached(frame):
    """The codes the cache holds for each ledger id column of ``frame`` (None: not cached)."""
    return {c: _idcodes._ID_CODES.get(id(_idcodes._arrow_data(frame[c]))) for c in LEDGER}


def _in_any_space(frame):
    """Per id column of ``frame``: the spaces (ids of their distinct values) the cache holds its codes in."""
    return {c: [key[1] for key in _idcodes._CODES_IN if key[0] == id(_idcodes._arrow_data(frame[c]))]
            for c in LEDGER}


def _forget(net):
    """Drop every cached code of the network's ledger and episode ids."""
    for frame in (net.payments, net.episodes):
        for column in LEDGER:
            data = id(_idcodes._arrow_data(frame[column]))
            _idcodes._ID_CODES.pop(data, None)
            for key in [key for key in _idcodes._CODES_IN if key[0] == data]:
                _idcodes._CODES_IN.pop(key)


def test_read_parquet_takes_back_the_codes_to_parquet_saved(tmp_path):
    net = amebench.load_sample()
    net.to_parquet(tmp_path / "net")
    back = amebench.read_parquet(tmp_path / "net")
    for frame in (back.payments, back.episodes):
        cached = _cached(frame)
        for column in LEDGER:  # uniques[codes] gives every row's value again, missing as -1
            assert cached[column] is not None
            assert _decoded(cached[column]) == _values(frame[column])
            assert not cached[column].codes.flags.writeable
    ledger = _cached(back.payments)
    assert _in_any_space(back.episodes) == {c: [id(ledger[c].uniques)] for c in LEDGER}
    for column in LEDGER:  # the episodes' codes in the ledger's space: those codes_in makes afresh
        taken = codes_in(back.episodes[column], ledger[column])
        fresh = codes_in(back.episodes[column].astype(object).astype(schema.STRING), ledger[column])
        np.testing.assert_array_equal(taken, fresh)
        assert (taken >= 0).any() and not taken.flags.writeable
    # the metric gives the same table with the saved codes as when it hashes the ids itself
    with_saved = welfare_delta(amebench.cohort(back), months=6, by=("unit",), method="t")
    fresh = amebench.read_parquet(tmp_path / "net")
    _forget(fresh)
    assert _cached(fresh.payments) == _cached(fresh.episodes) == dict.fromkeys(LEDGER)
    hashed = welfare_delta(amebench.cohort(fresh), months=6, by=("unit",), method="t")
    pd.testing.assert_frame_equal(with_saved, hashed)


def _rewrite(folder, change, table="payments"):
    """Rewrite <table>.parquet with ``change`` applied (the saved codes left as they were)."""
    path = folder / f"{table}.parquet"
    pq.write_table(change(pq.read_table(path)), path)


def _swap_one_id(table):
    """One person's id on one row becomes another person's."""
    ids = table["person_id"].to_pylist()
    first = next(i for i, v in enumerate(ids) if v is not None)
    ids[first] = next(v for v in ids if v is not None and v != ids[first])
    return table.set_column(table.schema.get_field_index("person_id"), "person_id",
                            pa.array(ids, table.schema.field("person_id").type))


def _swap_names(table):
    """person_id and household_id trade names in the pandas metadata only: the same bytes
    in every column chunk, but pandas reads each column under the other's name."""
    names = {"person_id": "household_id", "household_id": "person_id"}
    meta = dict(table.schema.metadata)
    pandas_meta = json.loads(meta[b"pandas"])
    for column in pandas_meta["columns"]:
        column["name"] = names.get(column["name"], column["name"])
    meta[b"pandas"] = json.dumps(pandas_meta).encode()
    return table.replace_schema_metadata(meta)


def _edit_record(folder, edit, key="ledger_codes"):
    path = folder / "network.json"
    meta = json.loads(path.read_text())
    edit(meta[key])
    path.write_text(json.dumps(meta))


CHANGES = {
    "one id": lambda folder: _rewrite(folder, _swap_one_id),
    "rows dropped": lambda folder: _rewrite(folder, lambda table: table.slice(1)),
    # the id columns' bytes are unchanged; the footer (which names them) is not
    "ids swapped by name": lambda folder: _rewrite(folder, _swap_names),
    "other metadata": lambda folder: _rewrite(
        folder, lambda table: table.replace_schema_metadata({**table.schema.metadata, b"x": b"y"})),
    "codes file not arrow": lambda folder: (folder / "payments.idcodes.arrow").write_bytes(b"not arrow"),
    "uniques file missing": lambda folder: (folder / "payments.iduniques.arrow").unlink(),
    "uniques file truncated": lambda folder: (folder / "payments.iduniques.arrow").write_bytes(
        (folder / "payments.iduniques.arrow").read_bytes()[:-100]),
    "record of other rows": lambda folder: _edit_record(folder, lambda r: r.update(rows=r["rows"] + 1)),
    "record without a digest": lambda folder: _edit_record(folder, lambda r: r.pop("codes_blake2b")),
    "record of wrong types": lambda folder: _edit_record(folder, lambda r: r.update(columns=7, lengths=None)),
    "record gone": lambda folder: _edit_record(folder, lambda r: r.clear()),
    # json reads 1e400 as inf, and int(inf) raises OverflowError (escaped the reader)
    "record of an infinite length": lambda folder: _edit_record(folder, lambda r: r.update(lengths=[1e400] * 3)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_saved_codes_are_taken_only_for_the_very_file_they_were_made_from(tmp_path, change):
    net = amebench.load_sample()
    folder = net.to_parquet(tmp_path / "net")
    assert all(v is not None for v in _cached(amebench.read_parquet(folder).payments).values())
    before = amebench.read_parquet(folder).payments
    CHANGES[change](folder)
    back = amebench.read_parquet(folder)
    if change == "ids swapped by name":
        assert _values(back.payments["person_id"]) == _values(before["household_id"])
    assert _cached(back.payments) == dict.fromkeys(LEDGER)
    # the episodes' own codes still hold; their codes in the ledger's space, not taken, are made afresh
    assert all(v is not None for v in _cached(back.episodes).values())
    assert _in_any_space(back.episodes) == dict.fromkeys(LEDGER, [])
    for column in LEDGER:  # the metric sees the ledger as read, not the saved codes
        assert _decoded(id_codes(back.payments[column])) == _values(back.payments[column])


EPISODE_CHANGES = {
    "one id": lambda folder: _rewrite(folder, _swap_one_id, "episodes"),
    "ids swapped by name": lambda folder: _rewrite(folder, _swap_names, "episodes"),
    "codes file truncated": lambda folder: (folder / "episodes.idcodes.arrow").write_bytes(
        (folder / "episodes.idcodes.arrow").read_bytes()[:-100]),
    "record of other rows": lambda folder: _edit_record(folder, lambda r: r.update(rows=r["rows"] - 1),
                                                        "episode_codes"),
    "record without its space's columns": lambda folder: _edit_record(
        folder, lambda r: r["space"].pop("columns"), "episode_codes"),
    # codes in a space one code longer than the ledger's distinct values: another ledger's
    "record of another space": lambda folder: _edit_record(
        folder, lambda r: r["space"].update(lengths=[n + 1 for n in r["space"]["lengths"]]), "episode_codes"),
}


@pytest.mark.parametrize("change", EPISODE_CHANGES)
def test_saved_episode_codes_are_taken_only_for_the_very_file_they_were_made_from(tmp_path, change):
    folder = amebench.load_sample().to_parquet(tmp_path / "net")
    before = amebench.read_parquet(folder).episodes
    EPISODE_CHANGES[change](folder)
    back = amebench.read_parquet(folder)
    if change == "ids swapped by name":
        assert _values(back.episodes["person_id"]) == _values(before["household_id"])
    assert all(v is not None for v in _cached(back.payments).values())  # the ledger's are not affected
    assert _in_any_space(back.episodes) == dict.fromkeys(LEDGER, [])
    if change != "record of another space":  # there the episodes' own codes still hold
        assert _cached(back.episodes) == dict.fromkeys(LEDGER)
    for column in LEDGER:
        assert _decoded(id_codes(back.episodes[column])) == _values(back.episodes[column])


def test_episode_codes_in_the_space_of_another_ledger_are_not_taken(tmp_path):
    # The ledger and its codes come from another network (intact, so they are taken):
    # the episodes' saved codes in the first ledger's space would point at other people.
    net = amebench.load_sample()
    first = net.to_parquet(tmp_path / "first")
    payments = net.payments.copy()
    payments["person_id"] = ("other " + payments["person_id"].astype(object)).astype(schema.STRING)
    other = _network_with_payments(payments).to_parquet(tmp_path / "other")
    for name in ("payments.parquet", "payments.idcodes.arrow", "payments.iduniques.arrow"):
        (first / name).write_bytes((other / name).read_bytes())
    ledger_record = json.loads((other / "network.json").read_text())["ledger_codes"]
    _edit_record(first, lambda r: r.update(ledger_record))
    back = amebench.read_parquet(first)
    ledger = _cached(back.payments)
    assert _decoded(ledger["person_id"]) == _values(back.payments["person_id"])
    assert all(v is not None for v in _cached(back.episodes).values())
    assert _in_any_space(back.episodes) == dict.fromkeys(LEDGER, [])
    assert (codes_in(back.episodes["person_id"], ledger["person_id"]) == -1).all()  # no one in common


def _values(column):
    return column.astype(object).where(column.notna(), None).tolist()


@pytest.mark.parametrize("name", ["payments.idcodes.arrow", "payments.iduniques.arrow",
                                  "episodes.idcodes.arrow", "episodes.iduniques.arrow"])
def test_damaged_codes_files_are_never_taken_nor_parsed(tmp_path, name):
    # Bit flips all over a file (header, metadata, compressed bodies, footer): a reader
    # that parsed such bytes crashed (segfault, MemoryError) or took wrong codes; the
    # digest of the file's bytes rejects every one before pyarrow sees it.
    folder = amebench.load_sample().to_parquet(tmp_path / "net")
    table = name.split(".")[0]
    path = folder / name
    good = path.read_bytes()
    for at in range(0, len(good), max(1, len(good) // 60)):
        damaged = bytearray(good)
        damaged[at] ^= 0x5A
        path.write_bytes(bytes(damaged))
        back = amebench.read_parquet(folder)
        assert _cached(getattr(back, table)) == dict.fromkeys(LEDGER), at
        assert _in_any_space(back.episodes) == dict.fromkeys(LEDGER, []), at
    path.write_bytes(good)
    back = amebench.read_parquet(folder)
    assert all(v is not None for v in _cached(getattr(back, table)).values())
    assert all(_in_any_space(back.episodes).values())


def test_codes_outside_the_distinct_values_are_not_taken_even_with_matching_digests(tmp_path):
    # Files that are intact by their digests but say what save_codes never writes
    # (a code past the distinct values, a missing distinct value) are refused too.
    path = tmp_path / "payments.parquet"
    frame = pd.DataFrame({"person_id": pd.Series(["a", "b", None, "a"], dtype=schema.STRING)})
    frame.to_parquet(path, index=False)
    record = _idcodes.save_codes(pd.read_parquet(path), path, tmp_path / "c.arrow", tmp_path / "u.arrow")
    back = pd.read_parquet(path)
    assert _idcodes.load_codes(back, path, tmp_path / "c.arrow", tmp_path / "u.arrow", record) is not None
    for codes, uniques in [([0, 2, -1, 0], ["a", "b"]), ([0, 1, -2, 0], ["a", "b"]), ([0, 1, -1, 0], ["a", None])]:
        forged = dict(record, lengths=[2],
                      codes_blake2b=_idcodes._write_ipc(pa.table({"person_id": pa.array(codes, pa.int32())}),
                                                        tmp_path / "c2.arrow"),
                      uniques_blake2b=_idcodes._write_ipc(pa.table({"person_id": pa.array(uniques, pa.large_string())}),
                                                          tmp_path / "u2.arrow"))
        assert _idcodes.load_codes(back, path, tmp_path / "c2.arrow", tmp_path / "u2.arrow", forged) is None
    # codes in another table's space: each -1 or one of that space's codes
    space = _idcodes.Space({"person_id": id_codes(pd.Series(["b", "x"], dtype=schema.STRING))}, "the ledger")
    record = _idcodes.save_codes(pd.read_parquet(path), path, tmp_path / "c.arrow", tmp_path / "u.arrow", space=space)
    taken = _idcodes.load_codes(back, path, tmp_path / "c.arrow", tmp_path / "u.arrow", record, space=space)
    assert taken[0].in_space[0] is space.codes["person_id"] and taken[0].in_space[1].tolist() == [-1, 0, -1, -1]
    for in_space in ([-1, 2, -1, -1], [-2, 0, -1, -1]):
        forged = dict(record, codes_blake2b=_idcodes._write_ipc(
            pa.table({"person_id": pa.array([0, 1, -1, 0], pa.int32()),
                      "person_id in space": pa.array(in_space, pa.int32())}), tmp_path / "c2.arrow"))
        assert _idcodes.load_codes(back, path, tmp_path / "c2.arrow", tmp_path / "u.arrow", forged, space=space) is None


def _network_with_payments(payments):
    net = amebench.load_sample()
    return amebench.Network(units=net.units, episodes=net.episodes, activities=net.activities,
                            followups=net.followups, payments=payments, rejects=net.rejects,
                            reconciliation=net.reconciliation, as_of=net.as_of, name=net.name)


@pytest.mark.parametrize("dtype", ["object ints with None", "Int64", "categorical of Int64"])
def test_saved_codes_describe_the_values_read_back_whatever_the_written_dtype(tmp_path, dtype):
    # A network built directly may hold ids in other dtypes; Parquet gives them back as
    # written (object ints with None become floats: '1.0'), so codes made from the frame
    # in memory ('1') would decode to other values than read_parquet gives.
    net = amebench.load_sample()
    payments = net.payments.copy()
    persons = pd.Series(pd.factorize(payments["person_id"])[0], dtype="Int64").where(payments["person_id"].notna())
    if dtype == "object ints with None":
        persons = persons.astype(object).where(persons.notna(), None)
    elif dtype == "categorical of Int64":
        persons = persons.astype("category")
    payments["person_id"] = persons
    back = amebench.read_parquet(_network_with_payments(payments).to_parquet(tmp_path / "net"))
    cached = _cached(back.payments)
    for column in LEDGER:
        assert cached[column] is not None
        assert _decoded(cached[column]) == _values(back.payments[column])


def test_to_parquet_saves_the_codes_of_the_id_columns_the_ledger_has(tmp_path):
    net = amebench.load_sample()
    back = amebench.read_parquet(
        _network_with_payments(net.payments.drop(columns="household_id")).to_parquet(tmp_path / "net"))
    cached = _cached(back.payments)
    assert back.payments["household_id"].isna().all() and cached["household_id"] is None
    for column in ("unit", "person_id"):
        assert _decoded(cached[column]) == _values(back.payments[column])
    # the episodes' household ids have codes of their own, and none in the ledger's space
    assert all(v is not None for v in _cached(back.episodes).values())
    spaces = _in_any_space(back.episodes)
    assert spaces["household_id"] == [] and spaces["person_id"] == [id(cached["person_id"].uniques)]
    no_ids = net.payments.drop(columns=list(LEDGER))
    net.to_parquet(tmp_path / "none")  # a network with ids first: its codes files go
    back = amebench.read_parquet(_network_with_payments(no_ids).to_parquet(tmp_path / "none"))
    assert not (tmp_path / "none" / "payments.idcodes.arrow").exists()
    assert not (tmp_path / "none" / "payments.iduniques.arrow").exists()
    meta = json.loads((tmp_path / "none" / "network.json").read_text())
    assert "ledger_codes" not in meta and "space" not in meta["episode_codes"]
    assert _cached(back.payments) == dict.fromkeys(LEDGER)
    assert all(v is not None for v in _cached(back.episodes).values())  # no ledger, yet the episodes' own


def test_codes_are_not_taken_when_the_ledger_file_is_replaced_while_it_is_read(tmp_path, monkeypatch):
    # Another writer replaces payments.parquet (same bytes, a new file) between the read
    # and the check of the saved codes: read_parquet cannot tell which file it read, so
    # it does not take them.
    folder = amebench.load_sample().to_parquet(tmp_path / "net")
    path = folder / "payments.parquet"
    load_codes = _idcodes.load_codes

    def replace_then_load(*args, **kwargs):
        copy = tmp_path / "copy.parquet"
        copy.write_bytes(path.read_bytes())
        copy.replace(path)
        return load_codes(*args, **kwargs)

    monkeypatch.setattr(_idcodes, "load_codes", replace_then_load)
    back = amebench.read_parquet(folder)
    assert _cached(back.payments) == dict.fromkeys(LEDGER)
    assert _in_any_space(back.episodes) == dict.fromkeys(LEDGER, [])  # nor the episodes' in its space
    monkeypatch.setattr(_idcodes, "load_codes", load_codes)
    assert all(v is not None for v in _cached(amebench.read_parquet(folder).payments).values())


_ids = st.one_of(st.none(), st.sampled_from(["p1", "p2", "hh 3", "ä4", ""]),
                 st.text(st.characters(exclude_categories=("Cs",)), max_size=4))


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
    path = folder / "payments.parquet"
    frame = schema.coerce_table(payments, schema.TABLES["payments"])
    frame.to_parquet(path, index=False)
    # canonical columns: to_parquet codes them as they are in memory, not as read back
    record = _idcodes.save_codes(frame[list(LEDGER)], path, folder / "c.arrow", folder / "u.arrow")
    back = schema.coerce_table(pd.read_parquet(path), schema.TABLES["payments"])
    _idcodes.remember(_idcodes.load_codes(back, path, folder / "c.arrow", folder / "u.arrow", record))
    for i, column in enumerate(LEDGER):
        codes = _cached(back)[column]
        assert _decoded(codes) == [r[i] for r in rows]


@settings(max_examples=25, deadline=None)
@given(ledger=st.lists(_ids, max_size=20), episodes=st.lists(_ids, max_size=20))
def test_saved_codes_in_a_space_point_at_the_same_values_property(tmp_path_factory, ledger, episodes):
    # Reference: each episode id's position among the ledger's distinct values, by list.index.
    folder = tmp_path_factory.mktemp("net")
    reference = id_codes(pd.Series(ledger, dtype=schema.STRING))
    distinct = reference.uniques.to_pylist()
    path = folder / "episodes.parquet"
    pd.DataFrame({"person_id": pd.Series(episodes, dtype=schema.STRING)}).to_parquet(path, index=False)
    space = _idcodes.Space({"person_id": reference}, "ledger")
    record = _idcodes.save_codes(pd.read_parquet(path), path, folder / "c.arrow", folder / "u.arrow", space=space)
    back = pd.read_parquet(path)
    _idcodes.remember(_idcodes.load_codes(back, path, folder / "c.arrow", folder / "u.arrow", record, space=space))
    expected = [distinct.index(v) if v is not None and v in distinct else -1 for v in episodes]
    taken = _idcodes._CODES_IN[(id(_idcodes._arrow_data(back["person_id"])), id(reference.uniques))]
    assert taken.tolist() == expected
    assert codes_in(back["person_id"], reference) is taken


@settings(max_examples=50, deadline=None)
@given(values=st.lists(_ids, max_size=30), ledger=st.lists(_ids, max_size=10), data=st.data())
def test_carried_codes_are_those_hashing_makes_property(values, ledger, data):
    # Reference: id_codes and codes_in of the selected values as a fresh column (hashed).
    source = pd.Series(values, dtype=schema.STRING)
    reference = id_codes(pd.Series(ledger, dtype=schema.STRING))
    id_codes(source), codes_in(source, reference)
    positions = np.array(data.draw(st.lists(st.integers(0, len(values) - 1), max_size=30) if values else st.just([])),
                         dtype=np.int64)  # any order, repeats allowed
    taken = source.take(positions).reset_index(drop=True)
    _idcodes.carry(source, taken, positions)
    carried = _cached(pd.DataFrame({c: taken for c in LEDGER}))["person_id"]
    fresh = id_codes(taken.astype(object).astype(schema.STRING))
    assert carried.codes.tolist() == fresh.codes.tolist() and not carried.codes.flags.writeable
    assert carried.uniques.to_pylist() == fresh.uniques.to_pylist()
    in_space = _idcodes._CODES_IN[(id(_idcodes._arrow_data(taken)), id(reference.uniques))]
    assert in_space.tolist() == codes_in(taken.astype(object).astype(schema.STRING), reference).tolist()
    assert not in_space.flags.writeable
    # and in the source's own space, as codes_in(taken, id_codes(source)) would hash them
    own = id_codes(source)
    assert codes_in(taken, own).tolist() == codes_in(taken.astype(object).astype(schema.STRING), own).tolist()
    if _idcodes._arrow_data(taken) is not _idcodes._arrow_data(source):  # kept, not hashed
        assert (id(_idcodes._arrow_data(taken)), id(own.uniques)) in _idcodes._CODES_IN


def test_carry_leaves_columns_without_codes_alone():
    def caches():
        return dict(_idcodes._ID_CODES), dict(_idcodes._CODES_IN)

    source = pd.Series(["a", "b", None], dtype=schema.STRING)
    taken = source.take([2, 0]).reset_index(drop=True)
    before = caches()
    _idcodes.carry(source, taken, np.array([2, 0]))  # nothing known of source: nothing to carry
    assert caches() == before and _idcodes.known_codes(taken) is None
    objects = pd.Series(["a", "b"], dtype=object)  # not arrow-backed: no codes to keep
    id_codes(objects)
    before = caches()
    _idcodes.carry(objects, objects.take([1]), np.array([1]))
    assert caches() == before
    codes = id_codes(source)
    codes_in(source, id_codes(pd.Series(["b"], dtype=schema.STRING)))
    before = caches()
    _idcodes.carry(source, source, np.arange(3))  # the same data: its codes stand as they are
    _idcodes.carry(source, taken, np.array([2, 0, 1]))  # positions that do not fit taken: nothing
    assert caches() == before and id_codes(source) is codes


def test_codes_are_taken_without_a_space_when_the_record_has_none(tmp_path):
    # A record written without a space (a ledger without ids): read with the ledger's
    # space at hand, the columns' own codes are still taken.
    path = tmp_path / "episodes.parquet"
    pd.DataFrame({"person_id": pd.Series(["a", None, "b"], dtype=schema.STRING)}).to_parquet(path, index=False)
    record = _idcodes.save_codes(pd.read_parquet(path), path, tmp_path / "c.arrow", tmp_path / "u.arrow")
    assert "space" not in record
    space = _idcodes.Space({"person_id": id_codes(pd.Series(["b"], dtype=schema.STRING))}, "a ledger")
    back = pd.read_parquet(path)
    taken = _idcodes.load_codes(back, path, tmp_path / "c.arrow", tmp_path / "u.arrow", record, space=space)
    assert [t.in_space for t in taken] == [None] and _decoded(taken[0].codes) == ["a", None, "b"]
