"""Chart builders: pure functions ``(pl.DataFrame, ...) -> plotly Figure``.

No Streamlit and no I/O: pages call them with frames already labelled in the UI language (the
caller maps codes to labels) and pass every title as an argument, so the same figure serves the
dashboard, the notebook and reports.

Built with ``plotly.graph_objects`` from Polars columns rather than Plotly Express: Express
spends ~25 ms setting up each figure and a page redraws three or four on every filter change,
against a 150 ms budget for the whole rerun. For the same reason the whole layout (axes,
deadline lines) is passed when the figure is constructed: every ``update_layout`` /
``update_xaxes`` / ``add_hline`` call re-validates the layout (~1-4 ms each), the constructor
validates once (~0.2 ms).

Colours, the font and the layout pieces are in :mod:`analytics.chart_style`; the charts of the
simulated grades and the anomaly scores in :mod:`analytics.score_charts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl
from plotly.basedatatypes import BaseTraceType

from analytics import chart_style as style


def rate_trend(
    frame: pl.DataFrame,
    *,
    x: str,
    lines: Mapping[str, str],
    x_title: str = "",
    y_title: str = "",
    floor: float | None = None,
) -> go.Figure:
    """Rates (0–1) over time, one line per column of ``lines`` (column -> legend label)."""
    traces = [
        go.Scatter(
            x=frame[x].to_list(),
            y=frame[column].to_list(),
            name=name,
            mode="lines+markers",
            hovertemplate="%{x}: %{y:.2%}<extra>" + name + "</extra>",
        )
        for column, name in lines.items()
    ]
    return style.figure(
        traces,
        xaxis=style.axis(x_title, type="category"),
        # entry rates sit near 100%: whole percents labelled ticks 0.5% apart "99%" twice
        yaxis=style.axis(y_title, tickformat=".2~%", range=[floor, 1.0] if floor else None),
    )


def delay_trend(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    deadline: float,
    y_title: str,
    deadline_label: str,
    x_title: str = "",
) -> go.Figure:
    """A delay percentile over time against a dashed line at the working-day deadline."""
    trace = go.Scatter(
        x=frame[x].to_list(),
        y=frame[y].to_list(),
        mode="lines+markers",
        line_color=style.RECORDED,
        hovertemplate="%{x}: %{y:.2f}<extra></extra>",
    )
    values = [float(v) for v in frame[y].to_list() if v is not None]
    ceiling = max([*values, float(deadline)]) * 1.25
    return style.figure(
        [trace],
        legend=False,
        xaxis=style.axis(x_title, type="category"),
        yaxis=style.axis(y_title, range=[0, ceiling]),
        lines=[style.hline(deadline, color=style.MISSING, dash="dash", text=deadline_label)],
    )


def tile_map(
    frame: pl.DataFrame,
    *,
    value: str,
    text: str,
    row: str = "tile_row",
    col: str = "tile_col",
    higher_is_better: bool = True,
    colorbar_title: str = "",
    percent: bool = True,
) -> go.Figure:
    """Districts as tiles on a rough grid of Beijing (from ``tile_row``/``tile_col``), coloured by
    ``value``; ``text`` is what each tile shows (name and formatted value). No map tiles."""
    rows = max(int(r) for r in frame[row].to_list()) + 1
    cols = max(int(c) for c in frame[col].to_list()) + 1
    z: list[list[float | None]] = [[None] * cols for _ in range(rows)]
    words: list[list[str]] = [[""] * cols for _ in range(rows)]
    for rec in frame.iter_rows(named=True):
        z[rec[row]][rec[col]] = rec[value]
        words[rec[row]][rec[col]] = rec[text]
    heat = go.Heatmap(
        z=z,
        text=words,
        texttemplate="%{text}",
        hovertemplate="%{text}<extra></extra>",
        colorscale=style.GOOD_TO_BAD if higher_is_better else style.BAD_TO_GOOD,
        xgap=4,
        ygap=4,
        colorbar={"title": colorbar_title, "tickformat": ".1%" if percent else None},
    )
    return style.figure(
        [heat],
        height=380,
        legend=False,
        xaxis=style.axis(visible=False),
        yaxis=style.axis(visible=False, autorange="reversed"),
    )


def heatmap(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    x_title: str = "",
    y_title: str = "",
    z_title: str = "",
    higher_is_better: bool = True,
    percent: bool = True,
) -> go.Figure:
    """A cross-tab heat map (e.g. district × industry of a rate); empty cells stay blank."""
    wide = frame.select(y, x, z).pivot(on=x, index=y, values=z).sort(y)
    columns = sorted(c for c in wide.columns if c != y)
    fmt = ".1%" if percent else ".1f"
    heat = go.Heatmap(
        z=wide.select(columns).to_numpy(),
        x=columns,
        y=wide[y].to_list(),
        colorscale=style.GOOD_TO_BAD if higher_is_better else style.BAD_TO_GOOD,
        texttemplate="%{z:" + fmt + "}",
        hovertemplate="%{y} · %{x}: %{z:" + fmt + "}<extra></extra>",
        colorbar={"title": z_title, "tickformat": ".0%" if percent else None},
    )
    return style.figure(
        [heat],
        height=max(360, 28 * wide.height + 80),
        legend=False,
        xaxis=style.axis(x_title, type="category"),
        yaxis=style.axis(y_title, type="category", autorange="reversed"),
    )


def delay_histogram(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    kind: str,
    colors: Mapping[str, str],
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """Invoices per delay bucket; ``kind`` names each bar's class (on time / late / missing)
    and ``colors`` maps those classes to colours. Bars stay in the frame's order."""
    traces = [
        go.Bar(
            x=rows[x].to_list(),
            y=rows[y].to_list(),
            name=name,
            marker_color=colors.get(name or ""),
            texttemplate="%{y:,}",  # 299,142 as the tables beside it write counts
        )
        for name, rows in style.groups(frame, kind)
    ]
    order = frame[x].to_list()
    return style.figure(
        traces,
        xaxis=style.axis(x_title, type="category", categoryorder="array", categoryarray=order),
        yaxis=style.axis(y_title, type="log"),
    )


def stacked_shares(
    frame: pl.DataFrame,
    *,
    y: str,
    x: str,
    color: str,
    order: Sequence[str],
    colors: Sequence[str] | Mapping[str, str] | None = None,
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """Horizontal 100% bars: for each ``y`` (e.g. vendor), the shares (0–1) of each ``color``
    class (e.g. delay bucket) in the given ``order``; ``colors`` is a sequence in that order or
    a class -> colour map."""
    traces = []
    for i, name in enumerate(order):
        rows = frame.filter(pl.col(color) == name)
        if isinstance(colors, Mapping):
            colour = colors.get(name)
        else:
            colour = colors[i % len(colors)] if colors else None
        traces.append(
            go.Bar(
                y=rows[y].to_list(),
                x=rows[x].to_list(),
                name=name,
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x:.2%}<extra>" + name + "</extra>",
            )
        )
    return style.figure(
        traces,
        height=max(300, 48 * frame[y].n_unique() + 120),
        xaxis=style.axis(x_title, tickformat=style.pct_ticks(frame[x])),
        yaxis=style.axis(y_title, type="category"),
        legend_props={"traceorder": "normal"},
        barmode="stack",
    )


def bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    x_title: str = "",
    y_title: str = "",
    percent: bool = False,
    horizontal: bool = False,
    barmode: str = "group",
) -> go.Figure:
    """Plain bars (grouped or stacked), one series per ``color`` value; ``percent`` formats a
    0–1 axis as %."""
    traces = []
    for name, rows in style.groups(frame, color):
        labels, values = rows[x].to_list(), rows[y].to_list()
        traces.append(
            go.Bar(
                x=values if horizontal else labels,
                y=labels if horizontal else values,
                name=name,
                orientation="h" if horizontal else "v",
            )
        )
    value_axis = style.axis(y_title, tickformat=style.pct_ticks(frame[y]) if percent else None)
    label_axis = style.axis(x_title, type="category")
    return style.figure(
        traces,
        legend=color is not None,
        xaxis=value_axis if horizontal else label_axis,
        yaxis=label_axis if horizontal else value_axis,
        barmode=barmode,
    )


def lines(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    x_title: str = "",
    y_title: str = "",
    area: bool = False,
    grain: str = "day",
) -> go.Figure:
    """Counts over time (``x``: dates, one per ``grain``: day, week or month), one line (or
    stacked area) per ``color`` value."""
    traces = [
        go.Scatter(
            x=rows[x].to_list(),
            y=rows[y].to_list(),
            name=name,
            mode="lines",
            stackgroup="all" if area else None,
        )
        for name, rows in style.groups(frame, color)
    ]
    return style.figure(
        traces,
        legend=color is not None,
        xaxis=style.date_axis(x_title, grain=grain),
        yaxis=style.axis(y_title, rangemode="tozero"),
    )


def merchant_activity(
    frame: pl.DataFrame,
    *,
    x: str,
    labels: Mapping[str, str],
    x_title: str = "",
    y_title: str = "",
) -> go.Figure:
    """Issued vs recorded for one merchant: bars of invoices by outcome (on time, late, pending)
    stacked to the number issued, missing invoices as red markers above their day.

    ``frame`` has ``x`` and columns ``recorded_on_time, late, missing, pending``; ``labels``
    maps those four names to legend text.
    """
    days = frame[x].to_list()
    outcomes = (
        ("recorded_on_time", style.ON_TIME),
        ("late", style.LATE),
        ("pending", style.PENDING),
        ("missing", style.MISSING),
    )
    traces: list[BaseTraceType] = [
        go.Bar(x=days, y=frame[column].to_list(), name=labels[column], marker_color=colour)
        for column, colour in outcomes
    ]
    flagged = frame.filter(pl.col("missing") > 0)
    if flagged.height:
        total = flagged.select(
            pl.sum_horizontal("recorded_on_time", "late", "pending", "missing")
        ).to_series()
        traces.append(
            go.Scatter(
                x=flagged[x].to_list(),
                y=total.to_list(),
                mode="markers",
                marker={"symbol": "x", "color": style.MISSING, "size": 10},
                name=labels["missing"] + " ✕",
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return style.figure(
        traces, xaxis=style.date_axis(x_title), yaxis=style.axis(y_title), barmode="stack"
    )
