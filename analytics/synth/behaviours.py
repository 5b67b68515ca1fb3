"""Planted merchant behaviours (the ground truth) and systemic noise (vendor outages).

About 7.5% of merchants big enough to show a signal get one cause for a run of consecutive
months; ``planted_labels`` lists every (merchant, month, cause). Vendor outages delay every
merchant of a vendor for a few working days: realistic noise that is *not* a merchant's fault.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from analytics.synth.clock import DAY, Period, WorkClock
from analytics.synth.merchants import QUIET_FACTOR, Merchants
from analytics.synth.reference import Reference

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

CAUSES = (
    "chronic_late_entry",
    "silent_drop",
    "under_invoicing",
    "vendor_export_broken",
    "volume_spike",
    "duplicate_submission",
    "excess_red_reversal",
)
LATE, DROP, UNDER, BROKEN, SPIKE, DUP, RED = range(len(CAUSES))
BROKEN_VENDOR = "jinpiaobao"
PLANT_SHARE = 0.075
MIN_MONTHLY_INVOICES = 8.0
# Cause-specific intensity: share of invoices affected (LATE, DROP, UNDER, DUP, RED), share of
# rows lost from the export (BROKEN), or the volume multiplier (SPIKE).
INTENSITY = {
    LATE: (0.6, 0.9),
    DROP: (0.15, 0.40),
    UNDER: (0.35, 0.70),
    BROKEN: (0.10, 0.30),
    SPIKE: (3.0, 6.0),
    DUP: (0.06, 0.15),
    RED: (0.12, 0.30),
}


@dataclass(frozen=True)
class Outage:
    vendor: int
    start_ts: int
    end_ts: int


@dataclass
class Plan:
    cause: I64  # per merchant, -1 = none
    active: B  # merchants x months: the cause acts in this month
    intensity: F64
    spike: F64  # merchants x months volume multiplier
    broken_months: list[int]
    outages: list[Outage]
    labels: pl.DataFrame  # merchant_id, period, cause

    def acting(self, cause: int, mo: int) -> B:
        """Merchants on which ``cause`` acts in month ``mo``."""
        out: B = (self.cause == cause) & self.active[:, mo]
        return out

    def counts(self) -> dict[str, int]:
        return {c: int((self.cause == i).sum()) for i, c in enumerate(CAUSES)}


def expected_volume(m: Merchants, factors: F64, period: Period, spike: F64 | None = None) -> F64:
    """Relative expected invoices, merchants x months (``factors`` = industries x days)."""
    cum = np.concatenate([np.zeros((factors.shape[0], 1)), np.cumsum(factors, axis=1)], axis=1)
    out = np.zeros((m.n, period.months))
    first = m.active_from_day - period.start_day
    for mo in range(period.months):
        s, e = (d - period.start_day for d in period.month_days(mo))
        a = np.clip(first, s, e)
        out[:, mo] = cum[m.industry, e] - cum[m.industry, a]
    out *= (m.rel_volume / 30.4)[:, None]
    out *= np.where(m.quiet, QUIET_FACTOR, 1.0)
    return out * spike if spike is not None else out


def _window(rng: np.random.Generator, months: int, lo: int, hi: int) -> tuple[int, int]:
    length = min(months, int(rng.integers(lo, hi + 1)))
    first = int(rng.integers(0, months - length + 1))
    return first, first + length


def plan_behaviours(
    m: Merchants,
    expected: F64,
    *,
    ref: Reference,
    period: Period,
    clock: WorkClock,
    rng: np.random.Generator,
) -> Plan:
    """Choose planted merchants, their months and intensities; and the vendor outages."""
    months = period.months
    eligible = (
        (m.active_from_day <= period.start_day)
        & ~m.quiet.any(axis=1)
        & (expected.min(axis=1) >= MIN_MONTHLY_INVOICES)
    )
    pool = rng.permutation(np.flatnonzero(eligible))
    target = round(PLANT_SHARE * m.n)
    if len(pool) >= 2 * len(CAUSES):
        target = max(target, len(CAUSES))
    target = min(target, len(pool))

    cause = np.full(m.n, -1, dtype=np.int64)
    active = np.zeros((m.n, months), dtype=bool)
    intensity = np.zeros(m.n)
    broken_vendor = ref.vendor_index(BROKEN_VENDOR)
    on_broken = pool[m.vendor[pool] == broken_vendor]
    n_broken = min(len(on_broken), max(1, round(target / len(CAUSES)))) if target else 0
    broken = on_broken[:n_broken]
    broken_months = list(range(*_window(rng, months, 2, 3))) if n_broken else []
    cause[broken] = BROKEN
    active[np.ix_(broken, broken_months)] = True
    others = [c for c in range(len(CAUSES)) if c != BROKEN]
    rest = pool[~np.isin(pool, broken)][: target - n_broken]
    for j, i in enumerate(rest):
        c = others[j % len(others)]
        cause[i] = c
        first, last = _window(rng, months, *((2, 3) if c == SPIKE else (3, 6)))
        active[i, first:last] = True
    for c, (low, high) in INTENSITY.items():
        sel = cause == c
        intensity[sel] = rng.uniform(low, high, size=int(sel.sum()))
    spike = np.where((cause == SPIKE)[:, None] & active, intensity[:, None], 1.0)

    rows = np.argwhere(active)
    labels = pl.DataFrame(
        {
            "merchant_id": [m.merchant_id[i] for i in rows[:, 0]],
            "period": [period.labels[mo] for mo in rows[:, 1]],
            "cause": [CAUSES[cause[i]] for i in rows[:, 0]],
        },
        schema={"merchant_id": pl.String, "period": pl.String, "cause": pl.String},
    ).sort("merchant_id", "period")
    return Plan(
        cause=cause,
        active=active,
        intensity=intensity,
        spike=spike,
        broken_months=broken_months,
        outages=_outages(ref, period, clock, rng),
        labels=labels,
    )


def _outages(
    ref: Reference, period: Period, clock: WorkClock, rng: np.random.Generator
) -> list[Outage]:
    """A few multi-day upload outages at software vendors (the web tool never goes down)."""
    candidates = [i for i, c in enumerate(ref.vendor_codes) if c != "etax_web"]
    weights = ref.vendor_weights[candidates] / ref.vendor_weights[candidates].sum()
    days = np.arange(period.start_day, period.end_day - 7)
    days = days[clock.is_wd[days - clock.d0]]
    n = max(1, round(period.months / 4))
    outages = []
    for vendor in rng.choice(candidates, size=n, replace=n > len(candidates), p=weights):
        start = int(rng.choice(days)) * DAY + int(rng.integers(9 * 3600, 17 * 3600))
        end = clock.add(np.array([start]), np.array([rng.uniform(2.0, 4.0)]))[0]
        outages.append(Outage(int(vendor), start, int(end)))
    return sorted(outages, key=lambda o: o.start_ts)
