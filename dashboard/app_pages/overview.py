"""总览 Overview: KPIs against the previous month, monthly trends, the 16 districts."""

import polars as pl
import streamlit as st

from analytics import charts, formatting, periods, reference, views
from dashboard import cached, components, filters, urlstate
from dashboard.components import Col, metric_col
from dashboard.i18n import lang, metric_label, t

st.title(t("overview.title"))
f = filters.current()
st.caption(filters.describe(f))
# One query for the trends and the KPIs: the range plus the month before it.
months = cached.period_series(views.with_previous_month(f))
current = months.filter(pl.col("period") == f.period_to)
if current.is_empty():
    st.info(t("common.no_match"))
    st.stop()
before = periods.month_of(periods.add_months(periods.parse_month(f.period_to), -1))
previous = months.filter(pl.col("period") == before)
n = cached.deadline()


def value(frame: pl.DataFrame, name: str) -> float | None:
    return None if frame.is_empty() else frame[name][0]


cards = [
    (metric_label(m), formatting.kpi(m, value(current, m), value(previous, m), lang()))
    for m in ("entry_rate", "on_time_rate", "missing_count", "complaints")
]
alerts = cached.open_alerts(f)
if alerts.is_empty():
    alert_kpi = formatting.Kpi("open_alerts", formatting.MISSING, None, "off")
else:
    new = int(alerts["new_in_period"][0])
    alert_kpi = formatting.Kpi(
        "open_alerts", formatting.count(alerts["open_alerts"][0]), f"+{new}", "inverse"
    )
cards.append((t("overview.open_alerts"), alert_kpi))
components.kpi_row(
    cards,
    help_text=lambda m: (
        t("overview.open_alerts.help") if m == "open_alerts" else components.metric_help(m)
    ),
)
st.caption(t("common.latest_month", period=f.period_to))
if alerts.is_empty():
    st.caption(t("overview.open_alerts.none"))

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
by_district = cached.group_metrics(f, ("district",))
tiles = reference.table("districts").join(
    by_district, left_on="name_zh", right_on="district", how="left"
)
name = "name_zh" if lang() == "zh" else "name_en"
texts = [
    f"{d}<br>{formatting.metric_value(choice, v, lang())}"
    for d, v in zip(tiles[name], tiles[choice], strict=True)
]
fig = charts.tile_map(
    tiles.with_columns(text=pl.Series(texts)),
    value=choice,
    text="text",
    higher_is_better=choice in ("entry_rate", "on_time_rate"),
    colorbar_title=metric_label(choice),
    percent=choice.endswith("rate"),
)
st.plotly_chart(fig, width="stretch")
st.caption(t("overview.districts.caption"))

st.markdown(f"**{t('overview.district_table')}**")
table = tiles.filter(pl.col("merchants").is_not_null()).with_columns(district=pl.col(name))
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
