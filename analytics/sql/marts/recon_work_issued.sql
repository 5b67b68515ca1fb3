-- The merchant log's invoices as the duplicate and payment rules read them, kept for one
-- reconciliation as the temp table work_issued (analytics/reconcile.py): those rules scan the
-- whole log six times.
-- Only rows those rules can reach from $months are kept (all of them on a full run,
-- $everything): red invoices, unlinked invoices up to 10 minutes before or within the months,
-- and invoices sharing a payment id (compared by 64-bit hash; a collision only keeps a row)
-- with an invoice issued, or a requested payment made, in the months.
-- Merchant and buyer matter only to invoices without a payment link (the 10-minute rule of
-- recon_duplicates.sql): left out of the others, which keeps this table a third smaller.
with issued as (
    select invoice_no, payment_id,
        if(payment_id is null, merchant_id, null) as merchant_id,
        if(payment_id is null, buyer_key, null) as buyer_key,
        issued_at, period, total_amount, is_red, is_void, original_invoice_no
    from stg_issued
),

touched_payments as (
    select distinct hash(payment_id) as h from (
        select payment_id from stg_issued
        where not $everything and payment_id is not null
            and fw_in_months(issued_at, period, $months, $lo, $hi, $consecutive)
        union all
        select payment_id from stg_paid
        where not $everything and invoice_requested
            and fw_in_months(paid_at, period, $months, $lo, $hi, $consecutive)
    )
),

final as (
    select * from issued
    where $everything or is_red
        or (payment_id is null and issued_at >= $lo - interval 10 minute and issued_at < $hi)
        or hash(payment_id) in (select h from touched_payments)
)

select * from final
