"""Labels of the Data import page (数据导入), which also shows the warehouse summary."""

LABELS: dict[str, tuple[str, str]] = {
    "data_import.title": ("数据导入", "Data import"),
    "data_import.published": ("当前快照发布于 {when}", "Current snapshot published at {when}"),
    "data_import.tab.upload": ("上传文件", "Upload files"),
    "data_import.tab.history": ("导入历史", "Import history"),
    "data_import.tab.rejected": ("隔离行", "Rejected rows"),
    "data_import.tab.tables": ("数据表", "Tables"),
    "data_import.tab.holidays": ("节假日安排", "Holiday calendar"),
    "data_import.tab.feeds": ("数据源", "Feeds"),
    "data_import.feeds.coverage": ("各数据源覆盖的开票日", "Issue days each feed holds"),
    "data_import.feeds.source": ("数据源", "Feed"),
    "data_import.feeds.first_held": ("最早开票日", "First issue day"),
    "data_import.feeds.last_held": ("最新开票日", "Latest issue day"),
    "data_import.feeds.held": ("发票数", "Invoices"),
    "data_import.feeds.last_entry": ("最新入库时间", "Latest entry"),
    "data_import.feeds.gaps": ("数据源断档", "Feed gaps"),
    "data_import.feeds.caption": (
        "比较每个开票软件的商户开票记录与税务系统导出覆盖的开票日：一方有发票而另一方整天"
        "一张也没有的连续日期即为断档（至少 {min_invoices} 张发票、{days} 个工作日；"
        "最新一天仍在进行，不计）。"
        "断档日的发票会被记为“商户记录缺失”或待入库、未入库，原因在数据未送到，不在商户。",
        "Each invoicing software's merchant log is compared with the tax export, issue day by "
        "issue day: a run of days on which one side holds invoices and the other none at all is "
        "a gap (at least {min_invoices} invoices and {days} working day; the latest day is still "
        "in progress and is not judged). Invoices of those days read as missing in the "
        "merchant's log, or as pending or missing entries, because the data has not reached "
        "us, not through the merchants.",
    ),
    "data_import.feeds.none": (
        "没有断档：各开票软件的开票记录与税务系统导出覆盖相同的开票日。",
        "No gaps: every software's merchant log and the tax export cover the same issue days.",
    ),
    "data_import.feeds.found": (
        "发现 {n} 处断档：据此提醒商户之前，请先核对对应的导出。",
        "{n} gap(s) found: check those exports before reminding merchants.",
    ),
    "data_import.feeds.feed": ("缺数据的一方", "Feed lacking the days"),
    "data_import.feeds.tax": ("税务系统导出", "Tax export"),
    "data_import.feeds.log_prefix": ("开票记录 · ", "Merchant log · "),
    "data_import.feeds.first": ("首个开票日", "First issue day"),
    "data_import.feeds.last": ("最后开票日", "Last issue day"),
    "data_import.feeds.workdays": ("工作日数", "Working days"),
    "data_import.feeds.invoices": ("另一方的发票数", "Invoices on the other side"),
    "data_import.feeds.state": ("状态", "State"),
    "data_import.feeds.open": ("尚未送到", "Not arrived yet"),
    "data_import.feeds.hole": ("已导入数据中的缺口", "A hole in the data loaded"),
    "data_import.holidays.through": (
        "工作日日历目前到 {end} 为止。{next} 年的节假日安排公布后，可在此上传。",
        "The working-day calendar currently ends on {end}. Once the {next} holiday notice is "
        "published, upload its table here.",
    ),
    "data_import.holidays.none": (
        "今年（{year} 年）没有节假日安排，分析无法进行：请在此上传。",
        "There is no holiday table for this year ({year}), so nothing can be analysed: upload "
        "it here.",
    ),
    "data_import.holidays.format": (
        "CSV，列 date,kind,name，每个放假日和每个调休上班日一行：kind 为 holiday（放假）或 "
        "workday（调休上班的周六、周日）；其余周一至周五上班、周六周日休息。UTF-8 或 GBK 均可。"
        "保存后，下一次分析按新日历全量重算。",
        "CSV with columns date,kind,name, one row per day off and per make-up working day: kind "
        "is holiday (a day off) or workday (a Saturday or Sunday worked, 调休); other weekdays "
        "are worked and other weekends are not. UTF-8 or GBK. Once saved, the next analysis "
        "recomputes every month with it.",
    ),
    "data_import.holidays.uploader": (
        "上传节假日安排（按国务院办公厅通知）",
        "Upload a holiday table (from the State Council notice)",
    ),
    "data_import.holidays.invalid": ("未保存：{error}", "Not saved: {error}"),
    "data_import.holidays.summary": (
        "**{year} 年**：{workdays} 个工作日，{off} 个工作日放假，{makeup} 个周末调休上班。",
        "**{year}**: {workdays} working days, {off} weekdays off, {makeup} weekend days worked.",
    ),
    "data_import.holidays.breaks": ("放假：{breaks}", "Days off: {breaks}"),
    "data_import.holidays.makeup": ("调休上班：{days}", "Weekend days worked: {days}"),
    "data_import.holidays.replaces": (
        "{year} 年已有节假日安排文件，保存将替换它。",
        "A {year} table exists already; saving replaces it.",
    ),
    "data_import.holidays.overrides": (
        "chinesecalendar 已有 {year} 年的节假日安排；保存后以此表为准。",
        "chinesecalendar already has the {year} holidays; once saved, this table takes their "
        "place.",
    ),
    "data_import.holidays.not_saved": (
        "无法保存（{error}）：请服务器管理员添加该文件。",
        "Could not save it ({error}): ask whoever runs the server to add the file.",
    ),
    "data_import.holidays.save": ("保存为 {year} 年节假日安排", "Save as the {year} holiday table"),
    "data_import.holidays.saved": (
        "已保存 {path}。下一次分析（定时或上传后）按 {year} 年新日历重算所有月份。",
        "Saved {path}. The next analysis (the schedule, or the next upload) recomputes every "
        "month with the {year} calendar.",
    ),
    "data_import.uploader": ("选择文件（可多选）", "Choose files (several at once)"),
    "data_import.limit": (
        "支持 CSV / TSV（UTF-8、GBK/GB18030、UTF-16）、Excel（.xlsx）、JSON、JSON Lines、Parquet；"
        "单个文件不超过 {mb} MB。种类按表头自动识别（中文、拼音或英文表头）。",
        "CSV / TSV (UTF-8, GBK/GB18030, UTF-16), Excel (.xlsx), JSON, JSON Lines and Parquet; "
        "at most {mb} MB per file. The kind is detected from the headers (Chinese, pinyin or "
        "English).",
    ),
    "data_import.kind": ("数据种类", "Kind"),
    "data_import.kind.auto": ("自动识别", "Detect automatically"),
    "data_import.preview": ("导入前预览", "Before loading"),
    "data_import.file": ("文件", "File"),
    "data_import.sheet": ("工作表", "Sheet"),
    "data_import.format": ("格式", "Format"),
    "data_import.encoding": ("编码", "Encoding"),
    "data_import.detected": ("识别为", "Detected as"),
    "data_import.check": ("检查", "Check"),
    "data_import.ok": ("可导入", "Ready"),
    "data_import.loaded": ("已导入", "Loaded"),
    "data_import.already": (
        "已于 {when} 导入（批次 {batch}），将跳过",
        "Already imported on {when} (batch {batch}); will be skipped",
    ),
    "data_import.mapping": ("表头映射：{name}", "Header mapping: {name}"),
    "data_import.source_header": ("文件表头", "Header in file"),
    "data_import.canonical": ("标准字段", "Canonical column"),
    "data_import.unmapped": ("（未映射，不导入）", "(not mapped, ignored)"),
    "data_import.load": ("导入并分析", "Load and analyse"),
    "data_import.stage.ingest": ("导入并校验…", "Importing and validating…"),
    "data_import.stage.analyse": (
        "对账与分析（增量）…",
        "Reconciling and analysing (incremental)…",
    ),
    "data_import.stage.done": ("完成", "Done"),
    "data_import.busy": (
        "仓库正被其他进程（如命令行 ingest / analyse）占用，请稍后再试。",
        "The warehouse is in use by another process (e.g. a command-line ingest or analyse); "
        "try again in a moment.",
    ),
    "data_import.failed": ("导入失败，未写入任何数据：{error}", "Nothing was loaded: {error}"),
    "data_import.not_analysed": (
        "文件已导入，但未能分析：{why}。在此之前，各页面的数字不含这些文件。",
        "The files were loaded but could not be analysed: {why}. Until then the pages' figures "
        "leave them out.",
    ),
    "data_import.summary": ("导入结果", "Load summary"),
    "data_import.summary.caption": (
        "每个文件：读取行数 = 入库 + 未变化 + 隔离 + 汇总行，一行不丢。",
        "Per file: rows read = loaded + unchanged + rejected + summary rows; nothing is lost.",
    ),
    "data_import.analysis": (
        "分析：{mode}，重算月份 {months}；新快照已发布，各页面已更新。",
        "Analysis: {mode}, months recomputed {months}; a new snapshot is published and every "
        "page shows it.",
    ),
    "data_import.mode.full": ("全量重算", "full recomputation"),
    "data_import.mode.incremental": ("增量", "incremental"),
    "data_import.mode.noop": ("无需重算", "nothing to recompute"),
    "data_import.mode.failed": ("失败（已回滚）", "failed (rolled back)"),
    "data_import.runs.title": ("分析记录", "Analysis runs"),
    "data_import.plan.requested": ("按要求全量重算", "full run requested"),
    "data_import.plan.first": ("首次分析", "first analysis"),
    "data_import.plan.version": ("分析程序已更新，全量重算", "analysis logic updated: full run"),
    "data_import.plan.deadline": ("入库时限已变更，全量重算", "deadline changed: full run"),
    "data_import.plan.calendar": (
        "节假日安排已新增或更正，全量重算",
        "holiday calendar added to or corrected: full run",
    ),
    "data_import.plan.as_of_back": (
        "数据截至时间提前，全量重算",
        "as-of time moved back: full run",
    ),
    "data_import.plan.missing_tables": (
        "有结果表尚未建立，全量重算",
        "result tables missing: full run",
    ),
    "data_import.plan.new_batches": ("有新导入的批次", "new import batches"),
    "data_import.plan.as_of_moved": (
        "数据截至时间推进（待入库发票可能已逾期）",
        "as-of time moved forward (pending invoices may be overdue)",
    ),
    "data_import.plan.nothing_new": ("没有新数据", "nothing new"),
    "data_import.runs.at": ("完成时间", "Finished"),
    "data_import.runs.outcome": ("结果", "Outcome"),
    "data_import.runs.count": ("次数", "Runs"),
    "data_import.runs.first": ("首次", "First at"),
    "data_import.runs.batches": ("新批次", "New batches"),
    "data_import.runs.months": ("重算月份", "Months recomputed"),
    "data_import.runs.as_of": ("数据截至", "Data as of"),
    "data_import.rows_read": ("读取", "Read"),
    "data_import.rows_loaded": ("入库", "Loaded"),
    "data_import.rows_unchanged": ("未变化", "Unchanged"),
    "data_import.rows_updated": ("状态更新", "Status updated"),
    "data_import.rows_rejected": ("隔离", "Rejected"),
    "data_import.rows_summary": ("汇总行", "Summary rows"),
    "data_import.seconds": ("用时（秒）", "Seconds"),
    "data_import.batch": ("批次", "Batch"),
    "data_import.started": ("开始时间", "Started"),
    "data_import.kpi.files": ("导入文件", "Files imported"),
    "data_import.kpi.rows_read": ("读取行数", "Rows read"),
    "data_import.kpi.rows_loaded": ("入库行数", "Rows loaded"),
    "data_import.kpi.rows_rejected": ("隔离行数", "Rows rejected"),
    "data_import.failures.title": ("无法读取的文件", "Files that could not be read"),
    "data_import.failures.note": (
        "{n} 个文件在导入时整个无法读取（空文件、格式与扩展名不符、表头无法识别等），一行也未入库。"
        "修正或替换后，下一次导入会再试；已成功导入的文件不再列出。",
        "{n} file(s) could not be read at all when imported (empty, not the format the name "
        "says, headers of no known kind, ...) and loaded nothing. Fix or replace them and the "
        "next import tries again; files loaded since are no longer listed.",
    ),
    "data_import.failures.path": ("路径", "Path"),
    "data_import.failures.action": ("处理建议", "What to do"),
    "data_import.failures.first": ("首次失败", "First failed"),
    "data_import.failures.last": ("最近失败", "Last failed"),
    "data_import.failures.attempts": ("尝试次数", "Attempts"),
    "data_import.by_reason": ("隔离行（按原因）", "Rejected rows by reason"),
    "data_import.reason": ("原因", "Reason"),
    "data_import.rows": ("行数", "Rows"),
    "data_import.sample": ("最近的隔离行", "Latest rejected rows"),
    "data_import.row_number": ("行号", "Row"),
    "data_import.detail": ("说明", "Detail"),
    "data_import.raw": ("原始内容", "Raw values"),
    "data_import.table": ("数据表", "Table"),
}
