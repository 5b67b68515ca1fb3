-- How this run's alert conditions (work_alert_hits: one row per rule, merchant and month that
-- holds, analytics/alert_rules.py) change the alerts table. A hit inside the months an alert
-- of the same rule and merchant already spans, whatever its status, is known: dropped, so a
-- re-run never duplicates and a resolved alert stays resolved. The rest, per rule and merchant:
-- extend the open (new / acknowledged) alert if there is one, else open a new alert.
with hits as (
    select * from work_alert_hits
),

fresh as (
    select h.* from hits h
    where not exists (
        select 1 from alerts a
        where a.rule = h.rule and a.merchant_id = h.merchant_id
            and h.period between a.period and a.last_seen_period
    )
),

latest as (
    select *, min(period) over (partition by rule, merchant_id) as first_period
    from fresh
    qualify row_number() over (partition by rule, merchant_id order by period desc) = 1
),

open_alerts as (
    select rule, merchant_id, alert_id from alerts
    where status in ('new', 'acknowledged')
    qualify row_number() over (partition by rule, merchant_id order by alert_id desc) = 1
),

final as (
    select l.*, o.alert_id as open_alert_id
    from latest l
    left join open_alerts o on o.rule = l.rule and o.merchant_id = l.merchant_id
)

select * from final
