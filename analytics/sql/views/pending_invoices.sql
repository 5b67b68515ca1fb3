-- Every invoice pending entry (pending_entries) with its merchant's name and attributes, for
-- the reminder list (fapiao-watch report pending); analytics.views.pending_invoices narrows it.
with final as (
    select
        p.merchant_id, m.name as merchant_name,
        m.district, m.industry, m.size_band, m.software_vendor, m.is_individual,
        p.invoice_no, p.issued_at, p.deadline_day, p.workdays_left, p.total_amount, p.is_red
    from pending_entries p
    left join merchants m using (merchant_id)
)

select * from final
