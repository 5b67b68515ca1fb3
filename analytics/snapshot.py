"""Refreshing the serving snapshot in place of copying it whole (used by ``warehouse.publish``).

An incremental analysis rewrites a few months of each result table, yet a full publish copies
every serving table (millions of rows of ``merchant_daily`` alone) into a new file. Instead the
previous snapshot is copied as a file (sequential I/O, no re-compression) and each table is
brought up to date:

* a table that is new, or whose columns changed, is copied whole;
* a table with a ``period`` column is compared period by period through a fingerprint (row
  count, XOR and sum of 64-bit row hashes); in a period that differs, rows are matched by
  their hashes, and only the rows that changed are deleted and inserted (a recomputed month
  rewrites every row of it in the warehouse, but most come out the same);
* any other table is compared whole by the same fingerprint, then refreshed row by row alike.

Deleted rows are left in place (DuckDB's checkpoint does not compact the tables) until they
come to :data:`COMPACT_AT_DEAD_SHARE` of the compared rows: compacting merges row groups and
rewrites a table from its first partly filled row group on, which cost 2.9 s of one new day's
publish at 10M invoices (the commit 4.5 -> 1.6 s without it), more than the dead rows cost the
readers. The count of rows deleted since the last compaction is kept in the snapshot
(table ``snapshot_dead_rows``).

So whatever a stage changed (including rows outside the analysed months, e.g. the next
period's volume change) reaches the snapshot, and nothing else is rewritten. Fingerprints read
the tables; they do not write them, which is what costs. The snapshot keeps the fingerprints it
was brought up to (table ``snapshot_fingerprints``), so the next refresh hashes only the
warehouse side (0.9 -> 0.5 s for one new day at 10M invoices). A table copied whole is
hashed (on the warehouse side) when it is copied, so the refresh after a first publish (a new
warehouse's first new day) hashes one side only too: that publish 4.6 -> 3.9 s at 10M
invoices, while the first publish stayed within its run-to-run spread (6.8-8.1 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import duckdb

_PERIOD = "period"
FINGERPRINTS = "snapshot_fingerprints"  # (table_name, k, n, x, s) of the snapshot's tables
# (n): rows deleted since the snapshot was last compacted
DEAD_ROWS = "snapshot_dead_rows"
COMPACT_AT_DEAD_SHARE = 0.25  # of the rows of the compared tables
_NULL_KEY = "\x00"  # the fingerprint group of rows whose period is null
Fingerprint = tuple[int, int, int]  # rows, XOR and sum of the row hashes


def quote_ident(name: str) -> str:
    """A quoted SQL identifier, for any name (the warehouse's tables, a file's headers)."""
    return '"' + name.replace('"', '""') + '"'


_q = quote_ident  # short, for the many statements below


def columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns, in order."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = $c and table_schema = 'main' and table_name = $t "
        "order by ordinal_position",
        {"c": catalog, "t": table},
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def _fingerprints(
    con: duckdb.DuckDBPyConnection, catalog: str, table: str, by_period: bool
) -> dict[Any, Fingerprint]:
    key = f"coalesce({_q(_PERIOD)}::varchar, '{_NULL_KEY}')" if by_period else "''"
    rows = con.execute(
        f"select {key} as k, count(*), bit_xor(h), sum(h >> 8)::hugeint from ("
        f"select *, hash(*columns(*)) as h from {_q(catalog)}.main.{_q(table)}) group by k"
    ).fetchall()
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}


def _stored_fingerprints(
    con: duckdb.DuckDBPyConnection, target: str, present: set[str]
) -> dict[str, dict[Any, Fingerprint]]:
    if FINGERPRINTS not in present:
        return {}
    out: dict[str, dict[Any, Fingerprint]] = {}
    rows = con.execute(f"select table_name, k, n, x, s from {_q(target)}.main.{FINGERPRINTS}")
    for table, k, n, x, total in rows.fetchall():
        out.setdefault(str(table), {})[k] = (int(n), int(x), int(total))
    return out


def _store_fingerprints(
    con: duckdb.DuckDBPyConnection, target: str, prints: dict[str, dict[Any, Fingerprint]]
) -> None:
    flat = [(t, k, *fp) for t, by_key in prints.items() for k, fp in by_key.items()]
    con.execute(f"drop table if exists {_q(target)}.main.{FINGERPRINTS}")
    con.execute(
        f"create table {_q(target)}.main.{FINGERPRINTS} as select "
        "unnest($t::varchar[]) as table_name, unnest($k::varchar[]) as k, "
        "unnest($n::bigint[]) as n, unnest($x::ubigint[]) as x, unnest($s::hugeint[]) as s",
        {
            "t": [r[0] for r in flat],
            "k": [r[1] for r in flat],
            "n": [r[2] for r in flat],
            "x": [r[3] for r in flat],
            "s": [r[4] for r in flat],
        },
    )


def _copy_whole(con: duckdb.DuckDBPyConnection, target: str, table: str) -> None:
    con.execute(f"drop table if exists {_q(target)}.main.{_q(table)}")
    con.execute(f"create table {_q(target)}.main.{_q(table)} as select * from main.{_q(table)}")


def _written(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> int:
    """Run an insert or delete; the number of rows it wrote."""
    rows = con.execute(sql, params).fetchall()
    return int(rows[0][0]) if rows else 0


def _replace_rows(
    con: duckdb.DuckDBPyConnection, target: str, table: str, where: str, params: dict[str, Any]
) -> tuple[int, int]:
    """Replace the rows of ``table`` in ``target`` that ``where`` selects with the warehouse's;
    (rows deleted, rows inserted)."""
    dest = f"{_q(target)}.main.{_q(table)}"
    deleted = _written(con, f"delete from {dest} where {where}", params)
    sql = f"insert into {dest} select * from main.{_q(table)} where {where}"
    return deleted, _written(con, sql, params)


def _refresh_rows(
    con: duckdb.DuckDBPyConnection, target: str, table: str, where: str, params: dict[str, Any]
) -> tuple[int, int]:
    """Bring the rows ``where`` selects up to date by their hashes: delete the snapshot rows
    the warehouse no longer has, insert the warehouse rows the snapshot lacks, and leave the
    rest where it is. A recomputed month rewrites every row in the warehouse, yet most come
    out the same (the merchants a new day did not touch), and writing is what costs in the
    snapshot. With repeated rows on either side a set difference would miscount them, so such
    rows are replaced whole. Returns (rows deleted, rows inserted)."""
    dest = f"{_q(target)}.main.{_q(table)}"
    con.execute(
        "create or replace temp table _snap_old as "
        f"select rowid as r, hash(*columns(*)) as h from {dest} where {where}",
        params,
    )
    con.execute(
        "create or replace temp table _snap_new as "
        f"select hash(*columns(*)) as h from main.{_q(table)} where {where}",
        params,
    )
    try:
        distinct = con.execute(
            "select (select count(*) = count(distinct h) from _snap_old) "
            "and (select count(*) = count(distinct h) from _snap_new)"
        ).fetchall()[0][0]
        if not distinct:
            return _replace_rows(con, target, table, where, params)
        gone = "select r from _snap_old anti join _snap_new using (h)"
        deleted = _written(con, f"delete from {dest} where rowid in ({gone})", {})
        added = (
            f"insert into {dest} select * exclude (h) from (select *, hash(*columns(*)) as h "
            f"from main.{_q(table)} where {where}) anti join _snap_old using (h)"
        )
        return deleted, _written(con, added, params)
    finally:
        con.execute("drop table if exists _snap_old")
        con.execute("drop table if exists _snap_new")


class Refresh(NamedTuple):
    """What :func:`refresh_tables` did per table (``copied``, ``unchanged``, ``refreshed: -D
    +I rows`` or ``N periods: -D +I rows``, the rows deleted and inserted; for logging and
    tests), and whether the commit that follows should compact ``target`` (DuckDB's
    checkpoint vacuum)."""

    done: dict[str, str]
    compact: bool


def refresh_tables(con: duckdb.DuckDBPyConnection, target: str, tables: Sequence[str]) -> Refresh:
    """Bring ``tables`` of the attached database ``target`` up to date with ``main``.

    Tables of ``target`` not in ``tables`` are dropped. The rows deleted since the last
    compaction are counted in ``target`` (:data:`DEAD_ROWS`), back to 0 when this one compacts.
    """
    done: dict[str, str] = {}
    old = {
        str(r[0])
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = $c and table_schema = 'main'",
            {"c": target},
        ).fetchall()
    }
    stored = _stored_fingerprints(con, target, old)
    dead = _dead_rows(con, target, old)
    for table in old - set(tables) - {FINGERPRINTS, DEAD_ROWS}:
        con.execute(f"drop table {_q(target)}.main.{_q(table)}")
    here = _main_catalog(con)
    prints: dict[str, dict[Any, Fingerprint]] = {}
    for table in tables:
        cols = columns(con, here, table)
        by_period = any(name == _PERIOD for name, _ in cols)
        new_fp = _fingerprints(con, here, table, by_period)
        prints[table] = new_fp
        if table not in old or columns(con, target, table) != cols:
            _copy_whole(con, target, table)
            done[table] = "copied"
            continue
        old_fp = stored.get(table)
        if old_fp is None:  # a snapshot from before fingerprints were kept
            old_fp = _fingerprints(con, target, table, by_period)
        keys = new_fp.keys() | old_fp.keys()
        changed = sorted(k for k in keys if new_fp.get(k) != old_fp.get(k))
        if not changed:
            done[table] = "unchanged"
        elif by_period:
            where = f"list_contains($keys, coalesce({_q(_PERIOD)}::varchar, '{_NULL_KEY}'))"
            out, into = _refresh_rows(con, target, table, where, {"keys": changed})
            done[table] = f"{len(changed)} periods: -{out} +{into} rows"
            dead += out
        else:
            out, into = _refresh_rows(con, target, table, "true", {})
            done[table] = f"refreshed: -{out} +{into} rows"
            dead += out
    _store_fingerprints(con, target, prints)
    live = sum(n for by_key in prints.values() for n, _, _ in by_key.values())
    compact = dead > COMPACT_AT_DEAD_SHARE * live
    _store_dead_rows(con, target, 0 if compact else dead)
    return Refresh(done, compact)


def _dead_rows(con: duckdb.DuckDBPyConnection, target: str, present: set[str]) -> int:
    if DEAD_ROWS not in present:
        return 0
    rows = con.execute(f"select sum(n) from {_q(target)}.main.{DEAD_ROWS}").fetchall()
    return int(rows[0][0] or 0) if rows else 0


def _store_dead_rows(con: duckdb.DuckDBPyConnection, target: str, n: int) -> None:
    con.execute(
        f"create or replace table {_q(target)}.main.{DEAD_ROWS} as select $n::bigint as n",
        {"n": n},
    )


def _main_catalog(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("select current_database()").fetchall()
    return str(rows[0][0])
