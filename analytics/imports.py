"""Read-side views of the import bookkeeping: history, quarantine, table sizes, and whether the
figures wait for an analysis.

Each function takes an open connection (the warehouse or its serving snapshot) and returns a
small, sorted Polars frame. No I/O beyond the query, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


@dataclass(frozen=True)
class AnalysisStatus:
    """How current the analysed figures are: batches imported but not analysed yet, and the
    runs of ``analyse`` that failed since the last one that succeeded."""

    analysed_at: datetime | None  # the last successful run's end
    as_of: datetime | None  # ... and the as-of time it used
    as_of_source: str | None  # entries / data / now / given; None from before it was kept
    waiting_batches: int
    waiting_rows: int
    waiting_since: datetime | None
    failures: int = 0
    first_failed_at: datetime | None = None
    last_failed_at: datetime | None = None
    reason_code: str | None = None  # holiday_calendar / error
    reason: str | None = None
    missing_year: int | None = None

    @property
    def stale(self) -> bool:
        return self.waiting_batches > 0 or self.failures > 0


def analysis_status(con: duckdb.DuckDBPyConnection) -> AnalysisStatus | None:
    """None until something was both imported and analysed (the first-run page covers that).
    A snapshot published before ``analysis_failures`` existed reports no failures."""
    if not (table_exists(con, "import_batches") and table_exists(con, "analysis_runs")):
        return None
    waiting = query_file(con, "views/analysis_waiting.sql").row(0, named=True)
    if waiting["analysed_at"] is None:
        return None
    failed: dict[str, Any] = {}
    if table_exists(con, "analysis_failures"):
        row = query_file(con, "views/analysis_failing_since.sql", {"since": waiting["analysed_at"]})
        failed = row.row(0, named=True)
    return AnalysisStatus(**waiting, **failed)


_RUN_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "run_at": pl.Datetime("us"),
    "outcome": pl.String,  # full / incremental / noop / failed
    "reason": pl.String,
    "new_batches": pl.Int64,
    "months": pl.String,
    "as_of": pl.Datetime("us"),
    "seconds": pl.Float64,
    "reason_code": pl.String,  # pipeline._Plan.code; failed runs: holiday_calendar / error
    "missing_year": pl.Int32,
}


# Outcomes a schedule repeats: a cron line every 15 minutes writes 96 a day when nothing arrives
# or while the same error persists, which would push every run that did something out of view.
REPEATING = ("noop", "failed")


def collapse_repeats(runs: pl.DataFrame) -> pl.DataFrame:
    """Consecutive runs (newest first) with the same repeating outcome and reason as one row:
    the latest's columns, ``runs`` how many, ``first_run_at`` the earliest. Other runs keep a
    row each (``runs`` 1)."""
    repeat = pl.col("outcome").is_in(REPEATING)
    key = pl.when(repeat).then(
        pl.concat_str(
            "outcome", "reason_code", "reason", "missing_year", separator="\x1f", ignore_nulls=True
        )
    )
    # a run that does something is a group of its own: its row number stands in for the key
    own = pl.int_range(pl.len()).cast(pl.String)
    return (
        runs.with_columns(_group=pl.coalesce(key, own).rle_id())
        .group_by("_group", maintain_order=True)
        .agg(
            pl.all().exclude("run_at").first(),
            pl.col("run_at").max(),
            pl.col("run_at").min().alias("first_run_at"),
            pl.len().cast(pl.Int64).alias("runs"),
        )
        .drop("_group")
        .select(*runs.columns, "first_run_at", "runs")
        .sort("run_at", descending=True, nulls_last=True)
    )


def analysis_history(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pl.DataFrame:
    """The latest ``limit`` rows of the runs of ``analyse``, newest first: those that succeeded
    and those that failed (and were rolled back), one frame; repeated no-op and failed runs
    collapsed (:func:`collapse_repeats`)."""
    parts = [pl.DataFrame(schema=_RUN_SCHEMA)]
    for table, name in (
        ("analysis_runs", "analysis_run_list"),
        ("analysis_failures", "analysis_failure_list"),
    ):
        if table_exists(con, table):
            frame = query_file(con, f"views/{name}.sql")
            frame = frame.select([c for c in _RUN_SCHEMA if c in frame.columns])
            parts.append(frame.cast({c: t for c, t in _RUN_SCHEMA.items() if c in frame.columns}))
    runs = pl.concat(parts, how="diagonal")
    runs = runs.sort("run_at", descending=True, nulls_last=True)
    return collapse_repeats(runs).head(limit)
