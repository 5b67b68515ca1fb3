"""Reconciliation statuses, reasons and the set-wise working clock, on hand-made rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import polars as pl
import pytest
from factories import TestWarehouse

from analytics import reconcile
from analytics.context import Context
from analytics.workdays import calendar_frame, workdays_between

# (issued, recorded) pairs around weekends, the 2026 Spring Festival (15-23 Feb off, Sat 14 Feb
# and Sat 28 Feb worked) and National Day (1-7 Oct off, Sat 10 Oct worked).
CLOCK_CASES = [
    ("2026-03-02 10:00", "2026-03-02 15:00"),  # same working day
    ("2026-03-06 17:00", "2026-03-09 09:00"),  # over a weekend
    ("2026-03-07 11:00", "2026-03-09 12:00"),  # issued on a Saturday
    ("2026-03-30 17:05", "2026-04-03 09:12"),  # the reason example: 3.7 working days
    ("2026-02-13 18:00", "2026-02-24 09:00"),  # Spring Festival: 1.625
    ("2026-02-14 09:00", "2026-02-25 09:00"),  # issued on the make-up Saturday
    ("2026-02-16 10:00", "2026-02-27 10:00"),  # issued during the holiday
    ("2026-02-27 12:00", "2026-03-02 12:00"),  # over the make-up Saturday 28 Feb
    ("2026-09-30 10:00", "2026-10-09 20:00"),  # National Day: late
    ("2026-09-30 10:00", "2026-10-08 23:00"),  # National Day: on time
    ("2026-10-09 16:00", "2026-10-12 08:00"),  # over the make-up Saturday 10 Oct
    ("2026-03-02 10:00", "2026-03-04 10:00"),  # exactly 2 working days
    ("2026-03-02 10:00", "2026-03-02 09:00"),  # recorded before issued: negative
]


@pytest.fixture
def wh() -> TestWarehouse:
    return TestWarehouse()


def test_working_clock_matches_workdays_between(wh: TestWarehouse) -> None:
    m = wh.merchant()
    nos = [wh.invoice(m, issued, 100, recorded=recorded) for issued, recorded in CLOCK_CASES]
    wh.analyse()
    for no, (issued, recorded) in zip(nos, CLOCK_CASES, strict=True):
        expected = workdays_between(
            datetime.fromisoformat(issued), datetime.fromisoformat(recorded)
        )
        assert wh.recon(no)["delay_workdays"] == pytest.approx(expected, abs=1e-9), (
            issued,
            recorded,
        )


def test_spring_festival_counts_only_working_time(wh: TestWarehouse) -> None:
    m = wh.merchant()
    # Fri 13 Feb 18:00 -> Tue 24 Feb 09:00: 6 h of Friday, all of Saturday 14 Feb (调休),
    # 9 h of the 24th = 0.25 + 1 + 0.375 working days.
    no = wh.invoice(m, "2026-02-13 18:00", 100, recorded="2026-02-24 09:00")
    wh.analyse()
    row = wh.recon(no)
    assert row["delay_workdays"] == pytest.approx(1.625)
    assert row["status"] == "entered_on_time"
    assert (
        row["reason_en"]
        == "issued 2026-02-13 18:00, recorded 2026-02-24 09:00: 1.6 working days <= 2"
    )


def test_national_day_late_and_deadline(wh: TestWarehouse) -> None:
    m = wh.merchant()
    late = wh.invoice(m, "2026-09-30 10:00", 100, recorded="2026-10-09 20:00")
    in_time = wh.invoice(m, "2026-09-30 10:00", 100, recorded="2026-10-08 23:00")
    wh.analyse()
    # 14 h of 30 Sep + 8 Oct + 20 h of 9 Oct = 7/12 + 1 + 5/6 working days
    assert wh.recon(late)["delay_workdays"] == pytest.approx(7 / 12 + 1 + 5 / 6)
    assert wh.status(late) == "entered_late"
    assert wh.status(in_time) == "entered_on_time"
    # add_workdays(30 Sep, 2) == 9 Oct: two working days after 10:00 on 30 Sep is 10:00 on 9 Oct
    assert wh.recon(late)["deadline_at"] == datetime(2026, 10, 9, 10, 0)


def test_late_exactly_when_recorded_after_the_deadline(wh: TestWarehouse) -> None:
    """One clock for the deadline and for lateness: an entry by the deadline shown is on time,
    one after it late, including in the evening of the deadline day (Fri 6 March 16:35 is due
    Tue 10 March 16:35, not at the end of that Tuesday)."""
    m = wh.merchant()
    at = wh.invoice(m, "2026-03-06 16:35", 100, recorded="2026-03-10 16:35")
    evening = wh.invoice(m, "2026-03-06 16:35", 100, recorded="2026-03-10 23:52")
    # issued on a rest day (Sun 8 March): due at the end of the 2nd working day after, Tue 10th
    sunday = wh.invoice(m, "2026-03-08 11:00", 100, recorded="2026-03-10 23:52")
    wh.analyse()
    assert wh.recon(at)["deadline_at"] == datetime(2026, 3, 10, 16, 35)
    assert (wh.status(at), wh.recon(at)["delay_workdays"]) == ("entered_on_time", 2.0)
    assert wh.status(evening) == "entered_late"
    assert wh.recon(sunday)["deadline_at"] == datetime(2026, 3, 11)
    assert wh.status(sunday) == "entered_on_time"
    rows = wh.rows(
        "select status, recorded_at, deadline_at from recon_issued_facts where is_recorded"
    )
    for row in rows:
        assert (row["status"] == "entered_late") == (row["recorded_at"] > row["deadline_at"])


def test_reason_in_words_example(wh: TestWarehouse) -> None:
    m = wh.merchant()
    no = wh.invoice(m, "2026-03-30 17:05", 100, recorded="2026-04-03 09:12")
    wh.analyse()
    row = wh.recon(no)
    assert (
        row["reason_en"]
        == "issued 2026-03-30 17:05, recorded 2026-04-03 09:12: 3.7 working days > 2"
    )
    assert row["reason_zh"] == (
        "开票 2026-03-30 17:05，入库 2026-04-03 09:12：3.7 个工作日，超过 2 个工作日"
    )


def test_march_invoice_recorded_in_april_is_late_for_march(wh: TestWarehouse) -> None:
    m = wh.merchant()
    no = wh.invoice(m, "2026-03-30 17:05", 100, recorded="2026-04-03 09:12")
    wh.invoice(m, "2026-04-03 09:00", 100, recorded="2026-04-03 09:30")
    wh.analyse()
    row = wh.recon(no)
    assert (row["status"], row["period"], row["quarter"]) == ("entered_late", "2026-03", "2026-Q1")
    march = wh.metrics(m, "2026-03")
    assert (march["late_count"], march["missing_count"], march["invoices_issued"]) == (1, 0, 1)
    assert wh.metrics(m, "2026-04")["late_count"] == 0


def test_pending_until_the_deadline_then_missing(wh: TestWarehouse) -> None:
    m = wh.merchant()
    old = wh.invoice(m, "2026-03-02 10:00", 100)  # deadline Wed 4 March 10:00
    fresh = wh.invoice(m, "2026-03-05 10:00", 100)  # deadline Mon 9 March 10:00
    wh.invoice(m, "2026-03-06 09:00", 100, recorded="2026-03-06 12:00")  # as-of = 6 Mar 12:00
    wh.analyse()
    assert wh.status(old) == "missing_in_system"
    assert wh.status(fresh) == "pending_entry"
    assert wh.recon(fresh)["reason_en"] == (
        "issued 2026-03-05 10:00, not yet in the tax system; deadline 2026-03-09 10:00"
    )
    assert wh.recon(old)["reason_en"] == (
        "issued 2026-03-02 10:00, not in the tax system by the deadline 2026-03-04 10:00"
    )
    assert wh.recon(old)["reason_zh"] == (
        "开票 2026-03-02 10:00，截至入库期限 2026-03-04 10:00 仍未入库"
    )
    metrics = wh.metrics(m, "2026-03")
    assert (metrics["invoices_pending"], metrics["invoices_due"]) == (1, 2)
    assert metrics["entry_rate"] == pytest.approx(1 / 2)  # pending is out of the denominator

    # at its deadline an entry would still be on time; a minute later it would be late
    wh.analyse(as_of=datetime(2026, 3, 9, 10, 0))
    assert wh.status(fresh) == "pending_entry"
    wh.analyse(as_of=datetime(2026, 3, 9, 10, 1))
    assert wh.status(fresh) == "missing_in_system"


def test_a_pending_duplicate_turns_missing_when_the_as_of_time_moves(wh: TestWarehouse) -> None:
    """A duplicate not yet entered is pending too (counted, and on the pending list): when it is
    the only pending invoice of its month, moving the as-of time past its deadline must still
    recompute that month."""
    m = wh.merchant()
    buyer = "某某科技有限公司"
    wh.invoice(m, "2026-03-30 10:00", 88, buyer_name=buyer, recorded="2026-03-30 11:00")
    dup = wh.invoice(m, "2026-03-30 10:05", 88, buyer_name=buyer)
    wh.analyse(as_of=datetime(2026, 3, 31, 12, 0))
    assert wh.status(dup) == "duplicate"
    before = wh.metrics(m, "2026-03")
    assert (before["invoices_pending"], before["missing_count"]) == (1, 0)
    assert wh.rows("select invoice_no from pending_entries") == [{"invoice_no": dup}]
    moved = wh.analyse(as_of=datetime(2026, 4, 3, 12, 0))  # past its deadline, end of 1 April
    assert moved.months == ("2026-03",)
    after = wh.metrics(m, "2026-03")
    assert (after["invoices_pending"], after["missing_count"]) == (0, 1)
    assert wh.rows("select invoice_no from pending_entries") == []


def test_records_after_the_as_of_time_are_not_yet_received(wh: TestWarehouse) -> None:
    m = wh.merchant()
    no = wh.invoice(m, "2026-03-02 10:00", 100, recorded="2026-03-20 10:00")
    wh.analyse(as_of=datetime(2026, 3, 3, 12, 0))
    assert wh.status(no) == "pending_entry"
    wh.analyse(full=True)  # default as-of: the latest 入库 time
    assert wh.status(no) == "entered_late"


def test_deadline_is_overridable_per_call(wh: TestWarehouse) -> None:
    m = wh.merchant()
    no = wh.invoice(m, "2026-03-30 17:05", 100, recorded="2026-04-03 09:12")
    wh.analyse(deadline_workdays=5)
    row = wh.recon(no)
    assert (row["status"], row["deadline_workdays"]) == ("entered_on_time", 5)
    assert row["reason_en"].endswith("3.7 working days <= 5")


def test_amount_mismatch_beyond_one_fen(wh: TestWarehouse) -> None:
    m = wh.merchant()
    ok = wh.invoice(
        m, "2026-03-02 10:00", "100.00", recorded="2026-03-02 11:00", recorded_total="100.01"
    )
    bad = wh.invoice(
        m, "2026-03-02 10:00", "100.00", recorded="2026-03-02 11:00", recorded_total="90.00"
    )
    late_and_bad = wh.invoice(
        m, "2026-03-02 10:00", "50.00", recorded="2026-03-10 11:00", recorded_total="40.00"
    )
    wh.analyse()
    assert wh.status(ok) == "entered_on_time"
    assert wh.status(bad) == "amount_mismatch"
    assert wh.recon(bad)["reason_en"] == "价税合计 issued 100.00, recorded 90.00: differs by 10.00"
    assert wh.status(late_and_bad) == "amount_mismatch"  # mismatch outranks late
    assert wh.recon(late_and_bad)["is_late"] is True


def test_duplicate_for_the_same_payment(wh: TestWarehouse) -> None:
    m = wh.merchant()
    wh.payment(m, "2026-03-02 09:55", 100, payment_id="PAY1")
    first = wh.invoice(m, "2026-03-02 10:00", 100, payment_id="PAY1", recorded="2026-03-02 10:30")
    second = wh.invoice(m, "2026-03-03 10:00", 100, payment_id="PAY1")  # never recorded
    wh.invoice(m, "2026-03-10 10:00", 5, recorded="2026-03-10 10:30")  # as-of: 10 March
    wh.analyse()
    assert wh.status(first) == "entered_on_time"
    row = wh.recon(second)
    # duplicate outranks missing, and the reason names the first invoice
    assert (row["status"], row["is_missing"], row["matched_on"]) == (
        "duplicate",
        True,
        "payment_id",
    )
    assert row["duplicate_of"] == first
    assert row["reason_en"] == (
        f"second invoice for payment PAY1: duplicate of {first} issued 2026-03-02 10:00"
    )


def test_reissue_after_red_reversal_is_not_a_duplicate(wh: TestWarehouse) -> None:
    m = wh.merchant()
    wh.payment(m, "2026-03-02 09:55", 100, payment_id="PAY1")
    first = wh.invoice(m, "2026-03-02 10:00", 100, payment_id="PAY1", recorded="2026-03-02 10:30")
    red = wh.invoice(m, "2026-03-02 11:00", -100, red_of=first, recorded="2026-03-02 11:10")
    again = wh.invoice(m, "2026-03-02 11:05", 100, payment_id="PAY1", recorded="2026-03-02 11:15")
    wh.analyse()
    assert wh.status(again) == "entered_on_time"
    assert wh.status(red) == "entered_on_time"  # red invoices are judged for entry like any other
    assert wh.status("PAY1", "payment") == "invoiced"


def test_duplicate_same_buyer_and_total_within_ten_minutes(wh: TestWarehouse) -> None:
    m = wh.merchant()
    rec = "2026-03-02 12:00"
    a = wh.invoice(m, "2026-03-02 10:00", 88, buyer_name="某某科技有限公司", recorded=rec)
    b = wh.invoice(m, "2026-03-02 10:07", 88, buyer_name="某某科技有限公司", recorded=rec)
    c = wh.invoice(m, "2026-03-02 10:30", 88, buyer_name="某某科技有限公司", recorded=rec)
    other_total = wh.invoice(m, "2026-03-02 10:31", 89, buyer_name="某某科技有限公司", recorded=rec)
    anon1 = wh.invoice(m, "2026-03-02 10:00", 35, recorded=rec)
    anon2 = wh.invoice(m, "2026-03-02 10:02", 35, recorded=rec)  # no buyer: never matched
    wh.analyse()
    assert [wh.status(x) for x in (a, b, c, other_total, anon1, anon2)] == [
        "entered_on_time",
        "duplicate",
        "entered_on_time",  # 23 minutes after b
        "entered_on_time",
        "entered_on_time",
        "entered_on_time",
    ]
    row = wh.recon(b)
    assert (row["duplicate_of"], row["matched_on"]) == (a, "buyer_total")
    assert row["reason_en"] == (
        f"same buyer 某某科技有限公司 and 价税合计 88.00 as {a} issued 2026-03-02 10:00, "
        "within 10 minutes"
    )


def test_duplicate_across_a_month_boundary(wh: TestWarehouse) -> None:
    m = wh.merchant()
    first = wh.invoice(
        m, "2026-03-31 23:58", 60, buyer_tax_id="91110000MA0000000X", recorded="2026-04-01 09:00"
    )
    later = wh.invoice(
        m, "2026-04-01 00:03", 60, buyer_tax_id="91110000MA0000000X", recorded="2026-04-01 09:00"
    )
    wh.analyse()
    assert (wh.status(first), wh.status(later)) == ("entered_on_time", "duplicate")


def test_tax_records_with_and_without_twin(wh: TestWarehouse) -> None:
    m = wh.merchant()
    twin = wh.invoice(m, "2026-03-30 17:05", 100, recorded="2026-04-03 09:12")
    orphan = wh.tax_record(m, "2026-03-05 10:00", 70, recorded="2026-03-05 12:00")
    wh.analyse()
    row = wh.recon(twin, "tax_record")
    assert (row["status"], row["matched_on"]) == ("entered_late", "invoice_no")
    row = wh.recon(orphan, "tax_record")
    assert (row["status"], row["matched_on"], row["merchant_id"]) == (
        "missing_in_merchant_log",
        "none",
        m,
    )
    assert "not in the merchant's invoicing log" in row["reason_en"]
    assert wh.metrics(m, "2026-03")["merchant_log_missing_count"] == 1


def test_payments_invoiced_under_invoiced_and_not_invoiced(wh: TestWarehouse) -> None:
    m = wh.merchant()
    rec = "2026-03-03 09:00"
    full = wh.payment(m, "2026-03-02 09:00", "100.00")
    wh.invoice(m, "2026-03-02 09:05", "99.99", payment_id=full, recorded=rec)  # within 0.01
    short = wh.payment(m, "2026-03-02 10:00", "128.00")
    wh.invoice(m, "2026-03-02 10:05", "100.00", payment_id=short, recorded=rec)
    none = wh.payment(m, "2026-03-02 11:00", "50.00")
    wh.payment(m, "2026-03-02 12:00", "30.00", requested=False)  # not a subject
    wh.analyse()
    assert wh.status(full, "payment") == "invoiced"
    row = wh.recon(short, "payment")
    assert (row["status"], row["difference"], row["matched_on"]) == (
        "under_invoiced",
        pytest.approx(28),
        "payment_id",
    )
    assert row["reason_en"] == "paid 128.00 on 2026-03-02 10:00; invoiced 100.00 net: 28.00 short"
    row = wh.recon(none, "payment")
    assert (row["status"], row["matched_on"]) == ("not_invoiced", "none")
    assert wh.rows("select count(*) as n from reconciliation where subject = 'payment'") == [
        {"n": 3}
    ]


def test_red_invoices_net_against_their_original_payment(wh: TestWarehouse) -> None:
    m = wh.merchant()
    rec = "2026-03-03 09:00"
    pay = wh.payment(m, "2026-03-02 09:00", "100.00")
    first = wh.invoice(m, "2026-03-02 09:05", "100.00", payment_id=pay, recorded=rec)
    # the red invoice carries no payment id: it nets through its original
    wh.invoice(m, "2026-03-02 15:00", "-100.00", red_of=first, recorded=rec)
    wh.invoice(m, "2026-03-02 15:05", "80.00", payment_id=pay, recorded=rec)
    wh.analyse()
    row = wh.recon(pay, "payment")
    assert row["status"] == "under_invoiced"
    assert (row["total_issued"], row["invoices_linked"], row["red_linked"]) == (80, 2, 1)
    assert row["reason_zh"] == "2026-03-02 09:00 付款 100.00；开票净额 80.00，少开 20.00"


def test_voided_invoices_keep_entry_status_but_leave_rates_and_duplicates(
    wh: TestWarehouse,
) -> None:
    m = wh.merchant()
    wh.payment(m, "2026-03-02 09:00", 100, payment_id="PV")
    void = wh.invoice(
        m,
        "2026-03-02 09:05",
        100,
        payment_id="PV",
        void=True,
        recorded="2026-03-02 10:00",
        tax_status="已作废",
    )
    good = wh.invoice(m, "2026-03-02 09:10", 100, payment_id="PV", recorded="2026-03-02 10:00")
    wh.analyse()
    assert wh.status(void) == "entered_on_time"
    assert wh.recon(void)["reason_en"].startswith("voided (作废) invoice; ")
    assert wh.status(good) == "entered_on_time"  # not a duplicate of the voided one
    metrics = wh.metrics(m, "2026-03")
    assert (metrics["invoices_issued"], metrics["invoices_voided"]) == (1, 1)
    assert metrics["amount_issued"] == 100


def test_record_without_time_counts_as_entered(wh: TestWarehouse) -> None:
    m = wh.merchant()
    no = wh.invoice(m, "2026-03-02 09:05", 100)
    wh.tax_record(m, "2026-03-02 09:05", 100, recorded=None, invoice_no=no)
    wh.invoice(m, "2026-03-05 09:05", 100, recorded="2026-03-05 10:00")
    wh.analyse()
    row = wh.recon(no)
    assert (row["status"], row["delay_workdays"]) == ("entered_on_time", None)
    assert "recording time unknown" in row["reason_en"]


def test_every_subject_has_exactly_one_status(wh: TestWarehouse) -> None:
    m = wh.merchant()
    n = wh.merchant()
    for i in range(6):
        wh.invoice(m, f"2026-03-0{i + 2} 10:00", 10 + i, recorded=f"2026-03-0{i + 3} 10:00")
        wh.invoice(n, f"2026-03-0{i + 2} 11:00", 10 + i)
        wh.payment(n, f"2026-03-0{i + 2} 12:00", 20, requested=i % 2 == 0)
    wh.tax_record(n, "2026-03-04 10:00", 5, recorded="2026-03-04 11:00")
    wh.analyse()
    counts = wh.rows(
        "select subject, count(*) as n, count(distinct subject_id) as ids, "
        "count(*) filter (where status is null or reason_en is null or reason_zh is null) as bad "
        "from reconciliation group by subject order by subject"
    )
    assert counts == [
        {"subject": "issued", "n": 12, "ids": 12, "bad": 0},
        {"subject": "payment", "n": 3, "ids": 3, "bad": 0},
        {"subject": "tax_record", "n": 7, "ids": 7, "bad": 0},
    ]
    statuses = {r["status"] for r in wh.rows("select distinct status from reconciliation")}
    assert statuses <= set(reconcile.STATUSES)


def test_deadline_in_a_year_without_holiday_table_stays_pending(wh: TestWarehouse) -> None:
    m = wh.merchant()
    no = wh.invoice(m, "2026-12-30 10:00", 100)  # 2nd working day after falls in 2027
    wh.invoice(m, "2026-12-31 09:00", 100, recorded="2026-12-31 10:00")
    wh.analyse()
    row = wh.recon(no)
    assert (row["status"], row["deadline_at"]) == ("pending_entry", None)
    assert "no holiday table" in row["reason_en"]
    # on the pending list with its deadline unknown, so never counted as due soon
    listed = wh.rows("select invoice_no, deadline_at, workdays_left from pending_entries")
    assert listed == [{"invoice_no": no, "deadline_at": None, "workdays_left": None}]


def test_with_deadlines_is_the_nth_working_day_after() -> None:
    frame = calendar_frame(date(2026, 9, 25), date(2026, 10, 20)).lazy()
    out = reconcile.with_deadlines(frame, 2).collect()
    deadline = dict(zip(out["day"].to_list(), out["deadline_day"].to_list(), strict=True))
    assert deadline[date(2026, 9, 30)] == date(2026, 10, 9)
    assert deadline[date(2026, 10, 3)] == date(2026, 10, 9)  # holiday: 8 and 9 Oct
    assert deadline[date(2026, 10, 9)] == date(2026, 10, 12)  # Sat 10 Oct is worked
    assert deadline[date(2026, 10, 20)] is None  # beyond the calendar
    same_day = reconcile.with_deadlines(frame, 0).collect()
    assert same_day.filter(pl.col("day") == date(2026, 10, 9))["deadline_day"].item() == date(
        2026, 10, 9
    )
    with pytest.raises(ValueError, match=">= 0"):
        reconcile.with_deadlines(frame, -1)


def test_months_with_a_gap_leave_the_gap_alone(wh: TestWarehouse) -> None:
    """An incremental scope with a gap (January and March): the month between is neither
    read nor replaced, though it lies inside the scan's [lo, hi) range."""
    m = wh.merchant()
    rec = {"jan": "2026-01-06 09:00", "feb": "2026-02-03 09:00", "mar": "2026-03-03 09:00"}
    for recorded in rec.values():
        wh.invoice(m, f"{recorded[:8]}02 10:00", 100, recorded=recorded)
        wh.payment(m, f"{recorded[:8]}02 09:00", "100.00")
    wh.analyse()
    ctx = Context(
        as_of=datetime(2026, 3, 31), deadline_workdays=2, full=False, months=("2026-01", "2026-03")
    )
    for table in reconcile.FACT_TABLES:
        wh.con.execute(f"delete from {table}").fetchall()
    reconcile.run_stage(wh.con, ctx)
    periods = wh.rows("select subject, period from recon_facts order by all")
    assert {(r["subject"], r["period"]) for r in periods} == {
        ("issued", "2026-01"), ("issued", "2026-03"), ("payment", "2026-01"), ("payment", "2026-03")
    }  # fmt: skip
    assert len(periods) == 4


def test_a_payment_whose_invoice_only_the_tax_system_has_is_invoiced(wh: TestWarehouse) -> None:
    """The log lost the invoice (a broken export): the tax record of the same seller and
    价税合计, issued within the grace period after the payment, is its invoice."""
    m = wh.merchant()
    pay = wh.payment(m, "2026-03-02 09:00", "50.00")
    record = wh.tax_record(m, "2026-03-02 09:02", "50.00", recorded="2026-03-02 09:30")
    wh.analyse()
    row = wh.recon(pay, "payment")
    assert (row["status"], row["matched_on"], row["total_issued"], row["difference"]) == (
        "invoiced",
        "amount_time",
        pytest.approx(50),
        pytest.approx(0),
    )
    assert row["reason_en"] == (
        "paid 50.00 on 2026-03-02 09:00; no invoice in the merchant's invoicing log, but the "
        f"tax system has {record} for the same 价税合计, issued 2026-03-02 09:02"
    )
    assert row["reason_zh"] == (
        f"2026-03-02 09:00 付款 50.00；商户开票记录中没有，税务系统有同额发票 {record}"
        "（开票 2026-03-02 09:02）"
    )
    # the log still lacks the invoice: that stays the merchant's finding, now with its payment
    row = wh.recon(record, "tax_record")
    assert (row["status"], row["matched_on"], row["payment_id"]) == (
        "missing_in_merchant_log",
        "amount_time",
        pay,
    )
    assert row["reason_en"].endswith(
        f"not in the merchant's invoicing log; the invoice of payment {pay} "
        "(paid 2026-03-02 09:00, same 价税合计)"
    )
    assert row["reason_zh"].endswith(
        f"商户开票记录中没有；对应付款 {pay}（2026-03-02 09:00 付款，金额相同）"
    )
    march = wh.metrics(m, "2026-03")
    assert (march["not_invoiced_count"], march["merchant_log_missing_count"]) == (0, 1)
    assert wh.rows(
        "select count(*) as n from check_violations where check_id = 'payment_not_invoiced'"
    ) == [{"n": 0}]


def test_tax_records_that_cannot_be_the_payments_invoice_are_not_matched(
    wh: TestWarehouse,
) -> None:
    m = wh.merchant()
    other = wh.merchant()
    # case: (paid, the record's changes); each case has its own amount, so none can cross-match
    cases: dict[str, tuple[str, dict[str, str]]] = {
        "other amount": ("2026-03-02 09:00", {"total": "-0.01"}),
        "before the payment": ("2026-03-03 09:00", {"issued": "2026-03-03 08:59"}),
        "after the grace period": ("2026-03-04 09:00", {"issued": "2026-03-11 09:00"}),
        "voided": ("2026-03-05 09:00", {"status": "已作废"}),
        "reversed": ("2026-03-06 09:00", {"status": "已红冲-全额"}),
        "other seller": ("2026-03-09 09:00", {"seller": other}),
    }
    pays = {}
    for i, (case, (paid, record)) in enumerate(cases.items()):
        amount = Decimal(50 + i)
        pays[case] = wh.payment(m, paid, amount)
        wh.tax_record(
            record.get("seller", m),
            record.get("issued", paid[:11] + "10:00"),
            amount + Decimal(record.get("total", "0")),
            recorded="2026-03-12 10:00",
            status=record.get("status", "正常"),
        )
    twin_pay = wh.payment(m, "2026-03-10 09:00", "40.00")  # its record has a twin in the log
    wh.invoice(m, "2026-03-10 09:05", "40.00", recorded="2026-03-10 09:30")
    wh.analyse()
    for case, pay in pays.items():
        assert wh.status(pay, "payment") == "not_invoiced", case
    assert wh.status(twin_pay, "payment") == "not_invoiced"
    # every record but the reversed one's twin-less: each is there and was passed over
    assert wh.rows(
        "select count(*) as n from reconciliation where subject = 'tax_record' "
        "and status = 'missing_in_merchant_log'"
    ) == [{"n": 6}]


def test_the_closest_payment_and_tax_record_are_matched_once(wh: TestWarehouse) -> None:
    """Two payments of 50.00 and one record the log lacks: the record goes to the payment just
    before it; the earlier payment keeps looking unpaid (each is matched at most once)."""
    m = wh.merchant()
    early = wh.payment(m, "2026-03-02 09:00", "50.00")
    near = wh.payment(m, "2026-03-02 11:00", "50.00")
    record = wh.tax_record(m, "2026-03-02 11:05", "50.00", recorded="2026-03-02 12:00")
    # a payment with its own invoice in the log never takes a record from the unlinked ones
    linked = wh.payment(m, "2026-03-02 11:04", "50.00")
    wh.invoice(m, "2026-03-02 11:06", "50.00", payment_id=linked, recorded="2026-03-02 12:00")
    wh.analyse()
    assert wh.recon(near, "payment")["reason_en"].endswith(
        f"has {record} for the same 价税合计, issued 2026-03-02 11:05"
    )
    assert (wh.status(early, "payment"), wh.status(near, "payment")) == ("not_invoiced", "invoiced")
    assert wh.recon(linked, "payment")["matched_on"] == "payment_id"
