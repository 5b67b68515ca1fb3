"""Validation rules for taxpayer ids, invoice numbers, amounts, rates and dates.

Each rule returns reason codes (``data/reference/reason_codes.csv``) rather than raising, so the
loader can quarantine a row with every reason at once. The scalar functions here are the
reference; the loader applies the same constants set-wise in SQL and checks them against these
functions in tests.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from analytics.clock import beijing_today

# GB 32100-2015 统一社会信用代码 character set (no I, O, S, V, Z).
USCC_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC_CHARSET)}
USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))  # 3^(i-1) mod 31, i = 1..17
# GB 11714-1997 organisation code (positions 9-17 of a USCC): 8 body characters + 1 check.
ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)

_USCC_RE: Final = re.compile(f"^[{USCC_CHARSET}]{{18}}$")
_LEGACY15_RE: Final = re.compile(r"^\d{6}[0-9A-Z]{8}[0-9X]$")
_LEGACY20_RE: Final = re.compile(r"^\d{17}[0-9X]\d{2}$")

DIGITAL_INVOICE_RE: Final = re.compile(r"^\d{20}$")
LEGACY_CODE_RE: Final = re.compile(r"^(\d{10}|\d{12})$")
LEGACY_NUMBER_RE: Final = re.compile(r"^\d{8}$")
BEIJING_PROVINCE_CODE: Final = "11"

# Legal VAT rates and levy rates (征收率), plus the two zero-tax categories.
LEGAL_RATES: Final = frozenset(
    Decimal(x) for x in ("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13")
)
EXEMPT_LABELS: Final = {"免税": "exempt", "不征税": "non_taxable", "***": "exempt"}
TOTAL_TOLERANCE: Final = Decimal("0.01")
# 税额 is rounded per line on a multi-line invoice: allow a few cents of accumulated rounding.
TAX_TOLERANCE: Final = Decimal("0.05")
EARLIEST_DATE: Final = date(2000, 1, 1)
EMPTY_MARKERS: Final = frozenset({"", "null", "none", "nan", "--", "-", "—", "n/a"})
# Characters trimmed from every cell: exports pad with tabs (to keep Excel from mangling long
# numbers), ideographic spaces and no-break spaces.
WHITESPACE: Final = " \t\r\n\u3000\xa0"
# Date and time layouts seen in invoicing exports, tried in order (strptime syntax, which DuckDB's
# try_strptime shares). Excel serial day numbers are handled separately.
DATETIME_FORMATS: Final = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d%H%M%S",
    "%Y%m%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日",
    "%Y.%m.%d",
)
EXCEL_SERIAL_RE: Final = re.compile(r"^[1-9][0-9]{4}(\.[0-9]+)?$")
# Excel serial day 25569 is 1970-01-01 (serial 1 = 1900-01-01, with Lotus's phantom 29 Feb 1900).
EXCEL_UNIX_EPOCH_SERIAL: Final = 25569
BOOL_TRUE: Final = frozenset({"是", "y", "yes", "true", "t", "1", "1.0"})
BOOL_FALSE: Final = frozenset({"否", "n", "no", "false", "f", "0", "0.0"})
# Red invoices name the blue invoice they reverse in 备注, e.g.
# '被红冲蓝字数电发票号码：26112000000012345678 红冲原因：开票有误' (数电票) or
# '对应正数发票代码:011001900111号码:12345678' (tax-control software). RE2- and re-compatible.
ORIGINAL_DIGITAL_RE: Final = r"(?:蓝字|原发票|原票|对应|红冲)[^0-9]{0,20}([0-9]{20})"
ORIGINAL_LEGACY_RE: Final = r"代码[:：]?\s*([0-9]{10,12})[^0-9]{0,8}号码[:：]?\s*([0-9]{8})"


def org_code_check_char(body8: str) -> str | None:
    """GB 11714 check character for an 8-character organisation-code body, or None if malformed."""
    if len(body8) != 8:
        return None
    total = 0
    for ch, weight in zip(body8, ORG_WEIGHTS, strict=True):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - ord("A") + 10
        else:
            return None
        total += value * weight
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check_char(first17: str) -> str | None:
    """GB 32100-2015 check character (position 18) for the first 17 characters, or None."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        return None
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character USCC whose mod-31 check and embedded org-code check both hold."""
    if not isinstance(code, str) or not _USCC_RE.match(code):
        return False
    if uscc_check_char(code[:17]) != code[17]:
        return False
    return org_code_check_char(code[8:16]) == code[16]


def make_uscc(registration: str, org_type: str, area_code: str, org_body8: str) -> str:
    """Build a valid USCC from its parts (used by the synthetic generator and tests).

    ``registration`` is position 1 (9 = 市场监管/工商), ``org_type`` position 2 (1 = enterprise,
    2 = 个体工商户), ``area_code`` the 6-digit division code (110105 = 朝阳区), ``org_body8``
    the 8-character organisation-code body.
    """
    org_check = org_code_check_char(org_body8)
    if org_check is None:
        raise ValueError(f"organisation-code body {org_body8!r} is not 8 digits/letters")
    first17 = f"{registration}{org_type}{area_code}{org_body8}{org_check}"
    check = uscc_check_char(first17)
    if check is None:
        raise ValueError(f"{first17!r} has characters outside the USCC character set")
    return first17 + check


def taxpayer_id_problem(code: str) -> str | None:
    """Why ``code`` (cleaned: upper case, no spaces) is not a taxpayer id a person can fix
    from: its length, or a check character that does not fit; None when it is one."""
    if taxpayer_id_format(code) is not None:
        return None
    if len(code) not in (15, 18, 20):
        return f"{len(code)} character(s); a USCC has 18 (legacy ids 15 or 20)"
    return "not a valid taxpayer id (a check character or a character does not fit)"


def taxpayer_id_format(code: str) -> str | None:
    """'uscc', 'legacy15' or 'legacy20' for an acceptable taxpayer id; None when invalid.

    Legacy 15- and 20-character ids (old 税务登记号, old 个体户 ids built on an identity-card
    number) are accepted and flagged, not rejected: many 个体工商户 still invoice under them.
    """
    if not isinstance(code, str):
        return None
    if len(code) == 18:
        return "uscc" if is_valid_uscc(code) else None
    if len(code) == 15 and _LEGACY15_RE.match(code):
        return "legacy15" if org_code_check_char(code[6:14]) == code[14] else None
    if len(code) == 20 and _LEGACY20_RE.match(code):
        return "legacy20"
    return None


def is_individual_business(code: str) -> bool:
    """个体工商户: position 2 of a USCC is '2'; legacy 20-character ids are individuals too."""
    if len(code) == 18:
        return code[1] == "2"
    return len(code) == 20


def canonical_invoice_no(
    digital: str | None, code: str | None = None, number: str | None = None
) -> str | None:
    """The warehouse key: the 20-digit 数电票 number, else ``发票代码-发票号码``; None if absent."""
    if digital and digital.strip():
        return digital.strip()
    if number and not (code and code.strip()) and DIGITAL_INVOICE_RE.match(number.strip()):
        # Vendors that export 数电票 put the 20-digit number in the 发票号码 column.
        return number.strip()
    if code and code.strip() and number and number.strip():
        return f"{code.strip()}-{number.strip()}"
    return None


def invoice_no_problems(invoice_no: str, issued_on: date | None = None) -> list[str]:
    """Reason codes for an invoice key (see :func:`canonical_invoice_no`)."""
    if DIGITAL_INVOICE_RE.match(invoice_no):
        problems = []
        if issued_on is not None and invoice_no[:2] != f"{issued_on.year % 100:02d}":
            problems.append("invoice_year_mismatch")
        if invoice_no[2:4] != BEIJING_PROVINCE_CODE:
            problems.append("invoice_not_beijing")
        return problems
    code, sep, number = invoice_no.partition("-")
    if sep and LEGACY_CODE_RE.match(code) and LEGACY_NUMBER_RE.match(number):
        return []
    return ["invalid_invoice_no"]


def is_empty(value: object) -> bool:
    """Exports spell 'no value' as '', null, -- and friends."""
    return value is None or (
        isinstance(value, str) and value.strip(WHITESPACE).lower() in EMPTY_MARKERS
    )


def clean_text(value: str | None) -> str | None:
    """A cell as text: trimmed, with the empty markers turned into None (SQL: ``fw_txt``)."""
    if value is None or is_empty(value):
        return None
    return value.strip(WHITESPACE)


def parse_datetime(text: str | None) -> datetime | None:
    """A date or time in any of :data:`DATETIME_FORMATS` or as an Excel serial day number."""
    value = clean_text(text)
    if value is None:
        return None
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)  # Beijing local time, stored naive
        except ValueError:
            continue
    if EXCEL_SERIAL_RE.match(value):
        seconds = math.floor((float(value) - EXCEL_UNIX_EPOCH_SERIAL) * 86400 + 0.5)
        return datetime(1970, 1, 1) + timedelta(seconds=seconds)
    return None


def parse_amount(text: str | None, places: int = 2) -> Decimal | None:
    """'1,130.00', '¥1130', '1.13E+3' -> Decimal rounded half away from zero; '***' (the tax on
    an exempt line) -> 0; None when not a number (SQL: ``fw_amount`` / ``fw_qty``)."""
    value = clean_text(text)
    if value is None:
        return None
    if value == "***":
        return Decimal(0).quantize(Decimal(1).scaleb(-places))
    value = re.sub(r"[,¥￥ ]", "", value)
    if not value.isascii():  # Decimal() would accept full-width digits; DuckDB does not
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    digits = 18 if places == 2 else 38
    return rounded if len(rounded.as_tuple().digits) <= digits else None


def parse_bool(text: str | None) -> bool | None:
    """是/否, Y/N, true/false, 1/0 (any case) -> bool; None when empty or anything else."""
    value = clean_text(text)
    if value is None:
        return None
    folded = value.lower()
    if folded in BOOL_TRUE:
        return True
    if folded in BOOL_FALSE:
        return False
    return None


def original_invoice_from_remark(remark: str | None) -> str | None:
    """The blue invoice a red one reverses, as named in its 备注; None when it names none."""
    if not remark:
        return None
    digital = re.search(ORIGINAL_DIGITAL_RE, remark)
    if digital:
        return digital.group(1)
    legacy = re.search(ORIGINAL_LEGACY_RE, remark)
    if legacy:
        return f"{legacy.group(1)}-{legacy.group(2)}"
    return None


def parse_tax_rate(text: str) -> tuple[Decimal, str] | None:
    """'13%', '0.13', '13', '免税', '不征税' -> (rate, category); None when not a legal rate."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if raw in EXEMPT_LABELS:
        return Decimal(0), EXEMPT_LABELS[raw]
    try:
        if raw.endswith("%"):
            rate = Decimal(raw[:-1]) / 100
        else:
            rate = Decimal(raw)
            if rate >= 1:  # '13' means 13%
                rate = rate / 100
    except InvalidOperation:
        return None
    rate = rate.normalize()
    for legal in LEGAL_RATES:
        if rate == legal:
            return legal, "taxable"
    return None


def amount_problems(
    amount: Decimal,
    tax_amount: Decimal,
    total_amount: Decimal,
    rate: Decimal | None,
    category: str = "taxable",
    *,
    is_red: bool = False,
    original_invoice_no: str | None = None,
) -> list[str]:
    """Reason codes for an invoice's amounts, tax and red/blue consistency."""
    problems = []
    if abs(amount + tax_amount - total_amount) > TOTAL_TOLERANCE:
        problems.append("total_mismatch")
    if category != "taxable":
        if tax_amount != 0:
            problems.append("tax_mismatch")
    elif rate is not None and abs(amount * rate - tax_amount) > TAX_TOLERANCE:
        problems.append("tax_mismatch")
    if is_red:
        if total_amount >= 0 or amount > 0:
            problems.append("red_not_negative")
        if not original_invoice_no:
            problems.append("red_without_original")
    elif total_amount < 0 or amount < 0:
        problems.append("blue_negative")
    return problems


def date_problems(value: date | datetime, today: date | None = None) -> list[str]:
    """Reason codes for a date: not in the future, not before 2000."""
    day = value.date() if isinstance(value, datetime) else value
    if day > (today or beijing_today()):
        return ["date_in_future"]
    if day < EARLIEST_DATE:
        return ["date_before_2000"]
    return []


_SUFFIXES: Final = ("股份有限公司", "有限责任公司", "有限公司", "个体工商户", "公司")


def normalize_name(name: str) -> str:
    """A matching key for company names: width-folded, brackets unified, suffixes dropped.

    '北京市朝阳区好味餐饮有限公司（望京店）' and '北京市朝阳区好味餐饮有限公司(望京店)' and
    '北京市朝阳区好味餐饮 (望京店)' all map to the same key.
    """
    text = unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "").lower()
    text = text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    text = text.replace("(个体工商户)", "")
    head, bracket, tail = text.partition("(")
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if head.endswith(suffix) and len(head) > len(suffix):
                head = head[: -len(suffix)]
                changed = True
    return head + bracket + tail
