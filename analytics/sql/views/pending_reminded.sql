-- Per merchant with invoices pending entry: how many of them no reminder covered yet (never
-- reminded, or pending since its last reminder), and that last reminder (analytics.reminders).
with covered as (
    select distinct merchant_id, unnest(invoice_nos) as invoice_no
    from reminders
),

open as (
    select
        p.merchant_id,
        count(*) filter (where c.invoice_no is null) as not_reminded
    from pending_entries p
    left join covered c using (merchant_id, invoice_no)
    group by p.merchant_id
),

last as (
    select
        merchant_id,
        count(*) as reminders,
        max(reminded_at) as last_reminded_at,
        arg_max(reminded_by, reminder_id) as last_reminded_by,
        arg_max(channel, reminder_id) as last_channel
    from reminders
    group by merchant_id
),

final as (
    select
        o.merchant_id,
        o.not_reminded,
        coalesce(l.reminders, 0) as reminders,
        l.last_reminded_at,
        l.last_reminded_by,
        l.last_channel
    from open o
    left join last l using (merchant_id)
)

select * from final
