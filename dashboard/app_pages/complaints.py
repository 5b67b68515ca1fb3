"""投诉趋势 Complaint trends: volume, resolution, top merchants, and the link to entry gaps.

Panels live in ``dashboard/complaint_panels.py``; this page holds the time grain and split.
"""

import streamlit as st

from dashboard import cached, complaint_panels, filters, urlstate
from dashboard.i18n import t

GRAINS = ("month", "week")
SPLITS = tuple(complaint_panels.REF)

st.title(t("complaints.title"))
f = filters.current()
st.caption(filters.describe(f))
links = cached.complaint_links(f)
if links.is_empty():
    st.info(t("common.no_match"))
    st.stop()
complaint_panels.headline_panel(f, links.height)

left, right = st.columns(2)
with left:
    grain = urlstate.widget(
        "ct_grain",
        "month",
        lambda start: st.segmented_control(
            t("complaints.grain"),
            GRAINS,
            default=start,
            format_func=lambda g: t(f"complaints.grain.{g}"),
            required=True,
            key="ct_grain",
        ),
        options=GRAINS,
    )
with right:
    by = urlstate.widget(
        "ct_by",
        "category",
        lambda start: st.segmented_control(
            t("complaints.by"),
            SPLITS,
            default=start,
            format_func=lambda b: t(f"complaints.by.{b}"),
            required=True,
            key="ct_by",
        ),
        options=SPLITS,
    )

complaint_panels.volume_panel(f, grain, by)
left, right = st.columns(2)
with left:
    complaint_panels.resolution_panel(f, by)
with right:
    complaint_panels.crosstab_panel(f)
complaint_panels.top_panel(f)
complaint_panels.classifier_panel()
