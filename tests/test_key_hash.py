"""The raw invoice tables' ``key_hash``: what the loader looks loaded invoice numbers up by
(analytics.warehouse.KEY_HASH_TABLES, analytics/ingest/load.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from ingest_fixtures import (
    ISSUED_HEADERS,
    TODAY,
    digital_no,
    etax_export,
    issued_row,
    write_csv,
)

from analytics import warehouse
from analytics.ingest import ingest_file


def _hashed(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int]:
    """(rows, rows whose key_hash is their invoice number's hash)."""
    row = con.execute(
        f"select count(*), count(*) filter (where key_hash = hash(invoice_no)) from {table}"
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def test_loaded_invoices_and_tax_records_carry_their_key_hash(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    ingest_file(con, etax_export(tmp_path / "tax.xlsx", range(1, 4)), today=TODAY)
    rows = [issued_row(digital_no(i)) for i in range(1, 3)]
    ingest_file(con, write_csv(tmp_path / "log.csv", ISSUED_HEADERS, rows), today=TODAY)
    assert _hashed(con, "tax_records") == (3, 3)
    assert _hashed(con, "issued_invoices") == (2, 2)


def test_a_row_without_a_key_hash_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    """The lookups by key_hash have no fallback: the warehouse keeps every row's."""
    for table in warehouse.KEY_HASH_TABLES:
        nullable = con.execute(
            "select is_nullable from information_schema.columns "
            "where table_name = $t and column_name = 'key_hash'",
            {"t": table},
        ).fetchall()
        assert nullable == [("NO",)]
    with pytest.raises(duckdb.ConstraintException, match="key_hash"):
        con.execute(
            "insert into tax_records (invoice_no, seller_tax_id, issued_at, recorded_at_source, "
            "amount, tax_amount, total_amount, is_red, batch_id, source_row) "
            "values ('1', '2', now(), 'file', 1, 0, 1, false, 1, 1)"
        )


def test_a_shared_hash_is_not_a_shared_key(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ingest_file(con, etax_export(tmp_path / "a.xlsx", range(1, 2)), today=TODAY)
    # the loaded number takes the hash of another one, as if the two collided
    con.execute("update tax_records set key_hash = hash($n)", {"n": digital_no(2)})
    (r,) = ingest_file(con, etax_export(tmp_path / "b.xlsx", range(2, 3)), today=TODAY)
    assert (r.rows_loaded, r.rows_unchanged, r.rows_rejected) == (1, 0, 0)
    assert con.execute("select count(*) from tax_records").fetchall() == [(2,)]


def test_a_warehouse_made_before_key_hash_gets_it_filled(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = warehouse.connect(db)
    ingest_file(con, etax_export(tmp_path / "a.xlsx", range(1, 4)), today=TODAY)
    # issued_invoices as before the column; tax_records as the first code with it left it
    # (the column nullable, some rows without a value)
    con.execute("alter table issued_invoices drop column key_hash")
    con.execute("alter table tax_records alter column key_hash drop not null")
    con.execute(
        "update tax_records set key_hash = null where invoice_no <> $n", {"n": digital_no(1)}
    )
    con.close()
    con = warehouse.connect(db)
    try:
        assert _hashed(con, "tax_records") == (3, 3)
        assert _hashed(con, "issued_invoices") == (0, 0)
        with pytest.raises(duckdb.ConstraintException):
            con.execute("update tax_records set key_hash = null")
        (r,) = ingest_file(con, etax_export(tmp_path / "b.xlsx", range(2, 5)), today=TODAY)
        assert (r.rows_loaded, r.rows_unchanged) == (1, 2)
    finally:
        con.close()


def test_key_hashes_are_computed_again_only_when_duckdb_hashes_differently(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    ingest_file(con, etax_export(tmp_path / "a.xlsx", range(1, 4)), today=TODAY)
    seed = con.execute("select seed from key_hash_seed").fetchall()
    # the seed this DuckDB gives: nothing is recomputed, not even a hash gone wrong
    con.execute("update tax_records set key_hash = 0 where invoice_no = $n", {"n": digital_no(1)})
    warehouse.ensure_schema(con)
    assert _hashed(con, "tax_records") == (3, 2)
    # a seed another DuckDB gave: every hash is computed again
    con.execute("update key_hash_seed set seed = 0")
    warehouse.ensure_schema(con)
    assert _hashed(con, "tax_records") == (3, 3)
    assert con.execute("select seed from key_hash_seed").fetchall() == seed
