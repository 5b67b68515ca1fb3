"""Quarantine: each validation rule rejects the right rows with the right reasons, and the
vectorised rules agree with the scalar functions of analytics.validation."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from ingest_fixtures import BUYER, SELLER, TODAY, digital_no, write_csv

from analytics import validation as v
from analytics.ingest import IngestError, ingest_file

HEADERS = ["数电发票号码", "销方识别号", "购方识别号", "开票日期", "入库时间", "金额", "税额",
           "价税合计", "税率", "是否正数发票", "发票状态", "备注"]  # fmt: skip


def row(no: str, **over: str) -> list[str]:
    base = {
        "数电发票号码": no, "销方识别号": SELLER, "购方识别号": BUYER,
        "开票日期": "2026-03-30 17:05:11", "入库时间": "2026-03-31 09:00:00", "金额": "1000.00",
        "税额": "130.00", "价税合计": "1130.00", "税率": "13%", "是否正数发票": "是",
        "发票状态": "正常", "备注": "",
    }  # fmt: skip
    base.update(over)
    return [base[h] for h in HEADERS]


BAD_CHECK = SELLER[:-1] + ("0" if SELLER[-1] != "0" else "1")
RED = {"金额": "-1000.00", "税额": "-130.00", "价税合计": "-1130.00", "是否正数发票": "否"}
CASES = {
    "missing_required": ({"开票日期": "--"}, "开票日期"),
    "invalid_uscc": ({"销方识别号": BAD_CHECK}, "销方识别号"),
    "invalid_buyer_tax_id": ({"购方识别号": "12345"}, "购方识别号"),
    "invoice_year_mismatch": ({"数电发票号码": digital_no(7, year="25")}, "starts 25"),
    "invoice_not_beijing": ({"数电发票号码": digital_no(7, province="31")}, "31"),
    "unparseable_date": ({"开票日期": "2026-13-45"}, "2026-13-45"),
    "date_in_future": ({"开票日期": "2027-01-05", "入库时间": "2027-01-06"}, "after today"),
    "date_before_2000": ({"开票日期": "1999-12-31", "数电发票号码": "99" + digital_no(7)[2:]},
                         "before 2000"),
    "unparseable_number": ({"税额": "13O.00"}, "13O.00"),
    "total_mismatch": ({"价税合计": "1130.50"}, "价税合计 1130.50 != 金额 1000.00 + 税额 130.00"),
    "tax_mismatch": ({"税额": "120.00", "价税合计": "1120.00"}, "税额 120.00 != 金额 1000.00"),
    "invalid_tax_rate": ({"税率": "7%"}, "'7%'"),
    "red_not_negative": ({"是否正数发票": "否", "备注": f"原发票号码 {digital_no(1)}"},
                         "red invoice"),
    "red_without_original": (RED, "names no original"),
    "blue_negative": ({k: v for k, v in RED.items() if k != "是否正数发票"}, "blue invoice"),
    "recorded_before_issued": ({"入库时间": "2026-03-30 08:00:00"}, "入库时间"),
    "invalid_value": ({"是否正数发票": "也许"}, "也许"),
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_quarantines_with_its_reason(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, code: str
) -> None:
    over, words = CASES[code]
    bad = row(digital_no(7), **over)
    path = write_csv(tmp_path / "tax.csv", HEADERS, [row(digital_no(1)), bad])
    (r,) = ingest_file(con, path, today=TODAY)
    assert (r.kind, r.rows_read, r.rows_loaded, r.rows_rejected) == ("tax_records", 2, 1, 1)
    assert r.reasons[code] == 1
    rejected = con.execute("select row_number, raw, reasons, detail from rejected_rows").fetchall()
    assert len(rejected) == 1
    row_number, raw, reasons, detail = rejected[0]
    assert row_number == 2
    assert code in reasons
    assert words in detail
    assert json.loads(raw) == dict(zip(HEADERS, bad, strict=True))  # raw values, source headers


def test_the_valid_row_passes_every_rule(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    red = row(digital_no(2), **RED, 备注=f"被红冲蓝字数电发票号码：{digital_no(1)}")
    path = write_csv(tmp_path / "ok.csv", HEADERS, [row(digital_no(1)), red])
    (r,) = ingest_file(con, path, today=TODAY)
    assert (r.rows_loaded, r.rows_rejected) == (2, 0)
    assert con.execute("select distinct recorded_at_source from tax_records").fetchall() == [
        ("file",)
    ]


def test_a_row_keeps_all_its_reasons(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    bad = row(digital_no(7, province="31"), 购方识别号="X", 价税合计="1", 税率="8%")
    path = write_csv(tmp_path / "multi.csv", HEADERS, [bad])
    ingest_file(con, path, today=TODAY)
    (reasons,) = con.execute("select reasons from rejected_rows").fetchall()[0]
    assert set(reasons) == {
        "invoice_not_beijing", "invalid_buyer_tax_id", "total_mismatch", "invalid_tax_rate",
    }  # fmt: skip


def test_complaint_resolved_before_received(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    headers = ["投诉编号", "受理时间", "投诉内容", "办结时间", "投诉类别"]
    rows = [["C1", "2026-03-05 09:00", "查不到发票", "2026-03-01 09:00", "查不到发票"],
            ["C2", "2026-03-05 09:00", "态度差", "2026-03-06 09:00", "乱填的类别"]]  # fmt: skip
    (r,) = ingest_file(con, write_csv(tmp_path / "c.csv", headers, rows), today=TODAY)
    assert r.reasons == {"resolved_before_received": 1, "invalid_value": 1}


def test_malformed_csv_line_is_quarantined_not_lost(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    good = [",".join(row(digital_no(i))) for i in (1, 2, 3)]
    lines = [",".join(HEADERS), good[0], good[1] + ",surplus,cells", good[2]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (r,) = ingest_file(con, path, today=TODAY)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (3, 2, 1)
    assert r.reasons == {"malformed_row": 1}
    assert con.execute("select row_number from rejected_rows").fetchall() == [(2,)]
    loaded = con.execute("select invoice_no, source_row from tax_records order by 2").fetchall()
    assert loaded == [(digital_no(1), 1), (digital_no(3), 3)]
    (raw,) = con.execute("select raw from rejected_rows").fetchall()[0]
    assert "surplus" in json.loads(raw)["csv_line"]


def test_short_and_long_lines_say_how_many_cells_they_have(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    good = [",".join(row(digital_no(i))) for i in (1, 2, 3)]
    short = ",".join(row(digital_no(4))[:4])
    lines = [",".join(HEADERS), good[0], short, good[1] + ",x,y", good[2]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (r,) = ingest_file(con, path, today=TODAY)
    assert (r.rows_read, r.rows_loaded, r.reasons) == (4, 2, {"malformed_row": 2})
    details = con.execute("select detail from rejected_rows order by row_number").fetchall()
    n = len(HEADERS)
    assert details == [
        (f"line 3: 4 cells where the header has {n} (too few)",),
        (f"line 4: {n + 2} cells where the header has {n} (too many)",),
    ]
    # the CLI's line names the first rejected rows too, not only the reasons' counts
    assert r.summary().endswith(
        f"rejected: malformed_row 2 (first: row 2: line 3: 4 cells where the header has {n} "
        f"(too few); row 3: line 4: {n + 2} cells where the header has {n} (too many))"
    )


def test_an_unclosed_quote_refuses_the_file_instead_of_losing_the_lines_after_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """DuckDB reads on from an unclosed quote as one value and then stops: 30 rows with a stray
    quote in the 11th came back as 10 rows and one rejected line, the other 19 nowhere."""
    path = tmp_path / "stray.csv"
    rows = [row(digital_no(i)) for i in range(1, 31)]
    rows[10][2] = '"' + rows[10][2]
    path.write_text("\n".join(",".join(r) for r in [HEADERS, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_file(con, path, today=TODAY)
    assert str(info.value).startswith(
        'stray.csv: line 12: a double quote (") opens a value that is never closed'
    )
    assert info.value.code == "unreadable"
    assert con.execute("select count(*) from tax_records").fetchall() == [(0,)]
    assert con.execute("select count(*) from rejected_rows").fetchall() == [(0,)]


AMOUNTS = ["1000.00", "-1000.00", "0.00"]
TAXES = ["130.00", "-130.00", "60.00", "0.00", "130.06"]
TOTALS = ["1130.00", "-1130.00", "1060.00", "1000.00", "1130.01", "1130.02"]
RATES = ["13%", "6%", "免税", ""]
SIGNS = ["是", "否"]
REMARKS = ["", f"被红冲蓝字数电发票号码：{digital_no(1)}"]
AMOUNT_CODES = {"total_mismatch", "tax_mismatch", "red_not_negative", "red_without_original",
                "blue_negative"}  # fmt: skip


def test_set_based_amount_rules_agree_with_scalar_rules(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    combos = list(itertools.product(AMOUNTS, TAXES, TOTALS, RATES, SIGNS, REMARKS))
    rows = [
        row(digital_no(i), 金额=a, 税额=t, 价税合计=s, 税率=r, 是否正数发票=g, 备注=m)
        for i, (a, t, s, r, g, m) in enumerate(combos, start=1)
    ]
    ingest_file(con, write_csv(tmp_path / "grid.csv", HEADERS, rows), today=TODAY)
    got = {
        n: set(codes) & AMOUNT_CODES
        for n, codes in con.execute("select row_number, reasons from rejected_rows").fetchall()
    }
    for i, (a, t, s, r, g, m) in enumerate(combos, start=1):
        rate = v.parse_tax_rate(r) if r else None
        expected = v.amount_problems(
            Decimal(a), Decimal(t), Decimal(s), rate[0] if rate else None,
            rate[1] if rate else "taxable", is_red=g == "否",
            original_invoice_no=v.original_invoice_from_remark(m),
        )  # fmt: skip
        assert got.get(i, set()) == set(expected), combos[i - 1]


@pytest.mark.parametrize(
    ("no", "issued"),
    [
        (digital_no(1), "2026-03-30"),
        (digital_no(1, year="25"), "2026-03-30"),
        (digital_no(1, province="44"), "2026-03-30"),
        (digital_no(1, year="25", province="44"), "2026-01-02"),
    ],
)
def test_set_based_invoice_number_rules_agree_with_scalar_rules(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, no: str, issued: str
) -> None:
    path = write_csv(tmp_path / "no.csv", HEADERS, [row(no, 开票日期=issued, 入库时间=issued)])
    ingest_file(con, path, today=TODAY)
    got = con.execute("select reasons from rejected_rows").fetchall()
    expected = v.invoice_no_problems(no, v.parse_datetime(issued).date())  # type: ignore[union-attr]
    assert (set(got[0][0]) if got else set()) == set(expected)
