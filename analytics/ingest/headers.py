"""Header maps (data in ``data/reference/header_maps.csv``) and detecting a file's kind.

A header matches an alias case-insensitively after trimming and width folding (NFKC), so
'价税合计', ' 价税合计 ', 'JSHJ', 'jshj' and 'ＪＳＨＪ' are the same column. A kind fits a file when
every detection group of :mod:`analytics.ingest.spec` is satisfied by the mapped headers; among
fitting kinds the one that maps the most headers wins, and a tie is an error that asks for
``--kind`` rather than a guess.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analytics.config import REFERENCE_DIR
from analytics.ingest.model import IngestError
from analytics.ingest.spec import KINDS, KindSpec

HEADER_MAPS_FILE = REFERENCE_DIR / "header_maps.csv"


def fold(header: str) -> str:
    """The matching key of a header: NFKC width folding, trimmed, lower case, inner spaces gone."""
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "").strip().lower()
    return re.sub(r"\s+", "", text)


@cache
def header_maps(path: Path = HEADER_MAPS_FILE) -> dict[str, dict[str, str]]:
    """``{kind: {folded alias: canonical column}}`` from the header-map file."""
    maps: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, canonical, source = row["kind"].strip(), row["canonical"].strip(), row["source"]
            if kind not in KINDS:
                raise ValueError(f"{path.name}: unknown kind {kind!r} (alias {source!r})")
            known = maps.setdefault(kind, {})
            alias = fold(source)
            if known.get(alias, canonical) != canonical:
                raise ValueError(
                    f"{path.name}: {kind} alias {source!r} maps to both "
                    f"{known[alias]!r} and {canonical!r}"
                )
            known[alias] = canonical
    return maps


@dataclass(frozen=True)
class HeaderMatch:
    """How a file's headers map for one kind: ``columns[i]`` is the canonical name or None."""

    kind: str
    headers: tuple[str, ...]
    columns: tuple[str | None, ...]
    score: int = 0
    missing: tuple[str, ...] = field(default_factory=tuple)
    # Typed sources (Parquet): (column index, DuckDB type) of the columns the reader keeps in
    # their own type (Source.native); every other cell is text.
    native: tuple[tuple[int, str], ...] = ()

    @property
    def unmapped(self) -> list[str]:
        return [h for h, c in zip(self.headers, self.columns, strict=True) if c is None]

    @property
    def source_of(self) -> dict[str, int]:
        """``{canonical: column index}`` for the mapped columns."""
        return {c: i for i, c in enumerate(self.columns) if c is not None}

    @property
    def native_of(self) -> dict[int, str]:
        """``{column index: DuckDB type}`` for the columns the reader kept typed."""
        return dict(self.native)

    def header_map(self) -> dict[str, str | None]:
        return dict(zip(self.headers, self.columns, strict=True))


def _satisfied(group: Sequence[str], present: set[str]) -> bool:
    return any(all(part in present for part in alt.split("+")) for alt in group)


def match_kind(
    spec: KindSpec, headers: Sequence[str], name: str, *, forced: bool = False
) -> HeaderMatch:
    """Map ``headers`` for one kind; two headers meaning the same column is an error."""
    aliases = header_maps().get(spec.kind, {})
    columns: list[str | None] = []
    seen: dict[str, str] = {}
    for header in headers:
        canonical = aliases.get(fold(header))
        if canonical is not None and canonical in seen:
            raise IngestError(
                f"{name}: columns {seen[canonical]!r} and {header!r} both mean "
                f"{spec.kind}.{canonical}; remove one",
                "columns",
            )
        if canonical is not None:
            seen[canonical] = header
        columns.append(canonical)
    present = set(seen)
    groups = spec.detect if forced else (*spec.detect, *spec.signature)
    missing = tuple(" or ".join(g) for g in groups if not _satisfied(g, present))
    score = sum(c is not None for c in columns)
    return HeaderMatch(spec.kind, tuple(headers), tuple(columns), score, missing)


def _safe_match(spec: KindSpec, headers: Sequence[str], name: str) -> HeaderMatch | None:
    try:
        return match_kind(spec, headers, name)
    except IngestError:
        return None


def _unmapped(columns: Sequence[str]) -> str:
    return ", ".join(columns) if columns else "none (every column was recognised)"


def _header_words(spec: KindSpec, group: str) -> str:
    """A missing detection group ("a or b+c") in the words of the export's headers:
    "价税合计 (total_amount)"."""
    labels = {f.name: f.label for f in spec.fields}

    def one(name: str) -> str:
        return f"{labels[name]} ({name})" if name in labels else name

    return " or ".join(" + ".join(one(n) for n in alt.split("+")) for alt in group.split(" or "))


def detect_kind(headers: Sequence[str], name: str, kind: str | None = None) -> HeaderMatch:
    """The kind of a file from its headers (or the forced ``kind``), raising a clear error."""
    if kind is not None:
        if kind not in KINDS:
            raise IngestError(
                f"{name}: unknown kind {kind!r}; use one of {', '.join(KINDS)}", "columns"
            )
        match = match_kind(KINDS[kind], headers, name, forced=True)
        if match.missing:
            raise IngestError(
                f"{name}: not a {kind} file: no column for {'; '.join(match.missing)}; "
                f"columns not mapped: {_unmapped(match.unmapped)}",
                "columns",
            )
        return match
    matches = [m for m in (_safe_match(s, headers, name) for s in KINDS.values()) if m]
    fitting = sorted((m for m in matches if not m.missing), key=lambda m: -m.score)
    if not fitting:
        tried = "; ".join(f"{m.kind} (missing {', '.join(m.missing)})" for m in matches)
        best = max(matches, key=lambda m: m.score, default=None)
        unmapped = best.unmapped if best else list(headers)
        closest = ""
        if best is not None and best.score > 0:
            lacking = "; ".join(_header_words(KINDS[best.kind], g) for g in best.missing)
            closest = f"; closest: {best.kind}, which has no column for {lacking}"
        raise IngestError(
            f"{name}: cannot tell what kind of file this is{closest}; columns not mapped: "
            f"{_unmapped(unmapped)}; kinds tried: {tried}. "
            "Add aliases to data/reference/header_maps.csv or pass --kind",
            "columns",
        )
    if len(fitting) > 1 and fitting[0].score == fitting[1].score:
        tied = [m.kind for m in fitting if m.score == fitting[0].score]
        raise IngestError(
            f"{name}: the headers fit {' and '.join(tied)} equally well; pass --kind to choose",
            "columns",
        )
    return fitting[0]


def header_row_score(cells: Sequence[str | None]) -> int:
    """How many cells of a candidate header row are known aliases of any kind."""
    known = {alias for aliases in header_maps().values() for alias in aliases}
    return sum(1 for c in cells if c is not None and fold(str(c)) in known)


def unique_headers(headers: Sequence[str | None]) -> list[str]:
    """Headers made unique and non-empty, so that raw rows can be kept as JSON objects."""
    out: list[str] = []
    for i, header in enumerate(headers, start=1):
        base = (header or "").strip() or f"column_{i}"
        name, n = base, 2
        while name in out:
            name, n = f"{base} ({n})", n + 1
        out.append(name)
    return out
