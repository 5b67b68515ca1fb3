"""The merchant registry: who sells, where, what, how big, with which invoicing software."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from analytics.synth.clock import Period, epoch_day
from analytics.synth.names import merchant_names
from analytics.synth.reference import Reference
from analytics.validation import USCC_CHARSET, make_uscc, org_code_check_char

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

NEW_SHARE = 0.04  # registered in the last three months of the period
QUIET_SHARE = 0.03  # closed for a few months (renovation, illness): near-zero volume
LEGACY_ID_SHARE = 0.02  # of 个体工商户: still invoicing under a pre-2016 15/20-character id
LEGACY_ISSUER_SHARE = 0.20  # of piaolian (tax-control software) merchants: old 发票代码+号码 too
QUIET_FACTOR = 0.03
# Home areas of identity-card numbers behind legacy 20-character 个体户 ids: Beijing and the
# provinces most Beijing shopkeepers come from.
_ID_AREAS = ("110105", "110108", "110106", "130102", "410105", "370102", "510104", "340104")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class Merchants:
    """One entry per merchant; arrays are aligned by merchant index."""

    merchant_id: list[str]
    name: list[str]
    id_format: list[str]
    issuer: list[str]
    district: I64
    industry: I64
    size: I64
    vendor: I64
    individual: B
    small_scale: B
    small_rate: F64  # 征收率 of a 小规模纳税人: 1% (the 2023-2027 reduction) or 3%
    rel_volume: F64  # invoices per month before scaling to the target volume
    registered_day: I64
    active_from_day: I64
    quiet: B  # merchants x months
    slot: I64  # 7-digit block inside this merchant's 数电 invoice numbers
    channel: I64  # 数电 number digit 5: 1 web, 2 direct-connected software, 3 mobile
    legacy_issuer: B
    legacy_slot: I64
    late_p: F64  # habit: probability that an invoice is uploaded 1-4 working days late

    @property
    def n(self) -> int:
        return len(self.merchant_id)


def _person_id(rng: np.random.Generator) -> str:
    """An 18-character resident identity number with a valid ISO 7064 check character."""
    area = _ID_AREAS[int(rng.integers(len(_ID_AREAS)))]
    born = date.fromordinal(
        int(rng.integers(date(1960, 1, 1).toordinal(), date(1995, 12, 31).toordinal()))
    )
    body = f"{area}{born:%Y%m%d}{int(rng.integers(1, 1000)):03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _legacy_id(rng: np.random.Generator, area: str) -> tuple[str, str]:
    if rng.random() < 0.8:  # old 个体户 税务登记号: identity number + 2-digit sequence
        return f"{_person_id(rng)}{int(rng.integers(1, 4)):02d}", "legacy20"
    while True:
        body = f"{int(rng.integers(10_000_000, 100_000_000))}"
        check = org_code_check_char(body)
        if check is not None:
            return f"{area}{body}{check}", "legacy15"


def _uscc(rng: np.random.Generator, area: str, individual: bool) -> str:
    if individual or rng.random() < 0.6:  # post-2015 registrations: MA + random
        body = "MA0" + "".join(USCC_CHARSET[i] for i in rng.integers(31, size=5))
    else:  # older companies keep their 8-digit organisation code
        body = f"{int(rng.choice([1, 5, 6, 7, 8]))}{int(rng.integers(0, 10_000_000)):07d}"
    return make_uscc("9", "2" if individual else "1", area, body)


def _size_probs(ref: Reference, individual_share: float) -> tuple[F64, F64]:
    """Size-band probabilities for 个体户 (micro/small only) and for enterprises, such that the
    mix over all merchants matches size_bands.csv."""
    indiv = np.array([0.72, 0.28] + [0.0] * (len(ref.size_codes) - 2))
    w = ref.size_weights / ref.size_weights.sum()
    ent = np.clip((w - individual_share * indiv) / (1 - individual_share), 0.0, None)
    return indiv, ent / ent.sum()


def build_merchants(n: int, ref: Reference, period: Period, rng: np.random.Generator) -> Merchants:
    def choice(weights: F64, size: int) -> I64:
        return rng.choice(len(weights), size=size, p=weights / weights.sum()).astype(np.int64)

    district = choice(ref.district_weights, n)
    industry = choice(ref.industry_weights, n)
    individual = rng.random(n) < ref.individual_share[industry]
    p_indiv, p_ent = _size_probs(ref, float(individual.mean()) if n else 0.0)
    size = np.where(individual, choice(p_indiv, n), choice(p_ent, n))
    vendor = choice(ref.vendor_weights, n)
    small_scale = individual | (rng.random(n) < np.choose(np.minimum(size, 2), [0.6, 0.25, 0.0]))
    small_rate = np.where(rng.random(n) < 0.88, 0.01, 0.03)
    lo, hi = ref.size_min[size], ref.size_max[size]
    rel_volume = np.exp(rng.uniform(np.log(lo), np.log(hi)))

    start, end = period.start_day, period.end_day
    new = rng.random(n) < NEW_SHARE
    years_back = rng.exponential(6.0, n) * 365.25
    old_day = np.maximum(start - 30 - years_back.astype(np.int64), epoch_day(date(2004, 1, 1)))
    new_day = rng.integers(end - 92, end - 5, size=n)
    legacy = individual & ~new & (rng.random(n) < LEGACY_ID_SHARE)
    legacy_day = rng.integers(epoch_day(date(2004, 1, 1)), epoch_day(date(2016, 9, 30)), size=n)
    registered = np.where(new, new_day, np.where(legacy, legacy_day, old_day))
    active_from = np.maximum(registered + np.where(new, rng.integers(2, 15, size=n), 0), start)

    months = period.months
    quiet = np.zeros((n, months), dtype=bool)
    for q in np.flatnonzero(~new & (rng.random(n) < QUIET_SHARE)):
        length = min(months, int(rng.integers(1, 4)))
        first = int(rng.integers(0, months - length + 1))
        quiet[q, first : first + length] = True

    ids, formats, seen = [], [], set()
    for i in range(n):
        area = ref.district_codes[int(district[i])]
        while True:
            if legacy[i]:
                code, fmt = _legacy_id(rng, area)
            else:
                code, fmt = _uscc(rng, area, bool(individual[i])), "uscc"
            if code not in seen:
                break
        seen.add(code)
        ids.append(code)
        formats.append(fmt)

    names = merchant_names(
        rng, ref, district=district, industry=industry, individual=individual, size=size
    )
    surnames, given = ref.parts("surname"), ref.parts("given")
    issuer = [
        surnames[int(a)] + given[int(b)]
        for a, b in zip(
            rng.integers(len(surnames), size=n), rng.integers(len(given), size=n), strict=True
        )
    ]
    etax = vendor == ref.vendor_index("etax_web")
    channel = np.where(etax, np.where(rng.random(n) < 0.8, 1, 3), 2).astype(np.int64)
    legacy_issuer = (vendor == ref.vendor_index("piaolian")) & (rng.random(n) < LEGACY_ISSUER_SHARE)
    legacy_issuer &= np.cumsum(legacy_issuer) <= 9000  # 4-digit code blocks
    legacy_slot = np.zeros(n, dtype=np.int64)
    legacy_slot[legacy_issuer] = rng.permutation(9000)[: int(legacy_issuer.sum())] + 1000
    habit = rng.random(n)
    late_p = np.where(habit < 0.85, 0.004, np.where(habit < 0.97, 0.03, 0.15))
    return Merchants(
        merchant_id=ids,
        name=names,
        id_format=formats,
        issuer=issuer,
        district=district,
        industry=industry,
        size=size.astype(np.int64),
        vendor=vendor,
        individual=individual,
        small_scale=small_scale,
        small_rate=small_rate,
        rel_volume=rel_volume,
        registered_day=registered.astype(np.int64),
        active_from_day=active_from.astype(np.int64),
        quiet=quiet,
        slot=rng.choice(9_000_000, size=n, replace=False).astype(np.int64) + 1_000_000,
        channel=channel,
        legacy_issuer=legacy_issuer,
        legacy_slot=legacy_slot,
        late_p=late_p,
    )


def registry_frame(m: Merchants, ref: Reference) -> pl.DataFrame:
    """merchants.csv as a registry export: Chinese headers and Chinese values."""
    return pl.DataFrame(
        {
            "统一社会信用代码": m.merchant_id,
            "商户名称": m.name,
            "所属区": [ref.district_names[i] for i in m.district],
            "行业": [ref.industry_names[i] for i in m.industry],
            "规模": [ref.size_names[i] for i in m.size],
            "开票软件": [ref.vendor_names[i] for i in m.vendor],
            "登记日期": pl.Series(m.registered_day, dtype=pl.Int32)
            .cast(pl.Date)
            .dt.strftime("%Y-%m-%d"),
            "是否个体工商户": np.where(m.individual, "是", "否").tolist(),
        }
    )
