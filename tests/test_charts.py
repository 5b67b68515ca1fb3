"""analytics.charts: pure figure builders; the figures carry the data they were given."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import pytest

from analytics import chart_style, charts

SERIES = pl.DataFrame(
    {
        "period": ["2026-01", "2026-02", "2026-03"],
        "entry_rate": [0.99, 0.98, 0.995],
        "on_time_rate": [0.95, 0.90, 0.97],
        "delay_p95": [1.2, 3.5, 0.8],
    }
)


def test_rate_trend_draws_one_line_per_rate() -> None:
    fig = charts.rate_trend(
        SERIES, x="period", lines={"entry_rate": "入库率", "on_time_rate": "按时"}
    )
    assert isinstance(fig, go.Figure)
    by_name = {t.name: list(t.y) for t in fig.data}
    assert by_name == {"入库率": [0.99, 0.98, 0.995], "按时": [0.95, 0.90, 0.97]}
    assert fig.layout.yaxis.tickformat == ".2~%"  # 99.5% and 99% told apart


def test_delay_trend_marks_the_deadline() -> None:
    fig = charts.delay_trend(
        SERIES, x="period", y="delay_p95", deadline=2, y_title="d", deadline_label="limit 2"
    )
    assert list(fig.data[0].y) == [1.2, 3.5, 0.8]
    (line,) = fig.layout.shapes
    assert (line.y0, line.y1, line.line.dash) == (2, 2, "dash")
    assert fig.layout.annotations[0].text == "limit 2"
    assert fig.layout.yaxis.range[1] >= 3.5


def test_tile_map_places_each_district_on_its_tile() -> None:
    frame = pl.DataFrame(
        {
            "tile_row": [0, 1, 1],
            "tile_col": [1, 0, 2],
            "rate": [0.9, 0.8, None],
            "text": ["A<br>90%", "B<br>80%", "C<br>—"],
        }
    )
    fig = charts.tile_map(frame, value="rate", text="text")
    heat = fig.data[0]
    assert [list(r) for r in heat.z] == [[None, 0.9, None], [0.8, None, None]]
    assert heat.text[1][2] == "C<br>—"
    assert fig.layout.yaxis.autorange == "reversed"


def test_heatmap_pivots_the_cross_tab() -> None:
    frame = pl.DataFrame(
        {"d": ["东城区", "东城区", "西城区"], "i": ["零售", "酒店", "零售"], "r": [0.9, 0.8, 0.7]}
    )
    fig = charts.heatmap(frame, x="i", y="d", z="r")
    heat = fig.data[0]
    assert list(heat.x) == ["酒店", "零售"]
    assert list(heat.y) == ["东城区", "西城区"]
    assert heat.z[0].tolist() == [0.8, 0.9]
    assert heat.z[1][1] == pytest.approx(0.7)


def test_delay_histogram_keeps_bucket_order_and_colours() -> None:
    frame = pl.DataFrame(
        {
            "label": ["≤2", "2–3", ">3", "missing"],
            "invoices": [900, 30, 5, 2],
            "kind": ["on time", "late", "late", "missing"],
        }
    )
    colours = {
        "on time": chart_style.ON_TIME,
        "late": chart_style.LATE,
        "missing": chart_style.MISSING,
    }
    fig = charts.delay_histogram(frame, x="label", y="invoices", kind="kind", colors=colours)
    assert fig.layout.xaxis.categoryarray == ("≤2", "2–3", ">3", "missing")
    assert {t.name: t.marker.color for t in fig.data} == colours
    assert sum(sum(t.y) for t in fig.data) == 937


def test_stacked_shares_are_horizontal_in_order() -> None:
    frame = pl.DataFrame(
        {
            "vendor": ["a", "a", "b", "b"],
            "bucket": ["x", "y", "x", "y"],
            "share": [0.1, 0.2, 0.3, 0.05],
        }
    )
    fig = charts.stacked_shares(
        frame,
        y="vendor",
        x="share",
        color="bucket",
        order=["y", "x"],
        colors={"x": "#000000", "y": "#ffffff"},
    )
    assert [t.name for t in fig.data] == ["y", "x"]
    assert all(t.orientation == "h" for t in fig.data)
    assert fig.data[0].marker.color == "#ffffff"


def test_merchant_activity_stacks_outcomes_and_marks_missing_days() -> None:
    frame = pl.DataFrame(
        {
            "day": [dt.date(2026, 3, 2), dt.date(2026, 3, 3)],
            "recorded_on_time": [5, 3],
            "late": [1, 0],
            "missing": [0, 2],
            "pending": [0, 0],
        }
    )
    labels = {"recorded_on_time": "on time", "late": "late", "missing": "missing", "pending": "p"}
    fig = charts.merchant_activity(frame, x="day", labels=labels)
    bars = [t for t in fig.data if t.type == "bar"]
    assert sum(sum(b.y) for b in bars) == 11  # everything issued
    (marks,) = [t for t in fig.data if t.type == "scatter"]
    assert list(marks.x) == [dt.date(2026, 3, 3)]
    assert list(marks.y) == [5]  # on top of that day's bar
    assert fig.layout.barmode == "stack"


def test_bars_and_lines() -> None:
    frame = pl.DataFrame({"g": ["a", "b"], "v": [0.1, 0.2], "c": ["x", "x"]})
    fig = charts.bars(frame, x="g", y="v", color="c", percent=True)
    assert list(fig.data[0].y) == [0.1, 0.2]
    assert fig.layout.yaxis.tickformat == ".0%"
    flat = charts.bars(frame, x="g", y="v", horizontal=True)
    assert fig.data[0].orientation in (None, "v")
    assert flat.data[0].orientation == "h"
    months = pl.DataFrame(
        {"m": [dt.date(2026, 3, 1), dt.date(2026, 4, 1)], "v": [4, 5], "c": ["x", "x"]}
    )
    area = charts.lines(months, x="m", y="v", color="c", area=True, grain="month")
    assert area.data[0].stackgroup is not None
    assert area.layout.xaxis.type == "date"
    assert area.layout.xaxis.hoverformat == "%Y-%m"


def test_date_axes_tick_in_iso_dates_not_english_month_names() -> None:
    """Plotly's own date ticks read 'Mar 2026' in the Chinese UI too; ours read '2026-03'."""
    days = pl.DataFrame(
        {"day": [dt.date(2026, 3, 2)], "recorded_on_time": [1], "late": [0], "missing": [0]}
    ).with_columns(pending=pl.lit(0))
    labels = dict.fromkeys(("recorded_on_time", "late", "missing", "pending"), "x")
    for fig, hover in (
        (charts.merchant_activity(days, x="day", labels=labels), "%Y-%m-%d"),
        (charts.lines(days, x="day", y="late", grain="week"), "%Y-%m-%d"),
        (charts.lines(days, x="day", y="late", grain="month"), "%Y-%m"),
    ):
        axis = fig.layout.xaxis
        assert axis.hoverformat == hover
        assert [(s.dtickrange, s.value) for s in axis.tickformatstops] == [
            ((None, "M1"), "%Y-%m-%d"),
            (("M1", None), "%Y-%m"),
        ]
