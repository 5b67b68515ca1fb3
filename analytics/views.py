"""Read-side views for the dashboard: metrics of whatever the global filters select.

Every function takes an open connection to the serving snapshot (or the warehouse) and plain
filter values, runs SQL from ``analytics/sql/views/`` with bound parameters and returns a small,
sorted Polars frame. Nothing here is heavy: queries read the compact result tables
(``merchant_period_metrics``, ``recon_exceptions``, ``complaint_links``), never raw invoices,
and sums over attribute filters come from the aggregate marts of ``analytics.cubes`` (through
``analytics.cube_views``; ``use_cubes=False`` reads merchant rows, the same numbers). Delay
views live in ``analytics.delay_views``, the SQL plumbing in ``analytics.view_sql``; both are
re-exported here.

How filters reach SQL: :class:`Filters` turns into ``$name`` parameters (:meth:`Filters.params`)
that the scope macros of ``sql/views/macros.sql`` (``fw_periods``, ``fw_merchants``) apply; an
empty list means "no filter on this attribute". Rates are re-derived from sums with the metric
registry's expressions, so a filtered rate is recorded / due over the selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import duckdb
import polars as pl

from analytics import (
    complaint_trends,
    cube_views,
    cubes,
    delay_frames,
    delay_views,
    frames,
    metrics,
    periods,
    reminders,
    scope,
    sqlrun,
    view_sql,
)
from analytics.warehouse import table_exists

# Defined in the modules split off from this one; pages, tests and notebooks use them from here.
DIMENSIONS: Final = scope.DIMENSIONS
Filters = scope.Filters
GROUP_KEYS: Final = view_sql.GROUP_KEYS
prepare = view_sql.prepare
run = view_sql.run
deadline_workdays = view_sql.deadline_workdays
DELAY_EDGES: Final = delay_views.DELAY_EDGES
MISSING_BUCKET: Final = delay_views.MISSING_BUCKET
delay_quantile = delay_views.delay_quantile
delay_distribution = delay_views.delay_distribution
delay_profile = delay_views.delay_profile
bucket_ranges = delay_views.bucket_ranges
vendor_incidents = delay_views.vendor_incidents
incidents_in = delay_views.incidents_in
during_incidents = delay_views.during_incidents


def available_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months with invoices, oldest first."""
    return sorted(run(con, "months", {})["period"].to_list())


def complaint_receipts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``period, last_received``: months with complaints, oldest first, and the latest
    receipt in each."""
    return run(con, "complaint_months", {}).sort("period")


def complaint_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months with complaints, oldest first."""
    return complaint_receipts(con)["period"].to_list()


def last_complaint_at(receipts: pl.DataFrame) -> datetime | None:
    """When the latest complaint was received (of :func:`complaint_receipts`); None without
    complaints."""
    last = receipts["last_received"].max()
    return last if isinstance(last, datetime) else None


def filter_options(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``dimension, value`` pairs present in the registry, sorted."""
    return run(con, "filter_options", {}).sort("dimension", "value")


def group_metrics(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str],
    *,
    period_type: str = "month",
    use_cubes: bool = True,
) -> pl.DataFrame:
    """Every registry metric (sums and rates) per group of ``by`` over the filtered range.

    ``merchants`` counts distinct merchants; delay percentiles are not here (see
    :func:`delay_quantile`). Sorted by the group keys. Months grouped by attributes come from
    the aggregate marts (``analytics.cubes``) unless ``use_cubes`` is false; the numbers are
    the same.
    """
    keys = view_sql.group_keys(by) or ["total"]
    params = f.params() | {"period_type": period_type, "by": keys}

    def merchant_rows() -> pl.DataFrame:
        return _sums(con, "group_sums", params)

    if use_cubes and period_type == "month" and cube_views.usable(f, keys):
        frame = cube_views.attempt(lambda: _sums(con, "cube_group_sums", params), merchant_rows)
    else:
        frame = merchant_rows()
    return frame.sort(list(by), nulls_last=True) if by else frame.drop("total")


def _sums(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """``views/<name>.sql`` (summed registry columns) with the derived metrics appended."""
    counts, amounts = metrics.summed_columns()
    columns = {"count_columns": [c for c in counts if c != "merchants"], "amount_columns": amounts}
    prepare(con)
    body = sqlrun.body(f"views/{name}.sql")
    sql = (
        f"select *, null::bigint as prev_invoices_issued, {metrics.derived_select()} from ({body})"
    )
    return frames.frame(con, sql, sqlrun.bind(sql, params | columns, where=name))


def group_metrics_sets(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    bys: Sequence[Sequence[str]],
    *,
    use_cubes: bool = True,
) -> list[pl.DataFrame]:
    """:func:`group_metrics` of ``f`` for each grouping of ``bys``, in one query when the
    groupings are of attributes only (a page drawing one selection several ways)."""
    sets = [view_sql.group_keys(by) or ["total"] for by in bys]
    flat = {k for keys in sets for k in keys}
    if not (use_cubes and cube_views.usable(f, list(flat)) and flat <= {*DIMENSIONS, "total"}):
        return [group_metrics(con, f, by, use_cubes=use_cubes) for by in bys]
    params = f.params() | {"sets": sets}
    frame = cube_views.attempt(lambda: _sums(con, "cube_group_sets", params), pl.DataFrame)
    if frame.is_empty() and "grouping" not in frame.columns:  # a snapshot without the marts
        return [group_metrics(con, f, by, use_cubes=False) for by in bys]
    out = []
    for i, (by, keys) in enumerate(zip(bys, sets, strict=True), start=1):
        part = delay_frames.unpack(frame.filter(pl.col("grouping") == i).drop("grouping"), keys)
        ordered = [k for k in ("total", *DIMENSIONS) if k in keys]  # as group_sums.sql orders
        part = part.select(*ordered, pl.exclude(ordered))
        out.append(part.sort(list(by), nulls_last=True) if by else part.drop("total"))
    return out


def period_series(
    con: duckdb.DuckDBPyConnection, f: Filters, *, deadline: int | None = None
) -> pl.DataFrame:
    """Monthly metrics in the range, plus ``volume_change`` and delay p50/p95.

    Delay percentiles are exact: from ``rollup_metrics`` when the filters select one rollup
    group, else from :func:`delay_quantile` (``delay_p95_exact`` says whether that one is).
    """
    frame = group_metrics(con, f, ["period", "period_start"])
    previous = frame.select(pl.col("period_start").dt.offset_by("1mo"), prev="invoices_issued")
    prev = pl.col("prev_invoices_issued")
    frame = (
        frame.drop("prev_invoices_issued")
        .join(previous, on="period_start", how="left")
        .rename({"prev": "prev_invoices_issued"})
        .with_columns(  # the registry's volume_change, over the months in scope
            volume_change=pl.when(prev > 0).then((pl.col("invoices_issued") - prev) / prev)
        )
    )
    group = f.rollup_group()
    if group is not None:
        exact = run(
            con,
            "rollup_delays",
            {"dimension": group[0], "value": group[1]} | f.params(),
        )
        return frame.join(exact, on="period", how="left").sort("period")
    p95 = delay_quantile(con, f, ["period"], deadline=deadline).select(
        "period", delay_p95="delay_quantile", delay_p95_exact="exact"
    )
    return (
        frame.join(p95, on="period", how="left")
        .with_columns(delay_p50=pl.lit(None, pl.Float64))
        .sort("period")
    )


def with_previous_month(f: Filters) -> Filters:
    """The same filters from the month before the range (for changes against it)."""
    start = periods.parse_month(f.period_from)
    return f.with_periods(periods.month_of(periods.add_months(start, -1)), f.period_to)


def merchants_below(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    metric: str,
    threshold: float,
    *,
    min_due: int = 20,
    limit: int = 500,
    use_cubes: bool = True,
) -> pl.DataFrame:
    """Merchants whose ``metric`` over the range is below ``threshold`` (with at least
    ``min_due`` invoices due, so a shop with three invoices does not lead), worst first:
    merchant, name, attributes, the entry counts and rates (and ``metric``), at most ``limit``
    rows, and ``below_total``: how many merchants are below, the rows left out included. The
    entry rates come from ``merchant_entry`` (``analytics.cubes``) unless ``use_cubes`` is
    false."""
    metrics.metric(metric)  # a clear error for an unknown name
    by = ["merchant_id", "merchant_name", *DIMENSIONS]
    shown = list(
        dict.fromkeys([*by, *cubes.ENTRY_COLUMNS, *cubes.ENTRY_RATES, metric, "below_total"])
    )
    order = [metric, "invoices_due", "merchant_id"]

    def merchant_rows() -> pl.DataFrame:
        frame = group_metrics(con, f, by, use_cubes=False)
        due = pl.col("invoices_due") >= min_due
        worst = frame.filter(due & (pl.col(metric) < threshold))
        worst = worst.with_columns(below_total=pl.len().cast(pl.Int64))
        return worst.sort(order, descending=[False, True, False]).head(limit)

    if use_cubes and metric in cubes.ENTRY_RATES and cube_views.usable(f, ()):
        frame = cube_views.attempt(
            lambda: cube_views.merchants_below(
                con, f, metric, threshold, min_due=min_due, limit=limit
            ),
            merchant_rows,
        )
    else:
        frame = merchant_rows()
    return frame.select(shown).sort(order, descending=[False, True, False])


def complaint_links(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Linked complaints in scope (rows of ``complaint_links``), oldest first."""
    return run(con, "scope_complaints", f.params()).sort("received_at", "complaint_id")


def complaint_trend(
    con: duckdb.DuckDBPyConnection, f: Filters, grain: complaint_trends.Grain, by: str | None
) -> pl.DataFrame:
    links = complaint_links(con, f).lazy()
    return complaint_trends.complaint_trends(links, grain=grain, by=by).collect()


def classifier_report(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    if not table_exists(con, "classifier_reports"):
        return pl.DataFrame()
    return run(con, "classifier_report", {})


# "Due soon": at most this much working time left before the entry deadline.
DUE_SOON_WORKDAYS: Final = 1.0


def pending_merchants(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every merchant with invoices not yet entered whose deadline has not passed, with its
    attributes: ``pending``, ``due_soon`` (at most :data:`DUE_SOON_WORKDAYS` working days
    left), ``deadline_at`` (the nearest), ``workdays_left``, ``first_issued``, ``amount``, and
    what was reminded (:func:`analytics.reminders.by_merchant`: ``not_reminded``, ``reminders``,
    ``last_reminded_at``, ``last_reminded_by``, ``last_channel``). Unfiltered and small (the
    last working days' invoices): :func:`pending_in_scope` narrows it. Empty while the
    snapshot has no such table."""
    if not table_exists(con, "pending_entries"):
        return pl.DataFrame()
    frame = run(con, "pending_by_merchant", {"soon": DUE_SOON_WORKDAYS})
    frame = frame.join(reminders.by_merchant(con), on="merchant_id", how="left")
    # a merchant the reminders leave out (a snapshot from before them): nothing reminded
    return frame.with_columns(
        pl.col("not_reminded").fill_null(pl.col("pending")), pl.col("reminders").fill_null(0)
    )


def pending_in_scope(frame: pl.DataFrame, f: Filters, *, limit: int = 500) -> pl.DataFrame:
    """The merchants of :func:`pending_merchants` in ``f``'s attribute scope (the month range
    does not apply: pending is about the as-of time), the nearest deadline first, at most
    ``limit``, with totals over every merchant in scope, those left out included
    (``merchants_total``, ``pending_total``, ``due_soon_total``, ``not_reminded_total``,
    ``amount_total``)."""
    if frame.is_empty():
        return frame
    scoped = frame.filter(f.attribute_mask())
    totals = scoped.select(
        merchants_total=pl.len().cast(pl.Int64),
        pending_total=pl.col("pending").sum().cast(pl.Int64),
        due_soon_total=pl.col("due_soon").sum().cast(pl.Int64),
        not_reminded_total=pl.col("not_reminded").sum().cast(pl.Int64),
        amount_total=pl.col("amount").sum(),
    )
    order = ["workdays_left", "pending", "merchant_id"]
    worst = scoped.sort(order, descending=[False, True, False], nulls_last=True).head(limit)
    return worst.join(totals, how="cross") if worst.height else worst


def pending_by_merchant(
    con: duckdb.DuckDBPyConnection, f: Filters, *, limit: int = 500
) -> pl.DataFrame:
    """:func:`pending_in_scope` of :func:`pending_merchants`: what Entry monitoring lists."""
    return pending_in_scope(pending_merchants(con), f, limit=limit)


def pending_invoices(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    *,
    due_within: float | None = None,
    not_reminded: bool = False,
) -> pl.DataFrame:
    """Every invoice pending entry in ``f``'s attribute scope (at most ``due_within`` working
    days left, when given; only those no reminder covered, with ``not_reminded``), with its
    merchant and when it was last reminded about, by whom
    (:func:`analytics.reminders.by_invoice`): the nearest deadline first, then by merchant and
    issue time. Empty (no columns) while there is no ``pending_entries`` table."""
    if not table_exists(con, "pending_entries"):
        return pl.DataFrame()
    frame = run(con, "pending_invoices", f.params())
    frame = frame.join(reminders.by_invoice(con), on=["merchant_id", "invoice_no"], how="left")
    if due_within is not None:
        frame = frame.filter(pl.col("workdays_left") <= due_within)
    if not_reminded:  # only what no reminder covered yet: the day's calls
        frame = frame.filter(pl.col("last_reminded_at").is_null())
    order = ["workdays_left", "merchant_id", "issued_at", "invoice_no"]
    return frame.sort(order, nulls_last=True)


def open_alerts(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """``open_alerts, new_in_period`` for merchants in scope; empty while the snapshot has no
    alerts table (the alerts stage has not run)."""
    if not table_exists(con, "alerts"):
        return pl.DataFrame()
    return run(con, "open_alerts", f.params())
