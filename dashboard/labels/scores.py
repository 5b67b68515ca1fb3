"""Labels shared by the score pages and profile sections: simulated grades, the simulation
note, anomaly causes and explanations, alert statuses, severities and history actions."""

PREFIXES = (
    "scores",
    "grade",
    "cause",
    "alert_status",
    "severity",
    "alert_action",
    "direction",
    "nav",
)

LABELS: dict[str, tuple[str, str]] = {
    # navigation entries of the pages these labels serve (the sections are in common.py)
    "nav.ranking": ("商户排名", "Merchant ranking"),
    "nav.anomalies": ("异常检测", "Anomalies"),
    "nav.alerts": ("预警中心", "Alerts"),
    "nav.self_check": ("自查报告", "Self-check reports"),
    "scores.simulation": (
        "模拟评级：官方纳税信用评价中的发票扣分标准未公开，本页的合规评分和等级按假设规则模拟"
        "（data/reference/credit_scheme.toml），仅供参考，不是税务机关的评价结果。",
        "Simulated grades: the official 纳税信用 invoice deductions are not public, so these "
        "compliance scores and grades follow assumed rules (data/reference/credit_scheme.toml). "
        "For reference only; they are not the tax authority's rating.",
    ),
    "scores.score": ("模拟评分", "Simulated score"),
    "scores.grade": ("模拟等级", "Simulated grade"),
    "scores.rank": ("排名", "Rank"),
    "scores.rank_in_district": ("区内排名", "Rank in district"),
    "scores.points_deducted": ("扣分", "Points deducted"),
    "scores.summary": ("扣分原因", "Deductions"),
    "scores.m_reason": ("不予评级原因", "Why not rated"),
    "scores.anomaly_score": ("异常分", "Anomaly score"),
    "scores.months_flagged": ("异常月数", "Months flagged"),
    "scores.invoices": ("开票数", "Invoices issued"),
    "scores.period.quarter": ("{period} 季度", "Quarter {period}"),
    "scores.period.quarter_partial": (
        "{period} 季度（未结束，数据截至 {as_of}）",
        "Quarter {period} (not over, data to {as_of})",
    ),
    "scores.period.window": (
        "近 12 个月（{first} 至 {last}）",
        "Trailing 12 months ({first} – {last})",
    ),
    "scores.no_scores": (
        "快照中还没有评分结果：请运行 `fapiao-watch analyse`，完成后刷新本页。",
        "The snapshot holds no scores yet: run `fapiao-watch analyse`, then reload this page.",
    ),
    # profile section 30: the score breakdown
    "scores.breakdown": ("合规评分构成（模拟）", "Compliance score breakdown (simulation)"),
    "scores.breakdown.period": ("评分期间", "Scoring period"),
    "scores.breakdown.none": (
        "该商户没有模拟评分（评分按季度和近 12 个月计算）。",
        "The merchant has no simulated score (scores are per quarter and trailing 12 months).",
    ),
    "scores.breakdown.previous": ("上期（{period}）：{grade}", "Previous ({period}): {grade}"),
    "scores.breakdown.of": ("参与评级 {n} 家", "of {n} rated"),
    "scores.breakdown.not_rated": ("不予评级", "Not rated"),
    "scores.breakdown.clean": ("本期没有规则扣分。", "No rule deducted points in this period."),
    "scores.breakdown.other_rules": ("未扣分的规则（{n} 条）", "Rules without deduction ({n})"),
    "scores.breakdown.start": ("满分", "Start"),
    "scores.breakdown.total": ("模拟评分", "Score"),
    "scores.breakdown.axis": ("分", "Points"),
    "scores.breakdown.caption": (
        "从 100 分起按规则扣分（模拟）：A ≥ 90，B 70–89，C 40–69，D < 40；登记未满 12 个月或"
        "开票过少的商户为 M（不予评级）。",
        "Points are deducted from 100 by rule (simulation): A ≥ 90, B 70–89, C 40–69, D < 40; "
        "merchants registered under 12 months or with too few invoices are M (not rated).",
    ),
    "scores.breakdown.history": ("各期模拟评分", "Simulated scores by period"),
    # profile section 35: the anomaly explanation
    "scores.anomaly": ("异常检测解释", "Anomaly explanation"),
    "scores.anomaly.none": (
        "所选期间该商户没有异常分。",
        "The merchant has no anomaly scores in the period.",
    ),
    "scores.anomaly.worst": ("最异常的月份 {period}", "Most anomalous month, {period}"),
    "scores.anomaly.latest": ("最近的月份 {period}", "Latest month, {period}"),
    "scores.anomaly.score_line": (
        "异常分 {score}（{state}）",
        "Anomaly score {score} ({state})",
    ),
    "scores.anomaly.flagged": ("已标记为异常", "flagged as anomalous"),
    "scores.anomaly.not_flagged": (
        "低于标记阈值 {threshold}",
        "below the flag threshold {threshold}",
    ),
    "scores.anomaly.no_words": (
        "该月未被标记，没有生成解释。",
        "The month was not flagged, so no explanation was stored.",
    ),
    "scores.anomaly.same": (
        "最近的月份即最异常的月份。",
        "The latest month is the most anomalous.",
    ),
    "scores.anomaly.feature": ("指标", "Feature"),
    "scores.anomaly.value": ("本月", "This month"),
    "scores.anomaly.peer": ("同类商户中位数", "Peer median"),
    "scores.anomaly.direction": ("与同类相比", "vs peers"),
    "scores.anomaly.contribution": ("对异常分的贡献", "Contribution to the score"),
    "scores.anomaly.threshold": ("标记阈值 {value}", "flag threshold {value}"),
    "scores.anomaly.flag_marker": ("被标记的月份", "Flagged month"),
    "scores.anomaly.axis": ("异常分", "Anomaly score"),
    "scores.anomaly.caption": (
        "孤立森林按同类商户（行业 × 规模）比较各项指标；分数越高越异常，虚线为模型的标记阈值。"
        "“贡献”为把该指标还原为同类中位数时异常分的下降。",
        "An isolation forest compares each feature with the merchant's peers (industry × size); "
        "higher is more anomalous, the dashed line is the model's flag threshold. "
        "“Contribution to the score” is how much the score falls when that feature is set back "
        "to the peer median.",
    ),
    "direction.higher": ("偏高", "higher"),
    "direction.lower": ("偏低", "lower"),
    "grade.A": ("A", "A"),
    "grade.B": ("B", "B"),
    "grade.C": ("C", "C"),
    "grade.D": ("D", "D"),
    "grade.M": ("M（不予评级）", "M (not rated)"),
    "cause.chronic_late_entry": ("长期逾期入库", "Chronic late entry"),
    "cause.silent_drop": ("发票悄然未入库", "Invoices silently not entered"),
    "cause.under_invoicing": ("少开票", "Under-invoicing"),
    "cause.vendor_export_broken": ("开票软件导出缺失", "Broken vendor export"),
    "cause.volume_spike": ("开票量激增", "Volume spike"),
    "cause.duplicate_submission": ("重复开票", "Duplicate submission"),
    "cause.excess_red_reversal": ("红冲过多", "Excess red-letter reversals"),
    "alert_status.new": ("新预警", "New"),
    "alert_status.acknowledged": ("已确认（跟进中）", "Acknowledged"),
    "alert_status.resolved": ("已处理", "Resolved"),
    "severity.high": ("高", "High"),
    "severity.medium": ("中", "Medium"),
    "severity.low": ("低", "Low"),
    "alert_action.created": ("生成", "Created"),
    "alert_action.seen_again": ("再次出现", "Seen again"),
    "alert_action.acknowledged": ("确认", "Acknowledged"),
    "alert_action.resolved": ("处理完毕", "Resolved"),
}
