-- One merchant's invoices pending entry (not in the tax system, deadline still ahead), with the
-- deadline day and the working time left; the period range does not apply.
with final as (
    select
        invoice_no, period, issued_at, deadline_day,
        workdays_left, total_amount, is_red
    from pending_entries
    where merchant_id = $merchant_id
)

select * from final
