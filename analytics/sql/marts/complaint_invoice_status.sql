-- Reconciliation status of each invoice a complaint names (temp table complaint_invoice_status).
-- $invoices: the distinct invoice numbers complaints name (thousands at most). A constant-list
-- filter is pushed below the view's reason formatting into the recon_facts scan; a semi-join on
-- a subquery is not, and formatted every reason first (10x slower on the demo).
-- The merchant-side ('issued') row wins; a tax record alone (missing_in_merchant_log) is next.
-- recorded_at: when the invoice reached the tax system (null: not yet), to tell whether it was
-- there when the complaint came in. payment_id: the payment the invoice was issued for, whose
-- status (complaint_payment_status.sql) is what a complaint of an amount short is about.
with rows as (
    select subject_id as invoice_no, subject, status, reason_zh, reason_en, recorded_at,
        payment_id
    from reconciliation
    where subject in ('issued', 'tax_record') and list_contains($invoices, subject_id)
),

final as (
    select invoice_no, status, reason_zh, reason_en, recorded_at, payment_id
    from rows
    qualify row_number() over (
        partition by invoice_no
        order by case subject when 'issued' then 0 else 1 end, status
    ) = 1
)

select * from final
