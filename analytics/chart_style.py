"""The look the chart builders share: colours that carry meaning across pages, the font, and
the layout pieces (axes, reference lines) that :mod:`analytics.charts` and
:mod:`analytics.score_charts` pass whole to the ``go.Figure`` constructor.

Colours: on time green, late amber, missing red, pending grey.
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
    "invoiced": "#66bb6a",  # a payment invoiced in full
    "under_invoiced": "#c62828",
}
GOOD_TO_BAD = "RdYlGn"  # colour scale where high values are good
BAD_TO_GOOD = "RdYlGn_r"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
LABEL_BOX = "rgba(255, 255, 255, 0.85)"  # behind a reference line's label

Layout = dict[str, Any]


def axis(title: str | None = None, **props: Any) -> Layout:
    """An axis: its title (as ``update_xaxes(title=...)`` sets it) and other properties."""
    out = {k: v for k, v in props.items() if v is not None}
    if title is not None:
        out["title"] = {"text": title}
    return out


# Dates as ISO text at every zoom ('2026-03', '2026-03-02'): Plotly's own ticks are English
# ('Mar 2026'), out of place in the Chinese UI and unlike every other chart's periods.
_DATE_TICKS = [
    {"dtickrange": [None, "M1"], "value": "%Y-%m-%d"},
    {"dtickrange": ["M1", None], "value": "%Y-%m"},
]


def date_axis(title: str | None = None, *, grain: str = "day") -> Layout:
    """A date axis with ISO ticks; hover shows the month for ``grain`` 'month', else the day."""
    hover = "%Y-%m" if grain == "month" else "%Y-%m-%d"
    return axis(title, type="date", tickformatstops=_DATE_TICKS, hoverformat=hover)


def figure(
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


def hline(y: float, *, color: str, dash: str | None, text: str) -> tuple[Layout, Layout]:
    """What ``addhline(y, annotation_position="top left")`` adds: a line across the plot."""
    line = {"color": color, "dash": dash} if dash else {"color": color}
    shape = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y}
    note = {"showarrow": False, "text": text, "x": 0, "xanchor": "left", "xref": "x domain"}
    return {**shape, "line": line}, {**note, "y": y, "yanchor": "bottom", "yref": "y"}


def vline(x: float, *, color: str, dash: str | None, text: str, top: bool) -> tuple[Layout, Layout]:
    """What ``addvline(x, annotation_position="top right" / "bottom right")`` adds, with the
    label on a light box: a line's label usually sits over bars."""
    line = {"color": color, "dash": dash} if dash else {"color": color}
    shape = {"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0, "y1": 1}
    note = {
        "showarrow": False,
        "text": text,
        "x": x,
        "xanchor": "left",
        "xref": "x",
        "bgcolor": LABEL_BOX,
    }
    where = {"y": 1, "yanchor": "top"} if top else {"y": 0, "yanchor": "bottom"}
    return {**shape, "line": line}, {**note, **where, "yref": "y domain"}


def groups(frame: pl.DataFrame, color: str | None) -> list[tuple[str | None, pl.DataFrame]]:
    """(name, rows) per value of ``color`` in first-seen order; one unnamed group without it."""
    if color is None:
        return [(None, frame)]
    names = frame[color].unique(maintain_order=True).to_list()
    return [
        ("—" if n is None else str(n), frame.filter(pl.col(color).eq_missing(n))) for n in names
    ]


def pct_ticks(values: pl.Series) -> str:
    """Percent ticks with a decimal when every value is small (else 1% and 1% repeat)."""
    top = max((abs(float(v)) for v in values.to_list() if v is not None), default=0.0)
    return ".1%" if top < 0.1 else ".0%"
