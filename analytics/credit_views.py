"""Read-side views of the simulated compliance scores (``credit_scores``, written by
:mod:`analytics.credit`: a *simulation*): the periods, the ranking of one period with each
merchant's grade in the period before, and one merchant's scores with their breakdown.

Like :mod:`analytics.views`, each function takes a connection to the serving snapshot and plain
values (the global :class:`~analytics.views.Filters` among them), runs a file of
``analytics/sql/views/`` with bound parameters and returns a small, sorted Polars frame; a
snapshot without the table gives an empty frame. The rest are pure helpers over those frames.
"""

from __future__ import annotations

import json
from typing import Any, Final

import duckdb
import polars as pl

from analytics import credit_scoring, periods, scores_views
from analytics.credit import WINDOW_SUFFIX
from analytics.credit_scheme import CreditScheme, load_scheme
from analytics.views import Filters, run
from analytics.warehouse import table_exists

GRADES: Final = ("A", "B", "C", "D", "M")
RATED: Final = GRADES[:4]  # best first; M is not rated
CHANGES: Final = ("down", "up", "same")  # grade_change between two rated grades
_ORDER: Final = {g: i for i, g in enumerate(GRADES)}  # sort key, best first


def period_months(period: str) -> tuple[str, ...]:
    """The months a credit period covers: a quarter ('2026-Q3') or a trailing-12-month
    window ('2026-10-T12M': the twelve months ending with 2026-10)."""
    if period.endswith(WINDOW_SUFFIX):
        end = periods.parse_month(period.removesuffix(WINDOW_SUFFIX))
        return periods.month_range(periods.month_of(periods.add_months(end, -11)), period[:7])
    return periods.months_of_quarter(period)


def report_period(period: str) -> str:
    """The self-check report period (a month or a quarter) that goes with a credit period:
    the quarter itself, or the last month of a trailing window."""
    return period.removesuffix(WINDOW_SUFFIX) if period.endswith(WINDOW_SUFFIX) else period


def previous_period(period: str) -> str:
    """The credit period before ``period``, to compare grades with: the quarter before a quarter,
    the window ending a month earlier before a trailing window."""
    if period.endswith(WINDOW_SUFFIX):
        end = periods.parse_month(period.removesuffix(WINDOW_SUFFIX))
        return periods.month_of(periods.add_months(end, -1)) + WINDOW_SUFFIX
    return periods.quarter_of_month(
        periods.month_of(periods.add_months(periods.parse_quarter(period), -3))
    )


def credit_periods(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``period_type, period, merchants, rated``: quarters oldest first, then the window."""
    if not table_exists(con, "credit_scores"):
        return pl.DataFrame(
            schema={
                "period_type": pl.String,
                "period": pl.String,
                "merchants": pl.Int64,
                "rated": pl.Int64,
            }
        )
    return run(con, "credit_periods", {}).sort("period_type", "period")


def default_credit_period(options: pl.DataFrame, last_month: str) -> str | None:
    """The ranking's default period: the latest quarter that is complete by ``last_month``
    (the end of the global range), else the latest quarter that started by then, else the
    trailing window."""
    quarters = options.filter(pl.col("period_type") == "quarter")["period"].to_list()
    complete = [q for q in quarters if periods.months_of_quarter(q)[-1] <= last_month]
    started = [q for q in quarters if periods.months_of_quarter(q)[0] <= last_month]
    windows = options.filter(pl.col("period_type") != "quarter")["period"].to_list()
    for found in (complete, started, windows):
        if found:
            return str(found[-1])
    return None


def ranking(con: duckdb.DuckDBPyConnection, f: Filters, period: str) -> pl.DataFrame:
    """The merchants of ``period`` that ``f`` selects (its attributes; the period replaces its
    months) with score, simulated grade, ranks and the anomaly score over the period's months
    (null for a merchant without scored months). Rated merchants by rank, then M merchants by
    score. Empty while the snapshot lacks the credit or anomaly tables."""
    if not (table_exists(con, "credit_scores") and scores_views.has_scores(con)):
        return pl.DataFrame()
    params = f.params() | {
        "period": period,
        "months": list(period_months(period)),
        "previous": previous_period(period),
    }
    return with_grade_change(run(con, "credit_ranking", params)).sort(
        ["rank", "score", "merchant_id"], descending=[False, True, False], nulls_last=True
    )


def whatif_rows(con: duckdb.DuckDBPyConnection, f: Filters, period: str) -> pl.DataFrame:
    """The stored scores of ``period`` for the merchants ``f`` selects (its attributes), with
    their breakdowns, in stored rank order (M merchants after, by score): what
    :func:`analytics.credit_whatif.rescore` rescores. Empty without the credit table."""
    if not table_exists(con, "credit_scores"):
        return pl.DataFrame()
    return run(con, "credit_whatif_rows", f.params() | {"period": period}).sort(
        ["rank", "score", "merchant_id"], descending=[False, True, False], nulls_last=True
    )


def with_grade_change(frame: pl.DataFrame) -> pl.DataFrame:
    """``grade_change`` from ``previous_grade`` to ``grade``: ``down`` (a worse grade), ``up``,
    ``same``, or null when the two cannot be compared: no score in the previous period, or M
    (not rated) on either side. Pure."""
    rated = {g: _ORDER[g] for g in RATED}
    now = pl.col("grade").replace_strict(rated, default=None, return_dtype=pl.Int8)
    before = pl.col("previous_grade").replace_strict(rated, default=None, return_dtype=pl.Int8)
    change = (
        pl.when(now.is_null() | before.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(now > before)
        .then(pl.lit("down"))
        .when(now < before)
        .then(pl.lit("up"))
        .otherwise(pl.lit("same"))
    )
    return frame.with_columns(grade_change=change)


def grade_migration(frame: pl.DataFrame) -> pl.DataFrame:
    """``previous_grade, grade, merchants``: merchants of a ranking frame by their grade in the
    previous period and now, every pair of grades present (0 where none), for those scored in
    both periods; pure."""
    both = frame.filter(pl.col("previous_grade").is_not_null())
    counted = both.group_by("previous_grade", "grade").agg(merchants=pl.len())
    grid = pl.DataFrame({"previous_grade": list(GRADES)}).join(
        pl.DataFrame({"grade": list(GRADES)}), how="cross"
    )
    return (
        grid.join(counted, on=["previous_grade", "grade"], how="left")
        .with_columns(pl.col("merchants").fill_null(0).cast(pl.Int64))
        .sort(
            pl.col("previous_grade").replace_strict(_ORDER),
            pl.col("grade").replace_strict(_ORDER),
        )
    )


def grade_counts(frame: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Merchants per grade (and per ``by``) of a ranking frame, every grade present, with the
    share of the group's merchants; pure."""
    keys = [by] if by else []
    counted = frame.group_by([*keys, "grade"]).agg(merchants=pl.len())
    groups = frame.select(keys).unique() if keys else pl.DataFrame({"_": [0]})
    grid = groups.join(pl.DataFrame({"grade": list(GRADES)}), how="cross").drop("_", strict=False)
    full = grid.join(counted, on=[*keys, "grade"], how="left").with_columns(
        pl.col("merchants").fill_null(0).cast(pl.Int64)
    )
    total = pl.col("merchants").sum().over(keys) if keys else pl.col("merchants").sum()
    order = pl.col("grade").replace_strict(_ORDER)
    return full.with_columns(share=pl.when(total > 0).then(pl.col("merchants") / total)).sort(
        [*keys, order]
    )


# --- one merchant (profile sections) -----------------------------------------------------------


def merchant_credit(con: duckdb.DuckDBPyConnection, merchant_id: str) -> pl.DataFrame:
    """The merchant's simulated scores, every period (breakdown included), with the
    number of rated merchants of each period overall and in its district; quarters first."""
    if not table_exists(con, "credit_scores"):
        return pl.DataFrame()
    return run(con, "merchant_credit", {"merchant_id": merchant_id}).sort("period_type", "period")


def breakdown(row: dict[str, Any], scheme: CreditScheme | None = None) -> pl.DataFrame:
    """A credit row's breakdown as a frame (``rule, metric, value, threshold, points, cap,
    count, text_zh, text_en``; words from :func:`credit_scoring.breakdown_words`), deducting
    rules first, by points; pure but for reading the scheme file when none is given."""
    raw = row.get("breakdown")
    items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    schema = {
        "rule": pl.String,
        "metric": pl.String,
        "value": pl.Float64,
        "threshold": pl.Float64,
        "points": pl.Float64,
        "cap": pl.Float64,
        "count": pl.Float64,
    }
    rows = [{k: item.get(k) for k in schema} for item in items]
    frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    worded = credit_scoring.breakdown_words(frame, scheme or load_scheme())
    return worded.with_row_index("order").sort(
        [pl.col("points") > 0, "points", "order"], descending=[True, True, False]
    )
