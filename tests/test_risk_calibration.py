"""The entry-risk forecast's calibration: its measures worked by hand, the out-of-time
correction on data with a known answer, and the stage using it."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from analytics import risk, risk_backtest
from analytics.risk_calibration import (
    Recalibration,
    calibration,
    log_odds,
    recalibration,
    reliability,
)


def test_calibration_on_risks_worked_by_hand() -> None:
    y = np.array([True, False, False, False])
    # expected 0.5 + 0.5 + 0.25 + 0.25 = 1.5 against 1; squared errors .25 .25 .0625 .0625
    got = calibration(y, np.array([0.5, 0.5, 0.25, 0.25]))
    assert got == {"expected_failures": 1.5, "brier": 0.1562}


def test_reliability_groups_equal_counts_by_risk() -> None:
    y = np.array([True, False, False, False, True, False])
    groups = reliability(y, np.array([0.9, 0.1, 0.2, 0.3, 0.8, 0.4]), bins=2)
    # lowest three: .1 .2 .3, none failed; highest three: .4 .8 .9, two failed
    assert groups.to_dicts() == [
        {"bin": 1, "merchants": 3, "expected": 0.2, "observed": 0.0},
        {"bin": 2, "merchants": 3, "expected": 0.7, "observed": 0.6667},
    ]


def _drifted(z: np.ndarray, slope: float, intercept: float, seed: int) -> np.ndarray:
    """Outcomes drawn as if the true log-odds were ``slope * z + intercept``."""
    rng = np.random.default_rng(seed)
    return rng.random(len(z)) < 1 / (1 + np.exp(-(slope * z + intercept)))


def test_the_correction_recovers_a_known_slope_and_shift_and_keeps_the_order() -> None:
    z = np.random.default_rng(0).normal(-2.5, 1.5, 40_000)
    raw = 1 / (1 + np.exp(-z))
    y = _drifted(z, 0.8, -1.0, seed=1)
    fitted = recalibration(y, raw)
    assert fitted.slope == pytest.approx(0.8, abs=0.05)
    assert fitted.intercept == pytest.approx(-1.0, abs=0.1)
    corrected = fitted.apply(raw)
    # the model expected far more failures than occurred; corrected, about as many
    assert raw.sum() > 1.3 * y.sum()
    assert corrected.sum() == pytest.approx(y.sum(), rel=0.03)
    assert (np.argsort(corrected, kind="stable") == np.argsort(raw, kind="stable")).all()
    assert calibration(y, corrected)["brier"] < calibration(y, raw)["brier"]
    np.testing.assert_allclose(log_odds(corrected), 0.8 * z - 1.0, atol=0.2)


def test_no_correction_from_one_outcome_or_a_backward_order() -> None:
    risks = np.array([0.1, 0.2, 0.3, 0.4])
    assert recalibration(np.zeros(4, dtype=bool), risks) == Recalibration()
    assert recalibration(np.array([], dtype=bool), np.array([])) == Recalibration()
    # failures where the model said least: the fitted slope is negative, so nothing is turned
    assert recalibration(np.array([True, True, False, False]), risks) == Recalibration()
    np.testing.assert_allclose(Recalibration().apply(risks), risks)
    # risks of exactly 0 or 1 stay finite
    assert np.isfinite(Recalibration(0.9, -0.3).apply(np.array([0.0, 1.0]))).all()


def _pairs(months: int = 8, merchants: int = 3_000, seed: int = 3) -> pl.DataFrame:
    """Merchant-months whose failure rate falls month by month while the inputs' effect stays:
    a model fitted on the older months runs high on the newer ones."""
    rng = np.random.default_rng(seed)
    frames = []
    for t in range(months):
        x = {name: rng.normal(size=merchants) for name in risk.NAMES}
        z = 1.2 * x["failed_months"] + 0.6 * x["not_on_time_share"] - 1.5 - 0.25 * t
        frames.append(
            pl.DataFrame(x).with_columns(
                merchant_id=pl.Series([f"M{i}" for i in range(merchants)]),
                t=pl.lit(t),
                period=pl.lit(f"2026-{t + 1:02d}"),
                outcome_period=pl.lit(f"2026-{t + 2:02d}"),
                next_failed=pl.Series(rng.random(merchants) < 1 / (1 + np.exp(-z))),
            )
        )
    return pl.concat(frames)


def test_the_stage_measures_the_corrected_forecast_out_of_time() -> None:
    pairs = _pairs()
    row = risk_backtest.evaluation_row("2026-10", "2026-09", pairs)
    ahead = Recalibration.from_row(row)
    occurred = row["test_failures"]
    assert isinstance(occurred, int)
    assert row["evaluated_months"] == ["2026-07", "2026-08", "2026-09"]
    raw, corrected = row["raw_expected_failures"], row["expected_failures"]
    assert isinstance(raw, float)
    assert isinstance(corrected, float)
    assert raw > 1.15 * occurred  # the drift: fitted on older, likelier failures
    assert abs(corrected - occurred) < abs(raw - occurred) / 2
    # the correction stored for the forecast ahead is the one the last two outcome months
    # give, and it lowers the risks
    assert ahead.intercept < 0
    oot = risk_backtest.out_of_time(pairs, range(6, 8))
    assert risk_backtest.recalibration_before(oot, 8) == ahead
    assert risk_backtest.recalibration_before(oot, 6) == Recalibration()  # nothing before it yet
