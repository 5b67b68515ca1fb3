-- For alerts ($alert_ids, $merchant_ids, $firsts / $lasts: first and last month seen, one per
-- position): the merchant's invoices late or missing in those months that were issued during
-- a delay at its own invoicing software (the vendor incidents of analytics.delay_views, passed
-- as $incident_vendors / $incident_firsts / $incident_lasts), beside all of them then. Alerts
-- with none are left out; months with two incidents of the software list both, in order.
with chosen as (
    select
        unnest($alert_ids::bigint[]) as alert_id,
        unnest($merchant_ids::varchar[]) as merchant_id,
        unnest($firsts::varchar[]) as period,
        unnest($lasts::varchar[]) as last_seen_period
),

incidents as (
    select
        unnest($incident_vendors::varchar[]) as software_vendor,
        unnest($incident_firsts::date[]) as first_day,
        unnest($incident_lasts::date[]) as last_day
),

per_incident as (
    select
        a.alert_id,
        i.software_vendor,
        i.first_day,
        i.last_day,
        sum(d.late + d.missing)::bigint as failed
    from chosen as a
    inner join merchants as m using (merchant_id)
    inner join incidents as i on i.software_vendor = m.software_vendor
    inner join merchant_daily as d
        on d.merchant_id = a.merchant_id and d.day between i.first_day and i.last_day
    where d.period between a.period and a.last_seen_period and d.late + d.missing > 0
    group by all
),

hit as (
    select
        alert_id,
        any_value(software_vendor) as incident_vendor,
        list({'first': first_day, 'last': last_day} order by first_day) as incident_spans,
        sum(failed)::bigint as incident_failed
    from per_incident
    group by alert_id
),

final as (
    select h.*, sum(d.late + d.missing)::bigint as months_failed
    from hit as h
    inner join chosen as a using (alert_id)
    inner join merchant_daily as d
        on d.merchant_id = a.merchant_id and d.period between a.period and a.last_seen_period
    group by all
)

select * from final
