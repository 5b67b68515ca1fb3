"""What a reader hands on: one table of a file (the whole file, or one XLSX sheet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics.ingest.model import IngestError

CHUNK = 8 << 20  # bytes per read when hashing, checking or transcoding a file


class NotTabularError(IngestError):
    """A JSON document that is one object, not records (a manifest): a strict folder pass skips
    these, a tolerant one keeps them in ``import_failures``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "not_records")


@dataclass
class Source:
    """One table inside a file: the whole file, or one XLSX sheet."""

    path: Path
    format: str
    sha256: str
    headers: list[str]
    encoding: str | None = None
    sheet: str | None = None
    delimiter: str = ","
    header_index: int = 0  # XLSX: the row holding the headers
    raw_headers: list[str] = field(default_factory=list)
    frame: Any = None  # XLSX: the sheet as read while planning (a polars DataFrame), if kept
    # Parquet: column index -> DuckDB type of the columns read in their own type (dates, times,
    # decimals, integers, booleans), not as text; see analytics.ingest.parse.native_cast
    native: dict[int, str] = field(default_factory=dict)
    # JSON: where the records are when the document is one object wrapping them (a vendor API
    # dump such as {"code": 0, "data": {"list": [...]}}), as a JSON path: '$."data"."list"'
    json_path: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


def cell_columns(n: int) -> list[str]:
    return [f"c{i}" for i in range(1, n + 1)]


def first_line_of(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
