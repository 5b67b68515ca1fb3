"""The entry-risk forecast (analytics.risk, analytics.risk_stage) on hand-made months and on the
small warehouse."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics import periods, risk, risk_calibration, risk_stage
from analytics.context import Context
from analytics.warehouse import connect

MONTHS = [f"2026-{m:02d}" for m in range(1, 9)]


def _monthly(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    """(merchant, month, invoices due, not on time) rows, the rest of the inputs plain."""
    return pl.DataFrame(
        {
            "merchant_id": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "invoices_due": [r[2] for r in rows],
            "not_on_time": [r[3] for r in rows],
            "delay_p95": [1.0] * len(rows),
            "volume_change": [0.0] * len(rows),
        }
    )


def test_panel_fills_months_without_invoices_and_counts_the_window() -> None:
    # A invoices every month and fails in Feb and Mar; B invoices in Jan only
    rows = [("A", m, 10, 2 if m in ("2026-02", "2026-03") else 0) for m in MONTHS]
    panel = risk.panel(_monthly([*rows, ("B", "2026-01", 4, 1)]), MONTHS)
    a = panel.filter(pl.col("merchant_id") == "A").sort("t")
    assert a["failed_months"].to_list() == [0, 1, 2, 2, 2, 2, 2, 1]  # Feb leaves after Jul
    assert a["active_months"].to_list() == [1, 2, 3, 4, 5, 6, 6, 6]
    assert a["not_on_time_share"].to_list()[1] == pytest.approx(0.2)
    b = panel.filter(pl.col("merchant_id") == "B").sort("t")
    # B's months without invoices count as nothing due and nothing failed, and once January
    # leaves the six-month window there is nothing to judge B by
    assert b["period"].to_list() == MONTHS[:6]
    assert b["invoices_due_log"].to_list() == [pytest.approx(np.log1p(4))] + [0.0] * 5
    assert b["failed_months"].to_list() == [1.0] * 6


def test_the_outcome_is_the_next_month_and_no_invoices_is_no_failure() -> None:
    rows = [("A", "2026-01", 5, 0), ("A", "2026-02", 5, 1), ("B", "2026-01", 3, 1)]
    pairs = risk.with_outcome(risk.panel(_monthly(rows), MONTHS[:3]))
    got = {(r["merchant_id"], r["period"]): r for r in pairs.iter_rows(named=True)}
    assert got["A", "2026-01"]["next_failed"] is True
    assert got["A", "2026-01"]["outcome_period"] == "2026-02"
    assert got["A", "2026-02"]["next_failed"] is False  # March: no invoices, nothing late
    assert got["B", "2026-01"]["next_failed"] is False
    assert pairs["period"].max() == "2026-02"  # the last month has no outcome yet


def _training_rows(n: int = 400, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pl.DataFrame({name: rng.normal(size=n) for name in risk.NAMES})
    logit = 1.5 * frame["failed_months"].to_numpy() - 1.0 * frame["active_months"].to_numpy()
    return frame.with_columns(next_failed=pl.Series(rng.random(n) < 1 / (1 + np.exp(-logit))))


def test_contributions_add_up_to_the_model_log_odds() -> None:
    rows = _training_rows()
    model = risk.fit(rows)
    parts = risk.contributions(model, rows)
    intercept = float(model.named_steps["model"].intercept_[0])
    np.testing.assert_allclose(
        parts.sum(axis=1) + intercept, model.decision_function(risk.matrix(rows)), rtol=1e-9
    )
    coef = risk.coefficients(model)
    assert coef["failed_months"] > 0.5
    assert coef["active_months"] < -0.3


def test_drivers_name_only_what_raised_the_risk_largest_first() -> None:
    model = risk.fit(_training_rows())
    row = pl.DataFrame({n: [0.0] for n in risk.NAMES}).with_columns(
        failed_months=pl.lit(3.0), active_months=pl.lit(-2.0), invoices_due_log=pl.lit(0.0)
    )
    [drivers] = risk.drivers(model, row).to_list()
    assert [d["feature"] for d in drivers][:2] == ["failed_months", "active_months"]
    assert all(d["effect"] > 0 for d in drivers)
    assert [d["effect"] for d in drivers] == sorted((d["effect"] for d in drivers), reverse=True)
    words = [
        {"feature": "failed_months", "value": 4.0, "effect": 1.2},
        {"feature": "invoices_due_log", "value": float(np.log1p(120)), "effect": 0.5},
        {"feature": "not_on_time_share", "value": 0.125, "effect": 0.1},
    ]
    assert risk.describe(words, "zh") == (
        "近6个月有4个月存在逾期或未入库发票；上月应入库发票120张；上月未按时入库12.5%"
    )
    assert risk.describe(words, "en") == (
        "late or missing invoices in 4 of the last 6 months; 120 invoices due last month; "
        "12.5% not entered on time last month"
    )
    assert risk.describe([], "en") == ""


def test_measure_on_a_ranking_worked_by_hand() -> None:
    y = np.array([True, False, True, False])
    # pairs (failure above non-failure): .9>.8, .9>.1, .7<.8, .7>.1 -> 3 of 4
    got = risk.measure(y, np.array([0.9, 0.8, 0.7, 0.1]))
    assert got == {"auc": 0.75, "average_precision": pytest.approx(0.8333, abs=1e-4)} | {
        "precision_at_k": 0.5
    }


def test_a_month_settles_after_its_deadline_across_national_day() -> None:
    # 30 September's second working day is 9 October (1-7 October off, 8 October the first)
    months = ["2026-08", "2026-09"]
    assert risk_stage.last_settled_month(months, datetime(2026, 10, 9, 23, 0), 2) == "2026-08"
    assert risk_stage.last_settled_month(months, datetime(2026, 10, 10, 0, 1), 2) == "2026-09"
    assert risk_stage.last_settled_month(months, datetime(2026, 9, 1), 2) is None


def test_a_month_whose_deadline_needs_a_missing_holiday_table_is_not_settled() -> None:
    # the tests' calendar ends with 2026: December's last invoices fall due in 2027
    months = ["2026-11", "2026-12"]
    assert risk_stage.last_settled_month(months, datetime(2027, 1, 20), 2) == "2026-11"


def test_the_small_warehouse_forecasts_the_month_after_its_last_settled_one(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    scores = snapshot.sql("select * from risk_scores").pl()
    ev = snapshot.sql("select * from risk_evaluation").pl().row(0, named=True)
    runs = snapshot.sql("select as_of, deadline_workdays from analysis_runs").pl()
    months = snapshot.sql(
        "select distinct period from merchant_period_metrics where period_type = 'month'"
    ).pl()["period"]
    as_of, deadline = runs.sort("as_of")["as_of"][-1], int(runs["deadline_workdays"][-1])
    settled = risk_stage.last_settled_month(months.to_list(), as_of, deadline)
    assert settled is not None
    assert set(scores["based_on"]) == {settled}
    target = periods.month_of(periods.add_months(periods.parse_month(settled), 1))
    assert set(scores["period"]) == {target}
    assert ev["period"] == target
    assert scores["risk_rank"].to_list() == list(range(1, scores.height + 1))
    assert scores["risk"].is_sorted(descending=True)
    assert scores["risk"].min() > 0
    assert scores["risk"].max() < 1
    assert (scores["active_months"] > 0).all()
    # each driver's value is the merchant's stored input, and every effect raised the risk
    for row in scores.head(20).iter_rows(named=True):
        for d in row["drivers"]:
            assert d["value"] == pytest.approx(row[d["feature"]])
            assert d["effect"] > 0
    # measured on outcome months before the forecast one, against both rules
    assert ev["evaluated_months"]
    assert max(ev["evaluated_months"]) == settled
    assert 0 < ev["test_failures"] < ev["test_rows"]
    for key in ("auc", "last_month_share_auc", "failed_months_auc"):
        assert 0.0 <= ev[key] <= 1.0
    # calibration: the expected failures are a sum of risks, near what occurred
    assert 0.5 * ev["test_failures"] < ev["expected_failures"] < 2 * ev["test_failures"]
    rate = ev["test_failures"] / ev["test_rows"]
    assert 0.0 < ev["brier"] < rate * (1 - rate)  # better than answering the observed rate
    # the calibration curve: ten groups of the same test rows, risks rising
    curve = pl.DataFrame(json.loads(ev["reliability"]))
    assert curve.height == risk_calibration.RELIABILITY_BINS
    assert curve["merchants"].sum() == ev["test_rows"]
    assert curve["expected"].is_sorted()
    failed = (curve["observed"] * curve["merchants"]).sum()
    assert failed == pytest.approx(ev["test_failures"], abs=1)  # shares kept to 4 decimals
    mean_risk = (curve["expected"] * curve["merchants"]).sum()
    assert mean_risk == pytest.approx(ev["expected_failures"], abs=1)


def test_too_little_history_writes_empty_tables_and_says_why(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute(
        "create table merchant_period_metrics as select 'A' as merchant_id, 'month' as "
        "period_type, '2026-09' as period, 5 as invoices_due, 1 as late_count, 0 as "
        "missing_count, 1.0 as delay_p95, 0.0 as volume_change, '朝阳区' as district, "
        "'餐饮' as industry, 'micro' as size_band, 'v' as software_vendor, "
        "false as is_individual"
    )
    ctx = Context(as_of=datetime(2026, 11, 20), deadline_workdays=2, full=True, months=())
    risk_stage.entry_risk_stage(con, ctx)
    assert con.sql("select count(*) from risk_scores").fetchall() == [(0,)]
    assert "drivers" in con.sql("select * from risk_scores").columns
    assert con.sql("select count(*) from risk_evaluation").fetchall() == [(0,)]
    assert any("not enough history (1 settled month(s)" in n for n in ctx.notes)


def test_a_rerun_keeps_the_forecast_and_measures_again_only_when_asked(
    warehouse_copy: Path,
) -> None:
    con = connect(warehouse_copy)
    try:
        scores = con.sql("select * from risk_scores").pl()
        measured = con.sql("select * from risk_evaluation").pl()
        as_of = con.sql("select max(as_of) from analysis_runs").fetchall()[0][0]
        # mark the stored measurement: an incremental run with the same settled month keeps it
        con.execute("update risk_evaluation set auc = -1")
        risk_stage.entry_risk_stage(con, Context(as_of, 2, full=False, months=("2026-10",)))
        kept = con.sql("select auc from risk_evaluation").fetchall()
        rescored = con.sql("select * from risk_scores").pl()
        # ... and its correction: a shift of -2 in log-odds lowers every risk
        con.execute("update risk_evaluation set calibration_intercept = calibration_intercept - 2")
        risk_stage.entry_risk_stage(con, Context(as_of, 2, full=False, months=("2026-10",)))
        shifted = con.sql("select * from risk_scores").pl()
        # a measurement stored by an older stage (no calibration yet) is not kept
        con.execute("alter table risk_evaluation drop column brier")
        risk_stage.entry_risk_stage(con, Context(as_of, 2, full=False, months=("2026-10",)))
        completed = con.sql("select auc, brier from risk_evaluation").pl()
        risk_stage.entry_risk_stage(con, Context(as_of, 2, full=True, months=()))
        again = con.sql("select * from risk_evaluation").pl()
    finally:
        con.close()
    assert_frame_equal(scores, rescored, check_row_order=False)
    assert kept == [(-1.0,)]
    lowered = scores.join(shifted, on="merchant_id", suffix="_shifted")
    assert (lowered["risk_shifted"] < lowered["risk"]).all()
    assert shifted["merchant_id"].to_list() == scores["merchant_id"].to_list()  # same order
    assert completed.row(0) == (measured["auc"][0], measured["brier"][0])
    # a full run measures again: from the same data, the same figures
    assert again.drop("measured_at").to_dicts() == measured.drop("measured_at").to_dicts()
