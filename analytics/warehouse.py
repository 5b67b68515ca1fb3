"""The DuckDB warehouse: connections, schema, SQL files, and the serving snapshot.

Concurrency design (see DESIGN.md, "Concurrency"). DuckDB lets one process write a file, and any
process holding it open, even read-only, keeps others from writing. So:

* Writers (``ingest``, ``analyse``, the dashboard's alert actions and uploads) open the warehouse
  with :func:`connect` and wait, with retry, while another process holds it.
* The dashboard never reads the warehouse file itself. After each write, :func:`publish` writes
  the tables the pages read into a new file (a copy of the previous snapshot with only what
  changed rewritten, :mod:`analytics.snapshot`) and renames it over ``<db>.serving.duckdb``. A
  rename is atomic, so a reader sees the old snapshot or the new one, never a half-written one;
  a reader that still has the old file open keeps reading it (POSIX unlink semantics) until it
  notices the new generation and reconnects.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics import snapshot
from analytics.config import SQL_DIR, Settings, settings

SCHEMA_FILES = ("schema/system.sql", "schema/raw.sql")

# Tables copied into the serving snapshot when they exist. Large invoice-level raw tables are
# left out on purpose: pages read marts, never raw invoices.
SERVING_TABLES: list[str] = [
    "import_batches",
    "import_failures",
    "rejected_rows",
    "merchants",
    "complaints",
    "planted_labels",
    # analytics.pipeline.analyse: marts the pages read (recon_facts, invoice-level, stays out)
    "merchant_period_metrics",
    "rollup_metrics",
    "merchant_daily",
    "vendor_incidents",  # a handful of rows, found from merchant_daily (analytics.delay_views)
    "feed_gaps",  # days a feed lacks (analytics.feeds): a handful of rows, usually none
    "feed_coverage",  # the issue days each feed holds (analytics.feeds): a row per feed
    "recon_exceptions",
    "recon_summary",
    "pending_entries",  # small: the invoices whose entry deadline has not passed yet
    "reminders",  # written by people (analytics.reminders), read with pending_entries
    "check_violations",
    "analysis_runs",
    "analysis_failures",  # written by a failed analyse; read with analysis_runs for freshness
    "complaint_links",
    "classifier_reports",
    "credit_scores",
    "alerts",
    "alert_events",
    # analytics.anomaly_stage / analytics.evaluate; anomaly_features (wide: every feature's
    # value, peer median and z per merchant-month) and anomaly_training stay out: pages read
    # the scores and their explanations, which carry the values they name
    "anomaly_scores",
    "merchant_anomaly",
    "anomaly_model",
    "model_evaluation",
    # analytics.risk_stage: the entry-risk forecast (one row per merchant) and its measurement
    "risk_scores",
    "risk_evaluation",
    # analytics.cubes: the aggregate marts pages sum on a filter change
    "cube_metrics",
    "cube_merchants",
    "cube_delays",
    "merchant_keys",
    "merchant_entry",
]


class WarehouseBusyError(RuntimeError):
    """Another process holds the warehouse for longer than the lock timeout."""


@cache
def sql_text(name: str) -> str:
    """The text of ``analytics/sql/<name>`` (``name`` like ``marts/reconciliation.sql``)."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def _is_lock_error(exc: BaseException) -> bool:
    """Another process holds the file, or this one has it open the other way (read-only
    against read-write: DuckDB refuses a second configuration of an open file in one process,
    e.g. the dashboard's invoice lookup while an alert is being resolved)."""
    text = str(exc).lower()
    return ("lock" in text and "conflicting" in text) or "different configuration" in text


def configure(con: duckdb.DuckDBPyConnection, cfg: Settings | None = None) -> None:
    """Apply memory and thread limits to a connection, and turn DuckDB's checkpoint vacuum
    off: a checkpoint with it merges the part-filled row groups that every bulk insert leaves
    (each loaded file, each chunk of a result table) again and again, and a warehouse that is
    only appended to has nothing to reclaim. It runs when deleted rows call for it
    (:mod:`analytics.compaction`), and when a connection closes it is off, so no one pays for
    it at an unexpected moment (a person acknowledging an alert in the dashboard)."""
    cfg = cfg or settings()
    con.execute(f"set memory_limit = '{cfg.memory_limit}'")
    con.execute(f"set threads = {int(cfg.threads)}")
    con.execute("set preserve_insertion_order = false")
    con.execute("set max_vacuum_tasks = 0")


def release_memory(con: duckdb.DuckDBPyConnection, keep: str = "256MB") -> None:
    """Let DuckDB drop cached blocks down to ``keep``, then restore the configured limit.

    DuckDB keeps what it read cached up to its memory limit; a step that then builds large
    Python objects (scores, features) would add its memory on top. Lowering the limit evicts
    the cache (and returns it to the OS); uncommitted data is written out, not lost. The limit
    restored is :func:`analytics.config.settings`' (what :func:`connect` applies).
    """
    with memory_cap(con, keep):
        pass


@contextlib.contextmanager
def memory_cap(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """Run a block with DuckDB's memory limit lowered to ``limit``, then restore the configured
    one: for a step whose memory is mostly Python's, so that DuckDB's cache (and the tables the
    step writes, which spill to disk past the limit) does not stack on top of it."""
    con.execute(f"set memory_limit = '{limit}'").fetchall()
    try:
        yield
    finally:
        con.execute(f"set memory_limit = '{settings().memory_limit}'").fetchall()


@contextlib.contextmanager
def _integer_setting(con: duckdb.DuckDBPyConnection, name: str, value: int) -> Iterator[None]:
    """Run a block with an integer DuckDB setting at ``value``, then restore the value it had
    (exactly: it is an integer). The setting is the database's, for every connection of it:
    ``con`` must be idle, the others may be busy."""
    before = int(con.execute(f"select current_setting('{name}')").fetchall()[0][0])
    con.execute(f"set {name} = {int(value)}").fetchall()
    try:
        yield
    finally:
        con.execute(f"set {name} = {before}").fetchall()


def thread_cap(
    con: duckdb.DuckDBPyConnection, threads: int
) -> contextlib.AbstractContextManager[None]:
    """Run a block with DuckDB's thread count lowered to ``threads``, then restore the value it
    had. Like :func:`memory_cap`, a setting of the database (:func:`_integer_setting`)."""
    return _integer_setting(con, "threads", threads)


# DuckDB's own default for max_vacuum_tasks: the checkpoint's vacuum on (see vacuum_tasks).
VACUUM_ON = 100


def vacuum_tasks(
    con: duckdb.DuckDBPyConnection, tasks: int
) -> contextlib.AbstractContextManager[None]:
    """Run a block with DuckDB's ``max_vacuum_tasks`` at ``tasks``, then restore the value it
    had. The vacuum is the part of a checkpoint that merges adjacent row groups which fit in
    fewer, which is how deleted rows are reclaimed; at 0 a checkpoint writes what changed and
    merges nothing (wholly deleted row groups are still dropped). Warehouse connections run
    with it off (:func:`configure`); :mod:`analytics.compaction` says when it runs. A setting of
    the database, like :func:`thread_cap`."""
    return _integer_setting(con, "max_vacuum_tasks", tasks)


def connect(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    timeout_s: float | None = None,
    create: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting while another process holds its lock.

    ``db`` defaults to $FAPIAO_WATCH_DB or data/warehouse.duckdb; ``":memory:"`` gives an
    in-memory warehouse (tests). A writable connection gets the schema applied.
    """
    cfg = settings(None if db in (None, ":memory:") else db)
    target = ":memory:" if db == ":memory:" else str(cfg.db_path)
    if target != ":memory:":
        path = Path(target)
        if read_only and not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist: run `fapiao-watch demo`")
        if not create and not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (cfg.lock_timeout_s if timeout_s is None else timeout_s)
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(target, read_only=read_only)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise WarehouseBusyError(
                        f"warehouse {target} is held by another process; try again when it is done"
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    configure(con, cfg)
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and bookkeeping tables if they are missing (idempotent)."""
    for name in SCHEMA_FILES:
        con.execute(sql_text(name))
    _vendor_codes(con)
    _key_hashes(con)


# Raw tables whose rows carry ``key_hash``, DuckDB's hash of their key (schema/raw.sql), and
# that key. The loader looks a file's keys up by it (analytics/ingest/load.py): invoice
# numbers do not cluster by month, so every loaded one is a candidate, and scanning and joining
# 10M stored hashes took 0.05 s against 0.31 s for the 10M texts (one vendor export's 250k
# keys, one thread).
KEY_HASH_TABLES = {"issued_invoices": "invoice_no", "tax_records": "invoice_no"}
# The text whose hash ``key_hash_seed`` keeps: DuckDB does not promise that hash() stays the
# same across releases, and a stored hash another release computed would miss its key.
_SEED_TEXT = "fapiao-watch key_hash"


def _key_hashes(con: duckdb.DuckDBPyConnection) -> None:
    """Keep every raw row's ``key_hash`` present and equal to this DuckDB's hash of its key.

    A warehouse made before the column gets it added, filled and made NOT NULL, once (10M
    invoices: 4.4 s); its values are computed again whenever this DuckDB hashes the seed text
    differently from the one that computed them. Changes nothing once done, so the lookups by
    it (the loader, a new day's planning) need no fallback for rows without one."""
    nullable = {
        str(r[0]): r[1] == "YES"
        for r in con.execute(
            "select table_name, is_nullable from information_schema.columns "
            "where table_catalog = current_database() and table_schema = 'main' "
            "and column_name = 'key_hash' and list_contains($t, table_name)",
            {"t": list(KEY_HASH_TABLES)},
        ).fetchall()
    }
    seed = con.execute("select hash($t)", {"t": _SEED_TEXT}).fetchall()[0][0]
    stale = [r[0] for r in con.execute("select seed from key_hash_seed").fetchall()] != [seed]
    todo = [t for t in KEY_HASH_TABLES if nullable.get(t, True)]
    if not stale and not todo:
        return
    con.begin()
    try:
        for table, key in KEY_HASH_TABLES.items():
            if table not in nullable:
                con.execute(f"alter table {table} add column key_hash ubigint")
            if stale or table in todo:
                con.execute(f"update {table} set key_hash = hash({key})")
        con.execute("delete from key_hash_seed")
        con.execute("insert into key_hash_seed values ($s)", {"s": seed})
        con.commit()
    except BaseException:
        con.rollback()
        raise
    # after the commit: DuckDB adds no constraint over a transaction's own updates
    for table in todo:
        con.execute(f"alter table {table} alter column key_hash set not null")


def _vendor_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Registries loaded before 51e78bb kept a software named with full-width brackets
    (电子税务局（自行开具）) as written instead of its code: the loader matched ``lower(cell)``
    to aliases stored NFKC-folded only. Such merchants get their software's code, so the next
    registry export matches them (rather than conflicting with them) and each software has one
    code; ``ANALYSIS_VERSION`` 6 recomputes the results once. Changes nothing once done."""
    # lazy: the ingest package imports this module
    from analytics.ingest.lookups import reference_aliases

    pairs = [(a, v) for d, a, v in reference_aliases() if d == "vendor" and a != v]
    con.execute(
        "update merchants set software_vendor = a.value from (select unnest($aliases) as alias, "
        "unnest($values) as value) as a where lower(merchants.software_vendor) = a.alias",
        {"aliases": [a for a, _ in pairs], "values": [v for _, v in pairs]},
    ).fetchall()


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Run a query with bound ``$name`` parameters and return a Polars frame."""
    frame: pl.DataFrame = con.sql(sql, params=dict(params) if params else None).pl()
    return frame


def query_file(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Run ``analytics/sql/<name>`` with bound parameters."""
    return query(con, sql_text(name), params)


def table_exists(con: duckdb.DuckDBPyConnection, table: str, schema: str = "main") -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = current_database() and table_schema = $s and table_name = $t",
        {"s": schema, "t": table},
    ).fetchall()  # fetchone() would leave the result open (DuckDB 2), blocking create_function
    return bool(row and row[0][0])


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every base table in the main schema."""
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = "
            "current_database() and table_schema = 'main' and table_type = 'BASE TABLE' "
            "order by table_name"
        ).fetchall()
    ]
    counts: dict[str, int] = {}
    for name in names:
        row = con.execute(f'select count(*) from "{name}"').fetchall()
        counts[name] = int(row[0][0]) if row else 0
    return counts


@contextlib.contextmanager
def _publish_lock(path: Path) -> Iterator[None]:
    """Serialise publishers (CLI and dashboard may both publish) with an advisory file lock."""
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish(
    con: duckdb.DuckDBPyConnection,
    serving_path: str | os.PathLike[str] | None = None,
    tables: Sequence[str] | None = None,
) -> Path:
    """Copy the dashboard's tables into a new file and swap it in atomically.

    The new file starts as a copy of the previous snapshot, and only the tables and periods
    that differ from the warehouse are rewritten (:mod:`analytics.snapshot`). ``con`` is an
    open writable connection to the warehouse. Returns the serving path.
    """
    target = Path(serving_path) if serving_path else settings().serving_path
    wanted = list(tables) if tables is not None else SERVING_TABLES
    present = [t for t in wanted if table_exists(con, t)]
    target.parent.mkdir(parents=True, exist_ok=True)
    counts = table_counts(con)
    with _publish_lock(target):
        tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        if target.exists():
            # refreshed in place of rebuilt: only what changed is rewritten (analytics.snapshot)
            shutil.copyfile(target, tmp)
        try:
            con.execute(f"attach '{tmp}' as serving_new")
        except duckdb.Error:
            tmp.unlink(missing_ok=True)  # an unreadable previous snapshot: start afresh
            con.execute(f"attach '{tmp}' as serving_new")
        # One transaction for the whole refresh: one commit (and checkpoint) of the new file
        # rather than one per statement; 11.8 s -> 9.8 s after a new day at 10M invoices.
        con.begin()
        try:
            compact = snapshot.refresh_tables(con, "serving_new", present).compact
            for meta in ("snapshot_meta", "warehouse_tables"):
                con.execute(f"drop table if exists serving_new.{meta}")
            con.execute(
                "create table serving_new.snapshot_meta as select "
                "(now() at time zone 'Asia/Shanghai')::timestamp as published_at, "
                "$tables as tables",
                {"tables": present},
            )
            # Row counts of every warehouse table, so pages can show the raw tables' size
            # without the snapshot carrying millions of raw rows.
            con.execute(
                "create table serving_new.warehouse_tables as "
                "select unnest($names) as table_name, unnest($rows) as row_count",
                {"names": list(counts), "rows": list(counts.values())},
            )
            # the commit's checkpoint compacts the snapshot's tables only when they are due
            with vacuum_tasks(con, VACUUM_ON if compact else 0):
                con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.execute("detach serving_new")
        tmp.replace(target)
    return target
