"""Feed gaps (数据源断档): the rule on hand-made days, gaps cut into a copy of the small
warehouse and found by ``analyse`` (and kept out of the vendor incidents), and where they are
read: ``fapiao-watch status --check``, the notice on the pages officials act from, and the Data
import page."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from apptest import errors, open_page, table_with
from factories import TestWarehouse
from streamlit.testing.v1 import AppTest

from analytics import (
    alert_desk,
    cli,
    config,
    feeds,
    frames,
    health,
    periods,
    reference,
    reports,
    risk_stage,
    workdays,
)
from analytics.pipeline import analyse
from analytics.views import Filters
from analytics.warehouse import connect
from dashboard.i18n import LABELS

MON = date(2026, 3, 2)  # a Monday; 2026-03-07/08 are a weekend


def _days(wh: TestWarehouse, merchant: str, days: list[date], n: int, *, log: bool) -> None:
    """``n`` invoices a day of ``merchant`` on ``days``: in its log and the tax export, or (not
    ``log``) in the tax export only."""
    for day in days:
        for i in range(n):
            issued = datetime.combine(day, time(9)) + timedelta(minutes=i)
            if log:
                wh.invoice(merchant, issued, recorded=issued + timedelta(hours=1))
            else:
                wh.tax_record(merchant, issued, recorded=issued + timedelta(hours=1))


def test_the_rule_on_hand_made_days() -> None:
    wh = TestWarehouse()
    piao = wh.merchant(software_vendor="piaolian")
    jin = wh.merchant(software_vendor="jinpiaobao")
    fortnight = [MON + timedelta(days=i) for i in range(14)]
    # piaolian's log lacks Thu-Fri of the first week (a hole) and the second week from its
    # Wednesday (open: nothing of it after); jinpiaobao's lacks the first weekend alone
    piao_hole, piao_open = fortnight[3:5], fortnight[9:]
    _days(wh, piao, [d for d in fortnight if d not in piao_hole + piao_open], 12, log=True)
    _days(wh, piao, piao_hole + piao_open, 12, log=False)
    weekend = fortnight[5:7]
    _days(wh, jin, [d for d in fortnight if d not in weekend], 12, log=True)
    _days(wh, jin, weekend, 12, log=False)
    # the latest day of all (the second Sunday) is still in progress: its log is not due yet
    _days(wh, jin, [fortnight[13] + timedelta(days=1)], 30, log=False)

    got = feeds.find_gaps(wh.con).to_dicts()
    assert got == [
        {
            "feed": "log",
            "software_vendor": "piaolian",
            "first_day": fortnight[3],
            "last_day": fortnight[4],
            "invoices": 24,
            "open": False,
            "workdays": 2,
        },
        {
            "feed": "log",
            "software_vendor": "piaolian",
            "first_day": fortnight[9],
            "last_day": fortnight[13],
            "invoices": 60,
            "open": True,
            "workdays": 3,
        },
    ]
    # the weekend is no gap (no working day), nor are runs under the invoice floor
    loose = feeds.find_gaps(wh.con, min_invoices=0, min_workdays=0)
    assert [(g["software_vendor"], g["first_day"]) for g in loose.to_dicts()] == [
        ("jinpiaobao", weekend[0]),
        ("piaolian", fortnight[3]),
        ("piaolian", fortnight[9]),
    ]
    assert feeds.find_gaps(wh.con, min_invoices=25).height == 1  # the hole holds 24

    # the tax export lacking days: the merchants' logs hold them
    wh.con.execute(
        "delete from tax_records where issued_at::date between $a and $b",
        {"a": fortnight[1], "b": fortnight[2]},
    )
    tax = feeds.find_gaps(wh.con).filter(feed="tax").to_dicts()
    assert tax == [
        {
            "feed": "tax",
            "software_vendor": None,
            "first_day": fortnight[1],
            "last_day": fortnight[2],
            "invoices": 48,  # both merchants' logs, two days
            "open": False,
            "workdays": 2,
        }
    ]
    assert feeds.tax_gap_days(feeds.find_gaps(wh.con)) == [fortnight[1], fortnight[2]]


@pytest.mark.parametrize("fixture", ["small_warehouse", "live_feed_db"])
def test_whole_feeds_have_no_gap(fixture: str, request: pytest.FixtureRequest) -> None:
    db: Path = request.getfixturevalue(fixture)
    with duckdb.connect(str(config.settings(db).serving_path), read_only=True) as snapshot:
        assert feeds.feed_gaps(snapshot).is_empty()
    with duckdb.connect(str(db), read_only=True) as con:
        assert feeds.find_gaps(con).is_empty()


def _vendor_days(con: duckdb.DuckDBPyConnection, vendor: str, a: date, b: date) -> tuple:
    """(first day, last day, invoices) of the tax records of ``vendor``'s merchants issued
    from ``a`` to ``b``."""
    return con.execute(
        "select min(t.issued_at::date), max(t.issued_at::date), count(*) from tax_records t "
        "join merchants m on m.merchant_id = t.seller_tax_id "
        "where m.software_vendor = $v and t.issued_at::date between $a and $b",
        {"v": vendor, "a": a, "b": b},
    ).fetchall()[0]


def _working(a: date, b: date) -> int:
    return sum(workdays.is_workday(a + timedelta(days=i)) for i in range((b - a).days + 1))


@pytest.fixture(scope="module")
def gapped(small_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """A copy of the small warehouse with three feed gaps cut into it, analysed in full, and
    the gaps expected from the rows left (independently of the feeds SQL)."""
    target = tmp_path_factory.mktemp("gapped") / "wh"
    shutil.copytree(small_warehouse.parent, target, ignore=shutil.ignore_patterns("files"))
    db = target / small_warehouse.name
    con = connect(db)
    try:
        (latest,) = con.execute("select max(issued_at)::date from tax_records").fetchall()[0]
        mid = latest - timedelta(days=40)
        cut = {
            # piaolian's log stops ten days before the end (open)
            "piaolian": (latest - timedelta(days=10), latest),
            # a week of jinpiaobao's log never arrived (a hole)
            "jinpiaobao": (mid, mid + timedelta(days=6)),
        }
        for vendor, (a, b) in cut.items():
            con.execute(
                "delete from issued_invoices where issued_at::date between $a and $b and "
                "merchant_id in (select merchant_id from merchants where software_vendor = $v)",
                {"a": a, "b": b, "v": vendor},
            )
        expected = []
        for vendor, (a, b) in cut.items():
            first, last, n = _vendor_days(con, vendor, a, min(b, latest - timedelta(days=1)))
            expected.append(("log", vendor, first, last, n, b == latest, _working(first, last)))
        # two days of the tax export lost
        t0 = mid - timedelta(days=20)
        while not (workdays.is_workday(t0) and workdays.is_workday(t0 + timedelta(days=1))):
            t0 += timedelta(days=1)
        t1 = t0 + timedelta(days=1)
        con.execute(
            "delete from tax_records where issued_at::date between $a and $b", {"a": t0, "b": t1}
        )
        (n,) = con.execute(
            "select count(*) from issued_invoices where issued_at::date between $a and $b",
            {"a": t0, "b": t1},
        ).fetchall()[0]
        expected.append(("tax", None, t0, t1, n, False, 2))
        analyse(con, full=True, progress=False)
    finally:
        con.close()
    return db, sorted(expected, key=lambda g: (g[0], g[1] or "", g[2]))


def test_analyse_stores_the_gaps_and_keeps_them_out_of_the_incidents(
    gapped: tuple[Path, list],
) -> None:
    db, expected = gapped
    with duckdb.connect(str(config.settings(db).serving_path), read_only=True) as snapshot:
        stored = feeds.feed_gaps(snapshot)
        assert [tuple(r) for r in stored.rows()] == expected
        (_, _, t0, t1, *_) = expected[-1]
        # every software fails on the tax export's missing days: no incident blames one
        overlapping = snapshot.execute(
            "select count(*) from vendor_incidents where first_day <= $b and last_day >= $a",
            {"a": t0, "b": t1},
        ).fetchall()[0][0]
        assert overlapping == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert [tuple(r) for r in feeds.find_gaps(con).rows()] == expected


def test_status_check_names_each_gap(
    gapped: tuple[Path, list], capsys: pytest.CaptureFixture[str]
) -> None:
    db, expected = gapped
    with duckdb.connect(str(db), read_only=True) as con:
        report = health.status(con, max_wait_minutes=60)
    lines = [line for line in report.lines if line.startswith("feed gap: ")]
    assert len(lines) == len(expected) == 3
    assert "Jinpiaobao's merchant log: no invoice issued" in lines[0]
    assert lines[1].endswith("not arrived yet")
    assert lines[2].startswith(f"feed gap: the tax export: no invoice issued {expected[2][2]}")
    assert "feeds lacking days: 3" in report.problems
    assert cli.main(["status", "--check", "--db", str(db)]) == 1
    assert "feeds lacking days: 3" in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pages_warn_and_list_them(
    gapped: tuple[Path, list], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, expected = gapped
    monkeypatch.setenv(config.ENV_DB, str(db))
    i = 0 if lang == "zh" else 1
    at = open_page(None, lang=lang)
    assert errors(at) == []
    warnings = [w.value for w in at.warning if LABELS["notice.feed_gap.open"][i] in w.value]
    assert len(warnings) == 1  # one box, newest gap first
    box = warnings[0]
    piao = next(g for g in expected if g[1] == "piaolian")
    assert box.index(f"{piao[2]:%Y-%m-%d}") < box.index(f"{expected[0][2]:%Y-%m-%d}")
    assert f"{piao[4]:,}" in box
    assert box.count("**") == 2 * 3

    at = open_page("data_import", lang=lang)
    assert errors(at) == []
    feed, state = LABELS["data_import.feeds.feed"][i], LABELS["data_import.feeds.state"][i]
    shown = table_with(at, feed, state)
    assert len(shown) == 3
    assert shown[LABELS["data_import.feeds.invoices"][i]].tolist() == [
        g[4] for g in sorted(expected, key=lambda g: g[3], reverse=True)
    ]


def test_no_gap_says_so(small_warehouse: Path) -> None:
    at = open_page("data_import")
    assert errors(at) == []
    assert LABELS["data_import.feeds.none"][0] in [s.value for s in at.success]
    assert not [w for w in at.warning if "数据源断档" in w.value]


def test_touching_keeps_the_months_gaps_of_the_tax_export_and_the_software() -> None:
    gaps = pl.DataFrame(
        [
            ("log", "piaolian", date(2026, 3, 30), date(2026, 4, 2), 50, False, 4),
            ("log", "jinpiaobao", date(2026, 4, 10), date(2026, 4, 10), 30, False, 1),
            ("tax", None, date(2026, 5, 6), date(2026, 5, 7), 80, True, 2),
        ],
        schema=feeds.SCHEMA,
        orient="row",
    )

    def kept(months: list[str], vendor: str | None = None) -> list[str | None]:
        return feeds.touching(gaps, months, vendor)["software_vendor"].to_list()

    assert kept(["2026-03"]) == ["piaolian"]  # a gap that runs into the next month
    assert kept(["2026-04"]) == ["piaolian", "jinpiaobao"]
    assert kept(["2026-04"], "jinpiaobao") == ["jinpiaobao"]
    assert kept(["2026-04", "2026-05"], "yunkaipiao") == [None]  # the tax export's, anyone's
    assert kept(["2026-06"]) == []


def test_the_profile_and_the_self_check_page_warn_of_their_months_gaps(
    gapped: tuple[Path, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, expected = gapped
    monkeypatch.setenv(config.ENV_DB, str(db))
    piao = next(g for g in expected if g[1] == "piaolian")
    month = f"{piao[3]:%Y-%m}"
    with duckdb.connect(str(db), read_only=True) as con:
        ids = dict(
            con.execute(
                "select software_vendor, min(merchant_id) from merchants group by all"
            ).fetchall()
        )
    vendor = reference.labels("vendors", "zh")["piaolian"]

    def gap_boxes(at: AppTest) -> list[str]:
        return [w.value for w in at.warning if "数据源断档" in w.value]

    at = open_page("merchant_profile", merchant=ids["piaolian"], period=[month, month])
    assert errors(at) == []
    (box,) = gap_boxes(at)
    assert vendor in box
    assert f"{piao[2]:%Y-%m-%d}" in box
    at = open_page("merchant_profile", merchant=ids["yunkaipiao"], period=[month, month])
    assert errors(at) == []
    assert gap_boxes(at) == []

    tax = expected[-1]
    at = open_page("self_check", sc_period=f"{tax[2]:%Y-%m}")
    assert errors(at) == []
    (box,) = gap_boxes(at)
    assert "税务系统导出" in box
    assert f"{tax[4]:,}" in box


def test_a_self_check_report_names_the_gaps_that_touch_its_merchant(
    gapped: tuple[Path, list], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, expected = gapped
    piao, tax = next(g for g in expected if g[1] == "piaolian"), expected[-1]
    with duckdb.connect(str(db), read_only=True) as con:
        ids = dict(
            con.execute(
                "select software_vendor, min(merchant_id) from merchants group by all"
            ).fetchall()
        )

        def gap_row(vendor: str, month: str) -> list[str]:
            summary = reports.report_sheets(con, ids[vendor], month)["汇总"]
            return summary.filter(pl.col("项目") == "数据源断档")["内容"].to_list()

        (words,) = gap_row("piaolian", f"{piao[3]:%Y-%m}")
        assert words.startswith(f"本期开票软件票联的开票记录缺 {piao[2]:%Y-%m-%d} 至 ")
        assert gap_row("yunkaipiao", f"{piao[3]:%Y-%m}") == []  # another software's gap
        (words,) = gap_row("yunkaipiao", f"{tax[2]:%Y-%m}")  # the tax export's: everyone's
        assert words.startswith(f"本期税务系统导出缺 {tax[2]:%Y-%m-%d} 至 {tax[3]:%Y-%m-%d}")

    month = f"{tax[2]:%Y-%m}"
    n = sum(f"{g[2]:%Y-%m}" <= month <= f"{g[3]:%Y-%m}" for g in expected)
    args = ["report", "self-check", "--db", str(db), "--district", "朝阳区", "--quiet"]
    assert cli.main([*args, "--period", month, "--out", f"{tmp_path}/"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.endswith(
        f"; {n} feed gap(s) in {month}, named in the summary of each report they touch "
        "(fapiao-watch status)"
    )


def test_for_alerts_finds_the_gaps_in_each_alerts_months() -> None:
    gaps = pl.DataFrame(
        [
            ("log", "piaolian", date(2026, 3, 30), date(2026, 4, 2), 50, False, 4),
            ("tax", None, date(2026, 5, 6), date(2026, 5, 7), 80, True, 2),
        ],
        schema=feeds.SCHEMA,
        orient="row",
    )
    alerts = pl.DataFrame(
        {
            "alert_id": [1, 2, 3, 4],
            "merchant_id": ["m1", "m2", "m1", "m4"],
            "period": ["2026-04", "2026-03", "2026-02", "2026-05"],
            "last_seen_period": ["2026-05", "2026-04", "2026-02", "2026-05"],
        }
    )
    vendors = pl.DataFrame({"merchant_id": ["m1", "m2"], "software_vendor": ["piaolian", "x"]})
    found = feeds.for_alerts(alerts, gaps, vendors)
    got = {r["alert_id"]: r["feed_gaps"] for r in found.to_dicts()}
    log = {
        "feed": "log",
        "software_vendor": "piaolian",
        "first_day": date(2026, 3, 30),
        "last_day": date(2026, 4, 2),
    }
    tax = {
        "feed": "tax",
        "software_vendor": None,
        "first_day": date(2026, 5, 6),
        "last_day": date(2026, 5, 7),
    }
    # 2: another software's gap; 3: months before any gap; 4: no software known, the tax export's
    assert got == {1: [log, tax], 4: [tax]}
    assert feeds.for_alerts(alerts, gaps.clear(), vendors).is_empty()


def test_an_alert_in_a_gaps_months_says_so(
    gapped: tuple[Path, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = gapped
    monkeypatch.setenv(config.ENV_DB, str(db))
    with duckdb.connect(str(config.settings(db).serving_path), read_only=True) as snapshot:
        queue = alert_desk.queue(snapshot, Filters("", ""))
        gaps = feeds.feed_gaps(snapshot)
        vendor = dict(
            snapshot.execute("select merchant_id, software_vendor from merchants").fetchall()
        )
    marked = queue.filter(pl.col("feed_gaps").is_not_null())
    assert marked.height > 0
    for a in queue.iter_rows(named=True):  # each alert's gaps, asked of the gaps one by one
        months = periods.month_range(a["period"], a["last_seen_period"])
        want = feeds.touching(gaps, months, vendor[a["merchant_id"]]).sort("first_day")
        spans = want.select("feed", "software_vendor", "first_day", "last_day").to_dicts()
        assert (a["feed_gaps"] or []) == spans, a["alert_id"]

    alert = marked.row(0, named=True)
    at = open_page("alerts", al_alert=str(alert["alert_id"]))
    assert errors(at) == []
    (detail,) = [w.value for w in at.warning if w.value.startswith("预警月份内有数据源断档")]
    assert f"{alert['feed_gaps'][0]['first_day']}" in detail
    assert table_with(at, LABELS["alerts.col.feed_gap"][0]).shape[0] == queue.height


def test_the_forecast_leaves_out_the_failures_on_the_tax_exports_missing_days() -> None:
    wh = TestWarehouse()
    a, b = wh.merchant(software_vendor="piaolian"), wh.merchant(software_vendor=None)
    wh.analyse()  # the result tables, empty: the days below are written by hand
    lost = {MON + timedelta(days=3), MON + timedelta(days=4)}  # the tax export lacks them
    days = [MON + timedelta(days=d) for d in range(10)]
    # 30 a day; all missing on the lost days, and 2 missing on the first day
    rows = [(m, d, 30, 30 if d in lost else 2 if d == MON else 0) for m in (a, b) for d in days]
    wh.con.executemany(
        "insert into merchant_daily (merchant_id, day, period, issued, recorded_on_time, late, "
        "missing, pending) values ($1, $2, '2026-03', $3, $3 - $4, 0, $4, 0)",
        rows,
    )
    gaps = pl.DataFrame(
        [("tax", None, min(lost), max(lost), 120, False, 2)], schema=feeds.SCHEMA, orient="row"
    )
    frames.store(wh.con, feeds.TABLE, gaps)
    inputs = pl.DataFrame(
        {"merchant_id": [a, b], "period": ["2026-03", "2026-03"], "not_on_time": [62, 62]}
    )
    got = risk_stage._excuse_incidents(wh.con, inputs, ["2026-03"])
    # each merchant's 60 missing on the lost days are excused (any software, or none); 2 stay
    assert got.sort("merchant_id").rows() == sorted([(a, "2026-03", 2), (b, "2026-03", 2)])


def test_the_coverage_says_how_far_each_feed_reaches(
    gapped: tuple[Path, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, expected = gapped
    with duckdb.connect(str(db), read_only=True) as con:
        truth = {
            ("log", v): (a, b, n)
            for v, a, b, n in con.execute(
                "select m.software_vendor, min(i.issued_at)::date, max(i.issued_at)::date, "
                "count(*) from issued_invoices i join merchants m using (merchant_id) group by 1"
            ).fetchall()
        }
        a, b, n, entry = con.execute(
            "select min(issued_at)::date, max(issued_at)::date, count(*), max(recorded_at) "
            "from tax_records where seller_tax_id in (select merchant_id from merchants)"
        ).fetchall()[0]
        truth[("tax", None)] = (a, b, n)
        report = health.status(con, max_wait_minutes=60)
    with duckdb.connect(str(config.settings(db).serving_path), read_only=True) as snapshot:
        stored = feeds.feed_coverage(snapshot)
    assert stored["feed"].to_list()[0] == "tax"  # the tax export first
    got = {
        (r["feed"], r["software_vendor"]): (r["first_day"], r["last_day"], r["invoices"])
        for r in stored.iter_rows(named=True)
    }
    assert got == truth
    assert stored.filter(feed="tax")["last_entry"].item() == entry
    piao = next(g for g in expected if g[1] == "piaolian")
    (line,) = [x for x in report.lines if x.startswith("feeds: ")]
    assert f"Piaolian log to {piao[2] - timedelta(days=1)}" in line  # where its gap begins

    monkeypatch.setenv(config.ENV_DB, str(db))
    at = open_page("data_import")
    assert errors(at) == []
    shown = table_with(at, LABELS["data_import.feeds.last_held"][0])
    assert len(shown) == len(truth)
