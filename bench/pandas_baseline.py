"""The benchmark's baseline: the same reconciliation and merchant metrics, written in plain pandas.

This is what a competent analyst would write without our warehouse: vectorised pandas (pyarrow
CSV/JSON readers, no Python loop per row), reading the generator's files directly. To produce
the same numbers it applies the loader's row rules (the ones the generator's bad rows trip:
required fields, taxpayer-id check characters, unparseable / future / pre-2000 dates, bad numbers
and rates, invoice-number format, totals and tax arithmetic, red/blue signs, red without
original, recorded before issued) and keeps the first valid row of each key, as the loader does.
Python runs once per *distinct* taxpayer id and tax-rate text (``analytics.validation``), never
per row. Cell parsing and row rules: :mod:`pandas_clean`; reconciliation and metrics:
:mod:`pandas_recon`.

    python bench/pandas_baseline.py DATA_DIR [--out metrics.parquet] [--deadline 2]

Reads ``issued/**`` (CSV, GBK CSV, JSONL), ``tax/tax_records_*.csv`` and ``payments/*.parquet``.
XLSX is not read: the benchmark writes CSV at every size (see bench_pipeline.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pandas_clean import INVOICE_COLUMNS, id_format, typed_invoices

from analytics import validation as v
from analytics.config import REFERENCE_DIR

SUMMARY_RE = r"^(合\s*计|总\s*计|小\s*计)行?[:：]?$|^(total|sum|subtotal)$"


def _fold(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "").strip().lower()
    return "".join(text.split())


def header_map(kind: str) -> dict[str, str]:
    """{folded alias: canonical} from data/reference/header_maps.csv."""
    with (REFERENCE_DIR / "header_maps.csv").open(encoding="utf-8", newline="") as fh:
        return {_fold(r["source"]): r["canonical"] for r in csv.DictReader(fh) if r["kind"] == kind}


def _encoding(path: Path) -> str:
    head = path.read_bytes()[: 1 << 16] if path.stat().st_size < 1 << 16 else _head(path)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "gb18030"
    return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(1 << 16)


def read_text_table(path: Path, kind: str) -> pd.DataFrame:
    """One file as text columns under canonical names (only the columns we use)."""
    aliases = header_map(kind)
    if path.suffix == ".jsonl":
        frame = pd.read_json(path, lines=True, engine="pyarrow")
        frame = frame.astype(dict.fromkeys(frame.columns, "str"))
        frame = frame.replace({"nan": "", "None": "", "<NA>": "", "NaT": ""})
    else:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding=_encoding(path),
            engine="pyarrow",
        )
    rename = {c: aliases.get(_fold(c)) for c in frame.columns}
    keep = {c: n for c, n in rename.items() if n in INVOICE_COLUMNS or n == "serial_no"}
    frame = frame[list(keep)].rename(columns=keep)
    if "serial_no" in frame:  # the export's totals row (序号 = 合计) is not an invoice
        frame = frame[~frame["serial_no"].str.strip().str.lower().str.match(SUMMARY_RE)]
        frame = frame.drop(columns="serial_no")
    return frame.reset_index(drop=True)


def read_invoices(paths: list[Path], kind: str, *, today: date) -> pd.DataFrame:
    tax = kind == "tax_records"
    frames = [typed_invoices(read_text_table(p, kind), tax=tax, today=today) for p in paths]
    merged = pd.concat(frames, ignore_index=True)
    return merged.drop_duplicates("invoice_no", keep="first").reset_index(drop=True)


def read_payments(paths: list[Path], *, today: date) -> pd.DataFrame:
    cols = ["payment_id", "merchant_id", "paid_at", "amount_paid", "invoice_requested"]
    pay = pd.concat([pd.read_parquet(p, columns=cols) for p in paths], ignore_index=True)
    pay["merchant_id"] = pay["merchant_id"].str.strip().str.upper()
    fmt = id_format(pay["merchant_id"])
    paid = pay["paid_at"].astype("datetime64[us]")
    bad = pay[cols].isna().any(axis=1) | fmt.isna()
    bad |= (paid.dt.date > today) | (paid < pd.Timestamp(v.EARLIEST_DATE))
    bad |= pay["amount_paid"].astype("float64") < 0  # payment_negative
    pay = pay[~bad]
    pay = pay.drop_duplicates("payment_id", keep="first")
    return pd.DataFrame(
        {
            "payment_id": pay["payment_id"],
            "merchant_id": pay["merchant_id"],
            "paid_at": pay["paid_at"].astype("datetime64[us]"),
            "paid_cents": (pay["amount_paid"].astype("float64") * 100).round(),
            "invoice_requested": pay["invoice_requested"].astype(bool),
        }
    ).reset_index(drop=True)


def files(data_dir: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(issued, tax, payments) files in the order the loader reads them."""
    issued = sorted(p for p in (data_dir / "issued").rglob("*") if p.suffix in (".csv", ".jsonl"))
    tax = sorted((data_dir / "tax").glob("tax_records_*.csv"))
    pay = sorted((data_dir / "payments").glob("*.parquet"))
    return issued, tax, pay


def run(
    data_dir: Path,
    *,
    deadline: int = 2,
    today: date | None = None,
    steps: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Merchant metrics per month and quarter for the files under ``data_dir``."""
    from pandas_recon import merchant_metrics, reconcile

    day = today or date.today()
    clock = time.perf_counter()
    issued_files, tax_files, pay_files = files(data_dir)
    pay = read_payments(pay_files, today=day)
    issued = read_invoices(issued_files, "issued_invoices", today=day)
    tax = read_invoices(tax_files, "tax_records", today=day)
    t_read = time.perf_counter()
    facts = reconcile(issued, tax, pay, deadline=deadline)
    t_recon = time.perf_counter()
    metrics = merchant_metrics(facts)
    if steps is not None:
        steps["read"] = round(t_read - clock, 2)
        steps["reconcile"] = round(t_recon - t_read, 2)
        steps["metrics"] = round(time.perf_counter() - t_recon, 2)
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="write the metrics as Parquet")
    parser.add_argument("--deadline", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the step timings as JSON")
    args = parser.parse_args()
    t0 = time.perf_counter()
    steps: dict[str, float] = {}
    metrics = run(args.data_dir, deadline=args.deadline, today=datetime.now().date(), steps=steps)
    if args.out:
        metrics.to_parquet(args.out)
    rows = len(metrics)
    print(f"pandas baseline: {rows:,} merchant-period rows in {time.perf_counter() - t0:.1f} s")
    if args.json:
        print(json.dumps({"rows": rows, "seconds": steps}))


if __name__ == "__main__":
    main()
