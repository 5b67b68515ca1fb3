"""发票入库监测 Fapiao Watch — the router: page config, language, navigation, global filters.

Pages are grouped by who uses them. To add a page: write ``app_pages/<name>.py`` (thin: widgets,
one ``dashboard.cached`` call per view, charts from ``analytics.charts``), its labels in
``labels/<name>.py``, and one ``st.Page`` line below. Pages that do not use the global filters
go in ``NO_FILTERS`` (the sidebar then greys them out but keeps them in the URL).
"""

import streamlit as st

from dashboard import cached, filters
from dashboard.i18n import language_switch, t

st.set_page_config(
    page_title="发票入库监测 Fapiao Watch", page_icon=":material/receipt_long:", layout="wide"
)
language_switch()


def first_run() -> None:
    """No analysed snapshot yet: explain, and offer to build the demo warehouse."""
    st.title(t("first_run.title"))
    st.write(t("first_run.body", path=cached.warehouse_path()))
    if cached.warehouse_path().exists():  # data without analysis: never overwrite it
        st.info(t("first_run.not_analysed"))
        return
    if st.button(t("first_run.button"), type="primary"):
        bar = st.progress(0.0, text=t("first_run.running"))
        try:
            cached.build_demo(
                lambda stage, fraction: bar.progress(fraction, text=t(f"first_run.stage.{stage}"))
            )
        except Exception as exc:  # shown to the user instead of a traceback
            st.error(t("first_run.failed", error=exc))
            st.stop()
        st.success(t("first_run.done"))
        st.rerun()


if not cached.ready():
    first_run()
    st.stop()

PAGES = {
    t("nav.section.monitoring"): [
        st.Page(
            "app_pages/overview.py",
            title=t("nav.overview"),
            icon=":material/dashboard:",
            default=True,
        ),
        st.Page(
            "app_pages/entry_monitoring.py",
            title=t("nav.entry_monitoring"),
            icon=":material/receipt_long:",
            url_path="entry",
        ),
        st.Page(
            "app_pages/alerts.py",
            title=t("nav.alerts"),
            icon=":material/notifications_active:",
            url_path="alerts",
        ),
        st.Page(
            "app_pages/self_check.py",
            title=t("nav.self_check"),
            icon=":material/fact_check:",
            url_path="self-check",
        ),
    ],
    t("nav.section.analysis"): [
        st.Page(
            "app_pages/ranking.py",
            title=t("nav.ranking"),
            icon=":material/leaderboard:",
            url_path="ranking",
        ),
        st.Page(
            "app_pages/anomalies.py",
            title=t("nav.anomalies"),
            icon=":material/troubleshoot:",
            url_path="anomalies",
        ),
        st.Page(
            "app_pages/merchant_profile.py",
            title=t("nav.merchant_profile"),
            icon=":material/storefront:",
            url_path="merchant",
        ),
    ],
    t("nav.section.management"): [
        st.Page(
            "app_pages/complaints.py",
            title=t("nav.complaints"),
            icon=":material/campaign:",
            url_path="complaints",
        ),
    ],
    t("nav.section.data"): [
        st.Page(
            "app_pages/data_import.py",
            title=t("nav.data_import"),
            icon=":material/upload_file:",
            url_path="import",
        ),
    ],
}
NO_FILTERS = {"import", "self-check"}

page = st.navigation(PAGES)
filters.draw(enabled=page.url_path not in NO_FILTERS)
page.run()
