"""Merchant profile sections 30 (score breakdown) and 35 (anomaly explanation) under AppTest."""

from __future__ import annotations

import duckdb
import polars as pl
from apptest import errors, open_page, texts

from analytics import credit_views, scores_views, views
from dashboard import profile_sections
from dashboard.i18n import LABELS


def _sections() -> dict[int, str]:
    return {s.order: s.name for s in profile_sections.sections()}


def test_the_sections_take_their_reserved_places() -> None:
    assert _sections()[30] == "score_breakdown"
    assert _sections()[35] == "anomaly_explanation"


def test_score_breakdown_and_anomaly_words_of_the_most_anomalous_merchant(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    months = views.available_months(con)
    merchant = con.sql("select merchant_id from merchant_anomaly order by merchant_rank limit 1")
    merchant_id = str(merchant.fetchall()[0][0])
    credit = credit_views.merchant_credit(con, merchant_id)
    period = credit_views.default_credit_period(credit, months[-1])
    row = credit.filter(pl.col("period") == period).row(0, named=True)
    at = open_page("merchant_profile", merchant=merchant_id, lang="en")
    assert errors(at) == []
    cards = {m.label: m.value for m in at.metric}
    assert cards[LABELS["scores.score"][1]] == f"{row['score']:.2f}"
    assert at.segmented_control(key="mp_score_period").value == period
    assert any("Simulated grades" in x for x in texts(at))  # the simulation note
    deducting = credit_views.breakdown(row).filter(pl.col("points") > 0)["text_en"].to_list()
    assert all(any(words in x for x in texts(at)) for words in deducting)

    scored = scores_views.merchant_anomaly_months(con, merchant_id, months[0], months[-1])
    worst = scored.sort(["anomaly_score", "period"], descending=True).row(0, named=True)
    assert LABELS["scores.anomaly.worst"][1].format(period=worst["period"]) in [
        m.value.strip("*") for m in at.markdown
    ]
    assert worst["explanation_en"] in texts(at)
    assert len(at.get("plotly_chart")) == 3  # activity, waterfall, monthly anomaly score


def test_the_grade_card_names_the_grade_of_the_quarter_before(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    scores = con.sql("select merchant_id, period, grade from credit_scores").pl()
    quarters = sorted(scores.filter(pl.col("period").str.contains("Q"))["period"].unique())
    first, latest = quarters[0], quarters[-1]
    assert credit_views.previous_period(latest) == first
    both = scores.filter(pl.col("period").is_in([first, latest])).group_by("merchant_id").len()
    merchant_id = both.filter(pl.col("len") == 2).sort("merchant_id")["merchant_id"][0]
    before = scores.filter((pl.col("merchant_id") == merchant_id) & (pl.col("period") == first))

    def grade_card(period: str) -> object:
        at = open_page("merchant_profile", merchant=merchant_id, mp_score_period=period, lang="en")
        assert errors(at) == []
        return next(m for m in at.metric if m.label == LABELS["scores.grade"][1]).delta

    assert grade_card(latest) == LABELS["scores.breakdown.previous"][1].format(
        period=f"Quarter {first}", grade=LABELS[f"grade.{before['grade'][0]}"][1]
    )
    assert not grade_card(first)  # nothing scored the quarter before
