"""What each kind of input holds: its raw table, key, fields and the staging SQL that checks it.

The header aliases live in ``data/reference/header_maps.csv``; this module says, per canonical
column, how to read it (its type), whether it must be present, and the Chinese label used in
rejection details. Types decide the generic checks (see :mod:`analytics.ingest.parse`):

=========  ===========================================  ================================
type       parsed as                                    reasons when it cannot be
=========  ===========================================  ================================
text       trimmed text, empty markers -> null          -
id         upper-case taxpayer id, checked in Python    invalid_uscc
buyer_id   the same, for the buyer                      invalid_buyer_tax_id
ts         timestamp (many layouts, Excel serials)      unparseable_date, date_in_future,
                                                        date_before_2000
date       date                                         unparseable_date, date_in_future
amount     decimal(18, 2)                               unparseable_number
qty        decimal(38, 10) (long-decimal quantities)    unparseable_number
rate       tax rate + category, checked in Python       invalid_tax_rate
bool       是/否, Y/N, true/false, 1/0                  invalid_value
int        integer                                      unparseable_number
=========  ===========================================  ================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str
    required: bool = False


@dataclass(frozen=True)
class KindSpec:
    kind: str
    key: tuple[str, ...]
    # Detection: every group must be satisfied by the mapped headers; a group lists alternatives,
    # and an alternative "a+b" needs both columns.
    detect: tuple[tuple[str, ...], ...]
    fields: tuple[Field, ...]
    # Staging SQL under analytics/sql/, applied in order over the generic typed rows.
    sql: tuple[str, ...]
    # Further groups that automatic detection needs (not --kind): columns only this kind has.
    signature: tuple[tuple[str, ...], ...] = ()
    # Columns a newer export of a loaded record may change (analytics.ingest.load, fate
    # `updated`, kept in tax_status_history); any other difference is a conflict.
    lifecycle: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.kind

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


INVOICE_KEY: Final = (
    "invoice_no",
    "digital_invoice_no",
    "invoice_code+invoice_number",
    "invoice_number",
)

_KEY_FIELDS: Final = (
    Field("serial_no", "text", "序号"),
    Field("invoice_no", "text", "发票号"),
    Field("digital_invoice_no", "text", "数电发票号码"),
    Field("invoice_code", "text", "发票代码"),
    Field("invoice_number", "text", "发票号码"),
)

_INVOICE_FIELDS: Final = (
    *_KEY_FIELDS,
    Field("seller_name", "text", "销方名称"),
    Field("buyer_tax_id", "buyer_id", "购方识别号"),
    Field("buyer_name", "text", "购买方名称"),
    Field("issued_at", "ts", "开票日期", required=True),
    Field("amount", "amount", "金额", required=True),
    Field("tax_amount", "amount", "税额", required=True),
    Field("total_amount", "amount", "价税合计", required=True),
    Field("tax_rate", "rate", "税率"),
    Field("invoice_type", "text", "发票票种"),
    Field("is_positive", "bool", "是否正数发票"),
    Field("red_flag", "bool", "红字标志"),
    Field("original_invoice_no", "text", "原发票号码"),
    Field("original_invoice_code", "text", "原发票代码"),
    Field("issuer", "text", "开票人"),
    Field("remark", "text", "备注"),
)

KINDS: Final[dict[str, KindSpec]] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            "merchants",
            key=("merchant_id",),
            detect=(("merchant_id",), ("name",)),
            fields=(
                Field("merchant_id", "id", "统一社会信用代码", required=True),
                Field("name", "text", "商户名称", required=True),
                Field("district", "text", "所属区"),
                Field("industry", "text", "行业"),
                Field("size_band", "text", "规模"),
                Field("is_individual", "bool", "是否个体工商户"),
                Field("software_vendor", "text", "开票软件"),
                Field("registered_on", "date", "登记日期"),
            ),
            sql=("staging/stg_merchants.sql",),
        ),
        KindSpec(
            "payments",
            key=("payment_id",),
            detect=(
                ("payment_id",),
                ("merchant_id",),
                ("paid_at",),
                ("amount_paid",),
                ("invoice_requested",),
            ),
            fields=(
                Field("payment_id", "text", "支付流水号", required=True),
                Field("merchant_id", "id", "商户识别号", required=True),
                Field("paid_at", "ts", "支付时间", required=True),
                Field("amount_paid", "amount", "支付金额", required=True),
                Field("invoice_requested", "bool", "是否申请开票", required=True),
                Field("buyer_type", "text", "购买方类型"),
                Field("pay_channel", "text", "支付渠道"),
            ),
            sql=("staging/stg_payments.sql",),
        ),
        KindSpec(
            "issued_invoices",
            key=("invoice_no",),
            detect=(
                INVOICE_KEY,
                ("merchant_id",),
                ("issued_at",),
                ("amount",),
                ("tax_amount",),
                ("total_amount",),
            ),
            fields=(
                *_INVOICE_FIELDS,
                Field("merchant_id", "id", "销方识别号", required=True),
                Field("void_flag", "bool", "作废标志"),
                Field("payment_id", "text", "订单号"),
                Field("software_vendor", "text", "开票软件"),
            ),
            sql=("staging/stg_issued_invoices.sql", "staging/ingest_invoice_rules.sql"),
        ),
        KindSpec(
            "tax_records",
            key=("invoice_no",),
            detect=(
                INVOICE_KEY,
                ("seller_tax_id",),
                ("issued_at",),
                ("amount",),
                ("tax_amount",),
                ("total_amount",),
            ),
            # A column only the tax system has tells its records from a merchant's export.
            signature=(("status", "source", "risk_level", "recorded_at"),),
            fields=(
                *_INVOICE_FIELDS,
                Field("seller_tax_id", "id", "销方识别号", required=True),
                Field("recorded_at", "ts", "入库时间"),
                Field("source", "text", "发票来源"),
                Field("status", "text", "发票状态"),
                Field("risk_level", "text", "发票风险等级"),
            ),
            sql=("staging/stg_tax_records.sql", "staging/ingest_invoice_rules.sql"),
            lifecycle=("status", "risk_level"),
        ),
        KindSpec(
            "tax_record_lines",
            key=("invoice_no", "line_no"),
            detect=(INVOICE_KEY, ("item_name", "tax_code")),
            fields=(
                *_KEY_FIELDS,
                Field("issued_at", "ts", "开票日期"),
                Field("line_no", "int", "行号"),
                Field("tax_code", "text", "税收分类编码"),
                Field("business_type", "text", "特定业务类型"),
                Field("item_name", "text", "货物或应税劳务名称"),
                Field("spec", "text", "规格型号"),
                Field("unit", "text", "单位"),
                Field("quantity", "qty", "数量"),
                Field("unit_price", "qty", "单价"),
                Field("amount", "amount", "金额"),
                Field("tax_rate", "rate", "税率"),
                Field("tax_amount", "amount", "税额"),
            ),
            sql=("staging/stg_tax_record_lines.sql",),
        ),
        KindSpec(
            "complaints",
            key=("complaint_id",),
            detect=(("complaint_id",), ("received_at",), ("text",)),
            fields=(
                Field("complaint_id", "text", "投诉编号", required=True),
                Field("received_at", "ts", "受理时间", required=True),
                Field("merchant_id", "id", "被投诉人识别号"),
                Field("merchant_name", "text", "被投诉商户"),
                Field("invoice_no", "text", "涉及发票号码"),
                Field("category", "text", "投诉类别"),
                Field("channel", "text", "来源渠道"),
                Field("district", "text", "所属区"),
                Field("text", "text", "投诉内容", required=True),
                Field("status", "text", "办理状态"),
                Field("resolved_at", "ts", "办结时间"),
            ),
            sql=("staging/stg_complaints.sql",),
        ),
        KindSpec(
            "planted_labels",
            key=("merchant_id", "period", "cause"),
            detect=(("merchant_id",), ("period",), ("cause",)),
            fields=(
                Field("merchant_id", "text", "merchant_id", required=True),
                Field("period", "text", "period", required=True),
                Field("cause", "text", "cause", required=True),
            ),
            sql=("staging/stg_planted_labels.sql",),
        ),
    )
}

# Loaded first so that later files can be checked against the registry.
LOAD_ORDER: Final = (
    "merchants",
    "payments",
    "issued_invoices",
    "tax_records",
    "tax_record_lines",
    "complaints",
    "planted_labels",
)
