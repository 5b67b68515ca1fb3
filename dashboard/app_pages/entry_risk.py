"""入库风险预测 Entry-risk forecast: which merchants will have an invoice entered late or not at
all next month, why, and how well the forecast did out of time.

Reads ``risk_scores`` / ``risk_evaluation`` (analytics.risk_stage) through ``dashboard.cached``;
the panels are in ``dashboard/risk_panels.py``.
"""

import streamlit as st

from dashboard import cached, filters, risk_panels
from dashboard.i18n import t

st.title(t("entry_risk.title"))
f = filters.current()
st.caption(filters.describe(f))
evaluation = cached.risk_evaluation()
if evaluation is None:
    st.info(t("entry_risk.none"))
    st.stop()

risk_panels.intro(evaluation)
st.caption(t("entry_risk.scope"))
risk_panels.kpis(cached.risk_summary(f), evaluation)
floor = risk_panels.list_floor()
risk_panels.merchants(cached.risk_merchants(f, floor), evaluation["based_on"], floor)
risk_panels.evaluation(evaluation)
