"""Whether the figures wait for an analysis: a failing ``analyse`` is kept in
``analysis_failures`` and published, and the pages officials act from say so (and why) until an
analysis succeeds; batches imported but not analysed yet are noted."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from apptest import errors, open_page, table_with
from ingest_fixtures import ETAX_HEADERS, digital_no, etax_row, write_csv

from analytics import clock, config, imports, pipeline, workdays
from analytics.cli import main
from analytics.context import Stage
from analytics.ingest import ingest_paths
from analytics.ingest import pipeline as ingest_pipeline
from analytics.warehouse import connect
from dashboard.i18n import LABELS

PAGES = ("overview", "entry_monitoring", "alerts")


def _status(db: Path) -> imports.AnalysisStatus | None:
    serving = duckdb.connect(str(config.settings(db).serving_path), read_only=True)
    try:
        return imports.analysis_status(serving)
    finally:
        serving.close()


def _shown(page: str) -> tuple[list[str], list[str]]:
    at = open_page(page)
    assert errors(at) == []
    return [e.value for e in at.error], [i.value for i in at.info]


def test_a_year_without_a_holiday_table_is_shown_until_it_is_added(
    warehouse_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    assert _status(db) is not None
    assert not _status(db).stale  # type: ignore[union-attr]

    # January 2027 arrives before anyone added the 2027 holiday table
    export = write_csv(
        tmp_path / "etax_2027-01.csv",
        ETAX_HEADERS,
        [etax_row(1, digital_no(1, year="27"), 开票日期="2027-01-04 10:00:00")],
    )
    con = connect(db)
    try:
        (batch,) = ingest_paths(con, [export], progress=False, today=date(2027, 1, 5))
        assert batch.rows_loaded == 1
        with pytest.raises(workdays.UnknownHolidayYearError, match="2027"):
            pipeline.analyse(con, progress=False)
        kept = con.execute(
            "select reason_code, missing_year, reason from analysis_failures"
        ).fetchall()
    finally:
        con.close()
    assert [(code, year) for code, year, _ in kept] == [("holiday_calendar", 2027)]
    assert "data/reference/holidays/2027.csv" in kept[0][2]

    assert main(["analyse", "--db", str(db), "--quiet"]) == 2  # the cron line: one line why
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("fapiao-watch analyse: no holiday table for 2027")
    assert err[0].endswith("the dashboard shows this until an analysis succeeds.")

    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "batches not analysed yet: 1 (1 rows)" in out
    assert "analysis failing: 2 run(s) since" in out
    assert "no holiday table for 2027" in out
    assert main(["status", "--db", str(db), "--check"]) == 1  # for the operators' monitoring
    assert capsys.readouterr().out.splitlines()[-1] == "check: analysis failing"

    status = _status(db)  # published although the analysis failed
    assert status is not None
    assert (status.failures, status.waiting_batches, status.waiting_rows) == (2, 1, 1)
    assert status.reason_code == "holiday_calendar"
    expected = LABELS["notice.holiday_calendar"][0].format(year=2027)
    for page in PAGES:
        shown, _ = _shown(page)
        assert len(shown) == 1, page
        assert expected in shown[0], page
        assert "1 个批次（1 行）尚未计入" in shown[0], page

    at = open_page("data_import")  # the analysis history lists the failed run and why
    assert errors(at) == []
    runs = table_with(at, LABELS["data_import.runs.outcome"][0])
    outcome, detail = LABELS["data_import.runs.outcome"][0], LABELS["data_import.detail"][0]
    failed = LABELS["data_import.mode.failed"][0]
    full = LABELS["data_import.mode.full"][0]  # the small warehouse's own analysis
    count = LABELS["data_import.runs.count"][0]
    assert runs[outcome].tolist() == [failed, full]  # the two failures in a row are one row
    assert runs[count].tolist() == [2, 1]
    assert runs[detail].tolist() == [expected, LABELS["data_import.plan.first"][0]]

    # the table is added: the next analysis succeeds and the notice goes
    holidays = tmp_path / "holidays"
    holidays.mkdir()
    (holidays / "2027.csv").write_text("date,kind,name\n2027-01-01,holiday,元旦\n", "utf-8")
    real = workdays._year_workdays
    monkeypatch.setattr(workdays, "_year_workdays", lambda year: real(year, holidays))
    assert main(["analyse", "--db", str(db), "--quiet"]) == 0
    con = connect(db, read_only=True)
    try:  # the table for 2027 changed deadlines of late-December invoices too: all recomputed
        assert con.execute(
            "select mode, reason from analysis_runs order by run_id desc limit 1"
        ).fetchall() == [("full", "holiday calendar changed for 2027")]
    finally:
        con.close()
    status = _status(db)
    assert status is not None
    assert not status.stale
    assert status.failures == 0
    assert status.as_of is not None
    assert status.analysed_at is not None
    assert status.as_of_source == "entries"
    as_of = LABELS["notice.as_of"][0].format(
        as_of=f"{status.as_of:%Y-%m-%d %H:%M}",
        source=LABELS["notice.as_of.entries"][0],
        analysed=f"{status.analysed_at:%Y-%m-%d %H:%M}",
    )
    for page in PAGES:
        at = open_page(page)
        assert errors(at) == []
        assert ([e.value for e in at.error], [i.value for i in at.info]) == ([], []), page
        assert as_of in [c.value for c in at.caption], page
    assert main(["status", "--db", str(db), "--check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "check: ok"


def test_a_holiday_calendar_about_to_end_is_announced_a_month_ahead(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    # 2027 has no table, whatever chinesecalendar is installed (conftest: calendar through 2026)
    expected = LABELS["notice.calendar_ends"][0].format(end="2026-12-31", year=2027)

    assert main(["analyse", "--db", str(db), "--quiet", "--as-of", "2026-11-20T12:00"]) == 0
    for page in PAGES:  # 41 days before the end: nothing to say yet
        at = open_page(page)
        assert errors(at) == []
        assert [w.value for w in at.warning] == [], page
    assert main(["status", "--db", str(db), "--check"]) == 0
    out = capsys.readouterr().out
    assert "holiday calendar: through 2026-12-31\n" in out
    assert out.splitlines()[-1] == "check: ok"
    soon = (
        "holiday calendar: through 2026-12-31; no table for 2027 yet: add "
        "data/reference/holidays/2027.csv before the data reaches 2027, or analyse stops"
    )
    # no new data since, but the days go by: the pages and the operators' check warn all the
    # same, before the end and after it
    assert clock.beijing_today() == date(2026, 11, 20)  # the tests' clock (conftest)
    tests_today = clock.beijing_today
    monkeypatch.setattr(clock, "beijing_today", lambda: date(2026, 12, 10))
    assert [w.value for w in open_page("overview").warning] == [expected]
    assert main(["status", "--db", str(db), "--check"]) == 1
    out = capsys.readouterr().out
    assert soon in out
    assert out.splitlines()[-1] == "check: holiday calendar ends soon"
    monkeypatch.setattr(clock, "beijing_today", lambda: date(2027, 1, 4))
    assert [w.value for w in open_page("alerts").warning] == [expected]
    assert main(["status", "--db", str(db), "--check"]) == 1
    out = capsys.readouterr().out
    assert "holiday calendar: no table for 2027\n" in out
    assert out.splitlines()[-1] == "check: no holiday table for 2027"
    monkeypatch.setattr(clock, "beijing_today", tests_today)

    assert main(["analyse", "--db", str(db), "--quiet", "--as-of", "2026-12-10T12:00"]) == 0
    given = LABELS["notice.as_of.given"][0]  # not the latest entry: the time asked for
    for page in PAGES:
        at = open_page(page)
        assert errors(at) == []
        assert [w.value for w in at.warning] == [expected], page
        assert [e.value for e in at.error] == [], page
        assert any(f"2026-12-10 12:00（{given}）" in c.value for c in at.caption), page
    assert main(["status", "--db", str(db), "--check"]) == 1  # the data is ahead of the clock
    out = capsys.readouterr().out
    assert soon in out
    assert out.splitlines()[-1] == "check: holiday calendar ends soon"


def test_a_holiday_table_added_or_corrected_recomputes_everything(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = warehouse_copy
    con = connect(db)

    def facts() -> list[tuple[object, ...]]:
        return con.execute(
            "select subject, subject_id, status, deadline_at, delay_workdays from recon_facts "
            "order by all"
        ).fetchall()

    def last_run() -> tuple[object, ...]:
        return con.execute(
            "select mode, reason_code, reason from analysis_runs order by run_id desc limit 1"
        ).fetchall()[0]

    try:
        before = facts()
        # the busiest day of entries turns out to have been a holiday (a corrected table)
        (busiest,) = con.execute(
            "select recorded_at::date from tax_records where year(recorded_at) = 2026 "
            "and isodow(recorded_at) <= 5 group by all order by count(*) desc, 1 limit 1"
        ).fetchone() or (None,)
        real = workdays._year_workdays

        def corrected(year: int) -> frozenset[date]:
            return real(year) - {busiest} if year == 2026 else real(year)

        monkeypatch.setattr(workdays, "_year_workdays", corrected)
        pipeline.analyse(con, progress=False, publish=False)
        assert last_run() == ("full", "calendar", "holiday calendar changed for 2026")
        changed = facts()
        assert changed != before  # deadlines and delays around that day moved
        pipeline.analyse(con, progress=False, publish=False)
        assert last_run()[:2] == ("noop", "nothing_new")

        monkeypatch.setattr(workdays, "_year_workdays", real)  # and back
        pipeline.analyse(con, progress=False, publish=False)
        assert last_run()[:2] == ("full", "calendar")
        assert facts() == before
    finally:
        con.close()


def test_batches_waiting_for_the_next_analysis_are_noted(
    warehouse_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    rows = [etax_row(i, digital_no(900 + i)) for i in range(1, 4)]
    export = write_csv(tmp_path / "etax_more.csv", ETAX_HEADERS, rows)
    assert main(["ingest", str(export), "--db", str(db)]) == 0  # publishes; no analysis yet
    status = _status(db)
    assert status is not None
    assert (status.failures, status.waiting_batches, status.waiting_rows) == (0, 1, 3)
    errors_shown, infos = _shown("overview")
    assert errors_shown == []
    assert len(infos) == 1
    assert "有 1 个新导入的批次（3 行" in infos[0]
    capsys.readouterr()
    assert main(["status", "--db", str(db), "--check"]) == 0  # waiting, not for an hour yet
    assert capsys.readouterr().out.splitlines()[-1] == "check: ok"
    assert main(["status", "--db", str(db), "--check", "--max-wait", "0"]) == 1
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("check: batches waiting for an analysis for "), last
    assert main(["analyse", "--db", str(db), "--quiet"]) == 0
    assert _shown("overview") == ([], [])


def test_any_failing_run_is_kept_with_its_error_and_the_results_stay() -> None:
    con = connect(":memory:")
    try:

        def boom(con: duckdb.DuckDBPyConnection, ctx: object) -> None:
            con.execute("create table half_done (x integer)").fetchall()
            raise RuntimeError("disk full\nsecond line")

        with pytest.raises(RuntimeError, match="disk full"):
            pipeline.analyse(con, progress=False, stages=[Stage("boom", boom, ("half_done",))])
        kept = con.execute(
            "select reason_code, reason, missing_year from analysis_failures"
        ).fetchall()
        assert kept == [("error", "RuntimeError: disk full", None)]
        tables = {r[0] for r in con.execute("show tables").fetchall()}
        assert "half_done" not in tables  # rolled back; only the failure is kept
    finally:
        con.close()


def test_a_failure_in_the_same_second_as_the_last_success_is_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Timestamps are kept to the second: a failure is told from the success before it by the
    run it followed, not by its time. Rows kept before that (no run id) are still read by
    time."""
    frozen = datetime(2026, 11, 30, 9, 0, 0)
    monkeypatch.setattr(pipeline, "beijing_now", lambda: frozen)
    con = connect(":memory:")
    try:
        pipeline.analyse(con, progress=False, publish=False, stages=[])
        status = imports.analysis_status(con)
        assert status is not None
        assert (status.analysed_at, status.failures) == (frozen, 0)

        def boom(con: duckdb.DuckDBPyConnection, ctx: object) -> None:
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError, match="disk full"):
            pipeline.analyse(
                con, progress=False, publish=False, full=True, stages=[Stage("boom", boom, ())]
            )
        status = imports.analysis_status(con)
        assert status is not None
        assert (status.failures, status.last_failed_at, status.reason) == (
            1,
            frozen,
            "RuntimeError: disk full",
        )

        # failures kept by an older version carry no run id: compared with the success's end
        con.execute(
            "insert into analysis_failures (failed_at, reason_code, reason) values "
            "($same, 'error', 'same second'), ($later, 'error', 'a second later')",
            {"same": frozen, "later": frozen + timedelta(seconds=1)},
        ).fetchall()
        status = imports.analysis_status(con)
        assert status is not None
        assert (status.failures, status.reason) == (2, "a second later")

        # the next success ends the stretch, even within the same second
        pipeline.analyse(con, progress=False, publish=False, stages=[], full=True)
        con.execute("delete from analysis_failures where after_run_id is null").fetchall()
        status = imports.analysis_status(con)
        assert status is not None
        assert status.failures == 0
    finally:
        con.close()


def test_an_upload_of_a_year_without_holidays_loads_and_says_why_it_is_not_analysed(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.ENV_DB, str(warehouse_copy))
    # uploaded on 5 January (an export without entry times is stamped with the day it is seen)
    monkeypatch.setattr(ingest_pipeline, "beijing_today", lambda: date(2027, 1, 5))
    export = write_csv(
        tmp_path / "etax_2027-01.csv",
        ETAX_HEADERS,
        [etax_row(1, digital_no(1, year="27"), 开票日期="2027-01-04 10:00:00")],
    )
    at = open_page("data_import")
    at.file_uploader(key="di_files").upload(export.name, export.read_bytes(), "text/csv")
    at.run()
    next(b for b in at.button if b.label == LABELS["data_import.load"][0]).click()
    at.run()
    assert errors(at) == []
    why = LABELS["notice.holiday_calendar"][0].format(year=2027)
    expected = LABELS["data_import.not_analysed"][0].format(why=why)
    assert [e.value for e in at.error] == [expected]
    status = _status(warehouse_copy)
    assert status is not None
    assert (status.failures, status.waiting_batches) == (1, 1)


def test_the_history_reads_a_snapshot_from_before_the_reason_codes(tmp_path: Path) -> None:
    """analysis_runs without reason_code and no analysis_failures (published by an older
    version): the history lists the run with its English reason, no code."""
    old = duckdb.connect(str(tmp_path / "old.duckdb"))
    try:
        old.execute(
            "create table analysis_runs (run_id integer, started_at timestamp, "
            "finished_at timestamp, mode varchar, reason varchar, version integer, "
            "as_of timestamp, deadline_workdays integer, new_batches integer[], "
            "months varchar[], quarters varchar[], stage_seconds json, row_counts json)"
        )
        old.execute(
            "insert into analysis_runs values (1, '2026-11-01 08:00:00', '2026-11-01 08:00:05', "
            "'incremental', '2 new batch(es)', 4, '2026-10-31 18:00', 2, [7, 8], "
            "['2026-10'], ['2026-Q4'], '{}', '{}')"
        )
        runs = imports.analysis_history(old)
    finally:
        old.close()
    assert runs.select("outcome", "reason", "reason_code", "new_batches", "months").rows() == [
        ("incremental", "2 new batch(es)", None, 2, "2026-10")
    ]
    assert runs["seconds"].to_list() == [5.0]


def test_a_schedule_s_repeated_runs_are_one_row_each_stretch() -> None:
    start = datetime(2026, 12, 1, 12, 0)
    runs = [  # newest first, as the history is read: every 15 minutes from a cron line
        ("noop", "nothing_new", "nothing new", None),
        ("noop", "nothing_new", "nothing new", None),
        ("incremental", "new_batches", "1 new batch(es)", None),
        ("incremental", "new_batches", "1 new batch(es)", None),  # both did work: kept apart
        ("failed", "holiday_calendar", "no holiday table for 2027", 2027),
        ("failed", "holiday_calendar", "no holiday table for 2027", 2027),
        ("failed", "holiday_calendar", "no holiday table for 2027", 2027),
        ("failed", "error", "OSError: disk full", None),  # another reason: its own row
        ("noop", "nothing_new", "nothing new", None),
        ("full", "first", "first analysis", None),
    ]
    frame = pl.DataFrame(
        {
            "run_at": [start - timedelta(minutes=15 * i) for i in range(len(runs))],
            "outcome": [r[0] for r in runs],
            "reason_code": [r[1] for r in runs],
            "reason": [r[2] for r in runs],
            "missing_year": pl.Series([r[3] for r in runs], dtype=pl.Int32),
        }
    )
    out = imports.collapse_repeats(frame)
    assert out.columns == [*frame.columns, "first_run_at", "runs"]
    assert out.select("outcome", "reason_code", "runs").rows() == [
        ("noop", "nothing_new", 2),
        ("incremental", "new_batches", 1),
        ("incremental", "new_batches", 1),
        ("failed", "holiday_calendar", 3),
        ("failed", "error", 1),
        ("noop", "nothing_new", 1),
        ("full", "first", 1),
    ]
    stretch = out.row(3, named=True)  # the latest time shows, and since when
    assert (stretch["run_at"], stretch["first_run_at"]) == (
        start - timedelta(minutes=60),
        start - timedelta(minutes=90),
    )
    assert stretch["missing_year"] == 2027
    assert out["runs"].sum() == len(runs)  # nothing lost
