"""Entry monitoring page (入库监测) under AppTest on the small generated warehouse."""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from apptest import errors, metrics, open_page, table_with, texts

from analytics import config, formatting, imports, profile, views
from analytics.views import Filters
from dashboard.i18n import LABELS


def _below_caption(con: duckdb.DuckDBPyConnection, metric: str, threshold: float) -> str:
    months = views.available_months(con)
    below = views.merchants_below(con, Filters(months[0], months[-1]), metric, threshold)
    label = {"on_time_rate": "按时入库率", "entry_rate": "入库率"}[metric]
    assert below["below_total"].max() == below.height  # all are listed: no "worst 500" note
    return LABELS["entry_monitoring.below.caption"][0].format(
        min_due=20, metric=label, threshold=formatting.pct(threshold, 0), n=below.height
    )


def test_merchants_below_the_threshold_match_the_view(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    at = open_page("entry_monitoring")
    assert errors(at) == []
    assert at.title[0].value == LABELS["entry_monitoring.title"][0]
    assert _below_caption(snapshot.cursor(), "on_time_rate", 0.95) in texts(at)
    assert len(at.get("plotly_chart")) == 4  # heat map, delays, vendors, individual vs enterprise


def test_threshold_and_metric_come_from_the_url(snapshot: duckdb.DuckDBPyConnection) -> None:
    at = open_page("entry_monitoring", em_metric="entry_rate", em_threshold="0.99")
    assert errors(at) == []
    assert _below_caption(snapshot.cursor(), "entry_rate", 0.99) in texts(at)
    assert at.slider(key="em_threshold").value == 0.99


def test_the_merchants_below_go_to_the_self_check_page_as_one_list(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    """An official sends every merchant below the threshold a self-check report: the list
    and the filter's last month arrive on the Self-check page, ready to build."""
    con = snapshot.cursor()
    months = views.available_months(con)
    below = views.merchants_below(con, Filters(months[0], months[-1]), "on_time_rate", 0.95)
    assert below.height > 1
    at = open_page("entry_monitoring")
    n = formatting.count(below.height)
    button = at.button(key="em_self_check")
    assert button.label == LABELS["common.self_check_list"][0].format(n=n, period=months[-1])
    button.click()
    at.run()
    assert errors(at) == []
    assert at.title[0].value == LABELS["self_check.title"][0]
    assert at.text_area(key="sc_list").value.split("\n") == below["merchant_id"].to_list()
    assert at.selectbox(key="sc_period").value == months[-1]
    manifest = at.dataframe[0].value
    assert manifest[LABELS["common.merchant_id"][0]].tolist() == below["merchant_id"].to_list()


def test_a_long_list_says_how_many_are_below_and_how_many_are_shown(
    snapshot: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table stops at its limit (500 in the product, 3 here); the caption still counts
    every merchant below, and says the table and the self-check list hold the worst only."""
    monkeypatch.setattr(views, "merchants_below", functools.partial(views.merchants_below, limit=3))
    st.cache_data.clear()
    con = snapshot.cursor()
    months = views.available_months(con)
    every = views.merchants_below(con, Filters(months[0], months[-1]), "on_time_rate", 0.95)
    assert int(every["below_total"][0]) > every.height == 3
    at = open_page("entry_monitoring")
    assert errors(at) == []
    caption = LABELS["entry_monitoring.below.caption"][0].format(
        min_due=20,
        metric="按时入库率",
        threshold="95%",
        n=formatting.count(int(every["below_total"][0])),
    ) + LABELS["entry_monitoring.below.capped"][0].format(n=3)
    assert caption in texts(at)
    assert at.button(key="em_self_check").label == LABELS["common.self_check_list"][0].format(
        n=3, period=months[-1]
    )


def test_without_pending_invoices_the_section_says_so(snapshot: duckdb.DuckDBPyConnection) -> None:
    """The generated tax export runs past the last issue day, so nothing is pending."""
    con = snapshot.cursor()
    assert con.execute("select count(*) from pending_entries").fetchall() == [(0,)]
    status = imports.analysis_status(con)
    assert status is not None
    at = open_page("entry_monitoring")
    assert errors(at) == []
    none = LABELS["entry_monitoring.pending.none"][0].format(as_of=formatting.minute(status.as_of))
    assert none in texts(at)


def test_pending_invoices_by_merchant_match_the_view(live_feed: Path) -> None:
    con = duckdb.connect(str(config.settings(live_feed).serving_path), read_only=True)
    try:
        months = views.available_months(con)
        expected = views.pending_by_merchant(con, Filters(months[0], months[-1]))
    finally:
        con.close()
    assert expected.height > 1
    first = expected.row(0, named=True)
    at = open_page("entry_monitoring", lang="en")
    assert errors(at) == []
    shown = metrics(at)
    label = {k: LABELS[f"entry_monitoring.pending.{k}"][1] for k in ("invoices", "due_soon")}
    assert shown[label["invoices"]] == formatting.count(first["pending_total"])
    assert shown[label["due_soon"]] == formatting.count(first["due_soon_total"])
    assert shown[LABELS["entry_monitoring.pending.merchants"][1]] == formatting.count(
        expected.height
    )
    table = table_with(at, LABELS["entry_monitoring.pending.count"][1])
    assert table[LABELS["common.merchant_id"][1]].tolist() == expected["merchant_id"].to_list()
    labels = [b.proto.label for b in at.get("download_button")]
    assert LABELS["entry_monitoring.pending.reminders"][1] in labels  # the invoices, as XLSX
    assert table[LABELS["entry_monitoring.pending.count"][1]].tolist() == (
        expected["pending"].to_list()
    )


def test_a_listed_merchant_s_profile_shows_its_pending_invoices(live_feed: Path) -> None:
    """From the list to the invoices to remind the merchant of: its profile lists them."""
    con = duckdb.connect(str(config.settings(live_feed).serving_path), read_only=True)
    try:
        months = views.available_months(con)
        merchant = views.pending_by_merchant(con, Filters(months[0], months[-1])).row(0, named=True)
        invoices = profile.merchant_pending(con, merchant["merchant_id"])
    finally:
        con.close()
    assert invoices.height == merchant["pending"]
    at = open_page("merchant_profile", merchant=merchant["merchant_id"])
    assert errors(at) == []
    caption = LABELS["merchant_profile.pending"][0].format(
        n=merchant["pending"], due=merchant["due_soon"]
    )
    assert caption in texts(at)
    table = table_with(at, LABELS["entry_monitoring.pending.left"][0])
    assert table[LABELS["merchant_profile.subject_id"][0]].tolist() == (
        invoices["invoice_no"].to_list()
    )
