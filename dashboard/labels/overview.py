"""Labels of the Overview page (总览)."""

LABELS: dict[str, tuple[str, str]] = {
    "overview.title": ("总览", "Overview"),
    "overview.kpis": ("关键指标", "Key figures"),
    "overview.pending": (
        "待入库、期限未到：{n} 张发票（{merchants} 家商户），"
        "其中 {due} 张剩余不足 1 个工作日，{not_reminded} 张尚未催报 → 入库监测",
        "Pending entry, deadline ahead: {n} invoices of {merchants} merchants, {due} due within "
        "1 working day, {not_reminded} not reminded yet → Entry monitoring",
    ),
    "overview.risk": (
        "{period} 入库风险预测：{merchants} 家商户中预计 {expected} 家出现逾期或未入库，"
        "{high} 家风险 ≥ {threshold} → 入库风险预测",
        "Entry risk for {period}: {expected} of {merchants} merchants expected to have a late or "
        "missing invoice, {high} at risk ≥ {threshold} → Entry-risk forecast",
    ),
    "overview.incidents": (
        "所选期间有 {n} 次开票软件系统性延迟（最近一次：{vendor} {first} 至 {last}），"
        "期间共 {failed} 张发票逾期或未入库，多为软件所致 → 入库监测",
        "{n} invoicing-software delay(s) (latest: {vendor}, {first} to {last}): {failed} "
        "invoices late or missing, mostly not the merchants' fault → Entry monitoring",
    ),
    "overview.month_in_progress": (
        "指标为所选期间最后一个月（{period}），该月尚未结束（数据截至 {as_of}）：比率与上月对比，"
        "数量只计到此刻，不与上月对比。",
        "Figures are for the last month of the range ({period}), which had not ended at "
        "{as_of}: rates are compared with the month before; counts run only up to then and are "
        "not compared.",
    ),
    "overview.import_failures": (
        "有 {n} 个文件导入时无法读取，一行也未入库，以下数字不含这些文件。",
        "{n} file(s) could not be read when imported and loaded nothing; the figures below "
        "leave them out.",
    ),
    "overview.import_failures.link": (
        "查看：数据导入 › 导入历史",
        "See Data import › Import history",
    ),
    "overview.open_alerts": ("未处理预警", "Open alerts"),
    "overview.open_alerts.help": (
        "状态为「新建」或「已确认」的预警；增量为本月新出现的预警。",
        "Alerts that are new or acknowledged; the change is those first seen this month.",
    ),
    "overview.open_alerts.none": (
        "预警尚未生成（仓库中还没有预警表）。",
        "No alerts yet: the warehouse has no alerts table.",
    ),
    "overview.trends": ("月度趋势", "Monthly trends"),
    "overview.rates": (
        "入库率与 {n} 个工作日内入库占比",
        "Entry rate and share recorded within {n} working days",
    ),
    "overview.rates.caption": (
        "两条线之间的差距即逾期入库：发票最终入库了，但晚于 {n} 个工作日的时限。",
        "The gap between the lines is late entry: invoices that arrived, but after the "
        "{n}-working-day limit.",
    ),
    "overview.on_time_line": ("{n} 个工作日内入库占比", "Recorded within {n} working days"),
    "overview.delay": ("入库时长 P95 与时限", "Entry delay p95 against the limit"),
    "overview.deadline": ("时限：{n} 个工作日", "Limit: {n} working days"),
    "overview.delay.bounded": (
        "部分月份的 P95 落在时限之内，此时只能确定其不超过 {n} 个工作日（按 {n} 显示）。",
        "In some months p95 falls within the limit; there it is known only to be at most "
        "{n} working days (drawn at {n}).",
    ),
    "overview.districts": ("16 区对比", "The 16 districts side by side"),
    "overview.district_metric": ("指标", "Metric"),
    "overview.districts.caption": (
        "示意布局（按各区大致方位排列），灰色表示当前筛选下无数据。",
        "A schematic layout (tiles placed roughly where each district lies); blank tiles have "
        "no data under the current filters.",
    ),
    "overview.district_table": ("各区指标", "Figures by district"),
    "overview.district": ("行政区", "District"),
}
