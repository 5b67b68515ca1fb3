"""The panels of the Self-check page: choose a merchant, preview a report, download it; the same
for a whole district or a list of merchants (pasted, uploaded, or handed over by Entry
monitoring), whose zip is built on request with a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from analytics import formatting, merchant_list, periods, reports
from dashboard import cached, components, score_panels
from dashboard.components import Col
from dashboard.i18n import lang, metric_label, ref_labels, t

MAX_OPTIONS = 300
KPIS = ("invoices_issued", "entry_rate", "on_time_rate", "missing_count", "late_count")
MIME = {"xlsx": components.XLSX_MIME}
ZIP_KEY = "sc_zip"
LIST_KEY = "sc_list"  # the pasted list (session only: a list is too long for a URL)
LIST_FILE_KEY = "sc_list_file"


def pick_merchant() -> str | None:
    """Search by name or USCC, then choose; the choice is kept in the URL (``sc_merchant``)."""
    return components.merchant_picker(
        "sc_merchant", search_key="sc_query", prefix="self_check", max_options=MAX_OPTIONS
    )


def _figures(row: dict[str, Any]) -> None:
    """The summary sheet's headline figures (what the report says)."""
    items = [(metric_label(n), formatting.metric_value(n, row[n], lang()), None) for n in KPIS]
    score_panels.cards(items)


def _sheets(sheets: pl.DataFrame) -> None:
    st.markdown(f"**{t('self_check.sheets')}**")
    rows = sheets.with_columns(
        contents=pl.col("statuses")
        .list.eval(
            pl.element().replace_strict(
                {s: t(f"status.{s}") for s in sheets["statuses"].explode().unique().to_list()}
            )
        )
        .list.join(" / ")
    )
    cols = [
        Col("sheet", t("self_check.sheet")),
        Col("contents", t("self_check.contents")),
        Col("rows", t("self_check.rows"), "count"),
    ]
    components.table(rows, cols, key="sc_sheets", stem="self_check_sheets")


def _grade(merchant_id: str, period: str) -> str:
    quarter = period if "Q" in period else periods.quarter_of_month(period)
    credit = cached.merchant_credit(merchant_id)
    row = credit.filter(pl.col("period") == quarter) if credit.width else credit
    if row.is_empty():
        return t("self_check.grade.none")
    r = row.row(0, named=True)
    return f"{score_panels.grade_label(r['grade'])} · {r['score']:.1f}"


def merchant_report(merchant_id: str, period: str, fmt: str) -> None:
    st.subheader(t("self_check.preview"))
    summary = cached.report_summary(period, merchant_id=merchant_id)
    if summary.is_empty():
        st.warning(t("self_check.no_data", who=merchant_id, period=period))
        return
    quarter = period if "Q" in period else periods.quarter_of_month(period)
    _figures(summary.row(0, named=True))
    st.markdown(t("self_check.grade", quarter=quarter, grade=_grade(merchant_id, period)))
    st.caption(":material/science: " + t("scores.simulation"))
    _sheets(cached.report_sheet_rows(period, merchant_id=merchant_id))
    name = cached.merchant_facts(merchant_id)["name"].to_list()
    try:
        data = cached.self_check_report(merchant_id, period, fmt)
    except reports.ReportError as exc:
        st.error(t("self_check.failed", error=exc))
        return
    st.download_button(
        t("self_check.download"),
        data=data,
        file_name=reports.file_name(merchant_id, name[0] if name else None, period, fmt),
        mime=MIME.get(fmt, "application/zip"),
        type="primary",
        icon=":material/download:",
        key="sc_download",
        on_click="ignore",
    )


def _zip_panel(
    wanted: tuple[Any, ...], n: int, build: Callable[[Callable[[int, int], None]], bytes], name: str
) -> None:
    """A button that builds the zip of ``n`` reports behind a progress bar, then its download;
    the zip is kept in the session for ``wanted`` (who, period, format, data generation)."""
    built = st.session_state.get(ZIP_KEY)
    if st.button(t("self_check.build", n=formatting.count(n)), key="sc_build"):
        bar = st.progress(0.0, text=t("self_check.building", done=0, total=n))

        def step(done: int, total: int) -> None:
            bar.progress(done / total, text=t("self_check.building", done=done, total=total))

        try:
            data = build(step)
        except reports.ReportError as exc:
            st.error(t("self_check.failed", error=exc))
            return
        built = {"key": wanted, "data": data, "n": n}
        st.session_state[ZIP_KEY] = built
        bar.empty()
    if built is None or built["key"] != wanted:
        return
    st.success(t("self_check.built", n=formatting.count(built["n"])))
    st.download_button(
        t("self_check.download_zip"),
        data=built["data"],
        file_name=name,
        mime="application/zip",
        type="primary",
        icon=":material/download:",
        key="sc_download_zip",
        on_click="ignore",
    )


def district_report(district: str, period: str, fmt: str) -> None:
    st.subheader(t("self_check.preview"))
    summary = cached.report_summary(period, district=district)
    who = ref_labels("districts").get(district, district)
    if summary.is_empty():
        st.warning(t("self_check.no_data", who=who, period=period))
        return
    row = summary.row(0, named=True)
    n = int(row["merchants"])
    _figures(row)  # the merchant count is on the build button
    _sheets(cached.report_sheet_rows(period, district=district))
    st.caption(t("self_check.district_note"))
    _zip_panel(
        (district, period, fmt, cached.generation()),
        n,
        lambda step: cached.district_reports(district, period, fmt, step),
        f"self-check_{district}_{period}_{fmt}.zip",
    )


def pick_list() -> merchant_list.MerchantList | None:
    """The list to report on: an uploaded file wins over pasted text. A list handed over by
    another page (:func:`dashboard.components.open_self_check_list`) fills the text box."""
    handed = st.session_state.pop(components.LIST_HANDOFF, None)
    if handed is not None:
        st.session_state[LIST_KEY] = handed
    left, right = st.columns(2)
    text = left.text_area(
        t("self_check.list.paste"),
        key=LIST_KEY,
        height=150,
        placeholder=t("self_check.list.placeholder"),
    )
    upload = right.file_uploader(
        t("self_check.list.file"),
        type=["csv", "txt", "xlsx"],
        key=LIST_FILE_KEY,
        help=t("self_check.list.file.help"),
    )
    try:
        if upload is not None:
            return merchant_list.from_bytes(upload.getvalue(), upload.name)
        if text.strip():
            return merchant_list.from_text(text, t("self_check.list.pasted"))
    except merchant_list.MerchantListError as exc:
        st.error(t("self_check.list.bad", error=exc))
    return None


def _manifest(manifest: pl.DataFrame, period: str) -> None:
    words = {
        "report": t("self_check.list.report"),
        "no_data": t("self_check.list.no_data", period=period),
        "unknown": t("self_check.list.unknown"),
    }
    rows = manifest.with_columns(fate=pl.col("fate").replace_strict(words))
    cols = [
        Col("merchant_id", t("common.merchant_id")),
        Col("merchant_name", t("common.merchant")),
        Col("fate", t("self_check.list.fate")),
    ]
    components.table(rows, cols, key="sc_manifest", stem="self_check_list", height=240)


def list_report(listed: merchant_list.MerchantList, period: str, fmt: str) -> None:
    st.subheader(t("self_check.preview"))
    manifest = cached.list_manifest(listed.ids, period)
    n = reports.list_counts(manifest)
    made = n["report"]
    st.caption(
        t(
            "self_check.list.counts",
            n=formatting.count(manifest.height),
            made=formatting.count(made),
            no_data=formatting.count(n["no_data"]),
            unknown=formatting.count(n["unknown"]),
            repeated=formatting.count(listed.repeated),
        )
    )
    _manifest(manifest, period)
    if made == 0:
        st.warning(t("self_check.list.none", period=period))
        return
    _figures(cached.report_summary(period, merchant_ids=listed.ids).row(0, named=True))
    _sheets(cached.report_sheet_rows(period, merchant_ids=listed.ids))
    st.caption(t("self_check.list_note"))
    _zip_panel(
        (listed.ids, period, fmt, cached.generation()),
        made,
        lambda step: cached.list_reports(listed.ids, period, fmt, step),
        f"self-check_list_{period}_{fmt}.zip",
    )
