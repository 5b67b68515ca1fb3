-- Months with invoices, for the period filter.
with final as (
    select period, period_start
    from rollup_metrics
    where dimension = 'all' and period_type = 'month' and invoices_issued > 0
)

select * from final
