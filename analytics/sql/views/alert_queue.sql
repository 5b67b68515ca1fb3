-- Alerts of the merchants in scope (registry attributes, as the overview counts open alerts;
-- alerts are a to-do list, so the month range does not hide one), narrowed by status, rule
-- and severity (an empty list means all).
with scoped as (
    select merchant_id
    from fw_merchants($merchant_ids, $districts, $industries, $size_bands, $vendors, $individual)
),

-- the alert's own note column holds the last note given; the acknowledgement's and the
-- resolution's are kept apart from its history, so a resolution does not hide what was
-- noted on acknowledging
notes as (
    select alert_id,
        arg_max(note, event_id) filter (where action = 'acknowledged') as acknowledged_note,
        arg_max(note, event_id) filter (where action = 'resolved') as resolved_note
    from alert_events
    where note is not null
    group by alert_id
),

final as (
    select a.*, n.acknowledged_note, n.resolved_note
    from alerts as a
    left join notes as n using (alert_id)
    where a.merchant_id in (select merchant_id from scoped)
        and (len($statuses) = 0 or list_contains($statuses, a.status))
        and (len($rules) = 0 or list_contains($rules, a.rule))
        and (len($severities) = 0 or list_contains($severities, a.severity))
)

select * from final
