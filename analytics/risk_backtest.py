"""The entry-risk forecast measured out of time (回测), and the correction its risks get.

Each outcome month ``e`` (an index ``t`` of the pairs of :func:`analytics.risk.with_outcome`)
is forecast by a model fitted on the months before it only, as the forecast ahead will be;
those forecasts serve twice: pooled over the last :data:`FOLDS` months they are the
measurement shown beside the forecast, and the :data:`CALIBRATION_MONTHS` months before a
forecast fit its correction (:mod:`analytics.risk_calibration`). :mod:`analytics.risk_stage`
stores what :func:`evaluation_row` returns.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl

from analytics import risk
from analytics.clock import beijing_now
from analytics.risk_calibration import Recalibration, calibration, recalibration, reliability

SEED = 0
FOLDS = 3  # outcome months the evaluation forecasts, each from a model of the months before
# Outcome months a forecast's correction is fitted on (analytics.risk_calibration). Out of time
# on the demo and the 10M data, one, two and three months all brought the failures expected
# within 2-8% of those that occurred (from 11-13% over); two gave the lowest Brier score on the
# demo (0.04566 against 0.04585 and 0.04568), the 10M ones were within 0.00002 of each other.
CALIBRATION_MONTHS = 2


class OutOfTime(NamedTuple):
    """An outcome month's rows and the forecasts a model fitted before it made for them."""

    rows: pl.DataFrame
    forecast: np.ndarray


def out_of_time(pairs: pl.DataFrame, outcomes: range) -> dict[int, OutOfTime]:
    """Each outcome month ``e`` of ``outcomes`` (an index ``t`` of ``pairs``) forecast by a
    model fitted on the months before it only: the rows and the forecasts, raw (not
    recalibrated). Months with nothing to fit on or to forecast are left out."""
    out: dict[int, OutOfTime] = {}
    for e in outcomes:
        train, test = pairs.filter(pl.col("t") < e), pairs.filter(pl.col("t") == e)
        if risk.both_outcomes(train) and test.height:
            out[e] = OutOfTime(test, risk.predict(risk.fit(train, seed=SEED), test))
    return out


def recalibration_before(oot: dict[int, OutOfTime], e: int) -> Recalibration:
    """The correction for month ``e``'s forecast, fitted on the :data:`CALIBRATION_MONTHS`
    months before it that were forecast out of time (none yet: no correction)."""
    used = [oot[c] for c in range(e - CALIBRATION_MONTHS, e) if c in oot]
    if not used:
        return Recalibration()
    return recalibration(
        np.concatenate([u.rows["next_failed"].to_numpy() for u in used]),
        np.concatenate([u.forecast for u in used]),
    )


def evaluation_row(target: str, based_on: str, pairs: pl.DataFrame) -> dict[str, object]:
    """The model measured out of time: each of the last :data:`FOLDS` outcome months forecast
    by a model fitted on the months before it only, recalibrated on the months before it
    (:func:`recalibration_before`), the forecasts pooled; and the correction for the forecast
    ahead, fitted on the last :data:`CALIBRATION_MONTHS` outcome months
    (:meth:`~analytics.risk_calibration.Recalibration.from_row` reads it back)."""
    row: dict[str, object] = {"period": target, "based_on": based_on, "seed": SEED}
    row["measured_at"] = beijing_now()
    last = int(pairs.select(pl.col("t").max()).item())
    first = max(1, last - FOLDS + 1)
    oot = out_of_time(pairs, range(max(1, first - CALIBRATION_MONTHS), last + 1))
    folds = [e for e in range(first, last + 1) if e in oot]
    test = pl.concat([oot[e].rows for e in folds]) if folds else pairs.clear()
    row |= {
        "evaluated_months": sorted(set(test["outcome_period"].to_list())),
        "test_rows": test.height,
        "test_failures": int(test["next_failed"].sum()),
    }
    if risk.both_outcomes(test):
        y = test["next_failed"].to_numpy()
        raw = np.concatenate([oot[e].forecast for e in folds])
        forecast = np.concatenate(
            [recalibration_before(oot, e).apply(oot[e].forecast) for e in folds]
        )
        row |= risk.measure(y, forecast) | calibration(y, forecast)
        row["raw_expected_failures"] = calibration(y, raw)["expected_failures"]
        row["reliability"] = reliability(y, forecast).to_dicts()
        for name, score in risk.baselines(test).items():
            row |= {f"{name}_{k}": v for k, v in risk.measure(y, score).items()}
    ahead = recalibration_before(oot, last + 1)
    row |= {"calibration_slope": ahead.slope, "calibration_intercept": ahead.intercept}
    return row
