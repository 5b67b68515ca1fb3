"""Simulated compliance score and grade (合规评分与信用等级，模拟) per merchant and period.

A SIMULATION: the scheme (``data/reference/credit_scheme.toml``, read by
:mod:`analytics.credit_scheme`) copies the shape of the published 纳税信用 scheme, start from
100 and deduct per finding, grades A >= 90, B 70-89, C 40-69, D < 40, M for merchants too new
or too quiet to rate; the official invoice deductions are not public. Every row says so
(``is_simulation``), and so must every page and export that shows it.

Periods (``credit_scores.period_type`` / ``period``):

* ``quarter`` / ``2026-Q1``: from the quarter rows of ``merchant_period_metrics``;
* ``trailing_12m`` / ``2026-10-T12M``: the twelve months ending with the last complete month
  before the as-of time (here October 2026), counts summed over the month rows and delay
  percentiles recomputed from the invoices. One window is kept, the current one.

Each row carries its breakdown, a list with one struct per rule (``rule, metric, value,
threshold, points, cap, count``; words by ``credit_scoring.breakdown_words`` on read) whose
points add up to ``100 - score``, and ranks
among the rated merchants of the period (``rank``) and of its district (``rank_in_district``),
ordered by score (desc), then fewer rules deducting, then merchant_id, so ties are stable.
M merchants keep a score and breakdown but no rank.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import duckdb
import polars as pl

from analytics import metrics, periods, sqlrun
from analytics.context import Context
from analytics.credit_scheme import CreditScheme, load_scheme
from analytics.credit_scoring import score_frame
from analytics.warehouse import memory_cap, table_exists

TABLE = "credit_scores"
# Entry-delay percentiles of the current window per merchant, kept so an incremental run
# re-sorts only the invoices of merchants with new data (stage tables: its loss means a full run).
WINDOW_DELAYS = "credit_window_delays"
WINDOW_SUFFIX = "-T12M"
# Merchant-periods scored at once. Scoring is row-wise, and each row carries the words of
# every rule as per-rule intermediates: scoring every quarter in one frame cost ~0.5 GB at 1M
# invoices and grew with the merchants (the stage's peak memory). Each chunk is one scoring
# plan and one insert: at 10M invoices (the stage alone on the benchmark's base, rolled back,
# alternating runs) 32,768 rows took 3.3-4.4 s for a new day's three months against 4.1-5.3 s
# with 8,192, and 6.0-6.2 s against 6.9-7.2 s for a full rebuild, for 70-110 MiB more peak.
SCORE_CHUNK_ROWS = 32_768
# DuckDB's memory limit while the stage runs. Its work is Python scoring plus write-once tables;
# with the connection's usual 2 GB cache underneath, it was the run's peak at 10M invoices
# (3.9 GiB RSS); capped at 512 MB the whole analyse peaked at 2.7 GiB and the stage took the
# same time (13.4 s against 13.1-13.8 s).
STAGE_MEMORY_LIMIT = "512MB"


def trailing_window(as_of: datetime | date) -> tuple[str, tuple[str, ...]]:
    """(period key, its twelve months) of the window ending with the last complete month."""
    end = periods.add_months(date(as_of.year, as_of.month, 1), -1)
    months = periods.month_range(
        periods.month_of(periods.add_months(end, -11)), end.isoformat()[:7]
    )
    return f"{periods.month_of(end)}{WINDOW_SUFFIX}", months


def _inputs(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object], *, derived: bool
) -> pl.DataFrame:
    sql = sqlrun.body(name)
    if derived:  # window rows are sums: re-derive the registry's rates from them
        sql = f"select *, {metrics.derived_select(depends_on_previous=False)} from ({sql})"
    frame: pl.DataFrame = con.sql(sql, params=sqlrun.bind(sql, params, where=name)).pl()
    return frame


def _scheme_changed(con: duckdb.DuckDBPyConnection, scheme: CreditScheme) -> bool:
    ids = con.execute(f"select distinct scheme_id from {TABLE}").fetchall()
    return any(r[0] != scheme.scheme_id for r in ids)


def refresh_window_delays(
    con: duckdb.DuckDBPyConnection,
    ctx: Context,
    key: str,
    months: tuple[str, ...],
    *,
    rebuild: bool,
) -> None:
    """Bring ``credit_window_delays`` up to date for the window ``key``.

    Recomputed for every merchant on a full run or when the window moved on (a new month
    completed); otherwise only for the merchants with metrics in the recomputed months of the
    window, whose invoices are the only ones that changed.
    """
    stored: set[str] = set()
    if table_exists(con, WINDOW_DELAYS):
        stored = {
            str(r[0])
            for r in con.execute(f"select distinct period from {WINDOW_DELAYS}").fetchall()
        }
    everything = rebuild or stored != {key}
    touched = [m for m in ctx.months if m in months]
    if not everything and not touched:
        return
    sqlrun.materialise_temp(
        con,
        "work_credit_merchants",
        "select distinct merchant_id from merchant_period_metrics "
        "where period_type = 'month' and list_contains($touched, period)",
        {"touched": [] if everything else touched},
    )
    params = {"months": list(months), "period": key, "all_merchants": everything}
    select = sqlrun.body("marts/credit_window_delays.sql")
    if everything:
        sqlrun.execute(con, f"create or replace table {WINDOW_DELAYS} as {select}", params)
        return
    sqlrun.execute(
        con,
        f"delete from {WINDOW_DELAYS} "
        "where merchant_id in (select merchant_id from work_credit_merchants)",
        {},
    )
    sqlrun.execute(con, f"insert into {WINDOW_DELAYS} by name {select}", params)


# Which credit_scores rows a run replaces: the scored quarters ($periods) and the window.
_SCOPE = "list_contains($periods, period) or period_type = 'trailing_12m'"


def _store_scored(
    con: duckdb.DuckDBPyConnection,
    parts: list[tuple[pl.DataFrame, CreditScheme, str]],
    params: dict[str, object],
    *,
    rebuild: bool,
) -> int:
    """Score ``parts`` chunk by chunk straight into ``credit_scores`` (``credit_scores.sql``
    adds the columns a scored row gains), replacing the rows of ``_SCOPE``.

    A rebuilt table takes the column types of the parts' relaxed concatenation (what one
    ``pl.concat(..., how="vertical_relaxed")`` of the scored frames would hold), so chunking
    changes nothing but the memory held at once. Each part is written in period order (the
    quarters, then the window: what a later run replaces lies at the end, see
    ``sqlrun.PERIOD_ORDER``). Scored once into a work table and copied from there, the
    breakdown lists were written twice: 1.2 s of one new day at 10M invoices. Returns the rows
    scored.
    """
    insert = sqlrun.body("marts/credit_scores.sql")
    if rebuild or not table_exists(con, TABLE):
        empty = pl.concat(
            [score_frame(rows.head(0).lazy(), s, t).collect() for rows, s, t in parts],
            how="vertical_relaxed",
        )
        con.register("fw_credit_scored", empty)
        try:
            sqlrun.execute(con, f"create or replace table {TABLE} as {insert}", params)
        finally:
            con.unregister("fw_credit_scored")
    else:
        sqlrun.execute(con, f"delete from {TABLE} where {_SCOPE}", params)
    total = 0
    for rows, scheme, period_type in parts:
        for chunk in _period_chunks(rows):
            scored = score_frame(chunk.lazy(), scheme, period_type).collect()
            con.register("fw_credit_scored", scored)
            try:
                sqlrun.execute(con, f"insert into {TABLE} by name {insert}", params)
            finally:
                con.unregister("fw_credit_scored")
            total += scored.height
    return total


def _period_chunks(rows: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """``rows`` in slices of at most :data:`SCORE_CHUNK_ROWS`, period by period (in order), each
    slice of one period. The warehouse runs with ``preserve_insertion_order = false``, so the
    rows of one insert may land in any order: only one period per insert keeps the periods in
    order in the table (a multi-period slice interleaved them now and then)."""
    for one in rows.sort("period", maintain_order=True).partition_by("period", maintain_order=True):
        yield from one.iter_slices(SCORE_CHUNK_ROWS)


def rank_scores(
    con: duckdb.DuckDBPyConnection, table: str, scope: str, params: dict[str, object]
) -> None:
    """Fill ``rank`` / ``rank_in_district`` of ``table``'s rows that ``scope`` selects (whole
    periods: rows written by ``credit_scores.sql`` come without ranks) from their sort keys
    (``work_credit_scored``, read by ``marts/credit_ranks.sql``)."""
    sqlrun.materialise_temp(
        con,
        "work_credit_scored",
        "select period, merchant_id, district, grade, score, deductions "
        f"from {sqlrun.ident(table)} where {scope}",
        params,
    )
    sqlrun.materialise_temp(con, "work_credit_ranks", sqlrun.body("marts/credit_ranks.sql"), {})
    sqlrun.execute(
        con,
        f"update {sqlrun.ident(table)} as c "
        "set rank = r.rank, rank_in_district = r.rank_in_district "
        "from work_credit_ranks as r where r.period = c.period and r.merchant_id = c.merchant_id",
        {},
    )


def credit_stage(
    con: duckdb.DuckDBPyConnection, ctx: Context, scheme: CreditScheme | None = None
) -> None:
    """Stage ``credit``: the affected quarters and the current trailing-12-month window."""
    with memory_cap(con, STAGE_MEMORY_LIMIT):
        _credit_stage(con, ctx, scheme or load_scheme())


def _credit_stage(con: duckdb.DuckDBPyConnection, ctx: Context, scheme: CreditScheme) -> None:
    rebuild = ctx.rebuild(con, TABLE) or _scheme_changed(con, scheme)
    if rebuild:
        quarters = [
            str(r[0])
            for r in con.execute(
                "select distinct period from merchant_period_metrics where period_type = 'quarter'"
            ).fetchall()
        ]
    else:
        quarters = list(ctx.quarters)
    key, months = trailing_window(ctx.as_of)
    refresh_window_delays(con, ctx, key, months, rebuild=rebuild)
    quarter_rows = _inputs(
        con, "marts/credit_quarter_inputs.sql", {"periods": quarters}, derived=False
    )
    counts, amounts = metrics.summed_columns()
    window_rows = _inputs(
        con,
        "marts/credit_window_inputs.sql",
        {
            "months": list(months),
            "period": key,
            "period_start": periods.parse_month(months[0]),
            "period_end": periods.add_months(periods.parse_month(months[-1]), 1)
            - timedelta(days=1),
            "count_columns": counts,
            "amount_columns": amounts,
        },
        derived=True,
    )
    params: dict[str, object] = {"periods": [*quarters, key], "scheme_id": scheme.scheme_id}
    written = _store_scored(
        con,
        [(quarter_rows, scheme, "quarter"), (window_rows, scheme, "trailing_12m")],
        params,
        rebuild=rebuild,
    )
    del quarter_rows, window_rows
    rank_scores(con, TABLE, _SCOPE, params)
    ctx.written[TABLE] = written
    ctx.notes.append(
        f"credit (simulation): {len(quarters)} quarter(s) and window {key} "
        f"({months[0]}..{months[-1]}) scored"
    )
