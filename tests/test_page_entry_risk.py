"""Entry-risk page (入库风险预测) and the profile's forecast under AppTest: the figures shown are
the stored forecast's, filtered by the sidebar, in the UI language."""

from __future__ import annotations

import json

import duckdb
import polars as pl
from apptest import errors, metrics, open_page, table_with, texts

from analytics import formatting, risk_views
from analytics.views import Filters
from dashboard.i18n import LABELS

ALL = Filters("", "")


def test_the_list_and_cards_are_the_stored_forecast(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    rows = risk_views.merchants(con, ALL)
    summary = risk_views.summary(con, ALL)
    ev = risk_views.evaluation(con)
    assert ev is not None
    assert rows.height == summary["merchants"] > 0
    at = open_page("entry_risk")
    assert errors(at) == []
    shown = metrics(at)
    assert shown[LABELS["entry_risk.kpi.merchants"][0]] == formatting.count(rows.height)
    high = LABELS["entry_risk.kpi.high"][0].format(threshold="50%")
    assert shown[high] == formatting.count(summary["at_risk"])
    table = table_with(at, LABELS["entry_risk.col.risk"][0], LABELS["entry_risk.col.reasons"][0])
    assert table[LABELS["common.merchant_id"][0]].tolist() == rows["merchant_id"].to_list()
    assert table[LABELS["entry_risk.col.reasons"][0]].tolist()[0] == rows["explanation_zh"][0]
    # the out-of-time line carries the stored figures, the model's and the rules'
    line = next(x for x in texts(at) if x.startswith("样本外检验"))
    for key in ("auc", "failed_months_auc", "last_month_share_auc", "precision_at_k"):
        assert f"{ev[key]:.3f}" in line
    # and the calibration line the failures expected against those that occurred
    calibration = next(x for x in texts(at) if x.startswith("校准"))
    assert f"预计 {formatting.count(round(ev['expected_failures']))} 家次" in calibration
    assert f"实际 {formatting.count(ev['test_failures'])} 家次" in calibration
    assert f"Brier 分数 {ev['brier']:.3f}" in calibration
    assert f"未经校准时预计 {formatting.count(round(ev['raw_expected_failures']))} 家次" in (
        calibration
    )
    # the correction the risks shown went through, in the coefficients' expander
    correction = next(x for x in texts(at) if x.startswith("风险校准"))
    assert f"乘以 {ev['calibration_slope']:.3f} 再加上 {ev['calibration_intercept']:+.3f}" in (
        correction
    )
    (curve,) = at.get("plotly_chart")  # the calibration curve, its points the stored groups
    points = json.loads(curve.proto.spec)["data"][1]
    assert points["x"] == ev["reliability"]["expected"].to_list()
    assert points["y"] == ev["reliability"]["observed"].to_list()


def test_a_district_narrows_the_forecast_and_english_reads_in_english(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    everyone = risk_views.merchants(con, ALL)
    district = everyone["district"].mode().sort()[0]
    rows = risk_views.merchants(con, Filters("", "", districts=(district,)))
    assert 0 < rows.height < everyone.height
    at = open_page("entry_risk", district=district, lang="en")
    assert errors(at) == []
    assert metrics(at)[LABELS["entry_risk.kpi.merchants"][1]] == formatting.count(rows.height)
    table = table_with(at, LABELS["entry_risk.col.reasons"][1])
    reasons = table[LABELS["entry_risk.col.reasons"][1]].tolist()
    assert reasons == rows["explanation_en"].to_list()
    assert any("last month" in r or "last 6 months" in r for r in reasons)


def test_the_profile_gives_the_merchant_risk_rank_and_reasons(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    top = risk_views.merchants(con, ALL, limit=1).row(0, named=True)
    n = risk_views.summary(con, ALL)["merchants"]
    at = open_page("merchant_profile", merchant=top["merchant_id"])
    assert errors(at) == []
    line = LABELS["entry_risk.profile.line"][0].format(
        period=top["period"],
        risk=formatting.pct(top["risk"]),
        rank="1",
        n=formatting.count(n),
    )
    shown = texts(at)
    assert line in shown
    assert top["explanation_zh"] in shown


def test_a_risk_floor_narrows_the_list_and_stays_in_the_link(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    high = risk_views.merchants(con, ALL, min_risk=0.5)
    assert 0 < high.height < risk_views.merchants(con, ALL).height
    assert high.height == risk_views.summary(con, ALL)["at_risk"]  # the card's count
    at = open_page("entry_risk")
    at.slider(key="er_min_risk").set_value(50).run()
    assert errors(at) == []
    table = table_with(at, LABELS["entry_risk.col.risk"][0])
    assert table[LABELS["common.merchant_id"][0]].tolist() == high["merchant_id"].to_list()
    assert at.query_params["er_min_risk"] == "50"
    assert any("仅列出风险 ≥ 50% 的商户" in x for x in texts(at))
    # a floor above every risk: the page says nothing matches instead of an empty table
    tops = risk_views.merchants(con, ALL).group_by("district").agg(pl.col("risk").max())
    calm = tops.filter(pl.col("risk") < 0.95).sort("district")["district"][0]
    again = open_page("entry_risk", district=calm, er_min_risk="95")
    assert errors(again) == []
    assert LABELS["common.no_match"][0] in texts(again)
