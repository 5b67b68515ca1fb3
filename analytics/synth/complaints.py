"""Consumer complaints: triggered by real problems (dropped, late, short invoices) plus a baseline.

Each month contributes *events* (a customer had reason to complain); at the end events become
complaints with a channel, Chinese text from templates, a status and a resolution time. About
half name the merchant by USCC, the rest only by a name variant; ~15% carry no category, though
their text still speaks to one (a text model classifies them later).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from analytics.synth.clock import AS_OF_TS, DAY, WorkClock
from analytics.synth.invoices import KIND_BLUE, KIND_DUP, KIND_RED, STATUS_VOID
from analytics.synth.names import VARIANT_KINDS, name_variant
from analytics.synth.world import World

F64 = npt.NDArray[np.float64]
_EPOCH = date(1970, 1, 1)
CATEGORIES = (
    "not_found",
    "paper_electronic_mismatch",
    "amount_short",
    "not_timely",
    "service_attitude",
    "other",
)
NF, PAPER, SHORT, TIMELY, SERVICE, OTHER = range(len(CATEGORIES))
BASELINE_RATE = 0.0062  # complaints per invoice with nothing wrong: ~500 a quarter at demo scale
_BASELINE_MIX = (0.22, 0.10, 0.08, 0.20, 0.25, 0.15)
_BASELINE_NAMES_INVOICE = (0.25, 0.3, 0.2, 0.1, 0.0, 0.1)
# (probability of a complaint, category mix, probability it names the invoice)
_TRIGGERS: dict[str, tuple[float, dict[int, float], float]] = {
    "dropped": (0.07, {NF: 0.8, TIMELY: 0.2}, 0.6),
    "late": (0.025, {NF: 0.6, TIMELY: 0.4}, 0.5),
    "under": (0.08, {SHORT: 0.9, SERVICE: 0.1}, 0.3),
    "red": (0.04, {NF: 0.4, OTHER: 0.3, PAPER: 0.3}, 0.4),
    "dup": (0.01, {OTHER: 1.0}, 0.5),
    "not_invoiced": (0.05, {TIMELY: 0.6, SERVICE: 0.4}, 0.0),
}
_RECEIVED_DAYS = {
    NF: (2, 20),
    PAPER: (3, 30),
    SHORT: (0, 7),
    TIMELY: (3, 20),
    SERVICE: (0, 3),
    OTHER: (0, 15),
}
CHANNEL_WEIGHTS = {"12366": 0.35, "12345": 0.30, "online": 0.18, "wechat": 0.12, "onsite": 0.05}
_EVENT_SCHEMA = {
    "m": pl.Int64,
    "category": pl.Int64,
    "event_ts": pl.Int64,
    "invoice_no": pl.String,
    "paid": pl.Int64,
    "invoiced": pl.Int64,
    "named": pl.Boolean,
}


def _events(
    frame: pl.DataFrame, trigger: str, rng: np.random.Generator, ts: str = "issued_at"
) -> pl.DataFrame:
    p, mix, p_named = _TRIGGERS[trigger]
    hit = frame.filter(pl.Series(rng.random(frame.height) < p))
    cats = rng.choice(list(mix), size=hit.height, p=list(mix.values()))
    return _event_frame(hit, cats, rng.random(hit.height) < p_named, ts)


def _event_frame(hit: pl.DataFrame, cats: np.ndarray, named: np.ndarray, ts: str) -> pl.DataFrame:
    has_invoice = "invoice_no" in hit.columns
    return pl.DataFrame(
        {
            "m": hit["m"].cast(pl.Int64),
            "category": cats.astype(np.int64),
            "event_ts": hit[ts].cast(pl.Int64),
            "invoice_no": hit["invoice_no"]
            if has_invoice
            else pl.Series([None] * hit.height, dtype=pl.String),
            "paid": hit["paid" if has_invoice else "amount"].cast(pl.Int64),
            "invoiced": hit["total"].cast(pl.Int64) if has_invoice else pl.Series([0] * hit.height),
            "named": named & has_invoice,
        },
        schema=_EVENT_SCHEMA,
    )


def month_events(
    rows: pl.DataFrame, not_invoiced: pl.DataFrame, clock: WorkClock, rng: np.random.Generator
) -> pl.DataFrame:
    """Complaint events caused by one month's invoices (numbered) and unfulfilled requests."""
    issued = rows["issued_at"].to_numpy()
    recorded = np.minimum(rows["recorded_at"].to_numpy(), AS_OF_TS + 10 * DAY)
    delay = clock.delay(issued, recorded)
    kind = pl.col("kind")
    flagged = rows.with_columns(_late=pl.Series((delay > 3) | (recorded > AS_OF_TS)))
    not_red = kind != KIND_RED
    parts = [
        _events(
            flagged.filter(not_red & ~pl.col("reaches_tax") & (pl.col("status") != STATUS_VOID)),
            "dropped",
            rng,
        ),
        _events(flagged.filter(not_red & pl.col("reaches_tax") & pl.col("_late")), "late", rng),
        _events(flagged.filter(not_red & pl.col("under")), "under", rng),
        _events(flagged.filter((kind == KIND_RED) & pl.col("planted_red")), "red", rng),
        _events(flagged.filter(kind == KIND_DUP), "dup", rng),
        _events(not_invoiced, "not_invoiced", rng, ts="paid_at"),
    ]
    blue = rows.filter(kind == KIND_BLUE)
    hit = blue.filter(pl.Series(rng.random(blue.height) < BASELINE_RATE))
    cats = rng.choice(len(CATEGORIES), size=hit.height, p=_BASELINE_MIX)
    named = rng.random(hit.height) < np.array(_BASELINE_NAMES_INVOICE)[cats]
    # An unfounded 金额少开 claim (say, the customer counts a deposit): the text quotes a lower
    # amount than the invoice really has, which reconciliation will contradict.
    claimed = (
        np.round(hit["total"].to_numpy() * rng.uniform(0.6, 0.95, size=hit.height) / 100) * 100
    )
    hit = hit.with_columns(
        total=pl.Series(np.where(cats == SHORT, claimed, hit["total"].to_numpy()).astype(np.int64))
    )
    parts.append(_event_frame(hit, cats, named, "issued_at"))
    return pl.concat(parts)


def _yuan(cents: int) -> str:
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents / 100:.2f}"


def build_complaints(w: World, events: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Complaints with canonical columns (Chinese category / channel names, text, status)."""
    n = events.height
    cats = events["category"].to_numpy()
    lo = np.array([_RECEIVED_DAYS[c][0] for c in range(len(CATEGORIES))])[cats]
    hi = np.array([_RECEIVED_DAYS[c][1] for c in range(len(CATEGORIES))])[cats]
    channel = rng.choice(list(CHANNEL_WEIGHTS), size=n, p=list(CHANNEL_WEIGHTS.values()))
    phone = np.isin(channel, ["12366", "12345", "onsite"])
    day = (
        (events["event_ts"].to_numpy() // DAY)
        + np.floor(rng.uniform(lo, hi + 1)).astype(np.int64)
        + 1
    )
    tod = np.where(phone, rng.integers(8 * 3600, 20 * 3600, size=n), rng.integers(0, DAY, size=n))
    received = day * DAY + tod
    resolve_days = np.exp(np.log(3.5) + 1.0 * rng.standard_normal(n))
    resolved = received + (resolve_days * DAY).astype(np.int64)
    open_ = resolved > AS_OF_TS
    status = np.where(
        open_,
        np.where(received > AS_OF_TS - 3 * DAY, "open", "in_progress"),
        np.where(rng.random(n) < 0.75, "resolved", "closed"),
    )
    frame = events.with_columns(
        received=pl.Series(received),
        resolved=pl.Series(np.where(open_, -1, resolved)),
        channel=pl.Series(channel),
        status=pl.Series(status),
        labelled=pl.Series(rng.random(n) >= 0.15),
        by_id=pl.Series(rng.random(n) < 0.5),
        variant=pl.Series(rng.integers(0, len(VARIANT_KINDS), size=n)),
        u=pl.Series(rng.random((n, 6)).tolist(), dtype=pl.Array(pl.Float64, 6)),
    )
    frame = frame.filter(pl.col("received") <= AS_OF_TS).sort(
        "received", "m", "event_ts", maintain_order=True
    )
    return frame.with_columns(text=pl.Series(_texts(w, frame), dtype=pl.String))


def _texts(w: World, frame: pl.DataFrame) -> list[str]:
    """Fill a template per complaint (thousands of rows: a plain loop is fine here)."""
    m, ref = w.m, w.ref
    openers, closers = ref.phrases["opener"], ref.phrases["closer"]
    out = []
    for row in frame.iter_rows(named=True):
        mi, cat, u = int(row["m"]), CATEGORIES[row["category"]], row["u"]
        named = bool(row["named"])
        pool = [t for t in ref.templates[cat] if ("{invoice_no}" in t) == named] or [
            t for t in ref.templates[cat] if "{invoice_no}" not in t
        ]
        template = pool[int(u[0] * len(pool))]
        district = ref.district_names[int(m.district[mi])]
        areas = ref.parts("area", district)
        items = ref.items[ref.industry_codes[int(m.industry[mi])]]
        item = items[int(u[1] * len(items))]["item_name"].rsplit("*", 1)[-1]
        when = _EPOCH + timedelta(days=int(row["event_ts"]) // DAY)
        full = f"{when.year}年{when.month}月{when.day}日"
        date_text = full if u[2] >= 0.7 else f"{when.month}月{when.day}日"
        shop = name_variant(m.name[mi], VARIANT_KINDS[int(row["variant"])])
        text = template.format(
            shop=shop,
            date=date_text,
            amount=_yuan(int(row["paid"])),
            invoice_amount=_yuan(int(row["invoiced"])),
            invoice_no=row["invoice_no"] or "",
            days=max(1, (int(row["received"]) - int(row["event_ts"])) // DAY),
            item=item,
            area=areas[int(u[4] * len(areas))],
        )
        opener = openers[int(u[5] * len(openers))]
        closer = closers[int((u[5] * 7919) % 1 * len(closers))]
        out.append(f"{opener}{text}{closer}")
    return out
