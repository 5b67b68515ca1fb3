"""The panels of the Entry-risk page (and the profile's forecast section): pure layout over
what ``dashboard.cached`` returns."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from analytics import formatting, risk_views, score_charts
from analytics.risk_backtest import CALIBRATION_MONTHS
from dashboard import cached, components, score_panels, urlstate
from dashboard.components import Col
from dashboard.i18n import label_refs, listing, t


def intro(evaluation: dict[str, Any]) -> None:
    st.markdown(
        t(
            "entry_risk.intro",
            period=evaluation["period"],
            based_on=evaluation["based_on"],
            deadline=cached.deadline(),
            months=CALIBRATION_MONTHS,
        )
    )


def _figure(v: Any) -> str:
    return "—" if v is None else f"{v:.3f}"


def _calibration(ev: dict[str, Any]) -> str:
    """The out-of-time months' failures, expected against occurred (empty if not measured)."""
    if ev.get("expected_failures") is None:
        return ""
    text = t(
        "entry_risk.calibration",
        months=len(ev["evaluated_months"]),
        expected=formatting.count(round(ev["expected_failures"])),
        failed=formatting.count(ev["test_failures"]),
        brier=_figure(ev["brier"]),
    )
    if ev.get("raw_expected_failures") is not None:  # None: measured by an older stage
        text += " " + t(
            "entry_risk.calibration.raw", raw=formatting.count(round(ev["raw_expected_failures"]))
        )
    return text


def kpis(summary: dict[str, Any], evaluation: dict[str, Any]) -> None:
    threshold = formatting.pct(risk_views.HIGH_RISK, 0)
    expected_help = t("entry_risk.kpi.expected.help", period=evaluation["period"])
    cards = [
        (t("entry_risk.kpi.merchants"), formatting.count(summary["merchants"]), None),
        (
            t("entry_risk.kpi.expected"),
            f"{summary['expected_failures']:,.0f}",
            "\n\n".join(filter(None, (expected_help, _calibration(evaluation)))),
        ),
        (t("entry_risk.kpi.high", threshold=threshold), formatting.count(summary["at_risk"]), None),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, value, border=True, help=help_text)


def list_floor() -> float:
    """The list's heading and its floor (风险下限): whole percent on the slider and in the URL,
    returned as a probability."""
    st.subheader(t("entry_risk.list"))
    pct = urlstate.widget(
        "er_min_risk",
        0,
        lambda start: st.slider(
            t("entry_risk.min_risk"),
            0,
            95,
            value=min(max(int(start), 0), 95),
            step=5,
            format="%d%%",
            help=t("entry_risk.min_risk.help"),
            key="er_min_risk",
        ),
    )
    return int(pct) / 100


def merchants(rows: pl.DataFrame, based_on: str, floor: float) -> None:
    st.caption(
        t("entry_risk.list.caption", n=formatting.count(risk_views.LIMIT))
        + (t("entry_risk.list.floor", floor=formatting.pct(floor, 0)) if floor > 0 else "")
    )
    if rows.is_empty():
        st.info(t("common.no_match"))
        return
    cols = [
        Col("merchant_name", t("common.merchant")),
        Col("risk", t("entry_risk.col.risk"), "pct"),
        Col(score_panels.explanation_column(), t("entry_risk.col.reasons")),
        Col("failed_months", t("entry_risk.col.failed_months"), "count"),
        Col("invoices_due", t("entry_risk.col.invoices_due"), "count"),
        Col("not_on_time_share", t("entry_risk.col.not_on_time"), "pct"),
        Col("district", t("common.district")),
        Col("industry", t("common.industry")),
        Col("merchant_id", t("common.merchant_id")),
    ]
    shown = rows.with_columns(pl.col("failed_months", "invoices_due").cast(pl.Int64))
    components.merchant_table(
        label_refs(shown, district="districts", industry="industries"),
        cols,
        key="er_list",
        stem="entry_risk",
        height=420,
    )
    components.self_check_list_button(rows["merchant_id"].to_list(), based_on, key="er_self_check")


def evaluation(ev: dict[str, Any]) -> None:
    if ev.get("auc") is None:
        st.caption(t("entry_risk.evaluation.none"))
        return
    st.caption(
        t(
            "entry_risk.evaluation",
            months=listing(ev["evaluated_months"]),
            auc=_figure(ev["auc"]),
            rule_auc=_figure(ev["failed_months_auc"]),
            last_auc=_figure(ev["last_month_share_auc"]),
            p_at_k=_figure(ev["precision_at_k"]),
            rule_p_at_k=_figure(ev["failed_months_precision_at_k"]),
            k=formatting.count(ev["test_failures"]),
        )
    )
    if calibration := _calibration(ev):
        st.caption(calibration)
    if ev["reliability"].height:
        with st.expander(t("entry_risk.reliability")):
            st.caption(t("entry_risk.reliability.caption"))
            fig = score_charts.risk_reliability(
                ev["reliability"],
                names=(t("entry_risk.reliability.groups"), t("entry_risk.reliability.diagonal")),
                hover=t("entry_risk.reliability.hover"),
                x_title=t("entry_risk.reliability.x"),
                y_title=t("entry_risk.reliability.y"),
            )
            st.plotly_chart(fig, width="stretch")
    with st.expander(t("entry_risk.coefficients")):
        st.caption(t("entry_risk.coefficients.caption"))
        if ev.get("calibration_slope") is not None:
            slope, intercept = ev["calibration_slope"], ev["calibration_intercept"]
            st.caption(
                t(
                    "entry_risk.recalibration",
                    slope=f"{slope:.3f}",
                    intercept=f"{intercept:+.3f}",
                    months=CALIBRATION_MONTHS,
                )
            )
        coef = pl.DataFrame(
            {
                "feature": [t(f"entry_risk.feature.{n}") for n in ev["coefficients"]],
                "coefficient": list(ev["coefficients"].values()),
            }
        )
        components.table(
            coef,
            [
                Col("feature", t("entry_risk.col.feature")),
                Col("coefficient", t("entry_risk.col.coefficient"), "score"),
            ],
            key="er_coef",
            stem="entry_risk_coefficients",
        )


def profile_line(row: dict[str, Any] | None) -> None:
    """The profile's forecast: risk, rank and reasons of one merchant."""
    if row is None:
        st.info(t("entry_risk.profile.none"))
        return
    st.write(
        t(
            "entry_risk.profile.line",
            period=row["period"],
            risk=formatting.pct(row["risk"]),
            rank=formatting.count(row["risk_rank"]),
            n=formatting.count(row["merchants_forecast"]),
        )
    )
    words = row[score_panels.explanation_column()]
    st.caption(words or t("entry_risk.profile.no_reasons"))
