"""One catalogue for every UI label, Chinese first, English by a switch.

Labels of domain objects that already live as data (metrics, reason codes, districts, complaint
categories) come from their registries; this catalogue holds the rest. Every key has both
languages by construction (a (zh, en) pair) and a test checks none is empty.
"""

from __future__ import annotations

import streamlit as st

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

LABELS: dict[str, tuple[str, str]] = {
    "app.title": ("发票入库监测", "Fapiao Watch"),
    "app.subtitle": (
        "北京市商户发票入库率、延迟与异常监测",
        "Invoice entry rates, delays and anomalies of Beijing merchants",
    ),
    "lang.label": ("语言 / Language", "语言 / Language"),
    "nav.section.data": ("数据", "Data"),
    "nav.warehouse": ("数据概况", "Warehouse"),
    "first_run.title": ("尚无数据", "No data yet"),
    "first_run.body": (
        "仓库 {path} 还不存在或尚未发布。可以一键生成北京模拟数据（约 2,000 家商户、12 个月），"
        "经真实导入流程入库并完成分析。",
        "The warehouse {path} does not exist or has not been published yet. Build the seeded "
        "Beijing demo data (about 2,000 merchants, 12 months) through the real import path.",
    ),
    "first_run.button": ("生成演示数据", "Build demo data"),
    "first_run.running": ("正在生成演示数据…", "Building demo data…"),
    "first_run.stage.generate": ("生成模拟文件", "Generating files"),
    "first_run.stage.ingest": ("导入并校验", "Importing and validating"),
    "first_run.stage.analyse": ("对账与分析", "Reconciling and analysing"),
    "first_run.stage.publish": ("发布快照", "Publishing snapshot"),
    "first_run.stage.done": ("完成", "Done"),
    "first_run.done": ("演示数据已就绪。", "Demo data is ready."),
    "warehouse.title": ("数据概况", "Warehouse summary"),
    "warehouse.published": ("快照发布时间：{when}", "Snapshot published at {when}"),
    "warehouse.tables": ("数据表与行数", "Tables and row counts"),
    "warehouse.table": ("数据表", "Table"),
    "warehouse.rows": ("行数", "Rows"),
    "warehouse.batches": ("导入批次", "Import batches"),
    "warehouse.rejected_by_reason": ("隔离行（按原因）", "Rejected rows by reason"),
    "warehouse.reason": ("原因", "Reason"),
    "warehouse.count": ("数量", "Count"),
    "warehouse.rejected_sample": ("隔离行示例", "Sample of rejected rows"),
    "warehouse.kpi.rows_read": ("读取行数", "Rows read"),
    "warehouse.kpi.rows_loaded": ("入库行数", "Rows loaded"),
    "warehouse.kpi.rows_rejected": ("隔离行数", "Rows rejected"),
    "warehouse.kpi.files": ("导入文件", "Files imported"),
}


def lang() -> str:
    """The current UI language ('zh' unless the user switched)."""
    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **fmt: object) -> str:
    """The label for ``key`` in the current language, formatted with ``fmt``."""
    zh, en = LABELS[key]
    text = zh if lang() == "zh" else en
    return text.format(**fmt) if fmt else text


def pick(zh: str, en: str) -> str:
    """Choose between two labels that come from a data registry."""
    return zh if lang() == "zh" else en


def language_switch() -> None:
    """Sidebar switch; kept in the URL (?lang=en) so a shared link keeps the language."""
    st.sidebar.segmented_control(
        LABELS["lang.label"][0],
        options=list(LANGS),
        default=DEFAULT_LANG,
        format_func=lambda v: "中文" if v == "zh" else "English",
        key="lang",
        required=True,
        bind="query-params",
    )
