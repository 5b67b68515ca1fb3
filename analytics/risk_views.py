"""Read-side views of the entry-risk forecast (``risk_scores``, ``risk_evaluation``, written by
:mod:`analytics.risk_stage`).

Like :mod:`analytics.scores_views`: each function takes a connection to the serving snapshot
and plain values, and returns a small frame (or None). A snapshot published before the stage
existed lacks the tables: the functions then return empty frames or None, and pages say so.
"""

from __future__ import annotations

import json
from typing import Any, Final

import duckdb
import polars as pl

from analytics import risk
from analytics.views import Filters, run
from analytics.warehouse import table_exists

LIMIT: Final = 500
HIGH_RISK: Final = 0.5  # a failure more likely than not
RELIABILITY_SCHEMA: Final = pl.Schema(
    {"bin": pl.Int64, "merchants": pl.Int64, "expected": pl.Float64, "observed": pl.Float64}
)


def has_forecast(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "risk_scores")


def _with_words(frame: pl.DataFrame) -> pl.DataFrame:
    """``explanation_zh`` / ``explanation_en`` from each row's drivers (rendered on read: the
    stage stores numbers, and pages show at most :data:`LIMIT` rows)."""
    drivers = frame["drivers"].to_list()
    return frame.with_columns(
        explanation_zh=pl.Series([risk.describe(d, "zh") for d in drivers], dtype=pl.String),
        explanation_en=pl.Series([risk.describe(d, "en") for d in drivers], dtype=pl.String),
    )


def merchants(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    limit: int | None = LIMIT,
    *,
    min_risk: float = 0.0,
) -> pl.DataFrame:
    """The forecast for the merchants in scope whose risk is at least ``min_risk``, highest
    risk first (at most ``limit``; None: all), with reasons in words."""
    if not has_forecast(con):
        return pl.DataFrame()
    frame = run(con, "risk_merchants", f.params() | {"limit": limit, "min_risk": min_risk})
    return _with_words(frame.sort("risk_rank"))


def merchant(con: duckdb.DuckDBPyConnection, merchant_id: str) -> dict[str, Any] | None:
    """One merchant's forecast (with words), or None when it has none."""
    if not has_forecast(con):
        return None
    one = Filters("", "", merchant_ids=(merchant_id,))
    frame = run(con, "risk_merchants", one.params() | {"limit": 1, "min_risk": 0.0})
    return _with_words(frame).row(0, named=True) if frame.height else None


def summary(
    con: duckdb.DuckDBPyConnection, f: Filters, threshold: float = HIGH_RISK
) -> dict[str, Any]:
    """Merchants forecast in scope, failures expected, merchants at or above ``threshold``."""
    if not has_forecast(con):
        return {"merchants": 0, "expected_failures": 0.0, "at_risk": 0}
    row: dict[str, Any] = run(con, "risk_summary", f.params() | {"threshold": threshold}).row(
        0, named=True
    )
    return row


def evaluation(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The stored out-of-time measurement (coefficients decoded, the calibration curve as a
    frame: empty when an older stage measured it), or None without one."""
    if not table_exists(con, "risk_evaluation"):
        return None
    rows = con.sql("select * from risk_evaluation").pl()
    if rows.height != 1 or "auc" not in rows.columns:
        return None
    row: dict[str, Any] = rows.row(0, named=True)
    row["coefficients"] = json.loads(row["coefficients"])
    row["reliability"] = pl.DataFrame(
        json.loads(row.get("reliability") or "[]"),
        schema=RELIABILITY_SCHEMA,
    )
    return row
