"""The Data import page's feeds (数据源): the issue days the tax export and each invoicing
software's merchant log hold, and their gaps (数据源断档): the runs of days one of them lacks
while the other holds them (``analytics.feeds``), as the last analysis found them."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import feeds, formatting
from dashboard import cached, components
from dashboard.components import Col
from dashboard.i18n import ref_labels, t


def _feed_names() -> pl.Expr:
    """Each row's feed by name: the tax export, or a software's merchant log."""
    return (
        pl.when(pl.col("feed") == "tax")
        .then(pl.lit(t("data_import.feeds.tax")))
        .otherwise(
            pl.lit(t("data_import.feeds.log_prefix"))
            + pl.col("software_vendor").replace(ref_labels("vendors")).fill_null("")
        )
    )


def coverage_panel() -> None:
    """How far each feed reaches: a feed whose last day lags the others is the first sign of
    an export that stopped, before a whole working day of it is missing."""
    coverage = cached.feed_coverage()
    if coverage.is_empty():
        return
    st.markdown(f"**{t('data_import.feeds.coverage')}**")
    frame = coverage.with_columns(feed=_feed_names())
    cols = [
        Col("feed", t("data_import.feeds.source")),
        Col("first_day", t("data_import.feeds.first_held"), "date"),
        Col("last_day", t("data_import.feeds.last_held"), "date"),
        Col("invoices", t("data_import.feeds.held"), "count"),
        Col("last_entry", t("data_import.feeds.last_entry"), "datetime"),
    ]
    components.table(frame, cols, key="di_coverage", stem="feed_coverage")


def feed_panel() -> None:
    coverage_panel()
    st.markdown(f"**{t('data_import.feeds.gaps')}**")
    st.caption(
        t("data_import.feeds.caption", min_invoices=feeds.MIN_INVOICES, days=feeds.MIN_WORKDAYS)
    )
    gaps = cached.feed_gaps()
    if gaps.is_empty():
        st.success(t("data_import.feeds.none"))
        return
    not_arrived = t("data_import.feeds.open")
    frame = gaps.sort("last_day", descending=True).with_columns(
        feed=_feed_names(),
        open=pl.when(pl.col("open"))
        .then(pl.lit(not_arrived))
        .otherwise(pl.lit(t("data_import.feeds.hole"))),
    )
    st.warning(t("data_import.feeds.found", n=formatting.count(frame.height)))
    cols = [
        Col("feed", t("data_import.feeds.feed")),
        Col("first_day", t("data_import.feeds.first"), "date"),
        Col("last_day", t("data_import.feeds.last"), "date"),
        Col("workdays", t("data_import.feeds.workdays"), "count"),
        Col("invoices", t("data_import.feeds.invoices"), "count"),
        Col("open", t("data_import.feeds.state")),
    ]
    components.table(frame, cols, key="di_feeds", stem="feed_gaps")
