"""Anomalies page (异常检测) under AppTest: the threshold, explanations and the evaluation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from apptest import errors, metrics, open_page, texts

from analytics import config, formatting, scores_views, views
from analytics.views import Filters
from dashboard.i18n import LABELS


def _everything(con: duckdb.DuckDBPyConnection) -> Filters:
    months = views.available_months(con)
    return Filters(months[0], months[-1])


def test_counts_above_the_threshold_match_the_view(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    summary = scores_views.score_summary(con, _everything(con), 0.4).row(0, named=True)
    at = open_page("anomalies", an_threshold="0.4")
    assert errors(at) == []
    assert at.slider(key="an_threshold").value == pytest.approx(0.4)
    shown = metrics(at)
    assert shown[LABELS["anomalies.kpi.months_above"][0]] == formatting.count(
        summary["months_above"]
    )
    assert shown[LABELS["anomalies.kpi.merchants_above"][0]] == formatting.count(
        summary["merchants_above"]
    )
    assert len(at.get("plotly_chart")) == 1


def test_flagged_months_are_explained_in_the_ui_language(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    model = scores_views.model_info(con)
    assert model is not None
    months = scores_views.months_above(con, _everything(con), model.threshold)
    at = open_page("anomalies", an_threshold=f"{model.threshold:.4f}", lang="en")
    assert errors(at) == []
    reasons = at.dataframe[1].value[LABELS["anomalies.col.explanation"][1]].tolist()
    assert reasons[0] == months["explanation_en"][0]
    assert "peer median" in reasons[0]


def test_the_evaluation_shows_the_stored_figures(snapshot: duckdb.DuckDBPyConnection) -> None:
    ev = scores_views.evaluation(snapshot.cursor())
    assert ev is not None
    at = open_page("anomalies")
    assert errors(at) == []
    shown = metrics(at)
    assert shown[LABELS["anomalies.eval.auc"][0]] == f"{ev.summary['roc_auc']:.3f}"
    assert shown[LABELS["anomalies.eval.top3"][0]] == formatting.pct(ev.summary["top3_hit"])
    causes = at.dataframe[2].value[LABELS["anomalies.eval.cause"][0]].tolist()
    assert sorted(causes) == sorted(LABELS[f"cause.{c}"][0] for c in ev.per_cause["cause"])


def test_without_planted_truth_the_evaluation_is_a_sentence(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = warehouse_copy
    con = duckdb.connect(str(config.settings(db).serving_path))
    con.execute("delete from planted_labels")
    con.close()
    monkeypatch.setenv(config.ENV_DB, str(db))
    at = open_page("anomalies", lang="en")
    assert errors(at) == []
    assert LABELS["anomalies.no_truth"][1] in texts(at)
    assert LABELS["anomalies.eval.auc"][1] not in metrics(at)
