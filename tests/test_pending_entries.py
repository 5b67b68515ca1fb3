"""Invoices pending entry (pending_entries) and the per-merchant watch list, on hand-made rows.

An invoice is pending while it is not in the tax system and its deadline (N working days after
issue, here 2) has not passed as of the data's as-of time: the officials' list of merchants to
remind before the invoices turn late.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from factories import TestWarehouse

from analytics import cli, profile, reminders, views, warehouse
from analytics.views import Filters


@pytest.fixture
def wh() -> TestWarehouse:
    return TestWarehouse()


def _pending(wh: TestWarehouse) -> dict[str, dict[str, object]]:
    rows = wh.rows("select * from pending_entries")
    return {str(r["invoice_no"]): r for r in rows}


def test_pending_invoices_with_the_working_time_left(wh: TestWarehouse) -> None:
    m = wh.merchant()
    missing = wh.invoice(m, "2026-03-02 10:00", 100)  # deadline Wed 4 March 10:00: passed
    gone = wh.invoice(m, "2026-03-03 10:00", 100)  # deadline Thu 5 March 10:00: passed too
    today = wh.invoice(m, "2026-03-03 18:00", 200)  # deadline Thu 5 March 18:00
    fresh = wh.invoice(m, "2026-03-05 09:00", 300)  # deadline Mon 9 March 09:00
    void = wh.invoice(m, "2026-03-05 09:30", 50, void=True)  # left out, as in invoices_pending
    wh.invoice(m, "2026-03-04 10:00", 113, recorded="2026-03-05 12:00")  # as-of Thu 12:00
    wh.analyse()
    assert (wh.status(missing), wh.status(gone)) == ("missing_in_system", "missing_in_system")
    assert wh.status(void) == "pending_entry"

    pending = _pending(wh)
    assert sorted(pending) == sorted([today, fresh])
    assert pending[today]["deadline_at"] == datetime(2026, 3, 5, 18, 0)
    assert pending[today]["workdays_left"] == pytest.approx(0.25)  # 12:00 to 18:00 Thursday
    # the rest of Thursday, Friday, and Monday until 09:00
    assert pending[fresh]["workdays_left"] == pytest.approx(0.5 + 1 + 0.375)
    assert pending[fresh]["total_amount"] == 300
    assert wh.metrics(m, "2026-03")["invoices_pending"] == len(pending)


def test_national_day_leaves_one_working_day_over_eight_calendar_days(
    wh: TestWarehouse,
) -> None:
    m = wh.merchant()
    # 1-7 October 2026 off: two working days after Tue 29 Sep 12:00 end on Thu 8 Oct 12:00
    no = wh.invoice(m, "2026-09-29 12:00", 100)
    wh.invoice(m, "2026-09-29 11:00", 100, recorded="2026-09-30 12:00")  # as-of Wed 12:00
    wh.analyse()
    row = _pending(wh)[no]
    assert row["deadline_at"] == datetime(2026, 10, 8, 12, 0)
    assert row["workdays_left"] == pytest.approx(1.0)


def test_the_list_follows_new_records_and_the_moving_as_of_time(wh: TestWarehouse) -> None:
    m = wh.merchant()
    entered = wh.invoice(m, "2026-03-04 10:00", 100)
    overdue = wh.invoice(m, "2026-03-05 09:00", 100)  # deadline Mon 9 March 09:00
    wh.invoice(m, "2026-03-04 11:00", 113, recorded="2026-03-05 12:00")
    wh.analyse()
    assert sorted(_pending(wh)) == sorted([entered, overdue])

    wh.new_load()  # a new day: the first reaches the tax system on Tue 10 March
    wh.tax_record(m, "2026-03-04 10:00", 100, recorded="2026-03-10 09:00", invoice_no=entered)
    result = wh.analyse()
    assert result.mode == "incremental"
    assert _pending(wh) == {}
    assert (wh.status(entered), wh.status(overdue)) == ("entered_late", "missing_in_system")


def test_the_watch_list_by_merchant_nearest_deadline_first(wh: TestWarehouse) -> None:
    east = wh.merchant(district="东城区", name="东城测试商户有限公司")
    west = wh.merchant(district="西城区", name="西城测试商户有限公司")
    wh.invoice(east, "2026-03-05 09:00", 300)  # deadline Mon 9 March 09:00
    wh.invoice(east, "2026-03-05 10:00", 100)
    wh.invoice(west, "2026-03-03 18:00", 200)  # deadline Thu 5 March 18:00: 6 hours left
    wh.invoice(west, "2026-03-05 11:00", 50)
    wh.invoice(east, "2026-03-04 11:00", 113, recorded="2026-03-05 12:00")  # as-of Thu 12:00
    wh.analyse()

    got = views.pending_by_merchant(wh.con, Filters("2026-01", "2026-01"))  # range: not used
    assert got["merchant_id"].to_list() == [west, east]
    first = got.row(0, named=True)
    assert (first["merchant_name"], first["district"]) == ("西城测试商户有限公司", "西城区")
    assert (first["pending"], first["due_soon"]) == (2, 1)
    assert first["deadline_at"] == datetime(2026, 3, 5, 18, 0)
    assert first["workdays_left"] == pytest.approx(0.25)
    assert first["first_issued"] == datetime(2026, 3, 3, 18, 0)
    assert float(first["amount"]) == 250
    assert (first["merchants_total"], first["pending_total"], first["due_soon_total"]) == (2, 4, 1)
    assert float(first["amount_total"]) == 650
    second = got.row(1, named=True)
    assert (second["pending"], second["due_soon"], second["deadline_at"]) == (
        2,
        0,
        datetime(2026, 3, 9, 9, 0),
    )

    only_east = views.pending_by_merchant(
        wh.con, Filters("2026-03", "2026-03", districts=("东城区",))
    )
    assert only_east["merchant_id"].to_list() == [east]
    assert only_east["pending_total"].to_list() == [2]
    west_invoices = profile.merchant_pending(wh.con, west)
    assert west_invoices["total_amount"].cast(float).to_list() == [200, 50]  # nearest first
    assert west_invoices["deadline_at"].to_list() == [
        datetime(2026, 3, 5, 18, 0),
        datetime(2026, 3, 9, 11, 0),
    ]
    capped = views.pending_by_merchant(wh.con, Filters("2026-03", "2026-03"), limit=1)
    assert capped["merchant_id"].to_list() == [west]
    assert capped["merchants_total"].to_list() == [2]  # counted before the limit

    reminders.record(wh.con, [west], by="张三", channel="phone")
    got = views.pending_by_merchant(wh.con, Filters("2026-03", "2026-03"))
    assert got["not_reminded"].to_list() == [0, 2]
    assert got["not_reminded_total"].to_list() == [2, 2]


def test_the_reminder_list_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``fapiao-watch report pending``: every pending invoice, nearest deadline first, with
    Chinese headers; by district and by working days left; text cells escaped."""
    db = tmp_path / "w.duckdb"
    wh = TestWarehouse(warehouse.connect(db))
    east = wh.merchant(district="东城区", name="=东城测试商户")  # a formula-looking name
    west = wh.merchant(district="西城区", name="西城测试商户有限公司")
    late_east = wh.invoice(east, "2026-03-05 09:00", 300)  # deadline Mon 9 March 09:00
    soon_west = wh.invoice(west, "2026-03-03 18:00", 200)  # Thu 5 March 18:00: 0.25 left
    wh.invoice(east, "2026-03-04 11:00", 113, recorded="2026-03-05 12:00")  # as-of Thu 12:00
    wh.analyse()
    reminders.record(wh.con, [west], by="张三", channel="phone")  # the list says who called
    wh.con.close()

    out = tmp_path / "lists"
    args = ["report", "pending", "--db", str(db), "--format", "csv", "--out", f"{out}/"]
    assert cli.main(args) == 0
    line = capsys.readouterr().out.strip()
    path = out / "pending-entry-2026-03-05.csv"
    assert line == (
        f"wrote {path} ({path.stat().st_size:,} bytes): 2 invoices of 2 merchants pending "
        "entry as of 2026-03-05 12:00"
    )
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    assert [r["发票号码"] for r in rows] == [soon_west, late_east]
    assert rows[0].pop("上次催报时间").startswith("20")
    assert rows[0] == {
        "商户名称": "西城测试商户有限公司",
        "统一社会信用代码": west,
        "行政区": "西城区",
        "开票软件": "电子税务局（自行开具）",
        "发票号码": soon_west,
        "开票时间": "2026-03-03 18:00:00",
        "入库期限": "2026-03-05 18:00:00",
        "剩余工作日": "0.25",
        "价税合计（元）": "200.00",
        "催报人": "张三",
    }
    assert rows[1]["商户名称"] == "'=东城测试商户"  # no formula in a spreadsheet
    assert (rows[1]["上次催报时间"], rows[1]["催报人"]) == ("", "")  # never reminded

    soon = tmp_path / "soon.xlsx"  # the default format: ids stay text in a spreadsheet
    args = ["report", "pending", "--db", str(db), "--due-within", "1", "--out", str(soon)]
    assert cli.main(args) == 0
    assert "1 invoices of 1 merchants pending entry due within 1 working day" in (
        capsys.readouterr().out
    )
    sheet = pl.read_excel(soon)
    assert sheet["发票号码"].to_list() == [soon_west]
    assert sheet["统一社会信用代码"].to_list() == [west]
    calls = tmp_path / "calls.csv"  # the day's calls: what nobody reminded about yet
    args = ["report", "pending", "--db", str(db), "--not-reminded", "--format", "csv"]
    assert cli.main([*args, "--out", str(calls)]) == 0
    assert "1 invoices of 1 merchants pending entry, not reminded yet, as of" in (
        capsys.readouterr().out
    )
    call_rows = list(csv.DictReader(io.StringIO(calls.read_text("utf-8-sig"))))
    assert [r["发票号码"] for r in call_rows] == [late_east]
    by_district = tmp_path / "east.csv"
    args = ["report", "pending", "--db", str(db), "--district", "东城区", "--format", "csv"]
    args += ["--out", str(by_district)]
    assert cli.main(args) == 0
    east_rows = list(csv.DictReader(io.StringIO(by_district.read_text("utf-8-sig"))))
    assert [r["发票号码"] for r in east_rows] == [late_east]
    capsys.readouterr()
    assert cli.main(["status", "--db", str(db)]) == 0  # the operators' view says it too
    assert (
        "pending entry (deadline ahead): 2 invoices of 2 merchants, 1 due within 1 working "
        "day, 1 not reminded yet (fapiao-watch report pending)" in capsys.readouterr().out
    )


def test_the_reminder_list_needs_an_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "empty.duckdb"
    warehouse.connect(db).close()
    assert cli.main(["report", "pending", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == (
        "fapiao-watch report: no pending_entries table: run fapiao-watch analyse first"
    )
