"""XLSX workbooks through fastexcel (calamine): every sheet, chosen by its headers.

Cells are read as text (calamine renders date cells as 'YYYY-MM-DD HH:MM:SS' and numbers without
a trailing '.0'), so the same SQL parses them as it parses CSV. The header row is the first row,
among the first few, whose cells are the most known column aliases: exports often put a title
line ('全量发票查询结果') above the headers.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import fastexcel
import polars as pl

from analytics.ingest.headers import header_row_score, unique_headers
from analytics.ingest.model import IngestError
from analytics.ingest.source import Source, cell_columns

HEADER_SCAN_ROWS = 15
MIN_HEADER_ALIASES = 2
# calamine parses a whole sheet even for its first rows, so planning reads each sheet in full and
# keeps it for the load when it fits this many cells (all kept sheets together); bigger sheets
# are read again when their turn comes.
KEEP_CELLS = 6_000_000


class SheetCache:
    """The sheets read while planning, kept for loading within a cell budget.

    Thread-safe: the loader prepares the next table on a worker thread while it loads one."""

    def __init__(self, cells: int = KEEP_CELLS) -> None:
        self.left = cells
        self._lock = threading.Lock()

    def keep(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        size = frame.height * max(frame.width, 1)
        with self._lock:
            if size > self.left:
                return None
            self.left -= size
        return frame

    def release(self, frame: pl.DataFrame) -> None:
        with self._lock:
            self.left += frame.height * max(frame.width, 1)


def _reader(path: Path) -> Any:
    try:
        return fastexcel.read_excel(path)
    except Exception as exc:  # calamine raises several unrelated types for a broken zip
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"{path.name}: not a readable XLSX workbook ({first})") from exc


def _load(reader: Any, sheet: str, n_rows: int | None = None) -> pl.DataFrame:
    try:
        batch = reader.load_sheet(sheet, header_row=None, dtypes="string", n_rows=n_rows)
        frame = pl.from_arrow(batch.to_arrow())
    except Exception as exc:  # calamine cell and zip errors
        raise IngestError(f"sheet {sheet!r} cannot be read: {exc}") from exc
    assert isinstance(frame, pl.DataFrame)
    return frame


def workbook_sources(path: Path, sha: str, cache: SheetCache | None = None) -> list[Source]:
    """One :class:`Source` per sheet that has a recognisable header row."""
    reader = _reader(path)
    sources: list[Source] = []
    for sheet in reader.sheet_names:
        try:
            frame = _load(reader, sheet)
        except IngestError as exc:
            raise IngestError(f"{path.name}: {exc}", exc.code) from exc
        rows = [list(r) for r in frame.head(HEADER_SCAN_ROWS).rows()]
        if not rows:
            continue
        scores = [header_row_score(r) for r in rows]
        best = max(range(len(rows)), key=lambda i: (scores[i], -i))
        if scores[best] < MIN_HEADER_ALIASES:
            continue
        raw = [("" if c is None else str(c)) for c in rows[best]]
        while raw and not raw[-1].strip():
            raw.pop()  # formatted but empty trailing columns
        sources.append(
            Source(
                path,
                "xlsx",
                sha,
                unique_headers(raw),
                sheet=sheet,
                header_index=best,
                raw_headers=raw,
                frame=cache.keep(frame) if cache else None,
            )
        )
    if not sources:
        raise IngestError(
            f"{path.name}: no sheet has a header row with known column names "
            f"(sheets: {', '.join(reader.sheet_names) or 'none'})",
            "columns",
        )
    return sources


def load_sheet(
    con: duckdb.DuckDBPyConnection, source: Source, cache: SheetCache | None = None
) -> None:
    """Fill ``_ing_src`` from one sheet: rows after the header row, numbered from 1."""
    assert source.sheet is not None
    table = source.frame
    if table is None:
        try:
            table = _load(_reader(source.path), source.sheet)
        except IngestError as exc:
            raise IngestError(f"{source.name}: {exc}", exc.code) from exc
    else:
        source.frame = None
        if cache:
            cache.release(table)
    data = table.slice(source.header_index + 1)
    width = len(source.headers)
    cells = [pl.col(c).cast(pl.String) for c in data.columns]
    names = cell_columns(max(width, data.width))
    frame = data.select(cells).rename(dict(zip(data.columns, names, strict=False)))
    for name in names[data.width :]:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    extra = names[width:]
    if extra and frame.select(pl.any_horizontal(pl.col(extra).is_not_null().any())).item():
        # Values beyond the last header: kept as unnamed columns rather than dropped.
        source.headers = unique_headers([*source.headers, *([None] * len(extra))])
    else:
        frame = frame.select(names[:width])
    frame = frame.with_row_index("__row", offset=1).with_columns(pl.col("__row").cast(pl.Int64))
    con.register("_ing_frame", frame)
    try:
        con.execute("create or replace temp table _ing_src as select * from _ing_frame")
    finally:
        con.unregister("_ing_frame")
