"""The complaint files: 12345 hotline tickets (JSON array) and the tax bureau's channels (XLSX)."""

from __future__ import annotations

import numpy as np
import polars as pl

from analytics.synth import badrows
from analytics.synth.formats import ts
from analytics.synth.names import VARIANT_KINDS, name_variant
from analytics.synth.world import World
from analytics.synth.writers import Writer
from analytics.synth.xlsx import Sheet

SHEET = "投诉工单"
NOISE = 0.005
DUPS = 0.002


def _complaint_common(w: World, c: pl.DataFrame) -> pl.DataFrame:
    """Values shared by both files: times as text, who is named and how, Chinese labels."""
    m, ref = w.m, w.ref
    names = [
        name_variant(m.name[i], VARIANT_KINDS[v]) for i, v in zip(c["m"], c["variant"], strict=True)
    ]
    u3 = np.array([u[3] for u in c["u"].to_list()]) if c.height else np.zeros(0)
    mi = c["m"]
    return c.with_columns(
        _received=ts("received", "%Y-%m-%d %H:%M:%S"),
        _resolved=pl.when(pl.col("resolved") >= 0).then(ts("resolved", "%Y-%m-%d %H:%M:%S")),
        _id=pl.when("by_id").then(pl.Series(m.merchant_id).gather(mi)),
        _name=pl.when(~pl.col("by_id") | (pl.Series(u3) < 0.7)).then(
            pl.Series(names, dtype=pl.String)
        ),
        _invoice=pl.when("named").then("invoice_no"),
        _category=pl.when("labelled").then(
            pl.col("category").replace_strict(
                dict(enumerate(ref.category_names)), return_dtype=pl.String
            )
        ),
        _channel=pl.col("channel").replace_strict(
            dict(zip(ref.channel_codes, ref.channel_names, strict=True))
        ),
        _district=pl.when(pl.Series(u3) >= 0.1).then(
            pl.Series([ref.district_names[i] for i in m.district]).gather(mi)
        ),
    )


def _ids(frame: pl.DataFrame, prefix: str) -> pl.Expr:
    return pl.concat_str(
        pl.lit(prefix),
        pl.from_epoch("received", time_unit="s").dt.strftime("%Y%m%d"),
        (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(6),
    )


def write_complaints(out: Writer, w: World, c: pl.DataFrame, rng: np.random.Generator) -> None:
    """12345 hotline tickets as a JSON array; the tax bureau's own channels as one workbook."""
    common = _complaint_common(w, c)
    hotline = common.filter(pl.col("channel") == "12345")
    j = hotline.select(
        _ids(hotline, "GD").alias("工单编号"), pl.col("_received").alias("来电时间"),
        pl.col("_name").alias("被投诉单位"), pl.col("_id").alias("被投诉单位统一社会信用代码"),
        pl.col("_invoice").alias("涉及发票号码"), pl.col("_category").alias("诉求分类"),
        pl.col("_channel").alias("来源渠道"), pl.col("_district").alias("区县"),
        pl.col("text").alias("诉求内容"), pl.col("status").alias("办理状态"),
        pl.col("_resolved").alias("办结时间"),
    )  # fmt: skip
    roles = {"received_at": "来电时间", "resolved_at": "办结时间", "text": "诉求内容"}
    j, report = badrows.inject(
        j, roles, badrows.COMPLAINT_FLAWS, rate=NOISE, dup_rate=DUPS, rng=rng
    )
    rel = "complaints/complaints_12345.json"
    out.json_array(rel, j, "complaints")
    out.note_bad(rel, report)

    bureau = common.filter(pl.col("channel") != "12345")
    x = bureau.select(
        _ids(bureau, "TS").alias("投诉编号"), ts("received", "%Y-%m-%d %H:%M").alias("受理时间"),
        pl.col("_name").alias("被投诉商户"), pl.col("_id").alias("商户识别号"),
        pl.col("_invoice").alias("发票号码"), pl.col("_category").alias("投诉类别"),
        pl.col("_channel").alias("受理渠道"), pl.col("_district").alias("所属区"),
        pl.col("text").alias("投诉内容"), pl.col("status").alias("处理状态"),
        pl.when(pl.col("resolved") >= 0)
        .then(ts("resolved", "%Y-%m-%d %H:%M"))
        .alias("处理完成时间"),
    )  # fmt: skip
    roles = {"received_at": "受理时间", "resolved_at": "处理完成时间", "text": "投诉内容"}
    x, report = badrows.inject(
        x, roles, badrows.COMPLAINT_FLAWS, rate=NOISE, dup_rate=DUPS, rng=rng
    )
    rel = "complaints/complaints_12366.xlsx"
    out.xlsx(rel, [(Sheet(SHEET, x), "complaints", x.height)])
    out.note_bad(rel, report, sheet=SHEET)
