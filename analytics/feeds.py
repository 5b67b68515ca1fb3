"""Feed gaps (数据源断档): issue days that one feed lacks while the other holds them.

The statuses assume every feed has arrived. When an invoicing software's export stops (or a
month of it never came), every invoice the tax system holds for its merchants on those days
reads ``missing_in_merchant_log``; when the tax export stops, the merchants' invoices read
pending, then missing. Neither is the merchants' doing, and an official who does not know it
reminds the wrong people. ``analyse`` finds such runs of days (``sql/marts/feed_gaps.sql``) in
its daily stage and stores them in ``feed_gaps``; the pages officials act from warn about them,
the Data import page lists them, and ``fapiao-watch status --check`` fails on them.

Only whole days are judged (a day the feed holds none of), so an export a few hours behind or
one that lost part of a day is not a gap: the first is normal, the second reads as rejected
rows or as the merchants' statuses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

import duckdb
import polars as pl

from analytics import frames, periods, sqlrun, workdays
from analytics.warehouse import table_exists

TABLE: Final = "feed_gaps"
# A run with fewer invoices of the other side says little (a small software's quiet days).
MIN_INVOICES: Final = 20
# ... and it must hold a working day: a weekend that one side happens not to cover is no gap.
MIN_WORKDAYS: Final = 1

SCHEMA: Final = pl.Schema(
    {
        "feed": pl.String,  # 'log' (a software's merchant log) or 'tax' (the tax export)
        "software_vendor": pl.String,  # the software, for 'log'
        "first_day": pl.Date,
        "last_day": pl.Date,
        "invoices": pl.Int64,  # the other side's invoices issued on the run's days
        "open": pl.Boolean,  # the run reaches past the feed's last day: not arrived yet
        "workdays": pl.Int64,  # working days in [first_day, last_day]
    }
)


COVERAGE_TABLE: Final = "feed_coverage"
DAYS_TABLE: Final = "work_feed_days"  # connection-local: per software and day, both sides' counts
COVERAGE: Final = pl.Schema(
    {
        "feed": pl.String(),  # 'tax' or 'log', as in SCHEMA
        "software_vendor": pl.String(),
        "first_day": pl.Date(),  # the issue days the feed holds
        "last_day": pl.Date(),
        "invoices": pl.Int64(),
        "last_entry": pl.Datetime("us"),  # for 'tax': its latest entry into the tax system
    }
)


def _workdays(first: date, last: date) -> int:
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return sum(workdays.is_workday(d) for d in days)


def _feed_days(con: duckdb.DuckDBPyConnection) -> None:
    """``work_feed_days`` (``sql/marts/feed_days.sql``), which the gaps and the coverage read:
    the one pass over the raw tables."""
    sqlrun.materialise_temp(con, DAYS_TABLE, sqlrun.body("marts/feed_days.sql"), {})


def _gaps(con: duckdb.DuckDBPyConnection, min_invoices: int, min_workdays: int) -> pl.DataFrame:
    runs = frames.file_frame(con, "marts/feed_gaps.sql", {"min_invoices": min_invoices})
    counts = [_workdays(a, b) for a, b in runs.select("first_day", "last_day").rows()]
    found = runs.with_columns(workdays=pl.Series(counts, dtype=pl.Int64))
    return found.filter(pl.col("workdays") >= min_workdays).cast(SCHEMA).select(list(SCHEMA))


def _coverage(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frames.file_frame(con, "marts/feed_coverage.sql", {}).cast(COVERAGE)


def find_gaps(
    con: duckdb.DuckDBPyConnection,
    *,
    min_invoices: int = MIN_INVOICES,
    min_workdays: int = MIN_WORKDAYS,
) -> pl.DataFrame:
    """The runs of issue days a feed lacks (columns of :data:`SCHEMA`), by feed, software and
    first day. Raises :class:`analytics.workdays.UnknownHolidayYearError` for a run in a year
    without a holiday table."""
    _feed_days(con)
    return _gaps(con, min_invoices, min_workdays)


def survey(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(:func:`find_gaps`, the coverage: :data:`COVERAGE` rows, the tax export first, then
    each software's log) from one pass over the raw tables."""
    _feed_days(con)
    return _gaps(con, MIN_INVOICES, MIN_WORKDAYS), _coverage(con)


def store_gaps(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """:func:`survey` into the tables ``feed_gaps`` and ``feed_coverage`` (replaced whole; the
    daily stage calls it); returns the gaps."""
    gaps, coverage = survey(con)
    frames.store(con, TABLE, gaps)
    frames.store(con, COVERAGE_TABLE, coverage)
    return gaps


def tax_gap_days(gaps: pl.DataFrame) -> list[date]:
    """Every day of the tax export's gaps: on them every software's merchants fail together,
    which is no incident at any software (``analytics.delay_views.find_incidents``)."""
    spans = gaps.filter(pl.col("feed") == "tax").select("first_day", "last_day").rows()
    return [a + timedelta(days=i) for a, b in spans for i in range((b - a).days + 1)]


def feed_gaps(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The gaps as the last analysis stored them; found afresh in a warehouse analysed before
    the table existed."""
    if not table_exists(con, TABLE):
        if table_exists(con, "issued_invoices") and table_exists(con, "tax_records"):
            return find_gaps(con)
        return pl.DataFrame(schema=SCHEMA)  # a snapshot published before the table existed
    return frames.frame(con, f"select * from {TABLE} order by feed, software_vendor, first_day")


def feed_coverage(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The coverage as the last analysis stored it (:func:`survey`); empty before it did."""
    if not table_exists(con, COVERAGE_TABLE):
        return pl.DataFrame(schema=COVERAGE)
    return frames.frame(con, f"select * from {COVERAGE_TABLE} order by feed desc, software_vendor")


def _touches(lo: pl.Expr, hi: pl.Expr, own_log: pl.Expr) -> pl.Expr:
    """A gap with a day in [lo, hi) that is the tax export's, or a merchant log's for which
    ``own_log`` holds (null counts as false)."""
    return (
        (pl.col("first_day") < hi)
        & (pl.col("last_day") >= lo)
        & ((pl.col("feed") == "tax") | own_log).fill_null(False)
    )


def touching(gaps: pl.DataFrame, months: Iterable[str], vendor: str | None = None) -> pl.DataFrame:
    """The gaps with a day in ``months`` ('2026-03', ...): the tax export's, and the merchant
    logs' of ``vendor`` (of every software when None). Pure."""
    lo, hi = periods.bounds(months)
    ours = pl.lit(True) if vendor is None else pl.col("software_vendor") == vendor
    return gaps.filter(_touches(pl.lit(lo.date()), pl.lit(hi.date()), ours))


ALERT_GAPS: Final = pl.Schema(
    {
        "alert_id": pl.Int64(),
        "feed_gaps": pl.List(
            pl.Struct(
                {
                    "feed": pl.String(),
                    "software_vendor": pl.String(),  # the software whose log lacks the days
                    "first_day": pl.Date(),
                    "last_day": pl.Date(),
                }
            )
        ),
    }
)


def for_alerts(alerts: pl.DataFrame, gaps: pl.DataFrame, vendors: pl.DataFrame) -> pl.DataFrame:
    """:data:`ALERT_GAPS` rows for the alerts (``alert_id, merchant_id, period,
    last_seen_period``) whose months a gap touches: the tax export's, or the log's of the
    merchant's own software (``vendors``: merchant_id, software_vendor). The statuses behind
    such an alert may be the feed's doing. Pure; alerts with none are left out (and, gaps being
    rare, usually all are)."""
    if alerts.is_empty() or gaps.is_empty():
        return pl.DataFrame(schema=ALERT_GAPS)
    month = "%Y-%m-%d"
    spans = alerts.join(vendors, on="merchant_id", how="left").select(
        "alert_id",
        own=pl.col("software_vendor"),
        lo=(pl.col("period") + "-01").str.to_date(month),
        hi=(pl.col("last_seen_period") + "-01").str.to_date(month).dt.offset_by("1mo"),
    )
    hit = spans.join(gaps, how="cross").filter(
        _touches(pl.col("lo"), pl.col("hi"), pl.col("software_vendor") == pl.col("own"))
    )
    return (
        hit.sort("first_day")
        .group_by("alert_id", maintain_order=True)
        .agg(pl.struct("feed", "software_vendor", "first_day", "last_day").alias("feed_gaps"))
        .cast(ALERT_GAPS)
    )


def describe(gap: dict[str, object], vendor_names: dict[str, str]) -> str:
    """One gap in an English line (the command line's words)."""
    days = f"{gap['workdays']:,} working day{'' if gap['workdays'] == 1 else 's'}"
    span = f"{gap['first_day']} to {gap['last_day']} ({days})"
    state = "not arrived yet" if gap["open"] else "a hole in its past"
    if gap["feed"] == "tax":
        return (
            f"the tax export: no invoice issued {span}, while the merchants' logs hold "
            f"{gap['invoices']:,}: {state}"
        )
    code = str(gap["software_vendor"])
    return (
        f"{vendor_names.get(code, code)}'s merchant log: no invoice issued {span}, while the "
        f"tax system holds {gap['invoices']:,} its merchants issued then: {state}"
    )
