"""发票入库监测 Fapiao Watch — the router: page config, shared sidebar, navigation."""

import streamlit as st

from dashboard import cached
from dashboard.i18n import language_switch, t

st.set_page_config(page_title="发票入库监测 Fapiao Watch", page_icon="🧾", layout="wide")
language_switch()

if not cached.ready():
    st.title(t("first_run.title"))
    st.write(t("first_run.body", path=cached.warehouse_path()))
    if st.button(t("first_run.button"), type="primary"):
        bar = st.progress(0.0, text=t("first_run.running"))
        cached.build_demo(
            lambda stage, fraction: bar.progress(fraction, text=t(f"first_run.stage.{stage}"))
        )
        st.success(t("first_run.done"))
        st.rerun()
    st.stop()

pages = {
    t("nav.section.data"): [
        st.Page("app_pages/warehouse.py", title=t("nav.warehouse"), icon="🗄️", url_path="warehouse"),
    ],
}
st.navigation(pages).run()
