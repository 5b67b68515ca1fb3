"""Reconciliation exceptions of the merchant, with reasons in the UI language; first, when
there are any, its invoices still pending entry (deadline ahead): what to remind it of now; and
which late or missing invoices fell in a delay at its invoicing software."""

import polars as pl
import streamlit as st

from analytics import delay_views, views
from analytics.views import Filters
from dashboard import cached, components, reminder_panel
from dashboard.components import Col
from dashboard.i18n import catalogue_labels, label_codes, lang, listing, ref_labels, t

ORDER = 40
TITLE_KEY = "merchant_profile.exceptions"


def _pending(merchant_id: str) -> None:
    rows = cached.merchant_pending(merchant_id)
    if rows.is_empty():
        return
    due = rows.filter(pl.col("workdays_left") <= views.DUE_SOON_WORKDAYS).height
    st.caption(t("merchant_profile.pending", n=rows.height, due=due))
    cols = [
        Col("invoice_no", t("merchant_profile.subject_id")),
        Col("issued_at", t("merchant_profile.issued_at"), "datetime"),
        Col("deadline_at", t("entry_monitoring.pending.deadline"), "datetime"),
        Col("workdays_left", t("entry_monitoring.pending.left"), "days"),
        Col("total_amount", t("merchant_profile.total_issued"), "yuan"),
    ]
    components.table(rows, cols, key="mp_pending", stem=f"{merchant_id}_pending")
    reminder_panel.history(merchant_id)


def _incidents(merchant_id: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Mark the late and missing invoices issued during a delay at the merchant's invoicing
    software (Entry monitoring's vendor incidents), and say how many there are."""
    vendor = cached.merchant_facts(merchant_id)["software_vendor"][0]
    marked = views.during_incidents(rows, cached.vendor_incidents(), vendor).with_columns(
        vendor_incident=pl.col("vendor_incident")
        & pl.col("status").is_in(delay_views.FAILED_STATUSES)
    )
    hit = marked.filter("vendor_incident")
    if hit.height:
        windows = hit.select("incident_first", "incident_last").unique().sort("incident_first")
        st.warning(
            t(
                "merchant_profile.incidents",
                n=hit.height,
                vendor=ref_labels("vendors").get(vendor, vendor),
                days=listing((f"{first} – {last}" for first, last in windows.rows()), "; "),
            ),
            icon=":material/dns:",
        )
    return marked.with_columns(
        in_incident=pl.when("vendor_incident").then(pl.lit("✓")).otherwise(pl.lit(""))
    )


def render(merchant_id: str, f: Filters) -> None:
    _pending(merchant_id)
    rows = cached.merchant_exceptions(merchant_id, f)
    if rows.is_empty():
        st.success(t("merchant_profile.no_exceptions"))
        return
    counts = rows.group_by("status").len().sort(["len", "status"], descending=[True, False])
    names = catalogue_labels("status", counts["status"].to_list())
    st.caption(" · ".join(f"{names[s]} {n:,}" for s, n in counts.iter_rows()))
    rows = _incidents(merchant_id, rows)
    rows = label_codes(rows, "status", names)
    rows = label_codes(
        rows, "subject", catalogue_labels("subject", ["issued", "tax_record", "payment"])
    )
    rows = rows.with_columns(reason=pl.col("reason_zh" if lang() == "zh" else "reason_en"))
    cols = [
        Col("status", t("merchant_profile.status")),
        Col("reason", t("merchant_profile.reason")),
        Col("subject", t("merchant_profile.subject")),
        Col("subject_id", t("merchant_profile.subject_id")),
        Col("period", t("common.period")),
        Col("issued_at", t("merchant_profile.issued_at"), "datetime"),
        Col("recorded_at", t("merchant_profile.recorded_at"), "datetime"),
        Col("delay_workdays", t("merchant_profile.delay"), "days"),
        Col("in_incident", t("merchant_profile.in_incident")),
        Col("total_issued", t("merchant_profile.total_issued"), "yuan"),
        Col("amount_paid", t("merchant_profile.amount_paid"), "yuan"),
    ]
    components.table(rows, cols, key="mp_exceptions", stem=f"{merchant_id}_exceptions", height=360)
