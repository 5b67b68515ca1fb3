"""数据概况 Warehouse summary: what was loaded, what was quarantined and why."""

import polars as pl
import streamlit as st

from analytics import reference
from dashboard import cached
from dashboard.i18n import lang, t

st.title(t("warehouse.title"))
meta = cached.snapshot_meta()
st.caption(t("warehouse.published", when=f"{meta['published_at'][0]:%Y-%m-%d %H:%M}"))

history = cached.import_history()
cols = st.columns(4)
cols[0].metric(t("warehouse.kpi.files"), f"{history.height:,}")
cols[1].metric(t("warehouse.kpi.rows_read"), f"{history['rows_read'].sum():,}")
cols[2].metric(t("warehouse.kpi.rows_loaded"), f"{history['rows_loaded'].sum():,}")
cols[3].metric(t("warehouse.kpi.rows_rejected"), f"{history['rows_rejected'].sum():,}")

left, right = st.columns(2)
with left:
    st.subheader(t("warehouse.tables"))
    tables = cached.warehouse_tables().rename(
        {"table_name": t("warehouse.table"), "row_count": t("warehouse.rows")}
    )
    st.dataframe(tables, hide_index=True, width="stretch")
with right:
    st.subheader(t("warehouse.rejected_by_reason"))
    reason_labels = reference.labels("reason_codes", lang())
    by_reason = cached.rejected_by_reason().with_columns(
        pl.col("reason").replace(reason_labels).alias(t("warehouse.reason"))
    )
    st.dataframe(
        by_reason.select("kind", t("warehouse.reason"), pl.col("rows").alias(t("warehouse.count"))),
        hide_index=True,
        width="stretch",
    )

st.subheader(t("warehouse.batches"))
st.dataframe(history, hide_index=True, width="stretch")
st.subheader(t("warehouse.rejected_sample"))
st.dataframe(cached.rejected_sample(), hide_index=True, width="stretch")
