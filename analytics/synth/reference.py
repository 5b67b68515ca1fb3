"""Reference tables the generator draws from: ``data/reference/*.csv`` (read through
:func:`analytics.reference.table`, as the rest of the product reads them) and
``data/reference/synth/*.csv`` (the generator's own).

Everything tunable about "what Beijing looks like" lives in those files (district and industry
weights, hour and weekday profiles, name parts, item names, complaint templates), so the code
only says how to sample from them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from analytics import reference
from analytics.config import REFERENCE_DIR

SYNTH_DIR = REFERENCE_DIR / "synth"

F64 = npt.NDArray[np.float64]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _floats(rows: Sequence[Mapping[str, Any]], column: str) -> F64:
    return np.array([float(r[column]) for r in rows], dtype=np.float64)


@dataclass(frozen=True)
class Reference:
    """All reference data, as arrays aligned on the order of the CSV rows."""

    district_codes: list[str]
    district_names: list[str]
    district_weights: F64
    industry_codes: list[str]
    industry_names: list[str]
    industry_weights: F64
    individual_share: F64
    typical_rate: F64
    mean_ticket: F64
    request_share: F64
    # synth/industry_profiles.csv, same industry order
    enterprise_share: F64
    amount_sigma: F64
    whole_yuan_share: F64
    exempt_share: F64
    alt_rate: F64
    alt_share: F64
    platform_share: F64
    dow: F64  # industries x 7 (Mon..Sun)
    sf_pre: F64
    sf_holiday: F64
    nd_holiday: F64
    month_factor: F64  # industries x 12 (Jan..Dec)
    hour_cdf: F64  # industries x 24, cumulative, last column 1.0
    special_days: list[tuple[int, int, int, float]]  # (month, day, industry, factor)
    size_codes: list[str]
    size_names: list[str]
    size_weights: F64
    size_min: F64
    size_max: F64
    vendor_codes: list[str]
    vendor_names: list[str]
    vendor_weights: F64
    category_codes: list[str]
    category_names: list[str]
    channel_codes: list[str]
    channel_names: list[str]
    name_parts: dict[str, dict[str, list[str]]]  # part -> key -> values
    items: dict[str, list[dict[str, str]]]  # industry -> item rows
    templates: dict[str, list[str]]  # category -> templates
    phrases: dict[str, list[str]]  # opener / closer -> values

    def industry_index(self, code: str) -> int:
        return self.industry_codes.index(code)

    def vendor_index(self, code: str) -> int:
        return self.vendor_codes.index(code)

    def parts(self, part: str, key: str = "*") -> list[str]:
        return self.name_parts[part][key]


def _by_code(rows: list[dict[str, str]], codes: list[str], what: Path) -> list[dict[str, str]]:
    index = {r["code"]: r for r in rows}
    missing = [c for c in codes if c not in index]
    if missing:
        raise ValueError(f"{what}: no row for {', '.join(missing)}")
    return [index[c] for c in codes]


@cache
def load_reference() -> Reference:
    """Read and check every reference table once per process."""
    synth = SYNTH_DIR
    districts = reference.table("districts").to_dicts()
    industries = reference.table("industries").to_dicts()
    codes = [r["code"] for r in industries]
    profiles = _by_code(_rows(synth / "industry_profiles.csv"), codes, synth / "industry_profiles")
    hours = _by_code(_rows(synth / "hour_profiles.csv"), codes, synth / "hour_profiles.csv")
    sizes = reference.table("size_bands").to_dicts()
    vendors = reference.table("vendors").to_dicts()
    categories = reference.table("complaint_categories").to_dicts()
    channels = reference.table("complaint_channels").to_dicts()

    hour_w = np.array([[float(r[f"h{h:02d}"]) for h in range(24)] for r in hours])
    hour_cdf = np.cumsum(hour_w, axis=1) / hour_w.sum(axis=1, keepdims=True)
    hour_cdf[:, -1] = 1.0
    dow_cols = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    dow = np.array([[float(r[f"dow_{d}"]) for d in dow_cols] for r in profiles])
    month_factor = np.array([[float(r[f"m{m:02d}"]) for m in range(1, 13)] for r in profiles])

    special = []
    for r in _rows(synth / "special_days.csv"):
        month, day = (int(x) for x in r["mmdd"].split("-"))
        special.append((month, day, codes.index(r["industry"]), float(r["factor"])))

    parts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in _rows(synth / "name_parts.csv"):
        parts[r["part"]][r["key"]].append(r["value"])
    items: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _rows(synth / "items.csv"):
        items[r["industry"]].append(r)
    templates: dict[str, list[str]] = defaultdict(list)
    for r in _rows(synth / "complaint_templates.csv"):
        templates[r["category"]].append(r["template"])
    phrases: dict[str, list[str]] = defaultdict(list)
    for r in _rows(synth / "complaint_phrases.csv"):
        phrases[r["part"]].append(r["value"])
    category_codes = [r["code"] for r in categories]
    if set(templates) != set(category_codes):
        raise ValueError(f"{synth / 'complaint_templates.csv'}: categories differ from reference")

    return Reference(
        district_codes=[r["code"] for r in districts],
        district_names=[r["name_zh"] for r in districts],
        district_weights=_floats(districts, "merchant_weight"),
        industry_codes=codes,
        industry_names=[r["name_zh"] for r in industries],
        industry_weights=_floats(industries, "merchant_weight"),
        individual_share=_floats(industries, "individual_share"),
        typical_rate=_floats(industries, "typical_tax_rate"),
        mean_ticket=_floats(industries, "mean_ticket_yuan"),
        request_share=_floats(industries, "invoice_request_share"),
        enterprise_share=_floats(profiles, "enterprise_share"),
        amount_sigma=_floats(profiles, "amount_sigma"),
        whole_yuan_share=_floats(profiles, "whole_yuan_share"),
        exempt_share=_floats(profiles, "exempt_share"),
        alt_rate=_floats(profiles, "alt_rate"),
        alt_share=_floats(profiles, "alt_share"),
        platform_share=_floats(profiles, "platform_share"),
        dow=dow,
        sf_pre=_floats(profiles, "sf_pre"),
        sf_holiday=_floats(profiles, "sf_holiday"),
        nd_holiday=_floats(profiles, "nd_holiday"),
        month_factor=month_factor,
        hour_cdf=hour_cdf,
        special_days=special,
        size_codes=[r["code"] for r in sizes],
        size_names=[r["name_zh"] for r in sizes],
        size_weights=_floats(sizes, "merchant_weight"),
        size_min=_floats(sizes, "invoices_per_month_min"),
        size_max=_floats(sizes, "invoices_per_month_max"),
        vendor_codes=[r["code"] for r in vendors],
        vendor_names=[r["name_zh"] for r in vendors],
        vendor_weights=_floats(vendors, "merchant_weight"),
        category_codes=category_codes,
        category_names=[r["name_zh"] for r in categories],
        channel_codes=[r["code"] for r in channels],
        channel_names=[r["name_zh"] for r in channels],
        name_parts={k: dict(v) for k, v in parts.items()},
        items=dict(items),
        templates=dict(templates),
        phrases=dict(phrases),
    )
