"""Files that cannot be read at all, in the tolerant mode the CLI uses: skipped with their reason,
kept in ``import_failures`` (one row per file and content, counting attempts), the rest loaded;
listed until a later pass loads them. The strict default of ``ingest_paths`` is tested in
``test_ingest_batches.py``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from apptest import errors, open_page, table_with
from ingest_fixtures import (
    ETAX_HEADERS,
    LINE_HEADERS,
    TODAY,
    digital_no,
    etax_export,
    etax_row,
    write_csv,
    write_xlsx,
)

from analytics import config, imports, reference
from analytics.cli import main
from analytics.ingest import FileFailure, IngestError, ingest_paths, pipeline
from analytics.ingest.model import FAILURE_CODES
from analytics.warehouse import connect
from dashboard.i18n import LABELS


def _drop_folder(root: Path) -> Path:
    """A watched folder: one good export, and three files no pass can read."""
    drop = root / "drop"
    drop.mkdir()
    etax_export(drop / "day1.xlsx", range(1, 4))
    (drop / "empty.csv").write_bytes(b"")
    write_csv(drop / "odd.csv", ["foo", "bar"], [["1", "2"]])
    (drop / "payments.xlsx").write_text("not a workbook", encoding="utf-8")
    return drop


def _failure_rows(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    rows = con.execute("select file_name, attempts, reason from import_failures").fetchall()
    return {str(r[0]): (int(r[1]), str(r[2])) for r in rows}


def _tax_records(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select count(*) from tax_records").fetchall()[0][0])


def test_unreadable_files_are_skipped_kept_and_retried(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    drop = _drop_folder(tmp_path)
    failures: list[FileFailure] = []
    (loaded,) = ingest_paths(con, [drop], progress=False, today=TODAY, failures=failures)
    assert loaded.rows_loaded == 3
    assert _tax_records(con) == 3
    reasons = {f.path.name: f.reason for f in failures}
    assert reasons == {
        "empty.csv": "empty.csv: empty file",
        "odd.csv": reasons["odd.csv"],
        "payments.xlsx": "payments.xlsx: not an XLSX workbook (zip header missing)",
    }
    assert reasons["odd.csv"].startswith("odd.csv: cannot tell what kind of file this is")
    codes = dict(con.execute("select file_name, reason_code from import_failures").fetchall())
    assert codes == {"empty.csv": "empty", "odd.csv": "columns", "payments.xlsx": "format"}
    # the hash planning already took is the one kept (a file's bytes are not read again)
    kept = dict(con.execute("select file_name, sha256 from import_failures").fetchall())
    assert kept["odd.csv"] == hashlib.sha256((drop / "odd.csv").read_bytes()).hexdigest()
    assert kept["empty.csv"] == hashlib.sha256(b"").hexdigest()  # no scan: hashed on record
    assert {n: a for n, (a, _) in _failure_rows(con).items()} == {
        "empty.csv": 1,
        "odd.csv": 1,
        "payments.xlsx": 1,
    }

    # The next pass tries them again: one row each still, one more attempt; the export is
    # already imported and changes nothing.
    again: list[FileFailure] = []
    (second,) = ingest_paths(con, [drop], progress=False, today=TODAY, failures=again)
    assert second.already_imported
    assert _tax_records(con) == 3
    assert len(again) == 3
    assert {n: a for n, (a, _) in _failure_rows(con).items()} == {
        "empty.csv": 2,
        "odd.csv": 2,
        "payments.xlsx": 2,
    }

    # Replaced by a readable export, odd.csv loads and leaves the list of files still failing;
    # its history stays in the table.
    odd = drop / "odd.csv"
    write_csv(odd, ETAX_HEADERS, [etax_row(i, digital_no(i)) for i in range(4, 6)])
    third: list[FileFailure] = []
    results = ingest_paths(con, [drop], progress=False, today=TODAY, failures=third)
    assert sorted(f.path.name for f in third) == ["empty.csv", "payments.xlsx"]
    assert _tax_records(con) == 5
    assert sum(r.rows_loaded for r in results) == 2
    still = imports.import_failures(con)
    assert still["file_name"].to_list() == ["empty.csv", "payments.xlsx"]
    assert still["attempts"].to_list() == [3, 3]
    assert _failure_rows(con)["odd.csv"][0] == 2  # a new content is a new row; the old one stays


def test_a_file_failing_while_it_is_read_is_skipped_too(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Errors of the read itself (past planning, on a worker thread) are kept the same way."""
    first = etax_export(tmp_path / "a.xlsx", range(1, 3))
    second = etax_export(tmp_path / "b.xlsx", range(3, 6))
    real = pipeline.load_source

    def load_source(con: duckdb.DuckDBPyConnection, source: object, cache: object) -> None:
        if getattr(source, "path", None) == first:
            raise IngestError("a.xlsx: truncated while being read")
        real(con, source, cache)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_source", load_source)
    failures: list[FileFailure] = []
    (loaded,) = ingest_paths(con, [first, second], progress=False, today=TODAY, failures=failures)
    assert loaded.file == second
    assert loaded.rows_loaded == 3
    assert [(f.path, f.reason) for f in failures] == [(first, "a.xlsx: truncated while being read")]
    assert _failure_rows(con) == {"a.xlsx": (1, "a.xlsx: truncated while being read")}
    with pytest.raises(IngestError, match="truncated"):  # strict: the error stops the load
        ingest_paths(con, [first], progress=False, today=TODAY)


def test_a_sheet_failing_while_the_others_load_stays_listed(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's other sheets loaded (a batch with its bytes exists), yet the failed sheet did
    not: it stays listed until a batch of that sheet exists."""
    basic = [ETAX_HEADERS, etax_row(1, digital_no(1))]
    row = etax_row(1, digital_no(1))
    line = [
        *row[:12],
        "1030107010100000000",
        "",
        "餐饮服务",
        "",
        "份",
        "1",
        "100",
        "13%",
        *row[12:],
    ]
    book = write_xlsx(
        tmp_path / "export.xlsx", {"发票基础信息": basic, "信息汇总表": [LINE_HEADERS, line]}
    )
    real = pipeline.load_source

    def load_source(con: duckdb.DuckDBPyConnection, source: object, cache: object) -> None:
        if getattr(source, "sheet", None) == "信息汇总表":
            raise IngestError("export.xlsx [信息汇总表]: sheet could not be read")
        real(con, source, cache)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_source", load_source)
    failures: list[FileFailure] = []
    (loaded,) = ingest_paths(con, [book], progress=False, today=TODAY, failures=failures)
    assert loaded.sheet == "发票基础信息"
    assert [(f.sheet, f.reason) for f in failures] == [
        ("信息汇总表", "export.xlsx [信息汇总表]: sheet could not be read")
    ]
    still = imports.import_failures(con)
    assert still.select("file_name", "sheet").rows() == [("export.xlsx", "信息汇总表")]
    monkeypatch.setattr(pipeline, "load_source", real)  # the next pass reads the sheet
    results = ingest_paths(con, [book], progress=False, today=TODAY, failures=[])
    assert [r.sheet for r in results if not r.already_imported] == ["信息汇总表"]
    assert imports.import_failures(con).is_empty()


def test_cli_loads_the_rest_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop = _drop_folder(tmp_path)
    db = str(tmp_path / "w.duckdb")
    assert main(["ingest", str(drop), "--db", db]) == 2
    captured = capsys.readouterr()
    assert "day1.xlsx [发票基础信息] tax_records: read 3 = loaded 3" in captured.out
    lines = captured.err.splitlines()
    assert "fapiao-watch ingest: not loaded: empty.csv: empty file" in lines
    assert len([line for line in lines if "not loaded:" in line]) == 3
    assert "Traceback" not in captured.err
    # the dashboard's snapshot carries the list
    serving = duckdb.connect(str(config.settings(db).serving_path), read_only=True)
    try:
        assert imports.import_failures(serving).height == 3
    finally:
        serving.close()

    # --strict: the first unreadable file stops the pass before anything loads
    fresh = str(tmp_path / "strict.duckdb")
    assert main(["ingest", str(drop), "--db", fresh, "--strict"]) == 2
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if "fapiao-watch" in line]) == 1
    strict = connect(fresh)
    try:
        assert _tax_records(strict) == 0
        assert strict.execute("select count(*) from import_failures").fetchall()[0][0] == 0
    finally:
        strict.close()


def test_the_pages_point_at_files_still_failing(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    notice = LABELS["overview.import_failures"][0].format(n=1)
    overview = open_page("overview")
    assert errors(overview) == []
    assert notice not in [w.value for w in overview.warning]

    bad = tmp_path / "vendor_export.csv"
    bad.write_bytes(b"")
    assert main(["ingest", str(bad), "--db", str(db)]) == 2
    at = open_page("data_import")
    assert errors(at) == []
    shown = table_with(at, LABELS["data_import.failures.attempts"][0])
    assert shown[LABELS["data_import.file"][0]].tolist() == ["vendor_export.csv"]
    # the kind of reason and what to do, in the UI language; the loader's line beside them
    assert shown[LABELS["data_import.reason"][0]].tolist() == ["空文件"]
    assert shown[LABELS["data_import.failures.action"][0]].tolist() == ["从开票软件重新导出该文件"]
    assert shown[LABELS["data_import.detail"][0]].tolist() == ["vendor_export.csv: empty file"]
    assert shown[LABELS["data_import.failures.attempts"][0]].tolist() == [1]
    assert LABELS["data_import.failures.note"][0].format(n=1) in [w.value for w in at.warning]
    overview = open_page("overview")
    assert errors(overview) == []
    assert notice in [w.value for w in overview.warning]


def test_a_json_object_in_a_folder_is_kept_by_a_tolerant_pass(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A JSON document that is one object with no array of records in it (a settings file, or
    an export cut down to its envelope): a strict folder pass skips it as it skips a README, a
    tolerant one keeps it in sight. (One wrapping an array of records loads: see
    test_ingest_formats.)"""
    drop = tmp_path / "drop"
    drop.mkdir()
    etax_export(drop / "day1.xlsx", range(1, 3))
    (drop / "manifest.json").write_text('{"files": []}', encoding="utf-8")  # skipped by name
    stray = drop / "vendor_api.json"
    stray.write_text('{"code": 0, "msg": "成功", "data": {"total": 0}}', encoding="utf-8")
    (strict,) = ingest_paths(con, [drop], progress=False, today=TODAY)
    assert strict.rows_loaded == 2
    assert con.execute("select count(*) from import_failures").fetchall()[0][0] == 0

    failures: list[FileFailure] = []
    (again,) = ingest_paths(con, [drop], progress=False, today=TODAY, failures=failures)
    assert again.already_imported
    assert [(f.path.name, f.code) for f in failures] == [("vendor_api.json", "not_records")]
    assert failures[0].reason == "vendor_api.json: a single JSON object, not an array of records"
    kept = con.execute("select file_name, reason_code from import_failures").fetchall()
    assert kept == [("vendor_api.json", "not_records")]


def test_every_failure_code_has_labels_and_an_action() -> None:
    """The codes the loader raises are the reference table's, each with both languages."""
    frame = reference.table("failure_codes")
    assert tuple(frame["code"].to_list()) == FAILURE_CODES
    for column in ("name_zh", "name_en", "action_zh", "action_en"):
        assert frame[column].null_count() == 0
        assert all(v.strip() for v in frame[column].to_list())
    with pytest.raises(ValueError, match="unknown failure code 'nope'"):
        IngestError("x.csv: broken", "nope")


def test_a_snapshot_from_before_the_codes_still_lists_its_failures(tmp_path: Path) -> None:
    """A snapshot published before ``reason_code`` existed (the dashboard may read one until the
    next publish) lists its rows, with no code."""
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        old.execute(
            "create table import_batches (batch_id bigint, sha256 varchar, sheet varchar, "
            "file_path varchar, started_at timestamp)"
        )
        old.execute(
            "create table import_failures (file_name varchar, file_path varchar, "
            "sha256 varchar, sheet varchar, reason varchar, first_failed_at timestamp, "
            "last_failed_at timestamp, attempts integer)"
        )
        old.execute(
            "insert into import_failures values ('a.csv', '/in/a.csv', 'ab', null, "
            "'a.csv: empty file', '2026-11-01 08:00', '2026-11-02 08:00', 2)"
        )
        frame = imports.import_failures(old)
    finally:
        old.close()
    assert frame.select("file_name", "attempts", "reason_code").rows() == [("a.csv", 2, None)]
