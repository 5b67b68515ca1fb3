"""A list of merchants (商户名单) that a person hands us: taxpayer ids pasted as text, or a file.

The usual source is one of our own exports (Entry monitoring's "merchants below the threshold",
the ranking): a CSV or XLSX with a USCC column among others. Any file with a header that names
the merchant's id (the ``merchant_id`` aliases of ``data/reference/header_maps.csv``, e.g.
统一社会信用代码, 纳税人识别号, 销方识别号, USCC) gives that column; a file or text without such
a header is read as ids separated by new lines, commas, semicolons, 、 or spaces.

Every id is checked (an 18-character USCC with its check characters, or a legacy 15- or
20-character taxpayer id). A bad id is an error that names the source, the row and the reason,
never a silent skip: a reminder sent to the wrong merchant list is worse than none. Repeats count
once, in the order first seen.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fastexcel

from analytics import uploads
from analytics.ingest.headers import fold, header_maps
from analytics.validation import taxpayer_id_problem

__all__ = ["MAX_SHOWN", "MerchantList", "MerchantListError", "from_file", "from_text"]

MAX_SHOWN = 10  # bad ids named in one error message
_NO_HEADER = "no header names an id column, e.g. 统一社会信用代码, so every cell was read as an id"
_SEPARATORS = re.compile(r"[\s,;，；、]+")


class MerchantListError(ValueError):
    """The list cannot be used as it is; the message names the source, rows and reasons."""


@dataclass(frozen=True)
class MerchantList:
    """The ids of a list in first-seen order, and how many rows repeated an earlier id."""

    source: str
    ids: tuple[str, ...]
    repeated: int = 0


@cache
def _id_headers() -> frozenset[str]:
    """Folded header aliases that name a merchant's taxpayer id, over every kind of file."""
    canon = {"merchant_id", "seller_tax_id"}
    return frozenset(
        alias for kind in header_maps().values() for alias, c in kind.items() if c in canon
    )


def _clean(cell: str) -> str:
    """An id as typed or exported: width-folded, trimmed, upper case, without the apostrophe
    spreadsheets put before text that looks like a number."""
    return unicodedata.normalize("NFKC", cell).strip().lstrip("'").strip().upper()


def _collect(source: str, rows: list[tuple[int, str, str]], *, by_header: bool) -> MerchantList:
    """``rows``: (row number as the person sees it, value as given, cleaned value), empty values
    left out."""
    bad = [(n, raw, p) for n, raw, v in rows if (p := taxpayer_id_problem(v)) is not None]
    if bad:
        shown = "; ".join(f"row {n}: {v!r}: {p}" for n, v, p in bad[:MAX_SHOWN])
        more = f" (and {len(bad) - MAX_SHOWN} more)" if len(bad) > MAX_SHOWN else ""
        hint = "" if by_header else f" ({_NO_HEADER})"
        raise MerchantListError(
            f"{source}: {len(bad)} of {len(rows)} values are not taxpayer ids: {shown}{more}{hint}"
        )
    ids = list(dict.fromkeys(v for _, _, v in rows))
    if not ids:
        raise MerchantListError(f"{source}: no merchant ids in it")
    return MerchantList(source, tuple(ids), repeated=len(rows) - len(ids))


# A spreadsheet number keeps 15 significant digits: an 18- or 20-digit id typed or pasted into
# a cell formatted as a number has lost its last digits (51010419861018088702 is stored as
# 51010419861018091520), and a legacy 20-digit id has no check character to catch it.
_NUMBER_DIGITS = 15


def _rounded_ids(source: str, rows: list[tuple[int, str, str]]) -> None:
    """Refuse ids of more than 15 digits from a column holding cells stored as numbers (rows
    as :func:`_collect` takes them). The reader tells a column's cell types, not a row's, so an
    id stored as text in such a column is named too; the fix is the same."""
    long = [(n, v) for n, _, v in rows if v.isdigit() and len(v) > _NUMBER_DIGITS]
    if long:
        shown = "; ".join(f"row {n}: {v!r}" for n, v in long[:MAX_SHOWN])
        more = f" (and {len(long) - MAX_SHOWN} more)" if len(long) > MAX_SHOWN else ""
        raise MerchantListError(
            f"{source}: the ids are stored as numbers, which keep only {_NUMBER_DIGITS} "
            f"digits, and {len(long)} have more, so their last digits may be lost: "
            f"{shown}{more}; format the column as text (文本) and enter the ids again, or save "
            "the list as CSV"
        )


def _from_table(
    source: str, table: list[list[str]], holds_numbers: Callable[[int], bool] = lambda _: False
) -> MerchantList:
    """A header row naming the id column picks that column; otherwise every cell is an id.
    ``holds_numbers(i)``: whether column ``i`` of a workbook has cells stored as numbers
    (asked only of the columns read as ids)."""
    header = table[0] if table else []
    known = _id_headers()
    columns = [i for i, h in enumerate(header) if fold(h) in known]
    rows: list[tuple[int, str, str]] = []
    if columns:
        col = columns[0]
        for n, row in enumerate(table[1:], start=2):
            if col < len(row) and (value := _clean(row[col])):
                rows.append((n, row[col].strip(), value))
        where = f"{source}, column {header[col].strip()!r}"
        if holds_numbers(col):
            _rounded_ids(where, rows)
        return _collect(where, rows, by_header=True)
    for n, row in enumerate(table, start=1):
        rows.extend(
            (n, part, v) for cell in row for part in _SEPARATORS.split(cell) if (v := _clean(part))
        )
    if any(holds_numbers(i) for i in range(max(map(len, table), default=0))):
        _rounded_ids(source, rows)
    return _collect(source, rows, by_header=False)


def _holds_numbers(book: fastexcel.ExcelReader, column: int) -> bool:
    """Whether a column of the first sheet has a cell stored as a number: read strictly, a
    column of text and numbers is refused (and names both), one of numbers only is typed so."""
    try:
        sheet = book.load_sheet(0, header_row=None, use_columns=[column], dtype_coercion="strict")
    except fastexcel.UnsupportedColumnTypeCombinationError as exc:
        return "Float" in str(exc) or "Int" in str(exc)
    except fastexcel.FastExcelError:  # a column the strict reader cannot type: no finding
        return False
    return sheet.selected_columns[0].dtype in ("float", "int")


def from_text(text: str, source: str = "the list") -> MerchantList:
    """Ids pasted as text: one or more per line, or a CSV with a header naming the id column."""
    lines = text.lstrip("\ufeff").splitlines()
    first = lines[0] if lines else ""
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return _from_table(source, list(csv.reader(lines, delimiter=delimiter)))


def from_bytes(raw: bytes, name: str) -> MerchantList:
    """A list file's bytes: XLSX (its first sheet), else CSV or plain text (UTF-8 or GBK)."""
    if raw[:4] == b"PK\x03\x04":
        try:
            book = fastexcel.read_excel(raw)
            sheet = book.load_sheet(0, header_row=None, dtypes="string")
        except Exception as exc:  # calamine raises several unrelated types for a broken zip
            raise MerchantListError(f"{name}: not a readable XLSX workbook ({exc})") from exc
        table = [
            ["" if c is None else str(c) for c in row] for row in sheet.to_polars().iter_rows()
        ]
        return _from_table(
            f"{name}, sheet {book.sheet_names[0]!r}", table, lambda i: _holds_numbers(book, i)
        )
    try:
        text = uploads.decode_text(raw, name)
    except ValueError as exc:
        raise MerchantListError(str(exc)) from exc
    return from_text(text, name)


def from_file(path: str | Path) -> MerchantList:
    """A list file on disk (see :func:`from_bytes`)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise MerchantListError(f"cannot read {p}: {exc.strerror or exc}") from exc
    return from_bytes(raw, p.name)
