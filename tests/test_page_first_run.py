"""The first-run screen: no warehouse yet is a page with a button, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import errors, open_page

from analytics import config
from dashboard.i18n import LABELS


def test_a_missing_warehouse_shows_the_first_run_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.ENV_DB, str(tmp_path / "nothing_here.duckdb"))
    at = open_page()
    assert errors(at) == []
    assert at.title[0].value == LABELS["first_run.title"][0]
    assert [b.label for b in at.button] == [LABELS["first_run.button"][0]]


def test_a_warehouse_without_analysis_shows_the_first_run_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analytics.warehouse import connect, publish

    db = tmp_path / "warehouse.duckdb"
    con = connect(db)  # schema only: nothing loaded, nothing analysed
    try:
        publish(con, config.settings(db).serving_path)
    finally:
        con.close()
    monkeypatch.setenv(config.ENV_DB, str(db))
    at = open_page(lang="en")
    assert errors(at) == []
    assert at.title[0].value == LABELS["first_run.title"][1]
    assert [i.value for i in at.info] == [LABELS["first_run.not_analysed"][1]]
    assert len(at.button) == 0  # no demo build over somebody's data
