"""Labels of the Alerts page (预警中心)."""

LABELS: dict[str, tuple[str, str]] = {
    "alerts.title": ("预警中心", "Alerts"),
    "alerts.scope": (
        "侧栏的行政区、行业、规模、开票软件和纳税人类型筛选适用于预警列表；月份范围不适用"
        "（未处理的预警不会因期间而隐藏）。",
        "The sidebar's district, industry, size, software and taxpayer-type filters apply to the "
        "queue; its months do not (an open alert is never hidden by the period).",
    ),
    "alerts.none": (
        "快照中还没有预警：运行 `fapiao-watch analyse` 后会按规则生成预警。",
        "The snapshot holds no alerts yet: `fapiao-watch analyse` raises them by rule.",
    ),
    "alerts.kpi.new": ("新预警", "New"),
    "alerts.kpi.acknowledged": ("跟进中", "Acknowledged"),
    "alerts.kpi.resolved": ("已处理", "Resolved"),
    "alerts.kpi.high_open": ("未处理的高级别预警", "Open, high severity"),
    "alerts.filter.status": ("状态", "Status"),
    "alerts.filter.rule": ("规则", "Rule"),
    "alerts.filter.severity": ("级别", "Severity"),
    "alerts.queue": ("预警列表", "Queue"),
    "alerts.queue.caption": ("共 {n} 条预警。", "{n} alerts."),
    "alerts.empty": ("没有符合条件的预警。", "No alert matches."),
    "alerts.col.id": ("编号", "No."),
    "alerts.col.severity": ("级别", "Severity"),
    "alerts.col.status": ("状态", "Status"),
    "alerts.col.rule": ("规则", "Rule"),
    "alerts.col.first_seen": ("首次出现", "First seen"),
    "alerts.col.last_seen": ("最近出现", "Last seen"),
    "alerts.col.metric": ("指标", "Metric"),
    "alerts.col.incident": ("开票软件系统性延迟", "Delay at the invoicing software"),
    "alerts.incident.span": ("{first} 至 {last}", "{first} to {last}"),
    "alerts.incident.cell": (
        "{vendor} {days}：{failed} / {total} 张",
        "{vendor} {days}: {failed} of {total}",
    ),
    "alerts.col.feed_gap": ("数据源断档", "Feed gap"),
    "alerts.feed_gap.tax": (
        "税务系统导出缺 {first} 至 {last}",
        "tax export lacks {first} to {last}",
    ),
    "alerts.feed_gap.log": (
        "{vendor} 开票记录缺 {first} 至 {last}",
        "{vendor}'s merchant log lacks {first} to {last}",
    ),
    "alerts.detail.feed_gap": (
        "预警月份内有数据源断档（{spans}）：这些天的发票数据没送到，"
        "本预警可能源于数据缺失，而非商户本身。处理前请先核对相应的导出。",
        "The alert's months hold feed gaps ({spans}): the invoice data of those days has not "
        "reached us, so the alert may come from the missing data rather than the merchant. "
        "Check those exports before acting.",
    ),
    "alerts.detail.incident": (
        "该商户在预警月份中的 {total} 张逾期或未入库发票，有 {failed} 张开具于其开票软件"
        "（{vendor}）{days} 的系统性延迟期间：同一软件的商户当时普遍未能按时入库。"
        "处理前请先核实软件故障是否已恢复、发票是否已补传。",
        "Of this merchant's {total} invoices late or missing in the alert's months, {failed} "
        "were issued during a delay at its invoicing software ({vendor}), {days}, when that "
        "software's merchants in general failed to enter on time. Before acting, check whether "
        "the software is working again and the invoices have been sent.",
    ),
    "alerts.col.value": ("当前值", "Value"),
    "alerts.col.previous": ("上月", "Month before"),
    "alerts.col.threshold": ("阈值", "Threshold"),
    "alerts.col.message": ("内容", "Message"),
    "alerts.col.updated": ("更新时间", "Updated"),
    "alerts.metric.is_anomaly": ("异常标记", "Anomaly flag"),
    "alerts.flag.yes": ("已标记", "flagged"),
    "alerts.flag.no": ("未标记", "not flagged"),
    "alerts.act": ("处理预警", "Act on an alert"),
    "alerts.pick": ("选择预警", "Alert"),
    "alerts.pick.placeholder": ("选择要处理的预警…", "Choose an alert…"),
    "alerts.pick.hint": (
        "选择一条预警以查看详情、处理记录，并确认或处理完毕。",
        "Choose an alert to see its details and history, and to acknowledge or resolve it.",
    ),
    "alerts.detail.metric": (
        "{metric}：{period} 为 {value}，上月 {previous}，阈值 {threshold}",
        "{metric}: {value} in {period}, {previous} the month before, threshold {threshold}",
    ),
    "alerts.detail.state": ("状态：{status}", "Status: {status}"),
    "alerts.detail.acknowledged": ("{by} 于 {at} 确认", "acknowledged by {by} at {at}"),
    "alerts.detail.resolved": ("{by} 于 {at} 处理完毕", "resolved by {by} at {at}"),
    "alerts.open_profile": ("打开商户画像", "Open the merchant's profile"),
    "alerts.self_check": ("生成自查报告（提醒商户）", "Self-check report for a reminder"),
    "alerts.self_check.help": (
        "打开该商户在预警月份的自查报告：未入库、逾期、金额不符和重复的发票清单，可随提醒一并发给商户。",
        "Opens the merchant's self-check report for the alert's month: the missing, late, "
        "mismatched and duplicate invoices, to send to the merchant with a reminder.",
    ),
    "alerts.history": ("处理记录", "History"),
    "alerts.event.at": ("时间", "When"),
    "alerts.event.by": ("操作人", "By"),
    "alerts.event.action": ("操作", "Action"),
    "alerts.event.note": ("备注", "Note"),
    "alerts.system": ("系统", "system"),
    "alerts.who": ("处理人", "Your name"),
    "alerts.who.help": (
        "必填，随处理记录写入仓库；本次会话中会记住。",
        "Required; written to the warehouse with the action and remembered for this session.",
    ),
    "alerts.note": ("备注", "Note"),
    "alerts.note.help": (
        "确认时可选；处理完毕时必填，说明采取了什么措施。",
        "Optional when acknowledging; required when resolving: say what was done.",
    ),
    "alerts.acknowledge": ("确认（跟进中）", "Acknowledge"),
    "alerts.resolve": ("处理完毕", "Resolve"),
    "alerts.who_required": ("请填写处理人。", "Enter your name first."),
    "alerts.note_required": (
        "处理完毕须填写备注，说明采取了什么措施。",
        "A resolution needs a note saying what was done.",
    ),
    "alerts.bulk": ("批量处理（{n} 条未处理预警）", "Act on several alerts ({n} open)"),
    "alerts.bulk.caption": (
        "同一原因（如某开票软件上传故障）引发的多条预警可一并确认或处理完毕，只填一次处理人和备注；"
        "全部写入或全部不写入。可选的是上方筛选后的未处理预警。",
        "Alerts with one cause (say a vendor's upload outage) can be acknowledged or resolved "
        "together, with one name and one note; all of them are written or none. The choice is "
        "the open alerts of the queue as filtered above.",
    ),
    "alerts.bulk.pick": ("选择预警（可多选）", "Alerts"),
    "alerts.bulk.all": ("选择全部 {n} 条", "Choose all {n}"),
    "alerts.bulk.acknowledge": ("确认所选 {n} 条", "Acknowledge {n}"),
    "alerts.bulk.resolve": ("所选 {n} 条处理完毕", "Resolve {n}"),
    "alerts.bulk.ack_help": (
        "只有新预警可以确认；所选中有已确认（跟进中）的预警时，请直接处理完毕。",
        "Only new alerts can be acknowledged; when some of those chosen are acknowledged "
        "already, resolve them instead.",
    ),
    "alerts.bulk.none": ("请先选择预警。", "Choose alerts first."),
    "alerts.bulk.done.acknowledge": (
        "{n} 条预警已由 {by} 确认。",
        "{n} alerts acknowledged by {by}.",
    ),
    "alerts.bulk.done.resolve": ("{n} 条预警已由 {by} 处理完毕。", "{n} alerts resolved by {by}."),
    "alerts.done.acknowledge": ("预警 #{id} 已由 {by} 确认。", "Alert #{id} acknowledged by {by}."),
    "alerts.done.resolve": ("预警 #{id} 已由 {by} 处理完毕。", "Alert #{id} resolved by {by}."),
    "alerts.busy": (
        "仓库正被导入或分析任务占用，未写入任何内容。请稍后再试。",
        "The warehouse is busy with an import or an analysis; nothing was written. Try again "
        "in a moment.",
    ),
    "alerts.changed": (
        "该预警的状态已被他人更改，请查看最新状态后再操作。",
        "Someone else changed this alert meanwhile; check its status and try again.",
    ),
    "alerts.not_found": ("仓库中找不到该预警。", "The alert is not in the warehouse."),
    "alerts.resolved_already": (
        "该预警已处理完毕。条件再次出现时会生成新的预警。",
        "This alert is resolved. If the condition recurs, a new alert is raised.",
    ),
    "alerts.whatif": ("规则试算：换一组预警阈值", "Rule what-if: other alert thresholds"),
    "alerts.whatif.toggle": ("打开规则试算", "Open the rule what-if"),
    "alerts.whatif.hint": (
        "改动规则的变化幅度、水平和门槛，看 {first} 至 {last} 各规则会命中哪些商户月、比现行规则"
        "多出或少了哪些；按侧栏的行政区等筛选计算。统计的是条件成立的商户月，不是预警条数："
        "同一条件仍未处理时不会重复生成预警。不改动任何预警。",
        "Change the rules' change, level and floor and see which merchant-months each rule "
        "would flag in {first} to {last}, and which it would add or drop against the rules in "
        "force; within the sidebar's districts and other filters. These are conditions met, "
        "not alerts: an alert is not raised again while the same condition is still open. No "
        "alert is changed.",
    ),
    "alerts.whatif.closed": (
        "试一组不同的变化幅度、水平或门槛，看近几个月会多出或少了哪些预警条件；不改动任何预警。",
        "Try other changes, levels or floors and see which alert conditions of the last months "
        "they would add or drop; no alert is changed.",
    ),
    "alerts.whatif.rule": ("规则", "Rule"),
    "alerts.whatif.enabled": ("启用", "On"),
    "alerts.whatif.relative": ("变化幅度", "Change"),
    "alerts.whatif.level": ("水平（比例以 % 计）", "Level (rates in %)"),
    "alerts.whatif.floor": ("门槛", "Floor"),
    "alerts.whatif.unit.points": ("个百分点", "percentage points"),
    "alerts.whatif.unit.ratio": ("倍于上月", "times last month"),
    "alerts.whatif.unit.flag": ("由异常检测阈值决定", "set by the anomaly threshold"),
    "alerts.whatif.floor_of": ("{metric} ≥", "{metric} ≥"),
    "alerts.whatif.apply": ("试算", "Try"),
    "alerts.whatif.computing": ("正在试算…", "Trying the rules…"),
    "alerts.whatif.invalid": ("这组规则无法使用：{reason}", "These rules cannot be used: {reason}"),
    "alerts.whatif.none_left": ("至少启用一条规则。", "Keep at least one rule on."),
    "alerts.whatif.same": (
        "与现行规则相同。修改上面的数值后点「试算」。",
        "The same as the rules in force. Change a value above, then Try.",
    ),
    "alerts.whatif.now": ("现行规则命中", "Rules in force"),
    "alerts.whatif.new": ("试算命中", "What-if"),
    "alerts.whatif.added": ("新增", "Added"),
    "alerts.whatif.dropped": ("不再命中", "Dropped"),
    "alerts.whatif.differences": ("命中有变化的商户月", "Merchant-months that change"),
    "alerts.whatif.no_differences": (
        "试算与现行规则命中的商户月相同。",
        "The what-if flags the same merchant-months as the rules in force.",
    ),
    "alerts.whatif.shown": (
        "显示前 {shown} 条，共 {total} 条（新增在前）。",
        "Showing {shown} of {total} (added first).",
    ),
    "alerts.whatif.change": ("变化", "Change"),
    "alerts.whatif.change.added": ("+ 新增", "+ added"),
    "alerts.whatif.change.dropped": ("− 不再命中", "− dropped"),
    "alerts.whatif.month": ("月份", "Month"),
    "alerts.whatif.value": ("本月", "This month"),
    "alerts.whatif.previous": ("上月", "Month before"),
    "alerts.whatif.floor_value": ("门槛指标", "Floor metric"),
    "alerts.whatif.download": ("下载修改后的规则文件", "Download the changed rules file"),
    "alerts.whatif.download.help": (
        "交系统管理员替换 data/reference/alert_rules.toml；下一次 analyse 按新规则生成预警，"
        "已有的预警不变。",
        "For the operator to replace data/reference/alert_rules.toml with; the next analyse "
        "raises alerts by the new rules, and the alerts already raised stay as they are.",
    ),
}
