"""Stage ``anomaly``: features, isolation-forest scores, explanations and a merchant ranking.

Tables (all keyed by merchant_id and period ``YYYY-MM`` but the last three):

* ``anomaly_features``: per merchant-month, every feature of analytics.features as observed
  (``<f>``), its peer median (``<f>_peer``) and its signed peer z-score (``<f>_z``), with the
  peer group and the merchant's attributes;
* ``anomaly_scores``: ``anomaly_score`` (higher = more anomalous), ``is_anomaly``,
  ``rank_in_period``, and for flagged months and each merchant's worst month ``top_features``
  (JSON) with ``explanation_en`` / ``explanation_zh``; attributes for filtering;
* ``merchant_anomaly``: one row per merchant (sql/marts/anomaly_merchant.sql);
* ``anomaly_model`` and ``anomaly_training``: the model, stored as data
  (:mod:`analytics.anomaly_model`).

Full runs recompute every month and refit the model on a seeded sample of all months
(:data:`~analytics.anomaly_model.TRAIN_ROWS`). Incremental runs recompute the features of the
affected months (and of the :data:`~analytics.features.VOLUME_WINDOW` months after them,
whose volume baseline reads them), rescore only those months with the stored model, and
explain only what lacks words. Trade-off: between full runs new months are judged by the
model of the last full run. That keeps one day's re-analysis cheap and every stored score
comparable with the others (a refit would move the scores of months nobody recomputed); the
features and peer statistics of the recomputed months equal a full run's, and
``analyse --full`` refits.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import polars as pl

from analytics import anomaly, explain, features, periods, sqlrun
from analytics.anomaly_model import (
    MODEL_TABLE,
    TRAINING_TABLE,
    Model,
    fit_model,
    load_model,
)
from analytics.context import Context
from analytics.warehouse import table_exists

FEATURE_TABLE = "anomaly_features"
SCORE_TABLE = "anomaly_scores"
MERCHANT_TABLE = "merchant_anomaly"
TABLES = (FEATURE_TABLE, SCORE_TABLE, MERCHANT_TABLE, MODEL_TABLE, TRAINING_TABLE)
OUTAGE_MIN_MERCHANTS = 10
OUTAGE_LATE_SHARE = 0.25
_MONTH_SCOPE = "list_contains($months, period)"
_NO_MONTH = "2000-01"
_ATTRIBUTES = ("district", "industry", "size_band", "software_vendor", "is_individual")


def data_months(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not table_exists(con, "merchant_period_metrics"):
        return []
    rows = con.execute(
        "select distinct period from merchant_period_metrics where period_type = 'month' "
        "order by period"
    ).fetchall()
    return [str(r[0]) for r in rows]


def scope_months(affected: tuple[str, ...], existing: list[str]) -> list[str]:
    """The affected months and the ones whose volume baseline reads them, that have data."""
    wanted = set(affected)
    for m in affected:
        start = periods.parse_month(m)
        wanted |= {
            periods.month_of(periods.add_months(start, i))
            for i in range(1, features.VOLUME_WINDOW + 1)
        }
    return sorted(wanted & set(existing))


def _input_params(months: list[str]) -> dict[str, object]:
    first = periods.parse_month(months[0])
    history = periods.month_range(
        periods.month_of(periods.add_months(first, -features.VOLUME_WINDOW)), months[-1]
    )
    return {
        "months": months,
        "history_months": list(history),
        "outage_min_merchants": OUTAGE_MIN_MERCHANTS,
        "outage_late_share": OUTAGE_LATE_SHARE,
    }


def prepare_inputs(con: duckdb.DuckDBPyConnection, months: list[str]) -> None:
    """The work tables of features_timing.sql and features_invoice_extras.sql for ``months``."""
    params = _input_params(months)
    for table, name in (
        ("work_feature_timing", "marts/features_timing.sql"),
        ("work_feature_extras", "marts/features_invoice_extras.sql"),
    ):
        sqlrun.materialise_temp(con, table, sqlrun.body(name), params)


def read_inputs(con: duckdb.DuckDBPyConnection, months: list[str]) -> pl.DataFrame:
    """Feature inputs for ``months`` (prepared by :func:`prepare_inputs`) plus the history
    months their volume baseline reads."""
    sql = sqlrun.body("marts/features_inputs.sql")
    frame: pl.DataFrame = con.sql(sql, params=sqlrun.bind(sql, _input_params(months))).pl()
    return frame


def load_inputs(con: duckdb.DuckDBPyConnection, months: list[str]) -> pl.DataFrame:
    """Feature inputs for ``months`` plus the history months their volume baseline reads.

    Reads merchant_period_metrics, merchant_daily and recon_facts, and ``work_calendar`` (the
    reconcile stage builds it on this connection).
    """
    prepare_inputs(con, months)
    return read_inputs(con, months)


def feature_frame(inputs: pl.DataFrame, months: list[str]) -> pl.DataFrame:
    """Normalised features and model inputs for ``months`` (whole months of ``inputs``)."""
    scoped = features.with_volume_baseline(inputs).filter(
        pl.col("period").is_in(pl.Series(months, dtype=pl.String).implode())
    )
    return anomaly.with_model_inputs(features.build_features(scoped)).sort("period", "merchant_id")


def _stored_columns() -> list[str]:
    cols = ["merchant_id", "period", *_ATTRIBUTES, "peer_group", "invoices_issued"]
    return cols + [c for n in features.names() for c in (n, f"{n}_peer", f"{n}_z")]


def _write(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    months: list[str],
    *,
    rebuild: bool,
) -> None:
    con.register("fw_anomaly_frame", frame)
    try:
        sqlrun.replace_rows(
            con,
            table,
            "select * from fw_anomaly_frame",
            {"months": months},
            scope=_MONTH_SCOPE,
            rebuild=rebuild,
        )
    finally:
        con.unregister("fw_anomaly_frame")


def _write_months(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frames: Iterator[pl.DataFrame],
    months: list[str],
    *,
    rebuild: bool,
) -> int:
    """Like :func:`_write` for frames that arrive month by month; returns the rows written."""
    fresh = rebuild or not table_exists(con, table)
    if not fresh:
        sqlrun.execute(
            con, f"delete from {sqlrun.ident(table)} where {_MONTH_SCOPE}", {"months": months}
        )
    rows = 0
    for frame in frames:
        con.register("fw_anomaly_frame", frame)
        try:
            verb = (
                f"create or replace table {sqlrun.ident(table)} as"
                if fresh
                else f"insert into {sqlrun.ident(table)} by name"
            )
            con.execute(f"{verb} select * from fw_anomaly_frame").fetchall()
        finally:
            con.unregister("fw_anomaly_frame")
        fresh = False
        rows += frame.height
    return rows


def stored_features(
    con: duckdb.DuckDBPyConnection, keys: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Rows of ``anomaly_features`` (all, or those of ``keys``: merchant_id, period) with
    their model inputs."""
    if keys is None:
        frame = con.sql(f"select * from {FEATURE_TABLE}").pl()
    else:
        con.register("fw_anomaly_keys", keys.select("merchant_id", "period"))
        try:
            frame = con.sql(
                f"select f.* from {FEATURE_TABLE} f "
                "semi join fw_anomaly_keys k using (merchant_id, period)"
            ).pl()
        finally:
            con.unregister("fw_anomaly_keys")
    return anomaly.with_model_inputs(frame).sort("period", "merchant_id")


def score_rows(frame: pl.DataFrame, model: Model) -> pl.DataFrame:
    """Scores, flags and rank within period for ``frame`` (whole months)."""
    scored = anomaly.score_frame(
        frame, anomaly.input_columns(model.names), forest=model.forest, threshold=model.threshold
    )
    return scored.sort("period", "anomaly_score", "merchant_id", descending=[False, True, False])


def _score_table_frame(scored: pl.DataFrame) -> pl.DataFrame:
    return scored.select(
        "merchant_id",
        "period",
        *_ATTRIBUTES,
        "anomaly_score",
        "is_anomaly",
        pl.int_range(1, pl.len() + 1).over("period").alias("rank_in_period"),
        pl.lit(None, pl.String).alias("top_features"),
        pl.lit(None, pl.String).alias("explanation_en"),
        pl.lit(None, pl.String).alias("explanation_zh"),
    )


def _explain_pending(con: duckdb.DuckDBPyConnection, model: Model) -> int:
    todo = con.sql(sqlrun.body("marts/anomaly_to_explain.sql")).pl()
    if todo.height == 0:
        return 0
    rows = explain.explain_frame(stored_features(con, todo), model.forest, names=model.names)
    words = rows.select("merchant_id", "period", "top_features", "explanation_en", "explanation_zh")
    con.register("fw_anomaly_words", words)
    try:
        con.execute(
            f"update {SCORE_TABLE} s set top_features = w.top_features, "
            "explanation_en = w.explanation_en, explanation_zh = w.explanation_zh "
            "from fw_anomaly_words w where s.merchant_id = w.merchant_id and s.period = w.period"
        ).fetchall()
    finally:
        con.unregister("fw_anomaly_words")
    return words.height


def _feature_frames(con: duckdb.DuckDBPyConnection, months: list[str]) -> Iterator[pl.DataFrame]:
    """The stored feature rows of ``months``, one month at a time."""
    prepare_inputs(con, months)
    # the inputs are narrow (counts): read once, with every month's volume baseline
    based = features.with_volume_baseline(read_inputs(con, months))
    for month in months:
        rows = based.filter(pl.col("period") == month)
        yield features.build_features(rows).sort("merchant_id").select(_stored_columns())


def _model_frame(con: duckdb.DuckDBPyConnection, months: list[str]) -> pl.DataFrame:
    """Keys, attributes and model inputs of the stored merchant-months of ``months``: what the
    model is fitted on and scores, a fraction of the feature columns."""
    cols = ["merchant_id", "period", *_ATTRIBUTES, *(f"{n}_z" for n in anomaly.MODEL_FEATURES)]
    frame = con.sql(
        f"select {', '.join(sqlrun.ident(c) for c in cols)} from {FEATURE_TABLE} "
        f"where {_MONTH_SCOPE}",
        params={"months": months},
    ).pl()
    return anomaly.with_model_inputs(frame).sort("period", "merchant_id")


def anomaly_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    existing = data_months(con)
    rebuild = any(ctx.rebuild(con, t) for t in TABLES)
    model = None if rebuild else load_model(con)
    # a model fitted on other features or transforms than the code's: start over, or the
    # months rescored now and the months kept would not be comparable
    rebuild = rebuild or model is None
    months = existing if rebuild else scope_months(ctx.months, existing)
    if not months and not rebuild:
        return
    # Features month by month: a month's features read only its own rows (peer groups are per
    # month) and its volume history, so the rows equal those of one frame of every month while
    # Python holds one month (every month at once cost GBs at 10M invoices). The model then
    # reads back only its inputs.
    rows = 0
    if months:
        feature_rows = _feature_frames(con, months)
        rows = _write_months(con, FEATURE_TABLE, feature_rows, months, rebuild=rebuild)
    inputs = _model_frame(con, months) if rows else None
    if model is None and inputs is not None:
        model = fit_model(con, inputs)
    if model is None or inputs is None:
        # a month with no data still gives the tables their columns
        frame = feature_frame(load_inputs(con, months or [_NO_MONTH]), months or [_NO_MONTH])
        if not months:
            _write(con, FEATURE_TABLE, frame.select(_stored_columns()), months, rebuild=rebuild)
        ctx.notes.append("anomaly: no merchant-months to score")
        empty = frame.with_columns(anomaly_score=pl.lit(0.0), is_anomaly=pl.lit(False))
        _write(con, SCORE_TABLE, _score_table_frame(empty), months, rebuild=model is None)
    else:
        scored = _score_table_frame(score_rows(inputs, model))
        _write(con, SCORE_TABLE, scored, months, rebuild=rebuild)
        ctx.notes.append(f"anomaly: explained {_explain_pending(con, model)} merchant-month(s)")
    sqlrun.execute(
        con,
        f"create or replace table {MERCHANT_TABLE} as "
        f"select * from ({sqlrun.body('marts/anomaly_merchant.sql')})",
        {},
    )
    ctx.written[FEATURE_TABLE] = rows
    ctx.written[SCORE_TABLE] = rows
    ctx.written[MERCHANT_TABLE] = sqlrun.count_rows(con, MERCHANT_TABLE)
