"""The ``fapiao-watch`` command line.

Each subcommand is a thin wrapper: parse arguments, call one library function, print a summary.
Expected failures (an unreadable file, a busy warehouse) end with one line on stderr and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from analytics import config


class CliError(Exception):
    """An expected failure: printed as one line, exit code 2."""


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        default=None,
        help=f"warehouse file (default: ${config.ENV_DB} or data/warehouse.duckdb)",
    )


def _cmd_generate(args: argparse.Namespace) -> int:
    from analytics.synth import generate

    for name in ("merchants", "months", "invoices"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise CliError(f"--{name} must be at least 1, got {value}")
    try:
        result = generate(
            Path(args.out),
            seed=args.seed,
            merchants=args.merchants,
            months=args.months,
            invoices=args.invoices,
            progress=not args.quiet,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    print(result.summary())
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from analytics.ingest import FileFailure, IngestError, ingest_paths
    from analytics.ingest.spec import KINDS
    from analytics.warehouse import connect, publish

    if args.kind is not None and args.kind not in KINDS:
        # a typo of the operator's, not a fault of the files: nothing is recorded against them
        raise CliError(f"--kind {args.kind!r} is not a kind; use one of {', '.join(KINDS)}")
    # Without --strict a file that cannot be read is skipped and kept in import_failures, and the
    # rest loads: one broken export in a watched folder must not hold back the others.
    failures: list[FileFailure] | None = None if args.strict else []
    paths = [Path(p) for p in args.paths]
    con = connect(args.db)
    try:
        results = ingest_paths(con, paths, kind=args.kind, progress=True, failures=failures)
        if failures or any(r.batch_id is not None for r in results):
            # The dashboard reads the serving snapshot: show it the new batches, rejected rows
            # and unreadable files.
            publish(con, config.settings(args.db).serving_path)
    except IngestError as exc:
        raise CliError(str(exc)) from exc
    finally:
        con.close()
    for r in results:
        print(r.summary())
    new = [r for r in results if not r.already_imported]
    if len(results) > 1:
        print(
            f"total: {len(new):,} of {len(results):,} tables loaded; "
            f"read {sum(r.rows_read for r in new):,} = loaded {sum(r.rows_loaded for r in new):,} "
            f"+ unchanged {sum(r.rows_unchanged for r in new):,} "
            f"+ updated {sum(r.rows_updated for r in new):,} "
            f"+ rejected {sum(r.rows_rejected for r in new):,} "
            f"+ summary rows {sum(r.rows_summary for r in new):,}"
        )
    for failure in failures or []:
        print(f"fapiao-watch ingest: not loaded: {failure.reason}", file=sys.stderr)
    return 2 if failures else 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from analytics.demo import build_demo

    summary = build_demo(args.db, seed=args.seed, out_dir=Path(args.out), force=args.force)
    print(summary)
    return 0


def _cmd_analyse(args: argparse.Namespace) -> int:
    from datetime import datetime

    from analytics.pipeline import analyse
    from analytics.warehouse import connect
    from analytics.workdays import UnknownHolidayYearError

    if args.deadline is not None and args.deadline < 0:
        raise CliError(f"--deadline must be 0 or more working days, got {args.deadline}")
    try:
        as_of = datetime.fromisoformat(args.as_of) if args.as_of else None
    except ValueError as exc:
        raise CliError(f"--as-of {args.as_of!r} is not a date/time like 2026-04-03T09:12") from exc
    con = connect(args.db)
    try:
        result = analyse(
            con,
            deadline_workdays=args.deadline,
            full=args.full,
            as_of=as_of,
            progress=not args.quiet,
        )
    except UnknownHolidayYearError as exc:
        # kept in analysis_failures and published: the dashboard says so until a run succeeds
        raise CliError(
            f"{exc} Nothing was analysed; the dashboard shows this until an analysis succeeds."
        ) from exc
    finally:
        con.close()
    print(result.summary())
    return 0


def _cmd_holidays(args: argparse.Namespace) -> int:
    """Each year's calendar as ``analyse`` will use it; exit 1 when a year has no table or its
    table fails a check."""
    from analytics import health
    from analytics.clock import beijing_today

    this_year = beijing_today().year
    report = health.holidays(args.years or [this_year, this_year + 1])
    print("\n".join(report.lines))
    return 1 if report.problems else 0


def _cmd_status(args: argparse.Namespace) -> int:
    from analytics import health
    from analytics.warehouse import connect

    con = connect(args.db, read_only=True)
    try:
        report = health.status(con, max_wait_minutes=args.max_wait)
    finally:
        con.close()
    print("\n".join(report.lines))
    if not args.check:
        return 0
    print(f"check: {'; '.join(report.problems)}" if report.problems else "check: ok")
    return 1 if report.problems else 0


def _cmd_serve(args: argparse.Namespace) -> int:
    app = config.PROJECT_ROOT / "dashboard" / "streamlit_app.py"
    env = dict(os.environ)
    env[config.ENV_DB] = str(config.db_path(args.db))
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    return subprocess.call(cmd, env=env)  # noqa: S603 - our own interpreter and app path


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from analytics.evaluate import evaluate, persist
    from analytics.warehouse import connect, publish

    con = connect(args.db, create=False)
    try:
        try:
            result = evaluate(con, seed=args.seed)
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        if result is None:
            print(
                "no planted labels in this warehouse: evaluation needs the synthetic "
                "generator's planted truth (fapiao-watch demo); nothing evaluated"
            )
            return 0
        persist(con, result)
        publish(con, config.settings(args.db).serving_path)
    finally:
        con.close()
    print(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.table()
    )
    return 0


def _report(write: Callable[[], tuple[Path, str]]) -> int:
    """Run a ``report`` writer: one line on the file written, or its error in one line."""
    from analytics.reports import ReportError

    try:
        path, what = write()
    except ReportError as exc:
        raise CliError(str(exc)) from exc
    print(f"wrote {path} ({path.stat().st_size:,} bytes): {what}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from analytics.report_files import write_self_check

    return _report(
        lambda: write_self_check(
            db=args.db,
            period=args.period,
            fmt=args.format,
            merchant=args.merchant,
            district=args.district,
            merchant_list=args.merchants,
            out=args.out,
            progress=not args.quiet,
        )
    )


def _cmd_report_pending(args: argparse.Namespace) -> int:
    from analytics.report_files import write_pending

    return _report(
        lambda: write_pending(
            db=args.db,
            districts=tuple(args.district or ()),
            due_within=args.due_within,
            not_reminded=args.not_reminded,
            fmt=args.format,
            out=args.out,
        )
    )


def _cmd_report_risk(args: argparse.Namespace) -> int:
    from analytics.report_files import write_risk

    return _report(
        lambda: write_risk(
            db=args.db,
            districts=tuple(args.district or ()),
            min_risk=args.min_risk,
            top=args.top,
            fmt=args.format,
            out=args.out,
        )
    )


def _cmd_report_alerts(args: argparse.Namespace) -> int:
    from analytics.alerts import OPEN_STATUSES
    from analytics.report_files import write_alerts

    return _report(
        lambda: write_alerts(
            db=args.db,
            districts=tuple(args.district or ()),
            statuses=tuple(args.status or OPEN_STATUSES),
            rules=tuple(args.rule or ()),
            since=args.since,
            fmt=args.format,
            out=args.out,
        )
    )


def _since(text: str) -> datetime:
    """``--since``: a day (its start) or a day and time, Beijing time."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day or a time like 2026-11-29 or '2026-11-29 09:00'"
        ) from None


def _cmd_alert(args: argparse.Namespace) -> int:
    from analytics.alert_desk import act_all
    from analytics.alerts import AlertError

    try:
        done = act_all(args.alert_id, args.action, by=args.by, note=args.note, db=args.db)
    except AlertError as exc:
        raise CliError(str(exc)) from exc
    for a in done:
        print(f"alert #{a['alert_id']} ({a['rule']}, {a['merchant_id']}): {a['status']}")
    return 0


def _add_alert(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "alert",
        help="acknowledge or resolve alerts (all given or none), with who and a note, as on "
        "the Alerts page",
    )
    p.add_argument("action", choices=("acknowledge", "resolve"))
    p.add_argument(
        "alert_id", type=int, nargs="+", help="alert numbers (预警编号, as in report alerts)"
    )
    p.add_argument("--by", required=True, help="who")
    p.add_argument("--note", default=None, help="what was done (required to resolve)")
    _add_db(p)
    p.set_defaults(func=_cmd_alert)


def _cmd_lookup(args: argparse.Namespace) -> int:
    from analytics import invoice_lookup as il
    from analytics.warehouse import connect

    try:
        numbers = il.parse_numbers("\n".join(args.invoice_no))
    except il.InvoiceLookupError as exc:
        raise CliError(str(exc)) from exc
    for given in numbers.invalid:
        print(f"{given}: neither an invoice number (数电票, 发票代码 + 发票号码) nor an order id")
    if not numbers.all:
        return 1 if numbers.invalid else 0
    con = connect(args.db, read_only=True)
    try:
        found = il.from_warehouse(con, il.from_snapshot(con, numbers))
    finally:
        con.close()
    print("\n".join(il.lines(found)))
    return 1 if found.not_found or numbers.invalid else 0


def _cmd_remind(args: argparse.Namespace) -> int:
    from analytics.reminders import ReminderError, record_all

    try:
        done = record_all(
            args.merchant, by=args.by, channel=args.channel, note=args.note, db=args.db
        )
    except ReminderError as exc:
        raise CliError(str(exc)) from exc
    for r in done:
        state = "recorded" if r.new else "already recorded today"
        print(f"{r.merchant_id}: reminder #{r.reminder_id}, {r.invoices} invoice(s), {state}")
    return 0


def _add_lookup(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "lookup",
        help="where invoices stand (发票查询): status and reason, merchant, or the import that "
        "rejected them; an order number gives its payment and the invoices issued for it",
    )
    p.add_argument(
        "invoice_no",
        nargs="+",
        help="20-digit 数电票 numbers, 发票代码-发票号码 (quote a code and number given apart), "
        "or order numbers (订单号) of payments",
    )
    _add_db(p)
    p.set_defaults(func=_cmd_lookup)


def _add_remind(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from analytics.reminders import CHANNELS

    p = sub.add_parser(
        "remind",
        help="record that merchants were reminded (催报) of their invoices pending entry",
    )
    p.add_argument(
        "--merchant",
        action="append",
        required=True,
        help="the merchant's USCC (repeat for several); it must have invoices pending entry",
    )
    p.add_argument("--by", required=True, help="who reminded them")
    p.add_argument("--channel", choices=CHANNELS, default="phone", help="how (default phone)")
    p.add_argument("--note", default=None, help="what was said or agreed")
    _add_db(p)
    p.set_defaults(func=_cmd_remind)


def _district(text: str) -> str:
    """``--district``: one of Beijing's 16 districts by its Chinese name (a typo would give an
    empty list that looks like good news)."""
    from analytics import reference

    name = text.strip()
    problem = reference.unknown_district(name)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return name


def _at_least(low: float, what: str) -> Callable[[str], float]:
    """An argparse type: a number not below ``low``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low:g}, got {text}")
        return value

    return parse


def _add_districts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--district",
        action="append",
        type=_district,
        help="only this district (repeat for several), e.g. 朝阳区",
    )


def _add_list_file(p: argparse.ArgumentParser, format_help: str) -> None:
    """A list report's file: its format (``format_help`` says what each gives), where it goes,
    and the warehouse it is read from."""
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help=format_help)
    p.add_argument("--out", default=None, help="output file, or a folder for the default name")
    _add_db(p)


def _add_report(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="self-check reports (自查报告), the pending-entry reminder list, the entry-risk "
        "forecast and the alert list",
    )
    kinds = p.add_subparsers(dest="report", required=True)
    p = kinds.add_parser(
        "self-check", help="a merchant's report, or a zip for a district or a list of merchants"
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--merchant", help="the merchant's USCC (统一社会信用代码)")
    who.add_argument("--district", help="every merchant of a district, e.g. 朝阳区, in one zip")
    who.add_argument(
        "--merchants",
        metavar="FILE",
        help="a list of merchants in one zip: a CSV/XLSX with a USCC column (e.g. an export "
        "of merchants below the threshold) or ids one per line; the zip's 清单.csv names them all",
    )
    p.add_argument("--period", required=True, help="a month like 2026-03 or a quarter 2026-Q1")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="csv: a zip of CSVs")
    p.add_argument(
        "--out",
        default=None,
        help="output file, or a folder for the default name self-check-<who>-<period>",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_db(p)
    p.set_defaults(func=_cmd_report)
    p = kinds.add_parser(
        "pending",
        help="the reminder list (催报清单): invoices not yet entered whose deadline is ahead",
    )
    _add_districts(p)
    p.add_argument(
        "--due-within",
        type=_at_least(0, "working days left"),
        default=None,
        metavar="WORKDAYS",
        help="only invoices with at most this many working days left, e.g. 1",
    )
    p.add_argument(
        "--not-reminded",
        action="store_true",
        help="only invoices no recorded reminder covered yet (fapiao-watch remind)",
    )
    _add_list_file(p, "xlsx keeps 18- and 20-digit ids as text; csv (UTF-8) for other systems")
    p.set_defaults(func=_cmd_report_pending)
    p = kinds.add_parser(
        "risk",
        help="the entry-risk forecast (入库风险预测): who may have a late or missing invoice "
        "next month, highest risk first, with the reasons",
    )
    _add_districts(p)
    p.add_argument(
        "--min-risk",
        type=float,
        default=None,
        metavar="P",
        help="only merchants whose risk is at least P (0-1), e.g. 0.5",
    )
    p.add_argument("--top", type=int, default=None, help="at most this many, highest risk first")
    _add_list_file(p, "xlsx adds how the forecast did out of time; csv (UTF-8) the list only")
    p.set_defaults(func=_cmd_report_risk)
    p = kinds.add_parser(
        "alerts",
        help="the alert list (预警清单): open alerts by default, most severe and most recent "
        "first, in words",
    )
    _add_districts(p)
    p.add_argument(
        "--status",
        action="append",
        choices=("new", "acknowledged", "resolved"),
        help="only alerts in this state (repeat for several; default new and acknowledged)",
    )
    p.add_argument("--rule", action="append", help="only this rule's alerts (repeat for several)")
    p.add_argument(
        "--since",
        type=_since,
        default=None,
        metavar="TIME",
        help="only alerts raised at or after this Beijing time, e.g. '2026-11-29 09:00'",
    )
    _add_list_file(p, "xlsx keeps 18-digit ids as text; csv (UTF-8) for other systems")
    p.set_defaults(func=_cmd_report_alerts)


def _add_evaluate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("evaluate", help="score the anomaly model against planted truth")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--seed", type=int, default=None, help="refit the stored sample with this seed")
    _add_db(p)
    p.set_defaults(func=_cmd_evaluate)


def _add_holidays(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "holidays",
        help="each year's holidays and 调休 workdays as analyse will use them (check a new table)",
    )
    p.add_argument(
        "years", nargs="*", type=int, metavar="YEAR", help="default: this year and the next"
    )
    p.set_defaults(func=_cmd_holidays)


def _add_status(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "status", help="row counts, last analysis, what waits, how far the holiday calendar runs"
    )
    _add_db(p)
    p.add_argument(
        "--check",
        action="store_true",
        help="for monitoring: exit 1 when analyse fails, batches wait longer than --max-wait, "
        "files could not be read, or the holiday calendar ends within a month",
    )
    p.add_argument(
        "--max-wait",
        type=float,
        default=60.0,
        metavar="MINUTES",
        help="how long imported batches may wait for an analysis under --check (default 60)",
    )
    p.set_defaults(func=_cmd_status)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fapiao-watch", description="发票入库监测 Fapiao Watch: invoice entry monitoring"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("generate", help="write seeded synthetic Beijing data files")
    p.add_argument("--out", default=str(config.GENERATED_DIR / "demo"), help="output folder")
    p.add_argument("--seed", type=int, default=20261129)
    p.add_argument(
        "--merchants",
        type=int,
        default=None,
        help="merchant count (default 2000; with --invoices, grows with the volume)",
    )
    p.add_argument("--months", type=int, default=12)
    p.add_argument(
        "--invoices",
        type=int,
        default=None,
        help="target number of issued invoices (scales volume; e.g. 10000000 for benchmarks)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser("ingest", help="load files into the warehouse, quarantining bad rows")
    p.add_argument("paths", nargs="+", help="files or folders (CSV, XLSX, JSON/JSONL, Parquet)")
    p.add_argument(
        "--kind",
        default=None,
        help="merchants / payments / issued_invoices / tax_records / tax_record_lines / "
        "complaints / planted_labels (default: detected from headers)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="stop before loading anything when a file cannot be read (default: skip such "
        "files, keep them in import_failures, load the rest, exit 2)",
    )
    _add_db(p)
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("demo", help="generate the demo data and load it through ingestion")
    p.add_argument("--seed", type=int, default=20261129)
    p.add_argument("--out", default=str(config.GENERATED_DIR / "demo"))
    p.add_argument("--force", action="store_true", help="rebuild even if the warehouse exists")
    _add_db(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("analyse", help="reconcile, compute metrics and checks (incremental)")
    p.add_argument("--full", action="store_true", help="recompute every period")
    p.add_argument(
        "--deadline",
        type=int,
        default=None,
        help=f"working days allowed for entry (default: ${config.ENV_DEADLINE} or 2)",
    )
    p.add_argument(
        "--as-of", default=None, help="judge as of this time (default: the latest 入库 time)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_db(p)
    p.set_defaults(func=_cmd_analyse)

    _add_status(sub)
    _add_holidays(sub)

    _add_report(sub)
    _add_remind(sub)
    _add_alert(sub)
    _add_lookup(sub)
    _add_evaluate(sub)

    p = sub.add_parser("serve", help="start the dashboard on http://localhost:8501")
    p.add_argument("--port", type=int, default=8501)
    _add_db(p)
    p.set_defaults(func=_cmd_serve)

    return parser


# Options whose value is free text a person types: argparse takes "-已短信" or "-1+2" after them
# for an option of its own ("expected one argument"), so the value is glued on ("--note=...").
FREE_TEXT_OPTIONS = ("--note", "--by")


def _glue_free_text(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    words = iter(argv)
    for word in words:
        value = next(words, None) if word in FREE_TEXT_OPTIONS else None
        out.append(word if value is None else f"{word}={value}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from analytics.warehouse import WarehouseBusyError

    args = build_parser().parse_args(_glue_free_text(sys.argv[1:] if argv is None else argv))
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # here, not at exit: a closed pipe is then the case below
        return code
    except BrokenPipeError:
        # The reader went away (`fapiao-watch holidays | head -1`): stop quietly, as other
        # command-line tools do. stdout now points at /dev/null so that the interpreter's own
        # flush at exit does not raise again; 141 is what a shell reports for a tool stopped
        # by SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (CliError, WarehouseBusyError, FileNotFoundError) as exc:
        print(f"fapiao-watch {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
