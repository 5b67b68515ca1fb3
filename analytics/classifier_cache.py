"""Reusing the complaint classifier's last run when its labels have not changed.

The complaints stage runs on every ``analyse``; evaluating and training the character n-gram
model costs seconds while the labelled complaints rarely change. The labels' fingerprint (count
and 64-bit hash of every labelled complaint's id, text and category, with the seed) is stored
in ``classifier_reports.labels_fingerprint``. With the same fingerprint:

* the held-out report is reused (the same labels and seed give the same report);
* the predictions of complaints that were unlabelled last time are reused from
  ``complaint_links`` (category and confidence of the rows whose category came from the model),
  as long as their text is unchanged;
* the model is trained again only when an unlabelled complaint has no such prediction yet.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import polars as pl

from analytics.classifier import ClassifierReport
from analytics.warehouse import query, table_exists

FINGERPRINT_VERSION = 1


def labels_fingerprint(con: duckdb.DuckDBPyConnection, seed: int) -> str:
    rows = con.execute(
        "select count(*), coalesce(bit_xor(hash(complaint_id, text, category)), 0), "
        "coalesce(sum(hash(complaint_id, text, category) >> 8)::hugeint, 0) "
        "from complaints where category is not null and text is not null"
    ).fetchall()
    n, xor, total = rows[0]
    return f"v{FINGERPRINT_VERSION}:seed={seed}:n={n}:{xor}:{total}"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_catalog = "
        "current_database() and table_schema = 'main' and table_name = $t",
        {"t": table},
    ).fetchall()
    return {str(r[0]) for r in rows}


def previous_report(con: duckdb.DuckDBPyConnection, fingerprint: str) -> ClassifierReport | None:
    """The last trained report, when it was made from labels with this fingerprint."""
    table = "classifier_reports"
    if not table_exists(con, table) or "labels_fingerprint" not in _columns(con, table):
        return None
    rows = con.execute(
        "select report from classifier_reports where status = 'trained' "
        "and labels_fingerprint = $f",
        {"f": fingerprint},
    ).fetchall()
    if not rows or rows[0][0] is None:
        return None
    data: dict[str, Any] = json.loads(rows[0][0])
    return ClassifierReport(
        model=data["model"],
        seed=int(data["seed"]),
        n_train=int(data["n_train"]),
        n_test=int(data["n_test"]),
        macro_f1=float(data["macro_f1"]),
        labels=tuple(data["labels"]),
        per_class_f1={str(k): float(v) for k, v in data["per_class_f1"].items()},
        support={str(k): int(v) for k, v in data["support"].items()},
        confusion=[[int(x) for x in row] for row in data["confusion"]],
        class_counts={str(k): int(v) for k, v in data.get("class_counts", {}).items()},
    )


def previous_predictions(con: duckdb.DuckDBPyConnection, unlabelled: pl.DataFrame) -> pl.DataFrame:
    """Last run's model predictions for the ``unlabelled`` complaints (complaint_id, ...); the
    complaints without one are left out. (A complaint's text never changes under its id: the
    loader rejects a conflicting re-import.)"""
    if unlabelled.is_empty() or not table_exists(con, "complaint_links"):
        return pl.DataFrame(
            schema={"complaint_id": pl.String, "category": pl.String, "confidence": pl.Float64}
        )
    con.register("fw_unlabelled_frame", unlabelled.select("complaint_id"))
    try:
        return query(
            con,
            "select u.complaint_id, l.category, l.category_confidence as confidence "
            "from fw_unlabelled_frame u "
            "join complaint_links l on l.complaint_id = u.complaint_id "
            "and l.category_source = 'model' "
            "order by u.complaint_id",
        )
    finally:
        con.unregister("fw_unlabelled_frame")
