"""Each compliance check: a violating case is reported, a clean one is not."""

from __future__ import annotations

from datetime import datetime

import pytest
from factories import TestWarehouse

from analytics import checks
from analytics.config import SQL_DIR
from analytics.validation import org_code_check_char

REC = "2026-03-02 12:00"


@pytest.fixture
def wh() -> TestWarehouse:
    return TestWarehouse()


def violations(wh: TestWarehouse, check_id: str) -> dict[str, str]:
    """subject_id -> detail of one check's stored violations, after a full analysis."""
    wh.analyse(full=True)
    rows = wh.rows(
        "select subject_id, detail, period from check_violations where check_id = $c",
        {"c": check_id},
    )
    assert all(r["period"] for r in rows)
    return {r["subject_id"]: r["detail"] for r in rows}


def test_registry_and_folder_agree() -> None:
    assert sorted(c.id for c in checks.CHECKS) == checks.check_files()
    assert len({c.id for c in checks.CHECKS}) == len(checks.CHECKS)
    for c in checks.CHECKS:
        assert all((c.title_zh, c.title_en, c.description)), c.id
        assert c.severity in {"error", "warning", "info"}, c.id
        text = (SQL_DIR / c.sql_file).read_text(encoding="utf-8")
        assert "$months" in text, f"{c.id} must filter itself to the months in scope"


def test_duplicate_invoice_no(wh: TestWarehouse) -> None:
    m = wh.merchant()
    twice = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    wh.invoice(m, "2026-03-02 11:00", 100, invoice_no=twice)  # bypassing the loader's key check
    once = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    found = violations(wh, "duplicate_invoice_no")
    assert set(found) == {twice}
    assert found[twice] == f"invoice {twice} appears 2 times in issued_invoices"
    assert once not in found


def test_duplicate_invoice_no_month_by_month(wh: TestWarehouse) -> None:
    # The check runs once per month in scope: a repeat within March and one within April are
    # both found, each under its month; a number reused in another month is not a repeat.
    m = wh.merchant()
    march = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    wh.invoice(m, "2026-03-30 11:00", 100, invoice_no=march)
    april = wh.tax_record(m, "2026-04-01 10:00", 100, recorded="2026-04-01 12:00")
    wh.tax_record(m, "2026-04-28 10:00", 100, recorded="2026-04-28 12:00", invoice_no=april)
    moved = wh.invoice(m, "2026-03-31 10:00", 100, recorded=REC)
    wh.invoice(m, "2026-04-01 10:00", 100, invoice_no=moved)
    wh.analyse(full=True)
    rows = wh.rows(
        "select subject_id, period, detail from check_violations "
        "where check_id = 'duplicate_invoice_no' order by period"
    )
    assert [(r["subject_id"], r["period"]) for r in rows] == [
        (march, "2026-03"),
        (april, "2026-04"),
    ]
    assert rows[1]["detail"] == f"invoice {april} appears 2 times in tax_records"


def test_invoice_seller_conflict(wh: TestWarehouse) -> None:
    m, other = wh.merchant(), wh.merchant()
    conflict = wh.invoice(m, "2026-03-02 10:00", 100)
    wh.tax_record(other, "2026-03-02 10:00", 100, recorded=REC, invoice_no=conflict)
    wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    found = violations(wh, "invoice_seller_conflict")
    assert set(found) == {conflict}
    assert other in found[conflict]


def test_legacy_or_invalid_uscc(wh: TestWarehouse) -> None:
    legacy = "110105" + "12345678" + (org_code_check_char("12345678") or "")
    wh.merchant(legacy, id_format="legacy15")
    valid = wh.merchant()
    invalid = "911101050000000000"  # unregistered, wrong check characters
    wh.invoice(legacy, "2026-03-02 10:00", 100, recorded=REC)
    wh.invoice(valid, "2026-03-02 10:00", 100, recorded=REC)
    wh.invoice(invalid, "2026-03-02 10:00", 100, recorded=REC)
    found = violations(wh, "legacy_or_invalid_uscc")
    assert set(found) == {legacy, invalid}
    assert "legacy15" in found[legacy]
    assert "not a valid USCC" in found[invalid]


def test_totals_mismatch(wh: TestWarehouse) -> None:
    m = wh.merchant()
    bad = wh.invoice(m, "2026-03-02 10:00", "113.00", amount="100.00", tax="10.00")
    wh.invoice(m, "2026-03-02 10:00", "113.00", amount="100.00", tax="13.00")
    found = violations(wh, "totals_mismatch")
    assert found == {bad: "issued_invoices: 价税合计 113.00 but 金额 100.00 + 税额 10.00 = 110.00"}


def test_red_without_original(wh: TestWarehouse) -> None:
    m = wh.merchant()
    blue = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    nameless = wh.invoice(m, "2026-03-03 10:00", -100, red=True)
    orphan = wh.invoice(m, "2026-03-03 10:00", -100, red_of="26119999999999999999")
    proper = wh.invoice(m, "2026-03-03 10:00", -100, red_of=blue)
    found = violations(wh, "red_without_original")
    assert set(found) == {nameless, orphan}
    assert proper not in found
    assert "names no original" in found[nameless]


def test_red_exceeds_original(wh: TestWarehouse) -> None:
    m = wh.merchant()
    over = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    wh.invoice(m, "2026-03-03 10:00", -60, red_of=over)
    wh.invoice(m, "2026-04-01 10:00", -60, red_of=over)  # the second reversal a month later
    fine = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC)
    wh.invoice(m, "2026-03-03 10:00", -100, red_of=fine)
    found = violations(wh, "red_exceeds_original")
    assert found == {
        over: f"invoice {over} (价税合计 100.00) reversed by 2 red invoice(s) totalling 120.00"
    }


def test_seller_not_registered(wh: TestWarehouse) -> None:
    m = wh.merchant()
    wh.tax_record(m, "2026-03-02 10:00", 100, recorded=REC)
    stranger = "91110108MA00000000"
    wh.tax_record(stranger, "2026-03-02 10:00", 100, recorded=REC)
    found = violations(wh, "seller_not_registered")
    assert set(found) == {stranger}
    assert "1 tax records in 2026-03" in found[stranger]


def test_payment_not_invoiced_after_grace_days(wh: TestWarehouse) -> None:
    m = wh.merchant()
    overdue = wh.payment(m, "2026-03-02 10:00", 50)
    recent = wh.payment(m, "2026-03-10 10:00", 50)  # 4 days before the as-of time
    invoiced = wh.payment(m, "2026-03-02 10:00", 50)
    wh.invoice(m, "2026-03-02 10:05", 50, payment_id=invoiced, recorded="2026-03-14 10:00")
    found = violations(wh, "payment_not_invoiced")
    assert set(found) == {overdue}
    assert found[overdue] == (
        f"payment {overdue} of 50.00 on 2026-03-02: invoice requested, none issued within 7 days"
    )
    assert recent not in found


def test_recorded_before_issued(wh: TestWarehouse) -> None:
    m = wh.merchant()
    early = wh.invoice(m, "2026-03-02 10:00", 100, recorded="2026-03-02 09:00")
    wh.invoice(m, "2026-03-02 10:00", 100, recorded="2026-03-02 10:00")
    found = violations(wh, "recorded_before_issued")
    assert found == {
        early: f"invoice {early} recorded 2026-03-02 09:00 but issued 2026-03-02 10:00"
    }


def test_void_status_conflict(wh: TestWarehouse) -> None:
    m = wh.merchant()
    void_here = wh.invoice(m, "2026-03-02 10:00", 100, void=True, recorded=REC)
    void_there = wh.invoice(m, "2026-03-02 10:00", 100, recorded=REC, tax_status="已作废")
    agreed = wh.invoice(m, "2026-03-02 10:00", 100, void=True, recorded=REC, tax_status="已作废")
    found = violations(wh, "void_status_conflict")
    assert set(found) == {void_here, void_there}
    assert agreed not in found


def test_run_check_ad_hoc_and_scoped_to_months(wh: TestWarehouse) -> None:
    m = wh.merchant()
    march = wh.invoice(m, "2026-03-02 10:00", "113.00", amount="100.00", tax="10.00")
    april = wh.invoice(m, "2026-04-02 10:00", "113.00", amount="100.00", tax="10.00")
    wh.analyse()
    params = {
        "months": ["2026-04"],
        "lo": datetime(2026, 4, 1),
        "hi": datetime(2026, 5, 1),
        "as_of": datetime(2026, 5, 1),
        "grace_days": 7,
        "deadline": 2,
    }
    rows = checks.run_check(wh.con, "totals_mismatch", params)
    assert [r[2] for r in rows] == [april]
    assert march not in [r[2] for r in rows]
    with pytest.raises(KeyError, match="unknown check"):
        checks.check("nope")
