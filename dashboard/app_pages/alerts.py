"""预警中心 Alerts: the queue, each alert's history, and acknowledge / resolve with who and a note,
one alert or several at once; last, a what-if of the rules' thresholds (``alert_whatif_panel``).

Actions are written to the warehouse through a short-lived connection and a new snapshot is
published (``analytics.alert_desk``); the panels are in ``dashboard/alert_panels.py``.
"""

import streamlit as st

from analytics import alerts
from dashboard import (
    alert_bulk,
    alert_panels,
    alert_whatif_panel,
    alert_words,
    cached,
    filters,
    notices,
    urlstate,
)
from dashboard.i18n import lang, t

st.title(t("alerts.title"))
f = filters.current()
st.caption(filters.describe(f))
st.caption(t("alerts.scope"))
notices.freshness_notice()
everything = cached.alert_queue(f)
if everything.width == 0:
    st.info(t("alerts.none"))
    st.stop()
alert_panels.kpis(everything)

rules = cached.alert_rule_names(lang())
left, middle, right = st.columns(3)
statuses = urlstate.multiselect(
    "al_status",
    alerts.STATUSES,
    list(alerts.OPEN_STATUSES),
    label=t("alerts.filter.status"),
    format_func=lambda s: t(f"alert_status.{s}"),
    where=left,
    placeholder=t("filters.all"),
)
chosen_rules = urlstate.multiselect(
    "al_rule",
    list(rules),
    [],
    label=t("alerts.filter.rule"),
    format_func=lambda r: rules.get(r, r),
    where=middle,
    placeholder=t("filters.all"),
)
severities = urlstate.multiselect(
    "al_severity",
    alert_words.SEVERITIES,
    [],
    label=t("alerts.filter.severity"),
    format_func=lambda s: t(f"severity.{s}"),
    where=right,
    placeholder=t("filters.all"),
)
rows = cached.alert_queue(f, tuple(statuses), tuple(chosen_rules), tuple(severities))
shown = alert_words.display(rows)
alert_panels.queue(shown)
alert_bulk.panel(shown)
alert_panels.act_panel(shown)
alert_whatif_panel.render(f)
