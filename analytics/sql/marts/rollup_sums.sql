-- Rollup sums: merchant_period_metrics rows of $period_type / $periods summed per dimension
-- value. Summed columns come from the metric registry ($count_columns, $amount_columns) so a
-- new base metric rolls up without editing this file. Rates are re-derived from the sums.
with mp as (
    select * from merchant_period_metrics
    where period_type = $period_type and list_contains($periods, period)
),

labelled as (
    select * exclude (district, industry, size_band, software_vendor, is_individual),
        'all' as "all",
        coalesce(district, 'unknown') as district,
        coalesce(industry, 'unknown') as industry,
        coalesce(size_band, 'unknown') as size_band,
        coalesce(software_vendor, 'unknown') as software_vendor,
        is_individual::varchar as is_individual
    from mp
),

dims as (
    unpivot labelled
    on "all", district, industry, size_band, software_vendor, is_individual
    into name dimension value value
),

final as (
    select dimension, value, period, min(period_start) as period_start,
        sum(columns(lambda c: list_contains($count_columns, c)))::bigint,
        sum(columns(lambda c: list_contains($amount_columns, c)))::decimal(18, 2)
    from dims
    group by dimension, value, period
)

select * from final
