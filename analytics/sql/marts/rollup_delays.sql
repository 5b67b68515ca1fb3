-- Delay percentiles per rollup group, from the underlying recorded invoices (a percentile of
-- merchant percentiles would not be the group's percentile). Groups as in rollup_sums.sql;
-- each invoice is joined to its merchant-period attributes once, then grouping sets.
with attrs as (
    select merchant_id, period,
        coalesce(district, 'unknown') as district,
        coalesce(industry, 'unknown') as industry,
        coalesce(size_band, 'unknown') as size_band,
        coalesce(software_vendor, 'unknown') as software_vendor,
        is_individual::varchar as is_individual
    from merchant_period_metrics
    where period_type = $period_type and list_contains($periods, period)
),

delays as (
    select merchant_id, fw_period_key(period, $period_type) as p, delay_workdays
    from recon_facts
    where subject = 'issued' and not is_void and is_recorded and delay_workdays is not null
        and list_contains($months, period)
),

grouped as (
    select a.period,
        case
            when grouping(a.district) = 0 then 'district'
            when grouping(a.industry) = 0 then 'industry'
            when grouping(a.size_band) = 0 then 'size_band'
            when grouping(a.software_vendor) = 0 then 'software_vendor'
            when grouping(a.is_individual) = 0 then 'is_individual'
            else 'all'
        end as dimension,
        -- within a grouping set only the grouped attribute is non-null
        coalesce(a.district, a.industry, a.size_band, a.software_vendor, a.is_individual, 'all')
            as value,
        quantile_cont(x.delay_workdays, [0.5, 0.95]) as q
    from delays x
    join attrs a on a.merchant_id = x.merchant_id and a.period = x.p
    group by grouping sets ((a.period), (a.period, a.district), (a.period, a.industry),
        (a.period, a.size_band), (a.period, a.software_vendor), (a.period, a.is_individual))
),

final as (
    select dimension, value, period, q[1]::double as delay_p50, q[2]::double as delay_p95
    from grouped
)

select * from final
