"""Column layouts of each export: the vendors' merchant-side files and the tax bureau's export.

Every layout maps canonical invoice columns to the headers, value spellings (是/否, Y/N,
true/false; 13% or 0.13; dates in the vendor's own format) and empty-value marker of one
source. Headers are aliases listed in ``data/reference/header_maps.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from analytics.synth.invoices import KIND_RED, STATUS_REVERSED, STATUS_VOID
from analytics.synth.merchants import Merchants
from analytics.synth.names import Parties, half_width

RATE_PCT = {0: "0%", 1: "1%", 2: "3%", 3: "5%", 4: "6%", 5: "9%", 6: "13%"}
RATE_DEC = {0: "0", 1: "0.01", 2: "0.03", 3: "0.05", 4: "0.06", 5: "0.09", 6: "0.13"}
TAX_BASE_COLUMNS = (
    "序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号",
    "购买方名称", "开票日期", "金额", "税额", "价税合计", "发票来源", "发票票种", "发票状态",
    "是否正数发票", "发票风险等级", "开票人", "备注", "入库时间",
)  # fmt: skip
LINE_COLUMNS = (
    "税收分类编码",
    "特定业务类型",
    "货物或应税劳务名称",
    "规格型号",
    "单位",
    "数量",
    "单价",
    "税率",
)
MONEY = frozenset({"金额", "税额", "价税合计"})


@dataclass(frozen=True)
class Layout:
    """How one source writes invoices. ``roles`` name the headers bad-row injection may touch."""

    code: str
    columns: list[tuple[str, pl.Expr]]
    empty: str | None  # marker for a missing value; None keeps JSON null
    roles: dict[str, str]
    numeric: frozenset[str] = field(default_factory=frozenset)

    def render(self, rows: pl.DataFrame) -> pl.DataFrame:
        """String columns with nulls for missing values (bad-row injection works on these)."""
        return rows.select([expr.cast(pl.String).alias(name) for name, expr in self.columns])

    def finish(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Spell missing values the way this source does."""
        return frame if self.empty is None else frame.fill_null(self.empty)


def ts(col: str, fmt: str) -> pl.Expr:
    return pl.from_epoch(col, time_unit="s").dt.strftime(fmt)


def money(col: str) -> pl.Expr:
    """Cents as '123.45' / '-123.45'."""
    a = pl.col(col).abs()
    return pl.concat_str(
        pl.when(pl.col(col) < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (a // 100).cast(pl.String),
        pl.lit("."),
        (a % 100).cast(pl.String).str.zfill(2),
    )


def rate(style: dict[int, str]) -> pl.Expr:
    text = pl.col("rate_i").replace_strict(style, return_dtype=pl.String)
    return pl.when(pl.col("exempt")).then(pl.lit("免税")).otherwise(text)


def flag(condition: pl.Expr, yes: str, no: str) -> pl.Expr:
    return pl.when(condition).then(pl.lit(yes)).otherwise(pl.lit(no))


RED = pl.col("kind") == KIND_RED
VOID = pl.col("status") == STATUS_VOID
INVOICE_TYPE = (
    pl.when(pl.col("scheme") == 1)
    .then(pl.lit("增值税电子普通发票"))
    .when(pl.col("scheme") == 2)
    .then(pl.lit("增值税专用发票"))
    .when(pl.col("special"))
    .then(pl.lit("数电票（增值税专用发票）"))
    .otherwise(pl.lit("数电票（普通发票）"))
)


def enrich(rows: pl.DataFrame, m: Merchants, parties: Parties) -> pl.DataFrame:
    """Add seller and buyer names and ids to numbered invoice rows."""
    mi = rows["m"]
    buyer = rows["buyer"].clip(0)
    person = rows["person"].clip(0)
    names = pl.Series(m.name)
    return (
        rows.with_columns(
            merchant_id=pl.Series(m.merchant_id).gather(mi),
            seller_full=names.gather(mi),
            seller_half=pl.Series([half_width(x) for x in m.name]).gather(mi),
            issuer=pl.Series(m.issuer).gather(mi),
            _company=pl.Series(parties.buyer_names).gather(buyer),
            _company_id=pl.Series(parties.buyer_ids).gather(buyer),
            _person=pl.Series(parties.persons).gather(person),
        )
        .with_columns(
            buyer_name=pl.when(pl.col("buyer") >= 0)
            .then("_company")
            .when(pl.col("person") >= 0)
            .then("_person")
            .otherwise(pl.lit("个人")),
            buyer_tax_id=pl.when(pl.col("buyer") >= 0).then("_company_id"),
        )
        .drop("_company", "_company_id", "_person")
    )


def vendor_layout(code: str) -> Layout:
    serial = (pl.int_range(pl.len()) + 1).cast(pl.String)
    c = pl.col
    if code == "etax_web":
        cols = [
            ("序号", serial), ("数电发票号码", c("digital_no")), ("发票代码", c("inv_code")),
            ("发票号码", c("inv_number")), ("销方识别号", c("merchant_id")),
            ("销方名称", c("seller_full")),
            ("购方识别号", c("buyer_tax_id")), ("购买方名称", c("buyer_name")),
            ("开票日期", ts("issued_at", "%Y-%m-%d %H:%M:%S")), ("金额", money("amount")),
            ("税额", money("tax")), ("价税合计", money("total")), ("税率", rate(RATE_PCT)),
            ("发票票种", INVOICE_TYPE), ("是否正数发票", flag(RED, "否", "是")),
            ("对应蓝字发票号码", c("orig_invoice_no")), ("订单号", c("payment_id")),
            ("开票人", c("issuer")), ("备注", c("remark")),
        ]  # fmt: skip
        return Layout(code, cols, None, _roles(cols, "数电发票号码"), MONEY | {"序号"})
    if code == "ruishuitong":
        cols = [
            ("digital_invoice_no", c("digital_no")), ("invoice_code", c("inv_code")),
            ("invoice_number", c("inv_number")), ("seller_tax_id", c("merchant_id")),
            ("seller_name", c("seller_half")), ("buyer_tax_id", c("buyer_tax_id")),
            ("buyer_name", c("buyer_name")), ("issue_time", ts("issued_at", "%Y/%-m/%-d %H:%M")),
            ("amount_excl_tax", money("amount")), ("tax", money("tax")), ("total", money("total")),
            ("tax_rate", rate(RATE_DEC)), ("invoice_type", INVOICE_TYPE),
            ("is_red", flag(RED, "true", "false")), ("original_invoice", c("orig_invoice_no")),
            ("is_void", flag(VOID, "true", "false")), ("order_id", c("payment_id")),
            ("drawer", c("issuer")), ("note", c("remark")),
        ]  # fmt: skip
        return Layout(code, cols, "", _roles(cols, "digital_invoice_no"))
    if code == "piaolian":
        orig_code = pl.when(c("orig_inv_code").is_not_null()).then(c("orig_inv_code"))
        orig_number = pl.coalesce(c("orig_inv_number"), c("orig_digital_no"))
        cols = [
            ("FPDM", c("inv_code")), ("FPHM", c("inv_number")), ("SDFPHM", c("digital_no")),
            ("KPRQ", ts("issued_at", "%Y%m%d%H%M%S")), ("XFSH", c("merchant_id")),
            ("XFMC", c("seller_half")), ("GFSH", c("buyer_tax_id")), ("GFMC", c("buyer_name")),
            ("JE", money("amount")), ("SE", money("tax")), ("JSHJ", money("total")),
            ("SL", rate(RATE_DEC)), ("FPZL", INVOICE_TYPE), ("ZFBZ", flag(VOID, "Y", "N")),
            ("HZBZ", flag(RED, "Y", "N")), ("YFPDM", orig_code), ("YFPHM", orig_number),
            ("DDH", c("payment_id")), ("KPR", c("issuer")), ("BZ", c("remark")),
        ]  # fmt: skip
        return Layout(code, cols, "null", _roles(cols, "SDFPHM"))
    if code == "yunkaipiao":
        cols = [
            ("invoice_no", c("invoice_no")), ("merchant_uscc", c("merchant_id")),
            ("merchant_name", c("seller_half")), ("buyer_tax_id", c("buyer_tax_id")),
            ("buyer_name", c("buyer_name")), ("issued_time", ts("issued_at", "%Y-%m-%dT%H:%M:%S")),
            ("amount", money("amount")), ("tax_amount", money("tax")),
            ("total_amount", money("total")),
            ("tax_rate", rate(RATE_DEC)), ("invoice_type", INVOICE_TYPE), ("red_flag", RED),
            ("original_invoice_no", c("orig_invoice_no")), ("void_flag", VOID),
            ("order_no", c("payment_id")), ("issuer", c("issuer")), ("remark", c("remark")),
        ]  # fmt: skip
        return Layout(code, cols, None, _roles(cols, "invoice_no"))
    if code == "jinpiaobao":
        cols = [
            ("数电票号码", c("digital_no")), ("发票代码", c("inv_code")),
            ("发票号码", c("inv_number")),
            ("销售方纳税人识别号", c("merchant_id")), ("销售方名称", c("seller_full")),
            ("购买方纳税人识别号", c("buyer_tax_id")), ("购买方名称", c("buyer_name")),
            ("开票时间", ts("issued_at", "%Y/%m/%d %H:%M:%S")), ("不含税金额", money("amount")),
            ("税额", money("tax")), ("价税合计", money("total")), ("税率/征收率", rate(RATE_PCT)),
            ("发票类型", INVOICE_TYPE), ("红字标志", flag(RED, "是", "否")),
            ("蓝字发票号码", c("orig_invoice_no")), ("是否作废", flag(VOID, "是", "否")),
            ("交易流水号", c("payment_id")), ("开票人", c("issuer")), ("备注", c("remark")),
        ]  # fmt: skip
        return Layout(code, cols, "--", _roles(cols, "数电票号码"))
    raise ValueError(f"no export layout for vendor {code!r}")


_ROLE_HEADERS = {
    "seller_id": ("销方识别号", "seller_tax_id", "XFSH", "merchant_uscc", "销售方纳税人识别号"),
    "issued_at": ("开票日期", "issue_time", "KPRQ", "issued_time", "开票时间"),
    "amount": ("金额", "amount_excl_tax", "JE", "amount", "不含税金额"),
    "tax": ("税额", "tax", "SE", "tax_amount"),
    "total": ("价税合计", "total", "JSHJ", "total_amount"),
    "rate": ("税率", "tax_rate", "SL", "税率/征收率"),
    "orig": (
        "对应蓝字发票号码",
        "original_invoice",
        "YFPHM",
        "original_invoice_no",
        "蓝字发票号码",
    ),
    "remark": ("备注", "note", "BZ", "remark"),
}


def _roles(cols: list[tuple[str, pl.Expr]], number: str) -> dict[str, str]:
    """The header playing each role in this layout (bad-row injection edits by role)."""
    headers = [h for h, _ in cols]
    found = {role: next(h for h in headers if h in names) for role, names in _ROLE_HEADERS.items()}
    return {"invoice_no": number, **found}


def tax_layout(digital_header: str) -> Layout:
    """The 电子税务局 全量发票查询 export (发票基础信息), plus the officials' 入库时间 column."""
    c = pl.col
    legacy = c("scheme") > 0
    status = (
        pl.when(VOID)
        .then(pl.lit("已作废"))
        .when(c("status") == STATUS_REVERSED)
        .then(pl.lit("已红冲-全额"))
        .otherwise(pl.lit("正常"))
    )
    cols = [
        ("序号", (pl.int_range(pl.len()) + 1).cast(pl.String)),
        ("发票代码", pl.when(legacy).then(c("inv_code")).otherwise(pl.lit("--"))),
        ("发票号码", pl.when(legacy).then(c("inv_number")).otherwise(pl.lit("--"))),
        (digital_header, pl.when(legacy).then(pl.lit("--")).otherwise(c("digital_no"))),
        ("销方识别号", c("merchant_id")), ("销方名称", c("seller_full")),
        ("购方识别号", c("buyer_tax_id")), ("购买方名称", c("buyer_name")),
        ("开票日期", ts("issued_at", "%Y-%m-%d %H:%M:%S")),
        ("金额", money("amount")), ("税额", money("tax")), ("价税合计", money("total")),
        ("发票来源", flag(legacy, "增值税发票管理系统", "电子发票服务平台")),
        ("发票票种", INVOICE_TYPE), ("发票状态", status), ("是否正数发票", flag(RED, "否", "是")),
        ("发票风险等级", pl.lit("正常")), ("开票人", c("issuer")), ("备注", c("remark")),
        ("入库时间", ts("recorded_at", "%Y-%m-%d %H:%M:%S")),
    ]  # fmt: skip
    roles = {
        "invoice_no": digital_header, "seller_id": "销方识别号", "issued_at": "开票日期",
        "recorded_at": "入库时间", "amount": "金额", "tax": "税额", "total": "价税合计",
    }  # fmt: skip
    return Layout("tax", cols, None, roles, MONEY | {"序号"})


def totals_row(frame: pl.DataFrame) -> pl.DataFrame:
    """The export's closing 合计 row: sums of 金额/税额/价税合计, every other cell empty."""
    sums = {}
    for col in MONEY:
        cents = frame[col].str.replace(".", "", literal=True).cast(pl.Int64, strict=False).sum()
        sums[col] = pl.DataFrame({"c": [cents]}).select(money("c")).item()
    row = {c: (sums.get(c) if c in MONEY else None) for c in frame.columns}
    row["序号"] = "合计"
    return pl.DataFrame([row], schema=dict.fromkeys(frame.columns, pl.String))
