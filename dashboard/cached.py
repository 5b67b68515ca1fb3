"""The one seam between the pages and the data.

Only this module holds Streamlit caches. Pages read the *serving snapshot* (see
``analytics.warehouse``): a read-only DuckDB file that writers replace atomically, so a page never
blocks ``ingest``/``analyse`` and never sees a half-written result. The snapshot's generation
(inode, mtime) is part of every cache key: when a writer publishes, the next rerun opens the new
file and old cached results stop matching.

Cached functions take plain values and return small, sorted Polars frames. Each query runs on
its own cursor because a DuckDB connection is not thread-safe and Streamlit serves sessions on
threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from analytics import config, imports

Generation = tuple[int, int]


def serving_path() -> Path:
    return config.settings().serving_path


def warehouse_path() -> Path:
    return config.settings().db_path


def generation() -> Generation | None:
    """Identity of the current snapshot file, or None when there is none yet."""
    try:
        stat = serving_path().stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(max_entries=2, on_release=_close, show_spinner=False)
def _connection(path: str, gen: Generation) -> duckdb.DuckDBPyConnection:
    # `gen` is only part of the cache key: a new snapshot gets a new connection.
    del gen
    return duckdb.connect(path, read_only=True)


def _read(gen: Generation, fn: Callable[..., pl.DataFrame], *args: Any) -> pl.DataFrame:
    cursor = _connection(str(serving_path()), gen).cursor()
    try:
        return fn(cursor, *args)
    finally:
        cursor.close()


def _gen() -> Generation:
    gen = generation()
    if gen is None:
        raise FileNotFoundError(f"no serving snapshot at {serving_path()}")
    return gen


def ready() -> bool:
    """True when a published snapshot exists."""
    return generation() is not None


@st.cache_data(show_spinner=False, max_entries=64)
def _snapshot_meta(gen: Generation) -> pl.DataFrame:
    return _read(gen, lambda c: c.sql("select * from snapshot_meta").pl())


def snapshot_meta() -> pl.DataFrame:
    return _snapshot_meta(_gen())


@st.cache_data(show_spinner=False, max_entries=64)
def _warehouse_tables(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.warehouse_tables)


def warehouse_tables() -> pl.DataFrame:
    return _warehouse_tables(_gen())


@st.cache_data(show_spinner=False, max_entries=64)
def _import_history(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.import_history)


def import_history() -> pl.DataFrame:
    return _import_history(_gen())


@st.cache_data(show_spinner=False, max_entries=64)
def _rejected_by_reason(gen: Generation) -> pl.DataFrame:
    return _read(gen, imports.rejected_by_reason)


def rejected_by_reason() -> pl.DataFrame:
    return _rejected_by_reason(_gen())


@st.cache_data(show_spinner=False, max_entries=64)
def _rejected_sample(gen: Generation, limit: int) -> pl.DataFrame:
    return _read(gen, imports.rejected_sample, limit)


def rejected_sample(limit: int = 200) -> pl.DataFrame:
    return _rejected_sample(_gen(), limit)


def build_demo(on_progress: Callable[[str, float], None]) -> str:
    """Build the demo warehouse (first-run screen) and drop every cached result."""
    from analytics.demo import build_demo as _build

    summary = _build(warehouse_path(), on_progress=on_progress, show_bars=False)
    st.cache_data.clear()
    return summary
