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
    "alerts.incident.cell": (
        "{vendor} {first} 至 {last}：{failed} / {total} 张",
        "{vendor} {first} to {last}: {failed} of {total}",
    ),
    "alerts.detail.incident": (
        "该商户在预警月份中的 {total} 张逾期或未入库发票，有 {failed} 张开具于其开票软件"
        "（{vendor}）{first} 至 {last} 的系统性延迟期间：同一软件的商户当时普遍未能按时入库。"
        "处理前请先核实软件故障是否已恢复、发票是否已补传。",
        "Of this merchant's {total} invoices late or missing in the alert's months, {failed} "
        "were issued during a delay at its invoicing software ({vendor}) from {first} to "
        "{last}, when that software's merchants in general failed to enter on time. Before "
        "acting, check whether the software is working again and the invoices have been sent.",
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
}
