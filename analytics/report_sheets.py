"""Self-check report sheets (自查报告): the summary in Chinese and one sheet per exception kind.

Pure: :func:`build_sheets` turns what :mod:`analytics.reports` read from the warehouse
(:class:`ReportData`) into Chinese-headed frames, one per sheet; encoding them as XLSX or CSV
is :mod:`analytics.exports`' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import polars as pl

from analytics import delay_views, feeds, formatting, metrics, periods, reference
from analytics.risk_backtest import CALIBRATION_MONTHS

SUMMARY_SHEET = "汇总"
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_QUARTER_RE = re.compile(r"^\d{4}-Q[1-4]$")

INVOICE_COLUMNS = (
    ("subject_id", "发票号码"),
    ("issued_at", "开票时间"),
    ("recorded_at", "入库时间"),
    ("deadline_at", "入库期限"),
    ("delay_workdays", "入库时长（工作日）"),
    ("total_issued", "开票价税合计"),
    ("total_recorded", "税务系统价税合计"),
    ("difference", "差额"),
    ("buyer_name", "购买方"),
    ("red_zh", "红字发票"),
    ("duplicate_of", "重复于"),
    ("reason_zh", "原因"),
)
# the late and missing sheets also say which invoices fell in a delay at the merchant's
# invoicing software (analytics.delay_views.vendor_incidents): most likely not its fault
INCIDENT_HEADER = "开票软件系统性延迟"
FAILED_COLUMNS = (*INVOICE_COLUMNS, ("incident_zh", INCIDENT_HEADER))
PAYMENT_COLUMNS = (
    ("subject_id", "付款编号"),
    ("paid_at", "付款时间"),
    ("amount_paid", "付款金额"),
    ("total_issued", "已开票净额"),
    ("difference", "差额"),
    ("status_zh", "情形"),
    ("reason_zh", "原因"),
)


@dataclass(frozen=True)
class DetailSheet:
    name: str
    statuses: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]


# Invoices of the period not in the tax system yet whose deadline is still ahead at the as-of
# time (pending_entries): not an exception yet, but what the merchant can still upload in time.
# A report for a period just closed (or in progress) would otherwise call such invoices fine.
PENDING_DETAIL = "待入库发票"
PENDING_DETAIL_COLUMNS = (
    ("invoice_no", "发票号码"),
    ("issued_at", "开票时间"),
    ("deadline_at", "入库期限"),
    ("workdays_left", "剩余工作日"),
    ("total_amount", "价税合计（元）"),
)
SHEETS = (
    DetailSheet("未入库发票", ("missing_in_system",), FAILED_COLUMNS),
    DetailSheet("逾期入库发票", ("entered_late",), FAILED_COLUMNS),
    DetailSheet("金额不符发票", ("amount_mismatch",), INVOICE_COLUMNS),
    DetailSheet("重复开票", ("duplicate",), INVOICE_COLUMNS),
    DetailSheet("未开票及少开票", ("not_invoiced", "under_invoiced"), PAYMENT_COLUMNS),
    DetailSheet("商户记录缺失", ("missing_in_merchant_log",), INVOICE_COLUMNS),
)
SUMMARY_METRICS = (
    "invoices_issued",
    "invoices_due",
    "invoices_recorded",
    "invoices_pending",
    "entry_rate",
    "on_time_rate",
    "missing_count",
    "late_count",
    "mismatch_count",
    "duplicate_count",
    "not_invoiced_count",
    "under_invoiced_count",
    "merchant_log_missing_count",
    "delay_p95",
)


class ReportError(ValueError):
    """A report that cannot be built (unknown merchant, no data, bad period); says why."""


@dataclass(frozen=True)
class Period:
    key: str  # 2026-03 / 2026-Q1
    kind: str  # month / quarter
    months: tuple[str, ...]

    @property
    def quarter(self) -> str:
        return periods.quarter_of_month(self.months[0])


def parse_period(period: str) -> Period:
    """A month '2026-03' or a quarter '2026-Q1'; a clear error for anything else."""
    text = period.strip().upper()
    if _MONTH_RE.match(text):
        return Period(text, "month", (text,))
    if _QUARTER_RE.match(text):
        return Period(text, "quarter", periods.months_of_quarter(text))
    raise ReportError(
        f"period {period!r} is neither a month like 2026-03 nor a quarter like 2026-Q1"
    )


@dataclass(frozen=True)
class ReportData:
    metrics: pl.DataFrame
    exceptions: pl.DataFrame
    credit: pl.DataFrame
    as_of: datetime | None
    deadline: int | None
    pending: pl.DataFrame | None = None  # pending_entries rows; None: a snapshot without them
    incidents: pl.DataFrame | None = None  # vendor incidents; None: no merchant_daily yet
    feed_gaps: pl.DataFrame | None = None  # days a feed lacks (analytics.feeds); None: unknown


# What the merchant should do about each kind of finding: (count metric, words after the count).
ACTIONS = (
    (
        "invoices_pending",
        "张发票尚未入库，入库期限未到：请在期限前确认已上传，以免逾期（见“待入库发票”表）",
    ),
    (
        "missing_count",
        "张发票超过入库期限仍未入库：请在开票软件中检查上传状态，"
        "补传后到电子税务局核对（见“未入库发票”表）",
    ),
    (
        "late_count",
        "张发票逾期入库：请检查开票软件的自动上传设置，"
        "确保开票后 {days}内入库（见“逾期入库发票”表）",
    ),
    (
        "mismatch_count",
        "张发票的价税合计与税务系统记录不符：请逐张核对，"
        "确有差错的按规定红冲后重新开具（见“金额不符发票”表）",
    ),
    (
        "duplicate_count",
        "张发票疑似重复开具：请核实是否同一笔交易重复开票，确属重复的请红冲（见“重复开票”表）",
    ),
    ("not_invoiced_count", "笔收款客户已申请开票但未开具：请尽快补开（见“未开票及少开票”表）"),
    (
        "under_invoiced_count",
        "笔收款的开票金额少于收款金额：请核实后补开差额（见“未开票及少开票”表）",
    ),
    (
        "merchant_log_missing_count",
        "张税务系统中的发票在商户开票记录中找不到："
        "请核对开票软件导出的记录是否完整（见“商户记录缺失”表）",
    ),
)


def _actions(
    row: dict[str, Any], deadline: int | None, unfinished_at: datetime | None = None
) -> list[str]:
    """What the merchant should do, in Chinese, one line per kind of finding.
    ``unfinished_at``: the data's as-of time when the period had not ended by then, so that
    no finding is not read as a clean period."""
    days = f"{deadline} 个工作日" if deadline is not None else "规定期限"
    lines = [
        f"有 {int(row.get(name) or 0)} {text.format(days=days)}。"
        for name, text in ACTIONS
        if int(row.get(name) or 0) > 0
    ]
    if lines:
        return lines
    if unfinished_at is not None:
        return [
            f"截至 {unfinished_at:%Y-%m-%d %H:%M} 未发现需要处理的问题；本期尚未结束，"
            "期末后请再次自查。"
        ]
    return ["本期未发现需要处理的问题，请继续保持及时开票、及时入库。"]


def _score_rows(
    credit: dict[str, Any], key_suffix: str = "", value_suffix: str = ""
) -> list[tuple[str, str]]:
    """One simulated score, its grade (M with its reason) and its deductions, as summary rows."""
    grade = str(credit["grade"])
    if grade == "M":
        grade = f"M（不予评级：{credit['m_reason_zh']}）"
    rows = [
        (f"模拟合规评分{key_suffix}", f"{credit['score']:.2f}{value_suffix}"),
        (f"模拟信用等级{key_suffix}", grade + value_suffix),
    ]
    if credit.get("summary_zh"):
        rows.append((f"扣分原因{key_suffix}", str(credit["summary_zh"])))
    return rows


def _grade_text(credits: list[dict[str, Any]], period: Period) -> list[tuple[str, str]]:
    """The quarter's simulated score (a month's: its quarter's, said so), and for a month the
    trailing 12 months ending in it where that window was scored (report_credit.sql)."""
    by_type = {str(c["period_type"]): c for c in credits}
    quarter = by_type.get("quarter")
    if quarter is None:
        rows = [("模拟合规评分", f"—（{period.quarter} 暂无评分）")]
    else:
        where = "" if period.kind == "quarter" else f"（所在季度 {period.quarter}）"
        rows = _score_rows(quarter, value_suffix=where)
    window = by_type.get("trailing_12m")
    if window is not None:
        rows += _score_rows(window, key_suffix=f"（截至 {period.key} 的近 12 个月）")
    if by_type:
        rows.append(
            ("评分说明", "评分为模拟结果：官方纳税信用评价中的发票扣分标准未公开，仅供参考。")
        )
    return rows


def _summary(
    row: dict[str, Any],
    credits: list[dict[str, Any]],
    data: ReportData,
    period: Period,
    in_incident: int = 0,
) -> pl.DataFrame:
    industry = reference.labels("industries", "zh").get(
        row.get("industry") or "", row.get("industry")
    )
    vendor = reference.labels("vendors", "zh").get(
        row.get("software_vendor") or "", row.get("software_vendor")
    )
    items: list[tuple[str, Any]] = [
        ("报告", f"发票入库自查报告（{period.key}）"),
        ("商户名称", row.get("merchant_name")),
        ("统一社会信用代码", row["merchant_id"]),
        ("所属区", row.get("district")),
        ("行业", industry),
        ("开票软件", vendor),
        ("期间", " 至 ".join(dict.fromkeys((period.months[0], period.months[-1])))),
        ("数据截至", f"{data.as_of:%Y-%m-%d %H:%M}" if data.as_of else None),
        ("入库期限", f"开票后 {data.deadline} 个工作日内" if data.deadline is not None else None),
    ]
    unfinished = data.as_of if periods.in_progress(period.months[-1], data.as_of) else None
    if unfinished is not None:
        items.append(
            (
                "本期进度",
                f"本期尚未结束：数据截至 {unfinished:%Y-%m-%d %H:%M}，本报告只含此前的记录，"
                "计数不能与整期相比；期末后请再次自查。",
            )
        )
    for name in SUMMARY_METRICS:
        value = row.get(name)
        items.append((metrics.metric(name).label_zh, metrics.format_value(name, value)))
    items.extend(_grade_text(credits, period))
    items.extend(
        (f"建议 {i}", text)
        for i, text in enumerate(_actions(row, data.deadline, unfinished), start=1)
    )
    if in_incident:
        items.append(
            (
                INCIDENT_HEADER,
                f"其中 {in_incident} 张逾期或未入库发票开具于所用开票软件的系统性延迟期间"
                "（如上传中断，同一软件的大量商户同时受影响），多半不是本商户的原因；"
                f"见明细表“{INCIDENT_HEADER}”列。仍请确认这些发票现已入库。",
            )
        )
    if (gaps := _gap_words(data, period, row.get("software_vendor"))) is not None:
        items.append(("数据源断档", gaps))
    items.append(
        (
            "说明",
            "明细表按对账状态归类，每张发票或每笔收款只出现在一张表中；汇总中的计数按情形统计，"
            "例如重复开具且未入库的发票同时计入重复开票数和未入库数。",
        )
    )
    return pl.DataFrame(
        {"项目": [k for k, _ in items], "内容": [None if v is None else str(v) for _, v in items]},
        schema={"项目": pl.String, "内容": pl.String},
    )


def _gap_words(data: ReportData, period: Period, vendor: str | None) -> str | None:
    """The feed gaps of the period that touch this merchant (the tax export's and its own
    software's), in Chinese: its statuses on those days may be the feed's doing."""
    if data.feed_gaps is None or vendor is None:
        return None
    gaps = feeds.touching(data.feed_gaps, period.months, vendor)
    if gaps.is_empty():
        return None
    log = f"开票软件{reference.labels('vendors', 'zh').get(vendor, vendor)}的开票记录"
    spans = [
        f"{'税务系统导出' if g['feed'] == 'tax' else log}"
        f"缺 {g['first_day']:%Y-%m-%d} 至 {g['last_day']:%Y-%m-%d} 开具的发票"
        for g in gaps.sort("first_day").iter_rows(named=True)
    ]
    return (
        f"本期{'；'.join(spans)}。这些日期的发票可能被误列为“未入库”或“商户记录缺失”，"
        "原因在数据未送到，不在本商户；请以数据补齐后的报告为准。"
    )


_NO_INCIDENTS = pl.DataFrame(
    schema={"software_vendor": pl.String, "first_day": pl.Date, "last_day": pl.Date}
)


def _details(data: ReportData) -> dict[str, pl.DataFrame]:
    """Every detail sheet, for all merchants of ``data`` at once (``merchant_id`` kept)."""
    vendors = data.metrics.select("merchant_id", "software_vendor").unique("merchant_id")
    rows = delay_views.during_incidents(
        data.exceptions.join(vendors, on="merchant_id", how="left"),
        _NO_INCIDENTS if data.incidents is None else data.incidents,
        pl.col("software_vendor"),
    )
    in_incident = pl.col("vendor_incident") & pl.col("status").is_in(delay_views.FAILED_STATUSES)
    incident_words = pl.format(
        "是（{} {} 至 {}）",
        pl.col("software_vendor").replace(reference.labels("vendors", "zh")),
        pl.col("incident_first").dt.strftime("%Y-%m-%d"),
        pl.col("incident_last").dt.strftime("%Y-%m-%d"),
    )
    rows = rows.with_columns(
        # working days to two places, as the pending sheet's 剩余工作日 (0.01 = ~15 minutes)
        pl.col("delay_workdays").cast(pl.Float64).round(2),
        incident_zh=pl.when(in_incident).then(incident_words).otherwise(pl.lit("")),
        red_zh=pl.when(pl.col("is_red")).then(pl.lit("是")).otherwise(pl.lit("否")),
        status_zh=pl.col("status").replace_strict(
            {"not_invoiced": "未开票", "under_invoiced": "少开票"}, default=pl.col("status")
        ),
    )
    return {
        s.name: rows.filter(pl.col("status").is_in(s.statuses)).select(
            "merchant_id", *(pl.col(src).alias(zh) for src, zh in s.columns)
        )
        for s in SHEETS
    }


def _pending_detail(pending: pl.DataFrame | None) -> pl.DataFrame:
    """The pending sheet for all merchants at once (``merchant_id`` kept)."""
    names = [src for src, _ in PENDING_DETAIL_COLUMNS]
    if pending is None:
        schema = {"merchant_id": pl.String, **dict.fromkeys(names, pl.String)}
        pending = pl.DataFrame(schema=schema)
    return pending.with_columns(pl.col("workdays_left").cast(pl.Float64).round(2)).select(
        "merchant_id", *(pl.col(src).alias(zh) for src, zh in PENDING_DETAIL_COLUMNS)
    )


def _by_merchant(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``frame``'s rows per merchant (without the column), in their order."""
    parts = frame.partition_by("merchant_id", as_dict=True, include_key=False)
    return {str(key[0]): part for key, part in parts.items()}


def build_merchant_sheets(
    data: ReportData, merchant_ids: Iterable[str], period: Period
) -> Iterator[tuple[str, dict[str, pl.DataFrame]]]:
    """``(merchant_id, sheets)`` for each merchant, in the order given.

    The data is split by merchant once, not filtered per merchant: a district's batch (hundreds
    of merchants) costs one pass over its frames."""
    found = _by_merchant(data.metrics)
    credit = _by_merchant(data.credit) if data.credit.width else {}
    sheets_all = _details(data)
    sheets_all[PENDING_DETAIL] = _pending_detail(data.pending)
    details = {name: _by_merchant(frame) for name, frame in sheets_all.items()}
    empty = {name: frame.clear().drop("merchant_id") for name, frame in sheets_all.items()}
    for merchant_id in merchant_ids:
        # partition_by makes no empty parts: a merchant is either absent or has its rows
        metrics_rows = found.get(merchant_id)
        if metrics_rows is None:
            raise ReportError(f"no data for merchant {merchant_id} in {period.key}")
        credit_rows = credit.get(merchant_id)
        row = metrics_rows.row(0, named=True) | {"merchant_id": merchant_id}
        grades = [] if credit_rows is None else credit_rows.to_dicts()
        own = {name: by.get(merchant_id, empty[name]) for name, by in details.items()}
        in_incident = sum(
            frame.filter(pl.col(INCIDENT_HEADER) != "").height
            for frame in own.values()
            if INCIDENT_HEADER in frame.columns
        )
        yield merchant_id, {SUMMARY_SHEET: _summary(row, grades, data, period, in_incident), **own}


def build_sheets(data: ReportData, merchant_id: str, period: Period) -> dict[str, pl.DataFrame]:
    """The sheets of one merchant (see :func:`build_merchant_sheets`)."""
    return next(build_merchant_sheets(data, [merchant_id], period))[1]


# The reminder list (催报清单): invoices not yet entered whose deadline is still ahead.
PENDING_SHEET = "待入库发票"
PENDING_COLUMNS = (
    ("merchant_name", "商户名称"),
    ("merchant_id", "统一社会信用代码"),
    ("district", "行政区"),
    ("software_vendor", "开票软件"),
    ("invoice_no", "发票号码"),
    ("issued_at", "开票时间"),
    ("deadline_at", "入库期限"),
    ("workdays_left", "剩余工作日"),
    ("total_amount", "价税合计（元）"),
    ("last_reminded_at", "上次催报时间"),
    ("last_reminded_by", "催报人"),
)


def pending_sheet(rows: pl.DataFrame) -> pl.DataFrame:
    """The reminder list from :func:`analytics.views.pending_invoices`: Chinese headers, the
    vendor's name, working days to two decimals, in the rows' order."""
    vendors = reference.labels("vendors", "zh")
    return rows.with_columns(
        pl.col("software_vendor").replace(vendors), pl.col("workdays_left").round(2)
    ).select([pl.col(c).alias(h) for c, h in PENDING_COLUMNS])


RISK_SHEET = "入库风险预测"
RISK_EVALUATION_SHEET = "模型检验"
RISK_CALIBRATION_SHEET = "校准分组"
RISK_COLUMNS = (
    ("risk_rank", "风险排名"),
    ("merchant_name", "商户名称"),
    ("merchant_id", "统一社会信用代码"),
    ("district", "行政区"),
    ("industry", "行业"),
    ("software_vendor", "开票软件"),
    ("period", "预测月份"),
    ("risk", "风险（逾期或未入库的概率）"),
    ("explanation_zh", "原因（推高风险的指标）"),
    ("failed_months", "近6个月失败月数"),
    ("invoices_due", "上月应入库发票"),
    ("not_on_time_share", "上月未按时入库占比"),
    ("delay_p95", "上月入库延迟P95（工作日）"),
    ("based_on", "依据月份（截至）"),
)


def risk_sheet(rows: pl.DataFrame) -> pl.DataFrame:
    """The forecast from :func:`analytics.risk_views.merchants`: Chinese headers, industry and
    vendor by name, probabilities to four decimals, in rank order."""
    return rows.with_columns(
        pl.col("industry").replace(reference.labels("industries", "zh")),
        pl.col("software_vendor").replace(reference.labels("vendors", "zh")),
        pl.col("risk", "not_on_time_share").round(4),
        pl.col("failed_months", "invoices_due").cast(pl.Int64),
        pl.col("delay_p95").round(2),
    ).select([pl.col(c).alias(h) for c, h in RISK_COLUMNS])


def risk_evaluation_sheet(ev: dict[str, Any]) -> pl.DataFrame:
    """How the forecast did out of time (:func:`analytics.risk_views.evaluation`), one figure a
    row beside what it means, so the list is not read without it."""
    months = "、".join(ev["evaluated_months"])

    def figure(key: str, spec: str = ".3f") -> str:
        v = ev.get(key)
        return "—" if v is None else format(v, spec)

    items = [
        ("预测月份", ev["period"], "预测该月是否有发票逾期入库或未入库"),
        ("依据月份（截至）", ev["based_on"], "最后一个所有发票均已过入库期限的月份"),
        ("样本外检验月份", months, "每月只用此前各月的数据训练模型后预测"),
        ("检验商户月数", f"{ev['test_rows']:,}", ""),
        ("实际逾期/未入库商户月数", f"{ev['test_failures']:,}", ""),
        ("ROC AUC（模型）", figure("auc"), "1 为完全区分，0.5 为随机"),
        ("ROC AUC（近6个月失败月数规则）", figure("failed_months_auc"), "不用模型的对照"),
        ("ROC AUC（上月未按时入库占比规则）", figure("last_month_share_auc"), "不用模型的对照"),
        ("前 k 名命中率（模型）", figure("precision_at_k"), "k = 实际逾期/未入库商户月数"),
        ("前 k 名命中率（失败月数规则）", figure("failed_months_precision_at_k"), ""),
        (
            "预计逾期/未入库商户月数",
            figure("expected_failures", ",.1f"),
            "各风险概率之和，对照实际数",
        ),
        (
            "未经校准时预计商户月数",
            figure("raw_expected_failures", ",.1f"),
            "模型风险校准前的概率之和",
        ),
        ("Brier 分数", figure("brier"), "概率与结果的均方误差，越小越好"),
        (
            "校准斜率 / 截距",
            f"{figure('calibration_slope')} / {figure('calibration_intercept', '+.3f')}",
            f"风险的对数几率 × 斜率 + 截距；由最近 {CALIBRATION_MONTHS} 个已知结果月份的"
            "样本外预测拟合",
        ),
    ]
    return pl.DataFrame(
        {
            "项目": [i[0] for i in items],
            "值": [str(i[1]) for i in items],
            "说明": [i[2] for i in items],
        }
    )


def risk_calibration_sheet(groups: pl.DataFrame) -> pl.DataFrame:
    """The calibration curve (:func:`analytics.risk_calibration.reliability`) as a table: the
    out-of-time merchant-months in ten equal groups by risk, mean risk against the share that
    failed."""
    return groups.select(
        pl.col("bin").alias("分组（按风险从低到高）"),
        pl.col("merchants").alias("商户月数"),
        pl.col("expected").alias("平均预测风险"),
        pl.col("observed").alias("实际逾期/未入库比例"),
    )


# The alert list (预警清单): the alert queue for a schedule or an official's inbox.
ALERT_SHEET = "预警清单"
ALERT_STATUS_ZH: Final = {"new": "新预警", "acknowledged": "已确认（跟进中）", "resolved": "已处理"}
SEVERITY_ZH: Final = {"high": "高", "medium": "中", "low": "低"}
ALERT_COLUMNS = (
    ("alert_id", "预警编号"),
    ("status", "状态"),
    ("severity", "级别"),
    ("rule", "规则"),
    ("merchant_name", "商户名称"),
    ("merchant_id", "统一社会信用代码"),
    ("district", "行政区"),
    ("industry", "行业"),
    ("period", "首次出现月份"),
    ("last_seen_period", "最近出现月份"),
    ("metric", "指标"),
    ("value", "当前值"),
    ("previous_value", "上月值"),
    ("threshold", "阈值"),
    ("message_zh", "内容"),
    ("incident_vendor", "开票软件系统性延迟（软件）"),
    ("incident_days", "延迟日期"),
    ("incident_failed", "其间开具的逾期或未入库发票"),
    ("months_failed", "预警月份逾期或未入库发票"),
    ("feed_gap_text", "数据源断档"),
    ("created_at", "预警时间"),
    ("acknowledged_by", "确认人"),
    ("acknowledged_at", "确认时间"),
    ("acknowledged_note", "确认备注"),
    ("resolved_by", "处理人"),
    ("resolved_at", "处理时间"),
    ("resolved_note", "处理备注"),
)


def _spans(spans: list[dict[str, Any]] | None) -> str | None:
    if not spans:
        return None
    return "、".join(f"{s['first']:%Y-%m-%d} 至 {s['last']:%Y-%m-%d}" for s in spans)


def _gap_spans(gaps: list[dict[str, Any]] | None) -> str | None:
    """The feed gaps in an alert's months (analytics.feeds.for_alerts), in Chinese."""
    if not gaps:
        return None
    names = reference.labels("vendors", "zh")
    tax = {"tax": "税务系统导出"}
    return "；".join(
        f"{tax.get(g['feed']) or names.get(g['software_vendor'], '') + ' 开票记录'}"
        f"缺 {g['first_day']:%Y-%m-%d} 至 {g['last_day']:%Y-%m-%d}"
        for g in gaps
    )


def alert_sheet(rows: pl.DataFrame, rule_names: dict[str, str]) -> pl.DataFrame:
    """The queue from :func:`analytics.alert_desk.queue` in Chinese, in its order: status,
    level, rule and metric by name, values in their metric's format, industry and vendor by
    name, the alert's failures in a delay at its merchant's software (each delay's days) and the
    feed gaps in its months."""
    if rows.is_empty():
        return pl.DataFrame(schema=dict.fromkeys((h for _, h in ALERT_COLUMNS), pl.String))
    text = {
        c: [formatting.alert_value(m, v) for m, v in zip(rows["metric"], rows[c], strict=True)]
        for c in ("value", "previous_value")
    }
    text["threshold"] = [
        formatting.MISSING if v is None else formatting.alert_value(m, v)
        for m, v in zip(rows["metric"], rows["threshold"], strict=True)
    ]
    days = [_spans(s) for s in rows["incident_spans"].to_list()]
    gaps = [_gap_spans(g) for g in rows["feed_gaps"].to_list()]
    metric_names = {m: metrics.metric(m).label_zh for m in metrics.names()} | {
        "is_anomaly": "异常标记"
    }
    return (
        rows.with_columns(pl.Series(c, v, pl.String) for c, v in text.items())
        .with_columns(
            pl.col("status").replace(ALERT_STATUS_ZH),
            pl.col("severity").replace(SEVERITY_ZH),
            pl.col("rule").replace(rule_names),
            pl.col("metric").replace(metric_names),
            pl.col("industry").replace(reference.labels("industries", "zh")),
            pl.col("incident_vendor").replace(reference.labels("vendors", "zh")),
            pl.Series("incident_days", days, pl.String),
            pl.Series("feed_gap_text", gaps, pl.String),
        )
        .select([pl.col(c).alias(h) for c, h in ALERT_COLUMNS])
    )
