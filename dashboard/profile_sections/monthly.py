"""The merchant's monthly metrics."""

from analytics.views import Filters
from dashboard import cached, components
from dashboard.components import Col, metric_col
from dashboard.i18n import t

ORDER = 20
TITLE_KEY = "merchant_profile.monthly"
METRICS = (
    "invoices_issued",
    "invoices_due",
    "entry_rate",
    "on_time_rate",
    "late_count",
    "missing_count",
    "delay_p95",
    "mismatch_count",
    "not_invoiced_count",
    "under_invoiced_count",
    "complaints",
)


def render(merchant_id: str, f: Filters) -> None:
    rows = cached.merchant_periods(merchant_id, f)
    cols = [Col("period", t("common.period")), *(metric_col(m) for m in METRICS)]
    components.table(rows, cols, key="mp_monthly", stem=f"{merchant_id}_monthly")
