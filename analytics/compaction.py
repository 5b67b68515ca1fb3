"""When the warehouse is compacted: DuckDB's checkpoint vacuum, which warehouse connections run
without (:func:`analytics.warehouse.configure`).

The vacuum merges adjacent row groups that fit in fewer: that is how a checkpoint reclaims
deleted rows, and it is also what rewrites the part-filled row group that every bulk insert
leaves at its end (each loaded file, each chunk of a result table), at every checkpoint that
finds such neighbours. Loads delete nothing, and a full analysis recreates its tables, so
neither has anything to reclaim; only an incremental analysis deletes, the periods it replaces,
and those mostly as whole row groups, which a checkpoint drops without the vacuum.

So an analysis commits (:func:`commit`) and checkpoints with the vacuum off, then counts the
rows deleted but still stored, and compacts (:func:`compact_if_due`: a checkpoint with the
vacuum on) once those that came since the last compaction are a quarter of the rows stored
in the tables that hold them: the serving snapshot's rule for its own rows, and its constant
(:data:`analytics.snapshot.COMPACT_AT_DEAD_SHARE`). Each compaction is a row of
``warehouse_compactions``, with the deleted rows it found and those it left (the vacuum merges
only row groups that then fit in fewer: a third deleted from each of three, or half from two).

At 10M invoices the benchmark's load and full analysis went from 232.7-237.7 s to
220.0-220.8 s (two alternating pairs; CPU 423-433 -> 403 s) with the vacuum off throughout;
a compaction of that warehouse afterwards, which merges what the load left, took 7.3 s. The
benchmark's new day after it compacts nothing (701k deleted rows left, 2.3% of the 30.9M rows
of the tables holding them); its commit took 1.7 s, against 2.5 s in the last benchmark run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb

from analytics.clock import beijing_now
from analytics.snapshot import COMPACT_AT_DEAD_SHARE, quote_ident
from analytics.warehouse import VACUUM_ON, vacuum_tasks

TABLE = "warehouse_compactions"


@dataclass(frozen=True)
class Compaction:
    dead_before: int  # rows deleted but still stored, before it
    dead_after: int  # those it could not reclaim
    stored: int  # rows stored in the tables holding deleted rows, before it
    seconds: float


def dead_rows(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(rows deleted but still stored, rows stored) over the tables of the connection's
    database that hold deleted rows: DuckDB's table size counts the stored rows, ``count(*)``
    the live ones (~40 ms for the 47 tables of the 10M warehouse)."""
    tables = con.execute(
        "select table_name, estimated_size from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main' and not temporary"
    ).fetchall()
    if not tables:
        return 0, 0
    parts = " union all ".join(
        f"select {int(stored)} as stored, {int(stored)} - count(*) as dead from {quote_ident(name)}"
        for name, stored in tables
    )
    row = con.execute(
        f"select coalesce(sum(dead), 0), coalesce(sum(stored) filter (where dead > 0), 0) "
        f"from ({parts})"
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def _left_by_last(con: duckdb.DuckDBPyConnection) -> int:
    """The deleted rows the last compaction could not reclaim (0 before the first; a
    compaction cut off before it counted them is passed over)."""
    rows = con.execute(
        f"select dead_after from {TABLE} where dead_after is not null "
        "order by compacted_at desc limit 1"
    ).fetchall()
    return int(rows[0][0]) if rows else 0


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """Commit the open transaction; the checkpoint the commit may run goes without the vacuum."""
    with vacuum_tasks(con, 0):
        con.commit()


def compact_if_due(con: duckdb.DuckDBPyConnection) -> Compaction | None:
    """After :func:`commit`: checkpoint without the vacuum, then compact when due (see the
    module docstring); the compaction, or None."""
    with vacuum_tasks(con, 0):
        # what the commit logged, written now if the commit's own checkpoint did not: the
        # count below then sees wholly deleted row groups dropped, and a connection closing
        # later finds nothing to checkpoint
        con.execute("checkpoint").fetchall()
    dead, stored = dead_rows(con)
    if dead - _left_by_last(con) <= COMPACT_AT_DEAD_SHARE * stored:
        return None
    t0 = time.perf_counter()
    when = beijing_now()
    # A checkpoint runs only when something changed: the row that records it is that change.
    con.execute(
        f"insert into {TABLE} (compacted_at, dead_before, stored_before) "
        "values ($when, $dead, $stored)",
        {"when": when, "dead": dead, "stored": stored},
    ).fetchall()
    with vacuum_tasks(con, VACUUM_ON):
        con.execute("checkpoint").fetchall()
    left, _ = dead_rows(con)
    con.execute(
        f"update {TABLE} set dead_after = $left where compacted_at = $when",
        {"left": left, "when": when},
    ).fetchall()
    return Compaction(dead, left, stored, time.perf_counter() - t0)
