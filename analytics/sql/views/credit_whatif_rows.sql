-- The stored simulated scores of one period ($period) for the merchants the global filters
-- select, with their breakdowns: what the what-if (analytics.credit_whatif) rescores.
with final as (
    select
        merchant_id, merchant_name, district, industry, period_type, period, period_end,
        registered_on, invoices_issued, score, grade, rank, breakdown, scheme_id
    from credit_scores
    where period = $period
        and fw_attr_match(
            merchant_id, district, industry, size_band, software_vendor, is_individual,
            $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
        )
)

select * from final
