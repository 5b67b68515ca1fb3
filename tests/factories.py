"""Hand-made warehouse rows for tests, a few lines per scenario.

    from factories import TestWarehouse

    wh = TestWarehouse()                       # in-memory warehouse, schema applied
    m = wh.merchant(district="朝阳区")           # a valid USCC, registry row
    a = wh.invoice(m, "2026-03-02 10:00", 113, recorded="2026-03-03 09:00")  # + tax twin
    b = wh.invoice(m, "2026-03-02 11:00", 50)  # no tax record
    p = wh.payment(m, "2026-03-02 09:58", 113)  # invoice requested by default
    wh.analyse()                               # pipeline.analyse, no progress bar, no publish
    wh.recon(a)["status"]                      # -> 'entered_on_time'
    wh.metrics(m, "2026-03")["entry_rate"]

Rows go into the raw tables exactly as the loader would write them (raw.sql is the contract),
each load under its own import batch: call ``wh.new_load()`` to start the next one, as a new
day of files would (one batch per kind and load, like the loader's one batch per file).
Times are strings ``YYYY-MM-DD HH:MM[:SS]`` or datetimes; amounts are yuan.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from pathlib import Path
from typing import Any

import duckdb

from analytics import pipeline, warehouse
from analytics.validation import make_uscc

Time = str | datetime

_KIND_COLUMNS = {
    "merchants": "merchants",
    "issued_invoices": "issued_invoices",
    "tax_records": "tax_records",
    "payments": "payments",
    "complaints": "complaints",
}


def ts(value: Time | None) -> datetime | None:
    """A datetime from ``'2026-03-02 10:00'`` (seconds optional)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def money(value: float | int | str | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class TestWarehouse:
    """An in-memory warehouse with helpers that insert one raw row each."""

    __test__ = False  # not a pytest test class

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.con = con or warehouse.connect(":memory:")
        self._seq = count(1)
        self._batch_seq = count(1)
        self._load: dict[str, int] = {}
        self._rows: dict[int, int] = {}

    # -- bookkeeping ----------------------------------------------------------------------------

    def new_load(self) -> None:
        """Start a new load: later rows go into fresh import batches."""
        self._load = {}

    def batch(self, kind: str) -> int:
        """The current load's batch for ``kind``, registering it in import_batches."""
        if kind not in self._load:
            batch_id = next(self._batch_seq)
            self._load[kind] = batch_id
            self.con.execute(
                "insert into import_batches values ($b, $f, $p, $sha, null, $kind, 'csv', "
                "'utf-8', '{}', 0, 0, 0, 0, 0, now()::timestamp, now()::timestamp, 0)",
                {
                    "b": batch_id,
                    "f": f"{kind}-{batch_id}.csv",
                    "p": f"/tests/{kind}-{batch_id}.csv",
                    "sha": f"{batch_id:064x}",
                    "kind": kind,
                },
            ).fetchall()
        return self._load[kind]

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        batch_id = self.batch(_KIND_COLUMNS[table])
        self._rows[batch_id] = self._rows.get(batch_id, 0) + 1
        row = row | {"batch_id": batch_id, "source_row": self._rows[batch_id]}
        cols = ", ".join(row)
        marks = ", ".join(f"${k}" for k in row)
        if table in warehouse.KEY_HASH_TABLES:  # as the loader writes them
            cols += ", key_hash"
            marks += f", hash(${warehouse.KEY_HASH_TABLES[table]})"
        self.con.execute(f"insert into {table} ({cols}) values ({marks})", row).fetchall()

    # -- raw rows -------------------------------------------------------------------------------

    def merchant(
        self,
        merchant_id: str | None = None,
        *,
        name: str | None = None,
        district: str | None = "朝阳区",
        industry: str | None = "retail",
        size_band: str | None = "small",
        software_vendor: str | None = "etax_web",
        individual: bool = False,
        id_format: str = "uscc",
    ) -> str:
        """Register a merchant; a fresh valid USCC unless ``merchant_id`` is given."""
        n = next(self._seq)
        mid = merchant_id or make_uscc("9", "2" if individual else "1", "110105", f"{n:08d}")
        self._insert(
            "merchants",
            {
                "merchant_id": mid,
                "name": name or f"测试商户{n}有限公司",
                "name_norm": name or f"测试商户{n}",
                "district": district,
                "industry": industry,
                "size_band": size_band,
                "is_individual": individual,
                "id_format": id_format,
                "software_vendor": software_vendor,
                "registered_on": None,
            },
        )
        return mid

    def invoice_no(self, issued: Time) -> str:
        """A fresh 20-digit 数电票 number for the issue year, Beijing (11)."""
        t = ts(issued)
        assert t is not None
        return f"{t.year % 100:02d}11{next(self._seq):016d}"

    def invoice(
        self,
        merchant: str,
        issued: Time,
        total: float | int | str = 113,
        *,
        recorded: Time | None = None,
        recorded_total: float | int | str | None = None,
        tax_status: str = "正常",
        invoice_no: str | None = None,
        payment_id: str | None = None,
        buyer_name: str | None = None,
        buyer_tax_id: str | None = None,
        red_of: str | None = None,
        red: bool = False,
        void: bool = False,
        rate: str = "0.13",
        amount: float | int | str | None = None,
        tax: float | int | str | None = None,
    ) -> str:
        """An issued invoice; with ``recorded`` also its tax-system twin. Returns invoice_no.

        ``red_of`` makes it a red invoice reversing that invoice (pass a negative total);
        ``red=True`` without ``red_of`` plants a red invoice that names no original.
        ``amount``/``tax`` override the 金额/税额 split of ``total`` (to plant a totals error).
        """
        no = invoice_no or self.invoice_no(issued)
        t_total = money(total)
        t_amount = money(amount) if amount is not None else money(t_total / (1 + Decimal(rate)))
        t_tax = money(tax) if tax is not None else t_total - t_amount
        self._insert(
            "issued_invoices",
            {
                "invoice_no": no,
                "merchant_id": merchant,
                "payment_id": payment_id,
                "issued_at": ts(issued),
                "amount": t_amount,
                "tax_amount": t_tax,
                "total_amount": t_total,
                "tax_rate": Decimal(rate),
                "tax_category": "taxable",
                "invoice_type": "数电票（普通发票）",
                "is_red": red or red_of is not None,
                "is_void": void,
                "original_invoice_no": red_of,
                "software_vendor": "etax_web",
                "buyer_name": buyer_name,
                "buyer_tax_id": buyer_tax_id,
                "remark": None,
            },
        )
        if recorded is not None:
            self.tax_record(
                merchant,
                issued,
                recorded_total if recorded_total is not None else total,
                recorded=recorded,
                invoice_no=no,
                status=tax_status,
                red_of=red_of,
                buyer_name=buyer_name,
            )
        return no

    def tax_record(
        self,
        seller: str,
        issued: Time,
        total: float | int | str = 113,
        *,
        recorded: Time | None,
        invoice_no: str | None = None,
        status: str = "正常",
        red_of: str | None = None,
        buyer_name: str | None = None,
        amount: float | int | str | None = None,
        tax: float | int | str | None = None,
    ) -> str:
        """A tax-system record (``recorded=None`` = present, 入库 time unknown)."""
        no = invoice_no or self.invoice_no(issued)
        t_total = money(total)
        t_amount = money(amount) if amount is not None else money(t_total / Decimal("1.13"))
        t_tax = money(tax) if tax is not None else t_total - t_amount
        self._insert(
            "tax_records",
            {
                "invoice_no": no,
                "seller_tax_id": seller,
                "seller_name": None,
                "buyer_tax_id": None,
                "buyer_name": buyer_name,
                "issued_at": ts(issued),
                "recorded_at": ts(recorded),
                "recorded_at_source": "file",
                "amount": t_amount,
                "tax_amount": t_tax,
                "total_amount": t_total,
                "tax_rate": Decimal("0.13"),
                "invoice_type": "数电票（普通发票）",
                "status": status,
                "is_red": red_of is not None,
                "original_invoice_no": red_of,
                "source": "test",
                "risk_level": None,
                "issuer": None,
                "remark": None,
            },
        )
        return no

    def payment(
        self,
        merchant: str,
        paid: Time,
        amount: float | int | str = 113,
        *,
        requested: bool = True,
        payment_id: str | None = None,
    ) -> str:
        pid = payment_id or f"P{next(self._seq):08d}"
        self._insert(
            "payments",
            {
                "payment_id": pid,
                "merchant_id": merchant,
                "paid_at": ts(paid),
                "amount_paid": money(amount),
                "invoice_requested": requested,
                "buyer_type": "individual",
                "pay_channel": "wechat",
            },
        )
        return pid

    def complaint(
        self,
        merchant: str | None,
        received: Time,
        category: str | None = "not_found",
        *,
        merchant_name: str | None = None,
        invoice_no: str | None = None,
    ) -> str:
        cid = f"C{next(self._seq):08d}"
        self._insert(
            "complaints",
            {
                "complaint_id": cid,
                "received_at": ts(received),
                "merchant_id": merchant,
                "merchant_name": merchant_name,
                "invoice_no": invoice_no,
                "category": category,
                "channel": "12366",
                "district": None,
                "text": "开了发票查不到",
                "status": "open",
                "resolved_at": None,
            },
        )
        return cid

    # -- running and reading --------------------------------------------------------------------

    def analyse(self, **kwargs: Any) -> pipeline.AnalyseResult:
        kwargs.setdefault("progress", False)
        kwargs.setdefault("publish", False)
        return pipeline.analyse(self.con, **kwargs)

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Query results as dicts (sort in the query: row order is not guaranteed)."""
        cur = self.con.execute(sql, params or None)
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def recon(self, subject_id: str, subject: str = "issued") -> dict[str, Any]:
        """The one reconciliation row of a subject."""
        found = self.rows(
            "select * from reconciliation where subject = $s and subject_id = $id",
            {"s": subject, "id": subject_id},
        )
        assert len(found) == 1, f"{subject} {subject_id}: {len(found)} reconciliation rows"
        return found[0]

    def status(self, subject_id: str, subject: str = "issued") -> str:
        return str(self.recon(subject_id, subject)["status"])

    def metrics(self, merchant: str, period: str, period_type: str | None = None) -> dict[str, Any]:
        """The merchant_period_metrics row (period_type from the period's shape by default)."""
        kind = period_type or ("quarter" if "Q" in period else "month")
        found = self.rows(
            "select * from merchant_period_metrics "
            "where merchant_id = $m and period = $p and period_type = $t",
            {"m": merchant, "p": period, "t": kind},
        )
        assert len(found) == 1, f"{merchant} {period}: {len(found)} metric rows"
        return found[0]

    def rollup(self, dimension: str, value: str, period: str) -> dict[str, Any]:
        kind = "quarter" if "Q" in period else "month"
        found = self.rows(
            "select * from rollup_metrics where dimension = $d and value = $v "
            "and period = $p and period_type = $t",
            {"d": dimension, "v": value, "p": period, "t": kind},
        )
        assert len(found) == 1, f"rollup {dimension}={value} {period}: {len(found)} rows"
        return found[0]

    def table(self, name: str, order_by: str) -> list[tuple[Any, ...]]:
        """Every row of a table in a stable order, for comparing whole tables."""
        rows: list[tuple[Any, ...]] = self.con.execute(
            f'select * from "{name}" order by {order_by}'
        ).fetchall()
        return rows


@contextlib.contextmanager
def held_warehouse(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the warehouse ``db`` open for writing, as ``ingest`` or
    ``analyse`` would have it, for the block (ready when it is entered). It lets go early when
    a line arrives on its stdin (``holder.communicate("go\\n")``), and is stopped at the end."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.readline(); c.close()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        holder.kill()
        holder.wait()
