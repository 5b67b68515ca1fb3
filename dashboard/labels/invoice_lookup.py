"""Labels of the Invoice lookup page (发票查询)."""

LABELS: dict[str, tuple[str, str]] = {
    "invoice_lookup.title": ("发票查询", "Invoice lookup"),
    "invoice_lookup.intro": (
        "接到“查不到发票”的投诉时，输入发票号码，查看该发票的入库状态和原因：按时或逾期入库、"
        "尚在入库期限内、超期未入库、金额不符、重复开票、税务系统有而商户记录缺失，"
        "或导入时因数据问题被拒绝（哪个文件、第几行、什么原因）。顾客只有订单号时，输入订单号，"
        "查看该笔付款是否已足额开票，以及为它开具的每张发票。",
        "When a customer cannot find an invoice, enter its number to see where it stands and "
        "why: entered on time or late, still within its entry deadline, missing after it, "
        "amounts that differ, a duplicate, in the tax system but not in the merchant's log, or "
        "rejected at import because of a data problem (which file, which row, why). A customer "
        "with only an order number: enter it to see whether the payment was invoiced in full, "
        "and each invoice issued for it.",
    ),
    "invoice_lookup.numbers": (
        "发票号码或订单号（每行一个，或用逗号分隔；最多 {n} 个）",
        "Invoice or order numbers (one per line, or separated by commas; at most {n})",
    ),
    "invoice_lookup.numbers.help": (
        "20 位数电票号码，或发票代码 + 发票号码（中间用空格或短横线分开）。全角数字也可以。"
        "其他编号按订单号（付款记录的编号）查询。",
        "The 20-digit 数电票 number, or the 发票代码 and 发票号码 (a space or a hyphen between "
        "them). Full-width digits are read too. Any other id is looked up as an order number "
        "(a payment's id).",
    ),
    "invoice_lookup.placeholder": (
        "26112000000000000001\n011001900111 12345678",
        "26112000000000000001\n011001900111 12345678",
    ),
    "invoice_lookup.too_many": (
        "一次最多查询 {max} 个号码，输入了 {n} 个。",
        "At most {max} numbers at a time; {n} were given.",
    ),
    "invoice_lookup.invalid": (
        "以下内容既不是发票号码也不是订单号，未查询：{numbers}",
        "Neither invoice nor order numbers, not looked up: {numbers}",
    ),
    "invoice_lookup.looking": ("正在查询…", "Looking up…"),
    "invoice_lookup.summary": (
        "共查询 {n} 个号码：{found} 个有对账结果，{rejected} 个在导入时被拒绝的行中出现，"
        "{not_found} 个未找到。",
        "{n} numbers looked up: {found} with a reconciliation result, {rejected} in rows "
        "rejected at import, {not_found} not found.",
    ),
    "invoice_lookup.one": ("{status}：{reason}", "{status}: {reason}"),
    "invoice_lookup.one.of": ("{what} · {status}：{reason}", "{what} · {status}: {reason}"),
    "invoice_lookup.results": ("对账结果", "Reconciliation"),
    "invoice_lookup.col.invoice_no": ("查询号码", "Number looked up"),
    "invoice_lookup.col.subject_id": ("记录号码", "Record number"),
    "invoice_lookup.col.status": ("状态", "Status"),
    "invoice_lookup.col.reason": ("说明", "Reason"),
    "invoice_lookup.col.merchant": ("商户", "Merchant"),
    "invoice_lookup.col.merchant_id": ("统一社会信用代码", "USCC"),
    "invoice_lookup.col.district": ("行政区", "District"),
    "invoice_lookup.col.issued_at": ("开票时间", "Issued"),
    "invoice_lookup.col.recorded_at": ("入库时间", "Recorded"),
    "invoice_lookup.col.total_issued": ("价税合计（开具）", "Total issued"),
    "invoice_lookup.col.total_recorded": ("价税合计（税务系统）", "Total recorded"),
    "invoice_lookup.col.is_red": ("红字发票", "Red invoice"),
    "invoice_lookup.col.tax_status": ("发票状态（税务系统）", "Status in the tax system"),
    "invoice_lookup.col.subject": ("记录", "Record"),
    "invoice_lookup.subject.issued": ("商户开票记录", "Merchant's log"),
    "invoice_lookup.subject.tax_record": ("税务系统导出", "Tax export"),
    "invoice_lookup.subject.payment": ("付款（订单）", "Payment (order)"),
    "invoice_lookup.rejected": ("导入时被拒绝的行", "Rows rejected at import"),
    "invoice_lookup.rejected.help": (
        "这些行写有所查的号码，但因数据问题未能导入：商户的开票软件导出有误时，"
        "发票会因此查不到。请让商户或其软件厂商更正后重新导出。",
        "These rows carry a number looked up but could not be loaded because of a data "
        "problem: when a merchant's invoicing software exports a bad row, the invoice goes "
        "missing this way. Ask the merchant or its software vendor to correct and export again.",
    ),
    "invoice_lookup.col.file": ("文件", "File"),
    "invoice_lookup.col.kind": ("数据类型", "Kind"),
    "invoice_lookup.col.row": ("行号", "Row"),
    "invoice_lookup.col.reasons": ("原因", "Reason"),
    "invoice_lookup.col.detail": ("详情", "Detail"),
    "invoice_lookup.col.imported_at": ("导入时间", "Imported"),
    "invoice_lookup.not_found": (
        "在商户开票记录、税务系统导出和付款记录中均未找到：{numbers}。请核对号码；"
        "如为最近开具或付款，可能尚未导入。",
        "Found in neither the merchants' invoicing logs, the tax export nor the payments: "
        "{numbers}. Check the number; an invoice issued or a payment made very recently may not "
        "have been imported yet.",
    ),
    "invoice_lookup.unchecked": (
        "数据正在导入或分析，以下号码暂时只能给出异常和待入库清单中的记录，是否已按时入库、"
        "订单的其余发票暂时无法确认：{numbers}。请稍后再查。",
        "An import or analysis is running: for these numbers only the exceptions and pending "
        "invoices can be shown now; whether they were entered on time, and an order's other "
        "invoices, cannot be confirmed yet: {numbers}. Ask again in a minute.",
    ),
    "invoice_lookup.stem": ("发票查询", "invoice-lookup"),
}
