-- Vendor incidents (开票软件系统性延迟): runs of issue days on which one invoicing software's
-- merchants, all of them together, failed to enter their invoices in time far more than usual,
-- such as an upload outage at the vendor: the cause is the software, not one merchant's habit.
-- A day is flagged when the vendor issued at least $min_invoices invoices and the share entered
-- late or missing is at least $factor times the vendor's median day and at least $floor;
-- flagged days at most $gap_days apart (a weekend in an outage) make one incident. Judged over
-- every merchant of the vendor (not filtered). Written whole after merchant_daily by the daily
-- stage (table vendor_incidents: a handful of rows, which pages read per snapshot). Days the
-- tax export lacks ($excluded_days, analytics.feeds) are left out: every software fails on
-- them together, through the export, not through any software.
with daily as (
    select
        m.software_vendor,
        d.day,
        sum(d.issued)::bigint as issued,
        sum(d.late + d.missing)::bigint as failed
    from merchant_daily as d
    inner join merchants as m using (merchant_id)
    where m.software_vendor is not null and not list_contains($excluded_days::date[], d.day)
    group by m.software_vendor, d.day
),

usual as (
    select software_vendor, median(failed / issued) as usual_share
    from daily
    where issued >= $min_invoices
    group by software_vendor
),

flagged as (
    select d.software_vendor, d.day, d.issued, d.failed, u.usual_share
    from daily as d
    inner join usual as u using (software_vendor)
    where d.issued >= $min_invoices
        and d.failed / d.issued >= greatest($factor * u.usual_share, $floor)
),

numbered as (
    select
        *,
        sum(case when day - previous > $gap_days then 1 else 0 end)
            over (partition by software_vendor order by day) as incident
    from (
        select *, lag(day, 1, day) over (partition by software_vendor order by day) as previous
        from flagged
    )
),

incidents as (
    select
        software_vendor,
        incident,
        min(day) as first_day,
        max(day) as last_day,
        count(*) as days,
        sum(issued)::bigint as invoices,
        sum(failed)::bigint as failed,
        any_value(usual_share) as usual_share
    from numbered
    group by software_vendor, incident
),

merchants_hit as (
    select n.software_vendor, n.incident, count(distinct d.merchant_id) as merchants
    from numbered as n
    inner join merchants as m on m.software_vendor = n.software_vendor
    inner join merchant_daily as d on d.merchant_id = m.merchant_id and d.day = n.day
    where d.late + d.missing > 0
    group by n.software_vendor, n.incident
),

final as (
    select
        i.software_vendor,
        i.first_day,
        i.last_day,
        i.days,
        i.invoices,
        i.failed,
        i.failed / i.invoices as share,
        i.usual_share,
        h.merchants
    from incidents as i
    left join merchants_hit as h using (software_vendor, incident)
    order by i.first_day, i.software_vendor
)

select * from final
