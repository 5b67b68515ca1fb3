"""Deliberately bad rows: the flaws real exports carry, injected into rendered string frames.

Every flaw is recorded (file, 1-based data row, flaw, column, cause) so tests and the loader's
quarantine can be checked against it. Flaw names follow ``data/reference/reason_codes.csv``
where one fits; ``exact_duplicate`` is the same record exported twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

B = npt.NDArray[np.bool_]
Report = list[tuple[int, str, str | None, str]]  # (row, flaw, column, cause)

INVOICE_FLAWS = (
    "invalid_uscc",
    "invalid_invoice_no",
    "invoice_year_mismatch",
    "total_mismatch",
    "unparseable_date",
    "date_in_future",
    "date_before_2000",
    "blue_negative",
    "red_without_original",
    "invalid_tax_rate",
    "missing_required",
)
BROKEN_FLAWS = ("unparseable_number", "missing_required", "invalid_invoice_no", "unparseable_date")
TAX_FLAWS = ("missing_required", "recorded_before_issued")
COMPLAINT_FLAWS = (
    "unparseable_date",
    "date_in_future",
    "resolved_before_received",
    "missing_required",
)
FUTURE_YEAR = "2031"  # years after any as-of date the loader may use
PAST_YEAR = "1996"  # a leap year: every month-day of the data stays a valid date
_BAD_DATES = ("2026-02-30 25:61:00", "无", "0000-00-00 00:00:00", "2026年13月", "#VALUE!")
_BAD_NUMBERS = ("abc", "#VALUE!", "1,2.3.4", "￥12..5")


@dataclass(frozen=True)
class BadRow:
    file: str
    row: int  # 1-based data record, header and totals rows excluded
    flaw: str
    column: str | None
    cause: str  # "export_noise" or the planted cause that produced it
    sheet: str | None = None


def _cents_text(col: pl.Expr, delta: int) -> pl.Expr:
    cents = col.str.replace(".", "", literal=True).cast(pl.Int64, strict=False) + delta
    a = cents.abs()
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(
        sign, (a // 100).cast(pl.String), pl.lit("."), (a % 100).cast(pl.String).str.zfill(2)
    )


def _pick(values: tuple[str, ...]) -> pl.Expr:
    return pl.lit(pl.Series(values)).gather(pl.int_range(pl.len()) % len(values))


Changes = dict[str, pl.Expr]


def _year_shift(col: pl.Expr, years: int) -> pl.Expr:
    return pl.concat_str(
        (col.str.slice(0, 4).cast(pl.Int64) + years).cast(pl.String), col.str.slice(4)
    )


def _invalid_uscc(r: dict[str, str]) -> Changes:
    sid = pl.col(r["seller_id"])
    last = pl.when(sid.str.ends_with("0")).then(pl.lit("1")).otherwise(pl.lit("0"))
    swapped = pl.concat_str(sid.str.slice(0, 17), last)
    return {r["seller_id"]: pl.when(sid.str.len_chars() == 18).then(swapped).otherwise(sid + "0")}


def _invalid_invoice_no(r: dict[str, str]) -> Changes:
    no = pl.col(r["invoice_no"])
    even = pl.int_range(pl.len()) % 2 == 0
    return {
        r["invoice_no"]: pl.when(even)
        .then(no.str.slice(0, 19))
        .otherwise(no.str.replace(r"^(\d{6})\d", "${1}O"))
    }


def _date_column(r: dict[str, str]) -> str:
    return r.get("received_at", r.get("issued_at", ""))


def _missing(r: dict[str, str]) -> Changes:
    key = next(k for k in ("text", "invoice_no", "seller_id", "amount") if k in r)
    return {r[key]: pl.lit(None, dtype=pl.String)}


def _tax_rate(r: dict[str, str]) -> Changes:
    rate = pl.col(r["rate"])
    return {r["rate"]: pl.when(rate.str.contains("%")).then(pl.lit("7%")).otherwise(pl.lit("0.07"))}


_TRANSFORMS: dict[str, Callable[[dict[str, str]], Changes]] = {
    "invalid_uscc": _invalid_uscc,
    "invalid_invoice_no": _invalid_invoice_no,
    "invoice_year_mismatch": lambda r: {
        r["invoice_no"]: pl.concat_str(pl.lit("19"), pl.col(r["invoice_no"]).str.slice(2))
    },
    "total_mismatch": lambda r: {r["total"]: _cents_text(pl.col(r["total"]), 100)},
    "unparseable_date": lambda r: {_date_column(r): _pick(_BAD_DATES)},
    "date_in_future": lambda r: {
        _date_column(r): pl.concat_str(pl.lit(FUTURE_YEAR), pl.col(_date_column(r)).str.slice(4))
    },
    "date_before_2000": lambda r: {
        _date_column(r): pl.concat_str(pl.lit(PAST_YEAR), pl.col(_date_column(r)).str.slice(4))
    },
    "blue_negative": lambda r: {
        r[k]: pl.concat_str(pl.lit("-"), pl.col(r[k])) for k in ("amount", "tax", "total")
    },
    # The remark names the original too (被红冲蓝字数电发票号码：...): both go.
    "red_without_original": lambda r: {
        r[k]: pl.lit(None, dtype=pl.String) for k in ("orig", "remark") if k in r
    },
    "invalid_tax_rate": _tax_rate,
    "missing_required": _missing,
    "unparseable_number": lambda r: {r["amount"]: _pick(_BAD_NUMBERS)},
    "recorded_before_issued": lambda r: {r["recorded_at"]: _year_shift(pl.col(r["issued_at"]), -1)},
    "resolved_before_received": lambda r: {
        r["resolved_at"]: _year_shift(pl.col(r["received_at"]), -1)
    },
}


def _transform(flaw: str, roles: dict[str, str]) -> Changes:
    """New values for the affected columns (applied only on rows carrying this flaw)."""
    if flaw not in _TRANSFORMS:
        raise ValueError(f"unknown flaw {flaw!r}")
    return _TRANSFORMS[flaw](roles)


def _applicable(flaw: str, frame: pl.DataFrame, roles: dict[str, str], is_red: B | None) -> B:
    n = frame.height
    ok = np.ones(n, dtype=bool)
    if flaw in ("invalid_invoice_no", "invoice_year_mismatch") or (
        flaw == "missing_required" and "text" not in roles
    ):
        ok &= frame[roles["invoice_no"]].str.contains(r"^\d{20}$").fill_null(False).to_numpy()
    if flaw == "red_without_original":
        ok &= is_red if is_red is not None else False
    if flaw == "blue_negative" and is_red is not None:
        ok &= ~is_red
    if flaw == "resolved_before_received":
        ok &= frame[roles["resolved_at"]].is_not_null().to_numpy()
    if flaw == "recorded_before_issued":
        ok &= frame[roles["recorded_at"]].is_not_null().to_numpy()
    return ok


def inject(
    frame: pl.DataFrame,
    roles: dict[str, str],
    flaws: tuple[str, ...],
    *,
    rate: float,
    rng: np.random.Generator,
    dup_rate: float = 0.0,
    is_red: B | None = None,
    forced: B | None = None,
    forced_flaws: tuple[str, ...] = BROKEN_FLAWS,
    forced_cause: str = "vendor_export_broken",
) -> tuple[pl.DataFrame, Report]:
    """Corrupt about ``rate`` of the rows (plus every ``forced`` row) and duplicate ``dup_rate``.

    Only the chosen rows are touched (gathered, edited, scattered back), so the cost grows with
    the number of bad rows, not the file. Returns the new frame and (row, flaw, column, cause)
    for every bad row, rows 1-based.
    """
    n = frame.height
    forced_rows = forced if forced is not None else np.zeros(n, dtype=bool)
    random_rows = (rng.random(n) < rate) & ~forced_rows
    wanted = rng.integers(0, max(len(flaws), 1), size=n)
    wanted_forced = rng.integers(0, len(forced_flaws), size=n)
    dup_draw = rng.random(n) < dup_rate
    idx = np.flatnonzero(random_rows | forced_rows)
    sub = frame.select(pl.all().gather(pl.Series(idx, dtype=pl.Int64)))
    red = is_red[idx] if is_red is not None else None
    flaw_of = np.full(len(idx), "", dtype=object)
    cause_of = np.full(len(idx), "", dtype=object)
    for pool, chosen, pick, cause in (
        (flaws, random_rows[idx], wanted[idx], "export_noise"),
        (forced_flaws, forced_rows[idx], wanted_forced[idx], forced_cause),
    ):
        for i, flaw in enumerate(pool if chosen.any() else ()):
            sel = chosen & (pick == i) & (flaw_of == "")
            if sel.any():
                sel &= _applicable(flaw, sub, roles, red)
                flaw_of[sel], cause_of[sel] = flaw, cause
    out = frame
    columns: dict[str, str] = {}
    for flaw in dict.fromkeys(flaw_of[flaw_of != ""].tolist()):
        rows = np.flatnonzero(flaw_of == flaw)
        changes = _transform(flaw, roles)
        columns[flaw] = next(iter(changes))
        edited = sub.select(pl.all().gather(pl.Series(rows, dtype=pl.Int64))).select(
            [e.cast(pl.String).alias(k) for k, e in changes.items()]
        )
        at = pl.Series(idx[rows], dtype=pl.Int64)
        out = out.with_columns([out[k].clone().scatter(at, edited[k]) for k in changes])

    bad = idx[flaw_of != ""]
    dup = np.flatnonzero(dup_draw & ~np.isin(np.arange(n), bad))
    out, copies = insert_after(
        out, dup, out.select(pl.all().gather(pl.Series(dup, dtype=pl.Int64)))
    )
    shift = np.searchsorted(dup, bad, side="left")  # copies inserted above each bad row
    labelled = np.flatnonzero(flaw_of != "")
    report: Report = [
        (int(bad[j] + shift[j] + 1), str(flaw_of[k]), columns[str(flaw_of[k])], str(cause_of[k]))
        for j, k in enumerate(labelled)
    ]
    report += [(int(r), "exact_duplicate", None, "export_noise") for r in copies]
    return out, sorted(report)


def insert_after(
    frame: pl.DataFrame, after: np.ndarray, extra: pl.DataFrame
) -> tuple[pl.DataFrame, np.ndarray]:
    """Insert ``extra`` row i right after ``frame`` row ``after[i]`` (``after`` ascending);
    returns the new frame and the 1-based final row of each extra row."""
    if len(after) == 0:
        return frame, np.zeros(0, dtype=np.int64)
    order = np.argsort(after, kind="stable")
    after, extra = after[order], extra.select(pl.all().gather(pl.Series(order, dtype=pl.Int64)))
    pieces, start = [], 0
    for i, row in enumerate(after):
        pieces += [frame.slice(start, int(row) + 1 - start), extra.slice(i, 1)]
        start = int(row) + 1
    pieces.append(frame.slice(start))
    final_row = np.empty(len(after), dtype=np.int64)
    final_row[order] = after + np.arange(len(after)) + 2
    return pl.concat(pieces, rechunk=True), final_row
