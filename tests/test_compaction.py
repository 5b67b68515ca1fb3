"""DuckDB's checkpoint vacuum runs on the warehouse only when deleted rows call for it.

Row groups hold 122,880 rows; the tables here have four, so what a checkpoint merges (and
what it leaves) is DuckDB's, not a stand-in's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from ingest_fixtures import ETAX_HEADERS, digital_no, etax_row, write_csv

from analytics import compaction, warehouse
from analytics.ingest import ingest_paths

ROW_GROUP = 122_880


def _vacuum_tasks(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select current_setting('max_vacuum_tasks')").fetchall()[0][0])


def _row_groups(con: duckdb.DuckDBPyConnection, table: str) -> int:
    sql = "select count(distinct row_group_id) from pragma_storage_info($t)"
    return int(con.execute(sql, {"t": table}).fetchall()[0][0])


def _delete_and_commit(con: duckdb.DuckDBPyConnection, where: str) -> compaction.Compaction | None:
    con.begin()
    con.execute(f"delete from t where {where}")
    compaction.commit(con)
    return compaction.compact_if_due(con)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = warehouse.connect(tmp_path / "w.duckdb")
    c.execute(f"create table t as select range as i from range({4 * ROW_GROUP})")
    c.execute("checkpoint")
    yield c
    c.close()


def test_warehouse_connections_run_without_the_vacuum(con: duckdb.DuckDBPyConnection) -> None:
    assert _vacuum_tasks(con) == 0
    assert compaction.dead_rows(con) == (0, 0)


def test_deleted_rows_are_compacted_once_they_are_a_quarter_of_their_tables(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # a tenth of every row group: kept, and counted
    assert _delete_and_commit(con, "i % 10 = 0") is None
    assert compaction.dead_rows(con) == (4 * ROW_GROUP // 10, 4 * ROW_GROUP)
    assert _row_groups(con, "t") == 4
    assert con.execute(f"select count(*) from {compaction.TABLE}").fetchall() == [(0,)]
    # half of every row group: two fit in one, so the vacuum merges them
    done = _delete_and_commit(con, "i % 2 = 0")
    assert done is not None
    assert (done.dead_before, done.stored) == (2 * ROW_GROUP, 4 * ROW_GROUP)
    assert done.dead_after == compaction.dead_rows(con)[0] < done.dead_before
    assert _row_groups(con, "t") < 4
    assert con.execute("select count(*), sum(i) from t").fetchall() == [
        (2 * ROW_GROUP, sum(range(1, 4 * ROW_GROUP, 2)))
    ]
    recorded = con.execute(
        f"select dead_before, stored_before, dead_after from {compaction.TABLE}"
    ).fetchall()
    assert recorded == [(done.dead_before, done.stored, done.dead_after)]
    assert _vacuum_tasks(con) == 0  # put back


def test_rows_the_vacuum_left_do_not_compact_again(con: duckdb.DuckDBPyConnection) -> None:
    # a third of each row group: three then fit in two, but the last one is left as it is
    done = _delete_and_commit(con, "i % 3 = 1")
    assert done is not None
    assert 0 < done.dead_after < done.dead_before
    assert _delete_and_commit(con, "false") is None  # nothing deleted since: not due again
    assert _delete_and_commit(con, "i % 3 = 2") is not None  # a third more: due again


def test_a_load_checkpoints_without_the_vacuum_and_restores_the_setting(
    tmp_path: Path,
) -> None:
    rows = [etax_row(n, digital_no(n)) for n in (1, 2)]
    path = write_csv(tmp_path / "tax.csv", ETAX_HEADERS, rows)
    plain = duckdb.connect(str(tmp_path / "plain.duckdb"))  # vacuum on, DuckDB's default
    try:
        warehouse.ensure_schema(plain)
        before = _vacuum_tasks(plain)
        assert before > 0
        ingest_paths(plain, [path], progress=False)
        assert _vacuum_tasks(plain) == before
    finally:
        plain.close()
