"""Running the SQL files of ``analytics/sql/`` with bound parameters.

DuckDB refuses a parameter the statement does not use, and the pipeline passes one shared set
(months, bounds, as-of, deadline, ...) to every file, so :func:`bind` keeps the ones a text
names. Values are always bound, never pasted into SQL; only identifiers we own (table names)
are formatted into statements.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from typing import Any

import duckdb

from analytics.warehouse import sql_text, table_exists

_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT_RE = re.compile(r"--[^\n]*")
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Period-scoped result tables are written in period order. An incremental run replaces the
# latest periods, so their rows then lie together at the end of the table and go as whole row
# groups. Written in the order a GROUP BY left them, every row group held a share of every
# period: the first commit after a full run rewrote whole tables (DuckDB's checkpoint vacuums
# part-deleted row groups into fewer ones), ~3 s of one new day at 10M invoices, for ~1.3 s of
# sorting in the full run.
PERIOD_ORDER = "period"


# Connections that hold a file's temporary macros, per file: temp objects live as long as
# their connection, and creating them again costs 2-6 ms (the dashboard reuses its cursors; a
# folder of small monthly exports is hundreds of files). Weak: a closed connection drops out.
_INSTALLED: dict[str, weakref.WeakSet[duckdb.DuckDBPyConnection]] = {}


def install_once(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run the SQL file ``name`` (temporary macros) on ``con`` unless it already has."""
    done = _INSTALLED.setdefault(name, weakref.WeakSet())
    if con in done:
        return
    con.execute(sql_text(name)).fetchall()
    done.add(con)


def params_of(sql: str) -> set[str]:
    """Names of the ``$name`` parameters a statement uses (comments may mention others)."""
    return set(_PARAM_RE.findall(_COMMENT_RE.sub("", sql)))


def bind(sql: str, params: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """The subset of ``params`` that ``sql`` uses; a clear error naming any that is missing."""
    wanted = params_of(sql)
    missing = sorted(wanted - params.keys())
    if missing:
        raise KeyError(f"{where or 'SQL'} needs parameter(s) {', '.join(missing)}")
    return {k: params[k] for k in wanted}


def body(name: str) -> str:
    """A file's query without its trailing semicolon, safe to wrap in parentheses."""
    return sql_text(name).strip().rstrip(";")


def ident(name: str) -> str:
    """A quoted identifier; refuses anything but a plain name (table names are ours)."""
    if not _IDENT_RE.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]) -> None:
    """Run a statement to completion (a half-read result would lock the connection)."""
    con.execute(sql, bind(sql, params) or None).fetchall()


def run_file(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> None:
    execute(con, body(name), params)


def fetch_file(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    sql = body(name)
    rows: list[tuple[Any, ...]] = con.execute(sql, bind(sql, params, where=name) or None).fetchall()
    return rows


def create_view(con: duckdb.DuckDBPyConnection, view: str, name: str) -> None:
    """``create or replace view <view> as <file>`` (views take no parameters)."""
    con.execute(f"create or replace view {ident(view)} as {body(name)}").fetchall()


def materialise_temp(
    con: duckdb.DuckDBPyConnection, table: str, select_sql: str, params: Mapping[str, Any]
) -> None:
    """A connection-local work table from a query (dropped with the connection)."""
    sql = f"create or replace temp table {ident(table)} as select * from ({select_sql})"
    execute(con, sql, params)


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    select_sql: str,
    params: Mapping[str, Any],
    *,
    scope: str,
    rebuild: bool,
    order_by: str | None = PERIOD_ORDER,
) -> None:
    """Replace the rows of ``table`` that ``scope`` selects with those of ``select_sql``.

    ``scope`` is a boolean SQL condition over the table's columns (e.g.
    ``list_contains($months, period)``) matching exactly the rows the query recomputes.
    ``rebuild`` (full analyses, or a table that does not exist yet) recreates the table from the
    query instead, so its columns follow the query. Rows are written in ``order_by``
    (:data:`PERIOD_ORDER` unless given; None for a table without a ``period`` column).
    """
    query = f"select * from ({select_sql})" + (f" order by {order_by}" if order_by else "")
    if rebuild or not table_exists(con, table):
        execute(con, f"create or replace table {ident(table)} as {query}", params)
        return
    execute(con, f"delete from {ident(table)} where {scope}", params)
    execute(con, f"insert into {ident(table)} by name {query}", params)


def scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> Any:
    """The first value of the first row, or None. Reads the result to the end: a result left
    open by ``fetchone()`` blocks later work on the connection (DuckDB 2)."""
    rows = con.execute(sql, bind(sql, params or {}) or None).fetchall()
    return rows[0][0] if rows else None


def count_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str = "true",
    params: Mapping[str, Any] | None = None,
) -> int:
    """Rows of ``table`` matching the SQL condition ``where``."""
    return int(scalar(con, f"select count(*) from {ident(table)} where {where}", params) or 0)
