"""analytics.score_charts: grades, the anomaly histogram, the waterfall and the timeline."""

from __future__ import annotations

import polars as pl
import pytest

from analytics import score_charts

NAMES = {"A": "A级", "B": "B级", "C": "C级", "D": "D级", "M": "M级"}


def test_grade_distribution_overall_colours_each_grade() -> None:
    counts = pl.DataFrame({"grade": ["A", "B", "C", "D", "M"], "merchants": [5, 3, 1, 0, 2]})
    fig = score_charts.grade_distribution(counts, grade="grade", value="merchants", names=NAMES)
    (bars,) = fig.data
    assert list(bars.x) == ["A级", "B级", "C级", "D级", "M级"]
    assert list(bars.y) == [5, 3, 1, 0, 2]
    assert list(bars.marker.color) == [score_charts.GRADE_COLOURS[g] for g in "ABCDM"]


def test_grade_distribution_by_group_stacks_one_trace_per_grade() -> None:
    counts = pl.DataFrame(
        {
            "district": ["东城区"] * 5 + ["西城区"] * 5,
            "grade": list("ABCDM") * 2,
            "share": [0.5, 0.5, 0, 0, 0, 0.2, 0, 0, 0, 0.8],
        }
    )
    fig = score_charts.grade_distribution(
        counts, grade="grade", value="share", names=NAMES, group="district", percent=True
    )
    assert [t.name for t in fig.data] == list(NAMES.values())
    m = next(t for t in fig.data if t.name == "M级")
    assert (list(m.y), list(m.x)) == (["东城区", "西城区"], [0, 0.8])
    assert fig.layout.barmode == "stack"
    assert fig.layout.xaxis.tickformat == ".0%"


def test_score_histogram_splits_at_the_threshold_and_draws_both_lines() -> None:
    bins = pl.DataFrame({"bin_start": [0.30, 0.40, 0.50, 0.60], "merchant_months": [90, 9, 3, 1]})
    fig = score_charts.score_histogram(
        bins,
        x="bin_start",
        y="merchant_months",
        width=0.1,
        threshold=0.5,
        model_threshold=0.44,
        names=("below", "above"),
        threshold_label="t",
        model_label="m",
    )
    below, above = fig.data
    assert (below.name, list(below.y)) == ("below", [90, 9])
    assert (above.name, list(above.y)) == ("above", [3, 1])
    assert list(above.x) == pytest.approx([0.55, 0.65])  # bars at the bins' centres
    assert sorted(s.x0 for s in fig.layout.shapes) == [0.44, 0.5]
    labels = sorted((a.x, a.text) for a in fig.layout.annotations)
    assert labels == [(0.44, "m"), (0.5, "t")]
    assert all(a.bgcolor for a in fig.layout.annotations)  # readable over the bars
    assert fig.layout.yaxis.type == "log"


def test_score_waterfall_runs_from_start_to_the_score() -> None:
    rules = pl.DataFrame({"label": ["入库率", "重复开票"], "points": [12.5, 3.0]})
    fig = score_charts.score_waterfall(
        rules, label="label", points="points", start_label="满分", total_label="得分"
    )
    (steps,) = fig.data
    assert list(steps.x) == ["满分", "入库率", "重复开票", "得分"]
    assert list(steps.y) == [100.0, -12.5, -3.0, 84.5]
    assert list(steps.measure) == ["absolute", "relative", "relative", "total"]


def test_score_timeline_marks_flagged_months_and_the_threshold() -> None:
    months = pl.DataFrame(
        {
            "period": ["2026-07", "2026-08", "2026-09"],
            "anomaly_score": [0.31, 0.62, 0.33],
            "is_anomaly": [False, True, False],
        }
    )
    fig = score_charts.score_timeline(
        months, x="period", y="anomaly_score", flag="is_anomaly", threshold=0.45, flag_label="f"
    )
    line, flagged = fig.data
    assert list(line.y) == [0.31, 0.62, 0.33]
    assert (list(flagged.x), flagged.name) == (["2026-08"], "f")
    (shape,) = fig.layout.shapes
    assert (shape.y0, shape.line.dash) == (0.45, "dash")


def test_grade_migration_writes_each_count_in_its_cell() -> None:
    frame = pl.DataFrame(
        {
            "previous_grade": ["A", "A", "B", "B"],
            "grade": ["A", "B", "A", "B"],
            "merchants": [1026, 68, 0, 25],
        }
    )
    names = {"A": "A 级", "B": "B 级"}
    fig = score_charts.grade_migration(frame, names=names, x_title="本期", y_title="上期")
    (heat,) = fig.data
    assert list(heat.y) == ["A 级", "B 级"]  # previous grade, best on top (reversed axis)
    assert list(heat.x) == ["A 级", "B 级"]
    assert [list(row) for row in heat.text] == [["1,026", "68"], ["0", "25"]]
    assert heat.z[0][0] > heat.z[0][1] > heat.z[1][1] > heat.z[1][0] == 0  # shade by count
    assert fig.layout.yaxis.autorange == "reversed"


def test_risk_reliability_draws_the_groups_against_the_diagonal() -> None:
    groups = pl.DataFrame(
        {"bin": [1, 2], "merchants": [30, 30], "expected": [0.05, 0.4], "observed": [0.02, 0.3]}
    )
    fig = score_charts.risk_reliability(groups, names=("十分组", "预测 = 实际"))
    diagonal, points = fig.data
    top = 0.4 * 1.08  # the largest value, with room
    assert diagonal.name == "预测 = 实际"
    assert list(diagonal.x) == list(diagonal.y) == [0, pytest.approx(top)]
    assert (list(points.x), list(points.y), list(points.customdata)) == (
        [0.05, 0.4],
        [0.02, 0.3],
        [30, 30],
    )
    assert fig.layout.xaxis.range == fig.layout.yaxis.range == (0, pytest.approx(top))
