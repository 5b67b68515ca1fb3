"""How an installation stands, for the people who run it: what ``fapiao-watch status`` prints
and what its ``--check`` reports (analysis failing, batches waiting too long, files that could
not be read, the holiday calendar ending), and each year's calendar as ``fapiao-watch
holidays`` shows it. Lines of text and verdicts only: the command line prints them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import polars as pl

from analytics import (
    alert_desk,
    alerts,
    clock,
    feeds,
    formatting,
    reference,
    risk_views,
    views,
    workdays,
)
from analytics.imports import analysis_status, import_failures
from analytics.warehouse import table_counts


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what --check reports; none = ok


def calendar_day(as_of: date | None) -> date:
    """The day the holiday calendar's end is counted from: today, or the data's as-of day when
    it is later (data analysed ahead of the clock, ``--as-of``). Today counts as well as the
    data: a warehouse without new data for weeks still stops analysing once data of the next
    year arrives."""
    today = clock.beijing_today()
    return today if as_of is None else max(as_of, today)


def calendar_end_near(as_of: date) -> date | None:
    """The holiday calendar's last day when it ends within a month of :func:`calendar_day`, or
    has ended by then already (the data follows within days); else None, and None too when
    the data's own year has no table (``analyse`` then fails and says so)."""
    day = calendar_day(as_of)
    if workdays.known_through(day) is None:
        return workdays.known_through(as_of)
    return workdays.calendar_ends_soon(day)


def calendar_line(day: date) -> tuple[str, str | None]:
    """How far the holiday calendar reaches past ``day`` (and what to add when it ends soon),
    and the problem for ``--check`` when it ends soon or has ended."""
    end = workdays.known_through(day)
    if end is None:
        return f"holiday calendar: no table for {day.year}", f"no holiday table for {day.year}"
    line = f"holiday calendar: through {end:%Y-%m-%d}"
    if workdays.calendar_ends_soon(day) is None:
        return line, None
    nxt = end.year + 1
    return (
        f"{line}; no table for {nxt} yet: add data/reference/holidays/{nxt}.csv before the data "
        f"reaches {nxt}, or analyse stops",
        "holiday calendar ends soon",
    )


def alerts_line(con: duckdb.DuckDBPyConnection) -> str | None:
    """The open alerts in one line: how many wait for someone to acknowledge them and since
    when the oldest of those waits; None without an alerts table."""
    rows = alert_desk.queue(con, views.Filters("", ""), alerts.OPEN_STATUSES)
    if rows.width == 0:
        return None
    new = rows.filter(rows["status"] == "new")
    high = int((rows["severity"] == "high").sum())
    line = (
        f"open alerts: {rows.height:,} ({new.height:,} new, {rows.height - new.height:,} "
        f"acknowledged; {high:,} high)"
    )
    oldest = new["created_at"].min()
    if isinstance(oldest, datetime):
        line += f", the oldest new one raised {formatting.minute(oldest)}"
    return line + " (fapiao-watch report alerts)"


def status(con: duckdb.DuckDBPyConnection, *, max_wait_minutes: float) -> Report:
    """Row counts, the last analysis and what waits for the next, failures, files that could
    not be read, and how far the holiday calendar runs."""
    out = Report([f"{name:<28}{count:>12,}" for name, count in table_counts(con).items()])
    state = analysis_status(con)
    unreadable = import_failures(con).height
    if state is not None:
        when = formatting.minute
        out.lines.append(
            f"last analysis: {when(state.analysed_at)} (as of {when(state.as_of)}); batches "
            f"not analysed yet: {state.waiting_batches:,} ({state.waiting_rows:,} rows)"
        )
        if state.waiting_since is not None:
            waited = (clock.beijing_now() - state.waiting_since).total_seconds() / 60
            if waited >= max_wait_minutes:
                out.problems.append(f"batches waiting for an analysis for {waited:,.0f} minutes")
        pending = views.pending_merchants(con)
        if not pending.is_empty():
            out.lines.append(
                f"pending entry (deadline ahead): {pending['pending'].sum():,} invoices of "
                f"{pending.height:,} merchants, {pending['due_soon'].sum():,} due within "
                f"{views.DUE_SOON_WORKDAYS:g} working day, {pending['not_reminded'].sum():,} not "
                "reminded yet (fapiao-watch report pending)"
            )
        forecast = risk_views.summary(con, views.Filters("", ""))
        evaluation = risk_views.evaluation(con)
        if forecast["merchants"] and evaluation is not None:
            out.lines.append(
                f"entry-risk forecast for {evaluation['period']}: {forecast['merchants']:,} "
                f"merchants, {forecast['expected_failures']:,.0f} expected to have a late or "
                f"missing invoice, {forecast['at_risk']:,} at risk >= "
                f"{risk_views.HIGH_RISK:.0%} (fapiao-watch report risk)"
            )
        if line := alerts_line(con):
            out.lines.append(line)
        if state.failures:
            out.lines.append(
                f"analysis failing: {state.failures:,} run(s) since "
                f"{when(state.first_failed_at)}, last: {state.reason}"
            )
            out.problems.append("analysis failing")
    as_of = state.as_of.date() if state is not None and state.as_of is not None else None
    line, problem = calendar_line(calendar_day(as_of))
    out.lines.append(line)
    if problem:
        out.problems.append(problem)
    if unreadable:
        out.lines.append(
            f"files that could not be read, not loaded since: {unreadable:,} (import_failures)"
        )
        out.problems.append("files that could not be read")
    reach, gaps = feed_lines(con)
    out.lines.extend(reach + gaps)
    if gaps:  # a problem for --check: the statuses of those days blame the merchants
        out.problems.append(f"feeds lacking days: {len(gaps):,}")
    return out


def feed_lines(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """How far each feed reaches, in one line, and the days a feed lacks, a line each (the
    second list): from the data as imported (``analytics.feeds``)."""
    try:
        gaps, coverage = feeds.survey(con)
    except workdays.UnknownHolidayYearError:
        return [], []  # the calendar's own line says which year is missing
    names = reference.labels("vendors", "en")
    reach = []
    for c in coverage.filter(pl.col("last_day").is_not_null()).iter_rows(named=True):
        if c["feed"] == "tax":
            entry = formatting.minute(c["last_entry"]) if c["last_entry"] else "none"
            reach.append(f"tax export issued to {c['last_day']} (latest entry {entry})")
        else:
            code = c["software_vendor"]
            reach.append(f"{names.get(code, code)} log to {c['last_day']}")
    head = [f"feeds: {'; '.join(reach)}"] if reach else []
    return head, [f"feed gap: {feeds.describe(g, names)}" for g in gaps.iter_rows(named=True)]


def holidays(years: Iterable[int]) -> Report:
    """Each year's calendar as ``analyse`` will use it, to check a new table against the State
    Council notice; a problem for each year with no table, or whose table fails a check."""
    out = Report()
    for year in years:
        try:
            cal = workdays.year_calendar(year)
        except workdays.UnknownHolidayYearError:
            out.problems.append(f"no table for {year}")
            out.lines.append(
                f"{year}: no table: add data/reference/holidays/{year}.csv "
                "(format in data/reference/holidays/README.md)"
            )
            continue
        except ValueError as exc:
            out.problems.append(f"{year}: {exc}")
            out.lines.append(f"{year}: {exc}")
            continue
        out.lines += [
            f"{year}: {cal.source}; {cal.workdays} working days, {cal.weekdays_off} weekdays "
            f"off, {len(cal.makeup)} weekend days worked (调休)",
            f"  days off: {', '.join(cal.break_texts(' ({n})')) or '-'}",
            f"  worked:   {', '.join(f'{d:%m-%d}' for d in cal.makeup) or '-'}",
        ]
    return out
