"""Small input files for the ingestion tests, built in tmp_path (used by tests/test_ingest_*)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from analytics.validation import make_uscc

TODAY = date(2026, 11, 29)

ETAX_HEADERS = [
    "序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号",
    "购买方名称", "开票日期", "金额", "税额", "价税合计", "发票来源", "发票票种", "发票状态",
    "是否正数发票", "发票风险等级", "开票人", "备注",
]  # fmt: skip
LINE_HEADERS = [
    *ETAX_HEADERS[:12], "税收分类编码", "特定业务类型", "货物或应税劳务名称", "规格型号", "单位",
    "数量", "单价", "税率", *ETAX_HEADERS[12:],
]  # fmt: skip


def uscc(body: str, *, individual: bool = False, area: str = "110105") -> str:
    """A valid USCC from an 8-character organisation-code body."""
    return make_uscc("9", "2" if individual else "1", area, body)


SELLER = uscc("MA01ABCD")
SELLER_B = uscc("L1234567", individual=True, area="110108")
BUYER = uscc("MA0KPQ12", area="110101")


def digital_no(serial: int, year: str = "26", province: str = "11") -> str:
    return f"{year}{province}2000{serial:012d}"


def etax_row(serial: int, no: str, **over: str) -> list[str]:
    """One 发票基础信息 row: a 1,000.00 + 130.00 blue invoice unless overridden."""
    base = {
        "序号": str(serial), "发票代码": "", "发票号码": "", "数电发票号码": no,
        "销方识别号": SELLER, "销方名称": "北京好味餐饮有限公司（望京店）", "购方识别号": BUYER,
        "购买方名称": "北京某科技有限公司", "开票日期": "2026-03-30 17:05:11", "金额": "1000.00",
        "税额": "130.00", "价税合计": "1130.00", "发票来源": "电子发票服务平台",
        "发票票种": "数电票（普通发票）", "发票状态": "正常", "是否正数发票": "是",
        "发票风险等级": "正常", "开票人": "张三", "备注": "--",
    }  # fmt: skip
    base.update(over)
    return [base[h] for h in ETAX_HEADERS]


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook with the given sheets (first row = headers), all cells as written."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def etax_export(path: Path, serials: range, **over: str) -> Path:
    """An 电子税务局 export (its 发票基础信息 sheet) of the digital invoices ``serials``."""
    rows = [etax_row(i, digital_no(i), **over) for i in serials]
    return write_xlsx(path, {"发票基础信息": [ETAX_HEADERS, *rows]})


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def records(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[dict[str, object]]:
    return [dict(zip(headers, row, strict=True)) for row in rows]


def write_json(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    path.write_text(json.dumps(records(headers, rows), ensure_ascii=False), encoding="utf-8")
    return path


def write_jsonl(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records(headers, rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    pl.DataFrame(records(headers, rows), infer_schema_length=None).write_parquet(path)
    return path


# Merchant-side invoices with English headers (a vendor API feed).
ISSUED_HEADERS = [
    "invoice_no", "merchant_id", "payment_id", "issued_at", "amount", "tax_amount",
    "total_amount", "tax_rate", "is_red", "original_invoice_no", "software_vendor",
]  # fmt: skip


def issued_row(no: str, **over: object) -> list[object]:
    base: dict[str, object] = {
        "invoice_no": no, "merchant_id": SELLER, "payment_id": f"P{no[-6:]}",
        "issued_at": "2026-03-30 17:05:11", "amount": "1000.00", "tax_amount": "60.00",
        "total_amount": "1060.00", "tax_rate": "6%", "is_red": "N", "original_invoice_no": "",
        "software_vendor": "ruishuitong",
    }  # fmt: skip
    base.update(over)
    return [base[h] for h in ISSUED_HEADERS]
