"""Simulated compliance score: each rule, caps, grade bands, M, breakdowns, stable ranking.

Rules are tested against a scheme written here (not the shipped file), so tuning
data/reference/credit_scheme.toml never silently changes what these tests mean; expected points
are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from factories import TestWarehouse

from analytics import credit, credit_scoring, credit_views, sqlrun
from analytics.credit_scheme import SCHEME_PATH, SchemeError, load_scheme, parse_scheme

SCHEME = parse_scheme(
    """
[scheme]
name_zh = "测试评分（模拟）"
name_en = "Test score (simulation)"
note_zh = "模拟"
note_en = "simulation"

[grades]
a_min = 90
b_min = 70
c_min = 40

[rating]
min_months_registered = 12
min_invoices_quarter = 5
min_invoices_trailing_12m = 20

[complaint_weights]
not_found = 1.0
service_attitude = 0.2

[[rules]]
id = "entry"
metric = "entry_rate"
direction = "below"
threshold = 0.98
unit = 0.01
points_per_unit = 2.5
cap = 25
description_zh = "入库率"
description_en = "entry rate"

[[rules]]
id = "on_time"
metric = "on_time_rate"
direction = "below"
threshold = 0.95
unit = 0.01
points_per_unit = 1
cap = 10
description_zh = "按时"
description_en = "on time"

[[rules]]
id = "delay"
metric = "delay_p95"
direction = "above"
threshold = 2
unit = 1
points_per_unit = 2
cap = 10
description_zh = "时长"
description_en = "delay"

[[rules]]
id = "missing"
metric = "missing_count"
direction = "above"
threshold = 0
unit = 1
points_per_unit = 1
cap = 10
description_zh = "未入库"
description_en = "missing"

[[rules]]
id = "uninvoiced"
metric = "uninvoiced_rate"
direction = "above"
threshold = 0.02
unit = 0.01
points_per_unit = 1
cap = 15
min_count_metric = "uninvoiced_count"
min_count = 2
description_zh = "少开"
description_en = "under-invoicing"

[[rules]]
id = "complaints"
metric = "weighted_complaints_per_1k"
direction = "above"
threshold = 2
unit = 1
points_per_unit = 1
cap = 10
min_count_metric = "complaints"
min_count = 2
description_zh = "投诉"
description_en = "complaints"

[[rules]]
id = "duplicates"
metric = "duplicate_count"
direction = "above"
threshold = 0
unit = 1
points_per_unit = 1
cap = 10
description_zh = "重复"
description_en = "duplicates"

[[rules]]
id = "red"
metric = "red_rate"
direction = "above"
threshold = 0.05
unit = 0.01
points_per_unit = 0.5
cap = 10
min_count_metric = "red_count"
min_count = 3
description_zh = "红冲"
description_en = "red"
""",
    source="test scheme",
)

CLEAN: dict[str, Any] = {
    "merchant_id": "M0",
    "period": "2026-Q1",
    "period_start": date(2026, 1, 1),
    "period_end": date(2026, 3, 31),
    "merchant_name": "测试商户",
    "district": "朝阳区",
    "industry": "retail",
    "size_band": "small",
    "software_vendor": "etax_web",
    "is_individual": False,
    "registered_on": date(2010, 1, 1),
    "invoices_issued": 1000,
    "entry_rate": 1.0,
    "on_time_rate": 1.0,
    "delay_p95": 0.5,
    "missing_count": 0,
    "invoice_requests": 100,
    "not_invoiced_count": 0,
    "under_invoiced_count": 0,
    "complaints": 0,
    **{
        f"complaints_{c}": 0
        for c in (
            "not_found",
            "paper_electronic_mismatch",
            "amount_short",
            "not_timely",
            "service_attitude",
            "other",
            "unlabelled",
        )
    },
    "duplicate_count": 0,
    "red_rate": 0.0,
    "red_count": 0,
}


def score(rows: list[dict[str, Any]], period_type: str = "quarter") -> list[dict[str, Any]]:
    frame = pl.DataFrame([CLEAN | {"merchant_id": f"M{i}"} | r for i, r in enumerate(rows)])
    out = credit_scoring.score_frame(frame.lazy(), SCHEME, period_type).collect()
    return out.sort("merchant_id").to_dicts()


def points(row: dict[str, Any]) -> dict[str, float]:
    return {item["rule"]: item["points"] for item in row["breakdown"]}


def worded(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The row's breakdown with its words, in rule order (as the profile reads it)."""
    return credit_views.breakdown(row, SCHEME).sort("order").to_dicts()


def test_a_clean_merchant_keeps_100_and_grade_a() -> None:
    (row,) = score([{}])
    assert row["score"] == 100
    assert row["grade"] == "A"
    assert row["deductions"] == 0
    assert set(points(row).values()) == {0.0}
    assert row["summary_zh"] is None


@pytest.mark.parametrize(
    ("overrides", "rule", "expected"),
    [
        ({"entry_rate": 0.90}, "entry", 20.0),  # 8 points below 98% x 2.5
        ({"entry_rate": 0.50}, "entry", 25.0),  # 120 -> cap 25
        ({"on_time_rate": 0.90}, "on_time", 5.0),  # 5 points below 95% x 1
        ({"on_time_rate": 0.10}, "on_time", 10.0),  # cap
        ({"delay_p95": 4.5}, "delay", 5.0),  # 2.5 working days over 2, x 2
        ({"delay_p95": 30.0}, "delay", 10.0),  # cap
        ({"missing_count": 3}, "missing", 3.0),
        ({"missing_count": 50}, "missing", 10.0),
        # 3 not invoiced + 2 under-invoiced of 100 requests = 5%: 3 points over 2%
        ({"not_invoiced_count": 3, "under_invoiced_count": 2}, "uninvoiced", 3.0),
        # 1 of 10 requests = 10%, but a single case is below the count floor of 2
        ({"invoice_requests": 10, "not_invoiced_count": 1}, "uninvoiced", 0.0),
        # (3 x 1.0 + 5 x 0.2) per 1,000 invoices = 4.0: 2 over the threshold
        (
            {"complaints": 8, "complaints_not_found": 3, "complaints_service_attitude": 5},
            "complaints",
            2.0,
        ),
        ({"complaints": 1, "complaints_not_found": 1, "invoices_issued": 10}, "complaints", 0.0),
        ({"duplicate_count": 4}, "duplicates", 4.0),
        ({"duplicate_count": 30}, "duplicates", 10.0),
        ({"red_rate": 0.09, "red_count": 90}, "red", 2.0),  # 4 points over 5%, x 0.5
        ({"red_rate": 0.50, "red_count": 2}, "red", 0.0),  # below the count floor of 3
    ],
)
def test_each_rule_deducts_by_its_threshold_unit_and_cap(
    overrides: dict[str, Any], rule: str, expected: float
) -> None:
    (row,) = score([overrides])
    got = points(row)
    assert got[rule] == pytest.approx(expected)
    assert sum(got.values()) == pytest.approx(expected), "no other rule deducts"
    assert row["score"] == pytest.approx(100 - expected)


def test_a_value_on_the_threshold_or_the_good_side_deducts_nothing() -> None:
    rows = score(
        [
            {"entry_rate": 0.98, "on_time_rate": 0.95, "delay_p95": 2.0, "red_rate": 0.05},
            {"entry_rate": None, "on_time_rate": None, "delay_p95": None},  # nothing due
        ]
    )
    assert [r["score"] for r in rows] == [100, 100]
    no_data = next(i for i in worded(rows[1]) if i["rule"] == "entry")
    assert no_data["value"] is None
    assert "无数据" in no_data["text_zh"]
    assert "no data" in no_data["text_en"]


def test_words_of_a_rule_under_its_count_floor_name_the_count() -> None:
    # 1 of 10 requests not invoiced is 10%, over 2%, but one case is under the floor of 2
    (row,) = score([{"not_invoiced_count": 1, "invoice_requests": 10}])
    item = next(i for i in worded(row) if i["rule"] == "uninvoiced")
    assert (item["points"], item["count"]) == (0.0, 1.0)
    assert item["text_zh"].endswith("1 少于 2：不扣分")
    assert "< 2: no deduction" in item["text_en"]


def test_breakdown_sums_to_100_minus_score_with_words() -> None:
    rows = score(
        [
            {"entry_rate": 0.9137, "missing_count": 7, "duplicate_count": 3},
            {"on_time_rate": 0.333, "delay_p95": 9.1, "red_rate": 0.2, "red_count": 40},
            {"entry_rate": 0.1, "on_time_rate": 0.1, "delay_p95": 99, "missing_count": 99},
        ]
    )
    for row in rows:
        items = worded(row)
        assert [i["rule"] for i in items] == [r.id for r in SCHEME.rules]
        assert sum(i["points"] for i in items) == pytest.approx(100 - row["score"], abs=1e-9)
        assert row["points_deducted"] == pytest.approx(100 - row["score"], abs=1e-9)
        assert row["deductions"] == sum(i["points"] > 0 for i in items)
        for item in items:
            assert item["text_zh"]
            assert item["text_en"]
            assert ("扣 " in item["text_zh"]) == (item["points"] > 0)
        # the words rendered on read are those scoring wrote into the summary
        assert row["summary_zh"] == "；".join(i["text_zh"] for i in items if i["points"] > 0)
        assert row["summary_en"] == "; ".join(i["text_en"] for i in items if i["points"] > 0)
    capped = worded(rows[2])[0]
    assert capped["points"] == 25
    assert "已达上限" in capped["text_zh"]
    assert "(cap)" in capped["text_en"]
    assert rows[0]["summary_zh"].count("；") == 2  # three rules deducted


def test_delay_words_carry_working_days_and_one_point_is_singular() -> None:
    # p95 4.5 working days over 2: 2.5 x 2 = 5 points; 3 duplicates: 3 points; 1 duplicate: 1
    rows = score([{"delay_p95": 4.5, "duplicate_count": 1}, {"delay_p95": 1.5}])
    delay = next(i for i in worded(rows[0]) if i["rule"] == "delay")
    assert "4.5 个工作日，高于 2.0 个工作日：扣 5 分" in delay["text_zh"]
    assert "4.5 working days, above 2.0 working days: 5 points deducted" in delay["text_en"]
    one = next(i for i in worded(rows[0]) if i["rule"] == "duplicates")
    assert one["text_en"].endswith(": 1 point deducted")
    calm = next(i for i in worded(rows[1]) if i["rule"] == "delay")
    assert calm["text_en"].endswith("1.5 working days, not above 2.0 working days: no deduction")


def test_grade_bands_at_their_boundaries() -> None:
    cases = {100: "A", 90: "A", 89.99: "B", 70: "B", 69.99: "C", 40: "C", 39.99: "D", 0: "D"}
    assert {s: SCHEME.grade(s) for s in cases} == cases
    # 10 duplicates = exactly 90; 0.01 more (entry rate 0.004 points below 98%) = 89.99
    rows = score([{"duplicate_count": 10}, {"duplicate_count": 10, "entry_rate": 0.97996}])
    assert [(r["score"], r["grade"]) for r in rows] == [(90.0, "A"), (89.99, "B")]


def test_m_for_merchants_too_new_or_too_quiet_to_rate() -> None:
    rows = score(
        [
            {"registered_on": date(2025, 6, 1)},  # < 12 months before 2026-03-31
            {"registered_on": date(2025, 3, 31)},  # exactly 12 months: rated
            {"invoices_issued": 4},  # fewer than 5 in the quarter
            {"invoices_issued": 5},
            {"registered_on": None},  # unknown registration date: rated on volume alone
            {"registered_on": date(2026, 1, 15), "invoices_issued": 2},
        ]
    )
    assert [r["grade"] for r in rows] == ["M", "A", "M", "A", "A", "M"]
    assert "登记于 2025-06-01" in rows[0]["m_reason_zh"]
    assert "少于 5 张" in rows[2]["m_reason_zh"]
    assert "less than 12 months before the period's end" in rows[5]["m_reason_en"]
    assert "fewer than 5" in rows[5]["m_reason_en"]
    assert rows[1]["m_reason_zh"] is None
    # an M merchant still carries its score and breakdown
    assert rows[2]["score"] == 100
    window = score([{"invoices_issued": 19}, {"invoices_issued": 20}], "trailing_12m")
    assert [r["grade"] for r in window] == ["M", "A"]


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    scored = credit_scoring.score_frame(
        pl.DataFrame([CLEAN | r for r in rows]).lazy(), SCHEME, "quarter"
    ).collect()
    con = duckdb.connect()
    con.register("fw_credit_scored", scored)
    sql = sqlrun.body("marts/credit_scores.sql")
    con.execute(f"create table ranked as {sql}", {"scheme_id": SCHEME.scheme_id}).fetchall()
    credit.rank_scores(con, "ranked", "true", {})
    return con.sql("select * from ranked").pl().sort("merchant_id").to_dicts()


def test_ranking_ties_break_on_fewer_deductions_and_equals_share_a_rank() -> None:
    rows = _ranked(
        [
            {"merchant_id": "D", "duplicate_count": 2},  # 98, one rule
            {"merchant_id": "C", "duplicate_count": 1, "missing_count": 1},  # 98, two rules
            {"merchant_id": "B", "duplicate_count": 2},  # 98, one rule: ties with D
            {"merchant_id": "A", "missing_count": 5},  # 95
            {"merchant_id": "E"},  # 100
            {"merchant_id": "F", "invoices_issued": 1},  # M: no rank
            {"merchant_id": "G", "district": "海淀区", "duplicate_count": 9},  # 91
        ]
    )
    by_id = {r["merchant_id"]: r for r in rows}
    order = sorted((r["rank"], r["merchant_id"]) for r in rows if r["rank"] is not None)
    assert [m for _, m in order] == ["E", "B", "D", "C", "A", "G"]
    # B and D are equal on score and rules deducting: one rank, and the next is 4, not 3
    assert [r for r, _ in order] == [1, 2, 2, 4, 5, 6]
    assert by_id["F"]["rank"] is None
    assert by_id["F"]["rank_in_district"] is None
    assert by_id["G"]["rank_in_district"] == 1
    assert by_id["A"]["rank_in_district"] == 5
    assert all(r["is_simulation"] for r in rows)
    assert by_id["C"]["breakdown"][3]["points"] == 1


def test_trailing_window_ends_with_the_last_complete_month() -> None:
    key, months = credit.trailing_window(datetime(2026, 11, 13, 14, 38))
    assert key == "2026-10-T12M"
    assert months[0] == "2025-11"
    assert months[-1] == "2026-10"
    assert len(months) == 12
    assert credit.trailing_window(datetime(2026, 1, 1))[0] == "2025-12-T12M"


def _warehouse() -> tuple[TestWarehouse, str, str]:
    """A: 10 invoices a month Jan-Mar 2026, two missing in March; B: 3 invoices in March."""
    wh = TestWarehouse()
    a = wh.merchant(district="朝阳区")
    b = wh.merchant(district="朝阳区")
    for month in ("01", "02", "03"):
        for day in range(2, 12):
            issued = f"2026-{month}-{day:02d} 10:00"
            missing = month == "03" and day < 4
            wh.invoice(
                a, issued, 113, recorded=None if missing else f"2026-{month}-{day:02d} 11:00"
            )
    for day in (2, 3, 4):
        wh.invoice(b, f"2026-03-{day:02d} 10:00", 50, recorded=f"2026-03-{day:02d} 12:00")
    return wh, a, b


def test_the_stage_scores_quarters_and_the_window_incrementally_like_a_full_run() -> None:
    wh, a, b = _warehouse()
    wh.analyse(as_of=datetime(2026, 4, 10, 12, 0))
    q1 = {
        r["merchant_id"]: r for r in wh.rows("select * from credit_scores where period = '2026-Q1'")
    }
    # the shipped scheme's points are not asserted here (tuning it must not break this test)
    assert set(q1) == {a, b}
    assert q1[b]["grade"] == "M"  # 3 invoices
    assert q1[a]["grade"] in {"A", "B", "C", "D"}
    assert q1[a]["score"] < 100
    assert q1[a]["rank"] == 1
    window = wh.rows("select * from credit_scores where period_type = 'trailing_12m'")
    assert {r["period"] for r in window} == {"2026-03-T12M"}
    assert all(r["is_simulation"] for r in window)
    # a new load in March: the incremental run equals a full one
    wh.new_load()
    wh.invoice(b, "2026-03-20 10:00", 50, recorded="2026-03-20 12:00")
    wh.invoice(b, "2026-03-21 10:00", 50, recorded="2026-03-21 12:00")
    wh.analyse(as_of=datetime(2026, 4, 10, 12, 0))
    incremental = wh.table("credit_scores", "period, merchant_id")
    assert incremental != []
    wh.analyse(as_of=datetime(2026, 4, 10, 12, 0), full=True)
    assert wh.table("credit_scores", "period, merchant_id") == incremental
    assert wh.rows(
        "select grade from credit_scores where merchant_id = $m and period = '2026-Q1'", {"m": b}
    ) == [{"grade": "A"}]


def test_scoring_in_chunks_stores_what_one_frame_would(monkeypatch: pytest.MonkeyPatch) -> None:
    wh, _, _ = _warehouse()
    as_of = datetime(2026, 4, 10, 12, 0)
    wh.analyse(as_of=as_of)
    whole = wh.table("credit_scores", "period, merchant_id")
    assert len(whole) == 4  # A and B, in 2026-Q1 and in the trailing window
    monkeypatch.setattr(credit, "SCORE_CHUNK_ROWS", 1)  # every row its own chunk
    wh.analyse(as_of=as_of, full=True)
    assert wh.table("credit_scores", "period, merchant_id") == whole


def test_the_shipped_scheme_loads_and_bad_schemes_are_refused(tmp_path: Path) -> None:
    shipped = load_scheme()
    assert sum(r.cap for r in shipped.rules) <= 100
    assert "模拟" in shipped.name_zh
    assert "simulation" in shipped.name_en.lower()
    text = SCHEME_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('metric = "duplicate_count"', 'metric = "dupes"'), "utf-8")
    with pytest.raises(SchemeError, match=r"bad\.toml: rule \d+ \(duplicates\): unknown metric"):
        load_scheme(bad)
    bad.write_text(text.replace("cap = 25", "cap = 60"), "utf-8")
    with pytest.raises(SchemeError, match="caps add up to 135"):
        load_scheme(bad)
