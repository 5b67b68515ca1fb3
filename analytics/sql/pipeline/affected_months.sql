-- Months whose results can change when the batches in $batches are added. Besides the months of
-- the new rows themselves, a new row can change subjects elsewhere through shared keys: the
-- twin of an invoice (invoice_no), the original of a red invoice (original_invoice_no), the
-- invoices of a payment (payment_id), a 10-minute duplicate just across a month boundary, and
-- any subject of a newly registered merchant; and the invoices whose tax-system status a new
-- export moved on (tax_status_history). The linking keys are work tables built first from
-- pipeline/affected_invoices.sql and pipeline/affected_payments.sql (analytics.pipeline).
-- A payment with no invoice in the merchant log is matched to a tax record the log lacks, issued
-- up to $grace_days days after it (marts/recon_payment_matches.sql): when such a record comes,
-- gets a twin or changes, or a payment that could match one comes or gets an invoice, and it
-- has a candidate on the other side (same merchant and amount, within the window), the
-- months from $grace_days days before it to $grace_days days after it are recomputed too. Back:
-- the payments the record can match (and the records they can match, which name them); ahead:
-- the records the payment can match, and the records a new record takes a payment from.
-- $pay_lo and $pay_hi are the least and greatest affected payment id: the semi joins on
-- payment_id name them as constants, so that scans skip row groups whose ids lie outside
-- (payment ids that begin with their date, as the platforms' order numbers do, cluster by
-- month; DuckDB's own join filter does not prune these scans). 1.33-1.59 -> 0.89-0.92 s for
-- the benchmark's new day at 10M invoices.
with new_issued as (
    select * from issued_invoices where list_contains($batches, batch_id)
),

new_tax as (
    select * from tax_records where list_contains($batches, batch_id)
),

new_payments as (
    select * from payments where list_contains($batches, batch_id)
),

affected_payments as materialized (  -- read once: both the months and the matching need them
    select payment_id, merchant_id, paid_at, amount_paid, invoice_requested
    from payments semi join work_affected_payments using (payment_id)
    where payment_id between $pay_lo and $pay_hi
),

new_merchants as (
    select merchant_id from merchants where list_contains($batches, batch_id)
),

touched as (
    select issued_at as t from new_issued
    union all select issued_at + interval 10 minute from new_issued
    union all select issued_at from new_tax
    union all select recorded_at from new_tax
    union all select paid_at from new_payments
    union all select received_at from complaints where list_contains($batches, batch_id)
    -- the logged invoices and tax records of the affected numbers, by the stored key_hash:
    -- 64-bit values scan and join cheaper than 10M numbers as text (0.19 -> 0.035 s each for
    -- the benchmark's new day at 10M invoices); a hash two numbers share only adds a month
    union all select issued_at from issued_invoices
        semi join work_affected_invoices using (key_hash)
    union all select issued_at from issued_invoices
        semi join work_affected_payments using (payment_id)
        where payment_id between $pay_lo and $pay_hi
    union all select issued_at from tax_records semi join work_affected_invoices using (key_hash)
    union all select paid_at from affected_payments
    union all select issued_at from issued_invoices semi join new_merchants using (merchant_id)
    union all select issued_at from tax_records t semi join new_merchants m
        on m.merchant_id = t.seller_tax_id
    union all select paid_at from payments semi join new_merchants using (merchant_id)
    union all select received_at from complaints semi join new_merchants using (merchant_id)
),

orphans as (  -- tax records the merchant log lacks: as of the last analysis, and new ones
    select subject_id as invoice_no, merchant_id, issued_at, total_recorded as total
    from recon_tax_facts
    union all
    select invoice_no, seller_tax_id, issued_at, total_amount from new_tax
    anti join issued_invoices using (invoice_no)
),

reaching as (  -- such records and payments that have a candidate on the other side
    select o.issued_at as t
    from orphans o semi join work_affected_invoices w on w.invoice_no = o.invoice_no
    where exists (
        select 1 from payments p
        where p.invoice_requested and fw_payment_candidate(
            p.merchant_id, p.amount_paid, p.paid_at, o.merchant_id, o.total, o.issued_at,
            $grace_days)
    )
    union all
    select p.paid_at from affected_payments p
    where p.invoice_requested and exists (
        select 1 from orphans o
        where fw_payment_candidate(
            p.merchant_id, p.amount_paid, p.paid_at, o.merchant_id, o.total, o.issued_at,
            $grace_days)
    )
),

final as (
    select distinct strftime(t, '%Y-%m') as month from touched where t is not null
    union
    select distinct strftime(t - to_days($grace_days::integer), '%Y-%m') from reaching
    where t is not null
    union
    select distinct strftime(t + to_days($grace_days::integer), '%Y-%m') from reaching
    where t is not null
)

select * from final
