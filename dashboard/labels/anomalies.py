"""Labels of the Anomalies page (异常检测)."""

LABELS: dict[str, tuple[str, str]] = {
    "anomalies.title": ("异常检测", "Anomaly detection"),
    "anomalies.model": (
        "模型：孤立森林（{trees} 棵树，随机种子 {seed}），按同类商户比较 {features} 项指标，"
        "训练样本 {rows} 个商户月；得分 ≥ {threshold} 的商户月被标记为异常"
        "（约占训练样本的 {share}）。",
        "Model: isolation forest ({trees} trees, seed {seed}) over {features} features compared "
        "with peers, trained on {rows} merchant-months; months scoring ≥ {threshold} are flagged "
        "(about {share} of the training sample).",
    ),
    "anomalies.threshold": ("异常分阈值", "Score threshold"),
    "anomalies.threshold.help": (
        "拖动查看超过任一阈值的商户月；模型自身的标记阈值为 {model}。",
        "Move it to see what lies above any threshold; the model's own flag threshold is {model}.",
    ),
    "anomalies.kpi.months": ("商户月", "Merchant-months"),
    "anomalies.kpi.months_above": ("超过阈值的商户月", "Merchant-months above"),
    "anomalies.kpi.merchants_above": ("超过阈值的商户", "Merchants above"),
    "anomalies.kpi.flagged": ("模型标记的商户月", "Flagged by the model"),
    "anomalies.kpi.share": ("占 {share}", "{share} of all"),
    "anomalies.kpi.of_merchants": ("共 {n} 家", "of {n}"),
    "anomalies.distribution": ("异常分分布", "Score distribution"),
    "anomalies.below": ("低于阈值", "Below the threshold"),
    "anomalies.above": ("达到或超过阈值", "At or above the threshold"),
    "anomalies.line.threshold": ("阈值 {value}", "threshold {value}"),
    "anomalies.line.model": ("模型阈值 {value}", "model {value}"),
    "anomalies.axis.score": ("异常分（越高越异常）", "Anomaly score (higher = more anomalous)"),
    "anomalies.axis.count": ("商户月（对数刻度）", "Merchant-months (log scale)"),
    "anomalies.top": ("最异常的商户", "Most anomalous merchants"),
    "anomalies.top.caption": (
        "至少有一个月达到阈值的商户，按期间异常分排序（所选期间内最高两个月异常分的平均值）；"
        "原因为其期间内最异常月份的前三项。最多列出 {n} 家。",
        "Merchants with at least one month at or above the threshold, by their score over the "
        "range (the mean of their two highest monthly scores); the reasons are those of their "
        "most anomalous month in the range. At most {n} are listed.",
    ),
    "anomalies.months": (
        "超过阈值的商户月及原因",
        "Merchant-months above the threshold, explained",
    ),
    "anomalies.months.caption": (
        "按异常分从高到低，最多列出 {n} 个。原因只为模型标记的月份"
        "（以及每家商户最异常的月份）生成；阈值调低后多出的月份显示为 —。",
        "Highest first, at most {n}. Reasons are stored for the months the model flagged (and "
        "each merchant's most anomalous month); months that only a lower threshold brings in "
        "show —.",
    ),
    "anomalies.none_above": ("没有商户月达到该阈值。", "No merchant-month reaches this threshold."),
    "anomalies.col.merchant_score": ("期间异常分", "Score over the range"),
    "anomalies.col.worst_period": ("最异常月份", "Worst month"),
    "anomalies.col.worst_score": ("该月异常分", "Its score"),
    "anomalies.col.months_above": ("超过阈值的月数", "Months above"),
    "anomalies.col.months_scored": ("评分月数", "Months scored"),
    "anomalies.col.explanation": ("原因（前三项）", "Why (top three)"),
    "anomalies.col.score": ("异常分", "Anomaly score"),
    "anomalies.col.flagged": ("模型标记", "Flagged"),
    "anomalies.col.rank": ("当月排名", "Rank in month"),
    "anomalies.evaluation": (
        "模型评估：对照模拟数据中植入的真值",
        "Evaluation against the planted truth of the synthetic data",
    ),
    "anomalies.eval.auc": ("ROC AUC（商户级）", "ROC AUC (merchants)"),
    "anomalies.eval.precision": ("前 k 名精确率（k = {k}）", "Precision at k (k = {k})"),
    "anomalies.eval.top3": ("解释命中率（前三项）", "Top-3 explanation hit"),
    "anomalies.eval.planted": ("植入异常的商户", "Planted merchants"),
    "anomalies.eval.of": ("共 {n} 家商户", "of {n} merchants"),
    "anomalies.eval.caption": (
        "商户得分 = 各商户最高两个月异常分的平均值；k = 植入异常的商户数。"
        "解释命中 = 植入原因对应的指标出现在该商户最异常植入月份的前三项原因中。"
        "归因方法：{method}；随机种子 {seed}；评估于 {when}。",
        "Merchant score = the mean of its two highest monthly scores; k = the number of planted "
        "merchants. A top-3 hit = a feature expressing the planted cause is among the three "
        "reasons given for the merchant's most anomalous planted month. Attribution: {method}; "
        "seed {seed}; evaluated {when}.",
    ),
    "anomalies.method.occlusion": (
        "遮挡法（逐项还原为同类中位数时异常分的下降）",
        "occlusion (the score's fall when a feature is set back to the peer median)",
    ),
    "anomalies.method.diffi": ("DIFFI（路径深度加权）", "DIFFI (depth-weighted splits)"),
    "anomalies.method.depth": ("路径深度", "path depth"),
    "anomalies.method.zscore": ("同类 z 分数", "peer z-score"),
    "anomalies.eval.cause": ("植入原因", "Planted cause"),
    "anomalies.eval.merchants": ("商户数", "Merchants"),
    "anomalies.eval.detected": ("进入前 k 名", "In the top k"),
    "anomalies.eval.cause_top3": ("解释命中", "Top-3 hit"),
    "anomalies.eval.median_rank": ("排名中位数", "Median rank"),
    "anomalies.no_truth": (
        "本仓库没有植入的真值（这是真实数据，不是模拟数据），因此没有可显示的模型评估。",
        "This warehouse has no planted truth (real rather than synthetic data), so there is no "
        "evaluation to show.",
    ),
}
