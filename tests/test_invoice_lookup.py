"""发票查询 Invoice lookup (``analytics.invoice_lookup``): reading pasted numbers, the answer
from the snapshot and then the warehouse (each number's status and reason as the
reconciliation gives it), rows rejected at import, a busy warehouse, the page and the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from apptest import errors, open_page, table_with

from analytics import cli, config, invoice_lookup
from analytics.warehouse import WarehouseBusyError, connect
from dashboard.i18n import LABELS

UNKNOWN = "26119999999999999999"


def test_pasted_numbers_are_read_as_the_warehouse_writes_them() -> None:
    got = invoice_lookup.parse_numbers(
        "２６１１２９８６６４４５０００００２０２\n"  # full-width digits
        "26112986644500000202, 011001900111 12345678；0110019001-12345678\n"
        " 011001900111－12345678 、011001900112345678\tP2025-001\tnot a number；xyz\n\n"
    )
    assert got.valid == (
        "26112986644500000202",  # once, though given twice
        "011001900111-12345678",  # code and number apart: legacy, though 20 digits together
        "0110019001-12345678",  # 18 digits together: a 10-digit code and its number
    )
    assert got.order_ids == ("P2025-001",)  # any other id: an order (payment) number
    assert got.invalid == {"not a number": "invalid_invoice_no", "xyz": "invalid_invoice_no"}
    assert got.all == (*got.valid, "P2025-001")
    with pytest.raises(invoice_lookup.InvoiceLookupError) as too_many:
        invoice_lookup.parse_numbers(",".join(f"{n:020d}" for n in range(201)))
    assert too_many.value.count == 201


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    rows = con.execute(sql).fetchall()
    assert rows, sql
    return str(rows[0][0])


@pytest.fixture(scope="module")
def numbers(small_warehouse: Path) -> dict[str, str]:
    """An invoice number of each kind the small warehouse has, by what it is."""
    con = connect(small_warehouse, read_only=True)
    try:
        facts = "select subject_id from recon_issued_facts where status = '{}' order by 1 limit 1"
        return {
            "late": _one(con, facts.format("entered_late")),
            "on_time": _one(con, facts.format("entered_on_time")),
            "missing": _one(con, facts.format("missing_in_system")),
            "merchant_log": _one(
                con,
                "select subject_id from recon_tax_facts where status = "
                "'missing_in_merchant_log' order by 1 limit 1",
            ),
            "rejected": _one(
                con,
                "select n from (select regexp_extract(raw::varchar, '\"([0-9]{20})\"', 1) as n "
                "from rejected_rows join import_batches using (batch_id) "
                "where kind in ('issued_invoices', 'tax_records')) where n <> '' "
                "order by 1 limit 1",
            ),
        }
    finally:
        con.close()


def _truth(db: Path, number: str) -> list[tuple[str, str]]:
    """(status, reason) of the number's own reconciliation row(s), straight from the view."""
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "select status, reason_zh from reconciliation where subject_id = $n and ("
            "subject = 'issued' or status = 'missing_in_merchant_log') order by subject",
            {"n": number},
        ).fetchall()
    finally:
        con.close()
    return [(str(s), str(r)) for s, r in rows]


def test_each_number_gets_the_reconciliations_status_and_reason_from_the_cheapest_place(
    small_warehouse: Path, snapshot: duckdb.DuckDBPyConnection, numbers: dict[str, str]
) -> None:
    given = (*numbers.values(), UNKNOWN)
    first = invoice_lookup.from_snapshot(snapshot.cursor(), invoice_lookup.Numbers(given))
    # the exceptions are answered by the snapshot; the on-time invoice and the unknown number
    # (and a rejected one the tax export did not otherwise carry) need the warehouse
    assert {numbers["late"], numbers["missing"], numbers["merchant_log"]} <= set(
        first.found["asked"]
    )
    assert {numbers["on_time"], UNKNOWN} <= set(first.unchecked)
    result = invoice_lookup.ask_warehouse(first, small_warehouse)
    assert result.answered
    assert result.not_found == (UNKNOWN,)
    for what, number in numbers.items():
        rows = result.found.filter(result.found["asked"] == number)
        got = list(zip(rows["status"], rows["reason_zh"], strict=True))
        assert got == _truth(small_warehouse, number), what
    sources = dict(zip(result.found["asked"], result.found["source"], strict=False))
    assert sources[numbers["late"]] == "snapshot"
    assert sources[numbers["on_time"]] == "warehouse"
    # rows are in the order the numbers were given
    order = [n for n in given if n in set(result.found["asked"])]
    assert list(dict.fromkeys(result.found["asked"])) == order
    # the rejected row names its file, row and reasons, as rejected_rows keeps them
    rejected = result.rejected.filter(result.rejected["asked"] == numbers["rejected"])
    assert rejected.height >= 1
    row = rejected.row(0, named=True)
    con = connect(small_warehouse, read_only=True)
    try:
        kept = con.execute(
            "select b.file_name, r.detail from rejected_rows r join import_batches b "
            "using (batch_id) where r.row_number = $row and b.file_name = $file",
            {"row": row["row_number"], "file": row["file_name"]},
        ).fetchall()
    finally:
        con.close()
    assert kept == [(row["file_name"], row["detail"])]
    assert numbers["rejected"] in "".join(invoice_lookup.lines(result))


def test_a_pending_invoice_says_its_deadline_and_working_days_left(live_feed: Path) -> None:
    con = connect(live_feed, read_only=True)
    try:
        number, deadline, left = con.execute(
            "select invoice_no, deadline_at, workdays_left from pending_entries "
            "order by invoice_no limit 1"
        ).fetchall()[0]
    finally:
        con.close()
    snap = duckdb.connect(str(config.settings(live_feed).serving_path), read_only=True)
    try:
        result = invoice_lookup.from_snapshot(snap, invoice_lookup.Numbers((number,)))
    finally:
        snap.close()
    assert result.answered
    row = result.found.row(0, named=True)
    assert row["status"] == "pending_entry"
    assert f"入库期限 {deadline:%Y-%m-%d %H:%M}，剩余 {left:.1f} 个工作日" in row["reason_zh"]


@pytest.fixture
def held(warehouse_copy: Path) -> Iterator[Path]:
    """``warehouse_copy`` held open for writing by another process (as ``analyse`` would)."""
    code = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "sys.stdin.read()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(warehouse_copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    try:
        yield warehouse_copy
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def test_a_busy_warehouse_leaves_the_snapshots_answer_and_says_which_numbers_wait(
    held: Path, numbers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = duckdb.connect(str(config.settings(held).serving_path), read_only=True)
    try:
        both = invoice_lookup.Numbers((numbers["late"], numbers["on_time"]))
        first = invoice_lookup.from_snapshot(snap, both)
    finally:
        snap.close()
    with pytest.raises(WarehouseBusyError):
        invoice_lookup.ask_warehouse(first, held, timeout_s=0.2)

    monkeypatch.setenv(config.ENV_DB, str(held))  # the page waits its 3 s, then answers
    at = open_page("invoice_lookup", inv=f"{numbers['late']}\n{numbers['on_time']}")
    assert errors(at) == []
    table = table_with(at, "查询号码", "状态")
    assert table["查询号码"].tolist() == [numbers["late"]]
    waiting = [w.value for w in at.warning if numbers["on_time"] in w.value]
    assert waiting
    assert waiting[0].startswith("数据正在导入或分析")


def test_the_page_answers_one_number_in_words_and_several_in_a_table(
    small_warehouse: Path, numbers: dict[str, str]
) -> None:
    at = open_page("invoice_lookup", inv=numbers["on_time"])
    assert errors(at) == []
    (status, reason) = _truth(small_warehouse, numbers["on_time"])[0]
    assert [s.value for s in at.success] == [f"按时入库：{reason}"]
    assert status == "entered_on_time"

    at = open_page("invoice_lookup", inv=numbers["missing"])
    reason = _truth(small_warehouse, numbers["missing"])[0][1]
    assert [e.value for e in at.error] == [f"未入库：{reason}"]

    pasted = f"{numbers['late']}, {numbers['rejected']}\n{UNKNOWN}\nabc"
    at = open_page("invoice_lookup", inv=pasted, lang="en")
    assert errors(at) == []
    table = table_with(at, "Number looked up", "Status", "Reason")
    assert table["Number looked up"].tolist()[0] == numbers["late"]
    assert table["Status"].tolist()[0] == "Entered late"
    rejected = table_with(at, "File", "Row", "Reason")
    assert numbers["rejected"] in rejected["Number looked up"].tolist()
    infos = [i.value for i in at.info]
    assert any(UNKNOWN in i and i.startswith("Found in neither") for i in infos)
    assert any(
        w.value == "Neither invoice nor order numbers, not looked up: abc" for w in at.warning
    )
    assert LABELS["nav.invoice_lookup"] == ("发票查询", "Invoice lookup")


def test_the_cli_prints_each_number_and_fails_when_one_is_not_found(
    small_warehouse: Path, numbers: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(small_warehouse)]
    assert cli.main(["lookup", numbers["late"], numbers["on_time"], *db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{numbers['late']}: entered_late: issued ")
    assert out[1].startswith(f"{numbers['on_time']}: entered_on_time: issued ")
    assert cli.main(["lookup", UNKNOWN, "a b", *db]) == 1
    out = capsys.readouterr().out
    assert "a b: neither an invoice number" in out
    assert f"{UNKNOWN}: not found in the merchants' invoicing logs nor the tax export" in out


def test_a_reader_and_a_writer_in_one_process_wait_for_each_other(warehouse_copy: Path) -> None:
    """The dashboard's lookup opens the warehouse read-only while another session of the same
    process may be writing (an alert resolved, an upload): DuckDB refuses the second
    configuration outright, so ``connect`` waits for it as for a lock, then says busy."""
    writer = connect(warehouse_copy)
    try:
        with pytest.raises(WarehouseBusyError):
            connect(warehouse_copy, read_only=True, timeout_s=0.2)
    finally:
        writer.close()
    reader = connect(warehouse_copy, read_only=True, timeout_s=0.2)
    try:
        with pytest.raises(WarehouseBusyError):
            connect(warehouse_copy, timeout_s=0.2)
    finally:
        reader.close()


def _order_truth(db: Path, order: str) -> set[tuple[str, str, str, str]]:
    """(subject, id, status, reason) of the payment and of every invoice issued for it."""
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "select subject, subject_id, status, reason_zh from reconciliation "
            "where (subject = 'payment' and subject_id = $o) or (subject = 'issued' and "
            "subject_id in (select invoice_no from issued_invoices where payment_id = $o))",
            {"o": order},
        ).fetchall()
    finally:
        con.close()
    return {(str(a), str(b), str(c), str(d)) for a, b, c, d in rows}


def test_an_order_number_gives_its_payment_and_every_invoice_issued_for_it(
    small_warehouse: Path, snapshot: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]
) -> None:
    con = connect(small_warehouse, read_only=True)
    try:
        short = _one(
            con,
            "select p.subject_id from recon_payment_facts p where p.status = 'under_invoiced' "
            "and exists (select 1 from issued_invoices i where i.payment_id = p.subject_id) "
            "order by 1 limit 1",
        )
        never = _one(
            con,
            "select subject_id from recon_payment_facts where status = 'not_invoiced' "
            "order by 1 limit 1",
        )
    finally:
        con.close()
    unknown = "P-NO-SUCH-ORDER"
    numbers = invoice_lookup.parse_numbers(f"{short}\n{never}\n{unknown}")
    assert numbers.order_ids == numbers.all == (short, never, unknown)
    first = invoice_lookup.from_snapshot(snapshot.cursor(), numbers)
    # an order invoiced not at all is settled by the snapshot; the others need the warehouse
    assert first.unchecked == (short, unknown)
    result = invoice_lookup.ask_warehouse(first, small_warehouse)
    assert result.not_found == (unknown,)
    for order in (short, never):
        rows = result.found.filter(result.found["asked"] == order)
        got = set(rows.select("subject", "subject_id", "status", "reason_zh").iter_rows())
        assert got == _order_truth(small_warehouse, order), order
    statuses = result.found.filter(result.found["subject"] == "payment")["status"].to_list()
    assert statuses == ["under_invoiced", "not_invoiced"]  # in the order given

    assert cli.main(["lookup", short, "--db", str(small_warehouse)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{short}: order: under_invoiced: paid ")
    assert all(line.startswith(f"{short}: invoice ") for line in out[1:])
    assert len(out) == len(_order_truth(small_warehouse, short))

    at = open_page("invoice_lookup", inv=short)
    assert errors(at) == []
    boxes = [w.value for w in at.warning]  # under-invoiced: a warning, its invoices after it
    assert any(b.startswith(f"付款（订单） {short} · 少开票：") for b in boxes)
    table = table_with(at, "查询号码", "记录", "记录号码")
    assert set(table["记录号码"]) == {i for _, i, _, _ in _order_truth(small_warehouse, short)}


def test_an_order_whose_invoice_only_the_tax_system_has_gives_that_record(
    small_warehouse: Path, snapshot: duckdb.DuckDBPyConnection
) -> None:
    """The log lost the invoice; reconciliation matched the payment to the tax record on amount
    and time: the order is invoiced, and the record (missing from the log) is its invoice."""
    con = connect(small_warehouse, read_only=True)
    try:
        order, record = con.execute(
            "select subject_id, tax_invoice_no from recon_payment_facts "
            "where tax_invoice_no is not null order by 1 limit 1"
        ).fetchall()[0]
    finally:
        con.close()
    first = invoice_lookup.from_snapshot(snapshot.cursor(), invoice_lookup.parse_numbers(order))
    result = invoice_lookup.ask_warehouse(first, small_warehouse)
    got = {
        (r["subject"], r["subject_id"], r["status"])
        for r in result.found.filter(result.found["asked"] == order).iter_rows(named=True)
    }
    assert got == {
        ("payment", order, "invoiced"),
        ("tax_record", record, "missing_in_merchant_log"),
    }


def test_an_order_whose_payment_was_rejected_at_import_says_where_and_why(
    small_warehouse: Path, snapshot: duckdb.DuckDBPyConnection
) -> None:
    """A customer's order can be "not found" because its payment row was rejected: the lookup
    names the file, row and reasons, as for an invoice number, and does not call it unknown."""
    con = connect(small_warehouse, read_only=True)
    try:
        order = _one(
            con,
            "select json_extract_string(raw, '$.payment_id') from rejected_rows "
            "join import_batches using (batch_id) where kind = 'payments' "
            "and json_extract_string(raw, '$.payment_id') is not null order by 1 limit 1",
        )
        truth = con.execute(
            "select b.file_name, r.row_number, r.reasons from rejected_rows r "
            "join import_batches b using (batch_id) "
            "where r.raw::varchar like '%\"' || $o || '\"%' order by 1, 2",
            {"o": order},
        ).fetchall()
    finally:
        con.close()
    numbers = invoice_lookup.parse_numbers(f"{order}\n{UNKNOWN}")
    result = invoice_lookup.ask_warehouse(
        invoice_lookup.from_snapshot(snapshot.cursor(), numbers), small_warehouse
    )
    assert result.not_found == (UNKNOWN,)  # the order was seen, in a rejected row
    rows = result.rejected.filter(result.rejected["asked"] == order)
    assert truth
    assert sorted(rows.select("file_name", "row_number", "reasons").iter_rows()) == truth
    assert f"{order}: rejected at import: " in "\n".join(invoice_lookup.lines(result))
