"""Reconciliation: one status, a matching key and a reason in words for every subject.

Subjects and their statuses (DESIGN.md, plus ``pending_entry``):

* **Issued invoice** (merchant log, period = month of ``issued_at``), first that applies:

  1. ``duplicate``: a second live invoice for the same ``payment_id``; or, with no payment
     link, the same merchant, buyer (tax id, else name; anonymous buyers are never matched) and
     价税合计 within 10 minutes of the previous one. The later one is the duplicate; the reason
     names the earlier. "Live" = blue, not voided, not reversed by a red invoice.
  2. ``missing_in_system``: no tax record as of the as-of time and the deadline has passed:
     more than N working days have run on the working clock since issue (below), so an entry
     now would be late.
     ``pending_entry`` (our addition): no tax record yet, deadline not passed, so a fresh
     invoice is not called missing. Pending invoices are left out of rate denominators. An
     invoice whose deadline falls in a year with no holiday table yet is pending too.
  3. ``amount_mismatch``: the tax record's 价税合计 differs by more than 0.01.
  4. ``entered_late``: recorded more than N working days after issue.
  5. ``entered_on_time``: recorded within N working days. A tax record without a 入库 time
     (the loader normally stamps first_seen) counts as entered and, having no time, on time.

  N = ``analytics.config.settings().deadline_workdays`` (default 2) unless given. Delays are
  measured on the working clock of analytics.workdays, set-wise in SQL (the calendar is a
  table, no Python per invoice), and equal ``workdays_between(issued_at, recorded_at)``.
  The deadline (``deadline_at``) is the instant that clock reaches N working days after the
  issue: issued on a working day at 17:05, 17:05 on the N-th working day after; issued on a
  rest day, the end of the N-th working day after. Late and missing are judged on that one
  clock, so an invoice recorded by its deadline is on time, one recorded after it is late,
  and one past it without a record is missing.
  Period-aware: an invoice issued in March and recorded in April is late *for March*.

* **Tax record**: with a merchant-side twin (same invoice_no) it shares the twin's status,
  ``matched_on = 'invoice_no'``; without one it is ``missing_in_merchant_log``.
* **Payment** with ``invoice_requested`` (period = month of ``paid_at``): ``invoiced``,
  ``under_invoiced`` (paid exceeds the net 价税合计 of its invoices by more than 0.01; red
  invoices net against their originals, linked by their own payment_id or their original's) or
  ``not_invoiced`` (no invoice linked at all). A payment with no linked invoice whose invoice
  the log lost is still ``invoiced``, ``matched_on = 'amount_time'``: a tax record without a
  twin, same seller and 价税合计, blue and live, issued within ``Context.payment_grace_days``
  after the payment, each the other's closest candidate (marts/recon_payment_matches.sql).
  The tax record stays ``missing_in_merchant_log``: the log still lacks it.

Voided (作废) invoices keep an entry status (a void must still reach the tax system, as
已作废), but are never matched as duplicates, never checked for amounts, never netted against
payments, and are excluded from every rate and amount (metrics) and from exception lists
unless missing. The check ``void_status_conflict`` flags a void the two sides disagree on.

The as-of time is the latest ``recorded_at`` in tax_records unless given; tax records
recorded after it are treated as not yet received.

Storage: ``recon_facts`` (a view over one table per subject, ``FACT_TABLES``) holds one row
per issued invoice, unmatched tax record and payment, with flags (``is_on_time``, ``is_late``,
``is_missing`` ...) that metrics count independently of the headline status; the
``reconciliation`` view adds the tax-record rows of matched invoices and ``reason_en`` /
``reason_zh``, computed on read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import polars as pl

from analytics import sqlrun, workdays
from analytics.clock import beijing_now
from analytics.context import Context

ISSUED_STATUSES = (
    "entered_on_time",
    "entered_late",
    "amount_mismatch",
    "missing_in_system",
    "pending_entry",
    "duplicate",
)
TAX_STATUSES = ("missing_in_merchant_log",)
PAYMENT_STATUSES = ("invoiced", "under_invoiced", "not_invoiced")
STATUSES = ISSUED_STATUSES + TAX_STATUSES + PAYMENT_STATUSES

STAGING_VIEWS = {
    "stg_issued": "staging/stg_issued.sql",
    "stg_tax": "staging/stg_tax.sql",
    "stg_paid": "staging/stg_paid.sql",
    "stg_complaint_log": "staging/stg_complaint_log.sql",
    "stg_merchant_attrs": "staging/stg_merchant_attrs.sql",
}
# The per-subject fact tables (pipeline/tables.sql) and the queries that fill them; the
# `recon_facts` view (marts/recon_facts.sql) reads them as one table.
FACT_TABLES = {
    "recon_issued_facts": "marts/recon_issued.sql",
    "recon_tax_facts": "marts/recon_tax_unmatched.sql",
    "recon_payment_facts": "marts/recon_payments.sql",
}
# Then payments with no log invoice are matched to tax records the log lacks (amount and time).
PAYMENT_MATCHES = "marts/recon_payment_matches.sql"


def ensure_objects(con: duckdb.DuckDBPyConnection) -> None:
    """Result tables with a fixed layout, the staging views and the ``reconciliation`` view."""
    _drop_single_fact_table(con)
    con.execute(sqlrun.body("pipeline/tables.sql")).fetchall()
    con.execute(sqlrun.body("pipeline/macros.sql")).fetchall()
    for view, name in STAGING_VIEWS.items():
        sqlrun.create_view(con, view, name)
    sqlrun.create_view(con, "recon_facts", "marts/recon_facts.sql")
    sqlrun.create_view(con, "recon_rows", "marts/recon_rows.sql")
    sqlrun.create_view(con, "reconciliation", "marts/reconciliation.sql")


def _drop_single_fact_table(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses analysed before the per-subject fact tables hold ``recon_facts`` as a table;
    it makes way for the view (their next analysis is a full one: ``ANALYSIS_VERSION``)."""
    rows = con.execute(
        "select table_type from information_schema.tables where table_catalog = "
        "current_database() and table_schema = 'main' and table_name = 'recon_facts'"
    ).fetchall()
    if rows and rows[0][0] == "BASE TABLE":
        for view in ("reconciliation", "recon_rows"):  # they read it
            con.execute(f"drop view if exists {view}").fetchall()
        con.execute("drop table recon_facts").fetchall()


# Result tables with a fixed layout, recreated by full runs so a new layout takes effect.
FIXED_RESULT_TABLES = (*FACT_TABLES, "check_violations")


def reset_result_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop and recreate the fixed-layout result tables (full runs)."""
    for table in FIXED_RESULT_TABLES:
        con.execute(f"drop table if exists {sqlrun.ident(table)}").fetchall()
    con.execute(sqlrun.body("pipeline/tables.sql")).fetchall()


def with_deadlines(calendar: pl.LazyFrame, deadline_workdays: int) -> pl.LazyFrame:
    """Add ``deadline_day``: the N-th working day after each ``day`` (the day itself not counted).

    ``calendar`` has ``day, is_workday, workdays_before`` (analytics.workdays.calendar_frame);
    a working day's ``workdays_before`` is its 0-based index among working days, so the N-th
    working day after ``d`` has index ``workdays_before(d) + is_workday(d) + N - 1``. Null where
    that day lies beyond the calendar.
    """
    if deadline_workdays < 0:
        raise ValueError(f"deadline_workdays must be >= 0, got {deadline_workdays}")
    index = pl.col("workdays_before") + pl.col("is_workday").cast(pl.Int64)
    target = pl.max_horizontal(index + (deadline_workdays - 1), pl.col("workdays_before"))
    working = calendar.filter(pl.col("is_workday")).select(
        pl.col("workdays_before").alias("_index"), pl.col("day").alias("deadline_day")
    )
    return (
        calendar.with_columns(_target=target)
        .join(working, left_on="_target", right_on="_index", how="left")
        .drop("_target")
        .sort("day")
    )


def _known_until(last: date, wanted_end: date) -> date:
    """``wanted_end``, or the last day of the holiday calendar if earlier. When ``last``'s own
    year has no table, ``wanted_end``: building the calendar then raises the error naming it."""
    known = workdays.known_through(last)
    return wanted_end if known is None else min(wanted_end, known)


def build_calendar(
    con: duckdb.DuckDBPyConnection, first: date, last: date, deadline_workdays: int
) -> int:
    """Create the temp table ``work_calendar`` covering [first, last] plus room for deadlines.

    Raises ``UnknownHolidayYearError`` when the data itself lies in a year with no holiday
    table; margin days in such a year are left out (deadlines there stay unknown: pending).
    Returns the number of days.
    """
    margin = max(31, 2 * deadline_workdays + 21)
    end = _known_until(last, last + timedelta(days=margin))
    frame = workdays.calendar_frame(first, end)
    calendar = with_deadlines(frame.lazy(), deadline_workdays).collect()
    con.register("fw_calendar_frame", calendar)
    try:
        con.execute(
            "create or replace temp table work_calendar as "
            "select day, is_workday, workdays_before, deadline_day from fw_calendar_frame"
        ).fetchall()
    finally:
        con.unregister("fw_calendar_frame")
    return calendar.height


def data_span(
    con: duckdb.DuckDBPyConnection,
) -> tuple[datetime | None, datetime | None, datetime | None]:
    """(first instant, last instant, latest recorded_at) over the raw tables."""
    rows = sqlrun.fetch_file(con, "pipeline/data_span.sql", {})
    first, last, latest = rows[0]
    return first, last, latest


def default_as_of(con: duckdb.DuckDBPyConnection) -> tuple[datetime, str]:
    """The as-of time when none is given, and where it comes from (``analysis_runs.as_of_source``):
    the latest 入库 time (``entries``); without tax records the latest instant in the data
    (``data``); without data, now (``now``)."""
    _, last, latest = data_span(con)
    if latest is not None:
        return latest, "entries"
    if last is not None:
        return last, "data"
    return beijing_now(), "now"


def run_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """Stage ``reconcile``: recon_facts for the affected months."""
    first, last, _ = data_span(con)
    if first is None or last is None:
        ctx.notes.append("no data: nothing to reconcile")
        con.execute(
            "create or replace temp table work_calendar "
            "(day date, is_workday boolean, workdays_before bigint, deadline_day date)"
        ).fetchall()
    else:
        days = build_calendar(con, first.date(), last.date(), ctx.deadline_workdays)
        ctx.notes.append(f"working-day calendar: {days} days from {first.date()}")
    params = ctx.params()
    # read by the duplicate and payment rules below, which scan the whole log repeatedly
    sqlrun.materialise_temp(
        con,
        "work_issued",
        sqlrun.body("marts/recon_work_issued.sql"),
        params | {"everything": ctx.full},
    )
    sqlrun.materialise_temp(
        con, "work_duplicates", sqlrun.body("marts/recon_duplicates.sql"), params
    )
    for table, name in FACT_TABLES.items():
        if not ctx.full:  # a full run starts from empty tables (reset_result_tables)
            sqlrun.execute(con, f"delete from {table} where list_contains($months, period)", params)
        sqlrun.execute(
            con, f"insert into {table} by name select * from ({sqlrun.body(name)})", params
        )
    # payments whose only invoice is a tax record the merchant log lacks (reads both tables)
    sqlrun.run_file(con, PAYMENT_MATCHES, params)
    con.execute("drop table work_issued").fetchall()  # invoice-sized: not kept for later stages
    ctx.written["recon_facts"] = sqlrun.count_rows(
        con, "recon_facts", "list_contains($months, period)", params
    )
