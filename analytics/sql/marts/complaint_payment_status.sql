-- The status of each payment a named invoice was issued for (invoiced / under_invoiced): what a
-- complaint of an amount short is about. $payments: those payment ids (complaint_invoice_status;
-- a constant list, pushed into the view's scan as in complaint_invoice_status.sql).
with rows as (
    select subject_id as payment_id, status as payment_status
    from reconciliation
    where subject = 'payment' and list_contains($payments, subject_id)
),

final as (
    select payment_id, any_value(payment_status) as payment_status from rows group by payment_id
)

select * from final
