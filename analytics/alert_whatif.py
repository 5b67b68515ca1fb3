"""What-if for the alert rules (预警规则试算): which merchant-months each rule would flag in the
alert window under changed thresholds and floors, against the rules in force.

Officials set the floors "so small merchants don't flood the list"; before anyone edits
``data/reference/alert_rules.toml``, this says what a floor of 30 instead of 20 invoices, or a
complaint level of 5 instead of 3, would add or drop. The rules are evaluated by the analysis'
own :func:`analytics.alert_hits.rule_hits` on the month rows it reads (the serving snapshot
has them), over the months an analysis now raises alerts for. It counts conditions met, not
alerts: an alert is not raised again while the same condition is still open, and its
lifecycle is the Alerts page's. Nothing is written; the changed rules download as a file for
the operator, and take effect at the next ``analyse``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from analytics import alert_hits, frames, periods, rule_files
from analytics.alert_rules import AlertRules, parse_rules
from analytics.scope import Filters
from analytics.warehouse import table_exists

SOURCE = "what-if alert rules"
KEYS = ["rule", "merchant_id", "period"]
HIT_COLUMNS = (
    "rule",
    "merchant_id",
    "period",
    "merchant_name",
    "district",
    "industry",
    "metric",
    "value",
    "previous_value",
    "floor_value",
)
_HIT_SCHEMA = {
    "rule": pl.String,
    "merchant_id": pl.String,
    "period": pl.String,
    "merchant_name": pl.String,
    "district": pl.String,
    "industry": pl.String,
    "metric": pl.String,
    "value": pl.Float64,
    "previous_value": pl.Float64,
    "floor_value": pl.Float64,
}


@dataclass(frozen=True)
class RuleChange:
    """The values an official set for one rule; ``enabled=False`` leaves it out. ``level``
    None: no level test (only for a rule that had none)."""

    rule_id: str
    relative: float
    level: float | None
    floor: float
    enabled: bool = True


@dataclass(frozen=True)
class MonthRows:
    """What the rules read, in the filters' scope: metrics rows (and anomaly rows, None before
    the anomaly stage ran) of the window's months and the month before each."""

    window: tuple[str, ...]
    metrics: pl.DataFrame
    anomaly: pl.DataFrame | None


def window(con: duckdb.DuckDBPyConnection, max_age_months: int) -> list[str]:
    """The months an analysis raises alerts for now: the newest month of the metrics and the
    ``max_age_months`` before it (``alert_hits.evaluation_months`` of a full run)."""
    rows = con.execute(
        "select max(period) from merchant_period_metrics where period_type = 'month'"
    ).fetchall()
    newest = rows[0][0] if rows else None
    if newest is None:
        return []
    first = periods.parse_month(str(newest))
    months = [periods.month_of(periods.add_months(first, -k)) for k in range(max_age_months + 1)]
    return sorted(months)


def month_rows(con: duckdb.DuckDBPyConnection, f: Filters, max_age_months: int) -> MonthRows:
    """Read the rows the rules need for the window (``max_age_months`` of the rules file),
    in ``f``'s attribute scope."""
    months = window(con, max_age_months)
    scope = {"months": alert_hits.with_previous(months)}
    metrics = frames.file_frame(con, "marts/alert_month_rows.sql", scope).filter(f.attribute_mask())
    anomaly = None
    if table_exists(con, alert_hits.ANOMALY_TABLE):
        anomaly = frames.file_frame(con, "marts/alert_anomaly_rows.sql", scope).filter(
            f.attribute_mask()
        )
    return MonthRows(tuple(months), metrics, anomaly)


def hits(rows: MonthRows, rules: AlertRules) -> pl.DataFrame:
    """Every (rule, merchant, month) of the window whose condition holds (pure)."""
    parts = [pl.DataFrame(schema=_HIT_SCHEMA)]
    for rule in rules.rules:
        source = rows.anomaly if rule.source == alert_hits.ANOMALY_TABLE else rows.metrics
        if source is None or source.is_empty():
            continue
        found = alert_hits.rule_hits(source.lazy(), rule, list(rows.window)).collect()
        parts.append(found.select(HIT_COLUMNS).cast(_HIT_SCHEMA))  # type: ignore[arg-type]
    return pl.concat(parts, how="vertical").sort(KEYS)


def compare(now: pl.DataFrame, whatif: pl.DataFrame, rule_ids: Sequence[str]) -> pl.DataFrame:
    """``rule, now, whatif, added, dropped`` for each of ``rule_ids``, in that order:
    merchant-months under the rules in force and under the what-if, and how many each side
    has that the other has not."""
    added = whatif.join(now, on=KEYS, how="anti").group_by("rule").agg(added=pl.len())
    dropped = now.join(whatif, on=KEYS, how="anti").group_by("rule").agg(dropped=pl.len())
    counts = [
        frame.group_by("rule").agg(pl.len().alias(name))
        for frame, name in ((now, "now"), (whatif, "whatif"))
    ]
    out = pl.DataFrame({"rule": list(rule_ids)}, schema={"rule": pl.String})
    for part in (*counts, added, dropped):
        out = out.join(part, on="rule", how="left", maintain_order="left")
    return out.with_columns(pl.col("now", "whatif", "added", "dropped").fill_null(0).cast(pl.Int64))


def differences(now: pl.DataFrame, whatif: pl.DataFrame) -> pl.DataFrame:
    """The merchant-months one side flags and the other does not, with ``change``
    (``added``: only the what-if flags it; ``dropped``: only the rules in force)."""
    added = whatif.join(now, on=KEYS, how="anti").with_columns(change=pl.lit("added"))
    dropped = now.join(whatif, on=KEYS, how="anti").with_columns(change=pl.lit("dropped"))
    return pl.concat([added, dropped]).sort(["change", *KEYS])


def rules_toml(rules: AlertRules, header: str = "") -> str:
    """The rules as the text of an ``alert_rules.toml`` (``header``: comment lines on top)."""
    tables: list[tuple[str, Mapping[str, object]]] = [
        ("[settings]", {"max_age_months": rules.max_age_months})
    ]
    for r in rules.rules:
        values: dict[str, object] = {
            "id": r.id,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "source": r.source,
            "metric": r.metric,
            "direction": r.direction,
            "compare": r.compare,
        }
        if r.compare != "flag":
            values["relative"] = r.relative
        if r.level is not None:
            values["level"] = r.level
        if r.floor_metric is not None:
            values |= {"floor_metric": r.floor_metric, "floor": r.floor}
        values |= {
            "when_no_previous": r.when_no_previous,
            "severity": r.severity,
            "message_zh": r.message_zh,
            "message_en": r.message_en,
        }
        tables.append(("[[rules]]", values))
    return rule_files.dump(header, tables)


def edited(rules: AlertRules, changes: Sequence[RuleChange]) -> AlertRules:
    """``rules`` with these values, parsed as the file would be
    (:class:`analytics.alert_rules.AlertRuleError` for anything it refuses, such as a change
    of 0). Rules switched off are left out; no rule left is refused too."""
    by_id = {c.rule_id: c for c in changes}
    kept = []
    for rule in rules.rules:
        change = by_id.get(rule.id)
        if change is None:
            kept.append(rule)
        elif change.enabled:
            kept.append(
                dataclasses.replace(
                    rule,
                    relative=rule.relative if rule.compare == "flag" else float(change.relative),
                    level=None if change.level is None else float(change.level),
                    floor=float(change.floor) if rule.floor_metric else 0.0,
                )
            )
    candidate = dataclasses.replace(rules, rules=tuple(kept))
    return parse_rules(rules_toml(candidate), source=SOURCE)
