"""Lookup tables the staging SQL joins: Python checks per distinct value, and reference aliases.

Taxpayer ids, tax rates and company names are few compared with rows (a million invoices carry
a few thousand sellers), so the scalar functions of :mod:`analytics.validation` run once per
distinct value and the result is joined back: the rules stay in one place and no Python loop
runs per row.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterable, Sequence

import duckdb
import polars as pl

from analytics import validation as v
from analytics.config import REFERENCE_DIR
from analytics.ingest.model import scalar

# Free-text values exports use for coded columns, beside the codes and names of data/reference.
EXTRA_ALIASES: dict[str, dict[str, str]] = {
    "complaint_status": {
        "open": "open",
        "待处理": "open",
        "待受理": "open",
        "已受理": "open",
        "in_progress": "in_progress",
        "处理中": "in_progress",
        "办理中": "in_progress",
        "resolved": "resolved",
        "已办结": "resolved",
        "已解决": "resolved",
        "办结": "resolved",
        "closed": "closed",
        "已关闭": "closed",
        "已归档": "closed",
    },
    "buyer_type": {
        "individual": "individual",
        "个人": "individual",
        "personal": "individual",
        "enterprise": "enterprise",
        "企业": "enterprise",
        "单位": "enterprise",
        "company": "enterprise",
    },
}

# (domain, reference file, column holding the value stored in the warehouse)
REFERENCE_DOMAINS = (
    ("district", "districts.csv", "name_zh"),
    ("industry", "industries.csv", "code"),
    ("size_band", "size_bands.csv", "code"),
    ("vendor", "vendors.csv", "code"),
    ("category", "complaint_categories.csv", "code"),
    ("channel", "complaint_channels.csv", "code"),
)


def fold_value(text: str) -> str:
    """How coded values are compared: width-folded, trimmed, lower case (SQL joins ``lower``)."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def reference_aliases() -> list[tuple[str, str, str]]:
    """(domain, alias, stored value): codes, Chinese and English names, short district names."""
    rows: list[tuple[str, str, str]] = []
    for domain, file_name, stored in REFERENCE_DOMAINS:
        with (REFERENCE_DIR / file_name).open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                value = rec[stored]
                names = [rec.get("code", ""), rec.get("name_zh", ""), rec.get("name_en", "")]
                zh = rec.get("name_zh", "")
                if domain == "district" and zh.endswith("区"):
                    names.append(zh[:-1])  # 朝阳 for 朝阳区
                if domain == "vendor" and "（" in zh:
                    names.append(zh.split("（")[0])
                rows.extend((domain, alias, value) for alias in names if alias)
    for domain, mapping in EXTRA_ALIASES.items():
        rows.extend((domain, alias, value) for alias, value in mapping.items())
    seen: set[tuple[str, str]] = set()
    out = []
    for domain, alias, value in rows:
        # Folded, and as written: the staging SQL compares ``lower(cell)``, which leaves
        # full-width brackets as they are, so 电子税务局（自行开具） needs its own row.
        for text in (fold_value(alias), alias.strip().lower()):
            key = (domain, text)
            if key not in seen:
                seen.add(key)
                out.append((domain, text, value))
    return out


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register("_ing_lookup_frame", frame)
    try:
        con.execute(f"create or replace temp table {name} as select * from _ing_lookup_frame")
    finally:
        con.unregister("_ing_lookup_frame")


def ensure_reference(con: duckdb.DuckDBPyConnection) -> None:
    """``_ref_alias(domain, alias, value)``, once per connection."""
    query = "select count(*) from duckdb_tables() where temporary and table_name = '_ref_alias'"
    if scalar(con, query):
        return
    rows = reference_aliases()
    frame = pl.DataFrame(rows, schema=["domain", "alias", "value"], orient="row")
    _register(con, "_ref_alias", frame)


# The same sellers and buyers recur in every monthly file: their checks are remembered across
# files (a bounded memo: ~10 us per id saved, ~150 bytes per entry).
_id_format = functools.lru_cache(maxsize=1 << 18)(v.taxpayer_id_format)


def register_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> None:
    """``_ing_ids(id, fmt)``: 'uscc', 'legacy15', 'legacy20', or null when invalid."""
    frame = pl.DataFrame(
        {"id": list(ids), "fmt": [_id_format(i) for i in ids]},
        schema={"id": pl.String, "fmt": pl.String},
    )
    _register(con, "_ing_ids", frame)


def register_rates(con: duckdb.DuckDBPyConnection, texts: Iterable[str]) -> None:
    """``_ing_rates(text, rate, category)`` from :func:`analytics.validation.parse_tax_rate`."""
    keys = list(texts)
    parsed = [v.parse_tax_rate(t) for t in keys]
    frame = pl.DataFrame(
        {
            "text": keys,
            "rate": [p[0] if p else None for p in parsed],
            "category": [p[1] if p else None for p in parsed],
        },
        schema={"text": pl.String, "rate": pl.Decimal(6, 4), "category": pl.String},
    )
    _register(con, "_ing_rates", frame)


def register_names(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    """``_ing_names(name, name_norm)`` from :func:`analytics.validation.normalize_name`."""
    keys = list(names)
    frame = pl.DataFrame(
        {"name": keys, "name_norm": [v.normalize_name(n) for n in keys]},
        schema={"name": pl.String, "name_norm": pl.String},
    )
    _register(con, "_ing_names", frame)
