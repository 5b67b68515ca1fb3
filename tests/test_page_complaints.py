"""Complaint trends page (投诉趋势) under AppTest on the small generated warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from apptest import errors, metrics, open_page, texts

from analytics import complaint_trends, config, formatting, imports, scope, views
from analytics.views import Filters
from dashboard import cached
from dashboard.i18n import LABELS


def test_complaint_figures_equal_the_views(snapshot: duckdb.DuckDBPyConnection) -> None:
    con = snapshot.cursor()
    months = views.available_months(con)
    f, _ = scope.complaint_scope(
        Filters(months[0], months[-1]), months, views.complaint_months(con)
    )
    links = views.complaint_links(con, f)
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


def test_the_classifier_scores_of_generated_data_are_explained(
    small_warehouse: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the small warehouse has too few labelled complaints to train on: a report as the demo's
    report = pl.DataFrame(
        {
            "run_at": [datetime(2026, 11, 20, 10, 0)],
            "status": ["ok"],
            "message": [None],
            "model": ["logreg"],
            "n_train": [1533],
            "n_test": [511],
            "n_unlabelled": [384],
            "macro_f1": [1.0],
            "per_class_f1": ['{"not_found": 1.0, "other": 1.0}'],
        }
    )
    monkeypatch.setattr(cached, "classifier_report", lambda: report)
    caveat = LABELS["complaints.classifier.synthetic"][0]
    at = open_page("complaints")  # planted truth: the generator's data
    assert errors(at) == []
    assert caveat in [c.value for c in at.caption]
    assert at.dataframe[-1].value.shape[0] == 2  # the per-class table
    monkeypatch.setattr(cached, "evaluation", lambda: None)  # real data: no planted truth
    at = open_page("complaints")
    assert errors(at) == []
    assert caveat not in [c.value for c in at.caption]
    assert at.dataframe[-1].value.shape[0] == 2


def test_weekly_by_channel_in_english(small_warehouse: object) -> None:
    at = open_page("complaints", ct_grain="week", ct_by="channel", lang="en")
    assert errors(at) == []
    assert at.title[0].value == "Complaint trends"
    assert at.segmented_control(key="ct_by").value == "channel"
    assert len(at.get("plotly_chart")) == 3
    # the range starts on the 1st of a month, rarely a Monday: its first week is cut, and said so
    assert LABELS["complaints.volume.edge_weeks"][1] in texts(at)
    by_month = open_page("complaints", ct_by="channel", lang="en")
    assert LABELS["complaints.volume.edge_weeks"][1] not in texts(by_month)


def test_a_last_period_in_progress_is_not_read_as_a_fall(live_feed: Path) -> None:
    con = duckdb.connect(str(config.settings(live_feed).serving_path), read_only=True)
    try:
        status = imports.analysis_status(con)
    finally:
        con.close()
    assert status is not None
    partial = LABELS["complaints.volume.partial"][1].format(as_of=formatting.minute(status.as_of))
    at = open_page("complaints", lang="en")
    assert errors(at) == []
    assert partial in texts(at)


def test_whole_periods_carry_no_such_note(snapshot: duckdb.DuckDBPyConnection) -> None:
    months = views.available_months(snapshot.cursor())
    at = open_page("complaints", period=[months[0], months[-2]], lang="en")
    assert errors(at) == []
    assert not any("had not ended" in x for x in texts(at))


def test_a_complaint_month_past_the_invoices_is_partial_up_to_its_last_complaint(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    status = imports.analysis_status(con)
    last = views.last_complaint_at(views.complaint_receipts(con))
    assert status is not None
    assert last is not None
    # the complaint feed runs past the latest 入库 time, so the note names its own last receipt
    assert last > status.as_of
    partial = LABELS["complaints.volume.partial"][1].format(as_of=formatting.minute(last))
    at = open_page("complaints", lang="en")
    assert errors(at) == []
    assert partial in texts(at)


def test_complaints_after_the_last_invoice_month_are_shown_and_said(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    con = snapshot.cursor()
    months = views.available_months(con)
    received = views.complaint_months(con)
    later = [m for m in received if m > months[-1]]
    # the generator's complaint feed runs past the invoice months, as the demo's does
    assert later, (months, received)
    after = views.complaint_links(con, Filters(later[0], later[-1])).height
    whole = views.complaint_links(con, Filters(months[0], later[-1])).height
    assert after > 0
    at = open_page("complaints")
    assert errors(at) == []
    assert metrics(at)[LABELS["complaints.total"][0]] == formatting.count(whole)
    said = LABELS["complaints.later_months"][0].format(months="、".join(later))
    assert said in [c.value for c in at.caption]
    # a range ending before the last invoice month stays as chosen, and says nothing
    at = open_page("complaints", period=[months[0], months[-2]])
    assert errors(at) == []
    shown = views.complaint_links(con, Filters(months[0], months[-2])).height
    assert metrics(at)[LABELS["complaints.total"][0]] == formatting.count(shown)
    assert said not in [c.value for c in at.caption]
