"""Self-check reports: sheets, Chinese headers, rows equal the exceptions, escaping, zips, CLI."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
import pytest
from factories import TestWarehouse

from analytics import cli, reports, warehouse
from analytics.validation import make_uscc

EVIL_NAME = '=HYPERLINK("http://evil.example","点我")商贸有限公司'
AS_OF = datetime(2026, 4, 10, 12, 0)
SHEETS = [
    "汇总",
    "未入库发票",
    "逾期入库发票",
    "金额不符发票",
    "重复开票",
    "未开票及少开票",
    "商户记录缺失",
    "待入库发票",
]
EXCEPTION_SHEETS = SHEETS[1:-1]  # one per reconciliation status; the last is pending entry
STATUS_SHEET = {
    "missing_in_system": "未入库发票",
    "entered_late": "逾期入库发票",
    "amount_mismatch": "金额不符发票",
    "duplicate": "重复开票",
    "not_invoiced": "未开票及少开票",
    "under_invoiced": "未开票及少开票",
    "missing_in_merchant_log": "商户记录缺失",
}


def build(wh: TestWarehouse) -> dict[str, str]:
    """X (朝阳区, a formula for a name): one invoice of each kind in March 2026; Y (朝阳区) and
    Z (海淀区): one clean invoice each."""
    x = wh.merchant(name=EVIL_NAME, district="朝阳区")
    y = wh.merchant(name="正常商户有限公司", district="朝阳区")
    z = wh.merchant(name="海淀商户", district="海淀区")
    wh.invoice(x, "2026-03-02 10:00", 113, recorded="2026-03-02 11:00")  # on time
    wh.invoice(x, "2026-03-03 10:00", 226, recorded="2026-03-10 11:00")  # late
    wh.invoice(x, "2026-03-04 10:00", 50, buyer_name="@attacker")  # missing
    wh.invoice(x, "2026-03-05 10:00", 300, recorded="2026-03-05 11:00", recorded_total=290)
    pay = wh.payment(x, "2026-03-06 09:00", 100)
    wh.invoice(x, "2026-03-06 10:00", 100, payment_id=pay, recorded="2026-03-06 11:00")
    wh.invoice(x, "2026-03-06 10:05", 100, payment_id=pay, recorded="2026-03-06 11:00")  # dup
    wh.payment(x, "2026-03-07 09:00", 80)  # requested, never invoiced
    wh.tax_record(x, "2026-03-08 10:00", 40, recorded="2026-03-08 11:00")  # not in the log
    wh.invoice(y, "2026-03-02 10:00", 113, recorded="2026-03-02 11:00")
    wh.invoice(z, "2026-03-02 10:00", 113, recorded="2026-03-02 11:00")
    wh.analyse(as_of=AS_OF)
    return {"x": x, "y": y, "z": z}


@pytest.fixture(scope="module")
def world() -> tuple[TestWarehouse, dict[str, str]]:
    wh = TestWarehouse()
    return wh, build(wh)


def read_xlsx(payload: bytes) -> dict[str, pl.DataFrame]:
    book = fastexcel.read_excel(payload)
    return {name: book.load_sheet_by_name(name).to_polars() for name in book.sheet_names}


def summary(sheets: dict[str, pl.DataFrame]) -> dict[str, Any]:
    frame = sheets["汇总"]
    return dict(zip(frame["项目"].to_list(), frame["内容"].to_list(), strict=True))


def exceptions(wh: TestWarehouse, merchant: str) -> dict[str, set[str]]:
    rows = wh.rows(
        "select status, subject_id from recon_exceptions where merchant_id = $m "
        "and period in ('2026-01', '2026-02', '2026-03')",
        {"m": merchant},
    )
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(STATUS_SHEET[r["status"]], set()).add(r["subject_id"])
    return out


def test_xlsx_has_the_summary_and_one_sheet_per_kind_with_chinese_headers(
    world: tuple[TestWarehouse, dict[str, str]],
) -> None:
    wh, m = world
    sheets = read_xlsx(reports.self_check_report(wh.con, m["x"], "2026-Q1", "xlsx"))
    assert list(sheets) == SHEETS
    assert sheets["未入库发票"].columns[:5] == [
        "发票号码",
        "开票时间",
        "入库时间",
        "入库期限",
        "入库时长（工作日）",
    ]
    assert "原因" in sheets["逾期入库发票"].columns
    assert sheets["未开票及少开票"].columns[0] == "付款编号"
    late = sheets["逾期入库发票"].row(0, named=True)
    assert late["入库时长（工作日）"] > 2
    assert late["开票价税合计"] == 226.0
    assert "超过 2 个工作日" in late["原因"]
    assert late["入库时长（工作日）"] == 5.04  # Tue 3 Mar 10:00 -> Tue 10 Mar 11:00, two places
    mismatch = sheets["金额不符发票"].row(0, named=True)
    assert mismatch["差额"] == pytest.approx(10.0)


def test_detail_rows_equal_the_reconciliation_exceptions(
    world: tuple[TestWarehouse, dict[str, str]],
) -> None:
    wh, m = world
    sheets = read_xlsx(reports.self_check_report(wh.con, m["x"], "2026-Q1", "xlsx"))
    expected = exceptions(wh, m["x"])
    assert set(expected) == set(EXCEPTION_SHEETS), "the world plants every kind"
    for name in EXCEPTION_SHEETS:
        key = "付款编号" if name == "未开票及少开票" else "发票号码"
        assert set(sheets[name][key].to_list()) == expected[name], name
    month = read_xlsx(reports.self_check_report(wh.con, m["x"], "2026-03", "xlsx"))
    assert {n: month[n].height for n in SHEETS[1:]} == {n: sheets[n].height for n in SHEETS[1:]}
    assert sheets["待入库发票"].height == 0  # as of 10 April every March deadline has passed


def test_summary_figures_actions_grade_and_escaping(
    world: tuple[TestWarehouse, dict[str, str]],
) -> None:
    wh, m = world
    info = summary(read_xlsx(reports.self_check_report(wh.con, m["x"], "2026-03", "xlsx")))
    assert info["商户名称"] == "'" + EVIL_NAME
    assert info["统一社会信用代码"] == m["x"]
    assert info["所属区"] == "朝阳区"
    assert info["期间"] == "2026-03"
    assert info["开票数"] == "6"
    assert info["未入库数"] == "1"
    assert info["重复开票数"] == "1"
    assert "（所在季度 2026-Q1）" in info["模拟信用等级"]
    # the latest month also shows the 12 months ending in it, the window the ranking page ranks
    window = "（截至 2026-03 的近 12 个月）"
    assert info[f"模拟信用等级{window}"].startswith("M（不予评级：本期开票 6 张")
    quarter = summary(read_xlsx(reports.self_check_report(wh.con, m["x"], "2026-Q1", "xlsx")))
    assert not any(window in k for k in quarter)  # a quarter's report: the quarter's score only
    assert "模拟" in info["评分说明"]
    advice = [v for k, v in info.items() if k.startswith("建议")]
    assert any("未入库" in a for a in advice)
    assert any("重复" in a for a in advice)
    clean = summary(read_xlsx(reports.self_check_report(wh.con, m["y"], "2026-Q1", "xlsx")))
    assert clean["建议 1"].startswith("本期未发现")
    missing = read_xlsx(reports.self_check_report(wh.con, m["x"], "2026-Q1", "xlsx"))["未入库发票"]
    assert missing["购买方"].to_list() == ["'@attacker"]


def test_invoices_still_within_their_deadline_are_listed_to_upload_in_time() -> None:
    """A report made right after the month closes: an invoice of its last days not in the
    tax system yet is not an exception, but the merchant can still upload it in time."""
    wh = TestWarehouse()
    m = wh.merchant(name="月末商户有限公司")
    wh.invoice(m, "2026-03-02 10:00", 113, recorded="2026-03-02 11:00")
    pending = wh.invoice(m, "2026-03-30 10:00", 226)  # Mon; deadline Wed 1 April 10:00
    wh.invoice(m, "2026-03-31 09:00", 50, recorded="2026-03-31 12:00")  # as-of Tue 12:00
    wh.analyse()
    sheets = read_xlsx(reports.self_check_report(wh.con, m, "2026-03", "xlsx"))
    assert list(sheets) == SHEETS
    rows = sheets["待入库发票"].rows(named=True)
    assert [(r["发票号码"], r["入库期限"], r["剩余工作日"]) for r in rows] == [
        (pending, datetime(2026, 4, 1, 10, 0), 0.92)  # 12:00 Tue to 10:00 Wed: 0.5 + 10/24
    ]
    assert rows[0]["价税合计（元）"] == 226.0
    info = summary(sheets)
    assert (info["待入库数"], info["未入库数"]) == ("1", "0")
    assert info["建议 1"] == (
        "有 1 张发票尚未入库，入库期限未到：请在期限前确认已上传，以免逾期（见“待入库发票”表）。"
    )
    assert all(sheets[n].height == 0 for n in EXCEPTION_SHEETS)


def test_a_period_not_over_yet_is_not_reported_as_clean() -> None:
    """As of 31 March 12:00 March is still running: a merchant with nothing wrong so far is
    told so with the time, not that the month is clean; a finished quarter says nothing."""
    wh = TestWarehouse()
    m = wh.merchant(name="正常商户有限公司")
    wh.invoice(m, "2026-02-02 10:00", 113, recorded="2026-02-02 11:00")
    wh.invoice(m, "2026-03-02 10:00", 113, recorded="2026-03-02 11:00")
    wh.invoice(m, "2026-03-31 09:00", 50, recorded="2026-03-31 12:00")  # as-of Tue 12:00
    wh.analyse()
    march = summary(read_xlsx(reports.self_check_report(wh.con, m, "2026-03", "xlsx")))
    assert march["本期进度"].startswith("本期尚未结束：数据截至 2026-03-31 12:00")
    assert march["建议 1"] == (
        "截至 2026-03-31 12:00 未发现需要处理的问题；本期尚未结束，期末后请再次自查。"
    )
    february = summary(read_xlsx(reports.self_check_report(wh.con, m, "2026-02", "xlsx")))
    assert "本期进度" not in february
    assert february["建议 1"].startswith("本期未发现需要处理的问题")


def test_csv_is_a_zip_of_bom_csvs_that_read_back(
    world: tuple[TestWarehouse, dict[str, str]],
) -> None:
    wh, m = world
    payload = reports.self_check_report(wh.con, m["x"], "2026-Q1", "csv")
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        assert zf.namelist() == [f"{s}.csv" for s in SHEETS]
        files = {n: zf.read(n) for n in zf.namelist()}
    assert all(b.startswith(b"\xef\xbb\xbf") for b in files.values())
    late = pl.read_csv(files["逾期入库发票.csv"])
    assert late.columns[0] == "发票号码"
    assert late.height == 1
    info = pl.read_csv(files["汇总.csv"])
    assert info.filter(pl.col("项目") == "商户名称")["内容"].item() == "'" + EVIL_NAME
    assert set(late["发票号码"].cast(pl.String)) == exceptions(wh, m["x"])["逾期入库发票"]


def test_district_zip_holds_one_file_per_merchant(
    world: tuple[TestWarehouse, dict[str, str]],
) -> None:
    wh, m = world
    payload = reports.district_reports(wh.con, "朝阳区", "2026-Q1", "xlsx")
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        assert zf.namelist()[0] == reports.MANIFEST  # who is in the district, and their files
        manifest = pl.read_csv(zf.read(reports.MANIFEST), infer_schema=False)
        names = zf.namelist()[1:]
        books = {n: read_xlsx(zf.read(n)) for n in names}
    assert sorted(manifest["统一社会信用代码"]) == sorted([m["x"], m["y"]])
    assert sorted(manifest["报告文件"]) == sorted(names)
    assert set(manifest["说明"]) == {"已生成报告"}
    assert len(names) == 2
    assert sorted(n.split("_")[0] for n in names) == sorted([m["x"], m["y"]])
    assert all(n.endswith("_2026-Q1.xlsx") for n in names)
    assert all("/" not in n and '"' not in n for n in names)
    assert all(list(b) == SHEETS for b in books.values())
    csvs = reports.district_reports(wh.con, "海淀区", "2026-03", "csv")
    with zipfile.ZipFile(io.BytesIO(csvs)) as zf:
        manifest_name, inner = zf.namelist()
        assert manifest_name == reports.MANIFEST
        assert inner.startswith(m["z"])
        assert inner.endswith(".zip")
        with zipfile.ZipFile(io.BytesIO(zf.read(inner))) as one:
            assert one.namelist()[0] == "汇总.csv"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_district_files_equal_each_merchants_own_report(
    world: tuple[TestWarehouse, dict[str, str]], fmt: str
) -> None:
    """The batch splits its data by merchant once; each file must still be what the merchant's
    own report is (X has a row on every sheet, Y only empty detail sheets)."""
    wh, m = world

    def sheets(payload: bytes) -> dict[str, pl.DataFrame]:
        if fmt == "xlsx":
            return read_xlsx(payload)
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            return {n: pl.read_csv(zf.read(n), infer_schema=False) for n in zf.namelist()}

    with zipfile.ZipFile(
        io.BytesIO(reports.district_reports(wh.con, "朝阳区", "2026-Q1", fmt))
    ) as zf:
        batch = {n.split("_")[0]: sheets(zf.read(n)) for n in zf.namelist()[1:]}
    assert sorted(batch) == sorted([m["x"], m["y"]])
    for merchant, got in batch.items():
        own = sheets(reports.self_check_report(wh.con, merchant, "2026-Q1", fmt))
        assert list(got) == list(own)
        for name, frame in own.items():
            assert got[name].equals(frame), (merchant, name)
    x_rows = {n.removesuffix(".csv"): f.height for n, f in batch[m["x"]].items()}
    assert all(x_rows[n] > 0 for n in ["汇总", *EXCEPTION_SHEETS]), x_rows  # nothing pending
    assert all(f.height == 0 for n, f in batch[m["y"]].items() if not n.startswith("汇总"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda con, m: reports.self_check_report(
                con, make_uscc("9", "1", "110105", "MA000000"), "2026-Q1", "xlsx"
            ),
            "not in the warehouse",
        ),
        (
            lambda con, m: reports.self_check_report(con, "91110000MA00000000", "2026-Q1", "xlsx"),
            "not a valid taxpayer id",
        ),
        (
            lambda con, m: reports.self_check_report(con, m["x"], "2025-Q1", "xlsx"),
            "no data for merchant",
        ),
        (
            lambda con, m: reports.self_check_report(con, m["x"], "2026-Q5", "xlsx"),
            "neither a month",
        ),
        (lambda con, m: reports.self_check_report(con, m["x"], "2026-Q1", "pdf"), "format 'pdf'"),
        (
            lambda con, m: reports.district_reports(con, "火星区", "2026-Q1", "xlsx"),
            "unknown district",
        ),
        (
            lambda con, m: reports.district_reports(con, "延庆区", "2026-Q1", "xlsx"),
            "no merchant of 延庆区",
        ),
    ],
)
def test_clear_errors(world: tuple[TestWarehouse, dict[str, str]], call: Any, message: str) -> None:
    wh, m = world
    with pytest.raises(reports.ReportError, match=message):
        call(wh.con, m)


def on_disk(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """``build`` in a warehouse file, closed, for the CLI to open."""
    db = tmp_path / "w.duckdb"
    wh = TestWarehouse(warehouse.connect(db))
    m = build(wh)
    wh.con.close()
    return db, m


def test_cli_writes_reports_and_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, m = on_disk(tmp_path)
    out = tmp_path / "x.xlsx"
    args = ["report", "self-check", "--db", str(db), "--quiet"]
    assert cli.main([*args, "--merchant", m["x"], "--period", "2026-Q1", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert list(read_xlsx(out.read_bytes())) == SHEETS
    batch = tmp_path / "reports.zip"
    code = cli.main([*args, "--district", "朝阳区", "--period", "2026-Q1", "--out", str(batch)])
    assert code == 0
    assert len(zipfile.ZipFile(batch).namelist()) == 3  # two reports and 清单.csv
    assert "2 reports; 清单.csv names every merchant of 朝阳区" in capsys.readouterr().out
    assert cli.main([*args, "--merchant", "NOPE", "--period", "2026-Q1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    # a typo is named as one, a well-formed id nobody loaded as unknown
    assert "fapiao-watch report: merchant 'NOPE': 4 character(s); a USCC has 18" in err
    stranger = make_uscc("9", "1", "110105", "MA0YYYYY")
    assert cli.main([*args, "--merchant", stranger, "--period", "2026-Q1"]) == 2
    assert f"merchant '{stranger}': not in the warehouse" in capsys.readouterr().err
    typo = stranger[:-1] + ("0" if stranger[-1] != "0" else "1")  # the check character off
    assert cli.main([*args, "--merchant", typo, "--period", "2026-Q1"]) == 2
    assert "not a valid taxpayer id (a check character" in capsys.readouterr().err
    assert cli.main([*args, "--merchant", m["x"], "--period", "Q1"]) == 2
    assert "neither a month" in capsys.readouterr().err


def test_a_list_zip_has_a_report_per_merchant_with_data_and_a_manifest_of_all() -> None:
    """Y has no data in 2026-02 (Z has one invoice then), W is not in the warehouse: both are in
    清单.csv with the reason, and no one listed goes missing."""
    wh = TestWarehouse()
    z = wh.merchant(name="海淀商户", district="海淀区")
    wh.invoice(z, "2026-02-03 10:00", 88, recorded="2026-02-03 11:00")
    m = build(wh) | {"z": z}
    w = make_uscc("9", "1", "110105", "99999999")
    listed = [m["y"], w, m["x"], m["z"]]
    payload = reports.list_reports(wh.con, listed, "2026-Q1", "xlsx")
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        names = zf.namelist()
        assert names[0] == reports.MANIFEST
        manifest = pl.read_csv(zf.read(names[0]), infer_schema=False)
        books = {n.split("_")[0]: zf.read(n) for n in names[1:]}
    assert sorted(books) == sorted([m["x"], m["y"], m["z"]])
    assert manifest["统一社会信用代码"].to_list() == listed
    assert manifest["说明"].to_list() == [
        "已生成报告",
        "不在数据仓库中",
        "已生成报告",
        "已生成报告",
    ]
    for merchant, book in books.items():
        own = read_xlsx(reports.self_check_report(wh.con, merchant, "2026-Q1", "xlsx"))
        got = read_xlsx(book)
        assert all(got[s].equals(own[s]) for s in own), merchant
    files = dict(zip(manifest["统一社会信用代码"], manifest["报告文件"], strict=True))
    assert files[m["x"]] in names
    assert files[w] is None

    march = reports.list_reports(wh.con, [m["z"], m["y"]], "2026-02", "csv")
    with zipfile.ZipFile(io.BytesIO(march)) as zf:
        manifest = pl.read_csv(zf.read(reports.MANIFEST), infer_schema=False)
        assert len(zf.namelist()) == 2
    assert manifest["说明"].to_list() == ["已生成报告", "2026-02 无数据"]
    assert manifest["商户名称"].to_list() == ["海淀商户", "正常商户有限公司"]
    with pytest.raises(reports.ReportError, match="none of the 2 listed merchants has data"):
        reports.list_reports(wh.con, [m["y"], w], "2026-02", "xlsx")


def test_cli_writes_a_list_zip_and_names_a_bad_list_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, m = on_disk(tmp_path)
    listing = tmp_path / "below.csv"
    listing.write_text(f"商户名称,统一社会信用代码\nX,{m['x']}\nZ,{m['z']}\nX,{m['x']}\n")
    args = ["report", "self-check", "--db", str(db), "--quiet", "--period", "2026-03"]
    assert cli.main([*args, "--merchants", str(listing), "--out", str(tmp_path / "l.zip")]) == 0
    out = capsys.readouterr().out
    assert "2 reports for 2 listed merchants (below.csv, column '统一社会信用代码')" in out
    assert "1 repeated rows counted once" in out
    assert len(zipfile.ZipFile(tmp_path / "l.zip").namelist()) == 3
    folder = tmp_path / "reports" / "2026-03"  # a cron job's --out: a folder, made if missing
    assert cli.main([*args, "--district", "朝阳区", "--out", f"{folder}/"]) == 0
    assert (folder / "self-check-朝阳区-2026-03.zip").is_file()
    assert cli.main([*args, "--merchant", m["x"].lower(), "--out", str(folder)]) == 0
    assert (folder / f"self-check-{m['x']}-2026-03.xlsx").is_file()  # the USCC as it is written
    # a zip under an .xlsx name would not open: refused before anything is built
    capsys.readouterr()
    assert cli.main([*args, "--district", "朝阳区", "--out", str(tmp_path / "d.xlsx")]) == 2
    assert (
        "d.xlsx: this report is a .zip file (--format xlsx); name it .zip"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "d.xlsx").exists()
    listing.write_text(f"{m['x']}\n{m['x'][:-1]}\n")
    assert cli.main([*args, "--merchants", str(listing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"below.csv: 1 of 2 values are not taxpayer ids: row 2: {m['x'][:-1]!r}" in err
