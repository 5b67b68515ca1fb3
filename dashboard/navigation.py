"""The dashboard's pages as data: the router builds ``st.Page`` objects from it, and the browser
test and the dashboard benchmark read it to open and measure every page (no Streamlit import).

To add a page: write ``app_pages/<name>.py`` and ``labels/<name>.py`` (its title is
``nav.<name>``), then add one :class:`PageSpec` line below, in the section of its users.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    name: str  # app_pages/<name>.py, titled by the label nav.<name>
    icon: str  # a Material Symbols name
    url_path: str  # "" for the default page, served at /
    filters: bool = True  # False: the sidebar's global filters are greyed out on this page

    @property
    def script(self) -> str:
        return f"app_pages/{self.name}.py"


# Sections (label keys nav.section.<key>) in navigation order, each with its pages.
SECTIONS: dict[str, tuple[PageSpec, ...]] = {
    "monitoring": (  # tax officials
        PageSpec("overview", "dashboard", ""),
        PageSpec("entry_monitoring", "receipt_long", "entry"),
        PageSpec("entry_risk", "online_prediction", "risk"),
        PageSpec("alerts", "notifications_active", "alerts"),
        PageSpec("self_check", "fact_check", "self-check", filters=False),
        PageSpec("invoice_lookup", "search", "invoice", filters=False),
    ),
    "analysis": (  # credit-rating analysts
        PageSpec("ranking", "leaderboard", "ranking"),
        PageSpec("anomalies", "troubleshoot", "anomalies"),
        PageSpec("merchant_profile", "storefront", "merchant"),
    ),
    "management": (PageSpec("complaints", "campaign", "complaints"),),  # managers
    "data": (PageSpec("data_import", "upload_file", "import", filters=False),),
}


def pages() -> list[PageSpec]:
    """Every page in navigation order; the first is the default."""
    return [spec for specs in SECTIONS.values() for spec in specs]
