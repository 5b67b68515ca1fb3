"""Reminders (催报): an official's record that a merchant was reminded of its invoices pending
entry, on hand-made rows, from the command line, and on Entry monitoring and the profile."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest
from apptest import errors, open_page, table_with
from factories import TestWarehouse, held_warehouse

from analytics import config, reminders, validation, views
from analytics.cli import main
from analytics.warehouse import WarehouseBusyError
from dashboard import cached
from dashboard.i18n import LABELS


def _merchant_row(con: duckdb.DuckDBPyConnection, merchant_id: str) -> dict[str, object]:
    frame = views.pending_merchants(con).filter(pl.col("merchant_id") == merchant_id)
    assert frame.height == 1
    return frame.row(0, named=True)


def test_a_reminder_covers_what_is_pending_and_later_invoices_count_as_not_reminded() -> None:
    wh = TestWarehouse()
    m, other = wh.merchant(), wh.merchant()
    first = wh.invoice(m, "2026-03-04 10:00", 100)
    second = wh.invoice(m, "2026-03-05 09:00", 200)
    wh.invoice(other, "2026-03-05 09:30", 300)
    wh.invoice(m, "2026-03-04 11:00", 113, recorded="2026-03-05 12:00")  # as-of Thu 12:00
    wh.analyse()
    row = _merchant_row(wh.con, m)
    assert (row["pending"], row["not_reminded"], row["reminders"]) == (2, 2, 0)
    assert row["last_reminded_at"] is None

    (done,) = reminders.record(wh.con, [m.lower()], by=" 张三 ", channel="phone", note="电话")
    assert (done.merchant_id, done.invoices, done.new) == (m, 2, True)
    row = _merchant_row(wh.con, m)
    assert (row["not_reminded"], row["reminders"]) == (0, 1)
    assert (row["last_reminded_by"], row["last_channel"]) == ("张三", "phone")
    assert _merchant_row(wh.con, other)["not_reminded"] == 1  # nobody reminded it
    as_of = wh.rows("select max(as_of) as t from analysis_runs")[0]["t"]
    stored = wh.rows("select invoice_nos, note, as_of from reminders")
    assert stored == [{"invoice_nos": sorted([first, second]), "note": "电话", "as_of": as_of}]

    # the next day: one of them reaches the tax system, a new invoice becomes pending
    wh.new_load()
    wh.tax_record(m, "2026-03-04 10:00", 100, recorded="2026-03-05 15:00", invoice_no=first)
    third = wh.invoice(m, "2026-03-05 16:00", 50)
    assert wh.analyse().mode == "incremental"
    row = _merchant_row(wh.con, m)
    assert (row["pending"], row["not_reminded"], row["reminders"]) == (2, 1, 1)
    history = reminders.history(wh.con, m)
    outcome = ["outcome_on_time", "outcome_late", "outcome_missing", "outcome_pending"]
    assert history.select("reminded_by", "channel", "invoices", *outcome).rows() == [
        ("张三", "phone", 2, 1, 0, 0, 1)  # the first entered by its deadline, one still pending
    ]
    # a second reminder covers the new one too; the history lists the newest first
    reminders.record(wh.con, [m], by="李四", channel="sms")
    assert _merchant_row(wh.con, m)["not_reminded"] == 0
    assert reminders.history(wh.con, m)["reminded_by"].to_list() == ["李四", "张三"]
    assert wh.rows("select invoice_nos from reminders where reminded_by = '李四'") == [
        {"invoice_nos": sorted([second, third])}
    ]

    # Wed 11 March: the third reaches the tax system late, the second never did (missing now)
    wh.new_load()
    wh.tax_record(m, "2026-03-05 16:00", 50, recorded="2026-03-11 10:00", invoice_no=third)
    wh.analyse()
    history = reminders.history(wh.con, m)
    assert history.select("reminded_by", *outcome).rows() == [
        ("李四", 0, 1, 1, 0),
        ("张三", 1, 0, 1, 0),
    ]
    counts = reminders.outcomes_in_scope(reminders.invoice_outcomes(wh.con), pl.lit(True))
    assert counts == {  # each invoice once, whatever the reminders that covered it
        "invoices": 3,
        "outcome_on_time": 1,
        "outcome_late": 1,
        "outcome_missing": 1,
        "outcome_other": 0,
        "outcome_pending": 0,
    }
    district = pl.col("district") == "no such district"
    assert (
        reminders.outcomes_in_scope(reminders.invoice_outcomes(wh.con), district)["invoices"] == 0
    )

    wh.analyse(full=True)  # people's records: no analysis drops them
    assert wh.rows("select count(*) as n from reminders") == [{"n": 2}]


def test_the_same_reminder_recorded_twice_is_kept_once() -> None:
    wh = TestWarehouse()
    m = wh.merchant()
    wh.invoice(m, "2026-03-05 09:00", 200)
    wh.invoice(m, "2026-03-04 11:00", 113, recorded="2026-03-05 12:00")
    wh.analyse()
    (once,) = reminders.record(wh.con, [m], by="张三", channel="phone")
    (again,) = reminders.record(wh.con, [m, m], by="张三", channel="phone", note="double click")
    assert (again.reminder_id, again.new) == (once.reminder_id, False)
    (other,) = reminders.record(wh.con, [m], by="张三", channel="visit")  # another way: a new one
    assert other.new
    assert other.reminder_id != once.reminder_id
    assert wh.rows("select count(*) as n from reminders") == [{"n": 2}]


@pytest.mark.parametrize(
    ("by", "channel", "who", "message"),
    [
        ("", "phone", "both", "who reminded is required"),
        ("张三", "fax", "both", "unknown channel 'fax'"),
        ("张三", "phone", "none", "no merchant chosen"),
        ("张三", "phone", "both+idle", "nothing is pending entry for 9111"),
        ("张三", "phone", "both+unknown", "not in the warehouse \\(no such merchant\\): 91110"),
    ],
)
def test_a_refused_reminder_writes_nothing(by: str, channel: str, who: str, message: str) -> None:
    wh = TestWarehouse()
    m, idle = wh.merchant(), wh.merchant()
    wh.invoice(m, "2026-03-05 09:00", 200)
    wh.invoice(idle, "2026-03-04 11:00", 113, recorded="2026-03-05 12:00")  # entered: nothing due
    wh.analyse()
    unknown = "91110000000000000E"  # a well-formed USCC the registry does not hold
    assert validation.taxpayer_id_problem(unknown) is None
    chosen = {"both": [m], "none": [" "], "both+idle": [m, idle], "both+unknown": [m, unknown]}[who]
    with pytest.raises(reminders.ReminderError, match=message):
        reminders.record(wh.con, chosen, by=by, channel=channel)
    assert wh.rows("select count(*) as n from reminders") == [{"n": 0}]


def test_no_reminder_before_an_analysis() -> None:
    wh = TestWarehouse()
    m = wh.merchant()
    wh.invoice(m, "2026-03-05 09:00", 200)
    with pytest.raises(reminders.ReminderError, match="run `fapiao-watch analyse` first"):
        reminders.record(wh.con, [m], by="张三", channel="phone")


@pytest.fixture
def live_copy(live_feed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the live-feed warehouse (these tests write), named by
    ``FAPIAO_WATCH_DB``."""
    target = tmp_path / "wh"
    shutil.copytree(live_feed_db.parent, target)
    db = target / live_feed_db.name
    monkeypatch.setenv(config.ENV_DB, str(db))
    return db


def _serving(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(config.settings(db).serving_path), read_only=True)


def test_reminders_from_the_command_line_are_published(
    live_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = _serving(live_copy)
    try:
        pending = views.pending_merchants(snapshot)
    finally:
        snapshot.close()
    assert pending["reminders"].sum() == 0
    assert (pending["not_reminded"] == pending["pending"]).all()
    first, second = pending["merchant_id"].head(2).to_list()
    args = ["remind", "--db", str(live_copy), "--merchant", first, "--merchant", second]
    assert main([*args, "--by", "王五", "--channel", "sms", "--note", "短信提醒"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0].startswith(f"{first}: reminder #")
    assert out[0].endswith("recorded")
    assert main([*args, "--by", "王五", "--channel", "sms"]) == 0  # a cron line run twice
    assert capsys.readouterr().out.count("already recorded today") == 2

    snapshot = _serving(live_copy)  # the dashboard's copy has them
    try:
        row = _merchant_row(snapshot, first)
        history = reminders.history(snapshot, first)
    finally:
        snapshot.close()
    assert (row["not_reminded"], row["reminders"], row["last_reminded_by"]) == (0, 1, "王五")
    assert history.select("channel", "note").rows() == [("sms", "短信提醒")]
    assert history["outcome_pending"].to_list() == history["invoices"].to_list()

    assert main(["remind", "--db", str(live_copy), "--merchant", "X", "--by", "王五"]) == 2
    assert capsys.readouterr().err.strip() == (
        "fapiao-watch remind: X: 1 character(s); a USCC has 18 (legacy ids 15 or 20)"
    )


def test_a_snapshot_without_reminders_counts_every_pending_invoice(live_copy: Path) -> None:
    serving = config.settings(live_copy).serving_path
    con = duckdb.connect(str(serving))
    try:
        con.execute("drop table if exists reminders")
        pending = views.pending_merchants(con)
        history = reminders.history(con, pending["merchant_id"][0])
    finally:
        con.close()
    assert pending.height > 0
    assert (pending["not_reminded"] == pending["pending"]).all()
    assert pending["last_reminded_at"].null_count() == pending.height
    assert history.is_empty()


def test_recording_reminders_on_entry_monitoring_and_seeing_them_on_the_profile(
    live_copy: Path,
) -> None:
    def label(key: str, **kw: object) -> str:
        return LABELS[key][0].format(**kw)

    at = open_page("entry_monitoring")
    assert errors(at) == []
    table = table_with(at, label("reminders.not_reminded"))
    listed = table[label("reminders.not_reminded")].tolist()
    assert listed == table[label("entry_monitoring.pending.count")].tolist()  # nobody reminded

    assert at.button(key="em_remind_save").disabled  # nothing chosen
    at.button(key="em_remind_due").click().run()
    chosen = at.multiselect(key="em_remind_pick").value
    assert chosen  # the live feed has invoices due within a working day
    at.text_input(key="em_remind_who").set_value("").run()
    at.button(key="em_remind_save").click().run()
    assert [e.value for e in at.error] == [label("reminders.who_required")]

    at.text_input(key="em_remind_who").set_value("赵六")
    at.selectbox(key="em_remind_channel").set_value("visit")
    at.text_input(key="em_remind_note").set_value("上门提醒")
    at.button(key="em_remind_save").click().run()
    assert errors(at) == []
    assert [s.value for s in at.success] == [label("reminders.done", n=len(chosen), by="赵六")]
    assert at.multiselect(key="em_remind_pick").value == []
    assert at.button(key="em_remind_due").label == label("reminders.pick_due", n=0)
    table = table_with(at, label("reminders.not_reminded"))
    reminded = table[table[label("common.merchant_id")].isin(chosen)]
    assert set(reminded[label("reminders.who")]) == {"赵六"}
    assert set(reminded[label("reminders.not_reminded")]) == {0}
    invoices = int(reminded[label("entry_monitoring.pending.count")].sum())
    n = {"invoices": invoices, "outcome_pending": invoices}
    n |= {f"outcome_{o}": 0 for o in ("on_time", "late", "missing", "other")}
    assert label("reminders.outcomes", **n) in [c.value for c in at.caption]

    at = open_page("merchant_profile", merchant=chosen[0])
    assert errors(at) == []
    history = table_with(at, label("reminders.col.at"))
    assert history[label("reminders.who")].tolist() == ["赵六"]
    assert history[label("reminders.outcome.pending")].tolist() == (
        history[label("reminders.col.invoices")].tolist()
    )  # the live feed's snapshot does not move on
    assert history[label("reminders.col.channel")].tolist() == [label("reminders.channel.visit")]
    assert history[label("reminders.note")].tolist() == ["上门提醒"]


def test_a_busy_warehouse_is_refused_plainly_and_nothing_is_written(
    live_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = _serving(live_copy)
    try:
        merchant = views.pending_merchants(snapshot)["merchant_id"][0]
    finally:
        snapshot.close()
    with held_warehouse(live_copy), pytest.raises(WarehouseBusyError):  # ingest or analyse
        reminders.record_all([merchant], by="张三", channel="phone", db=live_copy, timeout_s=0.3)
    con = duckdb.connect(str(live_copy), read_only=True)
    try:
        assert con.execute("select count(*) from reminders").fetchall() == [(0,)]
    finally:
        con.close()

    def refuse(kind: type[Exception]) -> Callable[..., object]:
        def record(*_: object, **__: object) -> object:
            raise kind("refused")

        return record

    at = open_page("entry_monitoring")
    for kind, key in (
        (WarehouseBusyError, "reminders.busy"),
        (reminders.ReminderError, "reminders.stale"),
    ):
        monkeypatch.setattr(cached, "record_reminders", refuse(kind))
        at.multiselect(key="em_remind_pick").set_value([merchant]).run()
        at.text_input(key="em_remind_who").set_value("Wang")
        at.button(key="em_remind_save").click().run()
        assert errors(at) == []
        assert [e.value for e in at.error] == [LABELS[key][0]]
        assert at.multiselect(key="em_remind_pick").value == [merchant]  # kept to try again
