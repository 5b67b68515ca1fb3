"""Labels of the Entry monitoring page (入库监测)."""

LABELS: dict[str, tuple[str, str]] = {
    "entry_monitoring.title": ("入库监测", "Entry monitoring"),
    "entry_monitoring.metric": ("指标", "Metric"),
    "entry_monitoring.heatmap": ("行政区 × 行业", "District × industry"),
    "entry_monitoring.heatmap.caption": (
        "每格为该区该行业全部商户在所选期间的合计比率（已入库 / 应入库），空白表示没有商户。",
        "Each cell is the rate over all merchants of that district and industry in the period "
        "(recorded / due); blank cells have no merchants.",
    ),
    "entry_monitoring.delays": ("入库时长分布", "Entry delay distribution"),
    "entry_monitoring.delays.caption": (
        "按开票到入库的工作日数分组（对数刻度）；「未入库」为超过时限仍未入库的发票。",
        "Invoices by working days from issue to 入库 (log scale); 'missing' are invoices not "
        "recorded after the deadline.",
    ),
    "entry_monitoring.bucket": ("工作日", "Working days"),
    "entry_monitoring.vendors": ("各开票软件的入库时长", "Entry delays by invoicing software"),
    "entry_monitoring.vendors.caption": (
        "按逾期工作日分段的发票占比（其余为按时入库）。同一时限下各软件的差异提示接口兼容或上传问题。",
        "Shares of invoices by how late they were (the rest were on time). Differences between "
        "software under the same limit point to interface or upload problems.",
    ),
    "entry_monitoring.vendors.share": ("逾期与未入库发票占比", "Share of invoices late or missing"),
    "entry_monitoring.vendor": ("开票软件", "Invoicing software"),
    "entry_monitoring.p95": ("入库时长 P95（工作日）", "Delay p95 (working days)"),
    "entry_monitoring.p95.caption": (
        "「≤{n}」表示 95% 以上的发票在 {n} 个工作日时限内入库。",
        "'≤{n}' means at least 95% of invoices were recorded within the {n}-working-day limit.",
    ),
    "entry_monitoring.entity": ("个体工商户与企业", "Individual businesses and enterprises"),
    "entry_monitoring.entity_type": ("纳税人类型", "Taxpayer type"),
    "entry_monitoring.below": ("低于阈值的商户", "Merchants below a threshold"),
    "entry_monitoring.threshold": ("阈值", "Threshold"),
    "entry_monitoring.below.caption": (
        "所选期间内应入库发票不少于 {min_due} 张、{metric}低于 {threshold} 的商户，按由低到高排列"
        "（共 {n} 家）。",
        "Merchants with at least {min_due} invoices due in the period and {metric} below "
        "{threshold}, worst first ({n} merchants).",
    ),
    "entry_monitoring.none_below": (
        "没有商户低于该阈值。",
        "No merchant is below this threshold.",
    ),
    "entry_monitoring.below.capped": (
        "表中列出最差的 {n} 家；自查报告名单同样只含这 {n} 家。",
        " The table lists the worst {n}; so does the self-check list.",
    ),
}
