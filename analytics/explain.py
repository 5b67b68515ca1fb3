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

import json
import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.ensemble import IsolationForest

from analytics import anomaly, features, metrics

F64 = npt.NDArray[np.float64]
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


def top_indices(contributions: F64, k: int = TOP_K) -> list[list[int]]:
    """Per row, the indices of up to ``k`` features with a positive contribution, best first
    (ties by feature order, so the result is deterministic)."""
    order = np.argsort(-contributions, axis=1, kind="stable")[:, :k]
    return [[int(j) for j in row if contributions[i, j] > 0] for i, row in enumerate(order)]


# -- words ---------------------------------------------------------------------------------

_SIZE_EN = ((6.0, "far "), (3.0, "well "), (0.0, ""))
_SIZE_ZH = ((6.0, "远"), (3.0, "明显"), (0.0, ""))


def format_value(feature: features.Feature, value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return metrics.format_plain(feature.format, value)


def direction(feature: features.Feature, z: float) -> str:
    """``higher`` / ``lower`` than peers, from the signed (bad-positive) z-score."""
    if feature.higher_is_better is None:
        return "higher" if z >= 0 else "lower"
    bad_is_low = feature.higher_is_better
    return "lower" if (z > 0) == bad_is_low else "higher"


def _size(z: float, words: tuple[tuple[float, str], ...]) -> str:
    size = abs(z)
    return next((w for bound, w in words if size >= bound), "")


def describe(
    feature: features.Feature, value: float | None, peer: float | None, z: float
) -> tuple[str, str]:
    """(en, zh) for one feature: ``entry rate 61.0% vs peer median 98.0%, far below peers``."""
    up = direction(feature, z) == "higher"
    label_en = feature.label_en[:1].lower() + feature.label_en[1:]
    shown, median = format_value(feature, value), format_value(feature, peer)
    en = (
        f"{label_en} {shown} vs peer median {median}, "
        f"{_size(z, _SIZE_EN)}{'above' if up else 'below'} peers"
    )
    zh = (
        f"{feature.label_zh} {shown}，同类商户中位数 {median}，"
        f"{_size(z, _SIZE_ZH)}{'高于' if up else '低于'}同类"
    )
    return en, zh


# Below this many invoices in the month a rate moves by whole invoices (1 of 1 = 100%), so the
# words say how few there were; the alert rules' floor is the same 20 (alert_rules.toml).
SMALL_MONTH = 20


def small_month(invoices_issued: int | None) -> tuple[str, str] | None:
    """(en, zh) saying how few invoices a month had, or None for a month of 20 or more."""
    if invoices_issued is None or invoices_issued >= SMALL_MONTH:
        return None
    if invoices_issued == 0:
        return "no invoices issued this month", "本月未开票"
    noun = "invoice" if invoices_issued == 1 else "invoices"
    return f"only {invoices_issued} {noun} issued this month", f"本月仅开票 {invoices_issued} 张"


# one encoder for every row: json.dumps with options builds a new one per call
_JSON = json.JSONEncoder(ensure_ascii=False)


def _float(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


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
    ``<f>``, ``<f>_peer`` and ``<f>_z`` for every name).

    The values are read as matrices and indexed by the picked features: building a dict per
    row of every feature column took as long as the words themselves."""
    tops = top_indices(contributions, k)
    feats = [features.feature(n) for n in names]
    issued = rows["invoices_issued"].to_list() if "invoices_issued" in rows.columns else None
    values = _matrix(rows, names)
    peers = _matrix(rows, [f"{n}_peer" for n in names])
    zs = _matrix(rows, [f"{n}_z" for n in names])  # a null or NaN z reads as 0
    items, en, zh = [], [], []
    for i, picked in enumerate(tops):
        parts: list[dict[str, object]] = []
        words_en, words_zh = [], []
        for j in picked:
            f = feats[j]
            value, peer, z = _float(values[i, j]), _float(peers[i, j]), _float(zs[i, j]) or 0.0
            parts.append(
                {
                    "feature": f.name,
                    "value": value,
                    "peer_median": peer,
                    "z": round(z, 2),
                    "direction": direction(f, z),
                    "contribution": round(float(contributions[i, j]), 4),
                }
            )
            e, c = describe(f, value, peer, z)
            words_en.append(e)
            words_zh.append(c)
        items.append(_JSON.encode(parts))
        if issued is not None and words_en:
            volume = small_month(issued[i])
            if volume is not None:
                words_en.append(volume[0])
                words_zh.append(volume[1])
        en.append("; ".join(words_en) or None)
        zh.append("；".join(words_zh) or None)
    return rows.with_columns(
        top_features=pl.Series(items, dtype=pl.String),
        explanation_en=pl.Series(en, dtype=pl.String),
        explanation_zh=pl.Series(zh, dtype=pl.String),
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
