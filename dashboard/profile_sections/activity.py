"""Issued vs recorded over time, with late and missing invoices marked."""

import streamlit as st

from analytics import charts
from analytics.views import Filters
from dashboard import cached, urlstate
from dashboard.i18n import t

ORDER = 10
TITLE_KEY = "merchant_profile.activity"
GRAINS = ("day", "week")


def render(merchant_id: str, f: Filters) -> None:
    grain = urlstate.choice(
        "mp_grain",
        GRAINS,
        "week",
        label=t("merchant_profile.grain"),
        format_func=lambda g: t(f"merchant_profile.grain.{g}"),
    )
    activity = cached.merchant_activity(merchant_id, f, grain)
    if activity.is_empty():
        st.info(t("merchant_profile.no_invoices"))
        return
    labels = {
        "recorded_on_time": t("status.entered_on_time"),
        "late": t("status.entered_late"),
        "missing": t("status.missing_in_system"),
        "pending": t("status.pending_entry"),
    }
    fig = charts.merchant_activity(
        activity, x="day", labels=labels, y_title=t("merchant_profile.invoices_issued")
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(t("merchant_profile.activity.caption"))
