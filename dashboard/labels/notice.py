"""Labels of the notices above page figures (dashboard/notices.py)."""

LABELS: dict[str, tuple[str, str]] = {
    "notice.as_of": (
        "数据截至 {as_of}（{source}），分析于 {analysed}。",
        "Data as of {as_of} ({source}), analysed at {analysed}.",
    ),
    # where the as-of time came from (analysis_runs.as_of_source)
    "notice.as_of.entries": ("税务系统最新入库时间", "the latest entry into the tax system"),
    "notice.as_of.data": (
        "尚无税务系统记录，取数据中最新的时间",
        "no tax records yet: the latest time in the data",
    ),
    "notice.as_of.now": ("尚无数据，取分析时间", "no data yet: the time of the analysis"),
    "notice.as_of.given": ("分析时指定的截至时间", "the as-of time given to the analysis"),
    "notice.analysis_failed": (
        "数据分析自 {first} 起已失败 {n} 次（最近一次 {last}）：{why}。"
        "以下数字仍是 {analysed} 那次分析的结果，"
        "此后导入的 {batches} 个批次（{rows} 行）尚未计入。",
        "Analysis has failed {n} time(s) since {first} (last at {last}): {why}. The figures below "
        "are those of the analysis of {analysed}; the {batches} batch(es) imported since "
        "({rows} rows) are not in them yet.",
    ),
    "notice.holiday_calendar": (
        "缺少 {year} 年节假日安排，无法计算工作日。请按国务院办公厅公布的 {year} 年节假日安排，"
        "在“数据导入 › 节假日安排”上传，或在服务器上添加 data/reference/holidays/{year}.csv"
        "（格式见该目录 README），或升级 chinesecalendar",
        "there is no holiday table for {year}, so working days cannot be counted. From the "
        "State Council's {year} holiday notice, upload it under Data import › Holiday calendar, "
        "or add data/reference/holidays/{year}.csv on the server (format in that folder's "
        "README), or upgrade chinesecalendar",
    ),
    "notice.calendar_ends": (
        "工作日日历只到 {end}，尚未添加 {year} 年节假日安排："
        "入库期限落在 {year} 年的发票暂记为待入库，数据进入 {year} 年后分析将停止。"
        "请在此之前按国务院办公厅公布的 {year} 年节假日安排，在“数据导入 › 节假日安排”上传，"
        "或在服务器上添加 data/reference/holidays/{year}.csv（格式见该目录 README）。",
        "The working-day calendar ends on {end}; there is no holiday table for {year} yet. "
        "Invoices whose entry deadline falls in {year} count as pending, and once the data "
        "reaches {year} the analysis stops. Before then, from the State Council's {year} "
        "holiday notice, upload it under Data import › Holiday calendar, or add "
        "data/reference/holidays/{year}.csv on the server (format in that folder's README).",
    ),
    "notice.analysis_error": (
        "分析出错（{reason}）",
        "the analysis stopped with an error ({reason})",
    ),
    "notice.analysis_waiting": (
        "有 {batches} 个新导入的批次（{rows} 行，最早于 {since} 导入）尚未分析；以下数字截至 "
        "{as_of}，分析完成后自动更新。",
        "{batches} batch(es) imported since {since} ({rows} rows) are not analysed yet; the "
        "figures below are as of {as_of} and update when the analysis has run.",
    ),
    "notice.feed_gap.log": (
        "**数据源断档**：{vendor} 的开票记录中没有 {first} 至 {last} 开具的发票"
        "（{days} 个工作日），而税务系统已有其商户这几天开具的 {n} 张（{state}）。"
        "这些发票暂列“商户记录缺失”，"
        "原因在数据未送到，不在商户：请先核对该开票软件的导出，再据此提醒商户。",
        "**Feed gap**: {vendor}'s merchant log has no invoice issued {first} to {last} ({days} "
        "working days), while the tax system holds {n} its merchants issued then ({state}). "
        "Those invoices read as missing in the merchant's log because the data has not reached "
        "us, not through the merchants: check that software's exports before reminding anyone.",
    ),
    "notice.feed_gap.tax": (
        "**数据源断档**：税务系统导出中没有 {first} 至 {last} 开具的发票（{days} 个工作日），"
        "而商户开票记录中有 {n} 张（{state}）。这些发票暂列待入库或未入库，"
        "原因多在导出未送到，不在商户：请先核对税务系统的导出。",
        "**Feed gap**: the tax export has no invoice issued {first} to {last} ({days} working "
        "days), while the merchants' logs hold {n} ({state}). Those invoices read as pending or "
        "missing most likely because the export has not reached us, not through the merchants: "
        "check the tax system's exports first.",
    ),
    "notice.feed_gap.open": ("尚未送到", "not arrived yet"),
    "notice.feed_gap.hole": ("已导入的数据中缺了这一段", "a hole in the data already loaded"),
    "notice.feed_gap.more": ("另有 {n} 处断档。", "{n} more gaps."),
    "notice.feed_gap.link": (
        "各数据源的断档：数据导入 › 数据源",
        "Feed gaps: Data import › Feeds",
    ),
}
