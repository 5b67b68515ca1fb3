"""自查报告 Self-check: a merchant's, a district's or a list's reports for a month or quarter,
previewed, then downloaded as XLSX or a zip of CSVs (bytes from ``analytics.reports``)."""

import streamlit as st

from analytics import reference, report_sheets
from dashboard import cached, notices, self_check_panels, urlstate
from dashboard.i18n import ref_labels, t

MODES = ("merchant", "district", "list")
FORMATS = ("xlsx", "csv")

st.title(t("self_check.title"))
st.caption(t("self_check.intro"))
periods = cached.report_periods()
if periods.is_empty():
    st.info(t("scores.no_scores"))
    st.stop()
choices = periods["period"].to_list()
kinds = dict(zip(periods["period"], periods["period_type"], strict=True))
left, middle, right = st.columns([3, 2, 2])
mode = urlstate.choice(
    "sc_mode",
    MODES,
    "merchant",
    label=t("self_check.mode"),
    format_func=lambda m: t(f"self_check.mode.{m}"),
    where=left,
)
period = urlstate.widget(
    "sc_period",
    choices[0],
    lambda start: middle.selectbox(
        t("self_check.period"),
        choices,
        index=choices.index(start),
        format_func=lambda p: t(f"self_check.period.{kinds[p]}", period=p),
        key="sc_period",
    ),
    options=choices,
)
fmt = urlstate.choice(
    "sc_format",
    FORMATS,
    "xlsx",
    label=t("self_check.format"),
    format_func=lambda x: t(f"self_check.format.{x}"),
    where=right,
)
# the gaps of the period's months: statuses a feed's missing days caused, not the merchants
notices.feed_gaps_notice(report_sheets.parse_period(period).months)
if mode == "merchant":
    merchant_id = self_check_panels.pick_merchant()
    if merchant_id is None:
        st.info(t("self_check.choose"))
        st.stop()
    self_check_panels.merchant_report(merchant_id, period, fmt)
elif mode == "list":
    listed = self_check_panels.pick_list()
    if listed is None:
        st.info(t("self_check.list.choose"))
        st.stop()
    self_check_panels.list_report(listed, period, fmt)
else:
    districts = reference.table("districts")["name_zh"].to_list()
    names = ref_labels("districts")
    district = urlstate.widget(
        "sc_district",
        districts[0],
        lambda start: st.selectbox(
            t("self_check.district"),
            districts,
            index=districts.index(start),
            format_func=lambda d: names.get(d, d),
            key="sc_district",
        ),
        options=districts,
    )
    self_check_panels.district_report(district, period, fmt)
