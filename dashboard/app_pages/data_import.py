"""数据导入 Data import: preview and load files; import history, quarantine, feed gaps, table
sizes and the holiday calendar."""

import streamlit as st

from dashboard import cached, feed_panel, holiday_panel, import_panels
from dashboard.i18n import t

st.title(t("data_import.title"))
published = cached.snapshot_meta()["published_at"][0]
st.caption(t("data_import.published", when=f"{published:%Y-%m-%d %H:%M}"))
TABS = ("upload", "history", "rejected", "feeds", "tables", "holidays")
upload, history, rejected, feed_gaps, tables, holidays = st.tabs(
    [t(f"data_import.tab.{k}") for k in TABS]
)
with upload:
    import_panels.upload_panel()
with history:
    import_panels.history_panel()
with rejected:
    import_panels.rejected_panel()
with feed_gaps:
    feed_panel.feed_panel()
with tables:
    import_panels.tables_panel()
with holidays:
    holiday_panel.holiday_panel()
