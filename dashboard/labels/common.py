"""Labels shared by the router, the sidebar and every page."""

PREFIXES = ("app", "lang", "nav", "first_run", "filters", "common", "table")

LABELS: dict[str, tuple[str, str]] = {
    "app.title": ("发票入库监测", "Fapiao Watch"),
    "app.subtitle": (
        "北京市商户发票入库率、延迟与异常监测",
        "Invoice entry rates, delays and anomalies of Beijing merchants",
    ),
    "lang.label": ("语言 / Language", "语言 / Language"),
    "nav.section.monitoring": ("入库监测（税务人员）", "Monitoring (tax officials)"),
    "nav.section.analysis": ("商户分析（信用评级）", "Merchants (credit analysts)"),
    "nav.section.management": ("投诉与管理（管理人员）", "Complaints (managers)"),
    "nav.section.data": ("数据", "Data"),
    "nav.overview": ("总览", "Overview"),
    "nav.entry_monitoring": ("入库监测", "Entry monitoring"),
    "nav.entry_risk": ("入库风险预测", "Entry-risk forecast"),
    "nav.merchant_profile": ("商户画像", "Merchant profile"),
    "nav.complaints": ("投诉趋势", "Complaint trends"),
    "nav.invoice_lookup": ("发票查询", "Invoice lookup"),
    "nav.data_import": ("数据导入", "Data import"),
    "first_run.title": ("尚无数据", "No data yet"),
    "first_run.body": (
        "仓库 {path} 还不存在或尚未完成分析。可以一键生成北京模拟数据（约 2,000 家商户、12 个月），"
        "经真实导入流程入库并完成分析；也可以用命令行 `fapiao-watch ingest` 导入真实导出文件后"
        "运行 `fapiao-watch analyse`。",
        "The warehouse {path} does not exist or has not been analysed yet. Build the seeded "
        "Beijing demo data (about 2,000 merchants, 12 months) through the real import path, or "
        "load real exports with `fapiao-watch ingest` and run `fapiao-watch analyse`.",
    ),
    "first_run.not_analysed": (
        "仓库已存在但尚未分析：请运行 `fapiao-watch analyse`，完成后刷新本页。",
        "The warehouse exists but has not been analysed: run `fapiao-watch analyse`, then "
        "reload this page.",
    ),
    "first_run.button": ("生成演示数据", "Build demo data"),
    "first_run.running": ("正在生成演示数据…", "Building demo data…"),
    "first_run.stage.generate": ("生成模拟文件", "Generating files"),
    "first_run.stage.ingest": ("导入并校验", "Importing and validating"),
    "first_run.stage.analyse": ("对账与分析", "Reconciling and analysing"),
    "first_run.stage.publish": ("发布快照", "Publishing snapshot"),
    "first_run.stage.done": ("完成", "Done"),
    "first_run.done": ("演示数据已就绪。", "Demo data is ready."),
    "first_run.failed": ("生成失败：{error}", "Building failed: {error}"),
    "filters.header": ("筛选", "Filters"),
    "filters.period": ("期间（月）", "Period (months)"),
    "filters.district": ("行政区", "Districts"),
    "filters.industry": ("行业", "Industries"),
    "filters.size": ("规模", "Size bands"),
    "filters.vendor": ("开票软件", "Invoicing software"),
    "filters.entity": ("纳税人类型", "Taxpayer type"),
    "filters.entity.all": ("全部", "All"),
    "filters.entity.individual": ("个体工商户", "Individual businesses"),
    "filters.entity.enterprise": ("企业", "Enterprises"),
    "filters.all": ("全部", "All"),
    "filters.reset": ("清除筛选", "Clear filters"),
    "filters.unused": (
        "本页不使用筛选条件。",
        "This page does not use the filters.",
    ),
    "filters.summary": ("{period}；{scope}", "{period}; {scope}"),
    "filters.summary.everything": ("全部商户", "all merchants"),
    "filters.no_months": (
        "仓库中还没有发票数据，请先在「数据导入」页导入文件。",
        "The warehouse holds no invoices yet: load files on the Data import page.",
    ),
    "common.no_match": (
        "当前筛选条件下没有数据，请放宽筛选条件。",
        "Nothing matches the current filters; widen them.",
    ),
    "common.vs_previous": ("对比上月 {period}", "vs {period}"),
    "common.latest_month": (
        "指标为所选期间最后一个月（{period}），与上月对比。",
        "Figures are for the last month of the range ({period}), compared with the month before.",
    ),
    "common.period": ("月份", "Month"),
    "common.merchant": ("商户", "Merchant"),
    "common.district": ("行政区", "District"),  # a column; the filter is plural
    "common.industry": ("行业", "Industry"),
    "common.merchant_id": ("统一社会信用代码", "USCC"),
    "common.count": ("数量", "Count"),
    "common.share": ("占比", "Share"),
    "common.invoices": ("发票张数", "Invoices"),
    "common.workdays": ("工作日", "Working days"),
    "common.open_profile": (
        "点选表格中的一行即可打开该商户的画像。",
        "Select a row to open that merchant's profile.",
    ),
    "common.simulation": ("模拟", "simulation"),
    "table.download_csv": ("下载 CSV", "Download CSV"),
    "table.download_xlsx": ("下载 Excel", "Download Excel"),
    "table.download_csv.help": (
        "CSV（UTF-8，带 BOM），供其他程序读取。直接用 Excel 打开时，"
        "20 位发票号码会显示为科学计数法；请改用「下载 Excel」。",
        "CSV (UTF-8 with a BOM), for other programs. Opened straight in Excel, 20-digit "
        "invoice numbers show in scientific notation: use Download Excel instead.",
    ),
    "table.download_xlsx.help": (
        "Excel 工作簿：发票号码、税号等保持为文本，以 = + - @ 开头的单元格已转义。",
        "Excel workbook: invoice numbers and tax ids stay text; cells beginning with = + - @ are "
        "escaped.",
    ),
    "table.rows": ("共 {n} 行", "{n} rows"),
    "table.truncated": ("仅显示前 {shown} 行，共 {total} 行。", "Showing {shown} of {total} rows."),
    "table.unit.wan": ("（万元）", " (10k yuan)"),
    "table.unit.yuan": ("（元）", " (yuan)"),
    "common.self_check_list": (
        "为这 {n} 家商户生成 {period} 自查报告",
        "Self-check reports for these {n} merchants ({period})",
    ),
    "common.self_check_list.help": (
        "在“自查报告”页打开这份名单，可改选期间（月或季度），一次下载全部报告。",
        "Opens this list on the Self-check page, where the period (a month or a quarter) can "
        "be changed, and all reports download as one zip.",
    ),
    "common.self_check_list.narrow": (
        "将表格缩小到 {n} 家商户以内（筛选、搜索或只看降级），即可为表中商户一次生成自查报告。",
        "Narrow the table to {n} merchants or fewer (filters, search, downgraded only) to build "
        "self-check reports for all of them at once.",
    ),
}
