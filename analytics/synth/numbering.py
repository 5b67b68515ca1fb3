"""Invoice numbers, assigned month by month in issue order.

数电票 number (20 digits): issue year (2) + province 11 (2) + channel (1) + the merchant's 7-digit
block + an 8-digit sequence that restarts each year. The sequence has no gaps of its own, so a
gap in either the tax system or the merchant's export means an invoice went missing there.
Legacy tax-control invoices: 12-digit 发票代码 (普通) or 10-digit (专用) with year and a 4-digit
block, plus an 8-digit 发票号码; the warehouse key is ``发票代码-发票号码``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from analytics.synth.invoices import KIND_RED
from analytics.synth.merchants import Merchants

I64 = npt.NDArray[np.int64]

_NUMBER_COLS = ("uid", "invoice_no", "digital_no", "inv_code", "inv_number")


@dataclass
class NumberState:
    """Counters carried from month to month, and numbers of originals awaiting their reds."""

    n: int
    year: int = 0
    counters: I64 = field(init=False)  # merchants x 3 schemes
    originals: pl.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.counters = np.zeros((self.n, 3), dtype=np.int64)
        self.originals = pl.DataFrame(
            schema=dict.fromkeys(_NUMBER_COLS, pl.String) | {"uid": pl.Int64}
        )


def _sequences(mi: I64, scheme: I64, counters: I64) -> I64:
    """1-based running sequence per (merchant, scheme); rows already sorted by merchant, time."""
    seq = np.zeros(len(mi), dtype=np.int64)
    for s in range(3):
        idx = np.flatnonzero(scheme == s)
        g = mi[idx]
        first = np.searchsorted(g, g, side="left")
        seq[idx] = counters[g, s] + np.arange(len(idx)) - first + 1
        counters[:, s] += np.bincount(g, minlength=counters.shape[0])
    return seq


def assign_numbers(rows: pl.DataFrame, year: int, state: NumberState, m: Merchants) -> pl.DataFrame:
    """Number the rows issued in one month and resolve each red invoice's original."""
    if year != state.year:
        state.counters[:] = 0
        state.year = year
    rows = rows.sort("m", "issued_at", "uid")
    mi = rows["m"].to_numpy().astype(np.int64)
    seq = _sequences(mi, rows["scheme"].to_numpy().astype(np.int64), state.counters)
    yy = f"{year % 100:02d}"
    rows = rows.with_columns(
        _seq=pl.Series(seq).cast(pl.String).str.zfill(8),
        _ch=pl.Series(m.channel[mi]).cast(pl.String),
        _slot=pl.Series(m.slot[mi]).cast(pl.String),
        _lslot=pl.Series(m.legacy_slot[mi]).cast(pl.String).str.zfill(4),
    )
    scheme = pl.col("scheme")
    rows = rows.with_columns(
        digital_no=pl.when(scheme == 0).then(
            pl.concat_str(pl.lit(yy + "11"), "_ch", "_slot", "_seq")
        ),
        inv_code=pl.when(scheme == 1)
        .then(pl.concat_str(pl.lit(f"01100{yy}1"), "_lslot"))
        .when(scheme == 2)
        .then(pl.concat_str(pl.lit(f"1100{yy}"), "_lslot")),
        inv_number=pl.when(scheme > 0).then(pl.col("_seq")),
    ).drop("_seq", "_ch", "_slot", "_lslot")
    rows = rows.with_columns(
        invoice_no=pl.coalesce("digital_no", pl.concat_str("inv_code", pl.lit("-"), "inv_number"))
    )
    known = pl.concat([state.originals, rows.filter(pl.col("status") == 1).select(_NUMBER_COLS)])
    prefixed = known.rename({c: f"orig_{c}" for c in _NUMBER_COLS if c != "uid"})
    rows = rows.join(prefixed, left_on="orig", right_on="uid", how="left", maintain_order="left")
    resolved = rows.filter(pl.col("kind") == KIND_RED)["orig"]
    state.originals = known.filter(~pl.col("uid").is_in(resolved.implode()))
    return rows.with_columns(remark=_red_remark())


def _red_remark() -> pl.Expr:
    """备注 of a red invoice, as the platform writes it."""
    confirm = pl.concat_str(
        pl.lit("1101"),
        pl.from_epoch("issued_at", time_unit="s").dt.strftime("%y%m%d"),
        pl.col("uid").cast(pl.String).str.zfill(10),
    )
    digital = pl.concat_str(
        pl.lit("被红冲蓝字数电发票号码："),
        "orig_digital_no",
        pl.lit("  红字发票信息确认单编号："),
        confirm,
    )
    legacy = pl.concat_str(
        pl.lit("对应正数发票代码:"), "orig_inv_code", pl.lit("号码:"), "orig_inv_number"
    )
    red = pl.col("kind") == KIND_RED
    return (
        pl.when(red & pl.col("orig_digital_no").is_not_null()).then(digital).when(red).then(legacy)
    )
