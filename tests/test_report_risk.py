"""``fapiao-watch report risk``: the entry-risk forecast as a file for a schedule or a hand-over,
and its line in ``fapiao-watch status``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from analytics import cli, exports, reference, risk_views, warehouse
from analytics.report_sheets import (
    RISK_CALIBRATION_SHEET,
    RISK_COLUMNS,
    RISK_EVALUATION_SHEET,
    RISK_SHEET,
    risk_sheet,
)
from analytics.views import Filters


def _stored(db: Path, **filters: tuple[str, ...]) -> tuple[pl.DataFrame, dict[str, object]]:
    con = warehouse.connect(db, read_only=True)
    try:
        rows = risk_views.merchants(con, Filters("", "", **filters), limit=10**6)
        evaluation = risk_views.evaluation(con)
    finally:
        con.close()
    assert evaluation is not None
    return rows, evaluation


def test_the_xlsx_is_every_forecast_in_rank_order_with_how_it_did(
    warehouse_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, ev = _stored(warehouse_copy)
    assert cli.main(["report", "risk", "--db", str(warehouse_copy), "--out", f"{tmp_path}/"]) == 0
    target = tmp_path / f"entry-risk-{ev['period']}.xlsx"
    assert capsys.readouterr().out.strip().startswith(f"wrote {target} (")
    sheet = pl.read_excel(target, sheet_name=RISK_SHEET)
    assert sheet.columns == [h for _, h in RISK_COLUMNS]
    assert sheet["统一社会信用代码"].to_list() == rows["merchant_id"].to_list()  # ids as text
    assert sheet["风险排名"].to_list() == rows["risk_rank"].to_list()
    assert sheet["风险（逾期或未入库的概率）"].to_list() == rows["risk"].round(4).to_list()
    assert sheet["原因（推高风险的指标）"].to_list() == rows["explanation_zh"].to_list()
    assert set(sheet["预测月份"]) == {ev["period"]}
    industries = reference.labels("industries", "zh")
    assert sheet["行业"].to_list() == [industries[c] for c in rows["industry"]]
    figures = dict(pl.read_excel(target, sheet_name=RISK_EVALUATION_SHEET)[:, :2].iter_rows())
    assert figures["ROC AUC（模型）"] == f"{ev['auc']:.3f}"
    assert figures["Brier 分数"] == f"{ev['brier']:.3f}"
    assert figures["未经校准时预计商户月数"] == f"{ev['raw_expected_failures']:,.1f}"
    slope, intercept = ev["calibration_slope"], ev["calibration_intercept"]
    assert figures["校准斜率 / 截距"] == f"{slope:.3f} / {intercept:+.3f}"
    assert figures["实际逾期/未入库商户月数"] == f"{ev['test_failures']:,}"
    groups = pl.read_excel(target, sheet_name=RISK_CALIBRATION_SHEET)
    assert groups["平均预测风险"].to_list() == ev["reliability"]["expected"].to_list()
    assert groups["商户月数"].sum() == ev["test_rows"]


def test_a_district_a_floor_and_a_top_narrow_the_list_and_csv_reads_back(
    warehouse_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    everyone, _ = _stored(warehouse_copy)
    district = everyone["district"].mode().sort()[0]
    rows, _ = _stored(warehouse_copy, districts=(district,))
    floor = float(rows["risk"].median())
    expected = rows.filter(pl.col("risk") >= floor).head(3)
    out = tmp_path / "calls.csv"
    args = ["report", "risk", "--db", str(warehouse_copy), "--district", district]
    args += ["--min-risk", str(floor), "--top", "3", "--format", "csv", "--out", str(out)]
    assert cli.main(args) == 0
    line = capsys.readouterr().out
    assert f"{expected.height} merchants at risk >= {floor:.0%}, the top 3 forecast for" in line
    assert f"{float(expected['risk'].sum()):,.0f} of them expected" in line
    read = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["统一社会信用代码"] for r in read] == expected["merchant_id"].to_list()
    assert {r["行政区"] for r in read} == {district}
    assert all(float(r["风险（逾期或未入库的概率）"]) >= round(floor, 4) for r in read)


def test_names_and_reasons_cannot_become_formulas() -> None:
    rows = pl.DataFrame(
        {
            "risk_rank": [1],
            "merchant_name": ["=HYPERLINK(1)"],
            "merchant_id": ["91110105MA00M69518"],
            "district": ["朝阳区"],
            "industry": ["retail"],
            "software_vendor": ["piaolian"],
            "period": ["2026-11"],
            "risk": [0.5],
            "explanation_zh": ["+1"],
            "failed_months": [1.0],
            "invoices_due": [3.0],
            "not_on_time_share": [0.25],
            "delay_p95": [2.0],
            "based_on": ["2026-10"],
        }
    )
    text = exports.to_csv_bytes(risk_sheet(rows)).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "'+1" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--min-risk", "50"], "--min-risk must be a probability from 0 to 1, not 50"),
        (["--top", "0"], "--top must be at least 1, not 0"),
    ],
)
def test_bad_arguments_fail_in_one_line(
    warehouse_copy: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert cli.main(["report", "risk", "--db", str(warehouse_copy), *extra]) == 2
    assert capsys.readouterr().err.strip() == f"fapiao-watch report: {message}"


def test_without_a_forecast_it_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "empty.duckdb"
    warehouse.connect(db).close()
    assert cli.main(["report", "risk", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == (
        "fapiao-watch report: no entry-risk forecast: run fapiao-watch analyse (it needs three "
        "months whose entry deadlines have passed)"
    )


def test_status_gives_the_forecast_in_one_line(
    warehouse_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    con = warehouse.connect(warehouse_copy, read_only=True)
    try:
        summary = risk_views.summary(con, Filters("", ""))
        ev = risk_views.evaluation(con)
    finally:
        con.close()
    assert ev is not None
    cli.main(["status", "--db", str(warehouse_copy)])
    assert (
        f"entry-risk forecast for {ev['period']}: {summary['merchants']:,} merchants, "
        f"{summary['expected_failures']:,.0f} expected to have a late or missing invoice, "
        f"{summary['at_risk']:,} at risk >= 50% (fapiao-watch report risk)"
    ) in capsys.readouterr().out.splitlines()
