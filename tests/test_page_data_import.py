"""Data import page (数据导入) under AppTest: history, preview, and a load into a copy."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from apptest import errors, metrics, open_page, table_with

from analytics import config, formatting, imports
from analytics.validation import make_uscc
from dashboard.i18n import LABELS


def test_import_history_matches_the_bookkeeping(snapshot: duckdb.DuckDBPyConnection) -> None:
    history = imports.import_history(snapshot.cursor())
    at = open_page("data_import")
    assert errors(at) == []
    shown = metrics(at)
    assert shown[LABELS["data_import.kpi.files"][0]] == formatting.count(history.height)
    assert shown[LABELS["data_import.kpi.rows_rejected"][0]] == formatting.count(
        history["rows_rejected"].sum()
    )


def _merchants_csv() -> bytes:
    good = make_uscc("9", "1", "110105", "MA0XXY01")
    rows = [
        "统一社会信用代码,商户名称,所属区,行业,规模,开票软件,登记日期,是否个体工商户",
        f"{good},北京市朝阳区测试上传有限公司,朝阳区,零售,微型,票联,2020-01-02,否",
        "91110105BADBADBAD1,北京市朝阳区坏代码有限公司,朝阳区,零售,微型,票联,2020-01-02,否",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_upload_preview_then_load(warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    at = open_page("data_import")
    at.file_uploader(key="di_files").upload("new_merchants.csv", _merchants_csv(), "text/csv")
    at.run()
    assert errors(at) == []
    preview = table_with(at, LABELS["data_import.detected"][0], LABELS["data_import.check"][0])
    assert preview[LABELS["data_import.detected"][0]].tolist() == [LABELS["kind.merchants"][0]]
    assert preview[LABELS["data_import.encoding"][0]].tolist() == ["utf-8"]
    before = config.settings(db).serving_path.stat().st_mtime_ns
    files = LABELS["data_import.kpi.files"][0]
    imported = int(metrics(at)[files].replace(",", ""))
    next(b for b in at.button if b.label == LABELS["data_import.load"][0]).click()
    at.run()
    assert errors(at) == []
    summary = table_with(at, LABELS["data_import.rows_loaded"][0], LABELS["data_import.check"][0])
    assert summary[LABELS["data_import.rows_read"][0]].tolist() == [2]
    assert summary[LABELS["data_import.rows_loaded"][0]].tolist() == [1]
    assert summary[LABELS["data_import.rows_rejected"][0]].tolist() == [1]
    assert config.settings(db).serving_path.stat().st_mtime_ns != before  # republished
    at.run()  # the next rerun reads the new snapshot: one more file in the history
    assert int(metrics(at)[files].replace(",", "")) == imported + 1


def test_an_unreadable_upload_says_why_in_chinese(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview names the kind of reason and what to do in the UI language, then the
    loader's own line."""
    monkeypatch.setenv(config.ENV_DB, str(warehouse_copy))
    at = open_page("data_import")
    at.file_uploader(key="di_files").upload("export.csv", b"foo,bar\n1,2\n", "text/csv")
    at.run()
    assert errors(at) == []
    preview = table_with(at, LABELS["data_import.detected"][0], LABELS["data_import.check"][0])
    (check,) = preview[LABELS["data_import.check"][0]].tolist()
    assert check.startswith("无法识别表头（在 data/reference/header_maps.csv 中补充列名别名")
    assert "：export.csv: cannot tell what kind of file this is" in check
