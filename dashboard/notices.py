"""Notices above a page's figures when they leave something out: files the loader could not
read, batches no analysis has counted yet (one is running, or ``analyse`` keeps failing, say
for a year without a holiday table), and a holiday calendar about to run out. Shown on the
pages officials act from (Overview, Entry monitoring, Alerts)."""

from __future__ import annotations

import streamlit as st

from analytics import formatting, health
from dashboard import cached, components
from dashboard.i18n import t


def failures_notice() -> None:
    """A notice when the loader skipped files it could not read (``import_failures``): the
    figures leave them out until someone fixes them, and the Data import page lists them."""
    n = cached.import_failures().height
    if not n:
        return
    st.warning(t("overview.import_failures", n=n))
    components.link_in_scope(components.DATA_IMPORT_PAGE, t("overview.import_failures.link"))


def freshness_notice() -> None:
    """A caption with how current the figures are (the latest 入库 time they count, and when
    they were analysed); an error while ``analyse`` fails (the figures are those of its last
    good run, and why it fails), else a note while imported batches wait for the next run; a
    warning when the holiday calendar ends within a month of today or of the as-of day, or has
    ended (``health.calendar_end_near``; unless the missing year already stops the analysis,
    which the error says)."""
    status = cached.analysis_status()
    if status is None:
        return
    st.caption(
        t(
            "notice.as_of",
            as_of=formatting.minute(status.as_of),
            source=t(f"notice.as_of.{status.as_of_source or 'entries'}"),
            analysed=formatting.minute(status.analysed_at),
        )
    )
    calendar_failure = status.failures and status.reason_code == "holiday_calendar"
    if status.as_of is not None and not calendar_failure:
        end = health.calendar_end_near(status.as_of.date())
        if end is not None:
            st.warning(t("notice.calendar_ends", end=f"{end:%Y-%m-%d}", year=end.year + 1))
    if not status.stale:
        return
    waiting = {
        "batches": formatting.count(status.waiting_batches),
        "rows": formatting.count(status.waiting_rows),
    }
    if status.failures:
        if status.reason_code == "holiday_calendar":
            why = t("notice.holiday_calendar", year=status.missing_year)
        else:
            why = t("notice.analysis_error", reason=status.reason or "")
        st.error(
            t(
                "notice.analysis_failed",
                n=formatting.count(status.failures),
                first=formatting.minute(status.first_failed_at),
                last=formatting.minute(status.last_failed_at),
                why=why,
                analysed=formatting.minute(status.analysed_at),
                **waiting,
            )
        )
        return
    st.info(
        t(
            "notice.analysis_waiting",
            since=formatting.minute(status.waiting_since),
            as_of=formatting.minute(status.as_of),
            **waiting,
        )
    )
