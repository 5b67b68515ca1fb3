"""Formula-safe CSV and XLSX: text escaped, numbers untouched, Chinese kept, legal sheets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import fastexcel
import polars as pl
import pytest

from analytics import exports

RISKY = ["=SUM(A1:A9)", "+86 10 1234", "-1+1", "@cmd", "\tx", "\rx"]
SAFE = ["北京商户", "a=b", "", "'quoted", "1-2"]


def frame() -> pl.DataFrame:
    n = len(RISKY) + len(SAFE)
    return pl.DataFrame(
        {
            "文本": RISKY + SAFE,
            "金额": [-12.5, 3.0, -1.0, 0.0, 1e6, -0.01] + [7.25] * len(SAFE),
            "价税合计": [Decimal("113.00")] * n,
            "开票时间": [datetime(2026, 3, 2, 10, 5, 6)] * n,
            "日期": [date(2026, 3, 2)] * n,
            "红字": [True, False] * (n // 2) + [True] * (n % 2),
            "标签": pl.Series(["+tag"] * n).cast(pl.Categorical),
        }
    )


def test_escape_text_prefixes_only_risky_starts() -> None:
    assert [exports.escape_text(s) for s in RISKY] == ["'" + s for s in RISKY]
    assert [exports.escape_text(s) for s in SAFE] == SAFE


def test_escape_frame_escapes_text_and_leaves_numbers() -> None:
    out = exports.escape_frame(frame())
    assert out["文本"].to_list() == ["'" + s for s in RISKY] + SAFE
    assert out["金额"].to_list() == frame()["金额"].to_list()
    assert out["金额"].dtype == pl.Float64
    assert out["标签"].to_list()[0] == "'+tag"
    assert out.schema["开票时间"] == pl.Datetime("us")


def test_csv_has_a_bom_chinese_headers_and_escaped_text() -> None:
    payload = exports.to_csv_bytes(frame())
    assert payload.startswith(b"\xef\xbb\xbf")
    text = payload.decode("utf-8-sig")
    assert text.splitlines()[0] == "文本,金额,价税合计,开票时间,日期,红字,标签"
    back = pl.read_csv(payload, infer_schema=False)
    assert back["文本"].to_list()[:4] == ["'=SUM(A1:A9)", "'+86 10 1234", "'-1+1", "'@cmd"]
    assert back["金额"].to_list()[0] == "-12.5"  # a number, not an escaped text
    assert back["开票时间"].to_list()[0] == "2026-03-02 10:05:06"


def test_xlsx_reads_back_with_numbers_as_numbers_and_text_escaped() -> None:
    payload = exports.to_xlsx_bytes({"明细": frame(), "空表": frame().head(0)})
    book = fastexcel.read_excel(payload)
    assert book.sheet_names == ["明细", "空表"]
    back = book.load_sheet_by_name("明细").to_polars()
    assert back.columns == frame().columns
    assert back["文本"].to_list()[:4] == ["'=SUM(A1:A9)", "'+86 10 1234", "'-1+1", "'@cmd"]
    assert back["金额"].dtype == pl.Float64
    assert back["金额"].to_list()[0] == -12.5
    assert back["价税合计"].to_list()[0] == 113.0
    assert back["开票时间"].to_list()[0] == datetime(2026, 3, 2, 10, 5, 6)
    assert back["红字"].to_list()[:2] == [True, False]
    assert book.load_sheet_by_name("空表").to_polars().columns == frame().columns


def test_big_frames_stream_in_constant_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CONSTANT_MEMORY_CELLS", 0)
    payload = exports.to_xlsx_bytes({"明细": frame()})
    back = fastexcel.read_excel(payload).load_sheet_by_name("明细").to_polars()
    assert back["文本"].to_list() == ["'" + s for s in RISKY] + SAFE
    assert back["金额"].to_list()[0] == -12.5


def test_sheet_names_are_made_legal_and_unique() -> None:
    taken: set[str] = set()
    names = [exports.sheet_name(n, taken) for n in ["a/b", "A_B", "x" * 40, "[]", "  "]]
    assert names[0] == "a_b"
    assert names[1] == "A_B (2)"
    assert len(names[2]) == 31
    assert names[3] == "__"
    assert names[4] == "Sheet"


def test_too_many_rows_for_a_sheet_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 5)
    with pytest.raises(exports.ExportError, match="'明细' has 11 rows"):
        exports.to_xlsx_bytes({"明细": frame()})


def test_column_widths_follow_chinese_text() -> None:
    wide = pl.DataFrame({"商户名称": ["北京市朝阳区某某商贸有限公司"], "n": [1]})
    assert exports.column_width("商户名称", wide["商户名称"]) == 2 * 14 + 2
    assert exports.column_width("n", wide["n"]) == 8 + 2
    risky = pl.Series(["=" + "a" * 11])  # written with a leading ', so one character wider
    assert exports.column_width("f", risky) == 13 + 2
    assert exports.column_width("f", risky, escape=False) == 12 + 2
