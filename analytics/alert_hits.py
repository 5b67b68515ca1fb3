"""Alert conditions: which rules hold for which merchant and month, with messages in words.

:func:`rule_hits` is pure (month rows in, hits out); :func:`find_hits` reads the rows the rules
need from the warehouse (the metrics, and ``anomaly_scores`` when the anomaly stage has written
it) and evaluates every rule of :mod:`analytics.alert_rules`. :mod:`analytics.alerts` turns
hits into alerts with a lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import duckdb
import polars as pl

from analytics import frames, metrics, periods
from analytics.alert_rules import AlertRule, AlertRules
from analytics.context import Context
from analytics.warehouse import table_exists

_EPS = 1e-9  # 0.98 - 0.88 is 0.0999...: thresholds are met within floating-point noise
ANOMALY_TABLE = "anomaly_scores"
_HIT_SCHEMA = {
    "rule": pl.String,
    "merchant_id": pl.String,
    "period": pl.String,
    "severity": pl.String,
    "metric": pl.String,
    "value": pl.Float64,
    "previous_value": pl.Float64,
    "threshold": pl.Float64,
    "floor_value": pl.Float64,
    "message_zh": pl.String,
    "message_en": pl.String,
    "merchant_name": pl.String,
    "district": pl.String,
    "industry": pl.String,
}
HIT_COLUMNS = tuple(_HIT_SCHEMA)


def next_month(period: pl.Expr) -> pl.Expr:
    """'2026-03' -> '2026-04' (vectorised)."""
    return (
        pl.concat_str(period, pl.lit("-01"))
        .str.to_date("%Y-%m-%d")
        .dt.offset_by("1mo")
        .dt.strftime("%Y-%m")
    )


def _month_before(month: str) -> str:
    return periods.month_of(periods.add_months(periods.parse_month(month), -1))


def _condition(rule: AlertRule, value: pl.Expr, prev: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(fires, bound crossed) of the rule's change and level tests."""
    up = rule.direction == "up"
    if rule.compare == "flag":
        return value.fill_null(False).cast(pl.Boolean) & ~prev.fill_null(False).cast(
            pl.Boolean
        ), pl.lit(None, dtype=pl.Float64)
    if rule.compare == "difference":
        bound = prev + rule.relative if up else prev - rule.relative
    else:
        bound = prev * rule.relative if up else prev / rule.relative
    fires = (value >= bound - _EPS) if up else (value <= bound + _EPS)
    if rule.level is not None:
        fires = fires & ((value >= rule.level - _EPS) if up else (value <= rule.level + _EPS))
        bound = (
            pl.max_horizontal(bound, pl.lit(rule.level))
            if up
            else pl.min_horizontal(bound, pl.lit(rule.level))
        )
    return fires & value.is_not_null() & prev.is_not_null(), bound


def rule_hits(rows: pl.LazyFrame, rule: AlertRule, months: list[str]) -> pl.LazyFrame:
    """The merchant-months of ``months`` where ``rule`` holds (pure).

    ``rows`` holds one row per merchant and month for ``months`` and the months before them,
    with ``merchant_id, period``, the rule's metric and floor metric, and ``merchant_name,
    district, industry`` (plus ``explanation_zh/en`` for anomaly rules). The result has the
    numeric columns of :data:`HIT_COLUMNS` (messages are added by :func:`with_messages`).
    """
    metric = pl.col(rule.metric).cast(pl.Float64)
    previous = rows.select(
        "merchant_id", next_month(pl.col("period")).alias("period"), metric.alias("_prev")
    )
    current = rows.filter(pl.col("period").is_in(months)).join(
        previous, on=["merchant_id", "period"], how="left"
    )
    prev = pl.col("_prev")
    if rule.when_no_previous == "zero":
        prev = prev.fill_null(0.0)
    fires, bound = _condition(rule, metric, prev)
    floor_value = pl.lit(None, dtype=pl.Float64)
    if rule.floor_metric is not None:
        floor_value = pl.col(rule.floor_metric).cast(pl.Float64)
        fires = fires & (floor_value.fill_null(0) >= rule.floor)
    explanation = [c for c in ("explanation_zh", "explanation_en") if c in rows.collect_schema()]
    return current.filter(fires).select(
        pl.lit(rule.id).alias("rule"),
        "merchant_id",
        "period",
        pl.lit(rule.severity).alias("severity"),
        pl.lit(rule.metric).alias("metric"),
        metric.alias("value"),
        prev.alias("previous_value"),
        bound.alias("threshold"),
        floor_value.alias("floor_value"),
        "merchant_name",
        "district",
        "industry",
        *explanation,
    )


def _fmt(name: str | None, value: Any) -> str:
    if value is None:
        return "–"
    if name is None or name not in metrics.names():
        return "是" if value == 1 else "否" if value == 0 else f"{value:g}"
    return metrics.format_value(name, float(value))


def _texts(rule: AlertRule, row: Mapping[str, Any], lang: str) -> str:
    value, prev = row["value"], row["previous_value"]
    numeric = rule.compare != "flag" and value is not None and prev is not None
    fields = {
        "merchant_name": row.get("merchant_name") or row["merchant_id"],
        "merchant_id": row["merchant_id"],
        "period": row["period"],
        "previous_period": _month_before(str(row["period"])),
        "value": _fmt(rule.metric, value),
        "previous": _fmt(rule.metric, prev),
        "threshold": _fmt(rule.metric, row["threshold"]),
        "floor_value": _fmt(rule.floor_metric, row["floor_value"]),
        "points": f"{abs(value - prev) * 100:.1f}" if numeric else "–",
        "ratio": f"{value / prev:.1f}" if numeric and prev else "–",
        "explanation": row.get(f"explanation_{lang}") or "–",
    }
    template = rule.message_zh if lang == "zh" else rule.message_en
    return template.format(**fields)


def with_messages(hits: pl.DataFrame, rule: AlertRule) -> pl.DataFrame:
    """Messages in Chinese and English for each hit (hits are few: per row in Python)."""
    rows = hits.to_dicts()
    return hits.with_columns(
        message_zh=pl.Series([_texts(rule, r, "zh") for r in rows], dtype=pl.String),
        message_en=pl.Series([_texts(rule, r, "en") for r in rows], dtype=pl.String),
    ).select(HIT_COLUMNS)


def evaluation_months(
    con: duckdb.DuckDBPyConnection, ctx: Context, max_age_months: int
) -> list[str]:
    first_of = date(ctx.as_of.year, ctx.as_of.month, 1)
    oldest = periods.month_of(periods.add_months(first_of, -max_age_months))
    newest = periods.month_of(first_of)
    wanted = set(ctx.months) | {
        periods.month_of(periods.add_months(periods.parse_month(m), 1)) for m in ctx.months
    }
    have = {
        str(r[0])
        for r in con.execute(
            "select distinct period from merchant_period_metrics where period_type = 'month'"
        ).fetchall()
    }
    return sorted(m for m in wanted & have if oldest <= m <= newest)


def with_previous(months: list[str]) -> list[str]:
    """``months`` and the month before each: what the rules compare."""
    return sorted(set(months) | {_month_before(m) for m in months})


def find_hits(
    con: duckdb.DuckDBPyConnection, rules: AlertRules, months: list[str], notes: list[str]
) -> pl.DataFrame:
    """Every (rule, merchant, month) of ``months`` whose condition holds, with messages."""
    scope = {"months": with_previous(months)}
    rows = frames.file_frame(con, "marts/alert_month_rows.sql", scope).lazy()
    anomaly: pl.LazyFrame | None = None
    parts = [pl.DataFrame(schema=_HIT_SCHEMA)]
    for rule in rules.rules:
        source = rows
        if rule.source == ANOMALY_TABLE:
            if not table_exists(con, ANOMALY_TABLE):
                notes.append(f"alert rule {rule.id} inactive: no {ANOMALY_TABLE} table yet")
                continue
            if anomaly is None:
                anomaly = frames.file_frame(con, "marts/alert_anomaly_rows.sql", scope).lazy()
            source = anomaly
        hits = rule_hits(source, rule, months).collect()
        if hits.height:
            parts.append(with_messages(hits, rule).cast(_HIT_SCHEMA))  # type: ignore[arg-type]
    return pl.concat(parts, how="vertical").select(HIT_COLUMNS)
