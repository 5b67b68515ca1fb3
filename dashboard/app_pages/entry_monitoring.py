"""入库监测 Entry monitoring: where and through which software invoices reach the system late.

Panels live in ``dashboard/entry_panels.py``; this page picks the metric and lays them out.
"""

import polars as pl
import streamlit as st

from dashboard import cached, entry_panels, filters, urlstate
from dashboard.i18n import metric_label, t

METRICS = ["on_time_rate", "entry_rate"]

st.title(t("entry_monitoring.title"))
f = filters.current()
st.caption(filters.describe(f))
metric = urlstate.widget(
    "em_metric",
    "on_time_rate",
    lambda start: st.segmented_control(
        t("entry_monitoring.metric"),
        METRICS,
        default=start,
        format_func=metric_label,
        required=True,
        key="em_metric",
    ),
    options=METRICS,
)
cells = cached.group_metrics(f, ("district", "industry")).filter(pl.col("invoices_due") > 0)
if cells.is_empty():
    st.info(t("common.no_match"))
    st.stop()
n = cached.deadline()

entry_panels.heatmap_panel(cells, metric)
entry_panels.delays_panel(f, n)
entry_panels.vendor_table(f, n)
entry_panels.entity_panel(f)
entry_panels.below_panel(f, metric)
