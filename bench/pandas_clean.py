"""The baseline's cell parsing and the loader's row rules, vectorised in pandas.

Mirrors ``analytics/sql/staging/ingest_*.sql`` and ``analytics.validation``: trimmed text with
empty markers as missing, the date layouts of ``validation.DATETIME_FORMATS``, amounts in
integer cents (exact comparisons), taxpayer ids and tax rates checked once per distinct value.
``typed_invoices`` drops the rows the loader would reject.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics import validation as v

INVOICE_COLUMNS = (
    "invoice_no",
    "digital_invoice_no",
    "invoice_code",
    "invoice_number",
    "merchant_id",
    "seller_tax_id",
    "payment_id",
    "issued_at",
    "recorded_at",
    "amount",
    "tax_amount",
    "total_amount",
    "tax_rate",
    "is_positive",
    "red_flag",
    "void_flag",
    "original_invoice_no",
    "original_invoice_code",
    "buyer_tax_id",
    "buyer_name",
    "remark",
    "status",
)
EMPTY = sorted(v.EMPTY_MARKERS)


def clean_text(s: pd.Series) -> pd.Series:
    """Trimmed text; '', 'null', '--' ... become missing (validation.clean_text)."""
    s = s.astype("str").str.strip(v.WHITESPACE)
    return s.mask(s.str.lower().isin(EMPTY))


def parse_ts(s: pd.Series) -> pd.Series:
    """The first layout of validation.DATETIME_FORMATS that fits, per value."""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = s.notna()
    for fmt in v.DATETIME_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce")
        out[todo] = parsed
        todo &= out.isna()
    return out


def parse_cents(s: pd.Series) -> pd.Series:
    """Amounts in integer cents (exact comparisons); '***' is zero; missing when not a number."""
    stripped = s.str.replace(r"[,¥￥ ]", "", regex=True)
    number = pd.to_numeric(stripped.mask(stripped == "***", "0"), errors="coerce")
    return np.sign(number) * np.floor(np.abs(number) * 100 + 0.5)


def parse_bool(s: pd.Series) -> pd.Series:
    low = s.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[low.isin(v.BOOL_TRUE)] = True
    out[low.isin(v.BOOL_FALSE)] = False
    return out


def id_format(s: pd.Series) -> pd.Series:
    """validation.taxpayer_id_format, computed once per distinct id."""
    distinct = s.dropna().unique()
    formats = {i: v.taxpayer_id_format(i) for i in distinct}
    return s.map(formats)


def rate_parts(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(rate in basis points, category) per value, from validation.parse_tax_rate."""
    distinct = s.dropna().unique()
    parsed = {t: v.parse_tax_rate(t) for t in distinct}
    bp = {t: round(float(p[0]) * 10000) if p else np.nan for t, p in parsed.items()}
    cat = {t: p[1] if p else None for t, p in parsed.items()}
    return s.map(bp).astype("float64"), s.map(cat).astype("object")


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return clean_text(frame[name])
    return pd.Series(pd.NA, index=frame.index, dtype="str")


def _arithmetic_rules(
    cents: dict[str, pd.Series],
    rate_bp: pd.Series,
    category: pd.Series,
    red: pd.Series,
    original: pd.Series,
) -> pd.Series:
    """价税合计 = 金额 + 税额; 税额 = 金额 × 税率; red invoices negative with an original."""
    amount, tax_amt, total = cents["amount"], cents["tax_amount"], cents["total_amount"]
    bad = (amount + tax_amt - total).abs() > round(v.TOTAL_TOLERANCE * 100)
    taxable = category == "taxable"
    tax_tol = round(v.TAX_TOLERANCE * 1_000_000)  # cents x basis points
    bad |= taxable & ((amount * rate_bp - tax_amt * 10000).abs() > tax_tol)
    bad |= ~taxable & (tax_amt != 0)
    bad |= red & ((total >= 0) | (amount > 0))
    bad |= red & original.isna()
    bad |= ~red & ((total < 0) | (amount < 0))
    return bad


def _number_rules(no: pd.Series, issued: pd.Series) -> pd.Series:
    """20-digit numbers of the issue year and Beijing, or 发票代码-发票号码."""
    bad = ~no.str.fullmatch(r"[0-9]{20}|([0-9]{10}|[0-9]{12})-[0-9]{8}").fillna(False)
    digital = no.str.fullmatch(r"[0-9]{20}").fillna(False)
    year = issued.dt.strftime("%y")
    wrong = (no.str.slice(0, 2) != year) | (no.str.slice(2, 4) != v.BEIJING_PROVINCE_CODE)
    return bad | (digital & wrong)


def typed_invoices(frame: pd.DataFrame, *, tax: bool, today: date) -> pd.DataFrame:
    """Typed invoice rows of one file with the loader's row rules applied (bad rows dropped)."""
    seller = "seller_tax_id" if tax else "merchant_id"
    t = {c: _col(frame, c) for c in INVOICE_COLUMNS}
    for c in (seller, "buyer_tax_id"):
        t[c] = t[c].str.upper()
    no = t["invoice_no"].fillna(t["digital_invoice_no"])
    code, number = t["invoice_code"], t["invoice_number"]
    no = no.fillna(number.where(code.isna() & number.str.fullmatch(r"[0-9]{20}").fillna(False)))
    no = no.fillna(code + "-" + number)
    issued = parse_ts(t["issued_at"])
    cents = {c: parse_cents(t[c]) for c in ("amount", "tax_amount", "total_amount")}
    rate_bp, category = rate_parts(t["tax_rate"])
    flags = {c: parse_bool(t[c]) for c in ("is_positive", "red_flag", "void_flag")}
    red = (~flags["is_positive"]).fillna(flags["red_flag"]).fillna(cents["total_amount"] < 0)
    red = red.fillna(False).astype(bool)
    original = (t["original_invoice_code"] + "-" + t["original_invoice_no"]).fillna(
        t["original_invoice_no"]
    )
    from_remark = t["remark"].str.extract(v.ORIGINAL_DIGITAL_RE, expand=False)
    legacy = t["remark"].str.extract(v.ORIGINAL_LEGACY_RE)
    from_remark = from_remark.fillna(legacy[0] + "-" + legacy[1])
    original = original.fillna(from_remark.where(red))
    category = category.fillna("taxable")
    seller_fmt, buyer_fmt = id_format(t[seller]), id_format(t["buyer_tax_id"])
    recorded = parse_ts(t["recorded_at"]) if tax else None

    bad = issued.isna() | t[seller].isna() | seller_fmt.isna() | no.isna()
    bad |= t["buyer_tax_id"].notna() & buyer_fmt.isna()
    for c in cents.values():
        bad |= c.isna()
    bad |= t["tax_rate"].notna() & rate_bp.isna()
    for c in ("is_positive", "red_flag", "void_flag"):
        bad |= t[c].notna() & flags[c].isna()
    bad |= (issued.dt.date > today) | (issued < pd.Timestamp(v.EARLIEST_DATE))
    if recorded is not None:
        bad |= t["recorded_at"].notna() & recorded.isna()
        bad |= (recorded.dt.date > today) | (recorded < pd.Timestamp(v.EARLIEST_DATE))
        bad |= recorded.notna() & (recorded < issued)
    bad |= _arithmetic_rules(cents, rate_bp, category, red, original)
    bad |= _number_rules(no, issued)
    total = cents["total_amount"]
    out = pd.DataFrame(
        {
            "invoice_no": no,
            "merchant_id": t[seller],
            "issued_at": issued,
            "total_cents": total,
            "is_red": red,
            "is_void": flags["void_flag"].fillna(False).astype(bool),
            "original_invoice_no": original,
        }
    )
    if tax:
        out["recorded_at"] = recorded
        out["status"] = t["status"]
    else:
        out["payment_id"] = t["payment_id"]
        out["buyer_key"] = t["buyer_tax_id"].fillna(t["buyer_name"])
    return out[~bad.fillna(True).astype(bool)]
