"""Which attribution names the planted cause: a measurement, not a guess.

    python bench/attribution_choice.py [DB ...]     # default: data/warehouse.duckdb

For each analysed warehouse with planted labels (``fapiao-watch demo``; another generator seed
gives a second, independent one), scores stay as stored and each attribution method of
analytics.explain explains every planted merchant's highest-scored planted month; the table
shows the top-3 hit rate (the planted cause's feature among the three named), per cause, and
the time each method took. Read-only. See analytics.explain for the choice this supports.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from analytics import anomaly_model, anomaly_stage, config, evaluate, explain

METHODS: tuple[explain.Method, ...] = ("occlusion", "zscore", "diffi", "depth")


def measure(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        labels = evaluate.planted_labels(con)
        model = anomaly_model.load_model(con)
        if labels.height == 0 or model is None:
            print(f"{db}: no planted labels or no anomaly model (run fapiao-watch demo)")
            return
        monthly = con.sql(
            f"select merchant_id, period, anomaly_score from {anomaly_stage.SCORE_TABLE}"
        ).pl()
        rows = anomaly_stage.stored_features(con, evaluate.best_planted_months(monthly, labels))
        scores = evaluate.merchant_scores(monthly)
        results = {}
        for method in METHODS:
            t0 = time.perf_counter()
            tops = evaluate.top_feature_names(rows, model, method)
            secs = time.perf_counter() - t0
            first_only = tops.with_columns(pl.col("features").list.head(1))
            top1 = evaluate.evaluate_frames(scores, labels, first_only).top3_hit
            results[method] = (
                evaluate.evaluate_frames(scores, labels, tops, method=method),
                secs,
                top1,
            )
    finally:
        con.close()
    first = next(iter(results.values()))[0]
    print(
        f"\n{db}: {first.merchants:,} merchants, {first.planted_merchants} planted; "
        f"ROC AUC {first.roc_auc:.4f}, precision@k {first.precision_at_k:.3f} "
        f"(k = {first.k}, merchant score = {first.aggregation})"
    )
    causes = [c.cause for c in first.per_cause]
    head = f"  {'method':<11}{'top-3 hit':>10}{'top-1 hit':>10}{'seconds':>9}" + "".join(
        f"{c[:12]:>14}" for c in causes
    )
    print(head)
    for method, (ev, secs, top1) in results.items():
        by = {c.cause: c.top3_hit for c in ev.per_cause}
        print(
            f"  {method:<11}{ev.top3_hit:>10.3f}{top1:>10.3f}{secs:>9.2f}"
            + "".join(f"{by[c]:>14.3f}" for c in causes)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbs", nargs="*", type=Path, default=[config.settings().db_path])
    for db in parser.parse_args().dbs:
        measure(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
