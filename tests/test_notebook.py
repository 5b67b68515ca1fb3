"""``notebooks/walkthrough.ipynb`` runs top to bottom on a copy of the test warehouse.

The notebook is executed in memory with nbclient (the venv's ipykernel), its file is never
rewritten (it is kept in git without outputs). Checked: no cell errored, the merchant it
explores is the lowest-scoring rated merchant of its period (asked of ``credit_scores`` here
directly, not through the functions the notebook uses), its entry-risk forecast is the stored
one, and its figures were drawn.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import nbformat
import pytest
from nbclient import NotebookClient

from analytics import config

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "walkthrough.ipynb"
WORST = re.compile(r"Worst-scoring merchant in (\S+): .+ \((\w{18})\), score ([\d.]+)")
RISK = re.compile(r": risk ([\d.]+)% for (\S+), rank (\d+) of \d+")
PLOTLY = "application/vnd.plotly.v1+json"


def _text(output: nbformat.NotebookNode) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    return str(output.get("data", {}).get("text/plain", ""))


def test_the_walkthrough_notebook_runs_on_a_copy_of_the_warehouse(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))  # the kernel inherits the environment

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "keep the notebook's outputs stripped in git"
    )
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, when a cell fails

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    text = "\n".join(_text(o) for o in outputs)
    assert f"warehouse: {db}" in text  # it honoured FAPIAO_WATCH_DB
    assert "analyse: " in text  # the incremental analysis ran and reported

    found = WORST.search(text)
    assert found, "the notebook should name the worst-scoring merchant"
    period, merchant_id, score = found.groups()
    con = duckdb.connect(str(config.settings(db).serving_path), read_only=True)
    try:
        lowest = con.execute(
            "select merchant_id, score from credit_scores "
            "where period = $period and rank is not null order by score, merchant_id limit 1",
            {"period": period},
        ).fetchall()
    finally:
        con.close()
    assert lowest == [(merchant_id, pytest.approx(float(score), abs=0.05))]
    # the score breakdown explored is that merchant's: its deductions add up to its score
    total = re.search(r"([\d.]+) = 100 - ([\d.]+) points deducted", text)
    assert total, "the notebook should show the score breakdown"
    assert float(total.group(1)) == pytest.approx(float(score), abs=0.05)

    # the forecast section: the same merchant's stored risk and rank, and the measurement
    forecast = RISK.search(text)
    assert forecast, "the notebook should give the merchant's entry risk"
    con = duckdb.connect(str(config.settings(db).serving_path), read_only=True)
    try:
        stored = con.execute(
            "select risk, period, risk_rank from risk_scores where merchant_id = $m",
            {"m": merchant_id},
        ).fetchall()
        auc = con.execute("select auc from risk_evaluation").fetchall()[0][0]
    finally:
        con.close()
    risk_pct, target, rank = forecast.groups()
    assert stored == [(pytest.approx(float(risk_pct) / 100, abs=5e-4), target, int(rank))]
    assert f"ROC AUC {auc:.3f}" in text

    figures = [o for o in outputs if PLOTLY in o.get("data", {})]
    assert len(figures) >= 3  # rates, the merchant's activity, the calibration curve
    assert all(json.loads(json.dumps(f["data"][PLOTLY]))["data"] for f in figures)
