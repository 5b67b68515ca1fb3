"""The simulated compliance scheme (``data/reference/credit_scheme.toml``), read and checked.

The file is data: deduction rules with thresholds, per-unit points and caps, the grade bands
and the M-grade limits. Everything a person could get wrong in it (an unknown metric, a cap
sum above 100 so a breakdown could no longer add up, bands out of order) is refused with an
error naming the file, the rule and the reason. See the file's header for the arithmetic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from analytics import metrics, rule_files
from analytics.config import REFERENCE_DIR

SCHEME_PATH = REFERENCE_DIR / "credit_scheme.toml"
PERIOD_TYPES = ("quarter", "trailing_12m")
Direction = Literal["below", "above"]

# The score's own metrics (beyond the registry), computed from registry columns by
# analytics.credit: name -> (label zh, label en, format).
OWN_METRICS: dict[str, tuple[str, str, metrics.Format]] = {
    "uninvoiced_count": ("未开票及少开票笔数", "Requests not or under-invoiced", "count"),
    "uninvoiced_rate": ("未开票及少开票比例", "Share of requests not or under-invoiced", "pct"),
    # a weighted count: one decimal and no unit, which is how per_1k renders ("days" would
    # add 个工作日 on a page)
    "weighted_complaints": ("加权投诉数", "Weighted complaints", "per_1k"),
    "weighted_complaints_per_1k": (
        "加权千张发票投诉数",
        "Weighted complaints per 1,000 invoices",
        "per_1k",
    ),
}
WEIGHTED_CATEGORIES = (*(code for code, _, _ in metrics.COMPLAINT_CATEGORIES), "unlabelled")


class SchemeError(ValueError):
    """The scheme file is unusable; the message names the file, the rule and the reason."""


@dataclass(frozen=True)
class CreditRule:
    id: str
    metric: str
    direction: Direction
    threshold: float
    unit: float
    points_per_unit: float
    cap: float
    description_zh: str
    description_en: str
    min_count_metric: str | None = None
    min_count: float = 0.0


@dataclass(frozen=True)
class CreditScheme:
    rules: tuple[CreditRule, ...]
    a_min: float
    b_min: float
    c_min: float
    min_months_registered: int
    min_invoices: Mapping[str, int]  # period type -> K
    complaint_weights: Mapping[str, float]
    name_zh: str
    name_en: str
    note_zh: str
    note_en: str
    scheme_id: str  # content hash: a changed file recomputes every period

    def grade(self, score: float) -> str:
        """A/B/C/D for a score (M is decided by the merchant's age and volume, not here)."""
        if score >= self.a_min:
            return "A"
        if score >= self.b_min:
            return "B"
        return "C" if score >= self.c_min else "D"


def metric_label(name: str) -> tuple[str, str, metrics.Format]:
    """(label zh, label en, format) of a registry metric or one of the score's own."""
    if name in OWN_METRICS:
        return OWN_METRICS[name]
    m = metrics.metric(name)
    return m.label_zh, m.label_en, m.format


def _known_metric(name: str) -> bool:
    return name in OWN_METRICS or name in metrics.names()


def _number(raw: Mapping[str, Any], key: str, where: str, *, positive: bool = False) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError(f"{where}: {key} must be a number, got {value!r}")
    if positive and value <= 0:
        raise SchemeError(f"{where}: {key} must be > 0, got {value}")
    if value < 0:
        raise SchemeError(f"{where}: {key} must be >= 0, got {value}")
    return float(value)


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SchemeError(f"{where}: {key} is missing or empty")
    return value


def _rule(raw: Mapping[str, Any], where: str) -> CreditRule:
    rule_id = _text(raw, "id", where)
    where = f"{where} ({rule_id})"
    metric = _text(raw, "metric", where)
    if not _known_metric(metric):
        known = ", ".join([*OWN_METRICS, *metrics.names()])
        raise SchemeError(f"{where}: unknown metric {metric!r}; known: {known}")
    direction = raw.get("direction")
    if direction not in ("below", "above"):
        raise SchemeError(f"{where}: direction must be 'below' or 'above', got {direction!r}")
    count_metric = raw.get("min_count_metric")
    if count_metric is not None and not (
        isinstance(count_metric, str) and _known_metric(count_metric)
    ):
        raise SchemeError(f"{where}: unknown min_count_metric {count_metric!r}")
    return CreditRule(
        id=rule_id,
        metric=metric,
        direction=direction,
        threshold=_number(raw, "threshold", where),
        unit=_number(raw, "unit", where, positive=True),
        points_per_unit=_number(raw, "points_per_unit", where, positive=True),
        cap=_number(raw, "cap", where, positive=True),
        description_zh=_text(raw, "description_zh", where),
        description_en=_text(raw, "description_en", where),
        min_count_metric=count_metric,
        min_count=_number(raw, "min_count", where) if count_metric is not None else 0.0,
    )


def _section(data: Mapping[str, Any], name: str, source: str) -> Mapping[str, Any]:
    section = data.get(name)
    if not isinstance(section, dict):
        raise SchemeError(f"{source}: section [{name}] is missing")
    return section


def parse_scheme(text: str, *, source: str = "credit scheme") -> CreditScheme:
    """A scheme from TOML text; ``source`` (the file name) prefixes every error."""
    data = rule_files.parse(text, source, SchemeError)
    rules = rule_files.rules(data, source, SchemeError, _rule)
    caps = sum(r.cap for r in rules)
    if caps > 100 + 1e-9:
        raise SchemeError(
            f"{source}: the rules' caps add up to {caps:g} > 100, so a score could fall below 0"
        )
    grades = _section(data, "grades", source)
    bands = [_number(grades, k, f"{source}: [grades]") for k in ("a_min", "b_min", "c_min")]
    if not 100 >= bands[0] > bands[1] > bands[2] > 0:
        raise SchemeError(f"{source}: [grades] needs 100 >= a_min > b_min > c_min > 0")
    rating = _section(data, "rating", source)
    where = f"{source}: [rating]"
    weights = _section(data, "complaint_weights", source)
    unknown = sorted(set(weights) - set(WEIGHTED_CATEGORIES))
    if unknown:
        raise SchemeError(
            f"{source}: [complaint_weights] unknown categories {', '.join(unknown)}; "
            f"known: {', '.join(WEIGHTED_CATEGORIES)}"
        )
    scheme = _section(data, "scheme", source)
    return CreditScheme(
        rules=rules,
        a_min=bands[0],
        b_min=bands[1],
        c_min=bands[2],
        min_months_registered=int(_number(rating, "min_months_registered", where)),
        min_invoices={p: int(_number(rating, f"min_invoices_{p}", where)) for p in PERIOD_TYPES},
        complaint_weights={
            c: _number(weights, c, f"{source}: [complaint_weights]") if c in weights else 0.0
            for c in WEIGHTED_CATEGORIES
        },
        name_zh=_text(scheme, "name_zh", f"{source}: [scheme]"),
        name_en=_text(scheme, "name_en", f"{source}: [scheme]"),
        note_zh=_text(scheme, "note_zh", f"{source}: [scheme]"),
        note_en=_text(scheme, "note_en", f"{source}: [scheme]"),
        scheme_id=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
    )


def load_scheme(path: Path | None = None) -> CreditScheme:
    """The scheme in ``path`` (default ``data/reference/credit_scheme.toml``)."""
    target = path or SCHEME_PATH
    text = rule_files.read(target, "credit scheme", SchemeError)
    return parse_scheme(text, source=str(target))
