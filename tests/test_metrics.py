"""Every metric on a tiny hand-made month, expected values worked out by hand below."""

from __future__ import annotations

import csv

import pytest
from factories import TestWarehouse

from analytics import metrics
from analytics.config import REFERENCE_DIR

KEYS = {"merchant_id", "period_type", "period", "period_start", "merchant_name"}
ATTRS = {"district", "industry", "size_band", "software_vendor", "is_individual"}


@pytest.fixture(scope="module")
def world() -> dict[str, object]:
    """Merchant A (朝阳区, enterprise) and B (海淀区, 个体工商户), March 2026 mostly.

    A, March: i1 100 on time (0.25 wd), i2 200 on time but recorded as 190 (mismatch, 1.0 wd),
    i3 300 late (3.5 wd), i4 50 missing, i5 red -100 reversing i1 (0.25 wd), i7 300 second
    invoice for payment P5 (duplicate, 1/24 wd), i8 voided; payments P1 100 (i1, reversed: net 0,
    under-invoiced by 100), P2 200 (i2), P3 60 (none: not invoiced), P4 40 (no request), P5 300
    (i3 + i7); one tax record with no twin; complaints 2 not_found, 1 amount_short, 1 unlabelled.
    A also issued 3 invoices in February and 1 in December 2025.
    B, March: j1 on time at exactly 2.0 wd, j2 late at 5.0 wd.
    """
    wh = TestWarehouse()
    a = wh.merchant(
        district="朝阳区", industry="retail", size_band="small", software_vendor="etax_web"
    )
    b = wh.merchant(
        district="海淀区",
        industry="restaurant",
        size_band="micro",
        software_vendor="piaolian",
        individual=True,
    )
    for p, amount, requested in (
        ("P1", 100, True),
        ("P2", 200, True),
        ("P3", 60, True),
        ("P4", 40, False),
        ("P5", 300, True),
    ):
        wh.payment(a, "2026-03-02 09:00", amount, payment_id=p, requested=requested)
    i1 = wh.invoice(a, "2026-03-02 10:00", 100, payment_id="P1", recorded="2026-03-02 16:00")
    wh.invoice(
        a, "2026-03-02 10:00", 200, payment_id="P2", recorded="2026-03-03 10:00", recorded_total=190
    )
    wh.invoice(a, "2026-03-02 10:00", 300, payment_id="P5", recorded="2026-03-05 22:00")
    wh.invoice(a, "2026-03-03 10:00", 50)
    wh.invoice(a, "2026-03-04 10:00", -100, red_of=i1, recorded="2026-03-04 16:00")
    wh.invoice(a, "2026-03-06 10:00", 300, payment_id="P5", recorded="2026-03-06 11:00")
    wh.invoice(a, "2026-03-06 12:00", 75, void=True)
    wh.tax_record(a, "2026-03-20 09:00", 30, recorded="2026-03-20 10:00")  # as-of: 20 Mar 10:00
    for category in ("not_found", "not_found", "amount_short", None):
        wh.complaint(a, "2026-03-10 10:00", category)
    for day in ("02", "03", "04"):
        wh.invoice(a, f"2026-02-{day} 10:00", 10, recorded=f"2026-02-{day} 11:00")
    wh.invoice(a, "2025-12-01 10:00", 10, recorded="2025-12-01 11:00")
    wh.invoice(b, "2026-03-02 10:00", 10, recorded="2026-03-04 10:00")
    wh.invoice(b, "2026-03-02 10:00", 10, recorded="2026-03-09 10:00")
    wh.analyse()
    return {"wh": wh, "a": a, "b": b}


def _wh(world: dict[str, object]) -> TestWarehouse:
    wh = world["wh"]
    assert isinstance(wh, TestWarehouse)
    return wh


def test_merchant_month_counts_and_amounts(world: dict[str, object]) -> None:
    row = _wh(world).metrics(str(world["a"]), "2026-03")
    expected = {
        "invoices_issued": 6,  # i1 i2 i3 i4 i5 i7 (the void is not issued for rates)
        "invoices_voided": 1,
        "invoices_pending": 0,
        "invoices_due": 6,
        "invoices_recorded": 5,
        "on_time_count": 4,  # i1 i2 i5 i7
        "late_count": 1,
        "missing_count": 1,
        "mismatch_count": 1,
        "duplicate_count": 1,
        "red_count": 1,
        "merchant_log_missing_count": 1,
        "amount_issued": 100 + 200 + 300 + 50 - 100 + 300,
        "amount_recorded": 100 + 190 + 300 - 100 + 300,
        "payments_count": 5,
        "amount_paid": 700,
        "invoice_requests": 4,
        "not_invoiced_count": 1,
        "not_invoiced_amount": 60,
        "under_invoiced_count": 1,
        "under_invoiced_amount": 100,
        "complaints": 4,
        "complaints_not_found": 2,
        "complaints_amount_short": 1,
        "complaints_service_attitude": 0,
        "complaints_unlabelled": 1,
        "merchants": 1,
        "prev_invoices_issued": 3,
    }
    assert {k: row[k] for k in expected} == expected
    assert {k: row[k] for k in ATTRS} == {
        "district": "朝阳区",
        "industry": "retail",
        "size_band": "small",
        "software_vendor": "etax_web",
        "is_individual": False,
    }


def test_merchant_month_rates(world: dict[str, object]) -> None:
    row = _wh(world).metrics(str(world["a"]), "2026-03")
    assert row["entry_rate"] == pytest.approx(5 / 6)
    assert row["on_time_rate"] == pytest.approx(4 / 6)
    assert row["missing_rate"] == pytest.approx(1 / 6)
    assert row["late_rate"] == pytest.approx(1 / 5)
    assert row["mismatch_rate"] == pytest.approx(1 / 5)
    assert row["not_invoiced_rate"] == pytest.approx(1 / 4)
    assert row["under_invoiced_rate"] == pytest.approx(1 / 4)
    assert row["red_rate"] == pytest.approx(1 / 6)
    assert row["complaints_per_1k"] == pytest.approx(1000 * 4 / 6)
    assert row["complaints_per_1k_not_found"] == pytest.approx(1000 * 2 / 6)
    assert row["complaints_per_1k_other"] == 0
    assert row["volume_change"] == pytest.approx((6 - 3) / 3)


def test_delay_percentiles(world: dict[str, object]) -> None:
    row = _wh(world).metrics(str(world["a"]), "2026-03")
    # delays sorted: 1/24, 0.25, 0.25, 1.0, 3.5; p95 sits at 0.8 of the way from 1.0 to 3.5
    assert row["delay_p50"] == pytest.approx(0.25)
    assert row["delay_p95"] == pytest.approx(1.0 + 0.8 * 2.5)
    row_b = _wh(world).metrics(str(world["b"]), "2026-03")
    assert (row_b["on_time_count"], row_b["late_count"]) == (1, 1)  # 2.0 wd is still on time
    assert row_b["delay_p50"] == pytest.approx(3.5)
    assert row_b["is_individual"] is True


def test_quarter_metrics_and_volume_change(world: dict[str, object]) -> None:
    row = _wh(world).metrics(str(world["a"]), "2026-Q1")
    assert (row["invoices_issued"], row["invoices_recorded"], row["period_type"]) == (
        9,
        8,
        "quarter",
    )
    assert row["prev_invoices_issued"] == 1  # December 2025 (2025-Q4)
    assert row["volume_change"] == pytest.approx((9 - 1) / 1)
    assert row["entry_rate"] == pytest.approx(8 / 9)
    # no month before December 2025: no volume change
    assert _wh(world).metrics(str(world["a"]), "2025-12")["volume_change"] is None


def test_quarter_rows_sum_their_months_and_pool_their_delays(world: dict[str, object]) -> None:
    """Quarter counts and amounts are the sums of the quarter's month rows; its delay
    percentiles are taken over the quarter's invoices, not over the months' percentiles."""
    wh = _wh(world)
    counts, amounts = metrics.summed_columns()
    a = str(world["a"])
    quarter = wh.metrics(a, "2026-Q1")
    months = [wh.metrics(a, m) for m in ("2026-02", "2026-03")]
    base = [c for c in (*counts, *amounts) if c != "merchants" and not c.startswith("complaints")]
    assert "payments_count" in base
    assert "amount_recorded" in base
    for column in base:
        assert quarter[column] == sum(m[column] for m in months), column
    (pooled,) = wh.rows(
        "select quantile_cont(delay_workdays, [0.5, 0.95]) as q from recon_facts "
        "where subject = 'issued' and merchant_id = $m and period in ('2026-01', '2026-02', "
        "'2026-03') and not is_void and is_recorded",
        {"m": a},
    )
    assert (quarter["delay_p50"], quarter["delay_p95"]) == pytest.approx(tuple(pooled["q"]))
    # the months' own medians differ from the pooled one, so this tells the two apart
    assert quarter["delay_p50"] not in {m["delay_p50"] for m in months}


def test_rollups_are_recomputed_from_sums_and_invoices(world: dict[str, object]) -> None:
    wh = _wh(world)
    everyone = wh.rollup("all", "all", "2026-03")
    assert (everyone["merchants"], everyone["invoices_due"], everyone["invoices_recorded"]) == (
        2,
        8,
        7,
    )
    assert everyone["entry_rate"] == pytest.approx(7 / 8)  # not the mean of 5/6 and 1
    assert everyone["on_time_rate"] == pytest.approx(5 / 8)
    # pooled delays 1/24, .25, .25, 1, 2, 3.5, 5: median 1.0; p95 at 0.7 from 3.5 to 5
    assert everyone["delay_p50"] == pytest.approx(1.0)
    assert everyone["delay_p95"] == pytest.approx(3.5 + 0.7 * 1.5)
    assert everyone["volume_change"] == pytest.approx((8 - 3) / 3)
    haidian = wh.rollup("district", "海淀区", "2026-03")
    assert (haidian["invoices_issued"], haidian["late_count"], haidian["merchants"]) == (2, 1, 1)
    individual = wh.rollup("is_individual", "true", "2026-03")
    assert individual["entry_rate"] == pytest.approx(1.0)
    assert wh.rollup("software_vendor", "etax_web", "2026-03")["amount_paid"] == 700
    assert wh.rollup("size_band", "micro", "2026-Q1")["invoices_issued"] == 2
    assert wh.rollup("industry", "retail", "2026-02")["invoices_issued"] == 3
    dims = {r["dimension"] for r in wh.rows("select distinct dimension from rollup_metrics")}
    assert dims == {"all", "district", "industry", "size_band", "software_vendor", "is_individual"}


def test_merchant_daily(world: dict[str, object]) -> None:
    rows = _wh(world).rows(
        "select * from merchant_daily where merchant_id = $m and day = '2026-03-02'",
        {"m": world["a"]},
    )
    assert len(rows) == 1
    day = rows[0]
    assert (day["issued"], day["recorded_on_time"], day["late"], day["missing"]) == (3, 2, 1, 0)
    assert (day["amount_issued"], day["amount_recorded"]) == (600, 590)


def test_exceptions_and_summary(world: dict[str, object]) -> None:
    wh = _wh(world)
    rows = wh.rows(
        "select subject, status, count(*) as n from recon_exceptions where period = '2026-03' "
        "group by all order by all"
    )
    assert rows == [
        {"subject": "issued", "status": "amount_mismatch", "n": 1},
        {"subject": "issued", "status": "duplicate", "n": 1},
        {"subject": "issued", "status": "entered_late", "n": 2},  # i3 and B's j2
        {"subject": "issued", "status": "missing_in_system", "n": 2},  # i4 and the voided i8
        {"subject": "payment", "status": "not_invoiced", "n": 1},
        {"subject": "payment", "status": "under_invoiced", "n": 1},
        {"subject": "tax_record", "status": "missing_in_merchant_log", "n": 1},
    ]
    assert all(r["reason_en"] and r["reason_zh"] for r in wh.rows("select * from recon_exceptions"))
    summary = wh.rows(
        "select status, subjects from recon_summary where period_type = 'month' "
        "and period = '2026-03' and subject = 'issued' order by status"
    )
    assert summary == [
        {"status": "amount_mismatch", "subjects": 1},
        {"status": "duplicate", "subjects": 1},
        {"status": "entered_late", "subjects": 2},
        {"status": "entered_on_time", "subjects": 3},  # i1, i5, j1
        {"status": "missing_in_system", "subjects": 1},  # the void is not counted
    ]


def test_registry_and_tables_agree(world: dict[str, object]) -> None:
    wh = _wh(world)
    for table, keys in (
        ("merchant_period_metrics", KEYS | ATTRS),
        ("rollup_metrics", {"dimension", "value", "period_type", "period", "period_start"}),
    ):
        columns = {r["column_name"] for r in wh.rows(f"describe {table}")}
        assert columns - keys == set(metrics.names()), table


def test_registry_entries_are_complete() -> None:
    names = metrics.names()
    assert len(names) == len(set(names))
    for m in metrics.METRICS:
        assert all((m.label_zh, m.label_en, m.description)), m.name
        assert (m.kind == "derived") == (m.expression is not None), m.name
    assert metrics.metric("entry_rate").higher_is_better is True
    assert metrics.metric("missing_count").format == "count"
    with pytest.raises(KeyError, match="unknown metric"):
        metrics.metric("no_such_metric")


def test_complaint_categories_follow_the_reference_table() -> None:
    with (REFERENCE_DIR / "complaint_categories.csv").open(encoding="utf-8") as fh:
        codes = [row["code"] for row in csv.DictReader(fh)]
    assert [c for c, _, _ in metrics.COMPLAINT_CATEGORIES] == codes


def test_format_value() -> None:
    assert metrics.format_value("entry_rate", 0.9823) == "98.2%"
    assert metrics.format_value("invoices_issued", 1234) == "1,234"
    assert metrics.format_value("delay_p50", 3.66) == "3.7"
    assert metrics.format_value("amount_paid", 1234.5) == "¥1,234.50"
    assert metrics.format_value("complaints_per_1k", 12.34) == "12.3"
    assert metrics.format_value("entry_rate", None) == "–"
