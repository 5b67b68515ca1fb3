-- What became of each invoice a reminder (analytics.reminders) covered, one row per reminder and
-- invoice, with the merchant's attributes: still pending entry (pending), past its deadline and
-- not in the tax system (missing), entered after its deadline (late), another exception of the
-- issued invoice such as an amount mismatch (other), or none of these: entered by its deadline
-- (on_time; a voided invoice counts by its entry).
with covered as (
    select reminder_id, merchant_id, unnest(invoice_nos) as invoice_no
    from reminders
),

exceptions as (
    select
        subject_id as invoice_no,
        min(
            case status when 'missing_in_system' then 1 when 'entered_late' then 2 else 3 end
        ) as worst
    from recon_exceptions
    where subject = 'issued' and subject_id in (select invoice_no from covered)
    group by subject_id
),

final as (
    select
        c.reminder_id,
        c.merchant_id,
        c.invoice_no,
        case
            when p.invoice_no is not null then 'pending'
            when e.worst = 1 then 'missing'
            when e.worst = 2 then 'late'
            when e.worst = 3 then 'other'
            else 'on_time'
        end as outcome,
        m.district, m.industry, m.size_band, m.software_vendor, m.is_individual
    from covered c
    left join pending_entries p
        on p.merchant_id = c.merchant_id and p.invoice_no = c.invoice_no
    left join exceptions e on e.invoice_no = c.invoice_no
    left join merchants m on m.merchant_id = c.merchant_id
)

select * from final
