"""假设分析 What-if on the Merchant ranking page: the simulated scheme's rules and grade bands as
inputs (a form: nothing moves until 计算 / Apply), the period's merchants rescored from their
stored breakdowns (``analytics.credit_whatif``), what would move, and the changed scheme as a
file for the operator. Stored scores are never written."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from analytics import credit_scheme, credit_whatif, formatting, score_charts
from analytics.credit import WINDOW_SUFFIX
from analytics.credit_scheme import CreditRule, CreditScheme, SchemeError
from analytics.credit_whatif import Rating, RuleChange
from analytics.views import Filters
from dashboard import cached, components, score_panels, urlstate
from dashboard.components import Col
from dashboard.i18n import label_refs, pick, t

_KEY = "rk_wi"


def _is_pct(rule: CreditRule) -> bool:
    return credit_scheme.metric_label(rule.metric)[2] == "pct"


def _unit(rule: CreditRule) -> str:
    if _is_pct(rule):
        return t("ranking.whatif.pct_unit", n=f"{rule.unit * 100:g}")
    return f"{rule.unit:g}"


def _rule_inputs(scheme: CreditScheme) -> list[RuleChange]:
    """One row of inputs per rule (inside the form)."""
    widths = [4, 1, 2, 2, 2, 2]
    heads = ("rule", "enabled", "threshold", "unit", "points", "cap")
    for column, head in zip(st.columns(widths), heads, strict=True):
        column.markdown(f"**{t(f'ranking.whatif.{head}')}**")
    changes = []
    for rule in scheme.rules:
        name, on, thr, unit, pts, cap = st.columns(widths, vertical_alignment="center")
        zh, en, _ = credit_scheme.metric_label(rule.metric)
        key = f"{_KEY}_{rule.id}"
        name.markdown(
            t(f"ranking.whatif.{rule.direction}", metric=pick(zh, en)),
            help=pick(rule.description_zh, rule.description_en),
        )
        enabled = on.checkbox(
            t("ranking.whatif.enabled"), True, key=f"{key}_on", label_visibility="collapsed"
        )
        threshold = components.rule_number(
            thr,
            t("ranking.whatif.threshold"),
            rule.threshold,
            percent=_is_pct(rule),
            key=f"{key}_thr",
        )
        unit.markdown(_unit(rule))
        points = components.rule_number(
            pts, t("ranking.whatif.points"), rule.points_per_unit, key=f"{key}_pts"
        )
        capped = components.rule_number(
            cap, t("ranking.whatif.cap"), rule.cap, step=1.0, max_value=100.0, key=f"{key}_cap"
        )
        changes.append(RuleChange(rule.id, threshold, points, capped, bool(enabled)))
    return changes


def _band_inputs(scheme: CreditScheme) -> tuple[float, float, float]:
    st.markdown(f"**{t('ranking.whatif.bands')}**")
    columns = st.columns(3)
    values = []
    for column, name, value in zip(
        columns,
        ("a_min", "b_min", "c_min"),
        (scheme.a_min, scheme.b_min, scheme.c_min),
        strict=True,
    ):
        values.append(
            column.number_input(
                t(f"ranking.whatif.{name}"),
                min_value=0.0,
                max_value=100.0,
                value=float(value),
                step=1.0,
                key=f"{_KEY}_{name}",
            )
        )
    return float(values[0]), float(values[1]), float(values[2])


def _rating_inputs(scheme: CreditScheme, period: str) -> Rating:
    """When a merchant is M: the registration months, and the invoices of this period's type."""
    period_type = "trailing_12m" if period.endswith(WINDOW_SUFFIX) else "quarter"
    st.markdown(f"**{t('ranking.whatif.rating')}**")
    months, invoices = st.columns(2)
    registered = months.number_input(
        t("ranking.whatif.min_months"),
        min_value=0,
        value=int(scheme.min_months_registered),
        step=1,
        key=f"{_KEY}_min_months",
    )
    least = invoices.number_input(
        t(f"ranking.whatif.min_invoices.{period_type}"),
        min_value=0,
        value=int(scheme.min_invoices[period_type]),
        step=1,
        key=f"{_KEY}_min_invoices_{period_type}",
    )
    return Rating(int(registered), period_type, int(least))


def _summary(rescored: pl.DataFrame) -> None:
    # each side over the merchants it rates: the M limits may move merchants in or out
    rated = rescored.filter(pl.col("grade") != "M")
    rated_new = rescored.filter(pl.col("whatif_grade") != "M")
    change = rescored["grade_change"]
    a_now = rated.select(pl.col("grade").eq("A").mean()).item() if rated.height else None
    a_new = (
        rated_new.select(pl.col("whatif_grade").eq("A").mean()).item() if rated_new.height else None
    )
    mean_now = rated["score"].mean() if rated.height else None
    mean_new = rated_new["whatif_score"].mean() if rated_new.height else None
    score_panels.cards(
        [
            (t("ranking.whatif.up"), formatting.count(int((change == "up").sum())), None),
            (t("ranking.whatif.down"), formatting.count(int((change == "down").sum())), None),
            (
                t("ranking.whatif.a_share"),
                formatting.pct(a_new),
                t("ranking.whatif.a_share.note", before=formatting.pct(a_now)),
            ),
            (
                t("ranking.whatif.mean"),
                formatting.MISSING if mean_new is None else f"{mean_new:.1f}",
                t(
                    "ranking.whatif.a_share.note",
                    before=formatting.MISSING if mean_now is None else f"{mean_now:.1f}",
                ),
            ),
        ]
    )


def _districts(rescored: pl.DataFrame, period: str) -> None:
    """Where the changes fall: grade A and the moves per district, in the reference order."""
    st.markdown(f"**{t('ranking.whatif.districts')}**")
    cols = [
        Col("district", t("common.district")),
        Col("merchants", t("ranking.kpi.merchants"), "count"),
        Col("a_now", t("ranking.whatif.a_now"), "count"),
        Col("a_whatif", t("ranking.whatif.a_new"), "count"),
        Col("up", t("ranking.whatif.up"), "count"),
        Col("down", t("ranking.whatif.down"), "count"),
    ]
    stem = score_panels.simulated_stem("whatif_districts", period)
    components.table(
        score_panels.by_district(credit_whatif.by_district(rescored)),
        cols,
        key=f"{_KEY}_districts",
        stem=stem,
    )


def _changed_table(rescored: pl.DataFrame, period: str) -> None:
    st.markdown(f"**{t('ranking.whatif.changed')}**")
    # the downgrades first (what an analyst must defend), then by how far the score moves
    moved = rescored.filter(pl.col("grade") != pl.col("whatif_grade")).sort(
        [pl.col("grade_change") == "down", pl.col("score_change").abs(), "merchant_id"],
        descending=[True, True, False],
    )
    if moved.is_empty():
        st.caption(t("ranking.whatif.none_changed"))
        return
    names = score_panels.grade_names()
    rows = label_refs(
        moved.with_columns(
            grade_label=pl.col("grade").replace_strict(names, default=pl.col("grade")),
            whatif_label=pl.col("whatif_grade").replace_strict(
                names, default=pl.col("whatif_grade")
            ),
        ),
        district="districts",
        industry="industries",
    )
    cols = [
        Col("merchant_name", t("common.merchant")),
        Col("merchant_id", t("common.merchant_id")),
        Col("district", t("common.district")),
        Col("industry", t("common.industry")),
        Col("score", t("ranking.whatif.score_stored"), "points"),
        Col("grade_label", t("ranking.whatif.grade_stored")),
        Col("whatif_score", t("ranking.whatif.score_new"), "points"),
        Col("whatif_label", t("ranking.whatif.grade_new")),
        Col("score_change", t("ranking.whatif.score_change"), "points"),
    ]
    stem = score_panels.simulated_stem("whatif", period)
    components.merchant_table(rows, cols, key=f"{_KEY}_table", stem=stem, height=360)


def _download(scheme: CreditScheme, base: CreditScheme) -> None:
    header = (
        "Credit scheme changed in Fapiao Watch's what-if (Merchant ranking page), "
        f"{date.today().isoformat()}, from scheme {base.scheme_id}.\n"
        "A SIMULATION like the file it replaces: see that file's header for the arithmetic."
    )
    components.rules_file_download(
        t("ranking.whatif.download"),
        credit_whatif.scheme_toml(scheme, header),
        "credit_scheme.toml",
        t("ranking.whatif.download.help"),
        f"{_KEY}_download",
    )


def _limits(scheme: CreditScheme) -> tuple[object, ...]:
    """What the form sets besides the rules: grade bands and M limits."""
    return (
        scheme.a_min,
        scheme.b_min,
        scheme.c_min,
        scheme.min_months_registered,
        dict(scheme.min_invoices),
    )


def render(f: Filters, period: str) -> None:
    """The what-if section, behind a toggle kept in the URL (closed: nothing is read)."""
    st.subheader(t("ranking.whatif"))
    on = urlstate.widget(
        "rk_whatif",
        False,
        lambda start: st.toggle(t("ranking.whatif.toggle"), value=start, key="rk_whatif"),
    )
    st.caption(t("ranking.whatif.hint"))
    if not on:
        return
    text = cached.credit_scheme_text()
    try:
        base = credit_scheme.parse_scheme(text, source=str(credit_scheme.SCHEME_PATH))
    except SchemeError as exc:
        st.error(str(exc))
        return
    with st.form(f"{_KEY}_form", border=True):
        changes = _rule_inputs(base)
        bands = _band_inputs(base)
        rating = _rating_inputs(base, period)
        st.form_submit_button(t("ranking.whatif.apply"), type="primary")
    caps = sum(c.cap for c in changes if c.enabled)
    st.caption(t("ranking.whatif.caps_total", total=f"{caps:g}"))
    problems = credit_whatif.problems(base, changes, bands)
    for problem in problems:
        st.error(t(f"ranking.whatif.problem.{problem.key}", **problem.values))
    if problems:
        return
    try:
        scheme = credit_whatif.edited(base, changes, bands, rating)
    except SchemeError as exc:
        st.error(t("ranking.whatif.invalid", reason=str(exc)))
        return
    same = scheme.rules == base.rules and _limits(scheme) == _limits(base)
    rescored = cached.whatif(f, period, credit_whatif.scheme_toml(scheme))
    if rescored.is_empty():
        st.info(t("common.no_match"))
        return
    if set(rescored["scheme_id"].unique().to_list()) != {base.scheme_id}:
        st.info(t("ranking.whatif.scheme_changed"))
    if same and rescored["grade_change"].is_in(["up", "down"]).sum() == 0:
        st.caption(t("ranking.whatif.same"))
        return
    _summary(rescored)
    fig = score_charts.grade_migration(
        credit_whatif.migration(rescored),
        names=score_panels.grade_names(),
        x_title=t("ranking.whatif.new"),
        y_title=t("ranking.whatif.stored"),
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(t("ranking.whatif.migration.caption"))
    _districts(rescored, period)
    _changed_table(rescored, period)
    if not same:
        _download(scheme, base)
