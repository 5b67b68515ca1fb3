"""Stages that turn ``recon_facts`` into the tables pages read.

* ``merchant_period_metrics``: per merchant, month and quarter, every metric of the registry
  plus the merchant's attributes (district, industry, size_band, software_vendor,
  is_individual) for filtering;
* ``rollup_metrics``: the same metrics per dimension value (all, district, industry, size_band,
  software_vendor, is_individual), re-derived from sums, percentiles from the invoices;
* ``merchant_daily``: per merchant and issue day, for the profile chart;
* ``recon_exceptions``: reconciliation rows that need attention, with reasons;
* ``recon_summary``: subjects per status and period;
* ``pending_entries``: invoices not yet entered whose deadline has not passed, with the working
  time left (the officials' watch list before invoices turn late).

Each replaces exactly the affected periods' rows (or rebuilds on a full run).
"""

from __future__ import annotations

from typing import Any

import duckdb

from analytics import delay_views, feeds, metrics, periods, snapshot, sqlrun
from analytics.context import Context

MERCHANT_TABLE = "merchant_period_metrics"
ROLLUP_TABLE = "rollup_metrics"
PENDING_TABLE = "pending_entries"
_PERIOD_SCOPE = "period_type = $period_type and list_contains($periods, period)"
_MONTH_SCOPE = "list_contains($months, period)"


def _scopes(ctx: Context) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(period_type, periods, months they cover) for the affected months and quarters."""
    return [("month", ctx.months, ctx.months), ("quarter", ctx.quarters, ctx.quarter_months)]


def _with_derived(select_sql: str) -> str:
    return f"select *,\n    {metrics.derived_select()}\nfrom ({select_sql})"


def _shifted(period_type: str, period: str, steps: int) -> str:
    """The period ``steps`` periods after ``period`` (before, when negative)."""
    if period_type == "month":
        return periods.month_of(periods.add_months(periods.parse_month(period), steps))
    start = periods.add_months(periods.parse_quarter(period), 3 * steps)
    return periods.quarter_of_month(periods.month_of(start))


def _with_shifted(period_type: str, scope: tuple[str, ...], steps: int) -> list[str]:
    """The periods and those ``steps`` periods away from each."""
    return sorted(set(scope) | {_shifted(period_type, p, steps) for p in scope})


def refresh_previous(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: tuple[str, ...],
    period_type: str,
    scope: tuple[str, ...],
    *,
    everything: bool,
) -> None:
    """Set ``prev_invoices_issued`` and the metrics that read it for the scoped periods and
    the periods right after them (or every row when ``everything``)."""
    t = sqlrun.ident(table)
    step = "1 month" if period_type == "month" else "3 month"
    only = "" if everything else " and list_contains($periods, {0}period)"
    where = "period_type = $period_type" + only.format("")
    t_where = "t.period_type = $period_type" + only.format("t.")
    # The previous periods' rows: only those of the periods before the updated ones are read
    # (joining the whole table cost 0.7 s per period type at 10M invoices, this ~0.1 s).
    p_where = "" if everything else " and list_contains($prev_periods, p.period)"
    params: dict[str, Any] = {
        "period_type": period_type,
        # the periods, and the ones after them (whose volume change reads them)
        "periods": _with_shifted(period_type, scope, 1),
        "prev_periods": _with_shifted(period_type, scope, -1),
    }
    join = " and ".join(f"p.{sqlrun.ident(k)} = t.{sqlrun.ident(k)}" for k in keys)
    sqlrun.execute(con, f"update {t} set prev_invoices_issued = null where {where}", params)
    sqlrun.execute(
        con,
        f"update {t} as t set prev_invoices_issued = p.invoices_issued from {t} as p "
        f"where {join} and p.period_type = t.period_type "
        f"and p.period_start = (t.period_start - interval {step})::date "
        f"and {t_where}{p_where}",
        params,
    )
    assignments = ", ".join(
        f"{m.name} = ({m.expression})::double"
        for m in metrics.METRICS
        if m.kind == "derived" and "prev_" in (m.expression or "")
    )
    sqlrun.execute(con, f"update {t} set {assignments} where {where}", params)


def _written(con: duckdb.DuckDBPyConnection, table: str, scope: str, params: dict[str, Any]) -> int:
    return sqlrun.count_rows(con, table, scope, params)


def _same_columns(con: duckdb.DuckDBPyConnection, table: str, like: str) -> None:
    """Raise unless temp ``table`` has the columns and types of temp ``like`` (a base column
    that is neither a registry count nor a registry amount would be missing from the quarter
    sums)."""
    mine, theirs = (sorted(snapshot.columns(con, "temp", t)) for t in (table, like))
    if mine != theirs:
        raise RuntimeError(
            f"{table} and {like} differ: {sorted(set(mine) ^ set(theirs))} "
            "(declare the base column in analytics/metrics.py)"
        )


def merchant_metrics_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    rebuild = ctx.rebuild(con, MERCHANT_TABLE)
    # Month base rows of every month of the affected quarters, once: the month rows are those
    # of the affected months, the quarter rows their sums (merchant_period_base_quarter.sql).
    every = ctx.quarter_months
    sqlrun.materialise_temp(
        con,
        "work_mp_month_base",
        sqlrun.body("marts/merchant_period_base.sql"),
        ctx.params(every) | {"period_type": "month", "periods": list(every)},
    )
    counts, amounts = metrics.summed_columns()
    total = 0
    for i, (period_type, scope, months) in enumerate(_scopes(ctx)):
        params = ctx.params(months) | {"period_type": period_type, "periods": list(scope)}
        if period_type == "month":
            month_rows = "select * from work_mp_month_base where list_contains($periods, period)"
            sqlrun.materialise_temp(con, "work_mp_base", month_rows, params)
        else:
            quarter_sql = sqlrun.body("marts/merchant_period_base_quarter.sql")
            sums = {"count_columns": counts, "amount_columns": amounts}
            sqlrun.materialise_temp(con, "work_mp_base", quarter_sql, params | sums)
            _same_columns(con, "work_mp_base", "work_mp_month_base")
        sqlrun.materialise_temp(
            con, "work_mp_complaints", sqlrun.body("marts/merchant_period_complaints.sql"), params
        )
        select = _with_derived(sqlrun.body("marts/merchant_period_metrics.sql"))
        sqlrun.replace_rows(
            con, MERCHANT_TABLE, select, params, scope=_PERIOD_SCOPE, rebuild=rebuild and i == 0
        )
        refresh_previous(
            con, MERCHANT_TABLE, ("merchant_id",), period_type, scope, everything=rebuild
        )
        total += _written(con, MERCHANT_TABLE, _PERIOD_SCOPE, params)
    ctx.written[MERCHANT_TABLE] = total


def rollup_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    rebuild = ctx.rebuild(con, ROLLUP_TABLE)
    counts, amounts = metrics.summed_columns()
    total = 0
    for i, (period_type, scope, months) in enumerate(_scopes(ctx)):
        params = ctx.params(months) | {
            "period_type": period_type,
            "periods": list(scope),
            "count_columns": counts,
            "amount_columns": amounts,
        }
        sqlrun.materialise_temp(
            con, "work_rollup_sums", sqlrun.body("marts/rollup_sums.sql"), params
        )
        sqlrun.materialise_temp(
            con, "work_rollup_delays", sqlrun.body("marts/rollup_delays.sql"), params
        )
        select = _with_derived(sqlrun.body("marts/rollup_metrics.sql"))
        sqlrun.replace_rows(
            con, ROLLUP_TABLE, select, params, scope=_PERIOD_SCOPE, rebuild=rebuild and i == 0
        )
        refresh_previous(
            con, ROLLUP_TABLE, ("dimension", "value"), period_type, scope, everything=rebuild
        )
        total += _written(con, ROLLUP_TABLE, _PERIOD_SCOPE, params)
    ctx.written[ROLLUP_TABLE] = total


def daily_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    params = ctx.params()
    sqlrun.replace_rows(
        con,
        "merchant_daily",
        sqlrun.body("marts/merchant_daily.sql"),
        params,
        scope=_MONTH_SCOPE,
        rebuild=ctx.rebuild(con, "merchant_daily"),
    )
    ctx.written["merchant_daily"] = _written(con, "merchant_daily", _MONTH_SCOPE, params)
    # Both recomputed whole, and neither is a stage table, so adding them never forces a full
    # run. Days a feed lacks, over all of the raw tables (a hole may lie in any month; ~0.5 s
    # at 10M invoices); then the vendor incidents from merchant_daily (each vendor's usual day
    # is a median over all of them), leaving out the days the tax export lacks.
    gaps = feeds.store_gaps(con)  # and feed_coverage, a row per feed
    ctx.written[feeds.TABLE] = gaps.height
    excluded = feeds.tax_gap_days(gaps)
    ctx.written[delay_views.INCIDENTS_TABLE] = delay_views.store_incidents(con, None, excluded)


def exceptions_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    params = ctx.params()
    sqlrun.replace_rows(
        con,
        "recon_exceptions",
        sqlrun.body("marts/recon_exceptions.sql"),
        params,
        scope=_MONTH_SCOPE,
        rebuild=ctx.rebuild(con, "recon_exceptions"),
    )
    ctx.written["recon_exceptions"] = _written(con, "recon_exceptions", _MONTH_SCOPE, params)
    sqlrun.replace_rows(
        con,
        PENDING_TABLE,
        sqlrun.body("marts/pending_entries.sql"),
        params,
        scope=_MONTH_SCOPE,
        rebuild=ctx.rebuild(con, PENDING_TABLE),
    )
    ctx.written[PENDING_TABLE] = _written(con, PENDING_TABLE, _MONTH_SCOPE, params)
    rebuild = ctx.rebuild(con, "recon_summary")
    total = 0
    for i, (period_type, scope, months) in enumerate(_scopes(ctx)):
        p = ctx.params(months) | {"period_type": period_type, "periods": list(scope)}
        sqlrun.replace_rows(
            con,
            "recon_summary",
            sqlrun.body("marts/recon_summary.sql"),
            p,
            scope=_PERIOD_SCOPE,
            rebuild=rebuild and i == 0,
        )
        total += _written(con, "recon_summary", _PERIOD_SCOPE, p)
    ctx.written["recon_summary"] = total
