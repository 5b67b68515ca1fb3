"""The panels of the Complaint trends page: headline figures, volume, resolution times, the
category × invoice-status cross-tab, top merchants and the classifier's evaluation."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from analytics import chart_style, charts, complaint_trends, formatting, periods
from analytics.views import Filters
from dashboard import cached, components
from dashboard.components import Col
from dashboard.i18n import catalogue_labels, label_codes, lang, ref_labels, t

# complaint_links column -> reference table of its labels
REF = {
    "category": "complaint_categories",
    "channel": "complaint_channels",
    "district": "districts",
    "industry": "industries",
}


def _card(label_key: str, value: str) -> tuple[str, formatting.Kpi]:
    return t(label_key), formatting.Kpi(label_key, value, None, "off")


def headline_panel(f: Filters, complaints: int) -> None:
    """Volume, resolution times, the 查不到发票 headline and the classifier's macro-F1."""
    overall = cached.resolution_times(f, None)
    headline = cached.not_found_share(f)
    report = cached.classifier_report()
    share = headline["share_missing_or_late"][0] if headline.height else None
    f1 = report["macro_f1"][0] if report.height else None
    cards = [
        _card("complaints.total", formatting.count(complaints)),
        _card("complaints.median", formatting.days(overall["median_days"][0], lang())),
        _card("complaints.p90", formatting.days(overall["p90_days"][0], lang())),
        _card("complaints.headline", formatting.pct(share)),
        _card("complaints.macro_f1", formatting.MISSING if f1 is None else f"{f1:.3f}"),
    ]
    helps = {
        "complaints.headline": t("complaints.headline.help"),
        "complaints.macro_f1": t("complaints.macro_f1.help"),
    }
    components.kpi_row(cards, help_text=lambda key: helps.get(key, ""))
    if headline.height and headline["named"][0]:
        h = headline.row(0, named=True)
        st.info(
            t(
                "complaints.headline.text",
                named=h["named"],
                hits=h["missing_or_late"],
                share=formatting.pct(h["share_missing_or_late"]),
                absent=h["absent_when_received"],
                absent_share=formatting.pct(h["share_absent_when_received"]),
                on_time=h["entered_on_time"],
                on_time_share=formatting.pct(h["share_on_time"]),
            )
        )


def volume_panel(f: Filters, grain: str, by: str) -> None:
    st.subheader(t("complaints.volume"))
    group = t(f"complaints.by.{by}")
    trend = label_codes(cached.complaint_trend(f, grain, by), by, ref_labels(REF[by]))
    cut = False
    if grain == "week" and trend.height:
        whole = complaint_trends.whole_weeks(trend, f.period_from, f.period_to)
        cut, trend = whole.height < trend.height, whole
    fig = charts.lines(
        trend.rename({by: group}),
        x="period_start",
        y="complaints",
        color=group,
        y_title=t("complaints.complaints"),
        area=True,
        grain=grain,
    )
    st.plotly_chart(fig, width="stretch")
    if cut:
        st.caption(t("complaints.volume.edge_weeks"))
    as_of = cached.complaints_as_of()
    if periods.in_progress(f.period_to, as_of):  # a live feed's last period looks like a drop
        st.caption(t("complaints.volume.partial", as_of=formatting.minute(as_of)))


def resolution_panel(f: Filters, by: str) -> None:
    st.subheader(t("complaints.resolution"))
    times = label_codes(cached.resolution_times(f, by), by, ref_labels(REF[by]))
    stats = {"median_days": t("complaints.stat.median"), "p90_days": t("complaints.stat.p90")}
    long = times.unpivot(index=by, on=list(stats), variable_name="stat").with_columns(
        pl.col("stat").replace_strict(stats)
    )
    fig = charts.bars(
        long,
        x=by,
        y="value",
        color="stat",
        x_title=t(f"complaints.by.{by}"),
        y_title=t("complaints.days"),
    )
    st.plotly_chart(fig, width="stretch")


def crosstab_panel(f: Filters) -> None:
    """How complaint categories line up with the named invoice's reconciliation status."""
    st.subheader(t("complaints.crosstab"))
    cross = label_codes(cached.category_status(f), "category", ref_labels("complaint_categories"))
    codes = [s for s in chart_style.STATUS_COLOURS if s in set(cross["invoice_status"])]
    statuses = catalogue_labels("status", codes)
    cross = label_codes(cross, "invoice_status", statuses)
    fig = charts.stacked_shares(
        cross,
        y="category",
        x="share",
        color="invoice_status",
        order=list(statuses.values()),
        colors={statuses[c]: chart_style.STATUS_COLOURS[c] for c in codes},
        x_title=t("common.share"),
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(t("complaints.crosstab.caption"))


def top_panel(f: Filters) -> None:
    st.subheader(t("complaints.top"))
    cols = [
        Col("merchant_name", t("common.merchant")),
        Col("merchant_id", t("common.merchant_id")),
        Col("complaints", t("complaints.complaints"), "count"),
        Col("invoices", t("complaints.invoices"), "count"),
        Col("per_1000", t("complaints.per_1000"), "per_1k"),
    ]
    components.merchant_table(cached.top_complained(f), cols, key="ct_top", stem="top_complained")


def classifier_panel() -> None:
    """The complaint classifier's held-out evaluation, per class."""
    st.subheader(t("complaints.classifier"))
    report = cached.classifier_report()
    if report.is_empty() or report["macro_f1"][0] is None:
        st.info(t("complaints.no_classifier"))
        return
    r = report.row(0, named=True)
    st.caption(
        t(
            "complaints.classifier.caption",
            model=r["model"],
            n_train=r["n_train"],
            n_test=r["n_test"],
            n_unlabelled=r["n_unlabelled"],
        )
    )
    if cached.evaluation() is not None:  # planted truth: the generator's demo data
        st.caption(t("complaints.classifier.synthetic"))
    per_class = json.loads(r["per_class_f1"] or "{}")
    names = ref_labels("complaint_categories")
    table = pl.DataFrame(
        {"class": [names.get(c, c) for c in per_class], "f1": list(per_class.values())},
        schema={"class": pl.String, "f1": pl.Float64},
    )
    cols = [Col("class", t("complaints.class")), Col("f1", t("complaints.f1"), "score")]
    components.table(table, cols, key="ct_f1", stem="classifier_f1")
