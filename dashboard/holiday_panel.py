"""The holiday calendar tab of the Data import page: how far the working-day calendar reaches,
and a table for a new year (from the State Council notice) uploaded, checked, shown, then saved
where ``analyse`` reads it (``analytics.holiday_tables``)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics import holiday_tables, workdays
from analytics.clock import beijing_today
from analytics.workdays import YearCalendar
from dashboard.i18n import t


def _coverage() -> None:
    today = beijing_today()
    end = workdays.known_through(today)
    if end is None:
        st.error(t("data_import.holidays.none", year=today.year))
    else:
        st.info(t("data_import.holidays.through", end=f"{end:%Y-%m-%d}", next=end.year + 1))


def _shown(cal: YearCalendar) -> None:
    breaks = "；".join(cal.break_texts("（{n}）"))
    st.markdown(
        t(
            "data_import.holidays.summary",
            year=cal.year,
            workdays=cal.workdays,
            off=cal.weekdays_off,
            makeup=len(cal.makeup),
        )
    )
    st.markdown(t("data_import.holidays.breaks", breaks=breaks or "—"))
    makeup = "、".join(f"{d:%m-%d}" for d in cal.makeup)
    st.markdown(t("data_import.holidays.makeup", days=makeup or "—"))


def holiday_panel() -> None:
    _coverage()
    st.caption(t("data_import.holidays.format"))
    upload = st.file_uploader(t("data_import.holidays.uploader"), type=["csv"], key="hol_file")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        cal, _ = holiday_tables.check(data, upload.name)
    except ValueError as exc:
        st.error(t("data_import.holidays.invalid", error=str(exc)))
        return
    _shown(cal)
    if holiday_tables.target(cal.year).exists():
        st.warning(t("data_import.holidays.replaces", year=cal.year))
    elif workdays.known_through(date(cal.year, 1, 1)) is not None:
        st.warning(t("data_import.holidays.overrides", year=cal.year))
    if st.button(t("data_import.holidays.save", year=cal.year), type="primary", key="hol_save"):
        try:
            path = holiday_tables.install(data, upload.name)
        except OSError as exc:  # a server whose reference folder is read-only
            st.error(t("data_import.holidays.not_saved", error=str(exc)))
        else:
            st.success(t("data_import.holidays.saved", path=path.name, year=cal.year))
