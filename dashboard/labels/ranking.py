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
}
