"""Pure transforms of the delay queries' results (``analytics.views``): group keys back into
columns, and bucket counts into a full grid with shares."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def unpack(frame: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """The ``gkey`` list (group values as text, in the order of ``by``) as columns."""
    keys = [
        pl.col("gkey").list.get(i).alias(name)
        if name != "is_individual"
        else (pl.col("gkey").list.get(i) == "true").alias(name)
        for i, name in enumerate(by)
    ]
    return frame.with_columns(keys).drop("gkey")


def buckets(raw: pl.DataFrame, keys: Sequence[str], late: int, missing: int) -> pl.DataFrame:
    """``gkey, bucket, invoices`` as every bucket (0 on time, 1..``late``, ``missing``) of every
    group, with ``share`` of the group's invoices, sorted with the missing bucket last."""
    frame = unpack(raw, keys)
    all_buckets = pl.DataFrame({"bucket": [0, *range(1, late + 1), missing]})
    groups = frame.select(keys).unique() if keys else pl.DataFrame({"_": [0]})
    grid = groups.join(all_buckets, how="cross").drop("_", strict=False)
    full = grid.join(frame, on=[*keys, "bucket"], how="left").with_columns(
        pl.col("invoices").fill_null(0)
    )
    total = pl.col("invoices").sum().over(keys) if keys else pl.col("invoices").sum()
    out = full.with_columns(share=pl.when(total > 0).then(pl.col("invoices") / total))
    order = pl.when(pl.col("bucket") == missing).then(99).otherwise(pl.col("bucket"))
    return out.sort([*keys, order.alias("_o")] if keys else order).select(
        *keys, "bucket", "invoices", "share"
    )
