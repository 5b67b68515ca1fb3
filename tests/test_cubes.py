"""analytics.cubes and analytics.cube_views: the dashboard's aggregate marts give exactly the
numbers of the queries over merchant rows.

The reference is either computed independently with Polars from ``merchant_period_metrics``,
or the same view with ``use_cubes=False`` (the merchant-row SQL the pages used before the
marts existed), compared frame for frame without tolerance.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TypeVar

import duckdb
import polars as pl
import pytest
from factories import TestWarehouse
from polars.testing import assert_frame_equal

from analytics import cube_views, cubes, metrics, views
from analytics.views import DIMENSIONS, Filters

T = TypeVar("T")


@pytest.fixture
def con(snapshot: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return snapshot.cursor()


def _months(con: duckdb.DuckDBPyConnection) -> list[str]:
    return views.available_months(con)


def _values(con: duckdb.DuckDBPyConnection, dimension: str) -> list[str]:
    options = views.filter_options(con)
    return options.filter(pl.col("dimension") == dimension)["value"].to_list()


def _filters(con: duckdb.DuckDBPyConnection) -> list[Filters]:
    """Everything, one value, several values, several attributes, one month, individuals."""
    m = _months(con)
    d, i = _values(con, "district"), _values(con, "industry")
    s, v = _values(con, "size_band"), _values(con, "software_vendor")
    return [
        Filters(m[0], m[-1]),
        Filters(m[1], m[-1], districts=(d[0],)),
        Filters(m[0], m[-2], districts=(d[1], d[2]), industries=(i[0], i[1])),
        Filters(m[-1], m[-1], vendors=(v[0],), individual=True),
        Filters(m[0], m[1], size_bands=(s[0], s[1]), individual=False),
        Filters(m[0], m[-1], districts=tuple(d[:4]), vendors=tuple(v[:2]), size_bands=(s[0],)),
    ]


def _month_rows(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("select * from merchant_period_metrics where period_type = 'month'").pl()


def test_cube_sums_equal_the_merchant_months(con: duckdb.DuckDBPyConnection) -> None:
    counts, amounts = metrics.summed_columns()
    keys = ["period", *DIMENSIONS]
    expected = _month_rows(con).group_by(keys).agg(pl.col(c).sum() for c in counts + amounts)
    cube = con.sql("select * from cube_metrics").pl()
    assert cube.height == expected.height
    assert cube["merchants"].sum() == _month_rows(con).height
    assert_frame_equal(
        cube.select(keys + counts + amounts).sort(keys, nulls_last=True),
        expected.select(keys + counts + amounts).sort(keys, nulls_last=True),
        check_dtypes=False,
    )


def test_distinct_merchants_over_every_month_range(con: duckdb.DuckDBPyConnection) -> None:
    rows = _month_rows(con)
    district = rows["district"].mode()[0]
    for first, last in itertools.combinations_with_replacement(_months(con), 2):
        scope = rows.filter(pl.col("period").is_between(pl.lit(first), pl.lit(last)))
        everything = views.group_metrics(con, Filters(first, last), [])
        assert everything["merchants"][0] == scope["merchant_id"].n_unique()
        by_vendor = views.group_metrics(
            con, Filters(first, last, districts=(district,)), ["software_vendor"]
        )
        expected = (
            scope.filter(pl.col("district") == district)
            .group_by("software_vendor")
            .agg(pl.col("merchant_id").n_unique().alias("merchants"))
            .sort("software_vendor")
        )
        assert by_vendor.select("software_vendor", "merchants").equals(expected), (first, last)


@pytest.mark.parametrize(
    "by",
    [
        (),
        ("district",),
        ("district", "industry"),
        ("software_vendor",),
        ("is_individual",),
        ("period", "period_start"),
        ("period", "size_band", "is_individual"),
    ],
)
def test_group_metrics_from_the_cube_equal_the_merchant_rows(
    con: duckdb.DuckDBPyConnection, by: tuple[str, ...]
) -> None:
    for f in _filters(con):
        got = views.group_metrics(con, f, by)
        assert_frame_equal(got, views.group_metrics(con, f, by, use_cubes=False))


@pytest.mark.parametrize(
    "by", [(), ("software_vendor",), ("period",), ("district", "is_individual")]
)
def test_delays_from_the_cube_equal_the_merchant_rows(
    con: duckdb.DuckDBPyConnection, by: tuple[str, ...]
) -> None:
    deadline = views.deadline_workdays(con)
    counted = 0
    for f in _filters(con):
        for q in (0.5, 0.95, 0.99):
            got = views.delay_quantile(con, f, by, q, deadline=deadline)
            old = views.delay_quantile(con, f, by, q, deadline=deadline, use_cubes=False)
            assert_frame_equal(got, old)
        got = views.delay_distribution(con, f, by, deadline=deadline)
        old = views.delay_distribution(con, f, by, deadline=deadline, use_cubes=False)
        assert_frame_equal(got, old)
        counted += got["invoices"].sum()
    assert counted > 0


def test_several_groupings_in_one_query_equal_one_query_each(
    con: duckdb.DuckDBPyConnection,
) -> None:
    sets = [("district", "industry"), ("software_vendor",), ("is_individual",), ()]
    for f in _filters(con):
        got = views.group_metrics_sets(con, f, sets)
        assert len(got) == len(sets)
        for by, frame in zip(sets, got, strict=True):
            assert_frame_equal(frame, views.group_metrics(con, f, by, use_cubes=False))
    with_months = views.group_metrics_sets(con, _filters(con)[0], [("period",), ("district",)])
    assert_frame_equal(with_months[0], views.group_metrics(con, _filters(con)[0], ["period"]))


@pytest.mark.parametrize("by", [(), ("software_vendor",), ("period", "is_individual")])
def test_the_delay_profile_equals_its_two_views(
    con: duckdb.DuckDBPyConnection, by: tuple[str, ...]
) -> None:
    deadline = views.deadline_workdays(con)
    for f in [*_filters(con), _filters(con)[0].merchant(_month_rows(con)["merchant_id"][0])]:
        buckets, quantile = views.delay_profile(con, f, by, 0.9, deadline=deadline)
        old = views.delay_distribution(con, f, by, deadline=deadline, use_cubes=False)
        assert_frame_equal(buckets, old)
        old = views.delay_quantile(con, f, by, 0.9, deadline=deadline, use_cubes=False)
        assert_frame_equal(quantile, old)


@pytest.mark.parametrize("metric", cubes.ENTRY_RATES)
def test_merchants_below_from_the_entry_mart_equal_the_merchant_rows(
    con: duckdb.DuckDBPyConnection, metric: str
) -> None:
    shown = 0
    for f in _filters(con):
        for threshold, min_due in ((0.95, 20), (0.999, 0), (0.7, 5)):
            got = views.merchants_below(con, f, metric, threshold, min_due=min_due)
            old = views.merchants_below(con, f, metric, threshold, min_due=min_due, use_cubes=False)
            assert_frame_equal(got, old)
            shown += got.height
    assert shown > 0
    every = views.merchants_below(con, _filters(con)[0], metric, 1.01, min_due=0)
    assert 7 < every.height == every["below_total"][0]  # all of them: under the 500 shown
    for cubed in (True, False):
        limited = views.merchants_below(
            con, _filters(con)[0], metric, 1.01, min_due=0, limit=7, use_cubes=cubed
        )
        assert_frame_equal(limited.drop("below_total"), every.head(7).drop("below_total"))
        assert limited["below_total"].unique().to_list() == [every.height]


def test_entry_rates_read_only_the_entry_columns() -> None:
    for name in cubes.ENTRY_RATES:
        expression = metrics.metric(name).expression or ""
        used = {w for w in expression.replace("(", " ").replace(",", " ").split() if "_" in w}
        assert used <= set(cubes.ENTRY_COLUMNS), name


def test_a_merchant_filter_or_a_merchant_group_reads_merchant_rows() -> None:
    f = Filters("2026-01", "2026-03")
    assert cube_views.usable(f, ["district", "period"])
    assert not cube_views.usable(f.merchant("x"), ["district"])
    assert not cube_views.usable(f, ["merchant_id", "merchant_name"])


def test_the_cube_queries_run_without_falling_back(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The equalities above hold for a fallback too: here a fallback is an error, so a cube
    query that stopped working (a missing macro is a catalogue error) cannot hide behind it."""

    def no_fallback(run: Callable[[], T], fallback: Callable[[], T]) -> T:
        del fallback
        return run()

    monkeypatch.setattr(cube_views, "attempt", no_fallback)
    fresh = con.cursor()  # no scope macros yet: each cube view must create them itself
    f = _filters(con)[2]
    assert views.group_metrics(fresh, f, ["district"]).height > 0
    assert all(g.height > 0 for g in views.group_metrics_sets(fresh, f, [("district",), ()]))
    assert views.delay_quantile(fresh, f, ["software_vendor"]).height > 0
    assert views.delay_distribution(fresh, f, ["software_vendor"]).height > 0
    assert all(p.height > 0 for p in views.delay_profile(fresh, f, ["software_vendor"]))
    assert views.merchants_below(con.cursor(), f, "on_time_rate", 1.01, min_due=0).height > 0


def test_a_snapshot_without_the_marts_falls_back(con: duckdb.DuckDBPyConnection) -> None:
    old = duckdb.connect(":memory:")
    for table in ("merchant_period_metrics", "recon_exceptions", "merchants", "analysis_runs"):
        frame = con.sql(f"select * from {table}").pl()  # noqa: F841 - read by the statement below
        old.execute(f"create table {table} as select * from frame").fetchall()
    f = _filters(con)[1]
    assert_frame_equal(
        views.group_metrics(old, f, ["district"]), views.group_metrics(con, f, ["district"])
    )
    assert_frame_equal(
        views.delay_quantile(old, f, ["software_vendor"]),
        views.delay_quantile(con, f, ["software_vendor"]),
    )
    assert_frame_equal(
        views.merchants_below(old, f, "on_time_rate", 0.99, min_due=0),
        views.merchants_below(con, f, "on_time_rate", 0.99, min_due=0),
    )
    sets = [("district",), ("software_vendor",)]
    for a, b in zip(
        views.group_metrics_sets(old, f, sets), views.group_metrics_sets(con, f, sets), strict=True
    ):
        assert_frame_equal(a, b)
    for a, b in zip(
        views.delay_profile(old, f, ["software_vendor"]),
        views.delay_profile(con, f, ["software_vendor"]),
        strict=True,
    ):
        assert_frame_equal(a, b)


# --- the stage on a warehouse that changes -----------------------------------------------------


def _seed(wh: TestWarehouse) -> tuple[str, str]:
    """Two merchants, January to March 2026, some invoices late or missing."""
    a = wh.merchant(district="朝阳区")
    b = wh.merchant(district="海淀区", individual=True, software_vendor="piaolian")
    for month in ("01", "02", "03"):
        for merchant in (a, b):
            wh.invoice(merchant, f"2026-{month}-06 10:00", 100, recorded=f"2026-{month}-07 10:00")
            wh.invoice(merchant, f"2026-{month}-09 10:00", 50, recorded=f"2026-{month}-16 10:00")
            wh.invoice(merchant, f"2026-{month}-12 10:00", 30)
    return a, b


def _cube_tables(wh: TestWarehouse) -> dict[str, list[tuple[object, ...]]]:
    return {t: wh.table(t, "all") for t in cubes.TABLES if t != cubes.KEYS}


def test_an_incremental_run_equals_a_full_run() -> None:
    wh = TestWarehouse()
    a, _ = _seed(wh)
    wh.analyse()
    wh.new_load()
    wh.invoice(a, "2026-02-20 10:00", 70, recorded="2026-03-05 10:00")
    wh.invoice(a, "2026-04-02 10:00", 70, recorded="2026-04-03 10:00")
    result = wh.analyse()
    assert result.mode == "incremental"
    assert result.written[cubes.CUBE] > 0
    after = _cube_tables(wh)
    assert wh.analyse(full=True).mode == "full"
    assert _cube_tables(wh) == after


def test_a_merchant_whose_registry_entry_changed_counts_once() -> None:
    wh = TestWarehouse()
    a, b = _seed(wh)
    wh.analyse()
    # the registry moves merchant a to b's district; only April is analysed afterwards
    wh.con.execute("update merchants set district = '海淀区' where merchant_id = $a", {"a": a})
    wh.new_load()
    wh.invoice(a, "2026-04-02 10:00", 70, recorded="2026-04-03 10:00")
    wh.analyse()
    districts = wh.rows(
        "select distinct district from merchant_period_metrics where merchant_id = $a "
        "and period_type = 'month' order by 1",
        {"a": a},
    )
    assert [r["district"] for r in districts] == ["朝阳区", "海淀区"]
    everything = Filters("2026-01", "2026-04")
    for by in ((), ("district",), ("is_individual",)):
        got = views.group_metrics(wh.con, everything, by)
        assert_frame_equal(got, views.group_metrics(wh.con, everything, by, use_cubes=False))
    sets = [(), ("district",), ("is_individual",)]
    for frame, by in zip(views.group_metrics_sets(wh.con, everything, sets), sets, strict=True):
        assert_frame_equal(frame, views.group_metrics(wh.con, everything, by, use_cubes=False))
    assert views.group_metrics(wh.con, everything, [])["merchants"][0] == 2
    by_district = views.group_metrics(wh.con, everything, ["district"])
    assert dict(by_district.select("district", "merchants").iter_rows()) == {
        "朝阳区": 1,
        "海淀区": 2,
    }
    for f in (everything, Filters("2026-01", "2026-04", districts=("海淀区",))):
        got = views.merchants_below(wh.con, f, "on_time_rate", 1.0, min_due=0)
        assert_frame_equal(
            got, views.merchants_below(wh.con, f, "on_time_rate", 1.0, min_due=0, use_cubes=False)
        )
    assert views.merchants_below(wh.con, everything, "on_time_rate", 1.0, min_due=0).height == 3
    below = views.merchants_below(wh.con, everything, "on_time_rate", 1.0, min_due=0)
    assert below.filter(pl.col("merchant_id") == a)["district"].sort().to_list() == [
        "朝阳区",
        "海淀区",
    ]
    assert b in below["merchant_id"].to_list()
