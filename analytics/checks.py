"""Compliance checks: each a query in ``sql/checks/<id>.sql`` returning the violating rows.

Zero rows = pass. Every query returns at least ``merchant_id, subject_id, detail, period`` and
filters itself to the months in scope (``$months``), so the pipeline can recompute only the
affected months; the runner stores the rows in ``check_violations`` with the check's id. The
registry below and the folder must agree (a test enforces it).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
from duckdb.func import FunctionNullHandling
from duckdb.sqltypes import VARCHAR

from analytics import sqlrun
from analytics.config import SQL_DIR
from analytics.context import Context
from analytics.validation import taxpayer_id_format

Severity = Literal["error", "warning", "info"]
TABLE = "check_violations"


@dataclass(frozen=True)
class Check:
    id: str
    title_zh: str
    title_en: str
    severity: Severity
    description: str
    # Its query groups within a month: run once per month in scope (the same rows; 10M-row
    # groupings run ~40% faster month by month, their hash tables staying small).
    per_month: bool = False

    @property
    def sql_file(self) -> str:
        return f"checks/{self.id}.sql"


CHECKS: tuple[Check, ...] = (
    Check(
        "duplicate_invoice_no",
        "发票号码重复",
        "Duplicate invoice number",
        "error",
        "The same invoice number appears more than once in the merchant log or the tax system.",
        per_month=True,
    ),
    Check(
        "invoice_seller_conflict",
        "发票销方不一致",
        "Invoice seller conflict",
        "error",
        "An invoice number belongs to one seller in the merchant log and another in the tax "
        "system.",
    ),
    Check(
        "legacy_or_invalid_uscc",
        "纳税人识别号不规范",
        "Legacy or invalid taxpayer id",
        "warning",
        "A seller still invoices under a legacy 15/20-character taxpayer id or an id that is not "
        "a valid 统一社会信用代码.",
    ),
    Check(
        "totals_mismatch",
        "价税合计不符",
        "Totals mismatch",
        "error",
        "价税合计 differs from 金额 + 税额 by more than 0.01.",
    ),
    Check(
        "red_without_original",
        "红字发票无原票",
        "Red invoice without original",
        "error",
        "A red invoice names no original, or its original is in neither the merchant log nor the "
        "tax system.",
    ),
    Check(
        "red_exceeds_original",
        "红冲金额超过原票",
        "Red amount exceeds original",
        "error",
        "Red invoices reverse more than the 价税合计 of their original.",
    ),
    Check(
        "seller_not_registered",
        "销方不在商户名录",
        "Seller not registered",
        "warning",
        "Tax records whose seller is not in the merchant registry.",
    ),
    Check(
        "payment_not_invoiced",
        "申请开票未开具",
        "Requested invoice not issued",
        "warning",
        "A customer asked for an invoice and none was issued within the grace period "
        "(Context.payment_grace_days calendar days, default 7).",
    ),
    Check(
        "recorded_before_issued",
        "入库早于开票",
        "Recorded before issued",
        "error",
        "The tax system's 入库 time is earlier than the invoice's issue time.",
    ),
    Check(
        "void_status_conflict",
        "作废状态不一致",
        "Void status conflict",
        "warning",
        "The merchant log and the tax system disagree on whether an invoice is voided (作废).",
    ),
)
_BY_ID = {c.id: c for c in CHECKS}


def check(check_id: str) -> Check:
    try:
        return _BY_ID[check_id]
    except KeyError:
        raise KeyError(f"unknown check {check_id!r}; known: {', '.join(_BY_ID)}") from None


def check_files() -> list[str]:
    """Ids of the SQL files present in ``sql/checks/``."""
    return sorted(p.stem for p in (SQL_DIR / "checks").glob("*.sql"))


def _taxpayer_id_format(code: str) -> str | None:
    return taxpayer_id_format(code)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Python helpers the check queries call (idempotent)."""
    with contextlib.suppress(duckdb.InvalidInputException):
        con.remove_function("fw_taxpayer_id_format")
    con.create_function(
        "fw_taxpayer_id_format",
        _taxpayer_id_format,
        [VARCHAR],
        VARCHAR,
        null_handling=FunctionNullHandling.SPECIAL,
        side_effects=False,
    )


def violations_query(check_id: str) -> str:
    """The check's query with its id attached, in the ``check_violations`` layout."""
    c = check(check_id)
    return (
        f"select $check_id::varchar as check_id, merchant_id::varchar as merchant_id, "
        f"subject_id::varchar as subject_id, detail::varchar as detail, period::varchar as period "
        f"from ({sqlrun.body(c.sql_file)}) where list_contains($months, period)"
    )


def run_check(
    con: duckdb.DuckDBPyConnection, check_id: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Violations of one check for the given parameters (tests and ad-hoc use)."""
    register_functions(con)
    sql = violations_query(check_id)
    rows: list[tuple[Any, ...]] = con.execute(
        sql, sqlrun.bind(sql, params | {"check_id": check_id}, where=check_id)
    ).fetchall()
    return rows


def checks_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """Stage ``checks``: replace the affected months' rows of ``check_violations``."""
    register_functions(con)
    params = ctx.params()
    if not ctx.full:  # a full run starts from an empty table (reconcile.reset_result_tables)
        sqlrun.execute(con, f"delete from {TABLE} where list_contains($months, period)", params)
    for c in CHECKS:
        scopes = [ctx.params((m,)) for m in ctx.months] if c.per_month else [params]
        for scope in scopes:
            sqlrun.execute(
                con, f"insert into {TABLE} {violations_query(c.id)}", scope | {"check_id": c.id}
            )
    ctx.written[TABLE] = sqlrun.count_rows(con, TABLE, "list_contains($months, period)", params)
