-- One merchant's monthly metric rows in the period range.
with final as (
    select *
    from merchant_period_metrics
    where merchant_id = $merchant_id
        and period_type = 'month'
        and period between $period_from and $period_to
)

select * from final
