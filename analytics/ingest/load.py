"""Loading ``_ing_final`` into the warehouse: dedupe, conflicts, insert, bookkeeping.

Each valid row meets one fate, decided set-wise:

* ``load``: its key is new;
* ``unchanged``: identical (every stored column) to a row already loaded, or to an earlier row of
  the same file with the same key (overlapping exports repeat rows; the first occurrence is the
  one compared with the warehouse and loaded);
* rejected ``duplicate_in_file``: a later row of the same file with the first one's key but
  different content (the first is kept, so the file order decides, as it would by hand);
* rejected ``conflicts_with_loaded``: the key is loaded with different content; never
  overwritten, the differing fields are named in ``detail``;
* ``updated`` (tax records only): the key is loaded and only its lifecycle moved on, the
  发票状态 forward (正常 -> 已红冲-部分 -> 已红冲-全额 / 已作废) and/or the 发票风险等级: what a
  newer daily export of the same invoice says. The loaded row takes the new values and
  ``tax_status_history`` keeps the old and new ones with the batch and row that brought them,
  so the change is recorded, not silent. A status that moves back (an older export loaded
  after a newer one) is a conflict.

Rows failing a rule are rejected with all their reasons. Everything happens in one transaction
per file or sheet, and ``rows_read = loaded + unchanged + updated + rejected + summary`` is
asserted before the commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from analytics import sqlrun
from analytics.ingest.model import scalar
from analytics.ingest.spec import KindSpec
from analytics.warehouse import KEY_HASH_TABLES

# tax_records.recorded_at is the import time when the file has no entry-time column: it differs
# between two exports of the same record by construction, so it only counts when both came
# from a file column.
_VOLATILE = {"recorded_at", "recorded_at_source"}
# The 发票状态 in its forward order (rank); the other lifecycle column (KindSpec.lifecycle),
# the 发票风险等级, may move either way.
STATUS_ORDER = (("正常", 0), ("已红冲-部分", 1), ("已红冲-全额", 2), ("已作废", 2))
STATUS_PARAMS = {
    "status_names": [name for name, _ in STATUS_ORDER],
    "status_ranks": [rank for _, rank in STATUS_ORDER],
}


# How many rejected rows a file's one-line summary names (all are in rejected_rows).
EXAMPLES = 3


@dataclass
class Outcome:
    batch_id: int
    loaded: int
    unchanged: int
    updated: int
    rejected: int
    reasons: Counter[str]
    examples: tuple[tuple[int, str], ...]  # the first rejected rows: (data row, detail)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'main' and table_name = $t order by ordinal_position",
        {"t": table},
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] not in ("batch_id", "source_row", "key_hash")]


def _diff_list(spec: KindSpec, cols: Sequence[str], new: str, old: str) -> str:
    """SQL: the differing columns of two aliases, as 'label: old -> new' texts."""
    parts = []
    for col in cols:
        if col in _VOLATILE:
            continue
        field = spec.field(col)
        label = f"{field.label} {col}" if field and field.label != col else col
        safe_label = label.replace("'", "''")
        parts.append(
            f"case when {new}.{col} is distinct from {old}.{col} then '{safe_label}: ' || "
            f"coalesce({old}.{col}::varchar, 'empty') || ' -> ' || "
            f"coalesce({new}.{col}::varchar, 'empty') end"
        )
    if spec.kind == "tax_records" and "recorded_at" in cols:
        parts.append(
            f"case when {new}.recorded_at_source = 'file' and {old}.recorded_at_source = 'file' "
            f"and {new}.recorded_at is distinct from {old}.recorded_at "
            f"then '入库时间 recorded_at: ' || {old}.recorded_at::varchar || ' -> ' "
            f"|| {new}.recorded_at::varchar end"
        )
    if not parts:
        return "[]::varchar[]"
    return f"list_filter([{', '.join(parts)}], lambda d: d is not null)"


def _forward(spec: KindSpec, life: Sequence[str]) -> str:
    """SQL (over aliases ``a`` new, ``l`` loaded): true when the lifecycle change may be applied:
    the status is the same or moves forward in :data:`STATUS_ORDER` (from no status to any);
    an unknown status never moves."""
    if "status" not in life:
        return "true"
    rank = "$status_ranks[list_position($status_names, {s})]"
    old_rank = f"case when l.status is null then -1 else {rank.format(s='l.status')} end"
    return (
        "(a.status is not distinct from l.status or "
        f"coalesce({rank.format(s='a.status')} > {old_rank}, false))"
    )


def hashed_key(spec: KindSpec) -> str | None:
    """The key column whose hash the kind's table stores as ``key_hash``
    (:data:`analytics.warehouse.KEY_HASH_TABLES`), or None."""
    column = KEY_HASH_TABLES.get(spec.table)
    return column if column is not None and spec.key == (column,) else None


def _loaded_keys(spec: KindSpec) -> str:
    """SQL: the loaded rows a file's first rows (``firsts f``) may share their key with, as
    ``(__row, l_rowid)``; :func:`classify_sql` compares the keys themselves after.

    Tables with a ``key_hash`` are looked up by it. The others by their key, skipping the
    loaded keys outside the file's range of its first key column by the zone maps (bounds bound
    as constants): a payments file's ids all begin with its month, and a loaded table of 23M
    payments was otherwise scanned whole for every new file (0.63 -> 0.14 s)."""
    column = hashed_key(spec)
    if column is not None:
        return f"""
    select f.__row, l.rowid as l_rowid
    from firsts f join (select key_hash, rowid from main.{spec.table}) l
        on l.key_hash = hash(f.{column})"""
    on_loaded = " and ".join(f"f.{k} = l.{k}" for k in spec.key)
    return f"""
    select f.__row, l.rowid as l_rowid
    from firsts f join (
        select {", ".join(spec.key)}, rowid from main.{spec.table}
        where {spec.key[0]} between $key_lo and $key_hi
    ) l on {on_loaded}"""


def classify_sql(spec: KindSpec, cols: Sequence[str]) -> str:
    """``_ing_class(__row, fate, detail)`` for every row of ``_ing_final``.

    Ranking runs on the key columns only and content is compared only where keys meet: the
    wide rows are touched for the few duplicates and matches, not for every row.
    """
    key = ", ".join(spec.key)
    life = [c for c in spec.lifecycle if c in cols]
    fixed = [c for c in cols if c not in life]
    backwards = (
        "' (a status only moves forward: ' || array_to_string($status_names, ', ') || ')'"
        if "status" in life
        else "''"
    )
    same_key = " and ".join(f"d.{k} = c.{k}" for k in spec.key)
    # Wrapped, the key comparison stays a filter on the few candidates: as a plain equality
    # DuckDB joined the file to every loaded row by it, ahead of the row-id join (1.1-1.4 s
    # against 0.3 s for a 274k-row vendor export against 10M loaded invoices).
    same_loaded = " and ".join(f"coalesce(a.{k} = l.{k}, false)" for k in spec.key)
    return f"""
create or replace temp table _ing_class as
-- First row per key by a grouping, and the later ones by probing the few repeated keys: a
-- window numbering every row (partition by key order by row) took 0.46 against 0.32 s for
-- a 1.9M-row payments file.
with keyed as (
    select {key}, min(__row) as first_row, count(*) as n
    from _ing_final where len(problems) = 0 group by {key}
),
firsts as (select first_row as __row, {key} from keyed),
dup_pairs as (
    select d.__row, c.first_row
    from _ing_final d join (select * from keyed where n > 1) c on {same_key}
    where len(d.problems) = 0 and d.__row <> c.first_row
),
dups as (
    select p.__row, p.first_row, {_diff_list(spec, cols, "v", "f")} as diffs
    from dup_pairs p
    join _ing_final v on v.__row = p.__row
    join _ing_final f on f.__row = p.first_row
),
-- Keys first, whole rows after: joined on the key directly, the scan of the loaded table read
-- every column of every row (at 1M rows, most of this statement's time) to compare a few.
-- The candidates come by key or by key hash (_loaded_keys), computed first (materialized: as
-- part of the whole plan, a tax export's took 0.90 s against 0.33 s); the keys are compared
-- here.
hit_keys as materialized ({_loaded_keys(spec)}
),
hits as (
    select h.__row, l.batch_id as l_batch, l.source_row as l_row,
        {_diff_list(spec, fixed, "a", "l")} as diffs,
        {_diff_list(spec, life, "a", "l")} as life,
        {_forward(spec, life)} as forward
    from hit_keys h
    join main.{spec.table} l on l.rowid = h.l_rowid
    join _ing_final a on a.__row = h.__row
    where {same_loaded}
),
final as (
    select f.__row,
        case when h.__row is null then 'load'
             when len(h.diffs) = 0 and len(h.life) = 0 then 'unchanged'
             when len(h.diffs) = 0 and h.forward then 'updated'
             else 'conflicts_with_loaded' end as fate,
        case when len(h.diffs) = 0 and len(h.life) > 0 and h.forward
            then 'batch ' || h.l_batch || ', row ' || h.l_row || ' updated: '
                || array_to_string(h.life, '; ')
            else 'already loaded (batch ' || h.l_batch || ', row ' || h.l_row
                || ') with different ' || array_to_string(h.diffs || h.life, '; ')
                || case when len(h.diffs) = 0 and len(h.life) > 0
                    then {backwards} else '' end
        end as detail
    from firsts f left join hits h on h.__row = f.__row
    union all
    select __row,
        case when len(diffs) = 0 then 'unchanged' else 'duplicate_in_file' end as fate,
        'same key as row ' || first_row || ' of this file with different '
            || array_to_string(diffs, '; ') as detail
    from dups
    union all
    select __row, 'rejected' as fate, null as detail
    from _ing_final where len(problems) > 0
)
select * from final
"""


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]) -> int:
    return int(scalar(con, sql, params) or 0)


def insert_batch(
    con: duckdb.DuckDBPyConnection,
    spec: KindSpec,
    headers: Sequence[str],
    batch_id: int,
) -> Outcome:
    """Classify and insert; the caller holds the transaction."""
    cols = table_columns(con, spec.table)
    sql = classify_sql(spec, cols)
    params: dict[str, Any] = dict(STATUS_PARAMS)
    hashed = hashed_key(spec)
    if hashed is None:
        lo, hi = con.execute(
            f"select min({spec.key[0]}), max({spec.key[0]}) from _ing_final where len(problems) = 0"
        ).fetchall()[0]
        params |= {"key_lo": lo, "key_hi": hi}
    con.execute(sql, sqlrun.bind(sql, params))
    col_list = ", ".join(cols)
    extra, extra_values = (", key_hash", f", hash(f.{hashed})") if hashed else ("", "")
    # Every row of _ing_final has one fate in _ing_class (a valid row has its key: key fields
    # are required), so the rows to load are those without another: an anti join against the
    # few others hashes thousands of row numbers where a semi join on 'load' hashed them all
    # (0.98 against 1.18 s for a 1.9M-row payments file).
    con.execute(
        f"insert into main.{spec.table} ({col_list}, batch_id, source_row{extra}) "
        f"select {col_list}, $b, f.__row{extra_values} from _ing_final f "
        "anti join (select __row from _ing_class where fate <> 'load') c using (__row)",
        {"b": batch_id},
    )
    # typed Parquet cells as text, like every other cell of a rejected row
    cells = ", ".join(f"s.c{i}::varchar" for i in range(1, len(headers) + 1))
    con.execute(
        f"""
insert into rejected_rows (batch_id, row_number, raw, reasons, detail)
with why as (
    select __row,
        list_sort(list_distinct(list_transform(problems, lambda p: p.code))) as reasons,
        array_to_string(list_transform(problems, lambda p: p.detail), '; ') as detail
    from _ing_final where len(problems) > 0
    union all
    select __row, [fate], detail from _ing_class
    where fate in ('duplicate_in_file', 'conflicts_with_loaded')
)
select $b, w.__row, to_json(map($headers, [{cells}])), w.reasons, w.detail
from why w join _ing_src s using (__row)
union all
select $b, __row, raw, ['malformed_row'], detail from _ing_bad
""",
        {"b": batch_id, "headers": list(headers)},
    )
    updated = _apply_updates(con, spec, batch_id) if spec.lifecycle else 0
    loaded = _count(
        con, f"select count(*) from main.{spec.table} where batch_id = $b", {"b": batch_id}
    )
    rejected = _count(
        con, "select count(*) from rejected_rows where batch_id = $b", {"b": batch_id}
    )
    unchanged = _count(con, "select count(*) from _ing_class where fate = 'unchanged'", {})
    reasons = Counter(
        {
            str(code): int(n)
            for code, n in con.execute(
                "select code, count(*) from (select unnest(reasons) as code from rejected_rows "
                "where batch_id = $b) group by code",
                {"b": batch_id},
            ).fetchall()
        }
    )
    examples: tuple[tuple[int, str], ...] = ()
    if rejected:
        examples = tuple(
            (int(n), str(detail))
            for n, detail in con.execute(
                "select row_number, detail from rejected_rows where batch_id = $b "
                "order by row_number limit $k",
                {"b": batch_id, "k": EXAMPLES},
            ).fetchall()
        )
    return Outcome(batch_id, loaded, unchanged, updated, rejected, reasons, examples)


def _apply_updates(con: duckdb.DuckDBPyConnection, spec: KindSpec, batch_id: int) -> int:
    """Apply the ``updated`` rows' lifecycle values, keeping old and new in
    ``tax_status_history`` (the one kind with a lifecycle is tax_records)."""
    key = " and ".join(f"l.{k} = u.{k}" for k in spec.key)
    con.execute(
        "create or replace temp table _ing_updates as "
        f"select f.__row, {', '.join(f'f.{c}' for c in (*spec.key, *spec.lifecycle))} "
        "from _ing_class c join _ing_final f on f.__row = c.__row where c.fate = 'updated'"
    )
    n = _count(con, "select count(*) from _ing_updates", {})
    if n:
        old_new = ", ".join(f"l.{c}, u.{c}" for c in spec.lifecycle)
        con.execute(
            f"insert into tax_status_history select u.invoice_no, {old_new}, $b, u.__row, "
            f"l.batch_id, l.source_row from _ing_updates u join main.{spec.table} l on {key}",
            {"b": batch_id},
        )
        sets = ", ".join(f"{c} = u.{c}" for c in spec.lifecycle)
        con.execute(f"update main.{spec.table} as l set {sets} from _ing_updates u where {key}")
    return n


def record_batch(
    con: duckdb.DuckDBPyConnection,
    values: Mapping[str, Any],
) -> None:
    con.execute(
        "insert into import_batches (batch_id, file_name, file_path, sha256, sheet, kind, format, "
        "encoding, header_map, rows_read, rows_loaded, rows_unchanged, rows_rejected, "
        "rows_summary, started_at, finished_at, rows_updated) values ($batch_id, $file_name, "
        "$file_path, $sha256, $sheet, $kind, $format, $encoding, $header_map, $rows_read, "
        "$rows_loaded, $rows_unchanged, $rows_rejected, $rows_summary, $started_at, "
        "$finished_at, $rows_updated)",
        dict(values),
    )


def previous_batch(
    con: duckdb.DuckDBPyConnection, sha256: str, sheet: str | None
) -> tuple[int, datetime] | None:
    """The batch that already imported this file (and sheet), if any."""
    rows = con.execute(
        "select batch_id, started_at from import_batches "
        "where sha256 = $s and sheet is not distinct from $sheet order by batch_id limit 1",
        {"s": sha256, "sheet": sheet},
    ).fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else None


def next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con, "select nextval('import_batch_seq')"))
