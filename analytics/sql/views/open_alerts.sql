-- Alerts of merchants in scope that still need someone (new or acknowledged), and how many of
-- them were first seen in the last month of the range.
with scoped as (
    select merchant_id
    from fw_merchants($merchant_ids, $districts, $industries, $size_bands, $vendors, $individual)
),

final as (
    select
        count(*) as open_alerts,
        count(*) filter (where period = $period_to) as new_in_period
    from alerts
    where status in ('new', 'acknowledged')
        and merchant_id in (select merchant_id from scoped)
)

select * from final
