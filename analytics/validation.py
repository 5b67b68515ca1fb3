"""Validation rules for taxpayer ids, invoice numbers, amounts, rates and dates.

Each rule returns reason codes (``data/reference/reason_codes.csv``) rather than raising, so the
loader can quarantine a row with every reason at once. The scalar functions here are the
reference; the loader applies the same constants set-wise in SQL and checks them against these
functions in tests.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

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
    if digital:
        return digital.strip()
    if code and number:
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
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY_MARKERS)


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
    if day > (today or date.today()):
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
