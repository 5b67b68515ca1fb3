"""Line items for the export's 信息汇总表 sheet: one row per item, summing to the invoice.

Quantities and unit prices come out as long-decimal text ('3.00000000', '12.389380530973'), the
way the 电子税务局 export writes them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from analytics.synth.formats import LINE_COLUMNS, MONEY, RATE_PCT, money, rate
from analytics.synth.world import World

RECORDED = "入库时间"


def _split(
    total: np.ndarray, pos: np.ndarray, share_cum: np.ndarray, first: np.ndarray
) -> np.ndarray:
    """Split each invoice's cents over its lines; the parts add up exactly."""
    bound = np.round(total[pos] * share_cum).astype(np.int64)
    prev = np.where(first, 0, np.roll(bound, 1))
    parts: np.ndarray = bound - prev
    return parts


def line_sheet(
    w: World, rows: pl.DataFrame, base: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """``rows``: enriched tax records in export order; ``base``: their 发票基础信息 rows."""
    m, ref = w.m, w.ref
    n = rows.height
    industry = m.industry[rows["m"].to_numpy()]
    u = rng.random(n)
    k = 1 + (u < 0.4) + (u < 0.15)
    pos = np.repeat(np.arange(n), k)
    starts = np.cumsum(k) - k
    line_no = np.arange(len(pos)) - starts[pos] + 1
    first = line_no == 1

    codes = ref.industry_codes
    table = [item for code in codes for item in ref.items[code]]
    offset = np.cumsum([0] + [len(ref.items[c]) for c in codes])[:-1]
    count = np.array([len(ref.items[c]) for c in codes])
    item = offset[industry[pos]] + np.floor(rng.random(len(pos)) * count[industry[pos]]).astype(
        np.int64
    )

    weight = rng.random(len(pos)) + 0.2
    cum = np.cumsum(weight)
    group_end = cum[starts + k - 1][pos]
    group_start = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)[pos]
    share_cum = (cum - group_start) / (group_end - group_start)
    share_cum[line_no == k[pos]] = 1.0
    amount = _split(rows["amount"].to_numpy(), pos, share_cum, first)
    tax = _split(rows["tax"].to_numpy(), pos, share_cum, first)
    qty_max = np.array([int(it["qty_max"]) for it in table])[item]
    qty = rng.integers(1, qty_max + 1) * np.sign(np.where(amount == 0, 1, amount))
    price = np.abs(amount) / 100 / np.abs(qty)

    lines = pl.DataFrame(
        {
            "pos": pos,
            "amount": amount,
            "tax": tax,
            "total": amount + tax,
            "qty": qty,
            "price": price,
            "rate_i": rows["rate_i"].to_numpy()[pos],
            "exempt": rows["exempt"].to_numpy()[pos],
            **{
                key: pl.Series([it[key] or None for it in table], dtype=pl.String).gather(item)
                for key in ("tax_code", "item_name", "spec", "unit")
            },
        }
    )
    extra = lines.select(
        pl.col("tax_code").alias("税收分类编码"),
        pl.lit(None, dtype=pl.String).alias("特定业务类型"),
        pl.col("item_name").alias("货物或应税劳务名称"),
        pl.col("spec").alias("规格型号"),
        pl.col("unit").alias("单位"),
        pl.concat_str(pl.col("qty").cast(pl.String), pl.lit(".00000000")).alias("数量"),
        pl.col("price").round(12).cast(pl.String).alias("单价"),
        rate(RATE_PCT).alias("税率"),
        money("amount").alias("金额"),
        money("tax").alias("税额"),
        money("total").alias("价税合计"),
    )
    # The officials add 入库时间 to 发票基础信息 only; 信息汇总表 is the platform's own layout.
    invoice_part = base.select(pl.all().gather(pl.Series(pos))).drop(*MONEY, RECORDED)
    out = pl.concat([invoice_part, extra], how="horizontal").with_columns(
        序号=(pl.int_range(pl.len()) + 1).cast(pl.String)
    )
    return out.select(*[c for c in base.columns if c != RECORDED], *LINE_COLUMNS)
