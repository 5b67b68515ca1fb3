"""The ingestion result and error types."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

# Why a file could not be read, as a code the dashboard labels in Chinese or English with what to
# do about it (data/reference/failure_codes.csv); the message keeps the particulars in English.
FAILURE_CODES = (
    "not_found",  # the path does not exist
    "empty",  # no bytes, or no header line
    "format",  # not a format we read (.xls, unknown suffix, a zip posing as text, ...)
    "encoding",  # text in neither UTF-8 nor GBK/GB18030, or binary content
    "unreadable",  # the reader gave up part-way (bad quoting, truncated JSON, corrupt workbook)
    "not_records",  # JSON that is not a list of records (one object, or non-object elements)
    "columns",  # the headers do not say which kind of file this is
    "internal",  # the loader's own bookkeeping did not add up (a bug: please report it)
)


class IngestError(Exception):
    """A file that cannot be read at all; the message names the file and the reason in one line,
    ``code`` (one of :data:`FAILURE_CODES`) says which kind of reason it is."""

    def __init__(self, message: str, code: str = "unreadable") -> None:
        if code not in FAILURE_CODES:
            raise ValueError(f"unknown failure code {code!r}; known: {', '.join(FAILURE_CODES)}")
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FileFailure:
    """A file a tolerant pass could not read at all (``ingest_paths(..., failures=[])``): skipped
    so the other files load, and kept in ``import_failures`` until a later pass loads it."""

    path: Path
    reason: str  # the IngestError's one line; it names the file
    sheet: str | None = None  # an XLSX sheet that failed while the file's others loaded
    sha256: str | None = None  # of the bytes, when a scan got that far (else hashed on record)
    code: str = "unreadable"  # the IngestError's code (FAILURE_CODES)

    @classmethod
    def of(
        cls, path: Path, exc: IngestError, sheet: str | None = None, sha256: str | None = None
    ) -> FileFailure:
        return cls(path, str(exc), sheet, sha256, exc.code)


@dataclass
class BatchResult:
    """What one file (or one XLSX sheet) did to the warehouse.

    ``rows_read = rows_loaded + rows_unchanged + rows_updated + rows_rejected + rows_summary``
    always holds (the loader asserts it before committing). ``rows_updated``: tax records whose
    status a newer export moved on (:mod:`analytics.ingest.load`). Rows with every cell empty
    are not data rows and are not counted.
    """

    batch_id: int | None
    file: Path
    sheet: str | None
    kind: str
    format: str
    encoding: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_unchanged: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    rows_summary: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    rejected_examples: tuple[tuple[int, str], ...] = ()  # (data row, detail) of the first few
    seconds: float = 0.0
    already_imported: bool = False
    previous_batch_id: int | None = None
    previous_imported_at: datetime | None = None
    ignored_columns: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        sheet = f" [{self.sheet}]" if self.sheet else ""
        return f"{self.file.name}{sheet} {self.kind}"

    def summary(self) -> str:
        """One line for the CLI."""
        if self.already_imported:
            when = (
                self.previous_imported_at.strftime("%Y-%m-%d %H:%M:%S")
                if self.previous_imported_at
                else "an earlier run"
            )
            return (
                f"{self.label}: already imported as batch {self.previous_batch_id} on {when}; "
                "nothing changed"
            )
        rate = self.rows_read / self.seconds if self.seconds > 0 else 0.0
        line = (
            f"{self.label}: read {self.rows_read:,} = loaded {self.rows_loaded:,} "
            f"+ unchanged {self.rows_unchanged:,} + updated {self.rows_updated:,} "
            f"+ rejected {self.rows_rejected:,} "
            f"+ summary rows {self.rows_summary:,} ({self.seconds:.1f} s, {rate:,.0f} rows/s)"
        )
        if self.reasons:
            ranked = sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            top = ", ".join(f"{code} {n:,}" for code, n in ranked)
            line += f"; rejected: {top}"
        if self.rejected_examples:
            rows = "; ".join(f"row {n}: {detail}" for n, detail in self.rejected_examples)
            more = self.rows_rejected - len(self.rejected_examples)
            line += f" (first: {rows}{f'; {more:,} more' if more > 0 else ''})"
        if self.ignored_columns:
            line += f"; ignored columns: {', '.join(self.ignored_columns)}"
        return line


def scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> Any:
    """The first value of a query. Reads the result to the end: a DuckDB 2 result that is only
    partly fetched (even by ``fetchone`` of a one-row result) keeps the connection busy."""
    rows = con.execute(sql, dict(params) if params else None).fetchall()
    return rows[0][0] if rows else None
