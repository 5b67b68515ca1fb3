"""Read-side views of the scores: the simulated compliance ranking and the anomaly scores.

Like :mod:`analytics.views`, each function takes a connection to the serving snapshot and plain
values (the global :class:`~analytics.views.Filters` among them), runs a file of
``analytics/sql/views/`` with bound parameters and returns a small, sorted Polars frame. A
snapshot published before the credit or anomaly stages existed lacks their tables: the
functions then return empty frames (or None) rather than failing, and pages say so.

Scores read here are written by ``analyse``: ``credit_scores`` (:mod:`analytics.credit`, a
*simulation*), ``anomaly_scores`` / ``merchant_anomaly`` / ``anomaly_model``
(:mod:`analytics.anomaly_stage`) and ``model_evaluation`` (:mod:`analytics.evaluate`, on
synthetic warehouses only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import polars as pl

from analytics import credit_scoring, periods
from analytics.credit import WINDOW_SUFFIX
from analytics.credit_scheme import CreditScheme, load_scheme
from analytics.views import Filters, run
from analytics.warehouse import table_exists

GRADES: Final = ("A", "B", "C", "D", "M")
BIN_WIDTH: Final = 0.01
TOP_LIMIT: Final = 200


def period_months(period: str) -> tuple[str, ...]:
    """The months a credit period covers: a quarter ('2026-Q3') or a trailing-12-month
    window ('2026-10-T12M': the twelve months ending with 2026-10)."""
    if period.endswith(WINDOW_SUFFIX):
        end = periods.parse_month(period.removesuffix(WINDOW_SUFFIX))
        return periods.month_range(periods.month_of(periods.add_months(end, -11)), period[:7])
    return periods.months_of_quarter(period)


# --- the simulated compliance ranking ---------------------------------------------------------


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
    if not (table_exists(con, "credit_scores") and _has_scores(con)):
        return pl.DataFrame()
    params = f.params() | {"period": period, "months": list(period_months(period))}
    return run(con, "credit_ranking", params).sort(
        ["rank", "score", "merchant_id"], descending=[False, True, False], nulls_last=True
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
    order = pl.col("grade").replace_strict({g: i for i, g in enumerate(GRADES)})
    return full.with_columns(share=pl.when(total > 0).then(pl.col("merchants") / total)).sort(
        [*keys, order]
    )


# --- anomaly scores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    """What the pages say about the anomaly model (one row of ``anomaly_model``)."""

    threshold: float
    seed: int
    features: tuple[str, ...]
    contamination: float
    n_estimators: int
    train_rows: int
    fitted_at: Any


def model_info(con: duckdb.DuckDBPyConnection) -> ModelInfo | None:
    """The stored anomaly model's threshold and settings; None before the anomaly stage ran."""
    if not table_exists(con, "anomaly_model"):
        return None
    rows = con.sql("select * from anomaly_model").pl()
    if rows.height != 1:
        return None
    r = rows.row(0, named=True)
    return ModelInfo(
        threshold=float(r["threshold"]),
        seed=int(r["seed"]),
        features=tuple(r["features"]),
        contamination=float(r["contamination"]),
        n_estimators=int(r["n_estimators"]),
        train_rows=int(r["train_rows"]),
        fitted_at=r["fitted_at"],
    )


def _has_scores(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "anomaly_scores")


def _scores(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """``run`` over the anomaly scores; an empty frame on a snapshot without them. (Asking
    first costs a catalogue query per call, and the Anomalies page makes four per rerun.)"""
    try:
        return run(con, name, params)
    except duckdb.CatalogException:
        if _has_scores(con):
            raise
        return pl.DataFrame()


def score_histogram(
    con: duckdb.DuckDBPyConnection, f: Filters, width: float = BIN_WIDTH
) -> pl.DataFrame:
    """``bin_start, merchant_months, flagged`` per score bin of ``width`` in scope."""
    frame = _scores(con, "anomaly_histogram", f.params() | {"width": width})
    return frame.sort("bin_start") if frame.width else frame


def score_summary(con: duckdb.DuckDBPyConnection, f: Filters, threshold: float) -> pl.DataFrame:
    """One row: merchant-months and merchants in scope, at or above ``threshold``, flagged."""
    return _scores(con, "anomaly_summary", f.params() | {"threshold": threshold})


def top_merchants(
    con: duckdb.DuckDBPyConnection, f: Filters, threshold: float, limit: int = TOP_LIMIT
) -> pl.DataFrame:
    """Merchants with a month at or above ``threshold``, highest range score first, with their
    worst month's explanation in both languages."""
    params = f.params() | {"threshold": threshold, "limit": limit}
    frame = _scores(con, "anomaly_top_merchants", params)
    if not frame.width:
        return frame
    return frame.sort(["merchant_score", "merchant_id"], descending=[True, False])


def months_above(
    con: duckdb.DuckDBPyConnection, f: Filters, threshold: float, limit: int = TOP_LIMIT
) -> pl.DataFrame:
    """Merchant-months at or above ``threshold``, highest score first, with explanations."""
    params = f.params() | {"threshold": threshold, "limit": limit}
    frame = _scores(con, "anomaly_months_above", params)
    if not frame.width:
        return frame
    return frame.sort(["anomaly_score", "period", "merchant_id"], descending=[True, True, False])


@dataclass(frozen=True)
class Evaluation:
    """The anomaly model measured against planted truth (``model_evaluation``)."""

    summary: dict[str, Any]
    per_cause: pl.DataFrame


def has_planted_truth(con: duckdb.DuckDBPyConnection) -> bool:
    if not table_exists(con, "planted_labels"):
        return False
    return bool(con.execute("select count(*) > 0 from planted_labels").fetchall()[0][0])


def evaluation(con: duckdb.DuckDBPyConnection) -> Evaluation | None:
    """The stored evaluation (the ``all`` row's JSON details, per-cause rows), or None when
    the warehouse has no planted truth or no evaluation was run."""
    if not (has_planted_truth(con) and table_exists(con, "model_evaluation")):
        return None
    rows = con.execute("select details from model_evaluation where scope = 'all'").fetchall()
    if not rows or rows[0][0] is None:
        return None
    details: dict[str, Any] = json.loads(rows[0][0])
    causes = details.pop("per_cause", []) or []
    schema = {
        "cause": pl.String,
        "merchants": pl.Int64,
        "detected": pl.Float64,
        "top3_hit": pl.Float64,
        "median_rank": pl.Float64,
    }
    frame = pl.DataFrame(causes, schema=schema).sort("cause")
    return Evaluation(summary=details, per_cause=frame)


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


def merchant_anomaly_months(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period_from: str, period_to: str
) -> pl.DataFrame:
    """The merchant's monthly anomaly scores in the range, oldest first."""
    if not _has_scores(con):
        return pl.DataFrame()
    params = {"merchant_id": merchant_id, "period_from": period_from, "period_to": period_to}
    return run(con, "merchant_anomaly_months", params).sort("period")


def top_features(raw: str | None) -> pl.DataFrame:
    """A month's ``top_features`` JSON as a frame (``feature, value, peer_median, z,
    direction, contribution``) in the order the explanation names them; pure."""
    schema = {
        "feature": pl.String,
        "value": pl.Float64,
        "peer_median": pl.Float64,
        "z": pl.Float64,
        "direction": pl.String,
        "contribution": pl.Float64,
    }
    items = json.loads(raw) if raw else []
    return pl.DataFrame(items, schema=schema) if items else pl.DataFrame(schema=schema)
