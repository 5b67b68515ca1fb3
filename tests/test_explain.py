"""Explanations: attribution methods and the words (zh and en)."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from sklearn.ensemble import IsolationForest

from analytics import anomaly, explain, features


def describe(name: str, value: float, peer: float, z: float) -> tuple[str, str]:
    return explain.describe(features.feature(name), value, peer, z)


def test_words_for_a_low_entry_rate() -> None:
    en, zh = describe("entry_rate", 0.61, 0.98, 12.0)
    assert en == "entry rate 61.0% vs peer median 98.0%, far below peers"
    assert zh == "入库率 61.0%，同类商户中位数 98.0%，远低于同类"


def test_words_follow_direction_and_size() -> None:
    en, zh = describe("red_rate", 0.2, 0.015, 4.0)  # higher is worse: bad = above
    assert en == "red-letter rate 20.0% vs peer median 1.5%, well above peers"
    assert zh == "红冲率 20.0%，同类商户中位数 1.5%，明显高于同类"
    en, zh = describe("volume_ratio", 0.25, 1.0, -2.0)  # two-sided: the sign says which way
    assert en == "volume relative to own recent median 0.25× vs peer median 1.00×, below peers"
    assert zh.endswith("低于同类")
    en, _ = describe("complaints_per_1k", 35.0, 0.0, 7.0)
    assert en == "complaints per 1,000 invoices 35.0 vs peer median 0.0, far above peers"


def synthetic(n: int = 400, d: int = 6, hot: int = 3, seed: int = 1) -> np.ndarray:
    """Model inputs as the forest sees them: mostly 0 (inside the dead zone), some noise, and
    a last row far out on feature ``hot`` only."""
    rng = np.random.default_rng(seed)
    m = np.clip(rng.normal(0.0, 1.0, size=(n, d)), 0.0, None)
    m[-1] = 0.0
    m[-1, hot] = 9.0
    return m


@pytest.fixture(scope="module")
def forest() -> IsolationForest:
    return anomaly.fit(synthetic(), seed=3)


@pytest.mark.parametrize("method", ["occlusion", "diffi", "depth", "zscore"])
def test_each_method_ranks_the_injected_feature_first(
    method: explain.Method, forest: IsolationForest
) -> None:
    m = synthetic()
    contributions = explain.attribute(method, forest, m[-1:])
    assert explain.top_indices(contributions)[0][0] == 3


def test_features_at_or_better_than_peers_are_never_reasons(forest: IsolationForest) -> None:
    m = synthetic()
    row = m[-1:].copy()
    contributions = explain.attribute("diffi", forest, row)
    assert (contributions[0, [0, 1, 2, 4, 5]] == 0).all()  # depth methods credit any split
    assert explain.top_indices(contributions) == [[3]]
    assert explain.top_indices(np.zeros((1, 6))) == [[]]


def test_occlusion_is_the_score_drop_when_the_feature_returns_to_the_median(
    forest: IsolationForest,
) -> None:
    m = synthetic()
    row = m[-1:]
    back = row.copy()
    back[0, 3] = 0.0
    drop = anomaly.scores(forest, row) - anomaly.scores(forest, back)
    assert explain.occlusion_attribution(forest, row)[0, 3] == pytest.approx(drop[0])
    assert drop[0] > 0


def test_explain_rows_writes_json_and_both_languages() -> None:
    names = ("entry_rate", "red_rate", "volume_ratio")
    rows = pl.DataFrame(
        {
            "entry_rate": [0.61],
            "entry_rate_peer": [0.98],
            "entry_rate_z": [12.0],
            "red_rate": [0.03],
            "red_rate_peer": [0.015],
            "red_rate_z": [1.5],
            "volume_ratio": [1.0],
            "volume_ratio_peer": [1.0],
            "volume_ratio_z": [0.0],
        }
    )
    out = explain.explain_rows(rows, np.array([[0.2, 0.05, 0.0]]), names)
    items = json.loads(out["top_features"].item())
    assert [i["feature"] for i in items] == ["entry_rate", "red_rate"]  # volume: no reason
    assert items[0] == {
        "feature": "entry_rate",
        "value": 0.61,
        "peer_median": 0.98,
        "z": 12.0,
        "direction": "lower",
        "contribution": 0.2,
    }
    assert out["explanation_en"].item() == (
        "entry rate 61.0% vs peer median 98.0%, far below peers; "
        "red-letter rate 3.0% vs peer median 1.5%, above peers"
    )
    assert (
        out["explanation_zh"]
        .item()
        .startswith("入库率 61.0%，同类商户中位数 98.0%，远低于同类；红冲率")
    )


def test_a_month_of_few_invoices_says_how_few() -> None:
    """1 of 1 invoices mismatched is a 100% rate: the words name the month's volume below 20."""
    names = ("mismatch_rate",)
    rows = pl.DataFrame(
        {
            "mismatch_rate": [1.0, 1.0, 0.5, None],
            "mismatch_rate_peer": [0.0] * 4,
            "mismatch_rate_z": [1.6] * 4,
            "invoices_issued": [1, 19, 20, 0],
        }
    )
    out = explain.explain_rows(rows, np.array([[0.2], [0.2], [0.2], [0.2]]), names)
    en, zh = out["explanation_en"].to_list(), out["explanation_zh"].to_list()
    assert en[0] == (
        "mismatch rate 100.0% vs peer median 0.0%, above peers; only 1 invoice issued this month"
    )
    assert zh[0].endswith("高于同类；本月仅开票 1 张")
    assert en[1].endswith("; only 19 invoices issued this month")
    assert "issued this month" not in en[2]  # 20 or more: a rate worth reading as it is
    assert en[3].endswith("; no invoices issued this month")
    assert zh[3].endswith("；本月未开票")


def test_explain_rows_missing_values_read_as_dashes_and_zero_z() -> None:
    # nulls and non-finite values (no peers yet, a rate with no denominator) are "–" in words
    # and null in JSON; a null or NaN z reads as 0 (no size word)
    names = ("entry_rate", "complaints_per_1k")
    rows = pl.DataFrame(
        {
            "entry_rate": [None, 0.5],
            "entry_rate_peer": [0.9, float("nan")],
            "entry_rate_z": [None, 4.0],
            "complaints_per_1k": [3, 7],  # integer columns are read as floats
            "complaints_per_1k_peer": [1, None],
            "complaints_per_1k_z": [float("nan"), 6.5],
        }
    )
    out = explain.explain_rows(rows, np.array([[0.3, 0.1], [0.1, 0.2]]), names)
    first, second = (json.loads(x) for x in out["top_features"])
    assert first[0] | {"contribution": None} == {
        "feature": "entry_rate",
        "value": None,
        "peer_median": 0.9,
        "z": 0.0,
        "direction": "higher",
        "contribution": None,
    }
    assert first[1]["z"] == 0.0  # NaN
    assert [i["feature"] for i in second] == ["complaints_per_1k", "entry_rate"]
    assert second[0]["value"] == 7.0
    assert second[0]["peer_median"] is None
    en = out["explanation_en"].to_list()
    assert en[0].startswith("entry rate – vs peer median 90.0%, above peers; ")
    assert "vs peer median –, far above peers" in en[1]


def test_a_row_with_nothing_out_of_line_has_an_empty_list_and_no_words() -> None:
    names = ("entry_rate", "red_rate")
    rows = pl.DataFrame(
        {
            "entry_rate": [0.9, 0.5],
            "entry_rate_peer": [0.9, 0.9],
            "entry_rate_z": [0.0, -0.0],  # a negative zero z is written as 0.0
            "red_rate": [0.01, 0.01],
            "red_rate_peer": [0.01, 0.01],
            "red_rate_z": [0.0, 0.0],
            "invoices_issued": [3, 3],
        }
    )
    out = explain.explain_rows(rows, np.array([[0.0, 0.0], [0.1, 0.0]]), names)
    assert out["top_features"].to_list()[0] == "[]"
    assert out["explanation_en"].to_list()[0] is None  # no volume words without a reason
    assert out["explanation_zh"].to_list()[0] is None
    assert json.loads(out["top_features"][1])[0]["z"] == 0.0
    assert str(json.loads(out["top_features"][1])[0]["z"]) == "0.0"
    assert out["explanation_en"][1].endswith("above peers; only 3 invoices issued this month")
