"""发票入库监测 Fapiao Watch — the router: page config, language, navigation, global filters.

Pages are grouped by who uses them. To add a page: write ``app_pages/<name>.py`` (thin: widgets,
one ``dashboard.cached`` call per view, charts from ``analytics.charts``), its labels in
``labels/<name>.py``, and one line in ``dashboard/navigation.py`` (the page list as data, which
the browser test and the dashboard benchmark read too).
"""

import streamlit as st

from dashboard import cached, filters, navigation
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
    t(f"nav.section.{section}"): [
        st.Page(
            spec.script,
            title=t(f"nav.{spec.name}"),
            icon=f":material/{spec.icon}:",
            url_path=spec.url_path or None,
            default=spec.url_path == "",
        )
        for spec in specs
    ]
    for section, specs in navigation.SECTIONS.items()
}
NO_FILTERS = {spec.url_path for spec in navigation.pages() if not spec.filters}

page = st.navigation(PAGES)
filters.draw(enabled=page.url_path not in NO_FILTERS)
page.run()
