-- Feed coverage (analytics.feeds): the issue days each feed holds, first and last, and its
-- invoices: the tax export ('tax', with its latest entry into the tax system) and each
-- invoicing software's merchant log ('log'). How current each source is, beside its gaps
-- (feed_gaps.sql). Reads work_feed_days (feed_days.sql).
with logs as (
    select
        'log' as feed,
        software_vendor,
        min(day) filter (where logged > 0) as first_day,
        max(day) filter (where logged > 0) as last_day,
        sum(logged)::bigint as invoices,
        null::timestamp as last_entry
    from work_feed_days
    where software_vendor is not null
    group by software_vendor
),

tax as (
    select
        'tax' as feed,
        null::varchar as software_vendor,
        min(day) filter (where taxed > 0) as first_day,
        max(day) filter (where taxed > 0) as last_day,
        sum(taxed)::bigint as invoices,
        (select max(recorded_at) from tax_records) as last_entry
    from work_feed_days
),

final as (
    select * from tax
    union all
    select * from logs
)

select * from final
order by feed desc, software_vendor
