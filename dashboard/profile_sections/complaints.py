"""Complaints linked to the merchant."""

import streamlit as st

from analytics.views import Filters
from dashboard import cached, components
from dashboard.components import Col
from dashboard.i18n import catalogue_labels, label_codes, label_refs, listing, t

ORDER = 50
TITLE_KEY = "merchant_profile.complaints"


def render(merchant_id: str, f: Filters) -> None:
    f, later = cached.complaint_scope(f)
    rows = cached.merchant_complaints(merchant_id, f)
    if later and rows["period"].is_in(later).any():
        st.caption(t("complaints.later_months", months=listing(later)))
    if rows.is_empty():
        st.success(t("merchant_profile.no_complaints"))
        return
    rows = label_refs(rows, category="complaint_categories", channel="complaint_channels")
    rows = label_codes(
        rows,
        "invoice_status",
        catalogue_labels("status", rows["invoice_status"].drop_nulls().unique().to_list()),
    )
    rows = label_codes(
        rows, "status", catalogue_labels("complaint_status", rows["status"].unique().to_list())
    )
    cols = [
        Col("complaint_id", t("merchant_profile.complaint_id")),
        Col("received_at", t("merchant_profile.received_at"), "datetime"),
        Col("category", t("merchant_profile.category")),
        Col("channel", t("merchant_profile.channel")),
        Col("invoice_no", t("merchant_profile.invoice_no")),
        Col("invoice_status", t("merchant_profile.invoice_status")),
        Col("status", t("merchant_profile.complaint_status")),
        Col("resolution_days", t("merchant_profile.resolution_days"), "days"),
    ]
    if rows["invoice_no"].is_not_null().any():
        st.caption(t("merchant_profile.complaint_lookup"))
    row = components.table(
        rows, cols, key="mp_complaints", stem=f"{merchant_id}_complaints", select=True
    )
    if row is not None and (invoice_no := rows["invoice_no"][row]) is not None:
        components.open_invoice_lookup(invoice_no)
