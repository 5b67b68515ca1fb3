"""Reference tables under data/reference/: districts, industries, vendors, codes and labels.

Loaded once per process; returned as Polars frames (sorted as in the file) or as label maps.
"""

from __future__ import annotations

import difflib
from functools import cache

import polars as pl

from analytics.config import REFERENCE_DIR

TABLES = (
    "districts",
    "industries",
    "size_bands",
    "vendors",
    "complaint_categories",
    "complaint_channels",
    "reason_codes",
    "failure_codes",
)


@cache
def table(name: str) -> pl.DataFrame:
    """A reference table by name (one of ``TABLES``), every column read as text unless numeric."""
    if name not in TABLES:
        raise KeyError(f"unknown reference table {name!r}; known: {', '.join(TABLES)}")
    return pl.read_csv(
        REFERENCE_DIR / f"{name}.csv",
        infer_schema_length=1000,
        schema_overrides={"code": pl.String},
    )


@cache
def labels(name: str, lang: str, field: str = "name") -> dict[str, str]:
    """code -> ``<field>_zh`` or ``<field>_en`` (by ``lang``) of a reference table: its labels by
    default, or another text it keeps in both languages (``failure_codes``' actions)."""
    frame = table(name)
    column = f"{field}_zh" if lang == "zh" else f"{field}_en"
    return dict(zip(frame["code"].to_list(), frame[column].to_list(), strict=True))


def unknown_district(name: str) -> str | None:
    """Why ``name`` is not one of Beijing's districts (naming the closest, e.g. 朝阳 for
    朝阳区, and all 16), or None when it is one."""
    known = list(district_labels("zh"))
    if name in known:
        return None
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown district {name!r}{hint}; known: {', '.join(known)}"


def district_labels(lang: str) -> dict[str, str]:
    """Districts are stored by Chinese name in the warehouse; map that to the UI language."""
    frame = table("districts")
    target = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(frame["name_zh"].to_list(), frame[target].to_list(), strict=True))
