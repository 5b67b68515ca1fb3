-- (merchant, name, attributes) of the month rows of $months that merchant_keys does not hold
-- yet, numbered from $next_key + 1 (in USCC order, so a tie broken by key is one broken by
-- USCC). Attributes may be null (merchants missing from the registry): matched as values.
with tuples as (
    select distinct
        merchant_id, merchant_name, district, industry, size_band, software_vendor, is_individual
    from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
),

new as (
    select t.*
    from tuples as t
    anti join merchant_keys as k
        on k.merchant_id is not distinct from t.merchant_id
        and k.merchant_name is not distinct from t.merchant_name
        and k.district is not distinct from t.district
        and k.industry is not distinct from t.industry
        and k.size_band is not distinct from t.size_band
        and k.software_vendor is not distinct from t.software_vendor
        and k.is_individual is not distinct from t.is_individual
),

final as (
    select
        ($next_key + row_number() over (
            order by merchant_id, merchant_name, district, industry, size_band,
                software_vendor, is_individual
        ))::integer as entry_key,
        *
    from new
)

select * from final
