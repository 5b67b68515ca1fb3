"""预警中心 Alerts: the queue, each alert's history, and acknowledge / resolve with who and a note.

Actions are written to the warehouse through a short-lived connection and a new snapshot is
published (``analytics.alert_desk``); the panels are in ``dashboard/alert_panels.py``.
"""

import streamlit as st

from analytics import alerts
from dashboard import alert_panels, cached, filters, urlstate
from dashboard.i18n import lang, t

st.title(t("alerts.title"))
f = filters.current()
st.caption(filters.describe(f))
st.caption(t("alerts.scope"))
everything = cached.alert_queue(f)
if everything.width == 0:
    st.info(t("alerts.none"))
    st.stop()
alert_panels.kpis(everything)

rules = cached.alert_rule_names(lang())
left, middle, right = st.columns(3)
statuses: list[str] = urlstate.widget(
    "al_status",
    list(alerts.OPEN_STATUSES),
    lambda start: left.multiselect(
        t("alerts.filter.status"),
        alerts.STATUSES,
        default=start,
        format_func=lambda s: t(f"alert_status.{s}"),
        placeholder=t("filters.all"),
        key="al_status",
    ),
    options=alerts.STATUSES,
)
chosen_rules: list[str] = urlstate.widget(
    "al_rule",
    [],
    lambda start: middle.multiselect(
        t("alerts.filter.rule"),
        list(rules),
        default=start,
        format_func=lambda r: rules.get(r, r),
        placeholder=t("filters.all"),
        key="al_rule",
    ),
    options=list(rules),
)
severities: list[str] = urlstate.widget(
    "al_severity",
    [],
    lambda start: right.multiselect(
        t("alerts.filter.severity"),
        alert_panels.SEVERITIES,
        default=start,
        format_func=lambda s: t(f"severity.{s}"),
        placeholder=t("filters.all"),
        key="al_severity",
    ),
    options=alert_panels.SEVERITIES,
)
rows = cached.alert_queue(f, tuple(statuses), tuple(chosen_rules), tuple(severities))
alert_panels.queue(rows)
alert_panels.act_panel(rows)
