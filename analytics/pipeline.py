"""``analyse``: reconciliation, metrics, rollups, checks (and later stages), incrementally.

The run is an ordered list of :class:`~analytics.context.Stage` objects executed inside one
transaction, so a reader never sees half an analysis and a failure leaves the previous results
untouched. Which months to recompute:

* **full** (``full=True``, the first run, a changed deadline or pipeline version, a holiday
  table added or corrected, an as-of time that moved back, or a stage table that does not exist
  yet): every month with data;
* **incremental**: the months touched by import batches not analysed yet
  (``sql/pipeline/affected_months.sql``: the rows' own months and those linked to them by
  invoice number, original invoice, payment or merchant), plus, when the as-of time moved
  forward, the months that held ``pending_entry`` invoices or waiting invoice requests
  (``moved_as_of_months.sql``); every quarter containing one of them is recomputed whole;
* **noop**: nothing changed.

Results equal those of a full run (a test holds it), and a second run changes nothing.
Analysed batches are remembered in ``analysis_batches``, each run in ``analysis_runs``.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from tqdm import tqdm

from analytics import (
    alerts,
    checks,
    compaction,
    complaints,
    credit,
    cubes,
    marts,
    reconcile,
    risk_stage,
    sqlrun,
    workdays,
)
from analytics.anomaly_stage import TABLES as ANOMALY_TABLES
from analytics.anomaly_stage import anomaly_stage
from analytics.clock import beijing_now
from analytics.config import settings
from analytics.context import Context, Stage
from analytics.evaluate import evaluation_stage
from analytics.periods import quarters_of
from analytics.warehouse import publish as publish_snapshot
from analytics.warehouse import release_memory, table_exists

# Work tables of the planning query, in order (sql/pipeline/<name>.sql -> work_<name>).
AFFECTED_KEYS = ("affected_invoices", "affected_payments")

# Bump when a stage's logic changes so that existing warehouses are recomputed in full.
# 5: pending_entries, and pending duplicates follow a moved as-of time; 6: merchants of the
# software 电子税务局（自行开具） under its code etax_web (warehouse._vendor_codes), feed gaps;
# 7: the deadline on the working clock of the delay (recon_issued.sql), not the end of its day;
# 8: credit summaries word delays in working days (credit_scoring.py); merchants equal on score
# and rules deducting share a rank (credit_ranks.sql); explanations of months under 20 invoices
# say how few (explain.small_month); complaint_links carries invoice_recorded_at and
# invoice_payment_status; 9: payments whose invoice only the tax system has are invoiced,
# matched on amount and time (recon_payment_matches.sql; recon_payment_facts.tax_invoice_no)
ANALYSIS_VERSION = 9

# Append later stages (anomaly, complaints, credit, alerts) here; each reads what the ones
# before it wrote.
STAGES: list[Stage] = [
    Stage("reconcile", reconcile.run_stage, ("recon_facts",)),
    # before the merchant metrics: they count complaints by linked merchant and final category
    Stage(
        "complaints",
        complaints.complaints_stage,
        ("complaint_links", "classifier_reports"),
        in_python=True,
    ),
    Stage("merchant_metrics", marts.merchant_metrics_stage, (marts.MERCHANT_TABLE,)),
    Stage("rollups", marts.rollup_stage, (marts.ROLLUP_TABLE,)),
    Stage("daily", marts.daily_stage, ("merchant_daily",)),
    Stage(
        "exceptions",
        marts.exceptions_stage,
        ("recon_exceptions", "recon_summary", marts.PENDING_TABLE),
    ),
    Stage("checks", checks.checks_stage, (checks.TABLE,)),
    # before credit and alerts: the alerts read its flags
    Stage("anomaly", anomaly_stage, ANOMALY_TABLES, in_python=True),
    Stage("anomaly_evaluation", evaluation_stage),  # synthetic warehouses only
    Stage("credit", credit.credit_stage, (credit.TABLE, credit.WINDOW_DELAYS), in_python=True),
    Stage("entry_risk", risk_stage.entry_risk_stage, risk_stage.TABLES, in_python=True),
    # last: alerts are state (never reset by a full run); they read everything above
    Stage("alerts", alerts.alerts_stage, (alerts.TABLE, alerts.EVENTS), in_python=True),
    # the dashboard's aggregate marts, from the merchant metrics and exceptions above
    Stage("cubes", cubes.cubes_stage, cubes.TABLES),
]


def _counts(con: duckdb.DuckDBPyConnection, stages: list[Stage]) -> dict[str, int]:
    """Rows in every table the stages write."""
    tables = dict.fromkeys(t for s in stages for t in s.tables)
    return {t: sqlrun.count_rows(con, t) for t in tables if table_exists(con, t)}


@dataclass
class AnalyseResult:
    mode: str  # full / incremental / noop
    reason: str
    as_of: datetime
    deadline_workdays: int
    months: tuple[str, ...]
    new_batches: tuple[int, ...]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    serving_path: Path | None = None

    @property
    def quarters(self) -> tuple[str, ...]:
        return quarters_of(self.months)

    def summary(self) -> str:
        lines = [
            f"analyse: {self.mode} ({self.reason}); as of {self.as_of:%Y-%m-%d %H:%M}, "
            f"on time = within {self.deadline_workdays} working days; {self.seconds:.1f} s",
            f"new import batches: {len(self.new_batches)}",
        ]
        if self.months:
            lines.append(f"recomputed months: {', '.join(self.months)}")
            lines.append(f"recomputed quarters: {', '.join(self.quarters)}")
        for name, secs in self.stage_seconds.items():
            lines.append(f"  stage {name:<18}{secs:>8.2f} s")
        if self.written:
            lines.append("rows written (recomputed periods):")
            lines.extend(f"  {t:<28}{n:>12,}" for t, n in self.written.items())
        lines.append("rows in result tables:")
        lines.extend(f"  {t:<28}{n:>12,}" for t, n in self.row_counts.items())
        lines.extend(f"note: {n}" for n in self.notes)
        if self.serving_path:
            lines.append(f"published {self.serving_path}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Plan:
    mode: str
    reason: str
    months: tuple[str, ...]
    new_batches: tuple[int, ...]
    # the reason as a code the dashboard labels (data_import.plan.<code>): requested, first,
    # version, deadline, calendar, as_of_back, missing_tables, new_batches, as_of_moved,
    # nothing_new
    code: str


# The holiday calendar of the as-of year, the next one and this many before is kept with each
# run (analysis_runs.calendar): a table added or corrected for one of them recomputes all.
CALENDAR_YEARS_BACK = 5


def calendar_years(as_of: datetime) -> range:
    return range(as_of.year - CALENDAR_YEARS_BACK, as_of.year + 2)


def _months_of(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> set[str]:
    return {str(r[0]) for r in sqlrun.fetch_file(con, name, params)}


def _full_run_reason(
    con: duckdb.DuckDBPyConnection,
    last: tuple[Any, ...] | None,
    *,
    full: bool,
    deadline: int,
    as_of: datetime,
    stages: list[Stage],
    calendar: dict[str, str],
) -> tuple[str, str]:
    """(code, reason) when everything must be recomputed, else ("", ""). ``last``: the previous
    run's (version, deadline_workdays, as_of, calendar)."""
    if full:
        return "requested", "full run requested"
    if last is None:
        return "first", "first analysis"
    version, last_deadline, last_as_of, last_calendar = last
    # a table added (the next year's, from the State Council notice) or corrected changes
    # deadlines and delays in every month that reaches that year; runs from before the
    # calendar was kept (null) compare as unchanged
    changed = workdays.changed_years(json.loads(last_calendar), calendar) if last_calendar else []
    missing = [t for s in stages for t in s.tables if not table_exists(con, t)]
    code, reason = "", ""
    if version != ANALYSIS_VERSION:
        code, reason = "version", f"analysis version {version} -> {ANALYSIS_VERSION}"
    elif last_deadline != deadline:
        code = "deadline"
        reason = f"deadline changed from {last_deadline} to {deadline} working days"
    elif changed:
        code, reason = "calendar", f"holiday calendar changed for {', '.join(map(str, changed))}"
    elif last_as_of is not None and as_of < last_as_of:
        code, reason = "as_of_back", f"as-of time moved back from {last_as_of:%Y-%m-%d %H:%M}"
    elif missing:
        code, reason = "missing_tables", f"table(s) not built yet: {', '.join(missing)}"
    return code, reason


def _plan(
    con: duckdb.DuckDBPyConnection,
    *,
    full: bool,
    deadline: int,
    as_of: datetime,
    stages: list[Stage],
    calendar: dict[str, str],
) -> _Plan:
    new = tuple(
        int(r[0])
        for r in con.execute(
            "select batch_id from import_batches anti join analysis_batches using (batch_id) "
            "order by batch_id"
        ).fetchall()
    )
    runs = con.execute(
        "select version, deadline_workdays, as_of, calendar from analysis_runs "
        "order by run_id desc limit 1"
    ).fetchall()
    last = runs[0] if runs else None
    code, reason = _full_run_reason(
        con, last, full=full, deadline=deadline, as_of=as_of, stages=stages, calendar=calendar
    )
    if reason:
        months = _months_of(con, "pipeline/all_months.sql", {})
        return _Plan("full", reason, tuple(sorted(months)), new, code)
    affected: set[str] = set()
    if new:
        batches: dict[str, object] = {"batches": list(new)}
        # The linking keys first, as work tables (see affected_invoices.sql): 3.4 -> 1.4 s
        # for one new day at 10M invoices.
        for name in AFFECTED_KEYS:
            keys = sqlrun.body(f"pipeline/{name}.sql")
            sqlrun.materialise_temp(con, f"work_{name}", keys, batches)
        pay_lo, pay_hi = con.execute(
            "select min(payment_id), max(payment_id) from work_affected_payments"
        ).fetchall()[0]
        affected |= _months_of(
            con,
            "pipeline/affected_months.sql",
            batches
            | {"grace_days": Context.payment_grace_days, "pay_lo": pay_lo, "pay_hi": pay_hi},
        )
        for name in AFFECTED_KEYS:
            con.execute(f"drop table work_{name}").fetchall()
    old_as_of = last[2] if last else None
    if old_as_of is not None and as_of > old_as_of:
        affected |= _months_of(
            con,
            "pipeline/moved_as_of_months.sql",
            {"old_as_of": old_as_of, "as_of": as_of, "grace_days": Context.payment_grace_days},
        )
    if not affected:
        return _Plan("noop", "nothing new to analyse", (), new, "nothing_new")
    why = f"{len(new)} new batch(es)" if new else "as-of time moved"
    code = "new_batches" if new else "as_of_moved"
    return _Plan("incremental", why, tuple(sorted(affected)), new, code)


def _record(
    con: duckdb.DuckDBPyConnection,
    plan: _Plan,
    ctx: Context,
    *,
    started: datetime,
    secs: dict[str, float],
    stages: list[Stage],
    calendar: dict[str, str],
    as_of_source: str,
) -> None:
    counts = _counts(con, stages)
    run_id = int(sqlrun.scalar(con, "select nextval('analysis_run_seq')"))
    con.execute(
        "insert into analysis_runs (run_id, started_at, finished_at, mode, reason, version, "
        "as_of, deadline_workdays, new_batches, months, quarters, stage_seconds, row_counts, "
        "reason_code, calendar, as_of_source) values ($run_id, $started, $finished, $mode, "
        "$reason, $version, $as_of, $deadline, $batches, $months, $quarters, $secs, $counts, "
        "$code, $calendar, $as_of_source)",
        {
            "run_id": run_id,
            "started": started,
            "finished": beijing_now(),
            "mode": plan.mode,
            "reason": plan.reason,
            "version": ANALYSIS_VERSION,
            "as_of": ctx.as_of,
            "deadline": ctx.deadline_workdays,
            "batches": list(plan.new_batches),
            "months": list(plan.months),
            "quarters": list(ctx.quarters),
            "secs": json.dumps(secs),
            "counts": json.dumps(counts),
            "code": plan.code,
            "calendar": json.dumps(calendar),
            "as_of_source": as_of_source,
        },
    ).fetchall()
    if plan.new_batches:
        con.execute(
            "insert into analysis_batches select unnest($batches), $run_id",
            {"batches": list(plan.new_batches), "run_id": run_id},
        ).fetchall()


def _database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    path = sqlrun.scalar(
        con, "select path from duckdb_databases() where database_name = current_database()"
    )
    return Path(path) if path and path != ":memory:" else None


def _record_failure(con: duckdb.DuckDBPyConnection, exc: Exception, *, publish: bool) -> None:
    """Keep a failed run in ``analysis_failures`` and publish that, so the dashboard says its
    figures wait for an analysis and why (a cron job's log is read by nobody). Best effort:
    what goes wrong here is added to the run's own error as a note, never raised instead."""
    missing = exc.year if isinstance(exc, workdays.UnknownHolidayYearError) else None
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    try:
        last_run = 0
        if table_exists(con, "analysis_runs"):
            last_run = int(sqlrun.scalar(con, "select coalesce(max(run_id), 0) from analysis_runs"))
        con.execute(
            "insert into analysis_failures (failed_at, reason_code, reason, missing_year, "
            "after_run_id) values ($at, $code, $reason, $year, $after)",
            {
                "at": beijing_now(),
                "code": "error" if missing is None else "holiday_calendar",
                "reason": f"{type(exc).__name__}: {first}" if missing is None else first,
                "year": missing,
                "after": last_run,
            },
        ).fetchall()
        db_file = _database_path(con)
        if publish and db_file is not None:
            publish_snapshot(con, settings(db_file).serving_path)
    except (duckdb.Error, OSError) as extra:
        exc.add_note(f"(the failure could not be recorded for the dashboard: {extra})")


def analyse(
    con: duckdb.DuckDBPyConnection,
    *,
    deadline_workdays: int | None = None,
    full: bool = False,
    progress: bool = True,
    as_of: datetime | None = None,
    stages: list[Stage] | None = None,
    publish: bool = True,
) -> AnalyseResult:
    """Compute and persist every analysis table; see the module docstring for the scope.

    ``publish`` refreshes the dashboard's serving snapshot afterwards (file warehouses only).
    """
    t0 = time.perf_counter()
    started = beijing_now()
    deadline = settings().deadline_workdays if deadline_workdays is None else deadline_workdays
    run_stages = STAGES if stages is None else stages
    # DuckDB's own progress bar writes to stdout; the stage bar (stderr) is ours. In Jupyter
    # without ipywidgets DuckDB refuses to change the setting (its bar is off there already).
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("set enable_progress_bar = false").fetchall()
    con.begin()
    try:
        reconcile.ensure_objects(con)
        when, as_of_source = (as_of, "given") if as_of else reconcile.default_as_of(con)
        p0 = time.perf_counter()
        calendar = workdays.calendar_digests(calendar_years(when))
        plan = _plan(
            con, full=full, deadline=deadline, as_of=when, stages=run_stages, calendar=calendar
        )
        secs: dict[str, float] = {"(plan)": round(time.perf_counter() - p0, 3)}
        if plan.mode == "full":
            reconcile.reset_result_tables(con)
        ctx = Context(
            as_of=when,
            deadline_workdays=deadline,
            full=plan.mode == "full",
            months=plan.months,
            new_batches=plan.new_batches,
        )
        if plan.mode != "noop":
            bar = tqdm(
                run_stages, desc="analyse", unit="stage", file=sys.stderr, disable=not progress
            )
            for stage in bar:
                bar.set_postfix_str(stage.name)
                s0 = time.perf_counter()
                if stage.in_python:
                    # hand back DuckDB's cache first. Only here: lowering the limit also
                    # writes out the transaction's uncommitted rows (0.7 s of one new day at
                    # 10M invoices when done after every stage)
                    release_memory(con)
                stage.run(con, ctx)
                secs[stage.name] = round(time.perf_counter() - s0, 3)
        _record(
            con,
            plan,
            ctx,
            started=started,
            secs=secs,
            stages=run_stages,
            calendar=calendar,
            as_of_source=as_of_source,
        )
        c0 = time.perf_counter()
        compaction.commit(con)  # includes DuckDB's checkpoint of what the run wrote
        secs["(commit)"] = round(time.perf_counter() - c0, 3)
    except BaseException as exc:
        con.rollback()
        if isinstance(exc, Exception):  # not an interrupt
            _record_failure(con, exc, publish=publish)
        raise
    c0 = time.perf_counter()
    if done := compaction.compact_if_due(con):
        secs["(compact)"] = round(time.perf_counter() - c0, 3)
        ctx.notes.append(
            f"compacted the warehouse: {done.dead_before - done.dead_after:,} of "
            f"{done.dead_before:,} deleted rows reclaimed"
        )
    result = AnalyseResult(
        mode=plan.mode,
        reason=plan.reason,
        as_of=ctx.as_of,
        deadline_workdays=deadline,
        months=plan.months,
        new_batches=plan.new_batches,
        stage_seconds=secs,
        written=dict(ctx.written),
        row_counts=_counts(con, run_stages),
        notes=list(ctx.notes),
    )
    db_file = _database_path(con)
    if publish and db_file is not None:
        p0 = time.perf_counter()
        result.serving_path = publish_snapshot(con, settings(db_file).serving_path)
        result.stage_seconds["(publish)"] = round(time.perf_counter() - p0, 3)
    result.seconds = time.perf_counter() - t0
    return result
