-- The entry counts ($entry_columns: due, recorded, on time, late, missing) of each merchant
-- month in $months under the integer key of its merchant and attributes (merchant_keys), with
-- the attributes for filtering: what "merchants below a threshold" sums per merchant over a
-- range without grouping by strings.
with mp as (
    select * from merchant_period_metrics
    where period_type = 'month' and list_contains($months, period)
),

final as (
    select
        k.entry_key,
        mp.period, mp.district, mp.industry, mp.size_band, mp.software_vendor, mp.is_individual,
        columns(lambda c: list_contains($entry_columns, c))
    from mp
    join merchant_keys as k
        on k.merchant_id is not distinct from mp.merchant_id
        and k.merchant_name is not distinct from mp.merchant_name
        and k.district is not distinct from mp.district
        and k.industry is not distinct from mp.industry
        and k.size_band is not distinct from mp.size_band
        and k.software_vendor is not distinct from mp.software_vendor
        and k.is_individual is not distinct from mp.is_individual
)

select * from final
