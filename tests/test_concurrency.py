"""DESIGN.md "Concurrency", tested: pages keep reading while ``ingest`` and ``analyse`` write.

The dashboard reads only the serving snapshot (``analytics.warehouse.publish`` swaps it in
atomically); writers open the warehouse itself. So:

* ``test_writers_never_wait_for_readers_and_readers_see_whole_snapshots``: a warehouse holding
  all but the last month is read by threads the way ``dashboard.cached`` reads (its
  per-generation connection, a cursor per read) and by AppTest renders of every page, while
  ``fapiao-watch ingest`` (the held-back month's files) and ``fapiao-watch analyse`` run in
  another process with a lock timeout of zero: any lock held by a reader would fail them at
  once. Every read must succeed and see one whole generation: each table's rows equal the
  count the publisher recorded in ``warehouse_tables``, the total equals the sum over districts,
  and the months are the old range or the new one, nothing in between.
* ``test_a_dashboard_upload_waits_for_a_busy_warehouse_then_says_so``: an upload on the Data
  import page while another process holds the warehouse waits for it (and loads once it is
  released), or, held too long, shows the busy message instead of an exception.
  (``tests/test_uploads.py`` covers ``analytics.uploads`` raising ``WarehouseBusyError``.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from apptest import errors, open_page
from browser_support import page_entries
from factories import held_warehouse
from streamlit.testing.v1 import AppTest

from analytics import config, views
from analytics.ingest import ingest_paths
from analytics.pipeline import analyse
from analytics.warehouse import connect
from dashboard import cached
from dashboard.i18n import LABELS

READERS = 3
WAIT_S = 300  # upper bound for a condition on a slow, shared machine; never slept out
MONTH = re.compile(r"(\d{4}-\d{2})")


@dataclass(frozen=True)
class Read:
    """What one read of the snapshot saw."""

    generation: tuple[int, int]
    months: tuple[str, ...]
    miscounted: dict[str, tuple[int | None, int]]  # table -> (recorded, present)
    total_issued: int
    district_issued: int


@dataclass
class Log:
    reads: list[tuple[float, Read]] = field(default_factory=list)
    renders: list[tuple[float, float, str, list[str]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    first_read: threading.Event = field(default_factory=threading.Event)
    first_render: threading.Event = field(default_factory=threading.Event)


def read_snapshot(cursor: duckdb.DuckDBPyConnection) -> tuple[tuple[str, ...], dict, int, int]:
    """Several queries on one cursor: they must all describe the same generation."""
    tables = cursor.sql("select tables from snapshot_meta").fetchall()[0][0]
    recorded = dict(cursor.sql("select table_name, row_count from warehouse_tables").fetchall())
    miscounted = {}
    for table in tables:
        present = cursor.sql(f'select count(*) from "{table}"').fetchall()[0][0]
        if recorded.get(table) != present:
            miscounted[table] = (recorded.get(table), present)
    months = tuple(views.available_months(cursor))
    scope = views.Filters(months[0], months[-1])
    total = views.group_metrics(cursor, scope, ())["invoices_issued"][0]
    by_district = views.group_metrics(cursor, scope, ("district",))["invoices_issued"].sum()
    return months, miscounted, int(total), int(by_district)


def reader(log: Log, stop: threading.Event) -> None:
    """Read as ``dashboard.cached`` does: the generation, then a cursor of its connection."""
    while not stop.is_set():
        try:
            gen = cached.generation()
            assert gen is not None
            months, miscounted, total, by_district = cached._read(gen, read_snapshot)
            with log.lock:
                log.reads.append(
                    (time.monotonic(), Read(gen, months, miscounted, total, by_district))
                )
            log.first_read.set()
        except Exception as exc:  # recorded, asserted on in the test's thread
            with log.lock:
                log.failures.append(f"read: {exc!r}")
            return


def renderer(log: Log, stop: threading.Event) -> None:
    """AppTest renders of every page of the router, round and round."""
    names = [e.name for e in page_entries()]
    i = 0
    while not stop.is_set():
        name = names[i % len(names)]
        i += 1
        began = time.monotonic()
        try:
            found = errors(open_page(name))
        except Exception as exc:
            found = [f"{type(exc).__name__}: {exc}"]
        with log.lock:
            log.renders.append((began, time.monotonic(), name, found))
        log.first_render.set()


def split_last_month(files: Path, into: Path) -> tuple[str, list[Path]]:
    """Copy the generated files to ``into``; the last month's files go to ``into/later``."""
    months = sorted({m for p in files.rglob("*") for m in MONTH.findall(p.name)})
    last = months[-1]
    shutil.copytree(files, into / "now")
    later = into / "later"
    held: list[Path] = []
    for path in sorted((into / "now").rglob(f"*{last}*")):
        target = later / path.relative_to(into / "now")
        target.parent.mkdir(parents=True, exist_ok=True)
        held.append(Path(shutil.move(path, target)))
    return last, held


@pytest.fixture
def growing_warehouse(
    small_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str, list[Path]]:
    """The small warehouse's files without their last month, ingested, analysed, published;
    plus that month's files, to be ingested while the pages read."""
    last, held = split_last_month(small_warehouse.parent / "files", tmp_path / "files")
    assert held, "the generated files should be split by month"
    db = tmp_path / "warehouse.duckdb"
    con = connect(db)
    try:
        ingest_paths(con, [tmp_path / "files" / "now"], progress=False)
        analyse(con, progress=False)
    finally:
        con.close()
    monkeypatch.setenv(config.ENV_DB, str(db))
    return db, last, held


def run_writer(db: Path, held: list[Path]) -> list[subprocess.CompletedProcess[str]]:
    """``fapiao-watch ingest`` then ``analyse`` in another process, failing on any lock."""
    cli = Path(sys.executable).with_name("fapiao-watch")
    env = {**os.environ, config.ENV_LOCK_TIMEOUT: "0"}
    done = []
    for args in (["ingest", *map(str, held)], ["analyse", "--quiet"]):
        done.append(
            subprocess.run(
                [str(cli), *args, "--db", str(db)],
                env=env,
                capture_output=True,
                text=True,
                timeout=WAIT_S,
                check=False,
            )
        )
        if done[-1].returncode:
            break
    return done


def test_writers_never_wait_for_readers_and_readers_see_whole_snapshots(
    growing_warehouse: tuple[Path, str, list[Path]],
) -> None:
    db, last, held = growing_warehouse
    log, stop = Log(), threading.Event()
    threads = [threading.Thread(target=reader, args=(log, stop)) for _ in range(READERS)]
    threads.append(threading.Thread(target=renderer, args=(log, stop)))
    for thread in threads:
        thread.start()
    try:
        assert log.first_read.wait(WAIT_S)
        assert log.first_render.wait(WAIT_S)
        with log.lock:
            old = log.reads[-1][1]
        started = time.monotonic()
        writes = run_writer(db, held)
        finished = time.monotonic()
        final = cached.generation()
        # keep reading until every reader could have picked up the final generation
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and not log.failures:
            with log.lock:
                seen = sum(1 for _, r in log.reads if r.generation == final)
            if seen >= READERS:
                break
            log.first_read.clear()
            log.first_read.wait(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(WAIT_S)

    for done in writes:
        assert done.returncode == 0, f"{done.args[1]} failed:\n{done.stdout}\n{done.stderr}"
        assert "held by another process" not in done.stderr
    assert len(writes) == 2
    assert log.failures == []
    reads = [r for _, r in log.reads]
    during = [r for t, r in log.reads if started <= t <= finished]
    assert during, "the readers should have read while the writer ran"
    assert {r.generation for r in reads} >= {old.generation, final}
    for r in reads:
        assert r.miscounted == {}, f"generation {r.generation} is not whole: {r.miscounted}"
        assert r.total_issued == r.district_issued
        assert r.months in (old.months, (*old.months, last)), r.months
    assert old.months[-1] < last
    newest = [r for r in reads if r.generation == final]
    assert newest
    assert all(r.months[-1] == last for r in newest)
    assert newest[0].total_issued > old.total_issued
    # pages rendered throughout, none with an exception
    assert [(name, found) for _, _, name, found in log.renders if found] == []
    assert any(t0 < finished and t1 > started for t0, t1, _, _ in log.renders), (
        "a page render should have overlapped the writer"
    )


def _merchants_csv() -> bytes:
    from analytics.validation import make_uscc

    good = make_uscc("9", "1", "110105", "MA0XXY02")
    rows = [
        "统一社会信用代码,商户名称,所属区,行业,规模,开票软件,登记日期,是否个体工商户",
        f"{good},北京市朝阳区并发测试有限公司,朝阳区,零售,微型,票联,2020-01-02,否",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_a_dashboard_upload_waits_for_a_busy_warehouse_then_says_so(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = warehouse_copy
    monkeypatch.setenv(config.ENV_DB, str(db))
    load, busy = LABELS["data_import.load"][0], LABELS["data_import.busy"][0]

    def upload_and_load(before_load: Callable[[], None] = lambda: None) -> AppTest:
        at = open_page("data_import")
        at.file_uploader(key="di_files").upload("new_merchants.csv", _merchants_csv(), "text/csv")
        at.run()
        assert errors(at) == []
        next(b for b in at.button if b.label == load).click()
        before_load()
        at.run()
        return at

    # held for good: the page waits out the upload's lock timeout, then says the warehouse
    # is busy (an error box with the catalogue's text), and nothing crashes
    with held_warehouse(db):
        at = upload_and_load()
    assert errors(at) == []
    assert [e.value for e in at.error] == [busy]

    # held for a moment (the other writer finishes two seconds after the click, well within
    # the upload's lock timeout): the upload waits, then loads
    with held_warehouse(db) as holder:
        release = threading.Timer(2.0, lambda: holder.communicate("go\n"))
        try:
            at = upload_and_load(before_load=release.start)
        finally:
            release.join()
    assert errors(at) == []
    assert [e.value for e in at.error] == []
    batches = at.session_state["di_result"].batches
    assert [(b.file.name, b.rows_loaded) for b in batches] == [("new_merchants.csv", 1)]
