"""The entry-risk forecast of the merchant: next month's risk, its rank and what raised it."""

from analytics.views import Filters
from dashboard import cached, risk_panels

ORDER = 37
TITLE_KEY = "entry_risk.profile"


def render(merchant_id: str, f: Filters) -> None:
    risk_panels.profile_line(cached.merchant_risk(merchant_id))
