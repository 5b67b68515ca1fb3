"""Labels of the Merchant ranking page (商户排名)."""

LABELS: dict[str, tuple[str, str]] = {
    "ranking.title": ("商户排名（模拟评级）", "Merchant ranking (simulated grades)"),
    "ranking.period": ("评分期间", "Scoring period"),
    "ranking.scope": (
        "评分期间在此选择（季度或近 12 个月）；侧栏的月份范围不适用于本页，"
        "行政区、行业等其他筛选适用。",
        "Choose the scoring period here (a quarter or the trailing 12 months); the sidebar's "
        "months do not apply on this page, its other filters do.",
    ),
    "ranking.search": ("按名称或统一社会信用代码搜索", "Search by name or USCC"),
    "ranking.grades": ("只看这些等级", "Only these grades"),
    "ranking.kpi.merchants": ("商户数", "Merchants"),
    "ranking.kpi.rated": ("参与评级", "Rated (A–D)"),
    "ranking.kpi.a_share": ("A 级占比", "Grade A share"),
    "ranking.kpi.cd": ("C、D 级", "Grades C and D"),
    "ranking.kpi.mean": ("平均模拟评分", "Mean score"),
    "ranking.kpi.help": (
        "参与评级 = 不含 M 级（登记未满 12 个月或开票过少）的商户；"
        "占比和平均分按参与评级的商户计算。",
        "Rated = merchants other than M (registered under 12 months or too few invoices); the "
        "share and the mean are over rated merchants.",
    ),
    "ranking.distribution": ("模拟等级分布", "Simulated grade distribution"),
    "ranking.by_district": ("按行政区", "By district"),
    "ranking.axis.merchants": ("商户数", "Merchants"),
    "ranking.axis.share": ("占该区商户", "Share of the district's merchants"),
    "ranking.migration": ("与上一期相比的等级变化", "Grades against the previous period"),
    "ranking.migration.none": (
        "没有上一期（{previous}）的模拟评分，无法比较等级变化。",
        "There are no simulated scores for the previous period ({previous}) to compare with.",
    ),
    "ranking.migration.down": ("降级", "Downgraded"),
    "ranking.migration.up": ("升级", "Upgraded"),
    "ranking.migration.same": ("等级不变", "Grade kept"),
    "ranking.migration.new": ("上期无评分", "Not scored before"),
    "ranking.migration.help": (
        "降级、升级和不变只比较两期都参与评级（A–D）的商户；上期为 M 级或本期为 M 级的商户"
        "只在下图中出现。",
        "Downgraded, upgraded and kept count merchants rated (A–D) in both periods; those "
        "graded M in either period appear only in the chart below.",
    ),
    "ranking.migration.before": ("上期（{period}）", "Previous ({period})"),
    "ranking.migration.now": ("本期（{period}）", "This period ({period})"),
    "ranking.migration.caption": (
        "每格为从上期等级（行）变为本期等级（列）的商户数：对角线为等级不变，右侧为降级，"
        "左侧为升级。只含两期都有评分的商户。",
        "Each cell counts merchants going from the previous grade (row) to this period's grade "
        "(column): the diagonal kept its grade, right of it fell, left of it rose. Only "
        "merchants scored in both periods.",
    ),
    "ranking.previous_grade": ("上期等级", "Previous grade"),
    "ranking.change": ("等级变化", "Change"),
    "ranking.change.down": ("↓ 降级", "↓ down"),
    "ranking.change.up": ("↑ 升级", "↑ up"),
    "ranking.change.same": ("= 不变", "= kept"),
    "ranking.down_only": ("只看降级的商户", "Only downgraded merchants"),
    "ranking.table": ("排名", "Ranking"),
    "ranking.shown": (
        "显示 {shown} 家，共 {total} 家。点击列名可排序。"
        "异常分为该期间各月异常分中最高两个月的平均值。",
        "Showing {shown} of {total} merchants. Click a column header to sort. The anomaly score "
        "is the mean of the merchant's two highest monthly scores in the period.",
    ),
    "ranking.none_found": (
        "没有符合搜索条件的商户。",
        "No merchant matches the search.",
    ),
    "ranking.whatif": ("假设分析：调整模拟规则", "What-if: change the simulated rules"),
    "ranking.whatif.toggle": ("打开假设分析", "Open the what-if"),
    "ranking.whatif.hint": (
        "改动扣分规则的阈值、每单位扣分、上限或等级分数线，看本期商户的模拟等级会怎样变化；"
        "不改动已保存的评分。",
        "Change the rules' thresholds, points per unit, caps or the grade bands and see how "
        "this period's simulated grades would move; the stored scores are not changed.",
    ),
    "ranking.whatif.scheme_changed": (
        "规则文件在本期评分之后已被修改：下面的默认值是文件中的规则，与已保存的评分不同之处会"
        "显示为变化，下一次分析后生效。",
        "The scheme file changed after this period was scored: the defaults below are the "
        "file's rules, and where they differ from the stored scores it shows as a change, which "
        "the next analysis makes real.",
    ),
    "ranking.whatif.rule": ("规则", "Rule"),
    "ranking.whatif.enabled": ("启用", "On"),
    "ranking.whatif.threshold": ("阈值（比例以 % 计）", "Threshold (rates in %)"),
    "ranking.whatif.unit": ("单位", "Unit"),
    "ranking.whatif.points": ("每单位扣分", "Points per unit"),
    "ranking.whatif.cap": ("最多扣分", "Cap"),
    "ranking.whatif.below": ("{metric} 低于", "{metric} below"),
    "ranking.whatif.above": ("{metric} 高于", "{metric} above"),
    "ranking.whatif.pct_unit": ("{n} 个百分点", "{n} percentage point(s)"),
    "ranking.whatif.bands": ("等级分数线", "Grade bands"),
    "ranking.whatif.a_min": ("A 级不低于", "A from"),
    "ranking.whatif.b_min": ("B 级不低于", "B from"),
    "ranking.whatif.c_min": ("C 级不低于（以下为 D）", "C from (D below)"),
    "ranking.whatif.rating": ("不予评级（M）条件", "Not rated (M) when"),
    "ranking.whatif.min_months": ("登记不满（月）", "Registered under (months)"),
    "ranking.whatif.min_invoices.quarter": (
        "本季度开票少于（张）",
        "Invoices in the quarter fewer than",
    ),
    "ranking.whatif.min_invoices.trailing_12m": (
        "近 12 个月开票少于（张）",
        "Invoices in the 12 months fewer than",
    ),
    "ranking.whatif.apply": ("计算", "Apply"),
    "ranking.whatif.caps_total": (
        "各规则上限合计 {total} 分（不得超过 100，否则评分可能低于 0）。",
        "The rules' caps add up to {total} points (at most 100, or a score could fall below 0).",
    ),
    "ranking.whatif.problem.caps": (
        "各规则上限合计 {total} 分，超过 100：请降低某些规则的上限。",
        "The caps add up to {total} points, more than 100: lower some rule's cap.",
    ),
    "ranking.whatif.problem.bands": (
        "等级分数线须满足 100 ≥ A（{a}）> B（{b}）> C（{c}）> 0。",
        "The grade bands must satisfy 100 ≥ A ({a}) > B ({b}) > C ({c}) > 0.",
    ),
    "ranking.whatif.problem.no_rules": (
        "至少启用一条规则。",
        "Keep at least one rule on.",
    ),
    "ranking.whatif.problem.not_positive": (
        "规则「{rule}」的每单位扣分和上限须大于 0，阈值不能为负。",
        "Rule '{rule}': points per unit and cap must be above 0, and the threshold not negative.",
    ),
    "ranking.whatif.invalid": (
        "这组规则无法使用：{reason}",
        "These rules cannot be used: {reason}",
    ),
    "ranking.whatif.same": (
        "与现行规则相同。修改上面的数值后点「计算」。",
        "The same as the rules in force. Change a value above, then Apply.",
    ),
    "ranking.whatif.up": ("将升级", "Would rise"),
    "ranking.whatif.down": ("将降级", "Would fall"),
    "ranking.whatif.a_share": ("假设 A 级占比", "What-if grade A share"),
    "ranking.whatif.a_share.note": ("现行 {before}", "now {before}"),
    "ranking.whatif.mean": ("假设平均评分", "What-if mean score"),
    "ranking.whatif.stored": ("现行规则", "Rules in force"),
    "ranking.whatif.new": ("假设规则", "What-if rules"),
    "ranking.whatif.migration.caption": (
        "每格为现行等级（行）变为假设等级（列）的商户数：对角线为不变，右侧为降级，左侧为升级。"
        "M 级只取决于登记时间和开票量，只随上面的 M 条件变化。",
        "Each cell counts merchants going from their grade under the rules in force (row) to "
        "the what-if grade (column): the diagonal kept its grade, right of it fell, left of it "
        "rose. M depends only on registration and invoice volume: only the M limits above move "
        "it.",
    ),
    "ranking.whatif.districts": ("各区变化", "By district"),
    "ranking.whatif.a_now": ("现行 A 级", "Grade A now"),
    "ranking.whatif.a_new": ("假设 A 级", "Grade A, what-if"),
    "ranking.whatif.changed": ("等级变化的商户", "Merchants whose grade changes"),
    "ranking.whatif.none_changed": (
        "没有商户的等级发生变化（分数可能有变化）。",
        "No merchant's grade changes (scores may).",
    ),
    "ranking.whatif.score_stored": ("现行评分", "Score now"),
    "ranking.whatif.grade_stored": ("现行等级", "Grade now"),
    "ranking.whatif.score_new": ("假设评分", "What-if score"),
    "ranking.whatif.grade_new": ("假设等级", "What-if grade"),
    "ranking.whatif.score_change": ("分数变化", "Score change"),
    "ranking.whatif.download": ("下载修改后的规则文件", "Download the changed scheme file"),
    "ranking.whatif.download.help": (
        "交系统管理员替换 data/reference/credit_scheme.toml；下一次 analyse 按新规则重算全部"
        "期间。仍为模拟评分。",
        "For the operator to replace data/reference/credit_scheme.toml with; the next analyse "
        "rescores every period. Still a simulation.",
    ),
}
