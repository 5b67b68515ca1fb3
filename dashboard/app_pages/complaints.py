"""投诉趋势 Complaint trends: volume, resolution, top merchants, and the link to entry gaps.

Panels live in ``dashboard/complaint_panels.py``; this page holds the time grain and split.
"""

import streamlit as st

from dashboard import cached, complaint_panels, filters, urlstate
from dashboard.i18n import listing, t

GRAINS = ("month", "week")
SPLITS = tuple(complaint_panels.REF)

st.title(t("complaints.title"))
f, later = cached.complaint_scope(filters.current())
st.caption(filters.describe(f))
if later:
    st.caption(t("complaints.later_months", months=listing(later)))
links = cached.complaint_links(f)
if links.is_empty():
    st.info(t("common.no_match"))
    st.stop()
complaint_panels.headline_panel(f, links.height)

left, right = st.columns(2)
grain = urlstate.choice(
    "ct_grain",
    GRAINS,
    "month",
    label=t("complaints.grain"),
    format_func=lambda g: t(f"complaints.grain.{g}"),
    where=left,
)
by = urlstate.choice(
    "ct_by",
    SPLITS,
    "category",
    label=t("complaints.by"),
    format_func=lambda b: t(f"complaints.by.{b}"),
    where=right,
)

complaint_panels.volume_panel(f, grain, by)
left, right = st.columns(2)
with left:
    complaint_panels.resolution_panel(f, by)
with right:
    complaint_panels.crosstab_panel(f)
complaint_panels.top_panel(f)
complaint_panels.classifier_panel()
