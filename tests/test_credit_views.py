"""analytics.credit_views (the simulated compliance scores) on the small generated warehouse's
snapshot, and its pure helpers.

Expected values come straight from the result tables with Polars (or by hand for the pure
helpers), never from the function under test.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from analytics import credit_views
from analytics.views import Filters


@pytest.fixture
def con(snapshot: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return snapshot.cursor()


def _table(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    return con.sql(f"select * from {name}").pl()


def test_period_months_of_a_quarter_and_of_the_trailing_window() -> None:
    assert credit_views.period_months("2026-Q3") == ("2026-07", "2026-08", "2026-09")
    window = credit_views.period_months("2026-10-T12M")
    assert (len(window), window[0], window[-1]) == (12, "2025-11", "2026-10")


def test_default_period_is_the_last_quarter_complete_by_the_range_end() -> None:
    options = pl.DataFrame(
        {
            "period_type": ["quarter", "quarter", "trailing_12m"],
            "period": ["2026-Q3", "2026-Q4", "2026-10-T12M"],
        }
    )
    assert credit_views.default_credit_period(options, "2026-11") == "2026-Q3"
    assert credit_views.default_credit_period(options, "2026-12") == "2026-Q4"
    assert credit_views.default_credit_period(options, "2026-08") == "2026-Q3"  # started
    windows = options.filter(pl.col("period_type") != "quarter")
    assert credit_views.default_credit_period(windows, "2026-11") == "2026-10-T12M"
    assert credit_views.default_credit_period(options.clear(), "2026-11") is None


def test_ranking_follows_the_filters_and_carries_the_period_anomaly_score(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    scores = _table(con, "credit_scores")
    quarter = scores.filter(pl.col("period_type") == "quarter")["period"].max()
    assert isinstance(quarter, str)
    district = scores.filter(pl.col("period") == quarter)["district"].mode().sort()[0]
    f = Filters(everything.period_from, everything.period_to, districts=(district,))
    got = credit_views.ranking(con, f, quarter)
    expected = scores.filter((pl.col("period") == quarter) & (pl.col("district") == district))
    assert sorted(got["merchant_id"]) == sorted(expected["merchant_id"])
    assert got["is_simulation"].all()
    rated = got.filter(pl.col("rank").is_not_null())
    assert rated["rank"].to_list() == sorted(rated["rank"].to_list())  # by rank
    assert got.filter(pl.col("rank").is_null())["grade"].eq("M").all()  # M last, unranked
    # the anomaly score: mean of the two highest monthly scores in the quarter's months
    months = credit_views.period_months(quarter)
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
    overall = credit_views.grade_counts(frame)
    assert overall["grade"].to_list() == ["A", "B", "C", "D", "M"]
    assert overall["merchants"].to_list() == [2, 0, 1, 0, 1]
    by = credit_views.grade_counts(frame, "district")
    east = by.filter(pl.col("district") == "东城区")
    assert east["share"].to_list() == pytest.approx([2 / 3, 0, 1 / 3, 0, 0])
    assert by.filter(pl.col("district") == "西城区")["merchants"].to_list() == [0, 0, 0, 0, 1]


def test_merchant_credit_and_breakdown_add_up(con: duckdb.DuckDBPyConnection) -> None:
    scores = _table(con, "credit_scores")
    deducted = scores.filter(pl.col("points_deducted") > 0).sort("merchant_id")
    merchant = deducted["merchant_id"][0]
    rows = credit_views.merchant_credit(con, merchant)
    assert sorted(rows["period"]) == sorted(
        scores.filter(pl.col("merchant_id") == merchant)["period"]
    )
    row = rows.filter(pl.col("points_deducted") > 0).row(0, named=True)
    rated = scores.filter((pl.col("period") == row["period"]) & (pl.col("grade") != "M"))
    assert row["rated"] == rated.height
    rules = credit_views.breakdown(row)
    assert rules["points"].sum() == pytest.approx(100 - row["score"])
    assert rules["points"][0] == rules["points"].max()  # deducting rules first
    assert len(row["breakdown"]) == rules.height
    deducting = rules.sort("order").filter(pl.col("points") > 0)
    assert deducting["text_en"].str.join("; ")[0] == row["summary_en"]  # words rendered on read


def test_previous_period_of_a_quarter_and_of_a_window() -> None:
    assert credit_views.previous_period("2026-Q3") == "2026-Q2"
    assert credit_views.previous_period("2026-Q1") == "2025-Q4"
    assert credit_views.previous_period("2026-01-T12M") == "2025-12-T12M"


def test_the_self_check_period_of_a_quarter_and_of_a_window() -> None:
    assert credit_views.report_period("2026-Q3") == "2026-Q3"
    assert credit_views.report_period("2026-10-T12M") == "2026-10"


def test_grade_change_compares_rated_grades_only() -> None:
    frame = pl.DataFrame(
        {
            "grade": ["B", "A", "C", "A", "M", "A", "M"],
            "previous_grade": ["A", "D", "C", None, "B", "M", "M"],
        }
    )
    got = credit_views.with_grade_change(frame)["grade_change"].to_list()
    assert got == ["down", "up", "same", None, None, None, None]


def test_the_ranking_carries_each_merchant_s_previous_grade(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    scores = _table(con, "credit_scores")
    quarters = sorted(scores.filter(pl.col("period_type") == "quarter")["period"].unique())
    assert len(quarters) >= 2  # the small warehouse spans two quarters
    before, now = quarters[-2], quarters[-1]
    got = credit_views.ranking(con, everything, now)
    expected = (
        scores.filter(pl.col("period") == now)
        .select("merchant_id", "grade")
        .join(
            scores.filter(pl.col("period") == before).select(
                "merchant_id", previous_grade="grade", previous_score="score"
            ),
            on="merchant_id",
            how="left",
        )
    )
    assert (
        got.select("merchant_id", "grade", "previous_grade", "previous_score")
        .sort("merchant_id")
        .to_dicts()
        == expected.sort("merchant_id").to_dicts()
    )
    assert got["previous_grade"].null_count() < got.height  # some were scored before
    migration = credit_views.grade_migration(got)
    assert migration.height == 25  # every pair of grades
    assert migration["merchants"].sum() == got["previous_grade"].is_not_null().sum()
    down = got.filter(pl.col("grade_change") == "down")
    rated = ["A", "B", "C", "D"]
    assert all(
        rated.index(g) > rated.index(p) for g, p in down.select("grade", "previous_grade").rows()
    )


def test_grade_migration_counts_every_pair_of_grades() -> None:
    frame = pl.DataFrame(
        {"grade": ["B", "B", "A", "M", "A"], "previous_grade": ["A", "A", "A", "C", None]}
    )
    got = credit_views.grade_migration(frame)
    assert got.height == 25
    assert got.filter(pl.col("merchants") > 0).rows() == [
        ("A", "A", 1),
        ("A", "B", 2),
        ("C", "M", 1),
    ]


def test_a_snapshot_without_credit_scores_gives_empty_frames(everything: Filters) -> None:
    con = duckdb.connect(":memory:")
    assert credit_views.credit_periods(con).is_empty()
    assert credit_views.ranking(con, everything, "2026-Q3").is_empty()
    assert credit_views.merchant_credit(con, "x").is_empty()
