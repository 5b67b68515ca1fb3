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
        "Invoices by working days from issue to entry in the tax system (log scale); 'missing' "
        "are invoices still not recorded after their deadline.",
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
    "entry_monitoring.incidents": ("开票软件系统性延迟", "Delays at the invoicing software"),
    "entry_monitoring.incidents.caption": (
        "某开票软件全部商户在同一开票日的逾期或未入库占比达到其平常（中位日）的 {factor} 倍"
        "且不低于 {floor}（当日至少 {min_invoices} 张发票）时，判为该软件的系统性延迟，"
        "如上传中断；相隔不超过三天的此类日期合为一次。这些发票的逾期多半不是商户的责任。"
        "按全市该软件的全部商户判断，只受月份和开票软件筛选影响。",
        "Days on which a software's merchants together had {factor} times its usual (median day) "
        "share of invoices late or missing, and at least {floor} (with {min_invoices} invoices or "
        "more that day): a delay at the software, such as an upload outage; such days at most "
        "three apart are one incident. Those invoices were most likely not late through the "
        "merchants' fault. Judged over all of the software's merchants in the city: only the "
        "month range and the software filter apply.",
    ),
    "entry_monitoring.incidents.none": (
        "所选月份未发现开票软件系统性延迟。",
        "No delays at an invoicing software in the months selected.",
    ),
    "entry_monitoring.incidents.first": ("首个开票日", "First issue day"),
    "entry_monitoring.incidents.last": ("最后开票日", "Last issue day"),
    "entry_monitoring.incidents.invoices": ("发票", "Invoices"),
    "entry_monitoring.incidents.failed": ("逾期或未入库", "Late or missing"),
    "entry_monitoring.incidents.share": ("占比", "Share"),
    "entry_monitoring.incidents.usual": ("平常占比", "Usual share"),
    "entry_monitoring.incidents.merchants": ("涉及商户", "Merchants hit"),
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
        "{metric} below {threshold}, among merchants with at least {min_due} invoices due in "
        "the period, worst first ({n} merchants).",
    ),
    "entry_monitoring.none_below": (
        "没有商户低于该阈值。",
        "No merchant is below this threshold.",
    ),
    "entry_monitoring.below.capped": (
        "表中列出最差的 {n} 家；自查报告名单同样只含这 {n} 家。",
        " The table lists the worst {n}; so does the self-check list.",
    ),
    "entry_monitoring.pending": ("待入库：期限未到", "Pending entry: deadline still ahead"),
    "entry_monitoring.pending.caption": (
        "截至数据时间 {as_of}，已开具、尚未入库、{n} 个工作日期限未到的发票，按最近期限排列："
        "可在逾期前提醒商户。侧栏的月份范围不适用，其余筛选适用。",
        "Invoices issued, not yet in the tax system, whose {n}-working-day deadline has not "
        "passed as of {as_of}, nearest deadline first: merchants to remind before the invoices "
        "turn late. The sidebar's month range does not apply; the other filters do.",
    ),
    "entry_monitoring.pending.none": (
        "截至 {as_of} 没有待入库的发票：已开具的发票都已入库，或已过期限（计为未入库）。",
        "No invoice is pending as of {as_of}: every invoice issued is in the tax system, or "
        "past its deadline (counted as missing).",
    ),
    "entry_monitoring.pending.capped": (
        "表中列出期限最近的 {n} 家。",
        " The table lists the {n} with the nearest deadlines.",
    ),
    "entry_monitoring.pending.invoices": ("待入库发票", "Invoices pending"),
    "entry_monitoring.pending.merchants": ("涉及商户", "Merchants"),
    "entry_monitoring.pending.due_soon": ("剩余不足 1 个工作日", "Due within 1 working day"),
    "entry_monitoring.pending.amount": ("待入库价税合计", "Amount pending (价税合计)"),
    "entry_monitoring.pending.count": ("待入库数", "Pending"),
    "entry_monitoring.pending.due_soon_col": ("≤1 工作日到期", "Due ≤1 working day"),
    "entry_monitoring.pending.deadline": ("最近期限", "Nearest deadline"),
    "entry_monitoring.pending.left": ("剩余工作日", "Working days left"),
    "entry_monitoring.pending.first_issued": ("最早开票时间", "Earliest issued"),
    "entry_monitoring.pending.sum": ("价税合计", "Amount (价税合计)"),
    "entry_monitoring.pending.reminders": (
        "下载催报清单（逐张发票）",
        "Download the reminder list (one row per invoice)",
    ),
    "entry_monitoring.pending.reminders.help": (
        "所选行政区、行业等范围内每张待入库发票：商户、发票号码、期限与剩余工作日（Excel）。"
        "命令行 fapiao-watch report pending 生成同一清单。",
        "Every pending invoice in the selected districts, industries etc.: merchant, invoice "
        "number, deadline and working days left (Excel). The command fapiao-watch report "
        "pending writes the same list.",
    ),
}
