"""The vendor-incident rule (``data/reference/vendor_incidents.toml``), read and checked.

See the file's header for what each value means; ``analytics.delay_views`` applies the rule.
A value a person could get wrong (missing, not a number, out of range) is refused with an
error naming the file, the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from analytics import rule_files
from analytics.config import REFERENCE_DIR

RULE_PATH = REFERENCE_DIR / "vendor_incidents.toml"


class IncidentRuleError(ValueError):
    """The rule file is unusable; the message names the file, the key and the reason."""


@dataclass(frozen=True)
class IncidentRule:
    min_invoices: int
    factor: float
    floor: float
    gap_days: int

    def params(self) -> dict[str, Any]:
        """The SQL parameters of ``marts/vendor_incidents.sql``."""
        return {
            "min_invoices": self.min_invoices,
            "factor": self.factor,
            "floor": self.floor,
            "gap_days": self.gap_days,
        }


def _number(raw: dict[str, Any], key: str, source: str, *, whole: bool) -> Any:
    value = raw.get(key)
    ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        kind = "a whole number" if whole else "a number"
        raise IncidentRuleError(f"{source}: [incidents] {key} must be {kind}, got {value!r}")
    return value


def parse_rule(text: str, *, source: str = "vendor incident rule") -> IncidentRule:
    data = rule_files.parse(text, source, IncidentRuleError)
    raw = data.get("incidents")
    if not isinstance(raw, dict):
        raise IncidentRuleError(f"{source}: no [incidents] table")
    rule = IncidentRule(
        min_invoices=_number(raw, "min_invoices", source, whole=True),
        factor=float(_number(raw, "factor", source, whole=False)),
        floor=float(_number(raw, "floor", source, whole=False)),
        gap_days=_number(raw, "gap_days", source, whole=True),
    )
    checks = (
        (rule.min_invoices >= 1, "min_invoices must be at least 1"),
        (rule.factor >= 1, "factor must be at least 1 (times the usual day's share)"),
        (0 < rule.floor <= 1, "floor must be a share above 0 and at most 1"),
        (rule.gap_days >= 1, "gap_days must be at least 1"),
    )
    for ok, why in checks:
        if not ok:
            raise IncidentRuleError(f"{source}: [incidents] {why}")
    return rule


@cache
def load_rule(path: Path | None = None) -> IncidentRule:
    target = path or RULE_PATH
    return parse_rule(
        rule_files.read(target, "vendor incident rule", IncidentRuleError), source=str(target)
    )
