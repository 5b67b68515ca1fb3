"""When an issued invoice reaches the tax system (``recorded_at``, 入库时间).

The vendor sets the base: the e-Tax web tool records at once, the cloud API within minutes,
desktop vendors within hours, and the tax-control software (piaolian) uploads in a nightly
batch on the next working day. On top: merchant habits (an occasional upload days late),
planted chronic lateness, and vendor outages that hold back everyone's uploads until the vendor
is back. Working-day delays go through :class:`~analytics.synth.clock.WorkClock`, so they step
over weekends, holidays and 调休.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from analytics.synth.behaviours import LATE, Outage
from analytics.synth.clock import DAY, WorkClock
from analytics.synth.world import World

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


def _lognormal_s(rng: np.random.Generator, median_s: float, sigma: float, n: int) -> I64:
    return np.round(median_s * np.exp(sigma * rng.standard_normal(n))).astype(np.int64)


def base_delay(vendor_code: str, issued: I64, clock: WorkClock, rng: np.random.Generator) -> I64:
    """Recorded time without habits or outages, for invoices issued through ``vendor_code``."""
    n = len(issued)
    if vendor_code == "etax_web":
        return issued + rng.integers(3, 120, size=n)
    if vendor_code == "yunkaipiao":
        return issued + np.clip(_lognormal_s(rng, 240, 1.0, n), 20, 4 * 3600)
    if vendor_code == "ruishuitong":
        return issued + np.clip(_lognormal_s(rng, 1.5 * 3600, 0.8, n), 300, 20 * 3600)
    if vendor_code == "piaolian":  # nightly batch on the next working day
        day = clock.next_workday(issued // DAY)
        return day * DAY + 3600 + rng.integers(0, 3 * 3600, size=n)
    return issued + np.clip(_lognormal_s(rng, 3 * 3600, 0.9, n), 600, 30 * 3600)


def recorded_times(w: World, issued: I64, merchant: I64, mo: I64, rng: np.random.Generator) -> I64:
    """Entry time of each invoice; ``mo`` is the month whose planted causes apply to the row."""
    m, plan, clock = w.m, w.plan, w.clock
    n = len(issued)
    recorded = np.empty(n, dtype=np.int64)
    vendor = m.vendor[merchant]
    for v, code in enumerate(w.ref.vendor_codes):
        sel = vendor == v
        recorded[sel] = base_delay(code, issued[sel], clock, rng)

    late = rng.random(n) < m.late_p[merchant]
    slow = clock.add(issued, rng.uniform(1.0, 4.0, size=n))
    recorded = np.where(late, np.maximum(recorded, slow), recorded)

    chronic = (plan.cause[merchant] == LATE) & plan.active[merchant, mo]
    chronic &= rng.random(n) < plan.intensity[merchant]
    very_slow = clock.add(issued, rng.uniform(3.0, 10.0, size=n))
    recorded = np.where(chronic, np.maximum(recorded, very_slow), recorded)
    for o in plan.outages:
        recorded = apply_outage(recorded, issued, vendor, o, clock=clock, rng=rng)
    return recorded


def apply_outage(
    recorded: I64,
    issued: I64,
    vendor: I64,
    o: Outage,
    *,
    clock: WorkClock,
    rng: np.random.Generator,
) -> I64:
    """Uploads that would land during an outage land when the vendor is back, as a backlog."""
    hit = (vendor == o.vendor) & (issued < o.end_ts) & (recorded >= o.start_ts)
    hit &= recorded < o.end_ts
    n = int(hit.sum())
    out = recorded.copy()
    out[hit] = clock.add(np.full(n, o.end_ts, dtype=np.int64), rng.uniform(0.02, 0.6, size=n))
    return out


def red_recorded(issued: I64, rng: np.random.Generator) -> I64:
    """Red invoices are issued on the platform against a 红字确认单: recorded within minutes."""
    return issued + rng.integers(10, 600, size=len(issued))
