"""Alert rules (``data/reference/alert_rules.toml``), read and checked.

See the file's header for what a rule says. Everything a person could get wrong in it (an
unknown metric or message field, a bad direction) is refused with an error naming the file, the
rule and the reason. :mod:`analytics.alert_hits` evaluates the rules.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from analytics import metrics, rule_files
from analytics.config import REFERENCE_DIR

RULES_PATH = REFERENCE_DIR / "alert_rules.toml"
SOURCES = ("merchant_period_metrics", "anomaly_scores")
# The metrics a floor of an anomaly_scores rule can use: the month's counts that
# sql/marts/alert_anomaly_rows.sql carries beside the flags.
ANOMALY_FLOOR_METRICS = ("invoices_issued", "complaints")
SEVERITIES = ("high", "medium", "low")
# Message fields; values are formatted with the metric's format before they are filled in.
FIELDS = (
    "merchant_name",
    "merchant_id",
    "period",
    "previous_period",
    "value",
    "previous",
    "threshold",
    "floor_value",
    "points",
    "ratio",
    "explanation",
)


class AlertRuleError(ValueError):
    """The rules file is unusable; the message names the file, the rule and the reason."""


@dataclass(frozen=True)
class AlertRule:
    id: str
    name_zh: str
    name_en: str
    source: str
    metric: str
    direction: Literal["up", "down"]
    compare: Literal["difference", "ratio", "flag"]
    relative: float
    severity: str
    message_zh: str
    message_en: str
    level: float | None = None
    floor_metric: str | None = None
    floor: float = 0.0
    when_no_previous: Literal["skip", "zero"] = "skip"


@dataclass(frozen=True)
class AlertRules:
    rules: tuple[AlertRule, ...]
    max_age_months: int


def _get(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise AlertRuleError(
            f"{where}: {key} is missing or not a {getattr(kind, '__name__', kind)}"
        )
    return value


def _choice(raw: Mapping[str, Any], key: str, options: tuple[str, ...], where: str) -> str:
    value = raw.get(key)
    if value not in options:
        raise AlertRuleError(f"{where}: {key} must be one of {', '.join(options)}, got {value!r}")
    return str(value)


def _template(raw: Mapping[str, Any], key: str, where: str) -> str:
    text = str(_get(raw, key, str, where))
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    unknown = sorted(names - set(FIELDS))
    if unknown:
        raise AlertRuleError(
            f"{where}: {key} uses unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}"
        )
    return text


def _rule(raw: Mapping[str, Any], where: str) -> AlertRule:
    rule_id = str(_get(raw, "id", str, where))
    where = f"{where} ({rule_id})"
    source = _choice(raw, "source", SOURCES, where)
    metric = str(_get(raw, "metric", str, where))
    if source == "merchant_period_metrics" and metric not in metrics.names():
        raise AlertRuleError(
            f"{where}: unknown metric {metric!r}; known: {', '.join(metrics.names())}"
        )
    compare = _choice(raw, "compare", ("difference", "ratio", "flag"), where)
    floor_metric = raw.get("floor_metric")
    if floor_metric is not None and floor_metric not in metrics.names():
        raise AlertRuleError(f"{where}: unknown floor_metric {floor_metric!r}")
    if source == "anomaly_scores" and floor_metric not in (None, *ANOMALY_FLOOR_METRICS):
        raise AlertRuleError(
            f"{where}: floor_metric {floor_metric!r} is not available to an anomaly_scores rule;"
            f" it can use {', '.join(ANOMALY_FLOOR_METRICS)}"
        )
    relative = 0.0 if compare == "flag" else float(_get(raw, "relative", (int, float), where))
    if compare != "flag" and relative <= 0:
        raise AlertRuleError(f"{where}: relative must be > 0, got {relative}")
    level = raw.get("level")
    return AlertRule(
        id=rule_id,
        name_zh=str(_get(raw, "name_zh", str, where)),
        name_en=str(_get(raw, "name_en", str, where)),
        source=source,
        metric=metric,
        direction="up" if _choice(raw, "direction", ("up", "down"), where) == "up" else "down",
        compare="flag" if compare == "flag" else "ratio" if compare == "ratio" else "difference",
        relative=relative,
        severity=_choice(raw, "severity", SEVERITIES, where),
        message_zh=_template(raw, "message_zh", where),
        message_en=_template(raw, "message_en", where),
        level=None if level is None else float(_get(raw, "level", (int, float), where)),
        floor_metric=floor_metric,
        floor=float(_get(raw, "floor", (int, float), where)) if floor_metric else 0.0,
        when_no_previous="zero"
        if _choice(raw, "when_no_previous", ("skip", "zero"), where) == "zero"
        else "skip",
    )


def parse_rules(text: str, *, source: str = "alert rules") -> AlertRules:
    """Rules from TOML text; ``source`` (the file name) prefixes every error."""
    data = rule_files.parse(text, source, AlertRuleError)
    rules = rule_files.rules(data, source, AlertRuleError, _rule)
    settings = data.get("settings", {})
    age = settings.get("max_age_months", 3)
    if isinstance(age, bool) or not isinstance(age, int) or age < 0:
        raise AlertRuleError(f"{source}: [settings] max_age_months must be an integer >= 0")
    return AlertRules(rules=rules, max_age_months=age)


def load_rules(path: Path | None = None) -> AlertRules:
    target = path or RULES_PATH
    text = rule_files.read(target, "alert rules", AlertRuleError)
    return parse_rules(text, source=str(target))
