"""Reading files into DuckDB: format detection, headers, and streaming all-text rows.

Every reader produces the same thing: a temporary table ``_ing_src(__row, c1, ..., cN)`` with
every cell as text, ``__row`` the 1-based data row in the file or sheet, and a table
``_ing_bad(__row, raw, detail)`` of rows that could not even be split into cells (a CSV line with
too many columns, an unterminated quote). Typing and validation happen later, set-wise, in SQL.

CSV goes through :mod:`analytics.ingest.csvfile` (encodings, ``read_csv``), JSON and Parquet
through ``read_json`` / ``read_parquet`` here, XLSX through :mod:`analytics.ingest.excel`.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analytics.ingest.csvfile import csv_source, load_csv, scan_bytes, text_encoding
from analytics.ingest.headers import unique_headers
from analytics.ingest.model import IngestError
from analytics.ingest.native import is_native
from analytics.ingest.source import (
    NotTabularError,
    Source,
    cell_columns,
    first_line_of,
)
from analytics.snapshot import quote_ident

if TYPE_CHECKING:
    from analytics.ingest.excel import SheetCache

__all__ = [
    "FORMAT_BY_SUFFIX",
    "FileScan",
    "NotTabularError",
    "Source",
    "load_source",
    "open_sources",
    "scan_file",
]

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
FORMAT_BY_SUFFIX = {
    **dict.fromkeys(CSV_SUFFIXES, "csv"),
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def file_format(path: Path, head: bytes) -> str:
    """The format from the suffix, confirmed by the first bytes."""
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if path.suffix.lower() == ".xls" or head.startswith(OLE_MAGIC):
        raise IngestError(
            f"{path.name}: legacy .xls workbook; save it as .xlsx and load that", "format"
        )
    if fmt is None:
        if head.startswith(ZIP_MAGIC):
            return "xlsx"
        if head.startswith(PARQUET_MAGIC):
            return "parquet"
        raise IngestError(
            f"{path.name}: unknown format {path.suffix or '(no suffix)'}; "
            "expected .csv, .xlsx, .json, .jsonl or .parquet",
            "format",
        )
    if fmt == "xlsx" and not head.startswith(ZIP_MAGIC):
        raise IngestError(f"{path.name}: not an XLSX workbook (zip header missing)", "format")
    if fmt == "parquet" and not head.startswith(PARQUET_MAGIC):
        raise IngestError(f"{path.name}: not a Parquet file (PAR1 header missing)", "format")
    if fmt != "xlsx" and head.startswith(ZIP_MAGIC):
        raise IngestError(
            f"{path.name}: a zip archive or workbook, not {fmt.upper()} text", "format"
        )
    return fmt


def _looks_like_json_lines(path: Path) -> bool:
    """Two or more lines that each hold a JSON object (a manifest is one object)."""
    with path.open("rb") as fh:
        lines = [line for line in (fh.readline() for _ in range(3)) if line.strip()]
    try:
        return len(lines) >= 2 and all(isinstance(json.loads(x), dict) for x in lines[:2])
    except ValueError:
        return False


def json_source(con: duckdb.DuckDBPyConnection, path: Path, sha: str, fmt: str) -> Source:
    with path.open("rb") as fh:
        start = fh.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
    if not start:
        raise IngestError(f"{path.name}: empty file", "empty")
    json_path = None
    if fmt == "json" and start[:1] == b"{":
        if _looks_like_json_lines(path):
            fmt = "jsonl"  # one object per line, under a .json name
        else:
            json_path = _wrapped_records(con, path)
    json_format = "array" if fmt == "json" else "newline_delimited"
    try:
        keys = json_record_keys(con, path, json_format, json_path)
    except duckdb.Error as exc:
        raise IngestError(
            f"{path.name}: not readable as {fmt.upper()}: {first_line_of(exc)}"
        ) from exc
    return Source(
        path, fmt, sha, unique_headers(keys), "utf-8", raw_headers=keys, json_path=json_path
    )


# Where a document that is one object may hold its records: an array of objects under a key,
# or under a key of a key ({"data": [...]}, {"data": {"list": [...], "total": 2}}).
_RECORD_ARRAYS = """
with doc as (
    select json from read_json_objects($p, format = 'unstructured', maximum_object_size = $mx)
),

paths as (
    select '$."' || replace(replace(k, '\\', '\\\\'), '"', '\\"') || '"' as path
    from doc, unnest(json_keys(json)) as t (k)
),

nested as (
    select path from paths
    union all
    select p.path || '."' || replace(replace(k, '\\', '\\\\'), '"', '\\"') || '"'
    from doc, paths as p, unnest(json_keys(doc.json, p.path)) as t (k)
)

select path
from doc, nested
where json_type(json, path) = 'ARRAY' and json_type(json, path || '[0]') = 'OBJECT'
order by path
"""


def _key_path(key: str) -> str:
    """The JSON path of one key of an object: ``$."key"``, quotes and backslashes escaped."""
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _whole_document(path: Path) -> int:
    """``maximum_object_size`` for reading a file as one JSON value: DuckDB's default (16 MiB)
    refuses a larger wrapped dump, which is one object."""
    return max(path.stat().st_size + 1, 16 << 20)


def _wrapped_records(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """The JSON path of the one array of records a single-object document wraps; a manifest or
    settings file (none) or an ambiguous document (several) is not tabular."""
    try:
        params = {"p": str(path), "mx": _whole_document(path)}
        found = [str(r[0]) for r in con.execute(_RECORD_ARRAYS, params).fetchall()]
    except duckdb.Error as exc:
        raise IngestError(f"{path.name}: not readable as JSON: {first_line_of(exc)}") from exc
    if not found:
        raise NotTabularError(f"{path.name}: a single JSON object, not an array of records")
    if len(found) > 1:
        raise NotTabularError(
            f"{path.name}: a single JSON object holding several arrays of records "
            f"({', '.join(found)}); export one of them alone"
        )
    return found[0]


# The records of a wrapped document (Source.json_path, bound as $jp), numbered from 1 as
# ``ordinality`` in the order of the array. The document is read whole either way, so the
# numbering costs nothing worth a second, unnumbered form.
_WRAPPED = (
    "(select unnest(range(1, len(l) + 1)) as ordinality, unnest(l) as json from ("
    "select json_extract(json, $jp) as l "
    "from read_json_objects($p, format = 'unstructured', maximum_object_size = $mx)))"
)


# The distinct key lists of the records: almost always one (every record has the same keys).
_KEY_LISTS = "select distinct json_keys(json) from {records}"
# Several: ordered by the first record holding each list (numbering the records costs ~2x).
_KEY_LISTS_IN_ORDER = (
    "select json_keys(json) as ks from {ordered} group by ks order by min(ordinality)"
)
_NOT_RECORDS = "select count(*) from {records} where json_type(json) <> 'OBJECT'"


def json_record_keys(
    con: duckdb.DuckDBPyConnection, path: Path, json_format: str, json_path: str | None = None
) -> list[str]:
    """Every key of every record, in order of first appearance (record, then position).

    Read from the records' key lists: inferring the column types of the whole file (``describe
    read_json`` with ``sample_size = -1``), only to keep the names, took 4x as long (0.32 against
    0.09 s for a 170k-record vendor export); a sample alone could miss a key of a late record.
    ``json_path``: the records are the array there, in a document that is one object.
    """
    params: dict[str, object] = {"p": str(path)}
    if json_path is None:
        params["f"] = json_format
        records = "read_json_objects($p, format = $f)"
        ordered = f"{records} with ordinality"
    else:
        params |= {"jp": json_path + "[*]", "mx": _whole_document(path)}
        records = ordered = _WRAPPED
    lists = con.execute(_KEY_LISTS.format(records=records), params).fetchall()
    if len(lists) > 1:
        lists = con.execute(_KEY_LISTS_IN_ORDER.format(ordered=ordered), params).fetchall()
    if any(not ks for (ks,) in lists):  # an empty object, or not an object at all
        query = _NOT_RECORDS.format(records=records)
        (others,) = con.execute(query, params).fetchall()[0]
        if others:
            raise IngestError(
                f"{path.name}: not readable as {'JSON' if json_format == 'array' else 'JSONL'}: "
                f"{others} element(s) are not JSON objects (records)",
                "not_records",
            )
    keys: dict[str, None] = {}
    for (ks,) in lists:
        keys.update(dict.fromkeys(str(k) for k in ks))
    return list(keys)


def parquet_source(con: duckdb.DuckDBPyConnection, path: Path, sha: str) -> Source:
    try:
        rows = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise IngestError(
            f"{path.name}: not a readable Parquet file: {first_line_of(exc)}"
        ) from exc
    names = [str(r[0]) for r in rows]
    native = {i: str(r[1]) for i, r in enumerate(rows) if is_native(str(r[1]))}
    return Source(path, "parquet", sha, unique_headers(names), raw_headers=names, native=native)


@dataclass(frozen=True)
class FileScan:
    """What one pass over a file's bytes tells: format, sha256 and, for CSV, the encoding."""

    format: str
    sha256: str
    utf8: str | None  # scan_bytes: 'utf-8', 'binary' or None (not UTF-8)
    encoding: str | None  # CSV only: utf-8, utf-8-sig, utf-16 or gb18030


def scan_file(path: Path) -> FileScan:
    """Read a file's bytes once (and a GBK file's twice, to check it decodes): no DuckDB, no
    headers, so it can run on a worker thread (hashlib releases the GIL while it hashes)."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file", "not_found")
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name}: empty file", "empty")
    with path.open("rb") as fh:
        head = fh.read(8)
    fmt = file_format(path, head)
    sha, utf8 = scan_bytes(path)
    encoding = text_encoding(path, head, utf8) if fmt == "csv" else None
    return FileScan(fmt, sha, utf8, encoding)


def open_sources(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    cache: SheetCache | None = None,
    scan: FileScan | None = None,
) -> list[Source]:
    """The tables in a file (one, or one per XLSX sheet), with headers; nothing loaded yet.

    ``scan``: :func:`scan_file` of this path, if already done (the loader scans a folder's
    files on worker threads ahead of planning them)."""
    found = scan or scan_file(path)
    fmt, sha = found.format, found.sha256
    if fmt == "csv":
        assert found.encoding is not None
        return [csv_source(path, sha, found.encoding)]
    if fmt in ("json", "jsonl"):
        if found.utf8 != "utf-8":
            raise IngestError(f"{path.name}: JSON must be UTF-8 text", "encoding")
        return [json_source(con, path, sha, fmt)]
    if fmt == "parquet":
        return [parquet_source(con, path, sha)]
    from analytics.ingest.excel import workbook_sources

    return workbook_sources(path, sha, cache)


def _empty_bad(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create or replace temp table _ing_bad (__row bigint, raw json, detail varchar)")


def load_json_or_parquet(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    cols = cell_columns(len(source.headers))
    # typed Parquet columns stay typed: printing a timestamp to parse it back cost ~0.6 s per
    # 1.9M-row payments file
    picks = ", ".join(
        f"{quote_ident(raw)}{'' if i in source.native else '::varchar'} as {c}"
        for i, (raw, c) in enumerate(zip(source.raw_headers, cols, strict=True))
    )
    params: dict[str, object] = {"p": str(source.path)}
    if source.json_path is not None:
        # one object wrapping the records: each cell is its key's value as text (nested values
        # as JSON), as read_json gives VARCHAR columns
        picks = ", ".join(f"json ->> $k{i} as {c}" for i, c in enumerate(cols))
        select = f"select ordinality::bigint as __row, {picks} from {_WRAPPED}"
        params |= {"jp": source.json_path + "[*]", "mx": _whole_document(source.path)}
        # each key as a quoted JSON path: a bare key starting with '$' would be read as a path
        params |= {f"k{i}": _key_path(raw) for i, raw in enumerate(source.raw_headers)}
    elif source.format == "parquet" and "file_row_number" not in source.raw_headers:
        # Parquet numbers its rows itself, exactly and in parallel ("with ordinality" numbers
        # them on one thread: 0.35 s against 0.21 s for a 1.9M-row payments file).
        select = (
            f"select (file_row_number + 1)::bigint as __row, {picks} "
            "from read_parquet($p, file_row_number = true)"
        )
    else:
        if source.format == "parquet":
            reader = "read_parquet($p)"
        else:
            spec = ", ".join(
                "'" + raw.replace("'", "''") + "': 'VARCHAR'" for raw in source.raw_headers
            )
            fmt = "array" if source.format == "json" else "newline_delimited"
            reader = f"read_json($p, format = '{fmt}', records = true, columns = {{{spec}}})"
        select = f"select ordinality::bigint as __row, {picks} from {reader} with ordinality"
    try:
        con.execute(f"create or replace temp table _ing_src as {select}", params)
    except duckdb.Error as exc:
        raise IngestError(
            f"{source.name}: not readable as {source.format}: {first_line_of(exc)}"
        ) from exc
    _empty_bad(con)


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, cache: SheetCache | None = None
) -> None:
    """Fill ``_ing_src`` and ``_ing_bad`` for one source."""
    if source.format == "csv":
        load_csv(con, source)
    elif source.format == "xlsx":
        from analytics.ingest.excel import load_sheet

        load_sheet(con, source, cache)
        _empty_bad(con)
    else:
        load_json_or_parquet(con, source)
