"""Company and shop names the way Beijing registers them, and the ways people misspell them.

Official names use full-width brackets: 北京市朝阳区好味来餐饮有限公司（望京店）, and since 2022 a
个体工商户 may carry the tag （个体工商户）. Exports from older software and complaint hotlines turn
the brackets half-width, drop 北京市 or the company suffix, or keep only the shop's core name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.synth.reference import Reference
from analytics.validation import USCC_CHARSET, make_uscc

SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
INDIVIDUAL_TAG = "（个体工商户）"
VARIANT_KINDS = ("official", "half_width", "no_suffix", "no_city", "short")


def _pick(rng: np.random.Generator, values: list[str]) -> str:
    return values[int(rng.integers(len(values)))]


def _enterprise_name(
    rng: np.random.Generator, ref: Reference, district: str, industry: str, size: int
) -> str:
    brand = _pick(rng, ref.parts("brand"))
    word = _pick(rng, ref.parts("ent_word", industry))
    area = _pick(rng, ref.parts("area", district))
    big = size >= 2
    suffix = "有限公司"
    u = rng.random()
    if u < 0.10:
        suffix = "有限责任公司"
    elif u < 0.15 and big:
        suffix = "股份有限公司"
    pattern = rng.random()
    if big and pattern < 0.35:
        return f"北京{brand}{word}{suffix}{area}分公司"
    if big and pattern < 0.55:
        return f"{brand}（北京）{word}{suffix}"
    if pattern < 0.65:
        return f"北京市{district}{brand}{word}{suffix}"
    if pattern < 0.85:
        return f"北京市{district}{brand}{word}{suffix}（{area}店）"
    return f"北京{brand}{word}{suffix}"


def _shop_name(rng: np.random.Generator, ref: Reference, district: str, industry: str) -> str:
    word = _pick(rng, ref.parts("shop_word", industry))
    surname = _pick(rng, ref.parts("surname"))
    brand = _pick(rng, ref.parts("brand"))
    u = rng.random()
    if u < 0.40:
        return f"北京市{district}{surname}记{word}"
    if u < 0.65:
        return f"{surname}记{word}{INDIVIDUAL_TAG}"
    if u < 0.85:
        return f"北京市{district}{brand}{word}{INDIVIDUAL_TAG}"
    return f"{district}{brand}{word}"


def merchant_names(
    rng: np.random.Generator,
    ref: Reference,
    *,
    district: np.ndarray,
    industry: np.ndarray,
    individual: np.ndarray,
    size: np.ndarray,
) -> list[str]:
    """One unique official name per merchant (a few thousand to tens of thousands of calls)."""
    seen: set[str] = set()
    names = []
    for d, ind, indiv, sz in zip(district, industry, individual, size, strict=True):
        dname, icode = ref.district_names[int(d)], ref.industry_codes[int(ind)]
        for attempt in range(50):
            if indiv:
                name = _shop_name(rng, ref, dname, icode)
            else:
                name = _enterprise_name(rng, ref, dname, icode, int(sz))
            if attempt > 20:  # crowded name space: number the branch, as registries do
                name = f"{name.removesuffix('）')}{attempt}号店）" if name.endswith("）") else name
                name = name if name.endswith("）") else f"{name}（{attempt}号店）"
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def half_width(name: str) -> str:
    return name.replace("（", "(").replace("）", ")")


def _split_branch(name: str) -> tuple[str, str]:
    """('北京市朝阳区好味来餐饮有限公司', '（望京店）'): the trailing bracket group, if any."""
    if name.endswith("）"):
        i = name.rfind("（")
        return name[:i], name[i:]
    return name, ""


def _without_suffix(name: str) -> str:
    head, branch = _split_branch(name)
    if branch == INDIVIDUAL_TAG:
        return head
    suffix = next((s for s in SUFFIXES if head.endswith(s)), "")
    return head.removesuffix(suffix) + branch if suffix else name


def _short(name: str) -> str:
    """The shop's core name: no city, district, company form or 个体工商户 tag."""
    head, branch = _split_branch(name.replace("（北京）", ""))
    core = head.removeprefix("北京市").removeprefix("北京")
    cut = core.find("区")
    if 0 < cut <= 3:
        core = core[cut + 1 :]
    for suffix in SUFFIXES:
        core = core.replace(suffix, "")
    return core + ("" if branch == INDIVIDUAL_TAG else half_width(branch))


_VARIANTS = {
    "official": lambda name: name,
    "half_width": half_width,
    "no_suffix": _without_suffix,
    "no_city": lambda name: name.removeprefix("北京市"),
    "short": _short,
}


def name_variant(name: str, kind: str) -> str:
    """The official name as a person or a program might write it (see VARIANT_KINDS)."""
    return str(_VARIANTS[kind](name))


# Buyers' home areas: mostly Beijing companies, some from Shanghai, Tianjin, Hebei, Shenzhen...
_BUYER_AREAS = {
    "北京": ("110105", "110108", "110101", "110102", "110106", "110112"),
    "上海": ("310115", "310104"),
    "天津": ("120116",),
    "河北": ("130102", "130603"),
    "深圳": ("440305",),
    "杭州": ("330106",),
    "济南": ("370102",),
    "成都": ("510107",),
}


@dataclass(frozen=True)
class Parties:
    """Invoice buyers: companies (name + USCC) and individuals who give their name."""

    buyer_names: list[str]
    buyer_ids: list[str]
    persons: list[str]


def build_parties(
    n_buyers: int, n_persons: int, ref: Reference, rng: np.random.Generator
) -> Parties:
    names: list[str] = []
    ids: list[str] = []
    seen: set[str] = set()
    while len(names) < n_buyers:
        city = _pick(rng, ref.parts("buyer_city"))
        name = f"{city}{_pick(rng, ref.parts('brand'))}{_pick(rng, ref.parts('buyer_word'))}"
        if name in seen:
            name = (
                f"{city}{_pick(rng, ref.parts('brand'))}{_pick(rng, ref.parts('brand'))}"
                + _pick(rng, ref.parts("buyer_word"))
            )
        if name in seen:
            continue
        seen.add(name)
        area = _pick(rng, list(_BUYER_AREAS[city]))
        body = "MA0" + "".join(USCC_CHARSET[i] for i in rng.integers(31, size=5))
        names.append(name)
        ids.append(make_uscc("9", "1", area, body))
    surnames, given = ref.parts("surname"), ref.parts("given")
    persons = [_pick(rng, surnames) + _pick(rng, given) for _ in range(n_persons)]
    return Parties(names, ids, persons)
