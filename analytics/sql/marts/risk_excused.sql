-- Failures the entry-risk forecast does not count (analytics.risk_stage): per merchant and
-- month from $first to $last, its invoices late or missing that were issued during a delay at
-- its own invoicing software (the vendor incidents of analytics.delay_views, passed as
-- $vendors / $firsts / $lasts, one incident per position): the software's doing, which no
-- merchant's history foretells. A null software stands for a day the tax export lacks
-- (analytics.feeds): every merchant's invoices of those days, which incidents leave out.
with incidents as (
    select
        unnest($vendors::varchar[]) as software_vendor,
        unnest($firsts)::date as first_day,
        unnest($lasts)::date as last_day
),

excused as (
    select d.merchant_id, d.period, sum(d.late + d.missing)::bigint as excused
    from merchant_daily as d
    inner join merchants as m using (merchant_id)
    inner join incidents as i
        on (i.software_vendor is null or i.software_vendor = m.software_vendor)
        and d.day between i.first_day and i.last_day
    where d.period between $first and $last and d.late + d.missing > 0
    group by d.merchant_id, d.period
),

final as (
    select * from excused
)

select * from final
