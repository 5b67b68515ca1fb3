"""analytics.self_check_views: report periods and the preview agree with the report itself."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from analytics import reports, self_check_views


@pytest.fixture
def con(snapshot: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    return snapshot.cursor()


def _busy_merchant(con: duckdb.DuckDBPyConnection, month: str) -> str:
    rows = con.sql(
        "select merchant_id from merchant_period_metrics where period = $p "
        "order by missing_count + late_count + not_invoiced_count desc, merchant_id limit 1",
        params={"p": month},
    ).fetchall()
    return str(rows[0][0])


def test_periods_are_months_then_quarters_with_invoices(con: duckdb.DuckDBPyConnection) -> None:
    got = self_check_views.report_periods(con)
    months = got.filter(pl.col("period_type") == "month")["period"].to_list()
    assert months == sorted(months, reverse=True)
    assert got["period_type"].to_list() == ["month"] * len(months) + ["quarter"] * (
        got.height - len(months)
    )
    issued = con.sql(
        "select period, sum(invoices_issued) as n from merchant_period_metrics "
        "where period_type = 'month' group by period"
    ).pl()
    assert sorted(months) == sorted(issued.filter(pl.col("n") > 0)["period"])


def test_preview_matches_the_report_sheets(con: duckdb.DuckDBPyConnection) -> None:
    month = self_check_views.report_periods(con)["period"][1]
    merchant = _busy_merchant(con, month)
    summary = self_check_views.summary(con, month, merchant_id=merchant).row(0, named=True)
    sheets = reports.report_sheets(con, merchant, month)
    items = dict(sheets[reports.SUMMARY_SHEET].iter_rows())
    assert items["开票数"] == f"{summary['invoices_issued']:,}"
    rows = self_check_views.sheet_rows(con, month, merchant_id=merchant)
    names = [*(s.name for s in reports.SHEETS), reports.PENDING_DETAIL]
    assert rows["sheet"].to_list() == names
    assert dict(zip(rows["sheet"], rows["rows"], strict=True)) == {
        name: sheets[name].height for name in names
    }


def test_district_preview_counts_the_merchants_of_the_zip(con: duckdb.DuckDBPyConnection) -> None:
    quarter = self_check_views.report_periods(con).filter(pl.col("period_type") == "quarter")[
        "period"
    ][0]
    district = con.sql(
        "select district from merchants group by 1 order by count(*) desc"
    ).fetchall()[0][0]
    summary = self_check_views.summary(con, quarter, district=district)
    done: list[tuple[int, int]] = []
    payload = reports.district_reports(
        con, district, quarter, "csv", on_progress=lambda d, n: done.append((d, n))
    )
    assert len(payload) > 0
    n = int(summary["merchants"][0])
    assert done[-1] == (n, n)
    assert [d for d, _ in done] == list(range(1, n + 1))


def test_list_preview_sums_the_listed_merchants_reports(con: duckdb.DuckDBPyConnection) -> None:
    """A list's figures and sheet rows are those of its merchants' own reports added up."""
    month = self_check_views.report_periods(con)["period"][1]
    ids = [
        str(r[0])
        for r in con.sql(
            "select merchant_id from merchant_period_metrics where period = $p "
            "order by missing_count + late_count desc, merchant_id limit 3",
            params={"p": month},
        ).fetchall()
    ]
    summary = self_check_views.summary(con, month, merchant_ids=tuple(ids)).row(0, named=True)
    own = [self_check_views.summary(con, month, merchant_id=m).row(0, named=True) for m in ids]
    assert summary["merchants"] == 3
    for name in ("invoices_issued", "missing_count", "late_count"):
        assert summary[name] == sum(o[name] for o in own), name
    rows = self_check_views.sheet_rows(con, month, merchant_ids=tuple(ids))["rows"].to_list()
    each = [self_check_views.sheet_rows(con, month, merchant_id=m)["rows"] for m in ids]
    assert rows == (each[0] + each[1] + each[2]).to_list()


def test_one_merchant_one_district_or_one_list(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="give one of"):
        self_check_views.summary(con, "2026-10")
    with pytest.raises(ValueError, match="give one of"):
        self_check_views.sheet_rows(con, "2026-10", merchant_id="x", district="朝阳区")
    with pytest.raises(ValueError, match="give one of"):
        self_check_views.summary(con, "2026-10", district="朝阳区", merchant_ids=("x",))
