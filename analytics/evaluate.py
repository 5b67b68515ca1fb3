"""How well the anomaly scores find and explain the generator's planted truth.

Only synthetic warehouses have ``planted_labels`` (merchant, month, cause); the scores never
read them. Measured at merchant level, because that is the list people act on:

* **detection**: each merchant's score is its ``merchant_anomaly.merchant_score`` (the mean
  of its two highest monthly scores: the ranking the product shows), a planted merchant is a
  positive; ROC AUC over all scored merchants, and precision at k = the number of planted
  merchants (the share of planted merchants among the k highest);
* **explanation**: for each planted merchant, its planted month with the highest score is
  explained (the attribution method of analytics.explain); a hit when one of the features
  that express the planted cause (:data:`CAUSE_FEATURES`) is among the top three named.

Which features express a cause (from the generator's mechanism, analytics/synth):

* ``chronic_late_entry``: invoices reach the tax system days late -> ``late_rate``;
* ``silent_drop``: invoices never reach the tax system -> ``entry_rate``;
* ``under_invoicing``: invoices for less than was paid -> ``under_invoiced_rate``;
* ``vendor_export_broken``: rows lost from the merchant's export -> tax records missing from
  its log (``log_gap_rate``), holes in its number sequence (``seq_gap_rate``), and paid
  requests whose invoice the log no longer shows (``not_invoiced_rate``);
* ``volume_spike``: 3-6x the usual invoices -> ``volume_ratio``;
* ``duplicate_submission``: one payment invoiced twice -> ``duplicate_rate``;
* ``excess_red_reversal``: many invoices reversed -> ``red_rate``.

``on_time_rate`` and ``delay_p95`` are not in the model (see analytics.anomaly), so they are
never named and not listed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from analytics import anomaly, anomaly_model, anomaly_stage, explain, frames, sqlrun
from analytics.clock import beijing_now
from analytics.context import Context
from analytics.warehouse import table_exists

TABLE = "model_evaluation"
AGGREGATION = "mean of the two highest monthly scores"
CAUSE_FEATURES: dict[str, tuple[str, ...]] = {
    "chronic_late_entry": ("late_rate",),
    "silent_drop": ("entry_rate",),
    "under_invoicing": ("under_invoiced_rate",),
    "vendor_export_broken": ("log_gap_rate", "seq_gap_rate", "not_invoiced_rate"),
    "volume_spike": ("volume_ratio",),
    "duplicate_submission": ("duplicate_rate",),
    "excess_red_reversal": ("red_rate",),
}


@dataclass
class CauseResult:
    cause: str
    merchants: int
    detected: float  # share among the k highest-scored merchants
    top3_hit: float | None
    median_rank: float


@dataclass
class Evaluation:
    seed: int | None
    method: str
    aggregation: str
    merchants: int
    planted_merchants: int
    k: int
    planted_months: int
    roc_auc: float | None
    precision_at_k: float | None
    top3_hit: float | None
    explained: int
    per_cause: list[CauseResult] = field(default_factory=list)
    evaluated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table(self) -> str:
        """A readable summary for the terminal."""

        def pct(v: float | None) -> str:
            return "–" if v is None else f"{v:.1%}"

        lines = [
            f"anomaly evaluation against planted truth (model seed {self.seed}, "
            f"attribution {self.method}; merchant score = {self.aggregation})",
            f"  merchants scored {self.merchants:,}, planted {self.planted_merchants:,} "
            f"(k = {self.k}), planted merchant-months {self.planted_months:,}",
            f"  ROC AUC        {'–' if self.roc_auc is None else f'{self.roc_auc:.4f}'}",
            f"  precision@k    {pct(self.precision_at_k)}",
            f"  top-3 hit      {pct(self.top3_hit)}  ({self.explained} explained)",
            "",
            f"  {'cause':<24}{'merchants':>10}{'in top k':>10}{'top-3 hit':>11}{'median rank':>13}",
        ]
        lines += [
            f"  {c.cause:<24}{c.merchants:>10}{pct(c.detected):>10}{pct(c.top3_hit):>11}"
            f"{c.median_rank:>13.0f}"
            for c in self.per_cause
        ]
        return "\n".join(lines)


def merchant_scores(monthly: pl.DataFrame) -> pl.DataFrame:
    """``merchant_id, score``: the mean of each merchant's two highest ``anomaly_score``s."""
    return monthly.group_by("merchant_id").agg(
        score=pl.col("anomaly_score").sort(descending=True).head(2).mean()
    )


def evaluate_frames(
    scores: pl.DataFrame,
    labels: pl.DataFrame,
    tops: pl.DataFrame,
    *,
    seed: int | None = None,
    method: str = explain.METHOD,
) -> Evaluation:
    """Pure core. ``scores``: merchant_id, score (every scored merchant); ``labels``:
    merchant_id, period, cause; ``tops``: merchant_id, features (list of the top-3 feature
    names of the merchant's best planted month; missing = not explained)."""
    cause_of = labels.group_by("merchant_id").agg(cause=pl.col("cause").mode().sort().first())
    ranked = (
        scores.sort(["score", "merchant_id"], descending=[True, False])
        .with_row_index("rank", offset=1)
        .join(cause_of, on="merchant_id", how="left")
        .with_columns(planted=pl.col("cause").is_not_null())
    )
    k = int(ranked["planted"].sum())
    y = ranked["planted"].to_numpy()
    auc = float(roc_auc_score(y, ranked["score"].to_numpy())) if 0 < k < ranked.height else None
    ranked = ranked.with_columns(in_top_k=pl.col("rank") <= k)
    planted = ranked.filter(pl.col("planted")).join(tops, on="merchant_id", how="left")
    wanted = pl.col("cause").replace_strict(
        {c: list(f) for c, f in CAUSE_FEATURES.items()}, default=[], return_dtype=pl.List(pl.String)
    )
    planted = planted.with_columns(
        hit=pl.when(pl.col("features").is_not_null()).then(
            pl.col("features").list.set_intersection(wanted).list.len() > 0
        )
    )
    per_cause = [
        CauseResult(
            cause=row["cause"],
            merchants=row["merchants"],
            detected=row["detected"],
            top3_hit=row["top3_hit"],
            median_rank=row["median_rank"],
        )
        for row in planted.group_by("cause")
        .agg(
            merchants=pl.len(),
            detected=pl.col("in_top_k").mean(),
            top3_hit=pl.col("hit").fill_null(False).mean(),
            median_rank=pl.col("rank").median(),
        )
        .sort("cause")
        .iter_rows(named=True)
    ]
    return Evaluation(
        seed=seed,
        method=method,
        aggregation=AGGREGATION,
        merchants=ranked.height,
        planted_merchants=k,
        k=k,
        planted_months=labels.select("merchant_id", "period").unique().height,
        roc_auc=auc,
        precision_at_k=_mean(ranked.filter(pl.col("in_top_k"))["planted"]) if k else None,
        top3_hit=_mean(planted["hit"].fill_null(False)) if k else None,
        explained=int(planted["hit"].is_not_null().sum()),
        per_cause=per_cause,
        evaluated_at=beijing_now().isoformat(),
    )


def _mean(values: pl.Series) -> float:
    mean = values.cast(pl.Float64).mean()
    return float(mean) if isinstance(mean, int | float) else 0.0


def planted_labels(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    if not table_exists(con, "planted_labels"):
        return pl.DataFrame(
            schema={"merchant_id": pl.String, "period": pl.String, "cause": pl.String}
        )
    labels: pl.DataFrame = con.sql(
        "select distinct merchant_id, period, cause from planted_labels"
    ).pl()
    return labels


def best_planted_months(monthly: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """Each planted merchant's planted month with the highest score (latest on ties)."""
    return (
        monthly.join(labels.select("merchant_id", "period").unique(), on=["merchant_id", "period"])
        .sort(["anomaly_score", "period"], descending=True)
        .group_by("merchant_id")
        .first()
        .select("merchant_id", "period")
    )


def top_feature_names(
    rows: pl.DataFrame, model: anomaly_model.Model, method: explain.Method
) -> pl.DataFrame:
    """``merchant_id, features``: the top-3 feature names of ``rows`` (with model inputs)."""
    inputs = rows.select(anomaly.input_columns(model.names)).to_numpy().astype(np.float64)
    tops = explain.top_indices(explain.attribute(method, model.forest, inputs))
    names = [[model.names[j] for j in row] for row in tops]
    return rows.select("merchant_id").with_columns(
        features=pl.Series(names, dtype=pl.List(pl.String))
    )


def evaluate(
    con: duckdb.DuckDBPyConnection,
    *,
    seed: int | None = None,
    method: explain.Method = explain.METHOD,
) -> Evaluation | None:
    """Evaluate the stored scores (or, with ``seed``, a forest refitted on the stored training
    sample with that seed). None when the warehouse has no planted labels.

    Raises ``LookupError`` when ``analyse`` has not produced the anomaly tables yet.
    """
    labels = planted_labels(con)
    if labels.height == 0:
        return None
    model = anomaly_model.load_model(con, seed=seed)
    if model is None or not table_exists(con, anomaly_stage.SCORE_TABLE):
        raise LookupError(
            "no anomaly model or scores in this warehouse: run `fapiao-watch analyse`"
        )
    if seed is None:  # the stored model: its scores are the stored ones
        monthly = con.sql(
            f"select merchant_id, period, anomaly_score from {anomaly_stage.SCORE_TABLE}"
        ).pl()
    else:
        rows = anomaly_stage.stored_features(con)
        monthly = anomaly_stage.score_rows(rows, model).select(
            "merchant_id", "period", "anomaly_score"
        )
    best = best_planted_months(monthly, labels)
    tops = top_feature_names(anomaly_stage.stored_features(con, best), model, method)
    return evaluate_frames(merchant_scores(monthly), labels, tops, seed=model.seed, method=method)


def persist(con: duckdb.DuckDBPyConnection, ev: Evaluation) -> None:
    """Replace ``model_evaluation``: one row ``scope = 'all'`` (with the whole evaluation as
    JSON in ``details``) and one per cause."""
    summary = {
        "scope": "all",
        "planted_merchants": ev.planted_merchants,
        "roc_auc": ev.roc_auc,
        "precision_at_k": ev.precision_at_k,
        "detected": ev.precision_at_k,
        "top3_hit": ev.top3_hit,
        "median_rank": None,
        "details": json.dumps(ev.to_dict(), ensure_ascii=False),
    }
    causes = [
        {"scope": c.cause, "planted_merchants": c.merchants, "detected": c.detected}
        | {"top3_hit": c.top3_hit, "median_rank": c.median_rank}
        for c in ev.per_cause
    ]
    numbers = ("roc_auc", "precision_at_k", "detected", "top3_hit", "median_rank")
    frame = pl.DataFrame(
        [summary, *causes],
        schema_overrides={"details": pl.String} | dict.fromkeys(numbers, pl.Float64),
    ).with_columns(
        evaluated_at=pl.lit(datetime.fromisoformat(ev.evaluated_at)),
        seed=pl.lit(ev.seed, pl.Int64),
        method=pl.lit(ev.method),
        aggregation=pl.lit(ev.aggregation),
        merchants=pl.lit(ev.merchants, pl.Int64),
        k=pl.lit(ev.k, pl.Int64),
    )
    frames.store(con, TABLE, frame)


def evaluation_stage(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """Stage ``anomaly_evaluation``: on a synthetic warehouse, evaluate after each refit (full
    runs) so the dashboard shows how the model did; ``fapiao-watch evaluate`` refreshes it."""
    if sqlrun.scalar(con, "select count(*) from planted_labels") == 0:
        return
    if not ctx.full and table_exists(con, TABLE):
        return
    ev = evaluate(con)
    if ev is None:
        return
    persist(con, ev)
    ctx.notes.append(
        f"anomaly evaluation: ROC AUC {ev.roc_auc or 0:.4f}, precision@k "
        f"{ev.precision_at_k or 0:.3f} (k = {ev.k}), top-3 hit {ev.top3_hit or 0:.3f}"
    )
