"""CSV (and TSV / UTF-16 text): encodings, headers, and streaming rows into DuckDB.

UTF-8 (with or without BOM) is read in place; GBK/GB18030 and UTF-16 are checked by decoding the
whole file and transcoded to a temporary UTF-8 file in chunks, since DuckDB's reader speaks UTF-8.
Rows are read with ``read_csv`` (every column as text); lines DuckDB cannot split into the
header's columns go to ``_ing_bad`` whole, with DuckDB's reason, instead of stopping the load.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import tempfile
from pathlib import Path

import duckdb

from analytics.ingest.headers import unique_headers
from analytics.ingest.model import IngestError, scalar
from analytics.ingest.source import CHUNK, Source, cell_columns, first_line_of


def scan_bytes(path: Path) -> tuple[str, str | None]:
    """One pass over the file: its sha256 and, for text, whether it looks like UTF-8.

    Only the first chunk is decoded (decoding in Python costs twice the hash): DuckDB's CSV
    reader checks every byte anyway and reports a later invalid sequence as INVALID ENCODING,
    and :func:`load_csv` then falls back to the full check (:func:`text_encoding`).
    """
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, binary, first, whole = True, False, True, False
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if first:
                whole = len(chunk) < CHUNK
                try:
                    decoder.decode(chunk, final=whole)
                except UnicodeDecodeError:
                    utf8_ok = False
                first = False
            binary = binary or b"\x00" in chunk
    text_encoding = "utf-8" if utf8_ok and not binary else None
    return digest.hexdigest(), "binary" if binary else text_encoding


def text_encoding(path: Path, head: bytes, utf8: str | None) -> str:
    """utf-8, utf-8-sig, utf-16 or gb18030 (GBK's superset); a non-UTF-8 file is checked by
    decoding it whole. ``utf8``: what :func:`scan_bytes` found (None: not UTF-8)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if utf8 == "binary":
        raise IngestError(f"{path.name}: binary content (NUL bytes), not a text file", "encoding")
    if utf8 == "utf-8":
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    gbk = _first_undecodable(path, "gb18030")
    if gbk is None:
        return "gb18030"
    found = (("UTF-8", _first_undecodable(path, "utf-8")), ("GBK/GB18030", gbk))
    where = "; ".join(
        f"as {name} the first bad byte is on line {at[1]} (byte offset {at[0]:,})"
        for name, at in found
        if at is not None and at != (-1, -1)
    )
    raise IngestError(
        f"{path.name}: cannot decode as UTF-8 or GBK/GB18030 ({where}); a file mixing "
        "encodings (e.g. rows pasted from another export) must be saved again in one",
        "encoding",
    )


def _first_undecodable(path: Path, encoding: str) -> tuple[int, int] | None:
    """(byte offset, 1-based line) of the first byte ``encoding`` cannot decode; None when
    the whole file decodes; (-1, -1) when only the end is cut (an incomplete sequence)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, lines = 0, 1
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            # bytes of a sequence the previous chunk ended in: the error counts from them
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = exc.start - pending  # in this chunk; < 0: in the bytes carried over
                return offset + at, lines + chunk.count(b"\n", 0, max(at, 0))
            offset += len(chunk)
            lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return -1, -1
    return None


def _first_line(path: Path, encoding: str) -> str:
    if encoding.startswith("utf-16"):
        with path.open(encoding=encoding, newline="") as fh:
            return fh.readline()
    # bytes first: a text reader decodes a whole buffer, past the header line scan_bytes checked
    # (bounded: a file with '\r' line ends is one "line"; a character cut at the bound waits)
    with path.open("rb") as fh:
        raw = fh.readline(1 << 20)
    return str(codecs.getincrementaldecoder(encoding)().decode(raw, final=False))


def csv_source(path: Path, sha: str, encoding: str) -> Source:
    line = _first_line(path, encoding).lstrip("\ufeff")
    if not line.strip():
        raise IngestError(f"{path.name}: empty file (no header line)", "empty")
    delimiter = max([",", "\t", ";", "|"], key=line.count)
    headers = next(csv.reader(io.StringIO(line), delimiter=delimiter))
    return Source(path, "csv", sha, unique_headers(headers), encoding, delimiter=delimiter)


def transcode(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a GBK/UTF-16 file, written in chunks (the caller deletes it)."""
    fd, name = tempfile.mkstemp(prefix="fapiao-ingest-", suffix=".csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, os.fdopen(fd, "wb") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(name)


def _renumber_around_bad_lines(con: duckdb.DuckDBPyConnection, n_bad: int) -> None:
    """Give good rows the data-row numbers that the rejected lines do not take.

    DuckDB numbers the rows it could parse; a rejected line is known by its physical line. On
    the assumption of one line per row (true of every export with a broken line we have seen),
    good rows fill the remaining row numbers in order.
    """
    n_good = int(scalar(con, "select count(*) from _ing_src"))
    span = n_good + n_bad + int(scalar(con, "select coalesce(max(__row), 0) from _ing_bad"))
    con.execute(
        "create or replace temp table _ing_slot as "
        "select row_number() over (order by n) as k, n from "
        "(select range + 1 as n from range($span)) anti join _ing_bad on n = _ing_bad.__row",
        {"span": span},
    )
    con.execute("update _ing_src set __row = s.n from _ing_slot s where _ing_src.__row = s.k")
    con.execute("drop table _ing_slot")


def load_csv(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    _read_csv(con, source)
    if source.encoding in ("utf-8", "utf-8-sig") and scalar(
        con, "select count(*) from _ing_rej_err where error_type = 'INVALID ENCODING'"
    ):
        # UTF-8 at the start only (scan_bytes decodes the first chunk): check the whole file.
        with source.path.open("rb") as fh:
            head = fh.read(8)
        source.encoding = text_encoding(source.path, head, None)
        _read_csv(con, source)
    unclosed = scalar(con, "select min(line) from _ing_rej_err where error_type = 'UNQUOTED VALUE'")
    if unclosed is not None:
        # DuckDB reads on from an unclosed quote as one value, then gives up: the lines after it
        # are neither rows nor rejects, so loading the rest would lose them without a trace.
        raise IngestError(
            f'{source.name}: line {unclosed}: a double quote (") opens a value that is never '
            "closed, so the lines after it cannot be split into rows; nothing of the file was "
            "loaded: close or remove that quote and import the file again",
            "unreadable",
        )
    bad = int(scalar(con, "select count(*) from _ing_bad"))
    if bad:
        _renumber_around_bad_lines(con, bad)


def _read_csv(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    cols = cell_columns(len(source.headers))
    spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    target = source.path
    if source.encoding not in ("utf-8", "utf-8-sig"):
        target = transcode(source.path, source.encoding or "gb18030")
    try:
        con.execute("drop table if exists _ing_rej_err")
        con.execute("drop table if exists _ing_rej_scan")
        con.execute(
            "create or replace temp table _ing_src as select ordinality::bigint as __row, "
            f"{', '.join(cols)} from read_csv($p, header = false, skip = 1, columns = {spec}, "
            "auto_detect = false, delim = $d, quote = '\"', escape = '\"', nullstr = $never, "
            "store_rejects = true, rejects_table = '_ing_rej_err', "
            "rejects_scan = '_ing_rej_scan') with ordinality",
            # Empty cells stay '' (nullstr never matches): rejected rows keep the raw text.
            {"p": str(target), "d": source.delimiter, "never": "\x01"},
        )
        # DuckDB reports a short line once per missing cell and a long one once per extra
        # cell ("Found: 10", "Found: 11", ...): say once how many cells the line has.
        con.execute(
            "create or replace temp table _ing_bad as "
            "select line - 1 as __row, json_object('csv_line', any_value(csv_line)) as raw, "
            "'line ' || line || ': ' || case "
            "when bool_or(error_type = 'MISSING COLUMNS') then min(found) || ' cells where the "
            "header has ' || $n || ' (too few)' "
            "when bool_or(error_type = 'TOO MANY COLUMNS') then max(found) || ' cells where the "
            "header has ' || $n || ' (too many)' "
            "else string_agg(distinct error_message, '; ') end as detail "
            "from (select *, try_cast(regexp_extract(error_message, 'Found: (\\d+)', 1) "
            "as integer) as found from _ing_rej_err) group by line",
            {"n": len(source.headers)},
        )
    except duckdb.Error as exc:
        raise IngestError(f"{source.name}: not readable as CSV: {first_line_of(exc)}") from exc
    finally:
        if target != source.path:
            target.unlink(missing_ok=True)
