"""Typed source columns (Parquet) that fields take as they are, without printing and parsing.

A Parquet timestamp, decimal or boolean is already what the field's text would be parsed to, so
the reader keeps it in its type (``Source.native``) and the checks cast it (``native_cast``):
paid_at, amount_paid and invoice_requested of a 1.9M-row payments file took ~0.6 s to print as
text and parse back. Other types (doubles, strings, time zones) are read as text and parsed
like any cell, and so is a typed column mapped to a field that wants text (an id, a name).
"""

from __future__ import annotations

import re

INTEGERS = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
)
TIMES = frozenset({"DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"})
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def _scale(column_type: str) -> int | None:
    m = _DECIMAL.fullmatch(column_type.upper())
    return int(m[2]) if m else None


def is_native(column_type: str) -> bool:
    """A column type some field takes as it is (the reader then keeps it typed)."""
    t = column_type.upper()
    return t in INTEGERS or t in TIMES or t == "BOOLEAN" or _scale(t) is not None


def native_cast(field_type: str, column_type: str) -> str | None:
    """SQL type a typed column of ``column_type`` is cast to for a field of ``field_type``
    (analytics.ingest.spec types), or None when the field must parse it as text.

    Amounts take integers and decimals of at most 2 places; a longer decimal stays on the text
    path, so that it is rounded as :func:`analytics.validation.parse_amount` documents."""
    t = column_type.upper()
    scale = _scale(t)
    if field_type in ("ts", "date") and t in TIMES:
        return "timestamp" if field_type == "ts" else "date"
    if field_type == "bool" and t == "BOOLEAN":
        return "boolean"
    if field_type == "amount" and (t in INTEGERS or (scale is not None and scale <= 2)):
        return "decimal(18, 2)"
    if field_type == "qty" and (t in INTEGERS or (scale is not None and scale <= 10)):
        return "decimal(38, 10)"
    if field_type == "int" and t in INTEGERS:
        return "integer"
    return None
