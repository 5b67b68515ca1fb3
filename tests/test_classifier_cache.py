"""The complaints stage reuses its classifier while the labels stay the same."""

from __future__ import annotations

from datetime import datetime
from itertools import count
from typing import Any

import duckdb
import pytest

from analytics import classifier_cache, complaints, warehouse

CATEGORIES = {
    "not_found": "查不到发票，电子税务局查询不到这张发票",
    "amount_short": "发票金额少开了，比实际付款少",
    "not_timely": "付款后一直没有开具发票，拖延开票",
    "service_attitude": "服务态度恶劣，店员拒绝开票还骂人",
}


def _con() -> duckdb.DuckDBPyConnection:
    con = warehouse.connect(":memory:")
    row = count(1)
    for i in range(120):
        category = list(CATEGORIES)[i % len(CATEGORIES)]
        _insert(con, next(row), f"L{i:04d}", f"{CATEGORIES[category]}{i}", category)
    for i in range(6):
        category = list(CATEGORIES)[i % len(CATEGORIES)]
        _insert(con, next(row), f"U{i:04d}", CATEGORIES[category], None)
    return con


def _insert(con: duckdb.DuckDBPyConnection, n: int, cid: str, text: str, cat: str | None) -> None:
    values: dict[str, Any] = {
        "complaint_id": cid,
        "received_at": datetime(2026, 3, 4, 10),
        "category": cat,
        "text": text,
        "batch_id": 1,
        "source_row": n,
    }
    cols, marks = ", ".join(values), ", ".join(f"${k}" for k in values)
    con.execute(f"insert into complaints ({cols}) values ({marks})", values).fetchall()


def _trained(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    train, evaluate = complaints.train_classifier, complaints.evaluate_classifier

    def counting_train(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return train(*a, **k)

    def counting_evaluate(*a: Any, **k: Any) -> Any:
        calls.append(2)
        return evaluate(*a, **k)

    monkeypatch.setattr(complaints, "train_classifier", counting_train)
    monkeypatch.setattr(complaints, "evaluate_classifier", counting_evaluate)
    return calls


def test_same_labels_reuse_the_model_and_its_predictions(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _con()
    calls = _trained(monkeypatch)
    first = complaints.build_complaint_tables(con)
    links = con.sql("select * exclude (linked_name) from complaint_links order by 1").fetchall()
    assert sorted(calls) == [1, 2]
    assert first.report is not None
    second = complaints.build_complaint_tables(con)
    assert sorted(calls) == [1, 2]  # neither evaluated nor trained again
    assert "reused" in second.message
    assert second.report == first.report
    again = con.sql("select * exclude (linked_name) from complaint_links order by 1").fetchall()
    assert again == links


def test_new_unlabelled_complaint_trains_but_does_not_re_evaluate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    con = _con()
    calls = _trained(monkeypatch)
    complaints.build_complaint_tables(con)
    _insert(con, 999, "U9999", CATEGORIES["amount_short"], None)
    result = complaints.build_complaint_tables(con)
    assert sorted(calls) == [1, 1, 2]
    assert "U9999" in result.predictions["complaint_id"].to_list()


def test_a_changed_label_retrains(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _con()
    calls = _trained(monkeypatch)
    before = classifier_cache.labels_fingerprint(con, 0)
    complaints.build_complaint_tables(con)
    _insert(con, 1000, "L9999", "服务态度差", "service_attitude")
    assert classifier_cache.labels_fingerprint(con, 0) != before
    complaints.build_complaint_tables(con)
    assert sorted(calls) == [1, 1, 2, 2]
