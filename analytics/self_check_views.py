"""Read-side views for the self-check page: which periods a report can cover and what it holds.

The report itself is :mod:`analytics.reports` (one merchant's workbook, or a district's or a
list's zip);
these functions give the page its choices and the preview it shows before a download: the
summary figures (the registry metrics of the merchant or district for the period, from the same
``merchant_period_metrics`` rows the report's summary sheet reads) and how many rows each detail
sheet will have.
"""

from __future__ import annotations

import duckdb
import polars as pl

from analytics import views
from analytics.report_sheets import PENDING_DETAIL, SHEETS, parse_period
from analytics.views import Filters, run
from analytics.warehouse import table_exists


def report_periods(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``period_type, period`` with merchant metrics: months newest first, then quarters."""
    frame = run(con, "report_periods", {})
    return frame.sort(["period_type", "period"], descending=[False, True])


def _scope(
    period: str,
    merchant_id: str | None,
    district: str | None,
    merchant_ids: tuple[str, ...] | None,
) -> Filters:
    if sum(x is not None for x in (merchant_id, district, merchant_ids)) != 1:
        raise ValueError("give one of a merchant (USCC), a district or a list of merchants")
    p = parse_period(period)
    return Filters(
        p.key,
        p.key,
        districts=(district,) if district else (),
        merchant_ids=(merchant_id,) if merchant_id else merchant_ids or (),
    )


def summary(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    merchant_id: str | None = None,
    district: str | None = None,
    merchant_ids: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """One row of registry metrics (sums and rates, ``merchants``) of the merchant, the
    district's merchants or the listed ones over the month or quarter; empty: no data."""
    f = _scope(period, merchant_id, district, merchant_ids)
    frame = views.group_metrics(con, f, [], period_type=parse_period(period).kind)
    return frame.filter(pl.col("merchants") > 0)


def sheet_rows(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    merchant_id: str | None = None,
    district: str | None = None,
    merchant_ids: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """``sheet, statuses, rows``: each detail sheet of the report (in its order) with the
    number of rows it will hold (summed over the district's or the list's merchants): the
    exception sheets, then the invoices pending entry (``pending_entry``)."""
    f = _scope(period, merchant_id, district, merchant_ids)
    params = f.params() | {"months": list(parse_period(period).months)}
    counts = dict(run(con, "report_exception_counts", params).iter_rows())
    pending = 0
    if table_exists(con, "pending_entries"):
        pending = int(run(con, "report_pending_count", params)["rows"][0])
    return pl.DataFrame(
        {
            "sheet": [*(s.name for s in SHEETS), PENDING_DETAIL],
            "statuses": [*(list(s.statuses) for s in SHEETS), ["pending_entry"]],
            "rows": [*(sum(int(counts.get(x, 0)) for x in s.statuses) for s in SHEETS), pending],
        },
        schema={"sheet": pl.String, "statuses": pl.List(pl.String), "rows": pl.Int64},
    )
