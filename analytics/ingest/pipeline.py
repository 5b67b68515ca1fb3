"""``ingest_paths`` / ``ingest_file``: plan the files (:mod:`.planning`), then load each table in
its own transaction, preparing the next ones while one loads.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from tqdm import tqdm

from analytics.clock import beijing_now, beijing_today
from analytics.ingest import failures as failure_log
from analytics.ingest import load, parse
from analytics.ingest.excel import SheetCache
from analytics.ingest.headers import HeaderMatch, detect_kind
from analytics.ingest.model import BatchResult, FileFailure, IngestError, scalar
from analytics.ingest.planning import Planned, forget, plan
from analytics.ingest.readers import load_source
from analytics.ingest.spec import KINDS
from analytics.warehouse import thread_cap, vacuum_tasks

TEMP_TABLES = (
    "_ing_src",
    "_ing_bad",
    "_ing_final",
    "_ing_class",
    "_ing_updates",
    "_ing_ids",
    "_ing_rates",
    "_ing_names",
    "_ing_rej_err",
    "_ing_rej_scan",
)


def _drop_temps(con: duckdb.DuckDBPyConnection) -> None:
    for name in TEMP_TABLES:
        con.execute(f"drop table if exists temp.main.{name}")


@dataclass
class Prepared:
    """A table read, typed and checked into its connection's temporary tables, not yet loaded."""

    item: Planned
    con: duckdb.DuckDBPyConnection
    match: HeaderMatch
    started: datetime
    rows_read: int
    rows_summary: int
    seconds: float


def _result(item: Planned, batch_id: int | None) -> BatchResult:
    """An empty result for this table (a CSV found not UTF-8 past its start was re-read: its
    encoding is the one it was read with)."""
    source = item.source
    return BatchResult(
        batch_id, source.path, source.sheet, item.match.kind, source.format, source.encoding
    )


def _imported(
    con: duckdb.DuckDBPyConnection, item: Planned, cache: SheetCache | None
) -> BatchResult | None:
    """The result "already imported" when this file (and sheet) has a batch, else None."""
    source = item.source
    previous = load.previous_batch(con, source.sha256, source.sheet)
    if previous is None:
        return None
    if cache:
        forget(source, cache)
    result = _result(item, None)
    result.already_imported = True
    result.previous_batch_id, result.previous_imported_at = previous
    return result


def prepare(
    con: duckdb.DuckDBPyConnection,
    item: Planned,
    *,
    today: date,
    stage: Callable[[str], None] | None = None,
    cache: SheetCache | None = None,
) -> Prepared:
    """Read one table into ``_ing_src`` and build ``_ing_final`` (typed rows and their
    problems), all in ``con``'s temporary tables: nothing in the warehouse changes, so the next
    file is prepared while this one loads (:func:`ingest_paths`)."""
    source, spec = item.source, KINDS[item.match.kind]
    t0 = time.perf_counter()
    started = beijing_now()
    try:
        if stage:
            stage("reading")
        load_source(con, source, cache)
        match = detect_kind(source.headers, item.label, spec.kind)  # a sheet may have grown
        match = replace(match, native=tuple(sorted(source.native.items())))
        params = parse.constants(today, started)
        parse.build_final(con, spec, match, params, stage)
        read, summary = parse.counts(con, match, params)
        read += int(scalar(con, "select count(*) from _ing_bad"))
    except BaseException:
        _drop_temps(con)
        raise
    return Prepared(item, con, match, started, read, summary, time.perf_counter() - t0)


def load_prepared(
    ready: Prepared,
    *,
    stage: Callable[[str], None] | None = None,
    cache: SheetCache | None = None,
) -> BatchResult:
    """Load a prepared table in one transaction (or report that it was already imported: an
    earlier file of the same call may have had the same bytes)."""
    con, item, match = ready.con, ready.item, ready.match
    source, spec = item.source, KINDS[item.match.kind]
    t0 = time.perf_counter()
    try:
        if (done := _imported(con, item, cache)) is not None:
            return done
        read, summary = ready.rows_read, ready.rows_summary
        if stage:
            stage("loading")
        con.begin()
        try:
            batch_id = load.next_batch_id(con)
            out = load.insert_batch(con, spec, source.headers, batch_id)
            accounted = out.loaded + out.unchanged + out.updated + out.rejected + summary
            if read != accounted:
                raise IngestError(
                    f"{item.label}: {read} rows read but {accounted} accounted for "
                    f"(loaded {out.loaded}, unchanged {out.unchanged}, updated {out.updated}, "
                    f"rejected {out.rejected}, summary {summary}); nothing was loaded",
                    "internal",
                )
            load.record_batch(
                con,
                {
                    "batch_id": batch_id,
                    "file_name": source.name,
                    "file_path": str(source.path.resolve()),
                    "sha256": source.sha256,
                    "sheet": source.sheet,
                    "kind": spec.kind,
                    "format": source.format,
                    "encoding": source.encoding,
                    "header_map": json.dumps(match.header_map(), ensure_ascii=False),
                    "rows_read": read,
                    "rows_loaded": out.loaded,
                    "rows_unchanged": out.unchanged,
                    "rows_updated": out.updated,
                    "rows_rejected": out.rejected,
                    "rows_summary": summary,
                    "started_at": ready.started,
                    "finished_at": beijing_now(),
                },
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        _drop_temps(con)
    result = _result(item, batch_id)
    result.rows_read, result.rows_summary = read, summary
    result.rows_loaded, result.rows_unchanged = out.loaded, out.unchanged
    result.rows_updated, result.rows_rejected = out.updated, out.rejected
    result.reasons, result.rejected_examples = out.reasons, out.examples
    result.ignored_columns = tuple(match.unmapped)
    result.seconds = ready.seconds + time.perf_counter() - t0
    return result


# DuckDB checkpoints (writes the WAL into the database file) at every commit once the WAL passes
# 16 MiB, that is after nearly every file. Letting it grow to this size during a multi-file load
# and checkpointing once at the end measured 8-10% less CPU on the 1M-invoice benchmark files
# (29.0-29.3 s against 32.2-33.0 s for issued invoices and tax records) for ~120 MiB more peak
# memory; larger thresholds bought nothing more. Crash safety is the WAL's either way.
LOAD_CHECKPOINT_THRESHOLD = "256MB"


@contextlib.contextmanager
def _fewer_checkpoints(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A load's checkpoints: fewer (:data:`LOAD_CHECKPOINT_THRESHOLD`), one at the end, and
    without DuckDB's vacuum (:func:`analytics.warehouse.vacuum_tasks`; a warehouse connection
    has it off already, any other connection gets it off here).

    The vacuum merges adjacent row groups that fit in fewer, which is how a checkpoint reclaims
    deleted rows. A load deletes nothing, but each file's insert ends in a partly filled row
    group, so the load's checkpoints rewrote the file boundaries loaded so far, again at each
    checkpoint. The 10M benchmark's 85 files: ingest 138.2 / 132.2 -> 124.4 / 123.2 s, CPU
    (ingest and analyse) 433 / 423 -> 403 / 403 s; its final checkpoint alone took 8.75 s of
    wall and 16 s of CPU with a 7 MiB log. The merges are left to the next checkpoint with
    the vacuum on (:mod:`analytics.compaction`).
    """
    con.execute(f"set checkpoint_threshold = '{LOAD_CHECKPOINT_THRESHOLD}'")
    with vacuum_tasks(con, 0):
        try:
            yield
        finally:
            con.execute("reset checkpoint_threshold")
        con.execute("checkpoint")


def _prepare_unless_imported(
    con: duckdb.DuckDBPyConnection,
    item: Planned,
    *,
    today: date,
    stage: Callable[[str], None] | None,
    cache: SheetCache,
) -> Prepared | BatchResult:
    return _imported(con, item, cache) or prepare(con, item, today=today, stage=stage, cache=cache)


# Tables prepared ahead of the one loading (see ingest_paths).
AHEAD = 2


@contextlib.contextmanager
def _cursors(con: duckdb.DuckDBPyConnection, n: int) -> Iterator[list[duckdb.DuckDBPyConnection]]:
    """``n`` connections of ``con``'s database, each with its own temporary tables."""
    cons = [con.cursor() for _ in range(n)]
    try:
        yield cons
    finally:
        for c in cons:
            _drop_temps(c)
            c.close()


def _load_in_order(
    planned: Sequence[Planned],
    cons: Sequence[duckdb.DuckDBPyConnection],
    *,
    control: duckdb.DuckDBPyConnection,
    today: date,
    cache: SheetCache,
    bar: tqdm[Any],
    failures: list[FileFailure] | None = None,
) -> list[BatchResult]:
    """Load the tables in plan order; table i is prepared and loaded on cons[i % n], while the
    next ``n - 1`` are prepared on the others by worker threads. ``control``: an idle
    connection of the same database, for settings (the others may be mid-statement). A table
    that cannot be read stops the load, or is added to ``failures`` when that is a list."""
    ahead = len(cons) - 1
    results: list[BatchResult] = []
    pending: deque[Future[Prepared | BatchResult]] = deque()
    pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="fapiao-prepare")

    def submit(i: int) -> None:
        item = planned[i]

        def stage(what: str, label: str = item.label) -> None:
            bar.set_postfix_str(f"{label}: {what}")

        pending.append(
            pool.submit(
                _prepare_unless_imported,
                cons[i % len(cons)],
                item,
                today=today,
                stage=stage,
                cache=cache,
            )
        )

    try:
        # While several tables are in flight, each statement runs on one DuckDB thread: the
        # connections (one loading, AHEAD preparing) keep the cores busy between them, and a
        # statement's own parallelism mostly added split/merge work. The 10M benchmark's 85
        # files (43.8M rows): 124.8-132.0 s wall / 235-238 s CPU against 134.1-138.0 s /
        # 248-265 s with two threads (three alternating pairs, identical tables). The caller's
        # value comes back for the final checkpoint.
        many = ahead > 0 and len(planned) > ahead
        with thread_cap(control, 1) if many else contextlib.nullcontext():
            for i in range(len(planned)):
                # table i + ahead goes to the connection table i - 1 has finished with
                for j in range(i + len(pending), min(i + ahead + 1, len(planned))):
                    submit(j)
                try:
                    ready = pending.popleft().result()
                except IngestError as exc:
                    if failures is None:
                        raise
                    source = planned[i].source
                    failures.append(FileFailure.of(source.path, exc, source.sheet, source.sha256))
                    bar.update(1)
                    continue
                if isinstance(ready, Prepared):
                    ready = load_prepared(ready, cache=cache)
                results.append(ready)
                bar.set_postfix_str(f"{sum(r.rows_read for r in results):,} rows so far")
                bar.update(1)
    except BaseException:
        # an error stops the load: the tables being prepared ahead are abandoned (interrupted
        # here, waited for as the pool shuts down)
        for c in cons:
            c.interrupt()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def ingest_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    *,
    kind: str | None = None,
    progress: bool = True,
    today: date | None = None,
    failures: list[FileFailure] | None = None,
) -> list[BatchResult]:
    """Load files and folders (recursively); one :class:`BatchResult` per table loaded.

    ``today`` (default: today in Beijing) bounds the "date in the future" rule.

    A file that cannot be read at all (empty, not the format its name says, headers of no
    known kind, ...) raises :class:`IngestError` before anything loads. When ``failures`` is a
    list, such files are skipped instead: each is added to it and recorded in
    ``import_failures`` (:mod:`.failures`), and every other file loads, so one
    broken export in a watched folder does not hold back the rest.

    Tables load one after another, in plan order, each in its own transaction, so a file meets
    every row the files before it loaded (conflicts, duplicates, status updates). What does not
    touch the warehouse (reading, typing, checking: about 60% of the time) runs up to
    :data:`AHEAD` tables ahead, on other connections and worker threads: many statements keep
    only one core busy, and the next files' work fills the other.
    """
    day = today or beijing_today()
    cache = SheetCache()
    known = len(failures) if failures is not None else 0
    planned = plan(con, [Path(p) for p in paths], kind, cache, failures)
    with (
        _fewer_checkpoints(con),
        tqdm(
            total=len(planned), desc="ingest", unit="table", file=sys.stderr, disable=not progress
        ) as bar,
        _cursors(con, AHEAD + 1) as cons,
    ):
        results = _load_in_order(
            planned, cons, control=con, today=day, cache=cache, bar=bar, failures=failures
        )
    if failures and len(failures) > known:
        failure_log.record(con, failures[known:], beijing_now())
    return results


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    kind: str | None = None,
    progress: bool = False,
    today: date | None = None,
) -> list[BatchResult]:
    """Load one file: one result, or one per loaded XLSX sheet."""
    if Path(path).is_dir():
        raise IngestError(f"{path}: a folder; use ingest_paths", "format")
    return ingest_paths(con, [Path(path)], kind=kind, progress=progress, today=today)
