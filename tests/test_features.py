"""Anomaly features: peer z-scores, small-denominator shrinkage, the volume baseline."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from analytics import features

ENTRY = features.feature("entry_rate")  # higher is better
RED = features.feature("red_rate")  # higher is worse
VOLUME = features.feature("volume_ratio")  # both directions unusual


def group(rows: list[dict[str, object]], **attrs: object) -> pl.DataFrame:
    base = {"period": "2026-03", "industry": "retail", "size_band": "small"} | attrs
    return pl.DataFrame([base | {"merchant_id": f"M{i:03d}"} | r for i, r in enumerate(rows)])


def entry_rows(recorded_of_100: list[int]) -> pl.DataFrame:
    return group([{"invoices_recorded": k, "invoices_due": 100} for k in recorded_of_100])


def z_of(frame: pl.DataFrame, merchant: str, name: str) -> float:
    return float(frame.filter(pl.col("merchant_id") == merchant)[f"{name}_z"].item())


def test_robust_z_against_the_peer_median_signed_bad_positive() -> None:
    # 21 peers recorded 90..100 and 91..99 of 100, one of them only 40; w = 0 isolates the
    # z-score from the shrinkage
    rates = [40, *range(91, 101), *range(91, 100), 90]
    plain = dataclasses.replace(ENTRY, prior_weight=0.0)
    out = features.peer_normalise(entry_rows(rates), [plain], min_peers=20)
    # sorted: 40, 90, 91, 91, ..., 99, 99, 100 -> the 11th of 21 is 95
    assert out["entry_rate_peer"][0] == pytest.approx(0.95)
    # distances from 95 in points: 55, 5, 4, 4, ..., 0, 0, ..., 4, 4, 5 -> median 3 points
    spread = 0.03 * features.MAD_SCALE
    worst = out.filter(pl.col("invoices_recorded") == 40)
    assert worst["entry_rate_z"].item() == pytest.approx((0.95 - 0.40) / spread)  # low = bad
    best = out.filter(pl.col("invoices_recorded") == 100)
    assert best["entry_rate_z"].item() == pytest.approx((0.95 - 1.00) / spread)  # better: < 0


def test_the_floor_keeps_a_one_point_dip_small_when_everyone_is_perfect() -> None:
    plain = dataclasses.replace(ENTRY, prior_weight=0.0)
    out = features.peer_normalise(entry_rows([100] * 24 + [99]), [plain], min_peers=20)
    # MAD is 0: the floor (2 points) is the spread, so a 1-point dip is half a robust SD
    assert z_of(out, "M024", "entry_rate") == pytest.approx(0.01 / plain.floor)


def test_higher_is_worse_features_keep_their_sign_and_two_sided_ones_too() -> None:
    rows = group(
        [{"red_count": 1, "invoices_issued": 100} for _ in range(24)]
        + [{"red_count": 30, "invoices_issued": 100}]
    )
    out = features.peer_normalise(rows, [dataclasses.replace(RED, prior_weight=0.0)])
    assert z_of(out, "M024", "red_rate") == pytest.approx((0.30 - 0.01) / RED.floor)
    vol = group(
        [{"invoices_issued": 20, "volume_base": 20.0} for _ in range(23)]
        + [
            {"invoices_issued": 100, "volume_base": 20.0},
            {"invoices_issued": 2, "volume_base": 20.0},
        ]
    )
    out = features.peer_normalise(vol, [VOLUME])
    assert z_of(out, "M023", "volume_ratio") > 5  # a surge
    assert z_of(out, "M024", "volume_ratio") < -5  # a collapse: unusual the other way


def test_one_bad_invoice_of_a_quiet_merchant_is_shrunk_toward_its_peers() -> None:
    steady = [{"invoices_recorded": 100, "invoices_due": 100} for _ in range(23)]
    quiet = {"invoices_recorded": 1, "invoices_due": 2}  # 50% raw
    big = {"invoices_recorded": 150, "invoices_due": 200}  # 75% raw
    out = features.peer_normalise(group([*steady, quiet, big]), [ENTRY])
    q, b = z_of(out, "M023", "entry_rate"), z_of(out, "M024", "entry_rate")
    # raw rates say the quiet one is worse; evidence says the big one is
    assert out.filter(pl.col("merchant_id") == "M023")["entry_rate"].item() == 0.5
    assert b > 10
    assert q < b / 3
    # both sides are shrunk toward the pooled rate with w = 30 invoices; the steady peers
    # (MAD 0, so the floor is the spread) set the median
    pooled = (23 * 100 + 1 + 150) / (23 * 100 + 2 + 200)
    peer = (100 + 30 * pooled) / (100 + 30)
    shrunk = (1 + 30 * pooled) / (2 + 30)
    assert q == pytest.approx((peer - shrunk) / ENTRY.floor, rel=1e-6)


def test_no_denominator_means_no_evidence() -> None:
    rows = entry_rows([100] * 24).vstack(
        group([{"invoices_recorded": 0, "invoices_due": 0}]).with_columns(merchant_id=pl.lit("Z"))
    )
    out = features.peer_normalise(rows, [ENTRY])
    assert out.filter(pl.col("merchant_id") == "Z")["entry_rate"].item() is None
    assert z_of(out, "Z", "entry_rate") == 0.0


def test_small_peer_groups_fall_back_to_the_size_band_then_to_everyone() -> None:
    rows = pl.concat(
        [
            entry_rows([100] * 25),  # retail|small: 25 rows, its own group
            group([{"invoices_recorded": 100, "invoices_due": 100}] * 3, industry="hotel"),
            group([{"invoices_recorded": 100, "invoices_due": 100}] * 2, size_band="large"),
        ]
    ).with_columns(merchant_id=pl.format("M{}", pl.int_range(pl.len())))
    out = features.peer_normalise(rows, [ENTRY], min_peers=20)
    groups = dict(out.group_by("peer_group").len().iter_rows())
    assert groups == {"retail|small": 25, "*|small": 3, "*|*": 2}


def test_volume_baseline_is_the_median_of_the_preceding_months_with_data() -> None:
    rows = pl.DataFrame(
        {
            "merchant_id": ["A"] * 5 + ["B"],
            "period": ["2026-01", "2026-02", "2026-03", "2026-05", "2026-06", "2026-06"],
            "invoices_issued": [10, 30, 20, 100, 7, 5],
        }
    )
    out = features.with_volume_baseline(rows, window=3, min_months=1).sort("merchant_id", "period")
    # A: Jan none; Feb [10]; Mar [10, 30]; May [30, 20] (April has no row); Jun [20, 100]
    assert out["volume_base"].to_list() == [None, 10.0, 20.0, 25.0, 60.0, None]


def test_every_feature_is_labelled_and_directed_like_its_registry_metric() -> None:
    for f in features.FEATURES:
        assert f.label_zh
        assert f.label_en
        assert f.kind in ("rate", "level", "ratio")
    assert features.feature("entry_rate").higher_is_better is True
    assert features.feature("duplicate_rate").higher_is_better is False
    with pytest.raises(KeyError, match="unknown feature"):
        features.feature("nope")
