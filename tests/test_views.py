"""analytics.views and analytics.profile on the small generated warehouse's snapshot.

Expected values are computed independently: straight from the marts with Polars, or from the
pipeline's own rollups, never by calling the function under test twice.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from analytics import profile, views
from analytics.views import Filters


@pytest.fixture
def con(snapshot: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return snapshot.cursor()


def _mpm(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("select * from merchant_period_metrics where period_type = 'month'").pl()


def test_available_months_are_the_months_with_invoices(con: duckdb.DuckDBPyConnection) -> None:
    months = views.available_months(con)
    expected = (
        _mpm(con)
        .group_by("period")
        .agg(pl.col("invoices_issued").sum())
        .filter(pl.col("invoices_issued") > 0)["period"]
        .sort()
        .to_list()
    )
    assert months == expected
    assert len(months) >= 3


def test_group_sums_and_rates_follow_the_filter(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    district = _mpm(con)["district"].mode()[0]
    f = Filters(everything.period_from, everything.period_to, districts=(district,))
    got = views.group_metrics(con, f, ["industry"])
    rows = _mpm(con).filter(pl.col("district") == district)
    expected = (
        rows.group_by("industry")
        .agg(
            pl.col("invoices_due").sum(),
            pl.col("invoices_recorded").sum(),
            pl.col("on_time_count").sum(),
            pl.col("merchant_id").n_unique().alias("merchants"),
        )
        .sort("industry")
    )
    assert got["industry"].to_list() == expected["industry"].to_list()
    assert got["invoices_due"].to_list() == expected["invoices_due"].to_list()
    assert got["merchants"].to_list() == expected["merchants"].to_list()
    rate = (expected["invoices_recorded"] / expected["invoices_due"]).to_list()
    assert got["entry_rate"].to_list() == pytest.approx(rate)


def test_district_groups_equal_the_pipeline_rollups(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    got = views.group_metrics(con, everything, ["period", "district"])
    rollup = con.sql(
        "select period, value as district, invoices_due, late_count, on_time_rate "
        "from rollup_metrics where dimension = 'district' and period_type = 'month' "
        "and invoices_issued > 0"
    ).pl()
    joined = rollup.join(got, on=["period", "district"], suffix="_view")
    assert joined.height == rollup.height
    assert (joined["invoices_due"] == joined["invoices_due_view"]).all()
    assert (joined["late_count"] == joined["late_count_view"]).all()
    assert joined["on_time_rate_view"].to_list() == pytest.approx(joined["on_time_rate"].to_list())


def test_individual_and_merchant_filters(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    individuals = views.group_metrics(
        con, Filters(everything.period_from, everything.period_to, individual=True), []
    )
    registry = con.sql("select count(*) from merchants where is_individual").fetchall()[0][0]
    assert 0 < individuals["merchants"][0] <= registry
    one = _mpm(con)["merchant_id"][0]
    mine = views.group_metrics(con, everything.merchant(one), [])
    assert mine["merchants"].to_list() == [1]
    assert (
        mine["invoices_issued"][0]
        == _mpm(con).filter(pl.col("merchant_id") == one)["invoices_issued"].sum()
    )


def test_a_filter_that_selects_nothing_gives_empty_frames(con: duckdb.DuckDBPyConnection) -> None:
    f = Filters("1999-01", "1999-12")
    assert views.group_metrics(con, f, ["district"]).is_empty()
    assert views.period_series(con, f).is_empty()
    assert views.complaint_links(con, f).is_empty()
    assert views.merchants_below(con, f, "entry_rate", 1.0).is_empty()


def test_delay_buckets_add_up_to_invoices_due(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    dist = views.delay_distribution(con, everything, ["software_vendor"])
    due = views.group_metrics(con, everything, ["software_vendor"])
    totals = dist.group_by("software_vendor").agg(pl.col("invoices").sum()).sort("software_vendor")
    assert totals["invoices"].to_list() == due["invoices_due"].to_list()
    late = (
        dist.filter(pl.col("bucket") > 0).group_by("software_vendor").agg(pl.col("invoices").sum())
    )
    expected = due.select("software_vendor", "late_count").join(late, on="software_vendor")
    assert (expected["late_count"] == expected["invoices"]).all()
    shares = dist.group_by("software_vendor").agg(pl.col("share").sum())["share"].to_list()
    assert shares == pytest.approx([1.0] * len(shares))


def test_exact_tail_quantiles_equal_the_rollup_percentiles(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    """Where the p95 falls among late invoices, the tail method is exact: it must agree with
    the pipeline's percentile over every recorded invoice; elsewhere it bounds it."""
    deadline = views.deadline_workdays(con)
    got = views.delay_quantile(con, everything, ["period", "software_vendor"])
    rollup = con.sql(
        "select period, value as software_vendor, delay_p95 from rollup_metrics "
        "where dimension = 'software_vendor' and period_type = 'month' and delay_p95 is not null"
    ).pl()
    joined = got.join(rollup, on=["period", "software_vendor"])
    assert joined.height == rollup.height
    exact = joined.filter("exact")
    assert exact.height > 0, "the generated data has vendor-months with p95 beyond the deadline"
    assert exact["delay_quantile"].to_list() == pytest.approx(exact["delay_p95"].to_list())
    bounded = joined.filter(~pl.col("exact"))
    assert (bounded["delay_p95"] <= bounded["delay_quantile"] + 1e-9).all()
    assert (bounded["delay_quantile"] >= deadline - 1e-9).all()


def test_period_series_takes_exact_percentiles_from_rollups(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    series = views.period_series(con, everything)
    rollup = con.sql(
        "select period, delay_p95 from rollup_metrics where dimension = 'all' "
        "and period_type = 'month' and invoices_issued > 0 order by period"
    ).pl()
    assert series["period"].to_list() == rollup["period"].to_list()
    assert series["delay_p95"].to_list() == pytest.approx(rollup["delay_p95"].to_list())
    assert series["delay_p95_exact"].all()
    issued = series["invoices_issued"].to_list()
    assert series["volume_change"][1] == pytest.approx((issued[1] - issued[0]) / issued[0])


def test_with_previous_month_reaches_back_one_month(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    months = views.available_months(con)
    last = Filters(months[-1], months[-1], districts=("东城区",))
    wider = views.with_previous_month(last)
    assert (wider.period_from, wider.period_to, wider.districts) == (
        months[-2],
        months[-1],
        ("东城区",),
    )
    assert views.period_series(con, wider)["period"].to_list() == months[-2:]
    assert views.with_previous_month(Filters("2026-01", "2026-03")).period_from == "2025-12"


def test_merchants_below_a_threshold(con: duckdb.DuckDBPyConnection, everything: Filters) -> None:
    below = views.merchants_below(con, everything, "on_time_rate", 0.97, min_due=10)
    assert below.height > 0
    assert (below["on_time_rate"] < 0.97).all()
    assert (below["invoices_due"] >= 10).all()
    assert below["on_time_rate"].is_sorted()
    with pytest.raises(KeyError, match="unknown metric"):
        views.merchants_below(con, everything, "no_such_metric", 0.5)


def test_complaints_in_scope(con: duckdb.DuckDBPyConnection, everything: Filters) -> None:
    links = views.complaint_links(con, everything)
    assert (
        links.height
        == con.sql(
            "select count(*) from complaint_links where period between $a and $b",
            params={"a": everything.period_from, "b": everything.period_to},
        ).fetchall()[0][0]
    )
    micro = views.complaint_links(
        con, Filters(everything.period_from, everything.period_to, size_bands=("micro",))
    )
    sizes = con.sql("select merchant_id, size_band from merchants").pl()
    assert set(micro.join(sizes, on="merchant_id")["size_band"]) == {"micro"}
    assert 0 < micro.height < links.height


def test_open_alerts_count_new_and_acknowledged(
    con: duckdb.DuckDBPyConnection, everything: Filters
) -> None:
    got = views.open_alerts(con, everything)
    if not con.sql("select * from duckdb_tables() where table_name = 'alerts'").fetchall():
        assert got.is_empty()  # a snapshot from before the alerts stage
        return
    alerts = con.sql("select status, period from alerts").pl()
    still_open = alerts.filter(pl.col("status").is_in(["new", "acknowledged"]))
    assert got["open_alerts"].to_list() == [still_open.height]
    fresh = still_open.filter(pl.col("period") == everything.period_to).height
    assert got["new_in_period"].to_list() == [fresh]


def test_rollup_group_of_filters() -> None:
    assert Filters("2026-01", "2026-02").rollup_group() == ("all", "all")
    assert Filters("a", "b", vendors=("piaolian",)).rollup_group() == (
        "software_vendor",
        "piaolian",
    )
    assert Filters("a", "b", individual=False).rollup_group() == ("is_individual", "false")
    assert Filters("a", "b", districts=("东城区", "西城区")).rollup_group() is None
    assert Filters("a", "b", districts=("东城区",), industries=("retail",)).rollup_group() is None
    assert Filters("a", "b").merchant("x").rollup_group() is None


def test_bucket_ranges() -> None:
    assert views.bucket_ranges(2) == {0: "≤2", 1: "2–3", 2: "3–5", 3: "5–10", 4: "10–20", 5: ">20"}
    assert views.bucket_ranges(4) == {0: "≤4", 1: "4–5", 2: "5–10", 3: "10–20", 4: ">20"}


def test_unknown_group_key_is_refused(con: duckdb.DuckDBPyConnection, everything: Filters) -> None:
    with pytest.raises(ValueError, match="cannot group by"):
        views.group_metrics(con, everything, ["merchant_id; drop table merchants"])


def test_merchant_profile_views(con: duckdb.DuckDBPyConnection, everything: Filters) -> None:
    mpm = _mpm(con)
    merchant = (
        mpm.group_by("merchant_id")
        .agg(pl.col("late_count").sum())
        .sort(["late_count", "merchant_id"], descending=[True, False])["merchant_id"][0]
    )
    mine = mpm.filter(pl.col("merchant_id") == merchant)
    args = (merchant, everything.period_from, everything.period_to)
    daily = profile.merchant_activity(con, *args, grain="day")
    weekly = profile.merchant_activity(con, *args, grain="week")
    assert daily["issued"].sum() == weekly["issued"].sum() == mine["invoices_issued"].sum()
    assert daily["late"].sum() == mine["late_count"].sum()
    assert daily["day"].is_sorted()
    exceptions = profile.merchant_exceptions(con, *args)
    late = exceptions.filter(pl.col("status") == "entered_late")
    assert late.height > 0
    assert late["reason_zh"].str.contains("工作日").all()
    assert profile.merchant_facts(con, merchant)["merchant_id"].to_list() == [merchant]
    assert profile.merchant_facts(con, "nobody").is_empty()
    assert profile.merchant_periods(con, *args)["period"].to_list() == sorted(mine["period"])
    assert "merchant_id" in profile.merchant_options(con).columns
    with pytest.raises(ValueError, match="grain"):
        profile.merchant_activity(con, *args, grain="year")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "f",
    [
        Filters("", ""),
        Filters("", "", districts=("朝阳区", "海淀区")),
        Filters("", "", individual=True),
        Filters("", "", individual=False, size_bands=("small",)),
        Filters("", "", industries=("retail",), vendors=("etax_web", "jinpiaobao")),
    ],
)
def test_the_attribute_mask_selects_what_the_sql_scope_macro_does(
    con: duckdb.DuckDBPyConnection, f: Filters
) -> None:
    """Filters.attribute_mask (frames filtered in memory) and fw_merchants (SQL) agree."""
    views.prepare(con)
    params = {k: v for k, v in f.params().items() if k not in ("period_from", "period_to")}
    sql = (
        "select merchant_id from fw_merchants($merchant_ids, $districts, $industries, "
        "$size_bands, $vendors, $individual)"
    )
    expected = sorted(r[0] for r in con.execute(sql, params).fetchall())
    registry = con.sql("select * from merchants").pl()
    got = sorted(registry.filter(f.attribute_mask())["merchant_id"].to_list())
    assert got == expected
    assert 0 < len(got) <= registry.height
    one = Filters("", "", merchant_ids=(expected[0],))
    assert registry.filter(one.attribute_mask())["merchant_id"].to_list() == [expected[0]]
