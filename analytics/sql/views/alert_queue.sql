-- Alerts of the merchants in scope (registry attributes, as the overview counts open alerts;
-- alerts are a to-do list, so the month range does not hide one), narrowed by status, rule
-- and severity (an empty list means all).
with scoped as (
    select merchant_id
    from fw_merchants($merchant_ids, $districts, $industries, $size_bands, $vendors, $individual)
),

final as (
    select a.*
    from alerts as a
    where a.merchant_id in (select merchant_id from scoped)
        and (len($statuses) = 0 or list_contains($statuses, a.status))
        and (len($rules) = 0 or list_contains($rules, a.rule))
        and (len($severities) = 0 or list_contains($severities, a.severity))
)

select * from final
