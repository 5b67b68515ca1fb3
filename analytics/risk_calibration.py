"""How well the entry-risk forecast's probabilities match what happened, and their correction.

A risk of 30% should come true for about 30 of 100 such merchants. Measured out of time, the
logistic model of :mod:`analytics.risk` ran high: it learns from older months, whose failure
rates were higher, and its slope is a little steep, so its riskiest tenth overstated what
occurred (demo: 46.8% forecast, 41.5% occurred; 10M: 47.1% against 40.1%). Ranking was not
the problem (ROC AUC 0.88 / 0.86); the level and the spread were.

:class:`Recalibration` corrects them the way Platt scaling does, but out of time: a logistic
curve fitted from the model's log-odds to the outcomes of the latest months it forecast
without having seen them (:func:`recalibration`), then applied to the next forecast. It keeps
the order of the merchants within a month and, being linear in the log-odds, each forecast's
split into one part per input (the parts scale by ``slope``).

Everything here is pure: arrays in, numbers or frames out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss

_EDGE: Final = 1e-9  # risks are clipped this far from 0 and 1 before taking log-odds


def log_odds(risk: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(risk, dtype=np.float64), _EDGE, 1 - _EDGE)
    return np.asarray(np.log(p / (1 - p)))


@dataclass(frozen=True)
class Recalibration:
    """``risk -> sigmoid(slope * logit(risk) + intercept)``; the default changes nothing."""

    slope: float = 1.0
    intercept: float = 0.0

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Recalibration:
        """The correction stored with an evaluation (``calibration_slope`` and
        ``calibration_intercept``, :func:`analytics.risk_backtest.evaluation_row`)."""
        return cls(float(row["calibration_slope"]), float(row["calibration_intercept"]))

    def apply(self, risk: np.ndarray) -> np.ndarray:
        z = self.slope * log_odds(risk) + self.intercept
        return np.asarray(1 / (1 + np.exp(-z)))


def recalibration(y: np.ndarray, risk: np.ndarray) -> Recalibration:
    """The correction that maps ``risk`` (forecasts made out of time) onto the outcomes ``y``:
    an unpenalised logistic regression on the log-odds. None (the default) when ``y`` has one
    outcome only, or when the fitted slope is not positive: a forecast whose order came out
    backwards is reported by its ROC AUC, not silently turned around."""
    y = np.asarray(y)
    if len(y) == 0 or np.unique(y).size < 2:
        return Recalibration()
    fitted = LogisticRegression(C=np.inf).fit(log_odds(risk)[:, None], y)
    slope, intercept = float(fitted.coef_[0][0]), float(fitted.intercept_[0])
    if not slope > 0:
        return Recalibration()
    return Recalibration(round(slope, 6), round(intercept, 6))


def calibration(y: np.ndarray, risk: np.ndarray) -> dict[str, float]:
    """How far the risks are from the outcomes, not only their order: the failures the model
    expected (the sum of its risks) beside ``y``'s, and the Brier score (mean squared error of
    the risk; 0 is perfect, always answering the observed rate scores ``rate * (1 - rate)``)."""
    return {
        "expected_failures": round(float(risk.sum()), 1),
        "brier": round(float(brier_score_loss(y, risk)), 4),
    }


RELIABILITY_BINS: Final = 10


def reliability(y: np.ndarray, risk: np.ndarray, bins: int = RELIABILITY_BINS) -> pl.DataFrame:
    """The calibration curve: rows sorted by risk and cut into ``bins`` groups of equal size
    (risks are mostly small, so equal-width bins would leave most of them empty), each with its
    ``merchants`` (rows), ``expected`` (mean risk) and ``observed`` (share that failed). A
    calibrated model's groups lie on the diagonal."""
    order = np.argsort(risk, kind="stable")
    group = np.empty(len(risk), dtype=np.int64)
    group[order] = np.arange(len(risk)) * bins // max(len(risk), 1)
    return (
        pl.DataFrame({"bin": group + 1, "risk": risk, "failed": y.astype(np.float64)})
        .group_by("bin")
        .agg(
            merchants=pl.len(),
            expected=pl.col("risk").mean().round(4),
            observed=pl.col("failed").mean().round(4),
        )
        .sort("bin")
    )
