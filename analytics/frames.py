"""Read queries to Polars frames at the lowest cost DuckDB 2's Python API offers.

``con.sql(query, params=...).pl()`` binds a statement twice: once to describe the lazy
relation, again to run it. For the dashboard's queries (small results over small marts, a few
milliseconds of work) binding and planning are most of the cost, so the read-side views run
their SQL with ``execute`` (bound once) and take the result as Arrow. DuckDB warns that Arrow
output of an ``execute`` result copies the rows once more; for results of a few hundred rows
that copy costs microseconds, against ~5 ms for the second bind, so that warning is silenced
for calls from this module only. The filter is (re)installed on every call rather than at
import: ``warnings.catch_warnings`` blocks (pytest wraps every test in one) drop filters added
inside them, and adding the same filter again only moves it to the front.

The other way, :func:`store` writes a frame the Python stages built to a table of its own.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import duckdb
import polars as pl

from analytics import sqlrun

_MODULE = __name__.replace(".", r"\.")


def frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Run a query with bound ``$name`` parameters; its rows as a Polars frame (read whole, so
    the connection is free again)."""
    warnings.filterwarnings(
        "ignore", message="Arrow output on a DB-API result", category=UserWarning, module=_MODULE
    )
    table = con.execute(sql, dict(params) if params else None).to_arrow_table()
    result = pl.from_arrow(table)
    if not isinstance(result, pl.DataFrame):  # a Series only comes from an Arrow array
        raise TypeError(f"expected a table from {sql[:60]!r}")
    return result


def file_frame(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any],
    *,
    where: str | None = None,
) -> pl.DataFrame:
    """Run the file ``analytics/sql/<name>`` with the parameters of ``params`` it uses (a
    shared set may hold more); ``where`` names it in an error about a missing one."""
    sql = sqlrun.body(name)
    return frame(con, sql, sqlrun.bind(sql, params, where=where or name))


def store(
    con: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame, *, temp: bool = False
) -> None:
    """Create or replace ``table`` with ``rows`` (its columns follow the frame's); ``temp``: a
    connection-local table (a registered frame alone vanishes with ``unregister``)."""
    view = f"fw_{table}_frame"
    kind = "temp table" if temp else "table"
    con.register(view, rows)
    try:
        con.execute(
            f"create or replace {kind} {sqlrun.ident(table)} as select * from {sqlrun.ident(view)}"
        ).fetchall()
    finally:
        con.unregister(view)
