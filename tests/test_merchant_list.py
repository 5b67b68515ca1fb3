"""Merchant lists (商户名单) for batch self-check reports: pasted ids, our own exports, errors."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from analytics import exports, merchant_list
from analytics.merchant_list import MerchantListError
from analytics.validation import make_uscc

A = make_uscc("9", "1", "110105", "00000001")
B = make_uscc("9", "2", "110108", "00000002")
C = make_uscc("9", "1", "110101", "00000003")


def test_pasted_ids_split_on_lines_commas_spaces_and_chinese_separators() -> None:
    listed = merchant_list.from_text(f"{A}\n{B}，{C}\n\n {A.lower()} 、{B}\n")
    assert listed.ids == (A, B, C)
    assert listed.repeated == 2
    assert listed.source == "the list"


def test_full_width_and_spreadsheet_text_marks_are_folded() -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in A)  # ９１１１… as some input methods type it
    assert merchant_list.from_text(f"{wide}\n'{B}\n").ids == (A, B)


@pytest.mark.parametrize("header", ["统一社会信用代码", "USCC", "销方识别号", "纳税人识别号"])
def test_our_own_export_gives_its_id_column(header: str) -> None:
    """The CSV the Entry monitoring page exports (BOM, CRLF, names beside ids)."""
    frame = pl.DataFrame(
        {"商户名称": ["甲, 有限公司", "乙"], header: [A, B], "入库率": [0.61, 0.8]}
    )
    listed = merchant_list.from_bytes(exports.to_csv_bytes(frame), "merchants_below.csv")
    assert listed.ids == (A, B)
    assert listed.source == f"merchants_below.csv, column {header!r}"


def test_xlsx_first_sheet_and_gbk_text(tmp_path: Path) -> None:
    book = exports.to_xlsx_bytes({"名单": pl.DataFrame({"序号": [1, 2], "USCC": [B, A]})})
    listed = merchant_list.from_bytes(book, "list.xlsx")
    assert listed.ids == (B, A)
    assert listed.source == "list.xlsx, sheet '名单', column 'USCC'"
    gbk = tmp_path / "名单.txt"
    gbk.write_bytes(f"统一社会信用代码\r\n{C}\r\n".encode("gbk"))
    assert merchant_list.from_file(gbk).ids == (C,)


def test_a_bad_id_names_the_source_the_row_and_the_reason() -> None:
    wrong_check = A[:17] + ("0" if A[17] != "0" else "1")
    text = f"统一社会信用代码,名称\n{A},甲\n{wrong_check},乙\n12345,丙\n"
    with pytest.raises(MerchantListError) as info:
        merchant_list.from_bytes(text.encode(), "below.csv")
    message = str(info.value)
    assert message.startswith("below.csv, column '统一社会信用代码': 2 of 3 values")
    assert f"row 3: {wrong_check!r}: not a valid taxpayer id" in message
    assert "row 4: '12345': 5 character(s); a USCC has 18" in message
    assert "every cell was read" not in message


def test_a_table_without_an_id_header_says_so() -> None:
    with pytest.raises(MerchantListError, match=r"row 1: '名称'.*no header names an id column"):
        merchant_list.from_text(f"名称,代码\n甲,{A}\n", "x.csv")


def test_long_lists_of_errors_are_cut() -> None:
    text = "\n".join(f"BAD{n}" for n in range(25))
    with pytest.raises(MerchantListError, match=r"25 of 25 values.*\(and 15 more\)"):
        merchant_list.from_text(text)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "no merchant ids"),
        (b"\xff\xfe\x00\x00\xfe", "neither UTF-8 nor GBK"),
        (b"PK\x03\x04broken", "not a readable XLSX"),
    ],
)
def test_empty_undecodable_and_broken_files(raw: bytes, message: str) -> None:
    with pytest.raises(MerchantListError, match=message):
        merchant_list.from_bytes(raw, "f")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MerchantListError, match=r"cannot read .*nope\.csv"):
        merchant_list.from_file(tmp_path / "nope.csv")


def _numbers_book(rows: list[list[object]]) -> bytes:
    """A workbook whose cells keep their types (openpyxl writes ints as number cells)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_ids_stored_as_numbers_in_a_workbook_are_refused_when_too_long() -> None:
    """Excel keeps 15 digits of a number: 51010419861018088702 typed into a number cell is
    stored as 51010419861018091520, a legacy id with no check character to catch it."""
    legacy = 51010419861018088702
    raw = _numbers_book([["统一社会信用代码", "名称"], [A, "甲"], [legacy, "乙"]])
    with pytest.raises(MerchantListError) as refused:
        merchant_list.from_bytes(raw, "below.xlsx")
    message = str(refused.value)
    assert message.startswith("below.xlsx, sheet 'Sheet', column '统一社会信用代码': the ids")
    assert "stored as numbers, which keep only 15 digits, and 1 have more" in message
    assert "row 3: '51010419861018091520'" in message  # what the cell holds, not what was typed
    assert "format the column as text (文本)" in message
    # without a header every cell is an id: the same check
    with pytest.raises(MerchantListError, match="row 2: '51010419861018091520'"):
        merchant_list.from_bytes(_numbers_book([[A], [legacy]]), "ids.xlsx")
    # the same ids stored as text are read, and so is a 15-digit legacy id stored as a number
    text = _numbers_book([["统一社会信用代码"], [A], [str(legacy)]])
    assert merchant_list.from_bytes(text, "ok.xlsx").ids == (A, str(legacy))
    short = _numbers_book([["统一社会信用代码"], [A], [110105198610102]])
    assert merchant_list.from_bytes(short, "ok.xlsx").ids == (A, "110105198610102")
