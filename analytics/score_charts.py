"""Chart builders of the score pages: simulated grades, anomaly scores, score breakdowns.

Pure functions ``(pl.DataFrame, ...) -> plotly Figure`` built like :mod:`analytics.charts`
(graph objects, the whole layout passed to the constructor), in its style
(:mod:`analytics.chart_style`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.basedatatypes import BaseTraceType

from analytics import chart_style as style

GRADE_COLOURS: Mapping[str, str] = {  # simulated compliance grade -> colour
    "A": style.ON_TIME,
    "B": "#9ccc65",
    "C": style.LATE,
    "D": style.MISSING,
    "M": style.PENDING,
}
THRESHOLD = "#6a1b9a"  # the user's threshold; the model's own is dashed red


def grade_distribution(
    frame: pl.DataFrame,
    *,
    grade: str,
    value: str,
    names: Mapping[str, str],
    group: str | None = None,
    percent: bool = False,
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """Merchants per simulated grade: one bar per grade, or with ``group`` (e.g. district)
    horizontal bars stacked by grade. ``names`` maps each grade code, in order, to its legend
    text; colours follow :data:`GRADE_COLOURS`. ``percent`` formats a 0–1 ``value`` as %."""
    fmt = ".1%" if percent else ",d"
    ticks = ".0%" if percent else None
    if group is None:
        rows = frame.filter(pl.col(grade).is_in(list(names)))
        bar = go.Bar(
            x=[names[g] for g in rows[grade].to_list()],
            y=rows[value].to_list(),
            marker_color=[GRADE_COLOURS.get(g, style.PENDING) for g in rows[grade].to_list()],
            text=rows[value].to_list(),
            texttemplate="%{text:" + fmt + "}",
            hovertemplate="%{x}: %{y:" + fmt + "}<extra></extra>",
        )
        return style.figure(
            [bar],
            height=320,
            legend=False,
            xaxis=style.axis(x_title, type="category"),
            yaxis=style.axis(y_title, tickformat=ticks),
        )
    traces = []
    for code, name in names.items():
        rows = frame.filter(pl.col(grade) == code)
        traces.append(
            go.Bar(
                y=rows[group].to_list(),
                x=rows[value].to_list(),
                name=name,
                orientation="h",
                marker_color=GRADE_COLOURS.get(code, style.PENDING),
                hovertemplate="%{y}: %{x:" + fmt + "}<extra>" + name + "</extra>",
            )
        )
    return style.figure(
        traces,
        height=max(320, 26 * frame[group].n_unique() + 120),
        xaxis=style.axis(x_title, tickformat=ticks),
        yaxis=style.axis(y_title, type="category", autorange="reversed"),
        legend_props={"traceorder": "normal"},
        barmode="stack",
    )


def grade_migration(
    frame: pl.DataFrame,
    *,
    names: Mapping[str, str],
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """Merchants by grade in the previous period (rows) and now (columns), the counts written
    in the cells: the diagonal kept its grade, right of it fell, left of it rose. ``frame``:
    ``previous_grade, grade, merchants`` (every pair, as ``credit_views.grade_migration``
    gives); ``names`` maps each grade code, in order, to its axis text. Shade follows the
    count on a log scale, so a few downgrades still show beside a thousand unchanged A."""
    codes = list(names)
    counts = {(p, g): n for p, g, n in frame.select("previous_grade", "grade", "merchants").rows()}
    z = [[counts.get((p, g), 0) for g in codes] for p in codes]
    heat = go.Heatmap(
        z=[[math.log10(1 + n) for n in row] for row in z],
        x=[names[g] for g in codes],
        y=[names[p] for p in codes],
        text=[[f"{n:,}" for n in row] for row in z],
        texttemplate="%{text}",
        hovertemplate="%{y} → %{x}: %{text}<extra></extra>",
        colorscale="Blues",
        showscale=False,
        xgap=3,
        ygap=3,
    )
    return style.figure(
        [heat],
        height=340,
        legend=False,
        xaxis=style.axis(x_title, type="category", side="top"),
        yaxis=style.axis(y_title, type="category", autorange="reversed"),
    )


def score_histogram(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    width: float,
    threshold: float,
    model_threshold: float | None = None,
    names: tuple[str, str] = ("", ""),
    threshold_label: str = "",
    model_label: str = "",
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """Merchant-months per anomaly-score bin (``x`` = the bin's lower edge, ``width`` wide) on a
    log axis, bins at or above ``threshold`` in red; a solid line at ``threshold`` and a
    dashed one at the model's own flag threshold. ``names``: legend of (below, at or above)."""
    above = pl.col(x) + width / 2 >= threshold
    traces = [
        go.Bar(
            x=(rows[x] + width / 2).to_list(),
            y=rows[y].to_list(),
            width=width * 0.95,
            name=name,
            marker_color=colour,
            hovertemplate="%{x:.3f}: %{y:,d}<extra></extra>",
        )
        for rows, name, colour in (
            (frame.filter(~above), names[0], style.ISSUED),
            (frame.filter(above), names[1], style.MISSING),
        )
    ]
    marks = [style.vline(threshold, color=THRESHOLD, dash=None, text=threshold_label, top=True)]
    if model_threshold is not None:
        marks.append(
            style.vline(
                model_threshold, color=style.MISSING, dash="dash", text=model_label, top=False
            )
        )
    return style.figure(
        traces,
        xaxis=style.axis(x_title),
        yaxis=style.axis(y_title, type="log", dtick=1),  # labels at powers of ten only
        lines=marks,
        barmode="overlay",
        bargap=0,
    )


def score_waterfall(
    frame: pl.DataFrame,
    *,
    label: str,
    points: str,
    start: float = 100.0,
    start_label: str = "",
    total_label: str = "",
    y_title: str = "",
) -> go.Figure:
    """From ``start`` points down by each row's ``points`` (a deduction, positive) to the score,
    as a waterfall; ``label`` names each step."""
    deducted = [float(p) for p in frame[points].to_list()]
    score = start - sum(deducted)
    steps = go.Waterfall(
        x=[start_label, *frame[label].to_list(), total_label],
        y=[start, *(-p for p in deducted), score],
        measure=["absolute", *(["relative"] * len(deducted)), "total"],
        text=[
            f"{start:g}",
            *(f"−{p:g}" for p in deducted),
            f"{score:.2f}".rstrip("0").rstrip("."),
        ],
        textposition="outside",
        decreasing={"marker": {"color": style.MISSING}},
        totals={"marker": {"color": style.RECORDED}},
        increasing={"marker": {"color": style.ON_TIME}},
        connector={"line": {"color": style.PENDING, "dash": "dot"}},
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    return style.figure(
        [steps],
        height=340,
        legend=False,
        xaxis=style.axis(type="category"),
        yaxis=style.axis(y_title, range=[0, start * 1.12]),
    )


def score_timeline(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    flag: str,
    threshold: float,
    threshold_label: str = "",
    flag_label: str = "",
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """One merchant's monthly anomaly score against the dashed flag threshold; flagged months
    (``flag`` true) marked in red."""
    traces: list[BaseTraceType] = [
        go.Scatter(
            x=frame[x].to_list(),
            y=frame[y].to_list(),
            mode="lines+markers",
            line_color=style.RECORDED,
            showlegend=False,
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    ]
    flagged = frame.filter(pl.col(flag))
    if flagged.height:
        traces.append(
            go.Scatter(
                x=flagged[x].to_list(),
                y=flagged[y].to_list(),
                mode="markers",
                marker={"color": style.MISSING, "size": 12, "symbol": "diamond"},
                name=flag_label,
                hovertemplate="%{x}: %{y:.3f}<extra>" + flag_label + "</extra>",
            )
        )
    values = [float(v) for v in frame[y].to_list() if v is not None]
    top = max([*values, threshold]) * 1.15
    return style.figure(
        traces,
        height=300,
        xaxis=style.axis(x_title, type="category"),
        yaxis=style.axis(y_title, range=[min([*values, threshold]) * 0.9, top]),
        lines=[style.hline(threshold, color=style.MISSING, dash="dash", text=threshold_label)],
    )


def risk_reliability(
    frame: pl.DataFrame,
    *,
    names: tuple[str, str] = ("", ""),
    hover: str = "%{x:.1%} → %{y:.1%}",
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """The forecast's calibration curve (:func:`analytics.risk.reliability`): each group's mean
    risk (``expected``) against the share that failed (``observed``), beside the diagonal a
    calibrated forecast would follow. ``names``: legend of (groups, diagonal); ``hover`` may
    use ``%{customdata}``, the group's merchant-months."""
    top = max([*frame["expected"].to_list(), *frame["observed"].to_list(), 0.01]) * 1.08
    traces: list[BaseTraceType] = [
        go.Scatter(
            x=[0, top],
            y=[0, top],
            mode="lines",
            line={"color": style.PENDING, "dash": "dash"},
            name=names[1],
            hoverinfo="skip",
        ),
        go.Scatter(
            x=frame["expected"].to_list(),
            y=frame["observed"].to_list(),
            customdata=frame["merchants"].to_list(),
            mode="lines+markers",
            line_color=style.RECORDED,
            marker={"size": 9},
            name=names[0],
            hovertemplate=hover + "<extra></extra>",
        ),
    ]
    return style.figure(
        traces,
        height=340,
        xaxis=style.axis(x_title, tickformat=".0%", range=[0, top]),
        yaxis=style.axis(y_title, tickformat=".0%", range=[0, top]),
    )
