-- Invoice numbers the batches in $batches bring or touch (pipeline/affected_months.sql): the new
-- invoices and tax records, the originals their red invoices name, and the invoices whose
-- tax-system status a new export moved on. A work table of its own: inside the months query
-- the planner guessed millions of keys for these ~50k and built its joins on the 10M-row side.
with new_issued as (
    select invoice_no, original_invoice_no from issued_invoices
    where list_contains($batches, batch_id)
),

new_tax as (
    select invoice_no, original_invoice_no from tax_records
    where list_contains($batches, batch_id)
),

final as (
    select invoice_no from new_issued union select original_invoice_no from new_issued
    union select invoice_no from new_tax union select original_invoice_no from new_tax
    union select invoice_no from tax_status_history where list_contains($batches, batch_id)
)

-- with each number's key_hash as the loader stores it (schema/raw.sql), so the planning queries
-- look the numbers up in the raw tables by the 64-bit hash (affected_months.sql)
select invoice_no, hash(invoice_no) as key_hash from final where invoice_no is not null
