"""Self-check reports (发票入库自查报告) for a merchant and period: one file, or a zip for a
district or for a list of merchants (with 清单.csv naming every listed merchant and its file).

A report is a summary sheet (who, which period, the entry figures, the simulated grade, and
what to do, in Chinese) followed by one sheet per kind of reconciliation exception: missing,
late, mismatched and duplicate invoices, then payments not or under-invoiced and tax records
missing from the merchant's log; last, the period's invoices not entered yet whose deadline
is still ahead (待入库发票: not exceptions yet, what the merchant can still upload in time).
Late and missing invoices issued during a delay at the merchant's invoicing software
(:func:`analytics.delay_views.vendor_incidents`) are marked, and the summary counts them.
Each exception row of ``recon_exceptions`` for the merchant and the period's months lands on
exactly one sheet (by its status). Headers are Chinese. XLSX is one workbook; CSV is a zip of
one UTF-8-with-BOM CSV per sheet. Cells are formula-escaped (:mod:`analytics.exports`).

The reports read only tables of the dashboard's serving snapshot (``merchant_period_metrics``,
``recon_exceptions``, ``pending_entries``, ``credit_scores``, ``analysis_runs``,
``merchant_daily``, ``merchants``), so the dashboard offers the same downloads from its
read-only snapshot that the CLI writes from the warehouse.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence

import duckdb
import polars as pl
from tqdm import tqdm

from analytics import delay_views, exports, feeds, frames, reference
from analytics.credit import WINDOW_SUFFIX
from analytics.report_sheets import (
    PENDING_DETAIL,
    SHEETS,
    SUMMARY_SHEET,
    Period,
    ReportData,
    ReportError,
    build_merchant_sheets,
    build_sheets,
    parse_period,
)
from analytics.validation import taxpayer_id_problem
from analytics.warehouse import table_exists

__all__ = [
    "FATES",
    "FORMATS",
    "MANIFEST",
    "PENDING_DETAIL",
    "SHEETS",
    "SUMMARY_SHEET",
    "Period",
    "ReportError",
    "district_reports",
    "encode",
    "file_name",
    "list_counts",
    "list_manifest",
    "list_reports",
    "parse_period",
    "report_sheets",
    "self_check_report",
]

FORMATS = ("xlsx", "csv")
MANIFEST = "清单.csv"
FATES = ("report", "no_data", "unknown")  # of a listed merchant (list_manifest)
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
        window = period.key + WINDOW_SUFFIX if period.kind == "month" else None
        credit = frames.file_frame(
            con, "marts/report_credit.sql", params | {"quarter": period.quarter, "window": window}
        )
    runs = []
    if table_exists(con, "analysis_runs"):
        runs = con.execute(
            "select as_of, deadline_workdays from analysis_runs order by run_id desc limit 1"
        ).fetchall()
    pending = None
    if table_exists(con, "pending_entries"):
        pending = frames.file_frame(con, "marts/report_pending.sql", params)
    incidents = None
    if table_exists(con, "merchant_daily"):
        incidents = delay_views.vendor_incidents(con)
    return ReportData(
        metrics=frames.file_frame(con, "marts/report_metrics.sql", params),
        exceptions=frames.file_frame(con, "marts/report_exceptions.sql", params),
        credit=credit,
        as_of=runs[0][0] if runs else None,
        deadline=int(runs[0][1]) if runs else None,
        pending=pending,
        incidents=incidents,
        feed_gaps=feeds.feed_gaps(con),
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
        typo = taxpayer_id_problem(merchant)
        raise ReportError(f"merchant {merchant_id!r}: {typo or 'not in the warehouse'}")
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
    _check_format(fmt)
    return encode(report_sheets(con, merchant_id, period), fmt)


def file_name(merchant_id: str, merchant_name: str | None, period: str, fmt: str) -> str:
    """``<USCC>_<name>_<period>.xlsx`` (``.zip`` for CSV), safe on every file system."""
    name = _UNSAFE_NAME.sub("_", merchant_name or "").strip("_")[:40]
    stem = "_".join(p for p in (merchant_id, name, period) if p)
    return f"{stem}.{'xlsx' if fmt == 'xlsx' else 'zip'}"


def _batch(
    con: duckdb.DuckDBPyConnection,
    ids: list[str],
    p: Period,
    fmt: str,
    *,
    desc: str,
    progress: bool,
    on_progress: Callable[[int, int], None] | None,
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of each merchant's report, ``ids`` all with data in ``p``; the data
    is read once for all of them."""
    data = _load(con, ids, p)
    names = dict(data.metrics.select("merchant_id", "merchant_name").iter_rows())
    bar = tqdm(ids, desc=desc, unit="merchant", file=sys.stderr, disable=not progress)
    for done, (m, sheets) in enumerate(build_merchant_sheets(data, bar, p), start=1):
        yield file_name(m, names.get(m), p.key, fmt), encode(sheets, fmt)
        if on_progress is not None:
            on_progress(done, len(ids))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def _require_metrics(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "merchant_period_metrics"):
        raise ReportError(
            "the warehouse has no merchant_period_metrics yet: run `fapiao-watch analyse`"
        )


def district_reports(
    con: duckdb.DuckDBPyConnection,
    district: str,
    period: str,
    fmt: str,
    *,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """A zip with one report file per merchant of ``district`` that has data in ``period``,
    and ``清单.csv`` naming every merchant of the district (the registry's and those with
    metrics there) with its file or why it has none, as a list's zip does: an official
    sending the zip out sees who got no report.

    ``on_progress(done, total)`` is called after each merchant's file (the dashboard's bar)."""
    p = parse_period(period)
    problem = reference.unknown_district(district)
    if problem is not None:
        raise ReportError(problem)
    _check_format(fmt)
    _require_metrics(con)
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
    registered = [
        str(r[0])
        for r in con.execute(
            "select merchant_id from merchants where district = $d", {"d": district}
        ).fetchall()
    ]
    manifest = list_manifest(con, sorted({*ids, *registered}), period)
    desc = f"reports {district}"
    reports_ = _batch(con, ids, p, fmt, desc=desc, progress=progress, on_progress=on_progress)
    return _zip(itertools.chain([(MANIFEST, _manifest_csv(manifest, p, fmt))], reports_))


def list_manifest(con: duckdb.DuckDBPyConnection, ids: Sequence[str], period: str) -> pl.DataFrame:
    """What a list's zip holds, one row per listed merchant in the list's order:
    ``merchant_id, merchant_name, fate``, the fate one of :data:`FATES`: a report (metrics for
    the month or quarter), no data in the period, or not in the warehouse."""
    p = parse_period(period)
    _require_metrics(con)
    params = {"merchant_ids": list(ids), "period_type": p.kind, "period": p.key}
    return frames.file_frame(con, "marts/report_list_manifest.sql", params)


def list_counts(manifest: pl.DataFrame) -> dict[str, int]:
    """How many listed merchants have each fate (every one of :data:`FATES`, zeros included)."""
    counts = dict(manifest["fate"].value_counts().iter_rows())
    return {fate: int(counts.get(fate, 0)) for fate in FATES}


def _manifest_csv(manifest: pl.DataFrame, p: Period, fmt: str) -> bytes:
    """清单.csv: every listed merchant, the file that holds its report or why there is none."""
    words = {"report": "已生成报告", "no_data": f"{p.key} 无数据", "unknown": "不在数据仓库中"}
    files = [
        file_name(m, n, p.key, fmt) if fate == "report" else None
        for m, n, fate in manifest.select("merchant_id", "merchant_name", "fate").iter_rows()
    ]
    notes = [words[fate] for fate in manifest["fate"]]
    table = pl.DataFrame(
        {
            "序号": range(1, manifest.height + 1),
            "统一社会信用代码": manifest["merchant_id"],
            "商户名称": manifest["merchant_name"],
            "报告文件": files,
            "说明": notes,
        }
    )
    return exports.to_csv_bytes(table)


def list_reports(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    period: str,
    fmt: str,
    *,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """A zip with one report per listed merchant that has data in ``period``, and
    ``清单.csv`` naming every listed merchant with its file, or why it has none (no data for
    the period, or not in the warehouse): a list from another month loses no one silently."""
    _check_format(fmt)
    p = parse_period(period)
    manifest = list_manifest(con, ids, period)
    with_data = manifest.filter(pl.col("fate") == "report")["merchant_id"].to_list()
    if not with_data:
        raise ReportError(f"none of the {manifest.height} listed merchants has data in {p.key}")
    reports_ = _batch(
        con, with_data, p, fmt, desc="reports", progress=progress, on_progress=on_progress
    )
    return _zip(itertools.chain([(MANIFEST, _manifest_csv(manifest, p, fmt))], reports_))
