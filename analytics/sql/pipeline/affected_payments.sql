-- Payment ids the batches in $batches bring or touch (pipeline/affected_months.sql): the new
-- invoices' and payments' own, and those of the invoices in work_affected_invoices
-- (pipeline/affected_invoices.sql).
with final as (
    select payment_id from issued_invoices where list_contains($batches, batch_id)
    union select payment_id from payments where list_contains($batches, batch_id)
    -- by the stored key_hash, as in affected_months.sql (a shared hash only adds a payment)
    union select payment_id from issued_invoices semi join work_affected_invoices using (key_hash)
)

select * from final where payment_id is not null
