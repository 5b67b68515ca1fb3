-- 发票查询 (analytics.invoice_lookup), first step, on the serving snapshot. For the invoice
-- numbers of $invoice_nos: the exceptions recon_exceptions holds (late, missing, mismatched,
-- duplicate, in the tax system but not in the merchant's log) and the invoices whose entry
-- deadline is still ahead (pending_entries). For the order numbers of $order_ids (the payment
-- a customer asked an invoice for): the payment when it is an exception (not or under-invoiced)
-- and its invoices that are. `asked` is the number each row answers. The reason of a pending
-- invoice is worded here: pending_entries keeps its deadline and working days left, not a
-- sentence.
with invoices as (
    select subject_id as asked, *
    from recon_exceptions
    where subject in ('issued', 'tax_record') and list_contains($invoice_nos, subject_id)
),

orders as (  -- apart from the invoices, as in invoice_lookup_warehouse.sql: one OR cost 2x
    select case when subject = 'payment' then subject_id else payment_id end as asked, *
    from recon_exceptions
    where (subject = 'payment' and list_contains($order_ids, subject_id))
        or (subject = 'issued' and list_contains($order_ids, payment_id))
),

exceptions as (
    select
        asked, subject, subject_id, status, reason_zh, reason_en, merchant_id, period,
        issued_at, recorded_at, deadline_at, delay_workdays, total_issued, total_recorded,
        is_red, is_void, tax_status, duplicate_of
    from (select * from invoices union all select * from orders)
),

pending as (
    select
        invoice_no as asked, 'issued' as subject, invoice_no as subject_id,
        'pending_entry' as status,
        format('开票 {}，尚未入库；入库期限 {}，剩余 {} 个工作日',
            strftime(issued_at, '%Y-%m-%d %H:%M'), strftime(deadline_at, '%Y-%m-%d %H:%M'),
            printf('%.1f', workdays_left)) as reason_zh,
        format('issued {}, not yet in the tax system; deadline {}, {} working days left',
            strftime(issued_at, '%Y-%m-%d %H:%M'), strftime(deadline_at, '%Y-%m-%d %H:%M'),
            printf('%.1f', workdays_left)) as reason_en,
        merchant_id, period, issued_at, null::timestamp as recorded_at, deadline_at,
        null::double as delay_workdays, total_amount as total_issued,
        null::decimal(18, 2) as total_recorded, is_red, false as is_void,
        null::varchar as tax_status, null::varchar as duplicate_of
    from pending_entries
    where list_contains($invoice_nos, invoice_no)
),

final as (
    select r.*, m.name as merchant_name, m.district
    from (select * from exceptions union all by name select * from pending) as r
    left join merchants as m using (merchant_id)
)

select * from final order by asked, subject, subject_id
