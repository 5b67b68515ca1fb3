"""商户排名 Merchant ranking: simulated compliance score and grade beside the anomaly score.

Sortable (the table's column headers) and searchable; the grade distribution overall or by
district; grades against the previous period (how many fell or rose, and a table of who went
where), with a switch to list only the downgraded; the ranking downloads as CSV/XLSX; a row
opens the merchant's profile. Grades are a
simulation and the page says so first.
"""

import polars as pl
import streamlit as st

from analytics import credit_views, formatting
from dashboard import cached, components, credit_whatif_panel, filters, score_panels, urlstate
from dashboard.i18n import t

st.title(t("ranking.title"))
score_panels.simulation_banner()
f = filters.current()
st.caption(filters.describe(f))
options = cached.credit_periods()
default = credit_views.default_credit_period(options, f.period_to)
if default is None:
    st.info(t("scores.no_scores"))
    st.stop()
choices = options["period"].to_list()
left, middle, right = st.columns([2, 3, 2])
period = urlstate.widget(
    "rk_period",
    default,
    lambda start: left.selectbox(
        t("ranking.period"),
        choices,
        index=choices.index(start),
        format_func=score_panels.period_label,
        key="rk_period",
    ),
    options=choices,
)
query = urlstate.widget(
    "rk_query",
    "",
    lambda start: middle.text_input(t("ranking.search"), value=start, key="rk_query"),
)
only: list[str] = urlstate.widget(
    "rk_grade",
    [],
    lambda start: right.multiselect(
        t("ranking.grades"),
        credit_views.GRADES,
        default=start,
        format_func=score_panels.grade_label,
        placeholder=t("filters.all"),
        key="rk_grade",
    ),
    options=credit_views.GRADES,
)
st.caption(t("ranking.scope"))
ranked = cached.ranking(f, period)
if ranked.is_empty():
    st.info(t("common.no_match"))
    st.stop()

score_panels.ranking_kpis(ranked)
score_panels.grade_panel(ranked)
score_panels.migration_panel(ranked, period, choices)
credit_whatif_panel.render(f, period)

st.subheader(t("ranking.table"))
down_only = urlstate.widget(
    "rk_down",
    False,
    lambda start: st.toggle(t("ranking.down_only"), value=start, key="rk_down"),
)
shown = score_panels.search(ranked, query)
if only:
    shown = shown.filter(pl.col("grade").is_in(only))
if down_only:
    shown = shown.filter(pl.col("grade_change") == "down")
st.caption(
    t("ranking.shown", shown=formatting.count(shown.height), total=formatting.count(ranked.height))
)
if shown.is_empty():
    st.info(t("ranking.none_found"))
    st.stop()
stem = score_panels.simulated_stem("ranking", period)
components.merchant_table(
    score_panels.ranking_rows(shown),
    score_panels.ranking_cols(),
    key="rk_table",
    stem=stem,
    height=520,
)
components.self_check_list_button(
    shown["merchant_id"].to_list(), credit_views.report_period(period), key="rk_self_check"
)
