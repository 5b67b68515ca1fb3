"""Overview page (总览) under AppTest on the small generated warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
from apptest import errors, metrics, open_page, texts

from analytics import config, formatting, imports, periods, reference, risk_views, views
from analytics.views import Filters
from dashboard.i18n import LABELS


def _full_range(con: duckdb.DuckDBPyConnection) -> Filters:
    months = views.available_months(con)
    return Filters(months[0], months[-1])


def _last_month(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, object]:
    series = views.period_series(con.cursor(), f)
    return series.filter(pl.col("period") == f.period_to).row(0, named=True)


def test_overview_kpis_equal_the_views(snapshot: duckdb.DuckDBPyConnection) -> None:
    at = open_page()
    assert errors(at) == []
    assert at.title[0].value == LABELS["overview.title"][0]
    last = _last_month(snapshot, _full_range(snapshot.cursor()))
    shown = metrics(at)
    assert shown["入库率"] == formatting.pct(last["entry_rate"])  # type: ignore[arg-type]
    assert shown["未入库数"] == formatting.count(last["missing_count"])  # type: ignore[arg-type]
    assert shown["投诉数"] == formatting.count(last["complaints"])  # type: ignore[arg-type]
    deltas = {m.label: m.delta for m in at.metric}  # a whole month: counts compared too
    assert deltas["未入库数"]
    assert deltas["投诉数"]
    alerts = views.open_alerts(snapshot.cursor(), _full_range(snapshot.cursor()))
    expected = formatting.count(alerts["open_alerts"][0]) if alerts.height else formatting.MISSING
    assert shown[LABELS["overview.open_alerts"][0]] == expected
    assert len(at.get("plotly_chart")) == 3  # rates, delay p95, district tiles


def test_a_district_link_in_english(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    busiest = views.group_metrics(con, _full_range(con), ["district"]).sort(
        "invoices_issued", descending=True
    )["district"][0]
    at = open_page(district=busiest, lang="en")
    assert errors(at) == []
    assert at.title[0].value == "Overview"
    f = _full_range(con)
    last = _last_month(snapshot, Filters(f.period_from, f.period_to, districts=(busiest,)))
    assert metrics(at)["On-time rate"] == formatting.pct(last["on_time_rate"])  # type: ignore[arg-type]
    everything = _last_month(snapshot, f)
    assert last["invoices_issued"] < everything["invoices_issued"]  # type: ignore[operator]


def test_filters_that_select_nothing_say_so(snapshot: duckdb.DuckDBPyConnection) -> None:
    merchants = snapshot.sql("select distinct district, industry from merchants").pl()
    present = set(merchants.iter_rows())
    districts = sorted(set(merchants["district"]))
    industries = sorted(set(merchants["industry"]))
    empty = next((d, i) for d in districts for i in industries if (d, i) not in present)
    at = open_page(district=empty[0], industry=empty[1])
    assert errors(at) == []
    assert [i.value for i in at.info] == [LABELS["common.no_match"][0]]


def test_a_month_in_progress_compares_its_rates_but_not_its_counts(live_feed: Path) -> None:
    """A live feed's current month counts only part of itself: '-50% complaints' against a
    whole month would be wrong, so its counts carry no change; its rates do."""
    con = duckdb.connect(str(config.settings(live_feed).serving_path), read_only=True)
    try:
        status = imports.analysis_status(con)
        last = views.available_months(con)[-1]
    finally:
        con.close()
    assert status is not None
    assert periods.in_progress(last, status.as_of)
    at = open_page()
    assert errors(at) == []
    deltas = {m.label: m.delta for m in at.metric}  # AppTest shows no delta as ''
    assert deltas["入库率"]
    assert deltas["按时入库率"]
    assert not deltas["未入库数"]
    assert not deltas["投诉数"]
    caption = LABELS["overview.month_in_progress"][0].format(
        period=last, as_of=formatting.minute(status.as_of)
    )
    assert caption in texts(at)


def test_months_end_at_midnight_after_their_last_day() -> None:
    from datetime import datetime

    assert periods.in_progress("2026-10", datetime(2026, 10, 31, 23, 59, 59))
    assert not periods.in_progress("2026-10", datetime(2026, 11, 1, 0, 0))
    assert periods.in_progress("2026-11", datetime(2026, 10, 15, 12, 0))  # not begun: partial
    assert not periods.in_progress("2026-10", None)


def test_pending_invoices_are_one_link_to_their_list(live_feed: Path) -> None:
    con = duckdb.connect(str(config.settings(live_feed).serving_path), read_only=True)
    try:
        pending = views.pending_by_merchant(con, _full_range(con.cursor())).row(0, named=True)
    finally:
        con.close()
    assert pending["not_reminded_total"] == pending["pending_total"]  # nobody reminded yet
    at = open_page()
    assert errors(at) == []
    (link,) = [x for x in at.get("page_link") if x.proto.label.startswith("待入库")]
    assert link.proto.label == LABELS["overview.pending"][0].format(
        n=formatting.count(pending["pending_total"]),
        merchants=formatting.count(pending["merchants_total"]),
        due=formatting.count(pending["due_soon_total"]),
        not_reminded=formatting.count(pending["not_reminded_total"]),
    )


def test_without_pending_invoices_there_is_no_link(snapshot: duckdb.DuckDBPyConnection) -> None:
    at = open_page()
    assert errors(at) == []
    assert not [x for x in at.get("page_link") if "待入库" in x.proto.label]


def test_the_entry_risk_forecast_is_one_link_to_its_page(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    ev = risk_views.evaluation(con)
    assert ev is not None
    for district in (None, "海淀区"):
        scope = Filters("", "", districts=(district,) if district else ())
        summary = risk_views.summary(con, scope)
        assert summary["merchants"] > 0
        at = open_page(**({"district": district} if district else {}))
        assert errors(at) == []
        (link,) = [x for x in at.get("page_link") if "入库风险预测" in x.proto.label]
        assert link.proto.label == LABELS["overview.risk"][0].format(
            period=ev["period"],
            expected=formatting.count(round(summary["expected_failures"])),
            merchants=formatting.count(summary["merchants"]),
            high=formatting.count(summary["at_risk"]),
            threshold="50%",
        )
        assert link.proto.page == "risk"  # the page's URL path


def test_delays_at_an_invoicing_software_are_one_link_to_entry_monitoring(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    incidents = views.vendor_incidents(snapshot.cursor())
    assert incidents.height
    first = incidents.row(0, named=True)
    month = f"{first['first_day']:%Y-%m}"
    at = open_page(period=[month, month])
    assert errors(at) == []
    shown = views.incidents_in(incidents, Filters(month, month))
    latest = shown.row(-1, named=True)
    (link,) = [x for x in at.get("page_link") if "系统性延迟" in x.proto.label]
    assert link.proto.label == LABELS["overview.incidents"][0].format(
        n=formatting.count(shown.height),
        failed=formatting.count(shown["failed"].sum()),
        vendor=reference.labels("vendors", "zh")[latest["software_vendor"]],
        first=latest["first_day"],
        last=latest["last_day"],
    )
    assert link.proto.page == "entry"
    # a range with no incident has no line
    quiet = next(
        m
        for m in views.available_months(snapshot.cursor())
        if views.incidents_in(incidents, Filters(m, m)).is_empty()
    )
    at = open_page(period=[quiet, quiet])
    assert not [x for x in at.get("page_link") if "系统性延迟" in x.proto.label]
