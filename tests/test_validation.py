"""Every validation rule with valid and invalid cases, and the SQL macros that mirror them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from analytics import validation as v
from analytics.ingest.parse import constants, install_macros

GOOD = v.make_uscc("9", "1", "110105", "MA01ABCD")
INDIVIDUAL = v.make_uscc("9", "2", "110108", "L1234567")


# --- taxpayer ids ---------------------------------------------------------------------------


def test_org_code_check_char_textbook_example() -> None:
    # GB 11714's worked example: D2143569-X.
    assert v.org_code_check_char("D2143569") == "X"
    assert v.org_code_check_char("D214356") is None
    assert v.org_code_check_char("D214356*") is None


@pytest.mark.parametrize("code", ["91350100M000100Y43", GOOD, INDIVIDUAL])
def test_valid_usccs(code: str) -> None:
    assert v.is_valid_uscc(code)
    assert v.taxpayer_id_format(code) == "uscc"


def _with_valid_mod31(first17: str) -> str:
    check = v.uscc_check_char(first17)
    assert check is not None
    return first17 + check


@pytest.mark.parametrize(
    "code",
    [
        GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"),  # wrong mod-31 check character
        # right mod-31 check, wrong embedded organisation-code check (position 17)
        _with_valid_mod31(GOOD[:16] + ("0" if GOOD[16] != "0" else "1")),
        GOOD.lower(),
        GOOD[:-1],
        "91110105MA01ABCI5F",  # I is not in the character set
        "",
    ],
)
def test_invalid_usccs(code: str) -> None:
    assert not v.is_valid_uscc(code)
    assert v.taxpayer_id_format(code) is None


def test_legacy_ids_are_accepted_and_flagged() -> None:
    legacy15 = "110105" + "D2143569" + "X"
    assert v.taxpayer_id_format(legacy15) == "legacy15"
    assert v.taxpayer_id_format("110105" + "D2143569" + "1") is None  # org check fails
    legacy20 = "11010519491231002X" + "01"  # identity-card number + 2 digits
    assert v.taxpayer_id_format(legacy20) == "legacy20"
    assert v.taxpayer_id_format("11010519491231002Y01") is None


def test_individual_business() -> None:
    assert v.is_individual_business(INDIVIDUAL)
    assert not v.is_individual_business(GOOD)
    assert v.is_individual_business("11010519491231002X01")


# --- invoice numbers ------------------------------------------------------------------------


def test_canonical_invoice_no() -> None:
    digital = "26112000000000000001"
    assert v.canonical_invoice_no(digital, "011002100111", "00012345") == digital
    assert v.canonical_invoice_no(None, "011002100111", "00012345") == "011002100111-00012345"
    assert v.canonical_invoice_no("", None, digital) == digital  # 数电 number in 发票号码
    assert v.canonical_invoice_no(None, None, "00012345") is None
    assert v.canonical_invoice_no(None) is None


@pytest.mark.parametrize(
    ("no", "issued", "expected"),
    [
        ("26112000000000000001", date(2026, 3, 1), []),
        ("25112000000000000001", date(2026, 3, 1), ["invoice_year_mismatch"]),
        ("26442000000000000001", date(2026, 3, 1), ["invoice_not_beijing"]),
        ("26112000000000000001", None, []),
        ("011002100111-00012345", date(2026, 3, 1), []),
        ("1100211011-00012345", date(2026, 3, 1), []),
        ("11002101-00012345", None, ["invalid_invoice_no"]),
        ("2611200000000000001", None, ["invalid_invoice_no"]),
        ("abc", None, ["invalid_invoice_no"]),
    ],
)
def test_invoice_no_problems(no: str, issued: date | None, expected: list[str]) -> None:
    assert v.invoice_no_problems(no, issued) == expected


# --- amounts, rates, red/blue -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13%", (Decimal("0.13"), "taxable")),
        ("0.13", (Decimal("0.13"), "taxable")),
        ("13", (Decimal("0.13"), "taxable")),
        ("１３％", (Decimal("0.13"), "taxable")),
        ("6.00%", (Decimal("0.06"), "taxable")),
        ("0", (Decimal("0"), "taxable")),
        ("免税", (Decimal("0"), "exempt")),
        ("不征税", (Decimal("0"), "non_taxable")),
        ("***", (Decimal("0"), "exempt")),
        ("7%", None),
        ("0.135", None),
        ("abc", None),
        ("", None),
    ],
)
def test_parse_tax_rate(text: str, expected: tuple[Decimal, str] | None) -> None:
    assert v.parse_tax_rate(text) == expected


D = Decimal


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((D("1000"), D("130"), D("1130"), D("0.13")), {}, []),
        ((D("1000"), D("130"), D("1130.01"), D("0.13")), {}, []),  # within 0.01
        ((D("1000"), D("130"), D("1130.02"), D("0.13")), {}, ["total_mismatch"]),
        ((D("1000"), D("130.05"), D("1130.05"), D("0.13")), {}, []),  # within rounding
        ((D("1000"), D("120"), D("1120"), D("0.13")), {}, ["tax_mismatch"]),
        ((D("1000"), D("0"), D("1000"), D("0"), "exempt"), {}, []),
        ((D("1000"), D("10"), D("1010"), D("0"), "exempt"), {}, ["tax_mismatch"]),
        ((D("1000"), D("120"), D("1120"), None), {}, []),  # no rate: no tax check
        (
            (D("-1000"), D("-130"), D("-1130"), D("0.13")),
            {"is_red": True, "original_invoice_no": "26112000000000000001"},
            [],
        ),
        (
            (D("1000"), D("130"), D("1130"), D("0.13")),
            {"is_red": True, "original_invoice_no": "x"},
            ["red_not_negative"],
        ),
        (
            (D("-1000"), D("-130"), D("-1130"), D("0.13")),
            {"is_red": True},
            ["red_without_original"],
        ),
        ((D("-1000"), D("-130"), D("-1130"), D("0.13")), {}, ["blue_negative"]),
    ],
)
def test_amount_problems(
    args: tuple[Any, ...], kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert v.amount_problems(*args, **kwargs) == expected


def test_date_problems() -> None:
    today = date(2026, 11, 29)
    assert v.date_problems(date(2026, 11, 29), today) == []
    assert v.date_problems(datetime(2026, 11, 30, 0, 1), today) == ["date_in_future"]
    assert v.date_problems(date(1999, 12, 31), today) == ["date_before_2000"]
    assert v.date_problems(date(2000, 1, 1), today) == []


def test_normalize_name_brackets_width_and_suffixes() -> None:
    names = [
        "北京市朝阳区好味餐饮有限公司（望京店）",
        "北京市朝阳区好味餐饮有限公司(望京店)",
        "北京市朝阳区好味餐饮 (望京店)",
        "北京市朝阳区好味餐饮【望京店】",
    ]
    assert len({v.normalize_name(n) for n in names}) == 1
    assert v.normalize_name("好味餐饮（望京店）") != v.normalize_name("好味餐饮（国贸店）")
    assert v.normalize_name("好味小吃店（个体工商户）") == v.normalize_name("好味小吃店")


# --- cell parsers -----------------------------------------------------------------------------

TEXTS = [
    "", "  ", "null", "NULL", "--", "-", "n/a", "None", "nan", "\t x \u3000", "是", None,
    "x\r\n", "\xa0x", "\u3000北京\u3000", "a b", "e\u0301 ", " --\t",
]  # fmt: skip
DATES = [
    "2026-03-30 17:05:11", "2026/3/30 17:05", "20260330170511", "2026-03-30", "2026-3-5",
    "2026-03-30T17:05:11", "2026-03-30 17:05:11.250", "2026年3月30日", "2026.03.30",
    "46111", "46111.7118", "2026-02-30", "30/03/2026", "yesterday", "", "--", None,
]  # fmt: skip
AMOUNTS = [
    "1130.00", "1,130.00", "¥1130", "￥ 1 130.5", "-0.005", "0.005", "2.675", "1e3", "1.13E+3",
    "***", "abc", "１２", "1_000", "NaN", "inf", "", "--", "12345678901234567.5",
]  # fmt: skip
BOOLS = ["是", "否", "Y", "n", "TRUE", "false", "1", "0", "1.0", "yes", "maybe", "", None]
REMARKS = [
    "被红冲蓝字数电发票号码：26112000000000000001 红冲原因：开票有误",
    "对应蓝字发票号码:26112000000000000002",
    "对应正数发票代码:011002100111号码:00012345",
    "开具红字发票 原发票代码：1100211011 号码：00054321",
    "订单 26112000000000000003",  # a number, but not named as the original
    "",
    None,
]
KEYS = [
    ("26112000000000000001", "011002100111", "00012345"),
    (None, "011002100111", "00012345"),
    (None, None, "26112000000000000009"),
    (None, None, "00012345"),
    (None, "011002100111", None),
    (None, None, None),
]


@pytest.fixture(scope="module")
def sql() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    install_macros(con)
    yield con
    con.close()


# a cell as fw_txt cleans it (the text every parser reads)
TXT = "fw_txt($x::varchar, $ws, $wsc, $empty, $empty_len)"


def _sql(con: duckdb.DuckDBPyConnection, expr: str, value: Any) -> Any:
    params = constants(date(2026, 11, 29), datetime(2026, 11, 29))
    params["x"] = value
    used = {k: p for k, p in params.items() if f"${k}" in expr}
    return con.execute(f"select {expr}", used).fetchall()[0][0]


@pytest.mark.parametrize("text", TEXTS)
def test_clean_text_agrees_with_sql(sql: duckdb.DuckDBPyConnection, text: str | None) -> None:
    assert _sql(sql, TXT, text) == v.clean_text(text)


def test_clean_text_values() -> None:
    assert v.clean_text("\t x \u3000") == "x"
    assert v.clean_text("--") is None
    assert v.is_empty(" NULL ")
    assert not v.is_empty("0")


@pytest.mark.parametrize("text", DATES)
def test_parse_datetime_agrees_with_sql(sql: duckdb.DuckDBPyConnection, text: str | None) -> None:
    expected = v.parse_datetime(text)
    assert _sql(sql, f"fw_ts({TXT}, $formats)", text) == expected


def test_parse_datetime_values() -> None:
    assert v.parse_datetime("2026/3/30 17:05") == datetime(2026, 3, 30, 17, 5)
    assert v.parse_datetime("20260330170511") == datetime(2026, 3, 30, 17, 5, 11)
    assert v.parse_datetime("46111.5") == datetime(2026, 3, 30, 12, 0)
    assert v.parse_datetime("2026-02-30") is None
    assert v.parse_datetime("--") is None


@pytest.mark.parametrize("text", AMOUNTS)
def test_parse_amount_agrees_with_sql(sql: duckdb.DuckDBPyConnection, text: str) -> None:
    assert _sql(sql, f"fw_amount({TXT})", text) == v.parse_amount(text)
    qty = v.parse_amount(text, places=10)
    assert _sql(sql, f"fw_qty({TXT})", text) == qty


def test_parse_amount_values() -> None:
    assert v.parse_amount("1,130.00") == Decimal("1130.00")
    assert v.parse_amount("-0.005") == Decimal("-0.01")  # half away from zero
    assert v.parse_amount("***") == Decimal("0.00")
    assert v.parse_amount("１２") is None
    assert v.parse_amount("3.14159265358979", places=10) == Decimal("3.1415926536")


@pytest.mark.parametrize("text", BOOLS)
def test_parse_bool_agrees_with_sql(sql: duckdb.DuckDBPyConnection, text: str | None) -> None:
    assert _sql(sql, f"fw_bool({TXT}, $yes, $no)", text) == v.parse_bool(text)


def test_parse_bool_values() -> None:
    assert v.parse_bool("是") is True
    assert v.parse_bool("N") is False
    assert v.parse_bool("maybe") is None
    assert v.parse_bool("--") is None


@pytest.mark.parametrize("remark", REMARKS)
def test_original_from_remark_agrees_with_sql(
    sql: duckdb.DuckDBPyConnection, remark: str | None
) -> None:
    got = _sql(
        sql, "fw_original_from_remark($x::varchar, $orig_digital_re, $orig_legacy_re)", remark
    )
    assert got == v.original_invoice_from_remark(remark)


def test_original_from_remark_values() -> None:
    assert v.original_invoice_from_remark(REMARKS[0]) == "26112000000000000001"
    assert v.original_invoice_from_remark(REMARKS[2]) == "011002100111-00012345"
    assert v.original_invoice_from_remark(REMARKS[4]) is None


@pytest.mark.parametrize(("digital", "code", "number"), KEYS)
def test_invoice_key_agrees_with_sql(
    sql: duckdb.DuckDBPyConnection, digital: str | None, code: str | None, number: str | None
) -> None:
    got = sql.execute(
        "select fw_invoice_key(null, $d::varchar, $c::varchar, $n::varchar)",
        {"d": digital, "c": code, "n": number},
    ).fetchall()[0][0]
    assert got == v.canonical_invoice_no(digital, code, number)


@pytest.mark.parametrize(
    ("no", "issued"),
    [
        ("26112000000000000001", datetime(2026, 3, 1)),
        ("25442000000000000001", datetime(2026, 3, 1)),
        ("011002100111-00012345", datetime(2026, 3, 1)),
        ("12-34", None),
    ],
)
def test_invoice_no_problems_agree_with_sql(
    sql: duckdb.DuckDBPyConnection, no: str, issued: datetime | None
) -> None:
    got = sql.execute(
        "select list_transform(fw_invoice_no_problems($n, $t::timestamp, $b), lambda p: p.code)",
        {"n": no, "t": issued, "b": v.BEIJING_PROVINCE_CODE},
    ).fetchall()[0][0]
    assert got == v.invoice_no_problems(no, issued.date() if issued else None)
