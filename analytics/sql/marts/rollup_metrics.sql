-- Rollup rows: sums (work_rollup_sums) joined with delay percentiles (work_rollup_delays).
-- The pipeline appends the registry's derived metrics, computed from the sums.
with final as (
    select
        s.dimension, s.value, $period_type::varchar as period_type, s.period, s.period_start,
        s.* exclude (dimension, value, period, period_start),
        d.delay_p50, d.delay_p95,
        null::bigint as prev_invoices_issued
    from work_rollup_sums s
    left join work_rollup_delays d
        on d.dimension = s.dimension and d.value = s.value and d.period = s.period
)

select * from final
