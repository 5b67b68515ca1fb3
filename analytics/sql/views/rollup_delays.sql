-- Exact delay percentiles of one rollup group ($dimension, $value) per month in the range.
with final as (
    select period, delay_p50, delay_p95, true as delay_p95_exact
    from rollup_metrics
    where dimension = $dimension and value = $value and period_type = 'month'
        and period between $period_from and $period_to
)

select * from final
