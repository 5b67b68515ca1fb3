"""异常检测 Anomalies: scores over the selection, a threshold, explanations, the evaluation.

Panels live in ``dashboard/anomaly_panels.py``; this page sets the threshold and lays them out.
"""

import math

import streamlit as st

from analytics import formatting
from dashboard import anomaly_panels, cached, filters, urlstate
from dashboard.i18n import t

LOW, HIGH = 0.25, 0.95  # scores lie in (0, 1); everything observed sits well inside these

st.title(t("anomalies.title"))
f = filters.current()
st.caption(filters.describe(f))
model = cached.model_info()
if model is None:
    st.info(t("scores.no_scores"))
    st.stop()
st.caption(
    t(
        "anomalies.model",
        trees=model.n_estimators,
        seed=model.seed,
        features=len(model.features),
        rows=formatting.count(model.train_rows),
        threshold=f"{model.threshold:.3f}",
        share=formatting.pct(model.contamination, 0),
    )
)
help_text = t("anomalies.threshold.help", model=f"{model.threshold:.3f}")
threshold = urlstate.widget(
    "an_threshold",
    math.floor(model.threshold * 1000) / 1000,  # at or below it, so the flagged all count
    lambda start: st.slider(
        t("anomalies.threshold"),
        LOW,
        HIGH,
        value=min(max(float(start), LOW), HIGH),
        step=0.005,
        format="%.3f",
        help=help_text,
        key="an_threshold",
    ),
)
summary = cached.score_summary(f, float(threshold))
if summary.is_empty() or summary["merchant_months"][0] == 0:
    st.info(t("common.no_match"))
    st.stop()

anomaly_panels.kpis(summary.row(0, named=True))
anomaly_panels.distribution(f, float(threshold), model.threshold)
anomaly_panels.top_merchants(f, float(threshold))
anomaly_panels.months_above(f, float(threshold))
anomaly_panels.evaluation()
