"""Labels of the Entry-risk page (入库风险预测) and the profile's forecast section."""

LABELS: dict[str, tuple[str, str]] = {
    "entry_risk.title": ("入库风险预测", "Entry-risk forecast"),
    "entry_risk.intro": (
        "预测 {period} 各商户是否会有发票逾期入库或未入库"
        "（至少一张未在 {deadline} 个工作日内入库；开票软件系统性延迟期间开具的不计）。"
        "依据截至 {based_on} 已过入库期限的各月数据；"
        "模型为逻辑回归，风险按最近 {months} 个月的样本外结果校准，每个预测列出推高风险的指标。",
        "Whether each merchant will have an invoice entered late or not at all in {period} (at "
        "least one not in the tax system within {deadline} working days; those issued during a "
        "delay at its invoicing software do not count). Based on the months "
        "to {based_on} whose deadlines have passed; the model is a logistic regression whose "
        "risks are calibrated on its last {months} months forecast out of time, and each "
        "forecast names the inputs that raised it.",
    ),
    "entry_risk.none": (
        "还没有预测：需要至少三个已过入库期限的月份，且其中既有按时入库也有逾期或未入库的商户。",
        "No forecast yet: it needs at least three months whose deadlines have passed, with "
        "merchants both on time and late or missing among them.",
    ),
    "entry_risk.scope": (
        "范围：侧栏的地区、行业、规模、开票软件和主体类型；月份范围不适用（预测针对一个月）。",
        "Scope: the sidebar's districts, industries, size bands, vendors and entity type; the "
        "month range does not apply (the forecast is for one month).",
    ),
    "entry_risk.kpi.merchants": ("预测商户数", "Merchants forecast"),
    "entry_risk.kpi.expected": ("预计出现逾期/未入库的商户", "Merchants expected to fail"),
    "entry_risk.kpi.expected.help": (
        "各商户风险概率之和：若模型校准良好，即预计 {period} 有逾期或未入库发票的商户数。",
        "The sum of the merchants' risks: if the model is well calibrated, how many will have "
        "a late or missing invoice in {period}.",
    ),
    "entry_risk.kpi.high": ("风险 ≥ {threshold} 的商户", "Merchants at risk ≥ {threshold}"),
    "entry_risk.evaluation": (
        "样本外检验（{months}，每月只用此前各月训练）：ROC AUC {auc}，"
        "「近6个月失败月数」规则 {rule_auc}，「上月未按时入库占比」规则 {last_auc}；"
        "前 k 名命中率 {p_at_k}，规则 {rule_p_at_k}（k = 实际出现逾期/未入库的 {k} 家）。",
        "Out of time ({months}, each month forecast by a model of the months before it only): "
        "ROC AUC {auc}, against {rule_auc} for the rule 'months with failures in the last six' "
        "and {last_auc} for 'last month's share not on time'; precision at k {p_at_k}, the "
        "rule {rule_p_at_k} (k = the {k} merchants that did fail).",
    ),
    "entry_risk.calibration": (
        "校准：样本外检验的 {months} 个月中，模型预计 {expected} 家次出现逾期或未入库，"
        "实际 {failed} 家次（Brier 分数 {brier}，越小越好）。",
        "Calibration: in the {months} out-of-time months the model expected {expected} "
        "merchant-months to fail, and {failed} did (Brier score {brier}; lower is better).",
    ),
    "entry_risk.calibration.raw": (
        "未经校准时预计 {raw} 家次。",
        "Uncalibrated, it expected {raw}.",
    ),
    "entry_risk.recalibration": (
        "风险校准：模型得出的对数几率乘以 {slope} 再加上 {intercept}；"
        "这两个数由最近 {months} 个已知结果的月份拟合（每月只用此前各月训练的模型预测），"
        "修正模型在新月份上系统性偏高或偏低，不改变同一月内商户的排序。",
        "Risk calibration: each risk's log-odds from the model are multiplied by {slope} and "
        "{intercept} is added; both are fitted on the last {months} months with known outcomes, "
        "each forecast by a model of the months before it only. This corrects a model that "
        "runs high or low on new months, and keeps the order of merchants within a month.",
    ),
    "entry_risk.reliability": ("校准曲线", "Calibration curve"),
    "entry_risk.reliability.caption": (
        "样本外检验的商户月按预测风险从低到高分成十组，每组人数相同：横轴为该组的平均预测风险，"
        "纵轴为该组实际出现逾期或未入库的比例。校准良好的预测落在虚线上；点在虚线下方表示高估。",
        "The out-of-time merchant-months in ten equal groups, lowest risk first: across, the "
        "group's mean forecast risk; up, the share that did have a late or missing invoice. A "
        "calibrated forecast lies on the dashed line; points below it were forecast too high.",
    ),
    "entry_risk.reliability.groups": ("十分组", "Tenths by risk"),
    "entry_risk.reliability.diagonal": ("预测 = 实际", "Forecast = occurred"),
    "entry_risk.reliability.hover": (
        "预测 %{x:.1%}，实际 %{y:.1%}（%{customdata:,d} 个商户月）",
        "forecast %{x:.1%}, occurred %{y:.1%} (%{customdata:,d} merchant-months)",
    ),
    "entry_risk.reliability.x": ("平均预测风险", "Mean forecast risk"),
    "entry_risk.reliability.y": ("实际逾期/未入库比例", "Share late or missing"),
    "entry_risk.evaluation.none": (
        "历史太短，尚无样本外检验。",
        "Too little history for an out-of-time measurement yet.",
    ),
    "entry_risk.coefficients": ("模型系数", "Model coefficients"),
    "entry_risk.coefficients.caption": (
        "标准化系数：该指标高出平均一个标准差时对数几率的变化；正数推高风险。",
        "Standardised coefficients: the change in log-odds for one standard deviation above "
        "the average; positive raises the risk.",
    ),
    "entry_risk.col.feature": ("指标", "Input"),
    "entry_risk.col.coefficient": ("系数", "Coefficient"),
    "entry_risk.feature.failed_months": ("近6个月失败月数", "Months with failures (of 6)"),
    "entry_risk.feature.invoices_due_log": ("上月应入库发票数（对数）", "Invoices due (log)"),
    "entry_risk.feature.not_on_time_share": ("上月未按时入库占比", "Share not on time"),
    "entry_risk.feature.delay_p95": ("上月入库延迟P95", "Entry delay p95"),
    "entry_risk.feature.active_months": ("近6个月开票月数", "Months invoiced (of 6)"),
    "entry_risk.feature.volume_change": ("开票量环比", "Volume change"),
    "entry_risk.list": ("风险最高的商户", "Merchants at highest risk"),
    "entry_risk.list.caption": (
        "按风险从高到低，最多列出 {n} 家；原因是推高该商户风险最多的指标（最多三项）。",
        "Highest risk first, at most {n}; the reasons are the inputs that raised the "
        "merchant's risk most (up to three).",
    ),
    "entry_risk.min_risk": ("风险下限", "Lowest risk listed"),
    "entry_risk.min_risk.help": (
        "只列出风险不低于此值的商户，例如 50%：逾期或未入库的可能性大于不会；"
        "下载和自查报告也只含这些商户。",
        "List only the merchants at this risk or above, e.g. 50%: a failure more likely than "
        "not; the downloads and self-check reports hold only these.",
    ),
    "entry_risk.list.floor": (
        "仅列出风险 ≥ {floor} 的商户。",
        " Only merchants at risk ≥ {floor}.",
    ),
    "entry_risk.col.risk": ("风险", "Risk"),
    "entry_risk.col.reasons": ("原因", "Reasons"),
    "entry_risk.col.failed_months": ("近6个月失败月数", "Months with failures (of 6)"),
    "entry_risk.col.invoices_due": ("上月应入库发票", "Invoices due last month"),
    "entry_risk.col.not_on_time": ("上月未按时入库", "Not on time last month"),
    "entry_risk.profile": ("入库风险预测", "Entry-risk forecast"),
    "entry_risk.profile.line": (
        "{period} 出现逾期或未入库发票的风险：{risk}（在 {n} 家商户中排第 {rank}）。",
        "Risk of a late or missing invoice in {period}: {risk} (rank {rank} of {n}).",
    ),
    "entry_risk.profile.none": (
        "该商户没有预测（近6个月无开票，或还没有预测）。",
        "No forecast for this merchant (no invoices in the last six months, or none yet).",
    ),
    "entry_risk.profile.no_reasons": (
        "没有指标推高其风险（各项均不高于平均）。",
        "No input raised its risk (each is at or below the average).",
    ),
}
