"""Read-side views of entry delays: the distribution over delay buckets and delay quantiles of
whatever the global filters select, from the aggregate marts (``analytics.cube_views``) when
they can answer, else from merchant rows and ``recon_exceptions``. ``analytics.views``
re-exports these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import duckdb
import polars as pl

from analytics import cube_views, delay_frames, frames, sqlrun
from analytics.incident_rule import IncidentRule, load_rule
from analytics.scope import Filters
from analytics.view_sql import deadline_workdays, group_keys, run
from analytics.warehouse import table_exists

# Late-delay bucket edges (working days), above the deadline; the last bucket is open.
DELAY_EDGES: Final = (3.0, 5.0, 10.0, 20.0)
MISSING_BUCKET: Final = -1


def delay_quantile(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str] = (),
    q: float = 0.95,
    *,
    deadline: int | None = None,
    use_cubes: bool = True,
) -> pl.DataFrame:
    """Delay quantile ``q`` per group: ``recorded, delay_quantile, exact`` (see the SQL file:
    exact when it falls among late invoices, else an upper bound near the deadline).

    ``deadline`` defaults to :func:`deadline_workdays` (pass it to save that query);
    ``use_cubes`` as in :func:`group_metrics`."""
    if not 0 <= q <= 1:
        raise ValueError(f"quantile {q} is not between 0 and 1")
    keys = [b for b in group_keys(by) if b not in ("period_start", "merchant_name")]
    limit = deadline_workdays(con) if deadline is None else deadline
    params = f.params() | {"by": keys, "q": q, "deadline": limit}
    frame = _either(con, "delay_quantile", params, use_cubes and cube_views.usable(f, keys))
    return delay_frames.unpack(frame, keys).sort(keys or "recorded")


def _either(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], cube: bool
) -> pl.DataFrame:
    """``views/cube_<name>.sql`` when ``cube`` (and the snapshot has the marts), else
    ``views/<name>.sql`` over merchant rows."""
    if not cube:
        return run(con, name, params)
    return cube_views.attempt(
        lambda: run(con, f"cube_{name}", params), lambda: run(con, name, params)
    )


def delay_distribution(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str] = (),
    edges: Sequence[float] = DELAY_EDGES,
    *,
    deadline: int | None = None,
    use_cubes: bool = True,
) -> pl.DataFrame:
    """Invoices per delay bucket (0 on time, 1.. late, -1 missing) and group, with ``share``
    of the group's due invoices; every bucket appears for every group."""
    deadline = deadline_workdays(con) if deadline is None else deadline
    keys = [b for b in group_keys(by) if b not in ("period_start", "merchant_name")]
    cut = [e for e in edges if e > deadline]
    params = f.params() | {"by": keys, "deadline": deadline, "edges": cut}
    cube = use_cubes and cube_views.usable(f, keys)
    raw = _either(con, "delay_buckets", params, cube)
    return delay_frames.buckets(raw, keys, len(cut) + 1, MISSING_BUCKET)


def delay_profile(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str] = (),
    q: float = 0.95,
    edges: Sequence[float] = DELAY_EDGES,
    *,
    deadline: int | None = None,
    use_cubes: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(delay_distribution(...), delay_quantile(...))`` of one selection and grouping, from
    one query when the aggregate marts can answer (a page showing both saves one)."""
    deadline = deadline_workdays(con) if deadline is None else deadline
    keys = [b for b in group_keys(by) if b not in ("period_start", "merchant_name")]
    if not 0 <= q <= 1 or not (use_cubes and cube_views.usable(f, keys)):
        return (
            delay_distribution(con, f, by, edges, deadline=deadline, use_cubes=use_cubes),
            delay_quantile(con, f, by, q, deadline=deadline, use_cubes=use_cubes),
        )
    cut = [e for e in edges if e > deadline]
    params = f.params() | {"by": keys, "q": q, "deadline": deadline, "edges": cut}
    raw = cube_views.attempt(lambda: run(con, "cube_delay_profile", params), pl.DataFrame)
    if "bucket" not in raw.columns:  # a snapshot without the marts
        return delay_profile(con, f, by, q, edges, deadline=deadline, use_cubes=False)
    counts = raw.filter(pl.col("bucket").is_not_null())
    quantiles = raw.filter(pl.col("bucket").is_null())
    return (
        delay_frames.buckets(
            counts.select("gkey", "bucket", "invoices"), keys, len(cut) + 1, MISSING_BUCKET
        ),
        delay_frames.unpack(
            quantiles.select("gkey", "recorded", "delay_quantile", "exact"), keys
        ).sort(keys or "recorded"),
    )


def bucket_ranges(deadline: int, edges: Sequence[float] = DELAY_EDGES) -> dict[int, str]:
    """Bucket number -> its range in working days ('≤2', '2–3', …, '>20'); missing has none."""
    cut = [e for e in edges if e > deadline]
    bounds = [float(deadline), *cut]
    out = {0: f"≤{deadline:g}"}
    for i in range(1, len(bounds)):
        out[i] = f"{bounds[i - 1]:g}–{bounds[i]:g}"
    out[len(bounds)] = f">{bounds[-1]:g}"
    return out


# Vendor incidents (开票软件系统性延迟): see sql/marts/vendor_incidents.sql; the thresholds are
# data/reference/vendor_incidents.toml (analytics.incident_rule).
FAILED_STATUSES: Final = ("entered_late", "missing_in_system")  # what an incident excuses


INCIDENTS_TABLE: Final = "vendor_incidents"
_INCIDENT_ORDER: Final = "first_day, software_vendor"


def _incident_params(rule: IncidentRule | None, excluded_days: Sequence[date]) -> dict[str, Any]:
    return (rule or load_rule()).params() | {"excluded_days": list(excluded_days)}


def find_incidents(
    con: duckdb.DuckDBPyConnection,
    rule: IncidentRule | None = None,
    excluded_days: Sequence[date] = (),
) -> pl.DataFrame:
    """Runs of days on which one invoicing software's merchants together entered far more
    invoices late or not at all than on its usual day: ``software_vendor, first_day, last_day,
    days, invoices, failed, share, usual_share, merchants`` (issue days; the merchants with a
    late or missing invoice in them), oldest first. Over every merchant of the vendor, from
    ``merchant_daily`` (0.3 s at 10M invoices), by ``rule`` (default: the reference file's),
    leaving out ``excluded_days`` (the days the tax export lacks, :func:`feeds.tax_gap_days`)."""
    params = _incident_params(rule, excluded_days)
    return frames.file_frame(con, "marts/vendor_incidents.sql", params)


def store_incidents(
    con: duckdb.DuckDBPyConnection,
    rule: IncidentRule | None = None,
    excluded_days: Sequence[date] = (),
) -> int:
    """:func:`find_incidents` into the table ``vendor_incidents`` (replaced whole; the daily
    stage calls it after writing ``merchant_daily`` and ``feed_gaps``). Returns its rows."""
    sql = (
        f"create or replace table {INCIDENTS_TABLE} as select * from "
        f"({sqlrun.body('marts/vendor_incidents.sql')}) order by {_INCIDENT_ORDER}"
    )
    sqlrun.execute(con, sql, _incident_params(rule, excluded_days))
    return sqlrun.count_rows(con, INCIDENTS_TABLE)


def vendor_incidents(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The incidents as the last analysis stored them (:func:`store_incidents`); found afresh
    in a warehouse analysed before the table existed."""
    if not table_exists(con, INCIDENTS_TABLE):
        return find_incidents(con)
    return frames.frame(con, f"select * from {INCIDENTS_TABLE} order by {_INCIDENT_ORDER}")


def incidents_in(incidents: pl.DataFrame, f: Filters) -> pl.DataFrame:
    """The incidents of ``f``'s month range (any day of it) and vendors; the other filters do
    not apply (an incident is judged over all of a vendor's merchants). Pure."""
    return incidents.filter(
        pl.col("last_day").dt.strftime("%Y-%m") >= f.period_from,
        pl.col("first_day").dt.strftime("%Y-%m") <= f.period_to,
        pl.col("software_vendor").is_in(f.vendors) if f.vendors else pl.lit(True),
    )


def during_incidents(
    frame: pl.DataFrame,
    incidents: pl.DataFrame,
    vendor: str | pl.Expr | None,
    *,
    at: str = "issued_at",
) -> pl.DataFrame:
    """``frame`` with ``incident_first`` / ``incident_last`` (the days of the incident the row
    was issued in, null when none) and ``vendor_incident`` (whether it was): rows issued (``at``,
    a datetime column) on a day of one of ``vendor``'s incidents (:func:`vendor_incidents`),
    so a late or missing invoice can be read as the software's doing, not the merchant's.
    ``vendor``: one vendor code, or an expression giving each row's. Pure; incidents are few
    (a handful a year), so each is one condition."""
    which = vendor if isinstance(vendor, pl.Expr) else pl.lit(vendor, dtype=pl.String)
    day = pl.col(at).dt.date()
    first, last = pl.lit(None, dtype=pl.Date), pl.lit(None, dtype=pl.Date)
    for code, start, end in incidents.select("software_vendor", "first_day", "last_day").rows():
        inside = (which == code) & day.is_between(start, end)
        first = pl.when(inside).then(pl.lit(start)).otherwise(first)
        last = pl.when(inside).then(pl.lit(end)).otherwise(last)
    return frame.with_columns(incident_first=first, incident_last=last).with_columns(
        vendor_incident=pl.col("incident_first").is_not_null()
    )
