-- One merchant's reconciliation exceptions in the period range, with reasons in both languages.
with final as (
    select
        subject, subject_id, period, status, issued_at, recorded_at, deadline_at, paid_at,
        delay_workdays, total_issued, total_recorded, amount_paid, difference,
        buyer_name, payment_id, tax_status, duplicate_of, reason_zh, reason_en
    from recon_exceptions
    where merchant_id = $merchant_id and period between $period_from and $period_to
)

select * from final
