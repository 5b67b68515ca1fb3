"""What-if for the simulated credit scheme (假设分析): rescore stored scores under changed rules.

An analyst asks "what if lateness cost twice as much, or grade A started at 85?" before anyone
edits ``data/reference/credit_scheme.toml``. Every stored score keeps each rule's value (and
the count its floor needs) in its breakdown, so a period's merchants are rescored here from
``credit_scores`` alone, with the scoring's own expressions (:func:`credit_scoring.rule_points`,
:func:`credit_scoring.grade_columns`): with the unchanged scheme the rescore is the stored score
and grade exactly (tests check this on every stored row). Nothing is written; the changed
scheme can be downloaded as a file for the operator to install, and takes effect at the next
``analyse``. Complaint weights are not offered: the breakdown keeps the weighted rate, not the
complaints by category it was summed from.

All pure (Polars in, Polars out; text in, text out).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from analytics import credit_scoring, credit_views, rule_files
from analytics.credit_scheme import (
    PERIOD_TYPES,
    CreditRule,
    CreditScheme,
    SchemeError,
    metric_label,
    parse_scheme,
)
from analytics.metrics import format_plain

SOURCE = "what-if scheme"


@dataclass(frozen=True)
class RuleChange:
    """The values an analyst set for one rule; ``enabled=False`` leaves the rule out."""

    rule_id: str
    threshold: float
    points_per_unit: float
    cap: float
    enabled: bool = True


@dataclass(frozen=True)
class Rating:
    """When a merchant is M (not rated): registered fewer than ``min_months_registered``
    months before the period's end, or fewer than ``min_invoices`` invoices issued in a period
    of ``period_type`` (the other period type keeps the scheme's own)."""

    min_months_registered: int
    period_type: str
    min_invoices: int


@dataclass(frozen=True)
class Problem:
    """Why a what-if cannot be scored, as a label key and its values (words are the UI's)."""

    key: str
    values: dict[str, str]


def problems(
    scheme: CreditScheme, changes: Sequence[RuleChange], bands: tuple[float, float, float]
) -> list[Problem]:
    """What the scheme file would refuse in these values, in words the pages can translate:
    caps adding up past 100 (a score could go below 0), grade bands out of order, no rule
    left, a point value or cap that is not positive. :func:`edited` also parses the result as
    the file is parsed, so anything else is still refused there."""
    by_id = {c.rule_id: c for c in changes}
    kept = [by_id.get(r.id) for r in scheme.rules]
    out: list[Problem] = []
    caps = sum(
        (c.cap if c is not None else r.cap)
        for r, c in zip(scheme.rules, kept, strict=True)
        if c is None or c.enabled
    )
    if caps > 100 + 1e-9:
        out.append(Problem("caps", {"total": f"{caps:g}"}))
    a, b, c = bands
    if not 100 >= a > b > c > 0:
        out.append(Problem("bands", {"a": f"{a:g}", "b": f"{b:g}", "c": f"{c:g}"}))
    if all(c is not None and not c.enabled for c in kept):
        out.append(Problem("no_rules", {}))
    for ch in changes:
        if ch.enabled and (ch.points_per_unit <= 0 or ch.cap <= 0 or ch.threshold < 0):
            out.append(Problem("not_positive", {"rule": ch.rule_id}))
    return out


def describe(rule: CreditRule) -> tuple[str, str]:
    """A rule's description (zh, en) from its numbers, for a rule the what-if changed: the
    hand-written one would name the old numbers."""
    zh, en, fmt = metric_label(rule.metric)
    below = rule.direction == "below"
    threshold = format_plain(fmt, rule.threshold)
    if fmt == "pct":
        points = f"{rule.unit * 100:g}"
        unit_zh, unit_en = f"{points} 个百分点", f"{points} percentage point"
    else:
        unit_zh, unit_en = f"{rule.unit:g} ", f"{rule.unit:g}"
    floor_zh = floor_en = ""
    if rule.min_count_metric is not None:
        czh, cen, cfmt = metric_label(rule.min_count_metric)
        least = format_plain(cfmt, rule.min_count)
        floor_zh, floor_en = f"（{czh}至少 {least}）", f" (at least {least}: {cen.lower()})"
    return (
        f"{zh}{'低于' if below else '高于'} {threshold} 的{floor_zh}，"
        f"每{'低' if below else '超'} {unit_zh}扣 {rule.points_per_unit:g} 分，"
        f"最多扣 {rule.cap:g} 分",
        f"{en} {'below' if below else 'above'} {threshold}{floor_en}: "
        f"{rule.points_per_unit:g} points per {unit_en}, at most {rule.cap:g}",
    )


def scheme_toml(scheme: CreditScheme, header: str = "") -> str:
    """The scheme as the text of a ``credit_scheme.toml`` (``header``: comment lines on top)."""
    rating: dict[str, object] = {"min_months_registered": scheme.min_months_registered}
    rating |= {f"min_invoices_{p}": scheme.min_invoices[p] for p in PERIOD_TYPES}
    tables: list[tuple[str, Mapping[str, object]]] = [
        (
            "[scheme]",
            {
                "name_zh": scheme.name_zh,
                "name_en": scheme.name_en,
                "note_zh": scheme.note_zh,
                "note_en": scheme.note_en,
            },
        ),
        ("[grades]", {"a_min": scheme.a_min, "b_min": scheme.b_min, "c_min": scheme.c_min}),
        ("[rating]", rating),
        ("[complaint_weights]", dict(scheme.complaint_weights)),
    ]
    for r in scheme.rules:
        values: dict[str, object] = {
            "id": r.id,
            "metric": r.metric,
            "direction": r.direction,
            "threshold": r.threshold,
            "unit": r.unit,
            "points_per_unit": r.points_per_unit,
            "cap": r.cap,
        }
        if r.min_count_metric is not None:
            values |= {"min_count_metric": r.min_count_metric, "min_count": r.min_count}
        values |= {"description_zh": r.description_zh, "description_en": r.description_en}
        tables.append(("[[rules]]", values))
    return rule_files.dump(header, tables)


def edited(
    scheme: CreditScheme,
    changes: Sequence[RuleChange],
    bands: tuple[float, float, float],
    rating: Rating | None = None,
) -> CreditScheme:
    """``scheme`` with these rule values, grade bands (A, B, C minimums) and M limits, parsed as
    the file would be: :class:`SchemeError` for anything it refuses (:func:`problems` words
    the usual ones first). A changed rule gets a description from its numbers
    (:func:`describe`)."""
    by_id = {c.rule_id: c for c in changes}
    unknown = sorted(set(by_id) - {r.id for r in scheme.rules})
    if unknown:
        raise SchemeError(f"{SOURCE}: unknown rules {', '.join(unknown)}")
    rules = []
    for rule in scheme.rules:
        change = by_id.get(rule.id)
        if change is None:
            rules.append(rule)
            continue
        if not change.enabled:
            continue
        new = dataclasses.replace(
            rule,
            threshold=float(change.threshold),
            points_per_unit=float(change.points_per_unit),
            cap=float(change.cap),
        )
        if new != rule:
            zh, en = describe(new)
            new = dataclasses.replace(new, description_zh=zh, description_en=en)
        rules.append(new)
    a, b, c = (float(x) for x in bands)
    candidate = dataclasses.replace(scheme, rules=tuple(rules), a_min=a, b_min=b, c_min=c)
    if rating is not None:
        if rating.period_type not in PERIOD_TYPES:
            raise SchemeError(f"{SOURCE}: unknown period type {rating.period_type!r}")
        candidate = dataclasses.replace(
            candidate,
            min_months_registered=int(rating.min_months_registered),
            min_invoices={**scheme.min_invoices, rating.period_type: int(rating.min_invoices)},
        )
    return parse_scheme(scheme_toml(candidate), source=SOURCE)


def _inputs(rows: pl.DataFrame, rule_ids: Sequence[str]) -> pl.DataFrame:
    """``_row`` and, per rule, its stored value (``v_<id>``) and count (``c_<id>``)."""
    long = (
        rows.select(pl.int_range(pl.len()).alias("_row"), "breakdown")
        .explode("breakdown")
        .unnest("breakdown")
    )
    wide = long.group_by("_row").agg(
        *(
            pl.col(name).filter(pl.col("rule") == rid).first().cast(pl.Float64).alias(f"{p}_{rid}")
            for rid in rule_ids
            for name, p in (("value", "v"), ("count", "c"))
        )
    )
    return wide.sort("_row")


def rescore(rows: pl.DataFrame, scheme: CreditScheme) -> pl.DataFrame:
    """``rows`` (stored ``credit_scores`` rows of one period: ``period_type, period_end,
    registered_on, invoices_issued, score, grade, breakdown``) with what the scheme would give:
    ``whatif_points, whatif_score, whatif_grade, whatif_m_reason_zh/en`` and ``grade_change``
    (``up``, ``down``, ``same``; null when M on either side) against the stored grade.

    A rule missing from a row's breakdown (the scheme file gained it after the row was
    scored) deducts nothing there."""
    if rows.is_empty():
        return rows
    types = rows["period_type"].unique().to_list()
    if len(types) != 1:
        raise ValueError(f"rescore takes one period type at a time, got {sorted(types)}")
    inputs = _inputs(rows, [r.id for r in scheme.rules])
    points = [
        credit_scoring.rule_points(
            r,
            pl.col(f"v_{r.id}"),
            None if r.min_count_metric is None else pl.col(f"c_{r.id}"),
        ).alias(f"p_{r.id}")
        for r in scheme.rules
    ]
    p_cols = [pl.col(f"p_{r.id}") for r in scheme.rules]
    base = pl.concat(
        [rows.select("period_end", "registered_on", "invoices_issued"), inputs.drop("_row")],
        how="horizontal",
    )
    scored = (
        base.with_columns(points)
        .with_columns(whatif_points=pl.sum_horizontal(p_cols).round(2))
        .with_columns(score=(100.0 - pl.col("whatif_points")).round(2))
        .with_columns(credit_scoring.grade_columns(scheme, types[0]))
        .select(
            "whatif_points",
            whatif_score="score",
            whatif_grade="grade",
            whatif_m_reason_zh=pl.when(pl.col("m_reason_zh") != "").then("m_reason_zh"),
            whatif_m_reason_en=pl.when(pl.col("m_reason_en") != "").then("m_reason_en"),
        )
    )
    out = pl.concat([rows, scored], how="horizontal")
    change = credit_views.with_grade_change(
        out.select(previous_grade="grade", grade="whatif_grade")
    )["grade_change"]
    return out.with_columns(
        grade_change=change, score_change=pl.col("whatif_score") - pl.col("score")
    )


def migration(rescored: pl.DataFrame) -> pl.DataFrame:
    """``previous_grade`` (stored), ``grade`` (what-if), ``merchants``: every pair of grades."""
    return credit_views.grade_migration(
        rescored.select(previous_grade="grade", grade="whatif_grade")
    )


def by_district(rescored: pl.DataFrame) -> pl.DataFrame:
    """``district, merchants, a_now, a_whatif, up, down``: where the what-if's changes fall
    (grade A under each side's rules; merchants rising or falling a rated grade)."""
    return rescored.group_by("district").agg(
        merchants=pl.len().cast(pl.Int64),
        a_now=(pl.col("grade") == "A").sum().cast(pl.Int64),
        a_whatif=(pl.col("whatif_grade") == "A").sum().cast(pl.Int64),
        up=(pl.col("grade_change") == "up").sum().cast(pl.Int64),
        down=(pl.col("grade_change") == "down").sum().cast(pl.Int64),
    )
