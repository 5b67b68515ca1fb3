"""Evaluation against planted truth: known answers, and the ``evaluate`` command."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from factories import TestWarehouse

from analytics import cli, evaluate, warehouse

LABELS = pl.DataFrame(
    {
        "merchant_id": ["A", "A", "B", "C"],
        "period": ["2026-01", "2026-02", "2026-01", "2026-03"],
        "cause": ["silent_drop", "silent_drop", "duplicate_submission", "volume_spike"],
    }
)
MERCHANTS = ["A", "B", "C", "D", "E", "F", "G", "H"]


def scores(values: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"merchant_id": MERCHANTS, "score": values})


def tops(features: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"merchant_id": list(features), "features": list(features.values())},
        schema={"merchant_id": pl.String, "features": pl.List(pl.String)},
    )


def test_a_perfect_scorer() -> None:
    ev = evaluate.evaluate_frames(
        scores([0.9, 0.8, 0.7, 0.3, 0.2, 0.2, 0.1, 0.1]),
        LABELS,
        tops(
            {
                "A": ["entry_rate", "late_rate"],
                "B": ["duplicate_rate"],
                "C": ["volume_ratio", "red_rate", "entry_rate"],
            }
        ),
    )
    assert (ev.k, ev.merchants, ev.planted_months) == (3, 8, 4)
    assert ev.roc_auc == 1.0
    assert ev.precision_at_k == 1.0
    assert ev.top3_hit == 1.0
    assert {c.cause: (c.merchants, c.detected, c.top3_hit) for c in ev.per_cause} == {
        "duplicate_submission": (1, 1.0, 1.0),
        "silent_drop": (1, 1.0, 1.0),
        "volume_spike": (1, 1.0, 1.0),
    }


def test_an_inverted_scorer_and_wrong_explanations() -> None:
    ev = evaluate.evaluate_frames(
        scores([0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9]),
        LABELS,
        tops({"A": ["red_rate"], "B": []}),  # C not explained at all
    )
    assert ev.roc_auc == 0.0
    assert ev.precision_at_k == 0.0
    assert ev.top3_hit == 0.0
    assert ev.explained == 2


def test_a_scorer_that_knows_nothing() -> None:
    ev = evaluate.evaluate_frames(scores([0.5] * 8), LABELS, tops({}))
    assert ev.roc_auc == 0.5  # ties everywhere: no better than chance
    # ties are broken by merchant id, so k = 3 takes A, B, C
    assert ev.precision_at_k == 1.0


def test_merchant_score_is_the_mean_of_the_two_worst_months() -> None:
    monthly = pl.DataFrame(
        {"merchant_id": ["A", "A", "A", "B"], "anomaly_score": [0.9, 0.5, 0.7, 0.4]}
    )
    out = dict(evaluate.merchant_scores(monthly).iter_rows())
    assert out == {"A": pytest.approx(0.8), "B": pytest.approx(0.4)}


def analysed_file(tmp_path: Path) -> Path:
    db = tmp_path / "wh.duckdb"
    wh = TestWarehouse(warehouse.connect(db))
    merchants = [wh.merchant() for _ in range(12)]
    for m in merchants:
        for day in (2, 3, 4, 5):
            lost = m == merchants[0] and day > 2
            issued = f"2026-03-{day:02d} 10:00"
            wh.invoice(m, issued, 100, recorded=None if lost else f"2026-03-{day:02d} 11:00")
    # moves the as-of time past every deadline; a number series of its own (a legacy
    # 发票代码), as the factory's numbers interleave all merchants in one series
    late = "2026-03-31 10:00"
    wh.invoice(merchants[1], late, 100, recorded=late, invoice_no="0110026001-00000001")
    wh.con.execute(
        "insert into planted_labels values ($m, '2026-03', 'silent_drop', 99, 1)",
        {"m": merchants[0]},
    ).fetchall()
    wh.analyse()
    wh.con.close()
    return db


def test_evaluate_command_prints_json_and_stores_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = analysed_file(tmp_path)
    assert cli.main(["evaluate", "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["k"], out["merchants"], out["planted_merchants"]) == (1, 12, 1)
    assert out["precision_at_k"] == 1.0
    assert out["top3_hit"] == 1.0
    assert out["per_cause"][0]["cause"] == "silent_drop"
    con = warehouse.connect(db, read_only=True)
    try:
        stored = con.execute("select scope, precision_at_k from model_evaluation").fetchall()
    finally:
        con.close()
    assert ("all", 1.0) in stored
    assert cli.main(["evaluate", "--db", str(db), "--seed", "5"]) == 0
    assert "precision@k" in capsys.readouterr().out
    # a warehouse without planted truth: a clear message, nothing made up, exit 0
    con = warehouse.connect(db)
    con.execute("delete from planted_labels").fetchall()
    con.close()
    assert cli.main(["evaluate", "--db", str(db)]) == 0
    assert "no planted labels" in capsys.readouterr().out
