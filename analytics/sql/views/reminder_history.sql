-- A merchant's reminders (analytics.reminders), newest first; what became of their invoices is
-- counted from reminder_outcomes.sql.
with final as (
    select
        reminder_id,
        reminded_at,
        reminded_by,
        channel,
        len(invoice_nos) as invoices,
        note,
        as_of
    from reminders
    where merchant_id = $merchant_id
    order by reminded_at desc, reminder_id desc
)

select * from final
