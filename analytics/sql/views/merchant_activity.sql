-- One merchant's invoices issued per day or ISO week ($grain), with what happened to them:
-- recorded on time, late, missing, or still pending (by issue day, like every metric).
with days as (
    select *
    from merchant_daily
    where merchant_id = $merchant_id and period between $period_from and $period_to
),

final as (
    select
        date_trunc($grain, day)::date as day,
        sum(issued)::bigint as issued,
        sum(recorded_on_time)::bigint as recorded_on_time,
        sum(late)::bigint as late,
        sum(missing)::bigint as missing,
        sum(pending)::bigint as pending,
        sum(amount_issued)::decimal(18, 2) as amount_issued,
        sum(amount_recorded)::decimal(18, 2) as amount_recorded
    from days
    group by all
)

select * from final
