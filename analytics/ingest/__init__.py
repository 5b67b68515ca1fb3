"""Ingestion: files (CSV / XLSX / JSON / JSONL / Parquet) into the raw tables, losing nothing.

``ingest_paths(con, paths)`` reads files and folders, detects each table's kind from its headers
(``data/reference/header_maps.csv``), validates every row set-wise, quarantines bad rows in
``rejected_rows`` with reason codes, and records each file in ``import_batches``.

Modules, by concern: :mod:`.readers`, :mod:`.csvfile`, :mod:`.excel` and :mod:`.source`
(formats, encodings, all-text rows in DuckDB), :mod:`.headers` and :mod:`.spec` (header maps,
kinds, fields), :mod:`.parse`, :mod:`.layouts` and :mod:`.lookups` (set-based parsing and
validation; SQL in ``analytics/sql/staging/``), :mod:`.load` (dedupe, conflicts, insert,
bookkeeping), :mod:`.failures` (files that could not be read at all), :mod:`.planning` (which
files, what kind, in which order), :mod:`.pipeline` (preparing ahead, transactions, progress),
:mod:`.model` (results and errors).
"""

from analytics.ingest.model import BatchResult, FileFailure, IngestError
from analytics.ingest.pipeline import ingest_file, ingest_paths

__all__ = ["BatchResult", "FileFailure", "IngestError", "ingest_file", "ingest_paths"]
