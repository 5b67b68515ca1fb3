"""The read-side views of ``analytics.views`` computed from the aggregate marts.

``analytics.views`` calls these when a query can be answered from ``analytics.cubes``'s tables
(no merchant selected; groups by month or merchant attributes) and the snapshot has them; the
results equal those of the merchant-row queries (``tests/test_cubes.py`` holds them
equal). The SQL files ``views/cube_*.sql`` return what their merchant-row twins return, so
``analytics.views`` derives rates, unpacks group keys and sorts them the same way; they filter
with the same scope macros (``views/macros.sql``: ``fw_attrs_in``, ``fw_group_key``); the
delay views share their scope, late tails and quantile interpolation through
``views/cube_macros.sql``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, TypeVar

import duckdb
import polars as pl

from analytics import cubes, frames, metrics, sqlrun
from analytics.scope import DIMENSIONS, Filters
from analytics.view_sql import prepare

T = TypeVar("T")
# Group keys the cube holds (`total` is group_sums.sql's one group of everything).
KEYS: Final = frozenset(("period", "period_start", *DIMENSIONS, "total"))


def usable(f: Filters, by: Sequence[str]) -> bool:
    """True when the marts can answer for ``f`` grouped by ``by``."""
    return not f.merchant_ids and set(by) <= KEYS


def attempt(run: Callable[[], T], fallback: Callable[[], T]) -> T:
    """``run()``, or ``fallback()`` on a snapshot published before the marts existed. (The
    scope macros must exist by then, ``analytics.view_sql.prepare``: a missing macro is a
    catalogue error too, and would fall back without a word.)"""
    try:
        return run()
    except duckdb.CatalogException:
        return fallback()


def merchants_below(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    metric: str,
    threshold: float,
    *,
    min_due: int,
    limit: int,
) -> pl.DataFrame:
    """Merchants with ``min_due`` invoices due whose ``metric`` (one of
    :data:`analytics.cubes.ENTRY_RATES`) is below ``threshold``, worst first, at most
    ``limit``: merchant, name, attributes, the entry counts and rates, and ``below_total``,
    how many are below before the limit."""
    if metric not in cubes.ENTRY_RATES:
        raise ValueError(f"{metric!r} is not computed from the entry counts")
    rates = ",\n    ".join(
        f"({metrics.metric(m).expression})::double as {sqlrun.ident(m)}" for m in cubes.ENTRY_RATES
    )
    column = sqlrun.ident(metric)
    body = sqlrun.body("views/merchants_below.sql")
    sql = (
        f"select *, count(*) over () as below_total from (select *, {rates} from ({body})) "
        f"where {column} < $threshold "
        f"order by {column}, invoices_due desc, merchant_id limit $limit"
    )
    params = f.params() | {
        "entry_columns": list(cubes.ENTRY_COLUMNS),
        "min_due": min_due,
        "threshold": threshold,
        "limit": limit,
    }
    prepare(con)
    return frames.frame(con, sql, sqlrun.bind(sql, params, where="merchants_below"))
