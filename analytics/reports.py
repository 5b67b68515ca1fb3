"""Self-check reports (发票入库自查报告) for a merchant and period, one file or a district's zip.

A report is a summary sheet (who, which period, the entry figures, the simulated grade, and
what to do, in Chinese) followed by one sheet per kind of reconciliation exception: missing,
late, mismatched and duplicate invoices, then payments not or under-invoiced and tax records
missing from the merchant's log. Each exception row of ``recon_exceptions`` for the merchant and
the period's months lands on exactly one sheet (by its status). Headers are Chinese. XLSX is one
workbook; CSV is a zip of one UTF-8-with-BOM CSV per sheet. Cells are formula-escaped
(:mod:`analytics.exports`).

The reports read only tables of the dashboard's serving snapshot (``merchant_period_metrics``,
``recon_exceptions``, ``credit_scores``, ``analysis_runs``), so the dashboard offers the same
downloads from its read-only snapshot that the CLI writes from the warehouse.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import polars as pl
from tqdm import tqdm

from analytics import exports, frames, reference
from analytics.report_sheets import (
    SHEETS,
    SUMMARY_SHEET,
    Period,
    ReportData,
    ReportError,
    build_merchant_sheets,
    build_sheets,
    parse_period,
)
from analytics.warehouse import table_exists

__all__ = [
    "FORMATS",
    "SHEETS",
    "SUMMARY_SHEET",
    "Period",
    "ReportError",
    "district_reports",
    "encode",
    "file_name",
    "parse_period",
    "report_sheets",
    "self_check_report",
    "write_self_check",
]

FORMATS = ("xlsx", "csv")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def _load(con: duckdb.DuckDBPyConnection, ids: list[str], period: Period) -> ReportData:
    for table in ("merchant_period_metrics", "recon_exceptions"):
        if not table_exists(con, table):
            raise ReportError(f"the warehouse has no {table} yet: run `fapiao-watch analyse`")
    params = {
        "merchant_ids": ids,
        "period_type": period.kind,
        "period": period.key,
        "months": list(period.months),
    }
    credit = pl.DataFrame()
    if table_exists(con, "credit_scores"):
        credit = frames.file_frame(
            con, "marts/report_credit.sql", params | {"quarter": period.quarter}
        )
    runs = []
    if table_exists(con, "analysis_runs"):
        runs = con.execute(
            "select as_of, deadline_workdays from analysis_runs order by run_id desc limit 1"
        ).fetchall()
    return ReportData(
        metrics=frames.file_frame(con, "marts/report_metrics.sql", params),
        exceptions=frames.file_frame(con, "marts/report_exceptions.sql", params),
        credit=credit,
        as_of=runs[0][0] if runs else None,
        deadline=int(runs[0][1]) if runs else None,
    )


def _known_merchant(con: duckdb.DuckDBPyConnection, merchant_id: str) -> bool:
    tables = [t for t in ("merchants", "merchant_period_metrics") if table_exists(con, t)]
    return any(
        con.execute(
            f"select count(*) from {t} where merchant_id = $m", {"m": merchant_id}
        ).fetchall()[0][0]
        for t in tables
    )


def report_sheets(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period: str
) -> dict[str, pl.DataFrame]:
    """The report's sheets (Chinese name -> frame) for one merchant and period."""
    p = parse_period(period)
    merchant = merchant_id.strip().upper()
    if not _known_merchant(con, merchant):
        raise ReportError(f"merchant {merchant_id!r} is not in the warehouse")
    return build_sheets(_load(con, [merchant], p), merchant, p)


def encode(sheets: dict[str, pl.DataFrame], fmt: str) -> bytes:
    """One XLSX workbook, or a zip of one UTF-8-with-BOM CSV per sheet."""
    if fmt == "xlsx":
        return exports.to_xlsx_bytes(sheets)
    if fmt == "csv":
        return _zip((f"{name}.csv", exports.to_csv_bytes(frame)) for name, frame in sheets.items())
    raise ReportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def _zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in files:
            zf.writestr(name, payload)
    return buffer.getvalue()


def self_check_report(
    con: duckdb.DuckDBPyConnection, merchant_id: str, period: str, fmt: str
) -> bytes:
    """The self-check report of one merchant for a month or quarter, as XLSX or CSV-zip bytes."""
    if fmt not in FORMATS:
        raise ReportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    return encode(report_sheets(con, merchant_id, period), fmt)


def file_name(merchant_id: str, merchant_name: str | None, period: str, fmt: str) -> str:
    """``<USCC>_<name>_<period>.xlsx`` (``.zip`` for CSV), safe on every file system."""
    name = _UNSAFE_NAME.sub("_", merchant_name or "").strip("_")[:40]
    stem = "_".join(p for p in (merchant_id, name, period) if p)
    return f"{stem}.{'xlsx' if fmt == 'xlsx' else 'zip'}"


def district_reports(
    con: duckdb.DuckDBPyConnection,
    district: str,
    period: str,
    fmt: str,
    *,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """A zip with one report file per merchant of ``district`` that has data in ``period``.

    ``on_progress(done, total)`` is called after each merchant's file (the dashboard's bar)."""
    if fmt not in FORMATS:
        raise ReportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    p = parse_period(period)
    known = reference.district_labels("zh")
    if district not in known:
        raise ReportError(f"unknown district {district!r}; known: {', '.join(known)}")
    if not table_exists(con, "merchant_period_metrics"):
        raise ReportError(
            "the warehouse has no merchant_period_metrics yet: run `fapiao-watch analyse`"
        )
    ids = [
        str(r[0])
        for r in con.execute(
            "select distinct merchant_id from merchant_period_metrics where district = $d "
            "and period_type = $t and period = $p order by merchant_id",
            {"d": district, "t": p.kind, "p": p.key},
        ).fetchall()
    ]
    if not ids:
        raise ReportError(f"no merchant of {district} has data in {p.key}")
    data = _load(con, ids, p)
    names = dict(data.metrics.select("merchant_id", "merchant_name").iter_rows())
    bar = tqdm(
        ids, desc=f"reports {district}", unit="merchant", file=sys.stderr, disable=not progress
    )

    def files() -> Iterator[tuple[str, bytes]]:
        for done, (m, sheets) in enumerate(build_merchant_sheets(data, bar, p), start=1):
            yield file_name(m, names.get(m), p.key, fmt), encode(sheets, fmt)
            if on_progress is not None:
                on_progress(done, len(ids))

    return _zip(files())


def write_self_check(
    *,
    db: str | None,
    period: str,
    fmt: str,
    merchant: str | None = None,
    district: str | None = None,
    out: str | None = None,
    progress: bool = False,
) -> Path:
    """Build one merchant's report or a district's zip from the warehouse and write it.

    ``out`` defaults to ``self-check-<USCC or district>-<period>.<xlsx|zip>`` in the current
    folder. Returns the path written.
    """
    from analytics.warehouse import connect

    if (merchant is None) == (district is None):
        raise ReportError("give either a merchant (USCC) or a district")
    con = connect(db, read_only=True)
    try:
        if merchant is not None:
            payload = self_check_report(con, merchant, period, fmt)
            ext = "xlsx" if fmt == "xlsx" else "zip"
        else:
            assert district is not None
            payload = district_reports(con, district, period, fmt, progress=progress)
            ext = "zip"
    finally:
        con.close()
    who = (merchant or district or "").strip()
    target = Path(out) if out else Path(f"self-check-{who}-{period.strip().upper()}.{ext}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target
