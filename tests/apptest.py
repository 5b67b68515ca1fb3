"""Running dashboard pages under Streamlit's AppTest, through the router, like a browser does.

    at = open_page("entry_monitoring", district="朝阳区", lang="en")

Query parameters go in as a link would carry them (lists for repeated keys); the router draws
the sidebar filters, then the page. ``texts(at)`` collects what the page shows, for asserting
that a number on screen equals what the analytics function returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"
TIMEOUT = 120


def open_page(page: str | None = None, **params: str | list[str]) -> AppTest:
    """Run the app at ``app_pages/<page>.py`` with URL parameters ``params``."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception]


def metrics(at: AppTest) -> dict[str, str]:
    """KPI label -> value shown."""
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> list[str]:
    """Every caption, info and markdown text on the page."""
    return [x.value for x in [*at.caption, *at.info, *at.markdown, *at.success]]


def table_with(at: AppTest, *columns: str) -> Any:
    """The first table (a pandas frame, as AppTest gives it) that has all ``columns``."""
    for frame in at.dataframe:
        value = frame.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")
