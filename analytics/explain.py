"""Why a merchant-month scored high: its top contributing features, in words (zh and en).

Attribution methods (each returns one contribution per row and model feature, higher = pushed
the score up more; a feature inside the dead zone contributes nothing by construction):

* ``occlusion``: the score drop when the feature is set back to the peer median (model input
  0), one feature at a time: a counterfactual a reader can check ("were its entry rate
  normal, the score would fall by 0.21");
* ``diffi``: local DIFFI (Carletti et al., depth-based feature importance for isolation
  forests): over the trees, 1/depth of the row's leaf summed over the splits on the feature
  along its path, divided by the number of those splits;
* ``depth``: the same sum without the division (short paths that cut on the feature often);
* ``zscore``: the model input itself (the bad-direction peer z-score past the dead zone), the
  baseline that ignores the forest.

SHAP's TreeExplainer was not tried: ``shap`` pulls numba and llvmlite (hundreds of MB, slow to
install and to import) for a model whose inputs are already one peer z-score per feature.

Choice, by measurement (``bench/attribution_choice.py``): every planted merchant's
highest-scored planted month explained by each method; hit = the planted cause's feature
(analytics.evaluate.CAUSE_FEATURES) named.

==========  ==============================  ==============================
method      default demo (seed 20261129)    generator seed 7
            top-3 hit    top-1 hit          top-3 hit    top-1 hit
==========  ==============================  ==============================
occlusion   0.973        0.920              0.987        0.927
zscore      0.973        0.853              0.987        0.860
diffi       0.967        0.807              0.987        0.867
depth       0.960        0.740              0.987        0.753
==========  ==============================  ==============================

Top-3 barely separates them (three of twelve features is a wide net), so the first-named
feature decides: **occlusion** names the planted cause first most often on both seeds. The
depth-based methods trail because a tree cuts on every feature near its root whatever the
row, so a row isolated in few steps credits features it is not unusual on; the z-score
baseline cannot order two features that are both capped far out, where occlusion asks the
forest which one moved the score. Occlusion costs one extra scoring of the explained rows per
feature that is out of line (~0.1 s for 150 rows), which is why only flagged months and each
merchant's worst month are explained.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.ensemble import IsolationForest

from analytics import anomaly, features, metrics

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Method = Literal["occlusion", "diffi", "depth", "zscore"]
METHOD: Method = "occlusion"
TOP_K = 3


def zscore_attribution(inputs: F64) -> F64:
    return np.asarray(inputs, dtype=np.float64).copy()


def occlusion_attribution(forest: IsolationForest, inputs: F64) -> F64:
    """Score minus the score with feature j at the peer median (input 0), for each j."""
    base = anomaly.scores(forest, inputs)
    out = np.zeros_like(inputs, dtype=np.float64)
    for j in range(inputs.shape[1]):
        active = inputs[:, j] != 0.0
        if not active.any():
            continue
        occluded = inputs[active].copy()
        occluded[:, j] = 0.0
        out[active, j] = base[active] - anomaly.scores(forest, occluded)
    return out


def _average_path_length(n: npt.NDArray[np.int64]) -> F64:
    """c(n): the mean depth of an unsuccessful search in a binary tree of n points."""
    size = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(size)
    big = size > 2
    out[size == 2] = 1.0
    out[big] = (
        2.0 * (np.log(size[big] - 1.0) + np.euler_gamma) - 2.0 * (size[big] - 1.0) / size[big]
    )
    return out


def _node_depths(
    children_left: npt.NDArray[np.int64], children_right: npt.NDArray[np.int64]
) -> F64:
    depth = np.zeros(children_left.shape[0])
    for node in range(children_left.shape[0]):  # parents come before their children
        for child in (children_left[node], children_right[node]):
            if child >= 0:
                depth[child] = depth[node] + 1
    return depth


def _path_splits(forest: IsolationForest, inputs: F64) -> tuple[F64, F64]:
    """(sum over trees of splits-on-f / h_t(x), number of splits on f) per row and feature."""
    n, d = inputs.shape
    weighted = np.zeros((n, d))
    counts = np.zeros((n, d))
    for tree, feats in zip(forest.estimators_, forest.estimators_features_, strict=True):
        t = tree.tree_
        sub = inputs[:, feats]
        leaves = tree.apply(sub)
        h = _node_depths(t.children_left, t.children_right)[leaves]
        h = h + _average_path_length(t.n_node_samples[leaves])
        path = tree.decision_path(sub)  # CSR: the nodes each row passes through
        rows = np.repeat(np.arange(n), np.diff(path.indptr))
        split = t.children_left[path.indices] >= 0  # internal nodes only
        c = np.zeros((n, d))
        np.add.at(c, (rows[split], np.asarray(feats)[t.feature[path.indices[split]]]), 1.0)
        counts += c
        weighted += c / np.maximum(h, 1.0)[:, None]
    return weighted, counts


def diffi_attribution(forest: IsolationForest, inputs: F64) -> F64:
    weighted, counts = _path_splits(forest, inputs)
    return np.divide(weighted, counts, out=np.zeros_like(weighted), where=counts > 0)


def depth_attribution(forest: IsolationForest, inputs: F64) -> F64:
    return _path_splits(forest, inputs)[0]


def attribute(method: Method, forest: IsolationForest, inputs: F64) -> F64:
    """Contributions (rows x model features) by ``method``; rows at the peer median get 0."""
    methods: dict[str, Callable[[], F64]] = {
        "occlusion": lambda: occlusion_attribution(forest, inputs),
        "diffi": lambda: diffi_attribution(forest, inputs),
        "depth": lambda: depth_attribution(forest, inputs),
        "zscore": lambda: zscore_attribution(inputs),
    }
    out = methods[method]()
    # a feature at or better than its peers is never a reason, whatever the trees did
    return np.where(inputs > 0.0, out, 0.0)


def top_items(contributions: F64, k: int = TOP_K) -> tuple[I64, I64]:
    """(rows, features): the index pairs of each row's up to ``k`` features with a positive
    contribution, rows ascending and best first within a row (ties by feature order, so the
    result is deterministic)."""
    order = np.argsort(-contributions, axis=1, kind="stable")[:, :k]
    picked = np.take_along_axis(contributions, order, axis=1)
    row, slot = np.nonzero(picked > 0)  # row-major: rows ascending, then slots
    return row.astype(np.int64), order[row, slot].astype(np.int64)


def top_indices(contributions: F64, k: int = TOP_K) -> list[list[int]]:
    """Per row, the indices of :func:`top_items`: up to ``k`` features, best first."""
    out: list[list[int]] = [[] for _ in range(contributions.shape[0])]
    rows, feats = top_items(contributions, k)
    for i, j in zip(rows.tolist(), feats.tolist(), strict=True):
        out[i].append(j)
    return out


# -- words ---------------------------------------------------------------------------------
# Built a column at a time over the picked (row, feature) items: only the number formatting
# runs once per shown number in Python. A loop over rows building each row's words and JSON
# took ~1 s per 40k explained months, most of the explanation's time in the anomaly stage.


_SIZE_EN = ((6.0, "far "), (3.0, "well "))
_SIZE_ZH = ((6.0, "远"), (3.0, "明显"))
_SIDES = {None: 0, True: 1, False: 2}  # higher_is_better: two-sided, bad is low, bad is high


def format_value(feature: features.Feature, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return metrics.format_plain(feature.format, value)


def _higher(feats: Sequence[features.Feature], j: I64, z: F64) -> npt.NDArray[np.bool_]:
    """Per item, whether feature ``feats[j]`` is above its peers, from the signed
    (bad-positive) z-score: a two-sided feature by the sign, else opposite to its bad side."""
    sides = np.array([_SIDES[f.higher_is_better] for f in feats], dtype=np.int8)[j]
    bad = z > 0
    return np.asarray(np.select([sides == 0, sides == 1], [z >= 0, ~bad], bad), dtype=np.bool_)


def direction(feature: features.Feature, z: float) -> str:
    """``higher`` / ``lower`` than peers, from the signed (bad-positive) z-score."""
    up = _higher([feature], np.zeros(1, np.int64), np.array([z], np.float64))[0]
    return "higher" if up else "lower"


def _sizes(z: F64, words: tuple[tuple[float, str], ...]) -> list[str]:
    size = np.abs(z)
    chosen = np.select([size >= bound for bound, _ in words], [w for _, w in words], "")
    return [str(w) for w in chosen.tolist()]


def _shown(feats: Sequence[features.Feature], j: I64, x: F64) -> list[str]:
    """``x`` in each item's feature format (:func:`format_value`)."""
    return [format_value(feats[f], v) for f, v in zip(j.tolist(), x.tolist(), strict=True)]


def _json_numbers(x: F64, digits: int | None = None) -> list[str]:
    """Numbers as ``json`` writes them (``repr``), rounded by Python's ``round``; non-finite
    is null."""
    if digits is None:
        return [repr(v) if math.isfinite(v) else "null" for v in x.tolist()]
    return [repr(round(v, digits)) if math.isfinite(v) else "null" for v in x.tolist()]


def _items(
    feats: Sequence[features.Feature], j: I64, *, value: F64, peer: F64, z: F64, contribution: F64
) -> pl.DataFrame:
    """``en``, ``zh`` and ``json`` per item (feature ``feats[j]`` with its value, peer median,
    finite z-score and contribution). Words: ``entry rate 61.0% vs peer median 98.0%, far
    below peers``; JSON: one object of the ``top_features`` list, as ``json.dumps`` writes it
    (feature names are plain identifiers: nothing to escape)."""
    labels_en = [f.label_en[:1].lower() + f.label_en[1:] for f in feats]
    pick = j.tolist()
    columns = {
        "name": [feats[i].name for i in pick],
        "label_en": [labels_en[i] for i in pick],
        "label_zh": [feats[i].label_zh for i in pick],
        "shown": _shown(feats, j, value),
        "median": _shown(feats, j, peer),
        "size_en": _sizes(z, _SIZE_EN),
        "size_zh": _sizes(z, _SIZE_ZH),
        "up": _higher(feats, j, z),
        "value": _json_numbers(value),
        "peer": _json_numbers(peer),
        "z": _json_numbers(z, 2),
        "contribution": _json_numbers(contribution, 4),
    }
    # typed, so that no items (an empty list) still has text columns
    schema = {name: pl.Boolean if name == "up" else pl.String for name in columns}
    data = pl.DataFrame(columns, schema=schema)
    col, lit = pl.col, pl.lit

    def either(yes: str, no: str) -> pl.Expr:
        return pl.when(col("up")).then(lit(yes)).otherwise(lit(no))

    return data.select(
        en=pl.concat_str(
            col("label_en"),
            lit(" "),
            col("shown"),
            lit(" vs peer median "),
            col("median"),
            lit(", "),
            col("size_en"),
            either("above", "below"),
            lit(" peers"),
        ),
        zh=pl.concat_str(
            col("label_zh"),
            lit(" "),
            col("shown"),
            lit("，同类商户中位数 "),
            col("median"),
            lit("，"),
            col("size_zh"),
            either("高于", "低于"),
            lit("同类"),
        ),
        json=pl.concat_str(
            lit('{"feature": "'),
            col("name"),
            lit('", "value": '),
            col("value"),
            lit(', "peer_median": '),
            col("peer"),
            lit(', "z": '),
            col("z"),
            lit(', "direction": "'),
            either("higher", "lower"),
            lit('", "contribution": '),
            col("contribution"),
            lit("}"),
        ),
    )


def _finite_z(z: F64) -> F64:
    """A null or NaN z reads as 0 (no size word), and -0.0 as 0.0."""
    return np.where(np.isfinite(z), z, 0.0) + 0.0


def describe(
    feature: features.Feature, value: float | None, peer: float | None, z: float
) -> tuple[str, str]:
    """(en, zh) for one feature: ``entry rate 61.0% vs peer median 98.0%, far below peers``."""

    def one(x: float | None) -> F64:
        return np.array([np.nan if x is None else x], dtype=np.float64)

    words = _items(
        [feature],
        np.zeros(1, np.int64),
        value=one(value),
        peer=one(peer),
        z=_finite_z(one(z)),
        contribution=one(0.0),
    )
    return words["en"].item(), words["zh"].item()


# Below this many invoices in the month a rate moves by whole invoices (1 of 1 = 100%), so the
# words say how few there were; the alert rules' floor is the same 20 (alert_rules.toml).
SMALL_MONTH = 20


def _volume_words(issued: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(en, zh) saying how few invoices a month had; null for a month of 20 or more (or an
    unknown count)."""
    n = issued.cast(pl.String)
    few = (issued > 0) & (issued < SMALL_MONTH)
    noun = pl.when(issued == 1).then(pl.lit("invoice")).otherwise(pl.lit("invoices"))
    en = (
        pl.when(issued == 0)
        .then(pl.lit("no invoices issued this month"))
        .when(few)
        .then(pl.concat_str(pl.lit("only "), n, pl.lit(" "), noun, pl.lit(" issued this month")))
    )
    zh = (
        pl.when(issued == 0)
        .then(pl.lit("本月未开票"))
        .when(few)
        .then(pl.concat_str(pl.lit("本月仅开票 "), n, pl.lit(" 张")))
    )
    return en, zh


def small_month(invoices_issued: int | None) -> tuple[str, str] | None:
    """(en, zh) saying how few invoices a month had, or None for a month of 20 or more."""
    en, zh = _volume_words(pl.col("n"))
    row = pl.DataFrame({"n": [invoices_issued]}, schema={"n": pl.Int64}).select(en=en, zh=zh)
    return None if row["en"].item() is None else (row["en"].item(), row["zh"].item())


def _matrix(rows: pl.DataFrame, columns: Sequence[str]) -> F64:
    """``columns`` of ``rows`` as a float matrix (null -> NaN)."""
    return rows.select(pl.col(c).cast(pl.Float64) for c in columns).to_numpy().astype(np.float64)


def explain_rows(
    rows: pl.DataFrame,
    contributions: F64,
    names: Sequence[str] = anomaly.MODEL_FEATURES,
    *,
    k: int = TOP_K,
) -> pl.DataFrame:
    """Add ``top_features`` (JSON list of {feature, value, peer_median, z, direction,
    contribution}), ``explanation_en`` and ``explanation_zh`` to ``rows`` (which carry
    ``<f>``, ``<f>_peer`` and ``<f>_z`` for every name; ``invoices_issued``, if present,
    adds how few invoices a small month had). A row with no feature out of line gets ``[]``
    and no words."""
    feats = [features.feature(n) for n in names]
    row, j = top_items(contributions, k)
    items = _items(
        feats,
        j,
        value=_matrix(rows, names)[row, j],
        peer=_matrix(rows, [f"{n}_peer" for n in names])[row, j],
        z=_finite_z(_matrix(rows, [f"{n}_z" for n in names])[row, j]),
        contribution=contributions[row, j],
    ).with_columns(row=pl.Series(row, dtype=pl.Int64))
    per_row = items.group_by("row", maintain_order=True).agg(
        pl.col("en").str.join("; "), pl.col("zh").str.join("；"), pl.col("json").str.join(", ")
    )
    words = (
        pl.DataFrame({"row": pl.int_range(rows.height, eager=True, dtype=pl.Int64)})
        .join(per_row, on="row", how="left", maintain_order="left")
        .with_columns(
            issued=rows["invoices_issued"] if "invoices_issued" in rows.columns else pl.lit(None)
        )
    )
    volume_en, volume_zh = _volume_words(pl.col("issued").cast(pl.Int64))
    said = pl.col("en").is_not_null()
    return rows.with_columns(
        words.select(
            top_features=pl.concat_str(pl.lit("["), pl.col("json").fill_null(""), pl.lit("]")),
            explanation_en=pl.when(said).then(
                pl.concat_str(pl.col("en"), volume_en, separator="; ", ignore_nulls=True)
            ),
            explanation_zh=pl.when(said).then(
                pl.concat_str(pl.col("zh"), volume_zh, separator="；", ignore_nulls=True)
            ),
        )
    )


def explain_frame(
    rows: pl.DataFrame,
    forest: IsolationForest,
    *,
    method: Method = METHOD,
    names: Sequence[str] = anomaly.MODEL_FEATURES,
) -> pl.DataFrame:
    """Attribute and describe ``rows`` (which carry the ``m_<f>`` model inputs)."""
    if rows.height == 0:
        return rows.with_columns(
            top_features=pl.lit(None, pl.String),
            explanation_en=pl.lit(None, pl.String),
            explanation_zh=pl.lit(None, pl.String),
        )
    inputs = rows.select(anomaly.input_columns(names)).to_numpy().astype(np.float64)
    return explain_rows(rows, attribute(method, forest, inputs), names)
