"""analytics.scores_views (anomaly scores) on the small generated warehouse's snapshot, and its
pure helpers.

Expected values come straight from the result tables with Polars (or by hand for the pure
helpers), never from the function under test.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from analytics import scores_views, views
from analytics.views import Filters


@pytest.fixture
def con(snapshot: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return snapshot.cursor()


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return con.sql(f"select * from {name}").pl()


def test_score_summary_counts_months_and_merchants_above_a_threshold(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    monthly = _table(con, "anomaly_scores").filter(
        pl.col("period").is_between(pl.lit(everything.period_from), pl.lit(everything.period_to))
    )
    threshold = float(monthly["anomaly_score"].quantile(0.9) or 0.0)
    row = scores_views.score_summary(con, everything, threshold).row(0, named=True)
    above = monthly.filter(pl.col("anomaly_score") >= threshold)
    assert row["merchant_months"] == monthly.height
    assert row["months_above"] == above.height
    assert row["merchants_above"] == above["merchant_id"].n_unique()
    assert row["months_flagged"] == monthly["is_anomaly"].sum()
    hist = scores_views.score_histogram(con, everything)
    assert hist["merchant_months"].sum() == monthly.height
    assert hist["flagged"].sum() == monthly["is_anomaly"].sum()


def test_top_merchants_and_months_above_are_explained_and_ordered(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    model = scores_views.model_info(con)
    assert model is not None
    top = scores_views.top_merchants(con, everything, model.threshold)
    monthly = _table(con, "anomaly_scores")
    flagged = monthly.filter(pl.col("anomaly_score") >= model.threshold)
    assert sorted(top["merchant_id"]) == sorted(flagged["merchant_id"].unique())
    assert top["merchant_score"].to_list() == sorted(top["merchant_score"], reverse=True)
    assert top["explanation_en"].null_count() == 0  # worst months are explained
    months = scores_views.months_above(con, everything, model.threshold)
    assert months.height == flagged.height
    assert months["anomaly_score"].to_list() == sorted(months["anomaly_score"], reverse=True)
    assert months.filter(pl.col("is_anomaly"))["explanation_zh"].null_count() == 0
    features = scores_views.top_features(months["top_features"][0])
    assert features.height == 3
    assert set(features["direction"]) <= {"higher", "lower"}


def test_evaluation_reads_the_stored_figures(con: duckdb.DuckDBPyConnection) -> None:
    ev = scores_views.evaluation(con)
    assert ev is not None
    stored = _table(con, "model_evaluation")
    overall = stored.filter(pl.col("scope") == "all").row(0, named=True)
    assert ev.summary["roc_auc"] == pytest.approx(overall["roc_auc"])
    assert ev.summary["precision_at_k"] == pytest.approx(overall["precision_at_k"])
    causes = stored.filter(pl.col("scope") != "all")
    assert sorted(ev.per_cause["cause"]) == sorted(causes["scope"])
    assert ev.per_cause["merchants"].sum() == overall["planted_merchants"]


def test_no_evaluation_without_planted_truth() -> None:
    con = duckdb.connect(":memory:")
    con.execute("create table planted_labels (merchant_id varchar, period varchar, cause varchar)")
    con.execute("create table model_evaluation (scope varchar, details varchar)")
    con.execute("insert into model_evaluation values ('all', '{\"roc_auc\": 0.9}')")
    assert scores_views.has_planted_truth(con) is False
    assert scores_views.evaluation(con) is None


def test_a_snapshot_without_scores_gives_empty_frames(everything: Filters) -> None:
    con = duckdb.connect(":memory:")
    assert scores_views.score_summary(con, everything, 0.5).is_empty()
    assert scores_views.model_info(con) is None


def test_merchant_anomaly_months_stay_in_the_range(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    merchant = _table(con, "merchant_anomaly").sort("merchant_rank")["merchant_id"][0]
    months = views.available_months(con)
    got = scores_views.merchant_anomaly_months(con, merchant, months[1], months[-1])
    assert got["period"].to_list() == sorted(got["period"])
    assert got["period"].min() >= months[1]  # type: ignore[operator]
    assert got["merchant_id"].unique().to_list() == [merchant]
