"""Small aggregate marts for the dashboard, so a filter change never sums merchant rows.

The pages filter by month range and by merchant attributes (district, industry, size band,
software vendor, individual or enterprise) and show sums, rates, distinct merchants, delay
buckets and percentiles of the selection. Summed from the 730,000 merchant-months of 10
million invoices that costs 50-700 ms a query; these tables give the same numbers from far
fewer rows (``analytics.cube_views`` reads them, tests hold them equal to the merchant-row
queries):

* ``cube_metrics``: every summed metric per month and attribute combination (~50,000 rows);
* ``cube_merchants``: merchants per attribute combination and months present (~20,000 rows),
  for distinct merchants over a range;
* ``cube_delays``: the delays of issued invoices in ``recon_exceptions`` with the attributes
  of their merchant-month (~2% of invoices), for delay buckets and exact percentiles;
* ``merchant_keys`` + ``merchant_entry``: the entry counts of each merchant-month under an
  integer key, for "merchants below a threshold" (grouping by one integer, not seven strings).

``cube_metrics``, ``cube_delays`` and ``merchant_entry`` replace the affected months' rows
like the other marts; ``merchant_keys`` only grows between full runs; ``cube_merchants`` spans
every month of a merchant, so it is rebuilt whole (one pass over the month rows, under a
second at 10 million invoices).
"""

from __future__ import annotations

from typing import Any, Final

import duckdb

from analytics import metrics, sqlrun
from analytics.context import Context
from analytics.warehouse import sql_text

CUBE: Final = "cube_metrics"
MERCHANTS: Final = "cube_merchants"
DELAYS: Final = "cube_delays"
KEYS: Final = "merchant_keys"
ENTRY: Final = "merchant_entry"
TABLES: Final = (CUBE, MERCHANTS, DELAYS, KEYS, ENTRY)
# The columns merchant_entry keeps, and the registry rates computed from them alone.
ENTRY_COLUMNS: Final = (
    "invoices_due",
    "invoices_recorded",
    "on_time_count",
    "late_count",
    "missing_count",
)
ENTRY_RATES: Final = ("entry_rate", "on_time_rate", "missing_rate", "late_rate")
_MONTH_SCOPE = "list_contains($months, period)"


def _replace(
    con: duckdb.DuckDBPyConnection, ctx: Context, table: str, params: dict[str, Any]
) -> None:
    sqlrun.replace_rows(
        con,
        table,
        sqlrun.body(f"marts/{table}.sql"),
        params,
        scope=_MONTH_SCOPE,
        rebuild=ctx.rebuild(con, table),
    )
    ctx.written[table] = sqlrun.count_rows(con, table, _MONTH_SCOPE, params)


def _add_keys(con: duckdb.DuckDBPyConnection, ctx: Context, params: dict[str, Any]) -> None:
    if ctx.full:
        sqlrun.execute(con, f"drop table if exists {sqlrun.ident(KEYS)}", {})
    con.execute(sql_text("schema/merchant_keys.sql")).fetchall()
    last = sqlrun.scalar(con, f"select max(entry_key) from {sqlrun.ident(KEYS)}")
    before = sqlrun.count_rows(con, KEYS)
    new = sqlrun.body("marts/merchant_keys.sql")
    sqlrun.execute(
        con,
        f"insert into {sqlrun.ident(KEYS)} by name select * from ({new})",
        params | {"next_key": int(last or 0)},
    )
    ctx.written[KEYS] = sqlrun.count_rows(con, KEYS) - before


def cubes_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    counts, amounts = metrics.summed_columns()
    params = ctx.params() | {
        "count_columns": counts,
        "amount_columns": amounts,
        "entry_columns": list(ENTRY_COLUMNS),
    }
    _replace(con, ctx, CUBE, params)
    _replace(con, ctx, DELAYS, params)
    sqlrun.replace_rows(
        con,
        MERCHANTS,
        sqlrun.body("marts/cube_merchants.sql"),
        {},
        scope="true",
        rebuild=True,
        order_by=None,
    )
    ctx.written[MERCHANTS] = sqlrun.count_rows(con, MERCHANTS)
    _add_keys(con, ctx, params)
    _replace(con, ctx, ENTRY, params)
