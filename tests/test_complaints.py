"""Complaint linking (merchant by USCC or name, invoice status), the stage, trends and shares."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from typing import Any

import polars as pl
import pytest

from analytics import complaint_trends as ct
from analytics import warehouse
from analytics.complaints import (
    complaints_stage,
    link_complaints,
    name_keys,
)
from analytics.validation import make_uscc

_ids = count(1)


def uscc(area: str = "110105") -> str:
    n = next(_ids)
    return make_uscc("9", "1", area, f"MA{n:06d}")


class Data:
    """A raw warehouse in memory plus a hand-made ``reconciliation`` table."""

    def __init__(self) -> None:
        self.con = warehouse.connect(":memory:")
        self.row = count(1)
        self.con.execute(
            "create table reconciliation (subject varchar, subject_id varchar, "
            "merchant_id varchar, period varchar, quarter varchar, status varchar, "
            "reason_en varchar, reason_zh varchar, issued_at timestamp, recorded_at timestamp, "
            "delay_workdays double, payment_id varchar)"
        )

    def merchant(
        self, name: str, district: str = "朝阳区", industry: str = "retail", mid: str | None = None
    ) -> str:
        mid = mid or uscc()
        self._insert(
            "merchants",
            {
                "merchant_id": mid,
                "name": name,
                "name_norm": name,
                "district": district,
                "industry": industry,
                "size_band": "small",
                "is_individual": False,
                "id_format": "uscc",
            },
        )
        return mid

    def complaint(
        self,
        cid: str,
        *,
        merchant_id: str | None = None,
        name: str | None = None,
        invoice_no: str | None = None,
        category: str | None = "not_found",
        received: str = "2026-03-04 10:00",
        resolved: str | None = None,
        channel: str = "12366",
        district: str | None = None,
        text: str = "查不到发票",
        status: str = "open",
    ) -> None:
        self._insert(
            "complaints",
            {
                "complaint_id": cid,
                "received_at": datetime.fromisoformat(received),
                "merchant_id": merchant_id,
                "merchant_name": name,
                "invoice_no": invoice_no,
                "category": category,
                "channel": channel,
                "district": district,
                "text": text,
                "status": status,
                "resolved_at": datetime.fromisoformat(resolved) if resolved else None,
            },
        )

    def recon(
        self,
        subject: str,
        invoice_no: str,
        merchant_id: str,
        status: str,
        payment: str | None = None,
    ) -> None:
        self.con.execute(
            "insert into reconciliation (subject, subject_id, merchant_id, period, quarter, "
            "status, reason_en, reason_zh, payment_id) values ($s, $i, $m, '2026-03', '2026-Q1', "
            "$st, $en, $zh, $p)",
            {"s": subject, "i": invoice_no, "m": merchant_id, "st": status, "p": payment,
             "en": f"{subject} {status}", "zh": f"{subject}：{status}"},
        ).fetchall()  # fmt: skip

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        row = {**row, "batch_id": 1, "source_row": next(self.row)}
        cols = ", ".join(row)
        marks = ", ".join(f"${k}" for k in row)
        self.con.execute(f"insert into {table} ({cols}) values ({marks})", row).fetchall()

    def links(self) -> dict[str, dict[str, Any]]:
        frame = self.con.sql("select * from complaint_links").pl()
        return {r["complaint_id"]: r for r in frame.iter_rows(named=True)}


@pytest.fixture
def data() -> Data:
    return Data()


# ---------------------------------------------------------------------------- name keys


def test_name_keys_fold_brackets_suffixes_city_and_district() -> None:
    official = name_keys("北京市朝阳区好味来餐饮有限公司（望京店）")
    assert official.full == name_keys("北京市朝阳区好味来餐饮有限公司 (望京店)").full
    assert official.full == "北京市朝阳区好味来餐饮有限公司(望京店)"
    assert official.exact == name_keys("北京市朝阳区好味来餐饮 (望京店)").exact
    assert official.variant == "好味来餐饮(望京店)"
    assert official.district == "朝阳区"
    assert name_keys("朝阳区好味来餐饮有限公司（望京店）").variant == official.variant
    assert name_keys("好味来（北京）餐饮有限公司").exact == "好味来(北京)餐饮"
    assert name_keys("好味来（北京）餐饮有限公司").variant == "好味来餐饮"
    # a name that is only a district keeps its key rather than becoming empty
    assert name_keys("朝阳区") == ("朝阳区", "朝阳区", "朝阳区", None)


# ---------------------------------------------------------------------------- linking


def test_links_by_uscc_even_when_the_name_differs(data: Data) -> None:
    m = data.merchant("北京市朝阳区好味来餐饮有限公司")
    data.complaint("C1", merchant_id=m, name="完全不同的名字")
    data.complaint("C2", merchant_id=f" {m} ", name=None)  # padded id from an export
    link_complaints(data.con)
    links = data.links()
    assert (links["C1"]["merchant_id"], links["C1"]["link_method"]) == (m, "uscc")
    assert (links["C2"]["merchant_id"], links["C2"]["link_method"]) == (m, "uscc")


def test_links_by_name_across_bracket_width_and_suffix(data: Data) -> None:
    a = data.merchant("北京市朝阳区好味来餐饮有限公司（望京店）")
    b = data.merchant("北京市海淀区青禾文具店（中关村店）", district="海淀区")
    data.complaint("C1", name="北京市朝阳区好味来餐饮有限公司(望京店)")  # half-width
    data.complaint("C2", name="北京市朝阳区好味来餐饮（望京店）")  # suffix dropped
    data.complaint("C3", name="北京市海淀区青禾文具店 ( 中关村店 )")  # spaces, half-width
    # an unknown merchant_id does not stop the name from linking
    data.complaint("C4", merchant_id=uscc(), name="北京市海淀区青禾文具店（中关村店）")
    link_complaints(data.con)
    links = data.links()
    assert {k: (v["merchant_id"], v["link_method"]) for k, v in links.items()} == {
        "C1": (a, "name_exact"),
        "C2": (a, "name_exact"),
        "C3": (b, "name_exact"),
        "C4": (b, "name_exact"),
    }


def test_links_by_name_variant_without_city_or_district(data: Data) -> None:
    a = data.merchant("北京市朝阳区好味来餐饮有限公司（望京店）")
    b = data.merchant("北京青禾文具有限责任公司", district="海淀区")
    data.complaint("C1", name="朝阳区好味来餐饮有限公司（望京店）")  # 北京市 dropped
    data.complaint("C2", name="好味来餐饮(望京店)")  # city and district dropped
    data.complaint("C3", name="青禾文具公司")  # 北京 dropped, suffix shortened
    data.complaint("C4", name="好味来餐饮")  # branch omitted: the one branch contains it
    link_complaints(data.con)
    links = data.links()
    assert {k: (v["merchant_id"], v["link_method"]) for k, v in links.items()} == {
        "C1": (a, "name_variant"),
        "C2": (a, "name_variant"),
        "C3": (b, "name_variant"),
        "C4": (a, "name_variant"),
    }


def test_ambiguous_names_are_not_guessed_and_unknown_ones_stay_unlinked(data: Data) -> None:
    data.merchant("北京市朝阳区好味来餐饮有限公司（望京店）")
    data.merchant("北京市朝阳区好味来餐饮有限公司（国贸店）")
    data.merchant("北京市东城区好味来餐饮有限公司", district="东城区")
    data.merchant("北京市西城区好味来餐饮有限公司", district="西城区")
    data.complaint("C1", name="好味来餐饮")  # two branches and two districts
    data.complaint("C2", name="北京市海淀区不存在的商店")
    data.complaint("C3", merchant_id=uscc(), name=None)
    data.complaint("C4", name="好味来餐饮(望京店)")  # the branch decides
    link_complaints(data.con)
    links = data.links()
    assert links["C1"]["link_method"] == "ambiguous"
    assert links["C1"]["merchant_id"] is None
    # the first level with candidates decides: the variant key 好味来餐饮 of 东城 and 西城
    assert links["C1"]["link_candidates"] == 2
    assert (links["C2"]["link_method"], links["C2"]["merchant_id"]) == ("unlinked", None)
    assert (links["C3"]["link_method"], links["C3"]["merchant_id"]) == ("unlinked", None)
    assert links["C4"]["link_method"] == "name_variant"
    assert links["C4"]["linked_name"] == "北京市朝阳区好味来餐饮有限公司（望京店）"


def test_the_strictest_key_and_the_district_settle_near_twins(data: Data) -> None:
    limited = data.merchant("北京市通州区合众教育咨询有限公司", district="通州区")
    liability = data.merchant("北京市通州区合众教育咨询有限责任公司", district="通州区")
    fengtai = data.merchant("北京市丰台区睿智文化用品有限公司", district="丰台区")
    data.merchant("北京睿智文化用品有限公司", district="昌平区")
    west = data.merchant("北京市西城区胡同里宾馆有限公司", district="西城区")
    chaoyang = data.merchant("胡同里（北京）宾馆有限责任公司", district="朝阳区")
    data.complaint("C1", name="北京市通州区合众教育咨询有限责任公司")  # the full name decides
    data.complaint("C2", name="北京市通州区合众教育咨询")  # both normalise to this: ambiguous
    data.complaint("C3", name="丰台区睿智文化用品有限公司")  # the district in the name decides
    data.complaint("C4", name="胡同里宾馆", district="朝阳区")  # the complaint's district decides
    data.complaint("C5", name="胡同里宾馆", district="西城区")
    data.complaint("C6", name="胡同里宾馆", district="海淀区")  # neither is there
    data.complaint("C7", name="胡同里宾馆")
    link_complaints(data.con)
    got = {k: (v["merchant_id"], v["link_method"], v["link_candidates"])
           for k, v in data.links().items()}  # fmt: skip
    assert got == {
        "C1": (liability, "name_exact", 1),
        "C2": (None, "ambiguous", 2),
        "C3": (fengtai, "name_variant", 2),
        "C4": (chaoyang, "name_variant", 2),
        "C5": (west, "name_variant", 2),
        "C6": (None, "ambiguous", 2),
        "C7": (None, "ambiguous", 2),
    }
    assert limited not in {v[0] for v in got.values()}


def test_short_keys_never_link_by_containment(data: Data) -> None:
    data.merchant("北京市朝阳区好味来超市有限公司")
    data.complaint("C1", name="超市")
    link_complaints(data.con)
    assert data.links()["C1"]["link_method"] == "unlinked"


def test_invoice_status_prefers_the_issued_row(data: Data) -> None:
    m = data.merchant("北京市朝阳区好味来餐饮有限公司", district="朝阳区", industry="restaurant")
    data.recon("issued", "26112000000000000001", m, "entered_late")
    data.recon("tax_record", "26112000000000000001", m, "entered_late")
    data.recon("tax_record", "26112000000000000002", m, "missing_in_merchant_log")
    data.recon("payment", "26112000000000000003", m, "not_invoiced")  # not an invoice row
    data.complaint("C1", merchant_id=m, invoice_no="26112000000000000001")
    data.complaint("C2", merchant_id=m, invoice_no="26112000000000000002", district="海淀区")
    data.complaint("C3", merchant_id=m, invoice_no="26112000000000000003")
    data.complaint("C4", merchant_id=m)
    link_complaints(data.con)
    links = data.links()
    assert links["C1"]["invoice_status"] == "entered_late"
    assert links["C1"]["invoice_reason_zh"] == "issued：entered_late"
    assert links["C1"]["invoice_reason_en"] == "issued entered_late"
    assert links["C2"]["invoice_status"] == "missing_in_merchant_log"
    assert links["C3"]["invoice_status"] is None
    assert links["C4"]["invoice_no"] is None
    # the complaint's own district wins; else the merchant's
    assert (links["C1"]["district"], links["C2"]["district"]) == ("朝阳区", "海淀区")
    assert links["C1"]["industry"] == "restaurant"


def test_dates_periods_and_resolution_days(data: Data) -> None:
    data.complaint(
        "C1", received="2026-03-08 22:00", resolved="2026-03-10 10:00", status="resolved"
    )  # a Sunday: its ISO week starts Monday 2 March
    data.complaint("C2", received="2026-03-09 09:00")
    link_complaints(data.con)
    links = data.links()
    assert links["C1"]["week"] == date(2026, 3, 2)
    assert links["C2"]["week"] == date(2026, 3, 9)
    assert (links["C1"]["period"], links["C1"]["quarter"]) == ("2026-03", "2026-Q1")
    assert links["C1"]["resolution_days"] == pytest.approx(1.5)
    assert links["C2"]["resolution_days"] is None


def test_without_reconciliation_statuses_stay_empty(data: Data) -> None:
    data.con.execute("drop table reconciliation")
    m = data.merchant("北京市朝阳区好味来餐饮有限公司")
    data.complaint("C1", merchant_id=m, invoice_no="26112000000000000001")
    link_complaints(data.con)
    assert data.links()["C1"]["invoice_status"] is None


# ---------------------------------------------------------------------------- stage


def test_stage_is_idempotent_and_counts_rows(data: Data) -> None:
    m = data.merchant("北京市朝阳区好味来餐饮有限公司")
    data.complaint("C1", merchant_id=m)
    data.complaint("C2", name="好味来餐饮", category=None)

    class Ctx:
        notes: list[str]
        written: dict[str, int]

    ctx = Ctx()
    ctx.notes, ctx.written = [], {}
    complaints_stage(data.con, ctx)
    first = data.con.sql("select * from complaint_links order by complaint_id").fetchall()
    complaints_stage(data.con, ctx)
    again = data.con.sql("select * from complaint_links order by complaint_id").fetchall()
    assert first == again
    assert len(first) == 2
    assert ctx.written["complaint_links"] == 2
    assert data.con.sql("select count(*) from classifier_reports").fetchall() == [(1,)]
    # two labels are far too few: the unlabelled one stays unclassified, and says so
    assert data.links()["C2"]["category_source"] == "unclassified"
    assert any("only 1 labelled complaints" in n for n in ctx.notes)


def test_stage_reads_nothing_from_the_context(data: Data) -> None:
    data.complaint("C1")
    complaints_stage(data.con, object())
    assert data.con.sql("select count(*) from complaint_links").fetchall() == [(1,)]


# ---------------------------------------------------------------------------- trends


def links_frame(rows: list[dict[str, Any]]) -> pl.LazyFrame:
    """complaint_links-shaped rows: only the columns a test sets, the rest null."""
    schema = {
        "complaint_id": pl.String,
        "merchant_id": pl.String,
        "invoice_no": pl.String,
        "invoice_status": pl.String,
        "category": pl.String,
        "received_at": pl.Datetime("us"),
        "invoice_recorded_at": pl.Datetime("us"),
        "resolution_days": pl.Float64,
        "channel": pl.String,
        "district": pl.String,
        "industry": pl.String,
    }

    def when(text: str | None) -> datetime | None:
        return None if text is None else datetime.fromisoformat(text)

    filled = [
        {k: r.get(k) for k in schema}
        | {
            "received_at": when(r["received_at"]),
            "invoice_recorded_at": when(r.get("invoice_recorded_at")),
        }
        for r in rows
    ]
    return pl.DataFrame(filled, schema=schema).lazy()


def trend_rows() -> pl.LazyFrame:
    return links_frame(
        [
            {"received_at": "2026-03-02 09:00", "category": "not_found", "channel": "12366"},
            {"received_at": "2026-03-08 23:59", "category": "not_found", "channel": "12345"},
            {"received_at": "2026-03-17 10:00", "category": "amount_short", "channel": "12366"},
            {"received_at": "2026-04-01 10:00", "category": "not_found", "channel": "12366"},
        ]
    )


def test_weekly_trend_by_category_fills_quiet_weeks_with_zero() -> None:
    got = ct.complaint_trends(trend_rows(), grain="week", by="category").collect()
    weeks = [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23),
             date(2026, 3, 30)]  # fmt: skip
    expected = {
        "amount_short": [0, 0, 1, 0, 0],
        "not_found": [2, 0, 0, 0, 1],
    }
    assert got.columns == ["period_start", "category", "complaints"]
    assert got.rows() == [
        (w, cat, expected[cat][i]) for i, w in enumerate(weeks) for cat in sorted(expected)
    ]


def test_monthly_trend_by_channel_and_in_total() -> None:
    by_channel = ct.complaint_trends(trend_rows(), grain="month", by="channel").collect()
    assert by_channel.rows() == [
        (date(2026, 3, 1), "12345", 1),
        (date(2026, 3, 1), "12366", 2),
        (date(2026, 4, 1), "12345", 0),
        (date(2026, 4, 1), "12366", 1),
    ]
    total = ct.complaint_trends(trend_rows(), grain="month", by=None).collect()
    assert total.rows() == [(date(2026, 3, 1), 3), (date(2026, 4, 1), 1)]
    with pytest.raises(ValueError, match="unknown dimension"):
        ct.complaint_trends(trend_rows(), by="colour")


def test_resolution_median_and_p90() -> None:
    rows = [{"category": "a", "resolution_days": d, "received_at": "2026-03-02 09:00"}
            for d in (10.0, 1.0, 3.0, 2.0, 4.0)]  # fmt: skip
    rows += [
        {"category": "b", "resolution_days": 2.0, "received_at": "2026-03-02 09:00"},
        {"category": "b", "resolution_days": None, "received_at": "2026-03-02 09:00"},  # open
    ]
    got = ct.resolution_times(links_frame(rows), by="category").collect()
    # a: sorted 1 2 3 4 10; median 3; p90 at rank 0.9 * 4 = 3.6 -> 4 + 0.6 * (10 - 4) = 7.6
    assert got.rows() == [("a", 5, 5, 3.0, pytest.approx(7.6)), ("b", 2, 1, 2.0, 2.0)]
    overall = ct.resolution_times(links_frame(rows), by=None).collect()
    # all six durations: 1 2 2 3 4 10; median 2.5; p90 at 4.5 -> 4 + 0.5 * 6 = 7
    assert overall.rows() == [(7, 6, 2.5, pytest.approx(7.0))]


def test_top_merchants_by_count_and_per_thousand_invoices() -> None:
    ids = ["M1", "M1", "M1", "M2", "M2", "M3", "M3", None]
    links = links_frame([{"merchant_id": m, "received_at": "2026-03-02 09:00"} for m in ids])
    invoices = pl.LazyFrame({"merchant_id": ["M1", "M2", "M3"], "invoices": [3000, 100, 1000]})
    by_count = ct.top_merchants(links, n=2).collect()
    assert by_count.rows() == [("M1", 3), ("M2", 2)]  # M2 and M3 tie: id breaks it
    per = ct.top_merchants(links, invoices, order_by="per_1000").collect()
    assert per.select("merchant_id", "per_1000").rows() == [("M2", 20.0), ("M3", 2.0), ("M1", 1.0)]
    floor = ct.top_merchants(links, invoices, order_by="per_1000", min_invoices=500).collect()
    assert floor["merchant_id"].to_list() == ["M3", "M1"]


def share_rows() -> pl.LazyFrame:
    def row(
        cat: str, invoice: str | None, status: str | None, recorded: str | None = None
    ) -> dict[str, Any]:
        return {"category": cat, "invoice_no": invoice, "invoice_status": status,
                "received_at": "2026-03-02 09:00", "district": "朝阳区",
                "invoice_recorded_at": recorded}  # fmt: skip

    return links_frame(
        [
            row("not_found", "I1", "missing_in_system"),
            row("not_found", "I2", "missing_in_system"),
            row("not_found", "I3", "entered_late", "2026-03-01 10:00"),  # late, but there by then
            row("not_found", "I4", "entered_on_time", "2026-02-20 10:00"),
            row("not_found", "I5", None),  # named, but in neither log
            row("not_found", None, None),  # names no invoice: not counted
            row("amount_short", "I6", "entered_on_time"),
        ]
    )


def test_category_by_invoice_status_crosstab() -> None:
    got = ct.category_status_crosstab(share_rows()).collect()
    assert got.rows() == [
        ("amount_short", "entered_on_time", 1, 1.0),
        ("not_found", "entered_late", 1, 0.2),
        ("not_found", "entered_on_time", 1, 0.2),
        ("not_found", "missing_in_system", 2, 0.4),
        ("not_found", "unmatched", 1, 0.2),
    ]


def test_not_found_share_headline() -> None:
    got = ct.not_found_invoice_share(share_rows()).collect().row(0, named=True)
    assert got == {
        "named": 5,
        "matched": 4,
        "missing_in_system": 2,
        "entered_late": 1,
        "entered_on_time": 1,
        "absent_when_received": 2,  # I1 and I2; I3 had been entered (late) the day before
        "missing_or_late": 3,
        "share_missing_or_late": 0.6,
        "share_on_time": 0.2,
        "share_absent_when_received": 0.4,
        "share_missing_or_late_matched": 0.75,
    }
    by_district = ct.not_found_invoice_share(share_rows(), by="district").collect()
    assert by_district.select("district", "named", "share_missing_or_late").rows() == [
        ("朝阳区", 5, 0.6)
    ]


def test_an_amount_short_complaint_is_judged_by_its_payment(data: Data) -> None:
    """The invoice of a 金额少开 complaint was entered on time; whether the customer was right is
    the payment's status: under-invoiced, or invoiced in full."""
    m = data.merchant("北京市朝阳区好味来餐饮有限公司")
    for i, pay_status in enumerate(["under_invoiced", "invoiced", None]):
        invoice, payment = f"2611200000000000001{i}", f"P{i}" if pay_status else None
        data.recon("issued", invoice, m, "entered_on_time", payment)
        if pay_status:
            data.recon("payment", f"P{i}", m, pay_status)
        data.complaint(f"A{i}", name="好味来餐饮", invoice_no=invoice, category="amount_short")
    data.complaint("N0", name="好味来餐饮", invoice_no="26112000000000000010")  # not found
    link_complaints(data.con)
    links = data.links()
    assert links["A0"]["invoice_payment_status"] == "under_invoiced"
    assert links["A2"]["invoice_payment_status"] is None  # issued for no payment
    cross = ct.category_status_crosstab(data.con.sql("select * from complaint_links").pl().lazy())
    assert cross.collect().select("category", "invoice_status", "complaints").rows() == [
        ("amount_short", "entered_on_time", 1),  # no payment to judge it by
        ("amount_short", "invoiced", 1),
        ("amount_short", "under_invoiced", 1),
        ("not_found", "entered_on_time", 1),  # the same invoice: its own status
    ]


def test_not_found_share_end_to_end_from_the_warehouse(data: Data) -> None:
    m = data.merchant("北京市朝阳区好味来餐饮有限公司")
    statuses = ["missing_in_system", "entered_late", "entered_on_time", "entered_on_time"]
    for i, status in enumerate(statuses):
        invoice = f"2611200000000000000{i}"
        data.recon("issued", invoice, m, status)
        data.complaint(f"C{i}", name="好味来餐饮", invoice_no=invoice)
    data.complaint("C9", name="好味来餐饮", invoice_no="26112000000000000099")
    link_complaints(data.con)
    links = data.con.sql("select * from complaint_links").pl().lazy()
    got = ct.not_found_invoice_share(links).collect().row(0, named=True)
    assert (got["named"], got["matched"], got["missing_or_late"]) == (5, 4, 2)
    assert got["share_missing_or_late"] == pytest.approx(0.4)
    assert got["share_on_time"] == pytest.approx(0.4)
    assert got["share_missing_or_late_matched"] == pytest.approx(0.5)


def test_weekly_trend_keeps_only_weeks_inside_the_months() -> None:
    """March-April 2026: the week of Mon 23 Feb holds 1 March only, the week of Mon 27 April
    runs into May; both would read as falls, so neither is shown."""
    weeks = [date(2026, 2, 23), date(2026, 3, 2), date(2026, 4, 20), date(2026, 4, 27)]
    trend = pl.DataFrame({"period_start": weeks, "complaints": [1, 40, 35, 10]})
    kept = ct.whole_weeks(trend, "2026-03", "2026-04")
    assert kept["period_start"].to_list() == [date(2026, 3, 2), date(2026, 4, 20)]
    # with May in the range, the week of 27 April (to Sun 3 May) is whole
    assert ct.whole_weeks(trend, "2026-03", "2026-05")["period_start"][-1] == date(2026, 4, 27)


def test_complaint_scope_takes_in_months_after_the_last_invoice_month() -> None:
    from analytics.scope import Filters, complaint_scope

    invoice_months = ["2026-09", "2026-10"]
    complaints = ["2026-09", "2026-10", "2026-11", "2026-12"]
    f = Filters("2026-09", "2026-10", districts=("朝阳区",))
    wide, later = complaint_scope(f, invoice_months, complaints)
    assert later == ["2026-11", "2026-12"]
    assert (wide.period_from, wide.period_to, wide.districts) == ("2026-09", "2026-12", ("朝阳区",))
    # a range that ends before the last invoice month is the user's choice
    assert complaint_scope(f.with_periods("2026-09", "2026-09"), invoice_months, complaints) == (
        f.with_periods("2026-09", "2026-09"),
        [],
    )
    # nothing later, or no invoices at all: unchanged
    assert complaint_scope(f, invoice_months, ["2026-09"]) == (f, [])
    assert complaint_scope(Filters("", ""), [], complaints) == (Filters("", ""), [])
