"""Labels of the Self-check page (自查报告)."""

LABELS: dict[str, tuple[str, str]] = {
    "self_check.title": ("自查报告", "Self-check reports"),
    "self_check.intro": (
        "为一家商户、一个行政区的全部商户或一份商户名单生成发票入库自查报告：汇总页（入库情况、模拟信用等级、整改建议）"
        "和各类异常明细（未入库、逾期、金额不符、重复、未开票及少开票、商户记录缺失）。报告为中文，供商户使用。",
        "Build the invoice self-check report for one merchant, for every merchant of a "
        "district or for a list of merchants: a summary (entry figures, the simulated grade, "
        "what to do) and a sheet per kind of exception (missing, late, mismatched, "
        "duplicate, not or under-invoiced, missing in the merchant's log). Reports are in "
        "Chinese, for the merchants.",
    ),
    "self_check.mode": ("报告对象", "Report for"),
    "self_check.mode.merchant": ("单个商户", "One merchant"),
    "self_check.mode.district": ("整个行政区", "A district"),
    "self_check.mode.list": ("商户名单", "A list"),
    "self_check.list.paste": (
        "粘贴统一社会信用代码（每行一个，或用逗号、空格分隔）",
        "Paste USCCs (one per line, or separated by commas or spaces)",
    ),
    "self_check.list.placeholder": ("91110105…\n92110108…", "91110105…\n92110108…"),
    "self_check.list.file": ("或上传名单文件", "Or upload a list file"),
    "self_check.list.file.help": (
        "CSV、TXT 或 Excel：含“统一社会信用代码”等列的表格（如“低于阈值的商户”导出文件），"
        "或每行一个代码。上传文件优先于粘贴内容。",
        "CSV, TXT or Excel: a table with a USCC column (such as the export of merchants below "
        "the threshold), or one id per line. An uploaded file takes precedence over pasted ids.",
    ),
    "self_check.list.pasted": ("粘贴的名单", "the pasted list"),
    "self_check.list.bad": ("名单有误，未生成报告：{error}", "The list has errors: {error}"),
    "self_check.list.choose": (
        "请粘贴或上传商户名单。",
        "Paste or upload a list of merchants.",
    ),
    "self_check.list.counts": (
        "名单共 {n} 家商户：{made} 家将生成报告，{no_data} 家该期间无数据，"
        "{unknown} 家不在数据仓库中（重复行 {repeated} 个，只计一次）。",
        "{n} merchants listed: {made} with a report, {no_data} without data in the period, "
        "{unknown} not in the warehouse ({repeated} repeated rows counted once).",
    ),
    "self_check.list.fate": ("报告", "Report"),
    "self_check.list.report": ("生成报告", "report"),
    "self_check.list.no_data": ("{period} 无数据", "no data in {period}"),
    "self_check.list.unknown": ("不在数据仓库中", "not in the warehouse"),
    "self_check.list.none": (
        "名单中没有商户在 {period} 有开票数据；请换一个期间。",
        "No listed merchant has invoices in {period}; choose another period.",
    ),
    "self_check.list_note": (
        "每家在该期间有数据的商户一份报告，连同列出全部商户及其报告文件的“清单.csv”，"
        "打包为一个 zip 文件。",
        "One report per listed merchant with data in the period, with 清单.csv naming every "
        "listed merchant and its file, in one zip file.",
    ),
    "self_check.search": ("按名称或统一社会信用代码搜索", "Search by name or USCC"),
    "self_check.pick": ("商户（{n} 家匹配）", "Merchant ({n} matching)"),
    "self_check.placeholder": ("选择商户…", "Choose a merchant…"),
    "self_check.choose": ("请先选择一家商户。", "Choose a merchant first."),
    "self_check.district": ("行政区", "District"),
    "self_check.period": ("期间", "Period"),
    "self_check.period.month": ("{period}（月）", "{period} (month)"),
    "self_check.period.quarter": ("{period}（季度）", "{period} (quarter)"),
    "self_check.format": ("格式", "Format"),
    "self_check.format.xlsx": ("Excel 工作簿", "Excel workbook"),
    "self_check.format.csv": ("CSV（zip 压缩包）", "CSV files (zip)"),
    "self_check.preview": ("报告预览", "Preview"),
    "self_check.grade": (
        "**模拟信用等级（{quarter}）**：{grade}",
        "**Simulated grade ({quarter})**: {grade}",
    ),
    "self_check.grade.none": ("无评分", "not scored"),
    "self_check.sheets": ("明细表", "Detail sheets"),
    "self_check.sheet": ("工作表（文件中的名称）", "Sheet (its name in the file)"),
    "self_check.contents": ("内容", "Contents"),
    "self_check.rows": ("行数", "Rows"),
    "self_check.no_data": (
        "{who} 在 {period} 没有开票数据，无法生成报告；请换一个期间。",
        "{who} has no invoices in {period}, so there is no report; choose another period.",
    ),
    "self_check.download": ("下载报告", "Download the report"),
    "self_check.district_note": (
        "每家在该期间有数据的商户一份报告，打包为一个 zip 文件；商户较多时需要一些时间。",
        "One report per merchant with data in the period, in one zip file; a large district "
        "takes a while.",
    ),
    "self_check.build": ("生成 {n} 家商户的报告", "Build reports for {n} merchants"),
    "self_check.building": ("正在生成报告 {done}/{total}…", "Building reports {done}/{total}…"),
    "self_check.built": ("已生成 {n} 份报告。", "{n} reports built."),
    "self_check.download_zip": ("下载压缩包", "Download the zip"),
    "self_check.failed": ("无法生成报告：{error}", "Could not build the report: {error}"),
}
