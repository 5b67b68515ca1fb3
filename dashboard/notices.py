"""Notices above a page's figures when they leave something out: files the loader could not
read, days a feed lacks (``analytics.feeds``), batches no analysis has counted yet (one is
running, or ``analyse`` keeps failing, say for a year without a holiday table), and a holiday
calendar about to run out. Shown on the pages officials act from (Overview, Entry monitoring,
Alerts, Invoice lookup)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from analytics import feeds, formatting, health
from dashboard import cached, components
from dashboard.i18n import ref_labels, t


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
    they were analysed); the feed gaps (:func:`feed_gaps_notice`); a warning when the holiday
    calendar ends within a month of today or of the as-of day, or has ended
    (``health.calendar_end_near``; unless the missing year already stops the analysis, which
    the error says); an error while ``analyse`` fails (the figures are those of its last good
    run, and why it fails), else a note while imported batches wait for the next run."""
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
    feed_gaps_notice()
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


SHOWN_GAPS = 3  # the rest are one line; the Data import page lists them all


def feed_gap_text(gap: dict[str, Any]) -> str:
    """One feed gap (``analytics.feeds``) in the page's words."""
    words = {
        "first": f"{gap['first_day']:%Y-%m-%d}",
        "last": f"{gap['last_day']:%Y-%m-%d}",
        "days": formatting.count(gap["workdays"]),
        "n": formatting.count(gap["invoices"]),
        "state": t("notice.feed_gap.open" if gap["open"] else "notice.feed_gap.hole"),
    }
    if gap["feed"] == "tax":
        return t("notice.feed_gap.tax", **words)
    code = gap["software_vendor"]
    return t("notice.feed_gap.log", vendor=ref_labels("vendors").get(code, code), **words)


def feed_gaps_notice(months: Sequence[str] | None = None, vendor: str | None = None) -> None:
    """A warning for each run of days a feed lacks (newest first): the statuses of those days
    blame merchants for data that has not reached us, so an official checks the feed before
    reminding anyone. ``months``: only the gaps with a day in them, the tax export's and the
    merchant logs' of ``vendor`` (every software's when None)."""
    gaps = cached.feed_gaps()
    if months is not None:
        gaps = feeds.touching(gaps, months, vendor)
    if gaps.is_empty():
        return
    rows = gaps.sort("last_day", descending=True).rows(named=True)
    text = "\n\n".join(feed_gap_text(g) for g in rows[:SHOWN_GAPS])
    if len(rows) > SHOWN_GAPS:
        text += "\n\n" + t("notice.feed_gap.more", n=formatting.count(len(rows) - SHOWN_GAPS))
    st.warning(text, icon=":material/link_off:")
    components.link_in_scope(components.DATA_IMPORT_PAGE, t("notice.feed_gap.link"))
