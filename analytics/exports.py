"""Spreadsheet-safe CSV and XLSX bytes, for reports and every table download of the dashboard.

Formula injection: a spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or
``@`` (and, in some, a tab or carriage return) as a formula, so a merchant name or remark like
``=HYPERLINK(...)`` could act when an official opens the export. Every *text* cell that begins
with one of those characters gets a leading ``'`` (OWASP's advice); numbers stay numbers, so
-12.5 as a number is written as is while the text "-1+1" comes out as "'-1+1". Headers keep
their Chinese; CSV is UTF-8 with a BOM so Excel opens it without garbling. XLSX is written with
xlsxwriter with formula, URL and number conversion of strings switched off, and in
constant-memory mode for big frames.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import polars as pl
import xlsxwriter

BOM = "\ufeff".encode()
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_RISKY_RE = r"^[=+\-@\t\r]"
EXCEL_MAX_ROWS = 1_048_576
# Cells in a workbook above which rows are streamed to disk (xlsxwriter's constant_memory).
CONSTANT_MEMORY_CELLS = 200_000
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE = 500


class ExportError(ValueError):
    """A frame cannot be exported (e.g. more rows than a worksheet holds)."""


def escape_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(RISKY_PREFIXES) else value


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if isinstance(dtype, pl.Struct):
        return col.struct.json_encode()
    if isinstance(dtype, pl.List | pl.Array):
        return col.cast(pl.List(pl.String)).list.join(", ")
    if isinstance(dtype, pl.Binary):
        return col.bin.encode("hex")
    if isinstance(dtype, pl.Duration):
        return col.dt.to_string("polars")
    return col.cast(pl.String)


def _is_plain(dtype: pl.DataType) -> bool:
    """Numbers, booleans and times are written as themselves; everything else as text."""
    return dtype.is_numeric() or dtype.is_temporal() or isinstance(dtype, pl.Boolean | pl.Null)


def _text_dtype(dtype: pl.DataType) -> bool:
    """Written as (escaped) text: anything but numbers, booleans, dates and times."""
    return not _is_plain(dtype) or isinstance(dtype, pl.Duration)


def escape_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Text columns and headers escaped (non-plain columns become text); numbers untouched."""
    if frame.height == 0:  # most sheets of a batch of reports: no cells, just the schema
        return pl.DataFrame(
            schema={
                escape_text(name): pl.String if _text_dtype(dtype) else dtype
                for name, dtype in frame.schema.items()
            }
        )
    exprs = []
    for name, dtype in frame.schema.items():
        if not _text_dtype(dtype):
            exprs.append(pl.col(name).alias(escape_text(name)))
            continue
        text = _as_text(name, dtype)
        exprs.append(
            pl.when(text.str.contains(_RISKY_RE))
            .then(pl.concat_str(pl.lit("'"), text))
            .otherwise(text)
            .alias(escape_text(name))
        )
    return frame.select(exprs)


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8-with-BOM CSV (CRLF line ends) of ``frame``, text cells escaped."""
    buffer = io.BytesIO()
    buffer.write(BOM)
    escape_frame(frame).write_csv(
        buffer,
        line_terminator="\r\n",
        datetime_format="%Y-%m-%d %H:%M:%S",
        date_format="%Y-%m-%d",
    )
    return buffer.getvalue()


def _display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique worksheet name: no []:*?/\\, at most 31 characters, not blank."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'").strip() or "Sheet"
    candidate, n = base[:31], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def column_width(header: str, series: pl.Series, *, escape: bool = True) -> float:
    """A worksheet column's width in characters: its header and its first values as written
    (text escaped when ``escape``), CJK counting double, between 8 and 60 plus a margin."""
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime):
        values = 19
    elif isinstance(dtype, pl.Date):
        values = 10
    else:
        show = escape_text if escape and _text_dtype(dtype) else str
        sample = series.head(_WIDTH_SAMPLE).to_list()
        values = max((_display_width(show(str(v))) for v in sample if v is not None), default=0)
    return float(min(60, max(8, _display_width(header), values)) + 2)


Writer = Callable[[int, int, Any], None]


def _writer(ws: Any, dtype: pl.DataType, formats: Mapping[str, Any]) -> Writer:
    """A function writing one cell of a column of ``dtype`` (None = leave the cell empty)."""

    def number(row: int, col: int, value: Any) -> None:
        v = float(value) if isinstance(value, Decimal) else value
        if not (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
            ws.write_number(row, col, v)

    def moment(row: int, col: int, value: datetime | date | time) -> None:
        if isinstance(value, datetime):
            ws.write_datetime(row, col, value, formats["datetime"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, formats["date"])
        else:
            ws.write_datetime(row, col, value, formats["time"])

    def boolean(row: int, col: int, value: bool) -> None:
        ws.write_boolean(row, col, value)

    def text(row: int, col: int, value: Any) -> None:
        ws.write_string(row, col, escape_text(str(value)))

    if isinstance(dtype, pl.Boolean):
        return boolean
    if dtype.is_numeric():
        return number
    if dtype.is_temporal() and not isinstance(dtype, pl.Duration):
        return moment
    return text


def _textified(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its non-plain columns (lists, structs, durations, ...) as text, unescaped:
    the sheet writer escapes each text cell as it writes it (cheaper than a pass per frame)."""
    if all(isinstance(d, pl.String) or not _text_dtype(d) for d in frame.schema.values()):
        return frame
    return frame.select(
        _as_text(name, dtype) if _text_dtype(dtype) else pl.col(name)
        for name, dtype in frame.schema.items()
    )


def _write_sheet(wb: Any, name: str, frame: pl.DataFrame, formats: Mapping[str, Any]) -> None:
    if frame.height >= EXCEL_MAX_ROWS:
        raise ExportError(
            f"sheet {name!r} has {frame.height:,} rows; a worksheet holds at most "
            f"{EXCEL_MAX_ROWS - 1:,} below its header: filter the table or export CSV"
        )
    ws = wb.add_worksheet(name)
    data = _textified(frame)
    headers = [escape_text(column) for column in data.columns]
    for col, (header, series) in enumerate(zip(headers, data.iter_columns(), strict=True)):
        ws.set_column(col, col, column_width(header, series))
    for col, header in enumerate(headers):
        ws.write_string(0, col, header, formats["header"])
    writers = [_writer(ws, dtype, formats) for dtype in data.schema.values()]
    for r, values in enumerate(data.iter_rows(), start=1):
        for c, value in enumerate(values):
            if value is not None:
                writers[c](r, c, value)
    ws.freeze_panes(1, 0)
    if data.width:
        ws.autofilter(0, 0, max(data.height, 1), data.width - 1)


def to_xlsx_bytes(sheets: Mapping[str, pl.DataFrame]) -> bytes:
    """A workbook with one worksheet per frame (in order), text cells escaped."""
    if not sheets:
        raise ExportError("a workbook needs at least one sheet")
    cells = sum(f.height * max(f.width, 1) for f in sheets.values())
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": cells > CONSTANT_MEMORY_CELLS,
            # Small workbooks are assembled in memory, not through a temporary file per part
            # (a district's batch of reports writes thousands of them).
            "in_memory": cells <= CONSTANT_MEMORY_CELLS,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    formats = {
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "time": wb.add_format({"num_format": "hh:mm:ss"}),
    }
    taken: set[str] = set()
    try:
        for name, frame in sheets.items():
            _write_sheet(wb, sheet_name(name, taken), frame, formats)
    finally:
        wb.close()
    return buffer.getvalue()
