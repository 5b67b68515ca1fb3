"""analytics.ingest.preview: what a file would load as, without loading it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from analytics.ingest.preview import preview_file


def _files(small_warehouse: Path) -> Path:
    return small_warehouse.parent / "files"


def test_generated_files_preview_as_their_manifest_kinds(small_warehouse: Path) -> None:
    folder = _files(small_warehouse)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["files"]
    checked = 0
    for entry in entries:
        path = folder / entry["path"]
        preview = preview_file(path)
        assert preview.error is None, entry
        assert entry["kind"] in {t.kind for t in preview.tables}, entry
        main = next(t for t in preview.tables if t.kind == entry["kind"])
        assert main.loadable
        assert sum(c is not None for _, c in main.header_map) >= 3
        checked += 1
    assert checked >= 5


def test_encodings_and_sheets_are_reported(small_warehouse: Path) -> None:
    folder = _files(small_warehouse)
    gbk = next(folder.rglob("piaolian_*.csv"))
    assert preview_file(gbk).tables[0].encoding == "gb18030"
    book = next(folder.rglob("tax_records_*.xlsx"))
    sheets = {t.sheet for t in preview_file(book).tables}
    assert "发票基础信息" in sheets


def test_an_imported_file_is_recognised(
    small_warehouse: Path, snapshot: duckdb.DuckDBPyConnection
) -> None:
    path = _files(small_warehouse) / "merchants.csv"
    table = preview_file(path, known=snapshot.cursor()).tables[0]
    assert table.previous_batch_id is not None
    assert table.kind == "merchants"


def test_unreadable_or_unknown_files_come_back_with_a_reason(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.csv"
    garbage.write_text("foo,bar\n1,2\n", encoding="utf-8")
    unknown = preview_file(garbage)
    assert unknown.error is None
    assert not unknown.loadable
    assert "cannot tell what kind" in (unknown.tables[0].error or "")
    assert unknown.tables[0].error_code == "columns"
    assert unknown.tables[0].unmapped == ("foo", "bar")
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    refused = preview_file(legacy)
    assert refused.error is not None
    assert "xlsx" in refused.error
    assert refused.error_code == "format"
    assert not refused.loadable


def test_a_forced_kind_that_does_not_fit_is_explained(small_warehouse: Path) -> None:
    path = _files(small_warehouse) / "merchants.csv"
    table = preview_file(path, kind="payments").tables[0]
    assert table.kind is None
    assert "not a payments file" in (table.error or "")
