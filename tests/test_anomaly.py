"""The isolation-forest core, its Polars boundary, and the anomaly stage inside ``analyse``."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import polars as pl
import pytest
from factories import TestWarehouse

from analytics import anomaly, anomaly_model, anomaly_stage

# -- score_matrix: DESIGN.md's contract ---------------------------------------------------------


def cloud(n: int = 300, d: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d))


def test_scores_split_over_threads_are_bit_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    x = cloud(n=1001)
    forest = anomaly.fit(x, seed=3)
    whole = anomaly.scores(forest, x)  # below the split size: one call
    monkeypatch.setattr(anomaly, "SCORE_SPLIT_ROWS", 100)
    split = anomaly.scores(forest, x)
    assert split.shape == (1001,)
    assert np.array_equal(whole, split)


def test_score_matrix_shape_and_determinism() -> None:
    x = cloud()
    s = anomaly.score_matrix(x, seed=7)
    assert s.shape == (300,)
    assert ((s > 0) & (s < 1)).all()
    assert np.array_equal(s, anomaly.score_matrix(x, seed=7))
    assert not np.array_equal(s, anomaly.score_matrix(x, seed=8))


def test_an_injected_outlier_scores_highest() -> None:
    x = cloud()
    x[123] = [8.0, -8.0, 8.0, 0.0]
    assert int(np.argmax(anomaly.score_matrix(x, seed=0))) == 123


def test_score_matrix_rejects_what_is_not_a_matrix() -> None:
    with pytest.raises(ValueError, match="2-D"):
        anomaly.score_matrix(np.zeros(5))
    assert anomaly.score_matrix(np.zeros((0, 3))).shape == (0,)


def test_model_inputs_count_bad_deviations_past_a_dead_zone_up_to_a_cap() -> None:
    frame = pl.DataFrame({"entry_rate_z": [-4.0, 0.5, 3.0, 40.0], "volume_ratio_z": [-4.0] * 4})
    out = anomaly.with_model_inputs(frame, ("entry_rate", "volume_ratio"))
    # better than peers -> 0; inside the dead zone -> 0; 3 -> 2; 40 -> capped at 10
    assert out["m_entry_rate"].to_list() == [0.0, 0.0, 2.0, anomaly.Z_CAP]
    assert out["m_volume_ratio"].to_list() == [3.0] * 4  # two-sided: magnitude counts


def test_score_frame_appends_score_and_flag() -> None:
    x = cloud(200, 3)
    x[5] = [9.0, 9.0, 9.0]
    frame = pl.DataFrame(x, schema=["a", "b", "c"]).with_columns(key=pl.int_range(200))
    out = anomaly.score_frame(frame, ["a", "b", "c"], seed=1)
    assert out.columns == ["a", "b", "c", "key", "anomaly_score", "is_anomaly"]
    assert out.sort("anomaly_score", descending=True)["key"][0] == 5
    assert out["is_anomaly"].sum() == int(np.ceil(200 * anomaly.CONTAMINATION))
    strict = anomaly.score_frame(frame, ["a", "b", "c"], seed=1, threshold=0.99)
    assert strict["is_anomaly"].sum() == 0
    assert np.array_equal(strict["anomaly_score"].to_numpy(), out["anomaly_score"].to_numpy())
    with pytest.raises(KeyError, match="not in the frame: z"):
        anomaly.score_frame(frame, ["a", "z"])


# -- the stage ----------------------------------------------------------------------------------


def seed_warehouse(wh: TestWarehouse) -> tuple[str, list[str]]:
    """24 steady merchants and one that loses most of its March invoices."""
    merchants = [wh.merchant() for _ in range(24)]
    bad = wh.merchant()
    for m in [*merchants, bad]:
        for month in ("02", "03"):
            for day in (2, 3, 4, 5, 6, 9, 10, 11):
                issued = f"2026-{month}-{day:02d} 10:00"
                lost = m == bad and month == "03" and day != 2
                wh.invoice(
                    m, issued, 100, recorded=None if lost else f"2026-{month}-{day:02d} 11:00"
                )
    return bad, merchants


def rows(wh: TestWarehouse, table: str) -> list[dict[str, Any]]:
    return wh.rows(f"select * from {table} order by merchant_id, period")


@pytest.fixture(scope="module")
def analysed() -> tuple[TestWarehouse, str, Any]:
    wh = TestWarehouse()
    bad, _ = seed_warehouse(wh)
    return wh, bad, wh.analyse()


def test_analyse_scores_ranks_and_explains(analysed: tuple[TestWarehouse, str, Any]) -> None:
    wh, bad, result = analysed
    assert result.row_counts["anomaly_features"] == 50  # 25 merchants x 2 months
    assert result.row_counts["anomaly_scores"] == 50
    assert result.row_counts["merchant_anomaly"] == 25
    assert result.row_counts["anomaly_model"] == 1
    top = wh.rows("select * from merchant_anomaly order by merchant_rank limit 1")[0]
    assert (top["merchant_id"], top["max_period"]) == (bad, "2026-03")
    # as of 11 March 11:00 the invoices of the 10th and 11th are pending (the 9th's was due
    # at 10:00): 1 of 6 due arrived
    assert top["explanation_en"].startswith("entry rate 16.7% vs peer median 100.0%")
    assert top["explanation_zh"].startswith("入库率 16.7%，同类商户中位数 100.0%")
    assert json.loads(top["top_features"])[0]["feature"] == "entry_rate"
    march = wh.rows("select * from anomaly_scores where period = '2026-03' order by rank_in_period")
    assert march[0]["merchant_id"] == bad
    assert march[0]["is_anomaly"]
    assert [r["rank_in_period"] for r in march] == list(range(1, 26))
    # each merchant's worst month is explained, so the merchant table always has words
    assert wh.rows("select count(*) as n from merchant_anomaly where top_features is null") == [
        {"n": 0}
    ]
    # no planted labels here: nothing is evaluated
    assert not wh.rows("select * from duckdb_tables() where table_name = 'model_evaluation'")


def test_a_new_batch_rescores_only_its_months_with_the_stored_model() -> None:
    wh = TestWarehouse()
    _, merchants = seed_warehouse(wh)
    wh.analyse()
    model = wh.rows("select * from anomaly_model")
    feb = wh.rows("select * from anomaly_scores where period = '2026-02' order by merchant_id")
    wh.new_load()
    wh.invoice(merchants[0], "2026-03-12 10:00", 100)  # never recorded: missing
    result = wh.analyse()
    assert (result.mode, result.months) == ("incremental", ("2026-03",))
    assert result.written["anomaly_scores"] == 25
    assert wh.rows("select * from anomaly_model") == model  # not refitted
    assert wh.rows(
        "select * from anomaly_scores where period = '2026-02' order by merchant_id"
    ) == (feb)
    features_now = rows(wh, "anomaly_features")
    # the recomputed month's features equal a full run's (which refits the model)
    wh.analyse(full=True)
    assert rows(wh, "anomaly_features") == features_now


def test_the_stored_model_refits_identically_from_its_sample(
    analysed: tuple[TestWarehouse, str, Any],
) -> None:
    wh = analysed[0]
    model = anomaly_model.load_model(wh.con)
    assert model is not None
    frame = anomaly_stage.stored_features(wh.con)
    rescored = anomaly_stage.score_rows(frame, model).sort("merchant_id", "period")
    stored = wh.rows("select anomaly_score from anomaly_scores order by merchant_id, period")
    assert rescored["anomaly_score"].to_list() == [r["anomaly_score"] for r in stored]


def test_an_empty_warehouse_gets_empty_anomaly_tables() -> None:
    wh = TestWarehouse()
    result = wh.analyse()
    assert result.row_counts["anomaly_scores"] == 0
    assert result.row_counts["merchant_anomaly"] == 0
    assert "anomaly: no merchant-months to score" in result.notes


def test_features_stored_month_by_month_equal_one_frame_of_every_month(
    analysed: tuple[TestWarehouse, str, Any],
) -> None:
    # the stage builds and writes the features one month at a time (memory); peer groups and
    # volume baselines must come out as from one frame holding every month
    wh = analysed[0]
    months = anomaly_stage.data_months(wh.con)
    assert months == ["2026-02", "2026-03"]
    whole = anomaly_stage.feature_frame(anomaly_stage.load_inputs(wh.con, months), months)
    expected = whole.select(anomaly_stage._stored_columns()).sort("merchant_id", "period")
    assert expected.height == 50
    assert rows(wh, "anomaly_features") == expected.to_dicts()
