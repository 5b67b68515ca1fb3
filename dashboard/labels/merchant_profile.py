"""Labels of the Merchant profile page (商户画像) and its sections."""

LABELS: dict[str, tuple[str, str]] = {
    "merchant_profile.title": ("商户画像", "Merchant profile"),
    "merchant_profile.search": ("按名称或统一社会信用代码搜索", "Search by name or USCC"),
    "merchant_profile.pick": ("商户（{n} 家匹配）", "Merchant ({n} matching)"),
    "merchant_profile.placeholder": ("选择商户…", "Choose a merchant…"),
    "merchant_profile.choose": (
        "请选择一家商户；也可以在其他页面的商户表格中点选一行直接打开。",
        "Choose a merchant, or select a row in any merchant table on the other pages.",
    ),
    "merchant_profile.unknown": (
        "仓库中没有统一社会信用代码为 {merchant_id} 的商户。",
        "No merchant with USCC {merchant_id} in the warehouse.",
    ),
    "merchant_profile.registered": ("登记于 {day}", "registered {day}"),
    "merchant_profile.self_check": ("{period} 自查报告", "Self-check report for {period}"),
    "merchant_profile.scope": (
        "期间：{period}（侧栏的期间筛选适用于本页；行政区等其他筛选不影响单个商户）",
        "Period: {period} (the sidebar's period applies here; the other filters do not narrow "
        "a single merchant)",
    ),
    "merchant_profile.no_invoices": (
        "该商户在所选期间没有开票记录。",
        "The merchant issued no invoices in the period.",
    ),
    "merchant_profile.p95_unit": ("（工作日）", " (working days)"),
    "merchant_profile.activity": ("开票与入库", "Issued and recorded"),
    "merchant_profile.activity.caption": (
        "柱高为开具的发票数，按结果着色：按时入库、逾期入库、未入库（红色并以 ✕ 标出）、待入库。",
        "Bar height is invoices issued, coloured by outcome: on time, late, missing (red, "
        "marked ✕) and pending.",
    ),
    "merchant_profile.grain": ("粒度", "Grain"),
    "merchant_profile.grain.day": ("按日", "Daily"),
    "merchant_profile.grain.week": ("按周", "Weekly"),
    "merchant_profile.invoices_issued": ("发票张数", "Invoices"),
    "merchant_profile.monthly": ("月度指标", "Monthly figures"),
    "merchant_profile.exceptions": ("对账异常及原因", "Reconciliation exceptions and reasons"),
    "merchant_profile.pending": (
        "待入库（期限未到）：{n} 张，其中 {due} 张剩余不足 1 个工作日。月份范围不适用。",
        "Pending entry (deadline ahead): {n} invoices, {due} of them due within 1 working day. "
        "The month range does not apply.",
    ),
    "merchant_profile.no_exceptions": (
        "所选期间没有对账异常。",
        "No reconciliation exceptions in the period.",
    ),
    "merchant_profile.status": ("状态", "Status"),
    "merchant_profile.subject": ("对象", "Subject"),
    "merchant_profile.subject_id": ("发票号 / 收款编号", "Invoice / payment no."),
    "merchant_profile.issued_at": ("开票时间", "Issued at"),
    "merchant_profile.recorded_at": ("入库时间", "Recorded at"),
    "merchant_profile.delay": ("入库用时（工作日）", "Delay (working days)"),
    "merchant_profile.in_incident": ("软件延迟期间", "During a software delay"),
    "merchant_profile.incidents": (
        "其中 {n} 张逾期或未入库发票开具于该商户开票软件（{vendor}）的系统性延迟期间"
        "（{days}），多半不是商户的责任，见入库监测。",
        "{n} of these late or missing invoices were issued during a delay at the merchant's "
        "invoicing software ({vendor}; {days}): most likely not the merchant's fault (see Entry "
        "monitoring).",
    ),
    "merchant_profile.total_issued": ("价税合计", "Total (incl. tax)"),
    "merchant_profile.amount_paid": ("收款金额", "Amount paid"),
    "merchant_profile.reason": ("原因", "Reason"),
    "merchant_profile.complaints": ("投诉", "Complaints"),
    "merchant_profile.no_complaints": (
        "所选期间没有关于该商户的投诉。",
        "No complaints about the merchant in the period.",
    ),
    "merchant_profile.complaint_id": ("工单号", "Complaint no."),
    "merchant_profile.received_at": ("受理时间", "Received at"),
    "merchant_profile.category": ("类别", "Category"),
    "merchant_profile.channel": ("渠道", "Channel"),
    "merchant_profile.invoice_no": ("涉及发票", "Invoice named"),
    "merchant_profile.invoice_status": ("发票对账状态", "Invoice status"),
    "merchant_profile.complaint_lookup": (
        "点选写有发票号码的投诉，可在“发票查询”中查看该发票的入库情况和原因。",
        "Select a complaint that names an invoice to see in Invoice lookup where it stands "
        "and why.",
    ),
    "merchant_profile.complaint_status": ("办理状态", "Handling status"),
    "merchant_profile.resolution_days": ("办结用时（天）", "Days to resolve"),
}
