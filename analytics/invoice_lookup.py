"""发票查询 Invoice lookup: where given invoice numbers stand, for the officials who take
查不到发票 complaints ("I cannot find my invoice") on the phone or at the counter.

A number is looked up in three places, cheapest first:

1. **the serving snapshot** (what every page reads): is it an exception (late, missing,
   mismatched, duplicate, in the tax system but not in the merchant's log: ``recon_exceptions``)
   or still within its entry deadline (``pending_entries``)? Was a row naming it rejected at
   import (``rejected_rows``)? These answer most complaints, and always answer at once;
2. **the warehouse**, for the numbers the snapshot does not list: the ``reconciliation`` view
   words every invoice's status, so an invoice entered on time is confirmed as such, with its
   times. The snapshot leaves invoice-level tables out (10M rows, ~300 MB and ~11 s more per
   analysis), so this step opens the warehouse read-only for the length of one query (DESIGN.md,
   Concurrency: a short-lived read-only connection with a bounded wait). While ``ingest`` or
   ``analyse`` hold it, the lookup says so and gives the snapshot's answer alone;
3. what is left is **not found**: in neither the merchants' invoicing logs nor the tax export.

Numbers are read as people paste them: one per line or separated by commas, full-width digits
and spaces allowed, a legacy invoice as 发票代码 and 发票号码 with a space or a hyphen between.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

import duckdb
import polars as pl

from analytics import validation
from analytics.views import run
from analytics.warehouse import connect, table_exists

MAX_NUMBERS: Final = 200
SEPARATORS: Final = re.compile(r"[\n\r,，;；、\t]+")
LEGACY: Final = re.compile(r"(\d{10}|\d{12})-?(\d{8})")  # 发票代码 + 发票号码
LEGACY_APART: Final = re.compile(r"(\d{10}|\d{12})[\s\-—]+(\d{8})")
BUSY_WAIT_S: Final = 3.0


class InvoiceLookupError(ValueError):
    """More numbers than :data:`MAX_NUMBERS` were given (``count`` of them)."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count:,} invoice numbers given; look up at most {MAX_NUMBERS} at a time"
        )
        self.count = count


@dataclass(frozen=True)
class Numbers:
    """Pasted text read as invoice keys: ``valid`` in the warehouse's form (20-digit 数电票
    number or ``发票代码-发票号码``), in the order given, without repeats; ``invalid`` maps each
    piece that is neither to its reason code (``data/reference/reason_codes.csv``)."""

    valid: tuple[str, ...]
    invalid: dict[str, str] = field(default_factory=dict)


def parse_numbers(text: str) -> Numbers:
    """The invoice keys in ``text`` (see the module's docstring); at most :data:`MAX_NUMBERS`."""
    valid: dict[str, None] = {}
    invalid: dict[str, str] = {}
    for piece in SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        given = piece.strip(validation.WHITESPACE)
        if not given:
            continue
        compact = re.sub(r"\s+", "", given)
        # code and number written apart are a legacy key even when they make 20 digits
        legacy = LEGACY_APART.fullmatch(given) or (
            None if validation.DIGITAL_INVOICE_RE.match(compact) else LEGACY.fullmatch(compact)
        )
        key = f"{legacy.group(1)}-{legacy.group(2)}" if legacy else compact
        problems = validation.invoice_no_problems(key)
        if "invalid_invoice_no" in problems:
            invalid[given] = "invalid_invoice_no"
        else:
            valid[key] = None
    if len(valid) > MAX_NUMBERS:
        raise InvoiceLookupError(len(valid))
    return Numbers(tuple(valid), invalid)


@dataclass(frozen=True)
class Lookup:
    """What the lookup found for ``numbers``.

    * ``found``: one row per invoice record found (status, reason in both languages, merchant,
      times, amounts, the tax system's own status of the invoice), with ``source``;
    * ``rejected``: the rows naming a number that were rejected at import, with file, row and
      reasons (a number can be both found and rejected: a vendor's second export of it);
    * ``not_found``: numbers in neither, when the warehouse was asked; ``unchecked``: numbers
      the snapshot does not list that the warehouse could not be asked about (busy).
    """

    numbers: tuple[str, ...]
    found: pl.DataFrame
    rejected: pl.DataFrame
    not_found: tuple[str, ...]
    unchecked: tuple[str, ...]

    @property
    def answered(self) -> bool:
        """Every number has its answer (none waits for the warehouse)."""
        return not self.unchecked


def _in_order(frame: pl.DataFrame, numbers: tuple[str, ...]) -> pl.DataFrame:
    """``frame``'s rows in the order their numbers were given (stable within a number)."""
    if frame.is_empty():
        return frame
    position = {n: i for i, n in enumerate(numbers)}
    return frame.sort(pl.col("invoice_no").replace_strict(position, return_dtype=pl.Int32))


def _found(con: duckdb.DuckDBPyConnection, name: str, numbers: list[str]) -> pl.DataFrame:
    return run(con, name, {"invoice_nos": numbers})


def from_snapshot(con: duckdb.DuckDBPyConnection, numbers: tuple[str, ...]) -> Lookup:
    """Step 1 on the serving snapshot ``con``: exceptions, pending and rejected rows. Numbers
    it does not list are ``unchecked`` (:func:`ask_warehouse` asks about them)."""
    if not numbers:
        raise ValueError("no invoice numbers to look up")
    wanted = list(numbers)
    found = _found(con, "invoice_lookup_snapshot", wanted).with_columns(
        pl.lit("snapshot").alias("source")
    )
    digits_re = "|".join(sorted({n.split("-")[0] for n in wanted}))  # digits only: no escaping
    rejected = (
        run(con, "invoice_lookup_rejected", {"invoice_nos": wanted, "digits_re": digits_re})
        if table_exists(con, "rejected_rows")
        else pl.DataFrame()
    )
    seen = set(found["invoice_no"].to_list())
    return Lookup(
        numbers,
        _in_order(found, numbers),
        _in_order(rejected, numbers),
        (),
        tuple(n for n in numbers if n not in seen),
    )


def from_warehouse(con: duckdb.DuckDBPyConnection, first: Lookup) -> Lookup:
    """Step 2 on a warehouse connection ``con``: the numbers ``first`` left unchecked, in the
    ``reconciliation`` view; those in it nowhere, nor rejected, are ``not_found``."""
    if not first.unchecked:
        return first
    more = _found(con, "invoice_lookup_warehouse", list(first.unchecked))
    found = pl.concat(
        [first.found, more.with_columns(pl.lit("warehouse").alias("source"))], how="diagonal"
    )
    seen = set(found["invoice_no"].to_list())
    if first.rejected.height:
        seen |= set(first.rejected["invoice_no"].to_list())
    return Lookup(
        first.numbers,
        _in_order(found, first.numbers),
        first.rejected,
        tuple(n for n in first.unchecked if n not in seen),
        (),
    )


def ask_warehouse(
    first: Lookup,
    db: str | os.PathLike[str] | None = None,
    *,
    timeout_s: float = BUSY_WAIT_S,
) -> Lookup:
    """Step 2 on the warehouse ``db``, opened read-only for its one query: ``first`` with the
    numbers it left unchecked answered. Waits at most ``timeout_s`` for ``ingest``/``analyse``
    to let go of the warehouse, then raises ``WarehouseBusyError`` (``first`` is then the answer
    to show, with its ``unchecked`` numbers said to be so)."""
    if not first.unchecked:
        return first
    con = connect(db, read_only=True, timeout_s=timeout_s)
    try:
        return from_warehouse(con, first)
    finally:
        con.close()


def lines(result: Lookup) -> list[str]:
    """The result as lines of text, one or more per number in the order given (the command
    line's ``fapiao-watch lookup``)."""
    found = result.found.partition_by("invoice_no", as_dict=True) if result.found.height else {}
    rejected = (
        result.rejected.partition_by("invoice_no", as_dict=True) if result.rejected.height else {}
    )
    out = []
    for no in result.numbers:
        for r in found[(no,)].iter_rows(named=True) if (no,) in found else ():
            who = f"{r['merchant_name'] or '?'} ({r['merchant_id']}, {r['district'] or '?'})"
            out.append(f"{no}: {r['status']}: {r['reason_en']}; {who}")
        for r in rejected[(no,)].iter_rows(named=True) if (no,) in rejected else ():
            out.append(
                f"{no}: rejected at import: {r['file_name']} row {r['row_number']}: "
                f"{', '.join(r['reasons'])}: {r['detail']}"
            )
        if no in result.not_found:
            out.append(f"{no}: not found in the merchants' invoicing logs nor the tax export")
        if no in result.unchecked:
            out.append(f"{no}: not an exception nor pending; the warehouse was busy, ask again")
    return out
