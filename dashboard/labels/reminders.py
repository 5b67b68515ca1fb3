"""Reminders (催报): recording them from Entry monitoring and showing them on the profile."""

LABELS: dict[str, tuple[str, str]] = {
    "reminders.record": ("记录催报", "Record a reminder"),
    "reminders.caption": (
        "通过电话、短信、电子税务局消息或上门提醒商户后，在此记录：写入仓库，下一位工作人员"
        "可看到哪些商户已催报；此后新增的待入库发票计入“未催报”。",
        "After reminding merchants by phone, SMS, an 电子税务局 message or a visit, record it "
        "here: it is kept in the warehouse, so the next official sees who was reminded; invoices "
        "that become pending afterwards count as not reminded.",
    ),
    "reminders.pick": ("已催报的商户", "Merchants reminded"),
    "reminders.pick.placeholder": ("选择表中的商户", "Choose merchants of the table"),
    "reminders.pick_due": (
        "选中剩余不足 1 个工作日且未催报的 {n} 家",
        "Choose the {n} due within 1 working day and not reminded",
    ),
    "reminders.who": ("催报人", "Reminded by"),
    "reminders.who.help": (
        "必填，随催报记录写入仓库；本次会话中会记住。",
        "Required; written to the warehouse with the record and remembered for this session.",
    ),
    "reminders.channel": ("方式", "Channel"),
    "reminders.channel.phone": ("电话", "Phone"),
    "reminders.channel.sms": ("短信", "SMS"),
    "reminders.channel.etax_message": ("电子税务局消息", "电子税务局 message"),
    "reminders.channel.visit": ("上门", "Visit"),
    "reminders.channel.other": ("其他", "Other"),
    "reminders.note": ("备注", "Note"),
    "reminders.save": ("记录 {n} 家的催报", "Record the reminder for {n}"),
    "reminders.none": ("请先选择商户。", "Choose the merchants first."),
    "reminders.who_required": ("请填写催报人。", "Enter who reminded them first."),
    "reminders.done": (
        "已记录 {n} 家商户的催报（{by}）。",
        "Recorded the reminder of {n} merchant(s) ({by}).",
    ),
    "reminders.again": (
        "{n} 家今天已有相同的记录，未重复写入。",
        "{n} had the same record today and were not written again.",
    ),
    "reminders.stale": (
        "未记录：所选商户中有的已没有待入库发票（数据已更新）。请重新选择。",
        "Nothing recorded: some of the chosen merchants have no invoice pending any more (the "
        "data was updated). Choose again.",
    ),
    "reminders.busy": (
        "仓库正被导入或分析任务占用，未写入任何内容。请稍后再试。",
        "The warehouse is busy with an import or an analysis; nothing was written. Try again "
        "in a moment.",
    ),
    "reminders.history": (
        "催报记录：{n} 次，最近一次 {at}（{by}）。",
        "Reminded {n} time(s), last on {at} ({by}).",
    ),
    "reminders.col.at": ("催报时间", "Reminded at"),
    "reminders.col.channel": ("方式", "Channel"),
    "reminders.col.invoices": ("涉及发票", "Invoices"),
    "reminders.outcome.on_time": ("按期入库", "Entered in time"),
    "reminders.outcome.late": ("逾期入库", "Entered late"),
    "reminders.outcome.missing": ("逾期未入库", "Missing"),
    "reminders.outcome.other": ("其他异常", "Other exception"),
    "reminders.outcome.pending": ("仍待入库", "Still pending"),
    "reminders.outcomes": (
        "已催报的发票 {invoices} 张：按期入库 {outcome_on_time}，逾期入库 {outcome_late}，"
        "逾期未入库 {outcome_missing}，其他异常（如金额不符）{outcome_other}，仍待入库 "
        "{outcome_pending}。",
        "Invoices reminded about: {invoices}. Entered in time {outcome_on_time}, entered late "
        "{outcome_late}, missing {outcome_missing}, another exception (such as an amount "
        "mismatch) {outcome_other}, still pending {outcome_pending}.",
    ),
    "reminders.col.as_of": ("清单数据时间", "List as of"),
    "reminders.not_reminded": ("未催报", "Not reminded"),
    "reminders.last": ("上次催报", "Last reminded"),
}
