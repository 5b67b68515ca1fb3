"""Labels of the Complaint trends page (投诉趋势)."""

LABELS: dict[str, tuple[str, str]] = {
    "complaints.title": ("投诉趋势", "Complaint trends"),
    "complaints.grain": ("时间粒度", "Time grain"),
    "complaints.later_months": (
        "含 {months} 收到的投诉：这些月份还没有发票数据，期间筛选里没有它们。",
        "Includes the complaints received in {months}: those months hold no invoices yet, so "
        "the period filter does not offer them.",
    ),
    "complaints.grain.week": ("按周", "Weekly"),
    "complaints.grain.month": ("按月", "Monthly"),
    "complaints.by": ("分组", "Split by"),
    "complaints.by.category": ("类别", "Category"),
    "complaints.by.channel": ("渠道", "Channel"),
    "complaints.by.district": ("行政区", "District"),
    "complaints.by.industry": ("行业", "Industry"),
    "complaints.total": ("投诉总数", "Complaints"),
    "complaints.median": ("办结用时中位数", "Median days to resolve"),
    "complaints.p90": ("办结用时 P90", "p90 days to resolve"),
    "complaints.headline": ("查不到发票属实", "'Not found' confirmed"),
    "complaints.headline.help": (
        "指明了发票号的「查不到发票」投诉中，该发票确实未入库或逾期入库的比例。",
        "Among 'invoice not found' complaints naming an invoice, the share whose invoice was "
        "really missing from the tax system or recorded late.",
    ),
    "complaints.headline.text": (
        "在指明发票号的 {named} 件「查不到发票」投诉中，{hits} 件（{share}）的发票确实未入库或逾期"
        "入库，其中 {absent} 件（{absent_share}）投诉时发票尚未入库；"
        "{on_time} 件（{on_time_share}）发票已按时入库。",
        "Of {named} 'invoice not found' complaints that name an invoice, {hits} ({share}) concern "
        "an invoice that really was missing or late, {absent} ({absent_share}) of them not yet in "
        "the tax system when the complaint came in; {on_time} ({on_time_share}) were recorded "
        "on time.",
    ),
    "complaints.macro_f1": ("分类器宏 F1", "Classifier macro-F1"),
    "complaints.macro_f1.help": (
        "投诉文本分类器在留出测试集上的宏平均 F1；未标注的投诉由它归类。",
        "Macro-averaged F1 of the complaint-text classifier on held-out complaints; it assigns "
        "a category to unlabelled complaints.",
    ),
    "complaints.volume": ("投诉量", "Complaint volume"),
    "complaints.volume.edge_weeks": (
        "按周显示时，只显示完整落在所选月份内的周：跨越首尾月份边界的周只计到范围内的几天，会像投诉骤减。",
        "By week, only weeks wholly inside the chosen months are shown: a week across the first "
        "or last month's edge counts only its days inside and would look like a fall.",
    ),
    "complaints.volume.partial": (
        "最后一期尚未结束，只计到 {as_of}：其下降不代表投诉减少。",
        "The last period had not ended at {as_of} and counts only up to then: its fall is not "
        "a fall in complaints.",
    ),
    "complaints.resolution": ("办结用时", "Time to resolve"),
    "complaints.days": ("天", "Days"),
    "complaints.stat.median": ("中位数", "Median"),
    "complaints.stat.p90": ("P90", "p90"),
    "complaints.crosstab": ("投诉类别与发票对账状态", "Complaint categories and invoice status"),
    "complaints.crosstab.caption": (
        "仅含指明了发票号的投诉；每行为该类别内各对账状态的占比。「金额少开」按该发票所属付款的"
        "对账状态（已开票 / 少开票）统计。",
        "Complaints that name an invoice only; each row splits a category by the invoice's "
        "reconciliation status. 'Amount short' is split by the status of the payment the "
        "invoice was issued for (invoiced / under-invoiced).",
    ),
    "complaints.top": ("投诉最多的商户", "Merchants with most complaints"),
    "complaints.complaints": ("投诉数", "Complaints"),
    "complaints.invoices": ("开票数", "Invoices issued"),
    "complaints.per_1000": ("千张发票投诉数", "Per 1,000 invoices"),
    "complaints.classifier": ("投诉分类器", "Complaint classifier"),
    "complaints.class": ("类别", "Category"),
    "complaints.f1": ("F1（留出集）", "F1 (held out)"),
    "complaints.classifier.caption": (
        "模型 {model}：留出集评估（训练 {n_train} 条，测试 {n_test} 条）；"
        "{n_unlabelled} 条未标注投诉由模型归类。",
        "Model {model}: evaluated on held-out complaints ({n_train} train / {n_test} test); "
        "{n_unlabelled} unlabelled complaints were classified by it.",
    ),
    "complaints.classifier.synthetic": (
        "这是生成的演示数据：每类投诉文本只来自少数几个模板，留出集与训练集共用这些模板，"
        "所以得分接近满分，只说明模型学会了模板。对真实投诉的准确度须以真实标注数据评估。",
        "This is generated demo data: each category's complaint texts come from a few "
        "templates, shared by the held-out and training complaints, so the scores come near 1 "
        "and show only that the model learned the templates. Its accuracy on real complaints "
        "must be measured on real labelled data.",
    ),
    "complaints.no_classifier": (
        "分类器尚未训练。",
        "The classifier has not been trained yet.",
    ),
}
