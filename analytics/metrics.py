"""The metric registry: every metric declared once, as data.

Pages, charts, exports and the anomaly features look metrics up here by name, for labels,
formats and direction. Three kinds:

* ``count`` / ``amount`` columns are computed by ``sql/marts/merchant_period_base.sql`` (and
  ``merchant_period_complaints.sql``) per merchant and period, and summed for rollups;
* ``percentile`` columns are recomputed from the underlying invoices at every level;
* ``derived`` metrics are SQL expressions over those columns, evaluated the same way for a
  merchant and for a rollup (so a district's entry rate is recorded / due over the district,
  not a mean of merchant rates).

Denominators in brief: *issued* = non-voided invoices issued in the period (red ones
included); *due* = issued minus ``pending_entry`` (recorded, or deadline passed); *recorded* =
due invoices with a tax record as of the as-of time; *requests* = payments in the period whose
customer asked for an invoice. Entry outcomes are counted by flag, not by headline status: a
duplicate that never reached the tax system counts as a duplicate *and* as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Format = Literal["pct", "count", "days", "yuan", "per_1k", "ratio"]
Kind = Literal["count", "amount", "percentile", "derived"]


@dataclass(frozen=True)
class Metric:
    name: str
    label_zh: str
    label_en: str
    description: str
    format: Format
    higher_is_better: bool | None  # None: neither direction is better (volumes)
    kind: Kind
    expression: str | None = None  # SQL over the table's columns (derived metrics only)


def _count(name: str, zh: str, en: str, desc: str, better: bool | None = None) -> Metric:
    return Metric(name, zh, en, desc, "count", better, "count")


def _amount(name: str, zh: str, en: str, desc: str, better: bool | None = None) -> Metric:
    return Metric(name, zh, en, desc, "yuan", better, "amount")


def _ratio(  # noqa: PLR0917 - one positional field per column of the registry
    name: str, zh: str, en: str, desc: str, expr: str, better: bool | None, fmt: Format = "pct"
) -> Metric:
    return Metric(name, zh, en, desc, fmt, better, "derived", expr)


# Complaint categories (data/reference/complaint_categories.csv; a test keeps them in step).
COMPLAINT_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("not_found", "查不到发票", "invoice not found"),
    ("paper_electronic_mismatch", "纸电不符", "paper and electronic differ"),
    ("amount_short", "金额少开", "amount lower than paid"),
    ("not_timely", "未及时开票", "not issued on time"),
    ("service_attitude", "服务态度", "service attitude"),
    ("other", "其他", "other"),
)

_BASE: tuple[Metric, ...] = (
    _count("merchants", "商户数", "Merchants", "Merchants in the group (1 on a merchant row)."),
    _count(
        "invoices_issued",
        "开票数",
        "Invoices issued",
        "Non-voided invoices issued in the period (red invoices included).",
    ),
    _count("invoices_voided", "作废发票数", "Invoices voided", "Voided (作废) invoices issued."),
    _count(
        "invoices_pending",
        "待入库数",
        "Invoices pending entry",
        "Issued invoices not yet in the tax system whose deadline has not passed (pending_entry).",
    ),
    _count(
        "invoices_due",
        "应入库数",
        "Invoices due",
        "Issued invoices that are recorded or past their deadline: issued minus pending.",
    ),
    _count(
        "invoices_recorded",
        "已入库数",
        "Invoices recorded",
        "Issued invoices with a tax record as of the as-of time, whatever their status.",
        True,
    ),
    _count(
        "on_time_count",
        "按时入库数",
        "Recorded on time",
        "Invoices recorded within N working days of issue.",
        True,
    ),
    _count(
        "late_count",
        "逾期入库数",
        "Recorded late",
        "Invoices recorded more than N working days after issue (late for the issue period).",
        False,
    ),
    _count(
        "missing_count",
        "未入库数",
        "Missing in tax system",
        "Invoices with no tax record once N working days have passed since issue.",
        False,
    ),
    _count(
        "mismatch_count",
        "金额不符数",
        "Amount mismatches",
        "Recorded invoices whose 价税合计 in the tax system differs by more than 0.01.",
        False,
    ),
    _count(
        "duplicate_count",
        "重复开票数",
        "Duplicates",
        "Second invoices for one payment, or same buyer and 价税合计 within 10 minutes.",
        False,
    ),
    _count("red_count", "红字发票数", "Red invoices", "Red (红字) invoices issued.", False),
    _count(
        "merchant_log_missing_count",
        "商户记录缺失数",
        "Missing in merchant log",
        "Tax records of the merchant with no invoice in its invoicing log.",
        False,
    ),
    _amount(
        "amount_issued",
        "开票金额",
        "Amount issued",
        "Net 价税合计 of non-voided invoices issued (red invoices negative).",
    ),
    _amount(
        "amount_recorded",
        "入库金额",
        "Amount recorded",
        "价税合计 in the tax system of the issued invoices that are recorded.",
    ),
    _count("payments_count", "收款笔数", "Payments", "All payments received in the period."),
    _amount("amount_paid", "收款金额", "Amount paid", "Sum paid by customers in the period."),
    _count(
        "invoice_requests",
        "申请开票笔数",
        "Invoice requests",
        "Payments in the period whose customer asked for an invoice.",
    ),
    _count(
        "not_invoiced_count",
        "未开票笔数",
        "Not invoiced",
        "Invoice-requesting payments with no invoice at all.",
        False,
    ),
    _count(
        "under_invoiced_count",
        "少开票笔数",
        "Under-invoiced",
        "Invoice-requesting payments whose net invoiced 价税合计 is lower than the amount paid.",
        False,
    ),
    _amount(
        "not_invoiced_amount",
        "未开票金额",
        "Amount not invoiced",
        "Amount paid on not-invoiced payments.",
        False,
    ),
    _amount(
        "under_invoiced_amount",
        "少开票金额",
        "Amount under-invoiced",
        "Sum of (paid - net invoiced) over under-invoiced payments.",
        False,
    ),
    _count(
        "complaints",
        "投诉数",
        "Complaints",
        "Complaints received in the period linked to the merchant: by its USCC, else by its name "
        "(brackets and company suffixes normalised).",
        False,
    ),
    *(
        _count(
            f"complaints_{code}",
            f"投诉数（{zh}）",
            f"Complaints ({en})",
            f"Complaints received in the period in category {code}.",
            False,
        )
        for code, zh, en in COMPLAINT_CATEGORIES
    ),
    _count(
        "complaints_unlabelled",
        "投诉数（未分类）",
        "Complaints (unlabelled)",
        "Complaints with no category yet.",
    ),
    Metric(
        "delay_p50",
        "入库时长中位数",
        "Entry delay p50",
        "Median working days from issue to entry in the tax system (入库) over recorded invoices "
        "(continuous quantile).",
        "days",
        False,
        "percentile",
    ),
    Metric(
        "delay_p95",
        "入库时长P95",
        "Entry delay p95",
        "95th percentile of working days from issue to entry in the tax system (入库) over "
        "recorded invoices.",
        "days",
        False,
        "percentile",
    ),
    _count(
        "prev_invoices_issued",
        "上期开票数",
        "Invoices issued, previous period",
        "invoices_issued of the previous month or quarter (0 or null when there was none).",
    ),
)

_DERIVED: tuple[Metric, ...] = (
    _ratio(
        "entry_rate",
        "入库率",
        "Entry rate",
        "invoices_recorded / invoices_due.",
        "invoices_recorded / nullif(invoices_due, 0)",
        True,
    ),
    _ratio(
        "on_time_rate",
        "按时入库率",
        "On-time rate",
        "on_time_count / invoices_due.",
        "on_time_count / nullif(invoices_due, 0)",
        True,
    ),
    _ratio(
        "missing_rate",
        "未入库率",
        "Missing rate",
        "missing_count / invoices_due.",
        "missing_count / nullif(invoices_due, 0)",
        False,
    ),
    _ratio(
        "late_rate",
        "逾期入库率",
        "Late rate",
        "late_count / invoices_recorded.",
        "late_count / nullif(invoices_recorded, 0)",
        False,
    ),
    _ratio(
        "mismatch_rate",
        "金额不符率",
        "Mismatch rate",
        "mismatch_count / invoices_recorded.",
        "mismatch_count / nullif(invoices_recorded, 0)",
        False,
    ),
    _ratio(
        "not_invoiced_rate",
        "未开票率",
        "Not-invoiced rate",
        "not_invoiced_count / invoice_requests.",
        "not_invoiced_count / nullif(invoice_requests, 0)",
        False,
    ),
    _ratio(
        "under_invoiced_rate",
        "少开票率",
        "Under-invoiced rate",
        "under_invoiced_count / invoice_requests.",
        "under_invoiced_count / nullif(invoice_requests, 0)",
        False,
    ),
    _ratio(
        "red_rate",
        "红冲率",
        "Red-letter rate",
        "red_count / invoices_issued.",
        "red_count / nullif(invoices_issued, 0)",
        False,
    ),
    _ratio(
        "complaints_per_1k",
        "千张发票投诉数",
        "Complaints per 1,000 invoices",
        "1000 * complaints / invoices_issued.",
        "1000.0 * complaints / nullif(invoices_issued, 0)",
        False,
        "per_1k",
    ),
    *(
        _ratio(
            f"complaints_per_1k_{code}",
            f"千张发票投诉数（{zh}）",
            f"Complaints per 1,000 invoices ({en})",
            f"1000 * complaints_{code} / invoices_issued.",
            f"1000.0 * complaints_{code} / nullif(invoices_issued, 0)",
            False,
            "per_1k",
        )
        for code, zh, en in COMPLAINT_CATEGORIES
    ),
    _ratio(
        "volume_change",
        "开票量环比",
        "Volume change",
        "(invoices_issued - prev_invoices_issued) / prev_invoices_issued; null without a "
        "previous period or when it had no invoices.",
        "(invoices_issued - prev_invoices_issued) / nullif(prev_invoices_issued, 0)",
        None,
    ),
)

METRICS: tuple[Metric, ...] = _BASE + _DERIVED
_BY_NAME = {m.name: m for m in METRICS}


def metric(name: str) -> Metric:
    """The metric called ``name``; a clear error listing the known names otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(_BY_NAME)}") from None


def names(*kinds: Kind) -> tuple[str, ...]:
    """Metric names of the given kinds (all when none given), in registry order."""
    return tuple(m.name for m in METRICS if not kinds or m.kind in kinds)


def summed_columns() -> tuple[list[str], list[str]]:
    """(count columns, amount columns) that rollups sum; prev_* is recomputed, not summed."""
    counts = [n for n in names("count") if not n.startswith("prev_")]
    return counts, list(names("amount"))


def derived_select(*, depends_on_previous: bool | None = None) -> str:
    """``expr as name`` for each derived metric, as double: the select list pages never write.

    ``depends_on_previous`` filters to the metrics that read ``prev_*`` columns (True) or not.
    """
    parts = []
    for m in _DERIVED:
        uses_prev = "prev_" in (m.expression or "")
        if depends_on_previous is not None and uses_prev != depends_on_previous:
            continue
        parts.append(f"({m.expression})::double as {m.name}")
    return ",\n    ".join(parts)


# Plain number formats (reports, alert messages, score breakdowns, explanations): no unit
# scaling and no language, unlike analytics.formatting, which shows numbers to people on pages.
PLAIN_FORMATS: dict[Format, str] = {
    "pct": "{:.1%}",
    "count": "{:,.0f}",
    "days": "{:.1f}",
    "yuan": "¥{:,.2f}",
    "per_1k": "{:.1f}",
    "ratio": "{:.2f}×",
}


def format_plain(fmt: Format, value: float) -> str:
    """``value`` in the plain format ``fmt``: 98.2% / 1,234 / 3.7 / ¥1,234.00 / 12.3 / 1.20×."""
    return PLAIN_FORMATS[fmt].format(value)


def format_value(name: str, value: float | None) -> str:
    """A metric's value in its plain format (see :func:`format_plain`); '–' when missing."""
    if value is None:
        return "–"
    return format_plain(metric(name).format, value)
