"""analyse: incremental by period, equal to a full run, idempotent, extensible, from the CLI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from factories import TestWarehouse

from analytics import cli, periods, pipeline, warehouse
from analytics.context import Context, Stage

# Result tables and a total order for comparing them whole.
TABLES = {
    "recon_facts": "all",
    "merchant_period_metrics": "all",
    "rollup_metrics": "all",
    "merchant_daily": "all",
    "recon_exceptions": "all",
    "recon_summary": "all",
    "pending_entries": "all",
    "check_violations": "all",
}


def snapshot(wh: TestWarehouse) -> dict[str, list[tuple[Any, ...]]]:
    return {t: wh.table(t, order) for t, order in TABLES.items()}


def assert_a_full_run_agrees(wh: TestWarehouse, **analyse: Any) -> None:
    """A full run over the same data leaves every result table as the incremental run left it."""
    after = snapshot(wh)
    assert wh.analyse(full=True, **analyse).mode == "full"
    assert snapshot(wh) == after


def seed(wh: TestWarehouse) -> tuple[str, str]:
    """Two merchants, January to April 2026; the as-of time is 28 April 10:00."""
    a = wh.merchant(district="朝阳区")
    b = wh.merchant(district="海淀区", individual=True)
    for month in ("01", "02", "03", "04"):
        for merchant in (a, b):
            pay = wh.payment(merchant, f"2026-{month}-06 09:00", 100)
            wh.invoice(
                merchant,
                f"2026-{month}-06 10:00",
                100,
                payment_id=pay,
                recorded=f"2026-{month}-07 10:00",
            )
            wh.invoice(merchant, f"2026-{month}-09 10:00", 50, recorded=f"2026-{month}-16 10:00")
            wh.invoice(merchant, f"2026-{month}-12 10:00", 30)
            wh.complaint(merchant, f"2026-{month}-15 10:00", "not_timely")
    wh.invoice(a, "2026-04-27 15:00", 20)  # pending at the as-of time
    wh.invoice(b, "2026-04-28 09:00", 20, recorded="2026-04-28 10:00")
    return a, b


def test_first_run_is_full_and_a_second_is_a_noop(tmp_path: Path) -> None:
    wh = TestWarehouse()
    seed(wh)
    first = wh.analyse()
    assert (first.mode, first.months) == ("full", ("2026-01", "2026-02", "2026-03", "2026-04"))
    before = snapshot(wh)
    second = wh.analyse()
    assert (second.mode, second.months) == ("noop", ())
    assert snapshot(wh) == before
    again = wh.analyse(full=True)
    assert again.mode == "full"
    assert snapshot(wh) == before
    assert "recomputed quarters: 2026-Q1, 2026-Q2" in first.summary()
    assert "nothing new to analyse" in second.summary()


def test_new_batch_recomputes_only_its_month_and_equals_a_full_run() -> None:
    wh = TestWarehouse()
    a, _ = seed(wh)
    wh.analyse()
    before = {p: wh.metrics(a, p) for p in ("2026-01", "2026-02", "2026-04", "2026-Q2")}
    facts_before = wh.rows("select * from recon_facts where period <> '2026-03' order by all")
    wh.new_load()
    wh.invoice(a, "2026-03-20 10:00", 70, recorded="2026-03-20 11:00")
    wh.invoice(a, "2026-03-23 10:00", 70)
    wh.complaint(a, "2026-03-24 10:00", "not_found")
    result = wh.analyse()
    assert (result.mode, result.months, result.quarters) == (
        "incremental",
        ("2026-03",),
        ("2026-Q1",),
    )
    assert len(result.new_batches) == 3  # issued invoices, tax records, complaints
    assert result.written["recon_facts"] == 2 * 3 + 2 + 2  # March subjects only
    march = wh.metrics(a, "2026-03")
    assert (march["invoices_issued"], march["missing_count"], march["complaints"]) == (5, 2, 2)
    # other periods are untouched, except the volume change of the periods right after
    assert (
        wh.rows("select * from recon_facts where period <> '2026-03' order by all") == facts_before
    )
    next_periods = {"2026-04": (3, 5, 4), "2026-Q2": (9, 11, 4)}  # prev before, prev now, issued
    for period, old in before.items():
        now = wh.metrics(a, period)
        expected = old
        if period in next_periods:
            was, prev, issued = next_periods[period]
            assert (old["prev_invoices_issued"], now["prev_invoices_issued"]) == (was, prev)
            assert now["volume_change"] == pytest.approx((issued - prev) / prev)
            expected = old | {"prev_invoices_issued": prev, "volume_change": now["volume_change"]}
        assert now == expected, period
    assert_a_full_run_agrees(wh)


def _stored_periods(wh: TestWarehouse, table: str, where: str = "true") -> list[str]:
    rows = wh.rows(f"select period from {table} where {where} order by rowid")
    return [r["period"] for r in rows]


def test_result_tables_keep_their_rows_in_period_order() -> None:
    """Rows lie in period order (sqlrun.PERIOD_ORDER), so an incremental run's periods are
    replaced as whole row groups."""
    wh = TestWarehouse()
    a, _ = seed(wh)
    wh.analyse()
    # credit: the quarters in order, then the trailing window
    credit_periods = _stored_periods(wh, "credit_scores")
    assert credit_periods == sorted(p for p in credit_periods if "Q" in p) + ["2026-03-T12M"] * 2
    wh.new_load()
    wh.invoice(a, "2026-02-20 10:00", 70, recorded="2026-02-20 11:00")
    assert wh.analyse().months == ("2026-02",)
    for table, where in (
        ("merchant_period_metrics", "period_type = 'month'"),
        ("merchant_daily", "true"),
        ("recon_exceptions", "true"),
        ("recon_summary", "period_type = 'month'"),
    ):
        stored = _stored_periods(wh, table, where)
        # the full run's rows in order, then the recomputed February's at the end
        assert stored == sorted(p for p in stored if p != "2026-02") + ["2026-02"] * stored.count(
            "2026-02"
        ), table
    # the rescored quarter and window go to the end, each still in one piece
    assert (
        _stored_periods(wh, "credit_scores")
        == ["2026-Q2"] * 2 + ["2026-Q1"] * 2 + ["2026-03-T12M"] * 2
    )


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        ((), True),
        (("2026-03",), True),
        (("2025-11", "2025-12", "2026-01"), True),  # across a year
        (("2026-02", "2026-01", "2026-02"), True),  # order and repeats do not matter
        (("2026-01", "2026-03"), False),
        (("2025-12", "2026-12"), False),
    ],
)
def test_consecutive_months(months: tuple[str, ...], expected: bool) -> None:
    assert periods.consecutive(months) is expected


def test_months_with_a_gap_recompute_only_themselves_and_equal_a_full_run() -> None:
    """January and March: the [lo, hi) range spans February, which the per-row month test
    (kept for months with a gap, skipped for consecutive ones) must leave alone."""
    wh = TestWarehouse()
    a, b = seed(wh)
    wh.analyse()
    february = wh.rows("select * from recon_facts where period = '2026-02' order by all")
    wh.new_load()
    pay = wh.payment(b, "2026-01-20 09:00", 80)
    wh.invoice(b, "2026-01-20 10:00", 80, payment_id=pay, recorded="2026-01-26 10:00")
    wh.invoice(a, "2026-03-20 10:00", 70)
    result = wh.analyse()
    assert (result.mode, result.months) == ("incremental", ("2026-01", "2026-03"))
    assert wh.rows("select * from recon_facts where period = '2026-02' order by all") == february
    (late,) = wh.rows(
        "select status from recon_facts where subject = 'issued' and issued_at = '2026-01-20 10:00'"
    )
    assert late["status"] == "entered_late"
    assert_a_full_run_agrees(wh)


def test_red_invoice_in_april_updates_the_march_payment() -> None:
    wh = TestWarehouse()
    a, _ = seed(wh)
    pay = wh.payment(a, "2026-03-25 09:00", 200)
    blue = wh.invoice(a, "2026-03-25 10:00", 200, payment_id=pay, recorded="2026-03-25 11:00")
    wh.analyse()
    assert wh.status(pay, "payment") == "invoiced"
    wh.new_load()
    wh.invoice(a, "2026-04-01 10:00", -200, red_of=blue, recorded="2026-04-01 10:30")
    result = wh.analyse()
    assert result.mode == "incremental"
    assert set(result.months) == {"2026-03", "2026-04"}
    assert wh.status(pay, "payment") == "under_invoiced"
    assert_a_full_run_agrees(wh)


def test_as_of_moving_forward_turns_pending_into_missing() -> None:
    wh = TestWarehouse()
    _, b = seed(wh)
    wh.analyse()
    pending = wh.rows("select subject_id from recon_facts where status = 'pending_entry'")
    assert len(pending) == 1
    wh.new_load()
    wh.invoice(b, "2026-05-11 10:00", 20, recorded="2026-05-11 11:00")  # as-of -> 11 May
    result = wh.analyse()
    assert result.mode == "incremental"
    assert set(result.months) == {"2026-04", "2026-05"}  # April held the pending invoice
    assert wh.status(pending[0]["subject_id"]) == "missing_in_system"
    assert_a_full_run_agrees(wh)


def test_an_old_uninvoiced_payment_reads_the_same_after_an_incremental_run() -> None:
    """A check on a month that an as-of move does not recompute must not go stale."""
    wh = TestWarehouse()
    a, b = seed(wh)
    forgotten = wh.payment(a, "2026-01-20 09:00", 80)  # invoice requested, never issued
    wh.analyse()
    wh.new_load()
    wh.invoice(b, "2026-05-11 10:00", 20, recorded="2026-05-11 11:00")  # as-of -> 11 May
    result = wh.analyse()
    assert result.mode == "incremental"
    assert "2026-01" not in result.months
    after = snapshot(wh)
    assert any(row[2] == forgotten for row in after["check_violations"])
    wh.analyse(full=True)
    assert snapshot(wh) == after


def test_an_empty_warehouse_analyses_to_empty_tables() -> None:
    wh = TestWarehouse()
    result = wh.analyse()
    assert (result.mode, result.months) == ("full", ())
    counts = dict(result.row_counts)
    # the classifier records, in one row, that it had nothing to learn from
    assert counts.pop("classifier_reports") == 1
    assert wh.con.sql("select status from classifier_reports").fetchall() == [("skipped",)]
    assert set(counts.values()) == {0}
    assert "no data: nothing to reconcile" in result.notes


def test_changed_deadline_means_a_full_run() -> None:
    wh = TestWarehouse()
    seed(wh)
    late = "select count(*) as n from recon_facts where status = 'entered_late'"
    wh.analyse()
    assert wh.rows(late)[0]["n"] == 8  # the 9th -> 16th invoices: 5 working days > 2
    result = wh.analyse(deadline_workdays=5)
    assert (result.mode, result.reason) == ("full", "deadline changed from 2 to 5 working days")
    # only February stays late: Saturday 14 Feb was a working day (调休), so 9 -> 16 Feb is 5.6
    assert wh.rows(late)[0]["n"] == 2


def test_a_warehouse_with_the_single_fact_table_is_rebuilt_into_the_per_subject_ones() -> None:
    # Analysed by version 3, recon_facts was one table; the view takes its place and the run
    # after the upgrade is a full one, with the same rows.
    wh = TestWarehouse()
    seed(wh)
    wh.analyse()
    before = snapshot(wh)
    for sql in (
        "create table old_facts as select * from recon_facts",
        "drop view reconciliation",
        "drop view recon_rows",
        "drop view recon_facts",
        "alter table old_facts rename to recon_facts",
        "update analysis_runs set version = 3",
    ):
        wh.con.execute(sql).fetchall()
    result = wh.analyse()
    assert result.mode == "full"
    kind = "select table_type from information_schema.tables where table_name = 'recon_facts'"
    assert wh.con.execute(kind).fetchall() == [("VIEW",)]
    assert snapshot(wh) == before
    counts = {t: wh.rows(f"select count(*) as n from {t}")[0]["n"] for t in (
        "recon_issued_facts", "recon_tax_facts", "recon_payment_facts")}  # fmt: skip
    assert sum(counts.values()) == len(before["recon_facts"])
    assert counts["recon_payment_facts"] == 8  # one requested payment per merchant-month


def test_later_stages_extend_the_pipeline() -> None:
    wh = TestWarehouse()
    seed(wh)
    wh.analyse()
    seen: list[tuple[str, ...]] = []

    def count_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
        seen.append(ctx.months)
        con.execute(
            "create or replace table extra_counts as "
            "select period, count(*) as n from recon_facts group by period"
        ).fetchall()

    stages = [*pipeline.STAGES, Stage("extra", count_stage, ("extra_counts",))]
    result = wh.analyse(stages=stages)
    assert result.mode == "full"  # its table did not exist yet
    assert "table(s) not built yet: extra_counts" in result.reason
    assert seen == [("2026-01", "2026-02", "2026-03", "2026-04")]
    assert "extra" in result.stage_seconds


def test_a_failing_stage_leaves_the_previous_results() -> None:
    wh = TestWarehouse()
    a, _ = seed(wh)
    wh.analyse()
    before = snapshot(wh)
    wh.new_load()
    wh.invoice(a, "2026-03-20 10:00", 70)

    def boom(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
        raise RuntimeError("stage failed")

    with pytest.raises(RuntimeError, match="stage failed"):
        wh.analyse(stages=[*pipeline.STAGES, Stage("boom", boom)])
    assert snapshot(wh) == before
    assert wh.analyse().mode == "incremental"  # the batch is still new


def test_cli_analyse_publishes_the_serving_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.duckdb"
    con = warehouse.connect(db)
    seed(TestWarehouse(con))
    con.close()
    assert cli.main(["analyse", "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("analyse: full (first analysis)")
    assert "merchant_period_metrics" in out
    serving = tmp_path / "w.serving.duckdb"
    with duckdb.connect(str(serving), read_only=True) as snap:
        tables = {
            r[0]
            for r in snap.execute("select table_name from information_schema.tables").fetchall()
        }
    assert {
        "merchant_period_metrics",
        "rollup_metrics",
        "recon_exceptions",
        "pending_entries",
        "check_violations",
    } <= tables
    assert "recon_facts" not in tables
    assert cli.main(["analyse", "--db", str(db), "--quiet", "--deadline", "3"]) == 0
    assert "deadline changed from 2 to 3" in capsys.readouterr().out
    assert cli.main(["analyse", "--db", str(db), "--quiet", "--as-of", "yesterday"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_a_tax_record_next_month_matches_the_payment_of_the_month_before() -> None:
    """A payment on 30 March with no invoice in the log; the tax system's record of its invoice,
    issued 2 April, comes in a later load: March is recomputed with April, and the payment is
    invoiced (marts/recon_payment_matches.sql), as a full run says."""
    wh = TestWarehouse()
    a, _ = seed(wh)
    pay = wh.payment(a, "2026-03-30 18:00", "66.00")
    wh.analyse()
    assert wh.status(pay, "payment") == "not_invoiced"
    wh.new_load()
    wh.tax_record(a, "2026-04-02 10:00", "66.00", recorded="2026-04-02 11:00")
    result = wh.analyse()
    assert (result.mode, set(result.months)) == ("incremental", {"2026-03", "2026-04"})
    row = wh.recon(pay, "payment")
    assert (row["status"], row["matched_on"]) == ("invoiced", "amount_time")
    assert_a_full_run_agrees(wh)
    # the log's invoice arrives at last: the record has its twin, the payment its link
    wh.new_load()
    no = wh.rows("select invoice_no from tax_records where total_amount = 66")[0]["invoice_no"]
    wh.invoice(a, "2026-04-02 10:00", "66.00", payment_id=pay, invoice_no=no)
    result = wh.analyse()
    assert {"2026-03", "2026-04"} <= set(result.months)
    assert wh.recon(pay, "payment")["matched_on"] == "payment_id"
    assert_a_full_run_agrees(wh)


def test_a_new_payment_takes_the_tax_record_from_an_earlier_one() -> None:
    """Matches are mutual closest: a payment loaded later, closer to the record, takes it from
    the one matched before, in the month before; the incremental run reaches back to it."""
    wh = TestWarehouse()
    a, _ = seed(wh)
    first = wh.payment(a, "2026-03-28 09:00", "77.00")
    wh.tax_record(a, "2026-04-01 10:00", "77.00", recorded="2026-04-01 11:00")
    wh.analyse()
    assert wh.status(first, "payment") == "invoiced"
    wh.new_load()
    closer = wh.payment(a, "2026-04-01 09:50", "77.00")
    result = wh.analyse()
    assert {"2026-03", "2026-04"} <= set(result.months)
    assert (wh.status(first, "payment"), wh.status(closer, "payment")) == (
        "not_invoiced",
        "invoiced",
    )
    assert_a_full_run_agrees(wh)


def test_a_payment_loaded_after_its_record_of_the_next_month_is_named_there() -> None:
    """The tax record of 2 April comes first and has no payment; the payment of 30 March comes
    in a later load. April is recomputed with March, so the record's own row (a 商户记录缺失
    finding in April) names the payment, as a full run says."""
    wh = TestWarehouse()
    a, _ = seed(wh)
    record = wh.tax_record(a, "2026-04-02 10:00", "66.00", recorded="2026-04-02 11:00")
    wh.analyse()
    assert wh.recon(record, "tax_record")["matched_on"] == "none"
    wh.new_load()
    pay = wh.payment(a, "2026-03-30 18:00", "66.00")
    result = wh.analyse()
    assert {"2026-03", "2026-04"} <= set(result.months)
    row = wh.recon(record, "tax_record")
    assert (row["matched_on"], row["payment_id"]) == ("amount_time", pay)
    [finding] = wh.rows(
        "select payment_id, reason_en from recon_exceptions where subject_id = $no",
        {"no": record},
    )
    assert finding["payment_id"] == pay
    assert finding["reason_en"].endswith(
        f"the invoice of payment {pay} (paid 2026-03-30 18:00, same 价税合计)"
    )
    assert_a_full_run_agrees(wh)


def test_a_closer_record_takes_the_payment_from_one_of_the_next_month() -> None:
    """A payment of 30 March matched to the record of 2 April; the record of 31 March, closer,
    comes later and takes it. April is recomputed too: its record no longer names the payment."""
    wh = TestWarehouse()
    a, _ = seed(wh)
    pay = wh.payment(a, "2026-03-30 18:00", "88.00")
    later = wh.tax_record(a, "2026-04-02 10:00", "88.00", recorded="2026-04-02 11:00")
    wh.analyse()
    assert wh.recon(later, "tax_record")["payment_id"] == pay
    wh.new_load()
    closer = wh.tax_record(a, "2026-03-31 10:00", "88.00", recorded="2026-03-31 11:00")
    result = wh.analyse()
    assert {"2026-03", "2026-04"} <= set(result.months)
    assert wh.recon(pay, "payment")["tax_invoice_no"] == closer
    assert (
        wh.recon(later, "tax_record")["matched_on"],
        wh.recon(closer, "tax_record")["matched_on"],
    ) == ("none", "amount_time")
    assert_a_full_run_agrees(wh)


def test_a_record_made_visible_by_the_as_of_time_takes_its_payment_from_the_next_month() -> None:
    """Replaying with --as-of: the record of 28 February, entered 20 April, is not in the tax
    system as of 10 April, so the payment of 27 February matches the record of 2 March. Moved to
    28 April, the earlier record takes the payment; March is recomputed too, so its record no
    longer names it, as a full run says."""
    wh = TestWarehouse()
    a, _ = seed(wh)
    pay = wh.payment(a, "2026-02-27 18:00", "99.00")
    march = wh.tax_record(a, "2026-03-02 10:00", "99.00", recorded="2026-03-02 11:00")
    february = wh.tax_record(a, "2026-02-28 10:00", "99.00", recorded="2026-04-20 11:00")
    wh.analyse(as_of=datetime(2026, 4, 10))
    assert wh.recon(pay, "payment")["tax_invoice_no"] == march
    result = wh.analyse(as_of=datetime(2026, 4, 28, 10))
    assert {"2026-02", "2026-03"} <= set(result.months)
    assert wh.recon(pay, "payment")["tax_invoice_no"] == february
    assert wh.recon(march, "tax_record")["matched_on"] == "none"
    assert_a_full_run_agrees(wh, as_of=datetime(2026, 4, 28, 10))
