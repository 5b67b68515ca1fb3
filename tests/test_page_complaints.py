"""Complaint trends page (投诉趋势) under AppTest on the small generated warehouse."""

from __future__ import annotations

import duckdb
from apptest import errors, metrics, open_page

from analytics import complaint_trends, formatting, views
from analytics.views import Filters
from dashboard.i18n import LABELS


def test_complaint_figures_equal_the_views(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    months = views.available_months(con)
    links = views.complaint_links(con, Filters(months[0], months[-1]))
    at = open_page("complaints")
    assert errors(at) == []
    shown = metrics(at)
    assert shown[LABELS["complaints.total"][0]] == formatting.count(links.height)
    headline = complaint_trends.not_found_invoice_share(links.lazy()).collect()
    assert shown[LABELS["complaints.headline"][0]] == formatting.pct(
        headline["share_missing_or_late"][0]
    )
    times = complaint_trends.resolution_times(links.lazy(), by=None).collect()
    assert shown[LABELS["complaints.median"][0]] == formatting.days(times["median_days"][0])


def test_weekly_by_channel_in_english(small_warehouse: object) -> None:
    at = open_page("complaints", ct_grain="week", ct_by="channel", lang="en")
    assert errors(at) == []
    assert at.title[0].value == "Complaint trends"
    assert at.segmented_control(key="ct_by").value == "channel"
    assert len(at.get("plotly_chart")) == 3
