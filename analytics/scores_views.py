"""Read-side views of the anomaly scores (the simulated compliance scores: :mod:`credit_views`).

Like :mod:`analytics.views`, each function takes a connection to the serving snapshot and plain
values (the global :class:`~analytics.views.Filters` among them), runs a file of
``analytics/sql/views/`` with bound parameters and returns a small, sorted Polars frame. A
snapshot published before the credit or anomaly stages existed lacks their tables: the
functions then return empty frames (or None) rather than failing, and pages say so.

Scores read here are written by ``analyse``: ``anomaly_scores`` / ``merchant_anomaly`` /
``anomaly_model`` (:mod:`analytics.anomaly_stage`) and ``model_evaluation``
(:mod:`analytics.evaluate`, on synthetic warehouses only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import polars as pl

from analytics.views import Filters, run
from analytics.warehouse import table_exists

BIN_WIDTH: Final = 0.01
TOP_LIMIT: Final = 200


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


def has_scores(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the snapshot holds anomaly scores (one published before that stage did not)."""
    return table_exists(con, "anomaly_scores")


def _scores(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """``run`` over the anomaly scores; an empty frame on a snapshot without them. (Asking
    first costs a catalogue query per call, and the Anomalies page makes four per rerun.)"""
    try:
        return run(con, name, params)
    except duckdb.CatalogException:
        if has_scores(con):
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


def merchant_anomaly_months(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period_from: str, period_to: str
) -> pl.DataFrame:
    """The merchant's monthly anomaly scores in the range, oldest first."""
    if not has_scores(con):
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
