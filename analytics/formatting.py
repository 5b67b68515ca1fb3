"""Numbers for people: percentages, 万元, working days, counts, and changes between periods.

Every function takes the value and the UI language ('zh' or 'en') as plain arguments and returns
text; a missing value (None or NaN) is shown as an em dash. Pages, reports and exports call these
rather than writing format strings, so a rate reads the same everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from analytics.metrics import metric, names

MISSING = "—"
WAN = 10_000  # 万
YI = 100_000_000  # 亿
DeltaColor = Literal["normal", "inverse", "off"]


def _absent(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def minute(value: datetime | None) -> str:
    """A time to the minute: '2026-11-30 13:21' (the dashboard's and the CLI's bookkeeping)."""
    return MISSING if value is None else f"{value:%Y-%m-%d %H:%M}"


def count(value: float | None) -> str:
    """1234 -> '1,234'."""
    return MISSING if _absent(value) else f"{value:,.0f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A share as a percentage: 0.9821 -> '98.2%'."""
    return MISSING if _absent(value) else f"{value:.{digits}%}"


def yuan(value: float | None, lang: str = "zh") -> str:
    """An amount in yuan, in 万元 / 亿元 (zh) or k / M (en) once it is large enough to matter.

    12345.6 -> '1.23万元' / '¥12.3k'; 980 -> '¥980'; 2.5e8 -> '2.50亿元' / '¥250.0M'.
    """
    if value is None or _absent(float(value)):
        return MISSING
    amount = float(value)
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    steps = ((YI, "亿元"), (WAN, "万元")) if lang == "zh" else ((1_000_000, "M"), (10_000, "k"))
    for bound, unit in steps:
        if size >= bound:
            if lang == "zh":
                return f"{sign}{size / bound:,.2f}{unit}"
            scale = bound if unit == "M" else 1_000
            return f"{sign}¥{size / scale:,.1f}{unit}"
    return f"{sign}¥{size:,.0f}"


def workdays(value: float | None, lang: str = "zh", digits: int = 1) -> str:
    """Working days: 1.53 -> '1.5 个工作日' / '1.5 working days'."""
    if _absent(value):
        return MISSING
    unit = " 个工作日" if lang == "zh" else (" working day" if value == 1 else " working days")
    return f"{value:.{digits}f}{unit}"


def days(value: float | None, lang: str = "zh", digits: int = 1) -> str:
    """Calendar days (complaint resolution): 3.24 -> '3.2 天' / '3.2 days'."""
    if _absent(value):
        return MISSING
    return f"{value:.{digits}f}{' 天' if lang == 'zh' else ' days'}"


def per_1k(value: float | None) -> str:
    """Per 1,000 invoices: 2.345 -> '2.3'."""
    return MISSING if _absent(value) else f"{value:.1f}"


def metric_value(name: str, value: float | None, lang: str = "zh") -> str:
    """A metric of the registry in its declared format."""
    fmt = metric(name).format
    if fmt == "pct":
        return pct(value)
    if fmt == "count":
        return count(value)
    if fmt == "days":
        return workdays(value, lang)
    if fmt == "yuan":
        return yuan(value, lang)
    if fmt == "per_1k":
        return per_1k(value)
    return MISSING if _absent(value) else f"{value:.2f}×"


def alert_value(
    metric_name: str,
    value: float | None,
    lang: str = "zh",
    flag_words: tuple[str, str] = ("已标记", "未标记"),
) -> str:
    """An alert's value (its value, the month before's, its threshold): a registry metric in
    its format, the anomaly flag in ``flag_words`` (set, not set), anything else as a number."""
    if metric_name in names():
        return metric_value(metric_name, value, lang)
    if metric_name == "is_anomaly":
        return flag_words[0] if value else flag_words[1]
    return MISSING if value is None else f"{value:g}"


def change(
    name: str, current: float | None, previous: float | None, lang: str = "zh"
) -> str | None:
    """The change of a metric against the previous period, signed, or None when unknown.

    Rates change in percentage points ('+1.2 个百分点' / '+1.2 pp'), counts and amounts by
    difference and relative change ('+120 (+8.0%)'), working days by difference.
    """
    if _absent(current) or _absent(previous):
        return None
    assert current is not None
    assert previous is not None
    diff = float(current) - float(previous)
    fmt = metric(name).format
    if _rounds_to_zero(diff, fmt):
        diff = 0.0  # no "-0.0"
    if fmt == "pct":
        return f"{diff * 100:+.1f} {'个百分点' if lang == 'zh' else 'pp'}"
    if fmt == "days":
        return f"{diff:+.1f} {'个工作日' if lang == 'zh' else 'working days'}"
    if fmt == "per_1k":
        return f"{diff:+.1f}"
    head = f"{diff:+,.0f}" if fmt == "count" else yuan(diff, lang)
    if fmt == "yuan" and diff > 0:
        head = "+" + head
    if previous == 0:
        return head
    return f"{head} ({diff / abs(float(previous)):+.1%})"


def _rounds_to_zero(diff: float, fmt: str) -> bool:
    step = {"pct": 0.0005, "days": 0.05, "per_1k": 0.05, "count": 0.5, "yuan": 0.5}.get(fmt, 0.005)
    return abs(diff) < step


def delta_color(name: str) -> DeltaColor:
    """Streamlit's delta colour for a metric: green when it moves the good way."""
    better = metric(name).higher_is_better
    if better is None:
        return "off"
    return "normal" if better else "inverse"


@dataclass(frozen=True)
class Kpi:
    """One KPI card: the value and its change against the previous period, as text."""

    name: str
    value: str
    delta: str | None
    color: DeltaColor


def kpi(name: str, current: float | None, previous: float | None, lang: str = "zh") -> Kpi:
    """A KPI card for metric ``name`` from this period's and the previous period's values."""
    unchanged = (
        not _absent(current)
        and not _absent(previous)
        and _rounds_to_zero(float(current) - float(previous), metric(name).format)  # type: ignore[arg-type]
    )
    return Kpi(
        name,
        metric_value(name, current, lang),
        change(name, current, previous, lang),
        "off" if unchanged else delta_color(name),
    )
