"""The panels of the Anomalies page: KPIs, score distribution, top merchants, merchant-months
above the threshold with their reasons, and the evaluation against planted truth."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from analytics import formatting, score_charts
from analytics.scores_views import BIN_WIDTH, TOP_LIMIT
from analytics.views import Filters
from dashboard import cached, components, score_panels
from dashboard.components import Col
from dashboard.i18n import has, label_refs, t


def kpis(s: dict[str, Any]) -> None:
    months, merchants = int(s["merchant_months"]), int(s["merchants"])
    share = s["months_above"] / months if months else None
    cards = [
        ("anomalies.kpi.months", formatting.count(months), None),
        (
            "anomalies.kpi.months_above",
            formatting.count(s["months_above"]),
            t("anomalies.kpi.share", share=formatting.pct(share, 2)),
        ),
        (
            "anomalies.kpi.merchants_above",
            formatting.count(s["merchants_above"]),
            t("anomalies.kpi.of_merchants", n=formatting.count(merchants)),
        ),
        ("anomalies.kpi.flagged", formatting.count(s["months_flagged"]), None),
    ]
    score_panels.cards([(t(k), value, note) for k, value, note in cards])


def distribution(f: Filters, threshold: float, model_threshold: float) -> None:
    st.subheader(t("anomalies.distribution"))
    fig = score_charts.score_histogram(
        cached.score_histogram(f),
        x="bin_start",
        y="merchant_months",
        width=BIN_WIDTH,
        threshold=threshold,
        model_threshold=model_threshold,
        names=(t("anomalies.below"), t("anomalies.above")),
        threshold_label=t("anomalies.line.threshold", value=f"{threshold:.3f}"),
        model_label=t("anomalies.line.model", value=f"{model_threshold:.3f}"),
        x_title=t("anomalies.axis.score"),
        y_title=t("anomalies.axis.count"),
    )
    st.plotly_chart(fig, width="stretch")


def _labelled(frame: pl.DataFrame) -> pl.DataFrame:
    out = frame.with_columns(explanation=pl.col(score_panels.explanation_column()))
    return label_refs(out, district="districts", industry="industries")


def top_merchants(f: Filters, threshold: float) -> None:
    st.subheader(t("anomalies.top"))
    rows = cached.top_anomalous(f, threshold)
    st.caption(t("anomalies.top.caption", n=TOP_LIMIT))
    if rows.is_empty():
        st.info(t("anomalies.none_above"))
        return
    cols = [
        Col("merchant_name", t("common.merchant")),
        Col("merchant_score", t("anomalies.col.merchant_score"), "score"),
        Col("worst_period", t("anomalies.col.worst_period")),
        Col("explanation", t("anomalies.col.explanation")),
        Col("worst_score", t("anomalies.col.worst_score"), "score"),
        Col("months_above", t("anomalies.col.months_above"), "count"),
        Col("months_scored", t("anomalies.col.months_scored"), "count"),
        Col("district", t("common.district")),
        Col("industry", t("common.industry")),
        Col("merchant_id", t("common.merchant_id")),
    ]
    components.merchant_table(
        _labelled(rows), cols, key="an_top", stem="anomalous_merchants", height=400
    )


def months_above(f: Filters, threshold: float) -> None:
    st.subheader(t("anomalies.months"))
    rows = cached.months_above(f, threshold)
    st.caption(t("anomalies.months.caption", n=TOP_LIMIT))
    if rows.is_empty():
        st.info(t("anomalies.none_above"))
        return
    cols = [
        Col("period", t("common.period")),
        Col("merchant_name", t("common.merchant")),
        Col("anomaly_score", t("anomalies.col.score"), "score"),
        Col("explanation", t("anomalies.col.explanation")),
        Col("is_anomaly", t("anomalies.col.flagged"), "bool"),
        Col("rank_in_period", t("anomalies.col.rank"), "count"),
        Col("district", t("common.district")),
        Col("merchant_id", t("common.merchant_id")),
    ]
    components.merchant_table(
        _labelled(rows), cols, key="an_months", stem="anomalous_months", height=400
    )


def evaluation() -> None:
    """ROC AUC, precision at k, top-3 hit and the per-cause table; a sentence without truth."""
    st.subheader(t("anomalies.evaluation"))
    ev = cached.evaluation()
    if ev is None:
        st.info(t("anomalies.no_truth"))
        return
    s = ev.summary
    auc = s.get("roc_auc")
    cards = [
        (t("anomalies.eval.auc"), formatting.MISSING if auc is None else f"{auc:.3f}", None),
        (t("anomalies.eval.precision", k=s["k"]), formatting.pct(s.get("precision_at_k")), None),
        (t("anomalies.eval.top3"), formatting.pct(s.get("top3_hit")), None),
        (
            t("anomalies.eval.planted"),
            formatting.count(s["planted_merchants"]),
            t("anomalies.eval.of", n=formatting.count(s["merchants"])),
        ),
    ]
    score_panels.cards(cards)
    method = f"anomalies.method.{s.get('method')}"
    st.caption(
        t(
            "anomalies.eval.caption",
            method=t(method) if has(method) else s.get("method"),
            seed=s.get("seed"),
            when=str(s.get("evaluated_at", "")).replace("T", " "),
        )
    )
    causes = ev.per_cause.with_columns(
        cause=pl.col("cause").replace_strict(
            {c: t(f"cause.{c}") for c in ev.per_cause["cause"].to_list() if has(f"cause.{c}")},
            default=pl.col("cause"),
        )
    )
    cols = [
        Col("cause", t("anomalies.eval.cause")),
        Col("merchants", t("anomalies.eval.merchants"), "count"),
        Col("detected", t("anomalies.eval.detected"), "pct"),
        Col("top3_hit", t("anomalies.eval.cause_top3"), "pct"),
        Col("median_rank", t("anomalies.eval.median_rank"), "count"),
    ]
    components.table(causes, cols, key="an_causes", stem="anomaly_evaluation")
