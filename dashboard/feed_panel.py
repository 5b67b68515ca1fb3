"""The Data import page's feed gaps (数据源断档): the runs of issue days that an invoicing
software's merchant log, or the tax export, lacks while the other side holds them
(``analytics.feeds``), as the last analysis found them."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import feeds, formatting
from dashboard import cached, components
from dashboard.components import Col
from dashboard.i18n import ref_labels, t


def feed_panel() -> None:
    st.caption(
        t("data_import.feeds.caption", min_invoices=feeds.MIN_INVOICES, days=feeds.MIN_WORKDAYS)
    )
    gaps = cached.feed_gaps()
    if gaps.is_empty():
        st.success(t("data_import.feeds.none"))
        return
    vendors = ref_labels("vendors")
    tax, not_arrived = t("data_import.feeds.tax"), t("data_import.feeds.open")
    frame = gaps.sort("last_day", descending=True).with_columns(
        feed=pl.when(pl.col("feed") == "tax")
        .then(pl.lit(tax))
        .otherwise(
            pl.lit(t("data_import.feeds.log_prefix"))
            + pl.col("software_vendor").replace(vendors).fill_null("")
        ),
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
