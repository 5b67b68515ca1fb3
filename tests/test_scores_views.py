"""analytics.scores_views on the small generated warehouse's snapshot, and its pure helpers.

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


@pytest.fixture
def everything(con: duckdb.DuckDBPyConnection) -> Filters:
    months = views.available_months(con)
    return Filters(months[0], months[-1])


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return con.sql(f"select * from {name}").pl()


def test_period_months_of_a_quarter_and_of_the_trailing_window() -> None:
    assert scores_views.period_months("2026-Q3") == ("2026-07", "2026-08", "2026-09")
    window = scores_views.period_months("2026-10-T12M")
    assert (len(window), window[0], window[-1]) == (12, "2025-11", "2026-10")


def test_default_period_is_the_last_quarter_complete_by_the_range_end() -> None:
    options = pl.DataFrame(
        {
            "period_type": ["quarter", "quarter", "trailing_12m"],
            "period": ["2026-Q3", "2026-Q4", "2026-10-T12M"],
        }
    )
    assert scores_views.default_credit_period(options, "2026-11") == "2026-Q3"
    assert scores_views.default_credit_period(options, "2026-12") == "2026-Q4"
    assert scores_views.default_credit_period(options, "2026-08") == "2026-Q3"  # started
    windows = options.filter(pl.col("period_type") != "quarter")
    assert scores_views.default_credit_period(windows, "2026-11") == "2026-10-T12M"
    assert scores_views.default_credit_period(options.clear(), "2026-11") is None


def test_ranking_follows_the_filters_and_carries_the_period_anomaly_score(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    scores = _table(con, "credit_scores")
    quarter = scores.filter(pl.col("period_type") == "quarter")["period"].max()
    assert isinstance(quarter, str)
    district = scores.filter(pl.col("period") == quarter)["district"].mode().sort()[0]
    f = Filters(everything.period_from, everything.period_to, districts=(district,))
    got = scores_views.ranking(con, f, quarter)
    expected = scores.filter((pl.col("period") == quarter) & (pl.col("district") == district))
    assert sorted(got["merchant_id"]) == sorted(expected["merchant_id"])
    assert got["is_simulation"].all()
    rated = got.filter(pl.col("rank").is_not_null())
    assert rated["rank"].to_list() == sorted(rated["rank"].to_list())  # by rank
    assert got.filter(pl.col("rank").is_null())["grade"].eq("M").all()  # M last, unranked
    # the anomaly score: mean of the two highest monthly scores in the quarter's months
    months = scores_views.period_months(quarter)
    monthly = _table(con, "anomaly_scores").filter(pl.col("period").is_in(months))
    one = got.filter(pl.col("anomaly_score").is_not_null())["merchant_id"][0]
    top2 = monthly.filter(pl.col("merchant_id") == one)["anomaly_score"].sort(descending=True)
    mine = got.filter(pl.col("merchant_id") == one)
    assert mine["anomaly_score"][0] == pytest.approx(top2.head(2).mean())
    assert mine["max_anomaly_score"][0] == pytest.approx(top2.max())


def test_grade_counts_fill_every_grade_and_share_within_groups() -> None:
    frame = pl.DataFrame(
        {"district": ["东城区", "东城区", "东城区", "西城区"], "grade": ["A", "A", "C", "M"]}
    )
    overall = scores_views.grade_counts(frame)
    assert overall["grade"].to_list() == ["A", "B", "C", "D", "M"]
    assert overall["merchants"].to_list() == [2, 0, 1, 0, 1]
    by = scores_views.grade_counts(frame, "district")
    east = by.filter(pl.col("district") == "东城区")
    assert east["share"].to_list() == pytest.approx([2 / 3, 0, 1 / 3, 0, 0])
    assert by.filter(pl.col("district") == "西城区")["merchants"].to_list() == [0, 0, 0, 0, 1]


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
    assert scores_views.credit_periods(con).is_empty()
    assert scores_views.ranking(con, everything, "2026-Q3").is_empty()
    assert scores_views.score_summary(con, everything, 0.5).is_empty()
    assert scores_views.model_info(con) is None
    assert scores_views.merchant_credit(con, "x").is_empty()


def test_merchant_credit_and_breakdown_add_up(con: duckdb.DuckDBPyConnection) -> None:
    scores = _table(con, "credit_scores")
    deducted = scores.filter(pl.col("points_deducted") > 0).sort("merchant_id")
    merchant = deducted["merchant_id"][0]
    rows = scores_views.merchant_credit(con, merchant)
    assert sorted(rows["period"]) == sorted(
        scores.filter(pl.col("merchant_id") == merchant)["period"]
    )
    row = rows.filter(pl.col("points_deducted") > 0).row(0, named=True)
    rated = scores.filter((pl.col("period") == row["period"]) & (pl.col("grade") != "M"))
    assert row["rated"] == rated.height
    rules = scores_views.breakdown(row)
    assert rules["points"].sum() == pytest.approx(100 - row["score"])
    assert rules["points"][0] == rules["points"].max()  # deducting rules first
    assert len(row["breakdown"]) == rules.height
    deducting = rules.sort("order").filter(pl.col("points") > 0)
    assert deducting["text_en"].str.join("; ")[0] == row["summary_en"]  # words rendered on read


def test_merchant_anomaly_months_stay_in_the_range(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    merchant = _table(con, "merchant_anomaly").sort("merchant_rank")["merchant_id"][0]
    months = views.available_months(con)
    got = scores_views.merchant_anomaly_months(con, merchant, months[1], months[-1])
    assert got["period"].to_list() == sorted(got["period"])
    assert got["period"].min() >= months[1]  # type: ignore[operator]
    assert got["merchant_id"].unique().to_list() == [merchant]
