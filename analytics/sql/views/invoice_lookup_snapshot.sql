-- 发票查询 (analytics.invoice_lookup), first step, on the serving snapshot: the invoice numbers
-- of $invoice_nos that need a person's attention, as recon_exceptions holds them (late,
-- missing, mismatched, duplicate, in the tax system but not in the merchant's log), and those
-- whose entry deadline is still ahead (pending_entries). The reason of a pending invoice is
-- worded here: pending_entries keeps its deadline and working days left, not a sentence.
with exceptions as (
    select
        subject_id as invoice_no, subject, status, reason_zh, reason_en, merchant_id, period,
        issued_at, recorded_at, deadline_at, delay_workdays, total_issued, total_recorded,
        is_red, is_void, tax_status, duplicate_of
    from recon_exceptions
    where subject in ('issued', 'tax_record') and list_contains($invoice_nos, subject_id)
),

pending as (
    select
        invoice_no, 'issued' as subject, 'pending_entry' as status,
        format('开票 {}，尚未入库；入库期限 {} 日终，剩余 {} 个工作日',
            strftime(issued_at, '%Y-%m-%d %H:%M'), strftime(deadline_day, '%Y-%m-%d'),
            printf('%.1f', workdays_left)) as reason_zh,
        format('issued {}, not yet in the tax system; deadline end of {}, {} working days left',
            strftime(issued_at, '%Y-%m-%d %H:%M'), strftime(deadline_day, '%Y-%m-%d'),
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

select * from final order by invoice_no, subject
