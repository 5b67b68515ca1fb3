"""Payments: what customers paid, per merchant and day, with hours, tickets and invoice requests.

Volume per merchant-day is Poisson around the merchant's scaled monthly volume spread over the
month by its industry's day factors (weekday pattern, seasonality, Spring Festival dip, ...);
the hour comes from the industry's opening-hours profile (restaurants peak at lunch and dinner,
hotels at check-out, online platforms around the clock).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from analytics.synth.behaviours import SPIKE
from analytics.synth.clock import DAY
from analytics.synth.merchants import QUIET_FACTOR
from analytics.synth.reference import Reference
from analytics.synth.world import World

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

PAY_CHANNELS = ("wechat", "alipay", "pos", "cash", "platform", "transfer")
BUYER_TYPES = ("individual", "enterprise")
ENTERPRISE_REQUEST = 0.95  # companies nearly always want a 发票 for their books
_INDIVIDUAL_CHANNEL_P = (0.50, 0.36, 0.10, 0.04, 0.0, 0.0)
_ENTERPRISE_CHANNEL_P = (0.15, 0.15, 0.15, 0.0, 0.0, 0.55)


def individual_request_share(ref: Reference) -> F64:
    """Per industry: P(individual asks for an invoice) so that the mix matches industries.csv."""
    e = ref.enterprise_share
    return np.clip((ref.request_share - e * ENTERPRISE_REQUEST) / (1 - e), 0.02, 0.98)


def _hours(rng: np.random.Generator, ref: Reference, industry: I64) -> I64:
    hours = np.zeros(len(industry), dtype=np.int64)
    u = rng.random(len(industry))
    for ind in range(len(ref.industry_codes)):
        sel = industry == ind
        hours[sel] = np.searchsorted(ref.hour_cdf[ind], u[sel], side="right")
    return np.minimum(hours, 23)


def month_payments(w: World, mo: int, rng: np.random.Generator) -> pl.DataFrame:
    """All payments of month ``mo``, sorted by merchant and time.

    Columns: m (merchant index), payment_id, paid_at (epoch s), amount (cents), requested,
    enterprise, channel (index into PAY_CHANNELS).
    """
    m, ref, plan, period = w.m, w.ref, w.plan, w.period
    first, last = period.month_days(mo)
    n_days = last - first
    f = w.factors[:, first - period.start_day : last - period.start_day][m.industry]
    active = np.arange(first, last)[None, :] >= m.active_from_day[:, None]
    quiet = np.where(m.quiet[:, mo], QUIET_FACTOR, 1.0)
    per_day = w.scale * m.rel_volume / 30.4 * quiet * plan.spike[:, mo]
    lam = f * active * (per_day / ref.request_share[m.industry])[:, None]
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(m.n * n_days, dtype=np.int64), counts)
    mi, day = cell // n_days, first + cell % n_days
    n = len(cell)
    industry = m.industry[mi]
    paid = day * DAY + _hours(rng, ref, industry) * 3600 + rng.integers(0, 3600, size=n)
    order = np.lexsort((paid, mi))
    mi, paid, industry = mi[order], paid[order], industry[order]

    spiking = plan.acting(SPIKE, mo)[mi]  # 虚开-like spikes come with many company buyers
    e_share = np.where(
        spiking,
        np.minimum(ref.enterprise_share[industry] * 2.5, 0.8),
        ref.enterprise_share[industry],
    )
    enterprise = rng.random(n) < e_share
    sigma = ref.amount_sigma[industry]
    mu = np.log(ref.mean_ticket[industry]) - sigma**2 / 2
    yuan = np.exp(mu + sigma * rng.standard_normal(n)) * np.where(enterprise, 2.5, 1.0)
    cents = np.round(yuan * 100).astype(np.int64)
    whole = rng.random(n) < ref.whole_yuan_share[industry]
    cents = np.maximum(np.where(whole, np.round(cents / 100).astype(np.int64) * 100, cents), 100)
    p_request = np.where(enterprise, ENTERPRISE_REQUEST, individual_request_share(ref)[industry])
    requested = rng.random(n) < p_request

    channel = np.where(
        enterprise,
        rng.choice(len(PAY_CHANNELS), size=n, p=_ENTERPRISE_CHANNEL_P),
        rng.choice(len(PAY_CHANNELS), size=n, p=_INDIVIDUAL_CHANNEL_P),
    )
    channel = np.where(
        rng.random(n) < ref.platform_share[industry], PAY_CHANNELS.index("platform"), channel
    )

    starts = np.searchsorted(mi, np.arange(m.n))  # mi is sorted
    seq = np.arange(n) - starts[mi] + 1
    frame = pl.DataFrame(
        {
            "m": mi.astype(np.int32),
            "paid_at": paid,
            "amount": cents,
            "requested": requested,
            "enterprise": enterprise,
            "channel": channel.astype(np.int8),
            "_slot": m.slot[mi],
            "_seq": seq,
        }
    )
    # 交易流水号: date + merchant block + sequence within the merchant's month.
    payment_id = pl.concat_str(
        pl.lit("P"),
        pl.from_epoch("paid_at", time_unit="s").dt.strftime("%Y%m%d"),
        pl.col("_slot").cast(pl.String),
        pl.col("_seq").cast(pl.String).str.zfill(6),
    )
    return frame.with_columns(payment_id=payment_id).drop("_slot", "_seq")
