"""Shared fixtures: a small generated warehouse, built once per test session.

``small_warehouse`` runs the real path end to end (``analytics.synth.generate`` ~150 merchants
× 4 months -> ``ingest_paths`` -> ``pipeline.analyse``, which publishes the serving snapshot)
and points ``FAPIAO_WATCH_DB`` at it while the session lasts, so the dashboard (AppTest), the
CLI and the views all read it. ``snapshot`` is a read-only connection to its serving snapshot,
the file the pages read. Tests must not write to it: ``warehouse_copy`` gives a private copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest

from analytics import clock, config, views
from analytics.views import Filters

MERCHANTS = 150
MONTHS = 4
SEED = 20261129
# The tests' clock (Beijing time): their data lies in 2026 (analytics.synth.clock), and files
# without entry times are stamped with the time they are imported, so the suite runs at this
# time, moving on as the real clock does, whatever day it runs (a CI run in 2027 would
# otherwise need the 2027 holiday table for those stamps).
TEST_NOW = datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(scope="session", autouse=True)
def _tests_clock() -> Iterator[None]:
    """The clock offset that puts :data:`TEST_NOW` at the start of the session, for this
    process and the servers and commands it starts (they inherit the environment)."""
    real = datetime.now(clock.BEIJING).replace(tzinfo=None)
    previous = os.environ.get(clock.ENV_OFFSET)
    os.environ[clock.ENV_OFFSET] = str((TEST_NOW - real).total_seconds())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(clock.ENV_OFFSET, None)
        else:
            os.environ[clock.ENV_OFFSET] = previous


# The last year with a holiday table in the calendar the tests were written against. A
# chinesecalendar release with the next year's table (due each November or December; the pin
# allows it) must not change what they see: a deadline in 2027 stays unknown, analyse stops on
# 2027 data, the pages warn that the calendar ends on 2026-12-31.
CALENDAR_THROUGH = 2026


@pytest.fixture(scope="session", autouse=True)
def _calendar_through_2026() -> Iterator[None]:
    """The installed holiday calendar as if it ended with :data:`CALENDAR_THROUGH`, for this
    process; an override table (``data/reference/holidays/<year>.csv``, or a test's own
    folder) is read as ever. Session-wide, so the session's warehouses are built with it."""
    from analytics import workdays

    real = workdays._year_workdays

    def through(year: int, holidays_dir: Path = workdays.HOLIDAYS_DIR) -> frozenset[date]:
        if year > CALENDAR_THROUGH and not (holidays_dir / f"{year}.csv").exists():
            raise workdays.UnknownHolidayYearError(year, holidays_dir)
        return real(year, holidays_dir)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workdays, "_year_workdays", through)
        yield


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The warehouse file of a small generated data set, analysed and published."""
    from analytics.ingest import ingest_paths
    from analytics.pipeline import analyse
    from analytics.synth import generate
    from analytics.warehouse import connect

    root = tmp_path_factory.mktemp("small_warehouse")
    files = root / "files"
    generate(files, seed=SEED, merchants=MERCHANTS, months=MONTHS, progress=False)
    db = root / "warehouse.duckdb"
    con = connect(db)
    try:
        ingest_paths(con, [files], progress=False)
        analyse(con, progress=False)  # publishes <db>.serving.duckdb
    finally:
        con.close()
    previous = os.environ.get(config.ENV_DB)
    os.environ[config.ENV_DB] = str(db)
    try:
        yield db
    finally:
        if previous is None:
            os.environ.pop(config.ENV_DB, None)
        else:
            os.environ[config.ENV_DB] = previous


@pytest.fixture(scope="session")
def snapshot(small_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the small warehouse's serving snapshot."""
    con = duckdb.connect(str(config.settings(small_warehouse).serving_path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@pytest.fixture
def everything(snapshot: duckdb.DuckDBPyConnection) -> Filters:
    """The global filters at their widest on the small warehouse: every month, everything."""
    months = views.available_months(snapshot.cursor())
    return Filters(months[0], months[-1])


@pytest.fixture
def warehouse_copy(small_warehouse: Path, tmp_path: Path) -> Path:
    """The warehouse file of a private copy of ``small_warehouse`` (with its serving snapshot),
    for a test that writes; ``FAPIAO_WATCH_DB`` still names the shared one."""
    target = tmp_path / "wh"
    shutil.copytree(small_warehouse.parent, target, ignore=shutil.ignore_patterns("files"))
    return target / small_warehouse.name


# What a live feed has not delivered yet at its cut time (table: the columns past the cut).
LIVE_CUT = {
    "issued_invoices": ("issued_at",),
    "tax_records": ("issued_at", "recorded_at"),
    "payments": ("paid_at",),
    "complaints": ("received_at",),
}


@pytest.fixture(scope="session")
def live_feed_db(small_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small warehouse as a live feed would leave it: nothing issued, entered,
    paid or complained about after noon of a working day three or more days before its last
    issue, analysed in full, so invoices are still pending and the last month is in progress.
    Built once per session: tests only read it (through :func:`live_feed`)."""
    from analytics import workdays
    from analytics.pipeline import analyse
    from analytics.warehouse import connect

    target = tmp_path_factory.mktemp("live_feed") / "wh"
    shutil.copytree(small_warehouse.parent, target, ignore=shutil.ignore_patterns("files"))
    db = target / small_warehouse.name
    con = connect(db)
    try:
        last = con.execute("select max(issued_at)::date from issued_invoices").fetchall()[0][0]
        cut = datetime.combine(last - timedelta(days=3), time(12, 0))
        while not workdays.is_workday(cut.date()):
            cut -= timedelta(days=1)
        for table, columns in LIVE_CUT.items():
            where = " or ".join(f"{c} > $cut" for c in columns)
            con.execute(f"delete from {table} where {where}", {"cut": cut}).fetchall()
        analyse(con, full=True, progress=False)
    finally:
        con.close()
    return db


@pytest.fixture
def live_feed(live_feed_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """:func:`live_feed_db`, named by ``FAPIAO_WATCH_DB`` for the test (pages, CLI)."""
    monkeypatch.setenv(config.ENV_DB, str(live_feed_db))
    return live_feed_db


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty in-memory warehouse (schema applied), for tests that load their own rows.
    Modules that read the small warehouse's snapshot define their own ``con`` (a cursor)."""
    from analytics.warehouse import connect

    connection = connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def calendar_until_2030(monkeypatch: pytest.MonkeyPatch) -> None:
    """A holiday table (with no holidays) for every year up to 2030, and none after."""
    from analytics import workdays

    def tables_until_2030(year: int) -> frozenset[date]:
        if year > 2030:
            raise workdays.UnknownHolidayYearError(year)
        return frozenset()

    monkeypatch.setattr(workdays, "_year_workdays", tables_until_2030)
