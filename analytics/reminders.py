"""Reminders (催报): who reminded a merchant of its invoices pending entry, when, how, and for
which invoices.

The pending list (``pending_entries``: Entry monitoring, ``fapiao-watch report pending``) says
whom to remind before invoices turn late. The reminder itself goes out by phone, SMS, a 电子税务局
message or a visit; this module keeps the record of it, so that the next official sees that a
merchant was reminded already, and which of its pending invoices became pending since (the
list's ``not_reminded`` count; :func:`analytics.views.pending_merchants`).

Reminders are state written by people, like alert actions: no analysis run drops or rewrites
them (``sql/schema/system.sql``). Writing (:func:`record_all`) follows
:mod:`analytics.alert_desk`: the warehouse is opened for the length of one write (waiting a
short while if ``ingest``/``analyse`` hold it, then raising
:class:`~analytics.warehouse.WarehouseBusyError`), and a new serving snapshot is published.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import duckdb
import polars as pl

from analytics import sqlrun, view_sql
from analytics.clock import beijing_now
from analytics.validation import taxpayer_id_problem
from analytics.warehouse import table_exists

TABLE: Final = "reminders"
CHANNELS: Final = ("phone", "sms", "etax_message", "visit", "other")


class ReminderError(ValueError):
    """A reminder that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Recorded:
    """One merchant's reminder as :func:`record` left it."""

    merchant_id: str
    reminder_id: int
    invoices: int  # the pending invoices it covers
    new: bool  # False: the same reminder was recorded already today (kept once)


def _merchants(merchant_ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(m.strip().upper() for m in merchant_ids if m and m.strip()))


def record(
    con: duckdb.DuckDBPyConnection,
    merchant_ids: Sequence[str],
    *,
    by: str,
    channel: str,
    note: str | None = None,
) -> list[Recorded]:
    """Record that each merchant of ``merchant_ids`` was reminded of the invoices it has
    pending entry now, all of them or none.

    Raises :class:`ReminderError` (nothing written) without ``by``, for a channel not in
    :data:`CHANNELS`, and for a merchant with nothing pending (naming it). The same reminder
    recorded twice on a day (same merchant, person, channel and invoices: a double click, a
    script run again) is kept once: its second recording returns the first with ``new``
    False."""
    who = by.strip()
    if not who:
        raise ReminderError("who reminded is required")
    if channel not in CHANNELS:
        raise ReminderError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    ids = _merchants(merchant_ids)
    if not ids:
        raise ReminderError("no merchant chosen")
    typos = [f"{m}: {p}" for m in ids if (p := taxpayer_id_problem(m)) is not None]
    if typos:
        raise ReminderError("; ".join(typos))
    if not table_exists(con, "pending_entries"):
        raise ReminderError("there is no pending list yet: run `fapiao-watch analyse` first")
    pending = dict(
        con.execute(
            "select merchant_id, list(invoice_no order by invoice_no) from pending_entries "
            "where list_contains($ids, merchant_id) group by merchant_id",
            {"ids": ids},
        ).fetchall()
    )
    idle = [m for m in ids if m not in pending]
    if idle:
        known = {
            str(r[0])
            for r in con.execute(
                "select merchant_id from merchants where list_contains($ids, merchant_id)",
                {"ids": idle},
            ).fetchall()
        }
        unknown = [m for m in idle if m not in known]
        if unknown:
            raise ReminderError(f"not in the warehouse (no such merchant): {', '.join(unknown)}")
        raise ReminderError(f"nothing is pending entry for {', '.join(idle)}")
    as_of = sqlrun.scalar(con, "select arg_max(as_of, run_id) from analysis_runs")
    now = beijing_now()
    note = (note or "").strip() or None
    # the same reminder recorded already today: one query for all the merchants
    kept = {
        (str(m), tuple(inv)): int(rid)
        for m, inv, rid in con.execute(
            "select merchant_id, invoice_nos, min(reminder_id) from reminders "
            "where list_contains($ids, merchant_id) and reminded_by = $by "
            "and channel = $channel and reminded_at::date = $day group by all",
            {"ids": ids, "by": who, "channel": channel, "day": now.date()},
        ).fetchall()
    }
    fresh = [m for m in ids if (m, tuple(pending[m])) not in kept]
    written: dict[str, int] = {}
    if fresh:  # one statement, so all of them or none
        rows = con.execute(
            "insert into reminders (merchant_id, reminded_at, reminded_by, channel, note, "
            "as_of, invoice_nos) select unnest($m::varchar[]), $at, $by, $channel, $note, "
            "$as_of, unnest($invoices::varchar[][]) returning merchant_id, reminder_id",
            {
                "m": fresh,
                "at": now,
                "by": who,
                "channel": channel,
                "note": note,
                "as_of": as_of,
                "invoices": [list(pending[m]) for m in fresh],
            },
        ).fetchall()
        written = {str(m): int(rid) for m, rid in rows}
    return [
        Recorded(m, written[m], len(pending[m]), new=True)
        if m in written
        else Recorded(m, kept[(m, tuple(pending[m]))], len(pending[m]), new=False)
        for m in ids
    ]


def record_all(
    merchant_ids: Sequence[str],
    *,
    by: str,
    channel: str,
    note: str | None = None,
    db: str | os.PathLike[str] | None = None,
    timeout_s: float = 5.0,
) -> list[Recorded]:
    """:func:`record` in the warehouse ``db``, then publish the serving snapshot once."""
    from analytics.config import settings
    from analytics.warehouse import connect, publish

    con = connect(db, timeout_s=timeout_s, create=False)
    try:
        done = record(con, merchant_ids, by=by, channel=channel, note=note)
        if any(r.new for r in done):
            publish(con, settings(db).serving_path)
    finally:
        con.close()
    return done


OUTCOMES: Final = ("on_time", "late", "missing", "other", "pending")
_OUTCOME_SCHEMA = pl.Schema({f"outcome_{o}": pl.Int64() for o in OUTCOMES})
_HISTORY_SCHEMA = pl.Schema(
    {
        "reminder_id": pl.Int64(),
        "reminded_at": pl.Datetime("us"),
        "reminded_by": pl.String(),
        "channel": pl.String(),
        "invoices": pl.Int64(),
        **_OUTCOME_SCHEMA,
        "note": pl.String(),
        "as_of": pl.Datetime("us"),
    }
)


def invoice_outcomes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per reminder and invoice it covered: ``outcome`` (one of :data:`OUTCOMES`:
    entered by the deadline, after it, missing, another exception, still pending) and the
    merchant's attributes. Empty without the tables."""
    names = ("pending_entries", "recon_exceptions", "merchants", TABLE)
    if not all(table_exists(con, n) for n in names):
        return pl.DataFrame()
    return view_sql.run(con, "reminder_outcomes", {})


def _counts(rows: pl.DataFrame, by: str) -> pl.DataFrame:
    """Invoices per ``by`` and outcome, as ``outcome_<o>`` columns (zero where none)."""
    return rows.group_by(by).agg(
        pl.len().alias("invoices").cast(pl.Int64),
        *((pl.col("outcome") == o).sum().cast(pl.Int64).alias(f"outcome_{o}") for o in OUTCOMES),
    )


def history(
    con: duckdb.DuckDBPyConnection, merchant_id: str, outcomes: pl.DataFrame | None = None
) -> pl.DataFrame:
    """A merchant's reminders, newest first: ``invoices`` each covered and what became of them
    (``outcome_on_time``, ``outcome_late``, ``outcome_missing``, ``outcome_other``,
    ``outcome_pending``), from ``outcomes`` (:func:`invoice_outcomes`, read here when not
    given). Empty without the tables (a snapshot from before reminders, or before any
    analysis)."""
    if outcomes is None:
        outcomes = invoice_outcomes(con)
    if outcomes.is_empty():
        return pl.DataFrame(schema=_HISTORY_SCHEMA)
    rows = view_sql.run(con, "reminder_history", {"merchant_id": merchant_id})
    counts = _counts(outcomes.filter(pl.col("merchant_id") == merchant_id), "reminder_id")
    frame = rows.join(counts.drop("invoices"), on="reminder_id", how="left")
    frame = frame.with_columns(pl.col(_OUTCOME_SCHEMA.names()).fill_null(0))
    return frame.cast(_HISTORY_SCHEMA).select(_HISTORY_SCHEMA.names())


def outcomes_in_scope(rows: pl.DataFrame, mask: pl.Expr) -> dict[str, int]:
    """``invoices`` reminded about (each once) among the merchants ``mask`` keeps (e.g.
    ``Filters.attribute_mask()``) over :func:`invoice_outcomes`, and how many of them had each
    outcome (``outcome_<o>``). An invoice in several reminders counts once."""
    empty = {"invoices": 0, **dict.fromkeys(_OUTCOME_SCHEMA.names(), 0)}
    if rows.is_empty():
        return empty
    each = rows.filter(mask).unique(["merchant_id", "invoice_no"]).with_columns(_all=pl.lit(1))
    counts = _counts(each, "_all")
    return (
        empty
        if counts.is_empty()
        else {k: int(v) for k, v in counts.row(0, named=True).items() if k != "_all"}
    )


_BY_MERCHANT_SCHEMA = pl.Schema(
    {
        "merchant_id": pl.String(),
        "not_reminded": pl.Int64(),
        "reminders": pl.Int64(),
        "last_reminded_at": pl.Datetime("us"),
        "last_reminded_by": pl.String(),
        "last_channel": pl.String(),
    }
)


def by_merchant(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per merchant with invoices pending entry: ``not_reminded`` (pending invoices no reminder
    covered: never reminded, or pending since the last reminder) and its last reminder
    (``last_reminded_at``, ``last_reminded_by``, ``last_channel``; ``reminders`` how many).
    Empty without the tables (:func:`analytics.views.pending_merchants` then counts every
    pending invoice as not reminded)."""
    if not (table_exists(con, "pending_entries") and table_exists(con, TABLE)):
        return pl.DataFrame(schema=_BY_MERCHANT_SCHEMA)
    frame = view_sql.run(con, "pending_reminded", {})
    return frame.cast(_BY_MERCHANT_SCHEMA).select(_BY_MERCHANT_SCHEMA.names())


_BY_INVOICE_SCHEMA = pl.Schema(
    {
        "merchant_id": pl.String(),
        "invoice_no": pl.String(),
        "last_reminded_at": pl.Datetime("us"),
        "last_reminded_by": pl.String(),
    }
)


def by_invoice(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per invoice a reminder covered: when it was last reminded about, and by whom (the
    reminder list's columns). Empty without the table."""
    if not table_exists(con, TABLE):
        return pl.DataFrame(schema=_BY_INVOICE_SCHEMA)
    frame = view_sql.run(con, "reminded_invoices", {})
    return frame.cast(_BY_INVOICE_SCHEMA).select(_BY_INVOICE_SCHEMA.names())
