"""Self-check report files for the command line (``fapiao-watch report self-check``): one
merchant's workbook, or a zip for a district or for a list of merchants, written to disk with a
line on what the file holds. The reports themselves are :mod:`analytics.reports`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb

from analytics import merchant_list as merchant_lists
from analytics.reports import (
    MANIFEST,
    ReportError,
    district_reports,
    list_counts,
    list_manifest,
    list_reports,
    parse_period,
    self_check_report,
)

__all__ = ["write_self_check"]


def write_self_check(
    *,
    db: str | None,
    period: str,
    fmt: str,
    merchant: str | None = None,
    district: str | None = None,
    merchant_list: str | None = None,
    out: str | None = None,
    progress: bool = False,
) -> tuple[Path, str]:
    """Build one merchant's report, a district's zip or a list's zip from the warehouse and
    write it; ``merchant_list`` is a file of ids (:mod:`analytics.merchant_list`).

    ``out`` defaults to ``self-check-<USCC, district or list file>-<period>.<xlsx|zip>`` in the
    current folder; an ``out`` that is a folder (or ends with a slash) gets that name inside.
    Returns the path written and a line on what it holds.
    """
    from analytics.warehouse import connect

    if sum(x is not None for x in (merchant, district, merchant_list)) != 1:
        raise ReportError("give one of a merchant (USCC), a district or a list of merchants")
    listed = None
    if merchant_list is not None:
        try:
            listed = merchant_lists.from_file(merchant_list)
        except merchant_lists.MerchantListError as exc:
            raise ReportError(str(exc)) from exc
    con = connect(db, read_only=True)
    try:
        if merchant is not None:
            payload, what = self_check_report(con, merchant, period, fmt), "one report"
        elif district is not None:
            payload = district_reports(con, district, period, fmt, progress=progress)
            what = f"{len(_names(payload)):,} reports"
        else:
            assert listed is not None
            payload = list_reports(con, listed.ids, period, fmt, progress=progress)
            what = _list_note(con, listed, period)
    finally:
        con.close()
    ext = "xlsx" if merchant is not None and fmt == "xlsx" else "zip"
    who = (merchant or district or Path(merchant_list or "list").stem).strip()
    name = f"self-check-{who}-{period.strip().upper()}.{ext}"
    target = Path(out) if out else Path(name)
    if out and (out.endswith(("/", "\\")) or target.is_dir()):
        target = target / name  # a folder: the default name inside it
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target, what


def _names(payload: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        return zf.namelist()


def _list_note(
    con: duckdb.DuckDBPyConnection, listed: merchant_lists.MerchantList, period: str
) -> str:
    n = list_counts(list_manifest(con, listed.ids, period))
    parts = [f"{n['report']:,} reports for {len(listed.ids):,} listed merchants ({listed.source})"]
    if n["no_data"]:
        parts.append(f"{n['no_data']:,} without data in {parse_period(period).key}")
    if n["unknown"]:
        parts.append(f"{n['unknown']:,} not in the warehouse")
    if listed.repeated:
        parts.append(f"{listed.repeated:,} repeated rows counted once")
    return "; ".join(parts) + (f"; see {MANIFEST}" if n["no_data"] or n["unknown"] else "")
