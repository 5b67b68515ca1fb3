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

Colours carry meaning across pages: on time green, late amber, missing red, pending grey.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
from plotly.basedatatypes import BaseTraceType

ON_TIME = "#2e7d32"
LATE = "#f9a825"
MISSING = "#c62828"
PENDING = "#9e9e9e"
ISSUED = "#90a4ae"
RECORDED = "#1565c0"
STATUS_COLOURS: Mapping[str, str] = {  # reconciliation status -> colour
    "entered_on_time": ON_TIME,
    "entered_late": LATE,
    "amount_mismatch": "#ef6c00",
    "missing_in_system": MISSING,
    "duplicate": "#6d4c41",
    "missing_in_merchant_log": "#7b1fa2",
    "pending_entry": PENDING,
    "unmatched": "#424242",
}
GOOD_TO_BAD = "RdYlGn"  # colour scale where high values are good
BAD_TO_GOOD = "RdYlGn_r"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


Layout = dict[str, Any]


def _axis(title: str | None = None, **props: Any) -> Layout:
    """An axis: its title (as ``update_xaxes(title=...)`` sets it) and other properties."""
    axis = {k: v for k, v in props.items() if v is not None}
    if title is not None:
        axis["title"] = {"text": title}
    return axis


def _figure(
    traces: Sequence[BaseTraceType],
    *,
    height: int = 360,
    legend: bool = True,
    xaxis: Layout | None = None,
    yaxis: Layout | None = None,
    legend_props: Layout | None = None,
    lines: Sequence[tuple[Layout, Layout]] = (),
    **layout: Any,
) -> go.Figure:
    """The figure with the shared style; ``lines`` are (shape, annotation) pairs."""
    return go.Figure(
        data=list(traces),
        layout={
            "height": height,
            "margin": {"l": 8, "r": 8, "t": 36, "b": 8},
            "font": {"family": FONT},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.02,
                "x": 0,
                "title": {},  # no legend title (what update_layout(legend_title=None) leaves)
                **(legend_props or {}),
            },
            "showlegend": legend,
            "xaxis": xaxis or {},
            "yaxis": yaxis or {},
            "shapes": [shape for shape, _ in lines],
            "annotations": [note for _, note in lines],
            **layout,
        },
    )


def _hline(y: float, *, color: str, dash: str | None, text: str) -> tuple[Layout, Layout]:
    """What ``add_hline(y, annotation_position="top left")`` adds: a line across the plot."""
    line = {"color": color, "dash": dash} if dash else {"color": color}
    shape = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y}
    note = {"showarrow": False, "text": text, "x": 0, "xanchor": "left", "xref": "x domain"}
    return {**shape, "line": line}, {**note, "y": y, "yanchor": "bottom", "yref": "y"}


def _vline(
    x: float, *, color: str, dash: str | None, text: str, top: bool
) -> tuple[Layout, Layout]:
    """What ``add_vline(x, annotation_position="top right" / "bottom right")`` adds."""
    line = {"color": color, "dash": dash} if dash else {"color": color}
    shape = {"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0, "y1": 1}
    note = {"showarrow": False, "text": text, "x": x, "xanchor": "left", "xref": "x"}
    where = {"y": 1, "yanchor": "top"} if top else {"y": 0, "yanchor": "bottom"}
    return {**shape, "line": line}, {**note, **where, "yref": "y domain"}


def _groups(frame: pl.DataFrame, color: str | None) -> list[tuple[str | None, pl.DataFrame]]:
    """(name, rows) per value of ``color`` in first-seen order; one unnamed group without it."""
    if color is None:
        return [(None, frame)]
    names = frame[color].unique(maintain_order=True).to_list()
    return [
        ("—" if n is None else str(n), frame.filter(pl.col(color).eq_missing(n))) for n in names
    ]


def _pct_ticks(values: pl.Series) -> str:
    """Percent ticks with a decimal when every value is small (else 1% and 1% repeat)."""
    top = max((abs(float(v)) for v in values.to_list() if v is not None), default=0.0)
    return ".1%" if top < 0.1 else ".0%"


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
    return _figure(
        traces,
        xaxis=_axis(x_title, type="category"),
        yaxis=_axis(y_title, tickformat=".0%", range=[floor, 1.0] if floor else None),
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
        line_color=RECORDED,
        hovertemplate="%{x}: %{y:.2f}<extra></extra>",
    )
    values = [float(v) for v in frame[y].to_list() if v is not None]
    ceiling = max([*values, float(deadline)]) * 1.25
    return _figure(
        [trace],
        legend=False,
        xaxis=_axis(x_title, type="category"),
        yaxis=_axis(y_title, range=[0, ceiling]),
        lines=[_hline(deadline, color=MISSING, dash="dash", text=deadline_label)],
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
        colorscale=GOOD_TO_BAD if higher_is_better else BAD_TO_GOOD,
        xgap=4,
        ygap=4,
        colorbar={"title": colorbar_title, "tickformat": ".1%" if percent else None},
    )
    return _figure(
        [heat],
        height=380,
        legend=False,
        xaxis=_axis(visible=False),
        yaxis=_axis(visible=False, autorange="reversed"),
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
        colorscale=GOOD_TO_BAD if higher_is_better else BAD_TO_GOOD,
        texttemplate="%{z:" + fmt + "}",
        hovertemplate="%{y} · %{x}: %{z:" + fmt + "}<extra></extra>",
        colorbar={"title": z_title, "tickformat": ".0%" if percent else None},
    )
    return _figure(
        [heat],
        height=max(360, 28 * wide.height + 80),
        legend=False,
        xaxis=_axis(x_title, type="category"),
        yaxis=_axis(y_title, type="category", autorange="reversed"),
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
            text=rows[y].to_list(),
        )
        for name, rows in _groups(frame, kind)
    ]
    order = frame[x].to_list()
    return _figure(
        traces,
        xaxis=_axis(x_title, type="category", categoryorder="array", categoryarray=order),
        yaxis=_axis(y_title, type="log"),
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
    return _figure(
        traces,
        height=max(300, 48 * frame[y].n_unique() + 120),
        xaxis=_axis(x_title, tickformat=_pct_ticks(frame[x])),
        yaxis=_axis(y_title, type="category"),
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
    for name, rows in _groups(frame, color):
        labels, values = rows[x].to_list(), rows[y].to_list()
        traces.append(
            go.Bar(
                x=values if horizontal else labels,
                y=labels if horizontal else values,
                name=name,
                orientation="h" if horizontal else "v",
            )
        )
    value_axis = _axis(y_title, tickformat=_pct_ticks(frame[y]) if percent else None)
    label_axis = _axis(x_title, type="category")
    return _figure(
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
) -> go.Figure:
    """Counts over time, one line (or stacked area) per ``color`` value."""
    traces = [
        go.Scatter(
            x=rows[x].to_list(),
            y=rows[y].to_list(),
            name=name,
            mode="lines",
            stackgroup="all" if area else None,
        )
        for name, rows in _groups(frame, color)
    ]
    return _figure(
        traces,
        legend=color is not None,
        xaxis=_axis(x_title),
        yaxis=_axis(y_title, rangemode="tozero"),
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
        ("recorded_on_time", ON_TIME),
        ("late", LATE),
        ("pending", PENDING),
        ("missing", MISSING),
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
                marker={"symbol": "x", "color": MISSING, "size": 10},
                name=labels["missing"] + " ✕",
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return _figure(traces, xaxis=_axis(x_title), yaxis=_axis(y_title), barmode="stack")


# --- scores: simulated grades and anomaly scores -----------------------------------------------

GRADE_COLOURS: Mapping[str, str] = {  # simulated compliance grade -> colour
    "A": ON_TIME,
    "B": "#9ccc65",
    "C": LATE,
    "D": MISSING,
    "M": PENDING,
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
            marker_color=[GRADE_COLOURS.get(g, PENDING) for g in rows[grade].to_list()],
            text=rows[value].to_list(),
            texttemplate="%{text:" + fmt + "}",
            hovertemplate="%{x}: %{y:" + fmt + "}<extra></extra>",
        )
        return _figure(
            [bar],
            height=320,
            legend=False,
            xaxis=_axis(x_title, type="category"),
            yaxis=_axis(y_title, tickformat=ticks),
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
                marker_color=GRADE_COLOURS.get(code, PENDING),
                hovertemplate="%{y}: %{x:" + fmt + "}<extra>" + name + "</extra>",
            )
        )
    return _figure(
        traces,
        height=max(320, 26 * frame[group].n_unique() + 120),
        xaxis=_axis(x_title, tickformat=ticks),
        yaxis=_axis(y_title, type="category", autorange="reversed"),
        legend_props={"traceorder": "normal"},
        barmode="stack",
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
            (frame.filter(~above), names[0], ISSUED),
            (frame.filter(above), names[1], MISSING),
        )
    ]
    marks = [_vline(threshold, color=THRESHOLD, dash=None, text=threshold_label, top=True)]
    if model_threshold is not None:
        marks.append(
            _vline(model_threshold, color=MISSING, dash="dash", text=model_label, top=False)
        )
    return _figure(
        traces,
        xaxis=_axis(x_title),
        yaxis=_axis(y_title, type="log", dtick=1),  # labels at powers of ten only
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
        decreasing={"marker": {"color": MISSING}},
        totals={"marker": {"color": RECORDED}},
        increasing={"marker": {"color": ON_TIME}},
        connector={"line": {"color": PENDING, "dash": "dot"}},
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    return _figure(
        [steps],
        height=340,
        legend=False,
        xaxis=_axis(type="category"),
        yaxis=_axis(y_title, range=[0, start * 1.12]),
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
            line_color=RECORDED,
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
                marker={"color": MISSING, "size": 12, "symbol": "diamond"},
                name=flag_label,
                hovertemplate="%{x}: %{y:.3f}<extra>" + flag_label + "</extra>",
            )
        )
    values = [float(v) for v in frame[y].to_list() if v is not None]
    top = max([*values, threshold]) * 1.15
    return _figure(
        traces,
        height=300,
        xaxis=_axis(x_title, type="category"),
        yaxis=_axis(y_title, range=[min([*values, threshold]) * 0.9, top]),
        lines=[_hline(threshold, color=MISSING, dash="dash", text=threshold_label)],
    )
