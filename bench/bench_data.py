"""The benchmark's input files: generated once per size and cached, plus a one-day cut.

``ensure_data(root, n)`` writes ``root/<n>/`` with the generator (seeded, so the same files every
time), CSV instead of XLSX at every size so the 1M quick run reads what the 10M run reads.
``bench_files(dir)`` lists what both implementations read: the merchant registry, payments,
merchant-side invoices and the tax system's records (not the line items or complaints, which
the pandas baseline has no use for).

``ensure_day_cut(dir)`` splits the last issue day off the files: ``cut/base/`` holds everything
else (unchanged files are symlinks) and ``cut/day/`` that day's invoices, their tax records and
its payments, so the benchmark can load the base, analyse, then add one new day of files and
time the incremental re-analysis. Rewritten CSV files are UTF-8 (the loader detects encodings).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import polars as pl

LAST_DAY_FILE = "last_day.json"


def ensure_data(root: Path, invoices: int) -> Path:
    """``root/<invoices>/``, generated unless its manifest is already there."""
    out = root / str(invoices)
    if (out / "manifest.json").exists():
        return out
    import analytics.synth.generate  # noqa: F401 - the module, not the function re-exported

    gen = sys.modules["analytics.synth.generate"]
    gen.XLSX_MAX_INVOICES = 0  # type: ignore[attr-defined]
    print(f"generating {invoices:,} invoices into {out} (not timed) ...", flush=True)
    result = gen.generate(out, invoices=invoices, progress=True)  # type: ignore[attr-defined]
    print(result.summary(), flush=True)
    return out


def bench_files(data_dir: Path) -> list[Path]:
    """Files both implementations read, in the loader's order."""
    return [
        data_dir / "merchants.csv",
        *sorted((data_dir / "payments").glob("*.parquet")),
        *sorted(p for p in (data_dir / "issued").rglob("*") if p.is_file()),
        *sorted((data_dir / "tax").glob("tax_records_*.csv")),
    ]


def _day_key(text: pl.Expr) -> pl.Expr:
    """YYYYMMDD of a date text in any of the generator's layouts (null when not a date)."""
    digits = text.str.replace_all(r"[-/T:\s年月日.]", "")
    return pl.when(digits.str.contains(r"^\d{8}")).then(digits.str.slice(0, 8))


def _date_column(columns: list[str], kind: str) -> str:
    from analytics.ingest.headers import fold, header_maps

    aliases = header_maps()[kind]
    wanted = "paid_at" if kind == "payments" else "issued_at"
    for c in columns:
        if aliases.get(fold(c)) == wanted:
            return c
    raise ValueError(f"no {wanted} column among {columns}")


def _split(path: Path, kind: str, day: str, base: Path, new: Path) -> None:
    """Write ``path`` minus ``day``'s rows to ``base`` and those rows to ``new``."""
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        key = pl.col(_date_column(frame.columns, kind)).dt.strftime("%Y%m%d")
    elif path.suffix == ".jsonl":
        frame = pl.read_ndjson(path, infer_schema_length=None)
        key = _day_key(pl.col(_date_column(frame.columns, kind)).cast(pl.String))
    else:
        raw = path.read_bytes()
        encoding = "utf8" if _is_utf8(raw[: 1 << 20]) else "gb18030"
        text = raw.decode("utf-8-sig" if encoding == "utf8" else "gb18030")
        frame = pl.read_csv(text.encode(), infer_schema=False)
        key = _day_key(pl.col(_date_column(frame.columns, kind)))
    hit = key.fill_null("") == day
    for target, rows in ((base, frame.filter(~hit)), (new, frame.filter(hit))):
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".parquet":
            rows.write_parquet(target)
        elif path.suffix == ".jsonl":
            rows.write_ndjson(target)
        else:
            rows.write_csv(target)


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4
    return True


def ensure_day_cut(data_dir: Path) -> tuple[Path, Path, str]:
    """(base dir, day dir, day) for the last issue day of ``data_dir``; built once."""
    cut = data_dir / "cut"
    marker = cut / LAST_DAY_FILE
    if marker.exists():
        day = json.loads(marker.read_text())["day"]
        return cut / "base", cut / "day", day
    files = bench_files(data_dir)
    months = sorted({hit[0] for p in files if (hit := re.search(r"\d{4}-\d{2}", p.name))})
    last = months[-1]
    tax_last = data_dir / "tax" / f"tax_records_{last}.csv"
    tax = pl.read_csv(tax_last, infer_schema=False)
    days = _day_key(pl.col(_date_column(tax.columns, "tax_records")))
    day = str(tax.select(days.max()).item())
    for path in files:
        rel = path.relative_to(data_dir)
        kind = {"payments": "payments", "issued": "issued_invoices", "tax": "tax_records"}.get(
            rel.parts[0]
        )
        base_path = cut / "base" / rel
        if kind is None or last not in path.name:
            base_path.parent.mkdir(parents=True, exist_ok=True)
            base_path.unlink(missing_ok=True)
            base_path.symlink_to(path)
            continue
        _split(path, kind, day, base_path, cut / "day" / rel.parent / f"day_{day}_{path.name}")
    marker.write_text(json.dumps({"day": day}))
    return cut / "base", cut / "day", day
