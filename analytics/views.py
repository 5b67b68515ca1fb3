"""Read-side views for the dashboard: metrics of whatever the global filters select.

Every function takes an open connection to the serving snapshot (or the warehouse) and plain
filter values, runs SQL from ``analytics/sql/views/`` with bound parameters and returns a small,
sorted Polars frame. Nothing here is heavy: queries read the compact result tables
(``merchant_period_metrics``, ``recon_exceptions``, ``complaint_links``), never raw invoices.

How filters reach SQL: :class:`Filters` turns into ``$name`` parameters (:meth:`Filters.params`)
that the scope macros of ``sql/views/macros.sql`` (``fw_periods``, ``fw_merchants``) apply; an
empty list means "no filter on this attribute". Rates are re-derived from sums with the metric
registry's expressions, so a filtered rate is recorded / due over the selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Final

import duckdb
import polars as pl

from analytics import complaint_trends, metrics, periods, sqlrun
from analytics.config import settings
from analytics.warehouse import query, sql_text, table_exists

DIMENSIONS: Final = ("district", "industry", "size_band", "software_vendor", "is_individual")
GROUP_KEYS: Final = ("period", "period_start", "merchant_id", "merchant_name", *DIMENSIONS)
# Late-delay bucket edges (working days), above the deadline; the last bucket is open.
DELAY_EDGES: Final = (3.0, 5.0, 10.0, 20.0)
MISSING_BUCKET: Final = -1


@dataclass(frozen=True)
class Filters:
    """The global filters: a month range and attribute selections (empty = everything).

    Values are as the warehouse stores them: districts by Chinese name, industries, size bands
    and vendors by code (or name where the registry holds one). Frozen and made of tuples, so
    it is hashable and Streamlit's cache can key on it.
    """

    period_from: str
    period_to: str
    districts: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    individual: bool | None = None
    merchant_ids: tuple[str, ...] = ()  # narrows to these merchants (USCC), e.g. one profile

    def params(self) -> dict[str, Any]:
        return {
            "period_from": self.period_from,
            "period_to": self.period_to,
            "districts": list(self.districts),
            "industries": list(self.industries),
            "size_bands": list(self.size_bands),
            "vendors": list(self.vendors),
            "individual": self.individual,
            "merchant_ids": list(self.merchant_ids),
        }

    def with_periods(self, period_from: str, period_to: str) -> Filters:
        return replace(self, period_from=period_from, period_to=period_to)

    def merchant(self, merchant_id: str) -> Filters:
        """One merchant over the same months, whatever the attribute filters."""
        return Filters(self.period_from, self.period_to, merchant_ids=(merchant_id,))

    def rollup_group(self) -> tuple[str, str] | None:
        """The ``rollup_metrics`` group these filters select, if one does (none or one filter
        with one value); there the snapshot holds exact delay percentiles."""
        chosen = {
            "district": self.districts,
            "industry": self.industries,
            "size_band": self.size_bands,
            "software_vendor": self.vendors,
            "is_individual": () if self.individual is None else (str(self.individual).lower(),),
        }
        active = {k: v for k, v in chosen.items() if v}
        if self.merchant_ids:
            return None
        if not active:
            return ("all", "all")
        if len(active) == 1:
            ((dimension, values),) = active.items()
            if len(values) == 1:
                return (dimension, values[0])
        return None


@cache
def _macros() -> str:
    return sql_text("views/macros.sql")


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the scope macros on this connection (temp: the snapshot is read-only)."""
    con.execute(_macros()).fetchall()


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """Run ``sql/views/<name>.sql`` with the parameters it uses."""
    prepare(con)
    sql = sqlrun.body(f"views/{name}.sql")
    return query(con, sql, sqlrun.bind(sql, params, where=name))


def _by(by: Sequence[str]) -> list[str]:
    unknown = [b for b in by if b not in GROUP_KEYS]
    if unknown:
        raise ValueError(f"cannot group by {unknown}; known: {', '.join(GROUP_KEYS)}")
    return list(by)


def available_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months with invoices, oldest first."""
    return sorted(run(con, "months", {})["period"].to_list())


def filter_options(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``dimension, value`` pairs present in the registry, sorted."""
    return run(con, "filter_options", {}).sort("dimension", "value")


def deadline_workdays(con: duckdb.DuckDBPyConnection) -> int:
    """The deadline the data was analysed with (falls back to the configured one)."""
    frame = run(con, "deadline", {}) if table_exists(con, "analysis_runs") else pl.DataFrame()
    if frame.is_empty():
        return settings().deadline_workdays
    return int(frame["deadline_workdays"][0])


def group_metrics(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str],
    *,
    period_type: str = "month",
) -> pl.DataFrame:
    """Every registry metric (sums and rates) per group of ``by`` over the filtered range.

    ``merchants`` counts distinct merchants; delay percentiles are not here (see
    :func:`delay_quantile`). Sorted by the group keys.
    """
    counts, amounts = metrics.summed_columns()
    params = f.params() | {
        "period_type": period_type,
        "by": _by(by) or ["total"],
        "count_columns": [c for c in counts if c != "merchants"],
        "amount_columns": amounts,
    }
    prepare(con)
    body = sqlrun.body("views/group_sums.sql")
    sql = (
        f"select *, null::bigint as prev_invoices_issued, {metrics.derived_select()} from ({body})"
    )
    frame = query(con, sql, sqlrun.bind(sql, params, where="group_sums"))
    return frame.sort(list(by), nulls_last=True) if by else frame.drop("total")


def _unpack(frame: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    keys = [
        pl.col("gkey").list.get(i).alias(name)
        if name != "is_individual"
        else (pl.col("gkey").list.get(i) == "true").alias(name)
        for i, name in enumerate(by)
    ]
    return frame.with_columns(keys).drop("gkey")


def delay_quantile(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str] = (),
    q: float = 0.95,
    *,
    deadline: int | None = None,
) -> pl.DataFrame:
    """Delay quantile ``q`` per group: ``recorded, delay_quantile, exact`` (see the SQL file:
    exact when it falls among late invoices, else an upper bound near the deadline).

    ``deadline`` defaults to :func:`deadline_workdays` (pass it to save that query)."""
    if not 0 <= q <= 1:
        raise ValueError(f"quantile {q} is not between 0 and 1")
    keys = [b for b in _by(by) if b not in ("period_start", "merchant_name")]
    limit = deadline_workdays(con) if deadline is None else deadline
    params = f.params() | {"by": keys, "q": q, "deadline": limit}
    return _unpack(run(con, "delay_quantile", params), keys).sort(keys or "recorded")


def delay_distribution(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: Sequence[str] = (),
    edges: Sequence[float] = DELAY_EDGES,
    *,
    deadline: int | None = None,
) -> pl.DataFrame:
    """Invoices per delay bucket (0 on time, 1.. late, -1 missing) and group, with ``share``
    of the group's due invoices; every bucket appears for every group."""
    deadline = deadline_workdays(con) if deadline is None else deadline
    keys = [b for b in _by(by) if b not in ("period_start", "merchant_name")]
    cut = [e for e in edges if e > deadline]
    params = f.params() | {"by": keys, "deadline": deadline, "edges": cut}
    frame = _unpack(run(con, "delay_buckets", params), keys)
    buckets = pl.DataFrame({"bucket": [0, *range(1, len(cut) + 2), MISSING_BUCKET]})
    groups = frame.select(keys).unique() if keys else pl.DataFrame({"_": [0]})
    grid = groups.join(buckets, how="cross").drop("_", strict=False)
    full = grid.join(frame, on=[*keys, "bucket"], how="left").with_columns(
        pl.col("invoices").fill_null(0)
    )
    total = pl.col("invoices").sum().over(keys) if keys else pl.col("invoices").sum()
    out = full.with_columns(share=pl.when(total > 0).then(pl.col("invoices") / total))
    order = pl.when(pl.col("bucket") == MISSING_BUCKET).then(99).otherwise(pl.col("bucket"))
    return out.sort([*keys, order.alias("_o")] if keys else order).select(
        *keys, "bucket", "invoices", "share"
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


def period_series(
    con: duckdb.DuckDBPyConnection, f: Filters, *, deadline: int | None = None
) -> pl.DataFrame:
    """Monthly metrics in the range, plus ``volume_change`` and delay p50/p95.

    Delay percentiles are exact: from ``rollup_metrics`` when the filters select one rollup
    group, else from :func:`delay_quantile` (``delay_p95_exact`` says whether that one is).
    """
    frame = group_metrics(con, f, ["period", "period_start"])
    previous = frame.select(pl.col("period_start").dt.offset_by("1mo"), prev="invoices_issued")
    prev = pl.col("prev_invoices_issued")
    frame = (
        frame.drop("prev_invoices_issued")
        .join(previous, on="period_start", how="left")
        .rename({"prev": "prev_invoices_issued"})
        .with_columns(  # the registry's volume_change, over the months in scope
            volume_change=pl.when(prev > 0).then((pl.col("invoices_issued") - prev) / prev)
        )
    )
    group = f.rollup_group()
    if group is not None:
        exact = run(
            con,
            "rollup_delays",
            {"dimension": group[0], "value": group[1]} | f.params(),
        )
        return frame.join(exact, on="period", how="left").sort("period")
    p95 = delay_quantile(con, f, ["period"], deadline=deadline).select(
        "period", delay_p95="delay_quantile", delay_p95_exact="exact"
    )
    return (
        frame.join(p95, on="period", how="left")
        .with_columns(delay_p50=pl.lit(None, pl.Float64))
        .sort("period")
    )


def with_previous_month(f: Filters) -> Filters:
    """The same filters from the month before the range (for changes against it)."""
    start = periods.parse_month(f.period_from)
    return f.with_periods(periods.month_of(periods.add_months(start, -1)), f.period_to)


def merchants_below(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    metric: str,
    threshold: float,
    *,
    min_due: int = 20,
    limit: int = 500,
) -> pl.DataFrame:
    """Merchants whose ``metric`` over the range is below ``threshold`` (with at least
    ``min_due`` invoices due, so a shop with three invoices does not lead), worst first."""
    metrics.metric(metric)  # a clear error for an unknown name
    by = ["merchant_id", "merchant_name", *DIMENSIONS]
    frame = group_metrics(con, f, by)
    worst = frame.filter((pl.col("invoices_due") >= min_due) & (pl.col(metric) < threshold)).sort(
        [metric, "invoices_due", "merchant_id"], descending=[False, True, False]
    )
    return worst.head(limit)


def complaint_links(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """Linked complaints in scope (rows of ``complaint_links``), oldest first."""
    return run(con, "scope_complaints", f.params()).sort("received_at", "complaint_id")


def complaint_trend(
    con: duckdb.DuckDBPyConnection, f: Filters, grain: complaint_trends.Grain, by: str | None
) -> pl.DataFrame:
    links = complaint_links(con, f).lazy()
    return complaint_trends.complaint_trends(links, grain=grain, by=by).collect()


def classifier_report(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    if not table_exists(con, "classifier_reports"):
        return pl.DataFrame()
    return run(con, "classifier_report", {})


def open_alerts(con: duckdb.DuckDBPyConnection, f: Filters) -> pl.DataFrame:
    """``open_alerts, new_in_period`` for merchants in scope; empty while the snapshot has no
    alerts table (the alerts stage has not run)."""
    if not table_exists(con, "alerts"):
        return pl.DataFrame()
    return run(con, "open_alerts", f.params())
