-- The delay of every issued invoice in recon_exceptions that has one (late, and mismatched or
-- duplicate ones recorded in time), with the attributes of its merchant-month: delay
-- percentiles and buckets of any attribute filter read these rows (about 2% of invoices)
-- instead of joining recon_exceptions to merchant months. Same rows and attributes as the
-- join in sql/views/delay_quantile.sql and delay_buckets.sql.
with delays as (
    select merchant_id, period, delay_workdays
    from recon_exceptions
    where subject = 'issued' and delay_workdays is not null and list_contains($months, period)
),

final as (
    select
        m.period, m.district, m.industry, m.size_band, m.software_vendor, m.is_individual,
        x.delay_workdays
    from delays as x
    join merchant_period_metrics as m
        on m.merchant_id = x.merchant_id and m.period = x.period and m.period_type = 'month'
)

select * from final
