-- pending_reminded.sql for a snapshot with no reminders table: nothing was reminded.
with final as (
    select
        merchant_id,
        count(*) as not_reminded,
        0 as reminders,
        null::timestamp as last_reminded_at,
        null::varchar as last_reminded_by,
        null::varchar as last_channel
    from pending_entries
    group by merchant_id
)

select * from final
