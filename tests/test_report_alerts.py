"""``fapiao-watch report alerts`` (the alert list for a schedule or an inbox), ``fapiao-watch
alert`` (acknowledge / resolve from the command line) and the alerts line of ``status``."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from analytics import alert_desk, alerts, cli, clock, exports, reference, warehouse
from analytics.report_sheets import ALERT_COLUMNS, ALERT_SHEET, alert_sheet
from analytics.views import Filters

HEADERS = [h for _, h in ALERT_COLUMNS]


def _queue(db: Path, *statuses: str, districts: tuple[str, ...] = ()) -> pl.DataFrame:
    con = warehouse.connect(db, read_only=True)
    try:
        return alert_desk.queue(con, Filters("", "", districts=districts), statuses)
    finally:
        con.close()


def _run(*args: str) -> int:
    return cli.main(list(args))


def test_the_xlsx_lists_the_open_alerts_in_the_pages_order_in_chinese(
    warehouse_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = _queue(warehouse_copy, *alerts.OPEN_STATUSES)
    assert queue.height > 0
    assert _run("report", "alerts", "--db", str(warehouse_copy), "--out", f"{tmp_path}/") == 0
    target = tmp_path / f"alerts-{clock.beijing_today():%Y-%m-%d}.xlsx"
    merchants = queue["merchant_id"].n_unique()
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"wrote {target} (")
    assert line.endswith(f"{queue.height:,} alerts of {merchants:,} merchants ({queue.height} new)")
    sheet = pl.read_excel(target, sheet_name=ALERT_SHEET, infer_schema_length=0)
    assert sheet.columns == HEADERS
    assert sheet["预警编号"].cast(pl.Int64).to_list() == queue["alert_id"].to_list()
    assert sheet["统一社会信用代码"].to_list() == queue["merchant_id"].to_list()  # text, not 9.1E17
    assert set(sheet["状态"]) == {"新预警"}
    assert sheet["内容"].to_list() == queue["message_zh"].to_list()
    names = {r.id: r.name_zh for r in alert_desk.rules().values()}
    assert sheet["规则"].to_list() == [names[r] for r in queue["rule"]]
    industries = reference.labels("industries", "zh")
    assert sheet["行业"].to_list() == [industries[c] for c in queue["industry"]]
    # values in their metric's format: a rate as a percentage, the anomaly flag in words
    for row, (metric, value) in zip(
        sheet.iter_rows(named=True), queue.select("metric", "value").iter_rows(), strict=True
    ):
        if metric == "is_anomaly":
            assert row["当前值"] == "已标记"
            assert row["指标"] == "异常标记"
        elif metric == "entry_rate":
            assert row["当前值"] == f"{value:.1%}"


def test_district_status_rule_and_since_narrow_the_list_and_csv_reads_back(
    warehouse_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = _queue(warehouse_copy, *alerts.OPEN_STATUSES)
    district = queue["district"].mode().sort()[0]
    rule = queue.filter(pl.col("district") == district)["rule"][0]
    out = tmp_path / "list.csv"
    args = ["report", "alerts", "--db", str(warehouse_copy), "--format", "csv", "--out", str(out)]
    assert _run(*args, "--district", district, "--rule", rule) == 0
    capsys.readouterr()
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    want = queue.filter(pl.col("district") == district, pl.col("rule") == rule)
    assert 0 < len(got) == want.height
    assert [int(r["预警编号"]) for r in got] == want["alert_id"].to_list()
    assert list(got[0]) == HEADERS

    # --since: raised at or after the time; the newest alerts' time keeps them, a minute later
    # none
    newest = queue["created_at"].max()
    assert isinstance(newest, datetime)
    assert _run(*args, "--since", f"{newest:%Y-%m-%d %H:%M:%S}") == 0
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(got) == queue.filter(pl.col("created_at") >= newest).height > 0
    assert _run(*args, "--since", f"{newest:%Y-%m-%d} 23:59:59") == 0
    assert "0 alerts of 0 merchants, raised since" in capsys.readouterr().out
    assert list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))) == []

    # resolved ones only when asked for
    assert _run(*args, "--status", "resolved") == 0
    assert list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))) == []


def test_bad_arguments_fail_in_one_line(
    warehouse_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(warehouse_copy)]
    assert _run("report", "alerts", *db, "--rule", "no_such_rule") == 2
    err = capsys.readouterr().err
    assert "unknown alert rule 'no_such_rule'; the rules are entry_rate_drop" in err
    with pytest.raises(SystemExit) as stop:
        _run("report", "alerts", *db, "--since", "2026-13-01")
    assert stop.value.code == 2
    assert "'2026-13-01' is not a day or a time" in capsys.readouterr().err


def test_the_sheet_names_each_delay_at_the_software_and_escapes_formulas() -> None:
    row = {
        "alert_id": 7,
        "rule": "entry_rate_drop",
        "merchant_id": "91110105MA0LFMHW8L",
        "period": "2026-03",
        "last_seen_period": "2026-04",
        "severity": "high",
        "metric": "entry_rate",
        "value": 0.61,
        "previous_value": 0.98,
        "threshold": 0.9,
        "message_zh": '=HYPERLINK("http://x")',
        "merchant_name": "+北京某某商贸有限公司",
        "district": "朝阳区",
        "industry": "I65",
        "status": "acknowledged",
        "created_at": datetime(2026, 4, 3, 9, 0),
        "acknowledged_by": "张三",
        "acknowledged_at": datetime(2026, 4, 3, 10, 0),
        "resolved_by": None,
        "resolved_at": None,
        "note": "-已电话联系",
        "acknowledged_note": "-已电话联系",
        "resolved_note": None,
        "incident_vendor": "piaolian",
        "incident_spans": [
            {"first": date(2026, 3, 2), "last": date(2026, 3, 3)},
            {"first": date(2026, 4, 7), "last": date(2026, 4, 7)},
        ],
        "incident_failed": 5,
        "months_failed": 9,
        "feed_gaps": [
            {
                "feed": "tax",
                "software_vendor": None,
                "first_day": date(2026, 3, 10),
                "last_day": date(2026, 3, 11),
            },
            {
                "feed": "log",
                "software_vendor": "piaolian",
                "first_day": date(2026, 4, 20),
                "last_day": date(2026, 4, 24),
            },
        ],
    }
    sheet = alert_sheet(pl.DataFrame([row]), {"entry_rate_drop": "入库率下降"})
    got = sheet.row(0, named=True)
    assert got["状态"] == "已确认（跟进中）"
    assert got["级别"] == "高"
    assert got["规则"] == "入库率下降"
    assert (got["当前值"], got["上月值"], got["阈值"]) == ("61.0%", "98.0%", "90.0%")
    assert got["开票软件系统性延迟（软件）"] == reference.labels("vendors", "zh")["piaolian"]
    assert got["延迟日期"] == "2026-03-02 至 2026-03-03、2026-04-07 至 2026-04-07"
    assert (got["其间开具的逾期或未入库发票"], got["预警月份逾期或未入库发票"]) == (5, 9)
    assert got["数据源断档"] == (
        "税务系统导出缺 2026-03-10 至 2026-03-11；票联 开票记录缺 2026-04-20 至 2026-04-24"
    )
    text = exports.to_csv_bytes(sheet).decode("utf-8-sig")
    cells = next(csv.DictReader(io.StringIO(text)))
    for header in ("内容", "商户名称", "确认备注"):
        assert cells[header][0] == "'", header  # no formula in an exported spreadsheet


def test_alert_acknowledges_and_resolves_all_or_none_and_status_counts_them(
    warehouse_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(warehouse_copy)]
    first, second = _queue(warehouse_copy, "new")["alert_id"][:2].to_list()
    before = _queue(warehouse_copy, *alerts.OPEN_STATUSES).height

    assert _run("alert", "acknowledge", str(first), "999999", "--by", "张三", *db) == 2
    assert "alert 999999 does not exist" in capsys.readouterr().err
    assert _queue(warehouse_copy, "acknowledged").is_empty()  # neither was moved on

    assert (
        _run(
            "alert", "acknowledge", str(first), str(second), "--by", "张三", "--note", "已致电", *db
        )
        == 0
    )
    assert capsys.readouterr().out.count(": acknowledged") == 2
    assert _run("alert", "resolve", str(first), "--by", "张三", *db) == 2
    assert "a note saying how the alert was resolved is required" in capsys.readouterr().err
    assert _run("alert", "resolve", str(first), "--by", "张三", "--note", "已补传", *db) == 0
    capsys.readouterr()

    resolved = _queue(warehouse_copy, "resolved").row(0, named=True)
    assert (resolved["alert_id"], resolved["resolved_by"], resolved["note"]) == (
        first,
        "张三",
        "已补传",
    )
    # the resolution's note does not hide the acknowledgement's
    assert (resolved["acknowledged_note"], resolved["resolved_note"]) == ("已致电", "已补传")
    # the serving snapshot was published: the dashboard sees the same
    snap = warehouse.connect(warehouse_copy.with_suffix(".serving.duckdb"), read_only=True)
    try:
        seen = alert_desk.queue(snap, Filters("", ""), ("resolved",))["alert_id"].to_list()
    finally:
        snap.close()
    assert seen == [first]

    assert _run("status", *db) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("open alerts:")]
    assert len(lines) == 1
    assert lines[0].startswith(f"open alerts: {before - 1:,} ({before - 2:,} new, 1 acknowledged;")
    assert lines[0].endswith("(fapiao-watch report alerts)")
