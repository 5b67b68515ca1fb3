"""The anomaly model, stored as data: ``anomaly_model`` (one row: seed, hyperparameters,
features, threshold) and ``anomaly_training`` (the model inputs of the training sample).

Together they *are* the model, rather than a pickle: any later run rebuilds the identical
forest (same rows, same seed) in a fraction of a second, on any scikit-learn version that
keeps the algorithm. Full runs refit on a seeded sample of every month (:data:`TRAIN_ROWS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from sklearn.ensemble import IsolationForest

from analytics import anomaly, frames
from analytics.clock import beijing_now
from analytics.warehouse import table_exists

MODEL_TABLE = "anomaly_model"
TRAINING_TABLE = "anomaly_training"
MODEL_SEED = 0
TRAIN_ROWS = 20_000


@dataclass(frozen=True)
class Model:
    """A fitted forest with the flag threshold and what it was fitted with."""

    forest: IsolationForest
    threshold: float
    seed: int
    names: tuple[str, ...]


def fit_model(
    con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, *, seed: int = MODEL_SEED
) -> Model:
    """Fit on a seeded sample of ``frame`` (every month) and store the model as data."""
    names = anomaly.MODEL_FEATURES
    cols = anomaly.input_columns(names)
    ordered = frame.sort("period", "merchant_id")
    rng = np.random.default_rng(seed)
    n = min(ordered.height, TRAIN_ROWS)
    picked = np.sort(rng.choice(ordered.height, size=n, replace=False))
    train = ordered.select("merchant_id", "period", *cols)[picked]
    train = train.with_row_index("row_no")
    matrix = train.select(cols).to_numpy().astype(np.float64)
    forest = anomaly.fit(matrix, seed=seed)
    threshold = anomaly.threshold_of(anomaly.scores(forest, matrix))
    meta = pl.DataFrame(
        {
            "fitted_at": [beijing_now()],
            "seed": [seed],
            "features": [list(names)],
            "dead_zone": [anomaly.DEAD_ZONE],
            "z_cap": [anomaly.Z_CAP],
            "n_estimators": [anomaly.N_ESTIMATORS],
            "max_samples": [int(forest.max_samples_)],
            "contamination": [anomaly.CONTAMINATION],
            "threshold": [threshold],
            "train_rows": [n],
            "months": [sorted(set(train["period"].to_list()))],
        }
    )
    frames.store(con, TRAINING_TABLE, train)
    frames.store(con, MODEL_TABLE, meta)
    return Model(forest, threshold, seed, names)


def load_model(con: duckdb.DuckDBPyConnection, *, seed: int | None = None) -> Model | None:
    """The stored model, refitted from its training sample (``seed`` overrides the stored one:
    the same sample with another seed, for sensitivity checks). None when there is none or
    it was fitted on other features or transforms than the code's."""
    if not (table_exists(con, MODEL_TABLE) and table_exists(con, TRAINING_TABLE)):
        return None
    meta = con.sql(f"select * from {MODEL_TABLE}").pl()
    if meta.height != 1:
        return None
    row = meta.row(0, named=True)
    names = tuple(row["features"])
    if names != anomaly.MODEL_FEATURES or (row["dead_zone"], row["z_cap"]) != (
        anomaly.DEAD_ZONE,
        anomaly.Z_CAP,
    ):
        return None
    cols = anomaly.input_columns(names)
    train = con.sql(f"select * from {TRAINING_TABLE} order by row_no").pl()
    if train.height == 0:
        return None
    matrix = train.select(cols).to_numpy().astype(np.float64)
    use_seed = int(row["seed"]) if seed is None else seed
    forest = anomaly.fit(matrix, seed=use_seed)
    threshold = (
        float(row["threshold"])
        if seed is None
        else anomaly.threshold_of(anomaly.scores(forest, matrix))
    )
    return Model(forest, threshold, use_seed, names)
