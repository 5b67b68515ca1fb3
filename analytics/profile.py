"""Read-side views of one merchant (the profile page): facts, activity, exceptions, pending
invoices, complaints.

Each function takes a connection to the serving snapshot, the merchant's USCC and the month
range, and returns a small sorted Polars frame. Later sections of the profile (score breakdown,
anomaly explanation) add their own functions beside these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import duckdb
import polars as pl

from analytics.views import Filters, pending_invoices, run

Grain = Literal["day", "week"]


def merchant_options(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``merchant_id, name, district`` of every registered merchant, by name then id."""
    return run(con, "merchant_options", {}).sort("name", "merchant_id")


def search_merchants(con: duckdb.DuckDBPyConnection, query: str, limit: int) -> pl.DataFrame:
    """At most ``limit`` registered merchants whose name contains ``query`` or whose USCC
    contains it (upper-cased), by name then id: ``merchant_id, name, district, matches``
    (``matches``: how many match in all). An empty query matches every merchant.

    The search box runs this rather than filtering :func:`merchant_options` in the page: a
    page rerun then moves a few hundred rows, not the whole registry (66,667 merchants at 10
    million invoices)."""
    text = query.strip()
    params = {"query": text, "needle": text.upper(), "limit": limit}
    return run(con, "merchant_search", params).sort("name", "merchant_id")


def merchant_names(con: duckdb.DuckDBPyConnection, merchant_ids: Sequence[str]) -> pl.DataFrame:
    """``merchant_id, name`` of the given merchants that are registered."""
    params = {"merchant_ids": list(merchant_ids)}
    return run(con, "merchant_names", params).sort("merchant_id")


def merchant_facts(con: duckdb.DuckDBPyConnection, merchant_id: str) -> pl.DataFrame:
    """The merchant's registry row (empty when the USCC is unknown)."""
    return run(con, "merchant_facts", {"merchant_id": merchant_id})


def merchant_periods(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period_from: str, period_to: str
) -> pl.DataFrame:
    """The merchant's monthly metric rows in the range, oldest first."""
    params = {"merchant_id": merchant_id, "period_from": period_from, "period_to": period_to}
    return run(con, "merchant_periods", params).sort("period")


def merchant_activity(
    con: duckdb.DuckDBPyConnection,
    merchant_id: str,
    period_from: str,
    period_to: str,
    grain: Grain = "day",
) -> pl.DataFrame:
    """Invoices issued per day or week with on-time / late / missing / pending counts."""
    if grain not in ("day", "week"):
        raise ValueError(f"unknown grain {grain!r}; use 'day' or 'week'")
    params = {
        "merchant_id": merchant_id,
        "period_from": period_from,
        "period_to": period_to,
        "grain": grain,
    }
    return run(con, "merchant_activity", params).sort("day")


def merchant_exceptions(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period_from: str, period_to: str
) -> pl.DataFrame:
    """Reconciliation exceptions (late, missing, mismatched, not invoiced, …), newest first."""
    params = {"merchant_id": merchant_id, "period_from": period_from, "period_to": period_to}
    frame = run(con, "merchant_exceptions", params)
    when = pl.coalesce("issued_at", "paid_at", "recorded_at")
    return frame.sort([when, pl.col("subject_id")], descending=[True, False], nulls_last=True)


def merchant_complaints(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period_from: str, period_to: str
) -> pl.DataFrame:
    """Complaints linked to the merchant, newest first."""
    params = {"merchant_id": merchant_id, "period_from": period_from, "period_to": period_to}
    frame = run(con, "merchant_complaints", params)
    return frame.sort(["received_at", "complaint_id"], descending=[True, False])


def merchant_pending(con: duckdb.DuckDBPyConnection, merchant_id: str) -> pl.DataFrame:
    """Invoices not yet entered whose deadline is still ahead, nearest deadline first; empty
    while the snapshot has no such table. The period range does not apply."""
    return pending_invoices(con, Filters("", "", merchant_ids=(merchant_id,)))
