"""The Invoice lookup page's panels: the answer for one number in a box, the reconciliation rows
of all numbers (a row opens its merchant's profile), the rows rejected at import, and the
numbers found nowhere or not confirmable while the warehouse is busy."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.invoice_lookup import Lookup
from dashboard import components
from dashboard.components import Col
from dashboard.i18n import catalogue_labels, code_label, lang, listing, ref_labels, t

# How the box for a single number looks, by status: what the official can tell the customer.
_BOX = {
    "entered_on_time": st.success,
    "pending_entry": st.info,
    "missing_in_system": st.error,
}


def invalid(pieces: dict[str, str]) -> None:
    if pieces:
        st.warning(t("invoice_lookup.invalid", numbers=listing(pieces)))


def summary(result: Lookup) -> None:
    """One number: its answer in a box, coloured by what it means for the customer (an order:
    one box for its payment and one for each invoice issued for it). Several: how many were
    found where."""
    found = result.found
    rejected = set(result.rejected["asked"].to_list()) if result.rejected.height else set()
    if len(result.numbers) == 1 and found.height:
        status = code_label("status")
        reason = "reason_zh" if lang() == "zh" else "reason_en"
        subject = code_label("invoice_lookup.subject")
        for r in found.iter_rows(named=True):
            box = _BOX.get(r["status"], st.warning)
            words = {"status": status(r["status"]), "reason": r[reason]}
            if r["asked"] in result.orders:
                box(
                    t(
                        "invoice_lookup.one.of",
                        what=f"{subject(r['subject'])} {r['subject_id']}",
                        **words,
                    )
                )
            else:
                box(t("invoice_lookup.one", **words))
        return
    if len(result.numbers) > 1:
        st.caption(
            t(
                "invoice_lookup.summary",
                n=len(result.numbers),
                found=found["asked"].n_unique() if found.height else 0,
                rejected=len(rejected),
                not_found=len(result.not_found),
            )
        )


def found(result: Lookup) -> None:
    """Every reconciliation row of the numbers; selecting one opens the merchant's profile."""
    if result.found.is_empty():
        return
    st.subheader(t("invoice_lookup.results"))
    reason = "reason_zh" if lang() == "zh" else "reason_en"
    subjects = catalogue_labels("invoice_lookup.subject", ["issued", "tax_record", "payment"])
    frame = result.found.with_columns(
        pl.col("status").replace(catalogue_labels("status", result.found["status"].to_list())),
        pl.col(reason).alias("reason"),
        pl.col("subject").replace(subjects),
        pl.col("district").replace(ref_labels("districts")),
    )
    record = Col("subject", t("invoice_lookup.col.subject"))
    records = [record, Col("subject_id", t("invoice_lookup.col.subject_id"))]
    cols = [
        Col("asked", t("invoice_lookup.col.invoice_no")),
        *(records if result.orders else []),
        Col("status", t("invoice_lookup.col.status")),
        Col("reason", t("invoice_lookup.col.reason")),
        Col("merchant_name", t("invoice_lookup.col.merchant")),
        Col("merchant_id", t("invoice_lookup.col.merchant_id")),
        Col("district", t("invoice_lookup.col.district")),
        Col("issued_at", t("invoice_lookup.col.issued_at"), "datetime"),
        Col("recorded_at", t("invoice_lookup.col.recorded_at"), "datetime"),
        Col("total_issued", t("invoice_lookup.col.total_issued"), "yuan"),
        Col("total_recorded", t("invoice_lookup.col.total_recorded"), "yuan"),
        Col("is_red", t("invoice_lookup.col.is_red"), "bool"),
        Col("tax_status", t("invoice_lookup.col.tax_status")),
    ]
    if not result.orders:
        cols.append(record)
    components.merchant_table(frame, cols, key="il_found", stem=t("invoice_lookup.stem"))


def rejected(result: Lookup) -> None:
    """The rows naming a number that were rejected at import, with their file and reasons."""
    if result.rejected.is_empty():
        return
    st.subheader(t("invoice_lookup.rejected"), help=t("invoice_lookup.rejected.help"))
    reasons = ref_labels("reason_codes")
    frame = result.rejected.with_columns(
        pl.col("reasons").list.eval(pl.element().replace(reasons)).list.join(" / "),
        pl.col("kind").replace(
            catalogue_labels("kind", result.rejected["kind"].unique().to_list())
        ),
    )
    cols = [
        Col("asked", t("invoice_lookup.col.invoice_no")),
        Col("file_name", t("invoice_lookup.col.file")),
        Col("kind", t("invoice_lookup.col.kind")),
        Col("row_number", t("invoice_lookup.col.row"), "count"),
        Col("reasons", t("invoice_lookup.col.reasons")),
        Col("detail", t("invoice_lookup.col.detail")),
        Col("imported_at", t("invoice_lookup.col.imported_at"), "datetime"),
    ]
    components.table(frame, cols, key="il_rejected", stem=f"{t('invoice_lookup.stem')}-rejected")


def missing(result: Lookup) -> None:
    """Numbers found nowhere, and those the busy warehouse could not confirm."""
    if result.not_found:
        st.info(t("invoice_lookup.not_found", numbers=listing(result.not_found)))
    if result.unchecked:
        st.warning(t("invoice_lookup.unchecked", numbers=listing(result.unchecked)))
