"""Anomaly features per merchant-month: rates with small-denominator shrinkage, peer z-scores.

Pure transforms (``DataFrame -> DataFrame``, no I/O; eager on purpose, see
:func:`peer_normalise`); the anomaly stage reads the inputs from the warehouse. The chain:

1. :func:`with_volume_baseline` adds each merchant's own recent volume (median invoices issued
   over up to :data:`VOLUME_WINDOW` preceding months with activity);
2. :func:`peer_normalise` turns every feature of :data:`FEATURES` into

   * ``<name>``: the value as observed (a rate, a level or a ratio; null without a
     denominator), what explanations print;
   * ``<name>_peer``: the peer median of the observed values (what "vs peer median" prints);
   * ``<name>_z``: a robust z-score against the peer group, signed so that the *bad*
     direction is positive (the registry's ``higher_is_better``); two-sided features (volume)
     keep their sign, and the model reads their magnitude.

Beyond the registry's rates (entry, mismatch, not/under-invoiced, red-letter, complaints per
1,000): ``on_time_rate`` / ``late_rate`` count only invoices not issued on a vendor outage day
(sql/marts/features_timing.sql: lateness shared by a vendor's merchants is the vendor's);
``duplicate_rate`` = duplicates / issued; ``log_gap_rate`` = the merchant's tax records absent
from its log / all its tax records; ``seq_gap_rate`` = numbers missing inside the month's
observed range of each invoice-number series / the range; ``off_hours_share`` = invoices issued
on a non-working day (Chinese calendar, 调休 included) or 22:00-06:00 / issued: invoicing by
hand at night or on holidays is unusual for most trades (restaurants and hotels do it, which
is what peer groups absorb), while back-filled or scripted invoicing shows up there first;
``volume_ratio`` = issued / the merchant's own median over the preceding months.

Peer group = industry x size band within the month, falling back to the size band, then to
every merchant of the month, while the group holds fewer than :data:`MIN_PEERS` merchants.

Small denominators: a rate ``k / n`` is shrunk toward the peer group's pooled rate ``p0`` as
``(k + w * p0) / (n + w)`` (``w`` = the feature's ``prior_weight``, an empirical-Bayes beta prior
worth ``w`` invoices) before it is compared, so one missing invoice out of three moves a quiet
merchant a little, not to the top of the list. Levels (delay p95) are shrunk the same way
toward the peer median by their support. The z-score is ``(x - median) / max(1.4826 * MAD,
floor)``: the floor keeps a peer group in which nearly everyone sits at 100% (MAD = 0) from
turning a one-point dip into a huge score; it is the smallest deviation worth a z of 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from numpy.lib.stride_tricks import sliding_window_view

from analytics import metrics

Kind = Literal["rate", "level", "ratio"]

MIN_PEERS = 20
VOLUME_WINDOW = 6  # months: longer than any plausible spike, so a spike cannot become its own base
VOLUME_MIN_MONTHS = 1
VOLUME_PSEUDO = 5.0  # invoices added to both sides of the volume ratio: 1 -> 4 is not a spike
MAD_SCALE = 1.4826  # MAD of a normal distribution -> its standard deviation
PEER_LEVELS: tuple[tuple[str, ...], ...] = (("industry", "size_band"), ("size_band",), ())


@dataclass(frozen=True)
class Feature:
    """One model feature: how to compute it, how to compare it, how to print it."""

    name: str
    label_zh: str
    label_en: str
    format: metrics.Format
    higher_is_better: bool | None  # None: both directions are unusual (volume)
    kind: Kind
    numerator: str  # rate: count column; level: value column; ratio: count column
    denominator: str | None  # rate: count column; level: support column; ratio: base column
    scale: float = 1.0  # 1000 for per-1k rates
    prior_weight: float = 30.0
    floor: float = 0.02


def _registry(
    name: str,
    kind: Kind,
    numerator: str,
    denominator: str | None,
    suffix: tuple[str, str] = ("", ""),
    **kw: float,
) -> Feature:
    """A feature that is a metric of the registry: labels, format and direction from there."""
    m = metrics.metric(name)
    return Feature(
        name,
        m.label_zh + suffix[0],
        m.label_en + suffix[1],
        m.format,
        m.higher_is_better,
        kind,
        numerator,
        denominator,
        **kw,
    )


def _bad_share(
    name: str, zh: str, en: str, numerator: str, denominator: str = "invoices_issued", **kw: float
) -> Feature:
    """A share of invoices where higher is worse, not a metric of the registry."""
    return Feature(name, zh, en, "pct", False, "rate", numerator, denominator, **kw)


# Timing outside vendor outage days (sql/marts/features_timing.sql): lateness shared by a
# vendor's merchants on the same days is the vendor's upload pipeline, not the merchant.
_CLEAN = ("（剔除厂商故障日）", " (excl. vendor outage days)")


FEATURES: tuple[Feature, ...] = (
    _registry("entry_rate", "rate", "invoices_recorded", "invoices_due"),
    _registry("on_time_rate", "rate", "clean_on_time", "clean_due", suffix=_CLEAN),
    _registry("late_rate", "rate", "clean_late", "clean_recorded", suffix=_CLEAN),
    # not outage-cleaned (that needs every invoice's delay): shown, not scored (anomaly.py)
    _registry("delay_p95", "level", "delay_p95", "invoices_recorded", floor=0.5),
    _registry("mismatch_rate", "rate", "mismatch_count", "invoices_recorded"),
    _registry("not_invoiced_rate", "rate", "not_invoiced_count", "invoice_requests"),
    _registry("under_invoiced_rate", "rate", "under_invoiced_count", "invoice_requests"),
    _registry("red_rate", "rate", "red_count", "invoices_issued"),
    _bad_share("duplicate_rate", "重复开票率", "Duplicate rate", "duplicate_count"),
    # Tax records of the merchant absent from its own invoicing log, over all its tax records
    # in the month (recorded twins + orphans): bounded, so it can be shrunk like a rate.
    _bad_share(
        "log_gap_rate",
        "商户记录缺失率",
        "Missing-in-merchant-log rate",
        "merchant_log_missing_count",
        "tax_records_total",
    ),
    _bad_share(
        "seq_gap_rate", "发票号码断号率", "Invoice-number gap rate", "seq_gaps", "seq_range"
    ),
    _bad_share(
        "off_hours_share",
        "非工作时间开票占比",
        "Issued outside working hours",
        "off_hours_count",
        floor=0.05,
    ),
    _registry(
        "complaints_per_1k",
        "rate",
        "complaints",
        "invoices_issued",
        scale=1000.0,
        prior_weight=100.0,
        floor=5.0,
    ),
    Feature(
        "volume_ratio",
        "开票量与自身近期中位数之比",
        "Volume relative to own recent median",
        "ratio",
        None,
        "ratio",
        "invoices_issued",
        "volume_base",
        floor=0.15,
    ),
)
_BY_NAME = {f.name: f for f in FEATURES}


def feature(name: str) -> Feature:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown feature {name!r}; known: {', '.join(_BY_NAME)}") from None


def names() -> tuple[str, ...]:
    return tuple(f.name for f in FEATURES)


def month_index(period: pl.Expr) -> pl.Expr:
    """``'2026-03'`` -> 2026 * 12 + 2: consecutive months are consecutive integers."""
    return period.str.slice(0, 4).cast(pl.Int64) * 12 + period.str.slice(5, 2).cast(pl.Int64) - 1


def with_volume_baseline(
    monthly: pl.DataFrame, *, window: int = VOLUME_WINDOW, min_months: int = VOLUME_MIN_MONTHS
) -> pl.DataFrame:
    """Add ``volume_base``: median ``invoices_issued`` over the merchant's preceding ``window``
    months that have a row (at least ``min_months`` of them, else null).

    Months without a row are left out rather than counted as zero, so a merchant that opened
    last month is "new", not "spiking". ``monthly`` needs merchant_id, period, invoices_issued
    and must hold the history months too (the caller reads ``window`` months back). Done on a
    merchants x months grid in numpy: a self-join or a rolling window per merchant took
    several times longer at half a million merchant-months.
    """
    if monthly.height == 0:
        return monthly.with_columns(volume_base=pl.lit(None, pl.Float64))
    index = month_index(pl.col("period"))
    keys = monthly.select(
        (pl.col("merchant_id").rank("dense").cast(pl.Int64) - 1).alias("m"),
        (index - index.min()).alias("j"),
    )
    m, j = keys["m"].to_numpy(), keys["j"].to_numpy()
    grid = np.full((int(m.max()) + 1, int(j.max()) + 1 + window), np.nan)
    grid[m, j + window] = monthly["invoices_issued"].cast(pl.Float64).to_numpy()
    # row r reads grid columns j .. j + window - 1, i.e. months j - window .. j - 1
    past = np.sort(sliding_window_view(grid, window, axis=1)[m, j], axis=1)  # NaN sort last
    n = np.sum(~np.isnan(past), axis=1)
    lo = np.take_along_axis(past, np.maximum((n - 1) // 2, 0)[:, None], axis=1)[:, 0]
    hi = np.take_along_axis(past, np.maximum(n // 2, 0)[:, None], axis=1)[:, 0]
    base = np.where(n >= max(min_months, 1), (lo + hi) / 2.0, np.nan)
    return monthly.with_columns(volume_base=pl.Series(base, dtype=pl.Float64).fill_nan(None))


def with_derived_counts(inputs: pl.DataFrame) -> pl.DataFrame:
    """Denominators that are not columns of ``merchant_period_metrics``."""
    return inputs.with_columns(
        tax_records_total=pl.col("invoices_recorded") + pl.col("merchant_log_missing_count"),
    )


def _peer_key(frame: pl.DataFrame, min_peers: int) -> pl.DataFrame:
    """``peer_group``: the narrowest level of :data:`PEER_LEVELS` with ``min_peers`` rows in
    the month, as ``industry|size_band`` with ``*`` for a level left open."""
    keys: list[pl.Expr] = []
    sizes: list[pl.Expr] = []
    for level in PEER_LEVELS:
        parts = [
            pl.col(c).fill_null("?") if c in level else pl.lit("*")
            for c in ("industry", "size_band")
        ]
        keys.append(pl.concat_str(parts, separator="|"))
        sizes.append(pl.len().over("period", *level) if level else pl.len().over("period"))
    choice: pl.Expr = keys[-1]
    for key, size in zip(reversed(keys[:-1]), reversed(sizes[:-1]), strict=True):
        choice = pl.when(size >= min_peers).then(key).otherwise(choice)
    return frame.with_columns(peer_group=choice)


def _observed(f: Feature) -> pl.Expr:
    num, den = pl.col(f.numerator), pl.col(f.denominator) if f.denominator else None
    if f.kind == "rate":
        assert den is not None
        return pl.when(den > 0).then(num.cast(pl.Float64) / den * f.scale)
    if f.kind == "level":
        return num.cast(pl.Float64)
    assert den is not None
    return pl.when(den.is_not_null()).then(num.cast(pl.Float64) / den.clip(lower_bound=1e-9))


def _prior(f: Feature) -> pl.Expr | None:
    """Per peer group: the pooled rate (rates) or the median (levels) values shrink toward."""
    if f.kind == "rate":
        pooled = pl.col(f.numerator).sum().cast(pl.Float64) / pl.col(str(f.denominator)).sum()
        return pooled.fill_nan(None).fill_null(0.0).alias(f"_p_{f.name}")
    if f.kind == "level":
        return pl.col(f.numerator).cast(pl.Float64).median().alias(f"_p_{f.name}")
    return None


def _compared(f: Feature) -> pl.Expr:
    """The value the z-score is taken of: shrunk rate, shrunk level, or log volume ratio."""
    prior = pl.col(f"_p_{f.name}")
    if f.kind == "rate":
        num, den = pl.col(f.numerator).cast(pl.Float64), pl.col(str(f.denominator))
        return (num + f.prior_weight * prior) / (den + f.prior_weight) * f.scale
    if f.kind == "level":
        value, support = pl.col(f.numerator), pl.col(str(f.denominator)).cast(pl.Float64)
        shrunk = (support * value + f.prior_weight * prior) / (support + f.prior_weight)
        return pl.when(value.is_not_null()).then(shrunk).otherwise(prior)
    n, base = pl.col(f.numerator).cast(pl.Float64), pl.col(str(f.denominator))
    return ((n + VOLUME_PSEUDO) / (base + VOLUME_PSEUDO)).log()


def peer_normalise(
    frame: pl.DataFrame,
    features: Sequence[Feature] = FEATURES,
    *,
    min_peers: int = MIN_PEERS,
) -> pl.DataFrame:
    """Add ``peer_group`` and, per feature, ``<name>``, ``<name>_peer`` and ``<name>_z``.

    Statistics are taken per month and peer group over every row of ``frame``, so the frame
    must hold whole months. A feature with no value (no denominator) gets z = 0: no evidence
    is not evidence of an anomaly. Group statistics are aggregated once per pass and joined
    back (priors, medians, spreads), eagerly: a window expression per feature, or one lazy
    plan that re-derives the frame for each aggregate, took several times longer at half a
    million merchant-months.
    """
    peers = ["period", "peer_group"]
    out = _peer_key(frame, min_peers)
    priors = [p for p in (_prior(f) for f in features) if p is not None]
    if priors:
        out = out.join(out.group_by(peers).agg(priors), on=peers, how="left", nulls_equal=True)
    out = out.with_columns(
        *(_observed(f).alias(f.name) for f in features),
        *(_compared(f).alias(f"_c_{f.name}") for f in features),
    )
    medians = out.group_by(peers).agg(
        *(pl.col(f.name).median().alias(f"{f.name}_peer") for f in features),
        *(pl.col(f"_c_{f.name}").median().alias(f"_m_{f.name}") for f in features),
    )
    out = out.join(medians, on=peers, how="left", nulls_equal=True)
    spreads = out.group_by(peers).agg(
        ((pl.col(f"_c_{f.name}") - pl.col(f"_m_{f.name}")).abs().median() * MAD_SCALE).alias(
            f"_s_{f.name}"
        )
        for f in features
    )
    out = out.join(spreads, on=peers, how="left", nulls_equal=True)
    z_exprs = []
    for f in features:
        c, m = pl.col(f"_c_{f.name}"), pl.col(f"_m_{f.name}")
        spread = pl.max_horizontal(pl.col(f"_s_{f.name}").fill_null(0.0), pl.lit(f.floor))
        z = ((c - m) / spread).fill_null(0.0).fill_nan(0.0)
        z_exprs.append((-z if f.higher_is_better else z).alias(f"{f.name}_z"))
    out = out.with_columns(z_exprs)
    helpers = [f"_{k}_{f.name}" for f in features for k in "cms"]
    helpers += [f"_p_{f.name}" for f in features if f.kind != "ratio"]
    return out.drop(helpers)


def build_features(inputs: pl.DataFrame, *, min_peers: int = MIN_PEERS) -> pl.DataFrame:
    """Inputs (metrics + extras + ``volume_base``) -> the normalised feature frame."""
    return peer_normalise(with_derived_counts(inputs), min_peers=min_peers)
