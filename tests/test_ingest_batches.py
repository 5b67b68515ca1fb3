"""Batches: idempotent re-import, overlapping exports, conflicts, duplicates, transactions, kind
detection, unreadable files and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from ingest_fixtures import (
    ISSUED_HEADERS,
    SELLER,
    TODAY,
    digital_no,
    etax_export,
    issued_row,
    write_csv,
)

from analytics.cli import main
from analytics.ingest import IngestError, ingest_file, ingest_paths, load, pipeline, planning
from analytics.pipeline import analyse
from analytics.warehouse import connect


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    row = con.execute(
        "select (select count(*) from tax_records), (select count(*) from rejected_rows), "
        "(select count(*) from import_batches)"
    ).fetchall()[0]
    return (int(row[0]), int(row[1]), int(row[2]))


def test_reimport_changes_nothing_and_says_so(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = etax_export(tmp_path / "day1.xlsx", range(1, 4))
    (first,) = ingest_file(con, path, today=TODAY)
    before = _counts(con)
    (again,) = ingest_file(con, path, today=TODAY)
    assert _counts(con) == before == (3, 0, 1)
    assert again.already_imported
    assert again.batch_id is None
    assert again.previous_batch_id == first.batch_id
    assert f"already imported as batch {first.batch_id} on " in again.summary()
    assert again.summary().endswith("nothing changed")


def test_overlapping_export_rows_are_unchanged(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    ingest_file(con, etax_export(tmp_path / "a.xlsx", range(1, 4)), today=TODAY)
    (r,) = ingest_file(con, etax_export(tmp_path / "b.xlsx", range(2, 6)), today=TODAY)
    assert (r.rows_read, r.rows_loaded, r.rows_unchanged, r.rows_rejected) == (4, 2, 2, 0)
    assert _counts(con)[0] == 5
    batches = con.execute(
        "select rows_read, rows_loaded, rows_unchanged from import_batches order by batch_id"
    ).fetchall()
    assert batches == [(3, 3, 0), (4, 2, 2)]


AMOUNTS_2000 = {"金额": "2000.00", "税额": "260.00", "价税合计": "2260.00"}


def _tax(con: duckdb.DuckDBPyConnection, serial: int, cols: str) -> list[tuple[object, ...]]:
    return con.execute(
        f"select {cols} from tax_records where invoice_no = $n", {"n": digital_no(serial)}
    ).fetchall()


def test_conflict_is_reported_not_overwritten(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    ingest_file(con, etax_export(tmp_path / "a.xlsx", range(1, 3)), today=TODAY)
    changed = etax_export(tmp_path / "b.xlsx", range(2, 3), **AMOUNTS_2000)
    (r,) = ingest_file(con, changed, today=TODAY)
    assert (r.rows_loaded, r.rows_updated, r.rows_rejected) == (0, 0, 1)
    assert r.reasons == {"conflicts_with_loaded": 1}
    (detail,) = con.execute("select detail from rejected_rows").fetchall()[0]
    assert "价税合计 total_amount: 1130.00 -> 2260.00" in detail
    assert "batch 1, row 2" in detail
    assert _tax(con, 2, "total_amount::varchar") == [("1130.00",)]


def test_status_moving_forward_is_applied_and_kept_in_history(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A newer daily export of the same invoice: 正常 -> 已红冲-全额 is the invoice's life, not
    a conflict. The record takes the new status; tax_status_history keeps both."""
    (first,) = ingest_file(con, etax_export(tmp_path / "day1.xlsx", range(1, 3)), today=TODAY)
    day2 = etax_export(
        tmp_path / "day2.xlsx", range(2, 3), 发票状态="已红冲-全额", 发票风险等级="疑点"
    )
    (r,) = ingest_file(con, day2, today=TODAY)
    assert (r.rows_read, r.rows_loaded, r.rows_unchanged, r.rows_updated, r.rows_rejected) == (
        1, 0, 0, 1, 0,
    )  # fmt: skip
    assert "updated 1" in r.summary()
    assert _tax(con, 2, "status, risk_level, batch_id") == [("已红冲-全额", "疑点", first.batch_id)]
    assert _tax(con, 1, "status") == [("正常",)]
    history = con.execute("select * from tax_status_history").fetchall()
    assert history == [
        (digital_no(2), "正常", "已红冲-全额", "正常", "疑点", r.batch_id, 1, first.batch_id, 2)
    ]
    batches = con.execute("select rows_updated from import_batches order by batch_id").fetchall()
    assert batches == [(0,), (1,)]


def test_status_never_moves_back(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """An older export loaded after a newer one would undo the reversal: reported instead."""
    ingest_file(
        con, etax_export(tmp_path / "new.xlsx", range(1, 2), 发票状态="已作废"), today=TODAY
    )
    (r,) = ingest_file(con, etax_export(tmp_path / "old.xlsx", range(1, 2)), today=TODAY)
    assert (r.rows_updated, r.rows_rejected) == (0, 1)
    assert r.reasons == {"conflicts_with_loaded": 1}
    (detail,) = con.execute("select detail from rejected_rows").fetchall()[0]
    assert "发票状态 status: 已作废 -> 正常" in detail
    assert "only moves forward" in detail
    assert _tax(con, 1, "status") == [("已作废",)]
    assert con.execute("select count(*) from tax_status_history").fetchall() == [(0,)]


def test_status_change_with_other_changes_is_a_conflict(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Nothing is half-applied: a new status beside a new amount is one conflict."""
    ingest_file(con, etax_export(tmp_path / "a.xlsx", range(1, 2)), today=TODAY)
    both = etax_export(tmp_path / "b.xlsx", range(1, 2), 发票状态="已红冲-全额", **AMOUNTS_2000)
    (r,) = ingest_file(con, both, today=TODAY)
    assert (r.rows_updated, r.rows_rejected) == (0, 1)
    (detail,) = con.execute("select detail from rejected_rows").fetchall()[0]
    assert "发票状态 status: 正常 -> 已红冲-全额" in detail
    assert "价税合计 total_amount" in detail
    assert _tax(con, 1, "status, total_amount::varchar") == [("正常", "1130.00")]


def test_status_update_is_reanalysed(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The incremental analysis recomputes the month of an invoice whose status moved on."""
    ingest_file(con, etax_export(tmp_path / "day1.xlsx", range(1, 3)), today=TODAY)
    assert analyse(con, progress=False).mode == "full"
    ingest_file(
        con, etax_export(tmp_path / "day2.xlsx", range(2, 3), 发票状态="已作废"), today=TODAY
    )
    again = analyse(con, progress=False)
    assert (again.mode, again.months) == ("incremental", ("2026-03",))
    status = con.execute(
        "select tax_status from reconciliation where subject_id = $n", {"n": digital_no(2)}
    ).fetchall()
    assert status == [("已作废",)]


def test_duplicates_within_a_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [
        issued_row(digital_no(1)),
        issued_row(digital_no(1)),  # identical: unchanged
        issued_row(digital_no(1), payment_id="OTHER"),  # same key, different content
        issued_row(digital_no(2)),
    ]
    (r,) = ingest_file(con, write_csv(tmp_path / "dup.csv", ISSUED_HEADERS, rows), today=TODAY)
    assert (r.rows_read, r.rows_loaded, r.rows_unchanged, r.rows_rejected) == (4, 2, 1, 1)
    (n, reasons, detail) = con.execute(
        "select row_number, reasons, detail from rejected_rows"
    ).fetchall()[0]
    assert (n, reasons) == (3, ["duplicate_in_file"])
    assert "row 1 of this file" in detail
    assert "OTHER" in detail
    kept = con.execute("select payment_id from issued_invoices where source_row = 1").fetchall()
    assert kept == [(f"P{digital_no(1)[-6:]}",)]


def test_failure_midway_leaves_the_warehouse_as_it_was(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = etax_export(tmp_path / "a.xlsx", range(1, 4))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "record_batch", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(con, path, today=TODAY)
    assert _counts(con) == (0, 0, 0)
    monkeypatch.undo()
    (r,) = ingest_file(con, path, today=TODAY)
    assert (r.rows_loaded, _counts(con)) == (3, (3, 0, 1))


def test_files_prepared_ahead_still_load_in_order(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The next tables are read and checked while one loads (pipeline.AHEAD), but each is
    classified against everything the files before it loaded."""
    folder = tmp_path / "days"
    folder.mkdir()
    rows = [issued_row(digital_no(i)) for i in range(1, 4)]
    first = write_csv(folder / "a.csv", ISSUED_HEADERS, rows)
    (folder / "b.csv").write_bytes(first.read_bytes())  # the same export saved twice
    write_csv(folder / "c.csv", ISSUED_HEADERS, [issued_row(digital_no(2), payment_id="OTHER")])
    write_csv(folder / "d.csv", ISSUED_HEADERS, [rows[2], issued_row(digital_no(4))])
    results = ingest_paths(con, [folder], progress=False, today=TODAY)
    assert [(r.file.name, r.batch_id, r.already_imported) for r in results] == [
        ("a.csv", 1, False),
        ("b.csv", None, True),
        ("c.csv", 2, False),
        ("d.csv", 3, False),
    ]
    assert results[1].previous_batch_id == 1
    assert results[2].reasons == {"conflicts_with_loaded": 1}
    assert (results[3].rows_loaded, results[3].rows_unchanged) == (1, 1)
    assert con.execute("select count(*) from issued_invoices").fetchall() == [(4,)]


def test_a_failing_file_stops_the_load_after_the_files_before_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while a later table is prepared ahead: the files before it stay loaded, none
    after it is (the tables prepared ahead are dropped), and loading again finishes the job."""
    folder = tmp_path / "days"
    folder.mkdir()
    for i, name in enumerate(("a.csv", "b.csv", "c.csv", "d.csv"), start=1):
        write_csv(folder / name, ISSUED_HEADERS, [issued_row(digital_no(i))])
    real = pipeline.prepare

    def prepare(c: duckdb.DuckDBPyConnection, item: planning.Planned, **kw: Any) -> Any:
        if item.source.name == "b.csv":
            raise IngestError("b.csv: unreadable on purpose")
        return real(c, item, **kw)

    monkeypatch.setattr(pipeline, "prepare", prepare)
    with pytest.raises(IngestError, match=r"b\.csv: unreadable on purpose"):
        ingest_paths(con, [folder], progress=False, today=TODAY)
    assert con.execute("select file_name from import_batches").fetchall() == [("a.csv",)]
    assert con.execute("select count(*) from issued_invoices").fetchall() == [(1,)]
    monkeypatch.undo()
    results = ingest_paths(con, [folder], progress=False, today=TODAY)
    assert [r.already_imported for r in results] == [True, False, False, False]
    assert con.execute("select count(*) from issued_invoices").fetchall() == [(4,)]


def test_folder_skips_non_data_and_loads_merchants_first(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    write_csv(folder / "a_invoices.csv", ISSUED_HEADERS, [issued_row(digital_no(1))])
    write_csv(folder / "sub" / "z_merchants.csv", ["merchant_id", "name"], [[SELLER, "好味"]])
    (folder / "manifest.json").write_text(json.dumps({"seed": 1}), encoding="utf-8")
    (folder / "bad_rows.json").write_text(json.dumps([{"row": 1}]), encoding="utf-8")
    (folder / "README.md").write_text("# data", encoding="utf-8")
    (folder / "~$a_invoices.xlsx").write_bytes(b"owner file of an open workbook")
    results = ingest_paths(con, [folder], progress=False, today=TODAY)
    assert [(r.kind, r.batch_id) for r in results] == [("merchants", 1), ("issued_invoices", 2)]


def test_kind_detection_and_forcing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    headers = ["数电发票号码", "销方识别号", "开票日期", "金额", "税额", "价税合计", "发票状态"]
    row = [digital_no(1), SELLER, "2026-03-30", "1000", "130", "1130", "正常"]
    path = write_csv(tmp_path / "x.csv", headers, [row])
    (r,) = ingest_file(con, path, today=TODAY)
    assert r.kind == "tax_records"
    merchant_side = write_csv(tmp_path / "y.csv", headers[:-1], [[digital_no(2), *row[1:-1]]])
    (r,) = ingest_file(con, merchant_side, today=TODAY)
    assert r.kind == "issued_invoices"  # no column only the tax system has
    both = write_csv(tmp_path / "z.csv", [*headers, "订单号"], [[digital_no(3), *row[1:], "P1"]])
    with pytest.raises(IngestError, match=r"z\.csv: .*issued_invoices and tax_records.*--kind"):
        ingest_file(con, both, today=TODAY)
    (forced,) = ingest_file(con, both, kind="tax_records", today=TODAY)
    assert (forced.kind, forced.rows_loaded, forced.ignored_columns) == (
        "tax_records",
        1,
        ("订单号",),
    )
    with pytest.raises(
        IngestError, match=r"z\.csv: not a payments file: no column for merchant_id; paid_at"
    ):
        ingest_file(con, both, kind="payments", today=TODAY)


def test_unknown_headers_are_listed(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", ["foo", "商户名称", "bar"], [["1", "x", "2"]])
    with pytest.raises(IngestError) as info:
        ingest_file(con, path, today=TODAY)
    message = str(info.value)
    assert message.startswith("odd.csv: cannot tell what kind of file this is")
    assert "columns not mapped: foo, bar" in message
    assert "kinds tried: merchants (missing merchant_id)" in message
    assert "\n" not in message
    # every header known, but too few for any kind: said so, not "(none)"
    part = write_csv(tmp_path / "part.csv", ["发票号码", "销方识别号"], [["1", "x"]])
    with pytest.raises(IngestError) as info:
        ingest_file(con, part, today=TODAY)
    message = str(info.value)
    assert "columns not mapped: none (every column was recognised)" in message
    assert "issued_invoices (missing issued_at, amount, tax_amount, total_amount)" in message


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("payments.xlsx", b"payment_id,amount\n1,2\n", "payments.xlsx: not an XLSX workbook"),
        ("empty.csv", b"", "empty.csv: empty file"),
        ("latin.csv", b"a,b\n\xff\xfe\xfd\x80,1\n", "cannot decode as UTF-8 or GBK/GB18030"),
        ("blob.parquet", b"PAR1 not really", "blob.parquet: not a readable Parquet file"),
        ("data.bin", b"\x00\x01", "data.bin: unknown format .bin"),
        ("broken.xlsx", b"PK\x03\x04garbage", "broken.xlsx: not a readable XLSX workbook"),
        ("manifest.json", b'{"seed": 1}', "manifest.json: a single JSON object"),
    ],
)
def test_unreadable_files_raise_one_line(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        ingest_file(con, path, today=TODAY)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)
    assert _counts(con) == (0, 0, 0)


def test_cli_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "w.duckdb")
    good = etax_export(tmp_path / "ok.xlsx", range(1, 3))
    assert main(["ingest", str(good), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "ok.xlsx [发票基础信息] tax_records: read 2 = loaded 2" in out
    assert (tmp_path / "w.serving.duckdb").exists()  # the dashboard's snapshot was refreshed
    bad = tmp_path / "payments.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    more = etax_export(tmp_path / "more.xlsx", range(3, 5))
    assert main(["ingest", str(more), str(bad), "--db", db, "--strict"]) == 2
    err = capsys.readouterr().err
    assert "payments.xlsx: not an XLSX workbook (zip header missing)" in err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "fapiao-watch" in line]) == 1
    con = connect(db)
    try:
        assert _counts(con) == (2, 0, 1)  # --strict: the bad file stopped the run before loading
    finally:
        con.close()
    # without --strict it is skipped and kept (tests/test_ingest_failures.py), the rest loads
    assert main(["ingest", str(more), str(bad), "--db", db]) == 2
    con = connect(db)
    try:
        assert _counts(con) == (4, 0, 2)
    finally:
        con.close()


def test_cli_ingest_refuses_an_unknown_kind_without_blaming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "w.duckdb")
    good = etax_export(tmp_path / "ok.xlsx", range(1, 3))
    assert main(["ingest", str(good), "--kind", "tax_record", "--db", db]) == 2
    assert "--kind 'tax_record' is not a kind; use one of merchants, payments" in (
        capsys.readouterr().err
    )
    con = connect(db)
    try:
        assert _counts(con) == (0, 0, 0)
        assert con.execute("select count(*) from import_failures").fetchall() == [(0,)]
    finally:
        con.close()


def test_every_reason_code_used_is_documented() -> None:
    import csv
    import re

    from analytics.config import REFERENCE_DIR, SQL_DIR

    with (REFERENCE_DIR / "reason_codes.csv").open(encoding="utf-8") as fh:
        documented = {row["code"] for row in csv.DictReader(fh)}
    ingest_dir = Path(__file__).resolve().parent.parent / "analytics" / "ingest"
    texts = [p.read_text(encoding="utf-8") for p in (SQL_DIR / "staging").glob("*.sql")]
    texts += [p.read_text(encoding="utf-8") for p in ingest_dir.glob("*.py")]
    used = {c for t in texts for c in re.findall(r"'code': '([a-z_0-9]+)'", t)}
    used |= {c for t in texts for c in re.findall(r'_problem\([^,]+, "([a-z_0-9]+)"', t)}
    used |= {"invalid_uscc", "invalid_buyer_tax_id", "malformed_row"}
    used |= {"duplicate_in_file", "conflicts_with_loaded"}
    assert len(used) > 15
    assert used <= documented
