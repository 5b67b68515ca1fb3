"""Vendor incidents (开票软件系统性延迟): the rule on hand-made days, the generator's planted
outages found on the small warehouse, and where they are read: Entry monitoring, the profile,
the self-check report, the forecast and the alerts."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from apptest import errors, open_page, table_with
from factories import TestWarehouse
from polars.testing import assert_frame_equal

from analytics import (
    alert_desk,
    config,
    delay_views,
    profile,
    reports,
    risk_stage,
    views,
    warehouse,
)
from analytics.report_sheets import INCIDENT_HEADER
from analytics.views import Filters
from dashboard.i18n import LABELS

DAY0 = date(2026, 3, 2)


def _days(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, int, int, int]]) -> None:
    """(merchant, day offset, issued, late) rows into merchant_daily."""
    con.executemany(
        "insert into merchant_daily (merchant_id, day, period, issued, recorded_on_time, late, "
        "missing, pending) values ($1, $2, '2026-03', $3, $3 - $4, $4, 0, 0)",
        [(m, DAY0 + timedelta(days=d), n, late) for m, d, n, late in rows],
    )


def test_the_rule_on_hand_made_days() -> None:
    wh = TestWarehouse()
    a1, a2 = wh.merchant(software_vendor="piaolian"), wh.merchant(software_vendor="piaolian")
    b1 = wh.merchant(software_vendor="jinpiaobao")
    wh.analyse()  # the result tables, empty: the days below are written by hand
    con = wh.con
    usual = [(a1, d, 30, 1) for d in range(0, 30)]  # 1 of 30 late: usual share 3.3%
    _days(con, [r for r in usual if r[1] not in (10, 13, 25)])
    _days(
        con,
        [
            # an outage: day 10 and day 13 (three days apart: one incident), both merchants hit
            (a1, 10, 20, 15),
            (a2, 10, 10, 8),
            (a1, 13, 30, 25),
            # day 25: its own incident, one merchant hit
            (a1, 25, 30, 9),
            # jinpiaobao: all late on a day with too few invoices, 15% on a busy day (> 5 x
            # its usual 0%, but under the 20% floor): neither is an incident
            (b1, 0, 19, 19),
            (b1, 1, 40, 6),
            *((b1, d, 40, 0) for d in range(2, 9)),
        ],
    )
    got = delay_views.find_incidents(con).to_dicts()
    # the analysis stored none (its days came later); stored again, they read back the same
    assert delay_views.vendor_incidents(con).is_empty()
    assert delay_views.store_incidents(con) == 2
    assert delay_views.vendor_incidents(con).to_dicts() == got
    assert got == [
        {
            "software_vendor": "piaolian",
            "first_day": DAY0 + timedelta(days=10),
            "last_day": DAY0 + timedelta(days=13),
            "days": 2,
            "invoices": 60,
            "failed": 48,
            "share": 0.8,
            "usual_share": 1 / 30,
            "merchants": 2,
        },
        {
            "software_vendor": "piaolian",
            "first_day": DAY0 + timedelta(days=25),
            "last_day": DAY0 + timedelta(days=25),
            "days": 1,
            "invoices": 30,
            "failed": 9,
            "share": 0.3,
            "usual_share": 1 / 30,
            "merchants": 1,
        },
    ]


def test_the_planted_outage_is_found_and_nothing_else(
    small_warehouse: Path, snapshot: duckdb.DuckDBPyConnection
) -> None:
    manifest = json.loads((small_warehouse.parent / "files" / "manifest.json").read_text())
    planted = []
    for line in manifest["vendor_outages"]:  # "<vendor> <start> .. <end>"
        vendor, start, end = line.split(" ", 1)[0], *line.split(" ", 1)[1].split(" .. ")
        planted.append((vendor, datetime.fromisoformat(start), datetime.fromisoformat(end)))
    assert planted
    found = views.vendor_incidents(snapshot.cursor())
    # the snapshot's stored incidents are those its days give
    assert_frame_equal(found, delay_views.find_incidents(snapshot.cursor()))
    # every incident lies in a planted outage of its vendor (its invoices issued before the
    # vendor came back), and every planted outage was found
    for row in found.iter_rows(named=True):
        assert any(
            v == row["software_vendor"]
            and start.date() <= row["last_day"]
            and row["first_day"] <= end.date()
            for v, start, end in planted
        ), row
    assert {v for v, _, _ in planted} == set(found["software_vendor"])


def test_entry_monitoring_lists_the_incidents_of_its_months(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    found = views.vendor_incidents(snapshot.cursor())
    assert found.height
    month = found["first_day"][0].strftime("%Y-%m")
    at = open_page("entry_monitoring", period=[month, month])
    assert errors(at) == []
    table = table_with(at, LABELS["entry_monitoring.incidents.first"][0])
    assert (
        table[LABELS["entry_monitoring.incidents.failed"][0]].tolist()
        == found.filter(
            found["first_day"].dt.strftime("%Y-%m") <= month,
            found["last_day"].dt.strftime("%Y-%m") >= month,
        )["failed"].to_list()
    )


def test_during_incidents_marks_rows_issued_on_the_vendors_incident_days() -> None:
    incidents = pl.DataFrame(
        {
            "software_vendor": ["piaolian", "jinpiaobao"],
            "first_day": [date(2026, 6, 16), date(2026, 6, 1)],
            "last_day": [date(2026, 6, 18), date(2026, 6, 30)],
        }
    )
    rows = pl.DataFrame(
        {
            "issued_at": [
                datetime(2026, 6, 15, 23, 59),
                datetime(2026, 6, 16, 0, 0),
                datetime(2026, 6, 18, 23, 59),
                datetime(2026, 6, 19, 0, 0),
                None,
            ]
        }
    )
    marked = views.during_incidents(rows, incidents, "piaolian")
    assert marked["vendor_incident"].to_list() == [False, True, True, False, False]
    assert not views.during_incidents(rows, incidents, "etax_web")["vendor_incident"].any()


def _most_hit(con: duckdb.DuckDBPyConnection) -> tuple[str, str, pl.DataFrame]:
    """The merchant with the most late or missing invoices in the small warehouse's first
    incident, the incident's month, and those invoices (from its exceptions)."""
    (vendor, first, last), *_ = (
        views.vendor_incidents(con).select("software_vendor", "first_day", "last_day").rows()
    )
    (merchant_id,) = con.execute(
        "select d.merchant_id from merchant_daily d join merchants m using (merchant_id) "
        "where m.software_vendor = $v and d.day between $a and $b "
        "group by all order by sum(d.late + d.missing) desc, d.merchant_id limit 1",
        {"v": vendor, "a": first, "b": last},
    ).fetchall()[0]
    month = first.strftime("%Y-%m")
    hit = profile.merchant_exceptions(con, merchant_id, month, month).filter(
        pl.col("status").is_in(["entered_late", "missing_in_system"]),
        pl.col("issued_at").dt.date().is_between(first, last),
    )
    assert hit.height > 0
    return merchant_id, month, hit


def test_the_profile_marks_a_merchants_invoices_late_in_an_incident(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    merchant_id, month, hit = _most_hit(snapshot.cursor())
    at = open_page("merchant_profile", merchant=merchant_id, period=[month, month])
    assert errors(at) == []
    (warning,) = [w.value for w in at.warning if "系统性延迟" in w.value]
    assert warning.startswith(f"其中 {hit.height} 张逾期或未入库发票")
    table = table_with(at, LABELS["merchant_profile.in_incident"][0])
    assert (table[LABELS["merchant_profile.in_incident"][0]] == "✓").sum() == hit.height


def test_the_self_check_report_marks_them_and_says_so(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    merchant_id, month, hit = _most_hit(con)
    sheets = reports.report_sheets(con, merchant_id, month)
    marked = [
        invoice
        for name in ("未入库发票", "逾期入库发票")
        for invoice, words in sheets[name].select("发票号码", INCIDENT_HEADER).rows()
        if words
    ]
    assert sorted(marked) == sorted(hit["subject_id"].to_list())
    assert all(w.startswith("是（") for w in sheets["逾期入库发票"][INCIDENT_HEADER] if w)
    summary = dict(sheets["汇总"].rows())
    assert summary[INCIDENT_HEADER].startswith(f"其中 {hit.height} 张逾期或未入库发票")


def test_the_forecast_leaves_out_the_failures_of_an_incident() -> None:
    wh = TestWarehouse()
    a1, a2 = wh.merchant(software_vendor="piaolian"), wh.merchant(software_vendor="piaolian")
    b1 = wh.merchant(software_vendor="jinpiaobao")
    wh.analyse()
    usual = [(m, d, 30, 0) for m in (a1, a2) for d in range(0, 20) if d not in (10, 11)]
    # piaolian's outage on days 10-11: a1 3 + 4 late, a2 all 60; b1 (another vendor) 5 late on
    # day 10 too (17%, under the 20% floor): no incident of its own excuses them
    _days(wh.con, [*usual, (a1, 10, 30, 3), (a1, 11, 30, 4), (a2, 10, 30, 30), (a2, 11, 30, 30)])
    _days(wh.con, [(b1, d, 30, 5 if d == 10 else 0) for d in range(0, 20)])
    delay_views.store_incidents(wh.con)  # as the daily stage does after merchant_daily
    assert views.vendor_incidents(wh.con)["software_vendor"].to_list() == ["piaolian"]
    inputs = pl.DataFrame(
        {
            "merchant_id": [a1, a2, b1, a1],
            "period": ["2026-03", "2026-03", "2026-03", "2026-02"],
            "not_on_time": [9, 60, 5, 2],  # a1: 7 in the outage and 2 more
        }
    )
    got = risk_stage._excuse_incidents(wh.con, inputs, ["2026-02", "2026-03"])
    assert got.sort("merchant_id", "period").rows() == sorted(
        [(a1, "2026-03", 2), (a2, "2026-03", 0), (b1, "2026-03", 5), (a1, "2026-02", 2)]
    )


def _alert(con: duckdb.DuckDBPyConnection, merchant_id: str, first: str, last: str) -> int:
    """An entry-rate alert for ``merchant_id`` seen from month ``first`` to ``last``, by hand."""
    (alert_id,) = con.execute("select coalesce(max(alert_id), 0) + 1 from alerts").fetchall()[0]
    con.execute(
        "insert into alerts (alert_id, rule, merchant_id, period, last_seen_period, severity, "
        "metric, value, previous_value, message_zh, message_en, status, created_at, "
        "updated_at) values ($id, 'entry_rate_drop', $m, $first, $last, 'high', 'entry_rate', "
        "0.5, 0.95, '入库率骤降', 'entry rate dropped', 'new', now(), now())",
        {"id": alert_id, "m": merchant_id, "first": first, "last": last},
    )
    return int(alert_id)


def test_an_alert_says_how_many_of_its_failures_fell_in_its_vendors_incident() -> None:
    wh = TestWarehouse()
    a1, a2 = wh.merchant(software_vendor="piaolian"), wh.merchant(software_vendor="piaolian")
    b1 = wh.merchant(software_vendor="jinpiaobao")
    wh.analyse()
    usual = [(m, d, 30, 0) for m in (a1, a2) for d in range(0, 20) if d not in (10, 11, 15)]
    # piaolian's outage on days 10-11 (a1: 3 + 4 late, a2: all); a1 2 more late on day 15;
    # b1 5 late on day 10 too, but its own software had no incident
    _days(wh.con, [*usual, (a1, 10, 30, 3), (a1, 11, 30, 4), (a2, 10, 30, 30), (a2, 11, 30, 30)])
    _days(wh.con, [(a1, 15, 30, 2), (a2, 15, 30, 0)])
    _days(wh.con, [(b1, d, 30, 5 if d == 10 else 0) for d in range(0, 20)])
    delay_views.store_incidents(wh.con)
    incidents = views.vendor_incidents(wh.con)
    assert incidents["software_vendor"].to_list() == ["piaolian"]
    in_march, in_april, other_vendor = (
        _alert(wh.con, a1, "2026-03", "2026-03"),
        _alert(wh.con, a1, "2026-04", "2026-04"),
        _alert(wh.con, b1, "2026-02", "2026-03"),
    )
    got = {
        r["alert_id"]: r
        for r in alert_desk.queue(wh.con, Filters("", ""), incidents=incidents).to_dicts()
    }
    assert {k: got[in_march][k] for k in ("incident_vendor", "incident_failed")} == {
        "incident_vendor": "piaolian",
        "incident_failed": 7,
    }
    assert got[in_march]["months_failed"] == 9  # the 7, and the 2 of day 15
    assert got[in_march]["incident_spans"] == [
        {"first": DAY0 + timedelta(days=10), "last": DAY0 + timedelta(days=11)}
    ]
    for alert_id in (in_april, other_vendor):  # outside the incident's month; another vendor
        assert got[alert_id]["incident_failed"] is None
        assert got[alert_id]["incident_vendor"] is None
    # read by the queue itself when not given
    assert alert_desk.queue(wh.con, Filters("", ""))["incident_failed"].to_list() == [
        got[i]["incident_failed"] for i in alert_desk.queue(wh.con, Filters("", ""))["alert_id"]
    ]


def test_two_delays_of_the_software_in_an_alerts_months_are_named_apart() -> None:
    wh = TestWarehouse()
    a1, a2 = wh.merchant(software_vendor="piaolian"), wh.merchant(software_vendor="piaolian")
    wh.analyse()
    usual = [(m, d, 30, 0) for m in (a1, a2) for d in range(0, 20) if d not in (10, 15)]
    _days(wh.con, [*usual, (a1, 10, 30, 3), (a1, 15, 30, 2), (a2, 10, 30, 0), (a2, 15, 30, 0)])
    # two delays of piaolian, given as analyse would have found them: days 10 and 15
    spans = [(DAY0 + timedelta(days=d), DAY0 + timedelta(days=d)) for d in (15, 10)]
    incidents = pl.DataFrame(
        {
            "software_vendor": ["piaolian", "piaolian"],
            "first_day": [first for first, _ in spans],
            "last_day": [last for _, last in spans],
        }
    )
    alert_id = _alert(wh.con, a1, "2026-03", "2026-03")
    got = alert_desk.queue(wh.con, Filters("", ""), incidents=incidents).row(0, named=True)
    assert got["alert_id"] == alert_id
    assert (got["incident_failed"], got["months_failed"]) == (5, 5)
    assert got["incident_spans"] == [  # in order, not one span over the days between
        {"first": DAY0 + timedelta(days=10), "last": DAY0 + timedelta(days=10)},
        {"first": DAY0 + timedelta(days=15), "last": DAY0 + timedelta(days=15)},
    ]


def test_the_alerts_page_shows_it_in_the_queue_and_the_alerts_details(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = warehouse.connect(warehouse_copy)
    try:
        merchant_id, month, hit = _most_hit(con)
        alert_id = _alert(con, merchant_id, month, month)
        (total,) = con.execute(
            "select sum(late + missing) from merchant_daily where merchant_id = $m and period = $p",
            {"m": merchant_id, "p": month},
        ).fetchall()[0]
        warehouse.publish(con, config.settings(warehouse_copy).serving_path)
    finally:
        con.close()
    monkeypatch.setenv(config.ENV_DB, str(warehouse_copy))
    at = open_page("alerts", al_alert=str(alert_id))
    assert errors(at) == []
    table = table_with(at, LABELS["alerts.col.incident"][0])
    cells = dict(
        zip(table[LABELS["alerts.col.id"][0]], table[LABELS["alerts.col.incident"][0]], strict=True)
    )
    assert cells[alert_id].endswith(f"：{hit.height} / {total} 张")
    assert sum(bool(c) for c in cells.values() if isinstance(c, str)) == 1  # only this one
    (warning,) = [w.value for w in at.warning if "系统性延迟" in w.value]
    assert f"{total} 张逾期或未入库发票，有 {hit.height} 张开具于" in warning
