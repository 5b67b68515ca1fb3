-- A merchant's reminders (analytics.reminders), newest first: the invoices each covered and how
-- many of those are still pending entry.
with covered as (
    select reminder_id, unnest(invoice_nos) as invoice_no
    from reminders
    where merchant_id = $merchant_id
),

still as (
    select c.reminder_id, count(p.invoice_no) as still_pending
    from covered c
    left join pending_entries p
        on p.merchant_id = $merchant_id and p.invoice_no = c.invoice_no
    group by c.reminder_id
),

final as (
    select
        r.reminder_id,
        r.reminded_at,
        r.reminded_by,
        r.channel,
        len(r.invoice_nos) as invoices,
        coalesce(s.still_pending, 0) as still_pending,
        r.note,
        r.as_of
    from reminders r
    left join still s using (reminder_id)
    where r.merchant_id = $merchant_id
    order by r.reminded_at desc, r.reminder_id desc
)

select * from final
