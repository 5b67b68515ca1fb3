"""Alerts page (预警中心) under AppTest: the queue, and actions written back to a copy."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from apptest import errors, metrics, open_page, table_with, texts

from analytics import alert_desk, alert_whatif, config, formatting, self_check_views
from analytics.alert_rules import load_rules
from analytics.views import Filters
from analytics.warehouse import WarehouseBusyError
from dashboard import cached
from dashboard.i18n import LABELS


def test_the_queue_and_counts_match_the_alerts(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    everything = alert_desk.queue(con, Filters("", ""))
    new = everything.filter(everything["status"] == "new")
    at = open_page("alerts")
    assert errors(at) == []
    assert metrics(at)[LABELS["alerts.kpi.new"][0]] == formatting.count(new.height)
    queue = at.dataframe[0].value
    assert queue[LABELS["alerts.col.id"][0]].tolist() == everything["alert_id"].to_list()
    assert queue[LABELS["alerts.col.message"][0]].tolist()[0] == everything["message_zh"][0]
    # no alert of the small warehouse meets a vendor incident: no column for it
    assert everything["incident_failed"].is_null().all()
    assert LABELS["alerts.col.incident"][0] not in queue.columns


def test_rule_and_severity_filters_in_english(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    rule = alert_desk.queue(con, Filters("", ""))["rule"].mode().sort()[0]
    expected = alert_desk.queue(con, Filters("", ""), ("new", "acknowledged"), (rule,))
    at = open_page("alerts", al_rule=rule, lang="en")
    assert errors(at) == []
    queue = at.dataframe[0].value
    assert queue[LABELS["alerts.col.id"][1]].tolist() == expected["alert_id"].to_list()
    assert queue[LABELS["alerts.col.message"][1]].tolist() == expected["message_en"].to_list()
    assert set(queue[LABELS["alerts.col.rule"][1]]) == {alert_desk.rules()[rule].name_en}


@pytest.fixture
def copy(warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    return db


def _read(path: Path, sql: str, alert_id: int | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, None if alert_id is None else {"id": alert_id}).fetchall()
    finally:
        con.close()


def _state(path: Path, alert_id: int) -> tuple[object, ...]:
    return _read(
        path,
        "select status, acknowledged_by, resolved_by, note from alerts where alert_id = $id",
        alert_id,
    )[0]


def _events(path: Path, alert_id: int) -> list[tuple[object, ...]]:
    sql = "select action, event_by, note from alert_events where alert_id = $id order by event_id"
    return _read(path, sql, alert_id)


def _first_new(db: Path) -> int:
    return int(str(_read(db, "select min(alert_id) from alerts where status = 'new'")[0][0]))


def test_acknowledge_then_resolve_through_the_page(copy: Path) -> None:
    alert_id = _first_new(copy)
    serving = config.settings(copy).serving_path
    at = open_page("alerts", al_alert=str(alert_id))
    assert errors(at) == []
    assert at.selectbox(key="al_alert").value == alert_id
    at.text_input(key="al_who").input("王科员")
    at.text_area(key="al_note").input("已电话联系商户")
    at.button(key="al_ack").click()
    at.run()
    assert errors(at) == []
    done = LABELS["alerts.done.acknowledge"][0].format(id=alert_id, by="王科员")
    assert [s.value for s in at.success] == [done]
    assert _state(copy, alert_id) == ("acknowledged", "王科员", None, "已电话联系商户")
    assert _events(serving, alert_id)[-1] == ("acknowledged", "王科员", "已电话联系商户")
    assert metrics(at)[LABELS["alerts.kpi.acknowledged"][0]] == "1"  # the new snapshot

    # resolving needs a note: an error on the page, nothing written
    assert at.text_input(key="al_who").value == "王科员"  # remembered
    assert at.text_area(key="al_note").value == ""  # emptied after the action
    at.button(key="al_resolve").click()
    at.run()
    assert errors(at) == []
    assert [e.value for e in at.error] == [LABELS["alerts.note_required"][0]]
    assert _state(copy, alert_id)[0] == "acknowledged"

    at.text_area(key="al_note").input("商户已补传全部发票")
    at.button(key="al_resolve").click()
    at.run()
    assert errors(at) == []
    assert _state(copy, alert_id) == ("resolved", "王科员", "王科员", "商户已补传全部发票")
    assert [a for a, _, _ in _events(serving, alert_id)] == ["created", "acknowledged", "resolved"]
    assert metrics(at)[LABELS["alerts.kpi.resolved"][0]] == "1"


def test_who_is_required_and_a_busy_warehouse_is_said_plainly(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert_id = _first_new(copy)
    at = open_page("alerts", al_alert=str(alert_id), lang="en")
    at.button(key="al_ack").click()
    at.run()
    assert [e.value for e in at.error] == [LABELS["alerts.who_required"][1]]

    def busy(*_: object, **__: object) -> None:
        raise WarehouseBusyError("held by another process")

    monkeypatch.setattr(cached, "act_on_alerts", busy)
    at.text_input(key="al_who").input("Wang")
    at.button(key="al_ack").click()
    at.run()
    assert errors(at) == []
    assert [e.value for e in at.error] == [LABELS["alerts.busy"][1]]
    assert _state(copy, alert_id)[0] == "new"


def test_an_alert_opens_its_merchants_self_check_report_for_a_reminder(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    row = alert_desk.queue(con, Filters("", "")).row(0, named=True)
    at = open_page("alerts", al_alert=str(row["alert_id"]))
    at.button(key="al_self_check").click()
    at.run()
    assert errors(at) == []
    assert at.title[0].value == LABELS["self_check.title"][0]
    assert at.selectbox(key="sc_merchant").value == row["merchant_id"]
    assert at.selectbox(key="sc_period").value == row["last_seen_period"]
    summary = self_check_views.summary(con, row["last_seen_period"], merchant_id=row["merchant_id"])
    assert metrics(at)["未入库数"] == formatting.count(summary["missing_count"][0])


def test_several_alerts_are_acknowledged_together(copy: Path) -> None:
    rows = _read(copy, "select alert_id from alerts where status = 'new' order by alert_id")
    chosen = [int(str(r[0])) for r in rows[:2]]
    assert len(chosen) == 2
    at = open_page("alerts")
    assert errors(at) == []
    at.multiselect(key="al_bulk").set_value(chosen)
    at.run()
    assert at.button(key="al_bulk_ack").label == LABELS["alerts.bulk.acknowledge"][0].format(n=2)
    at.button(key="al_bulk_ack").click()
    at.run()
    assert [e.value for e in at.error] == [LABELS["alerts.who_required"][0]]  # nothing written
    at.text_input(key="al_bulk_who").input("王科员")
    at.text_area(key="al_bulk_note").input("开票软件上传故障，已通知厂商")
    at.button(key="al_bulk_ack").click()
    at.run()
    assert errors(at) == []
    done = LABELS["alerts.bulk.done.acknowledge"][0].format(n="2", by="王科员")
    assert [s.value for s in at.success] == [done]
    for alert_id in chosen:
        assert _state(copy, alert_id) == (
            "acknowledged",
            "王科员",
            None,
            "开票软件上传故障，已通知厂商",
        )
        assert _events(copy, alert_id)[-1] == (
            "acknowledged",
            "王科员",
            "开票软件上传故障，已通知厂商",
        )
    assert at.multiselect(key="al_bulk").value == []  # emptied after the action

    # every open alert of the queue, some acknowledged now: they can only be resolved together
    open_ids = _read(copy, "select alert_id from alerts where status <> 'resolved'")
    at.button(key="al_bulk_all").click()
    at.run()
    assert sorted(at.multiselect(key="al_bulk").value) == sorted(int(str(r[0])) for r in open_ids)
    assert at.button(key="al_bulk_ack").disabled
    assert not at.button(key="al_bulk_resolve").disabled


def test_the_chosen_alerts_merchants_get_their_self_check_reports_in_one_list(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    """Several alerts of one cause: their merchants, each once, go to the Self-check page with
    the latest month the alerts saw."""
    queue = alert_desk.queue(snapshot.cursor(), Filters("", ""))
    open_alerts = queue.filter(queue["status"] != "resolved")
    chosen = open_alerts.head(3)
    assert chosen.height == 3
    at = open_page("alerts")
    assert [b for b in at.button if b.key == "al_bulk_self_check"] == []  # nothing chosen yet
    at.multiselect(key="al_bulk").set_value(chosen["alert_id"].to_list())
    at.run()
    merchants = list(dict.fromkeys(chosen["merchant_id"].to_list()))
    period = str(chosen["last_seen_period"].max())
    button = at.button(key="al_bulk_self_check")
    assert button.label == LABELS["common.self_check_list"][0].format(
        n=formatting.count(len(merchants)), period=period
    )
    button.click()
    at.run()
    assert errors(at) == []
    assert at.title[0].value == LABELS["self_check.title"][0]
    assert at.text_area(key="sc_list").value.split("\n") == merchants
    assert at.selectbox(key="sc_period").value == period


def test_the_rule_what_if_counts_what_a_higher_level_drops(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    rules = load_rules()
    rows = alert_whatif.month_rows(con, Filters("", ""), rules.max_age_months)
    now = alert_whatif.hits(rows, rules)
    at = open_page("alerts", al_whatif="true")
    assert errors(at) == []
    counts = table_with(at, LABELS["alerts.whatif.now"][0])
    by_rule = dict(now.group_by("rule").len().rows())
    assert counts[LABELS["alerts.whatif.now"][0]].tolist() == [
        by_rule.get(r.id, 0) for r in rules.rules
    ]
    assert LABELS["alerts.whatif.same"][0] in texts(at)
    spike = next(r for r in rules.rules if r.id == "complaint_spike")
    assert spike.level is not None
    at.number_input(key="al_wi_complaint_spike_level").set_value(spike.level + 2)
    next(b for b in at.button if b.label == LABELS["alerts.whatif.apply"][0]).click()
    at.run()
    assert errors(at) == []
    tried = alert_whatif.hits(
        rows,
        alert_whatif.edited(
            rules,
            [
                alert_whatif.RuleChange(
                    "complaint_spike", spike.relative, spike.level + 2, spike.floor
                )
            ],
        ),
    )
    expected = alert_whatif.compare(now, tried, [r.id for r in rules.rules])
    counts = table_with(at, LABELS["alerts.whatif.dropped"][0])
    assert counts[LABELS["alerts.whatif.dropped"][0]].tolist() == expected["dropped"].to_list()
    assert expected["dropped"].sum() > 0
    moved = table_with(at, LABELS["alerts.whatif.change"][0])
    assert moved.shape[0] == alert_whatif.differences(now, tried).height
    assert [d.label for d in at.get("download_button")].count(
        LABELS["alerts.whatif.download"][0]
    ) == 1
