"""Report files for the command line, each written to disk with a line on what it holds:

* ``fapiao-watch report self-check``: one merchant's workbook, or a zip for a district or for a
  list of merchants (the reports themselves are :mod:`analytics.reports`);
* ``fapiao-watch report pending``: the reminder list (催报清单), every invoice not yet entered
  whose deadline is still ahead, nearest deadline first;
* ``fapiao-watch report risk``: the entry-risk forecast (入库风险预测), highest risk first, with
  how it did out of time;
* ``fapiao-watch report alerts``: the alert list (预警清单), open alerts by default, most severe
  and most recent first, in words.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb

from analytics import alert_desk, alerts, clock, exports, feeds, formatting, risk_views, views
from analytics import merchant_list as merchant_lists
from analytics.imports import analysis_status
from analytics.report_sheets import (
    ALERT_SHEET,
    PENDING_SHEET,
    RISK_CALIBRATION_SHEET,
    RISK_EVALUATION_SHEET,
    RISK_SHEET,
    alert_sheet,
    pending_sheet,
    risk_calibration_sheet,
    risk_evaluation_sheet,
    risk_sheet,
)
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

__all__ = ["write_alerts", "write_pending", "write_risk", "write_self_check"]


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
    ext = "xlsx" if merchant is not None and fmt == "xlsx" else "zip"
    who = merchant.upper() if merchant else district or Path(merchant_list or "list").stem
    if (
        out
        and Path(out).suffix.lower() in (".xlsx", ".zip")
        and Path(out).suffix.lower() != f".{ext}"
    ):
        raise ReportError(f"{out}: this report is a .{ext} file (--format {fmt}); name it .{ext}")
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
            reports_made = len([n for n in _names(payload) if n != MANIFEST])
            what = f"{reports_made:,} reports; {MANIFEST} names every merchant of {district}"
        else:
            assert listed is not None
            payload = list_reports(con, listed.ids, period, fmt, progress=progress)
            what = _list_note(con, listed, period)
        # a schedule sends these unseen: its log says when a feed lacked days of the period
        gaps = feeds.touching(feeds.feed_gaps(con), parse_period(period).months)
        if not gaps.is_empty():
            what += (
                f"; {gaps.height:,} feed gap(s) in {period.strip().upper()}, named in the "
                "summary of each report they touch (fapiao-watch status)"
            )
    finally:
        con.close()
    return _write(payload, f"self-check-{who.strip()}-{period.strip().upper()}.{ext}", out), what


def _write(payload: bytes, name: str, out: str | None) -> Path:
    """Write ``payload`` to ``out``, or to ``name`` in the current folder, or in the folder
    ``out`` names (a folder, or a path ending with a slash)."""
    target = Path(out) if out else Path(name)
    if out and (out.endswith(("/", "\\")) or target.is_dir()):
        target = target / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


def write_pending(
    *,
    db: str | None,
    districts: tuple[str, ...] = (),
    due_within: float | None = None,
    not_reminded: bool = False,
    fmt: str = "xlsx",
    out: str | None = None,
) -> tuple[Path, str]:
    """The reminder list of the latest analysis: every invoice not in the tax system whose
    deadline is still ahead (of ``districts``, with at most ``due_within`` working days left,
    when given; only those no reminder covered yet with ``not_reminded``: the day's calls),
    nearest deadline first. ``out`` defaults to
    ``pending-entry[-<district>]-<as-of day>.<xlsx|csv>``. Returns the path and a line on it."""
    from analytics.warehouse import connect, table_exists

    con = connect(db, read_only=True)
    try:
        if not table_exists(con, "pending_entries"):
            raise ReportError("no pending_entries table: run fapiao-watch analyse first")
        status = analysis_status(con)
        as_of = status.as_of if status else None
        rows = views.pending_invoices(
            con,
            views.Filters("", "", districts=districts),
            due_within=due_within,
            not_reminded=not_reminded,
        )
    finally:
        con.close()
    sheet = pending_sheet(rows)
    payload = (
        exports.to_xlsx_bytes({PENDING_SHEET: sheet})
        if fmt == "xlsx"
        else exports.to_csv_bytes(sheet)
    )
    day = f"{as_of:%Y-%m-%d}" if as_of else "no-analysis"
    who = "".join(f"-{d}" for d in districts)
    target = _write(payload, f"pending-entry{who}-{day}.{fmt}", out)
    merchants = rows["merchant_id"].n_unique() if rows.height else 0
    unit = "working day" if due_within == 1 else "working days"
    scope = f" due within {due_within:g} {unit}" if due_within is not None else ""
    scope += ", not reminded yet," if not_reminded else ""
    what = (
        f"{rows.height:,} invoices of {merchants:,} merchants pending entry{scope} "
        f"as of {formatting.minute(as_of)}"
    )
    return target, what


def write_risk(
    *,
    db: str | None,
    districts: tuple[str, ...] = (),
    min_risk: float | None = None,
    top: int | None = None,
    fmt: str = "xlsx",
    out: str | None = None,
) -> tuple[Path, str]:
    """The entry-risk forecast of the latest analysis for the merchants of ``districts`` (all
    when empty), highest risk first: those at ``min_risk`` or above, at most ``top``. XLSX adds
    how the forecast did out of time and its calibration groups. ``out`` defaults to
    ``entry-risk[-<district>]-<month forecast>.<xlsx|csv>``. Returns the path and a line on it."""
    from analytics.warehouse import connect

    if min_risk is not None and not 0.0 <= min_risk <= 1.0:
        raise ReportError(f"--min-risk must be a probability from 0 to 1, not {min_risk:g}")
    if top is not None and top < 1:
        raise ReportError(f"--top must be at least 1, not {top}")
    con = connect(db, read_only=True)
    try:
        evaluation = risk_views.evaluation(con)
        if not risk_views.has_forecast(con) or evaluation is None:
            raise ReportError(
                "no entry-risk forecast: run fapiao-watch analyse (it needs three months whose "
                "entry deadlines have passed)"
            )
        scope = views.Filters("", "", districts=districts)
        rows = risk_views.merchants(con, scope, limit=top, min_risk=min_risk or 0.0)
    finally:
        con.close()
    sheet = risk_sheet(rows)
    payload = (
        exports.to_xlsx_bytes(
            {
                RISK_SHEET: sheet,
                RISK_EVALUATION_SHEET: risk_evaluation_sheet(evaluation),
                RISK_CALIBRATION_SHEET: risk_calibration_sheet(evaluation["reliability"]),
            }
        )
        if fmt == "xlsx"
        else exports.to_csv_bytes(sheet)
    )
    who = "".join(f"-{d}" for d in districts)
    target = _write(payload, f"entry-risk{who}-{evaluation['period']}.{fmt}", out)
    chosen = f" at risk >= {min_risk:.0%}" if min_risk is not None else ""
    chosen += f", the top {top:,}" if top is not None else ""
    expected = float(rows["risk"].sum()) if rows.height else 0.0
    what = (
        f"{rows.height:,} merchants{chosen} forecast for {evaluation['period']} (from the months "
        f"to {evaluation['based_on']}); {expected:,.0f} of them expected to have a late or "
        "missing invoice"
    )
    return target, what


def write_alerts(
    *,
    db: str | None,
    districts: tuple[str, ...] = (),
    statuses: tuple[str, ...] = alerts.OPEN_STATUSES,
    rules: tuple[str, ...] = (),
    since: datetime | None = None,
    fmt: str = "xlsx",
    out: str | None = None,
) -> tuple[Path, str]:
    """The alert list: the alerts of the merchants of ``districts`` (all when empty) in
    ``statuses`` (open ones by default) under ``rules`` (all when empty), raised at or after
    ``since`` when given, in the Alerts page's order (open before resolved, most severe and
    most recently seen first). ``out`` defaults to ``alerts[-<district>]-<today>.<xlsx|csv>``.
    Returns the path and a line on it."""
    from analytics.warehouse import connect

    unknown = [s for s in statuses if s not in alerts.STATUSES]
    if unknown:
        raise ReportError(f"unknown alert status {unknown[0]!r}; use {', '.join(alerts.STATUSES)}")
    known = alert_desk.rules()
    unknown = [r for r in rules if r not in known]
    if unknown:
        raise ReportError(f"unknown alert rule {unknown[0]!r}; the rules are {', '.join(known)}")
    con = connect(db, read_only=True)
    try:
        rows = alert_desk.queue(con, views.Filters("", "", districts=districts), statuses, rules)
    finally:
        con.close()
    if rows.width == 0:
        raise ReportError("no alerts table: run fapiao-watch analyse first")
    if since is not None:
        rows = rows.filter(rows["created_at"] >= since)
    sheet = alert_sheet(rows, {r.id: r.name_zh for r in known.values()})
    payload = (
        exports.to_xlsx_bytes({ALERT_SHEET: sheet})
        if fmt == "xlsx"
        else exports.to_csv_bytes(sheet)
    )
    who = "".join(f"-{d}" for d in districts)
    target = _write(payload, f"alerts{who}-{clock.beijing_today():%Y-%m-%d}.{fmt}", out)
    by_status = dict(rows.group_by("status").len().iter_rows()) if rows.height else {}
    counted = ", ".join(f"{by_status[s]:,} {s}" for s in alerts.STATUSES if s in by_status)
    merchants = rows["merchant_id"].n_unique() if rows.height else 0
    what = f"{rows.height:,} alerts of {merchants:,} merchants"
    what += f" ({counted})" if counted else ""
    if since is not None:
        what += f", raised since {formatting.minute(since)}"
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
