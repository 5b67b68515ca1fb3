-- Feed gaps (数据源断档): runs of issue days that one feed lacks while the other holds them, so
-- the statuses of those days say more about the feed than about the merchants.
-- * An invoicing software's merchant log (feed 'log'): days on which the tax system holds
--   invoices issued by the software's merchants (merchants.software_vendor) and the log none
--   of theirs. Each of those invoices reads missing_in_merchant_log until the export arrives.
-- * The tax export (feed 'tax'): days on which the merchants' logs hold invoices and the tax
--   export none issued that day. Each reads pending, then missing, until the export arrives.
-- Gap days with no day of the feed between them make one run (a weekend inside stays inside);
-- an open run reaches past the feed's last day (not arrived yet), a closed one is a hole in
-- its past. The latest issue day of all is left out: it is still in progress, and a software
-- that exports nightly lacks it every morning. A run is kept with at least $min_invoices
-- invoices of the other side; the working days in it are counted by analytics.feeds, which
-- owns the calendar. Reads work_feed_days (feed_days.sql).
with settled as (  -- every day but the latest of all
    select * from work_feed_days
    where day < (select max(day) from work_feed_days)
),

feed_days as (  -- per feed and day: whether the feed holds the day, and the other side's count
    select 'log' as feed, software_vendor, day, logged > 0 as present, taxed as other
    from settled
    where software_vendor is not null
    union all
    select 'tax' as feed, null as software_vendor, day, sum(taxed) > 0 as present,
        sum(logged) as other
    from settled
    group by day
),

counted as (  -- a gap day's run: how many of the feed's own days came before it
    select
        *,
        sum(present::int) over (partition by feed, software_vendor order by day) as seen,
        sum(present::int) over (partition by feed, software_vendor) as held
    from feed_days
),

runs as (
    select
        feed,
        software_vendor,
        min(day) as first_day,
        max(day) as last_day,
        sum(other)::bigint as invoices,
        any_value(seen = held) as open
    from counted
    where not present
    group by feed, software_vendor, seen
),

final as (
    select * from runs where invoices >= $min_invoices
)

select * from final
order by feed, software_vendor, first_day
