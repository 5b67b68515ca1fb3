-- Per invoice a reminder (analytics.reminders) covered: when it was last reminded about and by
-- whom, for the reminder list (催报清单).
with covered as (
    select reminder_id, merchant_id, reminded_at, reminded_by, unnest(invoice_nos) as invoice_no
    from reminders
),

final as (
    select
        merchant_id,
        invoice_no,
        max(reminded_at) as last_reminded_at,
        arg_max(reminded_by, reminder_id) as last_reminded_by
    from covered
    group by merchant_id, invoice_no
)

select * from final
