"""Ingestion of each format and encoding, including the 电子税务局 export and its traps."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from ingest_fixtures import (
    BUYER,
    ETAX_HEADERS,
    ISSUED_HEADERS,
    LINE_HEADERS,
    SELLER,
    SELLER_B,
    TODAY,
    digital_no,
    etax_row,
    issued_row,
    uscc,
    write_csv,
    write_json,
    write_jsonl,
    write_parquet,
    write_xlsx,
)

from analytics.ingest import BatchResult, IngestError, ingest_file, readers
from analytics.ingest.native import native_cast
from analytics.ingest.preview import preview_file
from analytics.ingest.source import NotTabularError
from analytics.warehouse import connect


def _one(results: list[BatchResult]) -> BatchResult:
    assert len(results) == 1
    return results[0]


def _identity(r: BatchResult) -> None:
    assert r.rows_read == r.rows_loaded + r.rows_unchanged + r.rows_rejected + r.rows_summary


def test_utf8_csv_english_headers(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [issued_row(digital_no(1)), issued_row(digital_no(2), amount="2,000.00",
            tax_amount="120.00", total_amount="2120.00")]  # fmt: skip
    path = write_csv(tmp_path / "vendor.csv", ISSUED_HEADERS, rows)
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.kind, r.format, r.encoding) == ("issued_invoices", "csv", "utf-8")
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (2, 2, 0)
    got = con.execute(
        "select invoice_no, amount, tax_rate, tax_category, is_red, is_void, software_vendor, "
        "source_row from issued_invoices order by source_row"
    ).fetchall()
    assert got[1] == (
        digital_no(2), Decimal("2000.00"), Decimal("0.0600"), "taxable", False, False,
        "ruishuitong", 2,
    )  # fmt: skip


def test_bom_csv(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", ISSUED_HEADERS, [issued_row(digital_no(3))], "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.encoding, r.rows_loaded) == ("utf-8-sig", 1)
    # The BOM must not stick to the first header: invoice_no was mapped.
    assert "invoice_no" not in r.ignored_columns


def test_gbk_csv_with_pinyin_headers(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    headers = ["XH", "FPDM", "FPHM", "KPRQ", "GFMC", "GFSH", "XFMC", "XFSH", "JE", "SE", "JSHJ",
               "SL", "ZFBZ", "BZ"]  # fmt: skip
    rows = [
        ["1", "011002100111", "00012345", "20260330170511", "北京甲公司（朝阳）", BUYER,
         "北京好味餐饮有限公司(望京店)", SELLER, "100.00", "1.00", "101.00", "0.01", "N", ""],
        ["2", "", digital_no(9), "2026/3/30 9:05", "个人", "", "北京好味餐饮有限公司（望京店）",
         SELLER, "50.00", "0.00", "50.00", "免税", "Y", "作废重开"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "piaolian.csv", headers, rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.kind, r.encoding, r.rows_loaded, r.rows_rejected) == (
        "issued_invoices", "gb18030", 2, 0,
    )  # fmt: skip
    got = con.execute(
        "select invoice_no, issued_at, buyer_name, tax_rate, tax_category, is_void "
        "from issued_invoices order by source_row"
    ).fetchall()
    assert got == [
        ("011002100111-00012345", datetime(2026, 3, 30, 17, 5, 11), "北京甲公司（朝阳）",
         Decimal("0.0100"), "taxable", False),
        (digital_no(9), datetime(2026, 3, 30, 9, 5), "个人", Decimal("0"), "exempt", True),
    ]  # fmt: skip


def _etax_workbook(path: Path) -> Path:
    blue, red, plain = digital_no(101), digital_no(102), digital_no(103)
    basic = [
        ["全量发票查询导出结果"],  # a title line above the headers
        ETAX_HEADERS,
        etax_row(1, blue, 发票状态="已红冲-全额"),
        etax_row(2, red, 金额="-1000.00", 税额="-130.00", 价税合计="-1130.00",
                 是否正数发票="否", 开票日期="2026-04-02 10:00:00",
                 备注=f"被红冲蓝字数电发票号码：{blue} 红冲原因：开票有误"),
        etax_row(3, plain, 购方识别号="--", 购买方名称="个人", 发票风险等级="null",
                 开票日期="2026-03-31"),
        ["合计行", "", "", "", "", "", "", "", "", "1000.00", "130.00", "1130.00"],
    ]  # fmt: skip
    line_base = etax_row(1, blue)
    line = [*line_base[:12], "1030107010100000000", "", "餐饮服务", "", "份",
            "3.14159265358979323846", "318.3098861837906715", "13%", *line_base[12:]]  # fmt: skip
    exempt = [*etax_row(3, plain)[:12], "3070201000000000000", "", "咨询服务", "", "次",
              "1", "1000", "免税", *etax_row(3, plain)[12:]]  # fmt: skip
    exempt[LINE_HEADERS.index("税额")] = "***"
    lines = [LINE_HEADERS, line, exempt, ["合计", *[""] * 8, "2000.00"]]
    return write_xlsx(path, {"发票基础信息": basic, "信息汇总表": lines, "说明": [["导出说明"]]})


def test_xlsx_etax_export(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _etax_workbook(tmp_path / "tax_records_2026-03.xlsx")
    results = ingest_file(con, path, today=TODAY)
    by_sheet = {r.sheet: r for r in results}
    assert set(by_sheet) == {"发票基础信息", "信息汇总表"}
    basic, lines = by_sheet["发票基础信息"], by_sheet["信息汇总表"]
    assert (basic.kind, basic.format) == ("tax_records", "xlsx")
    assert (basic.rows_read, basic.rows_loaded, basic.rows_summary, basic.rows_rejected) == (
        4, 3, 1, 0,
    )  # fmt: skip
    assert (lines.kind, lines.rows_loaded, lines.rows_summary) == ("tax_record_lines", 2, 1)
    for r in results:
        _identity(r)
    red = con.execute(
        "select is_red, original_invoice_no, total_amount, recorded_at_source "
        "from tax_records where invoice_no = $n",
        {"n": digital_no(102)},
    ).fetchall()
    assert red == [(True, digital_no(101), Decimal("-1130.00"), "first_seen")]
    status = con.execute(
        "select status from tax_records where invoice_no = $n", {"n": digital_no(101)}
    ).fetchall()
    assert status == [("已红冲-全额",)]
    plain = con.execute(
        "select buyer_tax_id, risk_level, issued_at from tax_records where invoice_no = $n",
        {"n": digital_no(103)},
    ).fetchall()
    assert plain == [(None, None, datetime(2026, 3, 31))]
    got = con.execute(
        "select line_no, quantity, unit_price, tax_rate, tax_amount from tax_record_lines "
        "order by invoice_no"
    ).fetchall()
    assert got == [
        (1, Decimal("3.1415926536"), Decimal("318.3098861838"), Decimal("0.1300"),
         Decimal("130.00")),
        (1, Decimal("1.0000000000"), Decimal("1000.0000000000"), Decimal("0"), Decimal("0.00")),
    ]  # fmt: skip


def test_xlsx_first_seen_recorded_at_is_the_import_time(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _etax_workbook(tmp_path / "etax.xlsx")
    ingest_file(con, path, today=TODAY)
    rows = con.execute(
        "select distinct t.recorded_at = b.started_at from tax_records t "
        "join import_batches b using (batch_id)"
    ).fetchall()
    assert rows == [(True,)]


def test_xlsx_excel_serial_dates_and_numbers(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    row: list[object] = list(etax_row(1, digital_no(201)))
    row[ETAX_HEADERS.index("开票日期")] = 46111.5  # 2026-03-30 12:00 as an Excel serial number
    row[ETAX_HEADERS.index("金额")] = 1000
    row[ETAX_HEADERS.index("税额")] = 130
    row[ETAX_HEADERS.index("价税合计")] = 1130
    path = write_xlsx(tmp_path / "serial.xlsx", {"发票基础信息": [ETAX_HEADERS, row]})
    r = _one(ingest_file(con, path, today=TODAY))
    assert r.rows_loaded == 1
    got = con.execute("select issued_at, total_amount from tax_records").fetchall()
    assert got == [(datetime(2026, 3, 30, 12, 0), Decimal("1130.00"))]


COMPLAINT_HEADERS = ["投诉编号", "受理时间", "被投诉商户", "被投诉人识别号", "投诉类别", "来源渠道",
                     "所属区", "投诉内容", "办理状态", "办结时间"]  # fmt: skip
COMPLAINTS = [
    ["C001", "2026-03-01 09:00:00", "北京好味餐饮（望京店）", SELLER, "查不到发票", "12366",
     "朝阳区", "消费后个税APP查不到发票", "已办结", "2026-03-05 10:00:00"],
    ["C002", "2026-03-02 09:00:00", "某便利店", "", "金额少开", "12345热线", "海淀",
     "开票金额比实付少", "处理中", ""],
]  # fmt: skip


def test_json_array(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_json(tmp_path / "complaints.json", COMPLAINT_HEADERS, COMPLAINTS)
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.kind, r.format, r.rows_loaded, r.rows_rejected) == ("complaints", "json", 2, 0)
    got = con.execute(
        "select complaint_id, merchant_id, category, channel, district, status, resolved_at "
        "from complaints order by complaint_id"
    ).fetchall()
    assert got == [
        ("C001", SELLER, "not_found", "12366", "朝阳区", "resolved", datetime(2026, 3, 5, 10)),
        ("C002", None, "amount_short", "12345热线", "海淀区", "in_progress", None),
    ]


def test_jsonl_with_json_numbers(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    rows = [issued_row(digital_no(301), amount=1000, tax_amount=60, total_amount=1060.0),
            issued_row(digital_no(302), is_red=True, amount=-1000, tax_amount=-60,
                       total_amount=-1060, original_invoice_no=digital_no(301))]  # fmt: skip
    path = write_jsonl(tmp_path / "yunkaipiao.jsonl", ISSUED_HEADERS, rows)
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.format, r.rows_loaded, r.rows_rejected) == ("jsonl", 2, 0)
    got = con.execute(
        "select is_red, total_amount, original_invoice_no from issued_invoices order by source_row"
    ).fetchall()
    assert got == [(False, Decimal("1060.00"), None), (True, Decimal("-1060.00"), digital_no(301))]


def test_jsonl_keys_of_every_record_in_order_of_first_appearance(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # The remark appears only in the third record, an unknown key in the second: every key of
    # every record is a column (none lost to a sample), in the order the records show them.
    recs = [dict(zip(ISSUED_HEADERS, issued_row(digital_no(n)), strict=True)) for n in (1, 2, 3)]
    recs[1]["vendor_note"] = "x"
    recs[2] = {"remark": "备注", **recs[2]}
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", "utf-8")
    keys = readers.json_record_keys(con, path, "newline_delimited")
    assert keys == [*ISSUED_HEADERS, "vendor_note", "remark"]
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (3, 3, 0)
    got = con.execute("select remark from issued_invoices order by source_row").fetchall()
    assert got == [(None,), (None,), ("备注",)]


def test_a_vendor_api_dump_wrapping_its_records_loads(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """{"code": 0, "data": {"list": [...], "total": n}}: the one array of records inside, in its
    order, keys of every record; loaded like an array of records, and again changes nothing."""
    rows = [issued_row(digital_no(n)) for n in (401, 402, 403)]
    recs: list[dict[str, object]] = [dict(zip(ISSUED_HEADERS, r, strict=True)) for r in rows]
    recs[2] = {**recs[2], "remark": "备注"}  # a key only the last record has
    doc = {"code": 0, "msg": "成功", "data": {"total": 3, "page": 1, "list": recs}}
    path = tmp_path / "vendor_api_2026-03.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    preview = preview_file(path)
    assert (preview.error, preview.tables[0].kind) == (None, "issued_invoices")
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.kind, r.format, r.rows_read, r.rows_loaded, r.rows_rejected) == (
        "issued_invoices",
        "json",
        3,
        3,
        0,
    )
    got = con.execute(
        "select source_row, invoice_no, remark from issued_invoices order by source_row"
    ).fetchall()
    assert got == [
        (1, digital_no(401), None),
        (2, digital_no(402), None),
        (3, digital_no(403), "备注"),
    ]
    again = _one(ingest_file(con, path, today=TODAY))
    assert again.already_imported


def test_wrapped_records_keep_every_key_however_it_is_spelt(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Keys with quotes, backslashes or a leading '$' (which DuckDB would take for a path) are
    read as keys, in the wrapper and in the records."""
    odd = ['it\'s "x"', "$.a", "a\\b", "备注"]
    doc = {'结果 "list"': [dict(zip(odd, ["1", "2", "3", "4"], strict=True))]}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (source,) = readers.open_sources(con, path)
    assert source.raw_headers == odd
    readers.load_source(con, source)
    assert con.execute("select * from _ing_src").fetchall() == [(1, "1", "2", "3", "4")]


def test_a_wrapped_dump_larger_than_duckdbs_default_object_size_loads(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The whole document is one JSON value: past 16 MiB DuckDB refuses it by default."""
    recs = [dict(zip(ISSUED_HEADERS, issued_row(digital_no(n)), strict=True)) for n in (1, 2)]
    doc = {"data": recs, "signature": "x" * (17 << 20)}
    path = tmp_path / "big_api.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.rows_read, r.rows_loaded) == (2, 2)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"files": ["a.csv"], "seed": 1}', "a single JSON object, not an array of records"),
        (
            '{"data": [{"a": 1}], "errors": [{"code": 2}]}',
            'a single JSON object holding several arrays of records ($."data", $."errors"); '
            "export one of them alone",
        ),
    ],
)
def test_a_single_object_without_one_array_of_records_is_not_tabular(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "dump.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NotTabularError) as info:
        ingest_file(con, path, today=TODAY)
    assert str(info.value) == f"dump.json: {reason}"
    assert info.value.code == "not_records"


@pytest.mark.parametrize(
    ("name", "content"),
    [("list.json", '[{"a": 1}, 2]'), ("lines.jsonl", '{"a": 1}\n[1, 2]\n')],
)
def test_json_elements_that_are_not_records_are_an_error(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=rf"^{name}: not readable as JSONL?: 1 element\(s\) are"):
        ingest_file(con, path, today=TODAY)


def test_parquet_with_typed_columns(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    headers = ["payment_id", "merchant_id", "paid_at", "amount_paid", "invoice_requested",
               "buyer_type"]  # fmt: skip
    rows = [["P1", SELLER, datetime(2026, 3, 30, 12, 1, 2), 113.5, True, "个人"],
            ["P2", SELLER_B, datetime(2026, 3, 30, 13, 0), 20.0, False, "enterprise"]]  # fmt: skip
    path = write_parquet(tmp_path / "payments.parquet", headers, rows)
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.kind, r.format, r.rows_loaded) == ("payments", "parquet", 2)
    got = con.execute(
        "select payment_id, paid_at, amount_paid, invoice_requested, buyer_type from payments "
        "order by payment_id"
    ).fetchall()
    assert got == [
        ("P1", datetime(2026, 3, 30, 12, 1, 2), Decimal("113.50"), True, "individual"),
        ("P2", datetime(2026, 3, 30, 13, 0), Decimal("20.00"), False, "enterprise"),
    ]


def test_a_negative_payment_is_rejected_not_judged(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A refund-like row would otherwise be loaded and judged not_invoiced ("paid -113.71")."""
    headers = ["payment_id", "merchant_id", "paid_at", "amount_paid", "invoice_requested"]
    rows = [["P1", SELLER, datetime(2026, 3, 30, 12, 0), -113.71, True],
            ["P2", SELLER, datetime(2026, 3, 30, 13, 0), 0.0, True]]  # fmt: skip
    r = _one(ingest_file(con, write_parquet(tmp_path / "p.parquet", headers, rows), today=TODAY))
    assert (r.rows_loaded, r.rows_rejected, dict(r.reasons)) == (1, 1, {"payment_negative": 1})
    assert con.execute("select row_number, detail from rejected_rows").fetchall() == [
        (1, "支付金额 -113.71 is negative")
    ]


def _loaded_and_rejected(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    con = connect(":memory:")
    try:
        ingest_file(con, path, today=TODAY)
        return (
            con.execute("select * exclude (batch_id) from payments order by source_row").fetchall(),
            con.execute(
                "select row_number, raw, reasons, detail from rejected_rows order by row_number"
            ).fetchall(),
        )
    finally:
        con.close()


def test_typed_parquet_columns_load_as_their_text_would(tmp_path: Path) -> None:
    """Parquet timestamps, decimals and booleans are taken as they are (not printed and parsed
    back): the same rows, loaded and rejected, with the same reasons and raw values, as the
    file with every column as text."""
    rows = {
        "payment_id": ["P1", "P2", "P3", "P4", "P5"],
        "merchant_id": [SELLER, SELLER_B, SELLER, SELLER, SELLER],
        "paid_at": [
            datetime(2026, 3, 30, 12, 1, 2),
            datetime(2026, 3, 30, 13, 0),
            datetime(1999, 12, 31, 23, 0),  # date_before_2000
            datetime(2027, 1, 1, 9, 0),  # date_in_future
            datetime(2026, 3, 31, 9, 0),
        ],
        "amount_paid": [Decimal("113.50"), Decimal("20.00"), Decimal("5.00"), None, Decimal("1")],
        "invoice_requested": [True, False, True, True, None],
        "buyer_type": ["个人", "enterprise", None, "个人", "个人"],
    }
    typed = pl.DataFrame(
        rows,
        schema={
            "payment_id": pl.String,
            "merchant_id": pl.String,
            "paid_at": pl.Datetime("us"),
            "amount_paid": pl.Decimal(18, 2),
            "invoice_requested": pl.Boolean,
            "buyer_type": pl.String,
        },
    )
    typed.write_parquet(tmp_path / "typed.parquet")
    as_text = typed.with_columns(
        pl.col("paid_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
        pl.col("amount_paid").cast(pl.String),
        pl.col("invoice_requested").cast(pl.String),
    )
    assert as_text.schema["paid_at"] == pl.String
    as_text.write_parquet(tmp_path / "text.parquet")
    loaded, rejected = _loaded_and_rejected(tmp_path / "typed.parquet")
    assert (loaded, rejected) == _loaded_and_rejected(tmp_path / "text.parquet")
    assert [r[0] for r in loaded] == ["P1", "P2"]
    assert [(r[0], r[2]) for r in rejected] == [
        (3, ["date_before_2000"]),
        (4, ["date_in_future", "missing_required"]),
        (5, ["missing_required"]),
    ]
    assert "1999-12-31 23:00:00" in str(rejected[0][3])
    assert '"paid_at":"1999-12-31 23:00:00"' in str(rejected[0][1])


@pytest.mark.parametrize(
    ("field_type", "column_type", "cast"),
    [
        ("ts", "TIMESTAMP", "timestamp"),
        ("date", "TIMESTAMP_NS", "date"),
        ("ts", "TIMESTAMP WITH TIME ZONE", None),  # a zone to convert: parsed as text
        ("amount", "DECIMAL(18,2)", "decimal(18, 2)"),
        ("amount", "BIGINT", "decimal(18, 2)"),
        ("amount", "DECIMAL(18,4)", None),  # rounded the way the text path rounds
        ("amount", "DOUBLE", None),
        ("bool", "BOOLEAN", "boolean"),
        ("text", "BIGINT", None),
        ("id", "VARCHAR", None),
    ],
)
def test_native_cast(field_type: str, column_type: str, cast: str | None) -> None:
    assert native_cast(field_type, column_type) == cast


def test_merchants_ids_names_and_reference_values(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    legacy15 = "110105" + "MA01ABCD" + uscc("MA01ABCD")[16]  # old 税务登记号 with the org code
    headers = ["统一社会信用代码", "商户名称", "所属区", "行业", "规模", "开票软件"]
    rows = [
        [SELLER, "北京好味餐饮有限公司（望京店）", "朝阳区", "餐饮连锁", "small", "瑞税通"],
        [SELLER_B.lower(), "北京好味餐饮有限公司(望京店)", "海淀", "retail", "微型", "piaolian"],
        [legacy15, "老字号小吃店", "东城区", "restaurant_chain", "micro", "somevendor"],
        # a vendor's Chinese name with full-width brackets, and with half-width ones
        [uscc("MA02EFGH"), "北京甲商店", "西城区", "retail", "micro", "电子税务局（自行开具）"],
        [uscc("MA03KLMN"), "北京乙商店", "西城区", "retail", "micro", "电子税务局(自行开具)"],
    ]
    path = write_csv(tmp_path / "merchants.csv", headers, rows)
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.kind, r.rows_loaded, r.rows_rejected) == ("merchants", 5, 0)
    got = con.execute(
        "select merchant_id, name, name_norm, district, industry, size_band, is_individual, "
        "id_format, software_vendor from merchants order by source_row"
    ).fetchall()
    assert got[0][1] == "北京好味餐饮有限公司（望京店）"  # name kept as given
    assert got[0][2] == got[1][2]  # brackets of either width normalise alike
    assert got[1][0] == SELLER_B  # ids upper-cased
    assert got[0][3:] == ("朝阳区", "restaurant_chain", "small", False, "uscc", "ruishuitong")
    assert got[1][3:] == ("海淀区", "retail", "micro", True, "uscc", "piaolian")
    assert got[2][6:] == (False, "legacy15", "somevendor")
    assert [g[8] for g in got[3:]] == ["etax_web", "etax_web"]


def test_a_registry_loaded_before_the_bracket_fix_is_mapped_and_loads_again_unchanged(
    tmp_path: Path,
) -> None:
    """Registries loaded before the full-width brackets matched kept 电子税务局（自行开具） as
    written; a writable connection maps it to its code, so the same rows load as unchanged."""
    headers = ["统一社会信用代码", "商户名称", "所属区", "行业", "规模", "开票软件"]
    rows = [[SELLER, "北京甲商店", "西城区", "retail", "micro", "电子税务局（自行开具）"]]
    db = tmp_path / "wh.duckdb"
    con = connect(db)
    try:
        _one(ingest_file(con, write_csv(tmp_path / "m1.csv", headers, rows), today=TODAY))
        # as a loader before the fix left it
        con.execute("update merchants set software_vendor = '电子税务局（自行开具）'")
    finally:
        con.close()
    con = connect(db)
    try:
        assert con.execute("select software_vendor from merchants").fetchall() == [("etax_web",)]
        again = write_csv(tmp_path / "m2.csv", headers, [*rows, [SELLER_B, "乙", "", "", "", ""]])
        r = _one(ingest_file(con, again, today=TODAY))
        assert (r.rows_unchanged, r.rows_loaded, r.rows_rejected) == (1, 1, 0)
    finally:
        con.close()


def test_utf16_tab_separated_text(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
    lines = ["\t".join(ISSUED_HEADERS), "\t".join(str(c) for c in issued_row(digital_no(5)))]
    path = tmp_path / "export.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-16")
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.encoding, r.rows_loaded) == ("utf-16", 1)
    assert con.execute("select invoice_no from issued_invoices").fetchall() == [(digital_no(5),)]


def test_header_only_file_is_an_empty_batch(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "none_today.csv", ISSUED_HEADERS, [])
    r = _one(ingest_file(con, path, today=TODAY))
    assert (r.rows_read, r.rows_loaded, r.batch_id) == (0, 0, 1)
    assert con.execute("select rows_read from import_batches").fetchall() == [(0,)]


def test_forced_kind_on_a_workbook_takes_the_sheets_of_that_kind(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = _etax_workbook(tmp_path / "etax.xlsx")
    results = ingest_file(con, path, kind="tax_records", today=TODAY)
    assert [(r.sheet, r.kind) for r in results] == [("发票基础信息", "tax_records")]
