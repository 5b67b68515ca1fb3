"""Self-check page (自查报告) under AppTest: preview figures, and downloads that open as files."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import duckdb
import fastexcel
import polars as pl
import pytest
from apptest import errors, metrics, open_page, texts
from streamlit.runtime.media_file_manager import MediaFileManager

from analytics import formatting, reports, self_check_views
from analytics.validation import make_uscc
from dashboard.i18n import LABELS


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """File name -> bytes of every download button the page draws."""
    seen: dict[str, bytes] = {}
    original = MediaFileManager.add

    def add(self: MediaFileManager, data: Any, mimetype: str, coordinates: str, **kw: Any) -> str:
        if kw.get("file_name") and isinstance(data, bytes):
            seen[kw["file_name"]] = data
        return original(self, data, mimetype, coordinates, **kw)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return seen


def _merchant_and_month(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    month = self_check_views.report_periods(con)["period"][1]
    rows = con.sql(
        "select merchant_id from merchant_period_metrics where period = $p and missing_count > 0 "
        "order by merchant_id limit 1",
        params={"p": month},
    ).fetchall()
    return str(rows[0][0]), month


def test_a_merchant_report_previews_its_figures_and_downloads_as_a_workbook(
    snapshot: duckdb.DuckDBPyConnection, downloads: dict[str, bytes]
) -> None:
    con = snapshot.cursor()
    merchant, month = _merchant_and_month(con)
    summary = self_check_views.summary(con, month, merchant_id=merchant).row(0, named=True)
    at = open_page("self_check", sc_merchant=merchant, sc_period=month)
    assert errors(at) == []
    cards = {m.label: m.value for m in at.metric}
    assert cards["开票数"] == formatting.count(summary["invoices_issued"])
    assert cards["未入库数"] == formatting.count(summary["missing_count"])
    sheets = at.dataframe[0].value
    expected = self_check_views.sheet_rows(con, month, merchant_id=merchant)
    assert sheets[LABELS["self_check.rows"][0]].tolist() == expected["rows"].to_list()
    (name,) = [n for n in downloads if n.endswith(".xlsx") and n.startswith(merchant)]
    book = fastexcel.read_excel(downloads[name])
    assert book.sheet_names == [
        reports.SUMMARY_SHEET,
        *(s.name for s in reports.SHEETS),
        reports.PENDING_DETAIL,
    ]
    for sheet, rows in zip(expected["sheet"], expected["rows"], strict=True):  # as previewed
        assert book.load_sheet_by_name(sheet).to_polars().height == rows, sheet


def test_csv_format_is_a_zip_of_one_csv_per_sheet(
    snapshot: duckdb.DuckDBPyConnection, downloads: dict[str, bytes]
) -> None:
    merchant, month = _merchant_and_month(snapshot.cursor())
    at = open_page("self_check", sc_merchant=merchant, sc_period=month, sc_format="csv", lang="en")
    assert errors(at) == []
    (name,) = [n for n in downloads if n.endswith(".zip") and n.startswith(merchant)]
    with zipfile.ZipFile(io.BytesIO(downloads[name])) as zf:
        assert zf.namelist() == [
            f"{s}.csv"
            for s in (
                reports.SUMMARY_SHEET,
                *(x.name for x in reports.SHEETS),
                reports.PENDING_DETAIL,
            )
        ]


def test_a_district_batch_builds_one_report_per_merchant(
    snapshot: duckdb.DuckDBPyConnection, downloads: dict[str, bytes]
) -> None:
    con = snapshot.cursor()
    quarter = self_check_views.report_periods(con).filter(pl.col("period_type") == "quarter")[
        "period"
    ][0]
    district = con.sql(
        "select district from merchants group by 1 order by count(*) desc, 1 limit 1"
    ).fetchall()[0][0]
    merchants = int(self_check_views.summary(con, quarter, district=district)["merchants"][0])
    at = open_page("self_check", sc_mode="district", sc_district=district, sc_period=quarter)
    assert errors(at) == []
    build = at.button(key="sc_build")
    assert build.label == LABELS["self_check.build"][0].format(n=formatting.count(merchants))
    build.click()
    at.run()
    assert errors(at) == []
    assert LABELS["self_check.built"][0].format(n=formatting.count(merchants)) in texts(at)
    (name,) = [n for n in downloads if n.startswith("self-check_")]
    with zipfile.ZipFile(io.BytesIO(downloads[name])) as zf:
        assert zf.namelist()[0] == reports.MANIFEST
        assert len(zf.namelist()[1:]) == merchants
        assert all(n.endswith(".xlsx") for n in zf.namelist()[1:])


def test_a_pasted_list_previews_who_gets_a_report_and_builds_one_zip(
    snapshot: duckdb.DuckDBPyConnection, downloads: dict[str, bytes]
) -> None:
    con = snapshot.cursor()
    month = self_check_views.report_periods(con)["period"][0]
    ids = [
        str(r[0])
        for r in con.sql(
            "select merchant_id from merchant_period_metrics where period = $p "
            "order by entry_rate, merchant_id limit 3",
            params={"p": month},
        ).fetchall()
    ]
    idle = con.sql(
        "select merchant_id from merchants where merchant_id not in (select merchant_id from "
        "merchant_period_metrics where period = $p) order by 1 limit 1",
        params={"p": month},
    ).fetchall()[0][0]
    unknown = make_uscc("9", "1", "110105", "99999999")
    at = open_page("self_check", sc_mode="list", sc_period=month)
    assert errors(at) == []
    assert LABELS["self_check.list.choose"][0] in texts(at)
    at.text_area(key="sc_list").input(f"{ids[0]}, {ids[1]}\n{idle}\n{unknown}\n{ids[2]}\n{ids[0]}")
    at.run()
    assert errors(at) == []
    counts = LABELS["self_check.list.counts"][0].format(
        n=5, made=3, no_data=1, unknown=1, repeated=1
    )
    assert [e.value for e in at.error] == []
    assert counts in texts(at)
    manifest = at.dataframe[0].value
    assert manifest[LABELS["common.merchant_id"][0]].tolist() == [*ids[:2], idle, unknown, ids[2]]
    summary = self_check_views.summary(con, month, merchant_ids=tuple(ids))
    assert metrics(at)["开票数"] == formatting.count(summary["invoices_issued"][0])
    at.button(key="sc_build").click()
    at.run()
    assert errors(at) == []
    (name,) = [n for n in downloads if n.startswith("self-check_list_")]
    with zipfile.ZipFile(io.BytesIO(downloads[name])) as zf:
        names = zf.namelist()
        listing = pl.read_csv(zf.read(reports.MANIFEST), infer_schema=False)
    assert names[0] == reports.MANIFEST
    assert sorted(n.split("_")[0] for n in names[1:]) == sorted(ids)
    assert listing["说明"].to_list() == [
        "已生成报告",
        "已生成报告",
        f"{month} 无数据",
        "不在数据仓库中",
        "已生成报告",
    ]


def test_a_bad_list_is_refused_with_its_rows(snapshot: duckdb.DuckDBPyConnection) -> None:
    at = open_page("self_check", sc_mode="list")
    at.text_area(key="sc_list").input(make_uscc("9", "1", "110105", "99999999") + "\nnot-an-id")
    at.run()
    assert errors(at) == []
    (shown,) = [e.value for e in at.error]
    assert shown.startswith("名单有误，未生成报告：粘贴的名单: 1 of 2 values are not taxpayer ids")
    assert "row 2: 'not-an-id'" in shown
    assert not at.dataframe
