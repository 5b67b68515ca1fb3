"""The one seam between the pages and the data: the only module with Streamlit caches.

Pages read the *serving snapshot* (see ``analytics.warehouse``): a read-only DuckDB file that
writers replace atomically, so a page never blocks ``ingest``/``analyse`` and never sees a
half-written result. The snapshot's generation (inode, mtime) is the first argument of every
cached function: when a writer publishes, the next rerun opens the new file and old cached
results stop matching.

Pattern (one pair per query): a private ``@st.cache_data`` function taking the generation and
plain hashable values (strings, tuples, numbers, the frozen ``Filters``) that runs one
``analytics.views`` / ``analytics.profile`` function on a cursor of its own, and a public
wrapper without the generation. Each query has a cursor to itself while it runs because a
DuckDB connection is not thread-safe and Streamlit serves sessions on threads; cursors are
then kept for later queries of the same generation (see ``_Snapshot``). Results are small,
sorted Polars frames.
To add a query: write it in ``analytics`` (taking a connection), then add a pair here.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from analytics import (
    alert_desk,
    alert_rules,
    alert_whatif,
    complaint_trends,
    config,
    credit_scheme,
    credit_views,
    credit_whatif,
    feeds,
    imports,
    invoice_lookup,
    profile,
    reminders,
    reports,
    risk_views,
    scope,
    scores_views,
    self_check_views,
    views,
)
from analytics.complaint_trends import Grain
from analytics.ingest.preview import FilePreview, preview_file
from analytics.views import Filters
from analytics.warehouse import WarehouseBusyError

Generation = tuple[int, int]
_ENTRIES = 256  # per function; frames are small, and a filter change is a new entry


def serving_path() -> Path:
    # every cached call asks (for the generation): resolving the path each time costs more
    # than the rest of a cache hit
    return _paths(os.environ.get(config.ENV_DB))[1]


def warehouse_path() -> Path:
    return _paths(os.environ.get(config.ENV_DB))[0]


@functools.lru_cache(maxsize=8)
def _paths(env_db: str | None) -> tuple[Path, Path]:
    """(warehouse, snapshot) for a value of $FAPIAO_WATCH_DB (the argument is the cache key)."""
    del env_db
    cfg = config.settings()
    return cfg.db_path, cfg.serving_path


def generation() -> Generation | None:
    """Identity of the current snapshot file, or None when there is none yet."""
    try:
        stat = serving_path().stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


class _Snapshot:
    """One generation of the snapshot, attached, with the cursors its queries ran on.

    A query takes an idle cursor (or a new one) and gives it back: each query still has a
    cursor of its own (a DuckDB connection is not thread-safe), but a reused cursor has already
    switched to the snapshot and created the scope macros (``analytics.view_sql.prepare``),
    which costs ~2 ms a query otherwise.
    """

    def __init__(self, path: str) -> None:
        # Not duckdb.connect(path): DuckDB hands out one database instance per path while any
        # connection to it is open, so a new connection would keep reading the replaced file.
        # An in-memory instance that attaches the file opens whatever file is at path now.
        self.con = duckdb.connect(":memory:")
        self.con.execute("attach $path as snapshot (read_only)", {"path": path}).fetchall()
        self._idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    def take(self) -> duckdb.DuckDBPyConnection:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            cursor = self.con.cursor()
            cursor.execute("use snapshot").fetchall()
            with self._lock:
                self._cursors.append(cursor)
            return cursor

    def give_back(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._idle.put(cursor)

    def drop(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """A cursor whose query failed is closed rather than reused (it may hold a result)."""
        with self._lock:
            if cursor in self._cursors:  # not when close() ran meanwhile
                self._cursors.remove(cursor)
        cursor.close()

    def close(self) -> None:
        with self._lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
        self.con.close()


def _close(snapshot: _Snapshot) -> None:
    snapshot.close()


@st.cache_resource(max_entries=2, on_release=_close, show_spinner=False)
def _connection(path: str, gen: Generation) -> _Snapshot:
    """The snapshot of generation ``gen`` (only part of the cache key)."""
    del gen
    return _Snapshot(path)


def _read(gen: Generation, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    snapshot = _connection(str(serving_path()), gen)
    cursor = snapshot.take()
    try:
        result = fn(cursor, *args, **kwargs)
    except BaseException:
        snapshot.drop(cursor)
        raise
    snapshot.give_back(cursor)
    return result


def _gen() -> Generation:
    gen = generation()
    if gen is None:
        raise FileNotFoundError(f"no serving snapshot at {serving_path()}")
    return gen


@st.cache_data(show_spinner=False, max_entries=8)
def _snapshot_tables(gen: Generation) -> tuple[str, ...]:
    sql = "select table_name from duckdb_tables() where database_name = current_database()"
    frame = _read(gen, lambda c: c.sql(sql).pl())
    return tuple(sorted(frame["table_name"].to_list()))


def has_table(name: str) -> bool:
    gen = generation()
    return gen is not None and name in _snapshot_tables(gen)


def ready() -> bool:
    """True when a published snapshot with analysis results exists."""
    return has_table("merchant_period_metrics")


# --- snapshot and bookkeeping -------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _snapshot_meta(gen: Generation) -> pl.DataFrame:
    return _read(gen, lambda c: c.sql("select * from snapshot_meta").pl())


def snapshot_meta() -> pl.DataFrame:
    return _snapshot_meta(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _warehouse_tables(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.warehouse_tables)


def warehouse_tables() -> pl.DataFrame:
    return _warehouse_tables(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _import_history(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.import_history)


def import_history() -> pl.DataFrame:
    return _import_history(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _import_failures(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.import_failures)


def import_failures() -> pl.DataFrame:
    """Files the loader could not read, not loaded since (newest attempt first)."""
    return _import_failures(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _analysis_status(gen: Generation) -> imports.AnalysisStatus | None:
    return _read(gen, imports.analysis_status)


def analysis_status() -> imports.AnalysisStatus | None:
    """Batches waiting for an analysis and analyses failing since the last good one."""
    return _analysis_status(_gen())


def as_of() -> datetime | None:
    """The as-of time of the figures (the latest analysis's); None before any analysis."""
    status = analysis_status()
    return status.as_of if status else None


@st.cache_data(show_spinner=False, max_entries=8)
def _analysis_history(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.analysis_history)


def analysis_history() -> pl.DataFrame:
    """The latest runs of ``analyse``, succeeded and failed, newest first."""
    return _analysis_history(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _rejected_by_reason(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.rejected_by_reason)


def rejected_by_reason() -> pl.DataFrame:
    return _rejected_by_reason(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _rejected_sample(gen: Generation, limit: int) -> pl.DataFrame:
    return _read(gen, imports.rejected_sample, limit)


def rejected_sample(limit: int = 200) -> pl.DataFrame:
    return _rejected_sample(_gen(), limit)


# --- filters ------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _months(gen: Generation) -> list[str]:
    return _read(gen, views.available_months)


def months() -> list[str]:
    """Months with invoices, oldest first (the period filter's options)."""
    return _months(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _complaint_receipts(gen: Generation) -> pl.DataFrame:
    return _read(gen, views.complaint_receipts)


def complaint_scope(f: Filters) -> tuple[Filters, list[str]]:
    """``f`` for complaint views, extended past the last invoice month to the complaints
    received after it when the range ends there, and the months that adds."""
    received = _complaint_receipts(_gen())["period"].to_list()
    return scope.complaint_scope(f, months(), received)


def complaints_as_of() -> datetime | None:
    """How far the complaint figures run: the analysis's as-of time, or the latest complaint's
    receipt when the complaint feed runs past it."""
    last = views.last_complaint_at(_complaint_receipts(_gen()))
    times = [x for x in (as_of(), last) if x is not None]
    return max(times) if times else None


@st.cache_data(show_spinner=False, max_entries=8)
def _filter_options(gen: Generation) -> pl.DataFrame:
    return _read(gen, views.filter_options)


def filter_options() -> pl.DataFrame:
    return _filter_options(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _deadline(gen: Generation) -> int:
    return _read(gen, views.deadline_workdays)


def deadline() -> int:
    """The working-day deadline of the analysis the snapshot holds."""
    return _deadline(_gen())


# --- metrics of the selection -------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _group_metrics(gen: Generation, f: Filters, by: tuple[str, ...]) -> pl.DataFrame:
    return _read(gen, views.group_metrics, f, by)


def group_metrics(f: Filters, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every registry metric per group of ``by`` over the filtered range."""
    return _group_metrics(_gen(), f, by)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _group_metrics_sets(
    gen: Generation, f: Filters, bys: tuple[tuple[str, ...], ...]
) -> list[pl.DataFrame]:
    return _read(gen, views.group_metrics_sets, f, bys)


def group_metrics_sets(f: Filters, *bys: tuple[str, ...]) -> list[pl.DataFrame]:
    """:func:`group_metrics` for each grouping of ``bys``, from one query (see
    ``analytics.views.group_metrics_sets``): one frame per grouping, in order."""
    return _group_metrics_sets(_gen(), f, bys)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _period_series(gen: Generation, f: Filters) -> pl.DataFrame:
    return _read(gen, views.period_series, f, deadline=_deadline(gen))


def period_series(f: Filters) -> pl.DataFrame:
    """Monthly metrics in the range with volume change and delay p95."""
    return _period_series(_gen(), f)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _delay_quantile(gen: Generation, f: Filters, by: tuple[str, ...], q: float) -> pl.DataFrame:
    return _read(gen, views.delay_quantile, f, by, q, deadline=_deadline(gen))


def delay_quantile(f: Filters, by: tuple[str, ...] = (), q: float = 0.95) -> pl.DataFrame:
    return _delay_quantile(_gen(), f, by, q)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _delay_distribution(gen: Generation, f: Filters, by: tuple[str, ...]) -> pl.DataFrame:
    return _read(gen, views.delay_distribution, f, by, deadline=_deadline(gen))


def delay_distribution(f: Filters, by: tuple[str, ...] = ()) -> pl.DataFrame:
    return _delay_distribution(_gen(), f, by)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _delay_profile(
    gen: Generation, f: Filters, by: tuple[str, ...], q: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return _read(gen, views.delay_profile, f, by, q, deadline=_deadline(gen))


def delay_profile(
    f: Filters, by: tuple[str, ...] = (), q: float = 0.95
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(delay_distribution(f, by), delay_quantile(f, by, q))`` from one query."""
    return _delay_profile(_gen(), f, by, q)


@st.cache_data(show_spinner=False, max_entries=8)
def _vendor_incidents(gen: Generation) -> pl.DataFrame:
    return _read(gen, views.vendor_incidents)


def vendor_incidents() -> pl.DataFrame:
    """Days of systemic delay at one invoicing software, city-wide (one query per snapshot;
    pages narrow them to the filters' months and vendors)."""
    return _vendor_incidents(_gen())


@st.cache_data(show_spinner=False, max_entries=8)
def _feed_gaps(gen: Generation) -> pl.DataFrame:
    return _read(gen, feeds.feed_gaps)


@st.cache_data(show_spinner=False, max_entries=8)
def _feed_coverage(gen: Generation) -> pl.DataFrame:
    return _read(gen, feeds.feed_coverage)


def feed_coverage() -> pl.DataFrame:
    """The issue days each feed holds, the tax export first (``analytics.feeds``)."""
    return _feed_coverage(_gen())


def feed_gaps() -> pl.DataFrame:
    """Runs of issue days a feed lacks while the other holds them (``analytics.feeds``), as the
    last analysis found them: usually none."""
    return _feed_gaps(_gen())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchants_below(
    gen: Generation, f: Filters, metric: str, threshold: float, min_due: int
) -> pl.DataFrame:
    return _read(gen, views.merchants_below, f, metric, threshold, min_due=min_due)


def merchants_below(f: Filters, metric: str, threshold: float, min_due: int) -> pl.DataFrame:
    return _merchants_below(_gen(), f, metric, threshold, min_due)


@st.cache_data(show_spinner=False, max_entries=8)
def _pending_merchants(gen: Generation) -> pl.DataFrame:
    return _read(gen, views.pending_merchants)


@st.cache_data(show_spinner=False, max_entries=8)
def _pending_invoices(gen: Generation, f: Filters) -> pl.DataFrame:
    return _read(gen, views.pending_invoices, f)


def pending_invoices(f: Filters) -> pl.DataFrame:
    """Every pending invoice in ``f``'s attribute scope (the reminder list's rows)."""
    return _pending_invoices(_gen(), f.with_periods("", ""))


def pending_by_merchant(f: Filters) -> pl.DataFrame:
    """Merchants with invoices whose entry deadline has not passed, in ``f``'s attribute scope:
    one query per snapshot, then a filter in memory on each change (a query per change cost
    the 10M page's rerun ~25 ms); empty without the table."""
    return views.pending_in_scope(_pending_merchants(_gen()), f)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _open_alerts(gen: Generation, f: Filters) -> pl.DataFrame:
    return _read(gen, views.open_alerts, f)


def open_alerts(f: Filters) -> pl.DataFrame:
    """``open_alerts, new_in_period`` in scope; empty when the snapshot has no alerts yet."""
    return _open_alerts(_gen(), f)


# --- complaints ---------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _complaint_links(gen: Generation, f: Filters) -> pl.DataFrame:
    return _read(gen, views.complaint_links, f)


def complaint_links(f: Filters) -> pl.DataFrame:
    """Linked complaints in scope (the input of the complaint trend transforms)."""
    return _complaint_links(_gen(), f)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _complaint_trend(gen: Generation, f: Filters, grain: Grain, by: str | None) -> pl.DataFrame:
    return _read(gen, views.complaint_trend, f, grain, by)


def complaint_trend(f: Filters, grain: Grain, by: str | None) -> pl.DataFrame:
    return _complaint_trend(_gen(), f, grain, by)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _complaint_summary(gen: Generation, f: Filters, what: str, by: str | None) -> pl.DataFrame:
    links = _complaint_links(gen, f).lazy()
    if what == "resolution":
        return complaint_trends.resolution_times(links, by=by).collect()
    if what == "crosstab":
        return complaint_trends.category_status_crosstab(links).collect()
    if what == "not_found":
        return complaint_trends.not_found_invoice_share(links, by=by).collect()
    if what == "top":
        invoices = _group_metrics(gen, f, ("merchant_id", "merchant_name")).select(
            "merchant_id", "merchant_name", invoices="invoices_issued"
        )
        top = complaint_trends.top_merchants(links, invoices.lazy(), n=20).collect()
        return top.join(invoices.drop("invoices"), on="merchant_id", how="left").sort(
            ["complaints", "merchant_id"], descending=[True, False]
        )
    raise ValueError(f"unknown complaint summary {what!r}")


def resolution_times(f: Filters, by: str | None = "category") -> pl.DataFrame:
    return _complaint_summary(_gen(), f, "resolution", by)


def category_status(f: Filters) -> pl.DataFrame:
    return _complaint_summary(_gen(), f, "crosstab", None)


def not_found_share(f: Filters, by: str | None = None) -> pl.DataFrame:
    return _complaint_summary(_gen(), f, "not_found", by)


def top_complained(f: Filters) -> pl.DataFrame:
    """The 20 merchants with most complaints, with invoices issued and complaints per 1,000."""
    return _complaint_summary(_gen(), f, "top", None)


@st.cache_data(show_spinner=False, max_entries=8)
def _classifier_report(gen: Generation) -> pl.DataFrame:
    return _read(gen, views.classifier_report)


def classifier_report() -> pl.DataFrame:
    return _classifier_report(_gen())


# --- one merchant -------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _merchant_options(gen: Generation) -> pl.DataFrame:
    return _read(gen, profile.merchant_options)


def merchant_options() -> pl.DataFrame:
    return _merchant_options(_gen())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_search(gen: Generation, query: str, limit: int) -> pl.DataFrame:
    return _read(gen, profile.search_merchants, query, limit)


def merchant_search(query: str, limit: int) -> pl.DataFrame:
    """The first ``limit`` merchants matching ``query`` (name or USCC), with ``matches``."""
    return _merchant_search(_gen(), query.strip(), limit)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_names(gen: Generation, merchant_ids: tuple[str, ...]) -> dict[str, str]:
    frame = _read(gen, profile.merchant_names, merchant_ids)
    return dict(zip(frame["merchant_id"], frame["name"], strict=True))


def merchant_names(merchant_ids: tuple[str, ...]) -> dict[str, str]:
    """USCC -> name of the given merchants that are registered."""
    return _merchant_names(_gen(), merchant_ids)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_facts(gen: Generation, merchant_id: str) -> pl.DataFrame:
    return _read(gen, profile.merchant_facts, merchant_id)


def merchant_facts(merchant_id: str) -> pl.DataFrame:
    """The merchant's registry row (empty for an unknown USCC)."""
    return _merchant_facts(_gen(), merchant_id)


# A merchant's own rows ignore the attribute filters: only the months are part of the key.


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_activity(
    gen: Generation, merchant_id: str, months: tuple[str, str], grain: str
) -> pl.DataFrame:
    return _read(gen, profile.merchant_activity, merchant_id, *months, grain)


def merchant_activity(merchant_id: str, f: Filters, grain: str = "day") -> pl.DataFrame:
    return _merchant_activity(_gen(), merchant_id, (f.period_from, f.period_to), grain)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_rows(
    gen: Generation, what: str, merchant_id: str, months: tuple[str, str]
) -> pl.DataFrame:
    fn = {
        "periods": profile.merchant_periods,
        "exceptions": profile.merchant_exceptions,
        "complaints": profile.merchant_complaints,
    }[what]
    return _read(gen, fn, merchant_id, *months)


def merchant_periods(merchant_id: str, f: Filters) -> pl.DataFrame:
    """The merchant's monthly metric rows in the range."""
    return _merchant_rows(_gen(), "periods", merchant_id, (f.period_from, f.period_to))


def merchant_exceptions(merchant_id: str, f: Filters) -> pl.DataFrame:
    """The merchant's reconciliation exceptions in the range, newest first."""
    return _merchant_rows(_gen(), "exceptions", merchant_id, (f.period_from, f.period_to))


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_pending(gen: Generation, merchant_id: str) -> pl.DataFrame:
    return _read(gen, profile.merchant_pending, merchant_id)


def merchant_pending(merchant_id: str) -> pl.DataFrame:
    """The merchant's invoices whose entry deadline is still ahead, nearest first."""
    return _merchant_pending(_gen(), merchant_id)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_reminders(gen: Generation, merchant_id: str) -> pl.DataFrame:
    # the outcomes of every reminder are read once per snapshot, not per profile opened
    return _read(gen, reminders.history, merchant_id, outcomes=_reminder_outcomes(gen))


def merchant_reminders(merchant_id: str) -> pl.DataFrame:
    """The merchant's reminders (催报), newest first."""
    return _merchant_reminders(_gen(), merchant_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _reminder_outcomes(gen: Generation) -> pl.DataFrame:
    return _read(gen, reminders.invoice_outcomes)


def reminder_outcomes(f: Filters) -> dict[str, int]:
    """The invoices reminded about among ``f``'s merchants (attributes, not months) and what
    became of them: read once per snapshot, filtered in memory."""
    return reminders.outcomes_in_scope(_reminder_outcomes(_gen()), f.attribute_mask())


def record_reminders(
    merchant_ids: Sequence[str], *, by: str, channel: str, note: str | None
) -> list[reminders.Recorded]:
    """Record reminders in the warehouse and publish (a writer, like :func:`act_on_alerts`)."""
    return reminders.record_all(
        merchant_ids, by=by, channel=channel, note=note, db=warehouse_path()
    )


def merchant_complaints(merchant_id: str, f: Filters) -> pl.DataFrame:
    """Complaints linked to the merchant in the range, newest first."""
    return _merchant_rows(_gen(), "complaints", merchant_id, (f.period_from, f.period_to))


# --- uploads ------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def _preview(gen: Generation, path: str, kind: str | None) -> FilePreview:
    return _read(gen, lambda c: preview_file(Path(path), kind=kind, known=c))


def preview(path: str, kind: str | None = None) -> FilePreview:
    """What an uploaded file would load as; ``path`` names its content (see stage_upload)."""
    return _preview(_gen(), path, kind)


# --- invoice lookup (the Invoice lookup page) ----------------------------------------------


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _invoice_lookup_snapshot(
    gen: Generation, numbers: tuple[str, ...], orders: tuple[str, ...]
) -> invoice_lookup.Lookup:
    return _read(
        gen, invoice_lookup.from_snapshot, invoice_lookup.Numbers(numbers, frozenset(orders))
    )


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _invoice_lookup(
    gen: Generation, numbers: tuple[str, ...], orders: tuple[str, ...]
) -> invoice_lookup.Lookup:
    """Both steps; the warehouse's ``WarehouseBusyError`` is raised, so not cached."""
    first = _invoice_lookup_snapshot(gen, numbers, orders)
    return invoice_lookup.ask_warehouse(first, warehouse_path())


def invoice_lookup_result(numbers: invoice_lookup.Numbers) -> invoice_lookup.Lookup:
    """Where ``numbers`` stand: the snapshot's exceptions, pending invoices and rejected rows,
    then the warehouse for the rest; while ``ingest``/``analyse`` hold the warehouse, the
    snapshot's answer alone (its ``unchecked`` numbers set), asked again on the next rerun. The
    snapshot's step is cached on its own, so a busy warehouse does not make it run twice."""
    gen = _gen()
    key = (numbers.all, numbers.order_ids)
    try:
        return _invoice_lookup(gen, *key)
    except WarehouseBusyError:
        return _invoice_lookup_snapshot(gen, *key)


# --- writers ------------------------------------------------------------------------------


def build_demo(on_progress: Callable[[str, float], None]) -> str:
    """Build the demo warehouse (first-run screen) and drop every cached result."""
    from analytics.demo import build_demo as _build

    summary = _build(warehouse_path(), on_progress=on_progress, show_bars=False)
    st.cache_data.clear()
    return summary


# --- scores: the simulated ranking and the anomaly scores ---------------------------------
# (Merchant ranking and Anomalies pages, profile sections 30 and 35.) The ranking ignores the
# months of the filters (its period is a quarter or the trailing window), so they leave the key.


@st.cache_data(show_spinner=False, max_entries=8)
def _credit_periods(gen: Generation) -> pl.DataFrame:
    return _read(gen, credit_views.credit_periods)


def credit_periods() -> pl.DataFrame:
    """Periods with simulated scores: ``period_type, period, merchants, rated``."""
    return _credit_periods(_gen())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _ranking(gen: Generation, f: Filters, period: str) -> pl.DataFrame:
    return _read(gen, credit_views.ranking, f, period)


def ranking(f: Filters, period: str) -> pl.DataFrame:
    """The simulated ranking of ``period`` for the merchants ``f`` selects, with anomaly scores."""
    return _ranking(_gen(), f.with_periods("", ""), period)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _whatif(gen: Generation, f: Filters, period: str, scheme_text: str) -> pl.DataFrame:
    rows = _read(gen, credit_views.whatif_rows, f, period)
    scheme = credit_scheme.parse_scheme(scheme_text, source=credit_whatif.SOURCE)
    return credit_whatif.rescore(rows, scheme)


def whatif(f: Filters, period: str, scheme_text: str) -> pl.DataFrame:
    """The stored scores of ``period`` for the merchants ``f`` selects, rescored under the
    scheme in ``scheme_text`` (``credit_whatif.rescore``: ~10 ms for 2,000 merchants), once
    per scheme and snapshot."""
    return _whatif(_gen(), f.with_periods("", ""), period, scheme_text)


@st.cache_data(show_spinner=False, max_entries=4)
def _scheme_text(stamp: tuple[int, int]) -> str:
    return credit_scheme.SCHEME_PATH.read_text(encoding="utf-8")


def credit_scheme_text() -> str:
    """The text of ``data/reference/credit_scheme.toml``, read again when the file changes."""
    stat = credit_scheme.SCHEME_PATH.stat()
    return _scheme_text((stat.st_mtime_ns, stat.st_size))


@st.cache_data(show_spinner=False, max_entries=4)
def _alert_rules_text(stamp: tuple[int, int]) -> str:
    return alert_rules.RULES_PATH.read_text(encoding="utf-8")


def alert_rules_text() -> str:
    """The text of ``data/reference/alert_rules.toml``, read again when the file changes."""
    stat = alert_rules.RULES_PATH.stat()
    return _alert_rules_text((stat.st_mtime_ns, stat.st_size))


@st.cache_data(show_spinner=False, max_entries=8)
def _alert_window(gen: Generation, max_age_months: int) -> list[str]:
    return _read(gen, alert_whatif.window, max_age_months)


def alert_window(max_age_months: int) -> list[str]:
    """The months an analysis raises alerts for now (the newest month and those before it)."""
    return _alert_window(_gen(), max_age_months)


@st.cache_data(show_spinner=False, max_entries=8)
def _alert_month_rows(gen: Generation, f: Filters, max_age_months: int) -> alert_whatif.MonthRows:
    return _read(gen, alert_whatif.month_rows, f, max_age_months)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _alert_whatif_hits(gen: Generation, f: Filters, rules_text: str) -> pl.DataFrame:
    """The rows are read once per scope (0.85 s at 10M invoices), each rule set evaluated on
    them (0.46 s)."""
    rules = alert_rules.parse_rules(rules_text, source=alert_whatif.SOURCE)
    return alert_whatif.hits(_alert_month_rows(gen, f, rules.max_age_months), rules)


def alert_whatif_hits(f: Filters, rules_text: str) -> pl.DataFrame:
    """The merchant-months of the alert window that the rules in ``rules_text`` flag, in
    ``f``'s attribute scope (``alert_whatif.hits``), once per rules and snapshot."""
    return _alert_whatif_hits(_gen(), f.with_periods("", ""), rules_text)


@st.cache_data(show_spinner=False, max_entries=8)
def _model_info(gen: Generation) -> scores_views.ModelInfo | None:
    return _read(gen, scores_views.model_info)


def model_info() -> scores_views.ModelInfo | None:
    """The anomaly model's flag threshold and settings (None before the anomaly stage ran)."""
    return _model_info(_gen())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _anomaly_view(gen: Generation, what: str, f: Filters, threshold: float) -> pl.DataFrame:
    if what == "histogram":
        return _read(gen, scores_views.score_histogram, f)
    fn = {
        "summary": scores_views.score_summary,
        "top": scores_views.top_merchants,
        "months": scores_views.months_above,
    }[what]
    return _read(gen, fn, f, threshold)


def score_histogram(f: Filters) -> pl.DataFrame:
    """Merchant-months in scope per anomaly-score bin."""
    return _anomaly_view(_gen(), "histogram", f, 0.0)


def score_summary(f: Filters, threshold: float) -> pl.DataFrame:
    """Merchant-months and merchants in scope, above ``threshold``, and flagged (one row)."""
    return _anomaly_view(_gen(), "summary", f, threshold)


def top_anomalous(f: Filters, threshold: float) -> pl.DataFrame:
    """Merchants with a month above ``threshold``, highest score first, with explanations."""
    return _anomaly_view(_gen(), "top", f, threshold)


def months_above(f: Filters, threshold: float) -> pl.DataFrame:
    """Merchant-months above ``threshold``, highest first, with explanations."""
    return _anomaly_view(_gen(), "months", f, threshold)


@st.cache_data(show_spinner=False, max_entries=8)
def _evaluation(gen: Generation) -> scores_views.Evaluation | None:
    return _read(gen, scores_views.evaluation)


def evaluation() -> scores_views.Evaluation | None:
    """The model measured against planted truth; None on a warehouse without planted truth."""
    return _evaluation(_gen())


# --- the entry-risk forecast ------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _risk_merchants(gen: Generation, f: Filters, min_risk: float) -> pl.DataFrame:
    return _read(gen, risk_views.merchants, f, min_risk=min_risk)


def risk_merchants(f: Filters, min_risk: float = 0.0) -> pl.DataFrame:
    """The forecast for the merchants in scope at ``min_risk`` or above, highest risk first,
    reasons in both languages (the month range of ``f`` does not apply)."""
    return _risk_merchants(_gen(), f.with_periods("", ""), min_risk)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _risk_summary(gen: Generation, f: Filters) -> dict[str, Any]:
    return _read(gen, risk_views.summary, f)


def risk_summary(f: Filters) -> dict[str, Any]:
    """Merchants forecast in scope, failures expected, merchants at high risk."""
    return _risk_summary(_gen(), f.with_periods("", ""))


@st.cache_data(show_spinner=False, max_entries=8)
def _risk_evaluation(gen: Generation) -> dict[str, Any] | None:
    return _read(gen, risk_views.evaluation)


def risk_evaluation() -> dict[str, Any] | None:
    """The forecast's out-of-time measurement; None before the stage ran or with too little
    history."""
    return _risk_evaluation(_gen())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_risk(gen: Generation, merchant_id: str) -> dict[str, Any] | None:
    return _read(gen, risk_views.merchant, merchant_id)


def merchant_risk(merchant_id: str) -> dict[str, Any] | None:
    """One merchant's forecast with reasons, or None."""
    return _merchant_risk(_gen(), merchant_id)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_credit(gen: Generation, merchant_id: str) -> pl.DataFrame:
    return _read(gen, credit_views.merchant_credit, merchant_id)


def merchant_credit(merchant_id: str) -> pl.DataFrame:
    """The merchant's simulated scores of every period, with breakdowns."""
    return _merchant_credit(_gen(), merchant_id)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _score_breakdown(gen: Generation, merchant_id: str, period: str) -> pl.DataFrame:
    rows = _merchant_credit(gen, merchant_id).filter(pl.col("period") == period)
    return credit_views.breakdown(rows.row(0, named=True)) if rows.height else pl.DataFrame()


def score_breakdown(merchant_id: str, period: str) -> pl.DataFrame:
    """One period's score breakdown with its rules in words (``credit_views.breakdown``:
    the words are rendered from the scheme file, ~20 ms, once per snapshot, not per rerun)."""
    return _score_breakdown(_gen(), merchant_id, period)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _merchant_anomaly_months(
    gen: Generation, merchant_id: str, months: tuple[str, str]
) -> pl.DataFrame:
    return _read(gen, scores_views.merchant_anomaly_months, merchant_id, *months)


def merchant_anomaly_months(merchant_id: str, f: Filters) -> pl.DataFrame:
    """The merchant's monthly anomaly scores in the range of ``f``."""
    return _merchant_anomaly_months(_gen(), merchant_id, (f.period_from, f.period_to))


# --- alerts (the Alerts page) -------------------------------------------------------------


@st.cache_data(show_spinner=False)
def alert_rule_names(lang: str) -> dict[str, str]:
    """Alert rule id -> its name in ``lang`` (from data/reference/alert_rules.toml)."""
    return {k: r.name_zh if lang == "zh" else r.name_en for k, r in alert_desk.rules().items()}


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _alert_queue(
    gen: Generation,
    f: Filters,
    statuses: tuple[str, ...],
    rules: tuple[str, ...],
    severities: tuple[str, ...],
) -> pl.DataFrame:
    incidents, gaps = _vendor_incidents(gen), _feed_gaps(gen)
    return _read(
        gen, alert_desk.queue, f, statuses, rules, severities, incidents=incidents, gaps=gaps
    )


def alert_queue(
    f: Filters,
    statuses: tuple[str, ...] = (),
    rules: tuple[str, ...] = (),
    severities: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Alerts of the merchants ``f`` selects (not narrowed by months), by status, rule, severity."""
    return _alert_queue(_gen(), f.with_periods("", ""), statuses, rules, severities)


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _alert_events(gen: Generation, alert_id: int) -> pl.DataFrame:
    return _read(gen, alert_desk.events, alert_id)


def alert_events(alert_id: int) -> pl.DataFrame:
    """The alert's history, oldest first."""
    return _alert_events(_gen(), alert_id)


def act_on_alerts(
    alert_ids: Sequence[int], action: alert_desk.Action, *, by: str, note: str | None
) -> list[dict[str, Any]]:
    """Write an acknowledgement or resolution of one alert or several (all of them or none) to
    the warehouse and publish (a writer: the new snapshot's generation makes every cached
    result above stale by itself)."""
    return alert_desk.act_all(alert_ids, action, by=by, note=note, db=warehouse_path())


# --- self-check reports (the Self-check page) ---------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _report_periods(gen: Generation) -> pl.DataFrame:
    return _read(gen, self_check_views.report_periods)


def report_periods() -> pl.DataFrame:
    """Months (newest first), then quarters, that a report can cover."""
    return _report_periods(_gen())


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _report_preview(
    gen: Generation,
    what: str,
    period: str,
    *,
    merchant_id: str | None,
    district: str | None,
    merchant_ids: tuple[str, ...] | None,
) -> pl.DataFrame:
    fn = self_check_views.summary if what == "summary" else self_check_views.sheet_rows
    return _read(
        gen, fn, period, merchant_id=merchant_id, district=district, merchant_ids=merchant_ids
    )


def report_summary(
    period: str,
    *,
    merchant_id: str | None = None,
    district: str | None = None,
    merchant_ids: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """The report's summary figures for a merchant, a district or a list (one row; empty: no
    data)."""
    who = {"merchant_id": merchant_id, "district": district, "merchant_ids": merchant_ids}
    return _report_preview(_gen(), "summary", period, **who)


def report_sheet_rows(
    period: str,
    *,
    merchant_id: str | None = None,
    district: str | None = None,
    merchant_ids: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """Rows each detail sheet of the report will hold."""
    who = {"merchant_id": merchant_id, "district": district, "merchant_ids": merchant_ids}
    return _report_preview(_gen(), "sheets", period, **who)


@st.cache_data(show_spinner=False, max_entries=8)
def _list_manifest(gen: Generation, ids: tuple[str, ...], period: str) -> pl.DataFrame:
    return _read(gen, reports.list_manifest, ids, period)


def list_manifest(ids: tuple[str, ...], period: str) -> pl.DataFrame:
    """Each listed merchant: its name and its fate in ``period`` (``reports.list_manifest``)."""
    return _list_manifest(_gen(), ids, period)


@st.cache_data(show_spinner=False, max_entries=32)
def _self_check_report(gen: Generation, merchant_id: str, period: str, fmt: str) -> bytes:
    return _read(gen, reports.self_check_report, merchant_id, period, fmt)


def self_check_report(merchant_id: str, period: str, fmt: str) -> bytes:
    """One merchant's report as XLSX or CSV-zip bytes."""
    return _self_check_report(_gen(), merchant_id, period, fmt)


def district_reports(
    district: str, period: str, fmt: str, on_progress: Callable[[int, int], None]
) -> bytes:
    """A district's reports as one zip; not cached (large, and built on request with a bar)."""
    return _read(_gen(), reports.district_reports, district, period, fmt, on_progress=on_progress)


def list_reports(
    ids: tuple[str, ...], period: str, fmt: str, on_progress: Callable[[int, int], None]
) -> bytes:
    """A list's reports and its 清单.csv as one zip; not cached, like a district's."""
    return _read(_gen(), reports.list_reports, ids, period, fmt, on_progress=on_progress)
