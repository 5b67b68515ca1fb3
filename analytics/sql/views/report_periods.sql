-- Months and quarters in which merchants issued invoices: the periods a self-check report can
-- cover (a month holding only payments or complaints has nothing to check entry against).
with final as (
    select period_type, period
    from merchant_period_metrics
    where period_type in ('month', 'quarter')
    group by period_type, period
    having sum(invoices_issued) > 0
)

select * from final
