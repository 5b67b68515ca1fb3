-- Months to recompute when the as-of time moved forward from $old_as_of to $as_of: those that
-- held pending invoices (is_pending: status pending_entry, or a duplicate not yet entered, which
-- turns missing as well), those whose tax records became visible, and those whose unpaid
-- invoice requests may have crossed the $grace_days limit of the payment_not_invoiced check.
-- A newly visible tax record the merchant log lacks, with a candidate payment, may match a
-- payment made up to $grace_days days before it, and take it from a record up to $grace_days
-- days after it (marts/recon_payment_matches.sql): those months too.
with visible as materialized (  -- tax records that became visible: usually few
    select invoice_no, seller_tax_id, total_amount, issued_at from tax_records
    where recorded_at > $old_as_of and recorded_at <= $as_of
),

-- Those the merchant log lacks. An explicit anti join, which DuckDB builds on the few records
-- and probes the log with; written as `not exists`, it hashed the whole log (10M invoice
-- numbers) for a handful of records: 0.57-1.0 -> 0.15-0.18 s for the benchmark's new day at
-- 10M invoices.
twinless as (
    select * from visible anti join issued_invoices using (invoice_no)
),

touched as (
    select distinct period as month from recon_facts where is_pending
    union
    select distinct strftime(issued_at, '%Y-%m') from visible
    union
    select distinct strftime(t.issued_at + to_days(s.d * $grace_days::integer), '%Y-%m')
    from twinless t cross join (values (-1), (1)) s(d)
    where exists (
        select 1 from payments p
        where p.invoice_requested and fw_payment_candidate(
            p.merchant_id, p.amount_paid, p.paid_at, t.seller_tax_id, t.total_amount,
            t.issued_at, $grace_days)
    )
    union
    select distinct period from recon_facts
    where subject = 'payment' and status = 'not_invoiced'
        and paid_at >= $old_as_of - to_days($grace_days::integer)
        and paid_at < $as_of - to_days($grace_days::integer)
),

final as (
    select month from touched where month is not null
)

select * from final
