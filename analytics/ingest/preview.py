"""What a file would load as, before loading it: format, encoding, sheets, kind, header mapping.

Reuses the loader's own steps (:func:`analytics.ingest.readers.open_sources` reads headers and
hashes the bytes; :func:`analytics.ingest.headers.detect_kind` maps them), so the preview and the
load cannot disagree. Nothing is written anywhere; a file the loader would refuse comes back
with its one-line reason instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.ingest import load
from analytics.ingest.excel import SheetCache
from analytics.ingest.headers import detect_kind
from analytics.ingest.model import IngestError
from analytics.ingest.readers import NotTabularError, Source, open_sources
from analytics.warehouse import table_exists


@dataclass(frozen=True)
class TablePreview:
    """One table of a file (the file, or one XLSX sheet) as the loader sees it."""

    sheet: str | None
    format: str
    encoding: str | None
    kind: str | None
    header_map: tuple[tuple[str, str | None], ...]  # (source header, canonical column or None)
    error: str | None = None
    error_code: str | None = None  # IngestError.code (model.FAILURE_CODES)
    previous_batch_id: int | None = None
    previous_imported_at: datetime | None = None

    @property
    def unmapped(self) -> tuple[str, ...]:
        return tuple(h for h, c in self.header_map if c is None)

    @property
    def loadable(self) -> bool:
        return self.error is None and self.kind is not None


@dataclass(frozen=True)
class FilePreview:
    name: str
    size_bytes: int
    sha256: str | None
    tables: tuple[TablePreview, ...]
    error: str | None = None
    error_code: str | None = None  # IngestError.code (model.FAILURE_CODES)

    @property
    def loadable(self) -> bool:
        return self.error is None and any(t.loadable for t in self.tables)


def _table(
    source: Source, kind: str | None, known: duckdb.DuckDBPyConnection | None
) -> TablePreview:
    label = f"{source.name} [{source.sheet}]" if source.sheet else source.name
    previous = None
    if known is not None:
        previous = load.previous_batch(known, source.sha256, source.sheet)
    try:
        match = detect_kind(source.headers, label, kind)
    except IngestError as exc:
        return TablePreview(
            source.sheet,
            source.format,
            source.encoding,
            None,
            tuple((h, None) for h in source.headers),
            error=str(exc),
            error_code=exc.code,
        )
    return TablePreview(
        source.sheet,
        source.format,
        source.encoding,
        match.kind,
        tuple(match.header_map().items()),
        previous_batch_id=previous[0] if previous else None,
        previous_imported_at=previous[1] if previous else None,
    )


def preview_file(
    path: Path,
    *,
    kind: str | None = None,
    known: duckdb.DuckDBPyConnection | None = None,
) -> FilePreview:
    """Detect what ``path`` holds without loading it.

    ``kind`` forces a kind as ``ingest --kind`` does; ``known`` is a connection holding
    ``import_batches`` (the warehouse or its snapshot), to say whether a table was imported
    before (the loader would then skip it).
    """
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    con = duckdb.connect(":memory:")  # JSON and Parquet headers are read through DuckDB
    try:
        sources = open_sources(con, path, SheetCache(0))
    except (IngestError, NotTabularError) as exc:
        return FilePreview(path.name, size, None, (), error=str(exc), error_code=exc.code)
    finally:
        con.close()
    if known is not None and not table_exists(known, "import_batches"):
        known = None
    tables = tuple(_table(s, kind, known) for s in sources)
    return FilePreview(path.name, size, sources[0].sha256 if sources else None, tables)
