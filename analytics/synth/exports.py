"""Each output file: render the canonical rows in the source's layout, add bad rows, write."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl

from analytics.synth import badrows
from analytics.synth.clock import AS_OF_TS
from analytics.synth.formats import MONEY, tax_layout, totals_row, vendor_layout
from analytics.synth.invoices import KIND_RED, edited_after_upload
from analytics.synth.lines import line_sheet
from analytics.synth.merchants import registry_frame
from analytics.synth.transactions import BUYER_TYPES, PAY_CHANNELS
from analytics.synth.world import World
from analytics.synth.writers import Writer
from analytics.synth.xlsx import Sheet

NOISE_RATE = 0.004  # corrupted rows in a merchant-side export
BROKEN_VENDOR_NOISE = 0.008  # the broken vendor's files are sloppier even for healthy merchants
DUP_RATE = 0.0005
TAX_NOISE = 0.0005
TAX_DUP = 0.0015
PAYMENT_NOISE = 0.002
PAYMENT_DUP = 0.001
SHEET_TAX = "发票基础信息"
SHEET_LINES = "信息汇总表"
SHEET_ETAX = "开票明细"


def rows_at(frame: pl.DataFrame, idx: np.ndarray) -> pl.DataFrame:
    return frame.select(pl.all().gather(pl.Series(idx, dtype=pl.Int64)))


def write_merchants(out: Writer, w: World, rng: np.random.Generator) -> None:
    """merchants.csv plus a few typo'd copies (invalid USCC) and exact duplicates."""
    m = w.m
    frame = registry_frame(m, w.ref)
    n_bad = min(max(2, round(m.n * 0.003)), m.n)
    pick = rng.choice(m.n, size=n_bad, replace=False)
    typo, dup = pick[: n_bad // 2], pick[n_bad // 2 :]
    roles = {"seller_id": "统一社会信用代码"}
    typos, _ = badrows.inject(rows_at(frame, typo), roles, ("invalid_uscc",), rate=1.0, rng=rng)
    extra = pl.concat([typos, rows_at(frame, dup)])
    combined, final = badrows.insert_after(frame, np.concatenate([typo, dup]), extra)
    column = "统一社会信用代码"
    report: badrows.Report = [
        (int(r), "invalid_uscc", column, "export_noise") for r in final[: len(typo)]
    ]
    report += [(int(r), "exact_duplicate", None, "export_noise") for r in final[len(typo) :]]
    out.csv("merchants.csv", combined, "merchants")
    out.note_bad("merchants.csv", sorted(report))


def write_payments(
    out: Writer, w: World, label: str, pay: pl.DataFrame, rng: np.random.Generator
) -> None:
    """A month of payments (typed Parquet) with a few bad and duplicated records."""
    frame = pay.select(
        "payment_id",
        merchant_id=pl.Series(w.m.merchant_id).gather(pay["m"]),
        paid_at=pl.from_epoch("paid_at", time_unit="s").cast(pl.Datetime("us")),
        amount_paid=(pl.col("amount").cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)),
        invoice_requested="requested",
        buyer_type=pl.col("enterprise").cast(pl.Int8).replace_strict(dict(enumerate(BUYER_TYPES))),
        pay_channel=pl.col("channel").replace_strict(dict(enumerate(PAY_CHANNELS))),
    )
    n = frame.height
    kind = np.where(rng.random(n) < PAYMENT_NOISE, rng.integers(1, 4, size=n), 0)
    k = pl.Series(kind)
    frame = frame.with_columns(
        merchant_id=pl.when(k == 1).then(None).otherwise("merchant_id"),
        paid_at=pl.when(k == 2)
        .then(pl.col("paid_at") + timedelta(days=5 * 365))
        .when(k == 3)
        .then(pl.datetime(1970, 1, 1, 8))
        .otherwise("paid_at"),
    )
    flaws = {
        1: ("missing_required", "merchant_id"),
        2: ("date_in_future", "paid_at"),
        3: ("date_before_2000", "paid_at"),
    }
    bad = np.flatnonzero(kind)
    dup = np.flatnonzero((rng.random(n) < PAYMENT_DUP) & (kind == 0))
    frame, final = badrows.insert_after(frame, dup, rows_at(frame, dup))
    shift = np.searchsorted(dup, bad, side="left")  # copies inserted above each bad row
    report: badrows.Report = [
        (int(i + s + 1), *flaws[int(kind[i])], "export_noise")
        for i, s in zip(bad, shift, strict=True)
    ]
    report += [(int(r), "exact_duplicate", None, "export_noise") for r in final]
    rel = f"payments/payments_{label}.parquet"
    out.parquet(rel, frame, "payments")
    out.note_bad(rel, sorted(report))


def write_vendor_files(
    out: Writer,
    w: World,
    rows: pl.DataFrame,
    label: str,
    *,
    use_xlsx: bool,
    rng: np.random.Generator,
) -> None:
    """One merchant-side export per vendor for the month, in the vendor's own format."""
    vendor = w.m.vendor[rows["m"].to_numpy()]
    for v, code in enumerate(w.ref.vendor_codes):
        sel = rows.filter(pl.Series(vendor == v) & pl.col("in_export")).sort("issued_at", "uid")
        layout = vendor_layout(code)
        frame, report = badrows.inject(
            layout.render(sel),
            layout.roles,
            badrows.INVOICE_FLAWS,
            rate=BROKEN_VENDOR_NOISE if code == "jinpiaobao" else NOISE_RATE,
            dup_rate=DUP_RATE,
            rng=rng,
            is_red=(sel["kind"] == KIND_RED).to_numpy(),
            forced=sel["malformed"].to_numpy(),
        )
        frame = layout.finish(frame)
        stem = f"issued/{code}/{code}_{label}"
        sheet = None
        if code == "etax_web" and use_xlsx:
            rel, sheet = f"{stem}.xlsx", SHEET_ETAX
            out.xlsx(rel, [(Sheet(sheet, frame, layout.numeric), "issued_invoices", frame.height)])
        elif code == "yunkaipiao":  # a JSON API: real booleans
            rel = f"{stem}.jsonl"
            out.jsonl(
                rel,
                frame.with_columns(pl.col("red_flag", "void_flag") == "true"),
                "issued_invoices",
            )
        elif code == "piaolian":  # Windows tax-control software: GBK and CRLF
            rel = f"{stem}.csv"
            out.csv(rel, frame, "issued_invoices", encoding="gb18030", crlf=True)
        else:
            rel = f"{stem}.csv"
            out.csv(rel, frame, "issued_invoices", bom=code in ("ruishuitong", "etax_web"))
        out.note_bad(rel, report, sheet=sheet)


def write_tax_export(
    out: Writer,
    w: World,
    rows: pl.DataFrame,
    label: str,
    *,
    mo: int,
    use_xlsx: bool,
    with_lines: bool,
    rng: np.random.Generator,
    amounts_rng: np.random.Generator,
) -> None:
    """The month's 全量发票查询 export as the tax system holds it on the as-of date.
    ``amounts_rng`` picks the invoices edited after upload (a stream of its own, so that the
    rest of the data set does not move with it)."""
    held = rows.filter(pl.col("reaches_tax") & (pl.col("recorded_at") <= AS_OF_TS))
    held = held.sort("issued_at", "uid")
    held = edited_after_upload(held, w.m.vendor[held["m"].to_numpy()], amounts_rng)
    layout = tax_layout("数电发票号码" if mo % 2 == 0 else "数电票号码")
    base = layout.render(held)
    lines = line_sheet(w, held, base, rng) if with_lines else None
    frame, report = badrows.inject(
        base, layout.roles, badrows.TAX_FLAWS, rate=TAX_NOISE, dup_rate=TAX_DUP, rng=rng
    )
    data_rows = frame.height
    frame = layout.finish(pl.concat([frame, totals_row(frame)]))
    stem = f"tax/tax_records_{label}"
    if use_xlsx:
        sheets = [(Sheet(SHEET_TAX, frame, layout.numeric), "tax_records", data_rows)]
        if lines is not None:
            lines_sheet = Sheet(SHEET_LINES, lines, MONEY | {"序号"})
            sheets.append((lines_sheet, "tax_record_lines", lines.height))
        out.xlsx(f"{stem}.xlsx", sheets)
        out.note_bad(f"{stem}.xlsx", report, sheet=SHEET_TAX)
        return
    out.csv(f"{stem}.csv", frame, "tax_records", bom=True, data_rows=data_rows)
    out.note_bad(f"{stem}.csv", report)
    if lines is not None:
        out.csv(f"tax/tax_record_lines_{label}.csv", lines, "tax_record_lines", bom=True)


def write_labels(out: Writer, w: World) -> None:
    out.csv("planted_labels.csv", w.plan.labels, "planted_labels")
