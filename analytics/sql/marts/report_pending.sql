-- Self-check report: the merchants' invoices of the months $months not in the tax system yet
-- whose entry deadline is still ahead (pending_entries), nearest deadline first.
with rows as (
    select merchant_id, invoice_no, issued_at, deadline_at, workdays_left, total_amount
    from pending_entries
    where list_contains($merchant_ids, merchant_id) and list_contains($months, period)
),

final as (
    select * from rows
    order by merchant_id, workdays_left nulls last, issued_at, invoice_no
)

select * from final
