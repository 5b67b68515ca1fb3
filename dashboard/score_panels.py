"""Pieces shared by the score pages (ranking, anomalies, alerts) and profile sections 30 and 35:
period and grade labels, the simulation banner, anomaly features in words."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st

from analytics import (
    credit_views,
    explain,
    features,
    formatting,
    metrics,
    periods,
    reference,
    score_charts,
)
from analytics.credit import WINDOW_SUFFIX
from analytics.credit_views import period_months
from analytics.scores_views import top_features
from dashboard import cached, components, urlstate
from dashboard.components import Col
from dashboard.i18n import label_codes, label_refs, lang, metric_label, pick, ref_labels, t


def simulation_banner() -> None:
    """The "simulation" note, wherever simulated grades appear."""
    st.warning(t("scores.simulation"), icon=":material/science:")


def period_label(period: str) -> str:
    """'2026-Q3' -> 'Quarter 2026-Q3', '2026-10-T12M' -> 'Trailing 12 months (2025-11 – …)';
    a quarter not over at the data's as-of time says so (its M grades are mostly "too few
    invoices so far", and its grades are not a whole quarter's)."""
    if period.endswith(WINDOW_SUFFIX):
        months = period_months(period)
        return t("scores.period.window", first=months[0], last=months[-1])
    as_of = cached.as_of()
    if as_of is not None and periods.in_progress(period_months(period)[-1], as_of):
        return t("scores.period.quarter_partial", period=period, as_of=f"{as_of:%Y-%m-%d}")
    return t("scores.period.quarter", period=period)


def simulated_stem(name: str, period: str) -> str:
    """A download's file stem for simulated grades: the name, the period and the word
    "simulated" in the UI language (模拟评级), so a saved file says what it is."""
    return f"{name}_{period}_{'模拟评级' if lang() == 'zh' else 'simulated'}"


def grade_label(code: str | None) -> str:
    return t(f"grade.{code}") if code in credit_views.GRADES else "—"


def grade_names() -> dict[str, str]:
    """Each grade code, best first, -> its label in the UI language (axes, legends, columns)."""
    return {g: grade_label(g) for g in credit_views.GRADES}


def explanation_column() -> str:
    """The stored explanation in the UI language."""
    return "explanation_zh" if lang() == "zh" else "explanation_en"


def feature_label(name: str) -> str:
    try:
        f = features.feature(name)
    except KeyError:
        return metric_label(name) if name in metrics.names() else name
    return pick(f.label_zh, f.label_en)


def features_in_words(raw: str | None) -> pl.DataFrame:
    """A month's top features (JSON) as display columns: ``feature, value, peer, direction,
    contribution`` in the UI language, in the order the explanation names them."""
    frame = top_features(raw)
    rows = []
    for r in frame.iter_rows(named=True):
        try:
            f = features.feature(r["feature"])
        except KeyError:
            value, peer = f"{r['value']}", f"{r['peer_median']}"
        else:
            value, peer = (
                explain.format_value(f, r["value"]),
                explain.format_value(f, r["peer_median"]),
            )
        rows.append(
            {
                "feature": feature_label(r["feature"]),
                "value": value,
                "peer": peer,
                "direction": t(f"direction.{r['direction']}")
                if r["direction"] in ("higher", "lower")
                else "—",
                "contribution": r["contribution"],
            }
        )
    schema = {
        "feature": pl.String,
        "value": pl.String,
        "peer": pl.String,
        "direction": pl.String,
        "contribution": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def by_district(frame: pl.DataFrame) -> pl.DataFrame:
    """``district`` labelled in the UI language, rows in the reference table's order."""
    ref = reference.table("districts")
    order = {name: i for i, name in enumerate(ref["name_zh"].to_list())}
    return label_codes(
        frame.sort(
            pl.col("district").replace_strict(order, default=len(order)), maintain_order=True
        ),
        "district",
        ref_labels("districts"),
    )


def search(frame: pl.DataFrame, query: str) -> pl.DataFrame:
    """Rows whose merchant name or USCC contains ``query`` (USCC case-insensitively)."""
    text = query.strip()
    if not text:
        return frame
    return frame.filter(
        pl.col("merchant_name").str.contains(text, literal=True)
        | pl.col("merchant_id").str.contains(text.upper(), literal=True)
    )


def ranking_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Ranking rows with labels in the UI language (district, industry, grade, words)."""
    zh = lang() == "zh"
    names = grade_names()
    out = frame.with_columns(
        grade_label=pl.col("grade").replace_strict(names, default=pl.col("grade")),
        summary=pl.col("summary_zh" if zh else "summary_en"),
        m_reason=pl.col("m_reason_zh" if zh else "m_reason_en"),
        previous_grade_label=pl.col("previous_grade").replace_strict(
            names, default=pl.col("previous_grade")
        ),
        change_label=pl.col("grade_change").replace_strict(
            {c: t(f"ranking.change.{c}") for c in credit_views.CHANGES}, default=None
        ),
    )
    return label_refs(out, district="districts", industry="industries")


def ranking_cols() -> list[Col]:
    return [
        Col("rank", t("scores.rank"), "count"),
        Col("merchant_name", t("common.merchant")),
        Col("merchant_id", t("common.merchant_id")),
        Col("district", t("common.district")),
        Col("industry", t("common.industry")),
        Col("score", t("scores.score"), "points"),
        Col("grade_label", t("scores.grade")),
        Col("previous_grade_label", t("ranking.previous_grade")),
        Col("change_label", t("ranking.change")),
        Col("points_deducted", t("scores.points_deducted"), "points"),
        Col("summary", t("scores.summary")),
        Col("anomaly_score", t("scores.anomaly_score"), "score"),
        Col("months_flagged", t("scores.months_flagged"), "count"),
        Col("rank_in_district", t("scores.rank_in_district"), "count"),
        Col("invoices_issued", t("scores.invoices"), "count"),
        Col("m_reason", t("scores.m_reason")),
    ]


def ranking_kpis(ranked: pl.DataFrame) -> None:
    """Merchants, rated (not M), grade A share, C and D, mean score of the rated."""
    rated = ranked.filter(pl.col("grade") != "M")
    a_share = rated.select(pl.col("grade").eq("A").mean()).item() if rated.height else None
    mean = rated.select(pl.col("score").mean()).item() if rated.height else None
    cards = {
        "ranking.kpi.merchants": formatting.count(ranked.height),
        "ranking.kpi.rated": formatting.count(rated.height),
        "ranking.kpi.a_share": formatting.pct(a_share),
        "ranking.kpi.cd": formatting.count(int(rated["grade"].is_in(["C", "D"]).sum())),
        "ranking.kpi.mean": formatting.MISSING if mean is None else f"{mean:.1f}",
    }
    components.kpi_row(
        [(t(k), formatting.Kpi(k, v, None, "off")) for k, v in cards.items()],
        help_text=lambda _: t("ranking.kpi.help"),
    )


def grade_panel(ranked: pl.DataFrame) -> None:
    """The simulated grade distribution, overall or by district (a toggle kept in the URL)."""
    st.subheader(t("ranking.distribution"))
    split = urlstate.widget(
        "rk_by_district",
        False,
        lambda start: st.toggle(t("ranking.by_district"), value=start, key="rk_by_district"),
    )
    names = grade_names()
    if split:
        fig = score_charts.grade_distribution(
            by_district(credit_views.grade_counts(ranked, "district")),
            grade="grade",
            value="share",
            names=names,
            group="district",
            percent=True,
            x_title=t("ranking.axis.share"),
        )
    else:
        fig = score_charts.grade_distribution(
            credit_views.grade_counts(ranked),
            grade="grade",
            value="merchants",
            names=names,
            y_title=t("ranking.axis.merchants"),
        )
    st.plotly_chart(fig, width="stretch")


def migration_panel(ranked: pl.DataFrame, period: str, periods_scored: Sequence[str]) -> None:
    """Grades against the previous period: how many merchants fell, rose or kept their grade,
    and the previous × current grade counts."""
    st.subheader(t("ranking.migration"))
    previous = credit_views.previous_period(period)
    if previous not in periods_scored:
        st.caption(t("ranking.migration.none", previous=period_label(previous)))
        return
    change = ranked["grade_change"]
    counts = {c: formatting.count(int((change == c).sum())) for c in credit_views.CHANGES}
    new = formatting.count(int(ranked["previous_grade"].is_null().sum()))
    components.kpi_row(
        [
            *(
                (t(f"ranking.migration.{c}"), formatting.Kpi(c, n, None, "off"))
                for c, n in counts.items()
            ),
            (t("ranking.migration.new"), formatting.Kpi("new", new, None, "off")),
        ],
        help_text=lambda _: t("ranking.migration.help"),
    )
    fig = score_charts.grade_migration(
        credit_views.grade_migration(ranked),
        names=grade_names(),
        x_title=t("ranking.migration.now", period=period_label(period)),
        y_title=t("ranking.migration.before", period=period_label(previous)),
    )
    st.plotly_chart(fig, width="stretch")
    st.caption(t("ranking.migration.caption"))


def cards(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A row of figure cards (label, value, note under it): facts, not changes, so the note
    carries no arrow or colour (``components.kpi_row`` is for changes between periods)."""
    for column, (label, value, note) in zip(st.columns(len(items)), items, strict=True):
        column.metric(label, value, delta=note, delta_color="off", delta_arrow="off", border=True)
