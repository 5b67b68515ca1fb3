"""``generate``: the whole synthetic Beijing, month by month, written as files.

Scale: ``merchants`` defaults to 2,000; with ``invoices`` given and ``merchants`` left at None,
the merchant count grows with the volume (about 12.5 invoices per merchant-month, Beijing's
long tail of small shops), so 10 million invoices give ~67,000 merchants. Pass both to choose
the density yourself. Above XLSX_MAX_INVOICES the tax exports and e-Tax files are written as
CSV instead of XLSX (a sheet holds at most 1,048,576 rows, and the loader reads CSV faster).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from tqdm import tqdm

from analytics.synth import exports
from analytics.synth.behaviours import CAUSES, expected_volume, plan_behaviours
from analytics.synth.clock import AS_OF, PERIOD_END, Period, day_factors, make_clock, rng_for
from analytics.synth.complaint_files import write_complaints
from analytics.synth.complaints import build_complaints, month_events
from analytics.synth.formats import enrich
from analytics.synth.invoices import month_invoices
from analytics.synth.merchants import build_merchants
from analytics.synth.names import build_parties
from analytics.synth.numbering import NumberState, assign_numbers
from analytics.synth.reference import load_reference
from analytics.synth.transactions import month_payments
from analytics.synth.world import World
from analytics.synth.writers import GeneratedFile, Writer, clear_previous

DEFAULT_MERCHANTS = 2000
INVOICES_PER_MERCHANT_MONTH = 12.5
XLSX_MAX_INVOICES = 2_000_000


@dataclass
class GenerateResult:
    out_dir: Path
    files: list[GeneratedFile]
    seed: int
    parameters: dict[str, int]
    planted_by_cause: dict[str, int]
    planted_months_by_cause: dict[str, int]
    bad_rows: int
    xlsx: bool
    outages: list[str]
    seconds: float
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        totals: Counter[str] = Counter()
        for f in self.files:
            totals[f.kind] += f.rows
        self.counts = dict(totals)

    def summary(self) -> str:
        p = self.parameters
        period = Period(p["months"])
        lines = [
            f"Synthetic Beijing -> {self.out_dir} (seed {self.seed}; {p['merchants']:,} merchants; "
            f"{p['months']} months {period.labels[0]}..{period.labels[-1]}; target "
            f"{p['invoices']:,} invoices; as of {AS_OF:%Y-%m-%d %H:%M})",
        ]
        formats = Counter(f.format for f in {(f.path, f.format): f for f in self.files}.values())
        paths = {f.path for f in self.files}
        lines.append(
            f"files: {len(paths)} ({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))})"
        )
        lines.append("rows per kind (data records incl. bad rows; header/totals rows excluded):")
        for kind, rows in self.counts.items():
            n_files = len({f.path for f in self.files if f.kind == kind})
            lines.append(f"  {kind:<18}{rows:>12,}  in {n_files} file(s)")
        planted = sum(self.planted_by_cause.values())
        lines.append(
            f"planted merchants by cause: {planted} of {p['merchants']:,} "
            f"({planted / max(p['merchants'], 1):.1%}); merchant-months in parentheses"
        )
        for cause in CAUSES:
            merchants, months = self.planted_by_cause[cause], self.planted_months_by_cause[cause]
            lines.append(f"  {cause:<22}{merchants:>5}  ({months})")
        total_rows = sum(self.counts.values())
        lines.append(
            f"bad rows: {self.bad_rows:,} ({self.bad_rows / max(total_rows, 1):.2%} of rows), "
            "listed in manifest.json"
        )
        lines.append("vendor outages: " + ("; ".join(self.outages) or "none"))
        if self.xlsx:
            lines.append("tax exports and e-Tax web files: XLSX")
        else:
            lines.append(
                "tax exports and e-Tax web files: CSV at this scale (an XLSX sheet holds at most "
                "1,048,576 rows); complaints_12366 stays XLSX"
            )
        lines.append(f"built in {self.seconds:.1f} s")
        return "\n".join(lines)


def resolve_scale(merchants: int | None, months: int, invoices: int | None) -> tuple[int, int]:
    """(merchant count, target invoice count) from the arguments of :func:`generate`."""
    if months < 1 or months > 120:
        raise ValueError(f"months must be between 1 and 120, got {months}")
    if merchants is None:
        if invoices is None:
            merchants = DEFAULT_MERCHANTS
        else:
            merchants = max(10, round(invoices / (INVOICES_PER_MERCHANT_MONTH * months)))
    if merchants < 10:
        raise ValueError(f"merchants must be at least 10, got {merchants}")
    target = (
        invoices
        if invoices is not None
        else round(INVOICES_PER_MERCHANT_MONTH * merchants * months)
    )
    if target < 10:
        raise ValueError(f"invoices must be at least 10, got {target}")
    return merchants, target


def generate(
    out_dir: Path,
    *,
    seed: int = 20261129,
    merchants: int | None = None,
    months: int = 12,
    invoices: int | None = None,
    progress: bool = True,
) -> GenerateResult:
    """Write the seeded synthetic data set to ``out_dir`` (same arguments, same bytes)."""
    started = time.perf_counter()
    n_merchants, target = resolve_scale(merchants, months, invoices)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clear_previous(out_dir)
    ref = load_reference()
    period = Period(months)
    clock = make_clock(period)
    factors = day_factors(ref, period)
    use_xlsx = target <= XLSX_MAX_INVOICES
    bar = tqdm(
        total=months + 2, desc="generate", unit="step", file=sys.stderr, disable=not progress
    )

    m = build_merchants(n_merchants, ref, period, rng_for(seed, "merchants"))
    parties = build_parties(
        min(max(3 * n_merchants, 300), 20_000), 2_000, ref, rng_for(seed, "parties")
    )
    relative = expected_volume(m, factors, period)
    plan = plan_behaviours(
        m,
        relative * (target / relative.sum()),
        ref=ref,
        period=period,
        clock=clock,
        rng=rng_for(seed, "plan"),
    )
    scale = target / expected_volume(m, factors, period, plan.spike).sum()
    w = World(ref, period, clock, m, plan, parties, factors, scale)
    out = Writer(out_dir, AS_OF)
    exports.write_merchants(out, w, rng_for(seed, "merchants-file"))
    bar.update()

    state = NumberState(m.n)
    carry: pl.DataFrame | None = None
    events = []
    uid = 0
    for mo, label in enumerate(period.labels):
        pay = month_payments(w, mo, rng_for(seed, "payments", mo))
        exports.write_payments(out, w, label, pay, rng_for(seed, "payments-file", mo))
        inv, not_invoiced = month_invoices(w, pay, mo, uid, rng_for(seed, "invoices", mo))
        uid += inv.height
        pending = inv if carry is None else pl.concat([carry, inv])
        month = pl.Series(period.month_of(pending["issued_at"].to_numpy()))
        carry = pending.filter(month > mo)
        numbered = assign_numbers(
            pending.filter(month == mo), period.month_starts[mo].year, state, m
        )
        rows = enrich(numbered, m, parties)
        exports.write_vendor_files(
            out, w, rows, label, use_xlsx=use_xlsx, rng=rng_for(seed, "vendor-files", mo)
        )
        exports.write_tax_export(
            out,
            w,
            rows,
            label,
            mo=mo,
            use_xlsx=use_xlsx,
            with_lines=mo == months // 2,
            rng=rng_for(seed, "tax-file", mo),
            amounts_rng=rng_for(seed, "tax-amounts", mo),
        )
        events.append(month_events(rows, not_invoiced, clock, rng_for(seed, "events", mo)))
        bar.update()

    complaints = build_complaints(w, pl.concat(events), rng_for(seed, "complaints"))
    write_complaints(out, w, complaints, rng_for(seed, "complaints-file"))
    exports.write_labels(out, w)
    counts = plan.counts()
    months_by_cause = {c: int(plan.active[plan.cause == i].sum()) for i, c in enumerate(CAUSES)}
    outages = [
        f"{ref.vendor_codes[o.vendor]} {_fmt(o.start_ts)} .. {_fmt(o.end_ts)}" for o in plan.outages
    ]
    meta: dict[str, object] = {
        "generator": "analytics.synth.generate",
        "seed": seed,
        "parameters": {"merchants": n_merchants, "months": months, "invoices": target},
        "period": {
            "first_month": period.labels[0],
            "last_month": period.labels[-1],
            "end": str(PERIOD_END),
        },
        "as_of": AS_OF.isoformat(sep=" "),
        "xlsx": use_xlsx,
        "planted_merchants": counts,
        "broken_vendor_months": [period.labels[i] for i in plan.broken_months],
        "vendor_outages": outages,
    }
    out.manifest(meta)
    bar.update()
    bar.close()
    return GenerateResult(
        out_dir=out_dir,
        files=out.files,
        seed=seed,
        parameters={"merchants": n_merchants, "months": months, "invoices": target},
        planted_by_cause=counts,
        planted_months_by_cause=months_by_cause,
        bad_rows=len(out.bad_rows),
        xlsx=use_xlsx,
        outages=outages,
        seconds=time.perf_counter() - started,
    )


def _fmt(ts: int) -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=ts)).strftime("%Y-%m-%d %H:%M")
