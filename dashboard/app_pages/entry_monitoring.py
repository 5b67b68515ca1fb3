"""入库监测 Entry monitoring: where and through which software invoices reach the system late.

Panels live in ``dashboard/entry_panels.py``; this page picks the metric and lays them out.
"""

import polars as pl
import streamlit as st

from dashboard import cached, entry_panels, filters, notices, urlstate
from dashboard.i18n import metric_label, t

METRICS = ["on_time_rate", "entry_rate"]

st.title(t("entry_monitoring.title"))
f = filters.current()
st.caption(filters.describe(f))
notices.freshness_notice()
metric = urlstate.choice(
    "em_metric",
    METRICS,
    "on_time_rate",
    label=t("entry_monitoring.metric"),
    format_func=metric_label,
)
# one query for the three groupings the panels show
cells, vendors, entities = cached.group_metrics_sets(
    f, ("district", "industry"), ("software_vendor",), ("is_individual",)
)
cells = cells.filter(pl.col("invoices_due") > 0)
if cells.is_empty():
    st.info(t("common.no_match"))
    st.stop()
n = cached.deadline()
# one query for the delay buckets and the p95 by vendor
by_vendor, p95 = cached.delay_profile(f, ("software_vendor",))

entry_panels.heatmap_panel(cells, metric)
entry_panels.delays_panel(by_vendor, n)
entry_panels.vendor_table(vendors, p95, n)
entry_panels.incidents_panel(cached.vendor_incidents(), f)
entry_panels.entity_panel(entities)
entry_panels.below_panel(f, metric)
entry_panels.pending_panel(f)
