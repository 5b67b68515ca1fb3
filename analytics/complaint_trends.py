"""Complaint trends, resolution times, top merchants and the link to reconciliation.

Pure transforms over ``complaint_links`` rows (analytics.complaints): ``LazyFrame -> LazyFrame``,
no I/O; each result ends sorted on its keys (nulls last) so pages and tests see a stable order.
"""

from __future__ import annotations

from typing import Final, Literal

import polars as pl

from analytics import periods

DIMENSIONS: Final = ("category", "channel", "district", "industry")
Grain = Literal["week", "month"]
NOT_FOUND: Final = "not_found"  # 查不到发票
# complaints about what was invoiced for a payment (金额少开), judged by the payment's status
PAYMENT_CATEGORIES: Final = ("amount_short",)
# A named invoice that is neither in the merchant's log nor in the tax records.
UNMATCHED: Final = "unmatched"


def _check_dimension(by: str | None) -> list[str]:
    if by is None:
        return []
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; known: {', '.join(DIMENSIONS)}")
    return [by]


def _bucket(grain: Grain) -> pl.Expr:
    if grain == "week":
        return pl.col("received_at").dt.truncate("1w").dt.date()  # Monday: ISO week start
    if grain == "month":
        return pl.col("received_at").dt.truncate("1mo").dt.date()
    raise ValueError(f"unknown grain {grain!r}; use 'week' or 'month'")


def complaint_trends(
    links: pl.LazyFrame, *, grain: Grain = "month", by: str | None = "category"
) -> pl.LazyFrame:
    """Complaints per ``period_start`` (week Monday or first of month) and ``by`` value.

    Every period from the first to the last complaint appears for every ``by`` value seen,
    with 0 where nothing was received, so a line chart does not bridge a quiet week.
    """
    keys = _check_dimension(by)
    bucketed = links.with_columns(period_start=_bucket(grain))
    counts = bucketed.group_by(["period_start", *keys]).agg(complaints=pl.len().cast(pl.Int64))
    span = bucketed.select(
        period_start=pl.date_range(
            pl.col("period_start").min(),
            pl.col("period_start").max(),
            interval="1w" if grain == "week" else "1mo",
        )
    )
    grid = span.join(bucketed.select(keys).unique(), how="cross") if keys else span
    return (
        grid.join(counts, on=["period_start", *keys], how="left", nulls_equal=True)
        .with_columns(pl.col("complaints").fill_null(0))
        .sort(["period_start", *keys], nulls_last=True)
    )


def whole_weeks(trend: pl.DataFrame, first_month: str, last_month: str) -> pl.DataFrame:
    """The rows of a weekly ``trend`` whose week (Monday to Sunday) lies wholly within the
    months ``first_month`` .. ``last_month``: complaints are scoped by month, so a week that
    crosses the range's first or last day counts only its days inside, and would read as a
    fall (a week of 40 complaints shown as 1)."""
    start = periods.parse_month(first_month)
    end = periods.add_months(periods.parse_month(last_month), 1)
    week = pl.col("period_start")
    return trend.filter((week >= start) & (week + pl.duration(days=7) <= end))


def resolution_times(links: pl.LazyFrame, *, by: str | None = "category") -> pl.LazyFrame:
    """Per ``by`` value: complaints, resolved ones, median and p90 days to resolution.

    Percentiles interpolate linearly between resolved complaints (as numpy and DuckDB's
    ``quantile_cont`` do); open complaints count in ``complaints`` only.
    """
    keys = _check_dimension(by)
    days = pl.col("resolution_days")
    aggs = [
        pl.len().cast(pl.Int64).alias("complaints"),
        days.count().cast(pl.Int64).alias("resolved"),
        days.median().alias("median_days"),
        days.quantile(0.9, interpolation="linear").alias("p90_days"),
    ]
    if not keys:
        return links.select(aggs)
    return links.group_by(keys).agg(aggs).sort(keys, nulls_last=True)


def top_merchants(
    links: pl.LazyFrame,
    invoices: pl.LazyFrame | None = None,
    *,
    n: int = 20,
    order_by: Literal["complaints", "per_1000"] = "complaints",
    min_invoices: int = 0,
) -> pl.LazyFrame:
    """The ``n`` merchants with most linked complaints, or most per 1,000 invoices.

    ``invoices`` has ``merchant_id, invoices`` (e.g. issued invoices over the same window);
    merchants with fewer than ``min_invoices`` are left out of a per-1,000 ranking, where a shop
    with 3 invoices and 1 complaint would otherwise lead. Ties break on merchant_id.
    """
    counts = (
        links.filter(pl.col("merchant_id").is_not_null())
        .group_by("merchant_id")
        .agg(complaints=pl.len().cast(pl.Int64))
    )
    if invoices is None:
        if order_by != "complaints":
            raise ValueError("ranking per 1,000 invoices needs an invoices frame")
        return counts.sort(["complaints", "merchant_id"], descending=[True, False]).head(n)
    joined = counts.join(
        invoices.select("merchant_id", pl.col("invoices").cast(pl.Int64)),
        on="merchant_id",
        how="left",
    ).with_columns(
        per_1000=pl.when(pl.col("invoices") > 0).then(
            pl.col("complaints") * 1000.0 / pl.col("invoices")
        )
    )
    if order_by == "per_1000":
        joined = joined.filter(pl.col("invoices") >= max(min_invoices, 1))
    return joined.sort(
        [order_by, "complaints", "merchant_id"], descending=[True, True, False], nulls_last=True
    ).head(n)


# complaint_links columns added by ANALYSIS_VERSION 8, null in a snapshot analysed before them
# (until the next analysis, a full one): no payment status, no entry time (so a missing or late
# invoice counts as absent when the complaint came)
_V8_COLUMNS: Final[dict[str, pl.DataType]] = {
    "invoice_recorded_at": pl.Datetime("us"),
    "invoice_payment_status": pl.String(),
}


def _with_v8_columns(links: pl.LazyFrame) -> pl.LazyFrame:
    have = set(links.collect_schema().names())
    return links.with_columns(
        pl.lit(None, dtype).alias(name) for name, dtype in _V8_COLUMNS.items() if name not in have
    )


def category_status_crosstab(links: pl.LazyFrame) -> pl.LazyFrame:
    """Complaints that name an invoice, by category and the invoice's reconciliation status.

    ``share`` is within the category; an invoice found nowhere is status ``unmatched``. For the
    categories of :data:`PAYMENT_CATEGORIES` (an amount short) the status is that of the
    payment the invoice was issued for (invoiced / under_invoiced), where it has one: the
    invoice's own entry status would call a founded complaint "entered on time".
    """
    links = _with_v8_columns(links)
    about_payment = pl.col("category").is_in(list(PAYMENT_CATEGORIES))
    named = links.filter(pl.col("invoice_no").is_not_null()).with_columns(
        invoice_status=pl.when(about_payment & pl.col("invoice_payment_status").is_not_null())
        .then(pl.col("invoice_payment_status"))
        .otherwise(pl.col("invoice_status"))
        .fill_null(UNMATCHED)
    )
    return (
        named.group_by("category", "invoice_status")
        .agg(complaints=pl.len().cast(pl.Int64))
        .with_columns(share=pl.col("complaints") / pl.col("complaints").sum().over("category"))
        .sort(["category", "invoice_status"], nulls_last=True)
    )


def not_found_invoice_share(links: pl.LazyFrame, *, by: str | None = None) -> pl.LazyFrame:
    """The headline: among 查不到发票 complaints that name an invoice, what the invoice really is.

    ``share_missing_or_late``: missing_in_system or entered_late (the issue's measure: the
    invoice did not reach the tax system in time); of those, ``absent_when_received`` were not
    in the tax system yet when the complaint came in (``invoice_recorded_at`` null or after
    ``received_at``: the customer could not have found it), the rest had been entered late by
    then. ``share_on_time``: entered_on_time. All shares over ``named`` (every such complaint);
    ``share_missing_or_late_matched`` over ``matched`` (those whose invoice is in the
    reconciliation at all).
    """
    keys = _check_dimension(by)
    status = pl.col("invoice_status")

    def count_of(*values: str) -> pl.Expr:
        return status.is_in(list(values)).sum().cast(pl.Int64)

    def ratio(num: str, den: str) -> pl.Expr:
        return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))

    aggs = [
        pl.len().cast(pl.Int64).alias("named"),
        status.is_not_null().sum().cast(pl.Int64).alias("matched"),
        count_of("missing_in_system").alias("missing_in_system"),
        count_of("entered_late").alias("entered_late"),
        count_of("entered_on_time").alias("entered_on_time"),
        (
            status.is_in(["missing_in_system", "entered_late"])
            & (
                pl.col("invoice_recorded_at").is_null()
                | (pl.col("invoice_recorded_at") > pl.col("received_at"))
            )
        )
        .sum()
        .cast(pl.Int64)
        .alias("absent_when_received"),
    ]
    links = _with_v8_columns(links)
    subset = links.filter((pl.col("category") == NOT_FOUND) & pl.col("invoice_no").is_not_null())
    grouped = subset.group_by(keys).agg(aggs) if keys else subset.select(aggs)
    result = grouped.with_columns(
        missing_or_late=pl.col("missing_in_system") + pl.col("entered_late")
    ).with_columns(
        share_missing_or_late=ratio("missing_or_late", "named"),
        share_on_time=ratio("entered_on_time", "named"),
        share_absent_when_received=ratio("absent_when_received", "named"),
        share_missing_or_late_matched=ratio("missing_or_late", "matched"),
    )
    return result.sort(keys, nulls_last=True) if keys else result
