"""The serving snapshot is refreshed, not rebuilt, yet always equals the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from analytics import snapshot, warehouse


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    return sorted(con.execute(f"select * from {table}").fetchall(), key=repr)


def _setup(db: Path) -> duckdb.DuckDBPyConnection:
    con = warehouse.connect(db)
    con.execute(
        "create table metrics as select 'M' || (range % 5) as merchant_id, "
        "'2026-0' || (1 + range % 3) as period, range::double as value from range(30)"
    )
    con.execute("create table lookup as select range as id, 'x' || range as label from range(4)")
    return con


def _probe(
    con: duckdb.DuckDBPyConnection,
    serving: Path,
    tables: list[str],
    tamper: str | None = None,
) -> dict[str, str]:
    """What refresh_tables decides, on a copy of the snapshot (``tamper``: a statement run on
    the copy, schema ``probe``, first)."""
    copy = serving.with_name("probe.duckdb")
    copy.write_bytes(serving.read_bytes())
    con.execute(f"attach '{copy}' as probe")
    try:
        if tamper:
            con.execute(tamper)
        return snapshot.refresh_tables(con, "probe", tables).done
    finally:
        con.execute("detach probe")
        copy.unlink()


def _assert_same(con: duckdb.DuckDBPyConnection, serving: Path, tables: list[str]) -> None:
    served = duckdb.connect(str(serving), read_only=True)
    try:
        for table in tables:
            assert _rows(served, table) == _rows(con, table), table
    finally:
        served.close()


def test_refresh_rewrites_only_changed_periods(tmp_path: Path) -> None:
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    tables = ["metrics", "lookup"]
    warehouse.publish(con, serving, tables)
    con.execute("update metrics set value = value + 1 where period = '2026-02' and value < 10")
    con.execute("insert into metrics values ('M9', null, 1.0)")
    assert _probe(con, serving, tables) == {
        "metrics": "2 periods: -3 +4 rows",  # three rows changed in February, one new
        "lookup": "unchanged",
    }
    warehouse.publish(con, serving, tables)
    _assert_same(con, serving, tables)


def test_refresh_copies_changed_tables_and_drops_removed_ones(tmp_path: Path) -> None:
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    warehouse.publish(con, serving, ["metrics", "lookup"])
    con.execute("update lookup set label = 'changed' where id = 2")
    con.execute("alter table metrics add column extra integer")
    warehouse.publish(con, serving, ["metrics", "lookup"])
    _assert_same(con, serving, ["metrics", "lookup"])
    warehouse.publish(con, serving, ["lookup"])
    served = duckdb.connect(str(serving), read_only=True)
    names = {r[0] for r in served.execute("select table_name from duckdb_tables()").fetchall()}
    served.close()
    assert "metrics" not in names
    assert {"lookup", "snapshot_meta"} <= names


def test_only_the_rows_that_changed_are_written(tmp_path: Path) -> None:
    """A recomputed month is rewritten whole in the warehouse; the snapshot gets only its
    rows that differ, and still equals the warehouse."""
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    tables = ["metrics", "lookup"]
    warehouse.publish(con, serving, tables)
    con.execute("create or replace temp table feb as from metrics where period = '2026-02'")
    con.execute("delete from metrics where period = '2026-02'")
    con.execute(
        "insert into metrics select merchant_id, period, "
        "case when value = 1 then -1 else value end from feb"
    )
    con.execute("update lookup set label = 'changed' where id = 2")
    assert _probe(con, serving, tables) == {
        "metrics": "1 periods: -1 +1 rows",  # of the ten rows of February
        "lookup": "refreshed: -1 +1 rows",
    }
    warehouse.publish(con, serving, tables)
    _assert_same(con, serving, tables)


def test_repeated_rows_in_a_changed_period_are_replaced_whole(tmp_path: Path) -> None:
    """Hashes cannot tell two identical rows apart, so such a period is copied again."""
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    con.execute("insert into metrics values ('M1', '2026-01', 100.0), ('M1', '2026-01', 100.0)")
    warehouse.publish(con, serving, ["metrics"])
    con.execute("delete from metrics where value = 100.0")
    con.execute("insert into metrics values ('M1', '2026-01', 100.0)")  # two became one
    con.execute("insert into metrics values ('M2', '2026-01', 7.0), ('M2', '2026-01', 7.0)")
    assert _probe(con, serving, ["metrics"]) == {"metrics": "1 periods: -12 +13 rows"}
    warehouse.publish(con, serving, ["metrics"])
    _assert_same(con, serving, ["metrics"])


def test_duplicate_rows_count_in_the_fingerprint(tmp_path: Path) -> None:
    """Two identical rows cancel in an XOR; the row count and the sum still tell them apart."""
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    con.execute("insert into lookup values (7, 'dup'), (7, 'dup')")
    warehouse.publish(con, serving, ["lookup"])
    con.execute("delete from lookup where id = 7")
    con.execute("insert into lookup values (8, 'dup2'), (8, 'dup2')")
    warehouse.publish(con, serving, ["lookup"])
    _assert_same(con, serving, ["lookup"])


def test_stored_fingerprints_stand_for_hashing_the_snapshot(tmp_path: Path) -> None:
    """The snapshot keeps what it was refreshed to; the next refresh compares against that
    (not against a re-hash of its tables), through several rounds of changes."""
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    tables = ["metrics", "lookup"]
    expected = [("lookup", "", 4), *((("metrics", f"2026-0{m}", 10)) for m in (1, 2, 3))]
    for publish_no in range(2):  # the first publish copies whole, the second compares
        if publish_no:
            con.execute("update metrics set value = -1 where period = '2026-01'")
        warehouse.publish(con, serving, tables)
        served = duckdb.connect(str(serving), read_only=True)
        stored = served.execute(
            f"select table_name, k, n from {snapshot.FINGERPRINTS} order by all"
        ).fetchall()
        served.close()
        assert stored == expected, publish_no
        _assert_same(con, serving, tables)
    for round_no in range(3):
        con.execute("update metrics set value = value + 1 where period = '2026-03'")
        con.execute("insert into lookup values ($i, 'new')", {"i": 10 + round_no})
        assert _probe(con, serving, tables) == {
            "metrics": "1 periods: -10 +10 rows",
            "lookup": "refreshed: -0 +1 rows",
        }
        warehouse.publish(con, serving, tables)
        _assert_same(con, serving, tables)
    # what is compared is the stored fingerprint: a snapshot table changed behind the
    # publisher's back (publish is its only writer) goes unnoticed until the warehouse changes
    tamper = "update probe.lookup set label = 'tampered'"
    assert _probe(con, serving, tables, tamper) == {"metrics": "unchanged", "lookup": "unchanged"}


def test_a_table_copied_whole_keeps_its_fingerprints(tmp_path: Path) -> None:
    """A table copied whole (the first publish, or new columns) is fingerprinted as it is
    copied, so the refresh after it compares against what was stored, not a re-hash of the
    snapshot: a change on either side is found only on the warehouse's."""
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    tables = ["metrics", "lookup"]
    warehouse.publish(con, serving, tables)
    tamper = "update probe.metrics set value = -5 where period = '2026-02'"
    assert _probe(con, serving, tables, tamper) == {"metrics": "unchanged", "lookup": "unchanged"}
    steps = [  # (changes to the warehouse, what the next refresh does)
        (
            [
                "alter table lookup add column note varchar",  # copied whole again
                "update metrics set value = value + 1 where period = '2026-02'",
            ],
            {"metrics": "1 periods: -10 +10 rows", "lookup": "copied"},
        ),
        (
            ["insert into lookup values (99, 'new', 'n')"],
            {"metrics": "unchanged", "lookup": "refreshed: -0 +1 rows"},
        ),
    ]
    for changes, expected in steps:
        for sql in changes:
            con.execute(sql)
        assert _probe(con, serving, tables) == expected
        warehouse.publish(con, serving, tables)
        _assert_same(con, serving, tables)


def test_deleted_rows_are_compacted_once_they_are_a_quarter_of_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compacting (DuckDB's checkpoint vacuum) rewrites tables, so the snapshot leaves deleted
    rows in place until they come to a quarter of the compared rows, then compacts and counts
    again; the setting it turns off for the commit is put back."""
    con = _setup(tmp_path / "w.duckdb")
    serving = tmp_path / "w.serving.duckdb"
    tables = ["metrics", "lookup"]  # 30 + 4 rows: compacted past 8.5 deleted rows
    default = con.execute("select current_setting('max_vacuum_tasks')").fetchall()
    decided: list[bool] = []
    refresh = snapshot.refresh_tables

    def recording(*args: Any) -> snapshot.Refresh:
        result = refresh(*args)
        decided.append(result.compact)
        return result

    monkeypatch.setattr(snapshot, "refresh_tables", recording)
    warehouse.publish(con, serving, tables)
    seen = []
    for _ in range(4):
        con.execute("update metrics set value = value + 100 where value % 10 = 0")  # 3 rows
        warehouse.publish(con, serving, tables)
        _assert_same(con, serving, tables)
        served = duckdb.connect(str(serving), read_only=True)
        try:
            seen.append(served.execute(f"select n from {snapshot.DEAD_ROWS}").fetchone())
        finally:
            served.close()
        assert con.execute("select current_setting('max_vacuum_tasks')").fetchall() == default
    # 9 of 34 rows deleted is past a quarter: that publish compacts and starts counting afresh
    assert seen == [(3,), (6,), (0,), (3,)]
    assert decided == [False, False, False, True, False]  # the first publish copies
