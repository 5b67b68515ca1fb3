-- The invoices pending entry (pending_entries) of the merchants in scope, with the merchant's
-- name and attributes: the reminder list (fapiao-watch report pending) and a merchant's
-- profile. The period range does not apply: pending is about the as-of time.
with final as (
    select
        p.merchant_id, m.name as merchant_name,
        m.district, m.industry, m.size_band, m.software_vendor, m.is_individual,
        p.invoice_no, p.period, p.issued_at, p.deadline_at, p.workdays_left,
        p.total_amount, p.is_red
    from pending_entries p
    left join merchants m using (merchant_id)
    where fw_attr_match(
        p.merchant_id, m.district, m.industry, m.size_band, m.software_vendor, m.is_individual,
        $merchant_ids, $districts, $industries, $size_bands, $vendors, $individual
    )
)

select * from final
