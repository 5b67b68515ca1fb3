"""Running the read-side SQL of ``analytics/sql/views/``: the scope macros, bound parameters,
group keys checked against the columns that can be grouped by, and the analysis deadline.
Shared by the views over merchant rows and marts (``analytics.views``, ``analytics.delay_views``)
and the score views; ``analytics.views`` re-exports what pages use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import duckdb
import polars as pl

from analytics import frames, sqlrun
from analytics.config import settings
from analytics.scope import DIMENSIONS
from analytics.warehouse import table_exists

GROUP_KEYS: Final = ("period", "period_start", "merchant_id", "merchant_name", *DIMENSIONS)


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the scope macros on this connection (temp: the snapshot is read-only)."""
    sqlrun.install_once(con, "views/macros.sql")


def prepare_cubes(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros of the ``cube_*`` views (``views/cube_macros.sql``) too; a catalogue
    error when the snapshot has no aggregate marts."""
    prepare(con)
    sqlrun.install_once(con, "views/cube_macros.sql")


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """Run ``sql/views/<name>.sql`` with the parameters it uses (the ``cube_*`` views with
    their macros too)."""
    if name.startswith("cube_"):
        prepare_cubes(con)
    else:
        prepare(con)
    return frames.file_frame(con, f"views/{name}.sql", params, where=name)


def group_keys(by: Sequence[str]) -> list[str]:
    """``by`` as a list, refusing names that are not group keys (they reach SQL as names)."""
    unknown = [b for b in by if b not in GROUP_KEYS]
    if unknown:
        raise ValueError(f"cannot group by {unknown}; known: {', '.join(GROUP_KEYS)}")
    return list(by)


def deadline_workdays(con: duckdb.DuckDBPyConnection) -> int:
    """The deadline the data was analysed with (falls back to the configured one)."""
    frame = run(con, "deadline", {}) if table_exists(con, "analysis_runs") else pl.DataFrame()
    if frame.is_empty():
        return settings().deadline_workdays
    return int(frame["deadline_workdays"][0])
