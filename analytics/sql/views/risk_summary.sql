-- The entry-risk forecast over the merchants in scope (see risk_merchants.sql), one row:
-- merchants forecast, the failures expected (the sum of their risks) and the merchants
-- whose risk is at least $threshold.
with scoped as (
    select risk
    from risk_scores
    where fw_attr_match(
        merchant_id, district, industry, size_band, software_vendor, is_individual,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
),

final as (
    select
        count(*) as merchants,
        coalesce(sum(risk), 0) as expected_failures,
        count(*) filter (where risk >= $threshold) as at_risk
    from scoped
)

select * from final
