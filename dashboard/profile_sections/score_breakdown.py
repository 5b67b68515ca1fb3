"""The simulated compliance score: grade, rank, each rule's deduction in words and a waterfall."""

import polars as pl
import streamlit as st

from analytics import credit_scheme, credit_views, formatting, score_charts
from analytics.views import Filters
from dashboard import cached, components, score_panels, urlstate
from dashboard.components import Col
from dashboard.i18n import lang, pick, t

ORDER = 30
TITLE_KEY = "scores.breakdown"

# Labels are built into dicts before they reach Polars: ``map_elements`` may run on threads
# that do not see the session's language.


def _rule_labels(metrics: list[str]) -> dict[str, str]:
    return {m: pick(*credit_scheme.metric_label(m)[:2]) for m in metrics}


def _rank(rank: int | None, of: int) -> tuple[str, str | None]:
    """(value, note): '#12', 'of 1,300 rated'; M merchants have no rank."""
    if rank is None:
        return t("scores.breakdown.not_rated"), None
    return f"#{formatting.count(rank)}", t("scores.breakdown.of", n=formatting.count(of))


def _rules(merchant_id: str, period: str) -> None:
    rules = cached.score_breakdown(merchant_id, period)
    rules = rules.with_columns(
        label=pl.col("metric").replace_strict(_rule_labels(rules["metric"].unique().to_list())),
        words=pl.col("text_zh" if lang() == "zh" else "text_en"),
    )
    deducting = rules.filter(pl.col("points") > 0)
    left, right = st.columns([3, 2])
    with left:
        fig = score_charts.score_waterfall(
            deducting,
            label="label",
            points="points",
            start_label=t("scores.breakdown.start"),
            total_label=t("scores.breakdown.total"),
            y_title=t("scores.breakdown.axis"),
        )
        st.plotly_chart(fig, width="stretch")
    with right:
        if deducting.is_empty():
            st.success(t("scores.breakdown.clean"))
        else:
            st.markdown("\n".join(f"- {w}" for w in deducting["words"].to_list()))
        others = rules.filter(pl.col("points") <= 0)
        with st.expander(t("scores.breakdown.other_rules", n=others.height)):
            st.markdown("\n".join(f"- {w}" for w in others["words"].to_list()))
    st.caption(t("scores.breakdown.caption"))


def _before(rows: pl.DataFrame, period: str) -> str | None:
    """The grade of the period before, as the note under this period's grade."""
    previous = credit_views.previous_period(period)
    before = rows.filter(pl.col("period") == previous)
    if before.is_empty():
        return None
    grade = score_panels.grade_label(before["grade"][0])
    return t("scores.breakdown.previous", period=score_panels.period_label(previous), grade=grade)


def render(merchant_id: str, f: Filters) -> None:
    rows = cached.merchant_credit(merchant_id)
    if rows.width == 0:
        st.info(t("scores.no_scores"))
        return
    if rows.is_empty():
        st.info(t("scores.breakdown.none"))
        return
    st.caption(":material/science: " + t("scores.simulation"))
    choices = rows["period"].to_list()
    period = urlstate.choice(
        "mp_score_period",
        choices,
        credit_views.default_credit_period(rows, f.period_to) or choices[-1],
        label=t("scores.breakdown.period"),
        format_func=score_panels.period_label,
    )
    r = rows.filter(pl.col("period") == period).row(0, named=True)
    score_panels.cards(
        [
            (t("scores.score"), f"{r['score']:.2f}", None),
            (t("scores.grade"), score_panels.grade_label(r["grade"]), _before(rows, period)),
            (t("scores.rank"), *_rank(r["rank"], r["rated"])),
            (t("scores.rank_in_district"), *_rank(r["rank_in_district"], r["rated_in_district"])),
        ]
    )
    if r["grade"] == "M":
        st.info(r["m_reason_zh"] if lang() == "zh" else r["m_reason_en"])
    _rules(merchant_id, period)
    history = rows.with_columns(
        period_label=pl.col("period").replace_strict(
            {p: score_panels.period_label(p) for p in choices}
        ),
        grade_label=pl.col("grade").replace_strict(
            score_panels.grade_names(), default=pl.col("grade")
        ),
    )
    with st.expander(t("scores.breakdown.history")):
        cols = [
            Col("period_label", t("scores.breakdown.period")),
            Col("score", t("scores.score"), "points"),
            Col("grade_label", t("scores.grade")),
            Col("rank", t("scores.rank"), "count"),
            Col("points_deducted", t("scores.points_deducted"), "points"),
        ]
        components.table(history, cols, key="mp_scores", stem=f"{merchant_id}_simulated_scores")
