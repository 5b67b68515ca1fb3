"""What the dashboard's global filters select (:class:`Filters`), shared by the read-side
views over merchant rows (``analytics.views``) and over the aggregate marts
(``analytics.cube_views``). ``analytics.views`` re-exports both names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import polars as pl

DIMENSIONS: Final = ("district", "industry", "size_band", "software_vendor", "is_individual")


@dataclass(frozen=True)
class Filters:
    """The global filters: a month range and attribute selections (empty = everything).

    Values are as the warehouse stores them: districts by Chinese name, industries, size bands
    and vendors by code (or name where the registry holds one). Frozen and made of tuples, so
    it is hashable and Streamlit's cache can key on it.
    """

    period_from: str
    period_to: str
    districts: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    individual: bool | None = None
    merchant_ids: tuple[str, ...] = ()  # narrows to these merchants (USCC), e.g. one profile

    def params(self) -> dict[str, Any]:
        return {
            "period_from": self.period_from,
            "period_to": self.period_to,
            "districts": list(self.districts),
            "industries": list(self.industries),
            "size_bands": list(self.size_bands),
            "vendors": list(self.vendors),
            "individual": self.individual,
            "merchant_ids": list(self.merchant_ids),
        }

    def attribute_mask(self) -> pl.Expr:
        """The attribute filters (not the months) over a frame with ``merchant_id`` and the
        attribute columns, as ``sql/views/macros.sql``'s ``fw_attr_match`` applies them: a
        null attribute (a merchant missing from the registry) passes only where no filter is
        set on it."""
        mask = pl.lit(True)
        chosen = (
            ("merchant_id", self.merchant_ids),
            ("district", self.districts),
            ("industry", self.industries),
            ("size_band", self.size_bands),
            ("software_vendor", self.vendors),
        )
        for column, values in chosen:
            if values:
                mask &= pl.col(column).is_in(list(values)).fill_null(False)
        if self.individual is not None:
            mask &= (pl.col("is_individual") == self.individual).fill_null(False)
        return mask

    def with_periods(self, period_from: str, period_to: str) -> Filters:
        return replace(self, period_from=period_from, period_to=period_to)

    def merchant(self, merchant_id: str) -> Filters:
        """One merchant over the same months, whatever the attribute filters."""
        return Filters(self.period_from, self.period_to, merchant_ids=(merchant_id,))

    def rollup_group(self) -> tuple[str, str] | None:
        """The ``rollup_metrics`` group these filters select, if one does (none or one filter
        with one value); there the snapshot holds exact delay percentiles."""
        chosen = {
            "district": self.districts,
            "industry": self.industries,
            "size_band": self.size_bands,
            "software_vendor": self.vendors,
            "is_individual": () if self.individual is None else (str(self.individual).lower(),),
        }
        active = {k: v for k, v in chosen.items() if v}
        if self.merchant_ids:
            return None
        if not active:
            return ("all", "all")
        if len(active) == 1:
            ((dimension, values),) = active.items()
            if len(values) == 1:
                return (dimension, values[0])
        return None


def complaint_scope(
    f: Filters, invoice_months: Sequence[str], complaint_months: Sequence[str]
) -> tuple[Filters, list[str]]:
    """The filters for complaint views, and the months they add.

    The period filter offers the months that hold invoices, so complaints received after the
    last of them (a complaint feed ahead of the invoice feeds) would belong to no month it
    offers. When the range ends at the last invoice month, it is extended to the last
    complaint month; the months added are returned so a page can say so. A range that ends
    earlier is the user's choice and is kept."""
    if not invoice_months or f.period_to != max(invoice_months):
        return f, []
    later = sorted(m for m in set(complaint_months) if m > f.period_to)
    if not later:
        return f, []
    return f.with_periods(f.period_from, later[-1]), later
