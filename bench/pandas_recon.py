"""The baseline's reconciliation and merchant metrics in pandas (see pandas_baseline.py).

The same rules as ``analytics.reconcile`` (statuses, working-day delays on the Chinese calendar
through ``analytics.workdays.calendar_frame``, duplicates, payments netted with red invoices or
matched to tax records the log lacks) and the same base columns and rates as
``merchant_period_metrics``, per month and quarter.
Vectorised: sorts, merges, group-bys and a calendar lookup by ``numpy.searchsorted``.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from analytics.context import Context
from analytics.workdays import calendar_frame

TEN_MINUTES = pd.Timedelta(minutes=10)
GRACE = pd.Timedelta(days=Context.payment_grace_days)


def _calendar(first: pd.Timestamp, last: pd.Timestamp, deadline: int) -> pd.DataFrame:
    """day -> is_workday, workdays_before, deadline_day (the N-th working day after it)."""
    margin = max(31, 2 * deadline + 21)
    cal = calendar_frame(first.date(), last.date() + timedelta(days=margin)).to_pandas()
    cal["day"] = pd.to_datetime(cal["day"]).astype("datetime64[us]")
    work_days = cal.loc[cal["is_workday"], "day"].to_numpy()
    index = cal["workdays_before"] + cal["is_workday"].astype(int)
    target = np.maximum(index + deadline - 1, cal["workdays_before"]).to_numpy()
    ok = target < len(work_days)
    picked = pd.Series(work_days[np.minimum(target, len(work_days) - 1)], index=cal.index)
    cal["deadline_day"] = picked.where(ok)
    return cal.set_index("day")


def _clock(ts: pd.Series, cal: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(working clock in days, deadline_day) of each instant, by a calendar lookup."""
    days = ts.dt.normalize()
    row = cal.reindex(days.to_numpy())
    seconds = (ts - days).dt.total_seconds().to_numpy()
    frac = np.where(row["is_workday"].fillna(False).to_numpy(bool), seconds / 86400.0, 0.0)
    clock = row["workdays_before"].to_numpy(dtype="float64") + frac
    return pd.Series(clock, index=ts.index), pd.Series(row["deadline_day"].to_numpy(), ts.index)


def _duplicates(issued: pd.DataFrame, tax: pd.DataFrame) -> pd.DataFrame:
    """invoice_no, duplicate_of for the later of two live invoices (reconcile.py, rule 1)."""
    reversed_ = pd.concat(
        [
            issued.loc[issued["is_red"], "original_invoice_no"],
            tax.loc[tax["is_red"], "original_invoice_no"],
            tax.loc[tax["status"].str.startswith("已红冲").fillna(False), "invoice_no"],
        ]
    ).dropna()
    live = issued[~issued["is_red"] & ~issued["is_void"] & ~issued["invoice_no"].isin(reversed_)]
    paid = live[live["payment_id"].notna()].sort_values(["payment_id", "issued_at", "invoice_no"])
    rank = paid.groupby("payment_id").cumcount()
    first = paid.groupby("payment_id")["invoice_no"].transform("first")
    by_payment = pd.DataFrame({"invoice_no": paid["invoice_no"], "duplicate_of": first})[rank > 0]
    anon = live[live["payment_id"].isna() & live["buyer_key"].notna()]
    keys = ["merchant_id", "buyer_key", "total_cents"]
    anon = anon.sort_values([*keys, "issued_at", "invoice_no"])
    same = (anon[keys] == anon[keys].shift()).all(axis=1)
    prev_at, prev_no = anon["issued_at"].shift(), anon["invoice_no"].shift()
    hit = same & (prev_at >= anon["issued_at"] - TEN_MINUTES)
    by_buyer = pd.DataFrame({"invoice_no": anon["invoice_no"], "duplicate_of": prev_no})[hit]
    return pd.concat([by_payment, by_buyer], ignore_index=True)


def reconcile(
    issued: pd.DataFrame, tax: pd.DataFrame, pay: pd.DataFrame, *, deadline: int
) -> dict[str, pd.DataFrame]:
    """Issued facts (flags, delay), unmatched tax records and judged payments."""
    as_of = tax["recorded_at"].max()
    first = min(issued["issued_at"].min(), tax["issued_at"].min(), pay["paid_at"].min())
    last = max(issued["issued_at"].max(), tax["recorded_at"].max(), pay["paid_at"].max())
    cal = _calendar(first, last, deadline)
    visible = tax[tax["recorded_at"].isna() | (tax["recorded_at"] <= as_of)]
    twin = visible[["invoice_no", "recorded_at", "total_cents"]].rename(
        columns={"total_cents": "recorded_cents"}
    )
    facts = issued.merge(twin, on="invoice_no", how="left")
    issued_clock, deadline_day = _clock(facts["issued_at"], cal)
    recorded_clock, _ = _clock(facts["recorded_at"], cal)
    facts["delay"] = recorded_clock - issued_clock
    # missing: the delay an entry at the as-of time would have is over the deadline (and the
    # deadline is known: its year has a holiday table)
    as_of_clock = _clock(pd.Series([as_of]), cal)[0].iloc[0]
    recorded = facts["recorded_at"].notna()
    facts["is_recorded"] = recorded
    facts["is_on_time"] = recorded & ~(facts["delay"] > deadline)
    facts["is_late"] = recorded & (facts["delay"] > deadline)
    facts["is_missing"] = ~recorded & deadline_day.notna() & (as_of_clock - issued_clock > deadline)
    facts["is_pending"] = ~recorded & ~facts["is_missing"]
    diff = (facts["total_cents"] - facts["recorded_cents"]).abs()
    facts["is_mismatch"] = recorded & ~facts["is_void"] & (diff > 1)
    dups = _duplicates(issued, tax)
    facts["is_duplicate"] = facts["invoice_no"].isin(dups["invoice_no"])
    facts["period"] = facts["issued_at"].dt.strftime("%Y-%m")

    unmatched = visible[~visible["invoice_no"].isin(issued["invoice_no"])]
    unmatched = unmatched.assign(period=unmatched["issued_at"].dt.strftime("%Y-%m"))

    requests = pay[pay["invoice_requested"]]
    direct = issued[~issued["is_void"] & issued["payment_id"].isin(requests["payment_id"])]
    reds = issued[issued["is_red"] & ~issued["is_void"] & issued["payment_id"].isna()]
    reds = reds[["invoice_no", "original_invoice_no", "total_cents"]].merge(
        direct[["invoice_no", "payment_id"]].rename(columns={"invoice_no": "original_invoice_no"}),
        on="original_invoice_no",
    )
    linked = pd.concat(
        [direct[["payment_id", "is_red", "total_cents"]], reds.assign(is_red=True)],
        ignore_index=True,
    )
    net = linked.groupby("payment_id")["total_cents"].sum().rename("net_cents")
    judged = requests.join(net, on="payment_id")
    judged["status"] = np.where(
        judged["net_cents"].isna(),
        np.where(
            judged["payment_id"].isin(_tax_matches(judged, unmatched)), "invoiced", "not_invoiced"
        ),
        np.where(judged["paid_cents"] - judged["net_cents"] > 1, "under_invoiced", "invoiced"),
    )
    judged["period"] = judged["paid_at"].dt.strftime("%Y-%m")
    pay = pay.assign(period=pay["paid_at"].dt.strftime("%Y-%m"))
    return {"issued": facts, "unmatched": unmatched, "payments": judged, "paid": pay}


def _tax_matches(judged: pd.DataFrame, unmatched: pd.DataFrame) -> pd.Series:
    """Ids of the payments without a log invoice whose invoice is a tax record the log lacks:
    same seller and 价税合计, blue, not void or reversed, issued within the grace period after
    the payment, each the other's closest candidate (marts/recon_payment_matches.sql)."""
    rivals = judged.loc[judged["net_cents"].isna(), ["payment_id", "merchant_id", "paid_at"]]
    rivals = rivals.assign(total_cents=judged["paid_cents"])
    status = unmatched["status"].fillna("")
    live = ~unmatched["is_red"] & (status != "已作废") & ~status.str.startswith("已红冲")
    orphans = unmatched.loc[live, ["invoice_no", "merchant_id", "issued_at", "total_cents"]]
    pairs = rivals.merge(orphans, on=["merchant_id", "total_cents"])
    pairs["gap"] = pairs["issued_at"] - pairs["paid_at"]
    pairs = pairs[(pairs["gap"] >= pd.Timedelta(0)) & (pairs["gap"] < GRACE)]
    by_payment = pairs.sort_values(["payment_id", "gap", "invoice_no"]).drop_duplicates(
        "payment_id"
    )
    by_record = pairs.sort_values(["invoice_no", "gap", "payment_id"]).drop_duplicates("invoice_no")
    mutual = by_payment.merge(by_record[["payment_id", "invoice_no"]])
    return mutual["payment_id"]


def _quarter(month: pd.Series) -> pd.Series:
    q = (month.str.slice(5, 7).astype(int) + 2) // 3
    return month.str.slice(0, 4) + "-Q" + q.astype(str)


def _per_period(facts: dict[str, pd.DataFrame], key: str) -> pd.DataFrame:
    inv = facts["issued"]
    live = inv[~inv["is_void"]]
    g = live.groupby(["merchant_id", key])
    base = pd.DataFrame(
        {
            "invoices_issued": g.size(),
            "invoices_pending": g["is_pending"].sum(),
            "invoices_recorded": g["is_recorded"].sum(),
            "on_time_count": g["is_on_time"].sum(),
            "late_count": g["is_late"].sum(),
            "missing_count": g["is_missing"].sum(),
            "mismatch_count": g["is_mismatch"].sum(),
            "duplicate_count": g["is_duplicate"].sum(),
            "red_count": g["is_red"].sum(),
        }
    )
    base["invoices_due"] = base["invoices_issued"] - base["invoices_pending"]
    rec = live[live["is_recorded"]].groupby(["merchant_id", key])["delay"]
    quantiles = rec.quantile([0.5, 0.95]).unstack()
    quantiles.columns = ["delay_p50", "delay_p95"]
    voided = inv[inv["is_void"]].groupby(["merchant_id", key]).size().rename("invoices_voided")
    unmatched = facts["unmatched"].groupby(["merchant_id", key]).size()
    judged = facts["payments"]
    flags = pd.DataFrame(
        {
            "merchant_id": judged["merchant_id"],
            key: judged[key],
            "invoice_requests": 1,
            "not_invoiced_count": judged["status"] == "not_invoiced",
            "under_invoiced_count": judged["status"] == "under_invoiced",
        }
    )
    requests = flags.groupby(["merchant_id", key]).sum()
    paid = facts["paid"].groupby(["merchant_id", key]).size().rename("payments_count")
    out = pd.concat(
        [base, voided, unmatched.rename("merchant_log_missing_count"), requests, paid], axis=1
    )
    counts = list(out.columns)
    out[counts] = out[counts].fillna(0).astype("int64")
    out = out.join(quantiles)
    return out.rename_axis(["merchant_id", "period"]).reset_index()


def merchant_metrics(facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Base counts, delay percentiles and rates per merchant, month and quarter."""
    for part in facts.values():
        part["quarter"] = _quarter(part["period"])
    month = _per_period(facts, "period").assign(period_type="month")
    quarter = _per_period(facts, "quarter").assign(period_type="quarter")
    out = pd.concat([month, quarter], ignore_index=True)
    due, recorded = out["invoices_due"].replace(0, np.nan), out["invoices_recorded"]
    out["entry_rate"] = recorded / due
    out["on_time_rate"] = out["on_time_count"] / due
    out["missing_rate"] = out["missing_count"] / due
    out["mismatch_rate"] = out["mismatch_count"] / recorded.replace(0, np.nan)
    requests = out["invoice_requests"].replace(0, np.nan)
    out["not_invoiced_rate"] = out["not_invoiced_count"] / requests
    out["under_invoiced_rate"] = out["under_invoiced_count"] / requests
    out["red_rate"] = out["red_count"] / out["invoices_issued"].replace(0, np.nan)
    return out
