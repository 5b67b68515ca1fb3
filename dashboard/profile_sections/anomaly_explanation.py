"""The anomaly score in words: the worst and the latest month of the range, their top three
features against the peer median, and the monthly score against the flag threshold."""

from typing import Any

import polars as pl
import streamlit as st

from analytics import score_charts
from analytics.views import Filters
from dashboard import cached, components, score_panels
from dashboard.components import Col
from dashboard.i18n import t

ORDER = 35
TITLE_KEY = "scores.anomaly"


def _month(r: dict[str, Any], which: str, threshold: float, merchant_id: str) -> None:
    st.markdown(f"**{t(f'scores.anomaly.{which}', period=r['period'])}**")
    state = (
        t("scores.anomaly.flagged")
        if r["is_anomaly"]
        else t("scores.anomaly.not_flagged", threshold=f"{threshold:.3f}")
    )
    st.caption(t("scores.anomaly.score_line", score=f"{r['anomaly_score']:.3f}", state=state))
    words = r[score_panels.explanation_column()]
    if not words:
        st.caption(t("scores.anomaly.no_words"))
        return
    st.write(words)
    cols = [
        Col("feature", t("scores.anomaly.feature")),
        Col("value", t("scores.anomaly.value")),
        Col("peer", t("scores.anomaly.peer")),
        Col("direction", t("scores.anomaly.direction")),
        Col("contribution", t("scores.anomaly.contribution"), "score"),
    ]
    components.table(
        score_panels.features_in_words(r["top_features"]),
        cols,
        key=f"mp_anomaly_{which}",
        stem=f"{merchant_id}_{r['period']}_anomaly_reasons",
    )


def render(merchant_id: str, f: Filters) -> None:
    model = cached.model_info()
    months = cached.merchant_anomaly_months(merchant_id, f)
    if model is None or months.width == 0:
        st.info(t("scores.no_scores"))
        return
    if months.is_empty():
        st.info(t("scores.anomaly.none"))
        return
    worst = months.sort(["anomaly_score", "period"], descending=True).row(0, named=True)
    latest = months.row(-1, named=True)  # oldest first
    _month(worst, "worst", model.threshold, merchant_id)
    if latest["period"] == worst["period"]:
        st.markdown(f"**{t('scores.anomaly.latest', period=latest['period'])}**")
        st.caption(t("scores.anomaly.same"))
    else:
        _month(latest, "latest", model.threshold, merchant_id)
    fig = score_charts.score_timeline(
        months.with_columns(pl.col("is_anomaly").fill_null(False)),
        x="period",
        y="anomaly_score",
        flag="is_anomaly",
        threshold=model.threshold,
        threshold_label=t("scores.anomaly.threshold", value=f"{model.threshold:.3f}"),
        flag_label=t("scores.anomaly.flag_marker"),
        y_title=t("scores.anomaly.axis"),
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(t("scores.anomaly.caption"))
