"""总览 Overview: KPIs against the previous month, monthly trends, the 16 districts."""

import polars as pl
import streamlit as st

from analytics import charts, periods, views
from dashboard import cached, components, filters, notices, overview_panels, urlstate
from dashboard.components import Col, metric_col
from dashboard.i18n import metric_label, t

st.title(t("overview.title"))
f = filters.current()
st.caption(filters.describe(f))
notices.failures_notice()
notices.freshness_notice()
# One query for the trends and the KPIs: the range plus the month before it.
months = cached.period_series(views.with_previous_month(f))
current = months.filter(pl.col("period") == f.period_to)
if current.is_empty():
    st.info(t("common.no_match"))
    st.stop()
before = periods.month_of(periods.add_months(periods.parse_month(f.period_to), -1))
previous = months.filter(pl.col("period") == before)
n = cached.deadline()

overview_panels.kpi_panel(f, current, previous)
overview_panels.pending_line(f)
overview_panels.risk_line(f)
overview_panels.incidents_line(f)

st.subheader(t("overview.trends"))
series = months.filter(pl.col("period") >= f.period_from)
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('overview.rates', n=n)}**")
    lines = {
        "entry_rate": metric_label("entry_rate"),
        "on_time_rate": t("overview.on_time_line", n=n),
    }
    st.plotly_chart(charts.rate_trend(series, x="period", lines=lines), width="stretch")
    st.caption(t("overview.rates.caption", n=n))
with right:
    st.markdown(f"**{t('overview.delay')}**")
    fig = charts.delay_trend(
        series.with_columns(pl.col("delay_p95").fill_null(float(n))),
        x="period",
        y="delay_p95",
        deadline=n,
        y_title=t("common.workdays"),
        deadline_label=t("overview.deadline", n=n),
    )
    st.plotly_chart(fig, width="stretch")
    if not series["delay_p95_exact"].fill_null(True).all():
        st.caption(t("overview.delay.bounded", n=n))

st.subheader(t("overview.districts"))
CHOICES = ["entry_rate", "on_time_rate", "missing_rate", "complaints_per_1k"]
choice = urlstate.choice(
    "ov_metric",
    CHOICES,
    "entry_rate",
    label=t("overview.district_metric"),
    format_func=metric_label,
)
table = overview_panels.district_tiles(f, choice)

st.markdown(f"**{t('overview.district_table')}**")
cols = [Col("district", t("overview.district"))] + [
    metric_col(m)
    for m in (
        "merchants",
        "invoices_issued",
        "entry_rate",
        "on_time_rate",
        "missing_count",
        "late_count",
        "amount_issued",
        "complaints",
        "complaints_per_1k",
    )
]
components.table(table, cols, key="ov_districts", stem="districts")
