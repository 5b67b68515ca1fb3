-- Per merchant (and name and attributes, as merchant_keys numbers them) the entry counts
-- ($entry_columns) summed over the range for the attribute filters, where at least $min_due
-- invoices were due; analytics.cube_views adds the rates, the threshold and the order.
with scoped as (
    select *
    from merchant_entry
    where period between $period_from and $period_to
        and fw_attrs_in(
            district, industry, size_band, software_vendor, is_individual,
            $districts, $industries, $size_bands, $vendors, $individual
        )
),

sums as (
    select entry_key, sum(columns(lambda c: list_contains($entry_columns, c)))::bigint
    from scoped
    group by entry_key
    having sum(invoices_due) >= $min_due
),

final as (
    select
        k.merchant_id, k.merchant_name,
        k.district, k.industry, k.size_band, k.software_vendor, k.is_individual,
        s.* exclude (entry_key)
    from sums as s
    join merchant_keys as k on k.entry_key = s.entry_key
)

select * from final
