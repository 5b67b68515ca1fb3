"""Alert rules (direction, relative threshold, absolute floor) and the alert lifecycle.

Rules are evaluated against rules written here (the numbers of the brief), so tuning
data/reference/alert_rules.toml never changes what these tests mean.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from factories import TestWarehouse

from analytics import alerts, pipeline
from analytics.alert_hits import rule_hits, with_messages
from analytics.alert_rules import RULES_PATH, AlertRuleError, load_rules, parse_rules
from analytics.context import Context

RULES_TEXT = """
[settings]
max_age_months = 3

[[rules]]
id = "entry_rate_drop"
name_zh = "入库率骤降"
name_en = "Entry-rate drop"
source = "merchant_period_metrics"
metric = "entry_rate"
direction = "down"
compare = "difference"
relative = 0.10
floor_metric = "invoices_issued"
floor = 20
when_no_previous = "skip"
severity = "high"
message_zh = "{merchant_name} {period} 入库率 {value}，上月 {previous}，下降 {points} 个百分点"
message_en = "{merchant_name}: entry rate {value} in {period}, {previous} before"

[[rules]]
id = "delay_spike"
name_zh = "入库时长激增"
name_en = "Delay spike"
source = "merchant_period_metrics"
metric = "delay_p95"
direction = "up"
compare = "ratio"
relative = 2.0
level = 3.0
floor_metric = "invoices_issued"
floor = 20
when_no_previous = "skip"
severity = "medium"
message_zh = "{merchant_name} 入库时长 P95 {value}，上月 {previous}（{ratio} 倍）"
message_en = "{merchant_name}: p95 {value}, {previous} before ({ratio}x)"

[[rules]]
id = "complaint_spike"
name_zh = "投诉激增"
name_en = "Complaint spike"
source = "merchant_period_metrics"
metric = "complaints"
direction = "up"
compare = "ratio"
relative = 2.0
level = 3
when_no_previous = "zero"
severity = "medium"
message_zh = "{merchant_name} 投诉 {value} 件，上月 {previous} 件"
message_en = "{merchant_name}: {value} complaints, {previous} before"

[[rules]]
id = "new_anomaly"
name_zh = "新出现异常"
name_en = "New anomaly"
source = "anomaly_scores"
metric = "is_anomaly"
direction = "up"
compare = "flag"
when_no_previous = "zero"
severity = "high"
message_zh = "{merchant_name} 被标记为异常：{explanation}"
message_en = "{merchant_name} flagged: {explanation}"
"""
RULES = parse_rules(RULES_TEXT, source="test rules")
RULE = {r.id: r for r in RULES.rules}


def months_frame(pairs: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]]) -> pl.DataFrame:
    """One merchant per key: (February row or None, March row)."""
    base = {"merchant_name": "商户", "district": "朝阳区", "industry": "retail"}
    rows = []
    for merchant, (feb, mar) in pairs.items():
        if feb is not None:
            rows.append(base | {"merchant_id": merchant, "period": "2026-02"} | feb)
        rows.append(base | {"merchant_id": merchant, "period": "2026-03"} | mar)
    return pl.DataFrame(rows)


def fired(rule_id: str, pairs: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]]) -> set[str]:
    hits = rule_hits(months_frame(pairs).lazy(), RULE[rule_id], ["2026-03"]).collect()
    return set(hits["merchant_id"].to_list())


def test_entry_rate_drop_needs_ten_points_and_twenty_invoices() -> None:
    got = fired(
        "entry_rate_drop",
        {
            "exactly_10_points": (
                {"entry_rate": 0.98, "invoices_issued": 30},
                {"entry_rate": 0.88, "invoices_issued": 20},
            ),
            "9_points": (
                {"entry_rate": 0.98, "invoices_issued": 30},
                {"entry_rate": 0.89, "invoices_issued": 30},
            ),
            "19_invoices": (
                {"entry_rate": 1.0, "invoices_issued": 30},
                {"entry_rate": 0.5, "invoices_issued": 19},
            ),
            "a_rise": (
                {"entry_rate": 0.5, "invoices_issued": 30},
                {"entry_rate": 1.0, "invoices_issued": 30},
            ),
            "no_previous_month": (None, {"entry_rate": 0.1, "invoices_issued": 30}),
        },
    )
    assert got == {"exactly_10_points"}


def test_delay_spike_needs_the_level_the_ratio_and_the_floor() -> None:
    got = fired(
        "delay_spike",
        {
            "doubled_to_3": (
                {"delay_p95": 1.5, "invoices_issued": 25},
                {"delay_p95": 3.0, "invoices_issued": 25},
            ),
            "not_doubled": (
                {"delay_p95": 1.6, "invoices_issued": 25},
                {"delay_p95": 3.0, "invoices_issued": 25},
            ),
            "below_level": (
                {"delay_p95": 1.0, "invoices_issued": 25},
                {"delay_p95": 2.9, "invoices_issued": 25},
            ),
            "too_small": (
                {"delay_p95": 1.0, "invoices_issued": 25},
                {"delay_p95": 9.0, "invoices_issued": 19},
            ),
            "a_fall": (
                {"delay_p95": 9.0, "invoices_issued": 25},
                {"delay_p95": 3.0, "invoices_issued": 25},
            ),
        },
    )
    assert got == {"doubled_to_3"}


def test_complaint_spike_counts_a_missing_month_as_zero() -> None:
    got = fired(
        "complaint_spike",
        {
            "tripled": ({"complaints": 1}, {"complaints": 3}),
            "one_and_a_half": ({"complaints": 2}, {"complaints": 3}),
            "below_level": ({"complaints": 0}, {"complaints": 2}),
            "no_previous_row": (None, {"complaints": 3}),
            "a_fall": ({"complaints": 9}, {"complaints": 3}),
        },
    )
    assert got == {"tripled", "no_previous_row"}


def test_new_anomaly_fires_only_when_not_flagged_the_month_before() -> None:
    got = fired(
        "new_anomaly",
        {
            "new": ({"is_anomaly": False}, {"is_anomaly": True}),
            "still": ({"is_anomaly": True}, {"is_anomaly": True}),
            "first_month": (None, {"is_anomaly": True}),
            "gone": ({"is_anomaly": True}, {"is_anomaly": False}),
        },
    )
    assert got == {"new", "first_month"}


def test_hits_carry_the_bound_crossed_and_messages_in_words() -> None:
    frame = months_frame(
        {
            "m": (
                {"entry_rate": 0.98, "invoices_issued": 40},
                {"entry_rate": 0.6, "invoices_issued": 40},
            )
        }
    )
    rule = RULE["entry_rate_drop"]
    hits = with_messages(rule_hits(frame.lazy(), rule, ["2026-03"]).collect(), rule)
    (hit,) = hits.to_dicts()
    assert hit["threshold"] == pytest.approx(0.88)
    assert hit["previous_value"] == pytest.approx(0.98)
    assert hit["floor_value"] == 40
    assert hit["message_zh"] == "商户 2026-03 入库率 60.0%，上月 98.0%，下降 38.0 个百分点"
    assert hit["message_en"] == "商户: entry rate 60.0% in 2026-03, 98.0% before"


def test_the_shipped_rules_load_and_bad_rules_are_refused(tmp_path: Path) -> None:
    shipped = load_rules()
    assert {r.id for r in shipped.rules} >= {
        "entry_rate_drop",
        "delay_spike",
        "complaint_spike",
        "new_anomaly",
    }
    assert all(r.compare == "flag" or r.floor_metric or r.level for r in shipped.rules)
    text = RULES_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "rules.toml"
    bad.write_text(text.replace('metric = "entry_rate"', 'metric = "entry_ratio"', 1), "utf-8")
    with pytest.raises(AlertRuleError, match=r"rules\.toml: rule 1 \(entry_rate_drop\): unknown"):
        load_rules(bad)
    bad.write_text(text.replace("入库率 {value}", "入库率 {valeu}", 1), "utf-8")
    with pytest.raises(AlertRuleError, match="unknown field"):
        load_rules(bad)
    # an anomaly rule's floor can only use the month's counts its rows carry
    bad.write_text(
        text.replace(
            'floor_metric = "invoices_issued"\nfloor = 20\nwhen_no_previous = "zero"\n'
            'severity = "high"',
            'floor_metric = "entry_rate"\nfloor = 0.5\n'
            'when_no_previous = "zero"\nseverity = "high"',
            1,
        ),
        "utf-8",
    )
    with pytest.raises(AlertRuleError, match=r"\(new_anomaly\): floor_metric 'entry_rate' is not"):
        load_rules(bad)


# -- with a warehouse ---------------------------------------------------------------------------

AS_OF = datetime(2026, 4, 10, 12, 0)
# The anomaly model flags something on any tiny world; these tests are about the other rules
# and the lifecycle, so they run the pipeline without it (one test runs the real one).
STAGES = [s for s in pipeline.STAGES if not s.name.startswith("anomaly")]


def analyse(wh: TestWarehouse, **kwargs: Any) -> None:
    wh.analyse(stages=STAGES, **kwargs)


def month_of_invoices(wh: TestWarehouse, merchant: str, month: str, n: int, missing: int) -> None:
    """``n`` invoices in ``month``, the first ``missing`` of them never recorded."""
    for i in range(n):
        day = 2 + i % 20
        issued = f"{month}-{day:02d} 10:{i % 60:02d}"
        wh.invoice(
            merchant, issued, 100, recorded=None if i < missing else f"{month}-{day:02d} 15:00"
        )


@pytest.fixture
def world() -> tuple[TestWarehouse, str, str]:
    """Big: 25 invoices in February all entered, March 25 with 10 missing (60%): an alert.
    Small: the same pattern on 10 invoices a month: under the floor, no alert."""
    wh = TestWarehouse()
    big = wh.merchant(name="大商户有限公司")
    small = wh.merchant(name="小商户")
    month_of_invoices(wh, big, "2026-02", 25, 0)
    month_of_invoices(wh, big, "2026-03", 25, 10)
    month_of_invoices(wh, small, "2026-02", 10, 0)
    month_of_invoices(wh, small, "2026-03", 10, 5)
    analyse(wh, as_of=AS_OF)
    return wh, big, small


def open_alerts(wh: TestWarehouse) -> list[dict[str, Any]]:
    return wh.rows("select * from alerts order by alert_id")


def test_analyse_opens_one_alert_above_the_floor_in_words(
    world: tuple[TestWarehouse, str, str],
) -> None:
    wh, big, _ = world
    rows = open_alerts(wh)
    assert [(r["rule"], r["merchant_id"], r["period"]) for r in rows] == [
        ("entry_rate_drop", big, "2026-03")
    ]
    (alert,) = rows
    assert alert["status"] == "new"
    assert alert["last_seen_period"] == "2026-03"
    assert alert["value"] == pytest.approx(0.6)
    assert alert["previous_value"] == pytest.approx(1.0)
    assert "大商户有限公司" in alert["message_zh"]
    assert "60.0%" in alert["message_zh"]
    assert "补传" in alert["message_zh"]
    assert "entry rate 60.0%" in alert["message_en"]
    events = alerts.history(wh.con, alert["alert_id"]).to_dicts()
    assert [(e["action"], e["event_by"]) for e in events] == [("created", "system")]


def test_lifecycle_transitions_valid_and_invalid(world: tuple[TestWarehouse, str, str]) -> None:
    wh, _, _ = world
    (alert,) = open_alerts(wh)
    aid = alert["alert_id"]
    with pytest.raises(alerts.AlertError, match="required"):
        alerts.acknowledge(wh.con, aid, by=" ")
    with pytest.raises(alerts.AlertError, match="note"):
        alerts.resolve(wh.con, aid, by="王科长", note="")
    at = datetime(2026, 4, 11, 9, 30)
    row = alerts.acknowledge(wh.con, aid, by="王科长", note="已电话联系商户", at=at)
    assert row["status"] == "acknowledged"
    assert row["acknowledged_by"] == "王科长"
    assert row["acknowledged_at"] == at
    assert row["note"] == "已电话联系商户"
    with pytest.raises(alerts.AlertTransitionError, match="is acknowledged"):
        alerts.acknowledge(wh.con, aid, by="李四")
    row = alerts.resolve(wh.con, aid, by="王科长", note="商户已补传 10 张发票")
    assert row["status"] == "resolved"
    assert row["resolved_by"] == "王科长"
    with pytest.raises(alerts.AlertTransitionError, match="is resolved"):
        alerts.acknowledge(wh.con, aid, by="李四")
    with pytest.raises(alerts.AlertTransitionError, match="is resolved"):
        alerts.resolve(wh.con, aid, by="李四", note="again")
    with pytest.raises(alerts.AlertNotFoundError):
        alerts.acknowledge(wh.con, 999_999, by="李四")
    actions = alerts.history(wh.con, aid)["action"].to_list()
    assert actions == ["created", "acknowledged", "resolved"]
    # a new alert can be resolved directly
    assert alerts.alert(wh.con, aid)["note"] == "商户已补传 10 张发票"


def test_alerts_survive_full_and_repeated_analyses_without_duplicates(
    world: tuple[TestWarehouse, str, str],
) -> None:
    wh, _, _ = world
    (alert,) = open_alerts(wh)
    alerts.acknowledge(wh.con, alert["alert_id"], by="王科长")
    analyse(wh, as_of=AS_OF)  # noop
    analyse(wh, as_of=AS_OF, full=True)
    analyse(wh, as_of=AS_OF, full=True, deadline_workdays=3)
    (after,) = open_alerts(wh)
    assert after["alert_id"] == alert["alert_id"]
    assert after["status"] == "acknowledged"
    assert after["acknowledged_by"] == "王科长"
    assert wh.rows("select count(*) as n from alert_events")[0]["n"] == 2
    # resolved, and analysed again in full: the same condition does not come back
    alerts.resolve(wh.con, alert["alert_id"], by="王科长", note="已处理")
    analyse(wh, as_of=AS_OF, full=True)
    assert [a["status"] for a in open_alerts(wh)] == ["resolved"]


def test_an_open_alert_is_extended_when_the_condition_recurs(
    world: tuple[TestWarehouse, str, str],
) -> None:
    wh, big, _ = world
    wh.new_load()
    month_of_invoices(wh, big, "2026-04", 25, 0)  # recovers
    month_of_invoices(wh, big, "2026-05", 25, 12)  # drops again
    analyse(wh, as_of=datetime(2026, 6, 10))
    (alert,) = open_alerts(wh)
    assert (alert["period"], alert["last_seen_period"]) == ("2026-03", "2026-05")
    assert alert["value"] == pytest.approx(13 / 25)
    assert "2026-05" in alert["message_zh"]
    actions = alerts.history(wh.con, alert["alert_id"])["action"].to_list()
    assert actions == ["created", "seen_again"]


def test_a_resolved_alert_is_followed_by_a_new_one_when_the_condition_recurs(
    world: tuple[TestWarehouse, str, str],
) -> None:
    wh, big, _ = world
    (first,) = open_alerts(wh)
    alerts.resolve(wh.con, first["alert_id"], by="王科长", note="商户已整改")
    wh.new_load()
    month_of_invoices(wh, big, "2026-04", 25, 0)
    month_of_invoices(wh, big, "2026-05", 25, 12)
    analyse(wh, as_of=datetime(2026, 6, 10))
    rows = open_alerts(wh)
    assert [(r["period"], r["status"]) for r in rows] == [
        ("2026-03", "resolved"),
        ("2026-05", "new"),
    ]
    analyse(wh, as_of=datetime(2026, 6, 10), full=True)
    assert len(open_alerts(wh)) == 2


def test_old_months_raise_no_alerts(world: tuple[TestWarehouse, str, str]) -> None:
    wh, _, _ = world
    fresh = TestWarehouse()
    m = fresh.merchant()
    month_of_invoices(fresh, m, "2026-02", 25, 0)
    month_of_invoices(fresh, m, "2026-03", 25, 10)
    analyse(fresh, as_of=datetime(2026, 8, 10))  # March is more than 3 months back
    assert open_alerts(fresh) == []
    assert wh.rows("select count(*) as n from alerts")[0]["n"] == 1


def test_new_anomaly_reads_anomaly_scores_or_stays_inactive_with_a_note(
    world: tuple[TestWarehouse, str, str],
) -> None:
    wh, big, small = world
    ctx = Context(as_of=AS_OF, deadline_workdays=2, full=False, months=("2026-03",))
    wh.con.execute("drop table if exists anomaly_scores").fetchall()
    alerts.alerts_stage(wh.con, ctx, RULES)
    assert any("new_anomaly inactive" in n for n in ctx.notes)
    # both newly flagged in March; small issued 10 invoices, under the shipped floor of 20
    wh.con.execute(
        "create table anomaly_scores as select * from (values "
        "($big, '2026-02', 0.2, false, null, null), "
        "($big, '2026-03', 0.9, true, '入库率 60% 低于同类 98%', 'entry rate 60% vs 98%'), "
        "($small, '2026-02', 0.2, false, null, null), ($small, '2026-03', 0.9, true, 'x', 'x')) "
        "t(merchant_id, period, anomaly_score, is_anomaly, explanation_zh, explanation_en)",
        {"big": big, "small": small},
    ).fetchall()
    shipped = {r.id: r for r in load_rules().rules}["new_anomaly"]
    assert (shipped.floor_metric, shipped.floor) == ("invoices_issued", 20)
    floored = parse_rules(
        RULES_TEXT.replace(
            'compare = "flag"\n', 'compare = "flag"\nfloor_metric = "invoices_issued"\nfloor = 20\n'
        )
    )
    ctx = Context(as_of=AS_OF, deadline_workdays=2, full=False, months=("2026-03",))
    alerts.alerts_stage(wh.con, ctx, floored)
    found = wh.rows("select * from alerts where rule = 'new_anomaly'")
    assert [(r["merchant_id"], r["period"]) for r in found] == [(big, "2026-03")]
    assert found[0]["floor_value"] == 25
    assert "入库率 60% 低于同类 98%" in found[0]["message_zh"]
    assert "entry rate 60% vs 98%" in found[0]["message_en"]
    assert found[0]["merchant_name"] == "大商户有限公司"


def test_alerts_survive_a_full_run_of_the_real_pipeline(
    world: tuple[TestWarehouse, str, str],
) -> None:
    wh, big, _ = world
    (alert,) = open_alerts(wh)
    alerts.acknowledge(wh.con, alert["alert_id"], by="王科长", note="跟进中")
    wh.analyse(as_of=AS_OF, full=True)  # every stage, anomaly included
    wh.analyse(as_of=AS_OF, full=True)
    rows = open_alerts(wh)
    kept = next(r for r in rows if r["alert_id"] == alert["alert_id"])
    assert kept["status"] == "acknowledged"
    assert kept["note"] == "跟进中"
    assert (kept["rule"], kept["merchant_id"], kept["period"]) == (
        "entry_rate_drop",
        big,
        "2026-03",
    )
    keys = [(r["rule"], r["merchant_id"], r["period"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_several_alerts_move_on_together_or_not_at_all() -> None:
    wh = TestWarehouse()
    shops = [wh.merchant(name=f"第{i}商户有限公司") for i in range(3)]
    for shop in shops:  # one vendor's outage: each of its merchants' entry rate drops
        month_of_invoices(wh, shop, "2026-02", 25, 0)
        month_of_invoices(wh, shop, "2026-03", 25, 10)
    analyse(wh, as_of=AS_OF)
    ids = [r["alert_id"] for r in open_alerts(wh)]
    assert len(ids) == 3
    alerts.acknowledge(wh.con, ids[0], by="王科长")
    with pytest.raises(alerts.AlertTransitionError, match=f"alert {ids[0]} is acknowledged"):
        alerts.acknowledge_all(wh.con, ids, by="李四")
    assert [a["status"] for a in open_alerts(wh)] == ["acknowledged", "new", "new"]  # none moved
    with pytest.raises(alerts.AlertNotFoundError, match="alert 999999 does not exist"):
        alerts.resolve_all(wh.con, [*ids, 999_999], by="李四", note="已处理")
    with pytest.raises(alerts.AlertError, match="no alert chosen"):
        alerts.resolve_all(wh.con, [], by="李四", note="已处理")
    at = datetime(2026, 4, 11, 9, 30)
    note = "开票软件上传故障已修复，商户已补传"
    rows = alerts.resolve_all(wh.con, [*ids, ids[1]], by="李四", note=note, at=at)  # a repeat
    assert [(r["alert_id"], r["status"], r["resolved_by"], r["resolved_at"]) for r in rows] == [
        (aid, "resolved", "李四", at) for aid in ids
    ]
    for aid in ids:
        last = alerts.history(wh.con, aid).row(-1, named=True)
        assert (last["action"], last["event_by"], last["note"]) == ("resolved", "李四", note)
    assert wh.rows("select count(*) as n from alert_events where action = 'resolved'") == [{"n": 3}]
