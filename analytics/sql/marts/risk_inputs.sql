-- What the entry-risk forecast reads (analytics.risk.panel): per merchant and settled month
-- from $first to $last, the invoices due, those not entered on time (late or missing), the
-- delay p95 and the volume change, with the month's attributes (the latest are kept).
with monthly as (
    select
        merchant_id,
        period,
        invoices_due,
        coalesce(late_count, 0) + coalesce(missing_count, 0) as not_on_time,
        delay_p95,
        volume_change,
        district,
        industry,
        size_band,
        software_vendor,
        is_individual
    from merchant_period_metrics
    where period_type = 'month'
        and period between $first and $last
        and merchant_id is not null
),

final as (
    select * from monthly
)

select * from final
