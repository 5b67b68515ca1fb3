"""Issued invoices for one month's payments: blue invoices, voids, duplicates, red reversals.

Rows are built as columns of numpy arrays (no per-row Python). Each row carries what every
later step needs: amounts in cents, where it goes (tax system? merchant export?), when it got
there, and the planted flags the complaint model reacts to. Numbers are assigned later, month
by month, in issue order (:mod:`analytics.synth.numbering`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from analytics.synth.behaviours import BROKEN, DROP, DUP, RED, UNDER
from analytics.synth.clock import DAY
from analytics.synth.timing import recorded_times, red_recorded
from analytics.synth.world import World

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
Cols = dict[str, np.ndarray]

RATES = (0.0, 0.01, 0.03, 0.05, 0.06, 0.09, 0.13)  # index 0 with exempt=True means 免税
KIND_BLUE, KIND_DUP, KIND_REISSUE_VOID, KIND_REISSUE_RED, KIND_RED = range(5)
STATUS_NORMAL, STATUS_REVERSED, STATUS_VOID = range(3)
NOT_INVOICED_SHARE = 0.01  # requested but never invoiced (forgotten, refused)
NATURAL_RED_SHARE = 0.015
NATURAL_DROP_SHARE = 0.0005
NATURAL_DUP_SHARE = 0.0003
NATURAL_UNDER_SHARE = 0.002
EDIT_INCIDENT_SHARE = 0.25  # months in which one vendor re-prices a day's uploaded invoices
EDITED_SHARE = 0.3  # of that vendor's blue invoices of that day
LEGACY_SHARE = 0.6  # of a legacy issuer's invoices
VOID_SHARE = 0.01  # of legacy invoices: 作废 before delivery, then re-issued


def _issue_time(rng: np.random.Generator, paid: I64, enterprise: B) -> I64:
    """Most POS and online invoices are issued within minutes; company requests take longer."""
    n = len(paid)
    u = rng.random(n)
    p_minutes = np.where(enterprise, 0.40, 0.72)
    p_hours = p_minutes + np.where(enterprise, 0.40, 0.25)
    minutes = np.clip(np.round(90 * np.exp(0.8 * rng.standard_normal(n))), 5, 1800)
    hours = np.clip(np.round(9000 * np.exp(0.9 * rng.standard_normal(n))), 600, 30 * 3600)
    next_days = (paid // DAY + rng.integers(1, 7, size=n)) * DAY
    later = next_days + rng.integers(9 * 3600, 18 * 3600, size=n)
    issued = np.where(u < p_minutes, paid + minutes, np.where(u < p_hours, paid + hours, later))
    return issued.astype(np.int64)


def _clamp(issued: I64, after: I64, end_ts: int, rng: np.random.Generator) -> I64:
    """Keep issue times inside the period: the exports are cut at its last second."""
    span = np.maximum(end_ts - 1 - after, 0)
    inside = after + (span * rng.uniform(0.2, 1.0, size=len(issued))).astype(np.int64)
    return np.where(issued >= end_ts, inside, issued)


def _take(cols: Cols, idx: np.ndarray) -> Cols:
    return {k: v[idx] for k, v in cols.items()}


def _concat(parts: list[Cols]) -> Cols:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def edited_after_upload(
    held: pl.DataFrame, vendor: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """The tax system keeps an invoice as it was uploaded. In some months one vendor's software
    changes amounts after the upload on one day (a price-list sync that re-prices the day's
    invoices): its merchants' logs and the tax system then disagree on 价税合计 for a share of
    that day's blue invoices (``amount_mismatch``: paper and electronic records that differ, the
    vendor's doing, not the merchants'). ``held``: the tax export's rows, ``vendor``: each row's
    vendor index; returns the rows with the uploaded amounts (金额 and 税额 recomputed, so each
    record still adds up)."""
    n = held.height
    u = rng.random(n)  # n draws whatever happens, so the stream is stable
    factor = rng.choice(np.array([0.8, 0.9, 0.95, 1.05, 1.1, 1.25]), size=n)
    incident = rng.random() < EDIT_INCIDENT_SHARE
    culprit = int(rng.integers(max(int(vendor.max(initial=0)) + 1, 1)))
    issued = held["issued_at"].to_numpy()
    day = issued[int(rng.integers(n))] // DAY if n else -1
    total = held["total"].to_numpy()
    hit = incident & (vendor == culprit) & (issued // DAY == day) & (u < EDITED_SHARE)
    hit &= (held["kind"].to_numpy() == KIND_BLUE) & (held["status"].to_numpy() == STATUS_NORMAL)
    hit &= total >= 1000  # at least ¥10: the change is more than a rounding cent
    new_total = np.where(hit, np.round(total * factor).astype(np.int64), total)
    amount, tax = _amounts(new_total, held["rate_i"].to_numpy(), held["exempt"].to_numpy())
    keep = ~hit
    return held.with_columns(
        total=pl.Series(new_total),
        amount=pl.Series(np.where(keep, held["amount"].to_numpy(), amount)),
        tax=pl.Series(np.where(keep, held["tax"].to_numpy(), tax)),
    )


def _amounts(total: I64, rate_i: I64, exempt: B) -> tuple[I64, I64]:
    """金额 and 税额 from 价税合计: 金额 = total / (1 + rate), rounded to the cent."""
    rate = np.array(RATES)[rate_i]
    amount = np.where(exempt, total, np.round(total / (1 + rate)).astype(np.int64))
    return amount, total - amount


def _acting(w: World, cause: int, mo: int, mi: I64) -> B:
    return w.plan.acting(cause, mo)[mi]


def _blue(w: World, req: pl.DataFrame, mo: int, rng: np.random.Generator) -> Cols:
    """One blue invoice per requested payment: amounts, rate, type, buyer, numbering scheme."""
    m, ref, plan = w.m, w.ref, w.plan
    n = req.height
    mi = req["m"].to_numpy().astype(np.int64)
    paid_at = req["paid_at"].to_numpy()
    paid = req["amount"].to_numpy()
    enterprise = req["enterprise"].to_numpy()
    industry = m.industry[mi]
    issued = _issue_time(rng, paid_at, enterprise)
    if mo == w.period.months - 1:
        issued = _clamp(issued, paid_at, w.period.end_ts, rng)

    under = _acting(w, UNDER, mo, mi) & (rng.random(n) < plan.intensity[mi])
    short = np.round(paid * rng.uniform(0.5, 0.85, size=n) / 100).astype(np.int64) * 100
    slight = np.round(paid * rng.uniform(0.85, 0.97, size=n)).astype(np.int64)
    natural = ~under & (rng.random(n) < NATURAL_UNDER_SHARE)
    total = np.where(under, np.maximum(short, 100), np.where(natural, slight, paid)).astype(
        np.int64
    )

    alt = rng.random(n) < ref.alt_share[industry]
    general = np.where(alt, ref.alt_rate[industry], ref.typical_rate[industry])
    small = m.small_scale[mi]
    rate = np.where(small, m.small_rate[mi], general)
    exempt = ~small & (rng.random(n) < ref.exempt_share[industry])
    rate_i = np.where(exempt, 0, np.searchsorted(np.array(RATES), np.round(rate, 4)))
    amount, tax = _amounts(total, rate_i, exempt)
    special = enterprise & (rng.random(n) < np.where(small, 0.2, 0.6))
    legacy = m.legacy_issuer[mi] & (rng.random(n) < LEGACY_SHARE)
    buyer = np.where(enterprise, np.floor(w.n_buyers * rng.random(n) ** 2), -1)
    person = np.where(~enterprise & (rng.random(n) < 0.3), rng.integers(0, w.n_persons, size=n), -1)
    return {
        "m": mi,
        "mo": np.full(n, mo, dtype=np.int64),
        "payment_id": req["payment_id"].to_numpy().astype(str),
        "paid_at": paid_at,
        "paid": paid,
        "issued_at": issued,
        "total": total,
        "amount": amount,
        "tax": tax,
        "rate_i": rate_i.astype(np.int64),
        "exempt": exempt,
        "special": special,
        "scheme": np.where(legacy, 1 + special.astype(np.int64), 0),
        "buyer": buyer.astype(np.int64),
        "person": person.astype(np.int64),
        "kind": np.full(n, KIND_BLUE, dtype=np.int64),
        "under": under | natural,
        "status": np.full(n, STATUS_NORMAL, dtype=np.int64),
        "orig": np.full(n, -1, dtype=np.int64),
    }


def month_invoices(
    w: World, payments: pl.DataFrame, mo: int, uid0: int, rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(invoice rows, requested-but-not-invoiced payments) for the payments of month ``mo``."""
    req = payments.filter(pl.col("requested"))
    skip = pl.Series(rng.random(req.height) < NOT_INVOICED_SHARE)
    not_invoiced, req = req.filter(skip), req.filter(~skip)
    cols = _blue(w, req, mo, rng)
    n, end = req.height, w.period.end_ts
    # Voided legacy invoices: kept (作废) in the log and the tax system, then issued again.
    void = (cols["scheme"] > 0) & (rng.random(n) < VOID_SHARE)
    cols["status"][void] = STATUS_VOID
    again = _take(cols, np.flatnonzero(void))
    later = again["issued_at"] + rng.integers(120, 1800, size=len(again["m"]))
    again["issued_at"] = _clamp(later, again["issued_at"], end, rng)
    again["kind"][:] = KIND_REISSUE_VOID
    again["status"][:] = STATUS_NORMAL
    # Duplicate submissions: the same payment invoiced twice, minutes apart.
    dup = _acting(w, DUP, mo, cols["m"]) & (rng.random(n) < w.plan.intensity[cols["m"]])
    dup = (dup | (rng.random(n) < NATURAL_DUP_SHARE)) & ~void
    twin = _take(cols, np.flatnonzero(dup))
    twin["issued_at"] = twin["issued_at"] + rng.integers(60, 1200, size=len(twin["m"]))
    twin["kind"][:] = KIND_DUP
    twin = _take(twin, np.flatnonzero(twin["issued_at"] < end))
    rows = _route(w, _concat([cols, again, twin]), mo, rng)
    rows = _with_reds(w, rows, mo, rng)
    rows["uid"] = uid0 + np.arange(len(rows["m"]), dtype=np.int64)
    rows["orig"] = np.where(rows["orig"] >= 0, uid0 + rows["orig"], -1)
    return pl.DataFrame(rows), not_invoiced


def _route(w: World, rows: Cols, mo: int, rng: np.random.Generator) -> Cols:
    """Silent drops, recorded times, and the broken vendor's lost and malformed export rows."""
    plan = w.plan
    n = len(rows["m"])
    mi = rows["m"]
    drop = _acting(w, DROP, mo, mi) & (rng.random(n) < plan.intensity[mi])
    drop |= rng.random(n) < NATURAL_DROP_SHARE
    rows["reaches_tax"] = ~drop
    rows["recorded_at"] = recorded_times(w, rows["issued_at"], mi, rows["mo"], rng)
    broken = _acting(w, BROKEN, mo, mi)
    rows["in_export"] = ~(broken & (rng.random(n) < plan.intensity[mi]))
    rows["malformed"] = broken & rows["in_export"] & (rng.random(n) < plan.intensity[mi] * 0.2)
    return rows


def _with_reds(w: World, rows: Cols, mo: int, rng: np.random.Generator) -> Cols:
    """Red-letter reversals (红冲) of recorded blue invoices; half the normal ones re-issued."""
    n = len(rows["m"])
    mi = rows["m"]
    end = w.period.end_ts
    planted = _acting(w, RED, mo, mi)
    p = np.where(planted, w.plan.intensity[mi], NATURAL_RED_SHARE)
    eligible = rows["reaches_tax"] & (rows["status"] == STATUS_NORMAL) & (rows["kind"] != KIND_DUP)
    days = np.clip(3 * np.exp(1.0 * rng.standard_normal(n)), 0.05, 60)
    red_at = np.maximum(rows["issued_at"] + (days * DAY).astype(np.int64), rows["recorded_at"] + 60)
    idx = np.flatnonzero(eligible & (rng.random(n) < p) & (red_at < end))
    red = _take(rows, idx)
    red["issued_at"] = red_at[idx]
    red["recorded_at"] = red_recorded(red["issued_at"], rng)
    for k in ("total", "amount", "tax"):
        red[k] = -red[k]
    red["kind"][:] = KIND_RED
    red["orig"] = idx.astype(np.int64)
    red["in_export"][:] = True
    red["malformed"][:] = False
    red["under"][:] = False
    red["planted_red"] = planted[idx]
    rows["status"][idx] = STATUS_REVERSED
    rows["planted_red"] = np.zeros(n, dtype=bool)

    redo = ~red["planted_red"] & (rng.random(len(idx)) < 0.5)
    new = _take(red, np.flatnonzero(redo))
    later = new["issued_at"] + rng.integers(300, 7200, size=len(new["m"]))
    new["issued_at"] = _clamp(later, new["issued_at"], end, rng)
    for k in ("total", "amount", "tax"):
        new[k] = -new[k]
    new["kind"][:] = KIND_REISSUE_RED
    new["orig"][:] = -1
    # The usual reason for a reversal: a wrong company title, corrected on the new invoice.
    fresh = np.floor(w.n_buyers * rng.random(len(new["m"])) ** 2).astype(np.int64)
    new["buyer"] = np.where(new["buyer"] >= 0, fresh, new["buyer"])
    new["recorded_at"] = recorded_times(w, new["issued_at"], new["m"], new["mo"], rng)
    return _concat([rows, red, new])
