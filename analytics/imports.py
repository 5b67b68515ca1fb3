"""Read-side views of the import bookkeeping: history, quarantine, table sizes.

Each function takes an open connection (the warehouse or its serving snapshot) and returns a
small, sorted Polars frame. No I/O beyond the query, no UI.
"""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.warehouse import query, query_file, table_counts, table_exists


def warehouse_tables(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Row counts of the warehouse tables (from the snapshot's record when reading one)."""
    if table_exists(con, "warehouse_tables"):
        frame = query(con, "select table_name, row_count from warehouse_tables")
    else:
        counts = table_counts(con)
        frame = pl.DataFrame(
            {"table_name": list(counts), "row_count": list(counts.values())},
            schema={"table_name": pl.String, "row_count": pl.Int64},
        )
    return frame.sort("table_name")


def import_history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return query_file(con, "views/import_history.sql").sort("batch_id", descending=True)


def import_failures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Files the loader could not read and that have not been loaded since (empty in a
    snapshot published before the table existed)."""
    if not table_exists(con, "import_failures"):
        return pl.DataFrame(
            schema={
                "file_name": pl.String,
                "sheet": pl.String,
                "file_path": pl.String,
                "reason": pl.String,
                "first_failed_at": pl.Datetime("us"),
                "last_failed_at": pl.Datetime("us"),
                "attempts": pl.Int32,
                "reason_code": pl.String,
            }
        )
    frame = query_file(con, "views/import_failures.sql")
    if "reason_code" not in frame.columns:  # a snapshot published before the codes
        frame = frame.with_columns(reason_code=pl.lit(None, pl.String))
    return frame.sort(["last_failed_at", "file_path"], descending=[True, False])


def rejected_by_reason(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return query_file(con, "views/rejected_by_reason.sql").sort(
        ["rows", "kind", "reason"], descending=[True, False, False]
    )


def rejected_sample(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pl.DataFrame:
    frame = query_file(con, "views/rejected_sample.sql", {"limit": limit})
    return frame.sort(["batch_id", "row_number"], descending=[True, False])
