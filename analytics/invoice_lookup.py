"""发票查询 Invoice lookup: where given invoice numbers stand, for the officials who take
查不到发票 complaints ("I cannot find my invoice") on the phone or at the counter.

A number is looked up in three places, cheapest first:

1. **the serving snapshot** (what every page reads): is it an exception (late, missing,
   mismatched, duplicate, in the tax system but not in the merchant's log: ``recon_exceptions``)
   or still within its entry deadline (``pending_entries``)? Was a row naming it (or, for an
   order, its payment or an invoice for it) rejected at import (``rejected_rows``)? These
   answer most complaints, and always answer at once;
2. **the warehouse**, for the numbers the snapshot does not list: the ``reconciliation`` view
   words every invoice's status, so an invoice entered on time is confirmed as such, with its
   times. The snapshot leaves invoice-level tables out (10M rows, ~300 MB and ~11 s more per
   analysis), so this step opens the warehouse read-only for the length of one query (DESIGN.md,
   Concurrency: a short-lived read-only connection with a bounded wait). While ``ingest`` or
   ``analyse`` hold it, the lookup says so and gives the snapshot's answer alone;
3. what is left is **not found**: in neither the merchants' invoicing logs nor the tax export.

A customer may have only the order number (订单号) of the payment an invoice was asked for. Any
other id given is looked up as one: the payment's reconciliation (invoiced, under-invoiced,
not invoiced) and every invoice issued for it, each answered as above.

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
ORDER_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{3,63}")  # what may be a payment id
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
    """Pasted text read as keys: ``all`` of them in the order given, without repeats, invoice
    keys in the warehouse's form (20-digit 数电票 number or ``发票代码-发票号码``) and, among
    them, the ``orders`` (other ids, looked up as order numbers); ``invalid`` maps each piece
    that is neither to its reason code (``data/reference/reason_codes.csv``)."""

    all: tuple[str, ...]
    orders: frozenset[str] = frozenset()
    invalid: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> tuple[str, ...]:
        """The invoice keys, in the order given."""
        return tuple(n for n in self.all if n not in self.orders)

    @property
    def order_ids(self) -> tuple[str, ...]:
        """The order numbers, in the order given."""
        return tuple(n for n in self.all if n in self.orders)


def parse_numbers(text: str) -> Numbers:
    """The keys in ``text`` (see the module's docstring); at most :data:`MAX_NUMBERS`."""
    keys: dict[str, None] = {}
    orders: set[str] = set()
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
        if "invalid_invoice_no" not in validation.invoice_no_problems(key):
            keys[key] = None
        elif ORDER_ID.fullmatch(given):
            keys[given] = None
            orders.add(given)
        else:
            invalid[given] = "invalid_invoice_no"
    if len(keys) > MAX_NUMBERS:
        raise InvoiceLookupError(len(keys))
    return Numbers(tuple(keys), frozenset(orders), invalid)


@dataclass(frozen=True)
class Lookup:
    """What the lookup found for ``numbers`` (invoice numbers, then order numbers).

    * ``found``: one row per record found, ``asked`` being the number it answers: an invoice's
      own rows, or an order's payment and the invoices issued for it (``subject`` issued /
      tax_record / payment, ``subject_id`` the invoice number or the order's), with status,
      reason in both languages, merchant, times, amounts, the tax system's own status of the
      invoice, and ``source`` (snapshot / warehouse);
    * ``rejected``: the rows naming a number (``asked``) that were rejected at import, with
      file, row and reasons: an invoice's, or an order's payment or an invoice issued for it
      (a number can be both found and rejected: a vendor's second export);
    * ``not_found``: numbers found nowhere, once the warehouse was asked; ``unchecked``: those
      the warehouse could not be asked about (busy) after the snapshot did not settle them.
    """

    numbers: tuple[str, ...]
    orders: frozenset[str]
    found: pl.DataFrame
    rejected: pl.DataFrame
    not_found: tuple[str, ...]
    unchecked: tuple[str, ...]

    @property
    def answered(self) -> bool:
        """Every number has its answer (none waits for the warehouse)."""
        return not self.unchecked


def _in_order(frame: pl.DataFrame, numbers: tuple[str, ...], key: str) -> pl.DataFrame:
    """``frame``'s rows in the order their numbers were given (stable within a number)."""
    if frame.is_empty():
        return frame
    position = {n: i for i, n in enumerate(numbers)}
    return frame.sort(pl.col(key).replace_strict(position, return_dtype=pl.Int32))


NEVER: Final = "a^"  # a regular expression that matches nothing (for an empty list)


def _rejected(
    con: duckdb.DuckDBPyConnection, invoices: list[str], orders: list[str]
) -> pl.DataFrame:
    """The rows rejected at import that named one of the invoice or order numbers."""
    params = {
        "invoice_nos": invoices,
        "digits_re": "|".join(sorted({n.split("-")[0] for n in invoices})) or NEVER,
        "order_ids": orders,
        "ids_re": "|".join(sorted(orders)) or NEVER,
    }
    return run(con, "invoice_lookup_rejected", params)


def from_snapshot(con: duckdb.DuckDBPyConnection, numbers: Numbers) -> Lookup:
    """Step 1 on the serving snapshot ``con``: exceptions, pending invoices and rejected rows.
    Invoice numbers it does not list, and orders unless it found them not invoiced at all (no
    invoice to show), are ``unchecked`` (:func:`ask_warehouse` asks about them)."""
    if not numbers.all:
        raise ValueError("no invoice or order numbers to look up")
    invoices, orders = list(numbers.valid), list(numbers.order_ids)
    found = run(
        con, "invoice_lookup_snapshot", {"invoice_nos": invoices, "order_ids": orders}
    ).with_columns(pl.lit("snapshot").alias("source"))
    rejected = pl.DataFrame()
    if table_exists(con, "rejected_rows"):
        rejected = _rejected(con, invoices, orders)
    settled = set(found.filter(pl.col("subject") != "payment")["asked"].to_list()) & set(invoices)
    settled |= set(found.filter(pl.col("status") == "not_invoiced")["asked"].to_list())
    return Lookup(
        numbers.all,
        numbers.orders,
        _in_order(found, numbers.all, "asked"),
        _in_order(rejected, numbers.all, "asked"),
        (),
        tuple(n for n in numbers.all if n not in settled),
    )


def from_warehouse(con: duckdb.DuckDBPyConnection, first: Lookup) -> Lookup:
    """Step 2 on a warehouse connection ``con``: what ``first`` left unchecked, in the
    ``reconciliation`` view; an order's invoices are found by its payment id and answered as
    invoice numbers. Rows ``first`` has already are kept from it; numbers found nowhere, nor
    rejected, are ``not_found``."""
    if not first.unchecked:
        return first
    orders = [n for n in first.unchecked if n in first.orders]
    invoices = [n for n in first.unchecked if n not in first.orders]
    of_orders = run(con, "invoice_lookup_order_invoices", {"order_ids": orders})
    params = {
        "invoice_nos": invoices + of_orders["invoice_no"].to_list(),
        "order_ids": orders,
    }
    rows = run(con, "invoice_lookup_warehouse", params)
    # an order's invoices answer the order: `asked` becomes its number
    by_order = (
        rows.join(of_orders.rename({"asked": "order"}), left_on="subject_id", right_on="invoice_no")
        .with_columns(pl.col("order").alias("asked"))
        .drop("order")
    )
    own = rows.filter(pl.col("asked").is_in(invoices) | (pl.col("subject") == "payment"))
    more = pl.concat([own, by_order], how="diagonal").with_columns(
        pl.lit("warehouse").alias("source")
    )
    keys = ["asked", "subject", "subject_id"]
    found = pl.concat(
        [first.found, more.join(first.found.select(keys), on=keys, how="anti")],
        how="diagonal",
    )
    seen = set(found["asked"].to_list())
    if first.rejected.height:
        seen |= set(first.rejected["asked"].to_list())
    return Lookup(
        first.numbers,
        first.orders,
        _in_order(found, first.numbers, "asked"),
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
    found = result.found.partition_by("asked", as_dict=True) if result.found.height else {}
    rejected = result.rejected.partition_by("asked", as_dict=True) if result.rejected.height else {}
    out = []
    for no in result.numbers:
        for r in found[(no,)].iter_rows(named=True) if (no,) in found else ():
            who = f"{r['merchant_name'] or '?'} ({r['merchant_id']}, {r['district'] or '?'})"
            what = ""
            if no in result.orders:
                what = "order: " if r["subject"] == "payment" else f"invoice {r['subject_id']}: "
            out.append(f"{no}: {what}{r['status']}: {r['reason_en']}; {who}")
        for r in rejected[(no,)].iter_rows(named=True) if (no,) in rejected else ():
            out.append(
                f"{no}: rejected at import: {r['file_name']} row {r['row_number']}: "
                f"{', '.join(r['reasons'])}: {r['detail']}"
            )
        if no in result.not_found:
            where = "payments" if no in result.orders else "invoicing logs nor the tax export"
            out.append(f"{no}: not found in the merchants' {where}")
        if no in result.unchecked:
            out.append(f"{no}: the warehouse was busy, ask again for what the snapshot lacks")
    return out
