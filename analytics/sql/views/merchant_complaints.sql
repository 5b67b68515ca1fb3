-- Complaints linked to one merchant in the period range.
with final as (
    select
        complaint_id, period, received_at, category, category_source, channel, invoice_no,
        invoice_status, invoice_reason_zh, invoice_reason_en, status, resolved_at,
        resolution_days, link_method
    from complaint_links
    where merchant_id = $merchant_id and period between $period_from and $period_to
)

select * from final
